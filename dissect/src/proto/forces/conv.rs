//! ForCES over SCTP: which TML channel a message came on and whether it belongs there (F1),
//! and request/response pairing by correlator (§6.1).
//!
//! RFC 5811 §4.2.1 maps three channels to three associations: HP on port 6704 with PPID 21
//! (priorities 4-7; association, config and query messages), MP on 6705 with PPID 22
//! (priority 3; event notifications), LP on 6706 with PPID 23 (priorities 1-2; packet
//! redirects and heartbeats). Older implementations use ports 6700-6702 for the same channels
//! and real ones send PPID 0 (F1). draft-hadi-forces-sctptml-00 §4.3 uses one association with
//! two streams: the first (stream 0) for configuration, the second (stream 1) for data path
//! redirects. A message's channel is read from its PPID (21-23), else its port (6700-6702,
//! 6704-6706), else (port 6703, the heuristic, `-d`) its stream under the draft's mapping.
//!
//! Pairing (§6.1: "for a particular Request message the FE MUST assign the same correlator
//! value in the corresponding Response message"): within one SCTP association, a request
//! (AssociationSetup, Query, Config unless NoACK, Heartbeat with AlwaysACK) waits for the
//! response type of §7.5-§7.7 (a NoACK Heartbeat for a heartbeat, §7.10) with its correlator
//! in the other direction. The response gets `forces.response_to` and `forces.time`, the
//! request `forces.response_in` in a two-pass run. The table of waiting requests is bounded.

use std::collections::{HashMap, VecDeque};

use super::dissect::{add_fields, finish, info, type_text};
use super::hf;
use super::wire::{Ack, Header, MessageType};
use crate::engine::{Ctx, SctpMessage};
use crate::tree::{Group, Severity, Span, Tvb, Value};

/// SCTP PPIDs of the RFC 5811 channels (§4.2.1): HP, MP, LP.
pub const PPID_HP: u32 = 21;
pub const PPID_MP: u32 = 22;
pub const PPID_LP: u32 = 23;
/// SCTP ports of the RFC 5811 channels (§4.2.1, §6).
pub const PORT_HP: u16 = 6704;
pub const PORT_MP: u16 = 6705;
pub const PORT_LP: u16 = 6706;
/// Ports older implementations use for the same three channels (F1).
pub const OLD_PORT_HP: u16 = 6700;
pub const OLD_PORT_MP: u16 = 6701;
pub const OLD_PORT_LP: u16 = 6702;
/// Every port ForCES is dissected on (F1); 6703 carries no RFC 5811 channel and is read with
/// the draft's two-stream mapping.
pub const PORTS: &[u16] = &[6700, 6701, 6702, 6703, 6704, 6705, 6706];
pub const PPIDS: &[u32] = &[PPID_HP, PPID_MP, PPID_LP];

/// Requests waiting for a response, at most; past this the oldest is forgotten.
pub const MAX_OUTSTANDING: usize = 4096;

/// The TML channel of a message (F1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// RFC 5811 higher-priority channel.
    Hp,
    /// RFC 5811 medium-priority channel.
    Mp,
    /// RFC 5811 lower-priority channel.
    Lp,
    /// The draft's first stream (configuration).
    DraftHigh,
    /// The draft's second stream (redirects).
    DraftLow,
    /// A stream past the draft's two.
    DraftOther,
}

impl Channel {
    pub fn name(self) -> &'static str {
        match self {
            Channel::Hp => "HP",
            Channel::Mp => "MP",
            Channel::Lp => "LP",
            Channel::DraftHigh => "high (stream 0)",
            Channel::DraftLow => "low (stream 1)",
            Channel::DraftOther => "other stream",
        }
    }
    pub fn is_rfc5811(self) -> bool {
        matches!(self, Channel::Hp | Channel::Mp | Channel::Lp)
    }
    /// The PPID RFC 5811 assigns to the channel.
    pub fn ppid(self) -> Option<u32> {
        match self {
            Channel::Hp => Some(PPID_HP),
            Channel::Mp => Some(PPID_MP),
            Channel::Lp => Some(PPID_LP),
            _ => None,
        }
    }
    /// The message types the channel carries (RFC 5811 §4.2.1.2-§4.2.1.4; the draft §4.3:
    /// redirects on the second stream, the rest on the first).
    pub fn carries(self, t: MessageType) -> bool {
        use MessageType as M;
        match self {
            Channel::Hp => matches!(
                t,
                M::ASSOCIATION_SETUP
                    | M::ASSOCIATION_SETUP_RESPONSE
                    | M::ASSOCIATION_TEARDOWN
                    | M::CONFIG
                    | M::CONFIG_RESPONSE
                    | M::QUERY
                    | M::QUERY_RESPONSE
            ),
            Channel::Mp => t == M::EVENT_NOTIFICATION,
            Channel::Lp => matches!(t, M::PACKET_REDIRECT | M::HEARTBEAT),
            Channel::DraftHigh => t != M::PACKET_REDIRECT,
            Channel::DraftLow => t == M::PACKET_REDIRECT,
            Channel::DraftOther => false,
        }
    }
    /// The PL priorities the channel carries (RFC 5811 §4.2.1.2-§4.2.1.4; the draft sets none).
    pub fn priorities(self) -> Option<std::ops::RangeInclusive<u8>> {
        match self {
            Channel::Hp => Some(4..=7),
            Channel::Mp => Some(3..=3),
            Channel::Lp => Some(1..=2),
            _ => None,
        }
    }
    fn section(self) -> &'static str {
        match self {
            Channel::Hp => "RFC 5811 §4.2.1.2",
            Channel::Mp => "RFC 5811 §4.2.1.3",
            Channel::Lp => "RFC 5811 §4.2.1.4",
            _ => "draft-hadi-forces-sctptml-00 §4.3",
        }
    }
}

fn port_channel(p: u16) -> Option<Channel> {
    match p {
        PORT_HP | OLD_PORT_HP => Some(Channel::Hp),
        PORT_MP | OLD_PORT_MP => Some(Channel::Mp),
        PORT_LP | OLD_PORT_LP => Some(Channel::Lp),
        _ => None,
    }
}

fn ppid_channel(p: u32) -> Option<Channel> {
    match p {
        PPID_HP => Some(Channel::Hp),
        PPID_MP => Some(Channel::Mp),
        PPID_LP => Some(Channel::Lp),
        _ => None,
    }
}

/// The channel of a message: by PPID, then port, then the draft's stream mapping (F1).
pub fn channel_of(m: &SctpMessage) -> Channel {
    if let Some(c) = ppid_channel(m.ppid) {
        return c;
    }
    if let Some(c) = port_channel(m.dst_port).or_else(|| port_channel(m.src_port)) {
        return c;
    }
    match m.stream {
        0 => Channel::DraftHigh,
        1 => Channel::DraftLow,
        _ => Channel::DraftOther,
    }
}

/// A request waiting for its response.
#[derive(Debug, Clone, Copy)]
struct Request {
    frame: u64,
    occurrence: u32,
    ts: (i64, u32),
    dir: u8,
    pri: u8,
    src: u32,
    dst: u32,
    msg_type: MessageType,
}

type Key = (u32, u64, u8);

/// Per-capture ForCES state: the requests waiting for a response.
#[derive(Debug, Default)]
pub struct ForcesState {
    outstanding: HashMap<Key, Request>,
    order: VecDeque<Key>,
    /// Requests forgotten because the table was full.
    pub evicted: u64,
}

impl ForcesState {
    /// Requests waiting now.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    fn insert(&mut self, k: Key, r: Request) -> bool {
        let mut full = false;
        if !self.outstanding.contains_key(&k) {
            while self.outstanding.len() >= MAX_OUTSTANDING {
                full = true;
                match self.order.pop_front() {
                    Some(old) => {
                        if self.outstanding.remove(&old).is_some() {
                            self.evicted += 1;
                        }
                    }
                    None => {
                        self.outstanding.clear();
                    }
                }
            }
            self.order.push_back(k);
            if self.order.len() > 4 * MAX_OUTSTANDING {
                let live = &self.outstanding;
                self.order.retain(|x| live.contains_key(x));
            }
        }
        self.outstanding.insert(k, r);
        full
    }
}

/// Whether a message asks for a response, and which type (§6.1 ACK flag, §7.5-§7.10).
fn expects(h: &Header) -> Option<MessageType> {
    match h.msg_type {
        MessageType::ASSOCIATION_SETUP | MessageType::QUERY => h.msg_type.response(),
        MessageType::CONFIG if h.flags.ack() != Ack::NO_ACK => h.msg_type.response(),
        MessageType::HEARTBEAT if h.flags.ack() == Ack::ALWAYS_ACK => h.msg_type.response(),
        _ => None,
    }
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = an - bn;
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

/// Dissect one SCTP user message as a ForCES message (registered in `engine::SCTP_PROTOCOLS`).
pub(crate) fn dissect_sctp(ctx: &mut Ctx, m: &SctpMessage, tvb: Tvb) {
    let first_in_packet = !ctx.tb.protocols().contains(&"forces");
    ctx.tb.set_protocol_column("ForCES");
    ctx.tb.open_proto(&hf::FORCES, tvb.all(), None);
    let occurrence = ctx.tb.layer_count("forces").saturating_sub(1);
    let (h, mal) = add_fields(tvb, &mut ctx.tb);
    let chan = channel_of(m);
    ctx.tb.add_generated(&hf::CHANNEL, Span::EMPTY, Value::Str(chan.name().to_string()));
    let tml = if chan.is_rfc5811() { "RFC 5811" } else { "draft-hadi-forces-sctptml-00" };
    ctx.tb.add_generated(&hf::TML, Span::EMPTY, Value::Str(tml.to_string()));
    let line = match &h {
        Some(h) => {
            check_channel(ctx, m, chan, h, tvb);
            pair(ctx, m, h, tvb, occurrence);
            info(h)
        }
        None => "ForCES (malformed)".to_string(),
    };
    if first_in_packet {
        ctx.tb.set_info(line);
    } else {
        ctx.tb.append_info(&line);
    }
    finish(&mut ctx.tb, mal);
}

fn check_channel(ctx: &mut Ctx, m: &SctpMessage, chan: Channel, h: &Header, tvb: Tvb) {
    let tb = &mut ctx.tb;
    let type_span = tvb.span(1, 2);
    let flags_span = tvb.span(20, 24);
    if chan.is_rfc5811() {
        let by_port = port_channel(m.dst_port).or_else(|| port_channel(m.src_port));
        if m.ppid == 0 {
            tb.expert(
                Severity::Chat,
                Group::Protocol,
                format!(
                    "PPID 0 on the {} channel: RFC 5811 §4.2.1 assigns {}; implementations send 0 (F1)",
                    chan.name(),
                    chan.ppid().unwrap_or(0)
                ),
                Span::EMPTY,
            );
        } else if chan.ppid() != Some(m.ppid) || by_port.is_some_and(|p| p != chan) {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "PPID {} and port {} name different channels (RFC 5811 §4.2.1: HP 6704/21, MP 6705/22, \
                     LP 6706/23; the message MUST be dropped)",
                    m.ppid,
                    if port_channel(m.dst_port).is_some() { m.dst_port } else { m.src_port }
                ),
                Span::EMPTY,
            );
        }
    }
    if !chan.carries(h.msg_type) && h.msg_type.name().is_some() {
        let msg = if chan.is_rfc5811() {
            format!("{} on the {} channel ({}: it MUST be dropped)", type_text(h.msg_type), chan.name(), chan.section())
        } else {
            format!(
                "{} on the draft mapping's {} ({}: stream 0 carries configuration, stream 1 redirects) (F1)",
                type_text(h.msg_type),
                chan.name(),
                chan.section()
            )
        };
        tb.expert(Severity::Warning, Group::Protocol, msg, type_span);
    }
    if let Some(r) = chan.priorities() {
        let p = h.flags.pri();
        if !r.contains(&p) {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "Priority {p} on the {} channel, which carries priorities {}-{} ({}: it MUST be dropped) (F1)",
                    chan.name(),
                    r.start(),
                    r.end(),
                    chan.section()
                ),
                flags_span,
            );
        }
    }
}

fn pair(ctx: &mut Ctx, m: &SctpMessage, h: &Header, tvb: Tvb, occurrence: u32) {
    let now = ctx.frame_number;
    let corr_span = tvb.span(12, 20);
    if let Some(resp) = expects(h) {
        let key = (m.assoc, h.correlator, resp.0);
        let r = Request {
            frame: now,
            occurrence,
            ts: ctx.ts,
            dir: m.dir,
            pri: h.flags.pri(),
            src: h.src,
            dst: h.dst,
            msg_type: h.msg_type,
        };
        if ctx.st.forces.insert(key, r) {
            ctx.tb.expert(
                Severity::Note,
                Group::Sequence,
                format!("Table of requests awaiting a response is full ({MAX_OUTSTANDING}): the oldest is forgotten"),
                corr_span,
            );
        }
        return;
    }
    let is_hb_reply = h.msg_type == MessageType::HEARTBEAT;
    if !h.msg_type.is_response() && !is_hb_reply {
        return;
    }
    let key = (m.assoc, h.correlator, h.msg_type.0);
    let hit = ctx.st.forces.outstanding.get(&key).copied().filter(|r| r.dir != m.dir);
    let Some(req) = hit else {
        if !is_hb_reply {
            ctx.tb.expert(
                Severity::Note,
                Group::Sequence,
                format!("{} with correlator 0x{:x}: no request seen", type_text(h.msg_type), h.correlator),
                corr_span,
            );
        }
        return;
    };
    ctx.st.forces.outstanding.remove(&key);
    crate::engine::note_later(ctx, req.frame, "forces", req.occurrence, &hf::RESPONSE_IN, Value::UInt(now));
    let dt = time_sub(ctx.ts, req.ts);
    ctx.tb.add_generated(&hf::RESPONSE_TO, Span::EMPTY, Value::UInt(req.frame));
    ctx.tb.add_generated(&hf::TIME, Span::EMPTY, Value::Time { secs: dt.0, nanos: dt.1 });
    if req.pri != h.flags.pri() {
        ctx.tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!(
                "Response priority {} differs from the request's {} in frame {} (RFC 5811 §4.2.1.2: a response \
                 MUST contain the same priority as the request)",
                h.flags.pri(),
                req.pri,
                req.frame
            ),
            tvb.span(20, 24),
        );
    }
    if req.msg_type == MessageType::HEARTBEAT && (h.src != req.dst || h.dst != req.src) {
        ctx.tb.expert(
            Severity::Warning,
            Group::Protocol,
            "Heartbeat reply does not swap the request's source and destination IDs (§7.10)",
            tvb.span(4, 12),
        );
    }
}
