//! TLS wire model: whatever parses as a record, a handshake message (TLS 1.2 and TLS 1.3
//! readings), an extension block or a key exchange body is written back byte for byte by `emit`,
//! and parsing never panics.
#![no_main]
use dissect::engine::{Addrs, Config, Ctx, State};
use dissect::proto::tls::{
    parse_extension_block, parse_handshake, parse_record, ClientKeyExchangeBody, DheServerParams, EcdheServerParams,
    ExtContext, KeyExchange, ParseOptions,
};
use dissect::proto::tls::{Sslv2ClientHello, TlsConversation};
use dissect::stream::{PduInfo, StreamFramer};
use dissect::tree::{TreeBuilder, Tvb};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((r, rest)) = parse_record(data) {
        let mut out = Vec::new();
        r.emit(&mut out);
        assert_eq!(out, &data[..data.len() - rest.len()]);
    }
    for opts in [ParseOptions::default(), ParseOptions::tls13()] {
        if let Ok((h, rest)) = parse_handshake(data, &opts) {
            let mut out = Vec::new();
            h.emit(&mut out);
            assert_eq!(out, &data[..data.len() - rest.len()]);
        }
        for ctx in [ExtContext::ClientHello, ExtContext::ServerHello, ExtContext::HelloRetryRequest, ExtContext::Other]
        {
            if let Ok((v, rest)) = parse_extension_block(data, ctx, &opts) {
                let mut out = Vec::new();
                dissect::proto::tls::emit_extensions(&mut out, &v);
                assert_eq!(out, &data[..data.len() - rest.len()]);
            }
        }
        if let Ok(p) = EcdheServerParams::parse(data, &opts) {
            let mut out = Vec::new();
            p.emit(&mut out);
            assert_eq!(out, data);
        }
        if let Ok(p) = DheServerParams::parse(data, &opts) {
            let mut out = Vec::new();
            p.emit(&mut out);
            assert_eq!(out, data);
        }
    }
    for kex in [KeyExchange::Ecdhe, KeyExchange::Rsa, KeyExchange::Dhe] {
        if let Ok(b) = ClientKeyExchangeBody::parse(data, kex) {
            let mut out = Vec::new();
            b.emit(&mut out);
            assert_eq!(out, data);
        }
    }
    if let Ok((h, rest)) = Sslv2ClientHello::parse(data) {
        let mut out = Vec::new();
        h.emit(&mut out);
        assert_eq!(out, &data[..data.len() - rest.len()]);
    }
    let _ = dissect::proto::tls::heuristic(data);

    // The stream: the bytes as both directions of one connection, in two segments, through the
    // framer and the conversation (handshake reassembly, session state). No input may panic.
    let cfg = Config::default();
    let mut st = State::default();
    let mut conv = TlsConversation::new();
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
            let info = PduInfo { stream: 0, dir, src_port: 50000, dst_port: 443, stream_offset: offset[dir as usize] };
            framers[dir as usize].feed(&mut ctx, &mut conv, Tvb::new(seg, 0, 0), &info);
            offset[dir as usize] += seg.len() as u64;
        }
    }
});
