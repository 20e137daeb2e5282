//! The large capture of the throughput benchmark (`fuzzgen bench`, read by `scripts/bench`).
//!
//! Many TCP conversations and SCTP associations run at once and their frames are interleaved in
//! time on one Ethernet interface (microsecond timestamps, never decreasing), until exactly the
//! requested number of frames has been written:
//!
//! - TCP (RFC 9293), IPv4 and some IPv6: three-way handshake (§3.5) with the MSS option, request
//!   and response exchanges of a few bytes to 64 KiB cut at the MSS, some writes cut short of
//!   the MSS, receiver ACKs after every second segment (RFC 9293 §3.8.6.3, delayed ACKs), now and
//!   then a segment lost and retransmitted after the duplicate ACKs, two segments swapped, or a
//!   segment sent twice; teardown by FIN from either side (§3.6) or, rarely, RST.
//! - SCTP (RFC 9260), directly over IP and some over UDP (RFC 6951), IPv4 and some IPv6: the
//!   four-way setup (§5.1), sometimes with address parameters; DATA on several streams (§6),
//!   small messages bundled in one packet (§6.10), large ones fragmented (§6.9), some unordered
//!   (§6.6), replies bundled behind a SACK, a SACK after every second DATA packet (§6.2), now and
//!   then a late DATA chunk reported by a Gap Ack Block; HEARTBEAT/HEARTBEAT ACK (§8.3);
//!   SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE (§9.2).
//!
//! It streams: at most [`LIVE`] conversations exist at a time, each bounded in size, and frames
//! go to the writer as soon as a conversation has built them, so memory does not grow with the
//! frame count. Every choice comes from the seed; the same seed gives the same bytes.
//!
//! Payloads are printable text on ports with no dissector in tshark (TCP 5001, 5002, 5004, 5005;
//! SCTP 5003, 5006 with PPID 0) and clients use ports 50000-55999, where tshark registers none
//! for TCP or SCTP, so both tools show the application bytes as `data`.

use std::collections::VecDeque;
use std::io::{BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use crate::build::sctp::{DataPlan, Encap, SctpAssoc, SctpConfig};
use crate::build::tcp::{Dir, Segment, TcpConfig, TcpConv};
use crate::build::{BuildError, Clock, Endpoint, Frame, IpOptions, Link};
use crate::pcap::{PcapNgWriter, Timestamp, WriteError, TSRESOL_USEC};
use crate::rng::Prng;

/// Conversations in progress at any time.
pub const LIVE: usize = 64;
/// TCP server ports (no dissector in tshark).
pub const TCP_PORTS: [u16; 4] = [5001, 5002, 5004, 5005];
/// SCTP server ports (no dissector in tshark).
pub const SCTP_PORTS: [u16; 2] = [5003, 5006];
/// Client ports are drawn from this range.
pub const CLIENT_PORTS: std::ops::RangeInclusive<u16> = 50000..=55999;
/// Largest user data per SCTP DATA chunk: with the IPv6, UDP, SCTP and DATA headers a packet
/// stays under a 1500-byte MTU.
pub const SCTP_MAX_FRAGMENT: usize = 1200;
/// Largest message one side writes in one go (TCP or SCTP); bounds what a conversation holds.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Why the benchmark capture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("cannot write {path}: {err}")]
    Io { path: String, err: std::io::Error },
}

/// What [`write_bench`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BenchSummary {
    pub frames: u64,
    /// Bytes of frame data (link layer and up).
    pub bytes: u64,
    /// TCP conversations and SCTP associations begun (the last ones may be cut off by the end).
    pub tcp: u64,
    pub sctp: u64,
}

/// An endless, deterministic stream of interleaved frames (Ethernet link layer).
pub struct BenchFrames {
    rng: Prng,
    now: Timestamp,
    live: Vec<Flow>,
    pending: VecDeque<Frame>,
    started: u64,
    tcp: u64,
    sctp: u64,
}

impl BenchFrames {
    pub fn new(seed: u64) -> Self {
        let mut rng = Prng::derive(seed, "bench");
        let now = Timestamp::new(1_580_000_000 + rng.range(0, 100_000_000), (rng.range(0, 999_999) * 1000) as u32);
        BenchFrames { rng, now, live: Vec::new(), pending: VecDeque::new(), started: 0, tcp: 0, sctp: 0 }
    }

    /// Conversations in progress.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    /// TCP conversations and SCTP associations begun so far.
    pub fn started(&self) -> (u64, u64) {
        (self.tcp, self.sctp)
    }

    /// Stream bytes the live TCP conversations hold (for retransmissions); bounded by
    /// [`LIVE`] conversations of bounded length.
    pub fn held_bytes(&self) -> u64 {
        self.live
            .iter()
            .map(|f| match f {
                Flow::Tcp(t) => t.conv.written(Dir::ToServer) + t.conv.written(Dir::ToClient),
                Flow::Sctp(_) => 0,
            })
            .sum()
    }

    fn spawn(&mut self) -> Result<(), BuildError> {
        let k = self.started;
        self.started += 1;
        let rng = Prng::new(self.rng.u64());
        let v6 = self.rng.chance(1, 5);
        if self.rng.chance(3, 5) {
            self.tcp += 1;
            self.live.push(Flow::Tcp(Box::new(TcpFlow::new(rng, k, v6)?)));
        } else {
            self.sctp += 1;
            self.live.push(Flow::Sctp(Box::new(SctpFlow::new(rng, k, v6)?)));
        }
        Ok(())
    }

    /// Let one conversation take a step; its frames join `pending`.
    fn advance(&mut self) -> Result<(), BuildError> {
        while self.live.len() < LIVE {
            self.spawn()?;
        }
        let i = self.rng.range_usize(0, self.live.len() - 1);
        let acts = self.rng.range_usize(1, 3);
        let Some(flow) = self.live.get_mut(i) else { return Ok(()) };
        let (frames, done, end) = flow.step(self.now, acts)?;
        self.pending.extend(frames);
        // the next step starts a little after this one's last frame
        self.now = end.add_nanos(self.rng.range(1, 120) * 1000);
        if done {
            self.live.swap_remove(i);
        }
        Ok(())
    }
}

impl Iterator for BenchFrames {
    type Item = Result<Frame, BuildError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(f) = self.pending.pop_front() {
                return Some(Ok(f));
            }
            if let Err(e) = self.advance() {
                return Some(Err(e));
            }
        }
    }
}

/// Write a pcapng file of exactly `frames` frames for `seed` to `out`.
pub fn write_bench<W: Write>(out: W, frames: u64, seed: u64) -> Result<(W, BenchSummary), BenchError> {
    let mut w = PcapNgWriter::new(out)?;
    let iface = w.add_interface_with(
        dissect::capture::linktype::ETHERNET,
        TSRESOL_USEC,
        crate::pcap::DEFAULT_SNAPLEN,
        Some("bench0"),
    )?;
    let mut gen = BenchFrames::new(seed);
    let mut sum = BenchSummary::default();
    while sum.frames < frames {
        let Some(f) = gen.next() else { break };
        let f = f?;
        let len = u32::try_from(f.data.len()).map_err(|_| WriteError::TooLong { len: f.data.len(), snaplen: 0 })?;
        w.write_packet(iface, f.ts, &f.data, len, None)?;
        sum.frames += 1;
        sum.bytes += u64::from(len);
    }
    (sum.tcp, sum.sctp) = gen.started();
    Ok((w.into_inner()?, sum))
}

/// [`write_bench`] into a file (created or replaced), through a buffer.
pub fn write_bench_file(path: &Path, frames: u64, seed: u64) -> Result<BenchSummary, BenchError> {
    let io = |err| BenchError::Io { path: path.display().to_string(), err };
    let f = std::fs::File::create(path).map_err(io)?;
    let (w, sum) = write_bench(BufWriter::with_capacity(1 << 20, f), frames, seed)?;
    // flushes the buffer; the file is closed when dropped
    w.into_inner().map_err(|e| io(e.into_error()))?;
    Ok(sum)
}

/// The `k`-th client's address: 10.0.0.0/8 or 2001:db8:c000::/48, one per conversation, so no two
/// conversations share a 5-tuple.
fn client_addr(k: u64, v6: bool) -> IpAddr {
    if v6 {
        let n = k + 1;
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0xc000, 0, 0, (n >> 32) as u16, (n >> 16) as u16, n as u16))
    } else {
        let host = (k % 254) as u8 + 1;
        let rest = k / 254;
        IpAddr::V4(Ipv4Addr::new(10, (rest >> 8) as u8, rest as u8, host))
    }
}

/// One of eight servers per family and transport (RFC 5737 / RFC 3849 documentation ranges).
fn server_addr(rng: &mut Prng, v6: bool, sctp: bool) -> IpAddr {
    let n = rng.range(1, 8) as u8;
    match (v6, sctp) {
        (false, false) => IpAddr::V4(Ipv4Addr::new(198, 51, 100, n)),
        (false, true) => IpAddr::V4(Ipv4Addr::new(203, 0, 113, n)),
        (true, false) => IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0x5, 0, 0, 0, 0, u16::from(n))),
        (true, true) => IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0x5, 0, 0, 0, 1, u16::from(n))),
    }
}

/// A second address of the same server, for SCTP address parameters (multi-homing).
fn second_addr(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V4(v) => {
            let o = v.octets();
            IpAddr::V4(Ipv4Addr::new(o[0], o[1], o[2], o[3].wrapping_add(100)))
        }
        IpAddr::V6(v) => {
            let mut s = v.segments();
            s[3] = 1;
            IpAddr::V6(Ipv6Addr::from(s))
        }
    }
}

fn pick<T: Copy>(rng: &mut Prng, items: &[T]) -> Option<T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.range_usize(0, items.len() - 1)).copied()
}

fn some_dir(rng: &mut Prng, to_server_in_10: u32) -> Dir {
    if rng.chance(to_server_in_10, 10) {
        Dir::ToServer
    } else {
        Dir::ToClient
    }
}

enum Flow {
    Tcp(Box<TcpFlow>),
    Sctp(Box<SctpFlow>),
}

impl Flow {
    /// Up to `acts` actions starting at `now`: the frames, whether the conversation is over, and
    /// the time after its last frame.
    fn step(&mut self, now: Timestamp, acts: usize) -> Result<(Vec<Frame>, bool, Timestamp), BuildError> {
        match self {
            Flow::Tcp(t) => {
                let step = t.step_ns;
                *t.conv.clock() = Clock::new(now, step);
                let done = t.step(acts)?;
                Ok((t.conv.take_frames(), done, t.conv.clock().now))
            }
            Flow::Sctp(s) => {
                let step = s.step_ns;
                *s.assoc.clock() = Clock::new(now, step);
                let done = s.step(acts)?;
                Ok((s.assoc.take_frames(), done, s.assoc.clock().now))
            }
        }
    }
}

enum TcpAct {
    Handshake,
    Emit(Segment),
    Ack(Dir),
    Fin(Dir),
    Rst(Dir),
}

struct TcpFlow {
    conv: TcpConv,
    rng: Prng,
    acts: VecDeque<TcpAct>,
    started: bool,
    exchanges_left: u64,
    /// The length of the response to write when the request has been sent.
    response: Option<usize>,
    closed: bool,
    /// Time between the frames of one step.
    step_ns: u64,
}

impl TcpFlow {
    fn new(mut rng: Prng, k: u64, v6: bool) -> Result<Self, BuildError> {
        let port = rng.range(u64::from(*CLIENT_PORTS.start()), u64::from(*CLIENT_PORTS.end())) as u16;
        let client = Endpoint::new(rng.mac(), client_addr(k, v6), port);
        let sport = pick(&mut rng, &TCP_PORTS).unwrap_or(TCP_PORTS[0]);
        let server = Endpoint::new(rng.mac(), server_addr(&mut rng, v6, false), sport);
        let mss = match (v6, rng.range(0, 9)) {
            (false, 0) => 536,
            (false, 1) => 1400,
            (false, _) => 1460,
            (true, 0..=2) => 1220,
            (true, _) => 1440,
        };
        let cfg = TcpConfig {
            client_isn: rng.u32(),
            server_isn: rng.u32(),
            mss,
            window: 65535,
            link: Link::Ethernet,
            ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
            clock: Clock::new(Timestamp::default(), 0),
        };
        let conv = TcpConv::new(client, server, cfg)?;
        let exchanges_left = rng.range(1, 6);
        let step_ns = rng.range(5, 80) * 1000;
        Ok(TcpFlow {
            conv,
            rng,
            acts: VecDeque::new(),
            started: false,
            exchanges_left,
            response: None,
            closed: false,
            step_ns,
        })
    }

    /// Run up to `n` actions; true when the conversation is over.
    fn step(&mut self, n: usize) -> Result<bool, BuildError> {
        let mut done = 0;
        while done < n {
            let Some(a) = self.acts.pop_front() else {
                if self.plan()? {
                    continue;
                }
                return Ok(true);
            };
            match a {
                TcpAct::Handshake => self.conv.handshake()?,
                TcpAct::Emit(s) => self.conv.emit(&s)?,
                TcpAct::Ack(d) => self.conv.ack(d)?,
                TcpAct::Fin(d) => self.conv.fin(d)?,
                TcpAct::Rst(d) => self.conv.rst(d)?,
            }
            done += 1;
        }
        Ok(self.acts.is_empty() && self.closed)
    }

    /// Queue the next phase; false when there is nothing left to do.
    fn plan(&mut self) -> Result<bool, BuildError> {
        if !self.started {
            self.started = true;
            self.acts.push_back(TcpAct::Handshake);
        } else if let Some(len) = self.response.take() {
            self.transfer(Dir::ToClient, len, true)?;
        } else if self.exchanges_left > 0 {
            self.exchanges_left -= 1;
            let (req, resp) = match self.rng.range(0, 9) {
                // an upload
                0 => (self.rng.range_usize(2000, 30_000), self.rng.range_usize(20, 200)),
                1..=4 => (self.rng.range_usize(20, 600), self.rng.range_usize(100, 3000)),
                5..=7 => (self.rng.range_usize(100, 800), self.rng.range_usize(3000, 30_000)),
                _ => (self.rng.range_usize(50, 300), self.rng.range_usize(30_000, MAX_MESSAGE)),
            };
            // the request's last ACK often rides on the response
            let ack_request = self.rng.chance(1, 2);
            self.transfer(Dir::ToServer, req, ack_request)?;
            // written once the request is through, so no ACK before it counts the response
            self.response = Some(resp);
        } else if !self.closed {
            self.closed = true;
            let acts = match self.rng.range(0, 99) {
                0..=79 => vec![TcpAct::Fin(Dir::ToServer), TcpAct::Fin(Dir::ToClient), TcpAct::Ack(Dir::ToServer)],
                80..=93 => vec![
                    TcpAct::Fin(Dir::ToClient),
                    TcpAct::Ack(Dir::ToServer),
                    TcpAct::Fin(Dir::ToServer),
                    TcpAct::Ack(Dir::ToClient),
                ],
                _ => vec![TcpAct::Rst(some_dir(&mut self.rng, 5))],
            };
            self.acts.extend(acts);
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Write `len` new bytes from `dir` and queue them as segments, with the receiver's ACKs and, now and then,
    /// a loss and its retransmission, two segments swapped, or a segment sent twice.
    fn transfer(&mut self, dir: Dir, len: usize, final_ack: bool) -> Result<(), BuildError> {
        let len = len.clamp(1, MAX_MESSAGE);
        let data = self.rng.text(len);
        let r = self.conv.write(dir, &data)?;
        let mut cuts = Vec::new();
        if len > 2 && self.rng.chance(1, 4) {
            for _ in 0..self.rng.range(1, 3) {
                cuts.push(r.start + self.rng.range(1, len as u64 - 1));
            }
        }
        let segs = self.conv.segments(dir, r, &cuts)?;
        let n = segs.len();
        // emission order: a lost segment is sent again after a few later ones (and the duplicate
        // ACKs they draw), as a fast retransmission would; or two neighbours are swapped
        let mut order = segs.clone();
        let mut retransmitted = None;
        match self.rng.range(0, 99) {
            0..=5 if n >= 3 => {
                let i = self.rng.range_usize(0, n - 2);
                let lost = order.remove(i);
                let at = (i + self.rng.range_usize(2, 6)).min(order.len());
                order.insert(at, lost);
                retransmitted = Some(at);
            }
            6..=11 if n >= 2 => {
                let i = self.rng.range_usize(0, n - 2);
                order.swap(i, i + 1);
            }
            _ => {}
        }
        let twice = self.rng.chance(1, 25);
        let rev = dir.reverse();
        let mut unacked = 0;
        for (k, s) in order.into_iter().enumerate() {
            if retransmitted == Some(k) && unacked > 0 {
                // a duplicate ACK at the hole
                self.acts.push_back(TcpAct::Ack(rev));
                unacked = 0;
            }
            self.acts.push_back(TcpAct::Emit(s));
            unacked += 1;
            if unacked == 2 {
                self.acts.push_back(TcpAct::Ack(rev));
                unacked = 0;
            }
        }
        if unacked > 0 && final_ack {
            self.acts.push_back(TcpAct::Ack(rev));
        }
        if twice {
            if let Some(s) = segs.last() {
                self.acts.push_back(TcpAct::Emit(s.clone()));
                self.acts.push_back(TcpAct::Ack(rev));
            }
        }
        Ok(())
    }
}

enum SctpAct {
    Associate,
    Data(Vec<DataPlan>),
    SackData(Dir, Vec<DataPlan>),
    Sack(Dir),
    Heartbeat(Dir, Vec<u8>),
    Shutdown(Dir),
}

struct SctpFlow {
    assoc: SctpAssoc,
    rng: Prng,
    acts: VecDeque<SctpAct>,
    streams: u16,
    started: bool,
    rounds_left: u64,
    closed: bool,
    step_ns: u64,
}

impl SctpFlow {
    fn new(mut rng: Prng, k: u64, v6: bool) -> Result<Self, BuildError> {
        let port = rng.range(u64::from(*CLIENT_PORTS.start()), u64::from(*CLIENT_PORTS.end())) as u16;
        let client = Endpoint::new(rng.mac(), client_addr(k, v6), port);
        let sport = pick(&mut rng, &SCTP_PORTS).unwrap_or(SCTP_PORTS[0]);
        let server = Endpoint::new(rng.mac(), server_addr(&mut rng, v6, true), sport);
        let streams = rng.range(2, 16) as u16;
        let multihomed = rng.chance(1, 2);
        let (client_addrs, server_addrs) = if multihomed {
            (vec![client.ip], vec![server.ip, second_addr(server.ip)])
        } else {
            (Vec::new(), Vec::new())
        };
        let encap = if rng.chance(1, 8) { Encap::UDP } else { Encap::Ip };
        let cookie_len = rng.range_usize(24, 64);
        let cfg = SctpConfig {
            client_tag: rng.u32() | 1,
            server_tag: rng.u32() | 1,
            client_initial_tsn: rng.u32(),
            server_initial_tsn: rng.u32(),
            a_rwnd: 106_496,
            streams,
            max_fragment: SCTP_MAX_FRAGMENT,
            cookie: rng.bytes(cookie_len),
            client_addrs,
            server_addrs,
            encap,
            link: Link::Ethernet,
            ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
            clock: Clock::new(Timestamp::default(), 0),
        };
        let assoc = SctpAssoc::new(client, server, cfg)?;
        let rounds_left = rng.range(2, 12);
        let step_ns = rng.range(5, 80) * 1000;
        Ok(SctpFlow { assoc, rng, acts: VecDeque::new(), streams, started: false, rounds_left, closed: false, step_ns })
    }

    fn step(&mut self, n: usize) -> Result<bool, BuildError> {
        let mut done = 0;
        while done < n {
            let Some(a) = self.acts.pop_front() else {
                if self.plan()? {
                    continue;
                }
                return Ok(true);
            };
            match a {
                SctpAct::Associate => self.assoc.associate()?,
                SctpAct::Data(p) => self.assoc.send_data(&p)?,
                SctpAct::SackData(d, p) => self.assoc.sack_and_data(d, &p)?,
                SctpAct::Sack(d) => self.assoc.sack(d)?,
                SctpAct::Heartbeat(d, info) => self.assoc.heartbeat(d, &info)?,
                SctpAct::Shutdown(d) => self.assoc.shutdown(d)?,
            }
            done += 1;
        }
        Ok(self.acts.is_empty() && self.closed)
    }

    fn stream(&mut self) -> u16 {
        self.rng.range(0, u64::from(self.streams) - 1) as u16
    }

    /// A message from `dir` cut into DATA chunk plans (PPID 0).
    fn message(&mut self, dir: Dir, len: usize, unordered: bool) -> Result<Vec<DataPlan>, BuildError> {
        let stream = self.stream();
        let data = self.rng.text(len.clamp(1, MAX_MESSAGE));
        self.assoc.message(dir, stream, 0, &data, unordered)
    }

    /// One DATA packet per plan, the receiver's SACK after every second one and after the last.
    fn data_packets(&mut self, plans: Vec<DataPlan>) {
        let Some(dir) = plans.first().map(|p| p.dir) else { return };
        let n = plans.len();
        for (i, p) in plans.into_iter().enumerate() {
            self.acts.push_back(SctpAct::Data(vec![p]));
            if i % 2 == 1 || i + 1 == n {
                self.acts.push_back(SctpAct::Sack(dir.reverse()));
            }
        }
    }

    fn plan(&mut self) -> Result<bool, BuildError> {
        if !self.started {
            self.started = true;
            self.acts.push_back(SctpAct::Associate);
            return Ok(true);
        }
        if self.rounds_left == 0 {
            if self.closed {
                return Ok(false);
            }
            self.closed = true;
            let d = some_dir(&mut self.rng, 7);
            self.acts.push_back(SctpAct::Shutdown(d));
            return Ok(true);
        }
        self.rounds_left -= 1;
        let dir = some_dir(&mut self.rng, 7);
        match self.rng.range(0, 99) {
            // small messages, bundled or one per packet; the peer SACKs or replies behind a SACK
            0..=39 => {
                let k = self.rng.range(1, 3);
                let mut plans = Vec::new();
                for _ in 0..k {
                    let len = self.rng.range_usize(16, 400);
                    let unordered = self.rng.chance(3, 20);
                    plans.extend(self.message(dir, len, unordered)?);
                }
                if plans.len() > 1 && self.rng.chance(2, 3) {
                    self.acts.push_back(SctpAct::Data(plans));
                } else {
                    for p in plans {
                        self.acts.push_back(SctpAct::Data(vec![p]));
                    }
                }
                if self.rng.chance(1, 2) {
                    let len = self.rng.range_usize(16, 1000);
                    let reply = self.message(dir.reverse(), len, false)?;
                    self.acts.push_back(SctpAct::SackData(dir.reverse(), reply));
                    self.acts.push_back(SctpAct::Sack(dir));
                } else {
                    self.acts.push_back(SctpAct::Sack(dir.reverse()));
                }
            }
            // a large message in fragments, ordered or not
            40..=64 => {
                let len = self.rng.range_usize(1500, 9000);
                let unordered = self.rng.chance(1, 3);
                let plans = self.message(dir, len, unordered)?;
                self.data_packets(plans);
            }
            // three messages on one stream, the second late: a SACK with a Gap Ack Block
            65..=74 => {
                let stream = self.stream();
                let mut m = Vec::new();
                for _ in 0..3 {
                    let len = self.rng.range_usize(20, 300);
                    let data = self.rng.text(len);
                    m.push(self.assoc.message(dir, stream, 0, &data, false)?);
                }
                let mut it = m.into_iter();
                if let (Some(a), Some(b), Some(c)) = (it.next(), it.next(), it.next()) {
                    self.acts.push_back(SctpAct::Data(a));
                    self.acts.push_back(SctpAct::Data(c));
                    self.acts.push_back(SctpAct::Sack(dir.reverse()));
                    self.acts.push_back(SctpAct::Data(b));
                    self.acts.push_back(SctpAct::Sack(dir.reverse()));
                }
            }
            // an idle path probed
            75..=84 => {
                let len = self.rng.range_usize(8, 48);
                let info = self.rng.bytes(len);
                self.acts.push_back(SctpAct::Heartbeat(some_dir(&mut self.rng, 5), info));
            }
            // request and a possibly fragmented response, its first piece behind a SACK
            _ => {
                let len = self.rng.range_usize(40, 800);
                let req = self.message(Dir::ToServer, len, false)?;
                self.acts.push_back(SctpAct::Data(req));
                let len = self.rng.range_usize(200, 4000);
                let mut resp = self.message(Dir::ToClient, len, false)?.into_iter();
                if let Some(first) = resp.next() {
                    self.acts.push_back(SctpAct::SackData(Dir::ToClient, vec![first]));
                }
                let rest: Vec<DataPlan> = resp.collect();
                if rest.is_empty() {
                    self.acts.push_back(SctpAct::Sack(Dir::ToServer));
                } else {
                    self.data_packets(rest);
                }
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_addresses_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for k in 0..100_000 {
            assert!(seen.insert(client_addr(k, false)), "v4 {k}");
            assert!(seen.insert(client_addr(k, true)), "v6 {k}");
        }
        assert_eq!(client_addr(0, false), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(client_addr(254, false), IpAddr::V4(Ipv4Addr::new(10, 0, 1, 1)));
        assert_eq!(client_addr(0, true), "2001:db8:c000::1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn generation_state_stays_bounded() {
        let mut g = BenchFrames::new(3);
        let mut max_held = 0;
        let mut last = Timestamp::default();
        for _ in 0..20_000 {
            let f = g.next().unwrap().unwrap();
            assert!(f.ts >= last, "timestamps never go back");
            last = f.ts;
            assert!(g.live() <= LIVE);
            assert!(g.pending.len() < 100, "a step builds a handful of frames");
            max_held = max_held.max(g.held_bytes());
        }
        // each live TCP conversation holds at most 6 exchanges of 2 messages
        assert!(max_held <= (LIVE * 12 * MAX_MESSAGE) as u64, "{max_held}");
        let (tcp, sctp) = g.started();
        assert!(tcp > 50 && sctp > 30, "{tcp} TCP, {sctp} SCTP");
    }
}
