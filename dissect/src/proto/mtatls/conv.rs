//! Channel state of one MTA-TLS session: establishment and close pairing with response times
//! (§2.1.1, §2.1.2), channel ids (M3), both windows and max packet lengths of every channel
//! (§2.2, M4), and the expert infos for every rule a packet breaks given what came before it.
//!
//! Directions are the TCP directions of the connection (0: the direction of the first segment
//! seen). For each channel and each direction d, `window[d]` is how many bytes the endpoint
//! sending in direction d may still send, and `max_packet[d]` the largest packet it may send:
//! - a ChannelEstablishmentRequest sent in direction r gives the other direction's window and max
//!   (`sender_window_length` is what the receiver of the request may send, §2.1.1); the
//!   ChannelEstablishmentSuccess gives direction r's;
//! - an MTATLSPlaintext sent in direction d takes its data bytes (what the receiver's buffer
//!   holds) from `window[d]` (M4); more than the window, or more than `max_packet[d]`, is flagged;
//!   a window that reaches 0 is a stall until an Acknowledgment reopens it;
//! - an Acknowledgment sent in direction d sets the other direction's window to its
//!   `free_space`; a NewMaxPacketLength sent in direction d sets the other direction's max;
//!   both, and the close packets, may be sent with no window left (§2.1.2, §2.2).
//!
//! Everything here is bounded: at most [`MAX_CHANNELS`] channels, [`MAX_HISTORY`] finished or
//! replaced ones, [`MAX_PENDING`] unanswered requests and [`MAX_PAIRS`] request/answer pairs are
//! kept; address labels are cut to [`MAX_LABEL`] bytes.

use std::collections::BTreeMap;

use super::dissect::{add_fields, cid, info, layer_label, type_name};
use super::hf;
use super::wire::{
    could_start, escape, parse_as, plaintext_reading, Address, Body, Message, MsgType, Reading, PLAINTEXT_HEADER_LEN,
};
use crate::engine::Ctx;
use crate::stream::{PduInfo, PduLen, StreamProtocol};
use crate::tree::{FieldDef, Group, Node, Severity, Span, Tvb, Value};

/// Channels tracked per connection; past this, finished ones make room, and when none can, later
/// new channels go untracked (and their packets are not checked).
pub const MAX_CHANNELS: usize = 1024;
/// Finished or replaced channel records kept per connection.
pub const MAX_HISTORY: usize = 256;
/// Unanswered ChannelEstablishmentRequests kept per connection.
pub const MAX_PENDING: usize = 256;
/// Request/answer pairs recorded per connection.
pub const MAX_PAIRS: usize = 4096;
/// Bytes of an address or error text kept in the channel table.
pub const MAX_LABEL: usize = 128;
/// Largest MTATLSPlaintext length that counts as plausible when resynchronising.
pub const MAX_PLAUSIBLE_PLAINTEXT: u64 = 1 << 24;

/// Where a channel is in its life cycle (§2.1.1, §2.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelState {
    /// Established (or first seen carrying packets, when the capture missed its opening).
    Open,
    /// A ChannelCloseRequest was sent in this direction, in this frame; no confirmation yet.
    Closing { dir: u8, frame: u64 },
    /// The ChannelCloseConfirmation was seen.
    Closed,
}

/// One channel of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// `sender_channel_id ‖ receiver_channel_id` (M3).
    pub id: u32,
    /// TCP direction of the ChannelEstablishmentRequest, when it was seen.
    pub initiator: Option<u8>,
    /// The request's source and destination (`address:port`, M6), when it was seen.
    pub src: String,
    pub dst: String,
    pub state: ChannelState,
    pub request_frame: Option<u64>,
    pub open_frame: Option<u64>,
    pub open_ts: Option<(i64, u32)>,
    pub close_request_frame: Option<u64>,
    pub close_frame: Option<u64>,
    pub close_ts: Option<(i64, u32)>,
    /// Bytes the endpoint sending in each TCP direction may still send (M4), when known.
    pub window: [Option<u64>; 2],
    /// The windows the establishment gave, per sending direction.
    pub initial_window: [Option<u32>; 2],
    /// Largest packet the endpoint sending in each direction may send, when known.
    pub max_packet: [Option<u32>; 2],
    /// MTATLSPlaintext packets and data bytes per sending direction.
    pub packets: [u64; 2],
    pub bytes: [u64; 2],
    /// Times the window of each sending direction reached 0.
    pub stalls: [u64; 2],
    /// Packets beyond the window, and beyond the max packet length, per sending direction.
    pub window_overruns: [u64; 2],
    pub max_overruns: [u64; 2],
}

impl Channel {
    fn new(id: u32, state: ChannelState) -> Self {
        Channel {
            id,
            initiator: None,
            src: String::new(),
            dst: String::new(),
            state,
            request_frame: None,
            open_frame: None,
            open_ts: None,
            close_request_frame: None,
            close_frame: None,
            close_ts: None,
            window: [None; 2],
            initial_window: [None; 2],
            max_packet: [None; 2],
            packets: [0; 2],
            bytes: [0; 2],
            stalls: [0; 2],
            window_overruns: [0; 2],
            max_overruns: [0; 2],
        }
    }

    fn is_live(&self) -> bool {
        !matches!(self.state, ChannelState::Closed)
    }
}

/// A ChannelEstablishmentRequest waiting for its answer.
#[derive(Debug, Clone)]
struct PendingOpen {
    dir: u8,
    sender_channel_id: u16,
    frame: u64,
    ts: (i64, u32),
    occurrence: u32,
    window: u32,
    max_packet_length: u32,
    src: String,
    dst: String,
}

/// What a request was answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// ChannelEstablishmentSuccess.
    Opened,
    /// ChannelRequestEchec.
    Refused,
    /// ChannelCloseConfirmation.
    Closed,
}

/// A request matched with its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub request_frame: u64,
    pub answer_frame: u64,
    pub answer: Answer,
    /// Time from the request to the answer.
    pub time: (i64, u32),
}

/// A refused channel: the request and the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub sender_channel_id: u16,
    pub dir: u8,
    pub dst: String,
    pub request_frame: u64,
    pub echec_frame: u64,
    pub error: String,
}

/// State of one MTA-TLS session; the [`StreamProtocol`] the TLS layer drives with the decrypted
/// application stream when `data_multiplexing` was negotiated (M1), or the TCP layer with
/// `-d tcp.port==N,mtatls`.
#[derive(Debug, Default)]
pub struct MtatlsConversation {
    channels: BTreeMap<u32, Channel>,
    history: Vec<Channel>,
    pending: Vec<PendingOpen>,
    pairs: Vec<Pair>,
    refusals: Vec<Refusal>,
    table_full: bool,
    /// Close requests awaiting confirmation: channel id to (frame, time, layer occurrence).
    close_requests: BTreeMap<u32, (u64, (i64, u32), u32)>,
    /// The reading of MTATLSPlaintext lengths this session showed (M2), once one other than
    /// the suite's was seen.
    plaintext_hint: Option<Reading>,
    /// Channels reported as unknown (first seen mid-session), so they are reported once.
    unknown_reported: Vec<u32>,
}

/// A boxed new conversation, for the TLS layer's [`crate::proto::tls::AppChooser`] and
/// [`crate::engine::TcpProtocol::new`].
pub fn new_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(MtatlsConversation::new())
}

/// What the conversation adds to one packet's layer.
#[derive(Default)]
struct Analysis {
    generated: Vec<Node>,
    experts: Vec<(Severity, Group, String, Span)>,
    /// Answers to note in their request's layer on a second pass: (frame, occurrence).
    response_in: Option<(u64, u32)>,
}

impl Analysis {
    fn expert(&mut self, sev: Severity, group: Group, msg: String, span: Span) {
        self.experts.push((sev, group, msg, span));
    }
    fn generated(&mut self, def: &'static FieldDef, value: Value) {
        let mut n = Node::new(def, Span::EMPTY, value);
        n.generated = true;
        self.generated.push(n);
    }
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = an - bn;
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

fn endpoint(addr: &[u8], port: u16) -> String {
    let a = Address::read(addr.get(..MAX_LABEL).unwrap_or(addr)).text();
    if a.contains(':') {
        format!("[{a}]:{port}")
    } else {
        format!("{a}:{port}")
    }
}

/// The reading an MTATLSPlaintext of length `l` has when it takes `total` bytes (M2).
fn reading_of_total(l: u32, total: usize) -> Reading {
    let (l, t) = (u64::from(l), total as u64);
    let h = PLAINTEXT_HEADER_LEN as u64;
    if t == h + l {
        Reading::AfterLength
    } else if t == l {
        Reading::WholePacket
    } else {
        Reading::DataOnly
    }
}

impl MtatlsConversation {
    pub fn new() -> Self {
        Self::default()
    }

    /// The channel table: every channel currently known, by id.
    pub fn channels(&self) -> &BTreeMap<u32, Channel> {
        &self.channels
    }

    /// Channel records replaced by a later channel of the same id, or evicted (oldest first).
    pub fn history(&self) -> &[Channel] {
        &self.history
    }

    /// Every request matched with its answer so far (at most [`MAX_PAIRS`]), in answer order.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// Requests answered with ChannelRequestEchec.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// The reading of MTATLSPlaintext lengths the session showed, if not the suite's (M2).
    pub fn plaintext_hint(&self) -> Option<Reading> {
        self.plaintext_hint
    }

    /// Dissect one complete packet (`tvb` is exactly the packet) sent in TCP direction `dir`.
    pub fn dissect_message(&mut self, ctx: &mut Ctx, tvb: Tvb<'_>, dir: u8) {
        let first_in_packet = !ctx.tb.protocols().contains(&"mtatls");
        ctx.tb.set_protocol_column("MTA-TLS");
        let reading = match tvb.data.first() {
            Some(&t) if MsgType(t) == MsgType::MTATLS_PLAINTEXT => match tvb.data.get(1..5) {
                Some(l) => reading_of_total(u32::from_be_bytes([l[0], l[1], l[2], l[3]]), tvb.len()),
                None => Reading::AfterLength,
            },
            _ => Reading::AfterLength,
        };
        let msg = match parse_as(tvb.data, reading) {
            Ok((m, _)) => m,
            Err(e) => {
                ctx.tb.open_proto(&hf::MTATLS, tvb.all(), None);
                if first_in_packet {
                    ctx.tb.set_info("MTA-TLS (malformed)");
                } else {
                    ctx.tb.append_info("MTA-TLS (malformed)");
                }
                let span = tvb.span(e.offset(), tvb.len());
                ctx.tb.malformed(format!("MTA-TLS packet: {e}"), span);
                return;
            }
        };
        ctx.tb.open_proto(&hf::MTATLS, tvb.all(), Some(layer_label(&msg)));
        let occurrence = ctx.tb.layer_count("mtatls").saturating_sub(1);
        let a = self.analyse(&msg, tvb, dir & 1, ctx.frame_number, ctx.ts, occurrence);
        add_fields(&msg, tvb, &mut ctx.tb);
        for n in a.generated {
            ctx.tb.add_node(n);
        }
        for (sev, group, m, span) in a.experts {
            ctx.tb.expert(sev, group, m, span);
        }
        if let Some((frame, occ)) = a.response_in {
            crate::engine::note_later(ctx, frame, "mtatls", occ, &hf::RESPONSE_IN, Value::UInt(ctx.frame_number));
        }
        let line = info(&msg);
        if first_in_packet {
            ctx.tb.set_info(line);
        } else {
            ctx.tb.append_info(&line);
        }
        ctx.tb.close_to(0);
    }

    /// Update the state with one packet and say what it adds to the tree.
    fn analyse(&mut self, msg: &Message<'_>, tvb: Tvb<'_>, dir: u8, now: u64, ts: (i64, u32), occ: u32) -> Analysis {
        let mut a = Analysis::default();
        let reading = msg.reading();
        if matches!(reading, Reading::WholePacket | Reading::DataOnly)
            && (msg.ty() == MsgType::MTATLS_PLAINTEXT || reading == Reading::WholePacket)
        {
            self.plaintext_hint = Some(reading);
        }
        let h = msg.header_len();
        let body_span = |s: usize, e: usize| tvb.span(h + s, h + e);
        match &msg.body {
            Body::EstablishmentRequest {
                sender_channel_id,
                window,
                max_packet_length,
                src_addr,
                src_port,
                dst_addr,
                dst_port,
            } => {
                let sid = *sender_channel_id;
                if let Some(p) = self.pending.iter().find(|p| p.dir == dir && p.sender_channel_id == sid) {
                    a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!(
                            "Second ChannelEstablishmentRequest with sender channel id 0x{sid:04x} while the one in \
                             frame {} is unanswered (§2.1.1)",
                            p.frame
                        ),
                        body_span(0, 2),
                    );
                    self.pending.retain(|p| !(p.dir == dir && p.sender_channel_id == sid));
                }
                if self.pending.len() >= MAX_PENDING {
                    a.expert(
                        Severity::Note,
                        Group::Debug,
                        format!("More than {MAX_PENDING} unanswered requests: the oldest is forgotten"),
                        body_span(0, 2),
                    );
                    self.pending.remove(0);
                }
                self.pending.push(PendingOpen {
                    dir,
                    sender_channel_id: sid,
                    frame: now,
                    ts,
                    occurrence: occ,
                    window: *window,
                    max_packet_length: *max_packet_length,
                    src: endpoint(src_addr, *src_port),
                    dst: endpoint(dst_addr, *dst_port),
                });
            }
            Body::EstablishmentSuccess { sender_channel_id, receiver_channel_id, window, max_packet_length } => {
                let sid = *sender_channel_id;
                let id = super::wire::channel_id(sid, *receiver_channel_id);
                let req = self.take_pending(dir, sid);
                let mut ch = Channel::new(id, ChannelState::Open);
                ch.open_frame = Some(now);
                ch.open_ts = Some(ts);
                let d = usize::from(dir);
                match &req {
                    Some(p) => {
                        let dt = time_sub(ts, p.ts);
                        a.generated(&hf::RESPONSE_TO, Value::UInt(p.frame));
                        a.generated(&hf::TIME, Value::Time { secs: dt.0, nanos: dt.1 });
                        a.response_in = Some((p.frame, p.occurrence));
                        self.pair(p.frame, now, Answer::Opened, dt);
                        ch.initiator = Some(p.dir);
                        ch.request_frame = Some(p.frame);
                        ch.src = p.src.clone();
                        ch.dst = p.dst.clone();
                        // The request's window is what this side (the Success's sender) may send.
                        ch.window[d] = Some(u64::from(p.window));
                        ch.initial_window[d] = Some(p.window);
                        ch.max_packet[d] = Some(p.max_packet_length);
                    }
                    None => a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!(
                            "ChannelEstablishmentSuccess for sender channel id 0x{sid:04x} with no \
                             ChannelEstablishmentRequest awaiting it from the other side (§2.1.1)"
                        ),
                        body_span(0, 2),
                    ),
                }
                ch.window[1 - d] = Some(u64::from(*window));
                ch.initial_window[1 - d] = Some(*window);
                ch.max_packet[1 - d] = Some(*max_packet_length);
                if let Some(old) = self.channels.get(&id).filter(|c| c.is_live()) {
                    a.expert(
                        Severity::Warning,
                        Group::Protocol,
                        format!(
                            "Channel id {} collides with the open channel established in frame {} (§2.1.1: the \
                             receiver chooses a receiver_channel_id that avoids it) (M3)",
                            cid(id),
                            old.open_frame.unwrap_or(0)
                        ),
                        body_span(2, 4),
                    );
                }
                self.close_requests.remove(&id);
                self.insert(&mut a, ch, body_span(0, 4));
            }
            Body::RequestEchec { sender_channel_id, error } => {
                let sid = *sender_channel_id;
                match self.take_pending(dir, sid) {
                    Some(p) => {
                        let dt = time_sub(ts, p.ts);
                        a.generated(&hf::RESPONSE_TO, Value::UInt(p.frame));
                        a.generated(&hf::TIME, Value::Time { secs: dt.0, nanos: dt.1 });
                        a.response_in = Some((p.frame, p.occurrence));
                        self.pair(p.frame, now, Answer::Refused, dt);
                        if self.refusals.len() < MAX_HISTORY {
                            let e = error.get(..MAX_LABEL).unwrap_or(error);
                            self.refusals.push(Refusal {
                                sender_channel_id: sid,
                                dir: p.dir,
                                dst: p.dst,
                                request_frame: p.frame,
                                echec_frame: now,
                                error: escape(e),
                            });
                        }
                    }
                    None => a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!(
                            "ChannelRequestEchec for sender channel id 0x{sid:04x} with no \
                             ChannelEstablishmentRequest awaiting it from the other side (§2.1.1)"
                        ),
                        body_span(0, 2),
                    ),
                }
            }
            Body::CloseRequest { channel_id } => {
                let id = *channel_id;
                let span = body_span(0, 4);
                match self.channels.get_mut(&id) {
                    None => {
                        a.expert(
                            Severity::Note,
                            Group::Sequence,
                            format!(
                                "ChannelCloseRequest for channel {}, which this capture has not seen open",
                                cid(id)
                            ),
                            span,
                        );
                    }
                    Some(ch) => match ch.state.clone() {
                        ChannelState::Closed => a.expert(
                            Severity::Warning,
                            Group::Sequence,
                            format!(
                                "ChannelCloseRequest for channel {}, closed in frame {} (§2.1.2)",
                                cid(id),
                                ch.close_frame.unwrap_or(0)
                            ),
                            span,
                        ),
                        ChannelState::Closing { dir: d, frame } if d == dir => a.expert(
                            Severity::Note,
                            Group::Sequence,
                            format!(
                                "Second ChannelCloseRequest for channel {} from the same side (first in frame {frame})",
                                cid(id)
                            ),
                            span,
                        ),
                        // Both sides closing at once: the peer's request is answered by this one's
                        // confirmation as well; keep the first.
                        ChannelState::Closing { .. } => {}
                        ChannelState::Open => {
                            ch.state = ChannelState::Closing { dir, frame: now };
                            ch.close_request_frame = Some(now);
                        }
                    },
                }
                self.close_requests.entry(id).or_insert((now, ts, occ));
            }
            Body::CloseConfirmation { channel_id } => {
                let id = *channel_id;
                let span = body_span(0, 4);
                let req = self.close_requests.remove(&id);
                if let Some((frame, t0, o)) = req {
                    let dt = time_sub(ts, t0);
                    a.generated(&hf::RESPONSE_TO, Value::UInt(frame));
                    a.generated(&hf::TIME, Value::Time { secs: dt.0, nanos: dt.1 });
                    a.response_in = Some((frame, o));
                    self.pair(frame, now, Answer::Closed, dt);
                }
                match self.channels.get_mut(&id) {
                    None => a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!(
                            "ChannelCloseConfirmation for channel {}, which this capture has not seen open",
                            cid(id)
                        ),
                        span,
                    ),
                    Some(ch) => {
                        match ch.state {
                            ChannelState::Closing { dir: d, frame } if d == dir => a.expert(
                                Severity::Warning,
                                Group::Sequence,
                                format!(
                                    "ChannelCloseConfirmation from the side that requested the close in frame \
                                     {frame}; §2.1.2: the receiver of the request confirms"
                                ),
                                span,
                            ),
                            ChannelState::Closing { .. } => {}
                            ChannelState::Open => a.expert(
                                Severity::Warning,
                                Group::Sequence,
                                format!(
                                    "ChannelCloseConfirmation for channel {} with no ChannelCloseRequest (§2.1.2)",
                                    cid(id)
                                ),
                                span,
                            ),
                            ChannelState::Closed => a.expert(
                                Severity::Note,
                                Group::Sequence,
                                format!(
                                    "ChannelCloseConfirmation for channel {}, already closed in frame {}",
                                    cid(id),
                                    ch.close_frame.unwrap_or(0)
                                ),
                                span,
                            ),
                        }
                        if ch.state != ChannelState::Closed {
                            ch.state = ChannelState::Closed;
                            ch.close_frame = Some(now);
                            ch.close_ts = Some(ts);
                        }
                    }
                }
            }
            Body::Plaintext { channel_id, data } => {
                self.data(&mut a, *channel_id, data.len(), dir, body_span(0, 4), now);
            }
            Body::NewMaxPacketLength { channel_id, max_packet_length } => {
                let span = body_span(4, 8);
                if let Some(ch) = self.known(&mut a, *channel_id, dir, MsgType::NEW_MAX_PACKET_LENGTH, body_span(0, 4))
                {
                    let o = usize::from(1 - dir);
                    ch.max_packet[o] = Some(*max_packet_length);
                    if let Some(w) = ch.window[o].filter(|w| u64::from(*max_packet_length) > *w) {
                        a.expert(
                            Severity::Warning,
                            Group::Protocol,
                            format!(
                                "New max packet length {max_packet_length} exceeds the free space {w} of the sender's \
                                 receive buffer (§2.2: MUST be smaller) (M4)"
                            ),
                            span,
                        );
                    }
                    a.generated(&hf::PEER_WINDOW, Value::UInt(ch.window[o].unwrap_or(0)));
                }
            }
            Body::Acknowledgment { channel_id, free_space } => {
                let span = body_span(4, 8);
                if let Some(ch) = self.known(&mut a, *channel_id, dir, MsgType::ACKNOWLEDGMENT, body_span(0, 4)) {
                    let o = usize::from(1 - dir);
                    let f = u64::from(*free_space);
                    match ch.window[o] {
                        Some(w) if f == w => a.expert(
                            Severity::Note,
                            Group::Protocol,
                            format!(
                                "Acknowledgment repeats the free space {f}; §2.2: it is sent when the receive buffer \
                                 grows (M4)"
                            ),
                            span,
                        ),
                        Some(w) if f < w => a.expert(
                            Severity::Note,
                            Group::Protocol,
                            format!("Acknowledgment lowers the peer's window from {w} to {f} (§2.2: sent for an increase) (M4)"),
                            span,
                        ),
                        _ => {}
                    }
                    ch.window[o] = Some(f);
                    a.generated(&hf::PEER_WINDOW, Value::UInt(f));
                }
            }
            Body::Unknown { .. } => {}
        }
        a
    }

    /// The channel a packet of type `ty` names, reporting an unknown or closed one.
    fn known(&mut self, a: &mut Analysis, id: u32, dir: u8, ty: MsgType, span: Span) -> Option<&mut Channel> {
        let _ = dir;
        match self.channels.get(&id).map(|c| (c.state.clone(), c.close_frame)) {
            None => {
                if !self.unknown_reported.contains(&id) {
                    if self.unknown_reported.len() < MAX_CHANNELS {
                        self.unknown_reported.push(id);
                    }
                    a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!("{} on channel {}, which this capture has not seen open", type_name(ty), cid(id)),
                        span,
                    );
                }
                None
            }
            Some((ChannelState::Closed, f)) => {
                a.expert(
                    Severity::Warning,
                    Group::Sequence,
                    format!("{} on channel {}, closed in frame {} (§2.1.2)", type_name(ty), cid(id), f.unwrap_or(0)),
                    span,
                );
                None
            }
            Some(_) => self.channels.get_mut(&id),
        }
    }

    fn data(&mut self, a: &mut Analysis, id: u32, n: usize, dir: u8, span: Span, now: u64) {
        let d = usize::from(dir);
        if !self.channels.contains_key(&id) {
            // First seen mid-session: track it from here, with unknown windows.
            let known_before = self.unknown_reported.contains(&id);
            let ch = Channel::new(id, ChannelState::Open);
            self.insert(a, ch, span);
            if !known_before {
                if self.unknown_reported.len() < MAX_CHANNELS {
                    self.unknown_reported.push(id);
                }
                a.expert(
                    Severity::Note,
                    Group::Sequence,
                    format!("MTATLSPlaintext on channel {}, which this capture has not seen open", cid(id)),
                    span,
                );
            }
        }
        let Some(ch) = self.channels.get_mut(&id) else { return };
        ch.packets[d] += 1;
        ch.bytes[d] += n as u64;
        if let Some(f) = ch.open_frame {
            a.generated(&hf::OPENED_IN, Value::UInt(f));
        }
        match ch.state {
            ChannelState::Open => {}
            ChannelState::Closed => {
                a.expert(
                    Severity::Warning,
                    Group::Sequence,
                    format!(
                        "MTATLSPlaintext on channel {}, closed in frame {} (§2.1.2)",
                        cid(id),
                        ch.close_frame.unwrap_or(0)
                    ),
                    span,
                );
                return;
            }
            ChannelState::Closing { dir: cd, frame } if cd == dir => a.expert(
                Severity::Warning,
                Group::Sequence,
                format!(
                    "MTATLSPlaintext after its sender's ChannelCloseRequest in frame {frame} (§2.1.2: the sender will \
                     not send any more data)"
                ),
                span,
            ),
            ChannelState::Closing { frame, .. } => a.expert(
                Severity::Note,
                Group::Sequence,
                format!(
                    "MTATLSPlaintext after the peer's ChannelCloseRequest in frame {frame} (§2.1.2: data received \
                     after a closure request is ignored)"
                ),
                span,
            ),
        }
        let _ = now;
        if let Some(m) = ch.max_packet[d] {
            a.generated(&hf::CHANNEL_MAX, Value::UInt(u64::from(m)));
            if n as u64 > u64::from(m) {
                ch.max_overruns[d] += 1;
                a.expert(
                    Severity::Warning,
                    Group::Protocol,
                    format!("{n} bytes of data exceed the max packet length {m} of channel {} (§2.2) (M4)", cid(id)),
                    span,
                );
            }
        }
        if let Some(w) = ch.window[d] {
            let left = w.saturating_sub(n as u64);
            if n as u64 > w {
                ch.window_overruns[d] += 1;
                let msg = if w == 0 {
                    format!(
                        "{n} bytes of data on channel {} while its window is exhausted (§2.2: wait for an \
                         Acknowledgment) (M4)",
                        cid(id)
                    )
                } else {
                    format!(
                        "{n} bytes of data exceed the {w} bytes left in the window of channel {} (§2.2) (M4)",
                        cid(id)
                    )
                };
                a.expert(Severity::Warning, Group::Sequence, msg, span);
            } else if left == 0 && n > 0 {
                ch.stalls[d] += 1;
                a.expert(
                    Severity::Note,
                    Group::Sequence,
                    format!(
                        "Window of channel {} exhausted: the sender waits for an Acknowledgment (§2.2) (M4)",
                        cid(id)
                    ),
                    span,
                );
            }
            ch.window[d] = Some(left);
            a.generated(&hf::WINDOW_LEFT, Value::UInt(left));
        }
    }

    fn take_pending(&mut self, dir: u8, sid: u16) -> Option<PendingOpen> {
        let i = self.pending.iter().position(|p| p.dir != dir && p.sender_channel_id == sid)?;
        Some(self.pending.remove(i))
    }

    fn pair(&mut self, request_frame: u64, answer_frame: u64, answer: Answer, time: (i64, u32)) {
        if self.pairs.len() < MAX_PAIRS {
            self.pairs.push(Pair { request_frame, answer_frame, answer, time });
        }
    }

    /// Put a channel in the table, keeping it within [`MAX_CHANNELS`]; the record it replaces
    /// goes to the history.
    fn insert(&mut self, a: &mut Analysis, ch: Channel, span: Span) {
        if !self.channels.contains_key(&ch.id) && self.channels.len() >= MAX_CHANNELS {
            let victim = self.channels.iter().find(|(_, c)| !c.is_live()).map(|(k, _)| *k);
            match victim {
                Some(k) => {
                    if let Some(old) = self.channels.remove(&k) {
                        self.push_history(old);
                    }
                }
                None => {
                    if !self.table_full {
                        a.expert(
                            Severity::Note,
                            Group::Debug,
                            format!("More than {MAX_CHANNELS} open channels: later ones are not tracked"),
                            span,
                        );
                        self.table_full = true;
                    }
                    return;
                }
            }
        }
        if let Some(old) = self.channels.insert(ch.id, ch) {
            self.push_history(old);
        }
    }

    fn push_history(&mut self, c: Channel) {
        if self.history.len() < MAX_HISTORY {
            self.history.push(c);
        }
    }
}

impl StreamProtocol for MtatlsConversation {
    /// The type byte and the length: 5 bytes for MTATLSPlaintext, read as M2 and
    /// [`plaintext_reading`] say; the other types by their fields and length.
    fn pdu_len(&self, data: &[u8]) -> PduLen {
        let Some(&t) = data.first() else { return PduLen::NeedAtLeast(1) };
        let ty = MsgType(t);
        if ty == MsgType::MTATLS_PLAINTEXT {
            let Some(l) = data.get(1..5) else { return PduLen::NeedAtLeast(PLAINTEXT_HEADER_LEN) };
            let l = u64::from(u32::from_be_bytes([l[0], l[1], l[2], l[3]]));
            let total = match plaintext_reading(data, self.plaintext_hint) {
                Some(Reading::WholePacket) => l,
                Some(Reading::DataOnly) => PLAINTEXT_HEADER_LEN as u64 + 4 + l,
                _ => PLAINTEXT_HEADER_LEN as u64 + l,
            };
            return match usize::try_from(total) {
                Ok(n) => PduLen::Len(n),
                Err(_) => PduLen::Invalid,
            };
        }
        match parse_as(data, Reading::AfterLength) {
            Ok((_, rest)) => PduLen::Len(data.len() - rest.len()),
            Err(super::wire::ParseError::Truncated { offset, needed, .. }) => {
                PduLen::NeedAtLeast(offset.saturating_add(needed))
            }
            Err(_) => PduLen::Invalid,
        }
    }

    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, info: &PduInfo) {
        self.dissect_message(ctx, tvb, info.dir);
    }

    fn resync(&self, data: &[u8]) -> Option<usize> {
        (0..data.len()).find(|&i| data.get(i..).is_some_and(|d| could_start(d, MAX_PLAUSIBLE_PLAINTEXT)))
    }

    fn reassembled_name(&self) -> &'static str {
        "Reassembled MTA-TLS"
    }

    fn name(&self) -> &'static str {
        "MTA-TLS"
    }
}
