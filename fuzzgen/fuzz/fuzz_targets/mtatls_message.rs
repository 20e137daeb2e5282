//! MTA-TLS packets (draft-badra-tls-multiplexing-01 §2): whatever `parse` accepts, `emit` writes
//! back byte for byte and `parse_as` reads again, with the reading it matched (M2), to the same
//! packet. Then the same bytes run through an MTA-TLS conversation as both directions of the
//! decrypted stream, cut in two: no input may panic or hang.
#![no_main]

use dissect::engine::{Addrs, Config, Ctx, State};
use dissect::proto::mtatls::{self, MtatlsConversation, Reading};
use dissect::stream::{PduInfo, StreamFramer};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The round trip.
    if let Ok((msg, rest)) = mtatls::parse(data) {
        let used = &data[..data.len() - rest.len()];
        let bytes = msg.to_bytes();
        assert_eq!(bytes, used, "emit differs from the bytes parsed");
        assert_eq!(msg.wire_len(), used.len());
        let reading = match msg.reading() {
            Reading::Mismatch => Reading::AfterLength,
            r => r,
        };
        let (again, tail) = mtatls::parse_as(&bytes, reading).expect("emitted packet parses");
        assert!(tail.is_empty());
        assert_eq!(again, msg);
        let mut tb = TreeBuilder::new();
        mtatls::dissect(&msg, Tvb::new(used, 0, 0), &mut tb);
    }
    let _ = mtatls::could_start(data, 1 << 24);

    // The stream: every packet the bytes hold, through the framer and the conversation, both
    // directions, in two records.
    let cfg = Config::default();
    let mut st = State::default();
    let mut conv = MtatlsConversation::new();
    let mut framers = [StreamFramer::new(), StreamFramer::new()];
    let cut = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let mut offset = [0u64; 2];
    for (i, seg) in [&data[..cut], &data[cut..]].into_iter().enumerate() {
        for dir in 0..2u8 {
            let mut ctx = Ctx {
                tb: TreeBuilder::new(),
                cfg: &cfg,
                st: &mut st,
                frame_number: (i * 2 + dir as usize + 1) as u64,
                ts: (i as i64, 0),
                addrs: Addrs::default(),
                depth: 0,
            };
            let info = PduInfo { stream: 0, dir, src_port: 1, dst_port: 2, stream_offset: offset[dir as usize] };
            framers[dir as usize].feed(&mut ctx, &mut conv, Tvb::new(seg, 0, 0), &info);
            offset[dir as usize] += seg.len() as u64;
        }
    }
});
