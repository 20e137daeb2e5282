//! ForCES tests: messages written byte by byte from RFC 5810's figures, the exact error at each
//! truncation length, round trips of every message and TLV (proptest), the heuristic, one test
//! per SPEC-NOTES rule F1-F3 and per expert info, pairing, the tap and tree snapshots.

use proptest::prelude::*;

use super::conv::{dissect_sctp, Channel};
use super::tap::MsgsTap;
use super::wire::*;
use super::*;
use crate::engine::{Config, Ctx, SctpMessage, State};
use crate::tree::{Packet, Severity, TreeBuilder, Tvb, Value};

// ---------------------------------------------------------------------------------------------
// Messages written from the figures (§6.1 Figure 10, §6.2 Figure 14, §7.1.5 Figure 19, §7.1.6,
// §7 Figure 17, §7.1.7 Figure 20), with the values of forces1.pcap frame 5 as tcpdump prints
// them (forces1vvv.out): Config, corr 4, AlwaysACK, prio 7, execute-all-or-none, LFB class 3
// instance 1, SET-PROP, path 60.1, FULLDATA 00000001.

const CONFIG_SETPROP: &[u8] = &[
    0x10, 0x03, 0x00, 0x10, // version 1, rsvd 0, Config, 16 words
    0x40, 0x00, 0x00, 0x01, // source: CE 1
    0x00, 0x00, 0x00, 0x02, // destination: FE 2
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, // correlator 4
    0xf8, 0x40, 0x00, 0x00, // AlwaysACK, pri 7, EM 1
    0x10, 0x00, 0x00, 0x28, // LFBselect, 40
    0x00, 0x00, 0x00, 0x03, // class 3
    0x00, 0x00, 0x00, 0x01, // instance 1
    0x00, 0x02, 0x00, 0x1c, // SET-PROP, 28
    0x01, 0x10, 0x00, 0x18, // PATH-DATA, 24
    0x00, 0x00, 0x00, 0x02, // flags 0, IDcount 2
    0x00, 0x00, 0x00, 0x3c, // 60
    0x00, 0x00, 0x00, 0x01, // 1
    0x01, 0x12, 0x00, 0x08, // FULLDATA, 8
    0x00, 0x00, 0x00, 0x01,
];

/// §7.10: a heartbeat from the CE asking for an answer (AlwaysACK, priority 1 on LP).
const HB_ALWAYS: &[u8] = &[
    0x10, 0x0f, 0x00, 0x06, 0x40, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 9, 0xc8, 0x40, 0x00,
    0x00,
];

fn config_setprop_model() -> Message<'static> {
    let path = Tlv::new(
        TlvType::PATH_DATA,
        TlvBody::PathData {
            flags: 0,
            ids: vec![60, 1],
            rest: Tlvs::new(vec![Tlv::new(TlvType::FULLDATA, TlvBody::FullData(&[0, 0, 0, 1]))]),
        },
    );
    let op = Tlv::new(TlvType::SET_PROP, TlvBody::Oper(Tlvs::new(vec![path])));
    let lfb =
        Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 3, instance_id: 1, ops: Tlvs::new(vec![op]) });
    Message::new(MessageType::CONFIG, 0x4000_0001, 2, 4, Flags(0xf840_0000), vec![lfb])
}

#[test]
fn config_from_the_figures_reads_every_field() {
    let (m, rest) = parse(CONFIG_SETPROP).unwrap();
    assert!(rest.is_empty());
    let h = m.header;
    assert_eq!((h.version, h.rsvd, h.msg_type, h.length), (1, 0, MessageType::CONFIG, 16));
    assert_eq!((h.src, h.dst, h.correlator), (0x4000_0001, 2, 4));
    assert_eq!(h.flags.ack(), Ack::ALWAYS_ACK);
    assert_eq!((h.flags.pri(), h.flags.rsvd(), h.flags.em(), h.flags.at(), h.flags.tp()), (7, 0, 1, false, 0));
    assert_eq!(h.flags.reserved(), 0);
    assert_eq!(m, config_setprop_model());
    assert_eq!(config_setprop_model().to_bytes(), CONFIG_SETPROP);
}

#[test]
fn heartbeat_reads_and_emits() {
    let (m, _) = parse(HB_ALWAYS).unwrap();
    assert_eq!(m.header.msg_type, MessageType::HEARTBEAT);
    assert!(m.body.items.is_empty());
    let built =
        Message::new(MessageType::HEARTBEAT, 0x4000_0001, 2, 9, Flags::new(Ack::ALWAYS_ACK, 1, 1, false, 0), vec![]);
    assert_eq!(built.to_bytes(), HB_ALWAYS);
}

#[test]
fn emit_writes_every_byte() {
    // Emitting after bytes already in the buffer leaves them alone and writes exactly wire_len.
    let m = config_setprop_model();
    let mut out = vec![0xa5; 7];
    m.emit(&mut out);
    assert_eq!(&out[..7], &[0xa5; 7]);
    assert_eq!(&out[7..], CONFIG_SETPROP);
    assert_eq!(m.wire_len(), CONFIG_SETPROP.len());
}

#[test]
fn truncation_errors_at_every_length() {
    for n in 0..CONFIG_SETPROP.len() {
        let e = parse(&CONFIG_SETPROP[..n]).unwrap_err();
        let want = if n < HEADER_LEN {
            ParseError::Truncated { offset: 0, what: "common header", needed: 24, available: n }
        } else {
            ParseError::Truncated { offset: 0, what: "message", needed: 64, available: n }
        };
        assert_eq!(e, want, "length {n}");
    }
    let mut short = HB_ALWAYS.to_vec();
    short[3] = 5; // 5 words: less than the header
    assert_eq!(
        parse(&short).unwrap_err(),
        ParseError::BadValue {
            offset: 2,
            what: "header length",
            expected: "at least 6 words (the header's 24 bytes, §6.1)",
            found: 5
        }
    );
}

#[test]
fn bytes_after_the_declared_length_are_returned() {
    let mut two = HB_ALWAYS.to_vec();
    two.extend_from_slice(HB_ALWAYS);
    let (m, rest) = parse(&two).unwrap();
    assert_eq!(m.header.msg_type, MessageType::HEARTBEAT);
    assert_eq!(rest, HB_ALWAYS);
}

#[test]
fn tlv_lists_keep_what_does_not_fit() {
    // A TLV of length 2 (< 4) and 3 stray bytes stay as the container's trailing bytes.
    let t = parse_tlvs(&[0x00, 0x10, 0x00, 0x02, 1, 2, 3], Scope::Top);
    assert!(t.items.is_empty());
    assert_eq!(t.trailing.len(), 7);
    // A RESULT of the wrong size is kept raw, and round-trips.
    let v = [0x01, 0x14, 0x00, 0x06, 0, 0, 0, 0];
    let t = parse_tlvs(&v, Scope::Data);
    assert_eq!(t.items[0].body, TlvBody::Raw(&[0, 0]));
    assert_eq!(t.items[0].pad, &[0, 0]);
    let mut out = Vec::new();
    t.emit(&mut out);
    assert_eq!(out, v);
    // The same type means different things by scope (§6.2.2): 0x0001 is REDIRECT at the top,
    // SET inside an LFBselect.
    assert_eq!(type_name(Scope::Top, TlvType(1)), Some("REDIRECT-TLV"));
    assert_eq!(type_name(Scope::Lfb, TlvType(1)), Some("SET"));
}

#[test]
fn nesting_is_bounded() {
    // PATH-DATA inside PATH-DATA, 40 deep: past MAX_DEPTH the rest is kept as bytes.
    let mut inner: Vec<u8> = Vec::new();
    for _ in 0..40 {
        let mut t = vec![0x01, 0x10];
        t.extend_from_slice(&((inner.len() + 8) as u16).to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(&inner);
        inner = t;
    }
    let t = parse_tlvs(&inner, Scope::Data);
    let mut depth = 0;
    let mut cur = &t;
    while let Some(TlvBody::PathData { rest, .. }) = cur.items.first().map(|x| &x.body) {
        depth += 1;
        cur = rest;
    }
    assert_eq!(depth, wire::MAX_DEPTH);
    let mut out = Vec::new();
    t.emit(&mut out);
    assert_eq!(out, inner);
}

// ---------------------------------------------------------------------------------------------
// Round trips (proptest). Generated slices are leaked so the model can borrow them.

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

fn bytes(max: usize) -> impl Strategy<Value = &'static [u8]> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(leak)
}

fn ilvs() -> impl Strategy<Value = Ilvs<'static>> {
    prop::collection::vec((any::<u32>(), bytes(12)), 0..3).prop_map(|v| Ilvs {
        items: v.into_iter().map(|(id, value)| Ilv { id, value, pad: &[0, 0, 0, 0][..pad_len(value.len())] }).collect(),
        trailing: &[],
    })
}

fn data_tlv() -> BoxedStrategy<Tlv<'static>> {
    let leaf = prop_oneof![
        bytes(12).prop_map(|b| Tlv::new(TlvType::FULLDATA, TlvBody::FullData(b))),
        ilvs().prop_map(|i| Tlv::new(TlvType::SPARSEDATA, TlvBody::SparseData(i))),
        (any::<u8>(), any::<[u8; 3]>())
            .prop_map(|(code, reserved)| Tlv::new(TlvType::RESULT, TlvBody::Result { code, reserved })),
        (any::<u32>(), prop::collection::vec(bytes(8), 0..2)).prop_map(|(key_id, v)| Tlv::new(
            TlvType::KEYINFO,
            TlvBody::KeyInfo {
                key_id,
                data: Tlvs::new(v.into_iter().map(|b| Tlv::new(TlvType::FULLDATA, TlvBody::FullData(b))).collect())
            }
        )),
        (0x8000u16.., bytes(9)).prop_map(|(t, b)| Tlv::new(TlvType(t), TlvBody::Raw(b))),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        (any::<u16>(), prop::collection::vec(any::<u32>(), 0..4), prop::collection::vec(inner, 0..3)).prop_map(
            |(flags, ids, rest)| Tlv::new(TlvType::PATH_DATA, TlvBody::PathData { flags, ids, rest: Tlvs::new(rest) }),
        )
    })
    .boxed()
}

fn oper_tlv() -> impl Strategy<Value = Tlv<'static>> {
    prop_oneof![
        (1u16..=14, prop::collection::vec(data_tlv(), 0..3))
            .prop_map(|(t, v)| Tlv::new(TlvType(t), TlvBody::Oper(Tlvs::new(v)))),
        (0x8000u16.., bytes(9)).prop_map(|(t, b)| Tlv::new(TlvType(t), TlvBody::Raw(b))),
    ]
}

fn top_tlv() -> impl Strategy<Value = Tlv<'static>> {
    prop_oneof![
        (any::<u32>(), any::<u32>(), prop::collection::vec(oper_tlv(), 0..3)).prop_map(|(c, i, ops)| Tlv::new(
            TlvType::LFBSELECT,
            TlvBody::LfbSelect { class_id: c, instance_id: i, ops: Tlvs::new(ops) }
        )),
        (ilvs(), bytes(40)).prop_map(|(m, d)| Tlv::new(
            TlvType::REDIRECT,
            TlvBody::Redirect(Tlvs::new(vec![
                Tlv::new(TlvType::METADATA, TlvBody::MetaData(m)),
                Tlv::new(TlvType::REDIRECTDATA, TlvBody::RedirectData(d)),
            ]))
        )),
        any::<u32>().prop_map(|v| Tlv::new(TlvType::ASRESULT, TlvBody::AsResult(v))),
        any::<u32>().prop_map(|v| Tlv::new(TlvType::ASTREASON, TlvBody::AstReason(v))),
        (0x2000u16.., bytes(9)).prop_map(|(t, b)| Tlv::new(TlvType(t), TlvBody::Raw(b))),
    ]
}

fn message() -> impl Strategy<Value = Message<'static>> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u32>(),
        any::<u32>(),
        any::<u64>(),
        any::<u32>(),
        prop::collection::vec(top_tlv(), 0..4),
    )
        .prop_map(|(vr, t, src, dst, corr, flags, body)| {
            let mut m = Message::new(MessageType(t), src, dst, corr, Flags(flags), body);
            m.header.version = vr >> 4;
            m.header.rsvd = vr & 0x0f;
            m
        })
}

proptest! {
    #[test]
    fn every_message_round_trips(m in message()) {
        let b = m.to_bytes();
        prop_assert_eq!(b.len(), m.header.byte_len());
        let (back, rest) = parse(&b).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &m);
        prop_assert_eq!(back.to_bytes(), b);
    }

    #[test]
    fn every_tlv_round_trips_in_its_scope(t in data_tlv()) {
        let mut b = Vec::new();
        t.emit(&mut b);
        let back = parse_tlvs(&b, Scope::Data);
        prop_assert_eq!(back.items.len(), 1);
        prop_assert_eq!(&back.items[0], &t);
        prop_assert!(back.trailing.is_empty());
    }

    #[test]
    fn arbitrary_bytes_re_emit_identically(b in prop::collection::vec(any::<u8>(), 0..200)) {
        // Whatever the body holds, the model keeps every byte (the fuzz target's property).
        for scope in [Scope::Top, Scope::Lfb, Scope::Data, Scope::Redirect] {
            let t = parse_tlvs(&b, scope);
            let mut out = Vec::new();
            t.emit(&mut out);
            prop_assert_eq!(&out, &b);
        }
        if let Ok((m, rest)) = parse(&b) {
            let mut out = m.to_bytes();
            out.extend_from_slice(rest);
            prop_assert_eq!(out, b.clone());
        }
        let _ = heuristic(&b);
        let mut tb = TreeBuilder::new();
        dissect(Tvb::new(&b, 0, 0), &mut tb);
    }
}

// ---------------------------------------------------------------------------------------------
// The heuristic (F1).

#[test]
fn heuristic_is_strict() {
    assert!(heuristic(CONFIG_SETPROP));
    assert!(heuristic(HB_ALWAYS));
    let mut v = CONFIG_SETPROP.to_vec();
    v[0] = 0x20; // version 2
    assert!(!heuristic(&v));
    let mut v = CONFIG_SETPROP.to_vec();
    v[1] = 0x07; // unassigned type
    assert!(!heuristic(&v));
    let mut v = CONFIG_SETPROP.to_vec();
    v[3] = 0x11; // length disagrees with the message
    assert!(!heuristic(&v));
    let mut v = CONFIG_SETPROP.to_vec();
    v[23] = 1; // reserved flag bit
    assert!(!heuristic(&v));
    let mut v = HB_ALWAYS.to_vec();
    v.extend_from_slice(&[0x00, 0x10, 0x00, 0x08, 0, 0, 0, 0]);
    v[3] = 8;
    assert!(!heuristic(&v), "a heartbeat has no body");
    let mut v = CONFIG_SETPROP.to_vec();
    v[1] = 0x05; // an event...
    v[24] = 0x20; // ...with an unknown top-level TLV
    assert!(!heuristic(&v));
    assert!(!heuristic(b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"));
    assert!(!heuristic(&[]));
}

// ---------------------------------------------------------------------------------------------
// Dissection through the SCTP entry point.

const T0: i64 = 1_300_000_000;

fn sctp(dir: u8, port: u16, ppid: u32, stream: u16) -> SctpMessage {
    let (src_port, dst_port) = if dir == 0 { (40000, port) } else { (port, 40000) };
    SctpMessage { assoc: 0, dir, src_port, dst_port, stream, ppid, unordered: false }
}

/// Dissect user messages in order with one shared state; returns the packets and the state.
fn run_with(msgs: &[(SctpMessage, Vec<u8>)]) -> (Vec<Packet>, State) {
    let cfg = Config::default();
    let mut st = State::default();
    let mut out = Vec::new();
    for (i, (m, bytes)) in msgs.iter().enumerate() {
        let n = i as u64 + 1;
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st: &mut st,
            frame_number: n,
            ts: (T0 + n as i64, 0),
            addrs: Default::default(),
            depth: 0,
        };
        dissect_sctp(&mut ctx, m, Tvb::new(bytes, 0, 0));
        let Ctx { tb, .. } = ctx;
        out.push(tb.finish(n, (T0 + n as i64, 0), (n as i64, 0), bytes.len() as u32, std::sync::Arc::from(&bytes[..])));
    }
    (out, st)
}

fn run(msgs: &[(SctpMessage, Vec<u8>)]) -> Vec<Packet> {
    run_with(msgs).0
}

fn one(m: SctpMessage, b: Vec<u8>) -> Packet {
    run(&[(m, b)]).remove(0)
}

fn messages(p: &Packet) -> Vec<String> {
    p.experts.iter().map(|e| format!("{}: {}", e.severity.name(), e.message)).collect()
}

fn has(p: &Packet, sev: Severity, needle: &str) -> bool {
    p.experts.iter().any(|e| e.severity == sev && e.message.contains(needle))
}

#[track_caller]
fn expect(p: &Packet, sev: Severity, needle: &str) {
    assert!(has(p, sev, needle), "no {sev:?} expert with {needle:?} in {:#?}", messages(p));
}

fn hp() -> SctpMessage {
    sctp(0, 6704, 0, 0)
}
fn lp() -> SctpMessage {
    sctp(0, 6706, 0, 0)
}

fn msg(t: MessageType, src: u32, dst: u32, corr: u64, flags: Flags, body: Vec<Tlv<'static>>) -> Vec<u8> {
    Message::new(t, src, dst, corr, flags, body).to_bytes()
}

const CE: u32 = 0x4000_0001;
const FE: u32 = 0x0000_0002;

fn flags(ack: Ack, pri: u8) -> Flags {
    Flags::new(ack, pri, 1, false, 0)
}

fn lfb(op: TlvType, data: Vec<Tlv<'static>>) -> Tlv<'static> {
    let path = Tlv::new(TlvType::PATH_DATA, TlvBody::PathData { flags: 0, ids: vec![1], rest: Tlvs::new(data) });
    let o = Tlv::new(op, TlvBody::Oper(Tlvs::new(vec![path])));
    Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 1, instance_id: 1, ops: Tlvs::new(vec![o]) })
}

fn full(b: &'static [u8]) -> Tlv<'static> {
    Tlv::new(TlvType::FULLDATA, TlvBody::FullData(b))
}

fn result(code: u8) -> Tlv<'static> {
    Tlv::new(TlvType::RESULT, TlvBody::Result { code, reserved: [0; 3] })
}

#[test]
fn a_clean_config_has_no_warnings() {
    let p = one(sctp(0, 6704, 21, 0), CONFIG_SETPROP.to_vec());
    assert!(!p.malformed);
    assert!(p.experts.is_empty(), "{:?}", messages(&p));
    assert_eq!(p.summary.protocol, "ForCES");
    assert_eq!(p.summary.info, "Config corr=0x4 pri=7 AlwaysACK");
    assert_eq!(p.find("forces.channel").unwrap().value, Value::Str("HP".into()));
    assert_eq!(p.find("forces.tml").unwrap().value, Value::Str("RFC 5811".into()));
    assert_eq!(p.find("forces.path").unwrap().value, Value::Str("60.1".into()));
}

// F1: channels by PPID, port, old port or the draft's streams, and what belongs on each.

#[test]
fn f1_channel_by_ppid_then_port_then_stream() {
    assert_eq!(channel_of(&sctp(0, 5000, 22, 0)), Channel::Mp);
    assert_eq!(channel_of(&sctp(0, 6706, 21, 0)), Channel::Hp);
    assert_eq!(channel_of(&sctp(1, 6705, 0, 3)), Channel::Mp);
    assert_eq!(channel_of(&sctp(0, 6700, 0, 0)), Channel::Hp);
    assert_eq!(channel_of(&sctp(0, 6701, 0, 0)), Channel::Mp);
    assert_eq!(channel_of(&sctp(0, 6702, 0, 0)), Channel::Lp);
    assert_eq!(channel_of(&sctp(0, 6703, 0, 0)), Channel::DraftHigh);
    assert_eq!(channel_of(&sctp(0, 6703, 0, 1)), Channel::DraftLow);
    assert_eq!(channel_of(&sctp(0, 6703, 0, 2)), Channel::DraftOther);
    assert!(SCTP.ports.contains(&6700) && SCTP.ports.contains(&6706));
    assert_eq!(SCTP.ppids, &[21, 22, 23]);
}

#[test]
fn f1_ppid_zero_is_a_chat() {
    let p = one(hp(), CONFIG_SETPROP.to_vec());
    expect(&p, Severity::Chat, "PPID 0 on the HP channel");
}

#[test]
fn f1_ppid_and_port_disagreeing_is_a_warning() {
    let p = one(sctp(0, 6706, 21, 0), CONFIG_SETPROP.to_vec());
    expect(&p, Severity::Warning, "PPID 21 and port 6706 name different channels");
}

#[test]
fn f1_message_type_on_the_wrong_channel() {
    let p = one(lp(), CONFIG_SETPROP.to_vec());
    expect(&p, Severity::Warning, "Config on the LP channel (RFC 5811 §4.2.1.4: it MUST be dropped)");
    let hb = msg(MessageType::HEARTBEAT, CE, FE, 1, flags(Ack::NO_ACK, 1), vec![]);
    let p = one(hp(), hb);
    expect(&p, Severity::Warning, "Heartbeat on the HP channel");
}

#[test]
fn f1_priority_outside_the_channel() {
    let mut b = CONFIG_SETPROP.to_vec();
    b[20] = 0xd0; // AlwaysACK, priority 2
    let p = one(hp(), b);
    expect(&p, Severity::Warning, "Priority 2 on the HP channel, which carries priorities 4-7");
    let ev = msg(
        MessageType::EVENT_NOTIFICATION,
        FE,
        CE,
        0,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::REPORT, vec![full(&[0; 4])])],
    );
    let p = one(sctp(0, 6705, 22, 0), ev);
    expect(&p, Severity::Warning, "Priority 4 on the MP channel, which carries priorities 3-3");
}

#[test]
fn f1_draft_two_stream_mapping() {
    let red = msg(MessageType::PACKET_REDIRECT, FE, CE, 0, flags(Ack::NO_ACK, 2), vec![redirect(b"packet!!")]);
    let p = one(sctp(0, 6703, 0, 1), red.clone());
    assert!(p.experts.is_empty(), "{:?}", messages(&p));
    assert_eq!(p.find("forces.tml").unwrap().value, Value::Str("draft-hadi-forces-sctptml-00".into()));
    let p = one(sctp(0, 6703, 0, 0), red);
    expect(&p, Severity::Warning, "PacketRedirect on the draft mapping's high (stream 0)");
    let p = one(sctp(0, 6703, 0, 1), CONFIG_SETPROP.to_vec());
    expect(&p, Severity::Warning, "Config on the draft mapping's low (stream 1)");
    let p = one(sctp(0, 6703, 0, 5), CONFIG_SETPROP.to_vec());
    expect(&p, Severity::Warning, "Config on the draft mapping's other stream");
}

// F2: the header length against the user message, and padding.

#[test]
fn f2_header_length_shorter_than_the_message() {
    let mut b = HB_ALWAYS.to_vec();
    b.extend_from_slice(&[0; 4]);
    let p = one(lp(), b);
    assert!(!p.malformed);
    expect(&p, Severity::Warning, "is shorter than the 28-byte SCTP user message");
    assert!(p.find("forces.trailing").is_some());
}

#[test]
fn f2_header_length_past_the_message_is_malformed() {
    let p = one(hp(), CONFIG_SETPROP[..60].to_vec());
    assert!(p.malformed);
    expect(&p, Severity::Error, "runs past the 60-byte SCTP user message");
    assert!(!p.values("forces.length.bad").is_empty());
    let mut b = HB_ALWAYS.to_vec();
    b[3] = 2;
    let p = one(lp(), b);
    assert!(p.malformed);
    expect(&p, Severity::Error, "is less than the 24-byte header");
}

#[test]
fn f2_nonzero_padding_and_missing_padding() {
    let t = Tlv { ty: TlvType::FULLDATA, body: TlvBody::FullData(&[1, 2]), pad: &[0, 7] };
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::ALWAYS_ACK, 4), vec![lfb(TlvType::SET, vec![t])]);
    let p = one(hp(), b);
    expect(&p, Severity::Warning, "Padding bytes are not zero");
    // An unpadded last ILV at the end of its TLV.
    let v: &'static [u8] = &[0x01, 0x13, 0x00, 0x0e, 0, 0, 0, 1, 0, 0, 0, 10, 0xaa, 0xbb, 0, 0];
    let t = parse_tlvs(v, Scope::Data);
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::ALWAYS_ACK, 4), vec![lfb(TlvType::SET, t.items)]);
    let p = one(hp(), b);
    expect(&p, Severity::Note, "Not padded to 32 bits: 0 of 2 padding bytes");
}

// F3: octet TLV lengths read as tcpdump reads them; the real captures are in tests/forces_real.rs.

#[test]
fn f3_tlv_lengths_are_octets() {
    // tshark 4.0 reads the LFBselect length 40 as 160 bytes and marks this message malformed.
    let p = one(hp(), CONFIG_SETPROP.to_vec());
    assert!(!p.malformed);
    let lens: Vec<u64> = p
        .values("forces.tlv.length")
        .iter()
        .map(|n| match n.value {
            Value::UInt(v) => v,
            _ => 0,
        })
        .collect();
    assert_eq!(lens, vec![40]);
    assert_eq!(p.find("forces.length").unwrap().value, Value::UInt(64));
}

// Header experts.

#[test]
fn expert_version_rsvd_type_ids_flags() {
    let mut b = HB_ALWAYS.to_vec();
    b[0] = 0x23; // version 2, rsvd 3
    let p = one(lp(), b);
    expect(&p, Severity::Warning, "Version 2");
    expect(&p, Severity::Note, "rsvd is 3");
    let mut b = HB_ALWAYS.to_vec();
    b[1] = 0x08;
    let p = one(lp(), b);
    expect(&p, Severity::Warning, "Message type 0x08 is not assigned");
    let b = msg(MessageType::HEARTBEAT, 0x8000_0001, 0xffff_fffe, 1, flags(Ack::NO_ACK, 1), vec![]);
    let p = one(lp(), b);
    expect(&p, Severity::Note, "Source ID 0x80000001 is in a reserved range");
    let b = msg(MessageType::HEARTBEAT, 0xffff_ffff, FE, 1, flags(Ack::NO_ACK, 1), vec![]);
    let p = one(lp(), b);
    expect(&p, Severity::Warning, "is a broadcast ID");
    let b = msg(MessageType::HEARTBEAT, CE, FE, 1, Flags(flags(Ack::NO_ACK, 1).0 | 0x0100_0001), vec![]);
    let p = one(lp(), b);
    expect(&p, Severity::Note, "Reserved flag bits set: 0x01000001");
}

#[test]
fn expert_heartbeat_ack_semantics() {
    let b = msg(MessageType::HEARTBEAT, CE, FE, 1, flags(Ack::SUCCESS_ACK, 1), vec![]);
    expect(&one(lp(), b), Severity::Note, "Heartbeat with SuccessACK");
    let b = msg(MessageType::HEARTBEAT, FE, CE, 1, flags(Ack::ALWAYS_ACK, 1), vec![]);
    expect(&one(lp(), b), Severity::Warning, "Heartbeat with AlwaysACK from an FE");
    let mut b = HB_ALWAYS.to_vec();
    b.extend_from_slice(&[0x00, 0x10, 0x00, 0x08, 0, 0, 0, 0]);
    b[3] = 8;
    expect(&one(lp(), b), Severity::Warning, "Heartbeat with a body");
}

// Body experts (§7 Tables 1 and 2).

#[test]
fn expert_required_and_allowed_tlvs() {
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![]);
    expect(&one(hp(), b), Severity::Warning, "Config without LFBselect-TLV");
    let e = || lfb(TlvType::REPORT, vec![full(&[1, 2, 3, 4])]);
    let b = msg(MessageType::EVENT_NOTIFICATION, FE, CE, 0, flags(Ack::NO_ACK, 3), vec![e(), e()]);
    expect(&one(sctp(0, 6705, 0, 0), b), Severity::Note, "with 2 LFBselect-TLVs");
    let empty = Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 1, instance_id: 1, ops: Tlvs::default() });
    let b = msg(MessageType::QUERY, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![empty]);
    expect(&one(hp(), b), Severity::Note, "LFBselect-TLV without an OPER-TLV");
    let b = msg(MessageType::QUERY, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::SET, vec![full(&[0; 4])])]);
    let p = one(hp(), b);
    expect(&p, Severity::Warning, "SET in a Query message");
    assert!(!p.values("forces.lfbselect.tlv.type.operation.type.unsupported").is_empty());
}

#[test]
fn expert_commit_and_empty_operations() {
    let commit = Tlv::new(TlvType::COMMIT, TlvBody::Oper(Tlvs::new(vec![full(&[0; 4])])));
    let l =
        Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 1, instance_id: 1, ops: Tlvs::new(vec![commit]) });
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::ALWAYS_ACK, 4), vec![l]);
    expect(&one(hp(), b), Severity::Warning, "COMMIT with a value");
    let get = Tlv::new(TlvType::GET, TlvBody::Oper(Tlvs::default()));
    let l = Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 1, instance_id: 1, ops: Tlvs::new(vec![get]) });
    let b = msg(MessageType::QUERY, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![l]);
    expect(&one(hp(), b), Severity::Warning, "GET without a PATH-DATA-TLV");
}

#[test]
fn expert_data_tlvs_against_the_operation() {
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::ALWAYS_ACK, 4), vec![lfb(TlvType::SET, vec![result(0)])]);
    expect(&one(hp(), b), Severity::Warning, "RESULT-TLV in a SET operation");
    let b = msg(
        MessageType::QUERY_RESPONSE,
        FE,
        CE,
        1,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::GET_RESPONSE, vec![sparse()])],
    );
    expect(&one(hp(), b), Severity::Warning, "SPARSEDATA-TLV in a GET-RESPONSE operation");
    let b = msg(
        MessageType::CONFIG_RESPONSE,
        FE,
        CE,
        1,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::SET_RESPONSE, vec![result(0x0c)])],
    );
    let p = one(hp(), b);
    expect(&p, Severity::Note, "Result E_READ_ONLY (0x0c)");
    assert_eq!(p.find("forces.result").unwrap().value, Value::UInt(0x0c));
}

fn sparse() -> Tlv<'static> {
    Tlv::new(
        TlvType::SPARSEDATA,
        TlvBody::SparseData(Ilvs { items: vec![Ilv { id: 3, value: &[9, 9, 9, 9], pad: &[] }], trailing: &[] }),
    )
}

#[test]
fn expert_path_selector_and_flags() {
    let key = Tlv::new(TlvType::KEYINFO, TlvBody::KeyInfo { key_id: 1, data: Tlvs::new(vec![full(&[10, 0, 0, 1])]) });
    let path = |flags: u16, rest: Vec<Tlv<'static>>| {
        let p = Tlv::new(TlvType::PATH_DATA, TlvBody::PathData { flags, ids: vec![2], rest: Tlvs::new(rest) });
        let o = Tlv::new(TlvType::GET, TlvBody::Oper(Tlvs::new(vec![p])));
        vec![Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 3, instance_id: 1, ops: Tlvs::new(vec![o]) })]
    };
    let q = |body| msg(MessageType::QUERY, CE, FE, 1, flags(Ack::NO_ACK, 4), body);
    let p = one(hp(), q(path(0x8000, vec![key.clone()])));
    assert!(p.experts.iter().all(|e| e.severity < Severity::Warning), "{:?}", messages(&p));
    assert_eq!(p.find("forces.keyinfo.keyid").unwrap().value, Value::UInt(1));
    expect(&one(hp(), q(path(0x8000, vec![]))), Severity::Warning, "SELECTOR flag set but no KEYINFO-TLV");
    expect(&one(hp(), q(path(0, vec![key]))), Severity::Warning, "KEYINFO-TLV without the SELECTOR flag");
    expect(&one(hp(), q(path(0x0003, vec![]))), Severity::Note, "Reserved path flags 0x0003");
}

fn redirect(pkt: &'static [u8]) -> Tlv<'static> {
    let meta = Ilvs { items: vec![Ilv { id: 1, value: &[0, 0, 0, 5], pad: &[] }], trailing: &[] };
    Tlv::new(
        TlvType::REDIRECT,
        TlvBody::Redirect(Tlvs::new(vec![
            Tlv::new(TlvType::METADATA, TlvBody::MetaData(meta)),
            Tlv::new(TlvType::REDIRECTDATA, TlvBody::RedirectData(pkt)),
        ])),
    )
}

#[test]
fn expert_redirect() {
    let b = msg(MessageType::PACKET_REDIRECT, FE, CE, 0, flags(Ack::NO_ACK, 2), vec![redirect(&[])]);
    let p = one(lp(), b);
    expect(&p, Severity::Warning, "REDIRECTDATA-TLV without a packet");
    assert!(!p.values("forces.redirect.tlv.redirect.data.tlv.length.bad").is_empty());
    let only = Tlv::new(
        TlvType::REDIRECT,
        TlvBody::Redirect(Tlvs::new(vec![Tlv::new(TlvType::REDIRECTDATA, TlvBody::RedirectData(&[1; 8]))])),
    );
    let b = msg(MessageType::PACKET_REDIRECT, FE, CE, 0, flags(Ack::NO_ACK, 2), vec![only]);
    expect(&one(lp(), b), Severity::Note, "REDIRECT-TLV without a METADATA-TLV");
    let b = msg(MessageType::PACKET_REDIRECT, FE, CE, 0, flags(Ack::NO_ACK, 2), vec![redirect(b"\x45\x00\x00\x14")]);
    let p = one(lp(), b);
    assert_eq!(p.find("forces.redirect.tlv.meta.data.tlv.meta.data.ilv.id").unwrap().value, Value::UInt(1));
    assert_eq!(p.find("forces.redirect.data.packet").unwrap().value, Value::Bytes(vec![0x45, 0, 0, 0x14]));
}

#[test]
fn expert_association_results() {
    let b = msg(
        MessageType::ASSOCIATION_SETUP_RESPONSE,
        CE,
        FE,
        1,
        flags(Ack::NO_ACK, 7),
        vec![Tlv::new(TlvType::ASRESULT, TlvBody::AsResult(2))],
    );
    let p = one(hp(), b);
    expect(&p, Severity::Note, "Association setup refused: Permission Denied (2)");
    let b = msg(
        MessageType::ASSOCIATION_TEARDOWN,
        CE,
        FE,
        0,
        flags(Ack::NO_ACK, 7),
        vec![Tlv::new(TlvType::ASTREASON, TlvBody::AstReason(1))],
    );
    let p = one(hp(), b);
    assert_eq!(p.find("forces.astreason.tlv.teardown.reason").unwrap().value, Value::UInt(1));
    let b = msg(MessageType::ASSOCIATION_TEARDOWN, CE, FE, 0, flags(Ack::NO_ACK, 7), vec![]);
    expect(&one(hp(), b), Severity::Warning, "AssociationTeardown without ASTreason-TLV");
}

#[test]
fn expert_raw_unknown_and_trailing_tlvs() {
    // An ASResult of 2 bytes: malformed.
    let t = Tlv::new(TlvType::ASRESULT, TlvBody::Raw(&[0, 0]));
    let p = one(hp(), msg(MessageType::ASSOCIATION_SETUP_RESPONSE, CE, FE, 1, flags(Ack::NO_ACK, 7), vec![t]));
    assert!(p.malformed);
    expect(&p, Severity::Error, "ASResult-TLV value of 2 bytes; expected 4");
    // An unknown top-level TLV.
    let t = Tlv::new(TlvType(0x3000), TlvBody::Raw(&[1, 2, 3, 4]));
    let p = one(
        hp(),
        msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::SET, vec![full(&[0; 4])]), t]),
    );
    expect(&p, Severity::Warning, "TLV type 0x3000 is not a top-level TLV");
    assert!(!p.values("forces.tlv.type.unknown").is_empty());
    // An unknown OPER-TLV and an unknown data TLV.
    let o = Tlv::new(TlvType(0x9000), TlvBody::Raw(&[]));
    let l = Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 1, instance_id: 1, ops: Tlvs::new(vec![o]) });
    expect(
        &one(hp(), msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![l])),
        Severity::Warning,
        "OPER-TLV type 0x9000 is not assigned",
    );
    let d = Tlv::new(TlvType(0x9001), TlvBody::Raw(&[5; 4]));
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::SET, vec![full(&[0; 4]), d])]);
    expect(&one(hp(), b), Severity::Note, "TLV type 0x9001 is not defined here");
    // A TLV whose length runs past its container, and one with length 2.
    let mut b = CONFIG_SETPROP.to_vec();
    b[27] = 0x40; // LFBselect length 64 > 40 left
    let p = one(hp(), b);
    assert!(p.malformed);
    expect(&p, Severity::Error, "TLV length 64 runs past the 40 bytes left");
    let mut b = CONFIG_SETPROP.to_vec();
    b[59] = 0x02; // FULLDATA length 2
    let p = one(hp(), b);
    expect(&p, Severity::Error, "TLV length 2 is less than the 4-byte TLV header");
    // An ILV running past its SPARSEDATA.
    let v: &'static [u8] = &[0x01, 0x13, 0x00, 0x10, 0, 0, 0, 1, 0, 0, 0, 0x20, 1, 2, 3, 4];
    let t = parse_tlvs(v, Scope::Data);
    let b = msg(MessageType::CONFIG, CE, FE, 1, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::SET, t.items)]);
    expect(&one(hp(), b), Severity::Error, "bytes after the last ILV do not make an ILV");
    // Fewer bytes than a header.
    let p = one(hp(), vec![0x10, 0x0f, 0x00]);
    assert!(p.malformed);
    expect(&p, Severity::Error, "a ForCES message starts with a 24-byte common header");
    assert_eq!(p.summary.info, "ForCES (malformed)");
}

// Pairing by correlator.

#[test]
fn requests_pair_with_responses_by_correlator() {
    let q = msg(MessageType::QUERY, CE, FE, 7, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::GET, vec![])]);
    let r = msg(
        MessageType::QUERY_RESPONSE,
        FE,
        CE,
        7,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::GET_RESPONSE, vec![full(&[0; 4])])],
    );
    let hb = HB_ALWAYS.to_vec();
    let hb_reply = msg(MessageType::HEARTBEAT, FE, CE, 9, flags(Ack::NO_ACK, 1), vec![]);
    let (p, st) =
        run_with(&[(hp(), q), (sctp(0, 6706, 0, 0), hb), (sctp(1, 6704, 0, 0), r), (sctp(1, 6706, 0, 0), hb_reply)]);
    assert_eq!(p[2].find("forces.response_to").unwrap().value, Value::UInt(1));
    assert_eq!(p[2].find("forces.time").unwrap().value, Value::Time { secs: 2, nanos: 0 });
    assert_eq!(p[3].find("forces.response_to").unwrap().value, Value::UInt(2));
    let notes = st.hindsight.for_frame(1);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].def.abbrev, "forces.response_in");
    assert_eq!(notes[0].value, Value::UInt(3));
    assert_eq!(st.forces.outstanding(), 0);
    // The same correlator in the same direction is not an answer.
    let q = msg(MessageType::QUERY, CE, FE, 7, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::GET, vec![])]);
    let r = msg(
        MessageType::QUERY_RESPONSE,
        FE,
        CE,
        7,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::GET_RESPONSE, vec![full(&[0; 4])])],
    );
    let p = run(&[(hp(), q), (hp(), r)]);
    assert!(p[1].find("forces.response_to").is_none());
}

#[test]
fn expert_response_without_request() {
    let r = msg(
        MessageType::CONFIG_RESPONSE,
        FE,
        CE,
        5,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::SET_RESPONSE, vec![result(0)])],
    );
    expect(&one(sctp(1, 6704, 0, 0), r), Severity::Note, "ConfigResponse with correlator 0x5: no request seen");
}

#[test]
fn expert_response_priority_and_heartbeat_ids() {
    let c = CONFIG_SETPROP.to_vec();
    let r = msg(
        MessageType::CONFIG_RESPONSE,
        FE,
        CE,
        4,
        flags(Ack::NO_ACK, 5),
        vec![lfb(TlvType::SET_PROP_RESPONSE, vec![result(0)])],
    );
    let p = run(&[(hp(), c), (sctp(1, 6704, 0, 0), r)]);
    expect(&p[1], Severity::Warning, "Response priority 5 differs from the request's 7 in frame 1");
    let bad = msg(MessageType::HEARTBEAT, FE, 0x4000_0002, 9, flags(Ack::NO_ACK, 1), vec![]);
    let p = run(&[(lp(), HB_ALWAYS.to_vec()), (sctp(1, 6706, 0, 0), bad)]);
    expect(&p[1], Severity::Warning, "does not swap the request's source and destination IDs");
}

#[test]
fn expert_request_table_is_bounded() {
    let mut msgs = Vec::new();
    for i in 0..=MAX_OUTSTANDING as u64 {
        let q = msg(MessageType::QUERY, CE, FE, i, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::GET, vec![])]);
        msgs.push((hp(), q));
    }
    let (p, st) = run_with(&msgs);
    assert_eq!(st.forces.outstanding(), MAX_OUTSTANDING);
    assert_eq!(st.forces.evicted, 1);
    expect(p.last().unwrap(), Severity::Note, "Table of requests awaiting a response is full");
}

// The tap.

#[test]
fn msgs_tap_counts_and_lists_unanswered_requests() {
    let q = msg(MessageType::QUERY, CE, FE, 7, flags(Ack::NO_ACK, 4), vec![lfb(TlvType::GET, vec![])]);
    let r = msg(
        MessageType::QUERY_RESPONSE,
        FE,
        CE,
        7,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::GET_RESPONSE, vec![full(&[0; 4])])],
    );
    let p = run(&[(hp(), q), (sctp(1, 6704, 0, 0), r), (hp(), CONFIG_SETPROP.to_vec()), (lp(), HB_ALWAYS.to_vec())]);
    let mut tap = (tap::MSGS.new)("").unwrap();
    assert!((tap::MSGS.new)("x").is_err());
    for x in &p {
        tap.packet(x);
    }
    let mut text = Vec::new();
    tap.write_text(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    insta::assert_snapshot!(text);
    let j = tap.to_json();
    assert_eq!(j["messages"], 4);
    assert_eq!(j["unanswered"].as_array().unwrap().len(), 2);
    assert_eq!(j["unanswered"][0]["frame"], 3);
    let _ = MsgsTap::default();
}

// Snapshots of the tree.

fn tree_text(p: &Packet) -> String {
    let mut out = Vec::new();
    crate::output::text::write_tree(&mut out, p).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn tree_snapshot_config_with_key_sparse_and_result() {
    let key = Tlv::new(TlvType::KEYINFO, TlvBody::KeyInfo { key_id: 1, data: Tlvs::new(vec![full(&[10, 0, 0, 1])]) });
    let row =
        Tlv::new(TlvType::PATH_DATA, TlvBody::PathData { flags: 0, ids: vec![3], rest: Tlvs::new(vec![sparse()]) });
    let path = Tlv::new(
        TlvType::PATH_DATA,
        TlvBody::PathData { flags: 0x8000, ids: vec![1, 2], rest: Tlvs::new(vec![key, row]) },
    );
    let op = Tlv::new(TlvType::SET, TlvBody::Oper(Tlvs::new(vec![path])));
    let l = Tlv::new(TlvType::LFBSELECT, TlvBody::LfbSelect { class_id: 14, instance_id: 1, ops: Tlvs::new(vec![op]) });
    let c = msg(MessageType::CONFIG, CE, FE, 0x11, flags(Ack::ALWAYS_ACK, 4), vec![l]);
    let r = msg(
        MessageType::CONFIG_RESPONSE,
        FE,
        CE,
        0x11,
        flags(Ack::NO_ACK, 4),
        vec![lfb(TlvType::SET_RESPONSE, vec![result(0)])],
    );
    let p = run(&[(sctp(0, 6704, 21, 0), c), (sctp(1, 6704, 21, 0), r)]);
    insta::assert_snapshot!(format!("{}\n{}", tree_text(&p[0]), tree_text(&p[1])));
}

#[test]
fn tree_snapshot_redirect_and_teardown() {
    let red = msg(
        MessageType::PACKET_REDIRECT,
        FE,
        CE,
        0,
        flags(Ack::NO_ACK, 2),
        vec![redirect(b"\x45\x00\x00\x14\x00\x01")],
    );
    let td = msg(
        MessageType::ASSOCIATION_TEARDOWN,
        CE,
        FE,
        0,
        flags(Ack::NO_ACK, 7),
        vec![Tlv::new(TlvType::ASTREASON, TlvBody::AstReason(255))],
    );
    let p = run(&[(sctp(0, 6706, 23, 0), red), (sctp(1, 6704, 21, 0), td)]);
    insta::assert_snapshot!(format!("{}\n{}", tree_text(&p[0]), tree_text(&p[1])));
}
