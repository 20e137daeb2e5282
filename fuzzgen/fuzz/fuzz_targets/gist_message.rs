//! GIST messages (RFC 5971 Appendix A): whatever `parse` accepts, `emit` writes back byte for byte
//! and `parse` reads again to the same message; the same for a D-mode datagram. Then the bytes
//! run through the `gist` layer on every transport and through the C-mode byte stream framing,
//! cut in two: no input may panic or hang.
#![no_main]

use dissect::engine::{Addrs, Config, Ctx, State};
use dissect::proto::gist::{self, GistStream, Transport};
use dissect::stream::{PduInfo, StreamFramer};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((m, rest)) = gist::parse(data) {
        let used = &data[..data.len() - rest.len()];
        let bytes = m.to_bytes();
        assert_eq!(bytes, used, "emit differs from the bytes parsed");
        let (again, tail) = gist::parse(&bytes).expect("emitted message parses");
        assert!(tail.is_empty());
        assert_eq!(again, m);
    }
    if let Ok((m, rest)) = gist::parse_dmode(data) {
        let mut bytes = Vec::new();
        m.emit_dmode(&mut bytes);
        assert_eq!(bytes, &data[..data.len() - rest.len()]);
    }
    let _ = gist::heuristic_cmode(data);
    let _ = gist::heuristic_dmode(data);

    let cfg = Config::default();
    let mut st = State::default();
    for (n, t) in
        [Transport::Udp, Transport::Tcp, Transport::Sctp, Transport::Tls, Transport::Dtls].into_iter().enumerate()
    {
        let mut c = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st: &mut st,
            frame_number: n as u64 + 1,
            ts: (0, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        gist::dissect_message(&mut c, Tvb::new(data, 0, 0), t);
    }
    let mut framer = StreamFramer::new();
    let mut proto = GistStream { transport: Transport::Tcp };
    let cut = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let mut offset = 0u64;
    for (i, seg) in [&data[..cut], &data[cut..]].into_iter().enumerate() {
        let mut c = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st: &mut st,
            frame_number: i as u64 + 10,
            ts: (1, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        let info = PduInfo { stream: 0, dir: 0, src_port: 1, dst_port: 2, stream_offset: offset };
        framer.feed(&mut c, &mut proto, Tvb::new(seg, 0, 0), &info);
        offset += seg.len() as u64;
    }
});
