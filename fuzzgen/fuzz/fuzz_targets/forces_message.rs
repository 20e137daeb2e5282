//! ForCES messages (RFC 5810 §6, §7): whatever `parse` accepts, `emit` writes back byte for byte
//! and `parse` reads again to the same message; every TLV list, in every scope, re-emits the
//! bytes it was read from. Then the bytes run through the SCTP entry point as user messages on
//! each TML channel and both directions (pairing state shared): no input may panic or hang.
#![no_main]

use dissect::engine::{Addrs, Config, Ctx, SctpMessage, State};
use dissect::proto::forces::{self, Scope};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The round trip.
    if let Ok((msg, rest)) = forces::parse(data) {
        let used = &data[..data.len() - rest.len()];
        let bytes = msg.to_bytes();
        assert_eq!(bytes, used, "emit differs from the bytes parsed");
        let (again, tail) = forces::parse(&bytes).expect("emitted message parses");
        assert!(tail.is_empty());
        assert_eq!(again, msg);
        let mut tb = TreeBuilder::new();
        forces::dissect(Tvb::new(used, 0, 0), &mut tb);
    }
    for scope in [Scope::Top, Scope::Lfb, Scope::Data, Scope::Redirect] {
        let t = forces::parse_tlvs(data, scope);
        let mut out = Vec::new();
        t.emit(&mut out);
        assert_eq!(out, data, "TLV list re-emits differently in {scope:?}");
    }
    let _ = forces::heuristic(data);

    // Through the SCTP entry point: HP, LP and the draft's streams, both ways.
    let cfg = Config::default();
    let mut st = State::default();
    let cut = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let mut n = 0;
    for seg in [data, &data[..cut], &data[cut..]] {
        for (port, ppid, stream) in [(6704, 21, 0), (6706, 0, 0), (6703, 0, 1)] {
            for dir in 0..2u8 {
                n += 1;
                let mut ctx = Ctx {
                    tb: TreeBuilder::new(),
                    cfg: &cfg,
                    st: &mut st,
                    frame_number: n,
                    ts: (n as i64, 0),
                    addrs: Addrs::default(),
                    depth: 0,
                };
                let (src_port, dst_port) = if dir == 0 { (40000, port) } else { (port, 40000) };
                let m = SctpMessage { assoc: 0, dir, src_port, dst_port, stream, ppid, unordered: false };
                (forces::SCTP.dissect)(&mut ctx, &m, Tvb::new(seg, 0, 0));
            }
        }
    }
});
