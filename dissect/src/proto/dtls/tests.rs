//! DTLS tests: wire round trips (proptest), the exact error at every truncation, reassembly out
//! of order and overlapping, the heuristic, CCM record protection with the DTLS sequence
//! number, and snapshots of the tree of literal datagrams through the whole engine.

use proptest::prelude::*;

use super::reasm::{Message, Reassembler, MAX_FRAGMENTS, MAX_MESSAGE, MAX_PENDING};
use super::wire::*;
use crate::capture::{linktype, Frame};
use crate::engine::{Config, Dissector};
use crate::proto::tls::{
    CipherSuite, ClientHello, ContentType, Extension, HandshakeType, ParseError, ParseOptions, ProtocolVersion,
};
use crate::tree::{field_value, Packet};

fn record_strategy() -> impl Strategy<Value = (u8, u16, u16, u64, Vec<u8>)> {
    (any::<u8>(), any::<u16>(), any::<u16>(), 0..=MAX_SEQ, prop::collection::vec(any::<u8>(), 0..64))
}

proptest! {
    #[test]
    fn record_round_trip((ct, v, epoch, seq, frag) in record_strategy(), tail in prop::collection::vec(any::<u8>(), 0..8)) {
        let r = Record { content_type: ContentType(ct), version: ProtocolVersion(v), epoch, seq, fragment: &frag };
        let mut bytes = r.to_bytes();
        prop_assert_eq!(bytes.len(), RECORD_HEADER_LEN + frag.len());
        bytes.extend_from_slice(&tail);
        let (back, rest) = parse_record(&bytes).unwrap();
        prop_assert_eq!(back, r);
        prop_assert_eq!(rest, &tail[..]);
    }

    #[test]
    fn handshake_fragment_round_trip(ty in any::<u8>(), seq in any::<u16>(), body in prop::collection::vec(any::<u8>(), 0..64),
                                     before in 0u32..1000, after in 0u32..1000) {
        let header = HandshakeHeader {
            msg_type: HandshakeType(ty),
            length: before + body.len() as u32 + after,
            message_seq: seq,
            fragment_offset: before,
            fragment_length: body.len() as u32,
        };
        let f = HandshakeFragment { header, body: &body };
        let mut bytes = Vec::new();
        f.emit(&mut bytes);
        let (back, rest) = parse_handshake_fragment(&bytes).unwrap();
        prop_assert_eq!(back, f);
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn unified_round_trip(flags in 0x20u8..0x40, seq in any::<u16>(), enc in prop::collection::vec(any::<u8>(), 0..40)) {
        // No connection id here: its length is not on the wire.
        let flags = flags & !UnifiedRecord::CID;
        let seq = if flags & UnifiedRecord::SEQ16 != 0 { seq } else { seq & 0xff };
        let u = UnifiedRecord { flags, cid: &[], seq, encrypted: &enc };
        let mut bytes = Vec::new();
        u.emit(&mut bytes);
        prop_assert_eq!(bytes.len(), u.header_len() + enc.len());
        let (back, rest) = parse_unified(&bytes, 0).unwrap();
        prop_assert_eq!(back, u);
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn client_hello_with_cookie_round_trip(cookie in prop::collection::vec(any::<u8>(), 0..=255),
                                           sid in prop::collection::vec(any::<u8>(), 0..=32),
                                           suites in prop::collection::vec(any::<u16>(), 1..8), ext in any::<bool>()) {
        let h = DtlsHandshake::ClientHello {
            hello: ClientHello {
                version: DTLS1_2,
                random: [9; 32],
                session_id: &sid,
                cipher_suites: suites.into_iter().map(CipherSuite).collect(),
                compression_methods: &[0],
                extensions: ext.then(|| vec![Extension::EncryptThenMac]),
            },
            cookie: &cookie,
        };
        let body = h.body_bytes();
        let back = parse_handshake_body_dtls(HandshakeType::CLIENT_HELLO, &body, &ParseOptions::default()).unwrap();
        prop_assert_eq!(&back.body_bytes(), &body);
        prop_assert_eq!(back, h);
    }

    /// Reassembly from any split of a message, fed in any order and with repeats, gives the
    /// message back.
    #[test]
    fn reassembly_any_order(msg in prop::collection::vec(any::<u8>(), 1..300),
                            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
                            order in any::<prop::sample::Index>(), overlap in 0usize..5) {
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(msg.len())).collect();
        points.extend([0, msg.len()]);
        points.sort_unstable();
        points.dedup();
        let mut pieces: Vec<(usize, usize)> =
            points.windows(2).map(|w| (w[0].saturating_sub(overlap), w[1])).collect();
        let n = pieces.len();
        pieces.rotate_left(order.index(n));
        let mut m = Message::new(1, msg.len()).unwrap();
        let mut completed = 0;
        for (i, &(a, b)) in pieces.iter().enumerate() {
            let r = m.add(i as u64 + 1, a, &msg[a..b]);
            prop_assert!(!r.conflict);
            prop_assert!(!r.refused);
            // Overlapping pieces may complete the message before the last one, which is then
            // a retransmission.
            prop_assert_eq!(r.duplicate, completed == 1);
            completed += usize::from(r.completed);
        }
        prop_assert_eq!(completed, 1);
        prop_assert!(m.is_complete());
        prop_assert_eq!(m.data(), &msg[..]);
    }
}

#[test]
fn record_truncation_errors() {
    let r =
        Record { content_type: ContentType(22), version: DTLS1_2, epoch: 1, seq: 0x0102_0304_0506, fragment: b"abc" };
    let bytes = r.to_bytes();
    assert_eq!(&bytes[..13], &[22, 0xfe, 0xfd, 0, 1, 1, 2, 3, 4, 5, 6, 0, 3]);
    let want = |n: usize| -> ParseError {
        let (what, offset, needed) = match n {
            0 => ("content type", 0, 1),
            1 | 2 => ("record version", 1, 2),
            3 | 4 => ("epoch", 3, 2),
            5 | 6 => ("sequence number", 5, 2),
            7..=10 => ("sequence number", 7, 4),
            11 | 12 => ("record length", 11, 2),
            _ => ("record fragment", 13, 3),
        };
        ParseError::Truncated { offset, what, needed, available: n - offset }
    };
    for n in 0..bytes.len() {
        assert_eq!(parse_record(&bytes[..n]).unwrap_err(), want(n), "prefix of {n} bytes");
    }
    assert!(parse_record(&bytes).is_ok());
}

#[test]
fn handshake_truncation_errors() {
    let f = HandshakeFragment {
        header: HandshakeHeader {
            msg_type: HandshakeType(1),
            length: 10,
            message_seq: 7,
            fragment_offset: 4,
            fragment_length: 2,
        },
        body: b"xy",
    };
    let mut bytes = Vec::new();
    f.emit(&mut bytes);
    assert_eq!(bytes, [1, 0, 0, 10, 0, 7, 0, 0, 4, 0, 0, 2, b'x', b'y']);
    let want = |n: usize| -> ParseError {
        let (what, offset, needed) = match n {
            0 => ("handshake type", 0, 1),
            1..=3 => ("handshake length", 1, 3),
            4 | 5 => ("message sequence", 4, 2),
            6..=8 => ("fragment offset", 6, 3),
            9..=11 => ("fragment length", 9, 3),
            _ => ("handshake fragment", 12, 2),
        };
        ParseError::Truncated { offset, what, needed, available: n - offset }
    };
    for n in 0..bytes.len() {
        assert_eq!(parse_handshake_fragment(&bytes[..n]).unwrap_err(), want(n), "prefix of {n} bytes");
    }
    // A fragment past the end of its message (RFC 6347 §4.2.3).
    let mut bad = bytes.clone();
    bad[8] = 9;
    assert!(matches!(
        parse_handshake_fragment(&bad),
        Err(ParseError::BadLength { offset: 9, what: "fragment length", found: 2, .. })
    ));
}

#[test]
fn hello_verify_request_reads_and_writes() {
    // RFC 6347 §4.2.1: server_version, then cookie<0..2^8-1>.
    let body = [0xfe, 0xff, 3, 0xaa, 0xbb, 0xcc];
    let h = parse_handshake_body_dtls(HELLO_VERIFY_REQUEST, &body, &ParseOptions::default()).unwrap();
    assert_eq!(
        h,
        DtlsHandshake::HelloVerifyRequest(HelloVerifyRequest { server_version: DTLS1_0, cookie: &body[3..] })
    );
    assert_eq!(h.body_bytes(), body);
    assert_eq!(
        parse_handshake_body_dtls(HELLO_VERIFY_REQUEST, &body[..5], &ParseOptions::default()).unwrap_err(),
        ParseError::Truncated { offset: 3, what: "cookie", needed: 3, available: 2 }
    );
    assert!(matches!(
        parse_handshake_body_dtls(HELLO_VERIFY_REQUEST, &[0xfe, 0xff, 0, 1], &ParseOptions::default()),
        Err(ParseError::Trailing { offset: 3, count: 1, .. })
    ));
}

#[test]
fn full_sequence_number_is_epoch_and_seq() {
    let r = Record { content_type: ContentType(23), version: DTLS1_2, epoch: 2, seq: 5, fragment: &[] };
    assert_eq!(r.full_seq(), (2 << 48) | 5);
}

#[test]
fn reassembly_overlap_conflict_duplicate_and_caps() {
    let msg: Vec<u8> = (0..100u8).collect();
    let mut m = Message::new(11, 100).unwrap();
    assert!(!m.add(1, 50, &msg[50..]).completed);
    // Overlapping with the same bytes: noted, no conflict.
    let r = m.add(2, 40, &msg[40..60]);
    assert!(r.overlap && !r.conflict && !r.completed);
    // Overlapping with different bytes: conflict; the held bytes stay.
    let r = m.add(3, 40, &[0xff; 10]);
    assert!(r.overlap && r.conflict);
    let r = m.add(4, 0, &msg[..40]);
    assert!(r.completed);
    assert_eq!(m.data(), &msg[..]);
    assert_eq!(m.completed_in, Some(4));
    assert_eq!(m.fragments.iter().map(|f| f.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    // A retransmission after completion.
    let r = m.add(5, 10, &msg[10..20]);
    assert!(r.duplicate && !r.conflict && !r.completed);
    // Past the end of the message: refused.
    assert!(m.add(6, 95, &[0; 10]).refused);

    assert!(Message::new(1, MAX_MESSAGE + 1).is_none());
    let mut m = Message::new(1, 1000).unwrap();
    for i in 0..MAX_FRAGMENTS {
        assert!(!m.add(i as u64, 0, &[0]).refused);
    }
    assert!(m.add(0, 1, &[0]).refused);

    let mut r = Reassembler::default();
    for s in 0..=MAX_PENDING as u16 {
        assert!(r.message((0, s), 1, 10).is_some());
    }
    assert_eq!(r.evicted, 1);
    // The same message_seq with another length is not mixed in.
    assert!(r.message((0, 3), 1, 11).is_none());
}

#[test]
fn heuristic_is_strict() {
    let rec = |ct: u8, v: u16, frag: &[u8]| {
        Record { content_type: ContentType(ct), version: ProtocolVersion(v), epoch: 0, seq: 0, fragment: frag }
            .to_bytes()
    };
    assert!(super::heuristic(&rec(22, 0xfefd, b"x")));
    assert!(super::heuristic(&rec(23, 0xfeff, b"x")));
    assert!(super::heuristic(&rec(22, 0x0100, b"x")));
    assert!(!super::heuristic(&rec(22, 0x0303, b"x")), "TLS version");
    assert!(!super::heuristic(&rec(26, 0xfefd, b"x")), "content type");
    assert!(!super::heuristic(&rec(22, 0xfefd, b"")), "empty record");
    let r = rec(22, 0xfefd, b"xyz");
    assert!(!super::heuristic(&r[..r.len() - 1]), "length past the datagram");
}

/// AES-128-CCM (16-byte tag) with the DTLS 64-bit sequence number (epoch || seq) in the
/// additional data (RFC 6655 §3, RFC 6347 §4.1.2.1): sealed here with the `ccm` crate from the
/// key block, opened by the shared record cipher.
#[test]
fn ccm_record_opens_with_epoch_and_sequence() {
    use crate::proto::tls::crypto::{prf, suite_crypto, HashAlg, RecordCipher};
    use ccm::aead::{Aead, KeyInit, Payload};
    use ccm::consts::{U12, U16};
    let sc = suite_crypto(CipherSuite(0xc0ac)).unwrap();
    let (ms, cr, sr) = ([5u8; 48], [6u8; 32], [7u8; 32]);
    let mut seed = sr.to_vec();
    seed.extend_from_slice(&cr);
    // client_write_key is the first 16 bytes, client_write_IV (salt) at 32..36.
    let kb = prf(HashAlg::Sha256, &ms, b"key expansion", &seed, 40);
    let c = ccm::Ccm::<aes::Aes128, U16, U12>::new_from_slice(&kb[..16]).unwrap();
    let explicit = [0, 1, 0, 0, 0, 0, 0, 9];
    let mut nonce = kb[32..36].to_vec();
    nonce.extend_from_slice(&explicit);
    let (epoch, seq) = (1u64, 9u64);
    let mut aad = ((epoch << 48) | seq).to_be_bytes().to_vec();
    aad.extend_from_slice(&[23, 0xfe, 0xfd, 0, 5]);
    let sealed = c.encrypt(nonce.as_slice().into(), Payload { msg: b"hello", aad: &aad }).unwrap();
    let mut frag = explicit.to_vec();
    frag.extend_from_slice(&sealed);
    let mut rc = RecordCipher::tls12(sc, &ms, &cr, &sr, true, false);
    rc.set_seq((epoch << 48) | seq);
    let p = rc.decrypt(ContentType(23), DTLS1_2, &frag).unwrap();
    assert_eq!(p.data, b"hello");
    // Another sequence number: the tag fails.
    rc.set_seq(seq);
    assert!(rc.decrypt(ContentType(23), DTLS1_2, &frag).is_err());
}

// ---- through the engine ----

/// An IPv4/UDP frame (raw IP link type) from 10.0.0.1:sport to 10.0.0.2:dport, or back.
fn udp_frame(n: u64, back: bool, sport: u16, dport: u16, payload: &[u8]) -> Frame {
    let (src, dst, sp, dp) =
        if back { ([10, 0, 0, 2], [10, 0, 0, 1], dport, sport) } else { ([10, 0, 0, 1], [10, 0, 0, 2], sport, dport) };
    let total = 20 + 8 + payload.len();
    let mut ip = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 17, 0, 0];
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let sum: u32 = ip.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]) as u32).sum();
    let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let ul = 8 + payload.len();
    ip.extend_from_slice(&sp.to_be_bytes());
    ip.extend_from_slice(&dp.to_be_bytes());
    ip.extend_from_slice(&[(ul >> 8) as u8, ul as u8, 0, 0]);
    ip.extend_from_slice(payload);
    Frame {
        number: n,
        ts_sec: 1_700_000_000 + n as i64,
        linktype: linktype::RAW,
        orig_len: ip.len() as u32,
        data: ip,
        ..Default::default()
    }
}

fn run(frames: Vec<Frame>) -> Vec<Packet> {
    let mut d = Dissector::new(Config::default());
    frames.into_iter().map(|f| d.dissect(f)).collect()
}

fn vals(p: &Packet, abbrev: &str) -> Vec<String> {
    p.values(abbrev).iter().map(|n| field_value(n.def, &n.value)).collect()
}

fn client_hello(cookie: &[u8]) -> Vec<u8> {
    DtlsHandshake::ClientHello {
        hello: ClientHello {
            version: DTLS1_2,
            random: [0x11; 32],
            session_id: &[],
            cipher_suites: vec![CipherSuite(0xc0ae), CipherSuite(0xc02b)],
            compression_methods: &[0],
            extensions: Some(vec![Extension::EncryptThenMac]),
        },
        cookie,
    }
    .body_bytes()
}

fn hs_record(seq: u64, ty: u8, msg_seq: u16, whole: &[u8], off: usize, len: usize) -> Vec<u8> {
    let mut frag = Vec::new();
    HandshakeFragment {
        header: HandshakeHeader {
            msg_type: HandshakeType(ty),
            length: whole.len() as u32,
            message_seq: msg_seq,
            fragment_offset: off as u32,
            fragment_length: len as u32,
        },
        body: &whole[off..off + len],
    }
    .emit(&mut frag);
    Record { content_type: ContentType(22), version: DTLS1_0, epoch: 0, seq, fragment: &frag }.to_bytes()
}

/// The exchange of RFC 6347 §4.2.1 on port 4433: a ClientHello, a HelloVerifyRequest, the
/// ClientHello again with the cookie in three fragments sent out of order and overlapping (two
/// records in the last datagram), then a DTLS 1.3 unified header.
fn exchange() -> Vec<Frame> {
    let ch = client_hello(&[]);
    let cookie = [0xc0, 0x0c, 0x1e];
    let ch2 = client_hello(&cookie);
    let mut hvr = vec![0xfe, 0xff, 3];
    hvr.extend_from_slice(&cookie);
    let n = ch2.len();
    let mut last = hs_record(3, 1, 1, &ch2, 0, 20);
    last.extend(hs_record(4, 1, 1, &ch2, 15, 20));
    vec![
        udp_frame(1, false, 50000, 4433, &hs_record(0, 1, 0, &ch, 0, ch.len())),
        udp_frame(2, true, 50000, 4433, &hs_record(0, 3, 0, &hvr, 0, hvr.len())),
        udp_frame(3, false, 50000, 4433, &hs_record(1, 1, 1, &ch2, 30, n - 30)),
        udp_frame(4, false, 50000, 4433, &last),
        udp_frame(5, true, 50000, 4433, &[0x2d, 0x00, 0x07, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef]),
    ]
}

#[test]
fn exchange_fields() {
    let ps = run(exchange());
    let ch2 = client_hello(&[0xc0, 0x0c, 0x1e]);
    assert_eq!(vals(&ps[0], "dtls.handshake.type"), ["1"]);
    assert_eq!(vals(&ps[0], "dtls.handshake.cookie_length"), ["0"]);
    assert_eq!(vals(&ps[0], "dtls.handshake.ciphersuite"), ["0xc0ae", "0xc02b"]);
    assert_eq!(vals(&ps[1], "dtls.handshake.type"), ["3"]);
    assert_eq!(vals(&ps[1], "dtls.handshake.version"), ["0xfeff"]);
    assert_eq!(vals(&ps[1], "dtls.handshake.cookie"), ["c00c1e"]);
    assert_eq!(ps[1].summary.info, "Hello Verify Request");
    assert_eq!(ps[2].summary.info, "Client Hello (Fragment)");
    assert_eq!(vals(&ps[3], "dtls.record.sequence_number"), ["3", "4"]);
    assert_eq!(ps[3].summary.info, "Client Hello (Fragment), Client Hello (Reassembled)");
    assert_eq!(vals(&ps[3], "dtls.fragment.overlap"), ["1"]);
    assert_eq!(vals(&ps[3], "dtls.fragment.count"), ["3"]);
    assert_eq!(vals(&ps[3], "dtls.reassembled.length"), [ch2.len().to_string()]);
    assert_eq!(vals(&ps[3], "dtls.handshake.cookie"), ["c00c1e"]);
    assert_eq!(vals(&ps[4], "dtls.unified_header.flags"), ["0x2d"]);
    assert_eq!(vals(&ps[4], "dtls.unified_header.sequence_number"), ["7"]);
    assert_eq!(vals(&ps[4], "dtls.unified_header.length"), ["4"]);
    for p in &ps {
        assert!(!p.malformed, "frame {} malformed", p.number);
    }
}

#[test]
fn exchange_snapshot() {
    let mut text = Vec::new();
    for mut p in run(exchange()) {
        p.layers.retain(|l| matches!(l.def.abbrev, "dtls" | "data" | "_ws.malformed"));
        text.extend_from_slice(format!("Frame {}: {} | {}\n", p.number, p.summary.protocol, p.summary.info).as_bytes());
        crate::output::text::write_tree(&mut text, &p).unwrap();
        text.push(b'\n');
    }
    insta::assert_snapshot!("exchange", String::from_utf8(text).unwrap());
}

/// Truncated and malformed datagrams: expert infos, never a panic.
#[test]
fn malformed_datagrams_are_reported() {
    let ch = client_hello(&[]);
    let good = hs_record(0, 1, 0, &ch, 0, ch.len());
    let mut frames = Vec::new();
    for (i, n) in [14usize, 20, good.len() - 1].into_iter().enumerate() {
        let mut d = good[..n].to_vec();
        // Keep the heuristic's length check true: shorten the record length field.
        let l = (n - RECORD_HEADER_LEN) as u16;
        d[11..13].copy_from_slice(&l.to_be_bytes());
        frames.push(udp_frame(i as u64 + 1, false, 50000, 4433, &d));
    }
    let ps = run(frames);
    for p in &ps {
        assert!(
            p.experts.iter().any(|e| e.message.contains("handshake")),
            "frame {}: {:?}",
            p.number,
            p.experts.iter().map(|e| &e.message).collect::<Vec<_>>()
        );
    }
}

/// An IPv4/SCTP packet with one DATA chunk (a whole user message on stream 0).
fn sctp_frame(n: u64, tsn: u32, stream: u16, payload: &[u8]) -> Frame {
    let mut sctp = Vec::new();
    sctp.extend_from_slice(&5061u16.to_be_bytes());
    sctp.extend_from_slice(&5061u16.to_be_bytes());
    sctp.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0]);
    let clen = 16 + payload.len();
    sctp.extend_from_slice(&[0, 0x03, (clen >> 8) as u8, clen as u8]);
    sctp.extend_from_slice(&tsn.to_be_bytes());
    sctp.extend_from_slice(&stream.to_be_bytes());
    sctp.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    sctp.extend_from_slice(payload);
    while sctp.len() % 4 != 0 {
        sctp.push(0);
    }
    let crc = crate::proto::sctp::crc::crc32c_field(&sctp);
    sctp[8..12].copy_from_slice(&crc.to_be_bytes());
    let mut f = udp_frame(n, false, 1, 1, &[]);
    let total = 20 + sctp.len();
    let mut ip = f.data[..20].to_vec();
    ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    ip[9] = 132;
    ip[10..12].copy_from_slice(&[0, 0]);
    let sum: u32 = ip.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]) as u32).sum();
    let sum = !(((sum & 0xffff) + (sum >> 16)) as u16);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    ip.extend_from_slice(&sctp);
    f.orig_len = ip.len() as u32;
    f.data = ip;
    f
}

/// DTLS over SCTP (RFC 6083, SPEC-NOTES G5): a record per user message; two records in one
/// message are shown and flagged (§3.2), and so is a handshake off stream 0 (§4.4).
#[test]
fn over_sctp_one_record_per_message() {
    let ch = client_hello(&[]);
    let one = hs_record(0, 1, 0, &ch, 0, ch.len());
    let mut two =
        Record { content_type: ContentType(20), version: DTLS1_2, epoch: 0, seq: 1, fragment: &[1] }.to_bytes();
    two.extend(Record { content_type: ContentType(20), version: DTLS1_2, epoch: 0, seq: 2, fragment: &[1] }.to_bytes());
    let cfg = Config {
        decode_as: vec![crate::engine::DecodeAs::parse("sctp.port==5061,dtls").unwrap()],
        ..Config::default()
    };
    let mut d = Dissector::new(cfg);
    let frames = [sctp_frame(1, 1, 0, &one), sctp_frame(2, 2, 0, &two), sctp_frame(3, 3, 1, &one)];
    let ps: Vec<Packet> = frames.into_iter().map(|f| d.dissect(f)).collect();
    assert_eq!(vals(&ps[0], "dtls.handshake.type"), ["1"]);
    assert!(!ps[0].experts.iter().any(|e| e.message.contains("RFC 6083")));
    assert_eq!(vals(&ps[1], "dtls.record.sequence_number"), ["1", "2"]);
    assert!(ps[1].experts.iter().any(|e| e.message.contains("More than one DTLS record in an SCTP user message")));
    assert!(!ps[1].experts.iter().any(|e| e.message.contains("§4.4")));
    assert_eq!(vals(&ps[2], "dtls.handshake.type"), ["1"]);
    assert!(ps[2]
        .experts
        .iter()
        .any(|e| e.message == "DTLS handshake on stream 1 (RFC 6083 §4.4: stream 0, ordered delivery)"));
}
