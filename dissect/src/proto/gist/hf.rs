//! Field definitions of the `gist` layer. tshark 4.0 has no GIST dissector, so the names are
//! the suite's (DESIGN.md conventions), after the field names of RFC 5971 Appendix A.

use super::wire::{Ab, AiType, ErrorClass, ErrorCode, MaProtocolId, Mrm, MsgType, ObjectType};
use crate::tree::{Base, FieldDef, FieldType};

pub static GIST: FieldDef = FieldDef::proto("gist", "General Internet Signalling Transport");
pub static MAGIC: FieldDef = FieldDef::new("gist.magic", "Magic Number", FieldType::U32, Base::Hex)
    .blurb("Starts every GIST message over UDP, 0x4e04bda5 (G1)");
pub static VERSION: FieldDef = FieldDef::new("gist.version", "Version", FieldType::U8, Base::Dec);
pub static HOPS: FieldDef = FieldDef::new("gist.hops", "GIST Hops", FieldType::U8, Base::Dec);
pub static LENGTH: FieldDef = FieldDef::new("gist.length", "Message Length", FieldType::U16, Base::Dec)
    .blurb("32-bit words after the common header (A.1)");
pub static NSLPID: FieldDef = FieldDef::new("gist.nslpid", "NSLPID", FieldType::U16, Base::Dec);
pub static FLAGS_C: FieldDef = FieldDef::new("gist.flags.c", "C-flag", FieldType::Bool, Base::None)
    .mask(0x80)
    .blurb("Interpretable without routing state: Query and Q-mode Data (A.1)");
pub static TYPE: FieldDef =
    FieldDef::new("gist.type", "Type", FieldType::U8, Base::Dec).strings(MsgType::NAMES).mask(0x7f);
pub static FLAGS_S: FieldDef = FieldDef::new("gist.flags.s", "S-flag", FieldType::Bool, Base::None)
    .mask(0x80)
    .blurb("IP source is the signalling source (A.1)");
pub static FLAGS_R: FieldDef =
    FieldDef::new("gist.flags.r", "R-flag", FieldType::Bool, Base::None).mask(0x40).blurb("Reply requested (A.1)");
pub static FLAGS_E: FieldDef =
    FieldDef::new("gist.flags.e", "E-flag", FieldType::Bool, Base::None).mask(0x20).blurb("Explicitly routed (A.1)");
pub static FLAGS_RESERVED: FieldDef =
    FieldDef::new("gist.flags.reserved", "Reserved", FieldType::U8, Base::Hex).mask(0x1f);
pub static MODE: FieldDef = FieldDef::new("gist.mode", "Mode", FieldType::String, Base::None)
    .blurb("Q-mode, D-mode or C-mode and the transport the message came over");
pub static OBJECT: FieldDef = FieldDef::new("gist.object", "Object", FieldType::None, Base::None);
pub static OBJECT_AB: FieldDef = FieldDef::new("gist.object.ab", "Extensibility Flags (AB)", FieldType::U8, Base::Dec)
    .strings(Ab::NAMES)
    .blurb("Treatment of an unknown object (A.2.1)");
pub static OBJECT_RESERVED: FieldDef = FieldDef::new("gist.object.reserved", "Reserved", FieldType::U8, Base::Hex);
pub static OBJECT_TYPE: FieldDef =
    FieldDef::new("gist.object.type", "Object Type", FieldType::U16, Base::Dec).strings(ObjectType::NAMES);
pub static OBJECT_LENGTH: FieldDef = FieldDef::new("gist.object.length", "Object Length", FieldType::U16, Base::Dec)
    .blurb("32-bit words of value (A.2)");
pub static OBJECT_VALUE: FieldDef = FieldDef::new("gist.object.value", "Value", FieldType::Bytes, Base::None)
    .blurb("Value of an unknown object, or of one that does not parse");
pub static MRI_MRM: FieldDef = FieldDef::new("gist.mri.mrm", "MRM-ID", FieldType::U8, Base::Dec).strings(Mrm::NAMES);
pub static MRI_N: FieldDef = FieldDef::new("gist.mri.n", "N-flag", FieldType::Bool, Base::None)
    .blurb("NATs need not translate this MRM (A.3.1)");
pub static MRI_RESERVED: FieldDef = FieldDef::new("gist.mri.reserved", "Reserved", FieldType::U16, Base::Hex);
pub static MRI_IP_VERSION: FieldDef = FieldDef::new("gist.mri.ip_version", "IP-Ver", FieldType::U8, Base::Dec);
pub static MRI_FLAGS_P: FieldDef =
    FieldDef::new("gist.mri.flags.p", "P-flag (protocol significant)", FieldType::Bool, Base::None);
pub static MRI_FLAGS_T: FieldDef =
    FieldDef::new("gist.mri.flags.t", "T-flag (DS-field significant)", FieldType::Bool, Base::None);
pub static MRI_FLAGS_F: FieldDef =
    FieldDef::new("gist.mri.flags.f", "F-flag (flow label present)", FieldType::Bool, Base::None);
pub static MRI_FLAGS_S: FieldDef =
    FieldDef::new("gist.mri.flags.s", "S-flag (SPI present)", FieldType::Bool, Base::None);
pub static MRI_FLAGS_A: FieldDef =
    FieldDef::new("gist.mri.flags.a", "A-flag (source port)", FieldType::Bool, Base::None);
pub static MRI_FLAGS_B: FieldDef =
    FieldDef::new("gist.mri.flags.b", "B-flag (destination port)", FieldType::Bool, Base::None);
pub static MRI_FLAGS_D: FieldDef = FieldDef::new("gist.mri.flags.d", "D-flag (direction)", FieldType::Bool, Base::None)
    .blurb("Path-coupled: 1 upstream; loose-end: 1 from the edge");
pub static MRI_SRC: FieldDef = FieldDef::new("gist.mri.src", "Source Address", FieldType::Ipv4, Base::None);
pub static MRI_DST: FieldDef = FieldDef::new("gist.mri.dst", "Destination Address", FieldType::Ipv4, Base::None);
pub static MRI_SRC6: FieldDef = FieldDef::new("gist.mri.src6", "Source Address", FieldType::Ipv6, Base::None);
pub static MRI_DST6: FieldDef = FieldDef::new("gist.mri.dst6", "Destination Address", FieldType::Ipv6, Base::None);
pub static MRI_SRC_PREFIX: FieldDef = FieldDef::new("gist.mri.src_prefix", "Source Prefix", FieldType::U8, Base::Dec);
pub static MRI_DST_PREFIX: FieldDef =
    FieldDef::new("gist.mri.dst_prefix", "Destination Prefix", FieldType::U8, Base::Dec);
pub static MRI_PROTOCOL: FieldDef = FieldDef::new("gist.mri.protocol", "Protocol", FieldType::U8, Base::Dec);
pub static MRI_DS_FIELD: FieldDef = FieldDef::new("gist.mri.ds_field", "DS-field", FieldType::U8, Base::Hex);
pub static MRI_FLOW_LABEL: FieldDef = FieldDef::new("gist.mri.flow_label", "Flow Label", FieldType::U32, Base::Hex);
pub static MRI_SPI: FieldDef = FieldDef::new("gist.mri.spi", "SPI", FieldType::U32, Base::Hex);
pub static MRI_SRC_PORT: FieldDef = FieldDef::new("gist.mri.src_port", "Source Port", FieldType::U16, Base::Dec);
pub static MRI_DST_PORT: FieldDef = FieldDef::new("gist.mri.dst_port", "Destination Port", FieldType::U16, Base::Dec);
pub static MRI_ADDRESSING: FieldDef =
    FieldDef::new("gist.mri.addressing", "Method-specific Addressing Information", FieldType::Bytes, Base::None);
pub static SESSION_ID: FieldDef = FieldDef::new("gist.session_id", "Session ID", FieldType::Bytes, Base::None);
pub static NLI_PI_LENGTH: FieldDef = FieldDef::new("gist.nli.pi_length", "PI-Length", FieldType::U8, Base::Dec);
pub static NLI_IP_TTL: FieldDef = FieldDef::new("gist.nli.ip_ttl", "IP-TTL", FieldType::U8, Base::Dec);
pub static NLI_IP_VERSION: FieldDef = FieldDef::new("gist.nli.ip_version", "IP-Ver", FieldType::U8, Base::Dec);
pub static NLI_RSVT: FieldDef =
    FieldDef::new("gist.nli.rsvt", "Routing State Validity Time (ms)", FieldType::U32, Base::Dec);
pub static NLI_PEER_IDENTITY: FieldDef =
    FieldDef::new("gist.nli.peer_identity", "Peer Identity", FieldType::Bytes, Base::None);
pub static NLI_INTERFACE_ADDRESS: FieldDef =
    FieldDef::new("gist.nli.interface_address", "Interface Address", FieldType::Ipv4, Base::None);
pub static NLI_INTERFACE_ADDRESS6: FieldDef =
    FieldDef::new("gist.nli.interface_address6", "Interface Address", FieldType::Ipv6, Base::None);
pub static SP_COUNT: FieldDef = FieldDef::new("gist.stack_proposal.count", "Prof-Count", FieldType::U8, Base::Dec);
pub static SP_PROFILE: FieldDef = FieldDef::new("gist.stack_proposal.profile", "Profile", FieldType::None, Base::None);
pub static SP_PROFILE_COUNT: FieldDef =
    FieldDef::new("gist.stack_proposal.profile.count", "Layers", FieldType::U8, Base::Dec);
pub static SP_PROTOCOL: FieldDef =
    FieldDef::new("gist.stack_proposal.protocol", "MA-Protocol-ID", FieldType::U8, Base::Dec)
        .strings(MaProtocolId::NAMES);
pub static SCD_COUNT: FieldDef = FieldDef::new("gist.scd.count", "MPO-Count", FieldType::U8, Base::Dec);
pub static SCD_HOLD_TIME: FieldDef =
    FieldDef::new("gist.scd.hold_time", "MA-Hold-Time (ms)", FieldType::U32, Base::Dec);
pub static SCD_MPO: FieldDef = FieldDef::new("gist.scd.mpo", "MA-protocol-options", FieldType::None, Base::None);
pub static SCD_PROTOCOL: FieldDef =
    FieldDef::new("gist.scd.protocol", "MA-Protocol-ID", FieldType::U8, Base::Dec).strings(MaProtocolId::NAMES);
pub static SCD_PROFILE: FieldDef = FieldDef::new("gist.scd.profile", "Profile", FieldType::U8, Base::Dec)
    .blurb("Stack-Proposal profile from 1; 0 for all");
pub static SCD_LENGTH: FieldDef = FieldDef::new("gist.scd.length", "Length", FieldType::U8, Base::Dec);
pub static SCD_FLAGS_D: FieldDef =
    FieldDef::new("gist.scd.flags.d", "D-flag (do not use)", FieldType::Bool, Base::None);
pub static SCD_PORT: FieldDef = FieldDef::new("gist.scd.port", "Port", FieldType::U16, Base::Dec)
    .blurb("Where the responder accepts the connection (5.7.2; RFC 6084 3.1.2)");
pub static SCD_OPTIONS: FieldDef = FieldDef::new("gist.scd.options", "Options Data", FieldType::Bytes, Base::None);
pub static SCD_ANNOUNCED: FieldDef =
    FieldDef::new("gist.scd.announced", "Announced Messaging Association", FieldType::String, Base::None)
        .blurb("The C-mode connection this Response announces (G3)");
pub static QUERY_COOKIE: FieldDef = FieldDef::new("gist.query_cookie", "Query-Cookie", FieldType::Bytes, Base::None);
pub static RESPONDER_COOKIE: FieldDef =
    FieldDef::new("gist.responder_cookie", "Responder-Cookie", FieldType::Bytes, Base::None);
pub static HELLO_ID: FieldDef = FieldDef::new("gist.hello_id", "Hello-ID", FieldType::U32, Base::Hex);
pub static NSLP_DATA: FieldDef = FieldDef::new("gist.nslp_data", "NSLP Data", FieldType::Bytes, Base::None);
pub static NAT_MRI_LENGTH: FieldDef = FieldDef::new("gist.nat.mri_length", "MRI-Length", FieldType::U8, Base::Dec);
pub static NAT_TYPE_COUNT: FieldDef = FieldDef::new("gist.nat.type_count", "Type-Count", FieldType::U8, Base::Dec);
pub static NAT_NAT_COUNT: FieldDef = FieldDef::new("gist.nat.nat_count", "NAT-Count", FieldType::U8, Base::Dec);
pub static NAT_TRANSLATED: FieldDef =
    FieldDef::new("gist.nat.translated", "Translated Object", FieldType::U16, Base::Hex)
        .blurb("First 16 bits of a translated object's TLV header");
pub static NAT_OPAQUE: FieldDef =
    FieldDef::new("gist.nat.opaque", "Information Replaced by NAT", FieldType::Bytes, Base::None);
pub static ERROR_CLASS: FieldDef =
    FieldDef::new("gist.error.class", "Error Class", FieldType::U8, Base::Dec).strings(ErrorClass::NAMES);
pub static ERROR_CODE: FieldDef =
    FieldDef::new("gist.error.code", "Error Code", FieldType::U16, Base::Dec).strings(ErrorCode::NAMES);
pub static ERROR_SUBCODE: FieldDef = FieldDef::new("gist.error.subcode", "Error Subcode", FieldType::U8, Base::Dec);
pub static ERROR_FLAGS_S: FieldDef =
    FieldDef::new("gist.error.flags.s", "S (Session ID present)", FieldType::Bool, Base::None);
pub static ERROR_FLAGS_M: FieldDef =
    FieldDef::new("gist.error.flags.m", "M (MRI present)", FieldType::Bool, Base::None);
pub static ERROR_FLAGS_C: FieldDef =
    FieldDef::new("gist.error.flags.c", "C (comment present)", FieldType::Bool, Base::None);
pub static ERROR_FLAGS_D: FieldDef =
    FieldDef::new("gist.error.flags.d", "D (received in D-mode)", FieldType::Bool, Base::None);
pub static ERROR_FLAGS_Q: FieldDef =
    FieldDef::new("gist.error.flags.q", "Q (received Q-mode encapsulated)", FieldType::Bool, Base::None);
pub static ERROR_MRI_LENGTH: FieldDef = FieldDef::new("gist.error.mri_length", "MRI Length", FieldType::U8, Base::Dec);
pub static ERROR_INFO_COUNT: FieldDef = FieldDef::new("gist.error.info_count", "Info Count", FieldType::U8, Base::Dec);
pub static ERROR_ORIG: FieldDef =
    FieldDef::new("gist.error.original", "Common Header of the Original Message", FieldType::None, Base::None);
pub static ERROR_ORIG_TYPE: FieldDef =
    FieldDef::new("gist.error.original.type", "Type", FieldType::U8, Base::Dec).strings(MsgType::NAMES);
pub static ERROR_ORIG_NSLPID: FieldDef =
    FieldDef::new("gist.error.original.nslpid", "NSLPID", FieldType::U16, Base::Dec);
pub static ERROR_ORIG_VERSION: FieldDef =
    FieldDef::new("gist.error.original.version", "Version", FieldType::U8, Base::Dec);
pub static ERROR_ORIG_HOPS: FieldDef = FieldDef::new("gist.error.original.hops", "GIST Hops", FieldType::U8, Base::Dec);
pub static ERROR_ORIG_LENGTH: FieldDef =
    FieldDef::new("gist.error.original.length", "Message Length", FieldType::U16, Base::Dec);
pub static ERROR_ORIG_FLAGS: FieldDef = FieldDef::new("gist.error.original.flags", "Flags", FieldType::U16, Base::Hex)
    .blurb("C, Type, S, R, E and reserved bits");
pub static ERROR_AI: FieldDef = FieldDef::new("gist.error.ai", "Additional Information", FieldType::None, Base::None);
pub static ERROR_AI_TYPE: FieldDef =
    FieldDef::new("gist.error.ai.type", "AI-Type", FieldType::U16, Base::Dec).strings(AiType::NAMES);
pub static ERROR_AI_LENGTH: FieldDef = FieldDef::new("gist.error.ai.length", "AI-Length", FieldType::U16, Base::Dec);
pub static ERROR_AI_CALCULATED: FieldDef =
    FieldDef::new("gist.error.ai.calculated_length", "Calculated Length", FieldType::U16, Base::Dec);
pub static ERROR_AI_MTU: FieldDef = FieldDef::new("gist.error.ai.mtu", "Link MTU", FieldType::U16, Base::Dec);
pub static ERROR_AI_OBJECT_TYPE: FieldDef =
    FieldDef::new("gist.error.ai.object_type", "Object Type", FieldType::U16, Base::Dec).strings(ObjectType::NAMES);
pub static ERROR_AI_REAL_LENGTH: FieldDef =
    FieldDef::new("gist.error.ai.real_length", "Real Object Length", FieldType::U16, Base::Dec);
pub static ERROR_AI_OFFSET: FieldDef = FieldDef::new("gist.error.ai.offset", "Offset", FieldType::U16, Base::Dec);
pub static ERROR_AI_OBJECT: FieldDef = FieldDef::new("gist.error.ai.object", "Object", FieldType::Bytes, Base::None);
pub static ERROR_AI_VALUE: FieldDef = FieldDef::new("gist.error.ai.value", "AI-Value", FieldType::Bytes, Base::None);
pub static ERROR_COMMENT: FieldDef =
    FieldDef::new("gist.error.comment", "Debugging Comment", FieldType::String, Base::None);
pub static RESPONSE_IN: FieldDef = FieldDef::new("gist.response_in", "Response In", FieldType::FrameNum, Base::None)
    .blurb("The frame of the reply to this message (needs a second pass)");
pub static RESPONSE_TO: FieldDef = FieldDef::new("gist.response_to", "Response To", FieldType::FrameNum, Base::None)
    .blurb("The frame of the message this one answers");
pub static TIME: FieldDef =
    FieldDef::new("gist.time", "Time", FieldType::RelTime, Base::None).blurb("Time since the message this one answers");

pub static ALL: &[&FieldDef] = &[
    &GIST,
    &MAGIC,
    &VERSION,
    &HOPS,
    &LENGTH,
    &NSLPID,
    &FLAGS_C,
    &TYPE,
    &FLAGS_S,
    &FLAGS_R,
    &FLAGS_E,
    &FLAGS_RESERVED,
    &MODE,
    &OBJECT,
    &OBJECT_AB,
    &OBJECT_RESERVED,
    &OBJECT_TYPE,
    &OBJECT_LENGTH,
    &OBJECT_VALUE,
    &MRI_MRM,
    &MRI_N,
    &MRI_RESERVED,
    &MRI_IP_VERSION,
    &MRI_FLAGS_P,
    &MRI_FLAGS_T,
    &MRI_FLAGS_F,
    &MRI_FLAGS_S,
    &MRI_FLAGS_A,
    &MRI_FLAGS_B,
    &MRI_FLAGS_D,
    &MRI_SRC,
    &MRI_DST,
    &MRI_SRC6,
    &MRI_DST6,
    &MRI_SRC_PREFIX,
    &MRI_DST_PREFIX,
    &MRI_PROTOCOL,
    &MRI_DS_FIELD,
    &MRI_FLOW_LABEL,
    &MRI_SPI,
    &MRI_SRC_PORT,
    &MRI_DST_PORT,
    &MRI_ADDRESSING,
    &SESSION_ID,
    &NLI_PI_LENGTH,
    &NLI_IP_TTL,
    &NLI_IP_VERSION,
    &NLI_RSVT,
    &NLI_PEER_IDENTITY,
    &NLI_INTERFACE_ADDRESS,
    &NLI_INTERFACE_ADDRESS6,
    &SP_COUNT,
    &SP_PROFILE,
    &SP_PROFILE_COUNT,
    &SP_PROTOCOL,
    &SCD_COUNT,
    &SCD_HOLD_TIME,
    &SCD_MPO,
    &SCD_PROTOCOL,
    &SCD_PROFILE,
    &SCD_LENGTH,
    &SCD_FLAGS_D,
    &SCD_PORT,
    &SCD_OPTIONS,
    &SCD_ANNOUNCED,
    &QUERY_COOKIE,
    &RESPONDER_COOKIE,
    &HELLO_ID,
    &NSLP_DATA,
    &NAT_MRI_LENGTH,
    &NAT_TYPE_COUNT,
    &NAT_NAT_COUNT,
    &NAT_TRANSLATED,
    &NAT_OPAQUE,
    &ERROR_CLASS,
    &ERROR_CODE,
    &ERROR_SUBCODE,
    &ERROR_FLAGS_S,
    &ERROR_FLAGS_M,
    &ERROR_FLAGS_C,
    &ERROR_FLAGS_D,
    &ERROR_FLAGS_Q,
    &ERROR_MRI_LENGTH,
    &ERROR_INFO_COUNT,
    &ERROR_ORIG,
    &ERROR_ORIG_TYPE,
    &ERROR_ORIG_NSLPID,
    &ERROR_ORIG_VERSION,
    &ERROR_ORIG_HOPS,
    &ERROR_ORIG_LENGTH,
    &ERROR_ORIG_FLAGS,
    &ERROR_AI,
    &ERROR_AI_TYPE,
    &ERROR_AI_LENGTH,
    &ERROR_AI_CALCULATED,
    &ERROR_AI_MTU,
    &ERROR_AI_OBJECT_TYPE,
    &ERROR_AI_REAL_LENGTH,
    &ERROR_AI_OFFSET,
    &ERROR_AI_OBJECT,
    &ERROR_AI_VALUE,
    &ERROR_COMMENT,
    &RESPONSE_IN,
    &RESPONSE_TO,
    &TIME,
];
