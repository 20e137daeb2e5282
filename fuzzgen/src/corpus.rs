//! The seeded corpus: capture files built from the frame builders, the same bytes for the same
//! seed. Every random choice (addresses' host parts, ports, ISNs, payloads, timestamps) comes
//! from a [`Prng`] derived from the seed and the file's name, so files do not depend on each
//! other or on the clock.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use crate::build::sctp;
use crate::build::tcp::{Dir, TcpConfig, TcpConv};
use crate::build::udp::UdpFlow;
use crate::build::{BuildError, Clock, Endpoint, Frame, IpOptions, Link};
use crate::pcap::{PcapNgWriter, Timestamp, WriteError, TSRESOL_NSEC, TSRESOL_USEC};
use crate::rng::Prng;

/// Why the corpus could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("cannot write {path}: {err}")]
    Io { path: String, err: std::io::Error },
}

/// One generated capture file.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    pub name: &'static str,
    /// What the file holds, for the README.
    pub description: String,
    pub frames: usize,
    pub bytes: Vec<u8>,
}

/// Frames of one pcapng interface.
struct Iface {
    link: Link,
    tsresol: u8,
    frames: Vec<Frame>,
    /// (index into `frames`, comment)
    comments: Vec<(usize, String)>,
}

impl Iface {
    fn new(link: Link, tsresol: u8, frames: Vec<Frame>) -> Self {
        Iface { link, tsresol, frames, comments: Vec::new() }
    }
}

/// A pcapng file with one IDB per interface, packets merged in timestamp order (ties keep
/// interface order, then frame order).
fn pcapng(ifaces: &[Iface]) -> Result<(Vec<u8>, usize), CorpusError> {
    let mut w = PcapNgWriter::new(Vec::new())?;
    let mut ids = Vec::new();
    for i in ifaces {
        ids.push(w.add_interface(i.link.linktype(), i.tsresol)?);
    }
    let mut all: Vec<(Timestamp, usize, usize)> = Vec::new();
    for (ii, i) in ifaces.iter().enumerate() {
        for (fi, f) in i.frames.iter().enumerate() {
            all.push((f.ts, ii, fi));
        }
    }
    all.sort();
    for &(ts, ii, fi) in &all {
        let (Some(i), Some(&id)) = (ifaces.get(ii), ids.get(ii)) else { continue };
        let Some(f) = i.frames.get(fi) else { continue };
        let comment = i.comments.iter().find(|(n, _)| *n == fi).map(|(_, c)| c.as_str());
        let len = u32::try_from(f.data.len()).map_err(|_| WriteError::TooLong { len: f.data.len(), snaplen: 0 })?;
        w.write_packet(id, ts, &f.data, len, comment)?;
    }
    Ok((w.into_inner()?, all.len()))
}

/// A pcapng file with a single interface; returns the bytes and the frame count.
pub(crate) fn single_interface(link: Link, tsresol: u8, frames: Vec<Frame>) -> Result<(Vec<u8>, usize), CorpusError> {
    pcapng(&[Iface::new(link, tsresol, frames)])
}

/// A start time derived from the seed: somewhere in 2020-2023, microsecond-aligned.
fn start_time(rng: &mut Prng) -> Timestamp {
    Timestamp::new(1_580_000_000 + rng.range(0, 100_000_000), (rng.range(0, 999_999) * 1000) as u32)
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn v6(last: u16) -> IpAddr {
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, last))
}

/// An ephemeral port (RFC 6335 §6: 49152-65535).
fn ephemeral(rng: &mut Prng) -> u16 {
    rng.range(49152, 65535) as u16
}

/// TCP server port of the corpus conversations: registered with no dissector in Wireshark, so
/// payloads show as `data`.
pub const TCP_SERVER_PORT: u16 = 5001;
/// UDP destination port of the corpus datagrams, likewise plain `data`.
pub const UDP_PORT: u16 = 5002;

fn tcp_config(rng: &mut Prng, mss: u16, link: Link, step_ns: u64) -> TcpConfig {
    TcpConfig {
        client_isn: rng.u32(),
        server_isn: rng.u32(),
        mss,
        window: 65535,
        link,
        ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
        clock: Clock::new(start_time(rng), step_ns),
    }
}

/// `tcp-basic.pcapng`: one IPv4 conversation with handshake, data both ways, FIN teardown.
pub fn tcp_basic(seed: u64) -> Result<CorpusFile, CorpusError> {
    let mut rng = Prng::derive(seed, "tcp-basic");
    let client = Endpoint::new(rng.mac(), v4(192, 0, 2, 10), ephemeral(&mut rng));
    let server = Endpoint::new(rng.mac(), v4(198, 51, 100, 20), TCP_SERVER_PORT);
    let cfg = tcp_config(&mut rng, 536, Link::Ethernet, 1_250_000);
    let mut t = TcpConv::new(client, server, cfg)?;
    t.handshake()?;
    let req = rng.text(300);
    t.send(Dir::ToServer, &req)?;
    t.ack(Dir::ToClient)?;
    let resp = rng.text(2000);
    t.send(Dir::ToClient, &resp)?;
    t.ack(Dir::ToServer)?;
    let req2 = rng.text(120);
    t.send(Dir::ToServer, &req2)?;
    let resp2 = rng.text(48);
    t.send(Dir::ToClient, &resp2)?;
    t.ack(Dir::ToServer)?;
    t.close()?;
    let frames = t.into_frames();
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, frames)?;
    Ok(CorpusFile {
        name: "tcp-basic.pcapng",
        description: format!(
            "IPv4 TCP conversation 192.0.2.10 -> 198.51.100.20:{TCP_SERVER_PORT}, MSS 536: three-way \
             handshake, a 300-byte request, a 2000-byte response in 4 segments, a second exchange \
             (120 and 48 bytes), FIN teardown. Ethernet, microsecond timestamps."
        ),
        frames: n,
        bytes,
    })
}

/// `tcp-reorder.pcapng`: out-of-order, retransmitted and overlapping segments, and a gap.
pub fn tcp_reorder(seed: u64) -> Result<CorpusFile, CorpusError> {
    let mut rng = Prng::derive(seed, "tcp-reorder");
    let client = Endpoint::new(rng.mac(), v4(192, 0, 2, 30), ephemeral(&mut rng));
    let server = Endpoint::new(rng.mac(), v4(198, 51, 100, 40), TCP_SERVER_PORT);
    let cfg = tcp_config(&mut rng, 400, Link::Ethernet, 2_000_000);
    let mut t = TcpConv::new(client, server, cfg)?;
    t.handshake()?;

    // Client: 2000 bytes as segments A..E of 400 bytes, sent A, C, B (out of order), B again
    // (retransmission), then one segment spanning the end of C and the start of D (overlap with
    // identical bytes), D, E.
    let data = rng.text(2000);
    let r = t.write(Dir::ToServer, &data)?;
    let segs = t.segments(Dir::ToServer, r, &[])?;
    if let [a, b, c, d, e] = segs.as_slice() {
        t.emit(a)?;
        t.emit(c)?;
        t.emit(b)?;
        t.ack(Dir::ToClient)?;
        t.clock().advance(200_000_000);
        t.emit(b)?;
        let ov = t.segment(Dir::ToServer, 1000..1400)?;
        t.emit(&ov)?;
        t.emit(d)?;
        t.emit(e)?;
        t.ack(Dir::ToClient)?;
    }

    // Server: 1500 bytes in 4 segments; the second (400..800) is never sent: a gap. The client's
    // ACKs stay at the hole.
    let resp = rng.text(1500);
    let r = t.write(Dir::ToClient, &resp)?;
    let segs = t.segments(Dir::ToClient, r, &[])?;
    for (i, s) in segs.iter().enumerate() {
        if i != 1 {
            t.emit(s)?;
        }
    }
    t.ack(Dir::ToServer)?;
    // Client sends a little more, split at chosen points.
    let tail = rng.text(90);
    t.send_split(Dir::ToServer, &tail, &[10, 50])?;
    t.ack(Dir::ToClient)?;
    t.close()?;
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_NSEC, t.into_frames())?;
    Ok(CorpusFile {
        name: "tcp-reorder.pcapng",
        description: format!(
            "IPv4 TCP conversation to port {TCP_SERVER_PORT}, MSS 400. Client sends 2000 bytes as \
             segments 1,3,2 (out of order), then 2 again after 200 ms (retransmission), then bytes \
             1000..1400 (overlapping segments 3 and 4 with identical data), then 4 and 5. The server's \
             1500-byte reply lacks its second segment (bytes 400..800 never captured: a gap; the \
             client's ACKs stay at the hole). A 90-byte write split at offsets 10 and 50, FIN \
             teardown. Nanosecond timestamps."
        ),
        frames: n,
        bytes,
    })
}

/// `tcp-ipv6.pcapng`: a TCP conversation over IPv6 (RFC 8200), MSS 1220 (the IPv6 minimum MTU of
/// 1280 less the 40-byte IPv6 and 20-byte TCP headers), closed by the server.
pub fn tcp_ipv6(seed: u64) -> Result<CorpusFile, CorpusError> {
    let mut rng = Prng::derive(seed, "tcp-ipv6");
    let client = Endpoint::new(rng.mac(), TCP6_CLIENT.into(), ephemeral(&mut rng));
    let server = Endpoint::new(rng.mac(), TCP6_SERVER.into(), TCP_SERVER_PORT);
    let cfg = tcp_config(&mut rng, 1220, Link::Ethernet, 800_000);
    let mut t = TcpConv::new(client, server, cfg)?;
    t.handshake()?;
    t.send(Dir::ToServer, &rng.text(400))?;
    t.ack(Dir::ToClient)?;
    t.send(Dir::ToClient, &rng.text(3000))?;
    t.ack(Dir::ToServer)?;
    t.send_split(Dir::ToServer, &rng.text(60), &[20])?;
    t.send(Dir::ToClient, &rng.text(1500))?;
    t.ack(Dir::ToServer)?;
    // The server closes: FIN, the client's ACK, the client's FIN, the last ACK.
    t.fin(Dir::ToClient)?;
    t.ack(Dir::ToServer)?;
    t.fin(Dir::ToServer)?;
    t.ack(Dir::ToClient)?;
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, t.into_frames())?;
    Ok(CorpusFile {
        name: "tcp-ipv6.pcapng",
        description: format!(
            "IPv6 TCP conversation {TCP6_CLIENT} -> [{TCP6_SERVER}]:{TCP_SERVER_PORT}, MSS 1220: \
             three-way handshake, a 400-byte request, a 3000-byte response in 3 segments \
             (1220, 1220, 560), a 60-byte request split at offset 20, a 1500-byte response in 2 \
             segments; the server closes (FIN, ACK, FIN, ACK). Ethernet, microsecond timestamps."
        ),
        frames: n,
        bytes,
    })
}

/// Addresses of the IPv6 TCP conversation (RFC 3849 documentation prefix).
pub const TCP6_CLIENT: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0x10, 0, 0, 0, 0x10);
pub const TCP6_SERVER: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0x20, 0, 0, 0, 0x20);

/// `ipv6-frag.pcapng`: fragmented UDP over IPv6 and IPv4, Router Alert in both.
pub fn ipv6_frag(seed: u64) -> Result<CorpusFile, CorpusError> {
    let mut rng = Prng::derive(seed, "ipv6-frag");
    let mac_a = rng.mac();
    let mac_b = rng.mac();
    let a6 = Endpoint::new(mac_a, v6(0x10), ephemeral(&mut rng));
    let b6 = Endpoint::new(mac_b, v6(0x20), UDP_PORT);
    let a4 = Endpoint::new(mac_a, v4(192, 0, 2, 50), ephemeral(&mut rng));
    let b4 = Endpoint::new(mac_b, v4(198, 51, 100, 60), UDP_PORT);
    let mut f = UdpFlow::new(Link::Ethernet, Clock::new(start_time(&mut rng), 500_000));
    f.ip.ident = rng.u32();
    let plain = IpOptions::default();
    // 1: small unfragmented IPv6 datagram
    f.send_with(&a6, &b6, &rng.bytes(64), &plain)?;
    // 2-4: IPv6, 3000 bytes in 3 fragments
    f.send_with(&a6, &b6, &rng.bytes(3000), &IpOptions { fragments: 3, ..plain.clone() })?;
    // 5-6: IPv6, 1800 bytes in 2 fragments, last fragment first
    f.send_with(&b6, &a6, &rng.bytes(1800), &IpOptions { fragments: 2, reverse_fragments: true, ..plain.clone() })?;
    // 7: IPv6 with hop-by-hop Router Alert, unfragmented
    f.send_with(&a6, &b6, &rng.bytes(40), &IpOptions { router_alert: true, ..plain.clone() })?;
    // 8-10: IPv6 with hop-by-hop Router Alert, 2500 bytes in 3 fragments
    f.send_with(&a6, &b6, &rng.bytes(2500), &IpOptions { router_alert: true, fragments: 3, ..plain.clone() })?;
    // 11: IPv4 small
    f.send_with(&a4, &b4, &rng.bytes(64), &plain)?;
    // 12-15: IPv4, 4000 bytes in 4 fragments
    f.send_with(&a4, &b4, &rng.bytes(4000), &IpOptions { fragments: 4, ..plain.clone() })?;
    // 16: IPv4 with Router Alert
    f.send_with(&a4, &b4, &rng.bytes(32), &IpOptions { router_alert: true, ..plain.clone() })?;
    // 17-18: IPv4 with Router Alert, 2000 bytes in 2 fragments (the option is copied into both)
    f.send_with(&b4, &a4, &rng.bytes(2000), &IpOptions { router_alert: true, fragments: 2, ..plain.clone() })?;
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_NSEC, f.into_frames())?;
    Ok(CorpusFile {
        name: "ipv6-frag.pcapng",
        description: format!(
            "UDP datagrams between an ephemeral port and port {UDP_PORT}. IPv6: a plain 64-byte datagram; 3000 bytes in 3 fragments; \
             1800 bytes in 2 fragments sent last-first; hop-by-hop Router Alert unfragmented, then with \
             2500 bytes in 3 fragments. IPv4: a plain datagram; 4000 bytes in 4 fragments; Router Alert \
             option unfragmented, then 2000 bytes in 2 fragments each carrying the option."
        ),
        frames: n,
        bytes,
    })
}

/// Interface index in the SLL2 headers of `mixed-links.pcapng`.
pub const MIXED_SLL2_IFINDEX: u32 = 3;

/// `mixed-links.pcapng`: interfaces of several link types, and packet comments.
pub fn mixed_links(seed: u64) -> Result<CorpusFile, CorpusError> {
    let mut rng = Prng::derive(seed, "mixed-links");
    let start = start_time(&mut rng);
    let links = [
        (Link::Ethernet, TSRESOL_USEC),
        (Link::Vlan { id: rng.range(2, 4000) as u16, pcp: 0 }, TSRESOL_NSEC),
        (Link::Sll, TSRESOL_USEC),
        (Link::Null, TSRESOL_NSEC),
        (Link::Sll2 { ifindex: MIXED_SLL2_IFINDEX }, TSRESOL_USEC),
        (Link::Raw, TSRESOL_NSEC),
    ];
    let mut ifaces = Vec::new();
    for (k, (link, tsresol)) in links.into_iter().enumerate() {
        let kk = k as u8;
        let c = Endpoint::new(rng.mac(), v4(192, 0, 2, 100 + kk), ephemeral(&mut rng));
        let s = Endpoint::new(rng.mac(), v4(198, 51, 100, 100 + kk), TCP_SERVER_PORT);
        // interleave the interfaces: each starts 100 us after the previous one
        let clock = Clock::new(start.add_nanos(100_000 * k as u64), 1_000_000);
        let mut u = UdpFlow::new(link, clock);
        u.ip.ident = u32::from(rng.u16());
        let (c6, s6) =
            (Endpoint { ip: v6(0x100 + u16::from(kk)), ..c }, Endpoint { ip: v6(0x200 + u16::from(kk)), ..s });
        u.send(&c, &Endpoint { port: UDP_PORT, ..s }, &rng.text(40))?;
        u.send(&c6, &Endpoint { port: UDP_PORT, ..s6 }, &rng.text(40))?;
        let mut frames = u.into_frames();
        let mut cfg = tcp_config(&mut rng, 1460, link, 1_000_000);
        cfg.clock = Clock::new(start.add_nanos(100_000 * k as u64 + 2_000_000_000), 1_000_000);
        let mut t = TcpConv::new(c, s, cfg)?;
        t.handshake()?;
        t.send(Dir::ToServer, &rng.text(20))?;
        t.ack(Dir::ToClient)?;
        t.close()?;
        frames.extend(t.into_frames());
        ifaces.push(Iface::new(link, tsresol, frames));
    }
    if let Some(i) = ifaces.get_mut(0) {
        i.comments.push((0, "first frame of the Ethernet interface; fuzzgen corpus".into()));
    }
    if let Some(i) = ifaces.get_mut(3) {
        i.comments.push((2, "SYN on the NULL (loopback) interface".into()));
    }
    let (bytes, n) = pcapng(&ifaces)?;
    Ok(CorpusFile {
        name: "mixed-links.pcapng",
        description: format!(
            "Six interfaces: Ethernet (us), Ethernet with an 802.1Q tag (ns), Linux SLL (us), \
             NULL/loopback (ns), Linux SLL2 with interface index {MIXED_SLL2_IFINDEX} (us), raw IP \
             (LINKTYPE_RAW 101, ns). On each: one IPv4 and one IPv6 UDP datagram, then a short IPv4 \
             TCP conversation (handshake, 20 bytes, ACK, FIN teardown); interfaces interleaved in time. \
             Two packets carry opt_comment."
        ),
        frames: n,
        bytes,
    })
}

/// `sctp-assoc.pcapng`, `sctp-udp-encap.pcapng` and `sctp-ipv6.pcapng`.
pub fn sctp_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    sctp::corpus_files(seed)
}

/// Every corpus file for `seed`, in a fixed order.
pub fn generate(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let mut out = vec![tcp_basic(seed)?, tcp_reorder(seed)?, tcp_ipv6(seed)?, ipv6_frag(seed)?];
    out.extend(sctp_files(seed)?);
    out.push(mixed_links(seed)?);
    out.extend(crate::scenarios::corpus_files(seed)?);
    Ok(out)
}

/// The corpus index, `README.md`.
pub fn readme(seed: u64, files: &[CorpusFile]) -> String {
    let mut s = String::new();
    s.push_str("# Corpus\n\n");
    s.push_str("Captures generated by `fuzzgen`; do not edit by hand. Regenerate with\n\n");
    s.push_str(&format!("    cargo run -p fuzzgen -- corpus --out corpus --seed {seed}\n\n"));
    s.push_str(
        "The same seed gives the same bytes (timestamps, addresses' choices, ports, sequence numbers and \
         payloads all come from the seed); `fuzzgen`'s tests check that regenerating with seed 1 \
         reproduces these files byte for byte, and that tshark reads each without a malformed packet.\n\n",
    );
    s.push_str("| file | frames | contents |\n|---|---|---|\n");
    for f in files {
        s.push_str(&format!("| `{}` | {} | {} |\n", f.name, f.frames, f.description));
    }
    s.push_str(&crate::record::readme_section());
    s
}

/// Write every file and the README into `dir`.
pub fn write_corpus(dir: &Path, seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let files = generate(seed)?;
    let io = |p: &Path, err| CorpusError::Io { path: p.display().to_string(), err };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for f in &files {
        let p = dir.join(f.name);
        std::fs::write(&p, &f.bytes).map_err(|e| io(&p, e))?;
    }
    let p = dir.join("README.md");
    std::fs::write(&p, readme(seed, &files)).map_err(|e| io(&p, e))?;
    Ok(files)
}
