//! Field definitions of the `forces` layer. tshark 4.0 has a ForCES dissector: its field names
//! are used wherever it has the field (`tshark -G fields | grep -P '\tforces\.'`), even where
//! they read oddly (`forces.fbselect...instanceid`, `forces.teardown.reason` for the
//! Association Setup Result); the rest are the suite's, after RFC 5810's names.
//!
//! Where the meaning differs from tshark's, the blurb says so: `forces.length` is the header
//! length in bytes (as tshark and tcpdump show it; the wire counts words), TLV lengths are
//! octets (tshark multiplies them by 4 and then marks the frame malformed), the class and
//! instance IDs are numbers (tshark types them as IPv4 addresses), the path selector bit is
//! 0x8000 of the path flags (§7.1.2: bit 0; tshark masks 0x80), and the 3 reserved bits after
//! the priority are `forces.flags.rsrvd` (tshark registers them as a second `forces.Flags`).

use super::wire::{
    ACK_NAMES, ASRESULT_NAMES, ASTREASON_NAMES, AT_NAMES, EM_NAMES, MESSAGE_TYPE_NAMES, OPER_NAMES, RESULT_NAMES,
    TLV_TYPE_NAMES, TP_NAMES,
};
use crate::tree::{Base, FieldDef, FieldType};

static ID_KIND_NAMES: &[(u64, &str)] = &[(0, "FE"), (1, "CE"), (2, "Reserved"), (3, "Multicast or broadcast")];

pub static FORCES: FieldDef = FieldDef::proto("forces", "Forwarding and Control Element Separation Protocol");
pub static HEADER: FieldDef = FieldDef::new("forces.header", "Common Header", FieldType::None, Base::None);
pub static VERSION: FieldDef = FieldDef::new("forces.flags.version", "Version", FieldType::U8, Base::Dec).mask(0xf0);
pub static RSVD: FieldDef = FieldDef::new("forces.flags.rsvd", "Rsvd", FieldType::U8, Base::Dec).mask(0x0f);
pub static MESSAGETYPE: FieldDef =
    FieldDef::new("forces.messagetype", "Message Type", FieldType::U8, Base::Dec).strings(MESSAGE_TYPE_NAMES);
pub static LENGTH: FieldDef = FieldDef::new("forces.length", "Header Length", FieldType::U16, Base::Dec)
    .blurb("Message length in bytes: the header's 32-bit word count times 4 (§6.1, F2)");
pub static SID: FieldDef = FieldDef::new("forces.sid", "Source ID", FieldType::Ipv4, Base::None)
    .blurb("32-bit ForCES ID, shown dotted as tshark does (§6.1)");
pub static DID: FieldDef = FieldDef::new("forces.did", "Destination ID", FieldType::Ipv4, Base::None);
pub static SID_TS: FieldDef = FieldDef::new("forces.sid.ts", "Source ID Type Switch", FieldType::U8, Base::Dec)
    .strings(ID_KIND_NAMES)
    .blurb("The 2 top bits of the ID (§6.1 Figure 12)");
pub static DID_TS: FieldDef =
    FieldDef::new("forces.did.ts", "Destination ID Type Switch", FieldType::U8, Base::Dec).strings(ID_KIND_NAMES);
pub static CORRELATOR: FieldDef = FieldDef::new("forces.correlator", "Correlator", FieldType::U64, Base::Hex);
pub static FLAGS: FieldDef = FieldDef::new("forces.Flags", "Flags", FieldType::U32, Base::Dec);
pub static FLAGS_ACK: FieldDef =
    FieldDef::new("forces.flags.ack", "ACK indicator", FieldType::U32, Base::Dec).strings(ACK_NAMES).mask(0xc000_0000);
pub static FLAGS_PRI: FieldDef =
    FieldDef::new("forces.flags.pri", "Priority", FieldType::U32, Base::Dec).mask(0x3800_0000);
pub static FLAGS_RSRVD: FieldDef = FieldDef::new("forces.flags.rsrvd", "Rsrvd", FieldType::U32, Base::Dec)
    .mask(0x0700_0000)
    .blurb("The 3 reserved bits after the priority (tshark names this field forces.Flags)");
pub static FLAGS_EM: FieldDef =
    FieldDef::new("forces.flags.em", "Execution mode", FieldType::U32, Base::Dec).strings(EM_NAMES).mask(0x00c0_0000);
pub static FLAGS_AT: FieldDef = FieldDef::new("forces.flags.at", "Atomic Transaction", FieldType::U32, Base::Dec)
    .strings(AT_NAMES)
    .mask(0x0020_0000);
pub static FLAGS_TP: FieldDef = FieldDef::new("forces.flags.tp", "Transaction phase", FieldType::U32, Base::Dec)
    .strings(TP_NAMES)
    .mask(0x0018_0000);
pub static FLAGS_RESERVED: FieldDef =
    FieldDef::new("forces.flags.reserved", "Reserved", FieldType::U32, Base::Dec).mask(0x0007_ffff);

pub static TLV: FieldDef = FieldDef::new("forces.tlv", "TLV", FieldType::None, Base::None);
pub static TLV_TYPE: FieldDef =
    FieldDef::new("forces.tlv.type", "Type", FieldType::U16, Base::Dec).strings(TLV_TYPE_NAMES);
pub static TLV_LENGTH: FieldDef = FieldDef::new("forces.tlv.length", "Length", FieldType::U16, Base::Dec)
    .blurb("TLV length in octets, its header included, padding excluded (§6.2)");
pub static TLV_PADDING: FieldDef = FieldDef::new("forces.tlv.padding", "Padding", FieldType::Bytes, Base::None)
    .blurb("Bytes bringing a TLV or ILV to 32 bits: zero on transmission (§7.1.8 rule 1, F2)");
pub static TRAILING: FieldDef = FieldDef::new("forces.trailing", "Trailing bytes", FieldType::Bytes, Base::None)
    .blurb("Bytes that do not make a TLV: too few for a header, or a length past the container");
pub static UNKNOWN_TLV: FieldDef = FieldDef::new("forces.unknown.tlv", "Data", FieldType::Bytes, Base::None);

pub static LFB_CLASSID: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.lfb.classid", "Class ID", FieldType::U32, Base::Dec)
        .blurb("LFB class (§7.1.5; RFC 5812 assigns 1 to the FE Protocol LFB and 2 to the FE Object LFB)");
pub static LFB_INSTANCEID: FieldDef =
    FieldDef::new("forces.fbselect.tlv.type.lfb.instanceid", "Instance ID", FieldType::U32, Base::Dec);
pub static OPER: FieldDef = FieldDef::new("forces.oper", "Operation TLV", FieldType::None, Base::None);
pub static OPER_TYPE: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.type", "Type", FieldType::U16, Base::Dec).strings(OPER_NAMES);
pub static OPER_LENGTH: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.length", "Length", FieldType::U16, Base::Dec);
pub static PATH: FieldDef = FieldDef::new("forces.pathdata", "PATH-DATA TLV", FieldType::None, Base::None);
pub static PATH_TYPE: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.path.type", "Type", FieldType::U16, Base::Dec)
        .strings(TLV_TYPE_NAMES);
pub static PATH_LENGTH: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.path.length", "Length", FieldType::U16, Base::Dec);
pub static PATH_DATA: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.path.data", "Data", FieldType::Bytes, Base::None)
        .blurb("The PATH-DATA-TLV's value");
pub static PATH_FLAGS: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.path.data.flags", "Path Data Flags", FieldType::U16, Base::Hex);
pub static PATH_FLAGS_SELECTOR: FieldDef = FieldDef::new(
    "forces.lfbselect.tlv.type.operation.path.data.flags.selector",
    "Selector",
    FieldType::U16,
    Base::Dec,
)
.mask(0x8000)
.blurb("F_SELKEY: a KEYINFO-TLV follows the path (§7.1.2, bit 0)");
pub static PATH_FLAGS_RESERVED: FieldDef = FieldDef::new(
    "forces.lfbselect.tlv.type.operation.path.data.flags.reserved",
    "Reserved",
    FieldType::U16,
    Base::Hex,
)
.mask(0x7fff);
pub static PATH_IDCOUNT: FieldDef = FieldDef::new(
    "forces.lfbselect.tlv.type.operation.path.data.IDcount",
    "Path Data IDcount",
    FieldType::U16,
    Base::Dec,
);
pub static PATH_IDS: FieldDef =
    FieldDef::new("forces.lfbselect.tlv.type.operation.path.data.IDs", "Path Data IDs", FieldType::U32, Base::Dec);
pub static PATH_STRING: FieldDef = FieldDef::new("forces.path", "Path", FieldType::String, Base::None)
    .blurb("The component IDs of the path in dot notation (§6.4.1), outer paths first");
pub static DATA_TLV: FieldDef = FieldDef::new("forces.data.tlv", "Data TLV", FieldType::None, Base::None);
pub static DATA_TYPE: FieldDef =
    FieldDef::new("forces.data.tlv.type", "Type", FieldType::U16, Base::Dec).strings(TLV_TYPE_NAMES);
pub static DATA_LENGTH: FieldDef = FieldDef::new("forces.data.tlv.length", "Length", FieldType::U16, Base::Dec);
pub static KEYID: FieldDef = FieldDef::new("forces.keyinfo.keyid", "Key ID", FieldType::U32, Base::Dec);
pub static FULLDATA: FieldDef = FieldDef::new("forces.fulldata", "Full Data", FieldType::Bytes, Base::None);
pub static SPARSE_ILV: FieldDef = FieldDef::new("forces.sparsedata.ilv", "ILV", FieldType::None, Base::None);
pub static SPARSE_ID: FieldDef = FieldDef::new("forces.sparsedata.ilv.id", "ID", FieldType::U32, Base::Dec);
pub static SPARSE_LENGTH: FieldDef = FieldDef::new("forces.sparsedata.ilv.length", "Length", FieldType::U32, Base::Dec);
pub static SPARSE_VALUE: FieldDef = FieldDef::new("forces.sparsedata.ilv.value", "Value", FieldType::Bytes, Base::None);
pub static RESULT: FieldDef =
    FieldDef::new("forces.result", "Result", FieldType::U8, Base::Hex).strings(RESULT_NAMES).blurb("§7.1.7 Table 4");
pub static RESULT_RESERVED: FieldDef = FieldDef::new("forces.result.reserved", "Reserved", FieldType::U24, Base::Hex);

pub static METADATA: FieldDef = FieldDef::new("forces.redirect.metadata", "METADATA TLV", FieldType::None, Base::None);
pub static META_TYPE: FieldDef =
    FieldDef::new("forces.redirect.tlv.meta.data.tlv.type", "Type", FieldType::U16, Base::Dec).strings(TLV_TYPE_NAMES);
pub static META_LENGTH: FieldDef =
    FieldDef::new("forces.redirect.tlv.meta.data.tlv.length", "Length", FieldType::U16, Base::Dec);
pub static META_ILV: FieldDef =
    FieldDef::new("forces.redirect.tlv.meta.data.tlv.meta.data.ilv", "Meta Data ILV", FieldType::Bytes, Base::None);
pub static META_ILV_ID: FieldDef =
    FieldDef::new("forces.redirect.tlv.meta.data.tlv.meta.data.ilv.id", "ID", FieldType::U32, Base::Dec);
pub static META_ILV_LENGTH: FieldDef =
    FieldDef::new("forces.redirect.tlv.meta.data.tlv.meta.data.ilv.length", "Length", FieldType::U32, Base::Dec);
pub static META_ILV_VALUE: FieldDef =
    FieldDef::new("forces.redirect.metadata.value", "Meta Data Value", FieldType::Bytes, Base::None);
pub static REDIRECTDATA: FieldDef =
    FieldDef::new("forces.redirect.data", "REDIRECTDATA TLV", FieldType::None, Base::None);
pub static REDIRECTDATA_TYPE: FieldDef =
    FieldDef::new("forces.redirect.tlv.redirect.data.tlv.type", "Type", FieldType::U16, Base::Dec)
        .strings(TLV_TYPE_NAMES);
pub static REDIRECTDATA_LENGTH: FieldDef =
    FieldDef::new("forces.redirect.tlv.redirect.data.tlv.length", "Length", FieldType::U16, Base::Dec);
pub static REDIRECTDATA_PACKET: FieldDef =
    FieldDef::new("forces.redirect.data.packet", "Redirected Data", FieldType::Bytes, Base::None);
pub static ASRESULT: FieldDef =
    FieldDef::new("forces.teardown.reason", "Association Setup Result", FieldType::U32, Base::Dec)
        .strings(ASRESULT_NAMES)
        .blurb("ASResult-TLV (§7.5.2); tshark's name for this field");
pub static ASTREASON: FieldDef =
    FieldDef::new("forces.astreason.tlv.teardown.reason", "AStreason TLV TearDown Reason", FieldType::U32, Base::Dec)
        .strings(ASTREASON_NAMES);

pub static CHANNEL: FieldDef = FieldDef::new("forces.channel", "TML channel", FieldType::String, Base::None)
    .blurb("RFC 5811 HP/MP/LP channel (by PPID, then port), or the draft's high or low stream (F1)");
pub static TML: FieldDef = FieldDef::new("forces.tml", "TML mapping", FieldType::String, Base::None)
    .blurb("RFC 5811 (three associations) or draft-hadi-forces-sctptml-00 (one association, two streams)");
pub static RESPONSE_IN: FieldDef = FieldDef::new("forces.response_in", "Response In", FieldType::FrameNum, Base::None)
    .blurb("The frame of the response with this request's correlator (needs a second pass)");
pub static RESPONSE_TO: FieldDef = FieldDef::new("forces.response_to", "Response To", FieldType::FrameNum, Base::None)
    .blurb("The frame of the request this response carries the correlator of");
pub static TIME: FieldDef = FieldDef::new("forces.time", "Time", FieldType::RelTime, Base::None)
    .blurb("Time between the request and its response");

// Expert fields (tshark's names).
pub static EI_LENGTH_BAD: FieldDef =
    FieldDef::new("forces.length.bad", "ForCES Header length is wrong", FieldType::None, Base::None);
pub static EI_TLV_TYPE_UNKNOWN: FieldDef =
    FieldDef::new("forces.tlv.type.unknown", "Bogus: The Main_TLV type is unknown", FieldType::None, Base::None);
pub static EI_TLV_LENGTH_BAD: FieldDef =
    FieldDef::new("forces.tlv.length.bad", "Bogus TLV length", FieldType::None, Base::None);
pub static EI_PATH_LENGTH_BAD: FieldDef = FieldDef::new(
    "forces.lfbselect.tlv.type.operation.path.length.bad",
    "Bogus TLV length",
    FieldType::None,
    Base::None,
);
pub static EI_OPER_UNSUPPORTED: FieldDef = FieldDef::new(
    "forces.lfbselect.tlv.type.operation.type.unsupported",
    "ForCES Operation TLV is not supported",
    FieldType::None,
    Base::None,
);
pub static EI_REDIRECTDATA_LENGTH_BAD: FieldDef = FieldDef::new(
    "forces.redirect.tlv.redirect.data.tlv.length.bad",
    "Redirect Data TLV length is wrong",
    FieldType::None,
    Base::None,
);

pub static ALL: &[&FieldDef] = &[
    &FORCES,
    &HEADER,
    &VERSION,
    &RSVD,
    &MESSAGETYPE,
    &LENGTH,
    &SID,
    &SID_TS,
    &DID,
    &DID_TS,
    &CORRELATOR,
    &FLAGS,
    &FLAGS_ACK,
    &FLAGS_PRI,
    &FLAGS_RSRVD,
    &FLAGS_EM,
    &FLAGS_AT,
    &FLAGS_TP,
    &FLAGS_RESERVED,
    &TLV,
    &TLV_TYPE,
    &TLV_LENGTH,
    &TLV_PADDING,
    &TRAILING,
    &UNKNOWN_TLV,
    &LFB_CLASSID,
    &LFB_INSTANCEID,
    &OPER,
    &OPER_TYPE,
    &OPER_LENGTH,
    &PATH,
    &PATH_TYPE,
    &PATH_LENGTH,
    &PATH_DATA,
    &PATH_FLAGS,
    &PATH_FLAGS_SELECTOR,
    &PATH_FLAGS_RESERVED,
    &PATH_IDCOUNT,
    &PATH_IDS,
    &PATH_STRING,
    &DATA_TLV,
    &DATA_TYPE,
    &DATA_LENGTH,
    &KEYID,
    &FULLDATA,
    &SPARSE_ILV,
    &SPARSE_ID,
    &SPARSE_LENGTH,
    &SPARSE_VALUE,
    &RESULT,
    &RESULT_RESERVED,
    &METADATA,
    &META_TYPE,
    &META_LENGTH,
    &META_ILV,
    &META_ILV_ID,
    &META_ILV_LENGTH,
    &META_ILV_VALUE,
    &REDIRECTDATA,
    &REDIRECTDATA_TYPE,
    &REDIRECTDATA_LENGTH,
    &REDIRECTDATA_PACKET,
    &ASRESULT,
    &ASTREASON,
    &CHANNEL,
    &TML,
    &RESPONSE_IN,
    &RESPONSE_TO,
    &TIME,
    &EI_LENGTH_BAD,
    &EI_TLV_TYPE_UNKNOWN,
    &EI_TLV_LENGTH_BAD,
    &EI_PATH_LENGTH_BAD,
    &EI_OPER_UNSUPPORTED,
    &EI_REDIRECTDATA_LENGTH_BAD,
];
