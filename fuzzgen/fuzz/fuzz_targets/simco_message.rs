//! SIMCO messages (RFC 4540 §4): whatever `parse` accepts, `emit` writes back byte for byte and
//! `parse` reads again to the same message. Then the same bytes run through the engine as an
//! SCTP user message (PPID 15) and as both directions of a TCP connection to port 7626, cut in
//! two: no input may panic or hang.
#![no_main]

use dissect::engine::{app_sctp, app_tcp, Addrs, Config, Ctx, SctpMessage, State, TcpPayload};
use dissect::proto::simco;
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The round trip.
    if let Ok((m, rest)) = simco::parse(data) {
        let used = &data[..data.len() - rest.len()];
        let bytes = m.to_bytes();
        assert_eq!(bytes, used, "emit differs from the bytes parsed");
        let (again, tail) = simco::parse(&bytes).expect("emitted message parses");
        assert!(tail.is_empty());
        assert_eq!(again, m);
    }

    let cfg = Config::default();
    let mut st = State::default();
    let mut n = 0u64;
    let mut ctx_for = |st: &mut State, f: &mut dyn FnMut(&mut Ctx)| {
        n += 1;
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st,
            frame_number: n,
            ts: (n as i64, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        f(&mut ctx);
    };
    // One SCTP user message, on the stream the first byte names.
    let stream = data.first().map_or(0, |b| u16::from(*b & 7));
    let msg = SctpMessage {
        assoc: 0,
        dir: 0,
        src_port: 40000,
        dst_port: simco::PORT,
        stream,
        ppid: simco::PPID,
        unordered: false,
    };
    ctx_for(&mut st, &mut |ctx| app_sctp(ctx, &msg, Tvb::new(data, 0, 0)));
    // The TCP stream, both directions, in two segments.
    let cut = data.get(1).map_or(0, |b| usize::from(*b)).min(data.len());
    let mut offset = [0u64; 2];
    for seg in [&data[..cut], &data[cut..]] {
        for dir in 0..2u8 {
            let p = TcpPayload {
                stream: 0,
                dir,
                src_port: 40000,
                dst_port: simco::PORT,
                stream_offset: offset[dir as usize],
            };
            ctx_for(&mut st, &mut |ctx| app_tcp(ctx, &p, Tvb::new(seg, 0, 0)));
            offset[dir as usize] += seg.len() as u64;
        }
    }
});
