//! Tests of the SIMCO module: byte layouts from RFC 4540's figures, round trips, the exact error
//! at every truncation length, each SPEC-NOTES rule (S1-S7), each expert info, the session
//! pairing and `-z simco,rules` over the corpus.

use std::sync::Arc;

use super::conv::{self, SessionKey};
use super::wire::*;
use super::*;
use crate::engine::{Addrs, Config, Ctx, SctpMessage, State, TcpPayload};
use crate::stats::Tap;
use crate::tree::{Packet, TreeBuilder, Tvb, Value};

// ----- harness -----

/// Runs messages through the engine's SCTP and TCP entry points, one frame per call, with one
/// capture's state.
struct Harness {
    cfg: Config,
    st: State,
    n: u64,
}

impl Harness {
    fn new() -> Self {
        Harness { cfg: Config::default(), st: State::default(), n: 0 }
    }

    fn run(&mut self, f: impl FnOnce(&mut Ctx, &[u8]), data: &[u8]) -> Packet {
        self.n += 1;
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &self.cfg,
            st: &mut self.st,
            frame_number: self.n,
            ts: (self.n as i64, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        f(&mut ctx, data);
        let Ctx { tb, .. } = ctx;
        tb.finish(self.n, (self.n as i64, 0), (0, 0), data.len() as u32, Arc::from(data))
    }

    /// One SCTP user message on association 0: `dir` 0 agent to middlebox.
    fn sctp_msg(&mut self, stream: u16, dir: u8, ppid: u32, dst_port: u16, data: &[u8]) -> Packet {
        let m = SctpMessage { assoc: 0, dir, src_port: 40000, dst_port, stream, ppid, unordered: false };
        self.run(|ctx, d| crate::engine::app_sctp(ctx, &m, Tvb::new(d, 0, 0)), data)
    }

    fn sctp(&mut self, stream: u16, dir: u8, m: &Message<'_>) -> Packet {
        self.sctp_msg(stream, dir, PPID, PORT, &m.to_bytes())
    }

    fn tcp(&mut self, dir: u8, dst_port: u16, offset: u64, data: &[u8]) -> Packet {
        let p = TcpPayload { stream: 0, dir, src_port: 40000, dst_port, stream_offset: offset };
        self.run(|ctx, d| crate::engine::app_tcp(ctx, &p, Tvb::new(d, 0, 0)), data)
    }
}

fn experts(p: &Packet) -> Vec<String> {
    p.experts.iter().map(|e| e.message.clone()).collect()
}

fn has(p: &Packet, needle: &str) -> bool {
    p.experts.iter().any(|e| e.message.contains(needle))
}

fn field(p: &Packet, abbrev: &str) -> Option<Value> {
    p.find(abbrev).map(|n| n.value.clone())
}

fn req(s: u8, tid: u32, attrs: Vec<Attribute<'static>>) -> Message<'static> {
    Message::new(MsgType::request(s), tid, attrs)
}
fn pos(s: u8, tid: u32, attrs: Vec<Attribute<'static>>) -> Message<'static> {
    Message::new(MsgType::positive(s), tid, attrs)
}

const V30: Attribute<'static> = Attribute::Version { major: 3, minor: 0, reserved: 0 };

fn tuple4(port: u16, ip: [u8; 4], location: u8) -> Attribute<'static> {
    Attribute::AddressTuple(AddressTuple {
        kind: 0,
        ip_version: 1,
        prefix_len: 32,
        protocol: 17,
        location,
        addr: TupleAddr::V4 { port, range: 1, ip },
    })
}

fn prr_params() -> Attribute<'static> {
    Attribute::PrrParams(PrrParams { nat_mode: 1, parity: 0, ip_inside: 1, ip_outside: 1, protocol: 17, port_range: 1 })
}

fn per_params() -> Attribute<'static> {
    Attribute::PerParams(PerParams { parity: 0, direction: 3, reserved: 0 })
}

// ----- byte layouts from the RFC's figures -----

#[test]
fn header_layout_figure_2() {
    // PRL request (§5.3.7: header only), TID 0x01020304.
    let m = req(sub::PRL, 0x0102_0304, vec![]);
    assert_eq!(m.to_bytes(), [0x01, 0x22, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04]);
    let (t, len, tid) = parse_header(&m.to_bytes()).unwrap();
    assert_eq!((t.code(), len, tid), (0x0122, 0, 0x0102_0304));
    assert_eq!(t.name(), Some("PRL request"));
}

#[test]
fn attribute_layouts_figures_4_to_14() {
    let cases: Vec<(Attribute<'static>, Vec<u8>)> = vec![
        // Figure 4: version 3.0.
        (V30, vec![0, 1, 0, 4, 3, 0, 0, 0]),
        // Figure 7: the NAPT with packet filter and PDR support of §4.3.3 (MB type 0xD1), I, P,
        // IIV = 1, EIV = 3, max lifetime 3600.
        (
            Attribute::Capabilities(Capabilities {
                mb_type: 0xD1,
                flags: 0x80 | 0x20 | (1 << 2) | 3,
                reserved: 0,
                max_lifetime: 3600,
            }),
            vec![0, 4, 0, 8, 0xD1, 0xA7, 0, 0, 0, 0, 0x0E, 0x10],
        ),
        (Attribute::Pid(0x0A0B_0C0D), vec![0, 5, 0, 4, 0x0A, 0x0B, 0x0C, 0x0D]),
        (Attribute::Gid(7), vec![0, 6, 0, 4, 0, 0, 0, 7]),
        (Attribute::Lifetime(300), vec![0, 7, 0, 4, 0, 0, 1, 0x2C]),
        // Figure 11: an owner of 5 octets, not padded (S1).
        (Attribute::Owner(b"alice"), vec![0, 8, 0, 5, b'a', b'l', b'i', b'c', b'e']),
        // Figure 12, first form: protocols only, IPv4, prefix 0, UDP, outside.
        (
            Attribute::AddressTuple(AddressTuple {
                kind: 1,
                ip_version: 1,
                prefix_len: 0,
                protocol: 17,
                location: 2,
                addr: TupleAddr::None,
            }),
            vec![0, 9, 0, 4, 0x11, 0, 17, 2],
        ),
        // Figure 12, second form: full IPv4 address.
        (
            Attribute::AddressTuple(AddressTuple {
                kind: 0,
                ip_version: 1,
                prefix_len: 32,
                protocol: 6,
                location: 0,
                addr: TupleAddr::V4 { port: 5060, range: 2, ip: [192, 0, 2, 1] },
            }),
            vec![0, 9, 0, 12, 0x01, 32, 6, 0, 0x13, 0xC4, 0, 2, 192, 0, 2, 1],
        ),
        // Figure 12, third form: full IPv6 address.
        (
            Attribute::AddressTuple(AddressTuple {
                kind: 0,
                ip_version: 2,
                prefix_len: 128,
                protocol: 17,
                location: 3,
                addr: TupleAddr::V6 {
                    port: 1,
                    range: 1,
                    ip: [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9],
                },
            }),
            vec![0, 9, 0, 24, 0x02, 128, 17, 3, 0, 1, 0, 1, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9],
        ),
        // Figure 13: NM 01 (traditional), PP 10 (even), IPi 01, IPo 10, UDP, range 0xFFFF.
        (
            Attribute::PrrParams(PrrParams {
                nat_mode: 1,
                parity: 2,
                ip_inside: 1,
                ip_outside: 2,
                protocol: 17,
                port_range: 0xFFFF,
            }),
            vec![0, 0x0A, 0, 4, 0b0110_0110, 17, 0xFF, 0xFF],
        ),
        // Figure 14: parity same, bi-directional.
        (Attribute::PerParams(PerParams { parity: 3, direction: 3, reserved: 0 }), vec![0, 0x0B, 0, 4, 3, 3, 0, 0]),
    ];
    for (a, bytes) in cases {
        let mut out = Vec::new();
        a.emit(&mut out);
        assert_eq!(out, bytes, "{a:?}");
        let (attrs, trailer) = parse_attributes(&bytes);
        assert_eq!(attrs, vec![a.clone()]);
        assert_eq!(trailer, Trailer::None);
    }
    // The capabilities bits of 0xD1 (§4.3.3): firewall, NAT, PDR, port translation.
    let (attrs, _) = parse_attributes(&[0, 4, 0, 8, 0xD1, 0xA7, 0, 0, 0, 0, 0x0E, 0x10]);
    let Attribute::Capabilities(c) = attrs[0] else { panic!() };
    assert_eq!(c.mb_type & (mb::FIREWALL | mb::NAT | mb::PDR | mb::PORT_TRANSLATION), 0xD1);
    assert_eq!((c.iiv(), c.eiv()), (1, 3));
}

#[test]
fn every_message_type_of_section_5_has_a_name() {
    // §5.1, §5.2, §5.3 lists (with 0x0313 of §4.2.3, and BFM/ARE as notifications, S7).
    let codes: [u16; 60] = [
        0x0101, 0x0102, 0x0103, 0x0111, 0x0112, 0x0113, 0x0114, 0x0115, 0x0121, 0x0122, 0x0201, 0x0202, 0x0203, 0x0211,
        0x0212, 0x0214, 0x0215, 0x0216, 0x0221, 0x0222, 0x0223, 0x0224, 0x0310, 0x0311, 0x0312, 0x0313, 0x0320, 0x0321,
        0x0322, 0x0323, 0x0324, 0x0325, 0x0326, 0x0340, 0x0341, 0x0342, 0x0343, 0x0344, 0x0345, 0x0346, 0x0347, 0x0348,
        0x0349, 0x034A, 0x034B, 0x034C, 0x034D, 0x034E, 0x034F, 0x0350, 0x0351, 0x0352, 0x0353, 0x0354, 0x0355, 0x0356,
        0x0357, 0x0358, 0x0401, 0x0402,
    ];
    for c in codes {
        let t = MsgType::new((c >> 8) as u8, c as u8);
        assert!(t.name().is_some(), "0x{c:04x}");
        assert!(structure(t).is_some(), "0x{c:04x}");
    }
    assert_eq!(MsgType::notification(sub::ARE).name(), Some("ARE notification"));
    assert_eq!(TYPE_NAMES.len(), 61);
    // Restricted sub-types (§4.2.2): PEA request only; PRD, PES, PDS positive reply only.
    for bad in [0x0213u16, 0x0116, 0x0123, 0x0124] {
        assert_eq!(MsgType::new((bad >> 8) as u8, bad as u8).name(), None, "0x{bad:04x}");
    }
}

// ----- round trips -----

mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }

    fn bytes(max: usize) -> impl Strategy<Value = &'static [u8]> {
        proptest::collection::vec(any::<u8>(), 0..max).prop_map(leak)
    }

    fn tuple() -> impl Strategy<Value = AddressTuple> {
        let addr = prop_oneof![
            Just(TupleAddr::None),
            (any::<u16>(), any::<u16>(), any::<[u8; 4]>()).prop_map(|(port, range, ip)| TupleAddr::V4 {
                port,
                range,
                ip
            }),
            (any::<u16>(), any::<u16>(), any::<[u8; 16]>()).prop_map(|(port, range, ip)| TupleAddr::V6 {
                port,
                range,
                ip
            }),
        ];
        (0u8..16, 0u8..16, any::<u8>(), any::<u8>(), any::<u8>(), addr).prop_map(
            |(kind, ip_version, prefix_len, protocol, location, addr)| AddressTuple {
                kind,
                ip_version,
                prefix_len,
                protocol,
                location,
                addr,
            },
        )
    }

    fn bad_length() -> impl Strategy<Value = Attribute<'static>> {
        prop_oneof![
            (prop::sample::select(vec![1u16, 5, 6, 7, 10, 11]), bytes(12).prop_filter("not 4", |v| v.len() != 4))
                .prop_map(|(ty, value)| Attribute::BadLength { ty: AttrType(ty), value }),
            bytes(16)
                .prop_filter("not 8", |v| v.len() != 8)
                .prop_map(|value| Attribute::BadLength { ty: AttrType::CAPABILITIES, value }),
            bytes(30)
                .prop_filter("not 4, 12, 24", |v| ![4, 12, 24].contains(&v.len()))
                .prop_map(|value| Attribute::BadLength { ty: AttrType::ADDRESS_TUPLE, value }),
        ]
    }

    pub(super) fn attribute() -> impl Strategy<Value = Attribute<'static>> {
        prop_oneof![
            (any::<u8>(), any::<u8>(), any::<u16>()).prop_map(|(major, minor, reserved)| Attribute::Version {
                major,
                minor,
                reserved
            }),
            bytes(64).prop_map(Attribute::AuthChallenge),
            bytes(64).prop_map(Attribute::AuthToken),
            (any::<u8>(), any::<u8>(), any::<u16>(), any::<u32>()).prop_map(
                |(mb_type, flags, reserved, max_lifetime)| {
                    Attribute::Capabilities(Capabilities { mb_type, flags, reserved, max_lifetime })
                }
            ),
            any::<u32>().prop_map(Attribute::Pid),
            any::<u32>().prop_map(Attribute::Gid),
            any::<u32>().prop_map(Attribute::Lifetime),
            bytes(40).prop_map(Attribute::Owner),
            tuple().prop_map(Attribute::AddressTuple),
            (0u8..4, 0u8..4, 0u8..4, 0u8..4, any::<u8>(), any::<u16>()).prop_map(
                |(nat_mode, parity, ip_inside, ip_outside, protocol, port_range)| {
                    Attribute::PrrParams(PrrParams { nat_mode, parity, ip_inside, ip_outside, protocol, port_range })
                }
            ),
            (any::<u8>(), any::<u8>(), any::<u16>()).prop_map(|(parity, direction, reserved)| Attribute::PerParams(
                PerParams { parity, direction, reserved }
            )),
            bad_length(),
            (prop_oneof![Just(0u16), 12u16..], bytes(20))
                .prop_map(|(t, value)| Attribute::Unknown { ty: AttrType(t), value }),
        ]
    }

    fn trailer() -> impl Strategy<Value = Trailer<'static>> {
        prop_oneof![
            Just(Trailer::None),
            proptest::collection::vec(any::<u8>(), 1..=3).prop_map(|v| Trailer::Partial(leak(v))),
            (any::<u16>(), bytes(20)).prop_flat_map(|(ty, value)| {
                ((value.len() as u16 + 1)..=u16::MAX).prop_map(move |len| Trailer::Overrun {
                    ty: AttrType(ty),
                    len,
                    value,
                })
            }),
        ]
    }

    pub(super) fn message() -> impl Strategy<Value = Message<'static>> {
        (any::<u8>(), any::<u8>(), any::<u32>(), proptest::collection::vec(attribute(), 0..8), trailer())
            .prop_map(|(b, s, tid, attrs, trailer)| Message { ty: MsgType::new(b, s), tid, attrs, trailer })
    }

    proptest! {
        /// Every attribute: `from_wire` of its emitted value gives it back, and its length
        /// field is its value's length.
        #[test]
        fn attribute_round_trip(a in attribute()) {
            let mut out = Vec::new();
            a.emit(&mut out);
            prop_assert_eq!(out.len(), a.wire_len());
            prop_assert_eq!(u16::from_be_bytes([out[2], out[3]]) as usize, a.value_len());
            let (attrs, trailer) = parse_attributes(&out);
            prop_assert_eq!(attrs, vec![a]);
            prop_assert_eq!(trailer, Trailer::None);
        }

        /// parse(emit(m)) == m, with nothing left over; bytes after it are returned.
        #[test]
        fn message_round_trip(m in message(), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
            let mut bytes = m.to_bytes();
            prop_assert_eq!(bytes.len(), m.wire_len());
            let (back, rest) = parse(&bytes).unwrap();
            prop_assert_eq!(&back, &m);
            prop_assert!(rest.is_empty());
            bytes.extend_from_slice(&tail);
            let (back, rest) = parse(&bytes).unwrap();
            prop_assert_eq!(back, m);
            prop_assert_eq!(rest, &tail[..]);
        }

        /// Any bytes: parse never panics, and what it reads re-emits to the same bytes; the
        /// SCTP and TCP paths never panic.
        #[test]
        fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok((m, rest)) = parse(&data) {
                prop_assert_eq!(m.to_bytes(), &data[..data.len() - rest.len()]);
            }
            let mut h = Harness::new();
            h.sctp_msg(0, 0, PPID, PORT, &data);
            let cut = data.len() / 2;
            h.tcp(0, PORT, 0, &data[..cut]);
            h.tcp(0, PORT, cut as u64, &data[cut..]);
        }
    }
}

// ----- truncation -----

#[test]
fn exact_error_at_every_truncation_length() {
    let m = req(
        sub::PER,
        9,
        vec![per_params(), tuple4(1, [10, 0, 0, 1], 0), tuple4(2, [198, 18, 0, 1], 3), Attribute::Lifetime(5)],
    );
    let bytes = m.to_bytes();
    let len = m.payload_len();
    assert_eq!(len, 8 + 16 + 16 + 8);
    for k in 0..bytes.len() {
        let err = parse(&bytes[..k]).unwrap_err();
        let want = match k {
            0 => ParseError::Truncated { offset: 0, what: "basic type", needed: 1, available: 0 },
            1 => ParseError::Truncated { offset: 1, what: "sub-type", needed: 1, available: 0 },
            2..=3 => ParseError::Truncated { offset: 2, what: "message length", needed: 2, available: k - 2 },
            4..=7 => ParseError::Truncated { offset: 4, what: "transaction identifier", needed: 4, available: k - 4 },
            _ => ParseError::Truncated { offset: 8, what: "payload", needed: len, available: k - 8 },
        };
        assert_eq!(err, want, "cut at {k}");
        assert_eq!(err.offset(), want.offset());
    }
    assert!(parse(&bytes).is_ok());
}

#[test]
fn every_cut_inside_the_attributes_is_a_trailer() {
    // The message length patched to the bytes present: the attributes stop where the payload
    // does (S1), as a partial header or an overrun, and emit gives the same bytes back.
    let m = req(sub::PRR, 3, vec![prr_params(), Attribute::Lifetime(60), Attribute::Owner(b"abcde")]);
    let full = m.to_bytes();
    let ends = [8usize, 16, 24, 33];
    for k in 8..=full.len() {
        let mut b = full[..k].to_vec();
        b[2..4].copy_from_slice(&((k - 8) as u16).to_be_bytes());
        let (p, rest) = parse(&b).unwrap();
        assert!(rest.is_empty());
        assert_eq!(p.to_bytes(), b, "cut at {k}");
        let whole = ends.iter().filter(|e| **e <= k).count() - 1;
        assert_eq!(p.attrs.len(), whole, "cut at {k}");
        let start = ends[whole];
        let expect = match k - start {
            0 => Trailer::None,
            n @ 1..=3 => Trailer::Partial(&b[start..start + n]),
            _ => Trailer::Overrun {
                ty: AttrType(u16::from_be_bytes([b[start], b[start + 1]])),
                len: u16::from_be_bytes([b[start + 2], b[start + 3]]),
                value: &b[start + 4..],
            },
        };
        assert_eq!(p.trailer, expect, "cut at {k}");
    }
}

// ----- SPEC-NOTES rules -----

#[test]
fn s1_no_padding_and_overrun_is_malformed() {
    // An owner of 3 bytes followed at once by a lifetime: no padding between them.
    let m = pos(sub::PDS, 1, vec![Attribute::Owner(b"bob"), Attribute::Lifetime(1)]);
    let b = m.to_bytes();
    assert_eq!(&b[8..19], &[0, 8, 0, 3, b'b', b'o', b'b', 0, 7, 0, 4]);
    assert_eq!(parse(&b).unwrap().0, m);
    // A lifetime declaring 8 bytes with 4 present: the overrun is malformed.
    let mut h = Harness::new();
    let bad = [0x01, 0x21, 0, 8, 0, 0, 0, 1, 0, 7, 0, 8, 0, 0, 0, 1];
    let p = h.sctp_msg(0, 0, PPID, PORT, &bad);
    assert!(p.malformed);
    assert!(has(&p, "runs past the message length (§4.3, S1"), "{:?}", experts(&p));
}

#[test]
fn s2_the_status_request_is_prs() {
    assert_eq!(MsgType::request(0x21).name(), Some("PRS request"));
    assert_eq!(MsgType::request(0x21).sub_name(), Some("PRS"));
}

#[test]
fn s3_plc_is_a_request_and_prd_a_reply() {
    let mut h = Harness::new();
    let p = h.sctp(0, 0, &req(sub::PLC, 1, vec![Attribute::Pid(1), Attribute::Lifetime(0)]));
    assert!(experts(&p).is_empty(), "{:?}", experts(&p));
    let p = h.sctp(0, 1, &pos(sub::PRD, 1, vec![]));
    assert!(experts(&p).is_empty(), "{:?}", experts(&p));
    let p = h.sctp(0, 0, &req(sub::PRD, 2, vec![]));
    assert!(has(&p, "PRD (0x16) as a request: §4.2.2 allows it in positive replies only (S3)"), "{:?}", experts(&p));
}

#[test]
fn s4_recognised_by_ppid_port_and_tcp_port() {
    let bytes = req(sub::PRL, 1, vec![]).to_bytes();
    // PPID 15 on any port.
    let mut h = Harness::new();
    let p = h.sctp_msg(0, 0, 15, 5000, &bytes);
    assert!(p.find("simco").is_some());
    assert!(experts(&p).is_empty());
    // Port 7626 with PPID 0: SIMCO, with a note about the PPID.
    let mut h = Harness::new();
    let p = h.sctp_msg(0, 0, 0, 7626, &bytes);
    assert!(p.find("simco").is_some());
    assert!(has(&p, "SIMCO with SCTP PPID 0; the suite sends and recognises 15"));
    // Neither: data.
    let mut h = Harness::new();
    let p = h.sctp_msg(0, 0, 0, 5000, &bytes);
    assert!(p.find("simco").is_none());
    assert!(p.find("data").is_some());
    // TCP port 7626.
    let mut h = Harness::new();
    let p = h.tcp(0, 7626, 0, &bytes);
    assert_eq!(field(&p, "simco.type"), Some(Value::UInt(0x0122)));
    assert_eq!(field(&p, "simco.session"), Some(Value::Str("tcp 0".into())));
    // The registrations.
    assert_eq!((TCP.ports, SCTP.ports, SCTP.ppids), (&[7626u16][..], &[7626u16][..], &[15u32][..]));
}

#[test]
fn s5_session_control_on_stream_0() {
    let mut h = Harness::new();
    let p = h.sctp(2, 0, &req(sub::SE, 1, vec![V30]));
    assert!(has(&p, "SE request on stream 2; draft-kiesel §4.4.1.1"), "{:?}", experts(&p));
    let p = h.sctp(2, 1, &Message::new(MsgType::notification(sub::AST), 9, vec![]));
    assert!(has(&p, "AST notification on stream 2; draft-kiesel §4.4.2.3"), "{:?}", experts(&p));
    // On stream 0: clean.
    let mut h = Harness::new();
    let p = h.sctp(0, 0, &req(sub::SE, 1, vec![V30]));
    assert!(experts(&p).is_empty());
}

#[test]
fn s5_reply_on_the_stream_of_its_request() {
    let mut h = Harness::new();
    h.sctp(1, 0, &req(sub::PRS, 5, vec![Attribute::Pid(1)]));
    let p = h.sctp(3, 1, &Message::new(MsgType::negative(0x43), 5, vec![]));
    assert!(has(&p, "on stream 3, but its request (frame 1) came on stream 1; draft-kiesel §4.4.2.1"));
}

#[test]
fn s5_pid_on_the_stream_it_was_learned_on() {
    let mut h = Harness::new();
    h.sctp(2, 0, &req(sub::PRR, 1, vec![prr_params(), Attribute::Lifetime(9)]));
    let reply = pos(
        sub::PRR,
        1,
        vec![Attribute::Pid(77), Attribute::Gid(1), Attribute::Lifetime(9), tuple4(5, [203, 0, 113, 1], 2)],
    );
    h.sctp(2, 1, &reply);
    assert_eq!(h.st.simco.session(0).and_then(|s| s.pid_stream(77)), Some(2));
    let p = h.sctp(2, 0, &req(sub::PRS, 2, vec![Attribute::Pid(77)]));
    assert!(experts(&p).is_empty(), "{:?}", experts(&p));
    let p = h.sctp(1, 0, &req(sub::PLC, 3, vec![Attribute::Pid(77), Attribute::Lifetime(1)]));
    assert!(has(&p, "PLC request for PID 77 on stream 1, but the PID was learned on stream 2"));
    // A PID never learned (from PRL, say) may go on any stream (§4.4.1.3).
    let p = h.sctp(3, 0, &req(sub::PRS, 4, vec![Attribute::Pid(78)]));
    assert!(experts(&p).is_empty());
}

#[test]
fn s5_streams_beyond_n() {
    let mut h = Harness::new();
    h.st.simco.set_streams(0, 4, 2);
    let p = h.sctp(1, 0, &req(sub::PRL, 1, vec![]));
    assert!(experts(&p).is_empty());
    let p = h.sctp(2, 0, &req(sub::PRL, 2, vec![]));
    assert!(has(&p, "PRL request on stream 2; the association has N = 2 streams each way, so SIMCO uses 0 to 1"));
}

#[test]
fn s6_pairing_by_tid_with_response_time() {
    let mut h = Harness::new();
    let p1 = h.sctp(0, 0, &req(sub::PRL, 0x55, vec![]));
    assert!(p1.find("simco.response_to").is_none());
    h.sctp(0, 0, &req(sub::PRL, 0x56, vec![]));
    let p3 = h.sctp(0, 1, &pos(sub::PRL, 0x55, vec![Attribute::Pid(1)]));
    assert_eq!(field(&p3, "simco.response_to"), Some(Value::UInt(1)));
    assert_eq!(field(&p3, "simco.time"), Some(Value::Time { secs: 2, nanos: 0 }));
    assert_eq!(field(&p3, "simco.request_type"), Some(Value::UInt(0x0122)));
    // The hindsight note for a second pass: frame 1, first simco layer, response in 3.
    let notes = h.st.hindsight.for_frame(1);
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].layer, notes[0].occurrence, notes[0].def.abbrev), ("simco", 0, "simco.response_in"));
    assert_eq!(notes[0].value, Value::UInt(3));
    // A reply with no request.
    let p = h.sctp(0, 1, &pos(sub::PRL, 0x99, vec![]));
    assert!(has(&p, "PRL positive reply with TID 153, which no request of this session carries (S6)"));
    // The ST reply ends the session: 0x56 was never answered.
    h.sctp(0, 0, &req(sub::ST, 0x57, vec![]));
    let p = h.sctp(0, 1, &pos(sub::ST, 0x57, vec![]));
    assert!(has(&p, "Session ends with 1 request never answered (frame 2) (S6)"), "{:?}", experts(&p));
    assert_eq!(h.st.hindsight.for_frame(2)[0].def.abbrev, "simco.unanswered");
}

#[test]
fn s6_length_excludes_the_header() {
    let m = req(sub::PRS, 1, vec![Attribute::Pid(1)]);
    assert_eq!(u16::from_be_bytes([m.to_bytes()[2], m.to_bytes()[3]]), 8);
}

#[test]
fn s7_bfm_and_are_are_notifications() {
    assert_eq!(MsgType::new(4, 1).name(), Some("BFM notification"));
    assert_eq!(MsgType::new(4, 3).name(), Some("ARE notification"));
    assert_eq!(MsgType::new(3, 1).name(), None);
    assert_eq!(MsgType::new(3, 3).name(), None);
}

// ----- expert infos, one case each -----

/// (message bytes, stream, direction, the expert expected)
fn expert_cases() -> Vec<(&'static str, Vec<u8>, u16, u8, &'static str)> {
    let b = |m: Message<'_>| m.to_bytes();
    let tuple = |kind: u8, ipv: u8, prefix: u8, location: u8, addr: TupleAddr| {
        Attribute::AddressTuple(AddressTuple { kind, ip_version: ipv, prefix_len: prefix, protocol: 6, location, addr })
    };
    let v4 = TupleAddr::V4 { port: 1, range: 1, ip: [1, 2, 3, 4] };
    let pdr = |t: Attribute<'static>| b(req(sub::PDR, 1, vec![t, tuple4(1, [1, 1, 1, 1], 3), Attribute::Lifetime(1)]));
    let caps = |mb_type: u8, flags: u8, reserved: u16| {
        b(pos(sub::SE, 1, vec![Attribute::Capabilities(Capabilities { mb_type, flags, reserved, max_lifetime: 1 })]))
    };
    let prr = |p: PrrParams| b(req(sub::PRR, 1, vec![Attribute::PrrParams(p), Attribute::Lifetime(1)]));
    let okprr = PrrParams { nat_mode: 1, parity: 0, ip_inside: 0, ip_outside: 0, protocol: 17, port_range: 1 };
    let per = |p: PerParams| {
        b(req(
            sub::PER,
            1,
            vec![
                Attribute::PerParams(p),
                tuple4(1, [1, 1, 1, 1], 0),
                tuple4(1, [2, 2, 2, 2], 3),
                Attribute::Lifetime(1),
            ],
        ))
    };
    let big = Box::leak(vec![0u8; 4097].into_boxed_slice());
    let long_owner = Box::leak(vec![b'o'; 256].into_boxed_slice());
    vec![
        ("unknown basic type", b(Message::new(MsgType::new(9, 1), 1, vec![])), 0, 0, "Unknown basic type 0x09"),
        ("PEA reply", b(pos(sub::PEA, 1, vec![])), 0, 1, "PEA (0x13) as a positive reply"),
        ("PES request", b(req(sub::PES, 1, vec![])), 0, 0, "PES (0x23) as a request"),
        ("undefined sub-type", b(req(0x30, 1, vec![])), 0, 0, "Sub-type 0x30 is not defined for basic type 0x01"),
        (
            "missing attribute",
            b(req(sub::SE, 1, vec![])),
            0,
            0,
            "SE request without a SIMCO protocol version attribute",
        ),
        (
            "missing tuples",
            b(req(sub::PDR, 1, vec![tuple4(1, [1, 1, 1, 1], 0), Attribute::Lifetime(1)])),
            0,
            0,
            "PDR request without 2 address tuple attributes (has 1)",
        ),
        (
            "too many",
            b(req(sub::PRS, 1, vec![Attribute::Pid(1), Attribute::Pid(2)])),
            0,
            0,
            "PRS request with 2 policy rule identifier attributes; §5 allows 1",
        ),
        (
            "unexpected",
            b(req(sub::PRL, 1, vec![Attribute::Gid(1)])),
            0,
            0,
            "PRL request with a group identifier attribute, which §5 does not list",
        ),
        (
            "SA reply empty",
            b(pos(sub::SA, 1, vec![])),
            0,
            1,
            "SA positive reply with neither an authentication challenge nor a token",
        ),
        (
            "version",
            b(req(sub::SE, 1, vec![Attribute::Version { major: 2, minor: 1, reserved: 0 }])),
            0,
            0,
            "Version 2.1; RFC 4540 is version 3.0",
        ),
        (
            "reserved",
            b(req(sub::SE, 1, vec![Attribute::Version { major: 3, minor: 0, reserved: 5 }])),
            0,
            0,
            "Reserved field is 0x5, not 0 (§4.3.1)",
        ),
        (
            "auth too long",
            b(req(sub::SA, 1, vec![Attribute::AuthToken(big)])),
            0,
            0,
            "authentication token of 4097 bytes; §4.3.2 allows at most 4096",
        ),
        (
            "owner too long",
            b(pos(
                sub::PDS,
                1,
                vec![
                    Attribute::Pid(1),
                    tuple4(1, [1, 1, 1, 1], 0),
                    tuple4(1, [1, 1, 1, 1], 3),
                    Attribute::Lifetime(1),
                    Attribute::Owner(long_owner),
                ],
            )),
            0,
            1,
            "Policy rule owner of 256 bytes; §4.3.7 allows at most 255",
        ),
        (
            "owner in request",
            b(req(sub::PRL, 1, vec![Attribute::Owner(b"x")])),
            0,
            0,
            "Policy rule owner in a request; §4.3.7",
        ),
        (
            "bad length",
            vec![1, 0x21, 0, 7, 0, 0, 0, 1, 0, 5, 0, 3, 1, 2, 3],
            0,
            0,
            "policy rule identifier attribute of 3 bytes; §4.3 gives it 4",
        ),
        (
            "unknown attribute",
            b(req(sub::PRL, 1, vec![Attribute::Unknown { ty: AttrType(0x0C), value: b"z" }])),
            0,
            0,
            "Attribute type 0x000c is not defined by RFC 4540",
        ),
        ("MB reserved bits", caps(0x28, 0x05, 0), 0, 1, "MB type bits 0x28 are reserved (§4.3.3)"),
        ("needs NAT", caps(0x81, 0x05, 0), 0, 1, "without the NAT bit (§4.3.3: requires 0x40 set)"),
        ("no IP version", caps(0x80, 0x04, 0), 0, 1, "No external IP version supported"),
        ("caps reserved", caps(0x80, 0x05, 1), 0, 1, "Reserved field is 0x1, not 0 (§4.3.3)"),
        (
            "type 0 without address",
            pdr(tuple(0, 1, 0, 0, TupleAddr::None)),
            0,
            0,
            "Address tuple of type 0 (full addresses) with no address",
        ),
        (
            "type 1 with address",
            pdr(tuple(1, 1, 32, 0, v4)),
            0,
            0,
            "Address tuple of type 1 (protocols only) with length 12",
        ),
        ("tuple type 5", pdr(tuple(5, 1, 32, 0, v4)), 0, 0, "Address tuple type 5"),
        (
            "IP version vs length",
            pdr(tuple(0, 2, 32, 0, v4)),
            0,
            0,
            "Address tuple of IP version 2 with a 12-byte value",
        ),
        ("IP version 7", pdr(tuple(0, 7, 32, 0, v4)), 0, 0, "Address tuple IP version 7"),
        ("prefix", pdr(tuple(0, 1, 33, 0, v4)), 0, 0, "Prefix length 33 exceeds the address's 32 bits"),
        ("location", pdr(tuple(0, 1, 32, 4, v4)), 0, 0, "Location 4 (§4.3.8: 0 to 3)"),
        (
            "port range 0",
            pdr(tuple(0, 1, 32, 0, TupleAddr::V4 { port: 1, range: 0, ip: [1, 2, 3, 4] })),
            0,
            0,
            "Port range 0; §4.3.8: at least 1",
        ),
        ("NAT mode", prr(PrrParams { nat_mode: 0, ..okprr }), 0, 0, "NAT mode 0 (§4.3.9"),
        ("PRR parity", prr(PrrParams { parity: 3, ..okprr }), 0, 0, "Port parity 11 (§4.3.9"),
        ("PRR IP", prr(PrrParams { ip_outside: 3, ..okprr }), 0, 0, "IP version 11 (§4.3.9"),
        (
            "PRR port range",
            prr(PrrParams { port_range: 0, ..okprr }),
            0,
            0,
            "Port range 0 (§4.3.9: a value of zero is not valid)",
        ),
        ("PER parity", per(PerParams { parity: 1, direction: 1, reserved: 0 }), 0, 0, "PER port parity 1"),
        ("PER direction", per(PerParams { parity: 0, direction: 0, reserved: 0 }), 0, 0, "PER direction 0"),
        (
            "PER reserved",
            per(PerParams { parity: 0, direction: 1, reserved: 2 }),
            0,
            0,
            "Reserved field is 0x2, not 0 (§4.3.10)",
        ),
        (
            "partial",
            vec![1, 0x22, 0, 2, 0, 0, 0, 1, 0, 5],
            0,
            0,
            "2 bytes after the last attribute: too few for an attribute header",
        ),
        (
            "cut short",
            vec![1, 0x22, 0, 9, 0, 0, 0, 1, 0, 5],
            0,
            0,
            "SIMCO message cut short by the end of its SCTP user message",
        ),
        ("request from middlebox", b(req(sub::PRL, 1, vec![])), 0, 1, "Request from the middlebox's side"),
        (
            "notification from agent",
            b(Message::new(MsgType::notification(sub::BFM), 1, vec![])),
            0,
            0,
            "Notification from the agent's side",
        ),
        (
            "reply without request",
            b(pos(sub::PLC, 1234, vec![Attribute::Lifetime(1)])),
            0,
            1,
            "with TID 1234, which no request of this session carries",
        ),
    ]
}

#[test]
fn each_expert_info() {
    for (name, bytes, stream, dir, want) in expert_cases() {
        let mut h = Harness::new();
        // Settle the roles first: a request from direction 0 (the agent).
        h.sctp(0, 0, &req(sub::PRL, 0xFFFF_FFFF, vec![]));
        let p = h.sctp_msg(stream, dir, PPID, PORT, &bytes);
        assert!(has(&p, want), "{name}: want {want:?}, have {:?}", experts(&p));
    }
}

#[test]
fn session_experts() {
    // A second message in the same user message.
    let mut h = Harness::new();
    let mut two = req(sub::PRL, 1, vec![]).to_bytes();
    two.extend(req(sub::PRL, 2, vec![]).to_bytes());
    let p = h.sctp_msg(0, 0, PPID, PORT, &two);
    assert_eq!(p.values("simco").len(), 2);
    assert!(has(&p, "SIMCO message after another in the same SCTP user message"));
    // TID reuse while pending, then after the reply.
    let p = h.sctp(0, 0, &req(sub::PRL, 1, vec![]));
    assert!(has(&p, "TID 1 reused while the PRL request in frame 1 awaits its reply"));
    h.sctp(0, 1, &pos(sub::PRL, 1, vec![]));
    let p = h.sctp(0, 0, &req(sub::PRL, 1, vec![]));
    assert!(has(&p, "TID 1 was used by an earlier request of this session"));
    // A positive reply of the wrong kind.
    h.sctp(0, 0, &req(sub::PRS, 3, vec![Attribute::Pid(1)]));
    let p = h.sctp(0, 1, &pos(sub::PLC, 3, vec![Attribute::Lifetime(1)]));
    assert!(has(&p, "PLC positive reply answers a PRS request (frame"));
    // A reply from the agent's side.
    h.sctp(0, 0, &req(sub::PRL, 4, vec![]));
    let p = h.sctp(0, 0, &pos(sub::PRL, 4, vec![]));
    assert!(has(&p, "Positive Reply from the agent's side"));
    // AST with a pending request.
    h.sctp(0, 0, &req(sub::PRL, 5, vec![]));
    let p = h.sctp(0, 1, &Message::new(MsgType::notification(sub::AST), 1, vec![]));
    // TID 2 (frame 1), the third TID 1 (frame 4), the agent's reply with TID 4 (frame 8, taken as
    // a request, replacing frame 7's) and TID 5 (frame 9) wait.
    assert!(has(&p, "Session ends with 4 requests never answered (frames 1, 4, 8, 9) (S6)"), "{:?}", experts(&p));
}

#[test]
fn wrong_basic_type_from_the_agent_pairs_with_0x0310() {
    // §6 step 3: a message from the agent that is not a request is answered 0x0310.
    let mut h = Harness::new();
    h.sctp(0, 0, &req(sub::PRL, 1, vec![]));
    h.sctp(0, 1, &pos(sub::PRL, 1, vec![]));
    let p = h.sctp(0, 0, &pos(sub::PRL, 2, vec![]));
    assert!(has(&p, "Positive Reply from the agent's side"));
    let p = h.sctp(0, 1, &Message::new(MsgType::negative(0x10), 2, vec![]));
    assert_eq!(field(&p, "simco.response_to"), Some(Value::UInt(3)));
    assert_eq!(field(&p, "simco.request_type"), Some(Value::UInt(0x0222)));
    assert!(experts(&p).is_empty(), "{:?}", experts(&p));
}

#[test]
fn caps_on_pending_requests_and_rules() {
    let mut h = Harness::new();
    let mut seen = false;
    for tid in 0..(conv::MAX_PENDING as u32 + 1) {
        let p = h.sctp(0, 0, &req(sub::PRL, tid, vec![]));
        seen |= has(&p, "More than 1024 requests await replies");
    }
    assert!(seen);
    assert_eq!(h.st.simco.session(0).map(|s| s.pending()), Some(conv::MAX_PENDING));
    let mut h = Harness::new();
    let mut seen = false;
    for pid in 0..(conv::MAX_RULES as u32 + 1) {
        h.sctp(
            1,
            0,
            &req(sub::PDR, pid, vec![tuple4(1, [1, 1, 1, 1], 0), tuple4(1, [2, 2, 2, 2], 3), Attribute::Lifetime(1)]),
        );
        let p = h.sctp(1, 1, &pos(sub::PDR, pid, vec![Attribute::Pid(pid), Attribute::Lifetime(1)]));
        seen |= has(&p, "More than 4096 policy rules in this association");
    }
    assert!(seen);
}

#[test]
fn tcp_stream_reassembly_at_every_split() {
    let mut stream = req(sub::PRR, 1, vec![prr_params(), Attribute::Lifetime(60)]).to_bytes();
    stream.extend(req(sub::PRL, 2, vec![]).to_bytes());
    for cut in 0..=stream.len() {
        let mut h = Harness::new();
        let a = h.tcp(0, PORT, 0, &stream[..cut]);
        let b = h.tcp(0, PORT, cut as u64, &stream[cut..]);
        let tids: Vec<Value> =
            a.values("simco.tid").into_iter().chain(b.values("simco.tid")).map(|n| n.value.clone()).collect();
        assert_eq!(tids, vec![Value::UInt(1), Value::UInt(2)], "cut at {cut}");
        assert!(!a.malformed && !b.malformed);
    }
    // A byte that cannot start a message: resynchronised at the next plausible header.
    let mut h = Harness::new();
    let mut junk = vec![0xEE, 0x00];
    junk.extend(req(sub::PRL, 3, vec![]).to_bytes());
    let p = h.tcp(0, PORT, 0, &junk);
    assert_eq!(field(&p, "simco.tid"), Some(Value::UInt(3)));
}

#[test]
fn session_keys_and_reply_matching() {
    assert_eq!(SessionKey::Sctp(3).label(), "sctp 3");
    assert!(reply_matches(sub::SE, sub::SA) && reply_matches(sub::SA, sub::SE));
    assert!(reply_matches(sub::PEA, sub::PER) && !reply_matches(sub::PEA, sub::PEA));
    assert!(reply_matches(sub::PLC, sub::PRD) && reply_matches(sub::PRS, sub::PDS));
    assert!(!reply_matches(sub::PRR, sub::PER));
}

// ----- the corpus: tree, two passes, -z simco,rules -----

fn corpus(name: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus").join(name);
    p.exists().then_some(p)
}

fn dissect_file(path: &std::path::Path, two_pass: bool) -> Vec<Packet> {
    let read = || crate::capture::CaptureReader::open(path.to_str().unwrap()).unwrap();
    let mut d = crate::engine::Dissector::new(Config::default());
    if two_pass {
        for f in read() {
            d.dissect(f.unwrap());
        }
        d = d.second_pass();
    }
    read().map(|f| d.dissect(f.unwrap())).collect()
}

#[test]
fn corpus_sctp_session_two_passes() {
    let Some(path) = corpus("simco-sctp.pcapng") else {
        eprintln!("SKIP: corpus/simco-sctp.pcapng absent (regenerate the corpus)");
        return;
    };
    let packets = dissect_file(&path, true);
    let by_frame = |n: usize| &packets[n - 1];
    // Frame 5 SE request, answered by the SA reply reassembled in frame 9.
    assert_eq!(field(by_frame(5), "simco.response_in"), Some(Value::UInt(9)));
    assert_eq!(field(by_frame(9), "simco.response_to"), Some(Value::UInt(5)));
    assert_eq!(field(by_frame(9), "simco.type"), Some(Value::UInt(0x0202)));
    // The bundled PRS requests of frame 23 are answered in frame 24, each layer its own.
    let f23: Vec<Value> = by_frame(23).values("simco.response_in").iter().map(|n| n.value.clone()).collect();
    assert_eq!(f23, vec![Value::UInt(24), Value::UInt(24)]);
    // The unanswered PRS (frame 40).
    assert_eq!(field(by_frame(40), "simco.unanswered"), Some(Value::Bool(true)));
    // No SIMCO layer is malformed.
    assert!(packets.iter().all(|p| !p.malformed));
}

#[test]
fn corpus_association_streams_come_from_init_and_init_ack() {
    // The scenario's INIT and INIT ACK both announce 4 streams each way, so N = 4 (S5).
    let Some(path) = corpus("simco-sctp.pcapng") else {
        eprintln!("SKIP: corpus/simco-sctp.pcapng absent (regenerate the corpus)");
        return;
    };
    let mut d = crate::engine::Dissector::new(Config::default());
    let mut frames = crate::capture::CaptureReader::open(path.to_str().unwrap()).unwrap();
    // Frames 1 and 2: INIT and INIT ACK.
    d.dissect(frames.next().unwrap().unwrap());
    assert_eq!(d.st.simco.session(0).and_then(|s| s.streams), Some(4));
    d.dissect(frames.next().unwrap().unwrap());
    assert_eq!(d.st.simco.session(0).and_then(|s| s.streams), Some(4));
    // The smallest count of either chunk wins; associations off port 7626 are left alone.
    d.st.simco.note_streams(0, 9, 2);
    assert_eq!(d.st.simco.session(0).and_then(|s| s.streams), Some(2));
    let mut other = crate::engine::Dissector::new(Config::default());
    for f in crate::capture::CaptureReader::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/sctp-assoc.pcapng").to_str().unwrap(),
    )
    .unwrap()
    {
        other.dissect(f.unwrap());
    }
    assert!(other.st.simco.session(0).is_none());
}

fn rules_tap(files: &[&str]) -> Option<Box<dyn Tap>> {
    let mut tap = crate::stats::lookup("simco,rules").unwrap();
    for f in files {
        let path = corpus(f)?;
        for p in dissect_file(&path, false) {
            tap.packet(&p);
        }
    }
    Some(tap)
}

#[test]
fn rules_tap_on_the_corpus() {
    let Some(tap) = rules_tap(&["simco-sctp.pcapng", "simco-tcp.pcapng"]) else {
        eprintln!("SKIP: corpus/simco-*.pcapng absent (regenerate the corpus)");
        return;
    };
    let mut text = Vec::new();
    tap.write_text(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    insta::assert_snapshot!(text);
    insta::assert_json_snapshot!(tap.to_json());
    assert!(crate::stats::lookup("simco,rules,x").is_err());
}
