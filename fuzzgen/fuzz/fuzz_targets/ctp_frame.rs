//! CTP frames (draft-honeywell-ctp-04 §3): whatever `parse` accepts, `emit` writes back byte for
//! byte and `parse` reads again to the same frame. Then the same bytes run through a CTP
//! conversation as one TCP direction's stream, cut in two: no input may panic or hang.
#![no_main]

use dissect::engine::{Addrs, Config, Ctx, State};
use dissect::proto::ctp::{self, CtpConversation};
use dissect::stream::{PduInfo, StreamFramer};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The round trip.
    if let Ok((frame, rest)) = ctp::parse(data) {
        let used = &data[..data.len() - rest.len()];
        let bytes = frame.to_bytes();
        assert_eq!(bytes, used, "emit differs from the bytes parsed");
        let (again, tail) = ctp::parse(&bytes).expect("emitted frame parses");
        assert!(tail.is_empty());
        assert_eq!(again, frame);
        let mut tb = TreeBuilder::new();
        ctp::dissect(&frame, Tvb::new(used, 0, 0), &mut tb);
    }
    let _ = ctp::heuristic(data);

    // The stream: every frame the bytes hold, through the framer and the conversation, both
    // directions, in two segments.
    let cfg = Config::default();
    let mut st = State::default();
    let mut conv = CtpConversation::new();
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
