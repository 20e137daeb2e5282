//! MTA-TLS tests: every packet type byte by byte (written from the draft's structures), the
//! exact error at every truncation length, round trips, each SPEC-NOTES decision M1-M6, every
//! expert info of the channel state, reassembly over records (M5), the tap, and `-V` snapshots.

use std::sync::Arc;

use super::wire::*;
use super::*;
use crate::capture::{linktype, Frame as CapFrame};
use crate::engine::{Config, Ctx, DecodeAs, Dissector, State};
use crate::stream::{PduInfo, StreamFramer};
use crate::tree::{Packet, TreeBuilder, Tvb, Value};

// ---------------------------------------------------------------------------------------------
// Byte vectors written from the draft's structures (§2.1.1, §2.1.2, §2.2), with the lengths of
// M2 (the octets after the length field) and the type numbers of §2.3.

/// ChannelEstablishmentRequest: sender id 0x0001, window 65536, max 16384, source 192.0.2.1
/// (4 bytes of non-text: IPv4 by M6) port 40000, destination "db.example" port 5432.
const REQUEST: &[u8] = &[
    1, // type
    0x00, 0x20, // length 32 = 2 + 4 + 4 + (2 + 4) + 2 + (2 + 10) + 2
    0x00, 0x01, // sender_channel_id
    0x00, 0x01, 0x00, 0x00, // sender_window_length 65536
    0x00, 0x00, 0x40, 0x00, // sender_max_packet_length 16384
    0x00, 0x04, 192, 0, 2, 1, // source_address_machine<1..2^16-1>
    0x9c, 0x40, // source_port 40000
    0x00, 0x0a, b'd', b'b', b'.', b'e', b'x', b'a', b'm', b'p', b'l', b'e', // destination_address_machine
    0x15, 0x38, // destination_port 5432
];

/// ChannelEstablishmentSuccess: 0x0001 ‖ 0x0002, window 32768, max 8192.
const SUCCESS: &[u8] = &[2, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x20, 0x00];

/// ChannelRequestEchec: sender id 0x0003, error<0..2^16-6> "connection refused" (18 bytes).
const ECHEC: &[u8] = &[
    3, 0x00, 0x16, 0x00, 0x03, 0x00, 0x12, b'c', b'o', b'n', b'n', b'e', b'c', b't', b'i', b'o', b'n', b' ', b'r',
    b'e', b'f', b'u', b's', b'e', b'd',
];

const CLOSE: &[u8] = &[4, 0x00, 0x04, 0x00, 0x01, 0x00, 0x02];
const CONFIRM: &[u8] = &[5, 0x00, 0x04, 0x00, 0x01, 0x00, 0x02];
/// MTATLSPlaintext: a 4-byte length, 4 + 5 after it (M2), channel 0x00010002, "hello".
const PLAINTEXT: &[u8] = &[6, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00, 0x02, b'h', b'e', b'l', b'l', b'o'];
const NEWMAX: &[u8] = &[7, 0x00, 0x08, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x10, 0x00];
const ACK: &[u8] = &[8, 0x00, 0x08, 0x00, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00];

fn all_vectors() -> Vec<(&'static [u8], Message<'static>)> {
    vec![
        (
            REQUEST,
            Message::new(Body::EstablishmentRequest {
                sender_channel_id: 1,
                window: 65_536,
                max_packet_length: 16_384,
                src_addr: &[192, 0, 2, 1],
                src_port: 40_000,
                dst_addr: b"db.example",
                dst_port: 5432,
            }),
        ),
        (
            SUCCESS,
            Message::new(Body::EstablishmentSuccess {
                sender_channel_id: 1,
                receiver_channel_id: 2,
                window: 32_768,
                max_packet_length: 8192,
            }),
        ),
        (ECHEC, Message::new(Body::RequestEchec { sender_channel_id: 3, error: b"connection refused" })),
        (CLOSE, Message::new(Body::CloseRequest { channel_id: 0x0001_0002 })),
        (CONFIRM, Message::new(Body::CloseConfirmation { channel_id: 0x0001_0002 })),
        (PLAINTEXT, Message::new(Body::Plaintext { channel_id: 0x0001_0002, data: b"hello" })),
        (NEWMAX, Message::new(Body::NewMaxPacketLength { channel_id: 0x0001_0002, max_packet_length: 4096 })),
        (ACK, Message::new(Body::Acknowledgment { channel_id: 0x0001_0002, free_space: 65_536 })),
    ]
}

#[test]
fn every_type_reads_every_field_and_emits_the_same_bytes() {
    for (bytes, want) in all_vectors() {
        let (m, rest) = parse(bytes).unwrap();
        assert!(rest.is_empty());
        assert_eq!(m, want);
        assert_eq!(m.reading(), Reading::AfterLength);
        assert_eq!(m.wire_len(), bytes.len());
        // Emit appends exactly the bytes read, leaving what was in the buffer alone.
        let mut out = vec![0xa5; 3];
        m.emit(&mut out);
        assert_eq!(&out[..3], &[0xa5; 3]);
        assert_eq!(&out[3..], bytes);
    }
    assert_eq!(parse(SUCCESS).unwrap().0.body.channel_id(), Some(0x0001_0002));
    assert_eq!(channel_id(0xabcd, 0x1234), 0xabcd_1234);
}

#[test]
fn type_names_follow_section_2_3() {
    let names: Vec<&str> = (1..=8).map(|t| MsgType(t).name().unwrap()).collect();
    assert_eq!(
        names,
        [
            "ChannelEstablishmentRequest",
            "ChannelEstablishmentSuccess",
            "ChannelRequestEchec",
            "ChannelCloseRequest",
            "ChannelCloseConfirmation",
            "MTATLSPlaintext",
            "NewMaxPacketLength",
            "Acknowledgment"
        ]
    );
    assert_eq!(MsgType(0).name(), None);
    assert_eq!(MsgType(9).name(), None);
    assert_eq!(MsgType::MTATLS_PLAINTEXT.header_len(), 5);
    assert_eq!(MsgType::ACKNOWLEDGMENT.header_len(), 3);
}

/// The fields of each vector in wire order, with the names the errors use and their sizes,
/// written from the draft's structures.
fn layout(bytes: &[u8]) -> Vec<(&'static str, usize)> {
    let mut v = vec![("type", 1)];
    match bytes[0] {
        1 => v.extend([
            ("length", 2),
            ("sender_channel_id", 2),
            ("sender_window_length", 4),
            ("sender_max_packet_length", 4),
            ("source_address_machine length", 2),
            ("source_address_machine", 4),
            ("source_port", 2),
            ("destination_address_machine length", 2),
            ("destination_address_machine", 10),
            ("destination_port", 2),
        ]),
        2 => v.extend([
            ("length", 2),
            ("sender_channel_id", 2),
            ("receiver_channel_id", 2),
            ("receiver_window_length", 4),
            ("receiver_max_packet_length", 4),
        ]),
        3 => v.extend([("length", 2), ("sender_channel_id", 2), ("error length", 2), ("error", 18)]),
        4 | 5 => v.extend([("length", 2), ("channel_id", 4)]),
        6 => v.extend([("length", 4), ("channel_id", 4), ("data", 5)]),
        7 => v.extend([("length", 2), ("channel_id", 4), ("max_packet_length", 4)]),
        8 => v.extend([("length", 2), ("channel_id", 4), ("free_space", 4)]),
        _ => unreachable!(),
    }
    v
}

#[test]
fn every_truncation_gives_the_exact_error() {
    for (bytes, _) in all_vectors() {
        let fields = layout(bytes);
        assert_eq!(fields.iter().map(|f| f.1).sum::<usize>(), bytes.len());
        for n in 0..bytes.len() {
            let mut start = 0;
            let mut want = None;
            for (what, size) in &fields {
                if n < start + size {
                    want = Some(ParseError::Truncated { offset: start, what, needed: *size, available: n - start });
                    break;
                }
                start += size;
            }
            assert_eq!(parse(&bytes[..n]).unwrap_err(), want.unwrap(), "type {} cut at {n}", bytes[0]);
        }
    }
}

#[test]
fn bytes_after_a_packet_are_returned() {
    let b = [CLOSE, PLAINTEXT, ACK].concat();
    let (m, rest) = parse(&b).unwrap();
    assert_eq!(m.ty(), MsgType::CHANNEL_CLOSE_REQUEST);
    let (m, rest) = parse(rest).unwrap();
    assert_eq!(m.ty(), MsgType::MTATLS_PLAINTEXT);
    let (m, rest) = parse(rest).unwrap();
    assert_eq!(m.ty(), MsgType::ACKNOWLEDGMENT);
    assert!(rest.is_empty());
}

// ---------------------------------------------------------------------------------------------
// M2: the readings of the length field.

#[test]
fn m2_whole_packet_reading_of_a_fixed_type() {
    // ChannelCloseRequest whose length counts the whole packet: 3 + 4 = 7.
    let b = [4, 0x00, 0x07, 0, 1, 0, 2];
    let (m, rest) = parse(&b).unwrap();
    assert!(rest.is_empty());
    assert_eq!(m.body, Body::CloseRequest { channel_id: 0x0001_0002 });
    assert_eq!(m.reading(), Reading::WholePacket);
    assert!(m.trailing.is_empty());
    assert_eq!(m.to_bytes(), b);
    assert_eq!(Message::with_reading(m.body.clone(), Reading::WholePacket), m);
}

#[test]
fn m2_length_shorter_than_the_fields_and_bytes_past_them() {
    // Length 2 for a 4-byte channel id: no reading; the fields decide the end.
    let b = [5, 0x00, 0x02, 0, 1, 0, 2, 8];
    let (m, rest) = parse(&b).unwrap();
    assert_eq!(m.reading(), Reading::Mismatch);
    assert_eq!(rest, &[8]);
    assert_eq!(m.to_bytes(), &b[..7]);
    // Length 6: two bytes past the channel id, kept as trailing bytes (the suite's reading).
    let b = [4, 0x00, 0x06, 0, 1, 0, 2, 0xee, 0xff, 4];
    let (m, rest) = parse(&b).unwrap();
    assert_eq!(m.trailing, &[0xee, 0xff]);
    assert_eq!(m.reading(), Reading::AfterLength);
    assert_eq!(rest, &[4]);
    assert_eq!(m.to_bytes(), &b[..9]);
    // The trailing bytes must be there.
    assert_eq!(
        parse(&b[..8]).unwrap_err(),
        ParseError::Truncated { offset: 7, what: "bytes the length covers", needed: 2, available: 1 }
    );
}

#[test]
fn m2_plaintext_readings_by_the_byte_count() {
    let data = b"GET / HTTP/1.1\r\n";
    let body = Body::Plaintext { channel_id: 0x0001_0002, data };
    let after = Message::new(body.clone()).to_bytes();
    let whole = Message::with_reading(body.clone(), Reading::WholePacket).to_bytes();
    let data_only = Message::with_reading(body.clone(), Reading::DataOnly).to_bytes();
    assert_eq!(&after[1..5], &[0, 0, 0, 20]);
    assert_eq!(&whole[1..5], &[0, 0, 0, 25]);
    assert_eq!(&data_only[1..5], &[0, 0, 0, 16]);
    // Alone in the bytes given (one record), each reading is the only one that ends there.
    assert_eq!(plaintext_reading(&after, None), Some(Reading::AfterLength));
    assert_eq!(plaintext_reading(&whole, None), Some(Reading::AfterLength), "its end lies past the bytes: M5");
    assert_eq!(plaintext_reading(&data_only, None), Some(Reading::DataOnly));
    // Followed by another packet, the whole-packet reading is the only one that fits.
    let whole_then_ack = [whole.clone(), ACK.to_vec()].concat();
    assert_eq!(plaintext_reading(&whole_then_ack, None), Some(Reading::WholePacket));
    let (m, rest) = parse(&whole_then_ack).unwrap();
    assert_eq!(m.body, body);
    assert_eq!(m.reading(), Reading::WholePacket);
    assert_eq!(rest, ACK);
    let (m, rest) = parse(&data_only).unwrap();
    assert_eq!((m.reading(), rest.len()), (Reading::DataOnly, 0));
    // A hint learned earlier decides when the bytes do not.
    assert_eq!(plaintext_reading(&whole, Some(Reading::WholePacket)), Some(Reading::WholePacket));
    assert_eq!(plaintext_reading(&after, Some(Reading::AfterLength)), Some(Reading::AfterLength));
    // Less than 4: only data-only.
    let tiny = [6, 0, 0, 0, 2, 0, 1, 0, 2, b'h', b'i'];
    assert_eq!(plaintext_reading(&tiny, None), Some(Reading::DataOnly));
    let (m, _) = parse(&tiny).unwrap();
    assert_eq!(m.body, Body::Plaintext { channel_id: 0x0001_0002, data: b"hi" });
    // A reading the length cannot have.
    assert_eq!(
        parse_as(&tiny, Reading::AfterLength).unwrap_err(),
        ParseError::BadLength {
            offset: 1,
            what: "length",
            expected: "octets after the length field (at least 4)",
            found: 2
        }
    );
    assert!(plaintext_reading(CLOSE, None).is_none());
}

// ---------------------------------------------------------------------------------------------
// M6: addresses.

#[test]
fn m6_addresses_as_text_ip_or_bytes() {
    assert_eq!(Address::read(b"db.example"), Address::Text("db.example".into()));
    assert_eq!(Address::read(b"10.0.0.1"), Address::Text("10.0.0.1".into()));
    // Four printable bytes are text, not an address.
    assert_eq!(Address::read(b"host"), Address::Text("host".into()));
    assert_eq!(Address::read(&[192, 0, 2, 1]).text(), "192.0.2.1");
    let v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    assert_eq!(Address::read(&v6).text(), "2001:db8::1");
    assert_eq!(Address::read(&[1, 2, 3]), Address::Bytes(vec![1, 2, 3]));
    assert_eq!(Address::read(&[1, 2, 3]).text(), "010203");
    assert_eq!(Address::read(&[]).kind(), "bytes");
}

// ---------------------------------------------------------------------------------------------
// Round trips.

mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    pub(super) enum OBody {
        Request(u16, u32, u32, Vec<u8>, u16, Vec<u8>, u16),
        Success(u16, u16, u32, u32),
        Echec(u16, Vec<u8>),
        Close(u32),
        Confirm(u32),
        Plaintext(u32, Vec<u8>),
        NewMax(u32, u32),
        Ack(u32, u32),
        Unknown(u8, Vec<u8>),
    }

    pub(super) fn body(o: &OBody) -> Body<'_> {
        match o {
            OBody::Request(s, w, m, sa, sp, da, dp) => Body::EstablishmentRequest {
                sender_channel_id: *s,
                window: *w,
                max_packet_length: *m,
                src_addr: sa,
                src_port: *sp,
                dst_addr: da,
                dst_port: *dp,
            },
            OBody::Success(s, r, w, m) => Body::EstablishmentSuccess {
                sender_channel_id: *s,
                receiver_channel_id: *r,
                window: *w,
                max_packet_length: *m,
            },
            OBody::Echec(s, e) => Body::RequestEchec { sender_channel_id: *s, error: e },
            OBody::Close(c) => Body::CloseRequest { channel_id: *c },
            OBody::Confirm(c) => Body::CloseConfirmation { channel_id: *c },
            OBody::Plaintext(c, d) => Body::Plaintext { channel_id: *c, data: d },
            OBody::NewMax(c, m) => Body::NewMaxPacketLength { channel_id: *c, max_packet_length: *m },
            OBody::Ack(c, f) => Body::Acknowledgment { channel_id: *c, free_space: *f },
            OBody::Unknown(t, b) => Body::Unknown { ty: MsgType(*t), body: b },
        }
    }

    fn bytes(min: usize, max: usize) -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), min..max)
    }

    pub(super) fn obody() -> impl Strategy<Value = OBody> {
        prop_oneof![
            (any::<u16>(), any::<u32>(), any::<u32>(), bytes(0, 40), any::<u16>(), bytes(0, 40), any::<u16>())
                .prop_map(|(s, w, m, sa, sp, da, dp)| OBody::Request(s, w, m, sa, sp, da, dp)),
            (any::<u16>(), any::<u16>(), any::<u32>(), any::<u32>())
                .prop_map(|(s, r, w, m)| OBody::Success(s, r, w, m)),
            (any::<u16>(), bytes(0, 60)).prop_map(|(s, e)| OBody::Echec(s, e)),
            any::<u32>().prop_map(OBody::Close),
            any::<u32>().prop_map(OBody::Confirm),
            (any::<u32>(), bytes(0, 120)).prop_map(|(c, d)| OBody::Plaintext(c, d)),
            (any::<u32>(), any::<u32>()).prop_map(|(c, m)| OBody::NewMax(c, m)),
            (any::<u32>(), any::<u32>()).prop_map(|(c, f)| OBody::Ack(c, f)),
            (prop_oneof![Just(0u8), 9u8..=255], bytes(0, 40)).prop_map(|(t, b)| OBody::Unknown(t, b)),
        ]
    }

    /// Raw bytes that often look like a packet: a known type and a length near the truth.
    fn packet_like() -> impl Strategy<Value = Vec<u8>> {
        (0u8..=9, bytes(0, 60), -4i32..4).prop_map(|(t, rest, skew)| {
            let mut b = vec![t];
            let len = (rest.len() as i32 + skew).max(0) as u32;
            if t == 6 {
                b.extend_from_slice(&len.to_be_bytes());
            } else {
                b.extend_from_slice(&(len as u16).to_be_bytes());
            }
            b.extend_from_slice(&rest);
            b
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Every type, with the suite's length (M2), round trips with any bytes after it.
        #[test]
        fn parse_of_emit_is_identity(o in obody(), tail in bytes(0, 12)) {
            let m = Message::new(body(&o));
            let b = m.to_bytes();
            prop_assert_eq!(b.len(), m.wire_len());
            // A plaintext's end is read from the bytes given: alone, it is exact.
            prop_assert_eq!(parse(&b), Ok((m.clone(), &[][..])));
            let with_tail = [b.clone(), tail.clone()].concat();
            prop_assert_eq!(parse_as(&with_tail, Reading::AfterLength).map(|(m, r)| (m, r.to_vec())),
                Ok((m.clone(), tail.clone())));
            if m.ty() != MsgType::MTATLS_PLAINTEXT {
                prop_assert_eq!(parse(&with_tail), Ok((m, &tail[..])));
            }
        }

        /// The other readings (M2) round trip when the reader is told the reading.
        #[test]
        fn every_reading_round_trips(o in obody(), whole in any::<bool>(), tail in bytes(0, 12)) {
            let body = body(&o);
            let reading = match (&body, whole) {
                (Body::Unknown { .. }, _) => Reading::AfterLength,
                (_, true) => Reading::WholePacket,
                (Body::Plaintext { .. }, false) => Reading::DataOnly,
                (_, false) => Reading::AfterLength,
            };
            let m = Message::with_reading(body, reading);
            prop_assume!(!matches!(m.body, Body::Plaintext { data, .. } if reading == Reading::WholePacket && data.len() + 9 > u32::MAX as usize));
            prop_assert_eq!(m.reading(), reading);
            let b = [m.to_bytes(), tail.clone()].concat();
            prop_assert_eq!(parse_as(&b, reading), Ok((m, &tail[..])));
        }

        #[test]
        fn emit_of_parse_is_identity(b in prop_oneof![packet_like(), bytes(0, 64)]) {
            if let Ok((m, rest)) = parse(&b) {
                let used = b.len() - rest.len();
                prop_assert_eq!(m.to_bytes(), b[..used].to_vec());
                prop_assert_eq!(m.wire_len(), used);
            }
        }

        /// Every prefix of a packet fails with an error inside the prefix's reach: at or before
        /// the cut, asking for more than is there.
        #[test]
        fn truncated_packets_fail_at_the_missing_bytes(o in obody(), cut in any::<prop::sample::Index>()) {
            let b = Message::new(body(&o)).to_bytes();
            let n = cut.index(b.len());
            match parse_as(&b[..n], Reading::AfterLength).unwrap_err() {
                ParseError::Truncated { offset, needed, available, .. } => {
                    prop_assert!(offset <= n);
                    prop_assert_eq!(available, n - offset);
                    prop_assert!(needed > available);
                }
                e => prop_assert!(false, "{e}"),
            }
        }
    }
}

#[test]
fn the_round_trip_strategy_covers_each_type() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..500 {
        let o = roundtrip::obody().new_tree(&mut runner).unwrap().current();
        seen.insert(roundtrip::body(&o).ty().name().unwrap_or("unknown"));
    }
    assert_eq!(seen.len(), 9, "{seen:?}");
}

// ---------------------------------------------------------------------------------------------
// A session driven through a StreamFramer per direction, the way the TLS layer feeds decrypted
// application bytes (M5): each element is one "record" of one frame.

const T0: i64 = 1_700_000_000;

fn msg(b: Body<'_>) -> Vec<u8> {
    Message::new(b).to_bytes()
}

fn request(sid: u16, window: u32, max: u32, dst: &[u8], port: u16) -> Vec<u8> {
    msg(Body::EstablishmentRequest {
        sender_channel_id: sid,
        window,
        max_packet_length: max,
        src_addr: &[192, 0, 2, 1],
        src_port: 40_000,
        dst_addr: dst,
        dst_port: port,
    })
}

fn success(sid: u16, rid: u16, window: u32, max: u32) -> Vec<u8> {
    msg(Body::EstablishmentSuccess { sender_channel_id: sid, receiver_channel_id: rid, window, max_packet_length: max })
}

fn data(id: u32, n: usize) -> Vec<u8> {
    let d: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
    msg(Body::Plaintext { channel_id: id, data: &d })
}

fn ack(id: u32, free: u32) -> Vec<u8> {
    msg(Body::Acknowledgment { channel_id: id, free_space: free })
}

fn newmax(id: u32, m: u32) -> Vec<u8> {
    msg(Body::NewMaxPacketLength { channel_id: id, max_packet_length: m })
}

fn close(id: u32) -> Vec<u8> {
    msg(Body::CloseRequest { channel_id: id })
}

fn confirm(id: u32) -> Vec<u8> {
    msg(Body::CloseConfirmation { channel_id: id })
}

/// Feed records (direction, bytes) through one framer per direction into `conv`; one packet per
/// record, frame numbers from 1, 1 ms apart.
fn drive(conv: &mut MtatlsConversation, records: &[(u8, Vec<u8>)]) -> Vec<Packet> {
    let cfg = Config::default();
    let mut st = State::default();
    let mut framers = [StreamFramer::new(), StreamFramer::new()];
    let mut off = [0u64; 2];
    let mut out = Vec::new();
    for (i, (dir, bytes)) in records.iter().enumerate() {
        let n = i as u64 + 1;
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &cfg,
            st: &mut st,
            frame_number: n,
            ts: (T0, (n * 1_000_000) as u32),
            addrs: Default::default(),
            depth: 0,
        };
        let d = usize::from(*dir);
        let info = PduInfo { stream: 0, dir: *dir, src_port: 0, dst_port: 0, stream_offset: off[d] };
        framers[d].feed(&mut ctx, conv, Tvb::new(bytes, 0, 0), &info);
        off[d] += bytes.len() as u64;
        let Ctx { tb, .. } = ctx;
        out.push(tb.finish(n, (T0, 0), (0, (n * 1_000_000) as u32), bytes.len() as u32, Arc::from(&bytes[..])));
    }
    out
}

fn messages(p: &Packet) -> Vec<String> {
    p.experts.iter().filter(|e| e.protocol == "mtatls").map(|e| e.message.clone()).collect()
}

fn flagged(ps: &[Packet], n: u64, what: &str) -> bool {
    messages(&ps[(n - 1) as usize]).iter().any(|m| m.contains(what))
}

fn uints(p: &Packet, field: &str) -> Vec<u64> {
    p.values(field)
        .iter()
        .filter_map(|n| match n.value {
            Value::UInt(v) => Some(v),
            _ => None,
        })
        .collect()
}

const CH: u32 = 0x0001_0101;

/// Open, data both ways, window exhaustion and Acknowledgment, NewMaxPacketLength, a failed
/// open and the close: records 1 to 13.
fn session() -> Vec<(u8, Vec<u8>)> {
    vec![
        (0, request(1, 4096, 1024, b"db.example", 5432)),  // 1
        (1, success(1, 0x0101, 2048, 1024)),               // 2
        (0, [data(CH, 1000), data(CH, 1000)].concat()),    // 3: two in one record
        (1, data(CH, 500)),                                // 4
        (0, data(CH, 48)),                                 // 5: client window exhausted
        (1, ack(CH, 2048)),                                // 6
        (0, data(CH, 100)),                                // 7
        (1, newmax(CH, 512)),                              // 8
        (0, data(CH, 512)),                                // 9
        (0, request(2, 1000, 500, b"nowhere.example", 1)), // 10
        (1, msg(Body::RequestEchec { sender_channel_id: 2, error: b"no route" })), // 11
        (0, close(CH)),                                    // 12
        (1, confirm(CH)),                                  // 13
    ]
}

#[test]
fn session_channel_state_and_pairing() {
    let mut conv = MtatlsConversation::new();
    let ps = drive(&mut conv, &session());
    for p in &ps {
        assert!(!p.malformed, "frame {}", p.number);
        assert_eq!(p.summary.protocol, "MTA-TLS");
    }
    // Only the exhaustion note.
    for (i, p) in ps.iter().enumerate() {
        let m = messages(p);
        if i + 1 == 5 {
            assert_eq!(m.len(), 1, "{m:?}");
            assert!(m[0].contains("exhausted"), "{m:?}");
        } else {
            assert!(m.is_empty(), "frame {}: {m:?}", i + 1);
        }
    }
    assert_eq!(ps[2].summary.info, "Data 0x00010101 len=1000, Data 0x00010101 len=1000");
    assert_eq!(ps[2].layers.iter().filter(|l| l.def.abbrev == "mtatls").count(), 2);
    // Windows (M4): the client may send 2048 (the Success's window), the server 4096.
    assert_eq!(uints(&ps[2], "mtatls.channel.window_left"), vec![1048, 48]);
    assert_eq!(uints(&ps[3], "mtatls.channel.window_left"), vec![3596]);
    assert_eq!(uints(&ps[4], "mtatls.channel.window_left"), vec![0]);
    assert_eq!(uints(&ps[5], "mtatls.channel.peer_window"), vec![2048]);
    assert_eq!(uints(&ps[6], "mtatls.channel.window_left"), vec![1948]);
    assert_eq!(uints(&ps[8], "mtatls.channel.max_packet_length"), vec![512]);
    // Pairing and times.
    assert_eq!(uints(&ps[1], "mtatls.response_to"), vec![1]);
    assert_eq!(uints(&ps[10], "mtatls.response_to"), vec![10]);
    assert_eq!(uints(&ps[12], "mtatls.response_to"), vec![12]);
    assert_eq!(ps[1].find("mtatls.time").unwrap().value, Value::Time { secs: 0, nanos: 1_000_000 });
    let pairs: Vec<(u64, u64, Answer)> =
        conv.pairs().iter().map(|p| (p.request_frame, p.answer_frame, p.answer)).collect();
    assert_eq!(pairs, vec![(1, 2, Answer::Opened), (10, 11, Answer::Refused), (12, 13, Answer::Closed)]);
    let ch = &conv.channels()[&CH];
    assert_eq!(ch.state, ChannelState::Closed);
    assert_eq!(ch.initiator, Some(0));
    assert_eq!((ch.src.as_str(), ch.dst.as_str()), ("192.0.2.1:40000", "db.example:5432"));
    assert_eq!(ch.initial_window, [Some(2048), Some(4096)]);
    assert_eq!(ch.window, [Some(1436), Some(3596)]);
    assert_eq!(ch.max_packet, [Some(512), Some(1024)]);
    assert_eq!(ch.bytes, [2660, 500]);
    assert_eq!(ch.packets, [5, 1]);
    assert_eq!(ch.stalls, [1, 0]);
    assert_eq!(
        (ch.request_frame, ch.open_frame, ch.close_request_frame, ch.close_frame),
        (Some(1), Some(2), Some(12), Some(13))
    );
    assert_eq!(conv.refusals().len(), 1);
    assert_eq!(conv.refusals()[0].error, "no route");
    assert_eq!(conv.refusals()[0].dst, "nowhere.example:1");
}

#[test]
fn session_tree_snapshot() {
    let mut conv = MtatlsConversation::new();
    let ps = drive(&mut conv, &session());
    let mut out = String::new();
    for p in &ps {
        out.push_str(&format!("== frame {}: {}\n", p.number, p.summary.info));
        let mut q = p.clone();
        q.layers.retain(|l| l.def.abbrev == "mtatls" || l.def.abbrev == "_ws.malformed");
        let mut v = Vec::new();
        crate::output::text::write_tree(&mut v, &q).unwrap();
        out.push_str(&String::from_utf8(v).unwrap());
    }
    insta::assert_snapshot!(out);
}

/// M5: the session's two byte streams cut into records of every size from 1 to 17 bytes give
/// the same packets, in the same order, with the same analysis: packets span records, and
/// records hold the end of one packet and the start of the next.
#[test]
fn m5_packets_spanning_records_and_sharing_them() {
    let want = {
        let mut conv = MtatlsConversation::new();
        let ps = drive(&mut conv, &session());
        (infos(&ps), conv.channels()[&CH].clone())
    };
    let streams: [Vec<u8>; 2] =
        [0u8, 1].map(|d| session().into_iter().filter(|r| r.0 == d).flat_map(|r| r.1).collect());
    for size in 1..=17 {
        // Replay the session in its order, cutting each direction's stream into `size`-byte
        // records (the last one of each original record shorter).
        let mut records = Vec::new();
        let mut sent = [0usize; 2];
        let mut upto = [0usize; 2];
        for (d, b) in session() {
            let d = usize::from(d);
            upto[d] += b.len();
            while sent[d] < upto[d] {
                let end = (sent[d] + size).min(upto[d]);
                records.push((d as u8, streams[d][sent[d]..end].to_vec()));
                sent[d] = end;
            }
        }
        let mut conv = MtatlsConversation::new();
        let ps = drive(&mut conv, &records);
        assert!(ps.iter().all(|p| !p.malformed), "size {size}");
        let got: Vec<String> = infos(&ps);
        assert_eq!(got, want.0, "size {size}");
        let mut ch = conv.channels()[&CH].clone();
        // Frame numbers differ with the record size; the rest must not.
        ch.request_frame = want.1.request_frame;
        ch.open_frame = want.1.open_frame;
        ch.open_ts = want.1.open_ts;
        ch.close_request_frame = want.1.close_request_frame;
        ch.close_frame = want.1.close_frame;
        ch.close_ts = want.1.close_ts;
        assert_eq!(ch, want.1, "size {size}");
    }
}

/// The info items of every packet, in order, without the marks of records that only carry part
/// of a packet (`[TCP segment of a reassembled PDU]`).
fn infos(ps: &[Packet]) -> Vec<String> {
    ps.iter()
        .flat_map(|p| {
            p.summary.info.split(", ").map(|s| s.split(" [").next().unwrap_or("").to_string()).collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty() && !s.starts_with('['))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Expert infos of the channel state (M3, M4, §2.1.1, §2.1.2).

fn opened() -> Vec<(u8, Vec<u8>)> {
    vec![(0, request(1, 4096, 1024, b"db.example", 5432)), (1, success(1, 0x0101, 2048, 1024))]
}

fn with(extra: Vec<(u8, Vec<u8>)>) -> Vec<Packet> {
    let mut r = opened();
    r.extend(extra);
    drive(&mut MtatlsConversation::new(), &r)
}

#[test]
fn m4_data_beyond_the_window_and_the_max_packet_length() {
    let ps = with(vec![(0, data(CH, 1025)), (0, data(CH, 1000)), (0, data(CH, 100)), (0, data(CH, 1))]);
    assert!(flagged(&ps, 3, "1025 bytes of data exceed the max packet length 1024"));
    // 2048 - 1025 = 1023 left; 1000 fits, then 100 does not.
    assert!(!flagged(&ps, 4, "exceed"));
    assert!(flagged(&ps, 5, "100 bytes of data exceed the 23 bytes left in the window"));
    assert!(flagged(&ps, 6, "while its window is exhausted"));
    assert_eq!(uints(&ps[5], "mtatls.channel.window_left"), vec![0]);
}

#[test]
fn m4_acknowledgment_and_new_max_packet_length_checks() {
    let ps = with(vec![
        (1, ack(CH, 2048)),    // 3: repeats the client's window
        (1, ack(CH, 1000)),    // 4: lowers it
        (1, newmax(CH, 1500)), // 5: above the free space 1000
        (0, data(CH, 1200)),   // 6: beyond the new max 1500? no; beyond the window 1000: yes
        (0, ack(CH, 5000)),    // 7: the client raises the server's window: fine
        (0, newmax(CH, 100)),  // 8: fine
        (1, data(CH, 101)),    // 9: beyond the server's new max
    ]);
    assert!(flagged(&ps, 3, "Acknowledgment repeats the free space 2048"));
    assert!(flagged(&ps, 4, "Acknowledgment lowers the peer's window from 2048 to 1000"));
    assert!(flagged(&ps, 5, "New max packet length 1500 exceeds the free space 1000"));
    assert!(flagged(&ps, 6, "1200 bytes of data exceed the 1000 bytes left"));
    assert!(!flagged(&ps, 6, "max packet length"));
    assert!(messages(&ps[6]).is_empty() && messages(&ps[7]).is_empty());
    assert!(flagged(&ps, 9, "101 bytes of data exceed the max packet length 100"));
}

#[test]
fn m4_max_above_window_at_establishment() {
    let ps = drive(&mut MtatlsConversation::new(), &[(0, request(1, 100, 200, b"x", 1)), (1, success(1, 2, 50, 60))]);
    assert!(flagged(&ps, 1, "Max packet length 200 exceeds the window 100"));
    assert!(flagged(&ps, 2, "Max packet length 60 exceeds the window 50"));
}

#[test]
fn m3_channel_id_collision() {
    let ps = with(vec![(0, request(1, 10, 10, b"x", 1)), (1, success(1, 0x0101, 10, 10))]);
    assert!(flagged(&ps, 4, "Channel id 0x00010101 collides with the open channel established in frame 2"));
    // Closed channels may be reused.
    let ps =
        with(vec![(0, close(CH)), (1, confirm(CH)), (0, request(1, 10, 10, b"x", 1)), (1, success(1, 0x0101, 10, 10))]);
    assert!(messages(&ps[5]).is_empty());
}

#[test]
fn establishment_without_a_request_and_duplicate_requests() {
    let ps = drive(
        &mut MtatlsConversation::new(),
        &[
            (1, success(9, 1, 10, 10)),
            (1, msg(Body::RequestEchec { sender_channel_id: 8, error: b"" })),
            (0, request(7, 10, 10, b"x", 1)),
            (0, request(7, 10, 10, b"x", 1)),
            // An answer from the requester's own side answers nothing.
            (0, success(7, 1, 10, 10)),
        ],
    );
    assert!(flagged(&ps, 1, "ChannelEstablishmentSuccess for sender channel id 0x0009 with no"));
    assert!(flagged(&ps, 2, "ChannelRequestEchec for sender channel id 0x0008 with no"));
    assert!(flagged(
        &ps,
        4,
        "Second ChannelEstablishmentRequest with sender channel id 0x0007 while the one in frame 3"
    ));
    assert!(flagged(&ps, 5, "with no ChannelEstablishmentRequest awaiting it"));
}

#[test]
fn close_rules() {
    let ps = with(vec![
        (0, close(CH)),            // 3
        (0, data(CH, 10)),         // 4: after its own close request
        (1, data(CH, 10)),         // 5: after the peer's close request: ignored
        (0, close(CH)),            // 6: second request from the same side
        (0, confirm(CH)),          // 7: confirmation from the requester
        (1, data(CH, 10)),         // 8: after the close
        (1, ack(CH, 10)),          // 9: after the close
        (0, close(CH)),            // 10: for a closed channel
        (1, confirm(0x0009_0009)), // 11: unknown channel
    ]);
    assert!(flagged(&ps, 4, "after its sender's ChannelCloseRequest in frame 3"));
    assert!(flagged(&ps, 5, "after the peer's ChannelCloseRequest in frame 3"));
    assert!(flagged(&ps, 6, "Second ChannelCloseRequest"));
    assert!(flagged(&ps, 7, "from the side that requested the close in frame 3"));
    assert!(flagged(&ps, 8, "closed in frame 7"));
    assert!(flagged(&ps, 9, "Acknowledgment on channel 0x00010101, closed in frame 7"));
    assert!(flagged(&ps, 10, "ChannelCloseRequest for channel 0x00010101, closed in frame 7"));
    assert!(flagged(&ps, 11, "which this capture has not seen open"));
    let ps = with(vec![(1, confirm(CH))]);
    assert!(flagged(&ps, 3, "with no ChannelCloseRequest (§2.1.2)"));
}

#[test]
fn unknown_channels_are_reported_once_and_then_tracked() {
    let mut conv = MtatlsConversation::new();
    let ps = drive(&mut conv, &[(0, data(0x0005_0006, 3)), (1, data(0x0005_0006, 4)), (1, ack(0x0007_0007, 1))]);
    assert!(flagged(&ps, 1, "MTATLSPlaintext on channel 0x00050006, which this capture has not seen open"));
    assert!(messages(&ps[1]).is_empty());
    assert!(flagged(&ps, 3, "Acknowledgment on channel 0x00070007"));
    assert_eq!(conv.channels()[&0x0005_0006].bytes, [3, 4]);
}

#[test]
fn per_packet_experts() {
    let empty_addr = msg(Body::EstablishmentRequest {
        sender_channel_id: 1,
        window: 10,
        max_packet_length: 10,
        src_addr: b"",
        src_port: 1,
        dst_addr: b"d",
        dst_port: 2,
    });
    let long_error = vec![b'e'; MAX_ERROR + 1];
    let records = vec![
        (0, empty_addr),
        (1, msg(Body::RequestEchec { sender_channel_id: 1, error: &long_error })),
        (0, msg(Body::Unknown { ty: MsgType(42), body: b"xyz" })),
        (0, vec![4, 0x00, 0x07, 0, 1, 0, 2]),             // whole-packet reading
        (0, vec![4, 0x00, 0x02, 0, 1, 0, 2]),             // shorter than the fields
        (0, vec![4, 0x00, 0x06, 0, 1, 0, 2, 0xaa, 0xbb]), // bytes past the fields
    ];
    let ps = drive(&mut MtatlsConversation::new(), &records);
    assert!(flagged(&ps, 1, "Empty source_address_machine"));
    assert!(flagged(&ps, 2, "Error of 65531 bytes"));
    assert!(flagged(&ps, 3, "Unknown type 42"));
    assert_eq!(ps[2].find("mtatls.body").unwrap().value, Value::Bytes(b"xyz".to_vec()));
    assert!(flagged(&ps, 4, "Length 7 counts the whole packet"));
    assert_eq!(ps[3].find("mtatls.length_reading").unwrap().value, Value::Str("whole packet".into()));
    assert!(flagged(&ps, 5, "Length 2 is shorter than the packet's fields"));
    assert!(flagged(&ps, 6, "covers 2 bytes past the ChannelCloseRequest's fields"));
    assert!(ps.iter().all(|p| !p.malformed));
}

#[test]
fn m2_a_whole_packet_sender_teaches_the_plaintext_reading() {
    // A sender whose ChannelCloseRequest... here: whose Success counts the whole packet, then
    // an MTATLSPlaintext alone in its record with the whole-packet reading.
    let whole = |b: Body<'_>| Message::with_reading(b, Reading::WholePacket).to_bytes();
    let mut conv = MtatlsConversation::new();
    let ps = drive(
        &mut conv,
        &[
            (0, request(1, 4096, 1024, b"db", 1)),
            (
                1,
                whole(Body::EstablishmentSuccess {
                    sender_channel_id: 1,
                    receiver_channel_id: 0x0101,
                    window: 99,
                    max_packet_length: 99,
                }),
            ),
            (1, whole(Body::Plaintext { channel_id: CH, data: b"0123456789" })),
            (
                0,
                Message::with_reading(Body::Plaintext { channel_id: CH, data: b"ab" }, Reading::WholePacket).to_bytes(),
            ),
        ],
    );
    assert_eq!(conv.plaintext_hint(), Some(Reading::WholePacket));
    assert!(ps.iter().all(|p| !p.malformed));
    assert_eq!(ps[2].find("mtatls.data").unwrap().value, Value::Bytes(b"0123456789".to_vec()));
    assert_eq!(ps[3].find("mtatls.data").unwrap().value, Value::Bytes(b"ab".to_vec()));
    assert!(flagged(&ps, 3, "counts the whole packet"));
}

#[test]
fn m2_data_only_plaintext_alone_in_its_record() {
    let mut conv = MtatlsConversation::new();
    let mut r = opened();
    r.push((
        0,
        Message::with_reading(Body::Plaintext { channel_id: CH, data: b"some text data" }, Reading::DataOnly)
            .to_bytes(),
    ));
    r.push((0, data(CH, 3)));
    let ps = drive(&mut conv, &r);
    assert_eq!(ps[2].find("mtatls.data").unwrap().value, Value::Bytes(b"some text data".to_vec()));
    assert!(flagged(&ps, 3, "counts the data only"));
    assert_eq!(conv.plaintext_hint(), Some(Reading::DataOnly));
    assert!(ps.iter().all(|p| !p.malformed));
}

#[test]
fn resynchronises_after_a_gap() {
    let cfg = Config::default();
    let mut st = State::default();
    let mut conv = MtatlsConversation::new();
    let mut f = StreamFramer::new();
    let mut ctx = Ctx {
        tb: TreeBuilder::new(),
        cfg: &cfg,
        st: &mut st,
        frame_number: 1,
        ts: (0, 0),
        addrs: Default::default(),
        depth: 0,
    };
    let info = PduInfo { stream: 0, dir: 0, src_port: 0, dst_port: 0, stream_offset: 0 };
    let part = data(CH, 40);
    f.feed(&mut ctx, &mut conv, Tvb::new(&part[..20], 0, 0), &info);
    f.gap(&mut ctx, "MTA-TLS");
    // Garbage (the rest of the lost packet), then an Acknowledgment.
    let b = [vec![b'z'; 9], ACK.to_vec()].concat();
    f.feed(&mut ctx, &mut conv, Tvb::new(&b, 0, 0), &PduInfo { stream_offset: 60, ..info });
    let p = ctx.tb.finish(1, (0, 0), (0, 0), 0, Arc::from(&b[..]));
    assert_eq!(uints(&p, "mtatls.free_space"), vec![65_536]);
    assert!(could_start(ACK, 100));
    assert!(!could_start(&[4, 0, 9], 100));
    assert!(!could_start(&[6, 0, 0, 1, 0], 100));
    assert!(!could_start(&[0x17], 100));
}

// ---------------------------------------------------------------------------------------------
// The whole pipeline: MTA-TLS straight on TCP with `-d tcp.port==N,mtatls`, and the tap.

const CLIENT: [u8; 4] = [10, 0, 0, 1];
const SERVER: [u8; 4] = [10, 0, 0, 2];

/// A TCP connection (handshake captured) carrying `records` one segment each.
fn tcp_frames(records: &[(u8, Vec<u8>)]) -> Vec<CapFrame> {
    let mut frames = Vec::new();
    let mut seq = [1000u32, 5000u32];
    let push = |frames: &mut Vec<CapFrame>, from_client: bool, seq: u32, ack: u32, payload: &[u8], kind: u8| {
        let (src, dst, sp, dp) =
            if from_client { (CLIENT, SERVER, 40_000, 7_000) } else { (SERVER, CLIENT, 7_000, 40_000) };
        let b = etherparse::PacketBuilder::ipv4(src, dst, 64).tcp(sp, dp, seq, 65535);
        let b = match kind {
            0 => b.syn(),
            1 => b.syn().ack(ack),
            _ => b.psh().ack(ack),
        };
        let mut data = Vec::new();
        b.write(&mut data, payload).unwrap();
        let n = frames.len() as u64 + 1;
        frames.push(CapFrame {
            number: n,
            ts_sec: T0,
            ts_nsec: (n * 1_000_000) as u32,
            linktype: linktype::RAW,
            orig_len: data.len() as u32,
            data,
            ..Default::default()
        });
    };
    push(&mut frames, true, 999, 0, &[], 0);
    push(&mut frames, false, 4999, 1000, &[], 1);
    for (d, r) in records {
        let i = usize::from(*d);
        push(&mut frames, *d == 0, seq[i], seq[1 - i], r, 2);
        seq[i] = seq[i].wrapping_add(r.len() as u32);
    }
    frames
}

fn run(frames: &[CapFrame], cfg: Config) -> Vec<Packet> {
    let mut d = Dissector::new(cfg);
    frames.iter().cloned().map(|f| d.dissect(f)).collect()
}

fn decode_as() -> Config {
    Config { decode_as: vec![DecodeAs::parse("tcp.port==7000,mtatls").unwrap()], ..Config::default() }
}

#[test]
fn decode_as_mtatls_on_tcp_and_the_channels_tap() {
    let frames = tcp_frames(&session());
    // Without -d: plain data.
    let ps = run(&frames, Config::default());
    assert!(ps.iter().all(|p| p.find("mtatls.type").is_none()));
    let ps = run(&frames, decode_as());
    let types: Vec<u64> = ps.iter().flat_map(|p| uints(p, "mtatls.type")).collect();
    assert_eq!(types, vec![1, 2, 6, 6, 6, 6, 8, 6, 7, 6, 1, 3, 4, 5]);
    assert!(ps.iter().all(|p| !p.malformed));
    let mut tap = crate::stats::lookup("mtatls,channels").unwrap();
    for p in &ps {
        tap.packet(p);
    }
    let mut text = Vec::new();
    tap.write_text(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    insta::assert_snapshot!("channels_tap_text", text);
    let j = tap.to_json();
    let chans = &j["mtatls_channels"][0]["channels"];
    assert_eq!(chans[0]["channel_id"], "0x00010101");
    assert_eq!(chans[0]["opener"], "10.0.0.1:40000");
    assert_eq!(chans[0]["fate"], "closed");
    assert_eq!(chans[0]["initiator_to_responder"]["bytes"], 2660);
    assert_eq!(chans[0]["initiator_to_responder"]["stalls"], 1);
    assert_eq!(chans[0]["initiator_to_responder"]["window"], 2048);
    assert_eq!(chans[0]["initiator_to_responder"]["max_packet_length_now"], 512);
    assert_eq!(chans[0]["responder_to_initiator"]["window"], 4096);
    assert_eq!(chans[0]["responder_to_initiator"]["bytes"], 500);
    assert_eq!(chans[1]["fate"], "refused: no route");
    assert_eq!(chans[1]["destination"], "nowhere.example:1");
    assert!(crate::stats::lookup("mtatls,channels,x").is_err());
}

#[test]
fn second_pass_adds_response_in() {
    let frames = tcp_frames(&session());
    let mut d = Dissector::new(decode_as());
    for f in frames.iter().cloned() {
        d.dissect(f);
    }
    let mut d = d.second_pass();
    let ps: Vec<Packet> = frames.iter().cloned().map(|f| d.dissect(f)).collect();
    // Frames: 1-2 the handshake, then the records from 3: request 3 -> success 4, request 12
    // -> echec 13, close 14 -> confirmation 15.
    assert_eq!(uints(&ps[2], "mtatls.response_in"), vec![4]);
    assert_eq!(uints(&ps[11], "mtatls.response_in"), vec![13]);
    assert_eq!(uints(&ps[13], "mtatls.response_in"), vec![15]);
}

#[test]
fn follow_definition_names_the_channel_id() {
    let f = &FOLLOW[0];
    assert_eq!((f.key, f.layer, f.data, f.conversation), ("mtatls.channel_id", "mtatls", "mtatls.data", "tcp.stream"));
    // Every MTATLSPlaintext layer carries its channel id and data, at top level.
    let ps = run(&tcp_frames(&session()), decode_as());
    for p in &ps {
        for l in p.layers.iter().filter(|l| l.def.abbrev == "mtatls") {
            if l.find("mtatls.data").is_some() {
                assert_eq!(l.find("mtatls.channel_id").unwrap().value, Value::UInt(CH as u64));
            }
        }
    }
}

#[test]
fn the_glossary_lists_the_fields() {
    let names: Vec<&str> = fields().iter().map(|f| f.abbrev).collect();
    for n in [
        "mtatls.type",
        "mtatls.length",
        "mtatls.sender_channel_id",
        "mtatls.receiver_channel_id",
        "mtatls.channel_id",
        "mtatls.window",
        "mtatls.max_packet_length",
        "mtatls.free_space",
        "mtatls.src_addr",
        "mtatls.src_port",
        "mtatls.dst_addr",
        "mtatls.dst_port",
        "mtatls.error",
        "mtatls.data",
    ] {
        assert!(names.contains(&n), "{n}");
    }
}

// ---------------------------------------------------------------------------------------------
// M1: the extension type comes from the configuration.

#[test]
fn m1_extension_type_is_configurable() {
    use crate::proto::tls::{
        CipherSuite, ClientHello, ContentType, Extension, Handshake, ProtocolVersion, Record, ServerHello,
        TlsConversation,
    };
    let hellos = |ty: u16| -> Vec<(u8, Vec<u8>)> {
        let ch = Handshake::ClientHello(ClientHello {
            version: ProtocolVersion::TLS1_2,
            random: [1; 32],
            session_id: &[],
            cipher_suites: vec![CipherSuite(0xc02f)],
            compression_methods: &[0],
            extensions: Some(vec![Extension::DataMultiplexing { ty }]),
        });
        let sh = Handshake::ServerHello(ServerHello {
            version: ProtocolVersion::TLS1_2,
            random: [2; 32],
            session_id: &[],
            cipher_suite: CipherSuite(0xc02f),
            compression_method: 0,
            extensions: Some(vec![Extension::DataMultiplexing { ty }]),
        });
        [(0, ch), (1, sh)]
            .into_iter()
            .map(|(d, h)| {
                let body = h.to_bytes();
                let r =
                    Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_2, fragment: &body };
                (d, r.to_bytes())
            })
            .collect()
    };
    let negotiated = |cfg: &Config, records: &[(u8, Vec<u8>)]| {
        let mut st = State::default();
        let mut conv = TlsConversation::new();
        for (d, r) in records {
            let mut ctx = Ctx {
                tb: TreeBuilder::new(),
                cfg,
                st: &mut st,
                frame_number: 1,
                ts: (0, 0),
                addrs: Default::default(),
                depth: 0,
            };
            let info = PduInfo {
                stream: 0,
                dir: *d,
                src_port: if *d == 0 { 50_000 } else { 443 },
                dst_port: if *d == 0 { 443 } else { 50_000 },
                stream_offset: 0,
            };
            conv.dissect_record(&mut ctx, Tvb::new(r, 0, 0), &info);
        }
        conv.data_multiplexing()
    };
    let default = Config::default();
    assert_eq!(default.mtatls_ext_type, 0xff4d);
    assert!(negotiated(&default, &hellos(0xff4d)));
    assert!(!negotiated(&default, &hellos(0xfe01)));
    let custom = Config { mtatls_ext_type: 0xfe01, ..Config::default() };
    assert!(negotiated(&custom, &hellos(0xfe01)));
    assert!(!negotiated(&custom, &hellos(0xff4d)));
}
