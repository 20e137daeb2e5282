//! TLS tests: literal bytes from the RFCs' structures, the exact error at every truncation
//! length, proptest round trips of every message and extension, the stream (records across
//! segments, handshake messages across records), decryption of the own OpenSSL captures, and
//! the expert infos for missing or wrong keys.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::engine::{Addrs, Config, Ctx, Dissector, State};
use crate::stream::{PduInfo, StreamFramer};
use crate::tree::{Group, Packet, Severity, TreeBuilder, Tvb, Value};

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

// ---------------------------------------------------------------- literal bytes

/// A ClientHello written out by hand from RFC 5246 §7.4.1.2 and RFC 6066 §3 / RFC 7301 §3.1.
fn client_hello_bytes() -> Vec<u8> {
    let mut b = vec![
        0x01, 0x00, 0x00, 0x00, // handshake type 1, length patched below
        0x03, 0x03, // client_version TLS 1.2
    ];
    b.extend_from_slice(&[0xaa; 32]); // random
    b.extend_from_slice(&[0x00]); // session id <0..32>: empty
    b.extend_from_slice(&[0x00, 0x04, 0x13, 0x01, 0xc0, 0x2f]); // two cipher suites
    b.extend_from_slice(&[0x01, 0x00]); // compression: null
    let mut e = Vec::new();
    // server_name: list len 11, host_name(0), len 8, "tls.test"
    e.extend_from_slice(&[0x00, 0x00, 0x00, 0x0d, 0x00, 0x0b, 0x00, 0x00, 0x08]);
    e.extend_from_slice(b"tls.test");
    // ALPN: list len 6, "ctp/1"
    e.extend_from_slice(&[0x00, 0x10, 0x00, 0x08, 0x00, 0x06, 0x05]);
    e.extend_from_slice(b"ctp/1");
    // supported_versions: 2 versions
    e.extend_from_slice(&[0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03]);
    // data_multiplexing, empty (M1: 0xFF4D)
    e.extend_from_slice(&[0xff, 0x4d, 0x00, 0x00]);
    // encrypt_then_mac
    e.extend_from_slice(&[0x00, 0x16, 0x00, 0x00]);
    b.extend_from_slice(&(e.len() as u16).to_be_bytes());
    b.extend_from_slice(&e);
    let len = b.len() - 4;
    b[1..4].copy_from_slice(&(len as u32).to_be_bytes()[1..]);
    b
}

#[test]
fn literal_client_hello_reads_every_field() {
    let b = client_hello_bytes();
    let (h, rest) = parse_handshake(&b, &ParseOptions::default()).unwrap();
    assert!(rest.is_empty());
    let Handshake::ClientHello(ch) = &h else { panic!("{h:?}") };
    assert_eq!(ch.version, ProtocolVersion::TLS1_2);
    assert_eq!(ch.random, [0xaa; 32]);
    assert!(ch.session_id.is_empty());
    assert_eq!(ch.cipher_suites, vec![CipherSuite(0x1301), CipherSuite(0xc02f)]);
    assert_eq!(ch.compression_methods, &[0]);
    let e = ch.extensions.as_ref().unwrap();
    assert_eq!(e[0], Extension::ServerName(vec![ServerName { name_type: 0, name: b"tls.test" }]));
    assert_eq!(e[1], Extension::Alpn(vec![b"ctp/1"]));
    assert_eq!(e[2], Extension::SupportedVersions(vec![ProtocolVersion::TLS1_3, ProtocolVersion::TLS1_2]));
    assert_eq!(e[3], Extension::DataMultiplexing { ty: 0xff4d });
    assert_eq!(e[4], Extension::EncryptThenMac);
    // Emitted into a buffer pre-filled with 0xa5, every byte is written.
    let mut out = vec![0xa5; 3];
    h.emit(&mut out);
    assert_eq!(&out[3..], &b[..]);
    // With another data_multiplexing type, 0xFF4D is an unknown extension.
    let opts = ParseOptions { mux_ext_type: 0xfe00, ..ParseOptions::default() };
    let (h2, _) = parse_handshake(&b, &opts).unwrap();
    let Handshake::ClientHello(ch2) = h2 else { panic!() };
    assert_eq!(ch2.extensions.unwrap()[3], Extension::Unknown { ty: ExtensionType(0xff4d), data: &[] });
}

#[test]
fn data_multiplexing_with_a_body_is_kept_as_unknown() {
    // draft-badra-tls-multiplexing-01 §2: extension_data SHALL be empty.
    let e = Extension::from_body(0xff4d, &[1], ExtContext::ClientHello, &ParseOptions::default());
    assert_eq!(e, Extension::Unknown { ty: ExtensionType(0xff4d), data: &[1] });
}

#[test]
fn extension_bodies_depend_on_the_message() {
    let o = ParseOptions::tls13();
    // supported_versions: a list in ClientHello, one version in ServerHello (RFC 8446 §4.2.1).
    assert_eq!(
        Extension::from_body(43, &[2, 3, 4], ExtContext::ClientHello, &o),
        Extension::SupportedVersions(vec![ProtocolVersion::TLS1_3])
    );
    assert_eq!(
        Extension::from_body(43, &[3, 4], ExtContext::ServerHello, &o),
        Extension::SelectedVersion(ProtocolVersion::TLS1_3)
    );
    // key_share: entries, one entry, a group (RFC 8446 §4.2.8).
    assert_eq!(
        Extension::from_body(51, &[0, 0x1d, 0, 1, 9], ExtContext::ServerHello, &o),
        Extension::KeyShareServer(KeyShareEntry { group: NamedGroup::X25519, key_exchange: &[9] })
    );
    assert_eq!(
        Extension::from_body(51, &[0, 0x17], ExtContext::HelloRetryRequest, &o),
        Extension::KeyShareRetry(NamedGroup::SECP256R1)
    );
    assert_eq!(
        Extension::from_body(51, &[0, 5, 0, 0x1d, 0, 1, 9], ExtContext::ClientHello, &o),
        Extension::KeyShareClient(vec![KeyShareEntry { group: NamedGroup::X25519, key_exchange: &[9] }])
    );
    // A body that does not read is kept.
    assert_eq!(
        Extension::from_body(16, &[0, 9, 1], ExtContext::ClientHello, &o),
        Extension::Unknown { ty: ExtensionType::ALPN, data: &[0, 9, 1] }
    );
}

#[test]
fn key_exchange_bodies() {
    let o = ParseOptions::default();
    // RFC 8422 §5.4: named_curve(3), x25519, point <1..255>, then rsa_pss_rsae_sha256 and a
    // signature.
    let b = [3, 0, 0x1d, 2, 0xaa, 0xbb, 0x08, 0x04, 0, 1, 0xcc];
    let p = EcdheServerParams::parse(&b, &o).unwrap();
    assert_eq!(p.named_curve, NamedGroup::X25519);
    assert_eq!(p.public, &[0xaa, 0xbb]);
    assert_eq!(p.signed, Some(DigitallySigned { scheme: Some(SignatureScheme(0x0804)), signature: &[0xcc] }));
    let mut out = Vec::new();
    p.emit(&mut out);
    assert_eq!(out, b);
    assert!(matches!(
        EcdheServerParams::parse(&[1, 0, 0x1d], &o),
        Err(ParseError::BadValue { offset: 0, what: "curve type", .. })
    ));
    assert_eq!(ClientKeyExchangeBody::parse(&[1, 7], KeyExchange::Ecdhe), Ok(ClientKeyExchangeBody::Ecdh(&[7])));
    assert_eq!(ClientKeyExchangeBody::parse(&[0, 1, 7], KeyExchange::Rsa), Ok(ClientKeyExchangeBody::Rsa(&[7])));
    assert_eq!(KeyExchange::of(CipherSuite(0xc030)), KeyExchange::Ecdhe);
    assert_eq!(KeyExchange::of(CipherSuite(0x009c)), KeyExchange::Rsa);
    assert_eq!(KeyExchange::of(CipherSuite(0x009e)), KeyExchange::Dhe);
    assert_eq!(KeyExchange::of(CipherSuite(0x1301)), KeyExchange::Tls13);
}

// ---------------------------------------------------------------- truncation

#[test]
fn record_truncated_at_every_length() {
    let rec = Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_2, fragment: &[1, 2, 3] };
    let b = rec.to_bytes();
    assert_eq!(b, [22, 3, 3, 0, 3, 1, 2, 3]);
    for n in 0..b.len() {
        let want = match n {
            0 => ParseError::Truncated { offset: 0, what: "record content type", needed: 1, available: 0 },
            1 | 2 => ParseError::Truncated { offset: 1, what: "record version", needed: 2, available: n - 1 },
            3 | 4 => ParseError::Truncated { offset: 3, what: "record length", needed: 2, available: n - 3 },
            _ => ParseError::Truncated { offset: 5, what: "record fragment", needed: 3, available: n - 5 },
        };
        assert_eq!(parse_record(&b[..n]), Err(want), "length {n}");
    }
    assert_eq!(parse_record(&b), Ok((rec, &[][..])));
    // RFC 5246 §6.2.3: at most 2^14 + 2048.
    assert_eq!(
        parse_record(&[23, 3, 3, 0x48, 0x01]),
        Err(ParseError::BadLength { offset: 3, what: "record length", found: 18433, expected: "at most 18432" })
    );
}

#[test]
fn handshake_truncated_at_every_length() {
    let b = Handshake::Finished(&[9; 12]).to_bytes();
    assert_eq!(&b[..4], &[20, 0, 0, 12]);
    let o = ParseOptions::default();
    for n in 0..b.len() {
        let want = match n {
            0 => ParseError::Truncated { offset: 0, what: "handshake type", needed: 1, available: 0 },
            1..=3 => ParseError::Truncated { offset: 1, what: "handshake length", needed: 3, available: n - 1 },
            _ => ParseError::Truncated { offset: 4, what: "handshake body", needed: 12, available: n - 4 },
        };
        assert_eq!(parse_handshake(&b[..n], &o), Err(want), "length {n}");
    }
}

#[test]
fn client_hello_errors_say_where() {
    let b = client_hello_bytes();
    let o = ParseOptions::default();
    // Cut inside the random: the body is complete per its length only if we shorten the
    // length too, so build a message whose body stops inside the random.
    let mut short = b[..4 + 2 + 10].to_vec();
    short[1..4].copy_from_slice(&[0, 0, 12]);
    assert_eq!(
        parse_handshake(&short, &o),
        Err(ParseError::Truncated { offset: 6, what: "random", needed: 32, available: 10 })
    );
    // A session id longer than 32 (RFC 5246 §7.4.1.2).
    let mut bad = b.clone();
    bad[38] = 33;
    assert_eq!(
        parse_handshake(&bad, &o),
        Err(ParseError::BadLength { offset: 38, what: "session id", found: 33, expected: "0 to 32" })
    );
    // A byte after the extensions.
    let mut trail = b.clone();
    trail.push(0);
    let len = trail.len() - 4;
    trail[1..4].copy_from_slice(&(len as u32).to_be_bytes()[1..]);
    assert_eq!(
        parse_handshake(&trail, &o),
        Err(ParseError::Trailing { offset: b.len(), what: "handshake message", count: 1 })
    );
}

// ---------------------------------------------------------------- round trips

fn bytes(min: usize, max: usize) -> impl Strategy<Value = &'static [u8]> {
    prop::collection::vec(any::<u8>(), min..=max).prop_map(leak)
}

const KNOWN_EXT: &[u16] = &[0, 10, 11, 13, 16, 22, 23, 35, 43, 51, 0xff01, DATA_MULTIPLEXING_DEFAULT];

fn ext_common() -> BoxedStrategy<Extension<'static>> {
    prop_oneof![
        prop::collection::vec((any::<u8>(), bytes(1, 20)), 1..4).prop_map(|v| Extension::ServerName(
            v.into_iter().map(|(t, n)| ServerName { name_type: t, name: n }).collect()
        )),
        Just(Extension::ServerNameAck),
        prop::collection::vec(bytes(1, 12), 1..4).prop_map(Extension::Alpn),
        prop::collection::vec(any::<u16>().prop_map(NamedGroup), 1..8).prop_map(Extension::SupportedGroups),
        prop::collection::vec(any::<u16>().prop_map(SignatureScheme), 1..8).prop_map(Extension::SignatureAlgorithms),
        bytes(1, 4).prop_map(Extension::EcPointFormats),
        Just(Extension::EncryptThenMac),
        Just(Extension::ExtendedMasterSecret),
        bytes(0, 20).prop_map(Extension::SessionTicket),
        bytes(0, 20).prop_map(Extension::RenegotiationInfo),
        Just(Extension::DataMultiplexing { ty: DATA_MULTIPLEXING_DEFAULT }),
        (any::<u16>().prop_filter("unknown type", |t| !KNOWN_EXT.contains(t)), bytes(0, 20))
            .prop_map(|(ty, data)| Extension::Unknown { ty: ExtensionType(ty), data }),
    ]
    .boxed()
}

fn key_share() -> impl Strategy<Value = KeyShareEntry<'static>> {
    (any::<u16>(), bytes(1, 40)).prop_map(|(g, k)| KeyShareEntry { group: NamedGroup(g), key_exchange: k })
}

fn ext_for(ctx: ExtContext) -> BoxedStrategy<Extension<'static>> {
    match ctx {
        ExtContext::ServerHello => prop_oneof![
            ext_common(),
            any::<u16>().prop_map(|v| Extension::SelectedVersion(ProtocolVersion(v))),
            key_share().prop_map(Extension::KeyShareServer),
        ]
        .boxed(),
        ExtContext::HelloRetryRequest => prop_oneof![
            ext_common(),
            any::<u16>().prop_map(|v| Extension::SelectedVersion(ProtocolVersion(v))),
            any::<u16>().prop_map(|g| Extension::KeyShareRetry(NamedGroup(g))),
        ]
        .boxed(),
        _ => prop_oneof![
            ext_common(),
            prop::collection::vec(any::<u16>().prop_map(ProtocolVersion), 1..6).prop_map(Extension::SupportedVersions),
            prop::collection::vec(key_share(), 0..3).prop_map(Extension::KeyShareClient),
        ]
        .boxed(),
    }
}

fn exts(ctx: ExtContext) -> impl Strategy<Value = Vec<Extension<'static>>> {
    prop::collection::vec(ext_for(ctx), 0..6)
}

fn random() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

fn handshake12() -> BoxedStrategy<Handshake<'static>> {
    prop_oneof![
        Just(Handshake::HelloRequest),
        (
            any::<u16>(),
            random(),
            bytes(0, 32),
            prop::collection::vec(any::<u16>().prop_map(CipherSuite), 1..10),
            bytes(1, 3),
            prop::option::of(exts(ExtContext::ClientHello))
        )
            .prop_map(|(v, r, s, cs, cm, e)| Handshake::ClientHello(ClientHello {
                version: ProtocolVersion(v),
                random: r,
                session_id: s,
                cipher_suites: cs,
                compression_methods: cm,
                extensions: e,
            })),
        (
            any::<u16>(),
            random(),
            bytes(0, 32),
            any::<u16>(),
            any::<u8>(),
            prop::option::of(exts(ExtContext::ServerHello))
        )
            .prop_map(|(v, r, s, c, m, e)| Handshake::ServerHello(ServerHello {
                version: ProtocolVersion(v),
                random: r,
                session_id: s,
                cipher_suite: CipherSuite(c),
                compression_method: m,
                extensions: e,
            })),
        (any::<u32>(), bytes(0, 40))
            .prop_map(|(l, t)| Handshake::NewSessionTicket(NewSessionTicket { lifetime_hint: l, ticket: t })),
        prop::collection::vec(bytes(1, 50), 0..4).prop_map(Handshake::Certificate),
        bytes(0, 60).prop_map(Handshake::ServerKeyExchange),
        (
            bytes(1, 4),
            prop::collection::vec(any::<u16>().prop_map(SignatureScheme), 1..5),
            prop::collection::vec(bytes(1, 20), 0..3)
        )
            .prop_map(|(t, s, a)| Handshake::CertificateRequest(CertificateRequest {
                certificate_types: t,
                signature_algorithms: Some(s),
                authorities: a,
            })),
        Just(Handshake::ServerHelloDone),
        (any::<u16>(), bytes(0, 40)).prop_map(|(s, g)| Handshake::CertificateVerify(DigitallySigned {
            scheme: Some(SignatureScheme(s)),
            signature: g
        })),
        bytes(0, 60).prop_map(Handshake::ClientKeyExchange),
        bytes(0, 48).prop_map(Handshake::Finished),
        (prop::sample::select(vec![3u8, 6, 9, 21, 22, 23, 25, 67, 200]), bytes(0, 30))
            .prop_map(|(t, b)| Handshake::Unknown { ty: HandshakeType(t), body: b }),
    ]
    .boxed()
}

fn handshake13() -> BoxedStrategy<Handshake<'static>> {
    prop_oneof![
        (any::<u32>(), any::<u32>(), bytes(0, 8), bytes(1, 40), exts(ExtContext::Other)).prop_map(|(l, a, n, t, e)| {
            Handshake::NewSessionTicket13(NewSessionTicket13 {
                lifetime: l,
                age_add: a,
                nonce: n,
                ticket: t,
                extensions: e,
            })
        }),
        Just(Handshake::EndOfEarlyData),
        exts(ExtContext::Other).prop_map(Handshake::EncryptedExtensions),
        (bytes(0, 4), prop::collection::vec((bytes(1, 40), exts(ExtContext::Other)), 0..3)).prop_map(|(c, v)| {
            Handshake::Certificate13(Certificate13 {
                context: c,
                entries: v.into_iter().map(|(d, e)| CertificateEntry { cert_data: d, extensions: e }).collect(),
            })
        }),
        (bytes(0, 4), exts(ExtContext::Other))
            .prop_map(|(c, e)| Handshake::CertificateRequest13(CertificateRequest13 { context: c, extensions: e })),
        any::<u8>().prop_map(Handshake::KeyUpdate),
        bytes(0, 48).prop_map(Handshake::Finished),
    ]
    .boxed()
}

proptest! {
    #[test]
    fn record_round_trip(ct in any::<u8>(), v in any::<u16>(), frag in bytes(0, 300)) {
        let r = Record { content_type: ContentType(ct), version: ProtocolVersion(v), fragment: frag };
        let b = r.to_bytes();
        prop_assert_eq!(parse_record(&b), Ok((r, &[][..])));
    }

    #[test]
    fn handshake12_round_trip(h in handshake12()) {
        let b = h.to_bytes();
        let (p, rest) = parse_handshake(&b, &ParseOptions::default()).map_err(|e| TestCaseError::fail(format!("{e}: {h:?}")))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(p, h);
    }

    #[test]
    fn handshake13_round_trip(h in handshake13()) {
        let b = h.to_bytes();
        let (p, rest) = parse_handshake(&b, &ParseOptions::tls13()).map_err(|e| TestCaseError::fail(format!("{e}: {h:?}")))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(p, h);
    }

    #[test]
    fn extension_block_round_trip(e in exts(ExtContext::ClientHello)) {
        let mut b = Vec::new();
        emit_extensions(&mut b, &e);
        let (p, rest) = parse_extension_block(&b, ExtContext::ClientHello, &ParseOptions::default()).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(p, e);
    }

    #[test]
    fn alert_round_trip(l in any::<u8>(), d in any::<u8>()) {
        let a = Alert { level: AlertLevel(l), description: AlertDescription(d) };
        let mut b = Vec::new();
        a.emit(&mut b);
        prop_assert_eq!(Alert::parse(&b), Ok((a, &[][..])));
    }

    #[test]
    fn server_params_round_trip(g in any::<u16>(), p in bytes(1, 80), s in any::<u16>(), sig in bytes(0, 80)) {
        let e = EcdheServerParams {
            curve_type: NAMED_CURVE,
            named_curve: NamedGroup(g),
            public: p,
            signed: Some(DigitallySigned { scheme: Some(SignatureScheme(s)), signature: sig }),
        };
        let mut b = Vec::new();
        e.emit(&mut b);
        prop_assert_eq!(EcdheServerParams::parse(&b, &ParseOptions::default()), Ok(e));
        let d = DheServerParams { p, g: p, ys: p, signed: None };
        let mut b = Vec::new();
        d.emit(&mut b);
        prop_assert_eq!(DheServerParams::parse(&b, &ParseOptions::default()), Ok(d));
    }

    /// Any bytes: parsing never panics, and what parses is written back exactly.
    #[test]
    fn arbitrary_bytes_parse_or_fail_cleanly(b in prop::collection::vec(any::<u8>(), 0..200)) {
        for o in [ParseOptions::default(), ParseOptions::tls13()] {
            if let Ok((h, rest)) = parse_handshake(&b, &o) {
                prop_assert_eq!(h.to_bytes(), &b[..b.len() - rest.len()]);
            }
        }
        let _ = heuristic(&b);
    }
}

// ---------------------------------------------------------------- the stream

fn run_stream(segments: &[(u8, Vec<u8>)], cfg: &Config) -> Vec<Packet> {
    let mut st = State::default();
    let mut conv = TlsConversation::new();
    let mut framers = [StreamFramer::new(), StreamFramer::new()];
    let mut off = [0u64; 2];
    let mut out = Vec::new();
    for (i, (dir, seg)) in segments.iter().enumerate() {
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg,
            st: &mut st,
            frame_number: i as u64 + 1,
            ts: (0, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        let (sp, dp) = if *dir == 0 { (50000, 443) } else { (443, 50000) };
        let info = PduInfo { stream: 0, dir: *dir, src_port: sp, dst_port: dp, stream_offset: off[*dir as usize] };
        framers[*dir as usize].feed(&mut ctx, &mut conv, Tvb::new(seg, 0, 0), &info);
        off[*dir as usize] += seg.len() as u64;
        out.push(ctx.tb.finish(i as u64 + 1, (0, 0), (0, 0), seg.len() as u32, Arc::from(seg.as_slice())));
    }
    out
}

fn uints(ps: &[Packet], abbrev: &str) -> Vec<u64> {
    ps.iter()
        .flat_map(|p| p.values(abbrev))
        .filter_map(|n| match n.value {
            Value::UInt(v) => Some(v),
            _ => None,
        })
        .collect()
}

/// The ClientHello split over two records (RFC 5246 §6.2.1 allows any fragmentation), the
/// records split over segments at every point: the message is reassembled once, its fields
/// read.
#[test]
fn handshake_across_records_and_segments() {
    let ch = client_hello_bytes();
    let cut = 30;
    let mut stream =
        Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_0, fragment: &ch[..cut] }
            .to_bytes();
    stream.extend(
        Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_0, fragment: &ch[cut..] }
            .to_bytes(),
    );
    let cfg = Config::default();
    for i in 0..=stream.len() {
        let ps = run_stream(&[(0, stream[..i].to_vec()), (0, stream[i..].to_vec())], &cfg);
        assert_eq!(uints(&ps, "tls.handshake.type"), vec![1], "split at {i}");
        assert_eq!(uints(&ps, "tls.record.length"), vec![cut as u64, (ch.len() - cut) as u64], "split at {i}");
        let alpn: Vec<String> = ps
            .iter()
            .flat_map(|p| p.values("tls.handshake.extensions_alpn_str"))
            .map(|n| format!("{:?}", n.value))
            .collect();
        assert_eq!(alpn, vec!["Str(\"ctp/1\")"], "split at {i}");
        assert!(ps.iter().all(|p| !p.malformed), "split at {i}");
        assert_eq!(ps.iter().filter(|p| p.find("tls.handshake.extensions_data_multiplexing").is_some()).count(), 1);
        assert_eq!(uints(&ps, "tls.handshake.fragment.count"), vec![2], "split at {i}");
    }
}

/// Several handshake messages in one record, several records in one segment.
#[test]
fn several_messages_per_record_and_records_per_segment() {
    let mut frag = Handshake::ServerHelloDone.to_bytes();
    frag.extend(Handshake::HelloRequest.to_bytes());
    let mut seg =
        Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_2, fragment: &frag }.to_bytes();
    seg.extend(
        Record { content_type: ContentType::ALERT, version: ProtocolVersion::TLS1_2, fragment: &[2, 40] }.to_bytes(),
    );
    let ps = run_stream(&[(1, seg)], &Config::default());
    assert_eq!(uints(&ps, "tls.handshake.type"), vec![14, 0]);
    assert_eq!(uints(&ps, "tls.alert_message.desc"), vec![40]);
    assert_eq!(
        ps[0].summary.info,
        "Server Hello Done, Hello Request, Alert (Level: Fatal, Description: Handshake Failure)"
    );
    // One `tls` layer for both records, like tshark.
    assert_eq!(ps[0].layers.iter().filter(|l| l.def.abbrev == "tls").count(), 1);
    let rec = ps[0].values("tls.record");
    assert_eq!(rec[0].display_label(), "TLSv1.2 Record Layer: Handshake Protocol: Multiple Handshake Messages");
}

#[test]
fn heuristic_is_strict() {
    let ch = client_hello_bytes();
    let rec =
        Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_0, fragment: &ch }.to_bytes();
    assert!(heuristic(&rec));
    assert!(heuristic(&rec[..5]));
    assert!(heuristic(&[23, 3, 3, 0, 40]));
    assert!(!heuristic(b"GET / HTTP/1.1\r\n"));
    assert!(!heuristic(b"A\x01\x00\x00\x00\x00\x00\x0eOPVS")); // a CTP frame
    assert!(!heuristic(&[22, 3, 3, 0, 40, 11])); // handshake not starting with a hello
    assert!(!heuristic(&[22, 3, 5, 0, 40])); // version past TLS 1.3
    assert!(!heuristic(&[20, 3, 3, 0, 2, 1, 1])); // ChangeCipherSpec is one byte
    assert!(!heuristic(&[23, 3, 3, 0x48, 1])); // longer than 2^14 + 2048
    assert!(!heuristic(&[24, 3, 3, 0, 3])); // heartbeat first: no
}

// ---------------------------------------------------------------- decryption

fn testdata(name: &str) -> (PathBuf, PathBuf) {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/proto/tls/testdata");
    (d.join(format!("{name}.pcapng")), d.join(format!("{name}.keys")))
}

fn dissect_file(path: &Path, keylog: Option<PathBuf>) -> Vec<Packet> {
    let mut d = Dissector::new(Config { keylog, ..Config::default() });
    let r = crate::capture::CaptureReader::open(path.to_str().unwrap()).unwrap();
    r.map(|f| d.dissect(f.unwrap())).collect()
}

/// The application bytes each side sent, in order: (client, server).
fn app_bytes(ps: &[Packet]) -> (Vec<u8>, Vec<u8>) {
    let (mut c, mut s) = (Vec::new(), Vec::new());
    for p in ps {
        let server = matches!(p.find("tcp.srcport").map(|n| &n.value), Some(Value::UInt(443)));
        for n in p.values("data.data") {
            if p.buffers[n.span.buf as usize].name == "Decrypted TLS" {
                if server { &mut s } else { &mut c }.extend_from_slice(p.bytes(n.span));
            }
        }
    }
    (c, s)
}

/// Each own capture: the client's request and the server's reply (OpenSSL `s_server -www`)
/// come out in clear, every handshake message is read, and nothing is malformed.
#[test]
fn decrypts_every_own_capture() {
    for name in [
        "tls13-aes128gcm",
        "tls13-aes256gcm",
        "tls13-chacha20",
        "tls12-chacha20",
        "tls12-aes256cbc-sha384",
        "tls12-aes256cbc-sha-etm",
        "tls10-aes128cbc-sha",
        "tls11-aes256cbc-sha-etm",
    ] {
        let (pcap, keys) = testdata(name);
        let ps = dissect_file(&pcap, Some(keys));
        let (c, s) = app_bytes(&ps);
        assert_eq!(c, b"GET / HTTP/1.1\r\nHost: tls.test\r\n\r\n", "{name}");
        assert!(
            s.starts_with(b"HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n"),
            "{name}: {:?}",
            &s[..s.len().min(40)]
        );
        assert!(s.len() > 1000, "{name}: {} bytes", s.len());
        // Finished both ways, decrypted; Close Notify both ways.
        assert_eq!(uints(&ps, "tls.handshake.type").iter().filter(|&&t| t == 20).count(), 2, "{name}");
        assert_eq!(uints(&ps, "tls.alert_message.desc"), vec![0, 0], "{name}");
        assert!(ps.iter().all(|p| !p.malformed), "{name}");
        assert!(
            ps.iter().flat_map(|p| &p.experts).all(|e| e.group != Group::Decryption),
            "{name}: {:?}",
            ps.iter().flat_map(|p| &p.experts).filter(|e| e.group == Group::Decryption).collect::<Vec<_>>()
        );
    }
}

/// The summary line of the TLS 1.3 server flight, as tshark prints it.
#[test]
fn tls13_summary_like_tshark() {
    let (pcap, keys) = testdata("tls13-aes128gcm");
    let ps = dissect_file(&pcap, Some(keys));
    let p = ps.iter().find(|p| p.summary.info.starts_with("Server Hello")).unwrap();
    assert_eq!(p.summary.protocol, "TLSv1.3");
    assert_eq!(
        p.summary.info,
        "Server Hello, Change Cipher Spec, Encrypted Extensions, Certificate, Certificate Verify, Finished"
    );
    let ch = ps.iter().find(|p| p.summary.info == "Client Hello").unwrap();
    assert_eq!(ch.summary.protocol, "TLSv1");
    // Encrypted records show the outer type as opaque_type and the inner one generated.
    assert!(p.find("tls.record.opaque_type").is_some());
    let decrypted: Vec<&str> = p.buffers.iter().map(|b| b.name.as_str()).filter(|n| *n == "Decrypted TLS").collect();
    assert_eq!(decrypted.len(), 4);
}

/// Without a key log: encrypted records are shown as tshark shows them, no expert.
#[test]
fn without_keys_records_stay_encrypted() {
    let (pcap, _) = testdata("tls12-chacha20");
    let ps = dissect_file(&pcap, None);
    let infos: Vec<&str> = ps.iter().map(|p| p.summary.info.as_str()).collect();
    assert!(infos.contains(&"Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message"), "{infos:?}");
    assert!(infos.contains(&"Encrypted Alert"), "{infos:?}");
    assert!(ps.iter().all(|p| !p.malformed));
}

/// A wrong secret: every protected record fails its tag, each is a warning, nothing panics.
#[test]
fn wrong_key_is_a_warning() {
    let (pcap, keys) = testdata("tls12-chacha20");
    let text = std::fs::read_to_string(&keys).unwrap();
    let bad: String = text
        .lines()
        .map(|l| match l.rsplit_once(' ') {
            Some((head, secret)) if l.starts_with("CLIENT_RANDOM") => {
                format!("{head} {}\n", "00".repeat(secret.len() / 2))
            }
            _ => format!("{l}\n"),
        })
        .collect();
    let path = std::env::temp_dir().join(format!("tls-wrong-key-{}.keys", std::process::id()));
    std::fs::write(&path, bad).unwrap();
    let ps = dissect_file(&pcap, Some(path.clone()));
    let _ = std::fs::remove_file(&path);
    let warnings: Vec<_> = ps
        .iter()
        .flat_map(|p| &p.experts)
        .filter(|e| e.group == Group::Decryption && e.severity == Severity::Warning)
        .collect();
    // Finished both ways, the request, the reply records, two alerts: all fail.
    assert!(warnings.len() >= 5, "{warnings:?}");
    assert!(warnings.iter().all(|e| e.message.contains("authentication tag")), "{warnings:?}");
}

/// A key log without this session's secret: one note per direction.
#[test]
fn missing_secret_is_a_note() {
    let (pcap, _) = testdata("tls13-chacha20");
    let (_, other_keys) = testdata("tls13-aes128gcm");
    let ps = dissect_file(&pcap, Some(other_keys));
    let notes: Vec<_> = ps
        .iter()
        .flat_map(|p| &p.experts)
        .filter(|e| e.group == Group::Decryption && e.severity == Severity::Note)
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].message.contains("no TLS 1.3 traffic secrets"), "{notes:?}");
}

#[test]
fn unreadable_keylog_is_reported() {
    let (pcap, _) = testdata("tls12-chacha20");
    let ps = dissect_file(&pcap, Some(PathBuf::from("/nonexistent/keylog")));
    assert!(ps.iter().flat_map(|p| &p.experts).any(|e| e.message.starts_with("Key log not read")));
}

/// ALPN `ctp/1` hands the decrypted stream to CTP (SPEC-NOTES C5): an OpenSSL TLS 1.3 session
/// whose client sends a PING and a data frame in one record and whose server answers with a
/// data frame.
#[test]
fn ctp_over_tls_by_alpn() {
    let (pcap, keys) = testdata("tls13-ctp");
    let ps = dissect_file(&pcap, Some(keys));
    let data: Vec<Vec<u8>> = ps
        .iter()
        .flat_map(|p| p.values("ctp.data"))
        .filter_map(|n| match &n.value {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(data, vec![b"hello".to_vec(), b"server".to_vec()]);
    let ping = ps.iter().find(|p| p.find("ctp.cmd").is_some()).unwrap();
    assert_eq!(ping.summary.protocol, "CTP");
    assert_eq!(ping.summary.info, "PING, DATA vs=2 len=5");
    let rec = ping.values("tls.record");
    assert_eq!(rec[0].display_label(), "TLSv1.3 Record Layer: Application Data Protocol: CTP");
    assert!(default_app(&Negotiated {
        version: ProtocolVersion::TLS1_3,
        suite: CipherSuite(0x1301),
        alpn: Some(b"http/1.1"),
        data_multiplexing: false,
        announced: None
    })
    .is_none());
}

#[test]
fn random_time_reads_like_tshark() {
    // tshark on zeek/tls12-decryption.pcap frame 4: "GMT Unix Time: Apr  3, 2011 15:36:47.000000000 UTC"
    // for random 4d98940f...
    assert_eq!(dissect::utc_date(0x4d98940f), "Apr  3, 2011 15:36:47.000000000 UTC");
    // Frame 6: 1a53a25d -> "Dec 31, 1983 03:17:49.000000000 UTC".
    assert_eq!(dissect::utc_date(0x1a53a25d), "Dec 31, 1983 03:17:49.000000000 UTC");
    assert_eq!(dissect::utc_date(0), "Jan  1, 1970 00:00:00.000000000 UTC");
}

/// Bytes lost between two records: a handshake message left incomplete before the gap is not
/// completed with bytes from after it.
#[test]
fn gap_drops_the_partial_handshake_message() {
    let ch = client_hello_bytes();
    let r1 = Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_0, fragment: &ch[..30] }
        .to_bytes();
    let r2 = Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_0, fragment: &ch[30..] }
        .to_bytes();
    let cfg = Config::default();
    let mut st = State::default();
    let mut conv = TlsConversation::new();
    let mut packets = Vec::new();
    for (i, (rec, off)) in [(&r1, 0u64), (&r2, 5000u64)].into_iter().enumerate() {
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st: &mut st,
            frame_number: i as u64 + 1,
            ts: (0, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        let info = PduInfo { stream: 0, dir: 0, src_port: 50000, dst_port: 443, stream_offset: off };
        conv.dissect_record(&mut ctx, Tvb::new(rec, 0, 0), &info);
        packets.push(ctx.tb.finish(1, (0, 0), (0, 0), 0, Arc::from(rec.as_slice())));
    }
    assert!(packets[1].experts.iter().any(|e| e.message.starts_with("Bytes lost before this record")));
    assert!(!uints(&packets, "tls.handshake.type").contains(&1));
}

/// Found by the fuzz target: an extension header that runs past the end of its extension
/// block is an error at that offset, not an arithmetic overflow.
#[test]
fn extension_header_past_its_block() {
    let mut ch = client_hello_bytes();
    let ext_at = 4 + 2 + 32 + 1 + 6 + 2;
    ch.truncate(ext_at);
    ch.extend_from_slice(&[0x00, 0x02, 0x00, 0x00, 0x00, 0x00]);
    let len = ch.len() - 4;
    ch[1..4].copy_from_slice(&(len as u32).to_be_bytes()[1..]);
    let rec =
        Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_2, fragment: &ch }.to_bytes();
    let ps = run_stream(&[(0, rec)], &Config::default());
    let msgs: Vec<&str> = ps[0].experts.iter().map(|e| e.message.as_str()).collect();
    assert!(msgs.iter().any(|m| m.contains("extension header at byte")), "{msgs:?}");
    assert_eq!(
        parse_handshake(&ch, &ParseOptions::default()),
        // The block holds the type; its data length would be at ext_at + 4.
        Err(ParseError::Truncated { offset: ext_at + 4, what: "extension data", needed: 2, available: 0 })
    );
}

/// RFC 5246 Appendix E.2: the SSL 2.0 compatible ClientHello, its random from the challenge.
#[test]
fn sslv2_client_hello() {
    let h = Sslv2ClientHello {
        version: ProtocolVersion::TLS1_0,
        cipher_specs: vec![0x010080, 0x00002f],
        session_id: &[],
        challenge: &[7; 16],
    };
    let mut b = Vec::new();
    h.emit(&mut b);
    assert_eq!(&b[..11], &[0x80, 0x1f, 1, 3, 1, 0, 6, 0, 0, 0, 16]);
    assert!(is_sslv2_client_hello(&b));
    assert_eq!(Sslv2ClientHello::parse(&b), Ok((h.clone(), &[][..])));
    let mut want = [0u8; 32];
    want[16..].copy_from_slice(&[7; 16]);
    assert_eq!(h.random(), want);
    let mut bad = b.clone();
    bad[6] = 5; // cipher spec length not a multiple of 3
    assert!(matches!(Sslv2ClientHello::parse(&bad), Err(ParseError::BadLength { offset: 7, .. })));
    // Through the stream: tshark's fields.
    let ps = run_stream(&[(0, b)], &Config::default());
    assert_eq!(ps[0].summary.protocol, "SSLv2");
    assert_eq!(uints(&ps, "tls.handshake.cipherspec"), vec![0x010080, 0x2f]);
    assert_eq!(uints(&ps, "tls.record.length"), vec![31]);
}

proptest! {
    #[test]
    fn sslv2_round_trip(v in any::<u16>(), cs in prop::collection::vec(0u32..0x100_0000, 1..10),
                        sid in bytes(0, 32), ch in bytes(16, 32)) {
        let h = Sslv2ClientHello { version: ProtocolVersion(v), cipher_specs: cs, session_id: sid, challenge: ch };
        let mut b = Vec::new();
        h.emit(&mut b);
        prop_assert_eq!(Sslv2ClientHello::parse(&b), Ok((h, &[][..])));
    }
}

/// The `-V` tree of the TLS layers (and what they hand on) for two own captures: TLS 1.3 with
/// CTP inside, TLS 1.2 with ChaCha20-Poly1305. Lower layers are left out: they have their own
/// snapshots.
#[test]
fn tree_snapshots() {
    for name in ["tls13-ctp", "tls12-chacha20"] {
        let (pcap, keys) = testdata(name);
        let mut text = Vec::new();
        for mut p in dissect_file(&pcap, Some(keys)) {
            p.layers.retain(|l| matches!(l.def.abbrev, "tls" | "ctp" | "data" | "_ws.malformed"));
            if p.layers.is_empty() {
                continue;
            }
            text.extend_from_slice(format!("Frame {}: {}\n", p.number, p.summary.info).as_bytes());
            crate::output::text::write_tree(&mut text, &p).unwrap();
            text.push(b'\n');
        }
        insta::assert_snapshot!(name, String::from_utf8(text).unwrap());
    }
}

/// A ServerHello with a suite and an ALPN protocol the client did not offer (RFC 5246
/// §7.4.1.3, RFC 7301 §3.2), and a ServerHello from the client side: warnings.
#[test]
fn server_choices_are_checked_against_the_offer() {
    let ch = client_hello_bytes();
    let sh = Handshake::ServerHello(ServerHello {
        version: ProtocolVersion::TLS1_2,
        random: [1; 32],
        session_id: &[],
        cipher_suite: CipherSuite(0x009c),
        compression_method: 0,
        extensions: Some(vec![Extension::Alpn(vec![b"h2"])]),
    })
    .to_bytes();
    let rec = |f: &[u8]| {
        Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_2, fragment: f }.to_bytes()
    };
    let ps = run_stream(&[(0, rec(&ch)), (1, rec(&sh)), (0, rec(&sh))], &Config::default());
    let msgs = |i: usize| ps[i].experts.iter().map(|e| e.message.clone()).collect::<Vec<_>>();
    assert!(msgs(0).is_empty(), "{:?}", msgs(0));
    assert!(
        msgs(1).iter().any(|m| m.contains("cipher suite 0x009c, which the ClientHello did not offer")),
        "{:?}",
        msgs(1)
    );
    assert!(msgs(1).iter().any(|m| m.contains("ALPN protocol \"h2\"")), "{:?}", msgs(1));
    assert!(msgs(2).iter().any(|m| m == "ServerHello sent by the client side of the connection"), "{:?}", msgs(2));
}

/// RFC 8446 §4.6.3, §7.2: after each side's KeyUpdate its records use the next traffic secret
/// (OpenSSL `s_client`'s "K" command: the client updates and asks the server to update too).
#[test]
fn tls13_key_update_both_ways() {
    let (pcap, keys) = testdata("tls13-keyupdate");
    let ps = dissect_file(&pcap, Some(keys));
    let mut client = Vec::new();
    let mut server = Vec::new();
    for p in &ps {
        let from_server = matches!(p.find("tcp.srcport").map(|n| &n.value), Some(Value::UInt(443)));
        for n in p.values("tls.decrypted.length") {
            if from_server { &mut server } else { &mut client }.extend_from_slice(p.bytes(n.span));
        }
    }
    assert_eq!(client, b"before update\nafter update\n");
    assert_eq!(server, b"after server update\n");
    // KeyUpdate(update_requested) from the client, KeyUpdate(update_not_requested) back.
    assert_eq!(uints(&ps, "tls.handshake.key_update.request_update"), vec![1, 0]);
    assert!(ps.iter().flat_map(|p| &p.experts).all(|e| e.group != Group::Decryption));
}

/// RFC 8446 §4.2.10: 0-RTT data on a resumed connection decrypts with
/// CLIENT_EARLY_TRAFFIC_SECRET (the suite found by trying the offered ones), then
/// EndOfEarlyData switches the client to its handshake keys.
#[test]
fn tls13_early_data() {
    let (pcap, keys) = testdata("tls13-early-data");
    let ps = dissect_file(&pcap, Some(keys));
    let mut early = Vec::new();
    for p in &ps {
        for n in p.values("tls.decrypted.length") {
            early.extend_from_slice(p.bytes(n.span));
        }
    }
    assert_eq!(early, b"early hello\n");
    let eoed = ps.iter().find(|p| p.summary.info == "End of Early Data, Finished");
    assert!(eoed.is_some(), "{:?}", ps.iter().map(|p| &p.summary.info).collect::<Vec<_>>());
    // Both connections: Finished both ways.
    assert_eq!(uints(&ps, "tls.handshake.type").iter().filter(|&&t| t == 20).count(), 4);
    assert!(ps.iter().flat_map(|p| &p.experts).all(|e| e.group != Group::Decryption));
}
