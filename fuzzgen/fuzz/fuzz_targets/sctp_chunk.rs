//! One chunk: if it parses, emitting it gives bytes that parse to the same value, padded to 4
//! with zeros, whose length field counts all but the padding.
#![no_main]

use dissect::proto::sctp::Chunk;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((c, _rest)) = Chunk::parse(data) else { return };
    let mut out = vec![0xa5; 3];
    c.emit(&mut out);
    assert_eq!(&out[..3], &[0xa5; 3]);
    let b = &out[3..];
    assert_eq!(b.len() % 4, 0);
    let len = u16::from_be_bytes([b[2], b[3]]) as usize;
    assert!(len <= b.len() && b.len() - len < 4 && b[len..].iter().all(|&x| x == 0));
    let (back, rest) = Chunk::parse(b).expect("an emitted chunk parses");
    assert_eq!(back, c);
    assert!(rest.is_empty());
    // Emitting what was parsed back gives the same bytes.
    let mut again = Vec::new();
    back.emit(&mut again);
    assert_eq!(again, b);
});
