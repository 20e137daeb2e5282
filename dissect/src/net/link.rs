//! Link layers. Entry point: [`dissect`].
//!
//! - Ethernet II (IEEE 802.3 clause 3.2; the Type field of IEEE 802.3 §3.2.6 with values from
//!   the IEEE EtherType registry), with IEEE 802.1Q customer VLAN tags (`vlan`, 0x8100) and
//!   IEEE 802.1ad service tags (`ieee8021ad`, 0x88a8), nested to any depth up to
//!   [`MAX_VLAN_TAGS`];
//! - Linux cooked capture v1 (`LINKTYPE_LINUX_SLL`, 16-byte header) and v2
//!   (`LINKTYPE_LINUX_SLL2`, 20-byte header), both shown as tshark's `sll` protocol;
//! - BSD loopback (`LINKTYPE_NULL`: a 4-byte address family in the capturing host's byte order,
//!   so both orders are accepted) and OpenBSD loopback (`LINKTYPE_LOOP`: big-endian);
//! - raw IP (`LINKTYPE_RAW`: version from the first nibble; `LINKTYPE_IPV4`, `LINKTYPE_IPV6`).
//!
//! ```text
//! Ethernet II:  | dst (6) | src (6) | type (2) | payload ... | padding/trailer |
//! 802.1Q tag:   | PCP(3) DEI(1) VID(12) | type (2) |
//! SLL:          | pkttype (2) | hatype (2) | halen (2) | addr (8) | protocol (2) |
//! SLL2:         | protocol (2) | reserved (2) | ifindex (4) | hatype (2) | pkttype (1) | halen (1) | addr (8) |
//! NULL / LOOP:  | family (4) |
//! ```
//!
//! As in tshark, every layer that dispatches on an EtherType records the `ethertype`
//! pseudo-protocol in `frame.protocols`, and bytes past the end of an IP datagram are shown as
//! `eth.padding` (up to the 60-byte Ethernet minimum) and a trailer (`eth.trailer`,
//! `sll.trailer`, `vlan.trailer`) in the layer that dispatched.

use crate::capture::linktype;
use crate::engine::{data_layer, Ctx};
use crate::tree::{Base, FieldDef, FieldType, Group, Severity, Tvb, Value};

/// VLAN tags one frame may nest before the rest is shown as data.
pub const MAX_VLAN_TAGS: usize = 8;

/// EtherType values (IEEE EtherType registry).
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const VLAN: u16 = 0x8100;
    pub const IPV6: u16 = 0x86dd;
    pub const QINQ: u16 = 0x88a8;
    pub const QINQ_OLD: u16 = 0x9100;
}

const ETYPES: &[(u64, &str)] = &[
    (0x0800, "IPv4"),
    (0x0806, "ARP"),
    (0x8100, "802.1Q Virtual LAN"),
    (0x86dd, "IPv6"),
    (0x8847, "MPLS label switched packet"),
    (0x8863, "PPPoE Discovery"),
    (0x8864, "PPPoE Session"),
    (0x888e, "802.1X Authentication"),
    (0x88a8, "802.1ad Provider Bridge (Q-in-Q)"),
    (0x88b5, "Local Experimental Ethertype 1"),
    (0x88b6, "Local Experimental Ethertype 2"),
    (0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"),
    (0x9100, "QinQ: old non-standard 802.1ad"),
];

/// Field definitions (tshark's names).
pub mod hf {
    use super::*;
    pub static ETH: FieldDef = FieldDef::proto("eth", "Ethernet");
    pub static ETH_DST: FieldDef = FieldDef::new("eth.dst", "Destination", FieldType::Ether, Base::None);
    pub static ETH_SRC: FieldDef = FieldDef::new("eth.src", "Source", FieldType::Ether, Base::None);
    pub static ETH_ADDR: FieldDef = FieldDef::new("eth.addr", "Address", FieldType::Ether, Base::None);
    pub static ETH_DST_OUI: FieldDef = FieldDef::new("eth.dst.oui", "Destination OUI", FieldType::U24, Base::Dec);
    pub static ETH_SRC_OUI: FieldDef = FieldDef::new("eth.src.oui", "Source OUI", FieldType::U24, Base::Dec);
    pub static ETH_ADDR_OUI: FieldDef = FieldDef::new("eth.addr.oui", "Address OUI", FieldType::U24, Base::Dec);
    pub static ETH_DST_LG: FieldDef = FieldDef::new("eth.dst.lg", "LG bit", FieldType::Bool, Base::None).mask(0x020000);
    pub static ETH_DST_IG: FieldDef = FieldDef::new("eth.dst.ig", "IG bit", FieldType::Bool, Base::None).mask(0x010000);
    pub static ETH_SRC_LG: FieldDef = FieldDef::new("eth.src.lg", "LG bit", FieldType::Bool, Base::None).mask(0x020000);
    pub static ETH_SRC_IG: FieldDef = FieldDef::new("eth.src.ig", "IG bit", FieldType::Bool, Base::None).mask(0x010000);
    pub static ETH_LG: FieldDef = FieldDef::new("eth.lg", "LG bit", FieldType::Bool, Base::None).mask(0x020000);
    pub static ETH_IG: FieldDef = FieldDef::new("eth.ig", "IG bit", FieldType::Bool, Base::None).mask(0x010000);
    pub static ETH_TYPE: FieldDef = FieldDef::new("eth.type", "Type", FieldType::U16, Base::Hex).strings(ETYPES);
    pub static ETH_LEN: FieldDef = FieldDef::new("eth.len", "Length", FieldType::U16, Base::Dec);
    pub static ETH_PADDING: FieldDef = FieldDef::new("eth.padding", "Padding", FieldType::Bytes, Base::None);
    pub static ETH_TRAILER: FieldDef = FieldDef::new("eth.trailer", "Trailer", FieldType::Bytes, Base::None);

    const PRIORITIES: &[(u64, &str)] = &[
        (0, "Best Effort (default)"),
        (1, "Background"),
        (2, "Spare"),
        (3, "Excellent Effort"),
        (4, "Controlled Load"),
        (5, "Video, < 100ms latency and jitter"),
        (6, "Voice, < 10ms latency and jitter"),
        (7, "Network Control"),
    ];
    pub static VLAN: FieldDef = FieldDef::proto("vlan", "802.1Q Virtual LAN");
    pub static VLAN_PRIORITY: FieldDef =
        FieldDef::new("vlan.priority", "Priority", FieldType::U16, Base::Dec).strings(PRIORITIES).mask(0xe000);
    pub static VLAN_DEI: FieldDef = FieldDef::new("vlan.dei", "DEI", FieldType::Bool, Base::None).mask(0x1000);
    pub static VLAN_ID: FieldDef = FieldDef::new("vlan.id", "ID", FieldType::U16, Base::Dec).mask(0x0fff);
    pub static VLAN_ETYPE: FieldDef = FieldDef::new("vlan.etype", "Type", FieldType::U16, Base::Hex).strings(ETYPES);
    pub static VLAN_TRAILER: FieldDef = FieldDef::new("vlan.trailer", "Trailer", FieldType::Bytes, Base::None);
    pub static QINQ: FieldDef = FieldDef::proto("ieee8021ad", "IEEE 802.1ad");
    pub static QINQ_PRIORITY: FieldDef =
        FieldDef::new("ieee8021ad.priority", "Priority", FieldType::U16, Base::Dec).mask(0xe000);
    pub static QINQ_DEI: FieldDef = FieldDef::new("ieee8021ad.dei", "DEI", FieldType::U16, Base::Dec).mask(0x1000);
    pub static QINQ_ID: FieldDef = FieldDef::new("ieee8021ad.id", "ID", FieldType::U16, Base::Dec).mask(0x0fff);
    pub static QINQ_ETYPE: FieldDef =
        FieldDef::new("ieee8021ah.etype", "Type", FieldType::U16, Base::Hex).strings(ETYPES);

    const PKTTYPES: &[(u64, &str)] =
        &[(0, "Unicast to us"), (1, "Broadcast"), (2, "Multicast"), (3, "Unicast to another host"), (4, "Sent by us")];
    const HATYPES: &[(u64, &str)] = &[
        (1, "Ethernet"),
        (24, "IEEE 1394"),
        (512, "PPP"),
        (768, "IP-in-IP tunnel"),
        (772, "Loopback"),
        (776, "IPv6-in-IPv4"),
        (778, "GRE"),
        (801, "IEEE 802.11"),
        (823, "IPv6-in-IPv6"),
        (65534, "None"),
    ];
    pub static SLL: FieldDef = FieldDef::proto("sll", "Linux cooked capture");
    pub static SLL_PKTTYPE: FieldDef =
        FieldDef::new("sll.pkttype", "Packet type", FieldType::U16, Base::Dec).strings(PKTTYPES);
    pub static SLL_HATYPE: FieldDef =
        FieldDef::new("sll.hatype", "Link-layer address type", FieldType::U16, Base::Dec).strings(HATYPES);
    pub static SLL_HALEN: FieldDef = FieldDef::new("sll.halen", "Link-layer address length", FieldType::U16, Base::Dec);
    pub static SLL_SRC_ETH: FieldDef = FieldDef::new("sll.src.eth", "Source", FieldType::Ether, Base::None);
    pub static SLL_SRC_IPV4: FieldDef = FieldDef::new("sll.src.ipv4", "Source", FieldType::Ipv4, Base::None);
    pub static SLL_SRC_OTHER: FieldDef = FieldDef::new("sll.src.other", "Source", FieldType::Bytes, Base::None);
    pub static SLL_UNUSED: FieldDef = FieldDef::new("sll.unused", "Unused", FieldType::Bytes, Base::None);
    pub static SLL_LTYPE: FieldDef = FieldDef::new("sll.ltype", "Protocol", FieldType::U16, Base::Hex);
    pub static SLL_GRETYPE: FieldDef = FieldDef::new("sll.gretype", "Protocol", FieldType::U16, Base::Hex);
    pub static SLL_ETYPE: FieldDef = FieldDef::new("sll.etype", "Protocol", FieldType::U16, Base::Hex).strings(ETYPES);
    pub static SLL_TRAILER: FieldDef = FieldDef::new("sll.trailer", "Trailer", FieldType::Bytes, Base::None);
    pub static SLL_IFINDEX: FieldDef = FieldDef::new("sll.ifindex", "Interface index", FieldType::U32, Base::Dec);

    const FAMILIES: &[(u64, &str)] =
        &[(2, "IP"), (7, "OSI"), (16, "Appletalk"), (23, "Netware IPX/SPX"), (24, "IPv6"), (28, "IPv6"), (30, "IPv6")];
    pub static NULL: FieldDef = FieldDef::proto("null", "Null/Loopback");
    pub static NULL_FAMILY: FieldDef =
        FieldDef::new("null.family", "Family", FieldType::U32, Base::Dec).strings(FAMILIES);
    pub static RAW: FieldDef = FieldDef::proto("raw", "Raw packet data");

    const HWTYPES: &[(u64, &str)] = &[(1, "Ethernet"), (6, "IEEE 802"), (32, "InfiniBand")];
    const OPCODES: &[(u64, &str)] = &[(1, "request"), (2, "reply"), (3, "reverse request"), (4, "reverse reply")];
    pub static ARP: FieldDef = FieldDef::proto("arp", "Address Resolution Protocol");
    pub static ARP_HW_TYPE: FieldDef =
        FieldDef::new("arp.hw.type", "Hardware type", FieldType::U16, Base::Dec).strings(HWTYPES);
    pub static ARP_PROTO_TYPE: FieldDef =
        FieldDef::new("arp.proto.type", "Protocol type", FieldType::U16, Base::Hex).strings(ETYPES);
    pub static ARP_HW_SIZE: FieldDef = FieldDef::new("arp.hw.size", "Hardware size", FieldType::U8, Base::Dec);
    pub static ARP_PROTO_SIZE: FieldDef = FieldDef::new("arp.proto.size", "Protocol size", FieldType::U8, Base::Dec);
    pub static ARP_OPCODE: FieldDef = FieldDef::new("arp.opcode", "Opcode", FieldType::U16, Base::Dec).strings(OPCODES);
    pub static ARP_GRATUITOUS: FieldDef =
        FieldDef::new("arp.isgratuitous", "Is gratuitous", FieldType::Bool, Base::None);
    pub static ARP_ANNOUNCEMENT: FieldDef =
        FieldDef::new("arp.isannouncement", "Is announcement", FieldType::Bool, Base::None);
    pub static ARP_PROBE: FieldDef = FieldDef::new("arp.isprobe", "Is probe", FieldType::Bool, Base::None);
    pub static ARP_SRC_HW_MAC: FieldDef =
        FieldDef::new("arp.src.hw_mac", "Sender MAC address", FieldType::Ether, Base::None);
    pub static ARP_SRC_PROTO_IPV4: FieldDef =
        FieldDef::new("arp.src.proto_ipv4", "Sender IP address", FieldType::Ipv4, Base::None);
    pub static ARP_DST_HW_MAC: FieldDef =
        FieldDef::new("arp.dst.hw_mac", "Target MAC address", FieldType::Ether, Base::None);
    pub static ARP_DST_PROTO_IPV4: FieldDef =
        FieldDef::new("arp.dst.proto_ipv4", "Target IP address", FieldType::Ipv4, Base::None);
    pub static ARP_SRC_HW: FieldDef =
        FieldDef::new("arp.src.hw", "Sender hardware address", FieldType::Bytes, Base::None);
    pub static ARP_SRC_PROTO: FieldDef =
        FieldDef::new("arp.src.proto", "Sender protocol address", FieldType::Bytes, Base::None);
    pub static ARP_DST_HW: FieldDef =
        FieldDef::new("arp.dst.hw", "Target hardware address", FieldType::Bytes, Base::None);
    pub static ARP_DST_PROTO: FieldDef =
        FieldDef::new("arp.dst.proto", "Target protocol address", FieldType::Bytes, Base::None);

    pub static ALL: &[&FieldDef] = &[
        &ARP,
        &ARP_HW_TYPE,
        &ARP_PROTO_TYPE,
        &ARP_HW_SIZE,
        &ARP_PROTO_SIZE,
        &ARP_OPCODE,
        &ARP_GRATUITOUS,
        &ARP_ANNOUNCEMENT,
        &ARP_PROBE,
        &ARP_SRC_HW_MAC,
        &ARP_SRC_PROTO_IPV4,
        &ARP_DST_HW_MAC,
        &ARP_DST_PROTO_IPV4,
        &ARP_SRC_HW,
        &ARP_SRC_PROTO,
        &ARP_DST_HW,
        &ARP_DST_PROTO,
        &ETH,
        &ETH_DST,
        &ETH_SRC,
        &ETH_ADDR,
        &ETH_DST_OUI,
        &ETH_SRC_OUI,
        &ETH_ADDR_OUI,
        &ETH_DST_LG,
        &ETH_DST_IG,
        &ETH_SRC_LG,
        &ETH_SRC_IG,
        &ETH_LG,
        &ETH_IG,
        &ETH_TYPE,
        &ETH_LEN,
        &ETH_PADDING,
        &ETH_TRAILER,
        &VLAN,
        &VLAN_PRIORITY,
        &VLAN_DEI,
        &VLAN_ID,
        &VLAN_ETYPE,
        &VLAN_TRAILER,
        &QINQ,
        &QINQ_PRIORITY,
        &QINQ_DEI,
        &QINQ_ID,
        &QINQ_ETYPE,
        &SLL,
        &SLL_PKTTYPE,
        &SLL_HATYPE,
        &SLL_HALEN,
        &SLL_SRC_ETH,
        &SLL_SRC_IPV4,
        &SLL_SRC_OTHER,
        &SLL_UNUSED,
        &SLL_LTYPE,
        &SLL_GRETYPE,
        &SLL_ETYPE,
        &SLL_TRAILER,
        &SLL_IFINDEX,
        &NULL,
        &NULL_FAMILY,
        &RAW,
    ];
}

/// Dissect a frame's bytes by its LINKTYPE_*.
pub fn dissect(ctx: &mut Ctx, linktype: u32, tvb: Tvb) {
    match linktype {
        linktype::ETHERNET => eth(ctx, tvb),
        linktype::LINUX_SLL => sll(ctx, tvb),
        linktype::LINUX_SLL2 => sll2(ctx, tvb),
        linktype::NULL => null(ctx, tvb, false),
        linktype::LOOP => null(ctx, tvb, true),
        linktype::RAW => {
            ctx.tb.open_proto(&hf::RAW, tvb.all(), None);
            match tvb.data.first().map(|b| b >> 4) {
                Some(4) => crate::net::ip::dissect_v4(ctx, tvb),
                Some(6) => crate::net::ip::dissect_v6(ctx, tvb),
                _ => {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Malformed,
                        "Raw IP frame is neither IPv4 nor IPv6",
                        tvb.span(0, 1),
                    );
                    data_layer(ctx, tvb)
                }
            }
        }
        linktype::IPV4 => crate::net::ip::dissect_v4(ctx, tvb),
        linktype::IPV6 => crate::net::ip::dissect_v6(ctx, tvb),
        other => {
            ctx.tb.expert(Severity::Note, Group::Undecoded, format!("Link type {other} is not dissected"), tvb.all());
            data_layer(ctx, tvb)
        }
    }
}

fn be16(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o + 1)?]))
}

fn be32(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*d.get(o)?, *d.get(o + 1)?, *d.get(o + 2)?, *d.get(o + 3)?]))
}

fn mac(d: &[u8], o: usize) -> Option<[u8; 6]> {
    d.get(o..o + 6)?.try_into().ok()
}

fn mac_string(m: [u8; 6]) -> String {
    format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5])
}

fn short(ctx: &mut Ctx, what: &str, need: usize, tvb: Tvb) {
    ctx.tb.malformed(format!("{what} needs {need} bytes, {} captured", tvb.len()), tvb.all());
}

/// One address of the Ethernet header with its subtree (tshark's layout).
fn eth_addr(ctx: &mut Ctx, tvb: Tvb, off: usize, m: [u8; 6], dst: bool) {
    let sp = tvb.span(off, off + 6);
    let (def, oui, lg, ig) = if dst {
        (&hf::ETH_DST, &hf::ETH_DST_OUI, &hf::ETH_DST_LG, &hf::ETH_DST_IG)
    } else {
        (&hf::ETH_SRC, &hf::ETH_SRC_OUI, &hf::ETH_SRC_LG, &hf::ETH_SRC_IG)
    };
    let oui_v = u64::from(m[0]) << 16 | u64::from(m[1]) << 8 | u64::from(m[2]);
    let oui_sp = tvb.span(off, off + 3);
    ctx.tb.open(def, sp, Value::Ether(m));
    ctx.tb.add_hidden(oui, oui_sp, Value::UInt(oui_v));
    ctx.tb.add(&hf::ETH_ADDR, sp, Value::Ether(m));
    ctx.tb.add_hidden(&hf::ETH_ADDR_OUI, oui_sp, Value::UInt(oui_v));
    let l = m[0] & 0x02 != 0;
    let i = m[0] & 0x01 != 0;
    ctx.tb.add(lg, oui_sp, Value::Bool(l));
    ctx.tb.add_hidden(&hf::ETH_LG, oui_sp, Value::Bool(l));
    ctx.tb.add(ig, oui_sp, Value::Bool(i));
    ctx.tb.add_hidden(&hf::ETH_IG, oui_sp, Value::Bool(i));
    ctx.tb.close();
}

fn eth(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    let (Some(dst), Some(src), Some(ty)) = (mac(d, 0), mac(d, 6), be16(d, 12)) else {
        ctx.tb.open_proto(&hf::ETH, tvb.all(), Some("Ethernet II".into()));
        short(ctx, "Ethernet II header", 14, tvb);
        return;
    };
    ctx.tb.open_proto(
        &hf::ETH,
        tvb.span(0, 14),
        Some(format!("Ethernet II, Src: {}, Dst: {}", mac_string(src), mac_string(dst))),
    );
    eth_addr(ctx, tvb, 0, dst, true);
    eth_addr(ctx, tvb, 6, src, false);
    ctx.tb.summary.src = mac_string(src);
    ctx.tb.summary.dst = mac_string(dst);
    ctx.tb.set_protocol_column("ETH");
    if ty < 0x0600 {
        // IEEE 802.3 length field: an LLC frame, not dissected here.
        ctx.tb.add_uint(&hf::ETH_LEN, tvb.span(12, 14), u64::from(ty));
        ctx.tb.expert(Severity::Note, Group::Undecoded, "IEEE 802.3 LLC frame is not dissected", tvb.span(12, 14));
        data_layer(ctx, tvb.from(14));
        return;
    }
    ctx.tb.add_uint(&hf::ETH_TYPE, tvb.span(12, 14), u64::from(ty));
    dispatch(ctx, ty, tvb.from(14), &hf::ETH_TRAILER, 0);
}

/// How many of `d`'s bytes the payload of EtherType `ty` claims, when it says (IPv4 total
/// length, IPv6 payload length, through VLAN tags); the rest is padding or a trailer.
fn claimed_len(ty: u16, d: &[u8], depth: usize) -> Option<usize> {
    match ty {
        ethertype::IPV4 if d.first()? >> 4 == 4 => {
            let tl = usize::from(be16(d, 2)?);
            let hl = usize::from(d.first()? & 0x0f) * 4;
            (tl >= hl && hl >= 20).then_some(tl)
        }
        ethertype::IPV6 if d.first()? >> 4 == 6 => {
            let pl = usize::from(be16(d, 4)?);
            (pl > 0).then_some(40 + pl)
        }
        ethertype::ARP => {
            let hs = usize::from(*d.get(4)?);
            let ps = usize::from(*d.get(5)?);
            Some(8 + 2 * hs + 2 * ps)
        }
        ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD if depth < MAX_VLAN_TAGS => {
            Some(4 + claimed_len(be16(d, 2)?, d.get(4..)?, depth + 1)?)
        }
        _ => None,
    }
}

/// Dispatch an EtherType from a layer that is still open: add padding and trailer to it,
/// record `ethertype`, then dissect the payload.
fn dispatch(ctx: &mut Ctx, ty: u16, payload: Tvb, trailer: &'static FieldDef, vlan_depth: usize) {
    let mut payload = payload;
    let is_vlan = matches!(ty, ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD);
    if !is_vlan {
        if let Some(n) = claimed_len(ty, payload.data, vlan_depth).filter(|&n| n < payload.len()) {
            let rest = payload.len() - n;
            // Frame length without the trailer; Ethernet pads frames to 60 bytes (without FCS).
            let without = payload.base + n;
            // Padding only when it is all zeros, as tshark decides; otherwise all trailer.
            let mut pad = if payload.buf == 0 && without < 60 { (60 - without).min(rest) } else { 0 };
            if payload.data[n..n + pad].iter().any(|&b| b != 0) {
                pad = 0;
            }
            if pad > 0 {
                let sp = payload.span(n, n + pad);
                ctx.tb.add(&hf::ETH_PADDING, sp, Value::Bytes(payload.data[n..n + pad].to_vec()));
            }
            if rest > pad {
                let sp = payload.span(n + pad, payload.len());
                ctx.tb.add(trailer, sp, Value::Bytes(payload.data[n + pad..].to_vec()));
            }
            payload = payload.sub(0, n);
        }
    }
    ctx.tb.push_protocol_name("ethertype");
    match ty {
        ethertype::IPV4 => crate::net::ip::dissect_v4(ctx, payload),
        ethertype::IPV6 => crate::net::ip::dissect_v6(ctx, payload),
        ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD => vlan(ctx, ty, payload, vlan_depth + 1),
        ethertype::ARP => arp(ctx, payload),
        other => {
            let name = hf::ETH_TYPE.string_of(u64::from(other));
            ctx.tb.set_protocol_column(&format!("0x{other:04x}"));
            ctx.tb.set_info(name.unwrap_or("Ethernet II"));
            ctx.tb.expert(
                Severity::Note,
                Group::Undecoded,
                match name {
                    Some(n) => format!("EtherType 0x{other:04x} ({n}) is not dissected"),
                    None => format!("EtherType 0x{other:04x} is not dissected"),
                },
                payload.all(),
            );
            data_layer(ctx, payload)
        }
    }
}

fn vlan(ctx: &mut Ctx, outer: u16, tvb: Tvb, depth: usize) {
    let ad = outer == ethertype::QINQ;
    let proto = if ad { &hf::QINQ } else { &hf::VLAN };
    let (Some(tci), Some(ty)) = (be16(tvb.data, 0), be16(tvb.data, 2)) else {
        ctx.tb.open_proto(proto, tvb.all(), None);
        short(ctx, "VLAN tag", 4, tvb);
        return;
    };
    let pcp = u64::from(tci >> 13);
    let dei = tci & 0x1000 != 0;
    let vid = u64::from(tci & 0x0fff);
    let sp = tvb.span(0, 2);
    if ad {
        ctx.tb.open_proto(proto, tvb.span(0, 4), Some(format!("IEEE 802.1ad, ID: {vid}")));
        ctx.tb.add_uint(&hf::QINQ_PRIORITY, sp, pcp);
        ctx.tb.add_uint(&hf::QINQ_DEI, sp, u64::from(dei));
        ctx.tb.add_uint(&hf::QINQ_ID, sp, vid);
        ctx.tb.add_uint(&hf::QINQ_ETYPE, tvb.span(2, 4), u64::from(ty));
    } else {
        ctx.tb.open_proto(
            proto,
            tvb.span(0, 4),
            Some(format!("802.1Q Virtual LAN, PRI: {pcp}, DEI: {}, ID: {vid}", u8::from(dei))),
        );
        ctx.tb.add_uint(&hf::VLAN_PRIORITY, sp, pcp);
        ctx.tb.add(&hf::VLAN_DEI, sp, Value::Bool(dei));
        ctx.tb.add_uint(&hf::VLAN_ID, sp, vid);
        ctx.tb.add_uint(&hf::VLAN_ETYPE, tvb.span(2, 4), u64::from(ty));
    }
    if depth >= MAX_VLAN_TAGS && matches!(ty, ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD) {
        ctx.tb.expert(Severity::Warning, Group::Malformed, "Too many nested VLAN tags", tvb.span(2, 4));
        data_layer(ctx, tvb.from(4));
        return;
    }
    dispatch(ctx, ty, tvb.from(4), &hf::VLAN_TRAILER, depth);
}

/// ARP, RFC 826 ("Packet format"): hardware type, protocol type, address sizes, opcode, then
/// sender and target hardware and protocol addresses.
fn arp(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    ctx.tb.set_protocol_column("ARP");
    let (Some(htype), Some(ptype), Some(&hs), Some(&ps), Some(op)) =
        (be16(d, 0), be16(d, 2), d.get(4), d.get(5), be16(d, 6))
    else {
        ctx.tb.open_proto(&hf::ARP, tvb.all(), None);
        short(ctx, "ARP header", 8, tvb);
        return;
    };
    let (hs, ps) = (usize::from(hs), usize::from(ps));
    let total = 8 + 2 * hs + 2 * ps;
    let opname = hf::ARP_OPCODE.string_of(u64::from(op)).unwrap_or("unknown");
    ctx.tb.open_proto(&hf::ARP, tvb.span(0, total), Some(format!("Address Resolution Protocol ({opname})")));
    if d.len() < total {
        short(ctx, "ARP packet", total, tvb);
        return;
    }
    let tb = &mut ctx.tb;
    tb.add_uint(&hf::ARP_HW_TYPE, tvb.span(0, 2), u64::from(htype));
    tb.add_uint(&hf::ARP_PROTO_TYPE, tvb.span(2, 4), u64::from(ptype));
    tb.add_uint(&hf::ARP_HW_SIZE, tvb.span(4, 5), hs as u64);
    tb.add_uint(&hf::ARP_PROTO_SIZE, tvb.span(5, 6), ps as u64);
    tb.add_uint(&hf::ARP_OPCODE, tvb.span(6, 8), u64::from(op));
    let (sh, sp_, th, tp) = (8, 8 + hs, 8 + hs + ps, 8 + 2 * hs + ps);
    let eth_ip = hs == 6 && ps == 4 && ptype == ethertype::IPV4;
    let ip4 = |o: usize| -> [u8; 4] { [d[o], d[o + 1], d[o + 2], d[o + 3]] };
    if eth_ip {
        let (spa, tpa) = (ip4(sp_), ip4(tp));
        let tha = mac(d, th).unwrap_or([0; 6]);
        // RFC 5227 §2.1 / §3: a request for the sender's own address is gratuitous (an
        // announcement); a probe has sender address 0.
        let gratuitous = op == 1 && spa == tpa;
        if gratuitous {
            tb.add_generated(&hf::ARP_GRATUITOUS, tvb.span(0, 0), Value::Bool(true));
            if tha == [0; 6] {
                tb.add_generated(&hf::ARP_ANNOUNCEMENT, tvb.span(0, 0), Value::Bool(true));
            }
        }
        let probe = op == 1 && spa == [0; 4] && tha == [0; 6];
        if probe {
            tb.add_generated(&hf::ARP_PROBE, tvb.span(0, 0), Value::Bool(true));
        }
        let sha = mac(d, sh).unwrap_or([0; 6]);
        tb.add(&hf::ARP_SRC_HW_MAC, tvb.span(sh, sh + 6), Value::Ether(sha));
        tb.add(&hf::ARP_SRC_PROTO_IPV4, tvb.span(sp_, sp_ + 4), Value::Ipv4(spa));
        tb.add(&hf::ARP_DST_HW_MAC, tvb.span(th, th + 6), Value::Ether(tha));
        tb.add(&hf::ARP_DST_PROTO_IPV4, tvb.span(tp, tp + 4), Value::Ipv4(tpa));
        let s_ip = std::net::Ipv4Addr::from(spa);
        let t_ip = std::net::Ipv4Addr::from(tpa);
        let info = match op {
            1 if probe => format!("Who has {t_ip}? (ARP Probe)"),
            1 if gratuitous => format!("ARP Announcement for {s_ip}"),
            1 => format!("Who has {t_ip}? Tell {s_ip}"),
            2 => format!("{s_ip} is at {}", mac_string(sha)),
            _ => format!("ARP opcode {op}"),
        };
        tb.set_info(info);
    } else {
        tb.add(&hf::ARP_SRC_HW, tvb.span(sh, sp_), Value::Bytes(d[sh..sp_].to_vec()));
        tb.add(&hf::ARP_SRC_PROTO, tvb.span(sp_, th), Value::Bytes(d[sp_..th].to_vec()));
        tb.add(&hf::ARP_DST_HW, tvb.span(th, tp), Value::Bytes(d[th..tp].to_vec()));
        tb.add(&hf::ARP_DST_PROTO, tvb.span(tp, total), Value::Bytes(d[tp..total].to_vec()));
        tb.set_info(format!("ARP opcode {op}"));
    }
}

/// ARPHRD_IPGRE: the protocol field holds a GRE protocol type.
const ARPHRD_IPGRE: u16 = 778;
/// ARPHRD_ETHER.
const ARPHRD_ETHER: u16 = 1;

/// The link-layer address of SLL/SLL2 (8 bytes at `off`, of which `halen` are used).
fn sll_addr(ctx: &mut Ctx, tvb: Tvb, off: usize, hatype: u16, halen: usize) {
    let d = tvb.data;
    let used = halen.min(8);
    match (hatype, used) {
        (ARPHRD_ETHER, 6) | (772, 6) => {
            if let Some(m) = mac(d, off) {
                ctx.tb.add(&hf::SLL_SRC_ETH, tvb.span(off, off + 6), Value::Ether(m));
                ctx.tb.summary.src = mac_string(m);
            }
        }
        (_, 4) => {
            if let Some(a) = d.get(off..off + 4).and_then(|s| <[u8; 4]>::try_from(s).ok()) {
                ctx.tb.add(&hf::SLL_SRC_IPV4, tvb.span(off, off + 4), Value::Ipv4(a));
            }
        }
        (_, 0) => {}
        (_, n) => {
            let b = d.get(off..off + n).unwrap_or(&[]).to_vec();
            ctx.tb.add(&hf::SLL_SRC_OTHER, tvb.span(off, off + n), Value::Bytes(b));
        }
    }
    if used < 8 {
        let b = d.get(off + used..off + 8).unwrap_or(&[]).to_vec();
        ctx.tb.add(&hf::SLL_UNUSED, tvb.span(off + used, off + 8), Value::Bytes(b));
    }
}

/// The protocol field of SLL/SLL2 and what follows it.
fn sll_protocol(ctx: &mut Ctx, tvb: Tvb, off: usize, hatype: u16, proto: u16, payload: Tvb, add_field: bool) {
    let sp = tvb.span(off, off + 2);
    if hatype == ARPHRD_IPGRE {
        if add_field {
            ctx.tb.add_uint(&hf::SLL_GRETYPE, sp, u64::from(proto));
        }
        ctx.tb.expert(Severity::Note, Group::Undecoded, "GRE payload is not dissected", payload.all());
        data_layer(ctx, payload);
    } else if proto <= 1536 {
        // A Linux protocol type (LINUX_SLL_P_*), not an EtherType.
        if add_field {
            ctx.tb.add_uint(&hf::SLL_LTYPE, sp, u64::from(proto));
        }
        ctx.tb.expert(
            Severity::Note,
            Group::Undecoded,
            format!("Linux protocol type 0x{proto:04x} is not dissected"),
            payload.all(),
        );
        data_layer(ctx, payload);
    } else {
        if add_field {
            ctx.tb.add_uint(&hf::SLL_ETYPE, sp, u64::from(proto));
        }
        dispatch(ctx, proto, payload, &hf::SLL_TRAILER, 0);
    }
}

fn sll(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    ctx.tb.open_proto(&hf::SLL, tvb.span(0, 16), Some("Linux cooked capture v1".into()));
    let (Some(pkttype), Some(hatype), Some(halen), Some(proto)) = (be16(d, 0), be16(d, 2), be16(d, 4), be16(d, 14))
    else {
        short(ctx, "Linux cooked capture header", 16, tvb);
        return;
    };
    ctx.tb.set_protocol_column("SLL");
    ctx.tb.add_uint(&hf::SLL_PKTTYPE, tvb.span(0, 2), u64::from(pkttype));
    ctx.tb.add_uint(&hf::SLL_HATYPE, tvb.span(2, 4), u64::from(hatype));
    ctx.tb.add_uint(&hf::SLL_HALEN, tvb.span(4, 6), u64::from(halen));
    sll_addr(ctx, tvb, 6, hatype, usize::from(halen));
    sll_protocol(ctx, tvb, 14, hatype, proto, tvb.from(16), true);
}

fn sll2(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    ctx.tb.open_proto(&hf::SLL, tvb.span(0, 20), Some("Linux cooked capture v2".into()));
    let (Some(proto), Some(ifindex), Some(hatype), Some(&pkttype), Some(&halen)) =
        (be16(d, 0), be32(d, 4), be16(d, 8), d.get(10), d.get(11))
    else {
        short(ctx, "Linux cooked capture v2 header", 20, tvb);
        return;
    };
    if d.len() < 20 {
        short(ctx, "Linux cooked capture v2 header", 20, tvb);
        return;
    }
    ctx.tb.set_protocol_column("SLL");
    let psp = tvb.span(0, 2);
    if hatype == ARPHRD_IPGRE {
        ctx.tb.add_uint(&hf::SLL_GRETYPE, psp, u64::from(proto));
    } else if proto <= 1536 {
        ctx.tb.add_uint(&hf::SLL_LTYPE, psp, u64::from(proto));
    } else {
        ctx.tb.add_uint(&hf::SLL_ETYPE, psp, u64::from(proto));
    }
    ctx.tb.add_uint(&hf::SLL_IFINDEX, tvb.span(4, 8), u64::from(ifindex));
    ctx.tb.add_uint(&hf::SLL_HATYPE, tvb.span(8, 10), u64::from(hatype));
    ctx.tb.add_uint(&hf::SLL_PKTTYPE, tvb.span(10, 11), u64::from(pkttype));
    ctx.tb.add_uint(&hf::SLL_HALEN, tvb.span(11, 12), u64::from(halen));
    sll_addr(ctx, tvb, 12, hatype, usize::from(halen));
    sll_protocol(ctx, tvb, 0, hatype, proto, tvb.from(20), false);
}

/// BSD address families that mean IPv6 (NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30) and Linux 10.
const AF_INET6: &[u32] = &[24, 28, 30, 10];
const AF_INET: u32 = 2;

fn null(ctx: &mut Ctx, tvb: Tvb, big_endian_only: bool) {
    let d = tvb.data;
    ctx.tb.open_proto(&hf::NULL, tvb.span(0, 4), Some("Null/Loopback".into()));
    let Some(raw) = d.get(0..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        short(ctx, "Loopback header", 4, tvb);
        return;
    };
    ctx.tb.set_protocol_column("NULL");
    let family = if big_endian_only {
        u32::from_be_bytes(raw)
    } else {
        // Host byte order of the capturing machine: a family fits in the low 16 bits.
        let le = u32::from_le_bytes(raw);
        if le & 0xffff_0000 != 0 {
            le.swap_bytes()
        } else {
            le
        }
    };
    ctx.tb.add_uint(&hf::NULL_FAMILY, tvb.span(0, 4), u64::from(family));
    let payload = tvb.from(4);
    if family == AF_INET {
        crate::net::ip::dissect_v4(ctx, payload)
    } else if AF_INET6.contains(&family) {
        crate::net::ip::dissect_v6(ctx, payload)
    } else {
        ctx.tb.expert(
            Severity::Note,
            Group::Undecoded,
            format!("Address family {family} is not dissected"),
            tvb.span(0, 4),
        );
        data_layer(ctx, payload)
    }
}

pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}
