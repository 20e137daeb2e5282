//! One chunk parameter, and a whole parameter list: parse, emit, parse back, same value.
#![no_main]

use dissect::proto::sctp::Param;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((p, _rest)) = Param::parse(data) {
        let mut out = Vec::new();
        p.emit(&mut out);
        assert_eq!(out.len() % 4, 0);
        let (back, rest) = Param::parse(&out).expect("an emitted parameter parses");
        assert_eq!(back, p);
        assert!(rest.is_empty());
    }
    if let Ok(list) = Param::parse_list(data) {
        let mut out = Vec::new();
        let n = Param::emit_list(&list, &mut out);
        assert_eq!(Param::parse_list(&out[..n]).expect("an emitted list parses"), list);
    }
});
