//! SCTP associations (RFC 9260, which obsoletes RFC 4960; section numbers below are RFC 9260's),
//! built from the wire types and `emit` functions of `dissect::proto::sctp`, carried directly
//! over IP (protocol 132) or encapsulated in UDP (RFC 6951, port 9899).
//!
//! - Setup (§5.1): INIT with verification tag 0, INIT ACK carrying a State Cookie, COOKIE ECHO,
//!   COOKIE ACK.
//! - Data (§6): a user message is cut into DATA chunks of at most `max_fragment` bytes with the
//!   B and E bits (§6.9); ordered messages take the stream's next SSN, unordered ones (U bit)
//!   SSN 0 (§6.6: the receiver ignores it). TSNs advance by one per chunk. DATA chunks are plans
//!   ([`DataPlan`]) until emitted, so they can be bundled (§6.10), reordered, dropped or sent
//!   twice.
//! - Acknowledgement (§6.2, §3.3.4): each side records the TSNs it has seen; a SACK carries the
//!   cumulative TSN ack, Gap Ack Blocks for what arrived past a hole, and the duplicate TSNs seen
//!   since the last SACK.
//! - HEARTBEAT / HEARTBEAT ACK (§8.3) with an echoed Heartbeat Info; SHUTDOWN, SHUTDOWN ACK,
//!   SHUTDOWN COMPLETE (§9.2).
//! - Verification tags (§8.5): 0 on INIT; otherwise the receiver's Initiate Tag.
//! - The CRC32c (§6.8, Appendix A) comes from `dissect::proto::sctp`'s packet `emit`.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

use dissect::proto::sctp::{Chunk, CommonHeader, Data, GapBlock, Init, Packet, Param, Sack};

use super::tcp::Dir;
use super::udp::udp_segment;
use super::{frames, ipproto, BuildError, Clock, Endpoint, Frame, IpOptions, Link};
use crate::corpus::{CorpusError, CorpusFile};

/// UDP port for SCTP over UDP (RFC 6951 §5.1, IANA "sctp-tunneling").
pub const SCTP_UDP_PORT: u16 = 9899;

/// How SCTP packets are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encap {
    /// Directly over IP, protocol 132.
    Ip,
    /// In UDP (RFC 6951): the client's and the server's UDP ports.
    Udp { client_port: u16, server_port: u16 },
}

impl Encap {
    /// UDP encapsulation on the registered port at both ends.
    pub const UDP: Encap = Encap::Udp { client_port: SCTP_UDP_PORT, server_port: SCTP_UDP_PORT };
}

/// Settings of an association.
#[derive(Debug, Clone)]
pub struct SctpConfig {
    /// Initiate Tags: the verification tag each side expects in packets it receives.
    pub client_tag: u32,
    pub server_tag: u32,
    pub client_initial_tsn: u32,
    pub server_initial_tsn: u32,
    pub a_rwnd: u32,
    /// Outbound and inbound streams announced by both sides.
    pub streams: u16,
    /// Largest user data per DATA chunk; longer messages are fragmented.
    pub max_fragment: usize,
    /// The State Cookie the server sends in INIT ACK and the client echoes.
    pub cookie: Vec<u8>,
    /// Transport addresses each side lists in its INIT / INIT ACK as IPv4 or IPv6 Address
    /// parameters (RFC 9260 §3.3.2.1, §5.1.2: a multi-homed endpoint announces its addresses);
    /// empty lists send none, and the packet's source address alone is used.
    pub client_addrs: Vec<IpAddr>,
    pub server_addrs: Vec<IpAddr>,
    pub encap: Encap,
    pub link: Link,
    /// IP-layer template; `ident` is the first IPv4 identification of each side.
    pub ip: IpOptions,
    pub clock: Clock,
}

/// A DATA chunk waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPlan {
    pub dir: Dir,
    pub tsn: u32,
    pub stream: u16,
    pub ssn: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub beginning: bool,
    pub ending: bool,
    pub payload: Vec<u8>,
}

impl DataPlan {
    /// The DATA chunk (RFC 9260 §3.3.1).
    pub fn chunk(&self) -> Chunk<'_> {
        Chunk::Data(Data {
            immediate: false,
            unordered: self.unordered,
            beginning: self.beginning,
            ending: self.ending,
            tsn: self.tsn,
            stream_id: self.stream,
            ssn: self.ssn,
            ppid: self.ppid,
            user_data: &self.payload,
        })
    }
}

#[derive(Debug, Clone, Default)]
struct Side {
    /// The tag this side chose (peers put it in packets to this side).
    tag: u32,
    next_tsn: u32,
    /// Next SSN per outgoing stream.
    ssn: Vec<u16>,
    /// The peer's initial TSN, and which of the peer's TSNs this side has received, as offsets
    /// from it.
    peer_initial_tsn: u32,
    received: BTreeSet<u64>,
    dups: Vec<u32>,
    ip_id: u16,
}

impl Side {
    fn receive(&mut self, tsn: u32) {
        let off = u64::from(tsn.wrapping_sub(self.peer_initial_tsn));
        if !self.received.insert(off) {
            self.dups.push(tsn);
        }
    }

    /// Count of the contiguous TSNs received from the peer's initial one.
    fn contiguous(&self) -> u64 {
        let mut n = 0u64;
        for &o in &self.received {
            if o != n {
                break;
            }
            n += 1;
        }
        n
    }

    fn cum_tsn_ack(&self) -> u32 {
        self.peer_initial_tsn.wrapping_add(self.contiguous() as u32).wrapping_sub(1)
    }

    /// Gap Ack Blocks: runs of received TSNs past the cumulative ack, as offsets from it (§3.3.4).
    fn gaps(&self) -> Vec<GapBlock> {
        let base = self.contiguous();
        let mut out: Vec<GapBlock> = Vec::new();
        let mut run: Option<(u64, u64)> = None;
        for &o in self.received.range(base..) {
            // the offset from the cumulative TSN ack is o - base + 1
            let rel = o - base + 1;
            run = match run {
                Some((s, e)) if rel == e + 1 => Some((s, rel)),
                Some((s, e)) => {
                    out.push(GapBlock { start: s as u16, end: e as u16 });
                    Some((rel, rel))
                }
                None => Some((rel, rel)),
            };
        }
        if let Some((s, e)) = run {
            out.push(GapBlock { start: s as u16, end: e as u16 });
        }
        out
    }
}

/// IPv4 Address (5) and IPv6 Address (6) parameters, RFC 9260 §3.3.2.1.
fn address_params(addrs: &[IpAddr]) -> Vec<Param<'static>> {
    addrs
        .iter()
        .map(|a| match a {
            IpAddr::V4(v) => Param::Ipv4(*v),
            IpAddr::V6(v) => Param::Ipv6(*v),
        })
        .collect()
}

/// An SCTP association between a client (the initiator) and a server.
pub struct SctpAssoc {
    pub client: Endpoint,
    pub server: Endpoint,
    cfg: SctpConfig,
    sides: [Side; 2],
    frames: Vec<Frame>,
}

fn idx(d: Dir) -> usize {
    match d {
        Dir::ToServer => 0,
        Dir::ToClient => 1,
    }
}

impl SctpAssoc {
    /// `client.port` and `server.port` are the SCTP ports.
    pub fn new(client: Endpoint, server: Endpoint, cfg: SctpConfig) -> Result<Self, BuildError> {
        if matches!((client.ip, server.ip), (IpAddr::V4(_), IpAddr::V6(_)) | (IpAddr::V6(_), IpAddr::V4(_))) {
            return Err(BuildError::MixedFamilies);
        }
        if cfg.max_fragment == 0 || cfg.streams == 0 {
            return Err(BuildError::Invalid("max_fragment and streams must be positive".into()));
        }
        let n = usize::from(cfg.streams);
        let id = cfg.ip.ident as u16;
        let c = Side {
            tag: cfg.client_tag,
            next_tsn: cfg.client_initial_tsn,
            ssn: vec![0; n],
            peer_initial_tsn: cfg.server_initial_tsn,
            ip_id: id,
            ..Default::default()
        };
        let s = Side {
            tag: cfg.server_tag,
            next_tsn: cfg.server_initial_tsn,
            ssn: vec![0; n],
            peer_initial_tsn: cfg.client_initial_tsn,
            ip_id: id.wrapping_add(0x4000),
            ..Default::default()
        };
        Ok(SctpAssoc { client, server, cfg, sides: [c, s], frames: Vec::new() })
    }

    /// The clock, to let time pass between frames.
    pub fn clock(&mut self) -> &mut Clock {
        &mut self.cfg.clock
    }

    fn supported_addresses(&self) -> Vec<u16> {
        // IPv4 Address (5) or IPv6 Address (6) parameter types, RFC 9260 §3.3.2.1.
        match self.client.ip {
            IpAddr::V4(_) => vec![5],
            IpAddr::V6(_) => vec![6],
        }
    }

    /// INIT, INIT ACK (with the State Cookie), COOKIE ECHO, COOKIE ACK. The INIT carries the
    /// client's address parameters then Supported Address Types; the INIT ACK the server's
    /// address parameters then the State Cookie (RFC 9260 §3.3.2, §3.3.3).
    pub fn associate(&mut self) -> Result<(), BuildError> {
        let streams = self.cfg.streams;
        let mut params = address_params(&self.cfg.client_addrs);
        params.push(Param::SupportedAddressTypes(self.supported_addresses()));
        let init = Chunk::Init(Init {
            initiate_tag: self.cfg.client_tag,
            a_rwnd: self.cfg.a_rwnd,
            outbound_streams: streams,
            inbound_streams: streams,
            initial_tsn: self.cfg.client_initial_tsn,
            params,
        });
        self.emit(Dir::ToServer, &[init])?;
        let cookie = self.cfg.cookie.clone();
        let mut params = address_params(&self.cfg.server_addrs);
        params.push(Param::StateCookie(&cookie));
        let init_ack = Chunk::InitAck(Init {
            initiate_tag: self.cfg.server_tag,
            a_rwnd: self.cfg.a_rwnd,
            outbound_streams: streams,
            inbound_streams: streams,
            initial_tsn: self.cfg.server_initial_tsn,
            params,
        });
        self.emit(Dir::ToClient, &[init_ack])?;
        self.emit(Dir::ToServer, &[Chunk::CookieEcho { cookie: &cookie }])?;
        self.emit(Dir::ToClient, &[Chunk::CookieAck])
    }

    /// Cut a user message into DATA chunk plans, assigning TSNs (and the SSN for an ordered
    /// message). Nothing is sent.
    pub fn message(
        &mut self,
        dir: Dir,
        stream: u16,
        ppid: u32,
        data: &[u8],
        unordered: bool,
    ) -> Result<Vec<DataPlan>, BuildError> {
        let max = self.cfg.max_fragment;
        let side = &mut self.sides[idx(dir)];
        let ssn_slot = side.ssn.get_mut(usize::from(stream)).ok_or_else(|| {
            BuildError::Invalid(format!("stream {stream} beyond the {} negotiated", self.cfg.streams))
        })?;
        let ssn = if unordered {
            0
        } else {
            let s = *ssn_slot;
            *ssn_slot = s.wrapping_add(1);
            s
        };
        let pieces: Vec<&[u8]> = if data.is_empty() { vec![data] } else { data.chunks(max).collect() };
        let n = pieces.len();
        let mut out = Vec::with_capacity(n);
        for (i, p) in pieces.into_iter().enumerate() {
            out.push(DataPlan {
                dir,
                tsn: side.next_tsn,
                stream,
                ssn,
                ppid,
                unordered,
                beginning: i == 0,
                ending: i + 1 == n,
                payload: p.to_vec(),
            });
            side.next_tsn = side.next_tsn.wrapping_add(1);
        }
        Ok(out)
    }

    /// Send a message, one DATA chunk per packet.
    pub fn send_message(
        &mut self,
        dir: Dir,
        stream: u16,
        ppid: u32,
        data: &[u8],
        unordered: bool,
    ) -> Result<(), BuildError> {
        for p in self.message(dir, stream, ppid, data, unordered)? {
            self.send_data(&[p])?;
        }
        Ok(())
    }

    /// Send DATA chunk plans bundled in one packet (all must go the same way).
    pub fn send_data(&mut self, plans: &[DataPlan]) -> Result<(), BuildError> {
        let Some(dir) = plans.first().map(|p| p.dir) else { return Ok(()) };
        if plans.iter().any(|p| p.dir != dir) {
            return Err(BuildError::Invalid("DATA chunks of both directions in one packet".into()));
        }
        let chunks: Vec<Chunk<'_>> = plans.iter().map(DataPlan::chunk).collect();
        self.emit(dir, &chunks)
    }

    /// The SACK `dir` would send now for the peer's DATA it has seen (RFC 9260 §3.3.4).
    pub fn sack_chunk(&self, dir: Dir) -> Sack {
        let side = &self.sides[idx(dir)];
        Sack {
            cum_tsn_ack: side.cum_tsn_ack(),
            a_rwnd: self.cfg.a_rwnd,
            gaps: side.gaps(),
            dup_tsns: side.dups.clone(),
        }
    }

    /// Send a SACK from `dir`; its duplicate TSN list starts afresh afterwards.
    pub fn sack(&mut self, dir: Dir) -> Result<(), BuildError> {
        let s = self.sack_chunk(dir);
        self.emit(dir, &[Chunk::Sack(s)])
    }

    /// A SACK from `dir` bundled in front of DATA chunks from `dir` (control chunks come first,
    /// RFC 9260 §6.10).
    pub fn sack_and_data(&mut self, dir: Dir, plans: &[DataPlan]) -> Result<(), BuildError> {
        if plans.iter().any(|p| p.dir != dir) {
            return Err(BuildError::Invalid("DATA chunk of the other direction".into()));
        }
        let s = self.sack_chunk(dir);
        let mut chunks = vec![Chunk::Sack(s)];
        chunks.extend(plans.iter().map(DataPlan::chunk));
        self.emit(dir, &chunks)
    }

    /// HEARTBEAT from `dir` with `info` as Heartbeat Info, and the HEARTBEAT ACK echoing it.
    pub fn heartbeat(&mut self, dir: Dir, info: &[u8]) -> Result<(), BuildError> {
        self.emit(dir, &[Chunk::Heartbeat { params: vec![Param::HeartbeatInfo(info)] }])?;
        self.emit(dir.reverse(), &[Chunk::HeartbeatAck { params: vec![Param::HeartbeatInfo(info)] }])
    }

    /// Graceful close started by `dir`: SHUTDOWN (with its cumulative TSN ack), SHUTDOWN ACK,
    /// SHUTDOWN COMPLETE.
    pub fn shutdown(&mut self, dir: Dir) -> Result<(), BuildError> {
        let cum = self.sides[idx(dir)].cum_tsn_ack();
        self.emit(dir, &[Chunk::Shutdown { cum_tsn_ack: cum }])?;
        self.emit(dir.reverse(), &[Chunk::ShutdownAck])?;
        self.emit(dir, &[Chunk::ShutdownComplete { tag_reflected: false }])
    }

    /// Send any chunks from `dir` in one packet, with the right verification tag; DATA chunks
    /// among them count as received by the peer.
    pub fn emit(&mut self, dir: Dir, chunks: &[Chunk<'_>]) -> Result<(), BuildError> {
        let (src, dst) = match dir {
            Dir::ToServer => (self.client, self.server),
            Dir::ToClient => (self.server, self.client),
        };
        let vtag = if matches!(chunks.first(), Some(Chunk::Init(_))) { 0 } else { self.sides[idx(dir.reverse())].tag };
        let pkt = Packet {
            header: CommonHeader { src_port: src.port, dst_port: dst.port, verification_tag: vtag, checksum: 0 },
            chunks: chunks.to_vec(),
        };
        let mut sctp = Vec::new();
        pkt.emit(&mut sctp);
        let (proto, l4) = match self.cfg.encap {
            Encap::Ip => (ipproto::SCTP, sctp),
            Encap::Udp { client_port, server_port } => {
                let (sp, dp) = match dir {
                    Dir::ToServer => (client_port, server_port),
                    Dir::ToClient => (server_port, client_port),
                };
                let us = Endpoint { port: sp, ..src };
                let ud = Endpoint { port: dp, ..dst };
                (ipproto::UDP, udp_segment(&us, &ud, &sctp)?)
            }
        };
        let side = &mut self.sides[idx(dir)];
        let opts = IpOptions { ident: u32::from(side.ip_id), ..self.cfg.ip.clone() };
        let built = frames(self.cfg.link, &src, &dst, proto, &l4, &opts)?;
        side.ip_id = side.ip_id.wrapping_add(1);
        if chunks.iter().any(|c| matches!(c, Chunk::Sack(_))) {
            side.dups.clear();
        }
        let peer = &mut self.sides[idx(dir.reverse())];
        for c in chunks {
            if let Chunk::Data(d) = c {
                peer.receive(d.tsn);
            }
        }
        for data in built {
            let ts = self.cfg.clock.tick();
            self.frames.push(Frame { ts, data });
        }
        Ok(())
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The frames built so far, leaving none behind (to write them out as they are made).
    pub fn take_frames(&mut self) -> Vec<Frame> {
        std::mem::take(&mut self.frames)
    }

    pub fn into_frames(self) -> Vec<Frame> {
        self.frames
    }
}

/// SCTP port of the corpus associations: no dissector in Wireshark for it, so with PPID 0 the
/// user data shows as `data`.
pub const CORPUS_SCTP_PORT: u16 = 5003;

/// Addresses of the IPv6 corpus association: each side is multi-homed and lists both of its
/// addresses in INIT / INIT ACK, the first being the one its packets come from.
pub const CORPUS_V6_CLIENT: [Ipv6Addr; 2] =
    [Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, 0x70), Ipv6Addr::new(0x2001, 0xdb8, 0, 3, 0, 0, 0, 0x70)];
pub const CORPUS_V6_SERVER: [Ipv6Addr; 2] =
    [Ipv6Addr::new(0x2001, 0xdb8, 0, 2, 0, 0, 0, 0x80), Ipv6Addr::new(0x2001, 0xdb8, 0, 4, 0, 0, 0, 0x80)];

/// The scenario the SCTP corpus files share; `v6` runs it between [`CORPUS_V6_CLIENT`] and
/// [`CORPUS_V6_SERVER`] with their addresses listed in INIT and INIT ACK.
fn corpus_assoc(seed: u64, label: &str, encap: Encap, v6: bool) -> Result<Vec<Frame>, CorpusError> {
    use crate::rng::Prng;
    let mut rng = Prng::derive(seed, label);
    let (cip, sip, client_addrs, server_addrs) = if v6 {
        let c: Vec<IpAddr> = CORPUS_V6_CLIENT.iter().map(|a| IpAddr::V6(*a)).collect();
        let s: Vec<IpAddr> = CORPUS_V6_SERVER.iter().map(|a| IpAddr::V6(*a)).collect();
        (c[0], s[0], c, s)
    } else {
        (IpAddr::from([192, 0, 2, 70]), IpAddr::from([198, 51, 100, 80]), Vec::new(), Vec::new())
    };
    let client = Endpoint::new(rng.mac(), cip, rng.range(49152, 65535) as u16);
    let server = Endpoint::new(rng.mac(), sip, CORPUS_SCTP_PORT);
    let start =
        crate::pcap::Timestamp::new(1_580_000_000 + rng.range(0, 100_000_000), (rng.range(0, 999_999) * 1000) as u32);
    let cfg = SctpConfig {
        client_tag: rng.u32() | 1,
        server_tag: rng.u32() | 1,
        client_initial_tsn: rng.u32(),
        server_initial_tsn: rng.u32(),
        a_rwnd: 106_496,
        streams: 4,
        max_fragment: 1200,
        cookie: rng.bytes(32),
        client_addrs,
        server_addrs,
        encap,
        link: Link::Ethernet,
        ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
        clock: Clock::new(start, 1_500_000),
    };
    let mut a = SctpAssoc::new(client, server, cfg)?;
    let (up, down) = (Dir::ToServer, Dir::ToClient);
    a.associate()?;
    // An ordered message on stream 0, acknowledged.
    a.send_message(up, 0, 0, &rng.text(100), false)?;
    a.sack(down)?;
    // A 3000-byte ordered message on stream 1: three fragments (B, -, E).
    a.send_message(up, 1, 0, &rng.text(3000), false)?;
    a.sack(down)?;
    // A 2000-byte unordered message on stream 2: two fragments with the U bit.
    a.send_message(up, 2, 0, &rng.text(2000), true)?;
    a.sack(down)?;
    // Three small messages bundled in one packet: streams 0 and 3 ordered, stream 1 unordered.
    let mut bundle = a.message(up, 0, 0, &rng.text(40), false)?;
    bundle.extend(a.message(up, 3, 0, &rng.text(24), false)?);
    bundle.extend(a.message(up, 1, 0, &rng.text(16), true)?);
    a.send_data(&bundle)?;
    // The server answers with a SACK bundled in front of its own DATA on stream 0.
    let reply = a.message(down, 0, 0, &rng.text(200), false)?;
    a.sack_and_data(down, &reply)?;
    a.sack(up)?;
    // Loss and recovery: three messages on stream 2, the second arriving late; the SACK in
    // between reports a gap block; a duplicate of the late one is reported as a duplicate TSN.
    let m1 = a.message(up, 2, 0, &rng.text(60), false)?;
    let m2 = a.message(up, 2, 0, &rng.text(60), false)?;
    let m3 = a.message(up, 2, 0, &rng.text(60), false)?;
    a.send_data(&m1)?;
    a.send_data(&m3)?;
    a.sack(down)?;
    a.clock().advance(300_000_000);
    a.send_data(&m2)?;
    a.send_data(&m2)?;
    a.sack(down)?;
    // Heartbeats both ways, with a timestamp-like info.
    a.clock().advance(1_000_000_000);
    let info = rng.bytes(16);
    a.heartbeat(up, &info)?;
    let info = rng.bytes(16);
    a.heartbeat(down, &info)?;
    // Shutdown started by the client.
    a.shutdown(up)?;
    Ok(a.into_frames())
}

const SCENARIO: &str = "INIT, INIT ACK with a 32-byte State Cookie, COOKIE ECHO, COOKIE ACK (4 streams); a 100-byte \
    message on stream 0; a 3000-byte message on stream 1 in 3 fragments (B/E bits); a 2000-byte unordered \
    message on stream 2 in 2 fragments; one packet bundling 3 DATA chunks (streams 0, 3, and 1 unordered); a \
    server SACK bundled before server DATA; three messages on stream 2 with the second delayed (SACK with a Gap \
    Ack Block) and then sent twice (SACK with a duplicate TSN); HEARTBEAT/HEARTBEAT ACK both ways; SHUTDOWN, \
    SHUTDOWN ACK, SHUTDOWN COMPLETE. PPID 0, correct CRC32c.";

/// `sctp-assoc.pcapng`, `sctp-udp-encap.pcapng` and `sctp-ipv6.pcapng`.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    use crate::pcap::TSRESOL_NSEC;
    let direct = corpus_assoc(seed, "sctp-assoc", Encap::Ip, false)?;
    let (bytes, n) = crate::corpus::single_interface(Link::Ethernet, TSRESOL_NSEC, direct)?;
    let a = CorpusFile {
        name: "sctp-assoc.pcapng",
        description: format!("IPv4 SCTP association 192.0.2.70 -> 198.51.100.80:{CORPUS_SCTP_PORT}: {SCENARIO}"),
        frames: n,
        bytes,
    };
    let udp = corpus_assoc(seed, "sctp-udp-encap", Encap::UDP, false)?;
    let (bytes, n) = crate::corpus::single_interface(Link::Ethernet, TSRESOL_NSEC, udp)?;
    let b = CorpusFile {
        name: "sctp-udp-encap.pcapng",
        description: format!(
            "The same scenario over UDP encapsulation (RFC 6951, UDP port {SCTP_UDP_PORT} at both ends), \
             SCTP port {CORPUS_SCTP_PORT}: {SCENARIO}"
        ),
        frames: n,
        bytes,
    };
    let v6 = corpus_assoc(seed, "sctp-ipv6", Encap::Ip, true)?;
    let (bytes, n) = crate::corpus::single_interface(Link::Ethernet, TSRESOL_NSEC, v6)?;
    let [c0, c1] = CORPUS_V6_CLIENT;
    let [s0, s1] = CORPUS_V6_SERVER;
    let c = CorpusFile {
        name: "sctp-ipv6.pcapng",
        description: format!(
            "The same scenario over IPv6, {c0} -> {s0} port {CORPUS_SCTP_PORT}, both ends multi-homed: \
             the INIT lists IPv6 Address parameters {c0} and {c1} (then Supported Address Types: IPv6), \
             the INIT ACK {s0} and {s1} (then the State Cookie). {SCENARIO}"
        ),
        frames: n,
        bytes,
    };
    Ok(vec![a, b, c])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcap::Timestamp;
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};

    fn assoc(encap: Encap) -> SctpAssoc {
        let c = Endpoint::new([2, 0, 0, 0, 0, 1], IpAddr::from([10, 0, 0, 1]), 40000);
        let s = Endpoint::new([2, 0, 0, 0, 0, 2], IpAddr::from([10, 0, 0, 2]), 5003);
        let cfg = SctpConfig {
            client_tag: 0x1111_1111,
            server_tag: 0x2222_2222,
            client_initial_tsn: 0xffff_fffe,
            server_initial_tsn: 500,
            a_rwnd: 65536,
            streams: 3,
            max_fragment: 100,
            cookie: b"a state cookie, 28 bytes....".to_vec(),
            client_addrs: Vec::new(),
            server_addrs: Vec::new(),
            encap,
            link: Link::Ethernet,
            ip: IpOptions::default(),
            clock: Clock::new(Timestamp::new(1, 0), 1000),
        };
        SctpAssoc::new(c, s, cfg).unwrap()
    }

    /// The SCTP packet of each frame, its CRC32c checked independently of `dissect` (RFC 9260
    /// Appendix A: CRC32c over the packet with a zero checksum field, sent least significant
    /// byte first).
    fn sctp_packets(frames: &[Frame]) -> Vec<Vec<u8>> {
        frames
            .iter()
            .map(|f| {
                let s = SlicedPacket::from_ethernet(&f.data).unwrap();
                let pkt = match (&s.net, &s.transport) {
                    (_, Some(TransportSlice::Udp(u))) => {
                        assert_eq!((u.source_port(), u.destination_port()), (SCTP_UDP_PORT, SCTP_UDP_PORT));
                        let Some(NetSlice::Ipv4(ip)) = &s.net else { panic!() };
                        let h = u.to_header();
                        let ih = ip.header();
                        let want = h.calc_checksum_ipv4_raw(ih.source(), ih.destination(), u.payload()).unwrap();
                        assert_eq!(h.checksum, want, "UDP checksum");
                        u.payload().to_vec()
                    }
                    (Some(NetSlice::Ipv4(ip)), _) => {
                        assert_eq!(ip.header().protocol().0, 132);
                        ip.payload().payload.to_vec()
                    }
                    _ => panic!("neither SCTP nor UDP"),
                };
                let mut z = pkt.clone();
                z[8..12].copy_from_slice(&[0; 4]);
                assert_eq!(u32::from_le_bytes([pkt[8], pkt[9], pkt[10], pkt[11]]), crc32c::crc32c(&z), "CRC32c");
                pkt
            })
            .collect()
    }

    fn vtag(p: &[u8]) -> u32 {
        u32::from_be_bytes([p[4], p[5], p[6], p[7]])
    }

    #[test]
    fn setup_tags_and_cookie() {
        for encap in [Encap::Ip, Encap::UDP] {
            let mut a = assoc(encap);
            a.associate().unwrap();
            let p = sctp_packets(a.frames());
            assert_eq!(p.len(), 4);
            // chunk types INIT, INIT ACK, COOKIE ECHO, COOKIE ACK
            assert_eq!(p.iter().map(|x| x[12]).collect::<Vec<_>>(), vec![1, 2, 10, 11]);
            assert_eq!(p.iter().map(|x| vtag(x)).collect::<Vec<_>>(), vec![0, 0x1111_1111, 0x2222_2222, 0x1111_1111]);
            // ports
            assert_eq!(&p[0][..4], &[0x9c, 0x40, 0x13, 0x8b]);
            assert_eq!(&p[1][..4], &[0x13, 0x8b, 0x9c, 0x40]);
            // INIT: initiate tag, a_rwnd, streams, initial TSN
            assert_eq!(&p[0][16..32], &[0x11, 0x11, 0x11, 0x11, 0, 1, 0, 0, 0, 3, 0, 3, 0xff, 0xff, 0xff, 0xfe]);
            // INIT ACK carries the State Cookie parameter (type 7, length 4 + 28)
            assert_eq!(&p[1][32..36], &[0, 7, 0, 32]);
            assert_eq!(&p[1][36..64], b"a state cookie, 28 bytes....");
            // COOKIE ECHO echoes it
            assert_eq!(&p[2][14..16], &[0, 32]);
            assert_eq!(&p[2][16..44], b"a state cookie, 28 bytes....");
        }
    }

    #[test]
    fn address_parameters_in_init_and_init_ack() {
        let c: IpAddr = "2001:db8::1".parse().unwrap();
        let s: IpAddr = "2001:db8::2".parse().unwrap();
        let mut a = assoc(Encap::Ip);
        a.client.ip = c;
        a.server.ip = s;
        a.cfg.client_addrs = vec![c, IpAddr::from([192, 0, 2, 9])];
        a.cfg.server_addrs = vec![s];
        a.associate().unwrap();
        let p: Vec<Vec<u8>> = a
            .frames()
            .iter()
            .map(|f| {
                let sl = SlicedPacket::from_ethernet(&f.data).unwrap();
                let Some(NetSlice::Ipv6(ip)) = &sl.net else { panic!("not IPv6") };
                assert_eq!(ip.header().next_header().0, 132);
                ip.payload().payload.to_vec()
            })
            .collect();
        // INIT: fixed part (16 + 4 header) then IPv6 Address (type 6, length 20), IPv4 Address
        // (type 5, length 8), Supported Address Types (type 12, length 6 + 2 padding): RFC 9260
        // §3.3.2.1
        let init = &p[0][12..];
        assert_eq!(&init[20..24], &[0, 6, 0, 20]);
        assert_eq!(&init[24..40], &"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
        assert_eq!(&init[40..52], &[0, 5, 0, 8, 192, 0, 2, 9, 0, 12, 0, 6]);
        assert_eq!(&init[52..56], &[0, 6, 0, 0]);
        // the chunk length leaves out the last parameter's padding (RFC 9260 §3.2): 20 + 20 + 8 + 6
        assert_eq!(&init[2..4], &54u16.to_be_bytes());
        // INIT ACK: the server's address, then the State Cookie (type 7)
        let ack = &p[1][12..];
        assert_eq!(&ack[20..24], &[0, 6, 0, 20]);
        assert_eq!(&ack[24..40], &"2001:db8::2".parse::<Ipv6Addr>().unwrap().octets());
        assert_eq!(&ack[40..44], &[0, 7, 0, 32]);
    }

    #[test]
    fn fragmentation_ssn_and_flags() {
        let mut a = assoc(Encap::Ip);
        let m = a.message(Dir::ToServer, 1, 7, &[0xab; 250], false).unwrap();
        let f: Vec<_> = m.iter().map(|p| (p.tsn, p.ssn, p.beginning, p.ending, p.payload.len())).collect();
        assert_eq!(
            f,
            vec![(0xffff_fffe, 0, true, false, 100), (0xffff_ffff, 0, false, false, 100), (0, 0, false, true, 50)]
        );
        let m = a.message(Dir::ToServer, 1, 7, b"x", false).unwrap();
        assert_eq!((m[0].tsn, m[0].ssn, m[0].beginning, m[0].ending), (1, 1, true, true));
        let m = a.message(Dir::ToServer, 1, 7, &[1; 150], true).unwrap();
        assert!(m.iter().all(|p| p.unordered && p.ssn == 0));
        let m = a.message(Dir::ToServer, 1, 7, b"y", false).unwrap();
        assert_eq!(m[0].ssn, 2, "unordered messages do not take an SSN");
        assert!(a.message(Dir::ToServer, 3, 0, b"z", false).is_err());
        // the DATA chunk on the wire: flags U|B|E = 0x07, length 16 + 1
        let mut b = assoc(Encap::Ip);
        b.associate().unwrap();
        let m = b.message(Dir::ToServer, 2, 0x0102_0304, b"q", true).unwrap();
        b.send_data(&m).unwrap();
        let p = sctp_packets(&b.frames()[4..]);
        assert_eq!(&p[0][12..29], &[0, 0x07, 0, 17, 0xff, 0xff, 0xff, 0xfe, 0, 2, 0, 0, 1, 2, 3, 4, b'q']);
        assert_eq!(p[0].len(), 12 + 20, "padded to 4 bytes");
    }

    #[test]
    fn sack_gaps_and_duplicates() {
        let mut a = assoc(Encap::Ip);
        a.associate().unwrap();
        let t0 = a.message(Dir::ToServer, 0, 0, b"a", false).unwrap();
        let t1 = a.message(Dir::ToServer, 0, 0, b"b", false).unwrap();
        let t2 = a.message(Dir::ToServer, 0, 0, b"c", false).unwrap();
        let t3 = a.message(Dir::ToServer, 0, 0, b"d", false).unwrap();
        // nothing received yet: the cumulative ack is the initial TSN - 1
        assert_eq!(a.sack_chunk(Dir::ToClient).cum_tsn_ack, 0xffff_fffd);
        a.send_data(&t0).unwrap();
        a.send_data(&t2).unwrap();
        a.send_data(&t3).unwrap();
        let s = a.sack_chunk(Dir::ToClient);
        assert_eq!(s.cum_tsn_ack, 0xffff_fffe);
        assert_eq!(s.gaps, vec![GapBlock { start: 2, end: 3 }]);
        a.sack(Dir::ToClient).unwrap();
        a.send_data(&t1).unwrap();
        a.send_data(&t1).unwrap();
        let s = a.sack_chunk(Dir::ToClient);
        assert_eq!((s.cum_tsn_ack, s.gaps.len(), s.dup_tsns.clone()), (1, 0, vec![0xffff_ffff]));
        a.sack(Dir::ToClient).unwrap();
        assert!(a.sack_chunk(Dir::ToClient).dup_tsns.is_empty(), "duplicates are reported once");
        // SACK on the wire: type 3, cum ack, a_rwnd, 1 gap, 0 dups, gap 2..3
        let p = sctp_packets(a.frames());
        let sack = &p[7];
        assert_eq!(&sack[12..32], &[3, 0, 0, 20, 0xff, 0xff, 0xff, 0xfe, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3]);
        assert_eq!(vtag(sack), 0x1111_1111, "server to client carries the client's tag");
    }

    #[test]
    fn bundling_heartbeat_and_shutdown() {
        let mut a = assoc(Encap::UDP);
        a.associate().unwrap();
        let mut plans = a.message(Dir::ToServer, 0, 0, b"one", false).unwrap();
        plans.extend(a.message(Dir::ToServer, 1, 0, b"two", false).unwrap());
        a.send_data(&plans).unwrap();
        let reply = a.message(Dir::ToClient, 0, 0, b"three", false).unwrap();
        a.sack_and_data(Dir::ToClient, &reply).unwrap();
        a.heartbeat(Dir::ToServer, b"hbinfo").unwrap();
        a.shutdown(Dir::ToServer).unwrap();
        let p = sctp_packets(a.frames());
        assert_eq!(p.len(), 4 + 1 + 1 + 2 + 3);
        // two DATA chunks: 16 + 3 padded to 20 each
        assert_eq!((p[4][12], p[4][32], p[4].len()), (0, 0, 12 + 40));
        // SACK first, then DATA
        assert_eq!((p[5][12], p[5][12 + 16]), (3, 0));
        assert_eq!(&p[5][16..20], &0xffff_ffffu32.to_be_bytes(), "cum ack = the client's second TSN");
        // HEARTBEAT with Heartbeat Info (type 1, length 10), echoed in HEARTBEAT ACK
        assert_eq!(&p[6][12..26], &[4, 0, 0, 14, 0, 1, 0, 10, b'h', b'b', b'i', b'n', b'f', b'o']);
        assert_eq!(&p[7][12..26], &[5, 0, 0, 14, 0, 1, 0, 10, b'h', b'b', b'i', b'n', b'f', b'o']);
        // SHUTDOWN acks the server's TSN 500; SHUTDOWN ACK; SHUTDOWN COMPLETE with T = 0
        assert_eq!(&p[8][12..20], &[7, 0, 0, 8, 0, 0, 1, 0xf4]);
        assert_eq!(&p[9][12..16], &[8, 0, 0, 4]);
        assert_eq!(&p[10][12..16], &[14, 0, 0, 4]);
        assert_eq!(vtag(&p[10]), 0x2222_2222);
        assert!(a.send_data(&[plans[0].clone(), reply[0].clone()]).is_err());
    }
}
