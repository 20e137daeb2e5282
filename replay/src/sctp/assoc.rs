//! One SCTP association as a sans-IO state machine (RFC 9260): packets in through
//! [`Association::handle`], packets out through [`Association::poll_transmit`], timers through
//! [`Association::poll_timeout`] / [`Association::handle_timeout`], what the user sees through
//! [`Association::poll_event`]. No sockets and no clock: every call takes `now`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use dissect::proto::sctp::{crc, Cause, ChecksumKind, Chunk, Data, GapBlock, Init, Packet, Param, Sack};
use dissect::proto::sctp::{CommonHeader, UnrecognizedAction};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::auth;
use super::cookie::{CookieAuth, CookieData};

/// Every limit and timer of an association. All buffers are bounded by these values.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest SCTP packet sent (common header included).
    pub mtu: usize,
    /// Outbound streams requested and inbound streams accepted (§5.1.1 OS / MIS).
    pub streams: u16,
    /// Receive buffer: the a_rwnd advertised (§6.2) and the bound on received, undelivered bytes.
    pub recv_buffer: u32,
    /// Bound on bytes queued for sending (unsent plus unacknowledged).
    pub send_buffer: usize,
    /// Largest user message accepted for sending or reassembled on receipt.
    pub max_message: usize,
    /// Bound on TSNs tracked above the cumulative TSN (gap reports).
    pub max_out_of_order: usize,
    /// RTO.Initial, RTO.Min, RTO.Max (§16).
    pub rto_initial: Duration,
    pub rto_min: Duration,
    pub rto_max: Duration,
    /// Max.Init.Retransmits (§16).
    pub max_init_retransmits: u32,
    /// Association.Max.Retrans (§16).
    pub max_retransmits: u32,
    /// Delayed SACK timer (§6.2: at most 500 ms).
    pub sack_delay: Duration,
    /// HB.interval (§8.3, §16).
    pub heartbeat_interval: Duration,
    /// Valid.Cookie.Life (§16).
    pub cookie_lifetime: Duration,
    /// Key of the State Cookie's HMAC-SHA-256.
    pub secret: [u8; 32],
    /// Seed of the tags and initial TSNs.
    pub seed: u64,
    /// Offer and accept PR-SCTP (RFC 3758): abandoned messages and FORWARD TSN.
    pub pr_sctp: bool,
    /// Offer SCTP-AUTH (RFC 4895), requiring the peer to authenticate these chunk types; `None`
    /// does not offer it.
    pub auth_chunks: Option<Vec<u8>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mtu: 1200,
            streams: 16,
            recv_buffer: 256 * 1024,
            send_buffer: 1024 * 1024,
            max_message: 64 * 1024,
            max_out_of_order: 4096,
            rto_initial: Duration::from_secs(3),
            rto_min: Duration::from_secs(1),
            rto_max: Duration::from_secs(60),
            max_init_retransmits: 8,
            max_retransmits: 10,
            sack_delay: Duration::from_millis(200),
            heartbeat_interval: Duration::from_secs(30),
            cookie_lifetime: Duration::from_secs(60),
            secret: [0x5c; 32],
            seed: 0,
            pr_sctp: true,
            auth_chunks: None,
        }
    }
}

/// The states of §4 (Closed also stands for "listening" on an association made by
/// [`Association::listen`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    CookieWait,
    CookieEchoed,
    Established,
    ShutdownPending,
    ShutdownSent,
    ShutdownReceived,
    ShutdownAckSent,
}

/// A received user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub stream: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub data: Vec<u8>,
}

/// What the association tells its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The handshake completed.
    Connected,
    /// A whole user message.
    Message(Message),
    /// The peer restarted the association (§5.2.4 case A): what was queued or in flight is
    /// gone, sequence numbers start over.
    Restarted,
    /// The peer started a graceful shutdown (§9.2): no more messages can be sent.
    PeerShutdown,
    /// The peer reported errors in an ERROR chunk (§3.3.10); the causes, formatted.
    PeerError(String),
    /// The association ended gracefully.
    Closed,
    /// The association ended abruptly: ABORT sent or received, or too many retransmissions.
    Aborted(String),
}

/// Per-message options of [`Association::send_with`]: PR-SCTP policies (RFC 3758 §4), used
/// when the peer supports PR-SCTP; the message is abandoned at its first retransmission past
/// either limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// Timed reliability: abandon the message once this long has passed since it was queued.
    pub lifetime: Option<Duration>,
    /// Limited retransmissions: abandon the message rather than retransmit it more often.
    pub max_retransmits: Option<u32>,
}

/// Why a message was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("the association is not open for sending")]
    NotOpen,
    #[error("stream {0} is beyond the negotiated streams")]
    InvalidStream(u16),
    #[error("empty message")]
    Empty,
    #[error("message of {0} bytes is larger than the configured maximum")]
    TooLarge(usize),
    #[error("send buffer full")]
    BufferFull,
}

/// Counters for tests and reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub packets_in: u64,
    pub packets_out: u64,
    pub bad_checksum: u64,
    pub malformed: u64,
    pub bad_tag: u64,
    pub data_chunks_out: u64,
    pub retransmitted_chunks: u64,
    pub fast_retransmits: u64,
    pub t3_expiries: u64,
    pub t1_expiries: u64,
    pub duplicate_tsns_in: u64,
    pub dropped_no_room: u64,
    pub sacks_out: u64,
    pub gap_blocks_out: u64,
    pub heartbeats_out: u64,
    pub abandoned_messages: u64,
    pub forward_tsns_out: u64,
    pub forward_tsns_in: u64,
    pub auth_chunks_out: u64,
    pub auth_verified: u64,
    pub auth_failed: u64,
    pub unauthenticated_dropped: u64,
}

#[derive(Debug, Clone)]
struct OutChunk {
    tsn: u64,
    stream: u16,
    ssn: u16,
    ppid: u32,
    unordered: bool,
    beginning: bool,
    ending: bool,
    data: Vec<u8>,
    tx_count: u32,
    gap_acked: bool,
    /// Marked for retransmission (T3 expiry or fast retransmit).
    retransmit: bool,
    misses: u32,
    fast_retransmitted: bool,
    /// The user message it belongs to (a counter), to abandon all its fragments together.
    msg: u64,
    abandon_at: Option<Instant>,
    max_retransmits: Option<u32>,
    /// Abandoned (RFC 3758 §3.5): neither retransmitted nor counted in flight.
    abandoned: bool,
}

#[derive(Debug, Clone)]
struct RxChunk {
    stream: u16,
    ssn: u16,
    ppid: u32,
    unordered: bool,
    beginning: bool,
    ending: bool,
    data: Vec<u8>,
}

#[derive(Debug, Default)]
struct InStream {
    next_ssn: u16,
    pending: HashMap<u16, Message>,
}

/// Which of the two shutdown chunks T2 retransmits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShutdownChunk {
    Shutdown,
    ShutdownAck,
}

/// Bound on duplicate TSNs reported in one SACK.
const MAX_DUPS: usize = 16;
/// Clock granularity G of §6.3.1.
const GRANULARITY: Duration = Duration::from_millis(1);

/// An SCTP association.
pub struct Association {
    cfg: Config,
    rng: ChaCha8Rng,
    epoch: Instant,
    state: State,
    listening: bool,
    local_port: u16,
    remote_port: u16,
    my_tag: u32,
    peer_tag: u32,

    /// INIT or COOKIE ECHO, emitted, for T1 retransmissions.
    handshake_chunk: Option<Vec<u8>>,
    t1: Option<Instant>,
    init_retries: u32,

    next_tsn: u64,
    /// Our Initial TSN (for the INIT ACK of an INIT collision).
    my_itsn: u32,
    /// Highest TSN the peer acknowledged cumulatively.
    cum_ack: u64,
    out_streams: u16,
    in_streams: u16,
    ssn_out: Vec<u16>,
    unsent: VecDeque<OutChunk>,
    sent: VecDeque<OutChunk>,
    queued_bytes: usize,
    peer_rwnd: u32,
    cwnd: usize,
    ssthresh: usize,
    partial_bytes_acked: usize,
    fast_recovery: Option<u64>,
    fast_rtx_pending: bool,
    srtt: Option<Duration>,
    rttvar: Duration,
    rto: Duration,
    rtt_probe: Option<(u64, Instant)>,
    t3: Option<Instant>,
    error_count: u32,

    /// Highest TSN received with every TSN before it.
    peer_cum: u64,
    above: BTreeSet<u64>,
    rx: BTreeMap<u64, RxChunk>,
    held_bytes: usize,
    in_stream_state: HashMap<u16, InStream>,
    dups: Vec<u32>,
    sack_now: bool,
    sack_timer: Option<Instant>,
    data_packets_unacked: u32,

    ctrl: VecDeque<Vec<u8>>,
    /// Packets with their own verification tag: INIT, a listener's INIT ACK, T-bit replies.
    special: VecDeque<(u32, Vec<u8>)>,
    events: VecDeque<Event>,

    t2: Option<Instant>,
    shutdown_chunk: Option<ShutdownChunk>,
    hb_timer: Option<Instant>,
    hb_outstanding: Option<u64>,
    stats: Stats,
    /// Both ends support PR-SCTP.
    peer_pr_sctp: bool,
    /// Advanced.Peer.Ack.Point (RFC 3758 §3.5).
    adv_peer_ack: u64,
    fwd_tsn_pending: bool,
    msg_counter: u64,
    auth_random: [u8; 32],
    auth: Option<AuthState>,
}

/// Negotiated SCTP-AUTH (RFC 4895).
#[derive(Debug, Clone)]
struct AuthState {
    key: Vec<u8>,
    send_hmac: u16,
    peer_requires: Vec<u8>,
    we_require: Vec<u8>,
}

/// The TSN nearest to `base` whose low 32 bits are `tsn` (serial arithmetic, RFC 1982).
fn unwrap_tsn(base: u64, tsn: u32) -> u64 {
    let d = tsn.wrapping_sub(base as u32) as i32 as i64;
    (base as i64 + d).max(0) as u64
}

fn emit_chunk(c: &Chunk<'_>) -> Vec<u8> {
    let mut v = Vec::new();
    c.emit(&mut v);
    v
}

impl Association {
    fn new(cfg: Config, local_port: u16, remote_port: u16, now: Instant, listening: bool) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
        let my_tag = rng.random_range(1..=u32::MAX);
        let itsn: u32 = rng.random();
        let auth_random: [u8; 32] = rng.random();
        let mtu = cfg.mtu;
        Association {
            rto: cfg.rto_initial,
            rng,
            epoch: now,
            state: State::Closed,
            listening,
            local_port,
            remote_port,
            my_tag: if listening { 0 } else { my_tag },
            peer_tag: 0,
            handshake_chunk: None,
            t1: None,
            init_retries: 0,
            next_tsn: itsn as u64 + (1 << 32),
            my_itsn: itsn,
            cum_ack: itsn as u64 + (1 << 32) - 1,
            out_streams: cfg.streams,
            in_streams: cfg.streams,
            ssn_out: vec![0; cfg.streams as usize],
            unsent: VecDeque::new(),
            sent: VecDeque::new(),
            queued_bytes: 0,
            peer_rwnd: 0,
            // §7.2.1: initial cwnd min(4 MTU, max(2 MTU, 4380)).
            cwnd: (4 * mtu).min((2 * mtu).max(4380)),
            ssthresh: usize::MAX,
            partial_bytes_acked: 0,
            fast_recovery: None,
            fast_rtx_pending: false,
            srtt: None,
            rttvar: Duration::ZERO,
            rtt_probe: None,
            t3: None,
            error_count: 0,
            peer_cum: 0,
            above: BTreeSet::new(),
            rx: BTreeMap::new(),
            held_bytes: 0,
            in_stream_state: HashMap::new(),
            dups: Vec::new(),
            sack_now: false,
            sack_timer: None,
            data_packets_unacked: 0,
            ctrl: VecDeque::new(),
            special: VecDeque::new(),
            events: VecDeque::new(),
            t2: None,
            shutdown_chunk: None,
            hb_timer: None,
            hb_outstanding: None,
            stats: Stats::default(),
            peer_pr_sctp: false,
            adv_peer_ack: 0,
            fwd_tsn_pending: false,
            msg_counter: 0,
            auth_random,
            auth: None,
            cfg,
        }
    }

    /// An association that starts the handshake (§5.1 step A): INIT goes out on the first
    /// [`poll_transmit`](Self::poll_transmit).
    pub fn connect(cfg: Config, local_port: u16, remote_port: u16, now: Instant) -> Self {
        let mut a = Self::new(cfg, local_port, remote_port, now, false);
        let init = Init {
            initiate_tag: a.my_tag,
            a_rwnd: a.cfg.recv_buffer,
            outbound_streams: a.cfg.streams,
            inbound_streams: a.cfg.streams,
            initial_tsn: a.next_tsn as u32,
            params: a.own_params(),
        };
        let c = emit_chunk(&Chunk::Init(init));
        a.special.push_back((0, c.clone()));
        a.handshake_chunk = Some(c);
        a.state = State::CookieWait;
        a.t1 = Some(now + a.rto);
        a
    }

    /// The optional parameters of our INIT or INIT ACK.
    fn own_params(&self) -> Vec<Param<'_>> {
        let mut v = vec![Param::SupportedAddressTypes(vec![5, 6])];
        if self.cfg.pr_sctp {
            v.push(Param::ForwardTsnSupported);
        }
        if let Some(req) = &self.cfg.auth_chunks {
            v.extend(auth::our_params(&self.auth_random, req));
            // RFC 4895 §3 with RFC 5061 §4.2.7: AUTH listed among the supported extensions.
            let mut ext = vec![dissect::proto::sctp::ChunkType::AUTH];
            if self.cfg.pr_sctp {
                ext.push(dissect::proto::sctp::ChunkType::FORWARD_TSN);
            }
            v.push(Param::SupportedExtensions(ext));
        }
        v
    }

    /// SCTP-AUTH state from the peer's INIT or INIT ACK parameters, when both sides offer it.
    fn negotiate_auth(&self, peer: &[Param<'_>]) -> Option<CookieAuth> {
        let req = self.cfg.auth_chunks.as_ref()?;
        if !auth::peer_offers(peer) {
            return None;
        }
        let ours = auth::key_vector(&auth::our_params(&self.auth_random, req));
        Some(CookieAuth {
            send_hmac: auth::choose_hmac(peer),
            peer_requires: auth::peer_required(peer),
            key: auth::association_key(&ours, &auth::key_vector(peer)),
        })
    }

    fn set_auth(&mut self, a: Option<CookieAuth>) {
        let we_require = self.cfg.auth_chunks.clone().unwrap_or_default();
        self.auth =
            a.map(|a| AuthState { key: a.key, send_hmac: a.send_hmac, peer_requires: a.peer_requires, we_require });
    }

    /// An association that waits for an INIT on `local_port`, answering it statelessly with a
    /// signed cookie (§5.1 step B) and becoming established on a valid COOKIE ECHO.
    pub fn listen(cfg: Config, local_port: u16, now: Instant) -> Self {
        Self::new(cfg, local_port, 0, now, true)
    }

    pub fn state(&self) -> State {
        self.state
    }
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// The current retransmission timeout.
    pub fn rto(&self) -> Duration {
        self.rto
    }
    pub fn cwnd(&self) -> usize {
        self.cwnd
    }
    pub fn ssthresh(&self) -> usize {
        self.ssthresh
    }
    /// Streams negotiated in each direction (outbound, inbound).
    pub fn streams(&self) -> (u16, u16) {
        (self.out_streams, self.in_streams)
    }
    /// The peer's SCTP port (learnt from the INIT when listening).
    pub fn remote_port(&self) -> u16 {
        self.remote_port
    }
    /// Bytes queued for sending and not yet acknowledged.
    pub fn buffered(&self) -> usize {
        self.queued_bytes
    }
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed && !self.listening
    }

    /// Largest fragment: one DATA chunk fills a packet, leaving room for an AUTH chunk when
    /// AUTH is offered.
    fn max_payload(&self) -> usize {
        let auth_room = if self.cfg.auth_chunks.is_some() { 8 + 32 } else { 0 };
        self.cfg.mtu.saturating_sub(CommonHeader::LEN + 16 + auth_room).max(1)
    }

    /// Queue a user message (§6.1, fragmented per §6.9), fully reliable.
    pub fn send(&mut self, stream: u16, ppid: u32, unordered: bool, data: &[u8]) -> Result<(), SendError> {
        self.send_with(stream, ppid, unordered, data, SendOptions::default(), self.epoch)
    }

    /// Queue a user message with PR-SCTP options; `now` starts its lifetime.
    pub fn send_with(
        &mut self,
        stream: u16,
        ppid: u32,
        unordered: bool,
        data: &[u8],
        opts: SendOptions,
        now: Instant,
    ) -> Result<(), SendError> {
        match self.state {
            State::CookieWait | State::CookieEchoed | State::Established => {}
            _ => return Err(SendError::NotOpen),
        }
        if stream >= self.out_streams {
            return Err(SendError::InvalidStream(stream));
        }
        if data.is_empty() {
            return Err(SendError::Empty);
        }
        if data.len() > self.cfg.max_message {
            return Err(SendError::TooLarge(data.len()));
        }
        if self.queued_bytes + data.len() > self.cfg.send_buffer {
            return Err(SendError::BufferFull);
        }
        let ssn = if unordered {
            0
        } else {
            let s = &mut self.ssn_out[stream as usize];
            let v = *s;
            *s = s.wrapping_add(1);
            v
        };
        let frag = self.max_payload();
        let n = data.len().div_ceil(frag);
        self.msg_counter += 1;
        let abandon_at = opts.lifetime.map(|l| now + l);
        for (i, piece) in data.chunks(frag).enumerate() {
            self.unsent.push_back(OutChunk {
                tsn: self.next_tsn,
                stream,
                ssn,
                ppid,
                unordered,
                beginning: i == 0,
                ending: i + 1 == n,
                data: piece.to_vec(),
                tx_count: 0,
                gap_acked: false,
                retransmit: false,
                misses: 0,
                fast_retransmitted: false,
                msg: self.msg_counter,
                abandon_at,
                max_retransmits: opts.max_retransmits,
                abandoned: false,
            });
            self.next_tsn += 1;
        }
        self.queued_bytes += data.len();
        Ok(())
    }

    /// Start a graceful shutdown (§9.2): SHUTDOWN goes out once everything sent is acknowledged.
    pub fn close(&mut self, now: Instant) {
        match self.state {
            State::Established => {
                self.state = State::ShutdownPending;
                self.check_shutdown(now);
            }
            State::CookieWait | State::CookieEchoed => self.abort(now, "closed during the handshake"),
            _ => {}
        }
    }

    /// Send ABORT with a User-Initiated Abort cause (§9.1, §3.3.10.12) and close at once.
    pub fn abort(&mut self, _now: Instant, reason: &str) {
        if self.state == State::Closed {
            return;
        }
        let tag = if self.state == State::CookieWait { 0 } else { self.peer_tag };
        if self.state != State::CookieWait {
            let causes = vec![Cause::UserInitiatedAbort { reason: reason.as_bytes() }];
            self.special.push_back((tag, emit_chunk(&Chunk::Abort { tag_reflected: false, causes })));
        }
        self.terminate(Event::Aborted(format!("local: {reason}")));
    }

    fn terminate(&mut self, ev: Event) {
        self.state = State::Closed;
        self.listening = false;
        self.t1 = None;
        self.t2 = None;
        self.t3 = None;
        self.sack_timer = None;
        self.hb_timer = None;
        self.ctrl.clear();
        self.unsent.clear();
        self.sent.clear();
        self.queued_bytes = 0;
        self.events.push_back(ev);
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        let ev = self.events.pop_front()?;
        if let Event::Message(m) = &ev {
            self.held_bytes = self.held_bytes.saturating_sub(m.data.len());
        }
        Some(ev)
    }

    /// The earliest timer.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.t1, self.t2, self.t3, self.sack_timer, self.hb_timer].into_iter().flatten().min()
    }

    fn a_rwnd(&self) -> u32 {
        (self.cfg.recv_buffer as usize).saturating_sub(self.held_bytes) as u32
    }

    fn backoff(&mut self) {
        self.rto = (self.rto * 2).min(self.cfg.rto_max);
    }

    /// RTO calculation, §6.3.1 (α = 1/8, β = 1/4).
    fn measure_rtt(&mut self, r: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                let diff = srtt.abs_diff(r);
                self.rttvar = self.rttvar * 3 / 4 + diff / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        let srtt = self.srtt.unwrap_or(r);
        self.rto = (srtt + (self.rttvar * 4).max(GRANULARITY)).clamp(self.cfg.rto_min, self.cfg.rto_max);
    }

    /// Fire every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.t1.is_some_and(|t| t <= now) {
            self.on_t1(now);
        }
        if self.t3.is_some_and(|t| t <= now) {
            self.on_t3(now);
        }
        if self.t2.is_some_and(|t| t <= now) {
            self.on_t2(now);
        }
        if self.sack_timer.is_some_and(|t| t <= now) {
            self.sack_timer = None;
            self.sack_now = true;
        }
        if self.hb_timer.is_some_and(|t| t <= now) {
            self.on_heartbeat_timer(now);
        }
    }

    /// T1-init / T1-cookie expiry, §5.1 steps C and D.
    fn on_t1(&mut self, now: Instant) {
        self.stats.t1_expiries += 1;
        self.init_retries += 1;
        if self.init_retries > self.cfg.max_init_retransmits {
            self.terminate(Event::Aborted("handshake: peer unreachable".into()));
            return;
        }
        self.backoff();
        if let Some(c) = self.handshake_chunk.clone() {
            match self.state {
                State::CookieWait => self.special.push_back((0, c)),
                State::CookieEchoed => self.ctrl.push_back(c),
                _ => {}
            }
        }
        self.t1 = Some(now + self.rto);
    }

    /// T3-rtx expiry, §6.3.3 and §7.2.3.
    fn on_t3(&mut self, now: Instant) {
        self.t3 = None;
        if self.sent.iter().all(|c| c.gap_acked || c.retransmit || c.abandoned) && !self.fwd_tsn_outstanding() {
            return;
        }
        self.stats.t3_expiries += 1;
        self.error_count += 1;
        if self.error_count > self.cfg.max_retransmits {
            self.abort_unreachable();
            return;
        }
        self.backoff();
        self.ssthresh = (self.cwnd / 2).max(4 * self.cfg.mtu);
        self.cwnd = self.cfg.mtu;
        self.partial_bytes_acked = 0;
        self.fast_recovery = None;
        self.fast_rtx_pending = false;
        self.rtt_probe = None;
        for c in self.sent.iter_mut().filter(|c| !c.gap_acked && !c.abandoned) {
            c.retransmit = true;
        }
        self.abandon(now);
        if self.adv_peer_ack > self.cum_ack {
            self.fwd_tsn_pending = true;
        }
        self.t3 = Some(now + self.rto);
    }

    /// RFC 3758 §3.5 A3/A5: chunks marked for retransmission whose message's lifetime is over or
    /// retransmission limit reached are abandoned with every other fragment of their message,
    /// and Advanced.Peer.Ack.Point moves over the abandoned chunks that follow the cumulative
    /// TSN ack (C1-C3), which a FORWARD TSN then announces.
    fn abandon(&mut self, now: Instant) {
        if !self.peer_pr_sctp {
            return;
        }
        let expired = |c: &OutChunk| {
            c.retransmit
                && (c.abandon_at.is_some_and(|t| t <= now) || c.max_retransmits.is_some_and(|m| c.tx_count > m))
        };
        let mut msgs: Vec<u64> = self.sent.iter().filter(|c| !c.abandoned && expired(c)).map(|c| c.msg).collect();
        msgs.dedup();
        for m in msgs {
            self.stats.abandoned_messages += 1;
            for c in self.sent.iter_mut().filter(|c| c.msg == m) {
                c.abandoned = true;
                c.retransmit = false;
                c.fast_retransmitted = false;
            }
            // Fragments of the message not sent yet are at the front of the queue.
            while self.unsent.front().is_some_and(|c| c.msg == m) {
                if let Some(mut c) = self.unsent.pop_front() {
                    c.abandoned = true;
                    self.sent.push_back(c);
                }
            }
        }
        let mut adv = self.adv_peer_ack.max(self.cum_ack);
        for c in self.sent.iter() {
            if c.tsn <= adv {
                continue;
            }
            if c.tsn == adv + 1 && c.abandoned {
                adv = c.tsn;
            } else {
                break;
            }
        }
        if adv > self.adv_peer_ack.max(self.cum_ack) {
            self.adv_peer_ack = adv;
            self.fwd_tsn_pending = true;
        }
    }

    /// The FORWARD TSN chunk for the current Advanced.Peer.Ack.Point (RFC 3758 §3.2), with the
    /// highest abandoned SSN of each stream whose ordered messages it skips.
    fn build_forward_tsn(&mut self) -> Vec<u8> {
        let mut per_stream: BTreeMap<u16, u16> = BTreeMap::new();
        for c in self.sent.iter().filter(|c| c.tsn <= self.adv_peer_ack && c.abandoned && !c.unordered) {
            let e = per_stream.entry(c.stream).or_insert(c.ssn);
            if (c.ssn.wrapping_sub(*e) as i16) > 0 {
                *e = c.ssn;
            }
        }
        let streams = per_stream
            .into_iter()
            .map(|(stream_id, ssn)| dissect::proto::sctp::ForwardTsnStream { stream_id, ssn })
            .collect();
        self.fwd_tsn_pending = false;
        self.stats.forward_tsns_out += 1;
        emit_chunk(&Chunk::ForwardTsn { new_cum_tsn: self.adv_peer_ack as u32, streams })
    }

    /// FORWARD TSN received (RFC 3758 §3.6): the TSNs up to the new cumulative TSN are treated as
    /// received, their partial messages dropped, and ordered delivery moves past the skipped
    /// SSNs (delivering what waited behind them).
    fn on_forward_tsn(&mut self, new_cum_tsn: u32, streams: &[dissect::proto::sctp::ForwardTsnStream]) {
        if !matches!(self.state, State::Established | State::ShutdownPending | State::ShutdownSent) {
            return;
        }
        self.stats.forward_tsns_in += 1;
        self.sack_now = true;
        let nc = unwrap_tsn(self.peer_cum, new_cum_tsn);
        if nc <= self.peer_cum {
            return;
        }
        let keep = self.rx.split_off(&(nc + 1));
        let dropped = std::mem::replace(&mut self.rx, keep);
        let bytes: usize = dropped.values().map(|r| r.data.len()).sum();
        self.held_bytes = self.held_bytes.saturating_sub(bytes);
        self.above = self.above.split_off(&(nc + 1));
        self.peer_cum = nc;
        while self.above.first() == Some(&(self.peer_cum + 1)) {
            self.above.pop_first();
            self.peer_cum += 1;
        }
        for s in streams {
            if s.stream_id >= self.in_streams {
                continue;
            }
            let st = self.in_stream_state.entry(s.stream_id).or_default();
            let new_next = s.ssn.wrapping_add(1);
            if (new_next.wrapping_sub(st.next_ssn) as i16) <= 0 {
                continue;
            }
            while st.next_ssn != new_next {
                if let Some(m) = st.pending.remove(&st.next_ssn) {
                    self.events.push_back(Event::Message(m));
                }
                st.next_ssn = st.next_ssn.wrapping_add(1);
            }
            while let Some(m) = st.pending.remove(&st.next_ssn) {
                self.events.push_back(Event::Message(m));
                st.next_ssn = st.next_ssn.wrapping_add(1);
            }
        }
    }

    fn fwd_tsn_outstanding(&self) -> bool {
        self.peer_pr_sctp && self.adv_peer_ack > self.cum_ack
    }

    fn abort_unreachable(&mut self) {
        let causes = vec![Cause::ProtocolViolation { info: b"too many retransmissions" }];
        self.special.push_back((self.peer_tag, emit_chunk(&Chunk::Abort { tag_reflected: false, causes })));
        self.terminate(Event::Aborted("peer unreachable: too many retransmissions".into()));
    }

    /// T2-shutdown expiry, §9.2.
    fn on_t2(&mut self, now: Instant) {
        self.error_count += 1;
        if self.error_count > self.cfg.max_retransmits {
            self.abort_unreachable();
            return;
        }
        self.backoff();
        self.queue_shutdown_chunk();
        self.t2 = Some(now + self.rto);
    }

    fn queue_shutdown_chunk(&mut self) {
        match self.shutdown_chunk {
            Some(ShutdownChunk::Shutdown) => {
                let c = emit_chunk(&Chunk::Shutdown { cum_tsn_ack: self.peer_cum as u32 });
                self.ctrl.push_back(c);
            }
            Some(ShutdownChunk::ShutdownAck) => self.ctrl.push_back(emit_chunk(&Chunk::ShutdownAck)),
            None => {}
        }
    }

    /// HEARTBEAT path supervision, §8.3: an idle path is probed every HB.interval + RTO; an
    /// unanswered probe counts as an error and doubles the RTO.
    fn on_heartbeat_timer(&mut self, now: Instant) {
        self.hb_timer = None;
        if self.state != State::Established {
            return;
        }
        if self.hb_outstanding.take().is_some() {
            self.error_count += 1;
            self.backoff();
            if self.error_count > self.cfg.max_retransmits {
                self.abort_unreachable();
                return;
            }
        }
        if self.sent.is_empty() {
            let nonce: u64 = self.rng.random();
            let ms = now.saturating_duration_since(self.epoch).as_millis() as u64;
            let mut info = nonce.to_be_bytes().to_vec();
            info.extend_from_slice(&ms.to_be_bytes());
            self.ctrl.push_back(emit_chunk(&Chunk::Heartbeat { params: vec![Param::HeartbeatInfo(&info)] }));
            self.hb_outstanding = Some(nonce);
            self.stats.heartbeats_out += 1;
        }
        self.hb_timer = Some(now + self.cfg.heartbeat_interval + self.rto);
    }

    /// Process one received SCTP packet (checksum, tags and chunks).
    pub fn handle(&mut self, packet: &[u8], now: Instant) {
        self.stats.packets_in += 1;
        if crc::verify(packet) != Some(ChecksumKind::Crc32c) {
            self.stats.bad_checksum += 1;
            return;
        }
        let Ok(p) = Packet::parse(packet) else {
            self.stats.malformed += 1;
            return;
        };
        let h = p.header;
        if h.dst_port != self.local_port || (!self.listening && h.src_port != self.remote_port) {
            return;
        }
        let first = p.chunks.first();
        // §8.5.1: tag rules for the chunks that do not carry the receiver's own tag.
        match first {
            Some(Chunk::Init(_)) => {
                if h.verification_tag != 0 || p.chunks.len() != 1 {
                    self.stats.bad_tag += 1;
                    return;
                }
            }
            Some(Chunk::Abort { tag_reflected, .. }) => {
                let want = if *tag_reflected { self.peer_tag } else { self.my_tag };
                if self.state == State::Closed || h.verification_tag != want {
                    self.stats.bad_tag += 1;
                    return;
                }
                self.terminate(Event::Aborted(format!("peer: {:?}", p.chunks[0])));
                return;
            }
            Some(Chunk::ShutdownComplete { tag_reflected }) => {
                let want = if *tag_reflected { self.peer_tag } else { self.my_tag };
                if self.state == State::ShutdownAckSent && h.verification_tag == want {
                    self.terminate(Event::Closed);
                }
                return;
            }
            Some(Chunk::ShutdownAck) if self.state == State::Closed => {
                // §8.4 item 5: out of the blue SHUTDOWN ACK.
                let c = emit_chunk(&Chunk::ShutdownComplete { tag_reflected: true });
                self.special.push_back((h.verification_tag, c));
                return;
            }
            // The cookie's own tag is checked once its MAC is (§5.1.5, §5.2.4).
            Some(Chunk::CookieEcho { .. }) => {}
            _ => {
                if self.state == State::Closed || h.verification_tag != self.my_tag {
                    self.stats.bad_tag += 1;
                    return;
                }
            }
        }
        let mut got_data = false;
        let body = packet.get(CommonHeader::LEN..).unwrap_or_default();
        let offsets = auth::chunk_offsets(body);
        let mut authenticated = false;
        for (i, c) in p.chunks.iter().enumerate() {
            if self.state == State::Closed && !self.listening {
                break;
            }
            // RFC 4895 §6.3: an AUTH chunk covers what follows it; required chunks without one
            // are dropped.
            if let Some(a) = &self.auth {
                if let Chunk::Auth(_) = c {
                    authenticated = offsets.get(i).is_some_and(|&o| auth::verify(body, o, &a.key));
                    if authenticated {
                        self.stats.auth_verified += 1;
                    } else {
                        self.stats.auth_failed += 1;
                        return;
                    }
                    continue;
                }
                if !authenticated && a.we_require.contains(&c.ty().0) {
                    self.stats.unauthenticated_dropped += 1;
                    continue;
                }
            }
            match c {
                Chunk::Init(init) => self.on_init(init, h.src_port, now),
                Chunk::InitAck(ack) => self.on_init_ack(ack, now),
                Chunk::CookieEcho { cookie } => {
                    if !self.on_cookie_echo(cookie, h.verification_tag, h.src_port, now) {
                        return;
                    }
                }
                Chunk::CookieAck => {
                    if self.state == State::CookieEchoed {
                        self.state = State::Established;
                        self.t1 = None;
                        self.handshake_chunk = None;
                        self.error_count = 0;
                        self.hb_timer = Some(now + self.cfg.heartbeat_interval + self.rto);
                        self.events.push_back(Event::Connected);
                    }
                }
                Chunk::Data(d) => {
                    got_data = true;
                    self.on_data(d);
                }
                Chunk::Sack(s) => self.on_sack(s, now),
                Chunk::Heartbeat { params } => {
                    let c = emit_chunk(&Chunk::HeartbeatAck { params: params.clone() });
                    self.ctrl.push_back(c);
                }
                Chunk::HeartbeatAck { params } => self.on_heartbeat_ack(params, now),
                Chunk::Shutdown { cum_tsn_ack } => self.on_shutdown(*cum_tsn_ack, now),
                Chunk::ShutdownAck => {
                    if matches!(self.state, State::ShutdownSent | State::ShutdownAckSent) {
                        let c = emit_chunk(&Chunk::ShutdownComplete { tag_reflected: false });
                        self.special.push_back((self.peer_tag, c));
                        self.terminate(Event::Closed);
                    }
                }
                Chunk::Error { causes } => {
                    let s = causes.iter().map(|c| format!("{:?}", c.code())).collect::<Vec<_>>().join(", ");
                    self.events.push_back(Event::PeerError(s));
                }
                Chunk::ForwardTsn { new_cum_tsn, streams } if self.cfg.pr_sctp => {
                    self.on_forward_tsn(*new_cum_tsn, streams);
                }
                Chunk::Abort { .. } | Chunk::ShutdownComplete { .. } | Chunk::Auth(_) => {}
                other => {
                    // §3.2: the upper two bits of an unprocessed chunk type.
                    let action = other.ty().action();
                    if matches!(action, UnrecognizedAction::StopAndReport | UnrecognizedAction::SkipAndReport) {
                        let raw = emit_chunk(other);
                        let cause = Cause::UnrecognizedChunkType { chunk: &raw };
                        self.ctrl.push_back(emit_chunk(&Chunk::Error { causes: vec![cause] }));
                    }
                    if matches!(action, UnrecognizedAction::Stop | UnrecognizedAction::StopAndReport) {
                        break;
                    }
                }
            }
        }
        if got_data {
            self.after_data(now);
        }
        self.check_shutdown(now);
    }

    /// INIT received: answered statelessly when listening (§5.1 step B); in COOKIE-WAIT or
    /// COOKIE-ECHOED (an INIT collision, §5.2.1) answered with our own tag and Initial TSN so
    /// both handshakes lead to the same association. Ignored in other states (restart, §5.2.2,
    /// is not implemented).
    fn on_init(&mut self, init: &Init<'_>, src_port: u16, now: Instant) {
        if init.initiate_tag == 0 {
            return;
        }
        let mut tie = (0, 0);
        let (my_tag, my_itsn) = if self.listening && self.state == State::Closed {
            self.auth_random = self.rng.random();
            (self.rng.random_range(1..=u32::MAX), self.rng.random())
        } else if matches!(self.state, State::CookieWait | State::CookieEchoed) {
            (self.my_tag, self.my_itsn)
        } else if matches!(self.state, State::Established | State::ShutdownPending | State::ShutdownReceived)
            && init.initiate_tag != self.peer_tag
        {
            // §5.2.2: an unexpected INIT (the peer restarted): a new tag, the Tie-Tags of the
            // association in place.
            tie = (self.my_tag, self.peer_tag);
            (self.rng.random_range(1..=u32::MAX), self.rng.random())
        } else {
            return;
        };
        let cookie = CookieData {
            my_tag,
            peer_tag: init.initiate_tag,
            my_initial_tsn: my_itsn,
            peer_initial_tsn: init.initial_tsn,
            peer_rwnd: init.a_rwnd,
            out_streams: self.cfg.streams.min(init.inbound_streams),
            in_streams: self.cfg.streams.min(init.outbound_streams),
            peer_port: src_port,
            created_ms: now.saturating_duration_since(self.epoch).as_millis() as u64,
            pr_sctp: self.cfg.pr_sctp && init.params.contains(&Param::ForwardTsnSupported),
            my_tie_tag: tie.0,
            peer_tie_tag: tie.1,
            auth: self.negotiate_auth(&init.params),
        }
        .seal(&self.cfg.secret);
        // §3.3.2.1: parameters to report as unrecognized (upper bits 01 or 11).
        let mut unrecognized: Vec<Vec<u8>> = Vec::new();
        for p in &init.params {
            let known = matches!(
                p,
                Param::Ipv4(_)
                    | Param::Ipv6(_)
                    | Param::SupportedAddressTypes(_)
                    | Param::CookiePreservative(_)
                    | Param::HostName(_)
            ) || (self.cfg.pr_sctp && matches!(p, Param::ForwardTsnSupported))
                || (self.cfg.auth_chunks.is_some()
                    && matches!(p, Param::Random(_) | Param::ChunkList(_) | Param::HmacAlgo(_)));
            if !known && (p.ty().0 >> 14) & 1 == 1 && unrecognized.len() < 8 {
                let mut raw = Vec::new();
                p.emit(&mut raw);
                unrecognized.push(raw);
            }
        }
        let mut params = vec![Param::StateCookie(&cookie)];
        if self.cfg.pr_sctp && init.params.contains(&Param::ForwardTsnSupported) {
            params.push(Param::ForwardTsnSupported);
        }
        if let Some(req) = &self.cfg.auth_chunks {
            if auth::peer_offers(&init.params) {
                params.extend(auth::our_params(&self.auth_random, req));
            }
        }
        params.extend(unrecognized.iter().map(|r| Param::UnrecognizedParameter(r)));
        let ack = Init {
            initiate_tag: my_tag,
            a_rwnd: self.cfg.recv_buffer,
            outbound_streams: self.cfg.streams.min(init.inbound_streams),
            inbound_streams: self.cfg.streams,
            initial_tsn: my_itsn,
            params,
        };
        let c = emit_chunk(&Chunk::InitAck(ack));
        if self.listening {
            self.remote_port = src_port;
        }
        self.special.push_back((init.initiate_tag, c));
    }

    /// INIT ACK received in COOKIE-WAIT (§5.1 step C).
    fn on_init_ack(&mut self, ack: &Init<'_>, now: Instant) {
        if self.state != State::CookieWait || ack.initiate_tag == 0 {
            return;
        }
        let Some(cookie) = ack.params.iter().find_map(|p| match p {
            Param::StateCookie(c) => Some(*c),
            _ => None,
        }) else {
            return;
        };
        self.peer_tag = ack.initiate_tag;
        self.peer_pr_sctp = self.cfg.pr_sctp && ack.params.contains(&Param::ForwardTsnSupported);
        let a = self.negotiate_auth(&ack.params);
        self.set_auth(a);
        self.peer_cum = unwrap_tsn(1 << 32, ack.initial_tsn.wrapping_sub(1));
        self.peer_rwnd = ack.a_rwnd;
        self.out_streams = self.cfg.streams.min(ack.inbound_streams);
        self.in_streams = self.cfg.streams.min(ack.outbound_streams);
        self.ssn_out.truncate(self.out_streams as usize);
        let c = emit_chunk(&Chunk::CookieEcho { cookie });
        self.ctrl.push_back(c.clone());
        self.handshake_chunk = Some(c);
        self.state = State::CookieEchoed;
        self.init_retries = 0;
        self.t1 = Some(now + self.rto);
    }

    /// COOKIE ECHO received (§5.1 step D, §5.2.4 case D for a repeated one). Returns false when
    /// the rest of the packet is to be discarded.
    fn on_cookie_echo(&mut self, cookie: &[u8], vtag: u32, src_port: u16, now: Instant) -> bool {
        let Some(c) = CookieData::open(cookie, &self.cfg.secret) else {
            return false;
        };
        if vtag != c.my_tag {
            self.stats.bad_tag += 1;
            return false;
        }
        let restart = self.state != State::Closed
            && !matches!(self.state, State::CookieWait | State::CookieEchoed)
            && c.my_tag != self.my_tag
            && c.peer_tag != self.peer_tag
            && c.my_tie_tag == self.my_tag
            && c.peer_tie_tag == self.peer_tag;
        if (self.listening && self.state == State::Closed) || restart {
            let age_ms = now.saturating_duration_since(self.epoch).as_millis() as u64;
            let age = age_ms.saturating_sub(c.created_ms);
            if age > self.cfg.cookie_lifetime.as_millis() as u64 {
                let staleness_us = ((age - self.cfg.cookie_lifetime.as_millis() as u64) * 1000) as u32;
                let e = emit_chunk(&Chunk::Error { causes: vec![Cause::StaleCookie { staleness_us }] });
                self.special.push_back((c.peer_tag, e));
                return false;
            }
            if restart {
                // §5.2.4 case A: start over with the new tags; what was queued is dropped.
                self.unsent.clear();
                self.sent.clear();
                self.queued_bytes = 0;
                self.rx.clear();
                self.above.clear();
                self.held_bytes =
                    self.events.iter().map(|e| if let Event::Message(m) = e { m.data.len() } else { 0 }).sum();
                self.in_stream_state.clear();
                self.dups.clear();
                self.ctrl.clear();
                self.t3 = None;
                self.t2 = None;
                self.fast_recovery = None;
                self.adv_peer_ack = 0;
                self.fwd_tsn_pending = false;
                self.error_count = 0;
                self.cwnd = (4 * self.cfg.mtu).min((2 * self.cfg.mtu).max(4380));
                self.ssthresh = usize::MAX;
                self.state = State::Closed;
                self.events.push_back(Event::Restarted);
            }
            let first = !restart;
            self.listening = false;
            self.my_tag = c.my_tag;
            self.peer_tag = c.peer_tag;
            self.remote_port = src_port;
            self.next_tsn = c.my_initial_tsn as u64 + (1 << 32);
            self.cum_ack = self.next_tsn - 1;
            self.peer_cum = unwrap_tsn(1 << 32, c.peer_initial_tsn.wrapping_sub(1));
            self.peer_rwnd = c.peer_rwnd;
            self.peer_pr_sctp = c.pr_sctp;
            self.set_auth(c.auth.clone());
            self.out_streams = c.out_streams;
            self.in_streams = c.in_streams;
            self.ssn_out = vec![0; c.out_streams as usize];
            self.state = State::Established;
            self.hb_timer = Some(now + self.cfg.heartbeat_interval + self.rto);
            self.ctrl.push_back(emit_chunk(&Chunk::CookieAck));
            if first {
                self.events.push_back(Event::Connected);
            }
            true
        } else if c.my_tag == self.my_tag && matches!(self.state, State::CookieWait | State::CookieEchoed) {
            // §5.2.4 cases B and D during an INIT collision: the peer answered our INIT ACK.
            self.peer_tag = c.peer_tag;
            self.peer_pr_sctp = c.pr_sctp;
            self.set_auth(c.auth.clone());
            self.peer_cum = unwrap_tsn(1 << 32, c.peer_initial_tsn.wrapping_sub(1));
            self.peer_rwnd = c.peer_rwnd;
            self.out_streams = c.out_streams.min(self.cfg.streams);
            self.in_streams = c.in_streams.min(self.cfg.streams);
            self.ssn_out.truncate(self.out_streams as usize);
            self.state = State::Established;
            self.t1 = None;
            self.handshake_chunk = None;
            self.error_count = 0;
            self.hb_timer = Some(now + self.cfg.heartbeat_interval + self.rto);
            self.ctrl.push_back(emit_chunk(&Chunk::CookieAck));
            self.events.push_back(Event::Connected);
            true
        } else if c.my_tag == self.my_tag && c.peer_tag == self.peer_tag && self.state != State::Closed {
            // Our COOKIE ACK was lost: send it again.
            self.ctrl.push_back(emit_chunk(&Chunk::CookieAck));
            true
        } else {
            false
        }
    }

    fn on_heartbeat_ack(&mut self, params: &[Param<'_>], now: Instant) {
        for p in params {
            if let Param::HeartbeatInfo(info) = p {
                if info.len() == 16 {
                    let nonce = u64::from_be_bytes(info[..8].try_into().unwrap_or([0; 8]));
                    let ms = u64::from_be_bytes(info[8..].try_into().unwrap_or([0; 8]));
                    if self.hb_outstanding == Some(nonce) {
                        self.hb_outstanding = None;
                        self.error_count = 0;
                        let sent = self.epoch + Duration::from_millis(ms);
                        self.measure_rtt(now.saturating_duration_since(sent));
                    }
                }
            }
        }
    }

    /// SHUTDOWN received, §9.2.
    fn on_shutdown(&mut self, cum_tsn_ack: u32, now: Instant) {
        let sack = Sack {
            cum_tsn_ack,
            a_rwnd: self.peer_rwnd.saturating_add(self.flight() as u32),
            gaps: vec![],
            dup_tsns: vec![],
        };
        self.on_sack(&sack, now);
        match self.state {
            State::Established | State::ShutdownPending => {
                self.state = State::ShutdownReceived;
                self.events.push_back(Event::PeerShutdown);
            }
            State::ShutdownSent => {
                // Both sides shut down at once: answer with SHUTDOWN ACK.
                self.state = State::ShutdownAckSent;
                self.shutdown_chunk = Some(ShutdownChunk::ShutdownAck);
                self.queue_shutdown_chunk();
                self.t2 = Some(now + self.rto);
            }
            _ => {}
        }
    }

    /// Move the shutdown on when everything sent has been acknowledged (§9.2).
    fn check_shutdown(&mut self, now: Instant) {
        let drained = self.sent.is_empty() && self.unsent.is_empty();
        match self.state {
            State::ShutdownPending if drained => {
                self.state = State::ShutdownSent;
                self.shutdown_chunk = Some(ShutdownChunk::Shutdown);
                self.queue_shutdown_chunk();
                self.t3 = None;
                self.t2 = Some(now + self.rto);
            }
            State::ShutdownReceived if drained => {
                self.state = State::ShutdownAckSent;
                self.shutdown_chunk = Some(ShutdownChunk::ShutdownAck);
                self.queue_shutdown_chunk();
                self.t3 = None;
                self.t2 = Some(now + self.rto);
            }
            _ => {}
        }
    }

    /// A DATA chunk received, §6.2.
    fn on_data(&mut self, d: &Data<'_>) {
        if !matches!(self.state, State::Established | State::ShutdownPending | State::ShutdownSent) {
            return;
        }
        let tsn = unwrap_tsn(self.peer_cum, d.tsn);
        if tsn <= self.peer_cum || self.above.contains(&tsn) {
            self.stats.duplicate_tsns_in += 1;
            if self.dups.len() < MAX_DUPS {
                self.dups.push(d.tsn);
            }
            self.sack_now = true;
            return;
        }
        if d.user_data.is_empty() {
            // §6.2: No User Data.
            let c = emit_chunk(&Chunk::Abort { tag_reflected: false, causes: vec![Cause::NoUserData { tsn: d.tsn }] });
            self.special.push_back((self.peer_tag, c));
            self.terminate(Event::Aborted("peer sent a DATA chunk with no user data".into()));
            return;
        }
        let next = tsn == self.peer_cum + 1;
        let room = (self.cfg.recv_buffer as usize).saturating_sub(self.held_bytes);
        // The next expected TSN is taken beyond the window (up to twice the buffer) so a full
        // buffer of out-of-order fragments can always be completed.
        let hard = 2 * self.cfg.recv_buffer as usize;
        if (!next && (d.user_data.len() > room || self.above.len() >= self.cfg.max_out_of_order))
            || self.held_bytes + d.user_data.len() > hard
        {
            self.stats.dropped_no_room += 1;
            self.sack_now = true;
            return;
        }
        self.above.insert(tsn);
        while self.above.first() == Some(&(self.peer_cum + 1)) {
            self.above.pop_first();
            self.peer_cum += 1;
        }
        if !self.above.is_empty() {
            self.sack_now = true;
        }
        if d.stream_id >= self.in_streams {
            // §6.5: acknowledge the TSN, drop the data, report the stream.
            let c =
                emit_chunk(&Chunk::Error { causes: vec![Cause::InvalidStreamIdentifier { stream_id: d.stream_id }] });
            self.ctrl.push_back(c);
            return;
        }
        self.held_bytes += d.user_data.len();
        self.rx.insert(
            tsn,
            RxChunk {
                stream: d.stream_id,
                ssn: d.ssn,
                ppid: d.ppid,
                unordered: d.unordered,
                beginning: d.beginning,
                ending: d.ending,
                data: d.user_data.to_vec(),
            },
        );
        self.try_assemble(tsn);
    }

    /// Reassemble the message `tsn` belongs to if all its fragments are here (§6.9), and deliver
    /// it (§6.6: in SSN order per stream, or at once when unordered).
    fn try_assemble(&mut self, tsn: u64) {
        let Some(c) = self.rx.get(&tsn) else { return };
        let (stream, ssn, unordered) = (c.stream, c.ssn, c.unordered);
        let same = |r: &RxChunk| r.stream == stream && r.unordered == unordered && (unordered || r.ssn == ssn);
        let mut first = tsn;
        let mut len = 0usize;
        loop {
            let Some(r) = self.rx.get(&first) else { return };
            if !same(r) {
                return;
            }
            len += r.data.len();
            if r.beginning {
                break;
            }
            first -= 1;
        }
        let mut last = tsn;
        loop {
            let Some(r) = self.rx.get(&last) else { return };
            if !same(r) {
                return;
            }
            if last != tsn {
                len += r.data.len();
            }
            if r.ending {
                break;
            }
            last += 1;
        }
        let mut data = Vec::with_capacity(len.min(self.cfg.max_message));
        let mut ppid = 0;
        for t in first..=last {
            if let Some(r) = self.rx.remove(&t) {
                if t == first {
                    ppid = r.ppid;
                }
                data.extend_from_slice(&r.data);
            }
        }
        let msg = Message { stream, ppid, unordered, data };
        if unordered {
            self.events.push_back(Event::Message(msg));
            return;
        }
        let st = self.in_stream_state.entry(stream).or_default();
        if ssn != st.next_ssn {
            st.pending.insert(ssn, msg);
            return;
        }
        self.events.push_back(Event::Message(msg));
        st.next_ssn = st.next_ssn.wrapping_add(1);
        while let Some(m) = st.pending.remove(&st.next_ssn) {
            self.events.push_back(Event::Message(m));
            st.next_ssn = st.next_ssn.wrapping_add(1);
        }
    }

    /// SACK policy, §6.2: at once on a gap or duplicate, else for every second packet with
    /// DATA, else after the delayed-SACK timer.
    fn after_data(&mut self, now: Instant) {
        self.data_packets_unacked += 1;
        if self.data_packets_unacked >= 2 || matches!(self.state, State::ShutdownSent) {
            self.sack_now = true;
        }
        if matches!(self.state, State::ShutdownSent) {
            // §9.2: DATA in SHUTDOWN-SENT is answered with SACK and SHUTDOWN, restarting T2.
            self.queue_shutdown_chunk();
            self.t2 = Some(now + self.rto);
        }
        if !self.sack_now && self.sack_timer.is_none() {
            self.sack_timer = Some(now + self.cfg.sack_delay);
        }
    }

    fn flight(&self) -> usize {
        self.sent
            .iter()
            .filter(|c| c.tx_count > 0 && !c.gap_acked && !c.retransmit && !c.abandoned)
            .map(|c| c.data.len())
            .sum()
    }

    /// A SACK received, §6.2.1, with the congestion control of §7.2.
    fn on_sack(&mut self, s: &Sack, now: Instant) {
        if !matches!(
            self.state,
            State::Established | State::ShutdownPending | State::ShutdownReceived | State::ShutdownSent
        ) {
            return;
        }
        let cum = unwrap_tsn(self.cum_ack, s.cum_tsn_ack);
        if cum < self.cum_ack || cum >= self.next_tsn {
            return;
        }
        let advanced = cum > self.cum_ack;
        let mut newly = 0usize;
        while self.sent.front().is_some_and(|c| c.tsn <= cum) {
            let Some(c) = self.sent.pop_front() else { break };
            if !c.gap_acked && !c.abandoned {
                newly += c.data.len();
            }
            self.queued_bytes = self.queued_bytes.saturating_sub(c.data.len());
            if let Some((t, at)) = self.rtt_probe {
                if t == c.tsn {
                    self.rtt_probe = None;
                    if c.tx_count == 1 {
                        self.measure_rtt(now.saturating_duration_since(at));
                    }
                }
            }
        }
        self.cum_ack = cum;
        let mut highest_newly: Option<u64> = None;
        for c in self.sent.iter_mut() {
            let off = c.tsn - cum;
            let in_gap = off <= u16::MAX as u64
                && s.gaps.iter().any(|g| (g.start as u64) <= off && off <= g.end as u64 && g.start <= g.end);
            if in_gap && !c.gap_acked && c.tx_count > 0 {
                c.gap_acked = true;
                c.retransmit = false;
                newly += c.data.len();
                highest_newly = Some(c.tsn);
            } else if !in_gap && c.gap_acked {
                // Renege (§6.2.1 D iv): the peer no longer holds it.
                c.gap_acked = false;
            }
        }
        // §7.2.4: miss indications below the highest newly acknowledged TSN (HTNA).
        let mut marked = 0;
        if let Some(h) = highest_newly {
            for c in self.sent.iter_mut() {
                if c.tsn >= h {
                    break;
                }
                if !c.gap_acked && c.tx_count > 0 && !c.retransmit && !c.fast_retransmitted && !c.abandoned {
                    c.misses += 1;
                    if c.misses >= 3 {
                        c.retransmit = true;
                        c.fast_retransmitted = true;
                        marked += 1;
                    }
                }
            }
        }
        if let Some(p) = self.fast_recovery {
            if cum >= p {
                self.fast_recovery = None;
            }
        }
        if advanced && self.fast_recovery.is_none() {
            if self.cwnd <= self.ssthresh {
                // Slow start, §7.2.1.
                self.cwnd += newly.min(self.cfg.mtu);
            } else {
                // Congestion avoidance, §7.2.2.
                self.partial_bytes_acked += newly;
                if self.partial_bytes_acked >= self.cwnd {
                    self.partial_bytes_acked -= self.cwnd;
                    self.cwnd += self.cfg.mtu;
                }
            }
        }
        self.abandon(now);
        if marked > 0 {
            self.stats.fast_retransmits += marked;
            self.fast_rtx_pending = true;
            if self.fast_recovery.is_none() {
                self.ssthresh = (self.cwnd / 2).max(4 * self.cfg.mtu);
                self.cwnd = self.ssthresh;
                self.partial_bytes_acked = 0;
                self.fast_recovery = Some(self.next_tsn - 1);
            }
        }
        // §6.1: SACKs answering zero window probes keep the error counter from growing.
        if advanced || s.a_rwnd == 0 {
            self.error_count = 0;
        }
        self.peer_rwnd = s.a_rwnd.saturating_sub(self.flight() as u32);
        if self.sent.iter().all(|c| c.gap_acked || c.abandoned) && !self.fwd_tsn_outstanding() {
            self.t3 = None;
        } else if advanced {
            self.t3 = Some(now + self.rto);
        }
        if self.sent.is_empty() && self.state == State::Established {
            self.hb_timer.get_or_insert(now + self.cfg.heartbeat_interval + self.rto);
        }
    }

    fn build_sack(&mut self) -> Vec<u8> {
        let mut gaps = Vec::new();
        let max_gaps = self.cfg.mtu.saturating_sub(CommonHeader::LEN + 16 + 4 * MAX_DUPS) / 4;
        let mut run: Option<(u64, u64)> = None;
        for &t in &self.above {
            let off = t - self.peer_cum;
            if off > u16::MAX as u64 {
                break;
            }
            run = match run {
                Some((s, e)) if off == e + 1 => Some((s, off)),
                Some((s, e)) => {
                    gaps.push(GapBlock { start: s as u16, end: e as u16 });
                    Some((off, off))
                }
                None => Some((off, off)),
            };
        }
        if let Some((s, e)) = run {
            gaps.push(GapBlock { start: s as u16, end: e as u16 });
        }
        gaps.truncate(max_gaps);
        self.stats.gap_blocks_out += gaps.len() as u64;
        let sack = Sack {
            cum_tsn_ack: self.peer_cum as u32,
            a_rwnd: self.a_rwnd(),
            gaps,
            dup_tsns: std::mem::take(&mut self.dups),
        };
        self.sack_now = false;
        self.sack_timer = None;
        self.data_packets_unacked = 0;
        self.stats.sacks_out += 1;
        emit_chunk(&Chunk::Sack(sack))
    }

    fn packet(&mut self, tag: u32, body: &[u8]) -> Vec<u8> {
        let h =
            CommonHeader { src_port: self.local_port, dst_port: self.remote_port, verification_tag: tag, checksum: 0 };
        let mut out = Vec::with_capacity(CommonHeader::LEN + body.len());
        h.emit(&mut out);
        match &self.auth {
            Some(a) if !a.peer_requires.is_empty() => {
                let signed = auth::sign(body, &a.peer_requires, a.send_hmac, &a.key);
                if signed.len() != body.len() {
                    self.stats.auth_chunks_out += 1;
                }
                out.extend_from_slice(&signed);
            }
            _ => out.extend_from_slice(body),
        }
        crc::set_checksum(&mut out);
        self.stats.packets_out += 1;
        out
    }

    /// The next packet to send, if any.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        if let Some((tag, chunk)) = self.special.pop_front() {
            return Some(self.packet(tag, &chunk));
        }
        if self.state == State::Closed {
            return None;
        }
        // Room for an AUTH chunk with the longest HMAC when AUTH is on.
        let auth_room = if self.auth.is_some() { 8 + 32 } else { 0 };
        let room = self.cfg.mtu.saturating_sub(CommonHeader::LEN + auth_room);
        let mut body = Vec::new();
        while let Some(c) = self.ctrl.front() {
            if !body.is_empty() && body.len() + c.len() > room {
                break;
            }
            if let Some(c) = self.ctrl.pop_front() {
                body.extend_from_slice(&c);
            }
        }
        let can_data = matches!(self.state, State::Established | State::ShutdownPending | State::ShutdownReceived);
        if can_data && self.fwd_tsn_pending && self.fwd_tsn_outstanding() {
            let f = self.build_forward_tsn();
            if !body.is_empty() && body.len() + f.len() > room {
                self.ctrl.push_front(f);
            } else {
                body.extend_from_slice(&f);
            }
            if self.t3.is_none() {
                self.t3 = Some(now + self.rto);
            }
        }
        let data_waiting = can_data
            && (self.sent.iter().any(|c| c.retransmit) || (!self.unsent.is_empty() && self.flight() < self.cwnd));
        if self.sack_now || (self.sack_timer.is_some() && data_waiting) {
            let s = self.build_sack();
            if !body.is_empty() && body.len() + s.len() > room {
                self.ctrl.push_front(s);
            } else {
                body.extend_from_slice(&s);
            }
        }
        if can_data {
            self.fill_data(&mut body, room, now);
        }
        if body.is_empty() {
            return None;
        }
        let tag = self.peer_tag;
        Some(self.packet(tag, &body))
    }

    fn fill_data(&mut self, body: &mut Vec<u8>, room: usize, now: Instant) {
        let fast = std::mem::take(&mut self.fast_rtx_pending);
        let mut flight = self.flight();
        let mut sent_any = false;
        // Retransmissions first, in TSN order (§6.3.3 E3, §7.2.4).
        if fast || flight < self.cwnd {
            for i in 0..self.sent.len() {
                let Some(c) = self.sent.get(i) else { break };
                if !c.retransmit || (fast && !c.fast_retransmitted) {
                    continue;
                }
                let chunk_len = 16 + c.data.len() + dissect::proto::sctp::wire::pad4(c.data.len());
                if !body.is_empty() && body.len() + chunk_len > room {
                    break;
                }
                emit_data(c, body);
                flight += c.data.len();
                sent_any = true;
                let tsn = c.tsn;
                if let Some(c) = self.sent.get_mut(i) {
                    c.retransmit = false;
                    c.tx_count += 1;
                    c.misses = 0;
                }
                if self.rtt_probe.is_some_and(|(t, _)| t == tsn) {
                    self.rtt_probe = None;
                }
                self.stats.retransmitted_chunks += 1;
            }
        }
        if !fast || body.is_empty() {
            while let Some(c) = self.unsent.front() {
                let chunk_len = 16 + c.data.len() + dissect::proto::sctp::wire::pad4(c.data.len());
                if (!body.is_empty() && body.len() + chunk_len > room) || flight >= self.cwnd {
                    break;
                }
                // §6.1 rule A: the peer's window, except one chunk when nothing is in flight.
                if c.data.len() > self.peer_rwnd as usize && flight > 0 {
                    break;
                }
                let Some(mut c) = self.unsent.pop_front() else { break };
                emit_data(&c, body);
                c.tx_count = 1;
                flight += c.data.len();
                self.peer_rwnd = self.peer_rwnd.saturating_sub(c.data.len() as u32);
                if self.rtt_probe.is_none() {
                    self.rtt_probe = Some((c.tsn, now));
                }
                self.stats.data_chunks_out += 1;
                self.sent.push_back(c);
                sent_any = true;
            }
        }
        if sent_any {
            if self.t3.is_none() {
                self.t3 = Some(now + self.rto);
            }
            self.hb_timer = None;
            self.hb_outstanding = None;
        }
    }
}

fn emit_data(c: &OutChunk, out: &mut Vec<u8>) {
    Chunk::Data(Data {
        immediate: false,
        unordered: c.unordered,
        beginning: c.beginning,
        ending: c.ending,
        tsn: c.tsn as u32,
        stream_id: c.stream,
        ssn: c.ssn,
        ppid: c.ppid,
        user_data: &c.data,
    })
    .emit(out);
}
