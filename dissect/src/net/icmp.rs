//! ICMP (RFC 792) and ICMPv6 (RFC 4443), with tshark's fields (`icmp.*`, `icmpv6.*`).
//!
//! ```text
//! RFC 792 / RFC 4443 §2.1, every message:
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! |                     (depends on the type)                     |
//! |        Internet Header + 64 bits of Original Data Datagram    |   (errors)
//! ```
//!
//! ICMPv4 messages: Echo and Echo Reply, Timestamp, Information and Address Mask requests and
//! replies (identifier and sequence number, RFC 792 and RFC 950 §"ICMP Fields"); Destination
//! Unreachable (with the next-hop MTU of RFC 1191 §4 for code 4), Source Quench, Redirect,
//! Time Exceeded and Parameter Problem, which quote the datagram that caused them; Router
//! Advertisement and Solicitation (RFC 1256 §3); the RFC 4884 §4.1 length of the quoted datagram.
//! ICMPv6: the errors of RFC 4443 §3 (Destination Unreachable, Packet Too Big, Time Exceeded,
//! Parameter Problem), Echo (§4), Neighbor Discovery (RFC 4861 §4: Router Solicitation and
//! Advertisement, Neighbor Solicitation and Advertisement, Redirect, with the options of §4.6,
//! RDNSS and DNSSL of RFC 8106 §5), and MLD (RFC 2710 §3, MLDv2 RFC 3810 §5).
//!
//! The datagram quoted by an error is dissected with the IP layer's own functions while
//! [`IcmpState::in_error`] is set: the layers below then show it as tshark does and leave
//! reassembly, the SEQ/ACK analysis and the application layers alone (see
//! [`crate::net::tcp::dissect`]). Its layers are nested under the ICMP item, like tshark's,
//! except what follows a quoted UDP header (tshark shows that at the top).
//!
//! Echo requests and replies are matched like tshark does in one pass: by the address pair,
//! identifier, sequence number and checksum (a reply's checksum is the request's with the type
//! changed), each request answered once; the reply gets `resp_to` and `resptime`.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};

use crate::engine::{data_layer, Ctx, MAX_DEPTH};
use crate::net::checksum;
use crate::tree::{civil_from_days, Base, FieldDef, FieldType, Group, Node, Severity, Span, Tvb, Value};

/// ICMPv4 message types (IANA "ICMP Type Numbers").
pub mod t4 {
    pub const ECHO_REPLY: u8 = 0;
    pub const UNREACH: u8 = 3;
    pub const SOURCE_QUENCH: u8 = 4;
    pub const REDIRECT: u8 = 5;
    pub const ECHO: u8 = 8;
    pub const ROUTER_ADVERT: u8 = 9;
    pub const ROUTER_SOLICIT: u8 = 10;
    pub const TIME_EXCEEDED: u8 = 11;
    pub const PARAM_PROBLEM: u8 = 12;
    pub const TIMESTAMP: u8 = 13;
    pub const TIMESTAMP_REPLY: u8 = 14;
    pub const INFO_REQUEST: u8 = 15;
    pub const INFO_REPLY: u8 = 16;
    pub const MASK_REQUEST: u8 = 17;
    pub const MASK_REPLY: u8 = 18;
    pub const EXT_ECHO: u8 = 42;
    pub const EXT_ECHO_REPLY: u8 = 43;
}

/// ICMPv6 message types (IANA "ICMPv6 Type Numbers").
pub mod t6 {
    pub const UNREACH: u8 = 1;
    pub const PACKET_TOO_BIG: u8 = 2;
    pub const TIME_EXCEEDED: u8 = 3;
    pub const PARAM_PROBLEM: u8 = 4;
    pub const ECHO_REQUEST: u8 = 128;
    pub const ECHO_REPLY: u8 = 129;
    pub const MLD_QUERY: u8 = 130;
    pub const MLD_REPORT: u8 = 131;
    pub const MLD_DONE: u8 = 132;
    pub const ROUTER_SOLICIT: u8 = 133;
    pub const ROUTER_ADVERT: u8 = 134;
    pub const NEIGHBOR_SOLICIT: u8 = 135;
    pub const NEIGHBOR_ADVERT: u8 = 136;
    pub const REDIRECT: u8 = 137;
    pub const MLDV2_REPORT: u8 = 143;
}

/// Neighbor Discovery option types (RFC 4861 §4.6, RFC 8106 §5).
pub mod nd_opt {
    pub const SRC_LINKADDR: u8 = 1;
    pub const TARGET_LINKADDR: u8 = 2;
    pub const PREFIX_INFO: u8 = 3;
    pub const REDIRECTED_HEADER: u8 = 4;
    pub const MTU: u8 = 5;
    pub const ADV_INTERVAL: u8 = 7;
    pub const NONCE: u8 = 14;
    pub const RDNSS: u8 = 25;
    pub const DNSSL: u8 = 31;
}

const V6_TYPES: &[(u64, &str)] = &[
    (1, "Destination Unreachable"),
    (2, "Packet Too Big"),
    (3, "Time Exceeded"),
    (4, "Parameter Problem"),
    (100, "Private experimentation"),
    (101, "Private experimentation"),
    (127, "Reserved for expansion of ICMPv6 error messages"),
    (128, "Echo (ping) request"),
    (129, "Echo (ping) reply"),
    (130, "Multicast Listener Query"),
    (131, "Multicast Listener Report"),
    (132, "Multicast Listener Done"),
    (133, "Router Solicitation"),
    (134, "Router Advertisement"),
    (135, "Neighbor Solicitation"),
    (136, "Neighbor Advertisement"),
    (137, "Redirect"),
    (138, "Router Renumbering"),
    (139, "Node Information Query"),
    (140, "Node Information Reply"),
    (141, "Inverse Neighbor Discovery Solicitation"),
    (142, "Inverse Neighbor Discovery Advertisement"),
    (143, "Multicast Listener Report Message v2"),
    (144, "Home Agent Address Discovery Request"),
    (145, "Home Agent Address Discovery Reply"),
    (146, "Mobile Prefix Solicitation"),
    (147, "Mobile Prefix Advertisement"),
    (148, "Certification Path Solicitation"),
    (149, "Certification Path Advertisement"),
    (150, "Experimental Mobility"),
    (151, "Multicast Router Advertisement"),
    (152, "Multicast Router Solicitation"),
    (153, "Multicast Router Termination"),
    (154, "FMIPv6"),
    (155, "RPL Control"),
    (156, "Locator Update"),
    (157, "Duplicate Address Request"),
    (158, "Duplicate Address Confirmation"),
    (159, "MPL Control Message"),
    (160, "Extended Echo request"),
    (161, "Extended Echo reply"),
    (200, "Private experimentation"),
    (201, "Private experimentation"),
    (255, "Reserved for expansion of ICMPv6 informational messages"),
];

const V6_OPT_TYPES: &[(u64, &str)] = &[
    (1, "Source link-layer address"),
    (2, "Target link-layer address"),
    (3, "Prefix information"),
    (4, "Redirected header"),
    (5, "MTU"),
    (6, "NBMA Shortcut Limit Option"),
    (7, "Advertisement Interval"),
    (8, "Home Agent Information"),
    (9, "Source Address List"),
    (10, "Target Address List"),
    (11, "CGA"),
    (12, "RSA Signature"),
    (13, "Timestamp"),
    (14, "Nonce"),
    (15, "Trust Anchor"),
    (16, "Certificate"),
    (17, "IP Address/Prefix Option"),
    (18, "New Router Prefix Information"),
    (19, "Link-layer Address"),
    (20, "Neighbor Advertisement Acknowledgment"),
    (23, "MAP"),
    (24, "Route Information"),
    (25, "Recursive DNS Server"),
    (26, "RA Flags Extension"),
    (27, "Handover Key Request"),
    (28, "Handover Key Reply"),
    (29, "Handover Assist Information"),
    (30, "Mobile Node Identifier Option"),
    (31, "DNS Search List Option"),
    (32, "Proxy Signature (PS)"),
    (33, "Address Registration Option"),
    (34, "6LoWPAN Context Option"),
    (35, "Authoritative Border Router"),
    (36, "6LoWPAN Capability Indication Option"),
    (37, "DHCP Captive-Portal"),
    (38, "PREF64 Option"),
    (138, "CARD Request"),
    (139, "CARD Reply"),
    (253, "RFC3692-style Experiment 1"),
    (254, "RFC3692-style Experiment 2"),
];

const EXT_ECHO_STATES: &[(u64, &str)] =
    &[(0, "Reserved"), (1, "Incomplete"), (2, "Reachable"), (3, "Stale"), (4, "Delay"), (5, "Probe"), (6, "Failed")];

const RA_PRF: &[(u64, &str)] = &[(0, "Medium"), (1, "High"), (2, "Reserved"), (3, "Low")];

const MLDR_RECORD_TYPES: &[(u64, &str)] = &[
    (1, "Include"),
    (2, "Exclude"),
    (3, "Changed to include"),
    (4, "Changed to exclude"),
    (5, "Allow new sources"),
    (6, "Block old sources"),
];

/// Field definitions (tshark's names).
pub mod hf {
    use super::*;
    pub static ICMP: FieldDef = FieldDef::proto("icmp", "Internet Control Message Protocol");
    pub static TYPE: FieldDef = FieldDef::new("icmp.type", "Type", FieldType::U8, Base::Dec);
    pub static CODE: FieldDef = FieldDef::new("icmp.code", "Code", FieldType::U8, Base::Dec);
    pub static CHECKSUM: FieldDef = FieldDef::new("icmp.checksum", "Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_STATUS: FieldDef =
        FieldDef::new("icmp.checksum.status", "Checksum Status", FieldType::U8, Base::None)
            .strings(checksum::STATUS_STRINGS);
    pub static CHECKSUM_BAD: FieldDef = FieldDef::new("icmp.checksum_bad", "Bad checksum", FieldType::None, Base::None);
    pub static UNUSED: FieldDef = FieldDef::new("icmp.unused", "Unused", FieldType::Bytes, Base::None);
    pub static RESERVED: FieldDef = FieldDef::new("icmp.reserved", "Reserved", FieldType::Bytes, Base::None);
    pub static IDENT: FieldDef = FieldDef::new("icmp.ident", "Identifier (BE)", FieldType::U16, Base::DecHex);
    pub static IDENT_LE: FieldDef = FieldDef::new("icmp.ident_le", "Identifier (LE)", FieldType::U16, Base::DecHex);
    pub static SEQ: FieldDef = FieldDef::new("icmp.seq", "Sequence Number (BE)", FieldType::U16, Base::DecHex);
    pub static SEQ_LE: FieldDef = FieldDef::new("icmp.seq_le", "Sequence Number (LE)", FieldType::U16, Base::DecHex);
    pub static MTU: FieldDef = FieldDef::new("icmp.mtu", "MTU of next hop", FieldType::U16, Base::Dec);
    pub static NUM_ADDRS: FieldDef = FieldDef::new("icmp.num_addrs", "Number of addresses", FieldType::U8, Base::Dec);
    pub static ADDR_ENTRY_SIZE: FieldDef =
        FieldDef::new("icmp.addr_entry_size", "Address entry size", FieldType::U8, Base::Dec);
    pub static LIFETIME: FieldDef = FieldDef::new("icmp.lifetime", "Lifetime", FieldType::U16, Base::Dec);
    pub static POINTER: FieldDef = FieldDef::new("icmp.pointer", "Pointer", FieldType::U32, Base::Dec);
    pub static ROUTER_ADDRESS: FieldDef =
        FieldDef::new("icmp.router_address", "Router address", FieldType::Ipv4, Base::None);
    pub static PREF_LEVEL: FieldDef = FieldDef::new("icmp.pref_level", "Preference level", FieldType::I32, Base::Dec);
    pub static ORIGINATE_TS: FieldDef =
        FieldDef::new("icmp.originate_timestamp", "Originate Timestamp", FieldType::U32, Base::Dec);
    pub static RECEIVE_TS: FieldDef =
        FieldDef::new("icmp.receive_timestamp", "Receive Timestamp", FieldType::U32, Base::Dec);
    pub static TRANSMIT_TS: FieldDef =
        FieldDef::new("icmp.transmit_timestamp", "Transmit Timestamp", FieldType::U32, Base::Dec);
    pub static ADDRESS_MASK: FieldDef = FieldDef::new("icmp.address_mask", "Address Mask", FieldType::Ipv4, Base::None);
    pub static REDIR_GW: FieldDef = FieldDef::new("icmp.redir_gw", "Gateway Address", FieldType::Ipv4, Base::None);
    pub static LENGTH: FieldDef = FieldDef::new("icmp.length", "Length", FieldType::U8, Base::Dec);
    pub static LENGTH_ORIGINAL: FieldDef =
        FieldDef::new("icmp.length.original_datagram", "Length of original datagram", FieldType::U8, Base::Dec);
    pub static RESP_TO: FieldDef = FieldDef::new("icmp.resp_to", "Request frame", FieldType::FrameNum, Base::None);
    pub static RESPTIME: FieldDef = FieldDef::new("icmp.resptime", "Response time", FieldType::Double, Base::None);
    pub static DATA_TIME: FieldDef =
        FieldDef::new("icmp.data_time", "Timestamp from icmp data", FieldType::AbsTime, Base::None);
    pub static DATA_TIME_RELATIVE: FieldDef =
        FieldDef::new("icmp.data_time_relative", "Timestamp from icmp data (relative)", FieldType::RelTime, Base::None);

    pub static EXT_ECHO_SEQ: FieldDef =
        FieldDef::new("icmp.ext.echo.seq", "Sequence Number", FieldType::U8, Base::DecHex);
    pub static EXT_ECHO_REQ_RES: FieldDef =
        FieldDef::new("icmp.ext.echo.req.res", "Reserved", FieldType::U8, Base::Hex).mask(0xfe);
    pub static EXT_ECHO_REQ_LOCAL: FieldDef =
        FieldDef::new("icmp.ext.echo.req.local", "Local bit", FieldType::Bool, Base::None).mask(0x01);
    pub static EXT_ECHO_RSP_STATE: FieldDef =
        FieldDef::new("icmp.ext.echo.rsp.state", "State", FieldType::U8, Base::Dec)
            .strings(super::EXT_ECHO_STATES)
            .mask(0xe0);
    pub static EXT_ECHO_RSP_RES: FieldDef =
        FieldDef::new("icmp.ext.echo.rsp.res", "Reserved", FieldType::U8, Base::Hex).mask(0x18);
    pub static EXT_ECHO_RSP_ACTIVE: FieldDef =
        FieldDef::new("icmp.ext.echo.rsp.active", "Active bit", FieldType::Bool, Base::None).mask(0x04);
    pub static EXT_ECHO_RSP_IPV4: FieldDef =
        FieldDef::new("icmp.ext.echo.rsp.ipv4", "IPv4 bit", FieldType::Bool, Base::None).mask(0x02);
    pub static EXT_ECHO_RSP_IPV6: FieldDef =
        FieldDef::new("icmp.ext.echo.rsp.ipv6", "IPv6 bit", FieldType::Bool, Base::None).mask(0x01);

    pub static ICMPV6: FieldDef = FieldDef::proto("icmpv6", "Internet Control Message Protocol v6");
    pub static V6_TYPE: FieldDef =
        FieldDef::new("icmpv6.type", "Type", FieldType::U8, Base::Dec).strings(super::V6_TYPES);
    pub static V6_CODE: FieldDef = FieldDef::new("icmpv6.code", "Code", FieldType::U8, Base::Dec);
    pub static V6_CHECKSUM: FieldDef = FieldDef::new("icmpv6.checksum", "Checksum", FieldType::U16, Base::Hex);
    pub static V6_CHECKSUM_STATUS: FieldDef =
        FieldDef::new("icmpv6.checksum.status", "Checksum Status", FieldType::U8, Base::None)
            .strings(checksum::STATUS_STRINGS);
    pub static V6_CHECKSUM_BAD: FieldDef =
        FieldDef::new("icmpv6.checksum_bad.expert", "Bad checksum", FieldType::None, Base::None);
    pub static V6_RESERVED: FieldDef = FieldDef::new("icmpv6.reserved", "Reserved", FieldType::Bytes, Base::None);
    pub static V6_DATA: FieldDef = FieldDef::new("icmpv6.data", "Data", FieldType::Bytes, Base::None);
    pub static V6_UNDECODED_TYPE: FieldDef =
        FieldDef::new("icmpv6.undecoded.type", "Undecoded type", FieldType::None, Base::None);
    pub static V6_LENGTH: FieldDef =
        FieldDef::new("icmpv6.length", "Length of original datagram", FieldType::U8, Base::Dec);
    pub static V6_MTU: FieldDef = FieldDef::new("icmpv6.mtu", "MTU", FieldType::U32, Base::Dec);
    pub static V6_POINTER: FieldDef = FieldDef::new("icmpv6.pointer", "Pointer", FieldType::U32, Base::Dec);
    pub static V6_ECHO_ID: FieldDef = FieldDef::new("icmpv6.echo.identifier", "Identifier", FieldType::U16, Base::Hex);
    pub static V6_ECHO_SEQ: FieldDef =
        FieldDef::new("icmpv6.echo.sequence_number", "Sequence", FieldType::U16, Base::Dec);
    pub static V6_RESP_TO: FieldDef = FieldDef::new("icmpv6.resp_to", "Response To", FieldType::FrameNum, Base::None);
    pub static V6_RESPTIME: FieldDef = FieldDef::new("icmpv6.resptime", "Response Time", FieldType::Double, Base::None);
    pub static RA_CUR_HOP_LIMIT: FieldDef =
        FieldDef::new("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", FieldType::U8, Base::Dec);
    pub static RA_FLAG: FieldDef = FieldDef::new("icmpv6.nd.ra.flag", "Flags", FieldType::U8, Base::Hex);
    pub static RA_FLAG_M: FieldDef =
        FieldDef::new("icmpv6.nd.ra.flag.m", "Managed address configuration", FieldType::Bool, Base::None).mask(0x80);
    pub static RA_FLAG_O: FieldDef =
        FieldDef::new("icmpv6.nd.ra.flag.o", "Other configuration", FieldType::Bool, Base::None).mask(0x40);
    pub static RA_FLAG_H: FieldDef =
        FieldDef::new("icmpv6.nd.ra.flag.h", "Home Agent", FieldType::Bool, Base::None).mask(0x20);
    pub static RA_FLAG_PRF: FieldDef =
        FieldDef::new("icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", FieldType::U8, Base::Dec)
            .strings(super::RA_PRF)
            .mask(0x18);
    pub static RA_FLAG_P: FieldDef =
        FieldDef::new("icmpv6.nd.ra.flag.p", "Proxy", FieldType::Bool, Base::None).mask(0x04);
    pub static RA_FLAG_RSV: FieldDef =
        FieldDef::new("icmpv6.nd.ra.flag.rsv", "Reserved", FieldType::U8, Base::Dec).mask(0x03);
    pub static RA_ROUTER_LIFETIME: FieldDef =
        FieldDef::new("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", FieldType::U16, Base::Dec);
    pub static RA_REACHABLE_TIME: FieldDef =
        FieldDef::new("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", FieldType::U32, Base::Dec);
    pub static RA_RETRANS_TIMER: FieldDef =
        FieldDef::new("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", FieldType::U32, Base::Dec);
    pub static NS_TARGET: FieldDef =
        FieldDef::new("icmpv6.nd.ns.target_address", "Target Address", FieldType::Ipv6, Base::None);
    pub static NA_FLAG: FieldDef = FieldDef::new("icmpv6.nd.na.flag", "Flags", FieldType::U32, Base::Hex);
    pub static NA_FLAG_R: FieldDef =
        FieldDef::new("icmpv6.nd.na.flag.r", "Router", FieldType::Bool, Base::None).mask(0x8000_0000);
    pub static NA_FLAG_S: FieldDef =
        FieldDef::new("icmpv6.nd.na.flag.s", "Solicited", FieldType::Bool, Base::None).mask(0x4000_0000);
    pub static NA_FLAG_O: FieldDef =
        FieldDef::new("icmpv6.nd.na.flag.o", "Override", FieldType::Bool, Base::None).mask(0x2000_0000);
    pub static NA_FLAG_RSV: FieldDef =
        FieldDef::new("icmpv6.nd.na.flag.rsv", "Reserved", FieldType::U32, Base::Dec).mask(0x1fff_ffff);
    pub static NA_TARGET: FieldDef =
        FieldDef::new("icmpv6.nd.na.target_address", "Target Address", FieldType::Ipv6, Base::None);
    pub static RD_TARGET: FieldDef =
        FieldDef::new("icmpv6.nd.rd.target_address", "Target Address", FieldType::Ipv6, Base::None);
    pub static RD_DESTINATION: FieldDef =
        FieldDef::new("icmpv6.rd.na.destination_address", "Destination Address", FieldType::Ipv6, Base::None);
    pub static OPT: FieldDef = FieldDef::new("icmpv6.opt", "ICMPv6 Option", FieldType::None, Base::None);
    pub static OPT_TYPE: FieldDef =
        FieldDef::new("icmpv6.opt.type", "Type", FieldType::U8, Base::Dec).strings(super::V6_OPT_TYPES);
    pub static OPT_LENGTH: FieldDef = FieldDef::new("icmpv6.opt.length", "Length", FieldType::U8, Base::Dec);
    pub static OPT_RESERVED: FieldDef = FieldDef::new("icmpv6.opt.reserved", "Reserved", FieldType::None, Base::None);
    pub static OPT_LINKADDR: FieldDef =
        FieldDef::new("icmpv6.opt.linkaddr", "Link-layer address", FieldType::Bytes, Base::None);
    pub static OPT_SRC_LINKADDR: FieldDef =
        FieldDef::new("icmpv6.opt.src_linkaddr", "Source Link-layer address", FieldType::Bytes, Base::None);
    pub static OPT_TARGET_LINKADDR: FieldDef =
        FieldDef::new("icmpv6.opt.target_linkaddr", "Target Link-layer address", FieldType::Bytes, Base::None);
    pub static OPT_PREFIX_LENGTH: FieldDef =
        FieldDef::new("icmpv6.opt.prefix.length", "Prefix Length", FieldType::U8, Base::Dec);
    pub static OPT_PREFIX_FLAG: FieldDef = FieldDef::new("icmpv6.opt.prefix.flag", "Flag", FieldType::U8, Base::Hex);
    pub static OPT_PREFIX_FLAG_L: FieldDef =
        FieldDef::new("icmpv6.opt.prefix.flag.l", "On-link flag(L)", FieldType::Bool, Base::None).mask(0x80);
    pub static OPT_PREFIX_FLAG_A: FieldDef = FieldDef::new(
        "icmpv6.opt.prefix.flag.a",
        "Autonomous address-configuration flag(A)",
        FieldType::Bool,
        Base::None,
    )
    .mask(0x40);
    pub static OPT_PREFIX_FLAG_R: FieldDef =
        FieldDef::new("icmpv6.opt.prefix.flag.r", "Router address flag(R)", FieldType::Bool, Base::None).mask(0x20);
    pub static OPT_PREFIX_FLAG_RSV: FieldDef =
        FieldDef::new("icmpv6.opt.prefix.flag.reserved", "Reserved", FieldType::U8, Base::Dec).mask(0x1f);
    pub static OPT_PREFIX_VALID: FieldDef =
        FieldDef::new("icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", FieldType::U32, Base::Dec);
    pub static OPT_PREFIX_PREFERRED: FieldDef =
        FieldDef::new("icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", FieldType::U32, Base::Dec);
    pub static OPT_PREFIX: FieldDef = FieldDef::new("icmpv6.opt.prefix", "Prefix", FieldType::Ipv6, Base::None);
    pub static OPT_REDIRECTED_PACKET: FieldDef =
        FieldDef::new("icmpv6.opt.redirected_packet", "Redirected Packet", FieldType::None, Base::None);
    pub static OPT_MTU: FieldDef = FieldDef::new("icmpv6.opt.mtu", "MTU", FieldType::U32, Base::Dec);
    pub static OPT_ADV_INTERVAL: FieldDef =
        FieldDef::new("icmpv6.opt.advertisement_interval", "Advertisement Interval", FieldType::U32, Base::Dec);
    pub static OPT_NONCE: FieldDef = FieldDef::new("icmpv6.opt.nonce", "Nonce", FieldType::Bytes, Base::None);
    pub static OPT_RDNSS_LIFETIME: FieldDef =
        FieldDef::new("icmpv6.opt.rdnss.lifetime", "Lifetime", FieldType::U32, Base::Dec);
    pub static OPT_RDNSS: FieldDef =
        FieldDef::new("icmpv6.opt.rdnss", "Recursive DNS Servers", FieldType::Ipv6, Base::None);
    pub static OPT_DNSSL_LIFETIME: FieldDef =
        FieldDef::new("icmpv6.opt.dnssl.lifetime", "Lifetime", FieldType::U32, Base::Dec);
    pub static OPT_DNSSL: FieldDef = FieldDef::new("icmpv6.opt.dnssl", "Domain Names", FieldType::String, Base::None);
    pub static OPT_PADDING: FieldDef = FieldDef::new("icmpv6.opt.padding", "Padding", FieldType::None, Base::None);
    pub static INVALID_OPTION_LENGTH: FieldDef =
        FieldDef::new("icmpv6.invalid_option_length", "Invalid Option Length", FieldType::None, Base::None);
    pub static UNDECODED_OPTION: FieldDef =
        FieldDef::new("icmpv6.undecoded.option", "Undecoded option", FieldType::None, Base::None);
    pub static MLD_MRD: FieldDef =
        FieldDef::new("icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", FieldType::U16, Base::Dec);
    pub static MLD_MCAST: FieldDef =
        FieldDef::new("icmpv6.mld.multicast_address", "Multicast Address", FieldType::Ipv6, Base::None);
    pub static MLD_MRC: FieldDef =
        FieldDef::new("icmpv6.mld.maximum_response_code", "Maximum Response Code", FieldType::U16, Base::Dec);
    pub static MLD_FLAG: FieldDef = FieldDef::new("icmpv6.mld.flag", "Flags", FieldType::U8, Base::Hex);
    pub static MLD_FLAG_S: FieldDef =
        FieldDef::new("icmpv6.mld.flag.s", "Suppress Router-Side Processing", FieldType::Bool, Base::None).mask(0x08);
    pub static MLD_FLAG_QRV: FieldDef =
        FieldDef::new("icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", FieldType::U8, Base::Dec)
            .mask(0x07);
    pub static MLD_FLAG_RSV: FieldDef =
        FieldDef::new("icmpv6.mld.flag.reserved", "Reserved", FieldType::U8, Base::Dec).mask(0xf0);
    pub static MLD_QQI: FieldDef =
        FieldDef::new("icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", FieldType::U8, Base::Dec);
    pub static MLD_NB_SOURCES: FieldDef =
        FieldDef::new("icmpv6.mld.nb_sources", "Number of Sources", FieldType::U16, Base::Dec);
    pub static MLD_SOURCE: FieldDef =
        FieldDef::new("icmpv6.mld.source_address", "Source Address", FieldType::Ipv6, Base::None);
    pub static MLDR_NB_RECORDS: FieldDef =
        FieldDef::new("icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", FieldType::U16, Base::Dec);
    pub static MLDR_MAR: FieldDef =
        FieldDef::new("icmpv6.mldr.mar", "Multicast Address Record", FieldType::None, Base::None);
    pub static MLDR_RECORD_TYPE: FieldDef =
        FieldDef::new("icmpv6.mldr.mar.record_type", "Record Type", FieldType::U8, Base::Dec)
            .strings(super::MLDR_RECORD_TYPES);
    pub static MLDR_AUX_LEN: FieldDef =
        FieldDef::new("icmpv6.mldr.mar.aux_data_len", "Aux Data Len", FieldType::U8, Base::Dec);
    pub static MLDR_NB_SOURCES: FieldDef =
        FieldDef::new("icmpv6.mldr.mar.nb_sources", "Number of Sources", FieldType::U16, Base::Dec);
    pub static MLDR_MCAST: FieldDef =
        FieldDef::new("icmpv6.mldr.mar.multicast_address", "Multicast Address", FieldType::Ipv6, Base::None);
    pub static MLDR_SOURCE: FieldDef =
        FieldDef::new("icmpv6.mldr.mar.source_address", "Source Address", FieldType::Ipv6, Base::None);
    pub static MLDR_AUX: FieldDef =
        FieldDef::new("icmpv6.mldr.mar.auxiliary_data", "Auxiliary Data", FieldType::Bytes, Base::None);

    pub static ALL: &[&FieldDef] = &[
        &ICMP,
        &TYPE,
        &CODE,
        &CHECKSUM,
        &CHECKSUM_STATUS,
        &CHECKSUM_BAD,
        &UNUSED,
        &RESERVED,
        &IDENT,
        &IDENT_LE,
        &SEQ,
        &SEQ_LE,
        &MTU,
        &NUM_ADDRS,
        &ADDR_ENTRY_SIZE,
        &LIFETIME,
        &POINTER,
        &ROUTER_ADDRESS,
        &PREF_LEVEL,
        &ORIGINATE_TS,
        &RECEIVE_TS,
        &TRANSMIT_TS,
        &ADDRESS_MASK,
        &REDIR_GW,
        &LENGTH,
        &LENGTH_ORIGINAL,
        &RESP_TO,
        &RESPTIME,
        &DATA_TIME,
        &DATA_TIME_RELATIVE,
        &EXT_ECHO_SEQ,
        &EXT_ECHO_REQ_RES,
        &EXT_ECHO_REQ_LOCAL,
        &EXT_ECHO_RSP_STATE,
        &EXT_ECHO_RSP_RES,
        &EXT_ECHO_RSP_ACTIVE,
        &EXT_ECHO_RSP_IPV4,
        &EXT_ECHO_RSP_IPV6,
        &ICMPV6,
        &V6_TYPE,
        &V6_CODE,
        &V6_CHECKSUM,
        &V6_CHECKSUM_STATUS,
        &V6_CHECKSUM_BAD,
        &V6_RESERVED,
        &V6_DATA,
        &V6_UNDECODED_TYPE,
        &V6_LENGTH,
        &V6_MTU,
        &V6_POINTER,
        &V6_ECHO_ID,
        &V6_ECHO_SEQ,
        &V6_RESP_TO,
        &V6_RESPTIME,
        &RA_CUR_HOP_LIMIT,
        &RA_FLAG,
        &RA_FLAG_M,
        &RA_FLAG_O,
        &RA_FLAG_H,
        &RA_FLAG_PRF,
        &RA_FLAG_P,
        &RA_FLAG_RSV,
        &RA_ROUTER_LIFETIME,
        &RA_REACHABLE_TIME,
        &RA_RETRANS_TIMER,
        &NS_TARGET,
        &NA_FLAG,
        &NA_FLAG_R,
        &NA_FLAG_S,
        &NA_FLAG_O,
        &NA_FLAG_RSV,
        &NA_TARGET,
        &RD_TARGET,
        &RD_DESTINATION,
        &OPT,
        &OPT_TYPE,
        &OPT_LENGTH,
        &OPT_RESERVED,
        &OPT_LINKADDR,
        &OPT_SRC_LINKADDR,
        &OPT_TARGET_LINKADDR,
        &OPT_PREFIX_LENGTH,
        &OPT_PREFIX_FLAG,
        &OPT_PREFIX_FLAG_L,
        &OPT_PREFIX_FLAG_A,
        &OPT_PREFIX_FLAG_R,
        &OPT_PREFIX_FLAG_RSV,
        &OPT_PREFIX_VALID,
        &OPT_PREFIX_PREFERRED,
        &OPT_PREFIX,
        &OPT_REDIRECTED_PACKET,
        &OPT_MTU,
        &OPT_ADV_INTERVAL,
        &OPT_NONCE,
        &OPT_RDNSS_LIFETIME,
        &OPT_RDNSS,
        &OPT_DNSSL_LIFETIME,
        &OPT_DNSSL,
        &OPT_PADDING,
        &INVALID_OPTION_LENGTH,
        &UNDECODED_OPTION,
        &MLD_MRD,
        &MLD_MCAST,
        &MLD_MRC,
        &MLD_FLAG,
        &MLD_FLAG_S,
        &MLD_FLAG_QRV,
        &MLD_FLAG_RSV,
        &MLD_QQI,
        &MLD_NB_SOURCES,
        &MLD_SOURCE,
        &MLDR_NB_RECORDS,
        &MLDR_MAR,
        &MLDR_RECORD_TYPE,
        &MLDR_AUX_LEN,
        &MLDR_NB_SOURCES,
        &MLDR_MCAST,
        &MLDR_SOURCE,
        &MLDR_AUX,
    ];
}

pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

/// Echo requests remembered for matching replies, over all address pairs; the oldest go first.
pub const MAX_ECHO_REQUESTS: usize = 65_536;

type Time = (i64, u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct EchoKey {
    /// The two addresses, smaller first (a reply travels the other way).
    a: Option<IpAddr>,
    b: Option<IpAddr>,
    /// The request's checksum (a reply's is converted), then identifier << 16 | sequence.
    k0: u32,
    k1: u32,
}

#[derive(Debug, Clone, Copy)]
struct EchoRequest {
    frame: u64,
    ts: Time,
    answered: bool,
}

/// ICMP's state: whether a quoted datagram is being dissected, and the echo requests seen.
#[derive(Debug, Default)]
pub struct IcmpState {
    in_error: u32,
    echo: HashMap<EchoKey, EchoRequest>,
    order: VecDeque<EchoKey>,
}

impl IcmpState {
    /// The datagram being dissected is quoted inside an ICMP error: layers show its headers but
    /// must not treat it as traffic of its own (no reassembly, SEQ/ACK analysis or application).
    pub fn in_error(&self) -> bool {
        self.in_error > 0
    }

    fn request(&mut self, key: EchoKey, frame: u64, ts: Time) {
        if self.echo.insert(key, EchoRequest { frame, ts, answered: false }).is_none() {
            self.order.push_back(key);
        }
        while self.echo.len() > MAX_ECHO_REQUESTS {
            match self.order.pop_front() {
                Some(k) => {
                    self.echo.remove(&k);
                }
                None => break,
            }
        }
    }

    /// The request a reply answers, if it has not been answered yet.
    fn reply(&mut self, key: EchoKey) -> Option<EchoRequest> {
        let r = self.echo.get_mut(&key)?;
        if r.answered {
            return None;
        }
        r.answered = true;
        Some(*r)
    }
}

fn u8at(d: &[u8], o: usize) -> Option<u8> {
    d.get(o).copied()
}

fn be16(d: &[u8], o: usize) -> Option<u16> {
    d.get(o..o + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

fn be32(d: &[u8], o: usize) -> Option<u32> {
    d.get(o..o + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn v4at(d: &[u8], o: usize) -> Option<[u8; 4]> {
    d.get(o..o + 4).map(|s| [s[0], s[1], s[2], s[3]])
}

fn v6at(d: &[u8], o: usize) -> Option<[u8; 16]> {
    let s = d.get(o..o + 16)?;
    let mut a = [0u8; 16];
    a.copy_from_slice(s);
    Some(a)
}

/// Bytes as `aa:bb:cc`, as tshark prints link-layer addresses.
fn colon_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(":")
}

/// The ICMPv4 type's name, as tshark shows it.
fn v4_type_name(ty: u8, code: u8) -> &'static str {
    match ty {
        0 => "Echo (ping) reply",
        1 | 2 => "Reserved",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        6 => "Alternate host address",
        8 => "Echo (ping) request",
        9 if code == 0 || code == 16 => "Mobile IP Advertisement",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        19 => "Reserved (for security)",
        30 => "Traceroute",
        31 => "Datagram Conversion Error",
        32 => "Mobile Host Redirect",
        33 => "IPv6 Where-Are-You",
        34 => "IPv6 I-Am-Here",
        35 => "Mobile Registration Request",
        36 => "Mobile Registration Reply",
        37 => "Domain Name Request",
        38 => "Domain Name Reply",
        39 => "SKIP",
        40 => "Photuris",
        41 => "Experimental mobility protocols",
        42 => "Extended Echo request",
        43 => "Extended Echo reply",
        253 => "RFC3692-style Experiment 1",
        254 => "RFC3692-style Experiment 2",
        _ => "Unknown ICMP (obsolete or malformed?)",
    }
}

/// The code table of an ICMPv4 type (RFC 792, RFC 1812 §5.2.7.1, RFC 1256, RFC 8335), if any.
fn v4_code_table(ty: u8) -> Option<&'static [(u8, &'static str)]> {
    const UNREACH: &[(u8, &str)] = &[
        (0, "Network unreachable"),
        (1, "Host unreachable"),
        (2, "Protocol unreachable"),
        (3, "Port unreachable"),
        (4, "Fragmentation needed"),
        (5, "Source route failed"),
        (6, "Destination network unknown"),
        (7, "Destination host unknown"),
        (8, "Source host isolated"),
        (9, "Network administratively prohibited"),
        (10, "Host administratively prohibited"),
        (11, "Network unreachable for TOS"),
        (12, "Host unreachable for TOS"),
        (13, "Communication administratively filtered"),
        (14, "Host precedence violation"),
        (15, "Precedence cutoff in effect"),
    ];
    const REDIRECT: &[(u8, &str)] = &[
        (0, "Redirect for network"),
        (1, "Redirect for host"),
        (2, "Redirect for TOS and network"),
        (3, "Redirect for TOS and host"),
    ];
    const TIME_EXCEEDED: &[(u8, &str)] =
        &[(0, "Time to live exceeded in transit"), (1, "Fragment reassembly time exceeded")];
    const PARAM_PROBLEM: &[(u8, &str)] =
        &[(0, "Pointer indicates the error"), (1, "Required option missing"), (2, "Bad length")];
    const ROUTER_ADVERT: &[(u8, &str)] = &[(0, "Normal router advertisement"), (16, "Does not route common traffic")];
    const EXT_ECHO_REQUEST: &[(u8, &str)] = &[(0, "No error")];
    const EXT_ECHO_REPLY: &[(u8, &str)] = &[
        (0, "No error"),
        (1, "Malformed Query"),
        (2, "No Such Interface"),
        (3, "No Such Table Entry"),
        (4, "Multiple Interfaces Satisfy Query"),
    ];
    match ty {
        t4::UNREACH => Some(UNREACH),
        t4::REDIRECT => Some(REDIRECT),
        t4::TIME_EXCEEDED => Some(TIME_EXCEEDED),
        t4::PARAM_PROBLEM => Some(PARAM_PROBLEM),
        t4::ROUTER_ADVERT => Some(ROUTER_ADVERT),
        t4::EXT_ECHO => Some(EXT_ECHO_REQUEST),
        t4::EXT_ECHO_REPLY => Some(EXT_ECHO_REPLY),
        _ => None,
    }
}

/// The code table of an ICMPv6 error (RFC 4443 §3.1, §3.3, §3.4).
fn v6_code_table(ty: u8) -> Option<&'static [(u8, &'static str)]> {
    const UNREACH: &[(u8, &str)] = &[
        (0, "no route to destination"),
        (1, "Administratively prohibited"),
        (2, "beyond scope of source address"),
        (3, "Address unreachable"),
        (4, "Port unreachable"),
        (5, "Source address failed ingress/egress policy"),
        (6, "Reject route to destination"),
        (7, "Error in Source Routing Header"),
    ];
    const TIME_EXCEEDED: &[(u8, &str)] =
        &[(0, "hop limit exceeded in transit"), (1, "fragment reassembly time exceeded")];
    const PARAM_PROBLEM: &[(u8, &str)] = &[
        (0, "erroneous header field encountered"),
        (1, "unrecognized Next Header type encountered"),
        (2, "unrecognized IPv6 option encountered"),
        (3, "IPv6 First Fragment has incomplete IPv6 Header Chain"),
    ];
    match ty {
        t6::UNREACH => Some(UNREACH),
        t6::TIME_EXCEEDED => Some(TIME_EXCEEDED),
        t6::PARAM_PROBLEM => Some(PARAM_PROBLEM),
        _ => None,
    }
}

fn code_name(table: &[(u8, &'static str)], code: u8) -> String {
    match table.iter().find(|(c, _)| *c == code) {
        Some((_, n)) => (*n).to_string(),
        None => format!("Unknown code: {code}"),
    }
}

/// Seconds as tshark's `time_secs_to_str`: "30 minutes", "1 hour, 2 seconds".
fn secs_to_str(secs: u64) -> String {
    if secs == 0 {
        return "0 seconds".into();
    }
    let parts = [(secs / 86400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n} {u}{}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds as tshark's `time_msecs_to_str`: "1 second", "1 hour, 2.500 seconds".
fn msecs_to_str(ms: u32) -> String {
    let ms = u64::from(ms);
    let frac = ms % 1000;
    if frac == 0 {
        return secs_to_str(ms / 1000);
    }
    let secs = ms / 1000;
    let mut head = secs_to_str(secs - secs % 60);
    if secs < 60 {
        head.clear();
    }
    let tail = format!("{}.{frac:03} seconds", secs % 60);
    if head.is_empty() {
        tail
    } else {
        format!("{head}, {tail}")
    }
}

/// An absolute time as tshark shows it in UTC: "Nov 14, 2023 22:13:20.000000000 UTC".
fn abs_time_label(t: Time) -> String {
    const MON: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, m, d) = civil_from_days(t.0.div_euclid(86400));
    let s = t.0.rem_euclid(86400);
    let mon = MON.get((m as usize).saturating_sub(1)).copied().unwrap_or("???");
    format!("{mon} {d:2}, {y} {:02}:{:02}:{:02}.{:09} UTC", s / 3600, s / 60 % 60, s % 60, t.1)
}

fn time_diff(a: Time, b: Time) -> Time {
    let d = (i128::from(a.0) * 1_000_000_000 + i128::from(a.1)) - (i128::from(b.0) * 1_000_000_000 + i128::from(b.1));
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

/// Milliseconds as a double, as tshark prints it (`%.15g` precision).
fn msecs_f64(t: Time) -> f64 {
    let v = t.0 as f64 * 1000.0 + f64::from(t.1) / 1_000_000.0;
    format!("{v:.14e}").parse().unwrap_or(v)
}

/// The one's complement sum of two 16-bit words.
fn ones_add(a: u16, b: u16) -> u16 {
    let s = u32::from(a) + u32::from(b);
    ((s & 0xffff) + (s >> 16)) as u16
}

/// The key a request is stored under: the checksum its reply will have. The two differ only
/// in the type byte, by `diff` in the one's complement sum (tshark: `~0x0800` for ICMP).
fn reply_checksum(request_checksum: u16, diff: u16) -> u16 {
    !ones_add(!request_checksum, diff)
}

/// A reply's own key: its checksum, with 0xffff written as 0 (both mean zero).
fn reply_key(checksum: u16) -> u16 {
    if checksum == 0xffff {
        0
    } else {
        checksum
    }
}

fn echo_key(ctx: &Ctx, k0: u16, ident: u16, seq: u16) -> EchoKey {
    let (a, b) = match (ctx.addrs.src, ctx.addrs.dst) {
        (x, y) if x <= y => (x, y),
        (x, y) => (y, x),
    };
    EchoKey { a, b, k0: u32::from(k0), k1: u32::from(ident) << 16 | u32::from(seq) }
}

/// Add `def` with an integer value read from `t` at `off..off + n` (big-endian); false, with the
/// packet marked malformed, when the bytes are not there.
fn uint(ctx: &mut Ctx, t: Tvb, def: &'static FieldDef, off: usize, n: usize) -> Option<u64> {
    let Some(b) = t.data.get(off..off + n) else {
        truncated(ctx, t, off);
        return None;
    };
    let v = b.iter().fold(0u64, |a, &x| a << 8 | u64::from(x));
    ctx.tb.add_uint(def, t.span(off, off + n), v);
    Some(v)
}

/// Add a bytes field `a..b`; false (malformed) when the bytes are not there.
fn bytes_field(ctx: &mut Ctx, t: Tvb, def: &'static FieldDef, a: usize, b: usize) -> bool {
    match t.data.get(a..b) {
        Some(v) => {
            ctx.tb.add(def, t.span(a, b), Value::Bytes(v.to_vec()));
            true
        }
        None => {
            truncated(ctx, t, a);
            false
        }
    }
}

/// The RFC 4884 length byte (5) and the length it means.
fn length_fields(ctx: &mut Ctx, t: Tvb, len: u8) {
    ctx.tb.add_uint(&hf::LENGTH, t.span(5, 6), u64::from(len));
    ctx.tb.add_generated(&hf::LENGTH_ORIGINAL, t.span(5, 6), Value::UInt(u64::from(len) * 4));
}

fn truncated(ctx: &mut Ctx, t: Tvb, off: usize) {
    ctx.tb.malformed(format!("ICMP message cut short at offset {off} ({} bytes)", t.len()), t.from(off).all());
}

/// The checksum field and its status. Inside an error the quoted message is not verified, as
/// in tshark; ICMP's checksum covers the message (RFC 792), ICMPv6's a pseudo-header too
/// (RFC 4443 §2.3).
fn checksum_fields(ctx: &mut Ctx, t: Tvb, v6: bool) {
    let (def, status, bad) = if v6 {
        (&hf::V6_CHECKSUM, &hf::V6_CHECKSUM_STATUS, &hf::V6_CHECKSUM_BAD)
    } else {
        (&hf::CHECKSUM, &hf::CHECKSUM_STATUS, &hf::CHECKSUM_BAD)
    };
    let sum = be16(t.data, 2).unwrap_or(0);
    let csp = t.span(2, 4);
    let residual = if ctx.st.icmp.in_error() || ctx.st.ip.payload_truncated {
        None
    } else if v6 {
        match (ctx.addrs.src, ctx.addrs.dst) {
            (Some(s), Some(d)) => checksum::pseudo_header_checksum(s, d, 58, t.data),
            _ => None,
        }
    } else {
        Some(checksum::internet_checksum(t.data))
    };
    let tb = &mut ctx.tb;
    match residual {
        Some(0) => {
            tb.add_label(def, csp, Value::UInt(u64::from(sum)), format!("Checksum: 0x{sum:04x} [correct]"));
            tb.add_generated(status, csp, Value::UInt(checksum::STATUS_GOOD));
        }
        Some(r) => {
            let should = checksum::should_be(sum, r);
            tb.open_label(
                def,
                csp,
                Value::UInt(u64::from(sum)),
                format!("Checksum: 0x{sum:04x} incorrect, should be 0x{should:04x}"),
            );
            tb.expert_field(
                bad,
                Severity::Warning,
                Group::Checksum,
                format!("Bad checksum [should be 0x{should:04x}]"),
                csp,
            );
            tb.close();
            tb.add_generated(status, csp, Value::UInt(checksum::STATUS_BAD));
        }
        None => {
            tb.add_label(def, csp, Value::UInt(u64::from(sum)), format!("Checksum: 0x{sum:04x} [unverified]"));
            tb.add_generated(status, csp, Value::UInt(checksum::STATUS_UNVERIFIED));
        }
    }
}

/// Dissect the datagram quoted by an error (RFC 792: "Internet Header + 64 bits of Original
/// Data Datagram"; RFC 4443 §3: "As much of invoking packet as possible"), nested under the
/// ICMP item at top-level position `parent`.
fn quoted(ctx: &mut Ctx, parent: usize, t: Tvb, v6: bool) {
    if t.is_empty() {
        return;
    }
    if ctx.depth >= MAX_DEPTH {
        ctx.tb.expert(
            Severity::Warning,
            Group::Malformed,
            format!("ICMP errors nested deeper than {MAX_DEPTH} levels"),
            t.all(),
        );
        return;
    }
    let summary = ctx.tb.summary.clone();
    let addrs = ctx.addrs.clone();
    let truncated = ctx.st.ip.payload_truncated;
    let start = ctx.tb.top_len();
    ctx.st.icmp.in_error += 1;
    ctx.depth += 1;
    let version = t.data.first().map(|b| b >> 4);
    match version {
        Some(4) if t.len() < 20 || t.len() < usize::from(t.data[0] & 0x0f) * 4 || t.data[0] & 0x0f < 5 => {
            short_ipv4(ctx, t)
        }
        Some(6) if t.len() < 40 => short_ipv6(ctx, t),
        Some(4) => crate::net::ip::dissect_v4(ctx, t),
        Some(6) => crate::net::ip::dissect_v6(ctx, t),
        _ if v6 => crate::net::ip::dissect_v6(ctx, t),
        _ => crate::net::ip::dissect_v4(ctx, t),
    }
    ctx.depth -= 1;
    ctx.st.icmp.in_error -= 1;
    ctx.tb.summary = summary;
    ctx.addrs = addrs;
    ctx.st.ip.payload_truncated = truncated;
    // tshark shows what follows a quoted UDP header (its payload's layers) at the top.
    let end = ctx.tb.top_len();
    let cut = (start..end).find(|&i| ctx.tb.top_abbrev(i) == Some("udp")).map_or(end, |i| i + 1);
    ctx.tb.nest_tops(parent, start..cut);
}

/// A quoted IPv4 header cut short (RFC 792 asks for the whole header and 8 bytes), cut inside
/// its options, or with a bogus length: tshark shows the fixed fields that are there and does
/// not mark the packet malformed.
fn short_ipv4(ctx: &mut Ctx, t: Tvb) {
    use crate::net::ip::hf as ip;
    let d = t.data;
    let tb = &mut ctx.tb;
    tb.open_proto(&ip::IP, t.all(), Some(ip::IP.name.into()));
    let Some(&b0) = d.first() else { return };
    tb.add_uint(&ip::VERSION, t.span(0, 1), u64::from(b0 >> 4));
    let hl = usize::from(b0 & 0x0f) * 4;
    tb.add_label(&ip::HDR_LEN, t.span(0, 1), Value::UInt(hl as u64), format!("Header Length: {hl} bytes ({})", hl / 4));
    if hl < 20 {
        tb.expert(
            Severity::Error,
            Group::Protocol,
            format!("Bogus IP header length ({hl}, must be at least 20)"),
            t.span(0, 1),
        );
        return;
    }
    let Some(&tos) = d.get(1) else { return };
    tb.open(&ip::DSFIELD, t.span(1, 2), Value::UInt(u64::from(tos)));
    tb.add_uint(&ip::DSCP_F, t.span(1, 2), u64::from(tos >> 2));
    tb.add_uint(&ip::ECN_F, t.span(1, 2), u64::from(tos & 3));
    tb.close();
    let Some(len) = be16(d, 2) else { return };
    tb.add_uint(&ip::LEN, t.span(2, 4), u64::from(len));
    let Some(id) = be16(d, 4) else { return };
    tb.add_uint(&ip::ID, t.span(4, 6), u64::from(id));
    let Some(fl) = be16(d, 6) else { return };
    tb.open(&ip::FLAGS, t.span(6, 7), Value::UInt(u64::from(fl >> 13)));
    tb.add(&ip::FLAGS_RB, t.span(6, 7), Value::Bool(fl & 0x8000 != 0));
    tb.add(&ip::FLAGS_DF, t.span(6, 7), Value::Bool(fl & 0x4000 != 0));
    tb.add(&ip::FLAGS_MF, t.span(6, 7), Value::Bool(fl & 0x2000 != 0));
    tb.close();
    tb.add_uint(&ip::FRAG_OFFSET, t.span(6, 8), u64::from(fl & 0x1fff));
    let Some(&ttl) = d.get(8) else { return };
    tb.add_uint(&ip::TTL, t.span(8, 9), u64::from(ttl));
    let Some(&proto) = d.get(9) else { return };
    tb.add_uint(&ip::PROTO, t.span(9, 10), u64::from(proto));
    // The header checksum cannot be verified over a partial header.
    let Some(sum) = be16(d, 10) else { return };
    tb.add_uint(&ip::CHECKSUM, t.span(10, 12), u64::from(sum));
    tb.add_generated(&ip::CHECKSUM_STATUS, t.span(10, 12), Value::UInt(checksum::STATUS_UNVERIFIED));
    for (o, def, host) in [(12, &ip::SRC, &ip::SRC_HOST), (16, &ip::DST, &ip::DST_HOST)] {
        let Some(a) = v4at(d, o) else { return };
        let sp = t.span(o, o + 4);
        let text = std::net::Ipv4Addr::from(a).to_string();
        tb.add(def, sp, Value::Ipv4(a));
        tb.add_hidden(&ip::ADDR, sp, Value::Ipv4(a));
        tb.add_hidden(host, sp, Value::Str(text.clone()));
        tb.add_hidden(&ip::HOST, sp, Value::Str(text));
    }
}

/// A quoted IPv6 header cut short: tshark shows the fields that are there and an error expert,
/// but does not mark the packet malformed.
fn short_ipv6(ctx: &mut Ctx, t: Tvb) {
    use crate::net::ip::hf as ip;
    let d = t.data;
    let tb = &mut ctx.tb;
    tb.open_proto(&ip::IPV6, t.all(), Some(ip::IPV6.name.into()));
    let Some(&b0) = d.first() else { return };
    tb.add_uint(&ip::V6_VERSION, t.span(0, 1), u64::from(b0 >> 4));
    tb.add_hidden(&ip::VERSION, t.span(0, 1), Value::UInt(u64::from(b0 >> 4)));
    tb.expert(Severity::Error, Group::Malformed, "IPv6 header must be exactly 40 bytes", t.all());
    let Some(w0) = be32(d, 0) else { return };
    let tc = (w0 >> 20) & 0xff;
    tb.open(&ip::V6_TCLASS, t.span(0, 4), Value::UInt(u64::from(tc)));
    tb.add_uint(&ip::V6_DSCP, t.span(0, 4), u64::from(tc >> 2));
    tb.add_uint(&ip::V6_ECN, t.span(0, 4), u64::from(tc & 3));
    tb.close();
    tb.add_uint(&ip::V6_FLOW, t.span(1, 4), u64::from(w0 & 0xfffff));
    let Some(plen) = be16(d, 4) else { return };
    tb.add_uint(&ip::V6_PLEN, t.span(4, 6), u64::from(plen));
    let Some(&nxt) = d.get(6) else { return };
    tb.add_uint(&ip::V6_NXT, t.span(6, 7), u64::from(nxt));
    let Some(&hlim) = d.get(7) else { return };
    tb.add_uint(&ip::V6_HLIM, t.span(7, 8), u64::from(hlim));
    for (o, def, host) in [(8, &ip::V6_SRC, &ip::V6_SRC_HOST), (24, &ip::V6_DST, &ip::V6_DST_HOST)] {
        let Some(a) = v6at(d, o) else { return };
        let sp = t.span(o, o + 16);
        tb.add(def, sp, Value::Ipv6(a));
        tb.add_hidden(&ip::V6_ADDR, sp, Value::Ipv6(a));
        tb.add_hidden(host, sp, Value::Str(Ipv6Addr::from(a).to_string()));
        tb.add_hidden(&ip::V6_HOST, sp, Value::Str(Ipv6Addr::from(a).to_string()));
    }
}

/// Payload bytes shown as `data`, nested under the ICMP item like tshark's.
fn nested_data(ctx: &mut Ctx, parent: usize, t: Tvb) {
    let start = ctx.tb.top_len();
    data_layer(ctx, t);
    let end = ctx.tb.top_len();
    ctx.tb.nest_tops(parent, start..end);
}

/// Dissect an ICMPv4 message (the IP payload).
pub fn dissect_v4(ctx: &mut Ctx, t: Tvb) {
    let d = t.data;
    let inner = ctx.st.icmp.in_error();
    let ttl = ctx.st.ip.ttl;
    if !inner {
        ctx.tb.set_protocol_column("ICMP");
    }
    ctx.tb.open_proto(&hf::ICMP, t.all(), Some(hf::ICMP.name.into()));
    let parent = ctx.tb.top_len() - 1;
    // tshark reads the RFC 4884 length (byte 5) before showing anything.
    let (Some(ty), Some(code), Some(_)) = (u8at(d, 0), u8at(d, 1), u8at(d, 5)) else {
        truncated(ctx, t, 0);
        return;
    };
    let tname = v4_type_name(ty, code);
    let codes = v4_code_table(ty);
    let tb = &mut ctx.tb;
    tb.add_label(&hf::TYPE, t.span(0, 1), Value::UInt(u64::from(ty)), format!("Type: {ty} ({tname})"));
    let code_label = match codes {
        Some(c) => format!("Code: {code} ({})", code_name(c, code)),
        None => format!("Code: {code}"),
    };
    tb.add_label(&hf::CODE, t.span(1, 2), Value::UInt(u64::from(code)), code_label);
    checksum_fields(ctx, t, false);
    let mut info = match codes {
        Some(c) => format!("{tname:<20} ({})", code_name(c, code)),
        None => format!("{tname:<20}"),
    };
    if !inner {
        // Set now, so that a message cut short still says what it is.
        ctx.tb.set_info(info.clone());
    }
    match ty {
        t4::ECHO
        | t4::ECHO_REPLY
        | t4::TIMESTAMP
        | t4::TIMESTAMP_REPLY
        | t4::INFO_REQUEST
        | t4::INFO_REPLY
        | t4::MASK_REQUEST
        | t4::MASK_REPLY => {
            let Some(ident) = uint(ctx, t, &hf::IDENT, 4, 2) else { return };
            ctx.tb.add_uint(&hf::IDENT_LE, t.span(4, 6), u64::from((ident as u16).swap_bytes()));
            let Some(seq) = uint(ctx, t, &hf::SEQ, 6, 2) else { return };
            let (ident, seq) = (ident as u16, seq as u16);
            ctx.tb.add_uint(&hf::SEQ_LE, t.span(6, 8), u64::from(seq.swap_bytes()));
            info = format!("{tname:<20} id=0x{ident:04x}, seq={seq}/{}, ttl={ttl}", seq.swap_bytes());
            match ty {
                t4::ECHO | t4::ECHO_REPLY => {
                    if !inner {
                        let sum = be16(d, 2).unwrap_or(0);
                        if ty == t4::ECHO {
                            let key = echo_key(ctx, reply_checksum(sum, !0x0800), ident, seq);
                            ctx.st.icmp.request(key, ctx.frame_number, ctx.ts);
                        } else {
                            let key = echo_key(ctx, reply_key(sum), ident, seq);
                            if let Some(req) = ctx.st.icmp.reply(key) {
                                response(ctx, &hf::RESP_TO, &hf::RESPTIME, "Request frame", "Response time", req);
                                info.push_str(&format!(" (request in {})", req.frame));
                            }
                        }
                    }
                    let data = t.from(8);
                    let rest = data_time(ctx, data);
                    if !rest.is_empty() {
                        nested_data(ctx, parent, rest);
                    }
                }
                t4::TIMESTAMP | t4::TIMESTAMP_REPLY => {
                    for (i, def) in [&hf::ORIGINATE_TS, &hf::RECEIVE_TS, &hf::TRANSMIT_TS].into_iter().enumerate() {
                        let o = 8 + 4 * i;
                        let Some(v) = be32(d, o) else {
                            truncated(ctx, t, o);
                            return;
                        };
                        let label = format!("{}: {v} ({} after midnight UTC)", def.name, msecs_to_str(v));
                        ctx.tb.add_label(def, t.span(o, o + 4), Value::UInt(u64::from(v)), label);
                    }
                }
                t4::MASK_REQUEST | t4::MASK_REPLY => {
                    let Some(m) = v4at(d, 8) else {
                        truncated(ctx, t, 8);
                        return;
                    };
                    ctx.tb.add(&hf::ADDRESS_MASK, t.span(8, 12), Value::Ipv4(m));
                }
                _ => {}
            }
        }
        t4::UNREACH | t4::TIME_EXCEEDED | t4::PARAM_PROBLEM | t4::SOURCE_QUENCH | t4::REDIRECT => {
            // RFC 4884 §4.1: the length of the original datagram, in 32-bit words (tshark reads
            // byte 5 for every error but a Redirect, and shows it for these three).
            let len = if ty == t4::REDIRECT { 0 } else { d[5] };
            let shown = matches!(ty, t4::UNREACH | t4::TIME_EXCEEDED | t4::PARAM_PROBLEM) && len > 0;
            let ok = match ty {
                t4::UNREACH | t4::TIME_EXCEEDED if shown => {
                    bytes_field(ctx, t, &hf::UNUSED, 4, 5) && {
                        length_fields(ctx, t, len);
                        if ty == t4::UNREACH && code == 4 {
                            uint(ctx, t, &hf::MTU, 6, 2).is_some()
                        } else {
                            bytes_field(ctx, t, &hf::UNUSED, 6, 8)
                        }
                    }
                }
                t4::UNREACH if code == 4 => {
                    bytes_field(ctx, t, &hf::UNUSED, 4, 6) && uint(ctx, t, &hf::MTU, 6, 2).is_some()
                }
                t4::UNREACH | t4::TIME_EXCEEDED => bytes_field(ctx, t, &hf::UNUSED, 4, 8),
                t4::PARAM_PROBLEM => {
                    uint(ctx, t, &hf::POINTER, 4, 1).is_some()
                        && if shown {
                            length_fields(ctx, t, len);
                            bytes_field(ctx, t, &hf::UNUSED, 6, 8)
                        } else {
                            bytes_field(ctx, t, &hf::UNUSED, 5, 8)
                        }
                }
                t4::REDIRECT => match v4at(d, 4) {
                    Some(a) => {
                        ctx.tb.add(&hf::REDIR_GW, t.span(4, 8), Value::Ipv4(a));
                        true
                    }
                    None => {
                        truncated(ctx, t, 4);
                        false
                    }
                },
                _ => true,
            };
            if !ok {
                return;
            }
            // How much of the rest is the original datagram (tshark's rules): a Redirect quotes
            // the IP header and 64 bits (RFC 792); with an RFC 4884 length, that many words
            // after the IP header when the datagram was longer; otherwise everything.
            let ihl = usize::from(d.get(8).map_or(0, |b| b & 0x0f)) * 4;
            let orig_total = usize::from(be16(d, 10).unwrap_or(0));
            let words = usize::from(len) * 4;
            let n = if ty == t4::REDIRECT {
                ihl + 8
            } else if len > 0 && d.len() > 8 + words && orig_total > words {
                ihl + words
            } else {
                usize::MAX
            };
            let rest = t.from(8);
            quoted(ctx, parent, rest.sub(0, n), false);
        }
        t4::EXT_ECHO | t4::EXT_ECHO_REPLY => {
            // RFC 8335 §2, §3 (the extension structure that may follow is not shown).
            let Some(ident) = uint(ctx, t, &hf::IDENT, 4, 2) else { return };
            ctx.tb.add_uint(&hf::IDENT_LE, t.span(4, 6), u64::from((ident as u16).swap_bytes()));
            let Some(_) = uint(ctx, t, &hf::EXT_ECHO_SEQ, 6, 1) else { return };
            let Some(b) = u8at(d, 7) else {
                truncated(ctx, t, 7);
                return;
            };
            let sp = t.span(7, 8);
            let tb = &mut ctx.tb;
            if ty == t4::EXT_ECHO {
                tb.add_uint(&hf::EXT_ECHO_REQ_RES, sp, u64::from(b >> 1));
                tb.add(&hf::EXT_ECHO_REQ_LOCAL, sp, Value::Bool(b & 1 != 0));
            } else {
                tb.add_uint(&hf::EXT_ECHO_RSP_STATE, sp, u64::from(b >> 5));
                tb.add_uint(&hf::EXT_ECHO_RSP_RES, sp, u64::from((b >> 3) & 3));
                tb.add(&hf::EXT_ECHO_RSP_ACTIVE, sp, Value::Bool(b & 4 != 0));
                tb.add(&hf::EXT_ECHO_RSP_IPV4, sp, Value::Bool(b & 2 != 0));
                tb.add(&hf::EXT_ECHO_RSP_IPV6, sp, Value::Bool(b & 1 != 0));
            }
        }
        t4::ROUTER_ADVERT => {
            let Some(n) = uint(ctx, t, &hf::NUM_ADDRS, 4, 1) else { return };
            let Some(size) = uint(ctx, t, &hf::ADDR_ENTRY_SIZE, 5, 1) else { return };
            let Some(life) = be16(d, 6) else {
                truncated(ctx, t, 6);
                return;
            };
            ctx.tb.add_label(
                &hf::LIFETIME,
                t.span(6, 8),
                Value::UInt(u64::from(life)),
                format!("Lifetime: {life} ({})", secs_to_str(u64::from(life))),
            );
            if size == 2 {
                for i in 0..n as usize {
                    let o = 8 + 8 * i;
                    let (Some(a), Some(p)) = (v4at(d, o), be32(d, o + 4)) else {
                        truncated(ctx, t, o);
                        return;
                    };
                    ctx.tb.add(&hf::ROUTER_ADDRESS, t.span(o, o + 4), Value::Ipv4(a));
                    ctx.tb.add(&hf::PREF_LEVEL, t.span(o + 4, o + 8), Value::Int(i64::from(p as i32)));
                }
            }
        }
        _ => {}
    }
    if !inner {
        ctx.tb.set_info(info);
    }
}

/// `resp_to` and `resptime` of an echo reply.
fn response(
    ctx: &mut Ctx,
    to: &'static FieldDef,
    time: &'static FieldDef,
    to_name: &str,
    time_name: &str,
    r: EchoRequest,
) {
    let tb = &mut ctx.tb;
    let mut n = Node::new(to, Span::EMPTY, Value::UInt(r.frame));
    n.generated = true;
    n.label = Some(format!("{to_name}: {}", r.frame));
    tb.add_node(n);
    let dt = time_diff(ctx.ts, r.ts);
    let ms = msecs_f64(dt);
    let mut n = Node::new(time, Span::EMPTY, Value::Double(ms));
    n.generated = true;
    n.label = Some(format!("{time_name}: {ms:.3} ms"));
    tb.add_node(n);
}

/// tshark's guess at a timestamp ping put at the start of the echo data (a `struct timeval`,
/// seconds and microseconds in either byte order, within a day before the frame): shown as
/// `icmp.data_time`. Returns the data after it (or all of it).
fn data_time<'a>(ctx: &mut Ctx, data: Tvb<'a>) -> Tvb<'a> {
    let d = data.data;
    if d.len() < 8 {
        return data;
    }
    let now = ctx.ts;
    // tshark: `abs((int)(ts.secs - pinfo->abs_ts.secs)) < 3600 * 24`.
    let plausible =
        |secs: u32, usecs: u32| ((i64::from(secs) - now.0) as i32).unsigned_abs() < 3600 * 24 && usecs < 1_000_000;
    let (mut secs, mut usecs) = (be32(d, 0).unwrap_or(0), be32(d, 4).unwrap_or(0));
    if !plausible(secs, usecs) {
        secs = u32::from_le_bytes([d[0], d[1], d[2], d[3]]);
        usecs = u32::from_le_bytes([d[4], d[5], d[6], d[7]]);
    }
    if !plausible(secs, usecs) {
        return data;
    }
    let ts = (i64::from(secs), usecs * 1000);
    let sp = data.span(0, 8);
    // tshark shows this absolute time in UTC, also in `-T fields`.
    let text = abs_time_label(ts);
    ctx.tb.add_label(&hf::DATA_TIME, sp, Value::Str(text.clone()), format!("{}: {text}", hf::DATA_TIME.name));
    let rel = time_diff(now, ts);
    ctx.tb.add_generated(&hf::DATA_TIME_RELATIVE, sp, Value::Time { secs: rel.0, nanos: rel.1 });
    data.from(8)
}

/// Dissect an ICMPv6 message (the payload after the IPv6 headers).
pub fn dissect_v6(ctx: &mut Ctx, t: Tvb) {
    let d = t.data;
    let inner = ctx.st.icmp.in_error();
    let hlim = ctx.st.ip.ttl;
    if !inner {
        ctx.tb.set_protocol_column("ICMPv6");
    }
    ctx.tb.open_proto(&hf::ICMPV6, t.all(), Some(hf::ICMPV6.name.into()));
    let parent = ctx.tb.top_len() - 1;
    let Some(ty) = u8at(d, 0) else {
        truncated(ctx, t, 0);
        return;
    };
    ctx.tb.add_uint(&hf::V6_TYPE, t.span(0, 1), u64::from(ty));
    let Some(code) = u8at(d, 1) else {
        truncated(ctx, t, 1);
        return;
    };
    let codes = v6_code_table(ty);
    let code_label = match codes.map(|c| c.iter().find(|(k, _)| *k == code)) {
        Some(Some((_, n))) => format!("Code: {code} ({n})"),
        Some(None) => format!("Code: {code} (Unknown ({code}))"),
        None => format!("Code: {code}"),
    };
    ctx.tb.add_label(&hf::V6_CODE, t.span(1, 2), Value::UInt(u64::from(code)), code_label);
    if d.len() < 4 {
        truncated(ctx, t, 2);
        return;
    }
    checksum_fields(ctx, t, true);
    let tname = hf::V6_TYPE.string_of(u64::from(ty)).unwrap_or("Unknown");
    let mut info = match codes {
        Some(c) => format!("{tname} ({})", code_name(c, code)),
        None => tname.to_string(),
    };
    if !inner {
        ctx.tb.set_info(info.clone());
    }
    match ty {
        t6::UNREACH | t6::TIME_EXCEEDED | t6::PACKET_TOO_BIG | t6::PARAM_PROBLEM => {
            if d.len() < 8 {
                truncated(ctx, t, 4);
                return;
            }
            let tb = &mut ctx.tb;
            match ty {
                t6::PACKET_TOO_BIG => tb.add_uint(&hf::V6_MTU, t.span(4, 8), u64::from(be32(d, 4).unwrap_or(0))),
                t6::PARAM_PROBLEM => tb.add_uint(&hf::V6_POINTER, t.span(4, 8), u64::from(be32(d, 4).unwrap_or(0))),
                _ if d[4] != 0 => {
                    // RFC 4884 §4.2: the length of the original datagram, in 64-bit words.
                    tb.add_uint(&hf::V6_LENGTH, t.span(4, 5), u64::from(d[4]));
                    tb.add(&hf::V6_RESERVED, t.span(5, 8), Value::Bytes(d[5..8].to_vec()));
                }
                _ => tb.add(&hf::V6_RESERVED, t.span(4, 8), Value::Bytes(d[4..8].to_vec())),
            }
            quoted(ctx, parent, t.from(8), true);
        }
        t6::ECHO_REQUEST | t6::ECHO_REPLY => {
            let Some(ident) = uint(ctx, t, &hf::V6_ECHO_ID, 4, 2) else { return };
            let Some(seq) = uint(ctx, t, &hf::V6_ECHO_SEQ, 6, 2) else { return };
            let (ident, seq) = (ident as u16, seq as u16);
            info = format!("{tname} id=0x{ident:04x}, seq={seq}, hop limit={hlim}");
            if !inner {
                let sum = be16(d, 2).unwrap_or(0);
                if ty == t6::ECHO_REQUEST {
                    let key = echo_key(ctx, reply_checksum(sum, 0x0100), ident, seq);
                    ctx.st.icmp.request(key, ctx.frame_number, ctx.ts);
                } else {
                    let key = echo_key(ctx, reply_key(sum), ident, seq);
                    if let Some(req) = ctx.st.icmp.reply(key) {
                        response(ctx, &hf::V6_RESP_TO, &hf::V6_RESPTIME, "Response To", "Response Time", req);
                        info.push_str(&format!(" (request in {})", req.frame));
                    }
                }
            }
            nested_data(ctx, parent, t.from(8));
        }
        t6::ROUTER_SOLICIT => {
            if !reserved(ctx, t, 4, 8) {
                return;
            }
            if let Some(l) = nd_options(ctx, parent, t, 8) {
                info.push_str(&format!(" from {l}"));
            }
        }
        t6::ROUTER_ADVERT => {
            let Some(_) = uint(ctx, t, &hf::RA_CUR_HOP_LIMIT, 4, 1) else { return };
            let Some(f) = u8at(d, 5) else {
                truncated(ctx, t, 5);
                return;
            };
            ra_flags(ctx, t, f);
            let Some(_) = uint(ctx, t, &hf::RA_ROUTER_LIFETIME, 6, 2) else { return };
            let Some(_) = uint(ctx, t, &hf::RA_REACHABLE_TIME, 8, 4) else { return };
            let Some(_) = uint(ctx, t, &hf::RA_RETRANS_TIMER, 12, 4) else { return };
            if let Some(l) = nd_options(ctx, parent, t, 16) {
                info.push_str(&format!(" from {l}"));
            }
        }
        t6::NEIGHBOR_SOLICIT => {
            if !reserved(ctx, t, 4, 8) {
                return;
            }
            let Some(a) = v6at(d, 8) else {
                truncated(ctx, t, 8);
                return;
            };
            ctx.tb.add(&hf::NS_TARGET, t.span(8, 24), Value::Ipv6(a));
            info.push_str(&format!(" for {}", Ipv6Addr::from(a)));
            if let Some(l) = nd_options(ctx, parent, t, 24) {
                info.push_str(&format!(" from {l}"));
            }
        }
        t6::NEIGHBOR_ADVERT => {
            let Some(f) = be32(d, 4) else {
                truncated(ctx, t, 4);
                return;
            };
            na_flags(ctx, t, f);
            let Some(a) = v6at(d, 8) else {
                truncated(ctx, t, 8);
                return;
            };
            ctx.tb.add(&hf::NA_TARGET, t.span(8, 24), Value::Ipv6(a));
            let names: Vec<&str> = [(0x8000_0000u32, "rtr"), (0x4000_0000, "sol"), (0x2000_0000, "ovr")]
                .iter()
                .filter(|(m, _)| f & m != 0)
                .map(|(_, n)| *n)
                .collect();
            info.push_str(&format!(" {}", Ipv6Addr::from(a)));
            if !names.is_empty() {
                info.push_str(&format!(" ({})", names.join(", ")));
            }
            if let Some(l) = nd_options(ctx, parent, t, 24) {
                info.push_str(&format!(" is at {l}"));
            }
        }
        t6::REDIRECT => {
            if !reserved(ctx, t, 4, 8) {
                return;
            }
            let Some(target) = v6at(d, 8) else {
                truncated(ctx, t, 8);
                return;
            };
            ctx.tb.add(&hf::RD_TARGET, t.span(8, 24), Value::Ipv6(target));
            let Some(dest) = v6at(d, 24) else {
                truncated(ctx, t, 24);
                return;
            };
            ctx.tb.add(&hf::RD_DESTINATION, t.span(24, 40), Value::Ipv6(dest));
            nd_options(ctx, parent, t, 40);
        }
        t6::MLD_QUERY | t6::MLD_REPORT | t6::MLD_DONE => {
            let v2 = ty == t6::MLD_QUERY && d.len() >= 28;
            let Some(mr) = be16(d, 4) else {
                truncated(ctx, t, 4);
                return;
            };
            if v2 {
                // RFC 3810 §5.1.3: a code of 32768 or more is a floating-point value.
                let v = if mr < 0x8000 {
                    u64::from(mr)
                } else {
                    (u64::from(mr & 0x0fff) | 0x1000) << (((mr >> 12) & 7) + 3)
                };
                ctx.tb.add_uint(&hf::MLD_MRC, t.span(4, 6), v);
            } else {
                ctx.tb.add_uint(&hf::MLD_MRD, t.span(4, 6), u64::from(mr));
            }
            if !reserved(ctx, t, 6, 8) {
                return;
            }
            let Some(m) = v6at(d, 8) else {
                truncated(ctx, t, 8);
                return;
            };
            ctx.tb.add(&hf::MLD_MCAST, t.span(8, 24), Value::Ipv6(m));
            if v2 {
                mld_v2_query(ctx, t);
            }
        }
        t6::MLDV2_REPORT => {
            if !reserved(ctx, t, 4, 6) {
                return;
            }
            let Some(n) = uint(ctx, t, &hf::MLDR_NB_RECORDS, 6, 2) else { return };
            let mut o = 8;
            for _ in 0..n {
                let Some(next) = mld_record(ctx, t, o) else { return };
                o = next;
            }
        }
        _ => {
            let rest = t.from(4);
            ctx.tb.expert_field(
                &hf::V6_UNDECODED_TYPE,
                Severity::Note,
                Group::Undecoded,
                format!(
                    "Dissector for ICMPv6 Type ({ty}) code not implemented, Contact Wireshark developers if you want \
                     this supported"
                ),
                t.span(0, 1),
            );
            if !rest.is_empty() {
                ctx.tb.add(&hf::V6_DATA, rest.all(), Value::Bytes(rest.data.to_vec()));
            }
        }
    }
    if !inner {
        ctx.tb.set_info(info);
    }
}

/// A reserved field `off..end` shown as bytes; false (malformed) when cut short.
fn reserved(ctx: &mut Ctx, t: Tvb, off: usize, end: usize) -> bool {
    match t.data.get(off..end) {
        Some(b) => {
            ctx.tb.add(&hf::V6_RESERVED, t.span(off, end), Value::Bytes(b.to_vec()));
            true
        }
        None => {
            truncated(ctx, t, off);
            false
        }
    }
}

/// Router Advertisement flags (RFC 4861 §4.2, Prf RFC 4191 §2.2, Proxy RFC 4389 §4.1.3).
fn ra_flags(ctx: &mut Ctx, t: Tvb, f: u8) {
    let sp = t.span(5, 6);
    let mut names: Vec<String> = Vec::new();
    if f & 0x80 != 0 {
        names.push("Managed address configuration".into());
    }
    if f & 0x40 != 0 {
        names.push("Other configuration".into());
    }
    if f & 0x20 != 0 {
        names.push("Home Agent".into());
    }
    let prf = (f >> 3) & 3;
    names.push(format!("Prf (Default Router Preference): {}", RA_PRF[usize::from(prf)].1));
    if f & 0x04 != 0 {
        names.push("Proxy".into());
    }
    let tb = &mut ctx.tb;
    tb.open_label(&hf::RA_FLAG, sp, Value::UInt(u64::from(f)), format!("Flags: 0x{f:02x}, {}", names.join(", ")));
    tb.add(&hf::RA_FLAG_M, sp, Value::Bool(f & 0x80 != 0));
    tb.add(&hf::RA_FLAG_O, sp, Value::Bool(f & 0x40 != 0));
    tb.add(&hf::RA_FLAG_H, sp, Value::Bool(f & 0x20 != 0));
    tb.add_uint(&hf::RA_FLAG_PRF, sp, u64::from(prf));
    tb.add(&hf::RA_FLAG_P, sp, Value::Bool(f & 0x04 != 0));
    tb.add_uint(&hf::RA_FLAG_RSV, sp, u64::from(f & 3));
    tb.close();
}

/// Neighbor Advertisement flags (RFC 4861 §4.4).
fn na_flags(ctx: &mut Ctx, t: Tvb, f: u32) {
    let sp = t.span(4, 8);
    let names: Vec<&str> = [(0x8000_0000u32, "Router"), (0x4000_0000, "Solicited"), (0x2000_0000, "Override")]
        .iter()
        .filter(|(m, _)| f & m != 0)
        .map(|(_, n)| *n)
        .collect();
    let label =
        if names.is_empty() { format!("Flags: 0x{f:08x}") } else { format!("Flags: 0x{f:08x}, {}", names.join(", ")) };
    let tb = &mut ctx.tb;
    tb.open_label(&hf::NA_FLAG, sp, Value::UInt(u64::from(f)), label);
    tb.add(&hf::NA_FLAG_R, sp, Value::Bool(f & 0x8000_0000 != 0));
    tb.add(&hf::NA_FLAG_S, sp, Value::Bool(f & 0x4000_0000 != 0));
    tb.add(&hf::NA_FLAG_O, sp, Value::Bool(f & 0x2000_0000 != 0));
    tb.add_uint(&hf::NA_FLAG_RSV, sp, u64::from(f & 0x1fff_ffff));
    tb.close();
}

/// The MLDv2 part of a query (RFC 3810 §5.1).
fn mld_v2_query(ctx: &mut Ctx, t: Tvb) {
    let d = t.data;
    let Some(f) = u8at(d, 24) else { return };
    let sp = t.span(24, 25);
    let tb = &mut ctx.tb;
    let label = if f & 0x08 != 0 {
        format!("Flags: 0x{f:02x}, Suppress Router-Side Processing")
    } else {
        format!("Flags: 0x{f:02x}")
    };
    tb.open_label(&hf::MLD_FLAG, sp, Value::UInt(u64::from(f)), label);
    tb.add(&hf::MLD_FLAG_S, sp, Value::Bool(f & 0x08 != 0));
    tb.add_uint(&hf::MLD_FLAG_QRV, sp, u64::from(f & 7));
    tb.add_uint(&hf::MLD_FLAG_RSV, sp, u64::from(f >> 4));
    tb.close();
    let Some(q) = u8at(d, 25) else {
        truncated(ctx, t, 25);
        return;
    };
    // RFC 3810 §5.1.9: a code of 128 or more is a floating-point value.
    let qqi = if q < 0x80 { u64::from(q) } else { (u64::from(q & 0x0f) | 0x10) << (((q >> 4) & 7) + 3) };
    ctx.tb.add_uint(&hf::MLD_QQI, t.span(25, 26), qqi);
    let Some(n) = uint(ctx, t, &hf::MLD_NB_SOURCES, 26, 2) else { return };
    for i in 0..n as usize {
        let o = 28 + 16 * i;
        let Some(a) = v6at(d, o) else {
            truncated(ctx, t, o);
            return;
        };
        ctx.tb.add(&hf::MLD_SOURCE, t.span(o, o + 16), Value::Ipv6(a));
    }
}

/// One Multicast Address Record of an MLDv2 report (RFC 3810 §5.2.4); the offset after it.
fn mld_record(ctx: &mut Ctx, t: Tvb, o: usize) -> Option<usize> {
    let d = t.data;
    let (Some(rt), Some(aux), Some(ns), Some(m)) = (u8at(d, o), u8at(d, o + 1), be16(d, o + 2), v6at(d, o + 4)) else {
        truncated(ctx, t, o);
        return None;
    };
    let end = o + 20 + 16 * usize::from(ns) + 4 * usize::from(aux);
    let rname = hf::MLDR_RECORD_TYPE.string_of(u64::from(rt)).unwrap_or("Unknown");
    let tb = &mut ctx.tb;
    tb.open_label(
        &hf::MLDR_MAR,
        t.span(o, end),
        Value::None,
        format!("Multicast Address Record {rname}: {}", Ipv6Addr::from(m)),
    );
    tb.add_uint(&hf::MLDR_RECORD_TYPE, t.span(o, o + 1), u64::from(rt));
    tb.add_uint(&hf::MLDR_AUX_LEN, t.span(o + 1, o + 2), u64::from(aux));
    tb.add_uint(&hf::MLDR_NB_SOURCES, t.span(o + 2, o + 4), u64::from(ns));
    tb.add(&hf::MLDR_MCAST, t.span(o + 4, o + 20), Value::Ipv6(m));
    let mut p = o + 20;
    for _ in 0..ns {
        let Some(a) = v6at(d, p) else {
            ctx.tb.close();
            truncated(ctx, t, p);
            return None;
        };
        ctx.tb.add(&hf::MLDR_SOURCE, t.span(p, p + 16), Value::Ipv6(a));
        p += 16;
    }
    if aux > 0 {
        let Some(b) = d.get(p..p + 4 * usize::from(aux)) else {
            ctx.tb.close();
            truncated(ctx, t, p);
            return None;
        };
        ctx.tb.add(&hf::MLDR_AUX, t.span(p, p + b.len()), Value::Bytes(b.to_vec()));
    }
    ctx.tb.close();
    Some(end)
}

/// Neighbor Discovery options from `off` (RFC 4861 §4.6: type, length in units of 8 octets);
/// returns the source or target link-layer address, for the summary.
fn nd_options(ctx: &mut Ctx, mut parent: usize, t: Tvb, mut off: usize) -> Option<String> {
    let d = t.data;
    let mut lladdr = None;
    while off < d.len() {
        let (Some(ty), Some(len)) = (u8at(d, off), u8at(d, off + 1)) else {
            truncated(ctx, t, off);
            return lladdr;
        };
        let olen = usize::from(len) * 8;
        let name = hf::OPT_TYPE.string_of(u64::from(ty)).unwrap_or("Unknown");
        // The option as far as it was captured; a field past the end marks the packet
        // malformed after the fields before it are shown, as tshark does.
        let end = (off + olen).min(d.len());
        let o = t.sub(off, end);
        ctx.tb.open_label(&hf::OPT, o.all(), Value::None, format!("ICMPv6 Option ({name}"));
        ctx.tb.add_uint(&hf::OPT_TYPE, o.span(0, 1), u64::from(ty));
        ctx.tb.add_label(
            &hf::OPT_LENGTH,
            o.span(1, 2),
            Value::UInt(u64::from(len)),
            format!("Length: {len} ({olen} bytes)"),
        );
        if len == 0 {
            ctx.tb.expert_field(
                &hf::INVALID_OPTION_LENGTH,
                Severity::Error,
                Group::Malformed,
                "Invalid option length (Zero)",
                o.span(1, 2),
            );
            ctx.tb.close();
            return lladdr;
        }
        let v = o.data;
        // `Err(at)`: the option is cut short at `at`.
        let label: Result<Option<String>, usize> = match ty {
            nd_opt::SRC_LINKADDR | nd_opt::TARGET_LINKADDR => {
                let want = olen - 2;
                // Ethernet addresses fill 6 of the octets (RFC 2464 §6), the rest is padding.
                let n = if want == 6 || v.get(8..olen).is_some_and(|r| r.iter().all(|&x| x == 0)) { 6 } else { want };
                match v.get(2..2 + n) {
                    Some(a) => {
                        let s = colon_hex(a);
                        ctx.tb.add_label(
                            &hf::OPT_LINKADDR,
                            o.span(2, 2 + n),
                            Value::Str(s.clone()),
                            format!("Link-layer address: {s} ({s})"),
                        );
                        let which =
                            if ty == nd_opt::SRC_LINKADDR { &hf::OPT_SRC_LINKADDR } else { &hf::OPT_TARGET_LINKADDR };
                        ctx.tb.add_hidden(which, o.span(2, 2 + n), Value::Str(s.clone()));
                        if 2 + n < olen {
                            ctx.tb.add(&hf::OPT_PADDING, o.span(2 + n, olen), Value::None);
                        }
                        lladdr.get_or_insert(s.clone());
                        Ok(Some(format!("ICMPv6 Option ({name} : {s})")))
                    }
                    None => Err(2),
                }
            }
            nd_opt::PREFIX_INFO => prefix_option(ctx, o, name),
            nd_opt::REDIRECTED_HEADER => {
                ctx.tb.add(&hf::OPT_RESERVED, o.span(2, 8), Value::None);
                ctx.tb.add(&hf::OPT_REDIRECTED_PACKET, o.span(8, v.len()), Value::None);
                // The redirected packet (tshark shows it inside the option; here it follows
                // the option inside the ICMPv6 item), then the ICMPv6 item goes on.
                let sub = o.from(8);
                if v.len() < 8 {
                    Err(v.len())
                } else if !sub.is_empty() {
                    ctx.tb.close_to(0);
                    quoted(ctx, parent, sub, true);
                    ctx.tb.reopen_proto(&hf::ICMPV6, t.all(), Some(hf::ICMPV6.name.into()));
                    parent = ctx.tb.top_len() - 1;
                    if end < off + olen {
                        truncated(ctx, t, end);
                        return lladdr;
                    }
                    off += olen;
                    continue;
                } else {
                    Ok(None)
                }
            }
            nd_opt::MTU => {
                ctx.tb.add(&hf::OPT_RESERVED, o.span(2, 4), Value::None);
                match be32(v, 4) {
                    Some(m) => {
                        ctx.tb.add_uint(&hf::OPT_MTU, o.span(4, 8), u64::from(m));
                        Ok(Some(format!("ICMPv6 Option ({name} : {m})")))
                    }
                    None => Err(4),
                }
            }
            nd_opt::ADV_INTERVAL => {
                ctx.tb.add(&hf::OPT_RESERVED, o.span(2, 4), Value::None);
                match be32(v, 4) {
                    Some(m) => {
                        ctx.tb.add_uint(&hf::OPT_ADV_INTERVAL, o.span(4, 8), u64::from(m));
                        Ok(Some(format!("ICMPv6 Option ({name} : {m})")))
                    }
                    None => Err(4),
                }
            }
            nd_opt::NONCE => match v.get(2..olen) {
                Some(b) => {
                    ctx.tb.add(&hf::OPT_NONCE, o.span(2, olen), Value::Bytes(b.to_vec()));
                    Ok(None)
                }
                None => Err(2),
            },
            nd_opt::RDNSS => {
                ctx.tb.add(&hf::OPT_RESERVED, o.span(2, 4), Value::None);
                match be32(v, 4) {
                    None => Err(4),
                    Some(l) => {
                        ctx.tb.add_uint(&hf::OPT_RDNSS_LIFETIME, o.span(4, 8), u64::from(l));
                        let mut servers = Vec::new();
                        let mut p = 8;
                        let mut cut = None;
                        while p < olen {
                            let Some(a) = v6at(v, p) else {
                                cut = Some(p);
                                break;
                            };
                            ctx.tb.add(&hf::OPT_RDNSS, o.span(p, p + 16), Value::Ipv6(a));
                            servers.push(Ipv6Addr::from(a).to_string());
                            p += 16;
                        }
                        match cut {
                            Some(p) => Err(p),
                            None => Ok(Some(format!("ICMPv6 Option ({name} {})", servers.join(" ")))),
                        }
                    }
                }
            }
            nd_opt::DNSSL => {
                ctx.tb.add(&hf::OPT_RESERVED, o.span(2, 4), Value::None);
                match be32(v, 4) {
                    None => Err(4),
                    Some(l) => {
                        ctx.tb.add_uint(&hf::OPT_DNSSL_LIFETIME, o.span(4, 8), u64::from(l));
                        let mut p = 8;
                        let mut names = Vec::new();
                        while p < v.len() && v[p] != 0 {
                            let (name, next) = dns_name(v, p);
                            ctx.tb.add(&hf::OPT_DNSSL, o.span(p, next), Value::Str(name.clone()));
                            names.push(name);
                            p = next;
                        }
                        if p < v.len() {
                            ctx.tb.add(&hf::OPT_PADDING, o.span(p, v.len()), Value::None);
                        }
                        Ok(Some(format!("ICMPv6 Option ({name} {})", names.join(" "))))
                    }
                }
            }
            _ => {
                ctx.tb.expert_field(
                    &hf::UNDECODED_OPTION,
                    Severity::Note,
                    Group::Undecoded,
                    format!(
                        "Dissector for ICMPv6 Option ({ty}) code not implemented, Contact Wireshark developers if \
                         you want this supported"
                    ),
                    o.span(0, 1),
                );
                Ok(None)
            }
        };
        match label {
            Ok(l) => {
                ctx.tb.set_label(l.unwrap_or_else(|| format!("ICMPv6 Option ({name})")));
                ctx.tb.close();
            }
            Err(at) => {
                ctx.tb.close();
                truncated(ctx, t, off + at);
                return lladdr;
            }
        }
        if end < off + olen {
            truncated(ctx, t, end);
            return lladdr;
        }
        off += olen;
    }
    lladdr
}

/// The Prefix Information option (RFC 4861 §4.6.2), as far as it was captured.
fn prefix_option(ctx: &mut Ctx, o: Tvb, name: &str) -> Result<Option<String>, usize> {
    let v = o.data;
    let tb = &mut ctx.tb;
    let plen = *v.get(2).ok_or(2usize)?;
    tb.add_uint(&hf::OPT_PREFIX_LENGTH, o.span(2, 3), u64::from(plen));
    let f = *v.get(3).ok_or(3usize)?;
    let mut names = Vec::new();
    if f & 0x80 != 0 {
        names.push("On-link flag(L)");
    }
    if f & 0x40 != 0 {
        names.push("Autonomous address-configuration flag(A)");
    }
    if f & 0x20 != 0 {
        names.push("Router address flag(R)");
    }
    let fl =
        if names.is_empty() { format!("Flag: 0x{f:02x}") } else { format!("Flag: 0x{f:02x}, {}", names.join(", ")) };
    let fsp = o.span(3, 4);
    tb.open_label(&hf::OPT_PREFIX_FLAG, fsp, Value::UInt(u64::from(f)), fl);
    tb.add(&hf::OPT_PREFIX_FLAG_L, fsp, Value::Bool(f & 0x80 != 0));
    tb.add(&hf::OPT_PREFIX_FLAG_A, fsp, Value::Bool(f & 0x40 != 0));
    tb.add(&hf::OPT_PREFIX_FLAG_R, fsp, Value::Bool(f & 0x20 != 0));
    tb.add_uint(&hf::OPT_PREFIX_FLAG_RSV, fsp, u64::from(f & 0x1f));
    tb.close();
    tb.add_uint(&hf::OPT_PREFIX_VALID, o.span(4, 8), u64::from(be32(v, 4).ok_or(4usize)?));
    tb.add_uint(&hf::OPT_PREFIX_PREFERRED, o.span(8, 12), u64::from(be32(v, 8).ok_or(8usize)?));
    be32(v, 12).ok_or(12usize)?;
    tb.add(&hf::OPT_RESERVED, o.span(12, 16), Value::None);
    let p = v6at(v, 16).ok_or(16usize)?;
    tb.add(&hf::OPT_PREFIX, o.span(16, 32), Value::Ipv6(p));
    Ok(Some(format!("ICMPv6 Option ({name} : {}/{plen})", Ipv6Addr::from(p))))
}

/// A DNS name in uncompressed wire form (RFC 1035 §3.1) at `p`: the dotted name and the
/// offset after it (bounded by `v`).
fn dns_name(v: &[u8], mut p: usize) -> (String, usize) {
    let mut labels = Vec::new();
    while let Some(&l) = v.get(p) {
        p += 1;
        if l == 0 {
            break;
        }
        let end = (p + usize::from(l)).min(v.len());
        labels.push(String::from_utf8_lossy(&v[p..end]).into_owned());
        p = end;
    }
    (labels.join("."), p)
}

#[cfg(test)]
mod tshark_cases;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_strings_like_tshark() {
        assert_eq!(secs_to_str(1800), "30 minutes");
        assert_eq!(secs_to_str(3601), "1 hour, 1 second");
        assert_eq!(secs_to_str(0), "0 seconds");
        assert_eq!(msecs_to_str(1000), "1 second");
        assert_eq!(msecs_to_str(0), "0 seconds");
        assert_eq!(abs_time_label((1_700_000_000, 5)), "Nov 14, 2023 22:13:20.000000005 UTC");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn request_checksum_converts_to_the_reply_one() {
        // From tshark-matched pairs: ICMP request 0x90bf / reply 0x98bf; ICMPv6 0xca82 / 0xc982.
        assert_eq!(reply_checksum(0x90bf, !0x0800), 0x98bf);
        assert_eq!(reply_checksum(0xca82, 0x0100), 0xc982);
        assert_eq!(reply_key(0xffff), 0);
    }

    #[test]
    fn echo_table_is_bounded_and_answers_once() {
        let mut s = IcmpState::default();
        let k = |i: u32| EchoKey { a: None, b: None, k0: i, k1: 0 };
        for i in 0..(MAX_ECHO_REQUESTS as u32 + 10) {
            s.request(k(i), u64::from(i), (0, 0));
        }
        assert_eq!(s.echo.len(), MAX_ECHO_REQUESTS);
        assert!(s.reply(k(0)).is_none(), "the oldest was forgotten");
        let last = MAX_ECHO_REQUESTS as u32 + 9;
        assert_eq!(s.reply(k(last)).map(|r| r.frame), Some(u64::from(last)));
        assert!(s.reply(k(last)).is_none(), "answered once");
    }
}
