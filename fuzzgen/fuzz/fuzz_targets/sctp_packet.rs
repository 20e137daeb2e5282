//! A whole SCTP packet: every chunk that parses is emitted and parsed back to the same value;
//! a packet that parses is rebuilt with a correct checksum; the dissector never panics on it.
#![no_main]

use dissect::engine::{Config, Ctx, State};
use dissect::proto::sctp::{crc, emit_packet, parse_chunks_lax, Chunk, CommonHeader, Packet};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, rest)) = CommonHeader::parse(data) {
        let (chunks, _stop) = parse_chunks_lax(rest);
        for c in &chunks {
            let mut out = Vec::new();
            c.emit(&mut out);
            assert_eq!(out.len() % 4, 0);
            let (back, r) = Chunk::parse(&out).expect("an emitted chunk parses");
            assert_eq!(&back, c);
            assert!(r.is_empty());
        }
    }
    if let Ok(p) = Packet::parse(data) {
        let mut out = Vec::new();
        emit_packet(&p.header, &p.chunks, &mut out);
        assert!(crc::verify(&out).is_some());
        let q = Packet::parse(&out).expect("an emitted packet parses");
        assert_eq!(q.chunks, p.chunks);
        assert_eq!((q.header.src_port, q.header.dst_port), (p.header.src_port, p.header.dst_port));
    }
    // Twice with one state, so that association and reassembly state is exercised too.
    let cfg = Config { sctp_max_message: 1 << 16, max_flows: 64, ..Config::default() };
    let mut st = State::default();
    for n in 1..=2 {
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st: &mut st,
            frame_number: n,
            ts: (n as i64, 0),
            addrs: Default::default(),
            depth: 0,
        };
        dissect::proto::sctp::dissect(&mut ctx, Tvb::new(data, 0, 0));
    }
});
