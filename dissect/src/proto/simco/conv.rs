//! Session state of one SIMCO session (one SCTP association or one TCP connection):
//! transaction pairing by TID with the response time (S6), the stream rules of
//! draft-kiesel-midcom-simco-sctp-00 §4.2 and §4.4 checked per association (S5), and what each
//! message does to a policy rule (for `-z simco,rules`).
//!
//! Roles. The agent sends requests, the middlebox replies and notifications (RFC 4540 §4.1).
//! The direction of the first request seen is the agent's (or the opposite of the first reply
//! or notification's); a message from the wrong side is flagged.
//!
//! S5, per association, from the draft: a message on a stream at or past N = min(streams each
//! way) (§4.2; N comes from the INIT and INIT ACK of an association on SIMCO's port, see
//! [`SimcoState::note_streams`]);
//! session control (SE, SA, ST) off stream 0 (§4.4.1.1) and AST off stream 0 (§4.4.2.3); a
//! reply on another stream than its request (§4.4.2.1); a request naming a PID on another
//! stream than the one the PID was learned on from a PRR, PER or PDR positive reply
//! (§4.4.1.2, §4.4.1.3). PRR, PER, PRL, PDR requests and ARE notifications may use any stream.
//!
//! Everything here is bounded: [`MAX_PENDING`] requests awaiting a reply, [`MAX_RULES`]
//! PID-to-stream entries, [`MAX_TIDS`] remembered request TIDs per session, [`MAX_SESSIONS`]
//! SCTP sessions per capture (TCP sessions live with their connection).

use std::collections::{HashMap, HashSet};

use super::dissect::{add_fields, finish, info, layer_label};
use super::hf;
use super::wire::{self, sub, BasicType, Message, MsgType, HEADER_LEN, PPID};
use crate::engine::{note_later, Ctx, SctpMessage};
use crate::stream::{PduInfo, PduLen, StreamProtocol};
use crate::tree::{Group, Severity, Span, Tvb, Value};

/// Requests awaiting their reply per session; past this the oldest is forgotten.
pub const MAX_PENDING: usize = 1024;
/// PID-to-stream entries per association; past this new PIDs are not tracked.
pub const MAX_RULES: usize = 4096;
/// Request TIDs remembered per session (for reuse notes); past this the set starts afresh.
pub const MAX_TIDS: usize = 65_536;
/// SCTP sessions tracked at once; past this the oldest association's state is dropped.
pub const MAX_SESSIONS: usize = 4096;
/// SIMCO messages read out of one SCTP user message (the draft allows one, §4.3).
pub const MAX_PER_USER_MESSAGE: usize = 256;

/// Which transport connection a session runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SessionKey {
    /// An SCTP association, by `sctp.assoc_index`.
    Sctp(u32),
    /// A TCP connection, by `tcp.stream`.
    Tcp(u32),
}

impl SessionKey {
    /// `sctp 0`, `tcp 3`: the value of `simco.session`.
    pub fn label(self) -> String {
        match self {
            SessionKey::Sctp(n) => format!("sctp {n}"),
            SessionKey::Tcp(n) => format!("tcp {n}"),
        }
    }
}

/// A request awaiting its reply.
#[derive(Debug, Clone)]
pub struct Pending {
    pub frame: u64,
    pub ts: (i64, u32),
    pub ty: MsgType,
    pub stream: Option<u16>,
    pub pid: Option<u32>,
    /// Which `simco` layer of its frame the request is (for `simco.response_in`).
    occurrence: u32,
}

/// State of one SIMCO session.
#[derive(Debug, Default)]
pub struct Session {
    agent_dir: Option<u8>,
    /// Streams each way usable by SIMCO, N = min(N1, N2) (draft §4.2), when known.
    pub streams: Option<u16>,
    pending: HashMap<u32, Pending>,
    pending_full: bool,
    tids: HashSet<u32>,
    pid_stream: HashMap<u32, u16>,
    rules_full: bool,
    /// Requests matched with their reply so far.
    pub pairs: u64,
    /// A positive SE reply was seen and no ST reply or AST since.
    pub established: bool,
    /// The info column text of the latest frame's SIMCO messages (several share a frame when
    /// bundled or on a byte stream).
    last_info: Option<(u64, String)>,
}

impl Session {
    /// The stream a PID was learned on (S5).
    pub fn pid_stream(&self, pid: u32) -> Option<u16> {
        self.pid_stream.get(&pid).copied()
    }
    /// Requests awaiting a reply.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// Per-capture state: the sessions running over SCTP, by association index.
#[derive(Debug, Default)]
pub struct SimcoState {
    sessions: HashMap<u32, Session>,
}

impl SimcoState {
    /// The session of an SCTP association.
    pub fn session(&self, assoc: u32) -> Option<&Session> {
        self.sessions.get(&assoc)
    }

    /// Tell the S5 checker the streams an association negotiated (INIT and INIT ACK, RFC 9260
    /// §5.1.1): `n1` from the agent, `n2` from the middlebox; SIMCO uses min(n1, n2).
    pub fn set_streams(&mut self, assoc: u32, n1: u16, n2: u16) {
        let mut s = self.take(assoc);
        s.streams = Some(n1.min(n2));
        self.put(assoc, s);
    }

    /// One side's stream counts from its INIT or INIT ACK (outbound, maximum inbound): N is the
    /// smallest of the four numbers the two chunks carry, since each direction gets the smaller
    /// of its sender's outbound and its receiver's inbound count (RFC 9260 §5.1.1).
    pub fn note_streams(&mut self, assoc: u32, out: u16, inb: u16) {
        let mut s = self.take(assoc);
        let m = out.min(inb);
        s.streams = Some(s.streams.map_or(m, |n| n.min(m)));
        self.put(assoc, s);
    }

    fn take(&mut self, assoc: u32) -> Session {
        self.sessions.remove(&assoc).unwrap_or_default()
    }

    fn put(&mut self, assoc: u32, s: Session) {
        if self.sessions.len() >= MAX_SESSIONS {
            if let Some(&oldest) = self.sessions.keys().min() {
                self.sessions.remove(&oldest);
            }
        }
        self.sessions.insert(assoc, s);
    }
}

/// Where a message was seen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Where {
    pub(crate) key: SessionKey,
    /// The SCTP stream, over SCTP.
    pub(crate) stream: Option<u16>,
    pub(crate) dir: u8,
    /// The SCTP PPID, over SCTP.
    pub(crate) ppid: Option<u32>,
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = an - bn;
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

/// Dissect the message at the start of `tvb` (which may hold more bytes after it); returns the
/// bytes it took, or `None` when no whole message is there (the layer is then marked
/// malformed). `follows` says it came after another message in the same SCTP user message.
pub(crate) fn dissect_message(
    ctx: &mut Ctx,
    sess: &mut Session,
    tvb: Tvb<'_>,
    at: &Where,
    follows: bool,
) -> Option<usize> {
    let first_in_packet = !ctx.tb.protocols().contains(&"simco");
    ctx.tb.set_protocol_column("SIMCO");
    // The lower layer may have added its own text after an earlier message's: the column lists
    // this frame's SIMCO messages only.
    let set_info = |ctx: &mut Ctx, sess: &mut Session, line: String| {
        let text = match sess.last_info.take() {
            Some((f, prev)) if f == ctx.frame_number && !first_in_packet => format!("{prev}, {line}"),
            _ => line,
        };
        ctx.tb.set_info(text.clone());
        sess.last_info = Some((ctx.frame_number, text));
    };
    let m = match wire::parse(tvb.data) {
        Ok((m, _)) => m,
        Err(e) => {
            ctx.tb.open_proto(&hf::SIMCO, tvb.all(), None);
            set_info(ctx, sess, "SIMCO (malformed)".to_string());
            let what = if at.stream.is_some() { "SCTP user message" } else { "stream" };
            ctx.tb.malformed(
                format!("SIMCO message cut short by the end of its {what}: {e}"),
                tvb.span(e.offset(), tvb.len()),
            );
            return None;
        }
    };
    let len = m.wire_len();
    let mt = tvb.sub(0, len);
    ctx.tb.open_proto(&hf::SIMCO, mt.all(), Some(layer_label(&m)));
    let mal = add_fields(&m, mt, &mut ctx.tb);
    if follows {
        ctx.tb.expert(
            Severity::Warning,
            Group::Protocol,
            "SIMCO message after another in the same SCTP user message (draft-kiesel §4.3: every message is \
             exactly one user message)",
            mt.span(0, HEADER_LEN),
        );
    }
    let occurrence = ctx.tb.layer_count("simco").saturating_sub(1);
    analyse(ctx, sess, &m, mt, at, occurrence);
    set_info(ctx, sess, info(&m));
    finish(&mut ctx.tb, mal);
    Some(len)
}

/// Whether a positive reply of sub-type `rep` answers a request of sub-type `req` (§5, §7.2,
/// §7.3: SE is answered by SE or SA, SA by SE; PEA by PER; PLC by PLC or PRD; PRS by PRS, PES
/// or PDS).
pub fn reply_matches(req: u8, rep: u8) -> bool {
    match req {
        sub::SE => matches!(rep, sub::SE | sub::SA),
        sub::SA => matches!(rep, sub::SE | sub::SA),
        sub::PEA => rep == sub::PER,
        sub::PLC => matches!(rep, sub::PLC | sub::PRD),
        sub::PRS => matches!(rep, sub::PRS | sub::PES | sub::PDS),
        r => rep == r,
    }
}

fn analyse(ctx: &mut Ctx, sess: &mut Session, m: &Message<'_>, tvb: Tvb<'_>, at: &Where, occurrence: u32) {
    let hdr = tvb.span(0, 2);
    let tb = &mut ctx.tb;
    tb.add_generated(&hf::SESSION, Span::EMPTY, Value::Str(at.key.label()));
    if let Some(s) = at.stream {
        tb.add_generated(&hf::STREAM, Span::EMPTY, Value::UInt(s as u64));
    }
    if let Some(p) = at.ppid.filter(|p| *p != PPID) {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("SIMCO with SCTP PPID {p}; the suite sends and recognises {PPID} (IANA \"SIMCO\", S4)"),
            Span::EMPTY,
        );
    }
    // Roles (§4.1).
    let from_agent = m.ty.basic == BasicType::REQUEST;
    if m.ty.basic.name().is_some() {
        match sess.agent_dir {
            None => sess.agent_dir = Some(if from_agent { at.dir } else { at.dir ^ 1 }),
            Some(a) if (a == at.dir) != from_agent => tb.expert(
                Severity::Warning,
                Group::Protocol,
                if from_agent {
                    "Request from the middlebox's side; §4.1: requests go from the agent to the middlebox".to_string()
                } else {
                    format!(
                        "{} from the agent's side; §4.1: replies and notifications go from the middlebox to the agent",
                        m.ty.basic.name().unwrap_or("?")
                    )
                },
                hdr,
            ),
            Some(_) => {}
        }
    }
    // S5: streams.
    if let Some(s) = at.stream {
        if let Some(n) = sess.streams.filter(|n| s >= *n) {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "{} on stream {s}; the association has N = {n} streams each way, so SIMCO uses 0 to {} \
                     (draft-kiesel §4.2, S5)",
                    m.ty.text(),
                    n.saturating_sub(1)
                ),
                hdr,
            );
        }
        let ast = m.ty == MsgType::notification(sub::AST);
        if (m.ty.is_session_control() || ast) && s != 0 {
            let section = if ast { "§4.4.2.3: AST" } else { "§4.4.1.1: session control messages (SE, SA, ST)" };
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!("{} on stream {s}; draft-kiesel {section} go on stream 0 (S5)", m.ty.text()),
                hdr,
            );
        }
    }
    // A reply or notification from the agent is answered like a request (§6 step 3: 0x0310
    // wrong basic request message type): it is paired as one.
    let sent_by_agent = sess.agent_dir == Some(at.dir);
    match m.ty.basic {
        BasicType::REQUEST => request(ctx, sess, m, tvb, at, occurrence),
        _ if sent_by_agent => request(ctx, sess, m, tvb, at, occurrence),
        BasicType::POSITIVE_REPLY | BasicType::NEGATIVE_REPLY => reply(ctx, sess, m, tvb, at),
        BasicType::NOTIFICATION => notification(ctx, sess, m, tvb),
        _ => {}
    }
}

fn request(ctx: &mut Ctx, sess: &mut Session, m: &Message<'_>, tvb: Tvb<'_>, at: &Where, occurrence: u32) {
    let tid_span = tvb.span(4, 8);
    if let Some(prev) = sess.pending.remove(&m.tid) {
        ctx.tb.expert(
            Severity::Warning,
            Group::Sequence,
            format!(
                "TID {} reused while the {} in frame {} awaits its reply (§4.2.5: an agent never uses a TID twice in \
                 a session; S6)",
                m.tid,
                prev.ty.text(),
                prev.frame
            ),
            tid_span,
        );
        note_later(ctx, prev.frame, "simco", prev.occurrence, &hf::UNANSWERED, Value::Bool(true));
    } else if sess.tids.contains(&m.tid) {
        ctx.tb.expert(
            Severity::Note,
            Group::Sequence,
            format!("TID {} was used by an earlier request of this session (§4.2.5: agent-unique TIDs)", m.tid),
            tid_span,
        );
    }
    if sess.tids.len() >= MAX_TIDS {
        sess.tids.clear();
    }
    sess.tids.insert(m.tid);
    let pid = m.pid();
    if let Some(p) = pid {
        ctx.tb.add_generated(&hf::RULE_PID, Span::EMPTY, Value::UInt(p as u64));
        if let (Some(s), Some(learned)) = (at.stream, sess.pid_stream.get(&p).copied()) {
            if s != learned {
                ctx.tb.expert(
                    Severity::Warning,
                    Group::Protocol,
                    format!(
                        "{} for PID {p} on stream {s}, but the PID was learned on stream {learned}; draft-kiesel \
                         §4.4.1.3: requests naming a PID use the stream saved for it (S5)",
                        m.ty.text()
                    ),
                    tvb.span(0, 2),
                );
            }
        }
    }
    if sess.pending.len() >= MAX_PENDING {
        if let Some(oldest) = sess.pending.iter().min_by_key(|(_, p)| p.frame).map(|(k, _)| *k) {
            sess.pending.remove(&oldest);
        }
        if !sess.pending_full {
            sess.pending_full = true;
            ctx.tb.expert(
                Severity::Note,
                Group::Debug,
                format!("More than {MAX_PENDING} requests await replies: the oldest are no longer tracked"),
                tid_span,
            );
        }
    }
    sess.pending
        .insert(m.tid, Pending { frame: ctx.frame_number, ts: ctx.ts, ty: m.ty, stream: at.stream, pid, occurrence });
}

fn rule_fields(ctx: &mut Ctx, pid: Option<u32>, kind: Option<&str>, event: &str) {
    let Some(p) = pid else { return };
    ctx.tb.add_generated(&hf::RULE_PID, Span::EMPTY, Value::UInt(p as u64));
    if let Some(k) = kind {
        ctx.tb.add_generated(&hf::RULE_KIND, Span::EMPTY, Value::Str(k.to_string()));
    }
    ctx.tb.add_generated(&hf::RULE_EVENT, Span::EMPTY, Value::Str(event.to_string()));
}

fn learn(ctx: &mut Ctx, sess: &mut Session, pid: Option<u32>, stream: Option<u16>, span: Span) {
    let (Some(p), Some(s)) = (pid, stream) else { return };
    if sess.pid_stream.len() >= MAX_RULES && !sess.pid_stream.contains_key(&p) {
        if !sess.rules_full {
            sess.rules_full = true;
            ctx.tb.expert(
                Severity::Note,
                Group::Debug,
                format!("More than {MAX_RULES} policy rules in this association: later ones are not tracked (S5)"),
                span,
            );
        }
        return;
    }
    sess.pid_stream.insert(p, s);
}

fn reply(ctx: &mut Ctx, sess: &mut Session, m: &Message<'_>, tvb: Tvb<'_>, at: &Where) {
    let hdr = tvb.span(0, 2);
    let Some(req) = sess.pending.remove(&m.tid) else {
        ctx.tb.expert(
            Severity::Note,
            Group::Sequence,
            format!("{} with TID {}, which no request of this session carries (S6)", m.ty.text(), m.tid),
            tvb.span(4, 8),
        );
        if m.ty == MsgType::positive(sub::SE) {
            sess.established = true;
        }
        return;
    };
    sess.pairs += 1;
    let dt = time_sub(ctx.ts, req.ts);
    ctx.tb.add_generated(&hf::RESPONSE_TO, Span::EMPTY, Value::UInt(req.frame));
    ctx.tb.add_generated(&hf::TIME, Span::EMPTY, Value::Time { secs: dt.0, nanos: dt.1 });
    ctx.tb.add_generated(&hf::REQUEST_TYPE, Span::EMPTY, Value::UInt(req.ty.code() as u64));
    note_later(ctx, req.frame, "simco", req.occurrence, &hf::RESPONSE_IN, Value::UInt(ctx.frame_number));
    if let (Some(rs), Some(s)) = (req.stream, at.stream) {
        if rs != s {
            ctx.tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "{} on stream {s}, but its request (frame {}) came on stream {rs}; draft-kiesel §4.4.2.1: a reply \
                     goes on the stream of its request (S5)",
                    m.ty.text(),
                    req.frame
                ),
                hdr,
            );
        }
    }
    if m.ty.basic == BasicType::POSITIVE_REPLY && !reply_matches(req.ty.sub, m.ty.sub) {
        ctx.tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("{} answers a {} (frame {}) (§5, §7)", m.ty.text(), req.ty.text(), req.frame),
            hdr,
        );
    }
    if m.ty.basic == BasicType::NEGATIVE_REPLY {
        rule_fields(ctx, req.pid, None, "refused");
        return;
    }
    let own = m.pid();
    match m.ty.sub {
        sub::SE => sess.established = true,
        sub::ST => {
            sess.established = false;
            end_session(ctx, sess, hdr);
        }
        sub::PRR => {
            rule_fields(ctx, own, Some("reserve"), "reserved");
            learn(ctx, sess, own, at.stream, hdr);
        }
        sub::PER => {
            let event = if req.ty.sub == sub::PEA { "enabled after reservation" } else { "enabled" };
            rule_fields(ctx, own, Some("enable"), event);
            learn(ctx, sess, own, at.stream, hdr);
        }
        sub::PDR => {
            rule_fields(ctx, own, Some("disable"), "disabled");
            learn(ctx, sess, own, at.stream, hdr);
        }
        sub::PLC => rule_fields(ctx, req.pid, None, "lifetime changed"),
        sub::PRD => {
            rule_fields(ctx, req.pid, None, "deleted");
            if let Some(p) = req.pid {
                sess.pid_stream.remove(&p);
            }
        }
        sub::PRS => rule_fields(ctx, own, Some("reserve"), "status"),
        sub::PES => rule_fields(ctx, own, Some("enable"), "status"),
        sub::PDS => rule_fields(ctx, own, Some("disable"), "status"),
        _ => {}
    }
}

fn notification(ctx: &mut Ctx, sess: &mut Session, m: &Message<'_>, tvb: Tvb<'_>) {
    match m.ty.sub {
        sub::ARE => {
            let pid = m.pid();
            if m.lifetime() == Some(0) {
                rule_fields(ctx, pid, None, "deleted");
                if let Some(p) = pid {
                    sess.pid_stream.remove(&p);
                }
            } else {
                rule_fields(ctx, pid, None, "notified");
            }
        }
        sub::AST => {
            sess.established = false;
            end_session(ctx, sess, tvb.span(0, 2));
        }
        _ => {}
    }
}

/// The session ended (ST reply, AST): requests still waiting will never be answered (S6).
fn end_session(ctx: &mut Ctx, sess: &mut Session, span: Span) {
    if sess.pending.is_empty() {
        return;
    }
    let mut waiting: Vec<Pending> = sess.pending.drain().map(|(_, p)| p).collect();
    waiting.sort_by_key(|p| (p.frame, p.occurrence));
    let frames: Vec<String> = waiting.iter().take(16).map(|p| p.frame.to_string()).collect();
    let more = if waiting.len() > 16 { ", ..." } else { "" };
    ctx.tb.expert(
        Severity::Warning,
        Group::Sequence,
        format!(
            "Session ends with {} request{} never answered (frame{} {}{more}) (S6)",
            waiting.len(),
            if waiting.len() == 1 { "" } else { "s" },
            if waiting.len() == 1 { "" } else { "s" },
            frames.join(", ")
        ),
        span,
    );
    for p in waiting {
        note_later(ctx, p.frame, "simco", p.occurrence, &hf::UNANSWERED, Value::Bool(true));
    }
}

/// A complete SCTP user message (engine::SCTP_PROTOCOLS): the SIMCO message it holds (one per
/// user message, draft-kiesel §4.3), in the association's session.
pub(crate) fn dissect_sctp(ctx: &mut Ctx, msg: &SctpMessage, tvb: Tvb) {
    let mut sess = ctx.st.simco.take(msg.assoc);
    let at = Where { key: SessionKey::Sctp(msg.assoc), stream: Some(msg.stream), dir: msg.dir, ppid: Some(msg.ppid) };
    let mut off = 0usize;
    let mut count = 0usize;
    while off < tvb.len() {
        if count >= MAX_PER_USER_MESSAGE {
            crate::engine::data_layer(ctx, tvb.from(off));
            break;
        }
        match dissect_message(ctx, &mut sess, tvb.from(off), &at, count > 0) {
            Some(n) => off += n,
            None => break,
        }
        count += 1;
    }
    ctx.st.simco.put(msg.assoc, sess);
}

/// One TCP connection carrying SIMCO: the [`StreamProtocol`] the TCP framer drives.
#[derive(Debug, Default)]
pub struct SimcoStream {
    pub session: Session,
}

/// A boxed new connection, for [`crate::engine::TcpProtocol::new`].
pub fn new_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(SimcoStream::default())
}

impl StreamProtocol for SimcoStream {
    /// §4.2: 8 header bytes, then `message length` bytes. A basic type other than 0x01-0x04
    /// cannot start a message (§6 step 1: the header check fails).
    fn pdu_len(&self, data: &[u8]) -> PduLen {
        match data.first() {
            None => PduLen::NeedAtLeast(HEADER_LEN),
            Some(b) if !(1..=4).contains(b) => PduLen::Invalid,
            Some(_) => match wire::parse_header(data) {
                Ok((_, len, _)) => PduLen::Len(HEADER_LEN + len),
                Err(_) => PduLen::NeedAtLeast(HEADER_LEN),
            },
        }
    }

    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, info: &PduInfo) {
        let at = Where { key: SessionKey::Tcp(info.stream), stream: None, dir: info.dir & 1, ppid: None };
        dissect_message(ctx, &mut self.session, tvb, &at, false);
    }

    fn resync(&self, data: &[u8]) -> Option<usize> {
        (0..data.len()).find(|&i| data.get(i..).is_some_and(wire::could_start))
    }

    fn reassembled_name(&self) -> &'static str {
        "Reassembled SIMCO"
    }

    fn name(&self) -> &'static str {
        "SIMCO"
    }
}
