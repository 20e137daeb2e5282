//! Deterministic frame builders: payloads wrapped into full link-layer frames.
//!
//! Layering, bottom up:
//! - [`Link`] puts a link header in front of an IP packet: Ethernet II (IEEE 802.3 §3.2.6),
//!   Ethernet with an IEEE 802.1Q tag, Linux cooked capture v1 (SLL) or v2 (SLL2), BSD loopback
//!   (NULL) or nothing (RAW).
//! - [`ip_packets`] makes IPv4 (RFC 791) or IPv6 (RFC 8200) packets around a transport segment,
//!   with an optional Router Alert (IPv4 option 148, RFC 2113; IPv6 hop-by-hop option 5,
//!   RFC 2711) and optional fragmentation into N fragments (RFC 791 §2.3 and §3.2; RFC 8200 §4.5).
//! - [`tcp`], [`udp`] and [`sctp`] build transport segments and whole conversations.
//! - [`tls`] records real TLS sessions (OpenSSL, in memory) with their key logs: the one
//!   builder whose output is not reproducible.
//!
//! Headers and checksums come from `etherparse`. Nothing reads a clock or a global generator:
//! the same inputs give the same bytes.

use std::net::IpAddr;

use etherparse::{
    ArpHardwareId, EtherType, Ethernet2Header, IpFragOffset, IpNumber, Ipv4Header, Ipv4Options, Ipv6FragmentHeader,
    Ipv6Header, Ipv6RawExtHeader, LinuxSllHeader, LinuxSllPacketType, LinuxSllProtocolType, SingleVlanHeader, VlanId,
    VlanPcp,
};

use crate::pcap::Timestamp;

pub mod dtls;
pub mod sctp;
pub mod tcp;
pub mod tls;
pub mod udp;

pub use tcp::Dir;

/// Why a frame could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("source and destination addresses are of different IP versions")]
    MixedFamilies,
    #[error("{what} of {len} bytes is too long")]
    TooLong { what: &'static str, len: usize },
    #[error("cannot cut {len} bytes into {fragments} fragments")]
    BadFragments { len: usize, fragments: usize },
    #[error("invalid value: {0}")]
    Invalid(String),
}

/// One end of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub mac: [u8; 6],
    pub ip: IpAddr,
    pub port: u16,
}

impl Endpoint {
    pub fn new(mac: [u8; 6], ip: IpAddr, port: u16) -> Self {
        Endpoint { mac, ip, port }
    }
}

/// A built frame and when it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub ts: Timestamp,
    pub data: Vec<u8>,
}

/// A timestamp source that advances by a fixed step per frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: Timestamp,
    pub step_ns: u64,
}

impl Clock {
    pub fn new(start: Timestamp, step_ns: u64) -> Self {
        Clock { now: start, step_ns }
    }

    /// The current time; the clock then moves on by one step.
    pub fn tick(&mut self) -> Timestamp {
        let t = self.now;
        self.now = self.now.add_nanos(self.step_ns);
        t
    }

    /// Let extra time pass (e.g. an idle period before a retransmission).
    pub fn advance(&mut self, ns: u64) {
        self.now = self.now.add_nanos(ns);
    }
}

/// The link layer in front of the IP packet, and the LINKTYPE_* of the interface it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    /// Ethernet II, LINKTYPE_ETHERNET (1).
    #[default]
    Ethernet,
    /// Ethernet II with one IEEE 802.1Q tag (TPID 0x8100), LINKTYPE_ETHERNET (1).
    Vlan { id: u16, pcp: u8 },
    /// Linux cooked capture v1, LINKTYPE_LINUX_SLL (113); the sender's MAC as its address.
    Sll,
    /// Linux cooked capture v2, LINKTYPE_LINUX_SLL2 (276): the 20-byte header with the
    /// capturing interface's index; the sender's MAC as its address.
    Sll2 { ifindex: u32 },
    /// BSD loopback: a 4-byte address family in little-endian host order, LINKTYPE_NULL (0).
    Null,
    /// The bare IP packet, LINKTYPE_RAW (101).
    Raw,
}

/// `ARPHRD_ETHER`, the Linux hardware type of an Ethernet interface (SLL and SLL2 `hatype`).
pub const ARPHRD_ETHER: u16 = 1;
/// `PACKET_HOST`, the SLL/SLL2 packet type of a packet addressed to the capturing host.
pub const PACKET_HOST: u8 = 0;

/// BSD `AF_INET`.
pub const NULL_AF_INET: u32 = 2;
/// BSD `AF_INET6` as NetBSD/OpenBSD define it (24); Wireshark also accepts 28 and 30.
pub const NULL_AF_INET6: u32 = 24;

impl Link {
    /// The LINKTYPE_* number for an interface carrying these frames.
    pub fn linktype(self) -> u32 {
        use dissect::capture::linktype;
        match self {
            Link::Ethernet | Link::Vlan { .. } => linktype::ETHERNET,
            Link::Sll => linktype::LINUX_SLL,
            Link::Sll2 { .. } => linktype::LINUX_SLL2,
            Link::Null => linktype::NULL,
            Link::Raw => linktype::RAW,
        }
    }

    /// Put the link header in front of `ip` (an IPv4 or IPv6 packet, told apart by its version
    /// nibble) sent from `src_mac` to `dst_mac`.
    pub fn wrap(self, src_mac: [u8; 6], dst_mac: [u8; 6], ip: &[u8]) -> Result<Vec<u8>, BuildError> {
        let v6 = ip.first().is_some_and(|b| b >> 4 == 6);
        let ether_type = if v6 { EtherType::IPV6 } else { EtherType::IPV4 };
        let mut out = Vec::with_capacity(ip.len() + 18);
        match self {
            Link::Ethernet => {
                out.extend_from_slice(
                    &Ethernet2Header { source: src_mac, destination: dst_mac, ether_type }.to_bytes(),
                );
            }
            Link::Vlan { id, pcp } => {
                let vlan_id = VlanId::try_new(id).map_err(|e| BuildError::Invalid(e.to_string()))?;
                let pcp = VlanPcp::try_new(pcp).map_err(|e| BuildError::Invalid(e.to_string()))?;
                let eth =
                    Ethernet2Header { source: src_mac, destination: dst_mac, ether_type: EtherType::VLAN_TAGGED_FRAME };
                out.extend_from_slice(&eth.to_bytes());
                let tag = SingleVlanHeader { pcp, drop_eligible_indicator: false, vlan_id, ether_type };
                out.extend_from_slice(&tag.to_bytes());
            }
            Link::Sll => {
                let mut addr = [0u8; 8];
                addr[..6].copy_from_slice(&src_mac);
                let sll = LinuxSllHeader {
                    packet_type: LinuxSllPacketType::HOST,
                    arp_hrd_type: ArpHardwareId::ETHERNET,
                    sender_address_valid_length: 6,
                    sender_address: addr,
                    protocol_type: LinuxSllProtocolType::EtherType(ether_type),
                };
                out.extend_from_slice(&sll.to_bytes());
            }
            Link::Sll2 { ifindex } => {
                // LINKTYPE_LINUX_SLL2 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html), all fields
                // big-endian: protocol type (2), reserved (2, zero), interface index (4), ARPHRD_
                // type (2), packet type (1), address length (1), address (8, zero-padded).
                out.extend_from_slice(&ether_type.0.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&ifindex.to_be_bytes());
                out.extend_from_slice(&ARPHRD_ETHER.to_be_bytes());
                out.push(PACKET_HOST);
                out.push(6);
                out.extend_from_slice(&src_mac);
                out.extend_from_slice(&[0, 0]);
            }
            Link::Null => {
                let af = if v6 { NULL_AF_INET6 } else { NULL_AF_INET };
                out.extend_from_slice(&af.to_le_bytes());
            }
            Link::Raw => {}
        }
        out.extend_from_slice(ip);
        Ok(out)
    }
}

/// IP-layer choices for [`ip_packets`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpOptions {
    /// IPv4 TTL / IPv6 hop limit.
    pub ttl: u8,
    /// IPv4 identification (low 16 bits) / IPv6 fragment identification.
    pub ident: u32,
    /// Set IPv4 DF on unfragmented packets.
    pub dont_fragment: bool,
    /// Add a Router Alert (IPv4 option 148 / IPv6 hop-by-hop option 5), value 0.
    pub router_alert: bool,
    /// Cut the transport segment into this many fragments (0 or 1: no fragmentation). Every
    /// fragment but the last carries a multiple of 8 bytes, so fewer fragments can result for
    /// short segments.
    pub fragments: usize,
    /// Emit the fragments last first.
    pub reverse_fragments: bool,
}

impl Default for IpOptions {
    fn default() -> Self {
        IpOptions {
            ttl: 64,
            ident: 0,
            dont_fragment: true,
            router_alert: false,
            fragments: 0,
            reverse_fragments: false,
        }
    }
}

/// IPv4 Router Alert option: type 148 (copied flag set, class 0, number 20), length 4, value 0
/// "router shall examine packet" (RFC 2113 §2.1).
pub const IPV4_ROUTER_ALERT: [u8; 4] = [0x94, 0x04, 0x00, 0x00];

/// IPv6 hop-by-hop options carrying Router Alert (type 5, length 2, value 0 = MLD, RFC 2711 §2.1)
/// and a PadN of 2 bytes (RFC 8200 §4.2) to fill the 8-byte header.
pub const IPV6_HBH_ROUTER_ALERT: [u8; 6] = [0x05, 0x02, 0x00, 0x00, 0x01, 0x00];

/// The IP protocol numbers used here.
pub mod ipproto {
    pub const HOPOPT: u8 = 0;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6_FRAG: u8 = 44;
    pub const SCTP: u8 = 132;
}

/// Fragment payload boundaries: `fragments` pieces of `len` bytes, all but the last a multiple
/// of 8 bytes.
fn fragment_ranges(len: usize, fragments: usize) -> Result<Vec<std::ops::Range<usize>>, BuildError> {
    if fragments <= 1 {
        return Ok(std::iter::once(0..len).collect());
    }
    if fragments > 8192 || len < 16 {
        return Err(BuildError::BadFragments { len, fragments });
    }
    let chunk = len.div_ceil(fragments).div_ceil(8) * 8;
    let mut out = Vec::new();
    let mut at = 0;
    while at < len {
        let end = (at + chunk).min(len);
        out.push(at..end);
        at = end;
    }
    Ok(out)
}

/// IP packets carrying the transport segment `l4` (whose checksum is already computed over the
/// whole segment) from `src` to `dst` with protocol `proto`: one packet, or one per fragment.
pub fn ip_packets(
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    l4: &[u8],
    opts: &IpOptions,
) -> Result<Vec<Vec<u8>>, BuildError> {
    let ranges = fragment_ranges(l4.len(), opts.fragments)?;
    let fragmented = ranges.len() > 1;
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        let piece = l4.get(r.clone()).ok_or(BuildError::BadFragments { len: l4.len(), fragments: opts.fragments })?;
        let more = r.end < l4.len();
        let offset_units =
            u16::try_from(r.start / 8).map_err(|_| BuildError::TooLong { what: "IP datagram", len: l4.len() })?;
        let frag_offset = IpFragOffset::try_new(offset_units).map_err(|e| BuildError::Invalid(e.to_string()))?;
        let mut pkt = Vec::new();
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let payload_len = u16::try_from(piece.len())
                    .map_err(|_| BuildError::TooLong { what: "IPv4 payload", len: piece.len() })?;
                let mut h = Ipv4Header::new(payload_len, opts.ttl, IpNumber(proto), s.octets(), d.octets())
                    .map_err(|_| BuildError::TooLong { what: "IPv4 payload", len: piece.len() })?;
                h.identification = opts.ident as u16;
                h.dont_fragment = opts.dont_fragment && !fragmented;
                h.more_fragments = more;
                h.fragment_offset = frag_offset;
                if opts.router_alert {
                    h.options = Ipv4Options::try_from(&IPV4_ROUTER_ALERT[..])
                        .map_err(|e| BuildError::Invalid(e.to_string()))?;
                }
                h.set_payload_len(piece.len())
                    .map_err(|_| BuildError::TooLong { what: "IPv4 payload", len: piece.len() })?;
                h.header_checksum = h.calc_header_checksum();
                pkt.extend_from_slice(&h.to_bytes());
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let mut exts = Vec::new();
                let mut next = proto;
                if fragmented {
                    let fh = Ipv6FragmentHeader {
                        next_header: IpNumber(next),
                        fragment_offset: frag_offset,
                        more_fragments: more,
                        identification: opts.ident,
                    };
                    exts.splice(0..0, fh.to_bytes());
                    next = ipproto::IPV6_FRAG;
                }
                if opts.router_alert {
                    let hbh = Ipv6RawExtHeader::new_raw(IpNumber(next), &IPV6_HBH_ROUTER_ALERT)
                        .map_err(|e| BuildError::Invalid(e.to_string()))?;
                    exts.splice(0..0, hbh.to_bytes());
                    next = ipproto::HOPOPT;
                }
                let mut h = Ipv6Header {
                    traffic_class: 0,
                    flow_label: Default::default(),
                    payload_length: 0,
                    next_header: IpNumber(next),
                    hop_limit: opts.ttl,
                    source: s.octets(),
                    destination: d.octets(),
                };
                h.set_payload_length(exts.len() + piece.len())
                    .map_err(|_| BuildError::TooLong { what: "IPv6 payload", len: piece.len() })?;
                pkt.extend_from_slice(&h.to_bytes());
                pkt.extend_from_slice(&exts);
            }
            _ => return Err(BuildError::MixedFamilies),
        }
        pkt.extend_from_slice(piece);
        out.push(pkt);
    }
    if opts.reverse_fragments {
        out.reverse();
    }
    Ok(out)
}

/// Link frames for a transport segment from `src` to `dst`: [`ip_packets`] then [`Link::wrap`].
pub fn frames(
    link: Link,
    src: &Endpoint,
    dst: &Endpoint,
    proto: u8,
    l4: &[u8],
    opts: &IpOptions,
) -> Result<Vec<Vec<u8>>, BuildError> {
    ip_packets(src.ip, dst.ip, proto, l4, opts)?.iter().map(|p| link.wrap(src.mac, dst.mac, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{NetSlice, SlicedPacket};
    use std::net::{Ipv4Addr, Ipv6Addr};

    const A: [u8; 6] = [0x02, 0, 0, 0, 0, 1];
    const B: [u8; 6] = [0x02, 0, 0, 0, 0, 2];

    #[test]
    fn ipv4_router_alert_header() {
        let opts = IpOptions { router_alert: true, ident: 0x1234, ..Default::default() };
        let p = ip_packets(Ipv4Addr::new(10, 0, 0, 1).into(), Ipv4Addr::new(10, 0, 0, 2).into(), 17, &[0; 8], &opts)
            .unwrap();
        assert_eq!(p.len(), 1);
        let (h, rest) = Ipv4Header::from_slice(&p[0]).unwrap();
        assert_eq!(h.ihl(), 6);
        assert_eq!(&h.options[..], &IPV4_ROUTER_ALERT);
        assert_eq!(h.total_len, 24 + 8);
        assert_eq!(h.identification, 0x1234);
        assert!(h.dont_fragment);
        assert_eq!(h.header_checksum, h.calc_header_checksum());
        assert_eq!(rest.len(), 8);
    }

    #[test]
    fn ipv4_fragments_cover_the_datagram() {
        let l4: Vec<u8> = (0..100u8).collect();
        let opts = IpOptions { fragments: 3, ident: 7, router_alert: true, ..Default::default() };
        let p = ip_packets(Ipv4Addr::new(1, 1, 1, 1).into(), Ipv4Addr::new(2, 2, 2, 2).into(), 17, &l4, &opts).unwrap();
        assert_eq!(p.len(), 3);
        let mut joined = Vec::new();
        for (i, f) in p.iter().enumerate() {
            let (h, rest) = Ipv4Header::from_slice(f).unwrap();
            assert_eq!(h.identification, 7);
            assert!(!h.dont_fragment);
            assert_eq!(h.more_fragments, i < 2);
            assert_eq!(usize::from(h.fragment_offset.byte_offset()), joined.len());
            // Router Alert has the copied flag, so every fragment carries it (RFC 791 §3.1).
            assert_eq!(&h.options[..], &IPV4_ROUTER_ALERT);
            assert_eq!(h.header_checksum, h.calc_header_checksum());
            if i < 2 {
                assert_eq!(rest.len() % 8, 0);
            }
            joined.extend_from_slice(rest);
        }
        assert_eq!(joined, l4);
    }

    #[test]
    fn ipv6_fragments_with_hop_by_hop() {
        let l4: Vec<u8> = (0..200u8).collect();
        let opts = IpOptions { fragments: 4, ident: 0xdead_beef, router_alert: true, ..Default::default() };
        let s: IpAddr = "2001:db8::1".parse::<Ipv6Addr>().unwrap().into();
        let d: IpAddr = "2001:db8::2".parse::<Ipv6Addr>().unwrap().into();
        let p = ip_packets(s, d, 17, &l4, &opts).unwrap();
        assert_eq!(p.len(), 4);
        let mut joined = Vec::new();
        for (i, f) in p.iter().enumerate() {
            let (h, rest) = Ipv6Header::from_slice(f).unwrap();
            assert_eq!(h.next_header.0, ipproto::HOPOPT);
            assert_eq!(usize::from(h.payload_length), rest.len());
            let (hbh, rest) = Ipv6RawExtHeader::from_slice(rest).unwrap();
            assert_eq!(hbh.next_header.0, ipproto::IPV6_FRAG);
            assert_eq!(hbh.payload(), &IPV6_HBH_ROUTER_ALERT);
            let (fh, rest) = Ipv6FragmentHeader::from_slice(rest).unwrap();
            assert_eq!(fh.next_header.0, 17);
            assert_eq!(fh.identification, 0xdead_beef);
            assert_eq!(fh.more_fragments, i < 3);
            assert_eq!(usize::from(fh.fragment_offset.byte_offset()), joined.len());
            joined.extend_from_slice(rest);
        }
        assert_eq!(joined, l4);
    }

    #[test]
    fn fragment_errors_and_family_mismatch() {
        let s: IpAddr = Ipv4Addr::LOCALHOST.into();
        let d: IpAddr = Ipv6Addr::LOCALHOST.into();
        assert!(matches!(ip_packets(s, d, 17, &[0; 8], &IpOptions::default()), Err(BuildError::MixedFamilies)));
        let o = IpOptions { fragments: 3, ..Default::default() };
        assert!(matches!(ip_packets(s, s, 17, &[0; 8], &o), Err(BuildError::BadFragments { .. })));
        assert!(matches!(
            ip_packets(s, s, 17, &vec![0; 70_000], &IpOptions::default()),
            Err(BuildError::TooLong { .. })
        ));
    }

    #[test]
    fn links_parse_back() {
        let ip = ip_packets(
            Ipv4Addr::new(10, 0, 0, 1).into(),
            Ipv4Addr::new(10, 0, 0, 2).into(),
            17,
            &[0; 8],
            &IpOptions::default(),
        )
        .unwrap()
        .remove(0);
        let eth = Link::Ethernet.wrap(A, B, &ip).unwrap();
        let s = SlicedPacket::from_ethernet(&eth).unwrap();
        assert!(matches!(s.net, Some(NetSlice::Ipv4(_))));
        assert_eq!(&eth[..6], &B);
        assert_eq!(&eth[6..12], &A);

        let vlan = Link::Vlan { id: 100, pcp: 3 }.wrap(A, B, &ip).unwrap();
        assert_eq!(&vlan[12..18], &[0x81, 0x00, 0x60, 0x64, 0x08, 0x00]);
        let s = SlicedPacket::from_ethernet(&vlan).unwrap();
        assert!(matches!(s.net, Some(NetSlice::Ipv4(_))));

        let sll = Link::Sll.wrap(A, B, &ip).unwrap();
        assert_eq!(&sll[..16], &[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00]);
        let s = SlicedPacket::from_linux_sll(&sll).unwrap();
        assert!(matches!(s.net, Some(NetSlice::Ipv4(_))));

        // SLL2: protocol 0x0800, reserved, ifindex 7, hatype 1, pkttype 0, halen 6, address;
        // the layout tshark decodes in `dissect`'s SLL2 link test
        let sll2 = Link::Sll2 { ifindex: 7 }.wrap(A, B, &ip).unwrap();
        assert_eq!(&sll2[..20], &[0x08, 0x00, 0, 0, 0, 0, 0, 7, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(&sll2[20..], &ip[..]);
        assert_eq!(Link::Sll2 { ifindex: 7 }.linktype(), 276);
        let ip6 =
            ip_packets(Ipv6Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into(), 17, &[0; 8], &IpOptions::default())
                .unwrap()
                .remove(0);
        assert_eq!(&Link::Sll2 { ifindex: 1 }.wrap(A, B, &ip6).unwrap()[..2], &[0x86, 0xdd]);
        assert_eq!(Link::Raw.wrap(A, B, &ip6).unwrap(), ip6);
        assert_eq!(Link::Raw.linktype(), 101);

        assert_eq!(&Link::Null.wrap(A, B, &ip).unwrap()[..4], &[2, 0, 0, 0]);
        assert_eq!(Link::Raw.wrap(A, B, &ip).unwrap(), ip);
        assert_eq!(Link::Null.linktype(), 0);
        assert_eq!(Link::Sll.linktype(), 113);
        assert!(Link::Vlan { id: 5000, pcp: 0 }.wrap(A, B, &ip).is_err());
    }

    #[test]
    fn clock_steps() {
        let mut c = Clock::new(Timestamp::new(100, 0), 250_000_000);
        assert_eq!(c.tick(), Timestamp::new(100, 0));
        c.advance(1_000_000_000);
        assert_eq!(c.tick(), Timestamp::new(101, 250_000_000));
        assert_eq!(c.tick(), Timestamp::new(101, 500_000_000));
    }

    proptest::proptest! {
        /// Fragments reassemble to the datagram; all but the last carry multiples of 8 bytes.
        #[test]
        fn fragments_reassemble(len in 16usize..6000, n in 2usize..12, v6: bool, ra: bool) {
            let l4: Vec<u8> = (0..len).map(|i| (i * 31 % 256) as u8).collect();
            let (s, d): (IpAddr, IpAddr) = if v6 {
                (Ipv6Addr::LOCALHOST.into(), "2001:db8::9".parse::<Ipv6Addr>().unwrap().into())
            } else {
                (Ipv4Addr::new(10, 0, 0, 1).into(), Ipv4Addr::new(10, 0, 0, 2).into())
            };
            let opts = IpOptions { fragments: n, router_alert: ra, ident: 99, ..Default::default() };
            let p = ip_packets(s, d, 17, &l4, &opts).unwrap();
            proptest::prop_assert!(p.len() <= n && p.len() >= 2);
            let mut joined = Vec::new();
            for (i, f) in p.iter().enumerate() {
                let sliced = etherparse::SlicedPacket::from_ip(f).unwrap();
                let payload = match &sliced.net {
                    Some(NetSlice::Ipv4(x)) => {
                        proptest::prop_assert_eq!(usize::from(x.header().fragments_offset().byte_offset()), joined.len());
                        proptest::prop_assert_eq!(x.header().more_fragments(), i + 1 < p.len());
                        x.payload().payload
                    }
                    Some(NetSlice::Ipv6(x)) => x.payload().payload,
                    _ => unreachable!(),
                };
                if i + 1 < p.len() {
                    proptest::prop_assert_eq!(payload.len() % 8, 0);
                }
                joined.extend_from_slice(payload);
            }
            proptest::prop_assert_eq!(joined, l4);
        }
    }
}
