//! Conversation state of one CTP connection: who is the client, command/ACK pairing with the
//! response time (§3.2, C7), the virtual socket table (§6, C8), and the expert infos for every
//! rule a frame breaks given what came before it.
//!
//! Roles. §4: the CTP client is the endpoint that opened the TCP connection; it sends its
//! commands on virtual socket 0 and the server its commands on 1, and each ACK goes back on the
//! control socket of its command (§6.1, §6.2, Appendix A). The TCP layer's direction 0 is the
//! direction of the first segment seen, which is the client when the handshake was captured;
//! the roles are settled by the first control frame seen (a command on 0 or an ACK on 1 comes
//! from the client), and direction 0 is taken as the client until then.
//!
//! Everything here is bounded: the socket table holds at most [`MAX_SOCKETS`] sockets, the
//! history of replaced sockets [`MAX_HISTORY`], the pairing record [`MAX_PAIRS`] pairs, each
//! outstanding-command queue [`MAX_OUTSTANDING`] commands, service labels [`MAX_LABEL`] bytes.

use std::collections::{BTreeMap, VecDeque};

use super::dissect::{add_fields, finish, info, layer_label};
use super::hf;
use super::wire::{
    is_control_vs, is_plausible_command, parse, parse_header, text, Body, Command, Control, Frame, Status, Version,
    COMMAND_LEN, HEADER_LEN, ID, VS_CLIENT_CONTROL, VS_SERVER_CONTROL,
};
use crate::engine::Ctx;
use crate::stream::{PduInfo, PduLen, StreamProtocol};
use crate::tree::{Group, Node, Severity, Span, TreeBuilder, Tvb, Value};

/// Sockets tracked per connection; past this, closed and refused ones make room, and when none
/// can, this and later new sockets go untracked (and data on untracked sockets is not flagged).
pub const MAX_SOCKETS: usize = 1024;
/// Replaced socket records kept per connection (a socket id reused after roll-over, §6.3).
pub const MAX_HISTORY: usize = 256;
/// Command/ACK pairs recorded per connection (for a later second pass: `ctp.response_in`).
pub const MAX_PAIRS: usize = 4096;
/// Commands waiting for their ACK per control socket.
pub const MAX_OUTSTANDING: usize = 16;
/// Bytes of a service label kept in the socket table.
pub const MAX_LABEL: usize = 128;
/// Service labels kept per endpoint from SVLT replies.
pub const MAX_SERVICES: usize = 64;

/// Which end of the CTP connection (§1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The endpoint that originated the connection.
    Client,
    /// The endpoint that received it.
    Server,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
        }
    }
    /// The control socket this endpoint's commands use (§6.1).
    pub fn control_vs(self) -> u16 {
        match self {
            Role::Client => VS_CLIENT_CONTROL,
            Role::Server => VS_SERVER_CONTROL,
        }
    }
    /// Index in per-direction counters: 0 for client to server, 1 for server to client.
    pub fn index(self) -> usize {
        match self {
            Role::Client => 0,
            Role::Server => 1,
        }
    }
    /// The endpoint a socket id belongs to by its parity (§6.3: client even, server odd).
    pub fn by_parity(id: u16) -> Role {
        if id % 2 == 0 {
            Role::Client
        } else {
            Role::Server
        }
    }
}

/// Where a virtual socket is in its life cycle (§6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VsState {
    /// OPVS sent, not acknowledged yet.
    Opening,
    /// Acknowledged with OK (or reported open by the peer).
    Open,
    /// CLVS acknowledged.
    Closed,
    /// OPVS answered with this failure status.
    Refused(u16),
}

/// One virtual socket of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualSocket {
    pub id: u16,
    /// The service label of the OPVS (or of the SYNC reply that reported it); at most
    /// [`MAX_LABEL`] bytes, as text.
    pub service: String,
    /// Who opened it; for a socket learned from a SYNC reply or an ALREADY_OPEN status, the
    /// endpoint its parity names.
    pub opener: Role,
    pub state: VsState,
    /// Frame of the OPVS, when seen.
    pub opvs_frame: Option<u64>,
    /// Frame and time of the ACK that opened it.
    pub open_frame: Option<u64>,
    pub open_ts: Option<(i64, u32)>,
    /// Frame and time of the ACK that closed it.
    pub close_frame: Option<u64>,
    pub close_ts: Option<(i64, u32)>,
    /// Data frames and payload bytes, client to server and server to client.
    pub frames: [u64; 2],
    pub bytes: [u64; 2],
    /// Learned from a SYNC reply rather than from an OPVS.
    pub from_sync: bool,
}

impl VirtualSocket {
    fn new(id: u16, service: String, opener: Role, state: VsState) -> Self {
        VirtualSocket {
            id,
            service,
            opener,
            state,
            opvs_frame: None,
            open_frame: None,
            open_ts: None,
            close_frame: None,
            close_ts: None,
            frames: [0; 2],
            bytes: [0; 2],
            from_sync: false,
        }
    }
}

/// A command matched with its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub command_frame: u64,
    pub ack_frame: u64,
    pub command: Command,
    /// The ACK's status, when it has a readable ST tag.
    pub status: Option<u16>,
    /// Time from the command to the ACK.
    pub time: (i64, u32),
}

#[derive(Debug, Clone)]
struct Outstanding {
    frame: u64,
    /// Index of the command's layer among its frame's `ctp` layers (for `ctp.response_in`).
    occurrence: u32,
    ts: (i64, u32),
    command: Command,
    dir: u8,
    sender: Role,
    vs: Option<u16>,
    service: String,
}

/// State of one CTP connection; the [`StreamProtocol`] the TCP framer (and, later, the TLS
/// layer for ALPN `ctp/1`, C5) drives, one PDU (frame) at a time.
#[derive(Debug, Default)]
pub struct CtpConversation {
    client_dir: Option<u8>,
    version: Option<Version>,
    /// Commands awaiting their ACK, per control socket (0, 1).
    outstanding: [VecDeque<Outstanding>; 2],
    sockets: BTreeMap<u16, VirtualSocket>,
    history: Vec<VirtualSocket>,
    table_full: bool,
    pairs: Vec<Pair>,
    pairs_dropped: u64,
    authenticated: bool,
    services: [Vec<String>; 2],
}

/// A boxed new conversation, for [`crate::engine::TcpProtocol::new`].
pub fn new_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(CtpConversation::new())
}

/// What the conversation adds to one frame's layer.
#[derive(Default)]
struct Analysis {
    acked: Option<Command>,
    /// The command this ACK answers: its frame and layer occurrence, for `ctp.response_in`.
    response_in: Option<(u64, u32)>,
    generated: Vec<Node>,
    experts: Vec<(Severity, Group, String, Span)>,
}

impl Analysis {
    fn expert(&mut self, sev: Severity, group: Group, msg: String, span: Span) {
        self.experts.push((sev, group, msg, span));
    }
    fn generated(&mut self, def: &'static crate::tree::FieldDef, value: Value) {
        self.generated.push(generated(def, value));
    }
    /// A socket this ACK put in state `state` (`open`, `refused`, `closed`): a generated
    /// `ctp.vs.change` subtree, which `-z ctp,vs` reads.
    fn change(&mut self, s: &VirtualSocket, state: &str) {
        let mut n = generated(&hf::VS_CHANGE, Value::None);
        n.label = Some(format!(
            "Virtual socket {} {state}: service {:?}, opened by the {}",
            s.id,
            s.service,
            s.opener.name()
        ));
        n.children = vec![
            generated(&hf::VS_SOCKET, Value::UInt(s.id as u64)),
            generated(&hf::VS_STATE, Value::Str(state.to_string())),
            generated(&hf::VS_SERVICE, Value::Str(s.service.clone())),
            generated(&hf::VS_OPENER, Value::Str(s.opener.name().to_string())),
        ];
        self.generated.push(n);
    }
}

fn generated(def: &'static crate::tree::FieldDef, value: Value) -> Node {
    let mut n = Node::new(def, Span::EMPTY, value);
    n.generated = true;
    n
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = an - bn;
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

fn label(b: &[u8]) -> String {
    let b = b.get(..MAX_LABEL).unwrap_or(b);
    text(b)
}

fn status_name(st: u16) -> String {
    match u8::try_from(st).ok().and_then(|b| Status(b).name()) {
        Some(n) => n.to_string(),
        None => format!("0x{st:02x}"),
    }
}

/// The span of the first tag named `name` in a control frame read from `tvb`.
fn tag_span(c: &Control<'_>, tvb: Tvb<'_>, name: [u8; 2]) -> Span {
    let mut off = HEADER_LEN + COMMAND_LEN;
    for t in &c.tags {
        if t.name() == name {
            return tvb.span(off, off + t.wire_len());
        }
        off += t.wire_len();
    }
    tvb.span(HEADER_LEN, HEADER_LEN + COMMAND_LEN)
}

impl CtpConversation {
    pub fn new() -> Self {
        Self::default()
    }

    /// The TCP direction of the CTP client, once a control frame has shown it.
    pub fn client_dir(&self) -> Option<u8> {
        self.client_dir
    }

    /// The role of the endpoint sending in TCP direction `dir`.
    pub fn role_of(&self, dir: u8) -> Role {
        if dir & 1 == self.client_dir.unwrap_or(0) {
            Role::Client
        } else {
            Role::Server
        }
    }

    /// The virtual socket table: every socket currently known, by id.
    pub fn sockets(&self) -> &BTreeMap<u16, VirtualSocket> {
        &self.sockets
    }

    /// Socket records replaced by a later use of the same id (oldest first).
    pub fn history(&self) -> &[VirtualSocket] {
        &self.history
    }

    /// Every command matched with its ACK so far (at most [`MAX_PAIRS`]), in ACK order.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// The frame of the ACK that answered the command in `command_frame` (what a second pass
    /// shows as `ctp.response_in`).
    pub fn response_in(&self, command_frame: u64) -> Option<u64> {
        self.pairs.iter().find(|p| p.command_frame == command_frame).map(|p| p.ack_frame)
    }

    /// Whether an AUTH was acknowledged with OK (or ALREADY_AUTHENTICATED).
    pub fn authenticated(&self) -> bool {
        self.authenticated
    }

    /// The service labels an endpoint advertised in its latest SVLT reply.
    pub fn services(&self, role: Role) -> &[String] {
        &self.services[role.index()]
    }

    /// Whether a frame could start at the beginning of `d` (for resynchronising): the ID byte,
    /// the connection's version (or a plausible one), and a plausible command on a control
    /// socket, as far as the bytes go.
    fn could_start(&self, d: &[u8]) -> bool {
        if d.first() != Some(&ID) {
            return false;
        }
        if let (Some(&major), Some(&minor)) = (d.get(1), d.get(2)) {
            let v = Version { major, minor };
            let ok = match self.version {
                Some(known) => v == known,
                None => v.is_plausible(),
            };
            if !ok {
                return false;
            }
        }
        if let (Some(&a), Some(&b)) = (d.get(3), d.get(4)) {
            if is_control_vs(u16::from_be_bytes([a, b])) {
                if let Some(c) = d.get(HEADER_LEN..HEADER_LEN + COMMAND_LEN) {
                    return is_plausible_command([c[0], c[1], c[2], c[3]]) || matches!(c, [b'A', b'C', b'K', _]);
                }
            }
        }
        true
    }

    /// Dissect one complete frame (`tvb` is exactly the frame) sent in TCP direction `dir`.
    pub fn dissect_frame(&mut self, ctx: &mut Ctx, tvb: Tvb<'_>, dir: u8) {
        let first_in_packet = !ctx.tb.protocols().contains(&"ctp");
        ctx.tb.set_protocol_column("CTP");
        let frame = match parse(tvb.data) {
            Ok((f, _)) => f,
            Err(e) => {
                ctx.tb.open_proto(&hf::CTP, tvb.all(), None);
                if first_in_packet {
                    ctx.tb.set_info("CTP (malformed)");
                } else {
                    ctx.tb.append_info("CTP (malformed)");
                }
                let span = tvb.span(e.offset(), tvb.len());
                ctx.tb.malformed(format!("CTP frame: {e}"), span);
                return;
            }
        };
        ctx.tb.open_proto(&hf::CTP, tvb.all(), Some(layer_label(&frame)));
        let occurrence = ctx.tb.layer_count("ctp").saturating_sub(1);
        let now = ctx.frame_number;
        let a = self.analyse(&frame, tvb, dir, now, ctx.ts, occurrence);
        if let Some((command_frame, command_layer)) = a.response_in {
            crate::engine::note_later(ctx, command_frame, "ctp", command_layer, &hf::RESPONSE_IN, Value::UInt(now));
        }
        let tb: &mut TreeBuilder = &mut ctx.tb;
        let mal = add_fields(&frame, tvb, tb, a.acked);
        for n in a.generated {
            tb.add_node(n);
        }
        for (sev, group, msg, span) in a.experts {
            tb.expert(sev, group, msg, span);
        }
        let line = info(&frame);
        if first_in_packet {
            tb.set_info(line);
        } else {
            tb.append_info(&line);
        }
        finish(tb, mal);
    }

    /// Update the state with one frame and say what it adds to the tree.
    fn analyse(
        &mut self,
        frame: &Frame<'_>,
        tvb: Tvb<'_>,
        dir: u8,
        now: u64,
        ts: (i64, u32),
        occurrence: u32,
    ) -> Analysis {
        let mut a = Analysis::default();
        let h = frame.header;
        match self.version {
            None => self.version = Some(h.version),
            Some(v) if v != h.version => a.expert(
                Severity::Note,
                Group::Protocol,
                format!("Version {} differs from version {} seen earlier on this connection", h.version, v),
                tvb.span(1, 3),
            ),
            Some(_) => {}
        }
        match &frame.body {
            Body::Data(d) => self.data(&mut a, h.vs, d.len(), tvb, dir),
            Body::ShortControl(_) => {}
            Body::Control(c) => {
                let is_ack = c.command.is_ack();
                if self.client_dir.is_none() {
                    let sender_is_client = (h.vs == VS_CLIENT_CONTROL) != is_ack;
                    self.client_dir = Some(if sender_is_client { dir & 1 } else { (dir & 1) ^ 1 });
                }
                if is_ack {
                    self.ack(&mut a, c, h.vs, tvb, dir, now, ts);
                } else {
                    self.command(&mut a, c, h.vs, tvb, dir, (now, occurrence), ts);
                }
            }
        }
        a
    }

    fn data(&mut self, a: &mut Analysis, vs: u16, len: usize, tvb: Tvb<'_>, dir: u8) {
        let role = self.role_of(dir);
        a.generated(&hf::SENDER, Value::Str(role.name().to_string()));
        let span = tvb.span(3, 5);
        let opening = self.outstanding.iter().flatten().find(|o| o.command == Command::OPVS && o.vs == Some(vs));
        let opvs_frame = opening.map(|o| o.frame);
        match self.sockets.get_mut(&vs) {
            Some(s) => {
                s.frames[role.index()] += 1;
                s.bytes[role.index()] += len as u64;
                a.generated(&hf::VS_SERVICE, Value::Str(s.service.clone()));
                a.generated(&hf::VS_OPENER, Value::Str(s.opener.name().to_string()));
                if let Some(f) = s.opvs_frame {
                    a.generated(&hf::VS_OPENED_IN, Value::UInt(f));
                }
                match s.state {
                    VsState::Open => {}
                    VsState::Opening => a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!(
                            "Data on virtual socket {vs} before its OPVS (frame {}) was acknowledged (§6.2)",
                            opvs_frame.or(s.opvs_frame).unwrap_or(0)
                        ),
                        span,
                    ),
                    VsState::Closed => {
                        if let Some(f) = s.close_frame {
                            a.generated(&hf::VS_CLOSED_IN, Value::UInt(f));
                        }
                        a.expert(
                            Severity::Warning,
                            Group::Sequence,
                            format!(
                                "Data on virtual socket {vs}, which was closed in frame {} (§6.2) (C8)",
                                s.close_frame.unwrap_or(0)
                            ),
                            span,
                        )
                    }
                    VsState::Refused(st) => a.expert(
                        Severity::Warning,
                        Group::Sequence,
                        format!(
                            "Data on virtual socket {vs}, whose OPVS was refused with {} (§6.2) (C8)",
                            status_name(st)
                        ),
                        span,
                    ),
                }
            }
            None if self.table_full => {}
            None => a.expert(
                Severity::Warning,
                Group::Sequence,
                format!("Data on virtual socket {vs}, which is not open: no OPVS for it was seen (§6.2) (C8)"),
                span,
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn command(
        &mut self,
        a: &mut Analysis,
        c: &Control<'_>,
        vs: u16,
        tvb: Tvb<'_>,
        dir: u8,
        (now, occurrence): (u64, u32),
        ts: (i64, u32),
    ) {
        let role = self.role_of(dir);
        let cmd = c.command;
        let vs_span = tvb.span(3, 5);
        let cmd_span = tvb.span(HEADER_LEN, HEADER_LEN + COMMAND_LEN);
        if vs != role.control_vs() {
            a.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "{} from the CTP {} on virtual socket {vs}; §6.1: commands of the {} use virtual socket {}",
                    cmd.text(),
                    role.name(),
                    role.name(),
                    role.control_vs()
                ),
                vs_span,
            );
        }
        let q = &mut self.outstanding[usize::from(vs & 1)];
        if let Some(prev) = q.iter().rev().find(|o| o.dir == dir & 1) {
            a.expert(
                Severity::Warning,
                Group::Sequence,
                format!(
                    "{} sent while {} (frame {}) awaits its ACK: a second outstanding command on virtual socket {vs} \
                     (§3.2: each control frame is acknowledged before the next; the endpoint answers BUSY) (C7)",
                    cmd.text(),
                    prev.command.text(),
                    prev.frame
                ),
                cmd_span,
            );
        }
        let target = c.vs();
        let service = c.service().map(label).unwrap_or_default();
        if q.len() >= MAX_OUTSTANDING {
            q.pop_front();
        }
        q.push_back(Outstanding {
            frame: now,
            occurrence,
            ts,
            command: cmd,
            dir: dir & 1,
            sender: role,
            vs: target,
            service: service.clone(),
        });

        match cmd {
            Command::OPVS => {
                let Some(id) = target else { return };
                let span = tag_span(c, tvb, super::wire::tag_name::VS);
                if is_control_vs(id) {
                    a.expert(
                        Severity::Warning,
                        Group::Protocol,
                        format!("OPVS for virtual socket {id}, reserved for control frames (§6.1) (C8)"),
                        span,
                    );
                    return;
                }
                if Role::by_parity(id) != role {
                    a.expert(
                        Severity::Warning,
                        Group::Protocol,
                        format!(
                            "The CTP {} opens virtual socket {id}, an {} id; §6.3: the client opens even ids from 2, \
                             the server odd ids from 3 (C8)",
                            role.name(),
                            if id % 2 == 0 { "even" } else { "odd" }
                        ),
                        span,
                    );
                }
                match self.sockets.get(&id) {
                    Some(s) if s.state == VsState::Open => a.expert(
                        Severity::Note,
                        Group::Sequence,
                        format!(
                            "OPVS for virtual socket {id}, open since frame {} (§3.4: VIRTUAL_SOCKET_ALREADY_OPEN)",
                            s.open_frame.or(s.opvs_frame).unwrap_or(0)
                        ),
                        span,
                    ),
                    _ => {
                        let mut s = VirtualSocket::new(id, service, role, VsState::Opening);
                        s.opvs_frame = Some(now);
                        self.insert(a, s, span);
                    }
                }
            }
            Command::CLVS => {
                if let Some(id) = target.filter(|id| is_control_vs(*id)) {
                    a.expert(
                        Severity::Warning,
                        Group::Protocol,
                        format!("CLVS for virtual socket {id}, reserved for control frames (§6.1) (C8)"),
                        tag_span(c, tvb, super::wire::tag_name::VS),
                    );
                }
            }
            Command::AUTH if role == Role::Server => a.expert(
                Severity::Note,
                Group::Protocol,
                "AUTH from the CTP server; §4.2, §6.1: the client authenticates".to_string(),
                cmd_span,
            ),
            _ => {}
        }
    }

    /// Put a socket in the table, keeping it within [`MAX_SOCKETS`]; the record it replaces
    /// goes to the history.
    fn insert(&mut self, a: &mut Analysis, s: VirtualSocket, span: Span) {
        if !self.sockets.contains_key(&s.id) && self.sockets.len() >= MAX_SOCKETS {
            if self.table_full {
                return;
            }
            let victim = self
                .sockets
                .iter()
                .find(|(_, v)| matches!(v.state, VsState::Closed | VsState::Refused(_)))
                .map(|(k, _)| *k);
            match victim {
                Some(k) => {
                    if let Some(old) = self.sockets.remove(&k) {
                        self.push_history(old);
                    }
                }
                None => {
                    a.expert(
                        Severity::Note,
                        Group::Debug,
                        format!("More than {MAX_SOCKETS} open virtual sockets: later ones are not tracked"),
                        span,
                    );
                    self.table_full = true;
                    return;
                }
            }
        }
        if let Some(old) = self.sockets.insert(s.id, s) {
            if old.state != VsState::Opening {
                self.push_history(old);
            }
        }
    }

    fn push_history(&mut self, s: VirtualSocket) {
        if self.history.len() < MAX_HISTORY {
            self.history.push(s);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn ack(&mut self, a: &mut Analysis, c: &Control<'_>, vs: u16, tvb: Tvb<'_>, dir: u8, now: u64, ts: (i64, u32)) {
        let role = self.role_of(dir);
        let vs_span = tvb.span(3, 5);
        let st_span = tag_span(c, tvb, super::wire::tag_name::ST);
        // Commands on socket 0 come from the client, so their ACKs from the server, and the
        // other way round on socket 1 (§6.2).
        let expected = if vs == VS_CLIENT_CONTROL { Role::Server } else { Role::Client };
        if role != expected {
            a.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "ACK from the CTP {} on virtual socket {vs}; §6.2: an ACK goes back on its command's control \
                     socket, and socket {vs} carries the {}'s commands",
                    role.name(),
                    if vs == VS_CLIENT_CONTROL { "client" } else { "server" }
                ),
                vs_span,
            );
        }
        let status = c.status();
        let q = &mut self.outstanding[usize::from(vs & 1)];
        let candidates: Vec<usize> = (0..q.len()).filter(|&i| q.get(i).is_some_and(|o| o.dir != dir & 1)).collect();
        // A BUSY answers the newest of several outstanding commands (the endpoint refuses the
        // second while it works on the first, C7); anything else the oldest.
        let pick = if status == Some(Status::BUSY.0 as u16) && candidates.len() > 1 {
            candidates.last()
        } else {
            candidates.first()
        };
        let Some(o) = pick.copied().and_then(|i| q.remove(i)) else {
            a.expert(
                Severity::Note,
                Group::Sequence,
                format!("ACK on virtual socket {vs} with no command awaiting it"),
                tvb.span(HEADER_LEN, HEADER_LEN + COMMAND_LEN),
            );
            return;
        };
        let dt = time_sub(ts, o.ts);
        a.acked = Some(o.command.canonical());
        a.response_in = Some((o.frame, o.occurrence));
        a.generated(&hf::RESPONSE_TO, Value::UInt(o.frame));
        a.generated(&hf::TIME, Value::Time { secs: dt.0, nanos: dt.1 });
        a.generated(&hf::ACKED_CMD, Value::Str(o.command.text()));
        if self.pairs.len() < MAX_PAIRS {
            self.pairs.push(Pair { command_frame: o.frame, ack_frame: now, command: o.command, status, time: dt });
        } else {
            self.pairs_dropped += 1;
        }
        let Some(st) = status else { return };
        let acked = o.command.canonical();
        // Statuses §3.3 and §3.4 tie to one command.
        let owner = match Status(u8::try_from(st).unwrap_or(0xff)) {
            Status::ALREADY_AUTHENTICATED | Status::UNAUTHORIZED => Some(Command::AUTH),
            Status::SERVICE_NOT_SUPPORTED
            | Status::VIRTUAL_SOCKET_ALREADY_OPEN
            | Status::VIRTUAL_SOCKET_UNAVAILABLE => Some(Command::OPVS),
            Status::VIRTUAL_SOCKET_ALREADY_CLOSED => Some(Command::CLVS),
            _ => None,
        };
        if let Some(owner) = owner.filter(|w| *w != acked) {
            a.expert(
                Severity::Note,
                Group::ResponseCode,
                format!(
                    "Status {} answers {}, but §3.3 and §3.4 give it to {} (C8)",
                    status_name(st),
                    acked.text(),
                    owner.text()
                ),
                st_span,
            );
        }
        let ok = st == Status::OK.0 as u16;
        match acked {
            Command::AUTH => {
                if ok && self.authenticated {
                    a.expert(
                        Severity::Warning,
                        Group::ResponseCode,
                        "OK to an AUTH on a connection already authenticated; §3.4: ALREADY_AUTHENTICATED (C8)"
                            .to_string(),
                        st_span,
                    );
                } else if st == Status::ALREADY_AUTHENTICATED.0 as u16 && !self.authenticated {
                    a.expert(
                        Severity::Note,
                        Group::ResponseCode,
                        "ALREADY_AUTHENTICATED, but no successful AUTH was seen on this connection (C8)".to_string(),
                        st_span,
                    );
                }
                if ok || st == Status::ALREADY_AUTHENTICATED.0 as u16 {
                    self.authenticated = true;
                }
            }
            Command::OPVS => self.ack_opvs(a, &o, st, st_span, now, ts),
            Command::CLVS => self.ack_clvs(a, &o, st, st_span, now, ts),
            Command::SVLT if ok => {
                let list: Vec<String> = c.services().take(MAX_SERVICES).map(label).collect();
                self.services[role.index()] = list;
            }
            Command::SYNC if ok => self.ack_sync(a, c, st_span, now, ts),
            _ => {}
        }
    }

    fn ack_opvs(&mut self, a: &mut Analysis, o: &Outstanding, st: u16, span: Span, now: u64, ts: (i64, u32)) {
        let Some(id) = o.vs.filter(|id| !is_control_vs(*id)) else { return };
        let current = self.sockets.get(&id).cloned();
        let open_since = |s: &VirtualSocket| s.open_frame.or(s.opvs_frame).unwrap_or(0);
        if st == Status::OK.0 as u16 {
            if let Some(s) = current.as_ref().filter(|s| s.state == VsState::Open) {
                a.expert(
                    Severity::Warning,
                    Group::ResponseCode,
                    format!(
                        "OK to the OPVS of virtual socket {id}, open since frame {}; §3.4: VIRTUAL_SOCKET_ALREADY_OPEN \
                         (C8)",
                        open_since(s)
                    ),
                    span,
                );
            }
            let mut s = VirtualSocket::new(id, o.service.clone(), o.sender, VsState::Open);
            s.opvs_frame = Some(o.frame);
            s.open_frame = Some(now);
            s.open_ts = Some(ts);
            if let Some(old) = current.filter(|c| c.state == VsState::Opening) {
                s.frames = old.frames;
                s.bytes = old.bytes;
            }
            a.change(&s, "open");
            self.insert(a, s, span);
        } else if st == Status::VIRTUAL_SOCKET_ALREADY_OPEN.0 as u16 {
            match current {
                Some(s) if s.state == VsState::Open => {}
                other => {
                    a.expert(
                        Severity::Note,
                        Group::ResponseCode,
                        format!("VIRTUAL_SOCKET_ALREADY_OPEN for virtual socket {id}, which this capture has not seen open (C8)"),
                        span,
                    );
                    // The peer says it is open: believe it, so its data is not flagged.
                    let mut s =
                        other.unwrap_or_else(|| VirtualSocket::new(id, o.service.clone(), o.sender, VsState::Open));
                    s.state = VsState::Open;
                    s.opener = Role::by_parity(id);
                    s.open_frame = Some(now);
                    s.open_ts = Some(ts);
                    a.change(&s, "open");
                    self.insert(a, s, span);
                }
            }
        } else if let Some(s) = self.sockets.get_mut(&id) {
            if s.state == VsState::Opening {
                s.state = VsState::Refused(st);
                let s = s.clone();
                a.change(&s, "refused");
            }
        }
    }

    fn ack_clvs(&mut self, a: &mut Analysis, o: &Outstanding, st: u16, span: Span, now: u64, ts: (i64, u32)) {
        let Some(id) = o.vs.filter(|id| !is_control_vs(*id)) else { return };
        let open = self.sockets.get(&id).filter(|s| matches!(s.state, VsState::Open | VsState::Opening));
        if st == Status::OK.0 as u16 {
            if open.is_none() {
                let why = match self.sockets.get(&id) {
                    Some(VirtualSocket { close_frame: Some(f), .. }) => format!("closed in frame {f}"),
                    _ => "not open".to_string(),
                };
                a.expert(
                    Severity::Warning,
                    Group::ResponseCode,
                    format!(
                        "OK to the CLVS of virtual socket {id}, which is {why}; §3.4: VIRTUAL_SOCKET_ALREADY_CLOSED (C8)"
                    ),
                    span,
                );
            }
        } else if st == Status::VIRTUAL_SOCKET_ALREADY_CLOSED.0 as u16 {
            if let Some(s) = open.filter(|s| s.state == VsState::Open) {
                a.expert(
                    Severity::Warning,
                    Group::ResponseCode,
                    format!(
                        "VIRTUAL_SOCKET_ALREADY_CLOSED for virtual socket {id}, open since frame {} (C8)",
                        s.open_frame.or(s.opvs_frame).unwrap_or(0)
                    ),
                    span,
                );
            }
        } else {
            return;
        }
        // OK or ALREADY_CLOSED: the socket is closed now.
        if let Some(s) = self.sockets.get_mut(&id) {
            if s.state != VsState::Closed {
                s.state = VsState::Closed;
                s.close_frame = Some(now);
                s.close_ts = Some(ts);
                let s = s.clone();
                a.change(&s, "closed");
            }
        }
    }

    fn ack_sync(&mut self, a: &mut Analysis, c: &Control<'_>, span: Span, now: u64, ts: (i64, u32)) {
        let (pairs, _) = c.sv_vs_pairs();
        let listed: Vec<u16> = pairs.iter().map(|(_, v)| *v).collect();
        for (id, s) in &self.sockets {
            if s.state == VsState::Open && !listed.contains(id) {
                a.expert(
                    Severity::Note,
                    Group::Sequence,
                    format!(
                        "SYNC reply omits virtual socket {id}, open since frame {} (C8)",
                        s.open_frame.or(s.opvs_frame).unwrap_or(0)
                    ),
                    span,
                );
            }
        }
        for (sv, id) in pairs {
            if is_control_vs(id) || self.sockets.get(&id).is_some_and(|s| s.state == VsState::Open) {
                continue;
            }
            let mut s = VirtualSocket::new(id, label(sv), Role::by_parity(id), VsState::Open);
            s.from_sync = true;
            s.open_frame = Some(now);
            s.open_ts = Some(ts);
            a.change(&s, "open");
            self.insert(a, s, span);
        }
    }
}

impl StreamProtocol for CtpConversation {
    /// §3.1: 8 header bytes, then `payload size` bytes.
    fn pdu_len(&self, data: &[u8]) -> PduLen {
        match data.first() {
            None => PduLen::NeedAtLeast(HEADER_LEN),
            Some(&b) if b != ID => PduLen::Invalid,
            Some(_) => match parse_header(data) {
                Ok((_, len)) => PduLen::Len(HEADER_LEN + len),
                Err(_) => PduLen::NeedAtLeast(HEADER_LEN),
            },
        }
    }

    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, info: &PduInfo) {
        self.dissect_frame(ctx, tvb, info.dir);
    }

    fn resync(&self, data: &[u8]) -> Option<usize> {
        (0..data.len()).find(|&i| data.get(i..).is_some_and(|d| self.could_start(d)))
    }

    fn reassembled_name(&self) -> &'static str {
        "Reassembled CTP"
    }

    fn name(&self) -> &'static str {
        "CTP"
    }
}
