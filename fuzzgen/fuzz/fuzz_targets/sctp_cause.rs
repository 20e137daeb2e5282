//! One error cause, and a whole cause list: parse, emit, parse back, same value.
#![no_main]

use dissect::proto::sctp::Cause;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((c, _rest)) = Cause::parse(data) {
        let mut out = Vec::new();
        c.emit(&mut out);
        assert_eq!(out.len() % 4, 0);
        let (back, rest) = Cause::parse(&out).expect("an emitted cause parses");
        assert_eq!(back, c);
        assert!(rest.is_empty());
    }
    if let Ok(list) = Cause::parse_list(data) {
        let mut out = Vec::new();
        let n = Cause::emit_list(&list, &mut out);
        assert_eq!(Cause::parse_list(&out[..n]).expect("an emitted list parses"), list);
    }
});
