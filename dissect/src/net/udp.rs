//! UDP (RFC 768), with tshark's conversation index `udp.stream`.
//!
//! ```text
//!  0      7 8     15 16    23 24    31
//! +--------+--------+--------+--------+
//! |     Source      |   Destination   |
//! |      Port       |      Port       |
//! +--------+--------+--------+--------+
//! |     Length      |    Checksum     |
//! +--------+--------+--------+--------+
//! ```
//!
//! The checksum covers a pseudo-header (RFC 768; for IPv6 RFC 8200 §8.1, where a zero checksum
//! is not allowed). Port 9899 on either side carries SCTP (RFC 6951 §5); everything else goes to
//! [`crate::engine::app_udp`].

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use crate::engine::{app_udp, data_layer, Ctx, UdpPayload, MAX_DEPTH};
use crate::net::checksum;
use crate::tree::{Base, FieldDef, FieldType, Group, Severity, Tvb, Value};

/// The SCTP-over-UDP encapsulation port (RFC 6951 §5.1, IANA "sctp-tunneling").
pub const SCTP_TUNNELING_PORT: u16 = 9899;

/// Field definitions (tshark's names).
pub mod hf {
    use super::*;
    pub static UDP: FieldDef = FieldDef::proto("udp", "User Datagram Protocol");
    pub static SRCPORT: FieldDef = FieldDef::new("udp.srcport", "Source Port", FieldType::U16, Base::Dec);
    pub static DSTPORT: FieldDef = FieldDef::new("udp.dstport", "Destination Port", FieldType::U16, Base::Dec);
    pub static PORT: FieldDef = FieldDef::new("udp.port", "Source or Destination Port", FieldType::U16, Base::Dec);
    pub static LENGTH: FieldDef = FieldDef::new("udp.length", "Length", FieldType::U16, Base::Dec);
    pub static CHECKSUM: FieldDef = FieldDef::new("udp.checksum", "Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_CALC: FieldDef =
        FieldDef::new("udp.checksum_calculated", "Calculated Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_STATUS: FieldDef =
        FieldDef::new("udp.checksum.status", "Checksum Status", FieldType::U8, Base::None)
            .strings(checksum::STATUS_STRINGS);
    pub static STREAM: FieldDef = FieldDef::new("udp.stream", "Stream index", FieldType::U32, Base::Dec);
    pub static TIME_RELATIVE: FieldDef =
        FieldDef::new("udp.time_relative", "Time since first frame", FieldType::RelTime, Base::None);
    pub static TIME_DELTA: FieldDef =
        FieldDef::new("udp.time_delta", "Time since previous frame", FieldType::RelTime, Base::None);
    pub static PAYLOAD: FieldDef = FieldDef::new("udp.payload", "Payload", FieldType::Bytes, Base::None);
    pub static ALL: &[&FieldDef] = &[
        &UDP,
        &SRCPORT,
        &DSTPORT,
        &PORT,
        &LENGTH,
        &CHECKSUM,
        &CHECKSUM_CALC,
        &CHECKSUM_STATUS,
        &STREAM,
        &TIME_RELATIVE,
        &TIME_DELTA,
        &PAYLOAD,
    ];
}

pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

/// A conversation's key: both endpoints, in a fixed order so both directions match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ConvKey {
    a: (Option<IpAddr>, u16),
    b: (Option<IpAddr>, u16),
}

impl ConvKey {
    pub(crate) fn new(src: Option<IpAddr>, sp: u16, dst: Option<IpAddr>, dp: u16) -> (Self, bool) {
        let x = (src, sp);
        let y = (dst, dp);
        if x <= y {
            (ConvKey { a: x, b: y }, false)
        } else {
            (ConvKey { a: y, b: x }, true)
        }
    }
}

struct Conv {
    stream: u32,
    first_ts: (i64, u32),
    last_ts: (i64, u32),
    tick: u64,
}

/// UDP conversations, numbered in order of first appearance like tshark's `udp.stream`.
#[derive(Default)]
pub struct UdpState {
    convs: HashMap<ConvKey, Conv>,
    lru: BTreeMap<u64, ConvKey>,
    tick: u64,
    next_stream: u32,
}

impl UdpState {
    /// Number of conversations tracked.
    pub fn len(&self) -> usize {
        self.convs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.convs.is_empty()
    }

    /// The stream index and the (relative, delta) times for a datagram; `evicted` when an old
    /// conversation had to go.
    fn touch(&mut self, key: ConvKey, ts: (i64, u32), max: usize) -> (u32, (i64, u32), (i64, u32), bool) {
        self.tick += 1;
        let tick = self.tick;
        let mut evicted = false;
        if let Some(c) = self.convs.get_mut(&key) {
            self.lru.remove(&c.tick);
            c.tick = tick;
            self.lru.insert(tick, key);
            let rel = time_sub(ts, c.first_ts);
            let delta = time_sub(ts, c.last_ts);
            c.last_ts = ts;
            return (c.stream, rel, delta, false);
        }
        while self.convs.len() >= max.max(1) {
            let Some((&t, &k)) = self.lru.iter().next() else { break };
            self.lru.remove(&t);
            self.convs.remove(&k);
            evicted = true;
        }
        let stream = self.next_stream;
        self.next_stream = self.next_stream.wrapping_add(1);
        self.convs.insert(key, Conv { stream, first_ts: ts, last_ts: ts, tick });
        self.lru.insert(tick, key);
        (stream, (0, 0), (0, 0), evicted)
    }

    /// [`Self::touch`] without updating an existing conversation's times.
    fn find_or_create(&mut self, key: ConvKey, ts: (i64, u32), max: usize) -> (u32, (i64, u32), (i64, u32), bool) {
        match self.convs.get(&key) {
            Some(c) => (c.stream, (0, 0), (0, 0), false),
            None => self.touch(key, ts, max),
        }
    }
}

/// `a - b` as (seconds, nanoseconds), clamped at zero for time going backwards.
pub(crate) fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = i128::from(a.0) * 1_000_000_000 + i128::from(a.1);
    let bn = i128::from(b.0) * 1_000_000_000 + i128::from(b.1);
    let d = (an - bn).max(0);
    ((d / 1_000_000_000) as i64, (d % 1_000_000_000) as u32)
}

fn be16(d: &[u8], o: usize) -> u16 {
    match (d.get(o), d.get(o + 1)) {
        (Some(&a), Some(&b)) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

/// A UDP header quoted in an ICMP error and cut short: the fields that are there, as tshark
/// shows them (no layer below 4 bytes, no error).
fn quoted_prefix(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    if d.len() < 4 {
        ctx.tb.push_protocol_name("udp");
        return;
    }
    let (sp, dp) = (be16(d, 0), be16(d, 2));
    let tb = &mut ctx.tb;
    tb.open_proto(&hf::UDP, tvb.all(), Some(format!("User Datagram Protocol, Src Port: {sp}, Dst Port: {dp}")));
    tb.add_uint(&hf::SRCPORT, tvb.span(0, 2), u64::from(sp));
    tb.add_uint(&hf::DSTPORT, tvb.span(2, 4), u64::from(dp));
    tb.add_hidden(&hf::PORT, tvb.span(0, 2), Value::UInt(u64::from(sp)));
    tb.add_hidden(&hf::PORT, tvb.span(2, 4), Value::UInt(u64::from(dp)));
    if d.len() >= 6 {
        tb.add_uint(&hf::LENGTH, tvb.span(4, 6), u64::from(be16(d, 4)));
    }
}

/// Dissect a UDP datagram (the IP payload).
pub fn dissect(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    if d.len() < 8 && ctx.st.icmp.in_error() {
        quoted_prefix(ctx, tvb);
        return;
    }
    ctx.tb.open_proto(&hf::UDP, tvb.span(0, 8), Some("User Datagram Protocol".into()));
    ctx.tb.set_protocol_column("UDP");
    if d.len() < 8 {
        ctx.tb.malformed(format!("UDP header needs 8 bytes, {} captured", d.len()), tvb.all());
        return;
    }
    let sp = be16(d, 0);
    let dp = be16(d, 2);
    let len = usize::from(be16(d, 4));
    let sum = be16(d, 6);
    let tb = &mut ctx.tb;
    tb.set_label(format!("User Datagram Protocol, Src Port: {sp}, Dst Port: {dp}"));
    tb.add_uint(&hf::SRCPORT, tvb.span(0, 2), u64::from(sp));
    tb.add_uint(&hf::DSTPORT, tvb.span(2, 4), u64::from(dp));
    tb.add_hidden(&hf::PORT, tvb.span(0, 2), Value::UInt(u64::from(sp)));
    tb.add_hidden(&hf::PORT, tvb.span(2, 4), Value::UInt(u64::from(dp)));
    tb.add_uint(&hf::LENGTH, tvb.span(4, 6), len as u64);
    ctx.addrs.src_port = sp;
    ctx.addrs.dst_port = dp;
    let end = if len < 8 {
        ctx.tb.expert(
            Severity::Error,
            Group::Malformed,
            format!("Bad length value {len} < 8 (RFC 768)"),
            tvb.span(4, 6),
        );
        if ctx.st.icmp.in_error() {
            // tshark stops at a bogus length (no checksum, no stream index).
            return;
        }
        d.len()
    } else if len > d.len() {
        ctx.tb.expert(
            Severity::Error,
            Group::Malformed,
            format!("Bad length value {len} > IP payload length {}", d.len()),
            tvb.span(4, 6),
        );
        d.len()
    } else {
        len
    };
    // Checksum (RFC 768; RFC 8200 §8.1).
    let csp = tvb.span(6, 8);
    let v6 = matches!(ctx.addrs.src, Some(IpAddr::V6(_)));
    let tb = &mut ctx.tb;
    if sum == 0 && !v6 {
        tb.add_label(&hf::CHECKSUM, csp, Value::UInt(0), "Checksum: 0x0000 [zero-value ignored]".into());
        tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_NOT_PRESENT));
    } else if sum == 0 {
        tb.add_label(&hf::CHECKSUM, csp, Value::UInt(0), "Checksum: 0x0000 [illegal]".into());
        tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(4));
        tb.expert(Severity::Error, Group::Checksum, "Illegal checksum value (0) over IPv6 (RFC 8200 §8.1)", csp);
    } else {
        let verified = match (ctx.cfg.check_checksums, ctx.addrs.src, ctx.addrs.dst) {
            (true, Some(s), Some(t)) if len >= 8 && len <= d.len() => {
                checksum::pseudo_header_checksum(s, t, 17, &d[..len])
            }
            _ => None,
        };
        match verified {
            Some(0) => {
                tb.add_label(
                    &hf::CHECKSUM,
                    csp,
                    Value::UInt(u64::from(sum)),
                    format!("Checksum: 0x{sum:04x} [correct]"),
                );
                tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(sum)));
                tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_GOOD));
            }
            Some(r) => {
                let should = checksum::should_be(sum, r);
                tb.add_label(
                    &hf::CHECKSUM,
                    csp,
                    Value::UInt(u64::from(sum)),
                    format!("Checksum: 0x{sum:04x} incorrect, should be 0x{should:04x}"),
                );
                tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(should)));
                tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_BAD));
                tb.expert(Severity::Warning, Group::Checksum, format!("Bad checksum [should be 0x{should:04x}]"), csp);
            }
            None => {
                tb.add_label(
                    &hf::CHECKSUM,
                    csp,
                    Value::UInt(u64::from(sum)),
                    format!("Checksum: 0x{sum:04x} [unverified]"),
                );
                tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_UNVERIFIED));
            }
        }
    }
    let (key, _) = ConvKey::new(ctx.addrs.src, sp, ctx.addrs.dst, dp);
    // A header quoted in an ICMP error takes a stream index like tshark's (a new conversation
    // if none matches) but shows no times and leaves the conversation's times alone.
    let inner = ctx.st.icmp.in_error();
    let (stream, rel, delta, evicted) = if inner {
        ctx.st.udp.find_or_create(key, ctx.ts, ctx.cfg.max_flows)
    } else {
        ctx.st.udp.touch(key, ctx.ts, ctx.cfg.max_flows)
    };
    let tb = &mut ctx.tb;
    tb.add_generated(&hf::STREAM, tvb.span(0, 0), Value::UInt(u64::from(stream)));
    if evicted {
        tb.expert(
            Severity::Note,
            Group::Sequence,
            "UDP conversation table full: the least recently used conversation was dropped",
            tvb.span(0, 8),
        );
    }
    if !inner {
        tb.add_generated(&hf::TIME_RELATIVE, tvb.span(0, 0), Value::Time { secs: rel.0, nanos: rel.1 });
        tb.add_generated(&hf::TIME_DELTA, tvb.span(0, 0), Value::Time { secs: delta.0, nanos: delta.1 });
    }
    let payload = tvb.sub(8, end);
    if !payload.is_empty() {
        tb.add_label(
            &hf::PAYLOAD,
            payload.all(),
            Value::Bytes(payload.data.to_vec()),
            format!("UDP payload ({} bytes)", payload.len()),
        );
    }
    tb.set_info(format!("{sp} → {dp} Len={}", payload.len()));
    if sp == SCTP_TUNNELING_PORT || dp == SCTP_TUNNELING_PORT {
        if ctx.depth >= MAX_DEPTH {
            ctx.tb.expert(
                Severity::Warning,
                Group::Malformed,
                format!("Encapsulation nested deeper than {MAX_DEPTH} levels"),
                payload.all(),
            );
            data_layer(ctx, payload);
            return;
        }
        ctx.depth += 1;
        crate::proto::sctp::dissect(ctx, payload);
        ctx.depth -= 1;
        return;
    }
    app_udp(ctx, &UdpPayload { stream, src_port: sp, dst_port: dp }, payload);
}
