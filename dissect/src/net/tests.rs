//! Tests of the link, network and transport layers through the whole engine: literal frames in,
//! fields out. Expected values come from the specs, from tshark 4.0 on the same bytes (noted
//! where so), or from etherparse's own header and checksum code.

use crate::capture::{linktype, Frame};
use crate::engine::{Config, Dissector};
use crate::tree::{field_value, Packet, Severity};

fn frame(n: u64, lt: u32, data: Vec<u8>) -> Frame {
    Frame {
        number: n,
        ts_sec: 1000 + n as i64,
        ts_nsec: 0,
        linktype: lt,
        interface: 0,
        orig_len: data.len() as u32,
        data,
        comments: Vec::new(),
        file_offset: 0,
        ts_missing: false,
        pcapng: false,
    }
}

fn run_cfg(lt: u32, frames: Vec<Vec<u8>>, cfg: Config) -> (Vec<Packet>, Dissector) {
    let mut d = Dissector::new(cfg);
    let ps = frames.into_iter().enumerate().map(|(i, f)| d.dissect(frame(i as u64 + 1, lt, f))).collect();
    (ps, d)
}

fn run(lt: u32, frames: Vec<Vec<u8>>) -> Vec<Packet> {
    run_cfg(lt, frames, Config::default()).0
}

/// Every value of a field, as `-T fields` prints them.
fn vals(p: &Packet, abbrev: &str) -> Vec<String> {
    p.values(abbrev).iter().map(|n| field_value(n.def, &n.value)).collect()
}

fn val(p: &Packet, abbrev: &str) -> String {
    vals(p, abbrev).join(",")
}

fn protocols(p: &Packet) -> String {
    val(p, "frame.protocols")
}

fn experts(p: &Packet) -> Vec<String> {
    p.experts.iter().map(|e| e.message.clone()).collect()
}

fn has_expert(p: &Packet, sev: Severity, needle: &str) -> bool {
    p.experts.iter().any(|e| e.severity == sev && e.message.contains(needle))
}

/// Concatenated `data.data` of a packet (what app_tcp/app_udp were given).
fn data(p: &Packet) -> Vec<u8> {
    p.values("data.data")
        .iter()
        .flat_map(|n| match &n.value {
            crate::tree::Value::Bytes(b) => b.clone(),
            _ => Vec::new(),
        })
        .collect()
}

const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];
const IP_A: [u8; 4] = [10, 0, 0, 1];
const IP_B: [u8; 4] = [10, 0, 0, 2];

fn eth(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = MAC_B.to_vec();
    v.extend_from_slice(&MAC_A);
    v.extend_from_slice(&ty.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

/// IPv4 + UDP "hi" from 1 to 2, as in the pcaps the tshark comparisons below used.
fn ip_udp_hi() -> Vec<u8> {
    let b = etherparse::PacketBuilder::ipv4(IP_A, IP_B, 64).udp(1, 2);
    let mut v = Vec::new();
    b.write(&mut v, b"hi").unwrap();
    v
}

#[test]
fn ethernet_ipv4_udp() {
    let ps = run(linktype::ETHERNET, vec![eth(0x0800, &ip_udp_hi())]);
    let p = &ps[0];
    assert_eq!(protocols(p), "eth:ethertype:ip:udp:data");
    assert_eq!(val(p, "eth.dst"), "02:00:00:00:00:02");
    assert_eq!(val(p, "eth.src"), "02:00:00:00:00:01");
    assert_eq!(val(p, "eth.type"), "0x0800");
    assert_eq!(val(p, "eth.dst.lg"), "1");
    assert_eq!(val(p, "eth.dst.ig"), "0");
    assert_eq!(val(p, "ip.version"), "4");
    assert_eq!(val(p, "ip.hdr_len"), "20");
    assert_eq!(val(p, "ip.len"), "30");
    assert_eq!(val(p, "ip.proto"), "17");
    assert_eq!(val(p, "ip.src"), "10.0.0.1");
    assert_eq!(val(p, "ip.addr"), "10.0.0.1,10.0.0.2");
    assert_eq!(val(p, "ip.checksum.status"), "1");
    assert_eq!(val(p, "udp.srcport"), "1");
    assert_eq!(val(p, "udp.port"), "1,2");
    assert_eq!(val(p, "udp.length"), "10");
    assert_eq!(val(p, "udp.checksum.status"), "1");
    assert_eq!(val(p, "udp.stream"), "0");
    assert_eq!(val(p, "udp.payload"), "6869");
    assert_eq!(data(p), b"hi");
    assert_eq!(p.summary.src, "10.0.0.1");
    assert_eq!(p.summary.protocol, "UDP");
    assert_eq!(p.summary.info, "1 → 2 Len=2");
}

#[test]
fn ethernet_padding_and_trailer() {
    // 14 + 30 = 44 bytes; padded to 60 with zeros, then a 4-byte non-zero trailer.
    let mut f = eth(0x0800, &ip_udp_hi());
    f.extend_from_slice(&[0; 16]);
    f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let p = &run(linktype::ETHERNET, vec![f])[0];
    assert_eq!(val(p, "eth.padding"), "00".repeat(16));
    assert_eq!(val(p, "eth.trailer"), "deadbeef");
    assert_eq!(data(p), b"hi");
    // Non-zero bytes where the padding would be: all trailer (tshark, m3ua_isup.cap frame 7).
    let mut f = eth(0x0800, &ip_udp_hi());
    f.extend_from_slice(&[1; 16]);
    let p = &run(linktype::ETHERNET, vec![f])[0];
    assert_eq!(val(p, "eth.padding"), "");
    assert_eq!(val(p, "eth.trailer"), "01".repeat(16));
}

#[test]
fn qinq_and_vlan() {
    // tshark 4.0 on these bytes: eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:udp:data,
    // ieee8021ad.priority 5, ieee8021ad.id 100, vlan.priority 1, vlan.id 5, vlan.etype 0x0800.
    let mut tags = vec![0xa0, 0x64, 0x81, 0x00, 0x20, 0x05, 0x08, 0x00];
    tags.extend_from_slice(&ip_udp_hi());
    let p = &run(linktype::ETHERNET, vec![eth(0x88a8, &tags)])[0];
    assert_eq!(protocols(p), "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:udp:data");
    assert_eq!(val(p, "ieee8021ad.priority"), "5");
    assert_eq!(val(p, "ieee8021ad.id"), "100");
    assert_eq!(val(p, "ieee8021ah.etype"), "0x8100");
    assert_eq!(val(p, "vlan.priority"), "1");
    assert_eq!(val(p, "vlan.dei"), "0");
    assert_eq!(val(p, "vlan.id"), "5");
    assert_eq!(val(p, "vlan.etype"), "0x0800");
    assert_eq!(data(p), b"hi");
    // Two 802.1Q tags.
    let mut tags = vec![0x00, 0x0a, 0x81, 0x00, 0xe0, 0x14, 0x08, 0x00];
    tags.extend_from_slice(&ip_udp_hi());
    let p = &run(linktype::ETHERNET, vec![eth(0x8100, &tags)])[0];
    assert_eq!(protocols(p), "eth:ethertype:vlan:ethertype:vlan:ethertype:ip:udp:data");
    assert_eq!(val(p, "vlan.id"), "10,20");
    assert_eq!(val(p, "vlan.priority"), "0,7");
}

#[test]
fn sll_v1_and_v2() {
    // SLL v1: sent by us, Ethernet, 6-byte address, IPv4.
    let mut f = vec![0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0x20, 0x4e, 0x08, 0x00];
    f.extend_from_slice(&ip_udp_hi());
    let p = &run(linktype::LINUX_SLL, vec![f])[0];
    assert_eq!(protocols(p), "sll:ethertype:ip:udp:data");
    assert_eq!(val(p, "sll.pkttype"), "4");
    assert_eq!(val(p, "sll.hatype"), "1");
    assert_eq!(val(p, "sll.halen"), "6");
    assert_eq!(val(p, "sll.src.eth"), "02:00:00:00:00:01");
    assert_eq!(val(p, "sll.unused"), "204e");
    assert_eq!(val(p, "sll.etype"), "0x0800");
    // SLL v2, the bytes of the sll2 pcap tshark decoded as: sll.etype 0x0800, sll.ifindex 3,
    // sll.hatype 1, sll.pkttype 4, sll.halen 6, sll.src.eth 02:00:00:00:00:01, sll.unused 0000.
    let mut f = vec![0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    f.extend_from_slice(&ip_udp_hi());
    let p = &run(linktype::LINUX_SLL2, vec![f])[0];
    assert_eq!(protocols(p), "sll:ethertype:ip:udp:data");
    assert_eq!(val(p, "sll.etype"), "0x0800");
    assert_eq!(val(p, "sll.ifindex"), "3");
    assert_eq!(val(p, "sll.hatype"), "1");
    assert_eq!(val(p, "sll.pkttype"), "4");
    assert_eq!(val(p, "sll.halen"), "6");
    assert_eq!(val(p, "sll.src.eth"), "02:00:00:00:00:01");
    assert_eq!(val(p, "sll.unused"), "0000");
    assert_eq!(data(p), b"hi");
    // Cut short: malformed, no panic.
    let p = &run(linktype::LINUX_SLL2, vec![vec![0x08, 0x00, 0, 0]])[0];
    assert!(p.malformed);
}

#[test]
fn null_both_byte_orders_and_loop() {
    for (lt, hdr) in [
        (linktype::NULL, 2u32.to_le_bytes()),
        (linktype::NULL, 2u32.to_be_bytes()),
        (linktype::LOOP, 2u32.to_be_bytes()),
    ] {
        let mut f = hdr.to_vec();
        f.extend_from_slice(&ip_udp_hi());
        let p = &run(lt, vec![f])[0];
        assert_eq!(protocols(p), "null:ip:udp:data", "{lt} {hdr:?}");
        assert_eq!(val(p, "null.family"), "2");
    }
    // IPv6 families: 24, 28, 30 (BSDs, macOS).
    let b = etherparse::PacketBuilder::ipv6([1; 16], [2; 16], 64).udp(5, 6);
    let mut v6 = Vec::new();
    b.write(&mut v6, b"x").unwrap();
    for fam in [24u32, 28, 30] {
        let mut f = fam.to_le_bytes().to_vec();
        f.extend_from_slice(&v6);
        let p = &run(linktype::NULL, vec![f])[0];
        assert_eq!(protocols(p), "null:ipv6:udp:data");
        assert_eq!(val(p, "null.family"), fam.to_string());
        assert_eq!(val(p, "udp.checksum.status"), "1");
    }
}

#[test]
fn raw_ip_link_types() {
    let p = &run(linktype::RAW, vec![ip_udp_hi()])[0];
    assert_eq!(protocols(p), "raw:ip:udp:data");
    let p = &run(linktype::IPV4, vec![ip_udp_hi()])[0];
    assert_eq!(protocols(p), "ip:udp:data");
    let b = etherparse::PacketBuilder::ipv6([1; 16], [2; 16], 64).udp(5, 6);
    let mut v6 = Vec::new();
    b.write(&mut v6, b"x").unwrap();
    let p = &run(linktype::IPV6, vec![v6.clone()])[0];
    assert_eq!(protocols(p), "ipv6:udp:data");
    let p = &run(linktype::RAW, vec![v6])[0];
    assert_eq!(protocols(p), "raw:ipv6:udp:data");
}

#[test]
fn unknown_link_type_and_ethertype_are_data() {
    let p = &run(147, vec![b"abcd".to_vec()])[0];
    assert_eq!(protocols(p), "data");
    assert_eq!(data(p), b"abcd");
    assert!(has_expert(p, Severity::Note, "Link type 147"));
    let p = &run(linktype::ETHERNET, vec![eth(0x88b5, b"abcd")])[0];
    // tshark: eth:ethertype:data, protocol column 0x88b5.
    assert_eq!(protocols(p), "eth:ethertype:data");
    assert_eq!(p.summary.protocol, "0x88b5");
    assert!(has_expert(p, Severity::Note, "EtherType 0x88b5"));
}

#[test]
fn arp_request() {
    let mut a = vec![0, 1, 8, 0, 6, 4, 0, 1];
    a.extend_from_slice(&MAC_A);
    a.extend_from_slice(&IP_A);
    a.extend_from_slice(&[0; 6]);
    a.extend_from_slice(&IP_B);
    let p = &run(linktype::ETHERNET, vec![eth(0x0806, &a)])[0];
    assert_eq!(protocols(p), "eth:ethertype:arp");
    assert_eq!(val(p, "arp.opcode"), "1");
    assert_eq!(val(p, "arp.src.proto_ipv4"), "10.0.0.1");
    assert_eq!(val(p, "arp.dst.proto_ipv4"), "10.0.0.2");
    assert_eq!(p.summary.info, "Who has 10.0.0.2? Tell 10.0.0.1");
}

/// The IPv4 header of nsis-ka frame 1 (D-mode GIST Query) with its Router Alert option; tshark
/// shows ip.hdr_len 24, ip.opt.type 148, ip.opt.len 4, ip.opt.ra 0, ip.checksum 0x9786,
/// ip.options.routeralert 94040000.
const RA_HEADER: [u8; 24] = [
    0x46, 0x00, 0x00, 0x7c, 0xf9, 0x1f, 0x40, 0x00, 0x40, 0x11, 0x97, 0x86, 0x0a, 0x62, 0x00, 0x01, 0x0a, 0x62, 0x00,
    0x02, 0x94, 0x04, 0x00, 0x00,
];

#[test]
fn ipv4_router_alert() {
    let mut d = RA_HEADER.to_vec();
    // UDP 270 → 270, length 100, checksum not checked here (0: not present).
    d.extend_from_slice(&[0x01, 0x0e, 0x01, 0x0e, 0x00, 0x64, 0x00, 0x00]);
    d.extend_from_slice(&[0x4e; 92]);
    let p = &run(linktype::IPV4, vec![d])[0];
    assert_eq!(val(p, "ip.hdr_len"), "24");
    assert_eq!(val(p, "ip.flags"), "0x02");
    assert_eq!(val(p, "ip.flags.df"), "1");
    assert_eq!(val(p, "ip.id"), "0xf91f");
    assert_eq!(val(p, "ip.checksum"), "0x9786");
    assert_eq!(val(p, "ip.checksum.status"), "1");
    assert_eq!(val(p, "ip.opt.type"), "148");
    assert_eq!(val(p, "ip.opt.type.copy"), "1");
    assert_eq!(val(p, "ip.opt.type.number"), "20");
    assert_eq!(val(p, "ip.opt.len"), "4");
    assert_eq!(val(p, "ip.opt.ra"), "0");
    assert_eq!(val(p, "ip.options.routeralert"), "94040000");
    assert_eq!(val(p, "udp.checksum.status"), "3");
    assert_eq!(protocols(p), "ip:udp:data");
    // A bad option length is reported, not a panic.
    let mut bad = RA_HEADER.to_vec();
    bad[21] = 9;
    bad[10] = 0;
    bad[11] = 0;
    let p = &run(linktype::IPV4, vec![bad])[0];
    assert!(has_expert(p, Severity::Warning, "Invalid length 9"));
}

#[test]
fn ipv4_checksum_good_and_bad() {
    let mut f = ip_udp_hi();
    let p = &run(linktype::IPV4, vec![f.clone()])[0];
    assert_eq!(val(p, "ip.checksum.status"), "1");
    let good = u16::from_be_bytes([f[10], f[11]]);
    f[10] ^= 0x12;
    let p = &run(linktype::IPV4, vec![f.clone()])[0];
    assert_eq!(val(p, "ip.checksum.status"), "0");
    assert_eq!(val(p, "ip.checksum_calculated"), format!("0x{good:04x}"));
    assert!(has_expert(p, Severity::Warning, "Bad checksum"));
    // Still dissected above IP.
    assert_eq!(data(p), b"hi");
    // Unverified when checking is off, as tshark's default.
    let cfg = Config { check_checksums: false, ..Config::default() };
    let (ps, _) = run_cfg(linktype::IPV4, vec![f], cfg);
    assert_eq!(val(&ps[0], "ip.checksum.status"), "2");
    assert_eq!(val(&ps[0], "udp.checksum.status"), "2");
}

#[test]
fn udp_checksum_bad_v4_and_v6() {
    let mut f = ip_udp_hi();
    let last = f.len() - 1;
    f[last] ^= 0xff;
    let p = &run(linktype::IPV4, vec![f])[0];
    assert_eq!(val(p, "udp.checksum.status"), "0");
    assert!(has_expert(p, Severity::Warning, "Bad checksum"));
    assert_eq!(data(p), [b'h', b'i' ^ 0xff]);
    let b = etherparse::PacketBuilder::ipv6([1; 16], [2; 16], 64).udp(5, 6);
    let mut v6 = Vec::new();
    b.write(&mut v6, b"xyz").unwrap();
    let p = &run(linktype::IPV6, vec![v6.clone()])[0];
    assert_eq!(val(p, "udp.checksum.status"), "1");
    v6[45] ^= 1;
    let p = &run(linktype::IPV6, vec![v6.clone()])[0];
    assert_eq!(val(p, "udp.checksum.status"), "0");
    // Zero checksum over IPv6 is illegal (RFC 8200 §8.1).
    v6[46] = 0;
    v6[47] = 0;
    let p = &run(linktype::IPV6, vec![v6])[0];
    assert_eq!(val(p, "udp.checksum.status"), "4");
}

fn v4_frag(id: u16, off: usize, mf: bool, payload: &[u8]) -> Vec<u8> {
    let mut h = etherparse::Ipv4Header::new(payload.len() as u16, 64, etherparse::IpNumber::UDP, IP_A, IP_B).unwrap();
    h.identification = id;
    h.more_fragments = mf;
    h.fragment_offset = etherparse::IpFragOffset::try_new((off / 8) as u16).unwrap();
    h.header_checksum = h.calc_header_checksum();
    let mut v = Vec::new();
    h.write(&mut v).unwrap();
    v.extend_from_slice(payload);
    v
}

/// A UDP datagram of 2008 bytes (payload 2000) with its checksum, split 1000/1000/8.
fn udp_2008() -> Vec<u8> {
    let b = etherparse::PacketBuilder::ipv4(IP_A, IP_B, 64).udp(1234, 5678);
    let payload: Vec<u8> = (0..2000).map(|i| (i % 256) as u8).collect();
    let mut v = Vec::new();
    b.write(&mut v, &payload).unwrap();
    v[20..].to_vec()
}

#[test]
fn ipv4_fragments_in_order_and_reversed() {
    // tshark on these three frames: frames 1, 2 eth:ethertype:ip:data with info "Fragmented IP
    // protocol (proto=UDP 17, off=0, ID=0007)"; frame 3 ip:udp, ip.fragment 1,2,3,
    // ip.fragment.count 3, ip.reassembled.length 2008.
    let u = udp_2008();
    let fr = vec![
        v4_frag(7, 0, true, &u[..1000]),
        v4_frag(7, 1000, true, &u[1000..2000]),
        v4_frag(7, 2000, false, &u[2000..]),
    ];
    let ps = run(linktype::IPV4, fr.clone());
    assert_eq!(protocols(&ps[0]), "ip:data");
    assert_eq!(ps[0].summary.info, "Fragmented IP protocol (proto=UDP 17, off=0, ID=0007)");
    assert_eq!(ps[1].summary.info, "Fragmented IP protocol (proto=UDP 17, off=1000, ID=0007)");
    assert_eq!(val(&ps[1], "ip.frag_offset"), "125");
    let p = &ps[2];
    assert_eq!(protocols(p), "ip:udp:data");
    assert_eq!(val(p, "ip.fragment"), "1,2,3");
    assert_eq!(val(p, "ip.fragment.count"), "3");
    assert_eq!(val(p, "ip.reassembled.length"), "2008");
    assert_eq!(val(p, "udp.checksum.status"), "1");
    assert_eq!(data(p), &u[8..]);
    assert_eq!(p.buffers.len(), 2);
    assert_eq!(p.buffers[1].name, "Reassembled IPv4");
    assert_eq!(&p.buffers[1].data[..], &u[..]);
    // Reversed: the first frame seen (offset 2000) waits; the last (offset 0) completes.
    let mut rev = fr.clone();
    rev.reverse();
    let ps = run(linktype::IPV4, rev);
    assert_eq!(protocols(&ps[1]), "ip:data");
    // Listed by offset, as tshark lists them (it showed "6,5" for two reversed fragments of
    // corpus/ipv6-frag.pcapng): frame 3 holds offset 0.
    assert_eq!(val(&ps[2], "ip.fragment"), "3,2,1");
    assert_eq!(data(&ps[2]), &u[8..]);
}

#[test]
fn ipv4_fragments_duplicate_overlap_cap() {
    let u = udp_2008();
    // Duplicate of the first fragment: overlap, no conflict.
    let fr =
        vec![v4_frag(9, 0, true, &u[..1000]), v4_frag(9, 0, true, &u[..1000]), v4_frag(9, 1000, false, &u[1000..])];
    let ps = run(linktype::IPV4, fr);
    assert_eq!(val(&ps[1], "ip.fragment.overlap"), "1");
    assert_eq!(val(&ps[1], "ip.fragment.overlap.conflict"), "");
    assert_eq!(data(&ps[2]), &u[8..]);
    // Overlap with different bytes: conflict warning, the first copy kept.
    let mut alt = u[992..2008].to_vec();
    alt[0] ^= 0xff;
    let fr = vec![v4_frag(10, 0, true, &u[..1000]), v4_frag(10, 992, false, &alt)];
    let ps = run(linktype::IPV4, fr);
    assert!(has_expert(&ps[1], Severity::Warning, "Conflicting data in fragment overlap"));
    assert_eq!(val(&ps[1], "ip.fragment.overlap.conflict"), "1");
    assert_eq!(data(&ps[1]), &u[8..]);
    // Cap: a datagram larger than ip_max_datagram is dropped with a warning.
    let cfg = Config { ip_max_datagram: 1500, ..Config::default() };
    let fr = vec![v4_frag(11, 0, true, &u[..1000]), v4_frag(11, 1000, false, &u[1000..])];
    let (ps, d) = run_cfg(linktype::IPV4, fr, cfg);
    assert!(has_expert(&ps[1], Severity::Warning, "Fragment too long"), "{:?}", experts(&ps[1]));
    assert_eq!(protocols(&ps[1]), "ip:data");
    assert!(d.st.ip.v4.is_empty());
}

#[test]
fn ipv6_hop_by_hop_router_alert_and_fragments() {
    // The bytes of frag6.pcap tshark decoded as: frame 1 ipv6:ipv6.hopopts:ipv6.fraghdr:data,
    // info "IPv6 fragment (off=0 more=y ident=0x0000abcd nxt=17)"; frame 2
    // ipv6:ipv6.hopopts:ipv6.fraghdr:udp:data, ipv6.opt.router_alert 0, ipv6.fraghdr.offset 38,
    // ipv6.fragment 1,2, ipv6.reassembled.length 608.
    let s = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let t = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    let payload: Vec<u8> = (0..600).map(|i| (i % 200) as u8).collect();
    let b = etherparse::PacketBuilder::ipv6(s, t, 64).udp(1000, 2000);
    let mut full = Vec::new();
    b.write(&mut full, &payload).unwrap();
    let u = full[40..].to_vec();
    assert_eq!(u.len(), 608);
    let hbh = [44u8, 0, 5, 2, 0, 0, 1, 0];
    let mk = |off: usize, more: bool, part: &[u8]| {
        let mut v = vec![0x60, 0, 0, 0];
        v.extend_from_slice(&((8 + 8 + part.len()) as u16).to_be_bytes());
        v.extend_from_slice(&[0, 64]);
        v.extend_from_slice(&s);
        v.extend_from_slice(&t);
        v.extend_from_slice(&hbh);
        v.extend_from_slice(&[17, 0]);
        v.extend_from_slice(&(((off / 8) as u16) << 3 | u16::from(more)).to_be_bytes());
        v.extend_from_slice(&0xabcdu32.to_be_bytes());
        v.extend_from_slice(part);
        eth(0x86dd, &v)
    };
    let frames = vec![mk(0, true, &u[..304]), mk(304, false, &u[304..])];
    let ps = run(linktype::ETHERNET, frames.clone());
    assert_eq!(protocols(&ps[0]), "eth:ethertype:ipv6:ipv6.hopopts:ipv6.fraghdr:data");
    assert_eq!(ps[0].summary.info, "IPv6 fragment (off=0 more=y ident=0x0000abcd nxt=17)");
    assert_eq!(val(&ps[0], "ipv6.nxt"), "0");
    assert_eq!(val(&ps[0], "ipv6.hopopts.nxt"), "44");
    assert_eq!(val(&ps[0], "ipv6.hopopts.len_oct"), "8");
    assert_eq!(val(&ps[0], "ipv6.opt.type"), "0x05,0x01");
    assert_eq!(val(&ps[0], "ipv6.opt.router_alert"), "0");
    assert_eq!(val(&ps[0], "ipv6.fraghdr.more"), "1");
    assert_eq!(val(&ps[0], "ipv6.fraghdr.ident"), "0x0000abcd");
    let p = &ps[1];
    assert_eq!(protocols(p), "eth:ethertype:ipv6:ipv6.hopopts:ipv6.fraghdr:udp:data");
    assert_eq!(val(p, "ipv6.fraghdr.offset"), "38");
    assert_eq!(val(p, "ipv6.fragment"), "1,2");
    assert_eq!(val(p, "ipv6.fragment.count"), "2");
    assert_eq!(val(p, "ipv6.reassembled.length"), "608");
    assert_eq!(val(p, "udp.checksum.status"), "1");
    assert_eq!(data(p), payload);
    // Reversed, and with a conflicting overlap.
    let ps = run(linktype::ETHERNET, vec![frames[1].clone(), frames[0].clone()]);
    assert_eq!(data(&ps[1]), payload);
    let mut alt = u[296..].to_vec();
    alt[3] ^= 1;
    let ps = run(linktype::ETHERNET, vec![mk(0, true, &u[..304]), mk(296, false, &alt)]);
    assert!(has_expert(&ps[1], Severity::Warning, "Conflicting data"));
    assert_eq!(data(&ps[1]), payload);
}

// ---- TCP ----

const PA: u16 = 40001;
const PB: u16 = 40002;

struct Seg {
    from_a: bool,
    seq: u32,
    ack: Option<u32>,
    syn: bool,
    fin: bool,
    rst: bool,
    data: Vec<u8>,
    opts: Vec<etherparse::TcpOptionElement>,
}

fn seg(from_a: bool, seq: u32, data: &[u8]) -> Seg {
    Seg { from_a, seq, ack: None, syn: false, fin: false, rst: false, data: data.to_vec(), opts: Vec::new() }
}

fn tcp_frame(s: &Seg) -> Vec<u8> {
    let (src, dst, sp, dp) = if s.from_a { (IP_A, IP_B, PA, PB) } else { (IP_B, IP_A, PB, PA) };
    let mut h = etherparse::TcpHeader::new(sp, dp, s.seq, 1000);
    h.syn = s.syn;
    h.fin = s.fin;
    h.rst = s.rst;
    if let Some(a) = s.ack {
        h.ack = true;
        h.acknowledgment_number = a;
    }
    h.set_options(&s.opts).unwrap();
    let ip =
        etherparse::Ipv4Header::new((h.header_len() + s.data.len()) as u16, 64, etherparse::IpNumber::TCP, src, dst)
            .unwrap();
    h.checksum = h.calc_checksum_ipv4(&ip, &s.data).unwrap();
    let mut ip = ip;
    ip.header_checksum = ip.calc_header_checksum();
    let mut v = Vec::new();
    ip.write(&mut v).unwrap();
    h.write(&mut v).unwrap();
    v.extend_from_slice(&s.data);
    eth(0x0800, &v)
}

fn tcp_run(segs: &[Seg]) -> Vec<Packet> {
    run(linktype::ETHERNET, segs.iter().map(tcp_frame).collect())
}

fn tcp_run_cfg(segs: &[Seg], cfg: Config) -> (Vec<Packet>, Dissector) {
    run_cfg(linktype::ETHERNET, segs.iter().map(tcp_frame).collect(), cfg)
}

fn syn(from_a: bool, seq: u32, ack: Option<u32>) -> Seg {
    Seg { syn: true, ack, ..seg(from_a, seq, b"") }
}

fn stream_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 256) as u8).collect()
}

#[test]
fn tcp_handshake_fields_and_options() {
    use etherparse::TcpOptionElement::*;
    let isn_a = 510_499_810u32;
    let isn_b = 1_846_692_126u32;
    let mut s1 = syn(true, isn_a, None);
    s1.opts = vec![MaximumSegmentSize(1460), Noop, WindowScale(6), SelectiveAcknowledgementPermitted, Timestamp(7, 0)];
    let mut s2 = syn(false, isn_b, Some(isn_a + 1));
    s2.opts = vec![MaximumSegmentSize(1452), Noop, WindowScale(2)];
    let s3 = Seg { ack: Some(isn_b + 1), ..seg(true, isn_a + 1, b"") };
    let s4 = Seg { ack: Some(isn_b + 1), ..seg(true, isn_a + 1, b"hello") };
    let ps = tcp_run(&[s1, s2, s3, s4]);
    let p = &ps[0];
    assert_eq!(protocols(p), "eth:ethertype:ip:tcp");
    assert_eq!(val(p, "tcp.seq"), "0");
    assert_eq!(val(p, "tcp.seq_raw"), isn_a.to_string());
    assert_eq!(val(p, "tcp.nxtseq"), "1");
    assert_eq!(val(p, "tcp.ack"), "0");
    assert_eq!(val(p, "tcp.flags"), "0x0002");
    assert_eq!(val(p, "tcp.flags.str"), "··········S·");
    assert_eq!(val(p, "tcp.options.mss_val"), "1460");
    assert_eq!(val(p, "tcp.options.wscale.shift"), "6");
    assert_eq!(val(p, "tcp.options.wscale.multiplier"), "64");
    assert_eq!(val(p, "tcp.options.timestamp.tsval"), "7");
    assert_eq!(val(p, "tcp.option_kind"), "2,1,3,4,8");
    assert_eq!(val(p, "tcp.window_size"), "1000");
    assert_eq!(val(p, "tcp.window_size_scalefactor"), "");
    assert_eq!(val(p, "tcp.checksum.status"), "1");
    assert_eq!(val(p, "tcp.completeness"), "0");
    assert!(has_expert(p, Severity::Chat, "Connection establish request (SYN): server port 40002"));
    assert!(p.summary.info.starts_with("40001 → 40002 [SYN] Seq=0 Win=1000 Len=0 MSS=1460 WS=64 SACK_PERM TSval=7"));
    let p = &ps[1];
    assert_eq!(val(p, "tcp.ack"), "1");
    assert_eq!(val(p, "tcp.completeness"), "1");
    assert_eq!(val(p, "tcp.flags.str"), "·······A··S·");
    let p = &ps[2];
    assert_eq!(val(p, "tcp.seq"), "1");
    assert_eq!(val(p, "tcp.ack"), "1");
    assert_eq!(val(p, "tcp.window_size"), "64000");
    assert_eq!(val(p, "tcp.window_size_scalefactor"), "64");
    assert_eq!(val(p, "tcp.completeness"), "3");
    let p = &ps[3];
    assert_eq!(val(p, "tcp.len"), "5");
    assert_eq!(val(p, "tcp.nxtseq"), "6");
    assert_eq!(val(p, "tcp.payload"), "68656c6c6f");
    assert_eq!(val(p, "tcp.stream"), "0");
    assert_eq!(data(p), b"hello");
    assert_eq!(protocols(p), "eth:ethertype:ip:tcp:data");
}

/// Segments of `s` cut at `cuts`, from A, after a SYN with ISN `isn`.
fn cut_stream(isn: u32, s: &[u8], cuts: &[usize]) -> Vec<Seg> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(s.len());
    bounds.windows(2).map(|w| seg(true, isn.wrapping_add(1).wrapping_add(w[0] as u32), &s[w[0]..w[1]])).collect()
}

fn delivered(ps: &[Packet]) -> Vec<u8> {
    ps.iter().flat_map(data).collect()
}

#[test]
fn tcp_growing_prefix_in_order_reversed_duplicated() {
    let s = stream_bytes(24);
    for cut in 1..s.len() {
        for cut2 in [cut + 1, s.len() - 1] {
            if cut2 <= cut || cut2 >= s.len() {
                continue;
            }
            let segs = cut_stream(100, &s, &[cut, cut2]);
            // In order, then reversed, then every segment twice.
            let mut orders: Vec<Vec<usize>> = vec![(0..segs.len()).collect(), (0..segs.len()).rev().collect()];
            orders.push((0..segs.len()).flat_map(|i| [i, i]).collect());
            orders.push((0..segs.len()).rev().flat_map(|i| [i, i]).collect());
            for order in orders {
                let mut all = vec![syn(true, 100, None)];
                for &i in &order {
                    let g = &segs[i];
                    all.push(seg(true, g.seq, &g.data));
                }
                let ps = tcp_run(&all);
                assert_eq!(delivered(&ps), s, "cuts {cut},{cut2} order {order:?}");
                assert!(ps.iter().all(|p| !p.experts.iter().any(|e| e.message.contains("Conflicting"))));
            }
        }
    }
}

#[test]
fn tcp_out_of_order_is_released_from_a_buffer() {
    let s = stream_bytes(30);
    let segs = cut_stream(1, &s, &[10, 20]);
    let all = vec![
        syn(true, 1, None),
        seg(true, segs[0].seq, &segs[0].data),
        seg(true, segs[2].seq, &segs[2].data),
        seg(true, segs[1].seq, &segs[1].data),
    ];
    let ps = tcp_run(&all);
    assert_eq!(data(&ps[1]), &s[..10]);
    assert!(data(&ps[2]).is_empty());
    assert!(has_expert(&ps[2], Severity::Warning, "Previous segment(s) not captured"));
    assert_eq!(val(&ps[2], "tcp.analysis.lost_segment"), "");
    assert_eq!(ps[2].values("tcp.analysis.lost_segment").len(), 1);
    // Frame 4 completes 10..30: one app call over a "Reassembled TCP" buffer.
    assert_eq!(data(&ps[3]), &s[10..]);
    // tshark 4.0 on the same frames: 1 s after the highest segment is past the out-of-order
    // threshold (3 ms without a handshake RTT), so it is a retransmission.
    assert!(has_expert(&ps[3], Severity::Note, "This frame is a (suspected) retransmission"));
    assert_eq!(ps[3].buffers.last().map(|b| b.name.as_str()), Some("Reassembled TCP"));
}

#[test]
fn tcp_retransmission_and_overlap_conflict() {
    let s = stream_bytes(20);
    let mut bad = s[5..15].to_vec();
    bad[0] ^= 0x55;
    let all = vec![syn(true, 1000, None), seg(true, 1001, &s[..10]), seg(true, 1001, &s[..10]), seg(true, 1006, &bad)];
    let ps = tcp_run(&all);
    assert!(has_expert(&ps[2], Severity::Note, "This frame is a (suspected) retransmission"));
    assert_eq!(ps[2].values("tcp.analysis.retransmission").len(), 1);
    assert!(ps[2].summary.info.starts_with("[TCP Retransmission] "));
    assert!(data(&ps[2]).is_empty(), "a retransmission is not handed up again");
    assert!(has_expert(&ps[3], Severity::Warning, "Conflicting data in segment overlap"));
    // tshark shows the overlap fields only in a reassembled PDU's segment list; frame 4
    // starts before the highest sequence number, so it is a retransmission (tshark 4.0).
    assert_eq!(val(&ps[3], "tcp.segment.overlap.conflict"), "");
    assert!(has_expert(&ps[3], Severity::Note, "This frame is a (suspected) retransmission"));
    // The new part only (10..15) is handed up.
    assert_eq!(data(&ps[3]), &bad[5..]);
}

#[test]
fn tcp_gap_at_fin_and_rst() {
    let s = stream_bytes(40);
    let all = vec![
        syn(true, 0, None),
        seg(true, 1, &s[..10]),
        seg(true, 21, &s[20..30]),
        Seg { fin: true, ..seg(true, 31, b"") },
    ];
    let ps = tcp_run(&all);
    assert_eq!(data(&ps[1]), &s[..10]);
    assert!(data(&ps[2]).is_empty());
    // FIN: the hole 10..20 is given up, 20..30 delivered.
    assert!(has_expert(&ps[3], Severity::Note, "10 bytes at stream offset 10 were not captured"));
    assert_eq!(data(&ps[3]), &s[20..30]);
    // A repeated FIN is a retransmission.
    let mut all2 = all;
    all2.push(Seg { fin: true, ..seg(true, 31, b"") });
    let ps = tcp_run(&all2);
    assert!(has_expert(&ps[4], Severity::Note, "retransmission"));
    // RST flushes too.
    let all = vec![
        syn(true, 0, None),
        seg(true, 1, &s[..10]),
        seg(true, 16, &s[15..20]),
        Seg { rst: true, ..seg(true, 20, b"") },
    ];
    let ps = tcp_run(&all);
    assert!(has_expert(&ps[3], Severity::Note, "5 bytes at stream offset 10 were not captured"));
    assert!(has_expert(&ps[3], Severity::Warning, "Connection reset (RST)"));
    assert_eq!(data(&ps[3]), &s[15..20]);
}

#[test]
fn tcp_ack_past_a_hole_is_a_gap() {
    let s = stream_bytes(30);
    let all = vec![
        syn(true, 0, None),
        syn(false, 500, Some(1)),
        seg(true, 1, &s[..10]),
        // 10..20 never captured; B acknowledges up to 20.
        Seg { ack: Some(21), ..seg(false, 501, b"") },
        seg(true, 21, &s[20..30]),
    ];
    let ps = tcp_run(&all);
    assert!(has_expert(&ps[3], Severity::Warning, "ACKed segment that wasn't captured"));
    assert!(has_expert(&ps[3], Severity::Note, "10 bytes at stream offset 10 were not captured"));
    assert_eq!(data(&ps[4]), &s[20..30], "after the gap, bytes flow in order again");
}

#[test]
fn tcp_sequence_wrap() {
    let s = stream_bytes(64);
    let isn = 0xffff_ffe0u32;
    let segs = cut_stream(isn, &s, &[16, 31, 48]);
    assert!(segs[1].seq > segs[2].seq, "the stream crosses 2^32");
    let mut all = vec![syn(true, isn, None)];
    all.push(seg(true, segs[0].seq, &segs[0].data));
    all.push(seg(true, segs[2].seq, &segs[2].data));
    all.push(seg(true, segs[1].seq, &segs[1].data));
    all.push(seg(true, segs[3].seq, &segs[3].data));
    let ps = tcp_run(&all);
    assert_eq!(delivered(&ps), s);
    assert_eq!(val(&ps[4], "tcp.seq"), "49");
    assert_eq!(val(&ps[4], "tcp.seq_raw"), isn.wrapping_add(49).to_string());
    assert_eq!(val(&ps[2], "tcp.checksum.status"), "1");
}

#[test]
fn tcp_stream_numbers_and_port_reuse() {
    let all = vec![
        syn(true, 100, None),
        seg(true, 101, b"one"),
        Seg { rst: true, ..seg(false, 0, b"") },
        syn(true, 900, None),
        seg(true, 901, b"two"),
    ];
    let ps = tcp_run(&all);
    assert_eq!(val(&ps[1], "tcp.stream"), "0");
    assert_eq!(val(&ps[2], "tcp.stream"), "0");
    assert_eq!(val(&ps[3], "tcp.stream"), "1");
    assert!(has_expert(&ps[3], Severity::Note, "same ports"));
    assert_eq!(val(&ps[4], "tcp.seq"), "1");
    assert_eq!(data(&ps[4]), b"two");
    // A retransmitted SYN (same ISN) stays in its stream.
    let ps = tcp_run(&[syn(true, 5, None), syn(true, 5, None)]);
    assert_eq!(val(&ps[1], "tcp.stream"), "0");
    assert!(has_expert(&ps[1], Severity::Note, "retransmission"));
}

#[test]
fn tcp_buffer_cap_and_flow_cap() {
    let s = stream_bytes(100);
    let cfg = Config { tcp_max_buffer: 20, ..Config::default() };
    let all = vec![syn(true, 0, None), seg(true, 1, &s[..10]), seg(true, 41, &s[40..70])];
    let (ps, _) = tcp_run_cfg(&all, cfg);
    assert!(has_expert(&ps[2], Severity::Warning, "reassembly buffer limit"));
    assert!(has_expert(&ps[2], Severity::Note, "30 bytes at stream offset 10 were not captured"));
    assert_eq!(data(&ps[2]), &s[40..70]);
    // One flow at a time: the second connection evicts the first.
    let cfg = Config { max_flows: 1, ..Config::default() };
    let mut other = tcp_frame(&syn(true, 7, None));
    other[34] ^= 0x40; // another source port (the checksum is then wrong, which does not matter)
    let (ps, d) = run_cfg(linktype::ETHERNET, vec![tcp_frame(&syn(true, 0, None)), other], cfg);
    assert!(has_expert(&ps[1], Severity::Note, "connection table full"));
    assert_eq!(d.st.tcp.len(), 1);
}

#[test]
fn tcp_frames_for_maps_stream_bytes_to_frames() {
    let s = stream_bytes(30);
    let all = vec![syn(true, 0, None), seg(true, 1, &s[..10]), seg(true, 21, &s[20..30]), seg(true, 11, &s[10..20])];
    let (_, d) = tcp_run_cfg(&all, Config::default());
    // Ethernet 14 + IPv4 20 + TCP 20: payload at frame offset 54.
    assert_eq!(d.st.tcp.frames_for(0, 0, 5..25), vec![(2, 59..64), (4, 54..64), (3, 54..59)]);
    assert!(d.st.tcp.frames_for(0, 1, 0..10).is_empty());
    assert!(d.st.tcp.frames_for(9, 0, 0..10).is_empty());
}

#[test]
fn truncated_and_garbage_do_not_panic() {
    let full = tcp_frame(&seg(true, 1, b"payload"));
    for n in 0..full.len() {
        let _ = run(linktype::ETHERNET, vec![full[..n].to_vec()]);
    }
    let full = ip_udp_hi();
    for n in 0..full.len() {
        let _ = run(linktype::RAW, vec![full[..n].to_vec()]);
        let _ = run(linktype::NULL, vec![full[..n].to_vec()]);
    }
    let mut rng = 0x1234_5678u32;
    for _ in 0..300 {
        let len = (rng % 120) as usize;
        let mut v = Vec::with_capacity(len);
        for _ in 0..len {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            v.push(rng as u8);
        }
        for lt in [linktype::ETHERNET, linktype::LINUX_SLL, linktype::LINUX_SLL2, linktype::RAW, linktype::NULL] {
            let _ = run(lt, vec![v.clone()]);
        }
        let mut ip = v.clone();
        if ip.len() > 20 {
            ip[0] = 0x45;
            let _ = run(linktype::IPV4, vec![ip.clone()]);
            ip[0] = 0x60;
            let _ = run(linktype::IPV6, vec![ip]);
        }
    }
}
