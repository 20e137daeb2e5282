//! SCTP over UDP encapsulation (RFC 6951): each SCTP packet is the payload of one UDP datagram;
//! the SCTP ports stay in the SCTP common header (§5). Blocking `std::net::UdpSocket` drivers:
//! [`UdpAssoc`] for one association, [`echo_server`] for a listener that echoes every message,
//! and [`echo_check`] for a client that sends messages and checks what comes back. Both
//! directions pass through [`Impairment`] hooks, so loss can be produced on loopback.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::sctp::{Association, Config, Event, Impairment, Message, State};

/// What a driver needs from a socket: the subset of `std::net::UdpSocket`'s API it uses, so the
/// same drivers run over UDP and over raw IP ([`crate::raw::RawSocket`]).
pub trait PacketSocket {
    fn send_to(&self, buf: &[u8], addr: SocketAddr) -> io::Result<usize>;
    fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)>;
    fn set_read_timeout(&self, dur: Option<Duration>) -> io::Result<()>;
}

impl PacketSocket for UdpSocket {
    fn send_to(&self, buf: &[u8], addr: SocketAddr) -> io::Result<usize> {
        UdpSocket::send_to(self, buf, addr)
    }
    fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        UdpSocket::recv_from(self, buf)
    }
    fn set_read_timeout(&self, dur: Option<Duration>) -> io::Result<()> {
        UdpSocket::set_read_timeout(self, dur)
    }
}

/// UDP port for SCTP over UDP (RFC 6951 §5.1, IANA "sctp-tunneling").
pub const SCTP_UDP_PORT: u16 = 9899;
/// Largest datagram read.
const MAX_DATAGRAM: usize = 65_535;
/// Bound on associations an echo server keeps.
pub const MAX_SERVER_ASSOCIATIONS: usize = 64;

/// What can go wrong in a driver run.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("UDP socket: {0}")]
    Io(#[from] io::Error),
    #[error("timed out after {0:?} ({1})")]
    Timeout(Duration, String),
    #[error("association ended: {0}")]
    Ended(String),
    #[error("echo mismatch: {0}")]
    Mismatch(String),
}

/// One association carried over a UDP (or raw IP) socket to one peer.
pub struct UdpAssoc<S: PacketSocket = UdpSocket> {
    pub sock: S,
    pub peer: SocketAddr,
    pub assoc: Association,
    pub outgoing: Impairment,
    pub incoming: Impairment,
    /// Packets held back by the hooks: release time, outgoing?, bytes.
    held: Vec<(Instant, bool, Vec<u8>)>,
    pub events: VecDeque<Event>,
    /// When set, every packet sent and received (as on the wire, after the outgoing hooks and
    /// before the incoming ones), up to [`MAX_RECORDED`] packets.
    pub record: Option<Vec<crate::pcap::Recorded>>,
}

/// Bound on recorded packets.
pub const MAX_RECORDED: usize = 200_000;

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

impl<S: PacketSocket> UdpAssoc<S> {
    /// Start an association to `peer` (UDP address) from SCTP port `local_port` to SCTP port
    /// `remote_port`.
    pub fn connect(sock: S, peer: SocketAddr, cfg: Config, local_port: u16, remote_port: u16) -> Self {
        let assoc = Association::connect(cfg, local_port, remote_port, Instant::now());
        UdpAssoc {
            sock,
            peer,
            assoc,
            outgoing: Impairment::none(),
            incoming: Impairment::none(),
            held: Vec::new(),
            events: VecDeque::new(),
            record: None,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let now = Instant::now();
        while let Some(p) = self.assoc.poll_transmit(now) {
            for (delay, copy) in self.outgoing.apply(p) {
                if delay.is_zero() {
                    self.send(&copy)?;
                } else {
                    self.held.push((now + delay, true, copy));
                }
            }
        }
        while let Some(e) = self.assoc.poll_event() {
            self.events.push_back(e);
        }
        Ok(())
    }

    fn keep(&mut self, sent: bool, p: &[u8]) {
        if let Some(r) = self.record.as_mut() {
            if r.len() < MAX_RECORDED {
                r.push((Instant::now(), sent, p.to_vec()));
            }
        }
    }

    fn send(&mut self, p: &[u8]) -> io::Result<()> {
        self.keep(true, p);
        match self.sock.send_to(p, self.peer) {
            // Loopback reports an earlier ICMP port unreachable here; SCTP retransmits.
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => Ok(()),
            r => r.map(|_| ()),
        }
    }

    /// Send what is due, then wait for one datagram or the next timer (at most until
    /// `deadline`), and process it.
    pub fn step(&mut self, deadline: Instant) -> io::Result<()> {
        self.flush()?;
        let now = Instant::now();
        let wake = self
            .assoc
            .poll_timeout()
            .into_iter()
            .chain(self.held.iter().map(|(t, _, _)| *t))
            .chain([deadline])
            .min()
            .unwrap_or(deadline);
        let wait = wake.saturating_duration_since(now).max(Duration::from_millis(1));
        self.sock.set_read_timeout(Some(wait))?;
        let mut buf = vec![0u8; MAX_DATAGRAM];
        match self.sock.recv_from(&mut buf) {
            Ok((n, from)) if from == self.peer => {
                self.keep(false, &buf[..n]);
                let now = Instant::now();
                for (delay, copy) in self.incoming.apply(buf[..n].to_vec()) {
                    if delay.is_zero() {
                        self.assoc.handle(&copy, now);
                    } else {
                        self.held.push((now + delay, false, copy));
                    }
                }
            }
            Ok(_) => {}
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(e) => return Err(e),
        }
        let now = Instant::now();
        let mut due = Vec::new();
        self.held.retain(|(t, out, p)| {
            if *t <= now {
                due.push((*out, p.clone()));
                false
            } else {
                true
            }
        });
        for (out, p) in due {
            if out {
                self.send(&p)?;
            } else {
                self.assoc.handle(&p, now);
            }
        }
        self.assoc.handle_timeout(now);
        self.flush()
    }

    /// Step until `done` holds; a timeout after `limit`.
    pub fn run_until(
        &mut self,
        limit: Duration,
        what: &str,
        mut done: impl FnMut(&mut Self) -> bool,
    ) -> Result<(), DriverError> {
        let deadline = Instant::now() + limit;
        loop {
            if done(self) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(DriverError::Timeout(limit, what.to_string()));
            }
            self.step(deadline)?;
        }
    }
}

/// Serve SCTP over UDP on `sock`: one listening association per peer UDP address (at most
/// [`MAX_SERVER_ASSOCIATIONS`]), every message sent back on its stream with its PPID and
/// unordered flag. Runs until `stop` says so.
pub fn echo_server<S: PacketSocket>(
    sock: &S,
    cfg: &Config,
    sctp_port: u16,
    stop: impl FnMut() -> bool,
) -> io::Result<()> {
    echo_server_impaired(sock, cfg, sctp_port, &mut Impairment::none(), &mut Impairment::none(), stop)
}

/// [`echo_server`] with every packet sent passing `outgoing` and every packet received passing
/// `incoming` (drops and duplicates; delays are not applied here).
pub fn echo_server_impaired<S: PacketSocket>(
    sock: &S,
    cfg: &Config,
    sctp_port: u16,
    outgoing: &mut Impairment,
    incoming: &mut Impairment,
    mut stop: impl FnMut() -> bool,
) -> io::Result<()> {
    let mut assocs: HashMap<SocketAddr, Association> = HashMap::new();
    let mut seed = cfg.seed;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while !stop() {
        let now = Instant::now();
        let wake = assocs.values().filter_map(|a| a.poll_timeout()).min();
        let wait = wake
            .map(|w| w.saturating_duration_since(now))
            .unwrap_or(Duration::from_millis(100))
            .clamp(Duration::from_millis(1), Duration::from_millis(100));
        sock.set_read_timeout(Some(wait))?;
        match sock.recv_from(&mut buf) {
            Ok((n, from)) => {
                let now = Instant::now();
                if !assocs.contains_key(&from) && assocs.len() < MAX_SERVER_ASSOCIATIONS {
                    seed = seed.wrapping_add(1);
                    assocs.insert(from, Association::listen(Config { seed, ..cfg.clone() }, sctp_port, now));
                }
                if let Some(a) = assocs.get_mut(&from) {
                    for (_, copy) in incoming.apply(buf[..n].to_vec()) {
                        a.handle(&copy, now);
                    }
                }
            }
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(e) => return Err(e),
        }
        let now = Instant::now();
        let mut ended = Vec::new();
        for (addr, a) in assocs.iter_mut() {
            a.handle_timeout(now);
            while let Some(ev) = a.poll_event() {
                match ev {
                    Event::Message(m) => {
                        // A full send buffer drops the echo; the client's check reports it.
                        let _ = a.send(m.stream, m.ppid, m.unordered, &m.data);
                    }
                    Event::PeerShutdown => a.close(now),
                    Event::Closed | Event::Aborted(_) => ended.push(*addr),
                    _ => {}
                }
            }
            while let Some(p) = a.poll_transmit(now) {
                for (_, copy) in outgoing.apply(p) {
                    match sock.send_to(&copy, *addr) {
                        Err(e) if e.kind() != io::ErrorKind::ConnectionRefused => return Err(e),
                        _ => {}
                    }
                }
            }
        }
        for addr in ended {
            assocs.remove(&addr);
        }
    }
    Ok(())
}

/// One message of an echo check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub stream: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub data: Vec<u8>,
}

/// A plan of `count` messages cycling through `sizes` and `streams` streams, every third one
/// unordered when `unordered` is set; contents depend on the index so a mix-up shows.
pub fn plan(count: usize, sizes: &[usize], streams: u16, unordered: bool) -> Vec<Planned> {
    (0..count)
        .map(|i| {
            let n = sizes.get(i % sizes.len().max(1)).copied().unwrap_or(1).max(1);
            Planned {
                stream: (i % streams.max(1) as usize) as u16,
                ppid: 1000 + i as u32,
                unordered: unordered && i % 3 == 2,
                data: (0..n).map(|k| (k as u32).wrapping_mul(7).wrapping_add(i as u32 * 13) as u8).collect(),
            }
        })
        .collect()
}

/// What an echo check saw.
#[derive(Debug, Clone, Default)]
pub struct EchoReport {
    pub sent: usize,
    pub echoed: usize,
    pub retransmitted_chunks: u64,
    pub fast_retransmits: u64,
    pub t3_expiries: u64,
    pub dropped_out: u64,
    pub dropped_in: u64,
    pub elapsed: Duration,
}

/// Connect to the echo server at `peer`, send `msgs`, check every echo (once, intact, with its
/// stream and PPID, in order per stream for ordered ones), then shut down gracefully.
///
/// `tail`: see [`check_echoes`].
pub fn echo_check<S: PacketSocket>(
    ua: &mut UdpAssoc<S>,
    msgs: &[Planned],
    tail: Option<usize>,
    limit: Duration,
) -> Result<EchoReport, DriverError> {
    let start = Instant::now();
    let deadline = start + limit;
    let left = |d: Instant| d.saturating_duration_since(Instant::now());
    ua.run_until(left(deadline), "handshake", |u| {
        u.assoc.state() == State::Established || u.events.iter().any(|e| matches!(e, Event::Aborted(_)))
    })?;
    if ua.assoc.state() != State::Established {
        return Err(DriverError::Ended(format!("{:?}", ua.events)));
    }
    let mut next = 0usize;
    let mut got: Vec<Message> = Vec::new();
    let mut complete = 0;
    while complete < msgs.len() {
        while let Some(m) = msgs.get(next) {
            if ua.assoc.send(m.stream, m.ppid, m.unordered, &m.data).is_err() {
                break;
            }
            next += 1;
        }
        if Instant::now() >= deadline {
            let s = ua.assoc.stats();
            return Err(DriverError::Timeout(
                limit,
                format!(
                    "{complete} of {} echoes; {} sent {} queued, state {:?}, {:?}",
                    msgs.len(),
                    next,
                    ua.assoc.buffered(),
                    ua.assoc.state(),
                    s
                ),
            ));
        }
        ua.step(deadline)?;
        while let Some(e) = ua.events.pop_front() {
            match e {
                Event::Message(m) => got.push(m),
                Event::Aborted(s) => return Err(DriverError::Ended(s)),
                Event::Closed => return Err(DriverError::Ended("closed".into())),
                _ => {}
            }
        }
        complete = check_echoes(msgs, &got, tail)?;
    }
    ua.assoc.close(Instant::now());
    ua.run_until(left(deadline), "shutdown", |u| u.assoc.is_closed())?;
    let s = ua.assoc.stats();
    Ok(EchoReport {
        sent: msgs.len(),
        echoed: complete,
        retransmitted_chunks: s.retransmitted_chunks,
        fast_retransmits: s.fast_retransmits,
        t3_expiries: s.t3_expiries,
        dropped_out: ua.outgoing.dropped,
        dropped_in: ua.incoming.dropped,
        elapsed: start.elapsed(),
    })
}

/// Check the echoes received so far and count the messages echoed whole. An echo may come back
/// in pieces: the pieces of one message, known by its PPID, are joined in arrival order. Every
/// piece must continue its message on the right stream, nothing may come back beyond a message's
/// length, and ordered messages must begin in their send order per stream.
///
/// With `tail: Some(n)`, a message longer than `n` bytes is expected back as one message that is
/// its last piece of at most `n` bytes: usrsctp's echo_server reads at most 10,240 bytes at a
/// time and echoes only the read that ends the message (the one with MSG_EOR).
pub fn check_echoes(msgs: &[Planned], got: &[Message], tail: Option<usize>) -> Result<usize, DriverError> {
    let mut joined: Vec<Option<Vec<u8>>> = vec![None; msgs.len()];
    let mut last_ordered: HashMap<u16, usize> = HashMap::new();
    for g in got {
        let i = g.ppid.checked_sub(1000).map(|i| i as usize).filter(|i| *i < msgs.len());
        let Some(i) = i else {
            return Err(DriverError::Mismatch(format!("unexpected PPID {}", g.ppid)));
        };
        let m = &msgs[i];
        if g.stream != m.stream {
            return Err(DriverError::Mismatch(format!("message {i}: stream {}, sent on {}", g.stream, m.stream)));
        }
        let buf = match &mut joined[i] {
            Some(b) => b,
            slot => {
                if !m.unordered {
                    if let Some(prev) = last_ordered.insert(m.stream, i) {
                        if prev > i {
                            return Err(DriverError::Mismatch(format!(
                                "stream {}: message {i} after {prev}",
                                m.stream
                            )));
                        }
                    }
                }
                slot.insert(Vec::new())
            }
        };
        if tail.is_some_and(|n| m.data.len() > n) {
            let n = tail.unwrap_or(0);
            if !buf.is_empty() || g.data.is_empty() || g.data.len() > n || !m.data.ends_with(&g.data) {
                return Err(DriverError::Mismatch(format!(
                    "message {i}: {} bytes back are not the last piece of the {} sent",
                    g.data.len(),
                    m.data.len()
                )));
            }
            *buf = m.data.clone();
            continue;
        }
        buf.extend_from_slice(&g.data);
        if buf.len() > m.data.len() || m.data[..buf.len()] != buf[..] {
            return Err(DriverError::Mismatch(format!(
                "message {i}: {} bytes back differ from the {} sent",
                buf.len(),
                m.data.len()
            )));
        }
    }
    Ok(joined.iter().zip(msgs).filter(|(j, m)| j.as_ref().is_some_and(|j| j.len() == m.data.len())).count())
}
