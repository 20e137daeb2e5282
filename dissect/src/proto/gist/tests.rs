//! Tests of the GIST module: a message of the real capture read field by field, round trips of
//! every object and message, the exact error at every truncation length, one test per SPEC-NOTES
//! rule (G1-G4) and per expert info, pairing, the tap, and snapshots of the tree.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::engine::{self, Addrs, Config, Ctx, State, TcpPayload, UdpPayload};
use crate::stream::{PduInfo, StreamFramer};
use crate::tree::{Packet, TreeBuilder, Tvb, Value};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Frame 6 of ../shared/captures/nsis-ka (the UDP payload): a D-mode Response offering TCP on
/// port 30000 (profile 1) and TLS over TCP on port 30001 (profile 2).
const FRAME6: &str = "4e04bda501010027002a01c000000004000040200a6200010a62000220200000000100040000000000000000\
000000000000000000020007100040000000753050596f37a04f6a6ae00a3d88d5d2238d0a620002000500011aa8964600060007\
0dc76e9b00000000451220837b250edcb4038519d3333d665fdc017b0003000302000000010100000202010000040006020000000\
002bf2001010200753000000102020075310000";

/// Frame 12 (the TCP payload): a C-mode Data message carrying "Hello World!".
const FRAME12: &str = "0101000e002a038000000004000040000a6200010a62000220200000000100040000000000000000\
00000000000000000008000348656c6c6f20576f726c6421";

const A: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 98, 0, 1));
const B: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 98, 0, 2));

#[test]
fn real_response_every_field() {
    let b = unhex(FRAME6);
    let (m, rest) = parse_dmode(&b).unwrap();
    assert!(rest.is_empty());
    // A.1: version 1, hops 1, 39 words, NSLPID 42, C=0 type 1, S=1 R=1 E=0.
    let h = m.header;
    assert_eq!((h.version, h.hops, h.length, h.nslpid), (1, 1, 39, 42));
    assert_eq!((h.c, h.msg_type, h.s, h.r, h.e, h.reserved), (false, MsgType::RESPONSE, true, true, false, 0));
    let types: Vec<u16> = m.objects.iter().map(|o| o.ty.0).collect();
    assert_eq!(types, vec![0, 1, 2, 5, 6, 3, 4]);
    let ObjectValue::Mri(mri) = &m.objects[0].value else { panic!() };
    let MriMethod::PathCoupled(pc) = &mri.method else { panic!() };
    assert_eq!((pc.ip_ver, pc.d, pc.p, pc.src, pc.dst, pc.src_prefix, pc.dst_prefix), (4, true, false, A, B, 32, 32));
    let ObjectValue::Nli(nli) = &m.objects[2].value else { panic!() };
    assert_eq!((nli.peer_identity.len(), nli.ip_ttl, nli.rsvt, nli.interface), (16, 0, 30000, B));
    let ObjectValue::StackProposal(sp) = &m.objects[5].value else { panic!() };
    assert_eq!(sp.profiles[0].protocols, vec![MaProtocolId::FORWARDS_TCP]);
    assert_eq!(sp.profiles[1].protocols, vec![MaProtocolId::TLS, MaProtocolId::FORWARDS_TCP]);
    let ObjectValue::Scd(scd) = &m.objects[6].value else { panic!() };
    assert_eq!(scd.hold_time, 180_000);
    let ports: Vec<(u8, u8, Option<u16>)> = scd.options.iter().map(|o| (o.protocol.0, o.profile, o.port())).collect();
    assert_eq!(ports, vec![(1, 1, Some(30000)), (1, 2, Some(30001))]);
    let objs = m.objects.clone();
    assert_eq!(
        announced(&objs),
        vec![(vec![MaProtocolId::FORWARDS_TCP], 30000), (vec![MaProtocolId::TLS, MaProtocolId::FORWARDS_TCP], 30001)]
    );
    // Emit into a buffer pre-filled with 0xa5: every byte is written back.
    let mut out = vec![0xa5; 3];
    m.emit_dmode(&mut out);
    assert_eq!(&out[3..], &b[..]);
}

// ---- strategies ----

fn arb_addr(v6: bool) -> BoxedStrategy<IpAddr> {
    if v6 {
        any::<[u8; 16]>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))).boxed()
    } else {
        any::<[u8; 4]>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))).boxed()
    }
}

fn arb_mri() -> impl Strategy<Value = Mri<'static>> {
    let pc = (any::<bool>(), any::<[bool; 7]>(), 0u8..32, any::<(u8, u8, u8)>(), 0u8..64, 0u8..4)
        .prop_flat_map(|(v6, fl, rsv, pre, ds, rsv2)| {
            (
                arb_addr(v6),
                arb_addr(v6),
                (any::<u16>(), 0u32..0x10_0000),
                any::<u32>(),
                any::<(u16, u16)>(),
                Just((v6, fl, rsv, pre, ds, rsv2)),
            )
        })
        .prop_map(|(src, dst, flow, spi, ports, (v6, fl, reserved, pre, ds_field, rsv2))| {
            let [p, t, f, s, a, b, d] = fl;
            MriMethod::PathCoupled(PathCoupled {
                ip_ver: if v6 { 6 } else { 4 },
                p,
                t,
                f,
                s,
                a,
                b,
                d,
                reserved,
                src,
                dst,
                src_prefix: pre.0,
                dst_prefix: pre.1,
                protocol: pre.2,
                ds_field,
                rsv2,
                flow_label: f.then_some((flow.0 & 0xfff, flow.1)),
                spi: s.then_some(spi),
                ports: (a || b).then_some(ports),
            })
        });
    let le = (any::<bool>(), any::<bool>(), 0u16..0x800).prop_flat_map(|(v6, d, reserved)| {
        (arb_addr(v6), arb_addr(v6)).prop_map(move |(src, dst)| {
            MriMethod::LooseEnd(LooseEnd { ip_ver: if v6 { 6 } else { 4 }, d, reserved, src, dst })
        })
    });
    let unknown = (0usize..4).prop_map(|n| MriMethod::Unknown(&ZEROS[..2 + 4 * n]));
    (
        prop_oneof![
            pc.prop_map(|m| (Mrm::PATH_COUPLED, m)),
            le.prop_map(|m| (Mrm::LOOSE_END, m)),
            unknown.prop_map(|m| (Mrm(77), m))
        ],
        any::<bool>(),
        0u8..128,
    )
        .prop_map(|((mrm, method), n, reserved)| Mri { mrm, n, reserved, method })
}

static ZEROS: [u8; 64] = [0; 64];
static BYTES: [u8; 64] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
    61, 62, 63, 64,
];

fn arb_nli() -> impl Strategy<Value = Nli<'static>> {
    (0usize..40, any::<u8>(), any::<bool>(), 0u16..0x1000, any::<u32>()).prop_flat_map(|(pl, ttl, v6, rsv, rsvt)| {
        arb_addr(v6).prop_map(move |interface| Nli {
            ip_ttl: ttl,
            ip_ver: if v6 { 6 } else { 4 },
            reserved: rsv,
            rsvt,
            peer_identity: &BYTES[..pl],
            pi_pad: zero_pad(pad_len(pl)),
            interface,
        })
    })
}

fn arb_sp() -> impl Strategy<Value = StackProposal<'static>> {
    (0u32..0x100_0000, proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..6), 0..4)).prop_map(
        |(reserved, ps)| StackProposal {
            reserved,
            profiles: ps
                .into_iter()
                .map(|p| Profile {
                    pad: zero_pad(pad_len(1 + p.len())),
                    protocols: p.into_iter().map(MaProtocolId).collect(),
                })
                .collect(),
        },
    )
}

fn arb_scd() -> impl Strategy<Value = Scd<'static>> {
    let mpo = (any::<u8>(), any::<u8>(), any::<bool>(), 0u8..128, 0usize..9).prop_map(|(p, prof, d, r, n)| MaOptions {
        protocol: MaProtocolId(p % 6),
        profile: prof,
        d,
        reserved: r,
        data: &BYTES[..n],
        pad: zero_pad(pad_len(n)),
    });
    (0u32..0x100_0000, any::<u32>(), proptest::collection::vec(mpo, 0..4))
        .prop_map(|(reserved, hold_time, options)| Scd { reserved, hold_time, options })
}

fn arb_header() -> impl Strategy<Value = Header> {
    (any::<(u8, u8, u16, u16)>(), any::<[bool; 4]>(), 0u8..128, 0u8..32).prop_map(
        |((version, hops, length, nslpid), [c, s, r, e], t, reserved)| Header {
            version,
            hops,
            length,
            nslpid,
            c,
            msg_type: MsgType(t),
            s,
            r,
            e,
            reserved,
        },
    )
}

fn mri_bytes(m: &Mri<'_>) -> usize {
    let mut v = Vec::new();
    m.emit(&mut v);
    v.len()
}

fn arb_embedded() -> impl Strategy<Value = EmbeddedMri<'static>> {
    prop_oneof![
        arb_mri().prop_filter("whole words", |m| mri_bytes(m) % 4 == 0).prop_map(EmbeddedMri::Parsed),
        (0usize..3).prop_map(|n| EmbeddedMri::Raw(&[0, 0, 0x50, 0, 0, 0, 0x50, 0][..4 * n]))
    ]
}

fn arb_nat() -> impl Strategy<Value = NatTraversal<'static>> {
    (
        any::<u8>(),
        arb_embedded(),
        proptest::collection::vec(any::<u16>(), 0..5),
        proptest::collection::vec(0usize..10, 0..3),
    )
        .prop_map(|(reserved, mri, types, ops)| NatTraversal {
            reserved,
            mri,
            types_pad: zero_pad(pad_len(2 * types.len())),
            types,
            opaque: ops.into_iter().map(|n| Opaque { data: &BYTES[..n], pad: zero_pad(pad_len(2 + n)) }).collect(),
        })
}

fn arb_ai() -> impl Strategy<Value = AdditionalInfo<'static>> {
    prop_oneof![
        any::<(u16, u16)>().prop_map(|(a, b)| AdditionalInfo {
            ai_type: AiType::MESSAGE_LENGTH,
            value: AiValue::MessageLength { calculated: a, reserved: b }
        }),
        any::<(u16, u16)>()
            .prop_map(|(a, b)| AdditionalInfo { ai_type: AiType::MTU, value: AiValue::Mtu { mtu: a, reserved: b } }),
        any::<(u16, u16)>().prop_map(|(a, b)| AdditionalInfo {
            ai_type: AiType::OBJECT_TYPE,
            value: AiValue::ObjectType { object_type: a, reserved: b }
        }),
        (0u8..16, 0u16..0x1000, any::<u16>(), 0usize..4).prop_map(|(r, l, o, n)| AdditionalInfo {
            ai_type: AiType::OBJECT_VALUE,
            value: AiValue::ObjectValue { reserved: r, real_length: l, offset: o, object: &BYTES[..4 * n] }
        }),
        (5u16..100, 0usize..3)
            .prop_map(|(t, n)| AdditionalInfo { ai_type: AiType(t), value: AiValue::Raw(&BYTES[..4 * n]) }),
    ]
}

fn arb_error() -> impl Strategy<Value = ErrorObject<'static>> {
    (
        (any::<u8>(), any::<u16>(), any::<u8>(), any::<[bool; 5]>(), 0u16..0x800, any::<u8>()),
        arb_header(),
        any::<[u8; 16]>(),
        arb_embedded(),
        proptest::collection::vec(arb_ai(), 0..4),
        0usize..3,
    )
        .prop_map(|((class, code, subcode, [s, m, c, d, q], reserved, mlen), header, sid, mri, infos, cn)| {
            let mri_length = if m {
                match &mri {
                    EmbeddedMri::Parsed(x) => (mri_bytes(x) / 4) as u8,
                    EmbeddedMri::Raw(b) => (b.len() / 4) as u8,
                }
            } else {
                mlen
            };
            ErrorObject {
                class: ErrorClass(class),
                code: ErrorCode(code),
                subcode,
                s,
                m,
                c,
                d,
                q,
                reserved,
                mri_length,
                header,
                session_id: s.then_some(sid),
                mri: m.then_some(mri),
                infos,
                comment: c.then_some(&b"bad\0\0\0\0\0"[..4 * cn]),
            }
        })
}

fn arb_object() -> impl Strategy<Value = Object<'static>> {
    let value = prop_oneof![
        arb_mri()
            .prop_filter("whole words", |m| mri_bytes(m) % 4 == 0)
            .prop_map(|m| (ObjectType::MRI, ObjectValue::Mri(m))),
        any::<[u8; 16]>().prop_map(|s| (ObjectType::SESSION_ID, ObjectValue::SessionId(s))),
        arb_nli().prop_map(|n| (ObjectType::NLI, ObjectValue::Nli(n))),
        arb_sp().prop_map(|s| (ObjectType::STACK_PROPOSAL, ObjectValue::StackProposal(s))),
        arb_scd().prop_map(|s| (ObjectType::SCD, ObjectValue::Scd(s))),
        (0usize..5).prop_map(|n| (ObjectType::QUERY_COOKIE, ObjectValue::QueryCookie(&BYTES[..4 * n]))),
        (0usize..5).prop_map(|n| (ObjectType::RESPONDER_COOKIE, ObjectValue::ResponderCookie(&BYTES[..4 * n]))),
        arb_nat().prop_map(|n| (ObjectType::NAT_TRAVERSAL, ObjectValue::NatTraversal(n))),
        (0usize..5).prop_map(|n| (ObjectType::NSLP_DATA, ObjectValue::NslpData(&BYTES[..4 * n]))),
        arb_error().prop_map(|e| (ObjectType::ERROR, ObjectValue::Error(e))),
        any::<u32>().prop_map(|h| (ObjectType::HELLO_ID, ObjectValue::HelloId(h))),
        (11u16..4096, 0usize..4).prop_map(|(t, n)| (ObjectType(t), ObjectValue::Unknown(&BYTES[..4 * n]))),
    ];
    (value, 0u8..4, 0u8..4, 0u8..16).prop_map(|((ty, value), ab, rsv_a, rsv_b)| Object {
        ab: Ab(ab),
        rsv_a,
        ty,
        rsv_b,
        value,
    })
}

fn arb_message() -> impl Strategy<Value = Message<'static>> {
    (arb_header(), proptest::collection::vec(arb_object(), 0..6))
        .prop_map(|(header, objects)| Message { header, objects })
}

proptest! {
    #[test]
    fn object_round_trip(o in arb_object()) {
        let mut b = Vec::new();
        o.emit(&mut b);
        let (back, rest) = Object::parse(&b).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &o);
        let mut again = Vec::new();
        back.emit(&mut again);
        prop_assert_eq!(again, b);
    }

    #[test]
    fn message_round_trip(m in arb_message()) {
        let b = m.to_bytes();
        let (back, rest) = parse(&b).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back.objects, &m.objects);
        prop_assert_eq!(back.to_bytes(), b.clone());
        let mut d = Vec::new();
        m.emit_dmode(&mut d);
        let (back, _) = parse_dmode(&d).unwrap();
        prop_assert_eq!(back.to_bytes(), b);
    }

    /// Any bytes that parse re-emit to the same bytes; nothing panics.
    #[test]
    fn arbitrary_bytes_reemit(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok((m, rest)) = parse(&b) {
            let mut out = m.to_bytes();
            out.extend_from_slice(rest);
            prop_assert_eq!(out, b.clone());
        }
        let _ = parse_lax(&b);
        let _ = heuristic_cmode(&b);
        let _ = heuristic_dmode(&b);
    }

    /// Arbitrary bytes through the whole `gist` layer on every transport never panic.
    #[test]
    fn dissect_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        for t in [Transport::Udp, Transport::Tcp, Transport::Sctp, Transport::Tls, Transport::Dtls] {
            let _ = run(&[(&b, t)]);
        }
    }
}

// ---- truncation ----

#[test]
fn every_truncation_of_a_message_is_reported_exactly() {
    let b = unhex(FRAME12);
    assert_eq!(b.len(), 64);
    for n in 0..b.len() {
        let want = match n {
            0 | 1 => ParseError::Truncated { what: "common header", offset: n, needed: 1, available: 0 },
            2 | 3 => ParseError::Truncated { what: "common header", offset: 2, needed: 2, available: n - 2 },
            4 | 5 => ParseError::Truncated { what: "common header", offset: 4, needed: 2, available: n - 4 },
            6 | 7 => ParseError::Truncated { what: "common header", offset: n, needed: 1, available: 0 },
            _ => ParseError::Truncated { what: "message", offset: 8, needed: 56, available: n - 8 },
        };
        assert_eq!(parse(&b[..n]).unwrap_err(), want, "prefix of {n} bytes");
    }
    assert!(parse(&b).is_ok());
}

#[test]
fn truncated_objects_and_values() {
    // An object header alone, and a value shorter than its length.
    assert_eq!(
        Object::parse(&[0, 8]).unwrap_err(),
        ParseError::Truncated { what: "object header", offset: 2, needed: 2, available: 0 }
    );
    assert_eq!(
        Object::parse(&[0, 8, 0, 2, 1, 2, 3, 4]).unwrap_err(),
        ParseError::Truncated { what: "object value", offset: 4, needed: 8, available: 4 }
    );
    // An NLI whose peer identity runs past the value: kept whole, with the reason.
    let (o, _) = Object::parse(&[0, 2, 0, 2, 40, 64, 0x40, 0, 0, 0, 0, 1]).unwrap();
    assert_eq!(
        o.value,
        ObjectValue::Invalid {
            bytes: &[40, 64, 0x40, 0, 0, 0, 0, 1],
            error: ParseError::Truncated { what: "NLI peer identity", offset: 8, needed: 40, available: 0 }
        }
    );
    // A Session ID of 5 words.
    let mut b = vec![0, 1, 0, 5];
    b.extend_from_slice(&[0; 20]);
    let (o, _) = Object::parse(&b).unwrap();
    assert!(matches!(o.value, ObjectValue::Invalid { error: ParseError::Trailing { extra: 4, .. }, .. }));
    // An MRI of IP version 5.
    let (o, _) = Object::parse(&[0, 0, 0, 1, 0, 0, 0x50, 0]).unwrap();
    assert!(matches!(o.value, ObjectValue::Invalid { error: ParseError::IpVersion { version: 5, .. }, .. }));
    // The magic number.
    assert_eq!(parse_dmode(&[0x4e, 0x04, 0xbd, 0xa6, 1]).unwrap_err(), ParseError::BadMagic { found: 0x4e04bda6 });
}

// ---- the pipeline, without frames ----

fn ctx_for<'a>(cfg: &'a Config, st: &'a mut State, frame: u64, src: IpAddr, dst: IpAddr) -> Ctx<'a> {
    Ctx {
        tb: TreeBuilder::new(),
        cfg,
        st,
        frame_number: frame,
        ts: (100, frame as u32 * 1000),
        addrs: Addrs { src: Some(src), dst: Some(dst), src_port: 0, dst_port: 0 },
        depth: 0,
    }
}

fn finish(ctx: Ctx<'_>, frame: u64, data: &[u8]) -> Packet {
    let Ctx { tb, .. } = ctx;
    tb.finish(frame, (100, 0), (0, 0), data.len() as u32, Arc::from(data))
}

/// Dissect each message as its own frame (frames numbered from 1), A to B.
fn run(msgs: &[(&[u8], Transport)]) -> Vec<Packet> {
    let cfg = Config::default();
    let mut st = State::default();
    let mut out = Vec::new();
    for (i, (b, t)) in msgs.iter().enumerate() {
        let n = i as u64 + 1;
        let mut ctx = ctx_for(&cfg, &mut st, n, A, B);
        dissect_message(&mut ctx, Tvb::new(b, 0, 0), *t);
        out.push(finish(ctx, n, b));
    }
    out
}

fn experts(p: &Packet) -> Vec<String> {
    p.experts.iter().map(|e| e.message.clone()).collect()
}

fn expert_of(b: &[u8], t: Transport) -> Vec<String> {
    experts(&run(&[(b, t)])[0])
}

fn has(v: &[String], s: &str) -> bool {
    v.iter().any(|e| e.contains(s))
}

fn sid() -> Object<'static> {
    Object::new(ObjectType::SESSION_ID, ObjectValue::SessionId([7; 16]))
}

fn mri_v4() -> Mri<'static> {
    Mri {
        mrm: Mrm::PATH_COUPLED,
        n: false,
        reserved: 0,
        method: MriMethod::PathCoupled(PathCoupled {
            ip_ver: 4,
            p: true,
            t: false,
            f: false,
            s: false,
            a: false,
            b: true,
            d: false,
            reserved: 0,
            src: A,
            dst: B,
            src_prefix: 32,
            dst_prefix: 32,
            protocol: 17,
            ds_field: 0,
            rsv2: 0,
            flow_label: None,
            spi: None,
            ports: Some((0, 5060)),
        }),
    }
}

fn mri() -> Object<'static> {
    Object::new(ObjectType::MRI, ObjectValue::Mri(mri_v4()))
}

fn nli() -> Object<'static> {
    Object::new(
        ObjectType::NLI,
        ObjectValue::Nli(Nli {
            ip_ttl: 64,
            ip_ver: 4,
            reserved: 0,
            rsvt: 30000,
            peer_identity: &BYTES[..6],
            pi_pad: zero_pad(2),
            interface: B,
        }),
    )
}

fn qc() -> Object<'static> {
    Object::new(ObjectType::QUERY_COOKIE, ObjectValue::QueryCookie(&BYTES[..8]))
}

fn query() -> Message<'static> {
    let mut m = Message::new(42, MsgType::QUERY, vec![mri(), sid(), nli(), qc()]);
    m.header.c = true;
    m.header.r = true;
    m.header.s = true;
    m
}

fn dmode(m: &Message<'_>) -> Vec<u8> {
    let mut b = Vec::new();
    m.emit_dmode(&mut b);
    b
}

fn gist_warnings(p: &Packet) -> Vec<String> {
    experts(p).into_iter().filter(|e| e.contains("(G4)")).collect()
}

#[test]
fn a_correct_exchange_raises_nothing() {
    let q = dmode(&query());
    let p = run(&[(&q, Transport::Udp)]);
    assert!(experts(&p[0]).is_empty(), "{:?}", experts(&p[0]));
    assert_eq!(p[0].summary.protocol, "GIST");
}

#[test]
fn g1_magic_number_on_udp() {
    let q = dmode(&query());
    assert!(heuristic_dmode(&q));
    assert!(!heuristic_dmode(&q[4..]));
    let mut bad = q.clone();
    bad[3] ^= 1;
    assert!(!heuristic_dmode(&bad));
    // Port 270 without the magic number: data, not GIST.
    let cfg = Config::default();
    let mut st = State::default();
    let mut ctx = ctx_for(&cfg, &mut st, 1, A, B);
    let up = UdpPayload { stream: 0, src_port: 270, dst_port: 270 };
    engine::app_udp(&mut ctx, &up, Tvb::new(&q[4..], 0, 0));
    let p = finish(ctx, 1, &q[4..]);
    assert!(p.find("gist").is_none() && p.find("data").is_some());
    // The magic alone on another port: GIST by the heuristic.
    let mut ctx = ctx_for(&cfg, &mut st, 2, A, B);
    let up = UdpPayload { stream: 1, src_port: 40000, dst_port: 41000 };
    engine::app_udp(&mut ctx, &up, Tvb::new(&q, 0, 0));
    let p = finish(ctx, 2, &q);
    assert_eq!(p.find("gist.magic").map(|n| n.value.clone()), Some(Value::UInt(MAGIC as u64)));
    assert_eq!(p.find("gist.mode").map(|n| n.value.clone()), Some(Value::Str("Q-mode".into())));
}

fn data_msg(n: usize) -> Vec<u8> {
    let m = Message::new(
        42,
        MsgType::DATA,
        vec![mri(), sid(), Object::new(ObjectType::NSLP_DATA, ObjectValue::NslpData(&BYTES[..4 * n]))],
    );
    m.to_bytes()
}

#[test]
fn g2_byte_stream_framing_at_every_split() {
    let mut stream = data_msg(1);
    stream.extend(data_msg(3));
    let cfg = Config::default();
    for i in 0..=stream.len() {
        let mut st = State::default();
        let mut framer = StreamFramer::new();
        let mut proto = GistStream { transport: Transport::Tcp };
        let mut count = 0;
        let mut off = 0u64;
        for (n, seg) in [&stream[..i], &stream[i..]].into_iter().enumerate() {
            let mut ctx = ctx_for(&cfg, &mut st, n as u64 + 1, A, B);
            let info = PduInfo { stream: 0, dir: 0, src_port: 1, dst_port: 2, stream_offset: off };
            framer.feed(&mut ctx, &mut proto, Tvb::new(seg, 0, 0), &info);
            off += seg.len() as u64;
            let p = finish(ctx, n as u64 + 1, seg);
            assert!(!p.malformed, "split at {i}");
            count += p.values("gist.nslp_data").len();
        }
        assert_eq!(count, 2, "split at {i}");
    }
}

#[test]
fn g2_sctp_heuristic_is_strict() {
    let d = data_msg(2);
    assert!(heuristic_cmode(&d));
    let mut longer = d.clone();
    longer.extend_from_slice(&[0; 4]);
    assert!(!heuristic_cmode(&longer));
    assert!(!heuristic_cmode(&d[..d.len() - 4]));
    let mut v2 = d.clone();
    v2[0] = 2;
    assert!(!heuristic_cmode(&v2));
    // Extra bytes in one user message are the catalogue's Incorrect Message Length.
    assert!(has(&expert_of(&longer, Transport::Sctp), "Incorrect Message Length"));
}

fn response_with(sp: Vec<Vec<MaProtocolId>>, mpos: Vec<(MaProtocolId, u8, &'static [u8])>) -> Message<'static> {
    let sp = StackProposal {
        reserved: 0,
        profiles: sp.into_iter().map(|p| Profile { pad: zero_pad(pad_len(1 + p.len())), protocols: p }).collect(),
    };
    let scd = Scd {
        reserved: 0,
        hold_time: 30000,
        options: mpos
            .into_iter()
            .map(|(protocol, profile, data)| MaOptions {
                protocol,
                profile,
                d: false,
                reserved: 0,
                data,
                pad: zero_pad(pad_len(data.len())),
            })
            .collect(),
    };
    let mut m = Message::new(
        42,
        MsgType::RESPONSE,
        vec![
            mri(),
            sid(),
            nli(),
            qc(),
            Object::new(ObjectType::STACK_PROPOSAL, ObjectValue::StackProposal(sp)),
            Object::new(ObjectType::SCD, ObjectValue::Scd(scd)),
        ],
    );
    m.header.s = true;
    m
}

#[test]
fn g3_options_decoded_by_protocol() {
    let o = |p: MaProtocolId, data: &'static [u8]| MaOptions {
        protocol: p,
        profile: 0,
        d: false,
        reserved: 0,
        data,
        pad: &[],
    };
    assert_eq!(o(MaProtocolId::FORWARDS_TCP, &[]).decoded(), MaOptionsData::Empty);
    assert_eq!(
        o(MaProtocolId::FORWARDS_TCP, &[0x75, 0x30]).decoded(),
        MaOptionsData::Port { port: 30000, reserved: None }
    );
    assert_eq!(
        o(MaProtocolId::FORWARDS_SCTP, &[0x1f, 0x90, 0, 0]).decoded(),
        MaOptionsData::Port { port: 8080, reserved: Some(0) }
    );
    assert_eq!(o(MaProtocolId::DTLS, &[]).decoded(), MaOptionsData::Empty);
    assert_eq!(o(MaProtocolId::TLS, &[1, 2]).decoded(), MaOptionsData::Unexpected);
    assert_eq!(o(MaProtocolId::DTLS, &[1, 2, 3, 4]).decoded(), MaOptionsData::Unexpected);
    let r = response_with(
        vec![vec![MaProtocolId::DTLS, MaProtocolId::FORWARDS_SCTP]],
        vec![(MaProtocolId::FORWARDS_SCTP, 1, &[0x1f, 0x90, 0, 0]), (MaProtocolId::DTLS, 1, &[9, 9])],
    );
    assert!(has(&expert_of(&dmode(&r), Transport::Udp), "DTLS has no MA-protocol-options"));
}

#[test]
fn g3_response_announces_the_association() {
    // TCP, TLS over TCP, SCTP and DTLS over SCTP in one Response.
    let r = response_with(
        vec![
            vec![MaProtocolId::FORWARDS_TCP],
            vec![MaProtocolId::TLS, MaProtocolId::FORWARDS_TCP],
            vec![MaProtocolId::FORWARDS_SCTP],
            vec![MaProtocolId::DTLS, MaProtocolId::FORWARDS_SCTP],
        ],
        vec![
            (MaProtocolId::FORWARDS_TCP, 1, &[0x75, 0x30]),
            (MaProtocolId::FORWARDS_TCP, 2, &[0x75, 0x31]),
            (MaProtocolId::FORWARDS_SCTP, 3, &[0x75, 0x32, 0, 0]),
            (MaProtocolId::FORWARDS_SCTP, 4, &[0x75, 0x33, 0, 0]),
        ],
    );
    let b = dmode(&r);
    let cfg = Config::default();
    let mut st = State::default();
    let mut ctx = ctx_for(&cfg, &mut st, 1, B, A);
    dissect_message(&mut ctx, Tvb::new(&b, 0, 0), Transport::Udp);
    let p = finish(ctx, 1, &b);
    let ann: Vec<String> = p
        .values("gist.scd.announced")
        .iter()
        .map(|n| match &n.value {
            Value::Str(s) => s.clone(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(
        ann,
        vec![
            "TCP 10.98.0.2:30000",
            "TLS over TCP 10.98.0.2:30001",
            "SCTP 10.98.0.2:30002",
            "DTLS over SCTP 10.98.0.2:30003"
        ]
    );
    let e = &st.app.expected;
    assert_eq!(e.get(&(engine::Transport::Tcp, B, 30000)), Some(&"gist"));
    assert_eq!(e.get(&(engine::Transport::Tcp, B, 30001)), Some(&"tls"));
    assert_eq!(e.get(&(engine::Transport::Sctp, B, 30002)), Some(&"gist"));
    assert_eq!(e.get(&(engine::Transport::Sctp, B, 30003)), Some(&"dtls"));
    assert!(st.gist.tls_announced(B, 30001));
    // The TCP connection to the announced port is GIST in C-mode.
    let d = data_msg(1);
    let mut ctx = ctx_for(&cfg, &mut st, 2, A, B);
    let tp = TcpPayload { stream: 0, dir: 0, src_port: 40000, dst_port: 30000, stream_offset: 0 };
    engine::app_tcp(&mut ctx, &tp, Tvb::new(&d, 0, 0));
    let p = finish(ctx, 2, &d);
    assert_eq!(p.find("gist.mode").map(|n| n.value.clone()), Some(Value::Str("C-mode (TCP)".into())));
    // The TLS connection's chooser picks GIST.
    let ctx = ctx_for(&cfg, &mut st, 3, A, B);
    let info = PduInfo { stream: 1, dir: 0, src_port: 40001, dst_port: 30001, stream_offset: 0 };
    assert!(announced_over_tls(&ctx, &info));
    let n = crate::proto::tls::conv::Negotiated {
        version: crate::proto::tls::ProtocolVersion::TLS1_2,
        suite: Default::default(),
        alpn: None,
        data_multiplexing: false,
        announced: Some("gist"),
    };
    assert_eq!(crate::proto::tls::conv::default_app(&n).map(|p| p.name()), Some("GIST"));
}

fn g4(m: &Message<'_>, t: Transport) -> Vec<String> {
    let b = if t == Transport::Udp { dmode(m) } else { m.to_bytes() };
    gist_warnings(&run(&[(&b, t)])[0])
}

#[test]
fn g4_r_flag() {
    let mut q = query();
    q.header.r = false;
    assert!(has(
        &g4(&q, Transport::Udp),
        "Query without the R-flag: a node returns Common Header Parse Error (1), subcode 2 (Invalid R-flag)"
    ));
    for t in [MsgType::CONFIRM, MsgType::DATA, MsgType::ERROR] {
        let mut m = query();
        m.header.msg_type = t;
        m.header.c = false;
        assert!(has(&g4(&m, Transport::Udp), "R-flag set in a"), "{t:?}");
    }
    let mut r = response_with(vec![vec![MaProtocolId::FORWARDS_TCP]], vec![(MaProtocolId::FORWARDS_TCP, 1, &[0, 1])]);
    r.objects.push(Object::new(ObjectType::RESPONDER_COOKIE, ObjectValue::ResponderCookie(&BYTES[..4])));
    assert!(has(&g4(&r, Transport::Udp), "Response with a Responder-Cookie but without the R-flag"));
}

#[test]
fn g4_e_and_c_flags() {
    let mut q = query();
    q.header.e = true;
    assert!(has(
        &g4(&q, Transport::Udp),
        "E-flag set in a Query: a node returns Common Header Parse Error (1), subcode 4 (Invalid E-flag)"
    ));
    let mut q = query();
    q.header.c = false;
    assert!(has(&g4(&q, Transport::Udp), "Query without the C-flag"));
    let mut d = Message::new(
        42,
        MsgType::DATA,
        vec![mri(), sid(), Object::new(ObjectType::NSLP_DATA, ObjectValue::NslpData(&[]))],
    );
    d.header.c = true;
    assert!(g4(&d, Transport::Udp).is_empty(), "Q-mode Data may set C");
    assert!(has(&g4(&d, Transport::Tcp), "C-flag set in a Data over C-mode"));
    d.header.e = true;
    d.header.c = false;
    assert!(g4(&d, Transport::Tcp).is_empty(), "E is allowed in Data");
}

#[test]
fn g4_ab_reserved() {
    let mut q = query();
    q.objects[1].ab = Ab::RESERVED;
    assert!(has(
        &g4(&q, Transport::Udp),
        "Session-Identifier with AB=11: a node returns Object Type Error (9), subcode 5 (Invalid Extensibility Flags)"
    ));
}

#[test]
fn g4_mri_constraints() {
    let set = |f: &dyn Fn(&mut PathCoupled)| {
        let mut m = mri_v4();
        if let MriMethod::PathCoupled(p) = &mut m.method {
            f(p);
        }
        let mut q = query();
        q.objects[0] = Object::new(ObjectType::MRI, ObjectValue::Mri(m));
        g4(&q, Transport::Udp)
    };
    let w = set(&|p| {
        p.f = true;
        p.flow_label = Some((0, 5));
    });
    assert!(has(&w, "F-flag set with IP-Ver 4"));
    assert!(has(&w, "Object Value Error (10), subcode 2 (Invalid Flag-Field Combination)"));
    assert!(has(
        &set(&|p| {
            p.p = false;
            p.s = true;
            p.spi = Some(1);
        }),
        "S-flag set with P=0"
    ));
    assert!(has(&set(&|p| p.p = false), "A/B flags set with P=0"));
    assert!(has(&set(&|p| p.src_prefix = 33), "prefix length over 32"));
    let mut q = query();
    if let ObjectValue::Mri(m) = &mut q.objects[0].value {
        m.n = true;
    }
    assert!(has(&g4(&q, Transport::Udp), "N-flag set"));
}

#[test]
fn catalogue_checks_as_experts() {
    // Missing objects, duplicates, hop count, version, type, encapsulation.
    let mut q = query();
    q.objects.remove(3);
    assert!(has(
        &g4(&q, Transport::Udp),
        "Query without Query-Cookie: a node returns Object Type Error (9), subcode 2 (Missing Object)"
    ));
    let mut q = query();
    q.objects.push(sid());
    assert!(has(&g4(&q, Transport::Udp), "Session-Identifier appears more than once"));
    let mut q = query();
    q.header.hops = 0;
    assert!(has(&g4(&q, Transport::Udp), "Hop Limit Exceeded (2)"));
    let mut q = query();
    q.header.version = 2;
    assert!(has(&g4(&q, Transport::Udp), "subcode 0 (Unknown Version)"));
    let mut q = query();
    q.header.msg_type = MsgType(9);
    assert!(has(&g4(&q, Transport::Udp), "subcode 1 (Unknown Type)"));
    assert!(has(
        &g4(&query(), Transport::Tcp),
        "Query over a messaging association: a node returns Incorrect Encapsulation (3)"
    ));
    let h = Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(1))]);
    assert!(has(&g4(&h, Transport::Udp), "MA-Hello outside a messaging association"));
    assert!(g4(&h, Transport::Sctp).is_empty());
    let mut h2 = h.clone();
    h2.objects.push(sid());
    assert!(has(
        &g4(&h2, Transport::Sctp),
        "Session-Identifier in a MA-Hello: a node returns Object Type Error (9), subcode 3"
    ));
    // Unknown objects by AB.
    let mut q = query();
    q.objects.push(Object::new(ObjectType(900), ObjectValue::Unknown(&[])));
    assert!(has(
        &g4(&q, Transport::Udp),
        "Unknown object type 900 with AB=00: a node returns Object Type Error (9), subcode 1"
    ));
    q.objects[4].ab = Ab::IGNORE;
    assert!(has(&expert_of(&dmode(&q), Transport::Udp), "Unknown object type 900: a node deletes it"));
    // Stack-Proposal rules.
    let r = response_with(vec![], vec![]);
    assert!(has(
        &g4(&r, Transport::Udp),
        "Stack-Proposal with no profile: a node returns Object Value Error (10), subcode 1"
    ));
    let r = response_with(vec![vec![]], vec![]);
    assert!(has(&g4(&r, Transport::Udp), "subcode 3 (Empty List)"));
    let r = response_with(vec![vec![MaProtocolId::FORWARDS_TCP]], vec![(MaProtocolId::FORWARDS_SCTP, 1, &[0, 1])]);
    assert!(has(&g4(&r, Transport::Udp), "subcode 5 (Stack-Proposal - Stack-Configuration-Data Mismatch)"));
    let mut r = response_with(vec![vec![MaProtocolId::FORWARDS_TCP]], vec![(MaProtocolId::FORWARDS_TCP, 1, &[0, 1])]);
    r.objects.pop();
    assert!(has(&g4(&r, Transport::Udp), "Stack-Proposal without Stack-Configuration-Data"));
    // Zero times.
    let mut q = query();
    if let ObjectValue::Nli(n) = &mut q.objects[2].value {
        n.rsvt = 0;
    }
    assert!(has(&expert_of(&dmode(&q), Transport::Udp), "Routing State Validity Time 0"));
    let r = response_with(vec![vec![MaProtocolId::FORWARDS_TCP]], vec![(MaProtocolId::FORWARDS_TCP, 1, &[0, 1])]);
    let mut b = dmode(&r);
    let n = b.len();
    // The SCD is last: its hold time sits 12 bytes from the end (8-byte head, 4-byte option,
    // 4 bytes of port and padding); zero it.
    b[n - 12..n - 8].copy_from_slice(&[0; 4]);
    assert!(has(&expert_of(&b, Transport::Udp), "MA-Hold-Time 0"));
}

fn error_msg() -> Message<'static> {
    let e = ErrorObject {
        class: ErrorClass::PROTOCOL_ERROR,
        code: ErrorCode::OBJECT_VALUE_ERROR,
        subcode: 2,
        s: true,
        m: true,
        c: true,
        d: true,
        q: true,
        reserved: 0,
        mri_length: (mri_bytes(&mri_v4()) / 4) as u8,
        header: query().header,
        session_id: Some([7; 16]),
        mri: Some(EmbeddedMri::Parsed(mri_v4())),
        infos: vec![
            AdditionalInfo {
                ai_type: AiType::OBJECT_VALUE,
                value: AiValue::ObjectValue {
                    reserved: 0,
                    real_length: 2,
                    offset: 1,
                    object: &[0, 0, 0, 1, 0, 0, 0x40, 0],
                },
            },
            AdditionalInfo { ai_type: AiType::MTU, value: AiValue::Mtu { mtu: 1280, reserved: 0 } },
        ],
        comment: Some(b"F with IPv4\0"),
    };
    Message::new(42, MsgType::ERROR, vec![nli(), Object::new(ObjectType::ERROR, ObjectValue::Error(e))])
}

#[test]
fn error_object_fields_and_checks() {
    let b = dmode(&error_msg());
    let p = &run(&[(&b, Transport::Udp)])[0];
    assert!(!p.malformed);
    assert!(gist_warnings(p).is_empty(), "{:?}", gist_warnings(p));
    assert_eq!(p.find("gist.error.code").unwrap().display_label(), "Error Code: Object Value Error (10)");
    assert_eq!(
        p.find("gist.error.subcode").unwrap().display_label(),
        "Error Subcode: Invalid Flag-Field Combination (2)"
    );
    assert_eq!(p.find("gist.error.comment").map(|n| n.value.clone()), Some(Value::Str("F with IPv4".into())));
    assert_eq!(p.find("gist.error.ai.mtu").map(|n| n.value.clone()), Some(Value::UInt(1280)));
    // A catalogue error without the AI it must carry.
    let mut m = error_msg();
    if let ObjectValue::Error(e) = &mut m.objects[1].value {
        e.infos.clear();
        e.code = ErrorCode::MESSAGE_TOO_LARGE;
        e.class = ErrorClass::PROTOCOL_ERROR;
    }
    let ex = expert_of(&dmode(&m), Transport::Udp);
    assert!(has(&ex, "Message Too Large without MTU Info"));
    assert!(has(&ex, "where the catalogue gives Permanent-Failure"));
}

#[test]
fn malformed_object_marks_the_packet() {
    let mut b = dmode(&query());
    // The NLI's PI-Length (first value byte of the third object) now runs past the object.
    let nli_at = 4 + 8 + 4 + mri_bytes(&mri_v4()) + 20 + 4;
    b[nli_at] = 200;
    let p = &run(&[(&b, Transport::Udp)])[0];
    assert!(p.malformed);
    assert!(has(&experts(p), "NLI peer identity truncated"));
    // A cut datagram.
    let p = &run(&[(&b[..30], Transport::Udp)])[0];
    assert!(p.malformed);
    assert!(has(&experts(p), "message truncated at offset 8"));
}

#[test]
fn query_response_confirm_and_hello_pairing() {
    let q = dmode(&query());
    let mut r =
        response_with(vec![vec![MaProtocolId::FORWARDS_TCP]], vec![(MaProtocolId::FORWARDS_TCP, 1, &[0x75, 0x30])]);
    r.header.r = true;
    r.objects.push(Object::new(ObjectType::RESPONDER_COOKIE, ObjectValue::ResponderCookie(&BYTES[..12])));
    let rb = dmode(&r);
    let c = Message::new(
        42,
        MsgType::CONFIRM,
        vec![
            mri(),
            sid(),
            nli(),
            Object::new(ObjectType::RESPONDER_COOKIE, ObjectValue::ResponderCookie(&BYTES[..12])),
        ],
    )
    .to_bytes();
    let mut h1 =
        Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(0x1234))]);
    h1.header.r = true;
    let h2 = Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(0x1234))]);
    let (h1, h2) = (h1.to_bytes(), h2.to_bytes());
    let cfg = Config::default();
    let mut st = State::default();
    let mut ps = Vec::new();
    for (i, (b, t)) in [
        (&q, Transport::Udp),
        (&rb, Transport::Udp),
        (&c, Transport::Tcp),
        (&h1, Transport::Tcp),
        (&h2, Transport::Tcp),
    ]
    .into_iter()
    .enumerate()
    {
        let n = i as u64 + 1;
        let mut ctx = ctx_for(&cfg, &mut st, n, A, B);
        dissect_message(&mut ctx, Tvb::new(b, 0, 0), t);
        ps.push(finish(ctx, n, b));
    }
    let to = |p: &Packet| p.find("gist.response_to").map(|n| n.value.clone());
    assert_eq!(to(&ps[0]), None);
    assert_eq!(to(&ps[1]), Some(Value::UInt(1)));
    assert_eq!(to(&ps[2]), Some(Value::UInt(2)));
    assert_eq!(to(&ps[4]), Some(Value::UInt(4)));
    assert_eq!(ps[1].find("gist.time").map(|n| n.value.clone()), Some(Value::Time { secs: 0, nanos: 1000 }));
    // The second pass learns gist.response_in for the requests.
    for (req, resp) in [(1u64, 2u64), (2, 3), (4, 5)] {
        let notes = st.hindsight.for_frame(req);
        assert_eq!(notes.len(), 1, "frame {req}");
        assert_eq!((notes[0].def.abbrev, notes[0].value.clone()), ("gist.response_in", Value::UInt(resp)));
    }
}

#[test]
fn real_response_tree_snapshot() {
    let b = unhex(FRAME6);
    let p = &run(&[(&b, Transport::Udp)])[0];
    let mut out = Vec::new();
    crate::output::text::write_tree(&mut out, p).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn error_tree_snapshot() {
    let b = error_msg().to_bytes();
    let p = &run(&[(&b, Transport::Sctp)])[0];
    let mut out = Vec::new();
    crate::output::text::write_tree(&mut out, p).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn sessions_tap() {
    let q = dmode(&query());
    let r = response_with(vec![vec![MaProtocolId::FORWARDS_TCP]], vec![(MaProtocolId::FORWARDS_TCP, 1, &[0x75, 0x30])]);
    let rb = dmode(&r);
    let d = data_msg(1);
    let h =
        Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(1))]).to_bytes();
    let ps = run(&[(&q, Transport::Udp), (&rb, Transport::Udp), (&d, Transport::Tcp), (&h, Transport::Tcp)]);
    let mut tap = crate::stats::lookup("gist,sessions").unwrap();
    for p in &ps {
        tap.packet(p);
    }
    let mut out = Vec::new();
    tap.write_text(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    insta::assert_snapshot!(text);
    let j = tap.to_json();
    assert_eq!(j["sessions"][0]["messages"]["Query"], 1);
    assert_eq!(j["sessions"][0]["associations"][0], "TCP 10.98.0.2:30000");
    assert_eq!(j["without_session_id"]["MA-Hello"], 1);
    assert!(crate::stats::lookup("gist,sessions,x").is_err());
}
