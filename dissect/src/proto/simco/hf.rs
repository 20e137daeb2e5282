//! Field definitions of the `simco` layer. tshark has no SIMCO dissector, so the names are the
//! suite's (DESIGN.md conventions): the header after RFC 4540 §4.2, the attributes after §4.3,
//! the conversation fields after tshark's request/response pairs (`*.response_in`,
//! `*.response_to`, `*.time`).

use super::wire::{
    capflag, mb, ATTR_NAMES, BASIC_NAMES, DIRECTION_NAMES, IP_SUPPORT_NAMES, LOCATION_NAMES, NAT_MODE_NAMES,
    PER_PARITY_NAMES, PRR_IP_NAMES, PRR_PARITY_NAMES, TUPLE_IP_NAMES, TUPLE_KIND_NAMES, TYPE_NAMES,
};
use crate::tree::{Base, FieldDef, FieldType};

pub static SIMCO: FieldDef = FieldDef::proto("simco", "Simple Middlebox Configuration Protocol");
pub static BASIC_TYPE: FieldDef =
    FieldDef::new("simco.basic_type", "Basic Type", FieldType::U8, Base::Hex).strings(BASIC_NAMES);
pub static SUB_TYPE: FieldDef = FieldDef::new("simco.sub_type", "Sub-Type", FieldType::U8, Base::Hex)
    .blurb("Numbered per basic type: requests and positive replies, negative replies, notifications (§4.2.2-4)");
pub static TYPE: FieldDef = FieldDef::new("simco.type", "Message Type", FieldType::U16, Base::Hex)
    .strings(TYPE_NAMES)
    .blurb("Basic type and sub-type together, as §5 writes them");
pub static LENGTH: FieldDef = FieldDef::new("simco.length", "Message Length", FieldType::U16, Base::Dec)
    .blurb("Payload octets, the 8-byte header excluded (§4.2)");
pub static TID: FieldDef = FieldDef::new("simco.tid", "Transaction Identifier", FieldType::U32, Base::HexDec);

pub static ATTR: FieldDef = FieldDef::new("simco.attr", "Attribute", FieldType::None, Base::None);
pub static ATTR_TYPE: FieldDef =
    FieldDef::new("simco.attr.type", "Attribute Type", FieldType::U16, Base::Hex).strings(ATTR_NAMES);
pub static ATTR_LENGTH: FieldDef = FieldDef::new("simco.attr.length", "Attribute Length", FieldType::U16, Base::Dec)
    .blurb("Value octets (§4.3); no padding follows (S1)");
pub static ATTR_VALUE: FieldDef = FieldDef::new("simco.attr.value", "Value", FieldType::Bytes, Base::None)
    .blurb("Value of an unknown attribute, or of one with an impossible length");

pub static VERSION: FieldDef = FieldDef::new("simco.version", "Protocol Version", FieldType::U16, Base::Hex)
    .blurb("Major and minor version bytes (§4.3.1: 3.0)");
pub static VERSION_MAJOR: FieldDef = FieldDef::new("simco.version.major", "Major Version", FieldType::U8, Base::Dec);
pub static VERSION_MINOR: FieldDef = FieldDef::new("simco.version.minor", "Minor Version", FieldType::U8, Base::Dec);
pub static RESERVED: FieldDef = FieldDef::new("simco.reserved", "Reserved", FieldType::U16, Base::Hex);
pub static AUTH_CHALLENGE: FieldDef =
    FieldDef::new("simco.auth.challenge", "Authentication Challenge", FieldType::Bytes, Base::None);
pub static AUTH_TOKEN: FieldDef =
    FieldDef::new("simco.auth.token", "Authentication Token", FieldType::Bytes, Base::None);

pub static CAPS_MB_TYPE: FieldDef = FieldDef::new("simco.caps.mb_type", "MB Type", FieldType::U8, Base::Hex);
pub static CAPS_FIREWALL: FieldDef =
    FieldDef::new("simco.caps.mb_type.firewall", "Packet filter firewall", FieldType::Bool, Base::None)
        .mask(mb::FIREWALL as u64);
pub static CAPS_NAT: FieldDef =
    FieldDef::new("simco.caps.mb_type.nat", "Network address translator", FieldType::Bool, Base::None)
        .mask(mb::NAT as u64);
pub static CAPS_PDR: FieldDef =
    FieldDef::new("simco.caps.mb_type.pdr", "Support of PDR transaction", FieldType::Bool, Base::None)
        .mask(mb::PDR as u64);
pub static CAPS_TWICE_NAT: FieldDef =
    FieldDef::new("simco.caps.mb_type.twice_nat", "Twice NAT support", FieldType::Bool, Base::None)
        .mask(mb::TWICE_NAT as u64);
pub static CAPS_PROTO_TRANS: FieldDef =
    FieldDef::new("simco.caps.mb_type.protocol_translation", "Protocol translation", FieldType::Bool, Base::None)
        .mask(mb::PROTOCOL_TRANSLATION as u64);
pub static CAPS_PORT_TRANS: FieldDef =
    FieldDef::new("simco.caps.mb_type.port_translation", "Port translation", FieldType::Bool, Base::None)
        .mask(mb::PORT_TRANSLATION as u64);
pub static CAPS_FLAGS: FieldDef = FieldDef::new("simco.caps.flags", "Flags", FieldType::U8, Base::Hex);
pub static CAPS_I: FieldDef =
    FieldDef::new("simco.caps.i", "Internal IP address wildcard support", FieldType::Bool, Base::None)
        .mask(capflag::I as u64);
pub static CAPS_E: FieldDef =
    FieldDef::new("simco.caps.e", "External IP address wildcard support", FieldType::Bool, Base::None)
        .mask(capflag::E as u64);
pub static CAPS_P: FieldDef =
    FieldDef::new("simco.caps.p", "Port wildcard support", FieldType::Bool, Base::None).mask(capflag::P as u64);
pub static CAPS_S: FieldDef =
    FieldDef::new("simco.caps.s", "Persistent storage of policy rules", FieldType::Bool, Base::None)
        .mask(capflag::S as u64);
pub static CAPS_IIV: FieldDef = FieldDef::new("simco.caps.iiv", "Internal IP version", FieldType::U8, Base::Dec)
    .strings(IP_SUPPORT_NAMES)
    .mask(capflag::IIV as u64);
pub static CAPS_EIV: FieldDef = FieldDef::new("simco.caps.eiv", "External IP version", FieldType::U8, Base::Dec)
    .strings(IP_SUPPORT_NAMES)
    .mask(capflag::EIV as u64);
pub static CAPS_MAX_LIFETIME: FieldDef =
    FieldDef::new("simco.caps.max_lifetime", "Max Policy Rule Lifetime", FieldType::U32, Base::Dec)
        .blurb("Seconds (§4.3.3)");

pub static PID: FieldDef = FieldDef::new("simco.pid", "Policy Rule Identifier", FieldType::U32, Base::Dec);
pub static GID: FieldDef = FieldDef::new("simco.gid", "Group Identifier", FieldType::U32, Base::Dec);
pub static LIFETIME: FieldDef = FieldDef::new("simco.lifetime", "Policy Rule Lifetime", FieldType::U32, Base::Dec)
    .blurb("Requested or remaining lifetime in seconds (§4.3.6)");
pub static OWNER: FieldDef = FieldDef::new("simco.owner", "Policy Rule Owner", FieldType::String, Base::None);

pub static ADDR: FieldDef = FieldDef::new("simco.addr", "Address Tuple", FieldType::None, Base::None);
pub static ADDR_ROLE: FieldDef = FieldDef::new("simco.addr.role", "Role", FieldType::String, Base::None)
    .blurb("Which tuple of the message this is, by its position (§5.3: internal, external, inside, outside)");
pub static ADDR_TYPE: FieldDef =
    FieldDef::new("simco.addr.type", "Type", FieldType::U8, Base::Dec).strings(TUPLE_KIND_NAMES).mask(0xf0);
pub static ADDR_IP_VERSION: FieldDef =
    FieldDef::new("simco.addr.ip_version", "IP Version", FieldType::U8, Base::Dec).strings(TUPLE_IP_NAMES).mask(0x0f);
pub static ADDR_PREFIX: FieldDef = FieldDef::new("simco.addr.prefix_len", "Prefix Length", FieldType::U8, Base::Dec);
pub static ADDR_PROTOCOL: FieldDef =
    FieldDef::new("simco.addr.protocol", "Transport Protocol", FieldType::U8, Base::Dec);
pub static ADDR_LOCATION: FieldDef =
    FieldDef::new("simco.addr.location", "Location", FieldType::U8, Base::Dec).strings(LOCATION_NAMES);
pub static ADDR_PORT: FieldDef =
    FieldDef::new("simco.addr.port", "Port Number", FieldType::U16, Base::Dec).blurb("0: wildcarded (§4.3.8)");
pub static ADDR_PORT_RANGE: FieldDef = FieldDef::new("simco.addr.port_range", "Port Range", FieldType::U16, Base::Dec);
pub static ADDR_IP: FieldDef = FieldDef::new("simco.addr.ip", "IPv4 Address", FieldType::Ipv4, Base::None);
pub static ADDR_IPV6: FieldDef = FieldDef::new("simco.addr.ipv6", "IPv6 Address", FieldType::Ipv6, Base::None);

pub static PRR_NAT_MODE: FieldDef =
    FieldDef::new("simco.prr.nat_mode", "NAT Mode (NM)", FieldType::U8, Base::Dec).strings(NAT_MODE_NAMES).mask(0xc0);
pub static PRR_PARITY: FieldDef = FieldDef::new("simco.prr.parity", "Port Parity (PP)", FieldType::U8, Base::Dec)
    .strings(PRR_PARITY_NAMES)
    .mask(0x30);
pub static PRR_IP_INSIDE: FieldDef =
    FieldDef::new("simco.prr.ip_inside", "Inside IP Version (IPi)", FieldType::U8, Base::Dec)
        .strings(PRR_IP_NAMES)
        .mask(0x0c);
pub static PRR_IP_OUTSIDE: FieldDef =
    FieldDef::new("simco.prr.ip_outside", "Outside IP Version (IPo)", FieldType::U8, Base::Dec)
        .strings(PRR_IP_NAMES)
        .mask(0x03);
pub static PRR_PROTOCOL: FieldDef = FieldDef::new("simco.prr.protocol", "Transport Protocol", FieldType::U8, Base::Dec);
pub static PRR_PORT_RANGE: FieldDef = FieldDef::new("simco.prr.port_range", "Port Range", FieldType::U16, Base::Dec)
    .blurb("0xFFFF: all ports; 0 is invalid (§4.3.9)");
pub static PER_PARITY: FieldDef =
    FieldDef::new("simco.per.parity", "Port Parity", FieldType::U8, Base::Dec).strings(PER_PARITY_NAMES);
pub static PER_DIRECTION: FieldDef =
    FieldDef::new("simco.per.direction", "Direction", FieldType::U8, Base::Dec).strings(DIRECTION_NAMES);

pub static TRAILING: FieldDef = FieldDef::new("simco.trailing", "Trailing Bytes", FieldType::Bytes, Base::None)
    .blurb("Payload bytes too few for an attribute header, or bytes after the message in its SCTP user message");

pub static SESSION: FieldDef = FieldDef::new("simco.session", "Session", FieldType::String, Base::None)
    .blurb("The transport connection carrying the session: `sctp N` (association index) or `tcp N` (stream)");
pub static STREAM: FieldDef = FieldDef::new("simco.stream", "SCTP Stream", FieldType::U16, Base::Dec)
    .blurb("The SCTP stream (pair) the message travelled on (draft-kiesel §4.2)");
pub static RESPONSE_IN: FieldDef = FieldDef::new("simco.response_in", "Response In", FieldType::FrameNum, Base::None)
    .blurb("The frame of the reply to this request (needs a second pass)");
pub static RESPONSE_TO: FieldDef = FieldDef::new("simco.response_to", "Response To", FieldType::FrameNum, Base::None)
    .blurb("The frame of the request this reply answers (same TID, S6)");
pub static TIME: FieldDef =
    FieldDef::new("simco.time", "Time", FieldType::RelTime, Base::None).blurb("Time between the request and its reply");
pub static REQUEST_TYPE: FieldDef = FieldDef::new("simco.request_type", "Request Type", FieldType::U16, Base::Hex)
    .strings(TYPE_NAMES)
    .blurb("The type of the request this reply answers");
pub static UNANSWERED: FieldDef = FieldDef::new("simco.unanswered", "Unanswered", FieldType::Bool, Base::None)
    .blurb("No reply to this request was seen before its session ended (needs a second pass)");
pub static RULE_PID: FieldDef = FieldDef::new("simco.rule.pid", "Policy Rule", FieldType::U32, Base::Dec)
    .blurb("The policy rule this message concerns: its own PID, or its request's");
pub static RULE_EVENT: FieldDef = FieldDef::new("simco.rule.event", "Policy Rule Event", FieldType::String, Base::None)
    .blurb("What the message does to the rule: reserved, enabled, disabled, lifetime changed, deleted, status");
pub static RULE_KIND: FieldDef = FieldDef::new("simco.rule.kind", "Policy Rule Kind", FieldType::String, Base::None)
    .blurb("reserve (PRR), enable (PER, PEA) or disable (PDR)");

pub static ALL: &[&FieldDef] = &[
    &SIMCO,
    &BASIC_TYPE,
    &SUB_TYPE,
    &TYPE,
    &LENGTH,
    &TID,
    &ATTR,
    &ATTR_TYPE,
    &ATTR_LENGTH,
    &ATTR_VALUE,
    &VERSION,
    &VERSION_MAJOR,
    &VERSION_MINOR,
    &RESERVED,
    &AUTH_CHALLENGE,
    &AUTH_TOKEN,
    &CAPS_MB_TYPE,
    &CAPS_FIREWALL,
    &CAPS_NAT,
    &CAPS_PDR,
    &CAPS_TWICE_NAT,
    &CAPS_PROTO_TRANS,
    &CAPS_PORT_TRANS,
    &CAPS_FLAGS,
    &CAPS_I,
    &CAPS_E,
    &CAPS_P,
    &CAPS_S,
    &CAPS_IIV,
    &CAPS_EIV,
    &CAPS_MAX_LIFETIME,
    &PID,
    &GID,
    &LIFETIME,
    &OWNER,
    &ADDR,
    &ADDR_ROLE,
    &ADDR_TYPE,
    &ADDR_IP_VERSION,
    &ADDR_PREFIX,
    &ADDR_PROTOCOL,
    &ADDR_LOCATION,
    &ADDR_PORT,
    &ADDR_PORT_RANGE,
    &ADDR_IP,
    &ADDR_IPV6,
    &PRR_NAT_MODE,
    &PRR_PARITY,
    &PRR_IP_INSIDE,
    &PRR_IP_OUTSIDE,
    &PRR_PROTOCOL,
    &PRR_PORT_RANGE,
    &PER_PARITY,
    &PER_DIRECTION,
    &TRAILING,
    &SESSION,
    &STREAM,
    &RESPONSE_IN,
    &RESPONSE_TO,
    &TIME,
    &REQUEST_TYPE,
    &UNANSWERED,
    &RULE_PID,
    &RULE_EVENT,
    &RULE_KIND,
];
