//! IPv4 (RFC 791) and IPv6 (RFC 8200), with fragment reassembly ([`super::frag`]).
//!
//! ```text
//! IPv4 header, RFC 791 §3.1:
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |   DSCP    |ECN|          Total Length         |
//! |         Identification        |Flags|      Fragment Offset    |
//! |  Time to Live |    Protocol   |         Header Checksum       |
//! |                       Source Address                          |
//! |                    Destination Address                        |
//! |                    Options                    |    Padding    |
//!
//! IPv6 header, RFC 8200 §3:
//! |Version| Traffic Class |           Flow Label                  |
//! |         Payload Length        |  Next Header  |   Hop Limit   |
//! |                Source Address (128 bits)                      |
//! |             Destination Address (128 bits)                    |
//! ```
//!
//! IPv4 options follow RFC 791 §3.1; the Router Alert option is RFC 2113 §2.1 (type 148,
//! length 4, value 0 = "Router shall examine packet"). IPv6 extension headers: Hop-by-Hop and
//! Destination Options (RFC 8200 §4.3, §4.6, options TLVs §4.2, Router Alert RFC 2711 §2.1),
//! Routing (§4.4), Fragment (§4.5). DSCP per RFC 2474 §3, ECN per RFC 3168 §5.
//!
//! Fields and value formats are tshark's (`ip.*`, `ipv6.*`). Reassembled datagrams become a
//! named buffer ("Reassembled IPv4"/"Reassembled IPv6") in the frame that completes them, and the
//! transport is dissected from it there; earlier fragments show their payload as data, as tshark
//! does in one pass (so `ip.reassembled_in` is not known in them).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use crate::engine::{data_layer, Ctx, MAX_DEPTH};
use crate::net::checksum;
use crate::net::frag::{FragInfo, FragKey, FragResult, FragTable};
use crate::tree::{Base, FieldDef, FieldType, Group, Severity, Span, Tvb, Value};

/// Fragment reassembly tables.
#[derive(Default)]
pub struct IpState {
    pub v4: FragTable,
    pub v6: FragTable,
    /// The datagram whose payload is being dissected claims more bytes than were captured
    /// (transport checksums cannot be verified then).
    pub(crate) payload_truncated: bool,
    /// TTL or hop limit of the last IP header read (ICMP's summary shows it).
    pub(crate) ttl: u8,
}

/// IP protocol numbers (IANA "Assigned Internet Protocol Numbers").
pub mod ipproto {
    pub const HOPOPTS: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const IPIP: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const ICMPV6: u8 = 58;
    pub const NONE: u8 = 59;
    pub const DSTOPTS: u8 = 60;
    pub const SCTP: u8 = 132;
}

pub(crate) const PROTOS: &[(u64, &str)] = &[
    (0, "IPv6 Hop-by-Hop Option"),
    (1, "ICMP"),
    (2, "IGMP"),
    (4, "IPIP"),
    (6, "TCP"),
    (17, "UDP"),
    (41, "IPv6"),
    (43, "Routing Header for IPv6"),
    (44, "Fragment Header for IPv6"),
    (47, "GRE"),
    (50, "Encap Security Payload"),
    (51, "Authentication Header"),
    (58, "ICMPv6"),
    (59, "IPv6 No Next Header"),
    (60, "Destination Options for IPv6"),
    (89, "OSPF IGP"),
    (112, "Virtual Router Redundancy Protocol"),
    (132, "SCTP"),
    (136, "UDPLite"),
];

const DSCP: &[(u64, &str)] = &[
    (0, "Default"),
    (8, "Class Selector 1"),
    (10, "Assured Forwarding 11"),
    (12, "Assured Forwarding 12"),
    (14, "Assured Forwarding 13"),
    (16, "Class Selector 2"),
    (18, "Assured Forwarding 21"),
    (20, "Assured Forwarding 22"),
    (22, "Assured Forwarding 23"),
    (24, "Class Selector 3"),
    (26, "Assured Forwarding 31"),
    (28, "Assured Forwarding 32"),
    (30, "Assured Forwarding 33"),
    (32, "Class Selector 4"),
    (34, "Assured Forwarding 41"),
    (36, "Assured Forwarding 42"),
    (38, "Assured Forwarding 43"),
    (40, "Class Selector 5"),
    (44, "Voice Admit"),
    (46, "Expedited Forwarding"),
    (48, "Class Selector 6"),
    (56, "Class Selector 7"),
];
const DSCP_SHORT: &[(u8, &str)] = &[
    (0, "CS0"),
    (8, "CS1"),
    (10, "AF11"),
    (12, "AF12"),
    (14, "AF13"),
    (16, "CS2"),
    (18, "AF21"),
    (20, "AF22"),
    (22, "AF23"),
    (24, "CS3"),
    (26, "AF31"),
    (28, "AF32"),
    (30, "AF33"),
    (32, "CS4"),
    (34, "AF41"),
    (36, "AF42"),
    (38, "AF43"),
    (40, "CS5"),
    (44, "VA"),
    (46, "EF"),
    (48, "CS6"),
    (56, "CS7"),
];
const ECN: &[(u64, &str)] = &[
    (0, "Not ECN-Capable Transport"),
    (1, "ECN-Capable Transport codepoint '01'"),
    (2, "ECN-Capable Transport codepoint '10'"),
    (3, "Congestion Experienced"),
];
const ECN_SHORT: [&str; 4] = ["Not-ECT", "ECT(1)", "ECT(0)", "CE"];

/// Field definitions (tshark's names).
pub mod hf {
    use super::*;
    pub static IP: FieldDef = FieldDef::proto("ip", "Internet Protocol Version 4");
    pub static VERSION: FieldDef = FieldDef::new("ip.version", "Version", FieldType::U8, Base::Dec);
    pub static HDR_LEN: FieldDef = FieldDef::new("ip.hdr_len", "Header Length", FieldType::U8, Base::Dec);
    pub static DSFIELD: FieldDef =
        FieldDef::new("ip.dsfield", "Differentiated Services Field", FieldType::U8, Base::Hex);
    pub static DSCP_F: FieldDef =
        FieldDef::new("ip.dsfield.dscp", "Differentiated Services Codepoint", FieldType::U8, Base::Dec)
            .strings(DSCP)
            .mask(0xfc);
    pub static ECN_F: FieldDef =
        FieldDef::new("ip.dsfield.ecn", "Explicit Congestion Notification", FieldType::U8, Base::Dec)
            .strings(ECN)
            .mask(0x03);
    pub static LEN: FieldDef = FieldDef::new("ip.len", "Total Length", FieldType::U16, Base::Dec);
    pub static ID: FieldDef = FieldDef::new("ip.id", "Identification", FieldType::U16, Base::HexDec);
    pub static FLAGS: FieldDef = FieldDef::new("ip.flags", "Flags", FieldType::U8, Base::Hex).mask(0xe0);
    pub static FLAGS_RB: FieldDef =
        FieldDef::new("ip.flags.rb", "Reserved bit", FieldType::Bool, Base::None).mask(0x80);
    pub static FLAGS_DF: FieldDef =
        FieldDef::new("ip.flags.df", "Don't fragment", FieldType::Bool, Base::None).mask(0x40);
    pub static FLAGS_MF: FieldDef =
        FieldDef::new("ip.flags.mf", "More fragments", FieldType::Bool, Base::None).mask(0x20);
    pub static FRAG_OFFSET: FieldDef =
        FieldDef::new("ip.frag_offset", "Fragment Offset", FieldType::U16, Base::Dec).mask(0x1fff);
    pub static TTL: FieldDef = FieldDef::new("ip.ttl", "Time to Live", FieldType::U8, Base::Dec);
    pub static PROTO: FieldDef = FieldDef::new("ip.proto", "Protocol", FieldType::U8, Base::Dec).strings(PROTOS);
    pub static CHECKSUM: FieldDef = FieldDef::new("ip.checksum", "Header Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_CALC: FieldDef =
        FieldDef::new("ip.checksum_calculated", "Calculated Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_STATUS: FieldDef =
        FieldDef::new("ip.checksum.status", "Header checksum status", FieldType::U8, Base::None)
            .strings(checksum::STATUS_STRINGS);
    pub static SRC: FieldDef = FieldDef::new("ip.src", "Source Address", FieldType::Ipv4, Base::None);
    pub static DST: FieldDef = FieldDef::new("ip.dst", "Destination Address", FieldType::Ipv4, Base::None);
    pub static ADDR: FieldDef = FieldDef::new("ip.addr", "Source or Destination Address", FieldType::Ipv4, Base::None);
    pub static SRC_HOST: FieldDef = FieldDef::new("ip.src_host", "Source Host", FieldType::String, Base::None);
    pub static DST_HOST: FieldDef = FieldDef::new("ip.dst_host", "Destination Host", FieldType::String, Base::None);
    pub static HOST: FieldDef = FieldDef::new("ip.host", "Source or Destination Host", FieldType::String, Base::None);

    pub static OPTIONS: FieldDef = FieldDef::new("ip.options", "Options", FieldType::None, Base::None)
        .blurb("IPv4 options (RFC 791 §3.1); a label, not a tshark field");
    pub static OPT_TYPE: FieldDef = FieldDef::new("ip.opt.type", "Type", FieldType::U8, Base::Dec);
    pub static OPT_TYPE_COPY: FieldDef =
        FieldDef::new("ip.opt.type.copy", "Copy on fragmentation", FieldType::Bool, Base::None).mask(0x80);
    const CLASSES: &[(u64, &str)] = &[
        (0, "Control"),
        (1, "Reserved for future use"),
        (2, "Debugging and measurement"),
        (3, "Reserved for future use"),
    ];
    pub static OPT_TYPE_CLASS: FieldDef =
        FieldDef::new("ip.opt.type.class", "Class", FieldType::U8, Base::Dec).strings(CLASSES).mask(0x60);
    pub static OPT_TYPE_NUMBER: FieldDef =
        FieldDef::new("ip.opt.type.number", "Number", FieldType::U8, Base::Dec).mask(0x1f);
    pub static OPT_LEN: FieldDef = FieldDef::new("ip.opt.len", "Length", FieldType::U8, Base::Dec);
    const RA_VALS: &[(u64, &str)] = &[(0, "Router shall examine packet")];
    pub static OPT_RA: FieldDef =
        FieldDef::new("ip.opt.ra", "Router Alert", FieldType::U16, Base::Dec).strings(RA_VALS);
    pub static OPT_PADDING: FieldDef = FieldDef::new("ip.opt.padding", "Padding", FieldType::Bytes, Base::None);
    pub static OPT_DATA: FieldDef = FieldDef::new("ip.opt.data", "Option data", FieldType::Bytes, Base::None)
        .blurb("Bytes of an IPv4 option this dissector does not decode further");
    // tshark registers the option items as protocols (FT_PROTOCOL) whose value is the option's
    // bytes; they are bytes fields here so that `-T fields` prints those bytes as tshark does.
    pub static O_EOL: FieldDef =
        FieldDef::new("ip.options.eol", "IP Option - End of Options List (EOL)", FieldType::Bytes, Base::None);
    pub static O_NOP: FieldDef =
        FieldDef::new("ip.options.nop", "IP Option - No-Operation (NOP)", FieldType::Bytes, Base::None);
    pub static O_SECURITY: FieldDef =
        FieldDef::new("ip.options.security", "IP Option - Security", FieldType::Bytes, Base::None);
    pub static O_LSR: FieldDef =
        FieldDef::new("ip.options.route", "IP Option - Loose Source Route", FieldType::Bytes, Base::None);
    pub static O_TIMESTAMP: FieldDef =
        FieldDef::new("ip.options.timestamp", "IP Option - Time Stamp", FieldType::Bytes, Base::None);
    pub static O_RR: FieldDef =
        FieldDef::new("ip.options.record_route", "IP Option - Record Route", FieldType::Bytes, Base::None);
    pub static O_SID: FieldDef = FieldDef::new("ip.options.sid", "IP Option - Stream ID", FieldType::Bytes, Base::None);
    pub static O_SSR: FieldDef =
        FieldDef::new("ip.options.source_route", "IP Option - Strict Source Route", FieldType::Bytes, Base::None);
    pub static O_RA: FieldDef =
        FieldDef::new("ip.options.routeralert", "IP Option - Router Alert", FieldType::Bytes, Base::None);
    pub static O_UNKNOWN: FieldDef =
        FieldDef::new("ip.options.unknown", "IP Option - Unknown", FieldType::Bytes, Base::None);

    pub static FRAGMENTS: FieldDef = FieldDef::new("ip.fragments", "IPv4 Fragments", FieldType::Bytes, Base::None);
    pub static FRAGMENT: FieldDef = FieldDef::new("ip.fragment", "IPv4 Fragment", FieldType::FrameNum, Base::None);
    pub static FRAGMENT_COUNT: FieldDef =
        FieldDef::new("ip.fragment.count", "Fragment count", FieldType::U32, Base::Dec);
    pub static FRAGMENT_OVERLAP: FieldDef =
        FieldDef::new("ip.fragment.overlap", "Fragment overlap", FieldType::Bool, Base::None);
    pub static FRAGMENT_CONFLICT: FieldDef = FieldDef::new(
        "ip.fragment.overlap.conflict",
        "Conflicting data in fragment overlap",
        FieldType::Bool,
        Base::None,
    );
    pub static FRAGMENT_ERROR: FieldDef =
        FieldDef::new("ip.fragment.error", "Defragmentation error", FieldType::FrameNum, Base::None);
    pub static REASSEMBLED_LEN: FieldDef =
        FieldDef::new("ip.reassembled.length", "Reassembled IPv4 length", FieldType::U32, Base::Dec);
    pub static REASSEMBLED_DATA: FieldDef =
        FieldDef::new("ip.reassembled.data", "Reassembled IPv4 data", FieldType::Bytes, Base::None);

    // IPv6
    pub static IPV6: FieldDef = FieldDef::proto("ipv6", "Internet Protocol Version 6");
    pub static V6_VERSION: FieldDef = FieldDef::new("ipv6.version", "Version", FieldType::U8, Base::Dec);
    pub static V6_TCLASS: FieldDef =
        FieldDef::new("ipv6.tclass", "Traffic Class", FieldType::U32, Base::Hex).mask(0x0ff0_0000);
    pub static V6_DSCP: FieldDef =
        FieldDef::new("ipv6.tclass.dscp", "Differentiated Services Codepoint", FieldType::U32, Base::Dec)
            .strings(DSCP)
            .mask(0x0fc0_0000);
    pub static V6_ECN: FieldDef =
        FieldDef::new("ipv6.tclass.ecn", "Explicit Congestion Notification", FieldType::U32, Base::Dec)
            .strings(ECN)
            .mask(0x0030_0000);
    pub static V6_FLOW: FieldDef =
        FieldDef::new("ipv6.flow", "Flow Label", FieldType::U24, Base::Hex).mask(0x000f_ffff);
    pub static V6_PLEN: FieldDef = FieldDef::new("ipv6.plen", "Payload Length", FieldType::U16, Base::Dec);
    pub static V6_NXT: FieldDef = FieldDef::new("ipv6.nxt", "Next Header", FieldType::U8, Base::Dec).strings(PROTOS);
    pub static V6_HLIM: FieldDef = FieldDef::new("ipv6.hlim", "Hop Limit", FieldType::U8, Base::Dec);
    pub static V6_SRC: FieldDef = FieldDef::new("ipv6.src", "Source Address", FieldType::Ipv6, Base::None);
    pub static V6_DST: FieldDef = FieldDef::new("ipv6.dst", "Destination Address", FieldType::Ipv6, Base::None);
    pub static V6_ADDR: FieldDef =
        FieldDef::new("ipv6.addr", "Source or Destination Address", FieldType::Ipv6, Base::None);
    pub static V6_SRC_HOST: FieldDef = FieldDef::new("ipv6.src_host", "Source Host", FieldType::String, Base::None);
    pub static V6_DST_HOST: FieldDef =
        FieldDef::new("ipv6.dst_host", "Destination Host", FieldType::String, Base::None);
    pub static V6_HOST: FieldDef =
        FieldDef::new("ipv6.host", "Source or Destination Host", FieldType::String, Base::None);

    pub static V6_OPT: FieldDef = FieldDef::new("ipv6.opt", "IPv6 Option", FieldType::None, Base::None);
    const V6_OPT_TYPES: &[(u64, &str)] = &[
        (0x00, "Pad1"),
        (0x01, "PadN"),
        (0x04, "Tunnel Encapsulation Limit"),
        (0x05, "Router Alert"),
        (0x26, "Quick-Start"),
        (0x63, "RPL Option"),
        (0xc2, "Jumbo Payload"),
        (0xc9, "Home Address Option"),
    ];
    pub static V6_OPT_TYPE: FieldDef =
        FieldDef::new("ipv6.opt.type", "Type", FieldType::U8, Base::Hex).strings(V6_OPT_TYPES);
    const ACTIONS: &[(u64, &str)] = &[
        (0, "Skip and continue"),
        (1, "Discard packet"),
        (2, "Discard packet and send ICMP Parameter Problem"),
        (3, "Discard and send ICMP if not multicast"),
    ];
    pub static V6_OPT_ACTION: FieldDef =
        FieldDef::new("ipv6.opt.type.action", "Action", FieldType::U8, Base::Dec).strings(ACTIONS).mask(0xc0);
    pub static V6_OPT_CHANGE: FieldDef =
        FieldDef::new("ipv6.opt.type.change", "May Change", FieldType::Bool, Base::None).mask(0x20);
    pub static V6_OPT_REST: FieldDef =
        FieldDef::new("ipv6.opt.type.rest", "Low-Order Bits", FieldType::U8, Base::Hex).mask(0x1f);
    pub static V6_OPT_LENGTH: FieldDef = FieldDef::new("ipv6.opt.length", "Length", FieldType::U8, Base::Dec);
    pub static V6_OPT_PAD1: FieldDef = FieldDef::new("ipv6.opt.pad1", "Pad1", FieldType::None, Base::None);
    pub static V6_OPT_PADN: FieldDef = FieldDef::new("ipv6.opt.padn", "PadN", FieldType::Bytes, Base::None);
    const V6_RA_VALS: &[(u64, &str)] = &[(0, "MLD"), (1, "RSVP"), (2, "Active Networks")];
    pub static V6_OPT_RA: FieldDef =
        FieldDef::new("ipv6.opt.router_alert", "Router Alert", FieldType::U16, Base::Dec).strings(V6_RA_VALS);
    pub static V6_OPT_UNKNOWN: FieldDef =
        FieldDef::new("ipv6.opt.unknown", "Unknown Option Payload", FieldType::Bytes, Base::None);

    pub static HOPOPTS: FieldDef = FieldDef::proto("ipv6.hopopts", "IPv6 Hop-by-Hop Option");
    pub static HOPOPTS_NXT: FieldDef =
        FieldDef::new("ipv6.hopopts.nxt", "Next Header", FieldType::U8, Base::Dec).strings(PROTOS);
    pub static HOPOPTS_LEN: FieldDef = FieldDef::new("ipv6.hopopts.len", "Length", FieldType::U8, Base::Dec);
    pub static HOPOPTS_LEN_OCT: FieldDef = FieldDef::new("ipv6.hopopts.len_oct", "Length", FieldType::U16, Base::Dec);
    pub static DSTOPTS: FieldDef = FieldDef::proto("ipv6.dstopts", "Destination Options for IPv6");
    pub static DSTOPTS_NXT: FieldDef =
        FieldDef::new("ipv6.dstopts.nxt", "Next Header", FieldType::U8, Base::Dec).strings(PROTOS);
    pub static DSTOPTS_LEN: FieldDef = FieldDef::new("ipv6.dstopts.len", "Length", FieldType::U8, Base::Dec);
    pub static DSTOPTS_LEN_OCT: FieldDef = FieldDef::new("ipv6.dstopts.len_oct", "Length", FieldType::U16, Base::Dec);
    pub static ROUTING: FieldDef = FieldDef::proto("ipv6.routing", "Routing Header for IPv6");
    pub static ROUTING_NXT: FieldDef =
        FieldDef::new("ipv6.routing.nxt", "Next Header", FieldType::U8, Base::Dec).strings(PROTOS);
    pub static ROUTING_LEN: FieldDef = FieldDef::new("ipv6.routing.len", "Length", FieldType::U8, Base::Dec);
    pub static ROUTING_LEN_OCT: FieldDef = FieldDef::new("ipv6.routing.len_oct", "Length", FieldType::U16, Base::Dec);
    pub static ROUTING_TYPE: FieldDef = FieldDef::new("ipv6.routing.type", "Type", FieldType::U8, Base::Dec);
    pub static ROUTING_SEGLEFT: FieldDef =
        FieldDef::new("ipv6.routing.segleft", "Segments Left", FieldType::U8, Base::Dec);
    pub static ROUTING_DATA: FieldDef =
        FieldDef::new("ipv6.routing.unknown_data", "Type-Specific Data", FieldType::Bytes, Base::None);
    pub static FRAGHDR: FieldDef = FieldDef::proto("ipv6.fraghdr", "Fragment Header for IPv6");
    pub static FRAGHDR_NXT: FieldDef =
        FieldDef::new("ipv6.fraghdr.nxt", "Next header", FieldType::U8, Base::Dec).strings(PROTOS);
    pub static FRAGHDR_RES_OCTET: FieldDef =
        FieldDef::new("ipv6.fraghdr.reserved_octet", "Reserved octet", FieldType::U8, Base::Hex);
    pub static FRAGHDR_OFFSET: FieldDef =
        FieldDef::new("ipv6.fraghdr.offset", "Offset", FieldType::U16, Base::Dec).mask(0xfff8);
    pub static FRAGHDR_RES_BITS: FieldDef =
        FieldDef::new("ipv6.fraghdr.reserved_bits", "Reserved bits", FieldType::U16, Base::Dec).mask(0x0006);
    pub static FRAGHDR_MORE: FieldDef =
        FieldDef::new("ipv6.fraghdr.more", "More Fragments", FieldType::Bool, Base::None).mask(0x0001);
    pub static FRAGHDR_IDENT: FieldDef =
        FieldDef::new("ipv6.fraghdr.ident", "Identification", FieldType::U32, Base::Hex);
    pub static V6_FRAGMENTS: FieldDef = FieldDef::new("ipv6.fragments", "IPv6 Fragments", FieldType::None, Base::None);
    pub static V6_FRAGMENT: FieldDef = FieldDef::new("ipv6.fragment", "IPv6 Fragment", FieldType::FrameNum, Base::None);
    pub static V6_FRAGMENT_COUNT: FieldDef =
        FieldDef::new("ipv6.fragment.count", "Fragment count", FieldType::U32, Base::Dec);
    pub static V6_FRAGMENT_OVERLAP: FieldDef =
        FieldDef::new("ipv6.fragment.overlap", "Fragment overlap", FieldType::Bool, Base::None);
    pub static V6_FRAGMENT_CONFLICT: FieldDef = FieldDef::new(
        "ipv6.fragment.overlap.conflict",
        "Conflicting data in fragment overlap",
        FieldType::Bool,
        Base::None,
    );
    pub static V6_FRAGMENT_ERROR: FieldDef =
        FieldDef::new("ipv6.fragment.error", "Defragmentation error", FieldType::FrameNum, Base::None);
    pub static V6_REASSEMBLED_LEN: FieldDef =
        FieldDef::new("ipv6.reassembled.length", "Reassembled IPv6 length", FieldType::U32, Base::Dec);
    pub static V6_REASSEMBLED_DATA: FieldDef =
        FieldDef::new("ipv6.reassembled.data", "Reassembled IPv6 data", FieldType::Bytes, Base::None);

    pub static ALL: &[&FieldDef] = &[
        &IP,
        &VERSION,
        &HDR_LEN,
        &DSFIELD,
        &DSCP_F,
        &ECN_F,
        &LEN,
        &ID,
        &FLAGS,
        &FLAGS_RB,
        &FLAGS_DF,
        &FLAGS_MF,
        &FRAG_OFFSET,
        &TTL,
        &PROTO,
        &CHECKSUM,
        &CHECKSUM_CALC,
        &CHECKSUM_STATUS,
        &SRC,
        &DST,
        &ADDR,
        &SRC_HOST,
        &DST_HOST,
        &HOST,
        &OPTIONS,
        &OPT_TYPE,
        &OPT_TYPE_COPY,
        &OPT_TYPE_CLASS,
        &OPT_TYPE_NUMBER,
        &OPT_LEN,
        &OPT_RA,
        &OPT_PADDING,
        &OPT_DATA,
        &O_EOL,
        &O_NOP,
        &O_SECURITY,
        &O_LSR,
        &O_TIMESTAMP,
        &O_RR,
        &O_SID,
        &O_SSR,
        &O_RA,
        &O_UNKNOWN,
        &FRAGMENTS,
        &FRAGMENT,
        &FRAGMENT_COUNT,
        &FRAGMENT_OVERLAP,
        &FRAGMENT_CONFLICT,
        &FRAGMENT_ERROR,
        &REASSEMBLED_LEN,
        &REASSEMBLED_DATA,
        &IPV6,
        &V6_VERSION,
        &V6_TCLASS,
        &V6_DSCP,
        &V6_ECN,
        &V6_FLOW,
        &V6_PLEN,
        &V6_NXT,
        &V6_HLIM,
        &V6_SRC,
        &V6_DST,
        &V6_ADDR,
        &V6_SRC_HOST,
        &V6_DST_HOST,
        &V6_HOST,
        &V6_OPT,
        &V6_OPT_TYPE,
        &V6_OPT_ACTION,
        &V6_OPT_CHANGE,
        &V6_OPT_REST,
        &V6_OPT_LENGTH,
        &V6_OPT_PAD1,
        &V6_OPT_PADN,
        &V6_OPT_RA,
        &V6_OPT_UNKNOWN,
        &HOPOPTS,
        &HOPOPTS_NXT,
        &HOPOPTS_LEN,
        &HOPOPTS_LEN_OCT,
        &DSTOPTS,
        &DSTOPTS_NXT,
        &DSTOPTS_LEN,
        &DSTOPTS_LEN_OCT,
        &ROUTING,
        &ROUTING_NXT,
        &ROUTING_LEN,
        &ROUTING_LEN_OCT,
        &ROUTING_TYPE,
        &ROUTING_SEGLEFT,
        &ROUTING_DATA,
        &FRAGHDR,
        &FRAGHDR_NXT,
        &FRAGHDR_RES_OCTET,
        &FRAGHDR_OFFSET,
        &FRAGHDR_RES_BITS,
        &FRAGHDR_MORE,
        &FRAGHDR_IDENT,
        &V6_FRAGMENTS,
        &V6_FRAGMENT,
        &V6_FRAGMENT_COUNT,
        &V6_FRAGMENT_OVERLAP,
        &V6_FRAGMENT_CONFLICT,
        &V6_FRAGMENT_ERROR,
        &V6_REASSEMBLED_LEN,
        &V6_REASSEMBLED_DATA,
    ];
}

pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

fn be16(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o + 1)?]))
}

fn be32(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*d.get(o)?, *d.get(o + 1)?, *d.get(o + 2)?, *d.get(o + 3)?]))
}

fn proto_name(p: u8) -> String {
    PROTOS.iter().find(|(k, _)| *k == u64::from(p)).map(|(_, n)| n.to_string()).unwrap_or_else(|| p.to_string())
}

fn dscp_short(dscp: u8) -> String {
    DSCP_SHORT
        .iter()
        .find(|(k, _)| *k == dscp)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("Unknown ({dscp})"))
}

fn set_addrs(ctx: &mut Ctx, src: IpAddr, dst: IpAddr) {
    ctx.addrs.src = Some(src);
    ctx.addrs.dst = Some(dst);
    ctx.tb.summary.src = src.to_string();
    ctx.tb.summary.dst = dst.to_string();
}

/// Dissect an IPv4 datagram.
pub fn dissect_v4(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    let Some(&b0) = d.first() else {
        ctx.tb.open_proto(&hf::IP, tvb.all(), None);
        ctx.tb.malformed("IPv4 header missing", tvb.all());
        return;
    };
    let version = b0 >> 4;
    let hl = usize::from(b0 & 0x0f) * 4;
    ctx.tb.set_protocol_column("IPv4");
    if d.len() < 20 || version != 4 || hl < 20 || d.len() < hl {
        ctx.tb.open_proto(&hf::IP, tvb.all(), Some("Internet Protocol Version 4".into()));
        ctx.tb.add_uint(&hf::VERSION, tvb.span(0, 1), u64::from(version));
        let msg = if version != 4 {
            format!("Bogus IP version ({version}, must be 4)")
        } else if hl < 20 {
            ctx.tb.add_uint(&hf::HDR_LEN, tvb.span(0, 1), hl as u64);
            format!("Bogus IP header length ({hl}, must be at least 20)")
        } else {
            format!("IPv4 header needs {} bytes, {} captured", hl.max(20), d.len())
        };
        ctx.tb.malformed(msg, tvb.all());
        return;
    }
    let tos = d[1];
    let tot = usize::from(be16(d, 2).unwrap_or(0));
    let id = be16(d, 4).unwrap_or(0);
    let fl = be16(d, 6).unwrap_or(0);
    let ttl = d[8];
    let proto = d[9];
    let csum = be16(d, 10).unwrap_or(0);
    let src = Ipv4Addr::new(d[12], d[13], d[14], d[15]);
    let dst = Ipv4Addr::new(d[16], d[17], d[18], d[19]);
    let tb = &mut ctx.tb;
    tb.open_proto(&hf::IP, tvb.span(0, hl), Some(format!("Internet Protocol Version 4, Src: {src}, Dst: {dst}")));
    tb.add_uint(&hf::VERSION, tvb.span(0, 1), 4);
    tb.add_label(
        &hf::HDR_LEN,
        tvb.span(0, 1),
        Value::UInt(hl as u64),
        format!("Header Length: {hl} bytes ({})", hl / 4),
    );
    let dscp = tos >> 2;
    tb.open_label(
        &hf::DSFIELD,
        tvb.span(1, 2),
        Value::UInt(u64::from(tos)),
        format!(
            "Differentiated Services Field: 0x{tos:02x} (DSCP: {}, ECN: {})",
            dscp_short(dscp),
            ECN_SHORT[usize::from(tos & 3)]
        ),
    );
    tb.add_uint(&hf::DSCP_F, tvb.span(1, 2), u64::from(dscp));
    tb.add_uint(&hf::ECN_F, tvb.span(1, 2), u64::from(tos & 3));
    tb.close();
    tb.add_uint(&hf::LEN, tvb.span(2, 4), tot as u64);
    tb.add_uint(&hf::ID, tvb.span(4, 6), u64::from(id));
    let flags = fl >> 13;
    let df = fl & 0x4000 != 0;
    let mf = fl & 0x2000 != 0;
    let foff = fl & 0x1fff;
    let fname = match (df, mf) {
        (true, true) => ", Don't fragment, More fragments",
        (true, false) => ", Don't fragment",
        (false, true) => ", More fragments",
        _ => "",
    };
    tb.open_label(&hf::FLAGS, tvb.span(6, 7), Value::UInt(u64::from(flags)), format!("Flags: 0x{flags:x}{fname}"));
    tb.add(&hf::FLAGS_RB, tvb.span(6, 7), Value::Bool(fl & 0x8000 != 0));
    tb.add(&hf::FLAGS_DF, tvb.span(6, 7), Value::Bool(df));
    tb.add(&hf::FLAGS_MF, tvb.span(6, 7), Value::Bool(mf));
    tb.close();
    if fl & 0x8000 != 0 {
        tb.expert(Severity::Warning, Group::Protocol, "Reserved flag bit set (RFC 791 §3.1)", tvb.span(6, 7));
    }
    tb.add_label(
        &hf::FRAG_OFFSET,
        tvb.span(6, 8),
        Value::UInt(u64::from(foff)),
        format!("Fragment Offset: {}", u32::from(foff) * 8),
    );
    tb.add_uint(&hf::TTL, tvb.span(8, 9), u64::from(ttl));
    tb.add_uint(&hf::PROTO, tvb.span(9, 10), u64::from(proto));
    let csp = tvb.span(10, 12);
    if ctx.cfg.check_checksums {
        let r = checksum::internet_checksum(&d[..hl]);
        if r == 0 {
            tb.add_label(
                &hf::CHECKSUM,
                csp,
                Value::UInt(u64::from(csum)),
                format!("Header Checksum: 0x{csum:04x} [correct]"),
            );
            tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(csum)));
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_GOOD));
        } else {
            let should = checksum::should_be(csum, r);
            tb.add_label(
                &hf::CHECKSUM,
                csp,
                Value::UInt(u64::from(csum)),
                format!("Header Checksum: 0x{csum:04x} incorrect, should be 0x{should:04x}"),
            );
            tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(should)));
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_BAD));
            tb.expert(Severity::Warning, Group::Checksum, format!("Bad checksum [should be 0x{should:04x}]"), csp);
        }
    } else {
        tb.add_label(
            &hf::CHECKSUM,
            csp,
            Value::UInt(u64::from(csum)),
            format!("Header Checksum: 0x{csum:04x} [validation disabled]"),
        );
        tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_UNVERIFIED));
    }
    let ssp = tvb.span(12, 16);
    let dsp = tvb.span(16, 20);
    tb.add(&hf::SRC, ssp, Value::Ipv4(src.octets()));
    tb.add_hidden(&hf::ADDR, ssp, Value::Ipv4(src.octets()));
    tb.add_hidden(&hf::SRC_HOST, ssp, Value::Str(src.to_string()));
    tb.add_hidden(&hf::HOST, ssp, Value::Str(src.to_string()));
    tb.add(&hf::DST, dsp, Value::Ipv4(dst.octets()));
    tb.add_hidden(&hf::ADDR, dsp, Value::Ipv4(dst.octets()));
    tb.add_hidden(&hf::DST_HOST, dsp, Value::Str(dst.to_string()));
    tb.add_hidden(&hf::HOST, dsp, Value::Str(dst.to_string()));
    if hl > 20 {
        v4_options(ctx, tvb.sub(20, hl));
    }
    set_addrs(ctx, IpAddr::V4(src), IpAddr::V4(dst));

    // The datagram ends at the total length; a TSO-style zero length means "what was captured".
    let end = if tot == 0 {
        ctx.tb.expert(
            Severity::Note,
            Group::Protocol,
            "Total length is 0 (TCP segmentation offload?); using the captured length",
            tvb.span(2, 4),
        );
        d.len()
    } else if tot < hl {
        ctx.tb.malformed(format!("Bogus IP length ({tot}, less than header length {hl})"), tvb.span(2, 4));
        return;
    } else {
        if tot > d.len() {
            ctx.tb.expert(
                Severity::Note,
                Group::Malformed,
                format!("Total length {tot} exceeds the {} bytes captured", d.len()),
                tvb.span(2, 4),
            );
        }
        tot.min(d.len())
    };
    let payload = tvb.sub(hl, end);
    let fragmented = mf || foff != 0;
    ctx.st.ip.ttl = ttl;
    // A datagram quoted in an ICMP error is never reassembled: a first fragment shows its
    // transport header, a later one its bytes.
    let quoted = ctx.st.icmp.in_error();
    if quoted && foff != 0 {
        data_layer(ctx, payload);
        return;
    }
    if !fragmented || quoted {
        ctx.st.ip.payload_truncated = tot > d.len();
        transport(ctx, proto, payload);
        return;
    }
    let offset = usize::from(foff) * 8;
    let key = FragKey { src: IpAddr::V4(src), dst: IpAddr::V4(dst), id: u32::from(id), proto };
    let max = ctx.cfg.ip_max_datagram;
    let (res, notes) = ctx.st.ip.v4.add(key, offset, payload.data, mf, ctx.frame_number, max);
    let v = Version::V4;
    frag_notes(ctx, v, &notes, payload);
    match res {
        FragResult::Complete { data, frags, overlap } => {
            let Some(t) = reassembled(ctx, v, data, &frags, overlap) else { return };
            ctx.st.ip.payload_truncated = false;
            transport(ctx, proto, t.tvb());
        }
        FragResult::Pending => {
            ctx.tb.set_info(format!(
                "Fragmented IP protocol (proto={} {proto}, off={offset}, ID={id:04x})",
                proto_name(proto)
            ));
            data_layer(ctx, payload);
        }
        FragResult::Error(msg) => {
            ctx.tb.expert(Severity::Warning, Group::Reassemble, msg, payload.all());
            data_layer(ctx, payload);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V4,
    V6,
}

/// A reassembled datagram held in a named buffer of the packet.
struct Reassembled {
    data: Arc<[u8]>,
    buf: crate::tree::BufId,
}

impl Reassembled {
    fn tvb(&self) -> Tvb<'_> {
        Tvb::new(&self.data, self.buf, 0)
    }
}

fn frag_notes(ctx: &mut Ctx, v: Version, notes: &crate::net::frag::FragNotes, payload: Tvb) {
    if notes.evicted > 0 {
        ctx.tb.expert(
            Severity::Note,
            Group::Reassemble,
            format!("{} incomplete fragment set(s) evicted to make room", notes.evicted),
            payload.all(),
        );
    }
    if notes.overlap {
        let (o, c) = match v {
            Version::V4 => (&hf::FRAGMENT_OVERLAP, &hf::FRAGMENT_CONFLICT),
            Version::V6 => (&hf::V6_FRAGMENT_OVERLAP, &hf::V6_FRAGMENT_CONFLICT),
        };
        ctx.tb.add_generated(o, payload.all(), Value::Bool(true));
        if notes.conflict {
            ctx.tb.add_generated(c, payload.all(), Value::Bool(true));
            ctx.tb.expert(
                Severity::Warning,
                Group::Reassemble,
                "Conflicting data in fragment overlap (the first copy is kept)",
                payload.all(),
            );
        }
    }
}

/// Show the fragment list of a completed datagram and add it as a named buffer.
fn reassembled(ctx: &mut Ctx, v: Version, data: Vec<u8>, frags: &[FragInfo], overlap: bool) -> Option<Reassembled> {
    // Listed by offset, as tshark does.
    let mut sorted = frags.to_vec();
    sorted.sort_by_key(|f| (f.offset, f.frame));
    let frags = &sorted[..];
    let (name, list, one, count, len_f, data_f, ovl) = match v {
        Version::V4 => (
            "Reassembled IPv4",
            &hf::FRAGMENTS,
            &hf::FRAGMENT,
            &hf::FRAGMENT_COUNT,
            &hf::REASSEMBLED_LEN,
            &hf::REASSEMBLED_DATA,
            &hf::FRAGMENT_OVERLAP,
        ),
        Version::V6 => (
            "Reassembled IPv6",
            &hf::V6_FRAGMENTS,
            &hf::V6_FRAGMENT,
            &hf::V6_FRAGMENT_COUNT,
            &hf::V6_REASSEMBLED_LEN,
            &hf::V6_REASSEMBLED_DATA,
            &hf::V6_FRAGMENT_OVERLAP,
        ),
    };
    let total = data.len();
    let mut label =
        format!("[{} {} Fragments ({total} bytes): ", frags.len(), if v == Version::V4 { "IPv4" } else { "IPv6" });
    for (i, f) in frags.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        if i >= 32 {
            label.push('…');
            break;
        }
        label.push_str(&format!("#{}({})", f.frame, f.len));
    }
    label.push(']');
    let arc: Arc<[u8]> = Arc::from(data);
    let buf = ctx.tb.add_buffer(name, arc.clone());
    let all = Span::new(buf, 0, total);
    let value = if v == Version::V4 { Value::Bytes(arc.to_vec()) } else { Value::None };
    ctx.tb.open_label(list, all, value, label);
    for f in frags {
        let end = f.offset + f.len;
        ctx.tb.add_label(
            one,
            Span::new(buf, f.offset, end),
            Value::UInt(f.frame),
            format!("Frame: {}, payload: {}-{} ({} bytes)", f.frame, f.offset, end.saturating_sub(1), f.len),
        );
    }
    if overlap {
        ctx.tb.add_generated(ovl, all, Value::Bool(true));
    }
    ctx.tb.add_generated(count, all, Value::UInt(frags.len() as u64));
    ctx.tb.add_generated(len_f, all, Value::UInt(total as u64));
    ctx.tb.add_generated(data_f, all, Value::Bytes(arc.to_vec()));
    ctx.tb.close();
    if buf == crate::tree::FRAME_BUF {
        ctx.tb.expert(Severity::Warning, Group::Reassemble, "Too many buffers in this packet", all);
        return None;
    }
    Some(Reassembled { data: arc, buf })
}

fn v4_option_def(ty: u8) -> (&'static FieldDef, &'static str) {
    match ty {
        0 => (&hf::O_EOL, "End of Options List (EOL)"),
        1 => (&hf::O_NOP, "No-Operation (NOP)"),
        130 => (&hf::O_SECURITY, "Security"),
        131 => (&hf::O_LSR, "Loose Source Route"),
        68 => (&hf::O_TIMESTAMP, "Time Stamp"),
        7 => (&hf::O_RR, "Record Route"),
        136 => (&hf::O_SID, "Stream ID"),
        137 => (&hf::O_SSR, "Strict Source Route"),
        148 => (&hf::O_RA, "Router Alert"),
        _ => (&hf::O_UNKNOWN, "Unknown"),
    }
}

fn v4_opt_type(ctx: &mut Ctx, tvb: Tvb, off: usize, ty: u8) {
    let sp = tvb.span(off, off + 1);
    ctx.tb.open(&hf::OPT_TYPE, sp, Value::UInt(u64::from(ty)));
    ctx.tb.add(&hf::OPT_TYPE_COPY, sp, Value::Bool(ty & 0x80 != 0));
    ctx.tb.add_uint(&hf::OPT_TYPE_CLASS, sp, u64::from((ty >> 5) & 3));
    ctx.tb.add_uint(&hf::OPT_TYPE_NUMBER, sp, u64::from(ty & 0x1f));
    ctx.tb.close();
}

/// IPv4 options, RFC 791 §3.1: single-octet EOL and NOP, otherwise type, length, data.
fn v4_options(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    let mut names: Vec<&str> = Vec::new();
    let mut off = 0;
    let mut nodes: Vec<(usize, usize, u8)> = Vec::new();
    let mut bad: Option<String> = None;
    while off < d.len() {
        let ty = d[off];
        if ty == 0 {
            nodes.push((off, off + 1, ty));
            names.push("End of Options List (EOL)");
            off += 1;
            break;
        }
        if ty == 1 {
            nodes.push((off, off + 1, ty));
            names.push("No-Operation (NOP)");
            off += 1;
            continue;
        }
        let Some(&len) = d.get(off + 1) else {
            bad = Some(format!("Option type {ty} has no length byte"));
            break;
        };
        let len = usize::from(len);
        if len < 2 || off + len > d.len() {
            bad = Some(format!("Invalid length {len} for option type {ty} ({} bytes left)", d.len() - off));
            break;
        }
        nodes.push((off, off + len, ty));
        names.push(v4_option_def(ty).1);
        off += len;
    }
    let summary = if names.is_empty() { String::new() } else { format!(", {}", names.join(", ")) };
    ctx.tb.open_label(&hf::OPTIONS, tvb.all(), Value::None, format!("Options: ({} bytes){summary}", d.len()));
    for (s, e, ty) in nodes {
        let (def, name) = v4_option_def(ty);
        let bytes = d[s..e].to_vec();
        let sp = tvb.span(s, e);
        if ty <= 1 {
            ctx.tb.open_label(def, sp, Value::Bytes(bytes), format!("IP Option - {name}"));
            v4_opt_type(ctx, tvb, s, ty);
            ctx.tb.close();
            continue;
        }
        let label = if ty == 148 && e - s == 4 {
            let v = u16::from_be_bytes([d[s + 2], d[s + 3]]);
            let vn = hf::OPT_RA.string_of(u64::from(v)).unwrap_or("Unknown");
            format!("IP Option - {name} ({} bytes): {vn} ({v})", e - s)
        } else {
            format!("IP Option - {name} ({} bytes)", e - s)
        };
        ctx.tb.open_label(def, sp, Value::Bytes(bytes), label);
        v4_opt_type(ctx, tvb, s, ty);
        ctx.tb.add_uint(&hf::OPT_LEN, tvb.span(s + 1, s + 2), (e - s) as u64);
        if ty == 148 {
            // RFC 2113 §2.1: length 4, a 2-octet value.
            if e - s == 4 {
                let v = u16::from_be_bytes([d[s + 2], d[s + 3]]);
                ctx.tb.add_uint(&hf::OPT_RA, tvb.span(s + 2, e), u64::from(v));
            } else {
                ctx.tb.expert(
                    Severity::Warning,
                    Group::Malformed,
                    format!("Router Alert option length {} is not 4 (RFC 2113 §2.1)", e - s),
                    sp,
                );
            }
        } else if e - s > 2 {
            ctx.tb.add(&hf::OPT_DATA, tvb.span(s + 2, e), Value::Bytes(d[s + 2..e].to_vec()));
        }
        ctx.tb.close();
    }
    if off < d.len() && bad.is_none() {
        ctx.tb.add(&hf::OPT_PADDING, tvb.span(off, d.len()), Value::Bytes(d[off..].to_vec()));
    }
    if let Some(msg) = bad {
        ctx.tb.expert(Severity::Warning, Group::Malformed, msg, tvb.span(off, d.len()));
    }
    ctx.tb.close();
}

/// Dissect an IPv6 packet.
pub fn dissect_v6(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    ctx.tb.set_protocol_column("IPv6");
    let version = d.first().map(|b| b >> 4).unwrap_or(0);
    if d.len() < 40 || version != 6 {
        ctx.tb.open_proto(&hf::IPV6, tvb.all(), Some("Internet Protocol Version 6".into()));
        if !d.is_empty() {
            ctx.tb.add_uint(&hf::V6_VERSION, tvb.span(0, 1), u64::from(version));
        }
        let msg = if d.is_empty() || version == 6 {
            format!("IPv6 header needs 40 bytes, {} captured", d.len())
        } else {
            format!("Bogus IP version ({version}, must be 6)")
        };
        ctx.tb.malformed(msg, tvb.all());
        return;
    }
    let w0 = be32(d, 0).unwrap_or(0);
    let plen = usize::from(be16(d, 4).unwrap_or(0));
    let nxt = d[6];
    let hlim = d[7];
    let mut s = [0u8; 16];
    s.copy_from_slice(&d[8..24]);
    let mut t = [0u8; 16];
    t.copy_from_slice(&d[24..40]);
    let src = Ipv6Addr::from(s);
    let dst = Ipv6Addr::from(t);
    let tb = &mut ctx.tb;
    tb.open_proto(&hf::IPV6, tvb.span(0, 40), Some(format!("Internet Protocol Version 6, Src: {src}, Dst: {dst}")));
    tb.add_uint(&hf::V6_VERSION, tvb.span(0, 1), 6);
    tb.add_hidden(&hf::VERSION, tvb.span(0, 1), Value::UInt(6));
    let tclass = (w0 >> 20) & 0xff;
    let tcsp = tvb.span(0, 4);
    tb.open_label(
        &hf::V6_TCLASS,
        tcsp,
        Value::UInt(u64::from(tclass)),
        format!(
            "Traffic Class: 0x{tclass:02x} (DSCP: {}, ECN: {})",
            dscp_short((tclass >> 2) as u8),
            ECN_SHORT[(tclass & 3) as usize]
        ),
    );
    tb.add_uint(&hf::V6_DSCP, tcsp, u64::from(tclass >> 2));
    tb.add_uint(&hf::V6_ECN, tcsp, u64::from(tclass & 3));
    tb.close();
    let flow = w0 & 0xfffff;
    tb.add_label(&hf::V6_FLOW, tvb.span(1, 4), Value::UInt(u64::from(flow)), format!("Flow Label: 0x{flow:05x}"));
    tb.add_uint(&hf::V6_PLEN, tvb.span(4, 6), plen as u64);
    tb.add_uint(&hf::V6_NXT, tvb.span(6, 7), u64::from(nxt));
    tb.add_uint(&hf::V6_HLIM, tvb.span(7, 8), u64::from(hlim));
    let ssp = tvb.span(8, 24);
    let dsp = tvb.span(24, 40);
    tb.add(&hf::V6_SRC, ssp, Value::Ipv6(s));
    tb.add_hidden(&hf::V6_ADDR, ssp, Value::Ipv6(s));
    tb.add_hidden(&hf::V6_SRC_HOST, ssp, Value::Str(src.to_string()));
    tb.add_hidden(&hf::V6_HOST, ssp, Value::Str(src.to_string()));
    tb.add(&hf::V6_DST, dsp, Value::Ipv6(t));
    tb.add_hidden(&hf::V6_ADDR, dsp, Value::Ipv6(t));
    tb.add_hidden(&hf::V6_DST_HOST, dsp, Value::Str(dst.to_string()));
    tb.add_hidden(&hf::V6_HOST, dsp, Value::Str(dst.to_string()));
    set_addrs(ctx, IpAddr::V6(src), IpAddr::V6(dst));
    let end = if plen == 0 {
        if d.len() > 40 {
            ctx.tb.expert(
                Severity::Note,
                Group::Protocol,
                "Payload length is 0 (jumbogram or TCP segmentation offload?); using the captured length",
                tvb.span(4, 6),
            );
        }
        d.len()
    } else {
        if 40 + plen > d.len() {
            ctx.tb.expert(
                Severity::Note,
                Group::Malformed,
                format!("Payload length {plen} exceeds the {} bytes captured after the header", d.len() - 40),
                tvb.span(4, 6),
            );
        }
        (40 + plen).min(d.len())
    };
    let dgram = tvb.sub(0, end);
    ctx.st.ip.ttl = hlim;
    ctx.st.ip.payload_truncated = plen != 0 && 40 + plen > d.len();
    v6_chain(ctx, nxt, dgram, 40, IpAddr::V6(src), IpAddr::V6(dst), true);
}

/// Extension headers one packet may chain before the rest is shown as data.
const MAX_EXT_HEADERS: usize = 32;

/// Walk IPv6 extension headers from `off` in `tvb`, then the upper layer.
fn v6_chain(ctx: &mut Ctx, mut nxt: u8, tvb: Tvb, mut off: usize, src: IpAddr, dst: IpAddr, first: bool) {
    let mut first = first;
    for _ in 0..MAX_EXT_HEADERS {
        match nxt {
            ipproto::HOPOPTS | ipproto::DSTOPTS | ipproto::ROUTING => {
                let hop = nxt == ipproto::HOPOPTS;
                if hop && !first {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header (RFC 8200 §4.1)",
                        tvb.span(off, off + 2),
                    );
                }
                let (Some(&n), Some(&l)) = (tvb.data.get(off), tvb.data.get(off + 1)) else {
                    ctx.tb.malformed("IPv6 extension header cut short", tvb.from(off).all());
                    return;
                };
                let len = (usize::from(l) + 1) * 8;
                if off + len > tvb.len() {
                    ctx.tb.malformed(
                        format!("IPv6 extension header of {len} bytes, {} left", tvb.len() - off),
                        tvb.from(off).all(),
                    );
                    return;
                }
                let h = tvb.sub(off, off + len);
                if nxt == ipproto::ROUTING {
                    v6_routing(ctx, h);
                } else {
                    v6_options_header(ctx, h, hop);
                }
                nxt = n;
                off += len;
            }
            ipproto::FRAGMENT => {
                let Some(h) = tvb.data.get(off..off + 8) else {
                    ctx.tb.malformed("IPv6 fragment header cut short", tvb.from(off).all());
                    return;
                };
                let n = h[0];
                let w = u16::from_be_bytes([h[2], h[3]]);
                let ident = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
                let foff = w >> 3;
                let more = w & 1 != 0;
                let hs = tvb.sub(off, off + 8);
                let tb = &mut ctx.tb;
                tb.open(&hf::FRAGHDR, hs.all(), Value::None);
                tb.push_protocol_name("ipv6.fraghdr");
                tb.add_uint(&hf::FRAGHDR_NXT, hs.span(0, 1), u64::from(n));
                tb.add_uint(&hf::FRAGHDR_RES_OCTET, hs.span(1, 2), u64::from(h[1]));
                tb.add_label(
                    &hf::FRAGHDR_OFFSET,
                    hs.span(2, 4),
                    Value::UInt(u64::from(foff)),
                    format!("Offset: {foff} ({} bytes)", u32::from(foff) * 8),
                );
                tb.add_uint(&hf::FRAGHDR_RES_BITS, hs.span(2, 4), u64::from((w >> 1) & 3));
                tb.add(&hf::FRAGHDR_MORE, hs.span(2, 4), Value::Bool(more));
                tb.add_uint(&hf::FRAGHDR_IDENT, hs.span(4, 8), u64::from(ident));
                tb.close();
                off += 8;
                if foff == 0 && (!more || ctx.st.icmp.in_error()) {
                    // An atomic fragment (RFC 6946): nothing to reassemble.
                    nxt = n;
                    first = false;
                    continue;
                }
                let payload = tvb.from(off);
                if ctx.st.icmp.in_error() {
                    // Quoted in an ICMP error: a later fragment is never reassembled.
                    data_layer(ctx, payload);
                    return;
                }
                let offset = usize::from(foff) * 8;
                let key = FragKey { src, dst, id: ident, proto: n };
                let max = ctx.cfg.ip_max_datagram;
                let (res, notes) = ctx.st.ip.v6.add(key, offset, payload.data, more, ctx.frame_number, max);
                frag_notes(ctx, Version::V6, &notes, payload);
                match res {
                    FragResult::Complete { data, frags, overlap } => {
                        let Some(r) = reassembled(ctx, Version::V6, data, &frags, overlap) else { return };
                        ctx.st.ip.payload_truncated = false;
                        v6_chain(ctx, n, r.tvb(), 0, src, dst, false);
                    }
                    FragResult::Pending => {
                        ctx.tb.set_info(format!(
                            "IPv6 fragment (off={offset} more={} ident=0x{ident:08x} nxt={n})",
                            if more { "y" } else { "n" }
                        ));
                        data_layer(ctx, payload);
                    }
                    FragResult::Error(msg) => {
                        ctx.tb.expert(Severity::Warning, Group::Reassemble, msg, payload.all());
                        data_layer(ctx, payload);
                    }
                }
                return;
            }
            ipproto::NONE => {
                let rest = tvb.from(off);
                if !rest.is_empty() {
                    ctx.tb.expert(Severity::Note, Group::Protocol, "Bytes after an IPv6 No Next Header", rest.all());
                    data_layer(ctx, rest);
                }
                return;
            }
            other => {
                transport(ctx, other, tvb.from(off));
                return;
            }
        }
        first = false;
    }
    ctx.tb.expert(
        Severity::Warning,
        Group::Malformed,
        format!("More than {MAX_EXT_HEADERS} IPv6 extension headers"),
        tvb.from(off).all(),
    );
    data_layer(ctx, tvb.from(off));
}

/// Hop-by-Hop or Destination Options header (RFC 8200 §4.3, §4.6) with its option TLVs (§4.2).
fn v6_options_header(ctx: &mut Ctx, h: Tvb, hop: bool) {
    let d = h.data;
    let (p, nf, lf, lo, name) = if hop {
        (&hf::HOPOPTS, &hf::HOPOPTS_NXT, &hf::HOPOPTS_LEN, &hf::HOPOPTS_LEN_OCT, "ipv6.hopopts")
    } else {
        (&hf::DSTOPTS, &hf::DSTOPTS_NXT, &hf::DSTOPTS_LEN, &hf::DSTOPTS_LEN_OCT, "ipv6.dstopts")
    };
    let tb = &mut ctx.tb;
    tb.open(p, h.all(), Value::None);
    tb.push_protocol_name(name);
    tb.add_uint(nf, h.span(0, 1), u64::from(d[0]));
    tb.add_uint(lf, h.span(1, 2), u64::from(d[1]));
    tb.add_generated(lo, h.span(1, 2), Value::UInt(d.len() as u64));
    let mut off = 2;
    while off < d.len() {
        let ty = d[off];
        let tname = hf::V6_OPT_TYPE.string_of(u64::from(ty)).unwrap_or("Unknown");
        if ty == 0 {
            let sp = h.span(off, off + 1);
            tb.open_label(&hf::V6_OPT, sp, Value::None, "Pad1".into());
            v6_opt_type(tb, h, off, ty);
            tb.add(&hf::V6_OPT_PAD1, sp, Value::None);
            tb.close();
            off += 1;
            continue;
        }
        let Some(&l) = d.get(off + 1) else {
            tb.expert(Severity::Warning, Group::Malformed, "IPv6 option without a length", h.span(off, off + 1));
            break;
        };
        let end = off + 2 + usize::from(l);
        if end > d.len() {
            tb.expert(
                Severity::Warning,
                Group::Malformed,
                format!("Invalid IPv6 option length {l} ({} bytes left)", d.len() - off - 2),
                h.span(off, d.len()),
            );
            break;
        }
        let sp = h.span(off, end);
        tb.open_label(&hf::V6_OPT, sp, Value::None, tname.to_string());
        v6_opt_type(tb, h, off, ty);
        tb.add_uint(&hf::V6_OPT_LENGTH, h.span(off + 1, off + 2), u64::from(l));
        let vsp = h.span(off + 2, end);
        let val = &d[off + 2..end];
        match ty {
            0x01 => {
                tb.add(&hf::V6_OPT_PADN, vsp, Value::Bytes(val.to_vec()));
            }
            0x05 if val.len() == 2 => {
                // RFC 2711 §2.1: length 2, value.
                tb.add_uint(&hf::V6_OPT_RA, vsp, u64::from(u16::from_be_bytes([val[0], val[1]])));
            }
            0x05 => tb.expert(
                Severity::Warning,
                Group::Malformed,
                format!("Router Alert option length {l} is not 2 (RFC 2711 §2.1)"),
                sp,
            ),
            _ => {
                if !val.is_empty() {
                    tb.add(&hf::V6_OPT_UNKNOWN, vsp, Value::Bytes(val.to_vec()));
                }
            }
        }
        tb.close();
        off = end;
    }
    tb.close();
}

fn v6_opt_type(tb: &mut crate::tree::TreeBuilder, h: Tvb, off: usize, ty: u8) {
    let sp = h.span(off, off + 1);
    tb.open(&hf::V6_OPT_TYPE, sp, Value::UInt(u64::from(ty)));
    tb.add_uint(&hf::V6_OPT_ACTION, sp, u64::from(ty >> 6));
    tb.add(&hf::V6_OPT_CHANGE, sp, Value::Bool(ty & 0x20 != 0));
    tb.add_uint(&hf::V6_OPT_REST, sp, u64::from(ty & 0x1f));
    tb.close();
}

/// Routing header (RFC 8200 §4.4): fixed part, then type-specific data.
fn v6_routing(ctx: &mut Ctx, h: Tvb) {
    let d = h.data;
    let tb = &mut ctx.tb;
    tb.open(&hf::ROUTING, h.all(), Value::None);
    tb.push_protocol_name("ipv6.routing");
    tb.add_uint(&hf::ROUTING_NXT, h.span(0, 1), u64::from(d[0]));
    tb.add_uint(&hf::ROUTING_LEN, h.span(1, 2), u64::from(d[1]));
    tb.add_generated(&hf::ROUTING_LEN_OCT, h.span(1, 2), Value::UInt(d.len() as u64));
    if d.len() >= 4 {
        tb.add_uint(&hf::ROUTING_TYPE, h.span(2, 3), u64::from(d[2]));
        tb.add_uint(&hf::ROUTING_SEGLEFT, h.span(3, 4), u64::from(d[3]));
        if d.len() > 4 {
            tb.add(&hf::ROUTING_DATA, h.span(4, d.len()), Value::Bytes(d[4..].to_vec()));
        }
    }
    tb.close();
}

/// The upper layer of an IP datagram.
pub(crate) fn transport(ctx: &mut Ctx, proto: u8, tvb: Tvb) {
    match proto {
        ipproto::ICMP => crate::net::icmp::dissect_v4(ctx, tvb),
        ipproto::ICMPV6 => crate::net::icmp::dissect_v6(ctx, tvb),
        ipproto::TCP => crate::net::tcp::dissect(ctx, tvb),
        ipproto::UDP => crate::net::udp::dissect(ctx, tvb),
        ipproto::SCTP => crate::proto::sctp::dissect(ctx, tvb),
        ipproto::IPIP | ipproto::IPV6 => {
            if ctx.depth >= MAX_DEPTH {
                ctx.tb.expert(
                    Severity::Warning,
                    Group::Malformed,
                    format!("IP-in-IP nested deeper than {MAX_DEPTH} levels"),
                    tvb.all(),
                );
                data_layer(ctx, tvb);
                return;
            }
            ctx.depth += 1;
            if proto == ipproto::IPIP {
                dissect_v4(ctx, tvb);
            } else {
                dissect_v6(ctx, tvb);
            }
            ctx.depth -= 1;
        }
        other => {
            if !tvb.is_empty() {
                ctx.tb.expert(
                    Severity::Note,
                    Group::Undecoded,
                    format!("IP protocol {} ({other}) is not dissected", proto_name(other)),
                    tvb.all(),
                );
            }
            data_layer(ctx, tvb)
        }
    }
}
