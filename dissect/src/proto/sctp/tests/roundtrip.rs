//! Property tests of the wire model: `parse(emit(x)) == x` for every chunk, parameter and cause
//! arm; emit writes only its own bytes, padded to 4; the exact error at every truncation; no
//! panic on any input.

use std::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;

use super::*;

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

fn bytes(max: usize) -> impl Strategy<Value = &'static [u8]> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(leak)
}

fn chunk_types() -> impl Strategy<Value = Vec<ChunkType>> {
    prop::collection::vec(any::<u8>().prop_map(ChunkType), 0..8)
}

fn address() -> impl Strategy<Value = Address> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| Address::V4(Ipv4Addr::from(a))),
        any::<[u8; 16]>().prop_map(|a| Address::V6(Ipv6Addr::from(a))),
    ]
}

const KNOWN_PARAMS: &[u16] =
    &[1, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 0x8000, 0x8001, 0x8002, 0x8003, 0x8004, 0x8005, 0x8008];
const KNOWN_CAUSES: &[u16] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0x105];
const KNOWN_CHUNKS: &[u8] =
    &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 64, 0x80, 0x82, 0x84, 0xc0, 0xc1, 0xc2];

pub(super) fn cause() -> impl Strategy<Value = Cause<'static>> {
    prop_oneof![
        any::<u16>().prop_map(|stream_id| Cause::InvalidStreamIdentifier { stream_id }),
        prop::collection::vec(any::<u16>().prop_map(ParamType), 0..6)
            .prop_map(|types| Cause::MissingMandatoryParameter { types }),
        any::<u32>().prop_map(|staleness_us| Cause::StaleCookie { staleness_us }),
        Just(Cause::OutOfResource),
        bytes(24).prop_map(|address| Cause::UnresolvableAddress { address }),
        bytes(24).prop_map(|chunk| Cause::UnrecognizedChunkType { chunk }),
        Just(Cause::InvalidMandatoryParameter),
        bytes(24).prop_map(|params| Cause::UnrecognizedParameters { params }),
        any::<u32>().prop_map(|tsn| Cause::NoUserData { tsn }),
        Just(Cause::CookieWhileShuttingDown),
        bytes(24).prop_map(|addresses| Cause::RestartWithNewAddresses { addresses }),
        bytes(24).prop_map(|reason| Cause::UserInitiatedAbort { reason }),
        bytes(24).prop_map(|info| Cause::ProtocolViolation { info }),
        bytes(24).prop_map(|request| Cause::DeleteLastRemainingAddress { request }),
        bytes(24).prop_map(|request| Cause::ResourceShortage { request }),
        bytes(24).prop_map(|request| Cause::DeleteSourceAddress { request }),
        Just(Cause::IllegalAsconfAck),
        bytes(24).prop_map(|request| Cause::RequestRefused { request }),
        any::<u16>().prop_map(|hmac_id| Cause::UnsupportedHmacId { hmac_id }),
        (any::<u16>().prop_filter("unassigned", |c| !KNOWN_CAUSES.contains(c)), bytes(24))
            .prop_map(|(c, info)| Cause::Unknown { code: CauseCode(c), info }),
    ]
}

pub(super) fn param() -> impl Strategy<Value = Param<'static>> {
    let simple = prop_oneof![
        bytes(40).prop_map(Param::HeartbeatInfo),
        any::<[u8; 4]>().prop_map(|a| Param::Ipv4(Ipv4Addr::from(a))),
        any::<[u8; 16]>().prop_map(|a| Param::Ipv6(Ipv6Addr::from(a))),
        bytes(40).prop_map(Param::StateCookie),
        bytes(24).prop_map(Param::UnrecognizedParameter),
        any::<u32>().prop_map(Param::CookiePreservative),
        bytes(24).prop_map(Param::HostName),
        prop::collection::vec(any::<u16>(), 0..6).prop_map(Param::SupportedAddressTypes),
        (any::<u32>(), any::<u32>(), any::<u32>(), prop::collection::vec(any::<u16>(), 0..6)).prop_map(
            |(request_seq, response_seq, last_tsn, streams)| Param::OutgoingSsnResetRequest {
                request_seq,
                response_seq,
                last_tsn,
                streams
            }
        ),
        (any::<u32>(), prop::collection::vec(any::<u16>(), 0..6))
            .prop_map(|(request_seq, streams)| Param::IncomingSsnResetRequest { request_seq, streams }),
        any::<u32>().prop_map(|request_seq| Param::SsnTsnResetRequest { request_seq }),
        (any::<u32>(), any::<u32>(), proptest::option::of(any::<(u32, u32)>()))
            .prop_map(|(response_seq, result, next_tsns)| Param::ReconfigResponse { response_seq, result, next_tsns }),
        (any::<u32>(), any::<u16>())
            .prop_map(|(request_seq, new_streams)| Param::AddOutgoingStreams { request_seq, new_streams }),
        (any::<u32>(), any::<u16>())
            .prop_map(|(request_seq, new_streams)| Param::AddIncomingStreams { request_seq, new_streams }),
    ];
    let more = prop_oneof![
        Just(Param::EcnCapable),
        any::<u32>().prop_map(|edmid| Param::ZeroChecksumAcceptable { edmid }),
        bytes(40).prop_map(Param::Random),
        chunk_types().prop_map(Param::ChunkList),
        prop::collection::vec(any::<u16>(), 0..6).prop_map(Param::HmacAlgo),
        bytes(24).prop_map(Param::Padding),
        chunk_types().prop_map(Param::SupportedExtensions),
        Just(Param::ForwardTsnSupported),
        (any::<u32>(), address()).prop_map(|(correlation_id, address)| Param::AddIpAddress { correlation_id, address }),
        (any::<u32>(), address())
            .prop_map(|(correlation_id, address)| Param::DeleteIpAddress { correlation_id, address }),
        (any::<u32>(), prop::collection::vec(cause(), 0..4))
            .prop_map(|(correlation_id, causes)| Param::ErrorCauseIndication { correlation_id, causes }),
        (any::<u32>(), address())
            .prop_map(|(correlation_id, address)| Param::SetPrimaryAddress { correlation_id, address }),
        any::<u32>().prop_map(|correlation_id| Param::SuccessIndication { correlation_id }),
        any::<u32>().prop_map(Param::AdaptationLayerIndication),
        (
            any::<u16>().prop_filter("unassigned", |t| !KNOWN_PARAMS.contains(t) && !(0xc000..=0xc006).contains(t)),
            bytes(24)
        )
            .prop_map(|(t, value)| Param::Unknown { ty: ParamType(t), value }),
    ];
    prop_oneof![simple, more]
}

fn params() -> impl Strategy<Value = Vec<Param<'static>>> {
    prop::collection::vec(param(), 0..5)
}

fn flags4() -> impl Strategy<Value = (bool, bool, bool, bool)> {
    any::<(bool, bool, bool, bool)>()
}

fn init() -> impl Strategy<Value = Init<'static>> {
    (any::<u32>(), any::<u32>(), any::<u16>(), any::<u16>(), any::<u32>(), params()).prop_map(
        |(initiate_tag, a_rwnd, outbound_streams, inbound_streams, initial_tsn, params)| Init {
            initiate_tag,
            a_rwnd,
            outbound_streams,
            inbound_streams,
            initial_tsn,
            params,
        },
    )
}

pub(super) fn chunk() -> impl Strategy<Value = Chunk<'static>> {
    let a = prop_oneof![
        (flags4(), any::<u32>(), any::<u16>(), any::<u16>(), any::<u32>(), bytes(40)).prop_map(
            |((immediate, unordered, beginning, ending), tsn, stream_id, ssn, ppid, user_data)| {
                Chunk::Data(Data { immediate, unordered, beginning, ending, tsn, stream_id, ssn, ppid, user_data })
            }
        ),
        init().prop_map(Chunk::Init),
        init().prop_map(Chunk::InitAck),
        (
            any::<u32>(),
            any::<u32>(),
            prop::collection::vec(any::<(u16, u16)>().prop_map(|(start, end)| GapBlock { start, end }), 0..5),
            prop::collection::vec(any::<u32>(), 0..5)
        )
            .prop_map(|(cum_tsn_ack, a_rwnd, gaps, dup_tsns)| Chunk::Sack(Sack {
                cum_tsn_ack,
                a_rwnd,
                gaps,
                dup_tsns
            })),
        params().prop_map(|params| Chunk::Heartbeat { params }),
        params().prop_map(|params| Chunk::HeartbeatAck { params }),
        (any::<bool>(), prop::collection::vec(cause(), 0..4))
            .prop_map(|(tag_reflected, causes)| Chunk::Abort { tag_reflected, causes }),
        any::<u32>().prop_map(|cum_tsn_ack| Chunk::Shutdown { cum_tsn_ack }),
        Just(Chunk::ShutdownAck),
        prop::collection::vec(cause(), 0..4).prop_map(|causes| Chunk::Error { causes }),
        bytes(40).prop_map(|cookie| Chunk::CookieEcho { cookie }),
        Just(Chunk::CookieAck),
    ];
    let b = prop_oneof![
        any::<u32>().prop_map(|lowest_tsn| Chunk::Ecne { lowest_tsn }),
        any::<u32>().prop_map(|lowest_tsn| Chunk::Cwr { lowest_tsn }),
        any::<bool>().prop_map(|tag_reflected| Chunk::ShutdownComplete { tag_reflected }),
        (any::<u16>(), any::<u16>(), bytes(40)).prop_map(|(shared_key_id, hmac_id, hmac)| Chunk::Auth(Auth {
            shared_key_id,
            hmac_id,
            hmac
        })),
        (flags4(), any::<u32>(), any::<u16>(), any::<u32>(), any::<u32>(), bytes(40)).prop_map(
            |((immediate, unordered, beginning, ending), tsn, stream_id, mid, ppid_or_fsn, user_data)| {
                Chunk::IData(IData {
                    immediate,
                    unordered,
                    beginning,
                    ending,
                    tsn,
                    stream_id,
                    mid,
                    ppid_or_fsn,
                    user_data,
                })
            }
        ),
        (any::<u32>(), params()).prop_map(|(serial, params)| Chunk::AsconfAck(Asconf { serial, params })),
        params().prop_map(|params| Chunk::ReConfig { params }),
        bytes(40).prop_map(|padding| Chunk::Pad { padding }),
        (any::<u32>(), prop::collection::vec(any::<(u16, u16)>(), 0..5)).prop_map(|(new_cum_tsn, s)| {
            Chunk::ForwardTsn {
                new_cum_tsn,
                streams: s.into_iter().map(|(stream_id, ssn)| ForwardTsnStream { stream_id, ssn }).collect(),
            }
        }),
        (any::<u32>(), params()).prop_map(|(serial, params)| Chunk::Asconf(Asconf { serial, params })),
        (any::<u32>(), prop::collection::vec(any::<(u16, bool, u32)>(), 0..5)).prop_map(|(new_cum_tsn, s)| {
            Chunk::IForwardTsn {
                new_cum_tsn,
                streams: s
                    .into_iter()
                    .map(|(stream_id, unordered, mid)| IForwardTsnStream { stream_id, unordered, mid })
                    .collect(),
            }
        }),
        (any::<u8>().prop_filter("unassigned", |t| !KNOWN_CHUNKS.contains(t)), any::<u8>(), bytes(40))
            .prop_map(|(t, flags, value)| Chunk::Unknown { ty: ChunkType(t), flags, value }),
    ];
    prop_oneof![a, b]
}

/// Emit into a buffer pre-filled with 0xa5: the prefix stays, the output is padded to 4 with
/// zeros, and its length field says the unpadded length.
fn emit_checked(emit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = vec![0xa5; 5];
    emit(&mut out);
    assert_eq!(&out[..5], &[0xa5; 5]);
    let b = out.split_off(5);
    assert_eq!(b.len() % 4, 0, "padded to 4");
    let len = u16::from_be_bytes([b[2], b[3]]) as usize;
    assert!(len <= b.len() && b.len() - len < 4, "length {len} of {}", b.len());
    assert!(b[len..].iter().all(|&x| x == 0), "zero padding");
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn chunk_round_trip(c in chunk()) {
        let b = emit_checked(|o| c.emit(o));
        let (back, rest) = Chunk::parse(&b).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert!(rest.is_empty());
        // Without the final padding too (as the last chunk of a packet may come).
        let len = u16::from_be_bytes([b[2], b[3]]) as usize;
        prop_assert_eq!(Chunk::parse(&b[..len]).unwrap().0, c);
    }

    #[test]
    fn param_round_trip(p in param()) {
        let b = emit_checked(|o| p.emit(o));
        let (back, rest) = Param::parse(&b).unwrap();
        prop_assert_eq!(&back, &p);
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn cause_round_trip(c in cause()) {
        let b = emit_checked(|o| c.emit(o));
        let (back, rest) = Cause::parse(&b).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn packet_round_trip(src_port in any::<u16>(), dst_port in any::<u16>(), verification_tag in any::<u32>(),
                         chunks in prop::collection::vec(chunk(), 0..4)) {
        let header = CommonHeader { src_port, dst_port, verification_tag, checksum: 0 };
        let mut out = vec![0xa5; 3];
        emit_packet(&header, &chunks, &mut out);
        prop_assert_eq!(&out[..3], &[0xa5; 3]);
        let b = &out[3..];
        prop_assert_eq!(crc::verify(b), Some(ChecksumKind::Crc32c));
        let p = chunk::Packet::parse(b).unwrap();
        prop_assert_eq!(p.header, CommonHeader { checksum: crc::crc32c_field(b), ..header });
        prop_assert_eq!(p.chunks, chunks);
    }

    /// Every cut short of the chunk length fails with the exact error of the field it lands in.
    #[test]
    fn chunk_truncations(c in chunk()) {
        let b = emit_checked(|o| c.emit(o));
        let len = u16::from_be_bytes([b[2], b[3]]) as usize;
        for n in 0..len {
            let e = Chunk::parse(&b[..n]).unwrap_err();
            let want = match n {
                0 => ParseError::Truncated { offset: 0, what: "chunk type", needed: 1, available: 0 },
                1 => ParseError::Truncated { offset: 1, what: "chunk flags", needed: 1, available: 0 },
                2 | 3 => ParseError::Truncated { offset: 2, what: "chunk length", needed: 2, available: n - 2 },
                _ => ParseError::Truncated { offset: 4, what: "chunk value", needed: len - 4, available: n - 4 },
            };
            prop_assert_eq!(e, want);
        }
    }

    #[test]
    fn param_truncations(p in param()) {
        let b = emit_checked(|o| p.emit(o));
        let len = u16::from_be_bytes([b[2], b[3]]) as usize;
        for n in 0..len {
            let e = Param::parse(&b[..n]).unwrap_err();
            let want = match n {
                0 | 1 => ParseError::Truncated { offset: 0, what: "parameter", needed: 2, available: n },
                2 | 3 => ParseError::Truncated { offset: 2, what: "parameter", needed: 2, available: n - 2 },
                _ => ParseError::Truncated { offset: 4, what: "parameter", needed: len - 4, available: n - 4 },
            };
            prop_assert_eq!(e, want);
        }
    }

    #[test]
    fn any_bytes_parse_without_panic(b in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = Chunk::parse(&b);
        let _ = Param::parse(&b);
        let _ = Cause::parse(&b);
        let _ = parse_chunks_lax(&b);
        let _ = chunk::Packet::parse(&b);
        let _ = crc::verify(&b);
    }

    /// The dissector on arbitrary bytes after a valid header: no panic, and a result.
    #[test]
    fn dissector_survives_any_chunks(b in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut pkt = vec![0x13, 0x88, 0x13, 0x89, 0, 0, 0, 1, 0, 0, 0, 0];
        pkt.extend_from_slice(&b);
        let mut st = State::default();
        let p = one(&pkt, 1, &mut st);
        prop_assert!(p.find("sctp.srcport").is_some());
    }
}

/// Whether a chunk carries copies of other TLVs as raw bytes (random ones are not valid TLVs,
/// and the dissector rightly stops on them), or is a HEARTBEAT without its parameter.
fn has_raw_copies(c: &Chunk) -> bool {
    fn p(x: &Param) -> bool {
        match x {
            Param::UnrecognizedParameter(_) => true,
            Param::ErrorCauseIndication { causes, .. } => causes.iter().any(k),
            _ => false,
        }
    }
    fn k(x: &Cause) -> bool {
        matches!(
            x,
            Cause::UnresolvableAddress { .. }
                | Cause::UnrecognizedChunkType { .. }
                | Cause::UnrecognizedParameters { .. }
                | Cause::RestartWithNewAddresses { .. }
                | Cause::DeleteLastRemainingAddress { .. }
                | Cause::ResourceShortage { .. }
                | Cause::DeleteSourceAddress { .. }
                | Cause::RequestRefused { .. }
        )
    }
    match c {
        Chunk::Init(i) | Chunk::InitAck(i) => i.params.iter().any(p),
        // tshark reads one Heartbeat Info and stops on an empty HEARTBEAT (RFC 4960 §3.3.5 wants one).
        Chunk::Heartbeat { params } | Chunk::HeartbeatAck { params } => params.is_empty() || params.iter().any(p),
        Chunk::ReConfig { params } => params.iter().any(p),
        Chunk::Asconf(a) | Chunk::AsconfAck(a) => a.params.iter().any(p),
        Chunk::Abort { causes, .. } | Chunk::Error { causes } => causes.iter().any(k),
        _ => false,
    }
}

/// Emitted packets are also what the dissector reads without complaint, chunk for chunk.
#[test]
fn dissector_accepts_emitted_packets() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut st = State::default();
    let mut n = 0;
    while n < 300 {
        let mut chunks: Vec<Chunk> = (0..3).map(|_| chunk().new_tree(&mut runner).unwrap().current()).collect();
        if chunks.iter().any(has_raw_copies) {
            continue;
        }
        // INIT, INIT ACK and SHUTDOWN COMPLETE travel alone (RFC 4960 §6.10).
        if let Some(i) =
            chunks.iter().position(|c| matches!(c, Chunk::Init(_) | Chunk::InitAck(_) | Chunk::ShutdownComplete { .. }))
        {
            chunks = vec![chunks.swap_remove(i)];
        }
        n += 1;
        let header = CommonHeader { src_port: 1, dst_port: 2, verification_tag: 3, checksum: 0 };
        let mut b = Vec::new();
        emit_packet(&header, &chunks, &mut b);
        let p = one(&b, n, &mut st);
        assert!(!p.malformed, "{chunks:?}: {:?}", p.experts);
        assert_eq!(fv(&p, "sctp.checksum.status"), "1");
        let top: usize = p
            .layers
            .iter()
            .filter(|l| l.def.abbrev == "sctp")
            .map(|l| l.children.iter().filter(|c| c.def.abbrev == "sctp.chunk").count())
            .sum();
        assert_eq!(top, chunks.len(), "{chunks:?}");
        let types: Vec<String> = p
            .layers
            .iter()
            .filter(|l| l.def.abbrev == "sctp")
            .flat_map(|l| l.children.iter().filter(|c| c.def.abbrev == "sctp.chunk"))
            .map(|c| field_value(c.children[0].def, &c.children[0].value))
            .collect();
        let want: Vec<String> = chunks.iter().map(|c| c.ty().0.to_string()).collect();
        assert_eq!(types, want);
    }
}
