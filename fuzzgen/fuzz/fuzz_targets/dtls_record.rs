//! DTLS wire model: whatever parses as a record, a DTLS 1.3 unified header, a handshake fragment
//! or a handshake body (ClientHello with cookie, HelloVerifyRequest, the TLS bodies) is written
//! back byte for byte by `emit`; and the bytes as datagrams of one association, both ways, go
//! through the whole DTLS dissector (records, reassembly, session) without a panic.
#![no_main]
use dissect::engine::{Addrs, Config, Ctx, State};
use dissect::proto::dtls::conv::{dissect, ConvKey, SctpCarrier};
use dissect::proto::dtls::wire::{
    parse_handshake_body_dtls, parse_handshake_fragment, parse_record, parse_unified, HandshakeFragment,
};
use dissect::proto::tls::{HandshakeType, ParseOptions};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((r, rest)) = parse_record(data) {
        assert_eq!(r.to_bytes(), &data[..data.len() - rest.len()]);
    }
    if let Ok((u, rest)) = parse_unified(data, 0) {
        let mut out = Vec::new();
        u.emit(&mut out);
        assert_eq!(out, &data[..data.len() - rest.len()]);
    }
    if let Ok((f, rest)) = parse_handshake_fragment(data) {
        let mut out = Vec::new();
        HandshakeFragment { header: f.header, body: f.body }.emit(&mut out);
        assert_eq!(out, &data[..data.len() - rest.len()]);
    }
    if let Some((&ty, body)) = data.split_first() {
        if let Ok(h) = parse_handshake_body_dtls(HandshakeType(ty), body, &ParseOptions::default()) {
            assert_eq!(h.body_bytes(), body);
        }
    }
    let _ = dissect::proto::dtls::heuristic(data);

    // The bytes cut in two datagrams, each sent both ways on one association.
    let cfg = Config::default();
    let mut st = State::default();
    let cut = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    for (i, dg) in [&data[..cut], &data[cut..]].into_iter().enumerate() {
        for dir in 0..2u16 {
            let mut ctx = Ctx {
                tb: TreeBuilder::new(),
                cfg: &cfg,
                st: &mut st,
                frame_number: (i * 2 + dir as usize + 1) as u64,
                ts: (i as i64, 0),
                addrs: Addrs::default(),
                depth: 0,
            };
            let sctp = (i == 1).then_some(SctpCarrier { stream: dir, unordered: false });
            dissect(&mut ctx, ConvKey::Udp(0), (None, 50000 + dir), Tvb::new(dg, 0, 0), sctp);
        }
    }
});
