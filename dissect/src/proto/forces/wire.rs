//! ForCES protocol messages on the wire (RFC 5810 §6, §7), with `parse` and `emit`.
//!
//! Common header, §6.1 (Figure 10; all numbers big-endian):
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |version| rsvd  | Message Type  |             Length            |
//! |                          Source ID                            |
//! |                        Destination ID                         |
//! |                        Correlator[63:32]                      |
//! |                        Correlator[31:0]                       |
//! |                             Flags                             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! Length counts 32-bit words, header included (F2). Flags, §6.1 (Figure 13):
//! ```text
//! |ACK| Pri |Rsvd |EM |A|TP |     Reserved (19 bits)              |
//! |   |     |     |   |T|   |                                     |
//! ```
//! TLV, §6.2 (Figure 14): 16-bit type, 16-bit length in octets counting the 4-byte TLV header
//! but not the padding to 32 bits that follows (F2). ILV, §6.3 (Figure 15): 32-bit identifier,
//! 32-bit length counting the 8-byte ILV header, value, padding.
//!
//! The type of a TLV means different things in different places (§6.2.2): the message body
//! holds the top-level TLVs of §A.4 (LFBselect, REDIRECT, ASResult, ASTreason); an LFBselect
//! holds OPER-TLVs (§7.1.6, §A.2); an OPER-TLV holds PATH-DATA-TLVs and RESULT-TLVs, a
//! PATH-DATA-TLV holds an optional KEYINFO-TLV and then FULLDATA, SPARSEDATA, RESULT or nested
//! PATH-DATA TLVs (§7 Figure 17); a REDIRECT-TLV holds a METADATA-TLV and a REDIRECTDATA-TLV
//! (§7.9). [`Scope`] names these places and [`parse_tlvs`] reads a TLV list in one of them.
//!
//! Parsing is strict about the common header ([`parse`] wants the header's length of bytes)
//! and lax inside it: a TLV whose contents do not fit its type is kept as [`TlvBody::Raw`],
//! bytes too few for a TLV header (or a TLV whose length runs past its container) are kept as
//! the container's `trailing`, and the padding bytes are kept as they were, so that
//! [`Message::emit`] writes back exactly what [`parse`] read.

use std::fmt;

use nom::number::complete::{be_u16, be_u32, be_u64, be_u8};
use nom::IResult;

/// Bytes in the common header (§6.1).
pub const HEADER_LEN: usize = 24;
/// Bytes in a TLV header (§6.2).
pub const TLV_HEADER_LEN: usize = 4;
/// Bytes in an ILV header (§6.3).
pub const ILV_HEADER_LEN: usize = 8;
/// The protocol version of RFC 5810 (§6.1).
pub const VERSION: u8 = 1;
/// Largest message: the header's 16-bit length counts 32-bit words.
pub const MAX_MESSAGE: usize = 0xffff * 4;
/// Nesting depth of TLVs read before the rest of a value is kept as bytes (PATH-DATA nests
/// without a limit in §7; a hostile message must not recurse without bound).
pub const MAX_DEPTH: usize = 32;

/// Why a message could not be read. Offsets count from the start of the slice given to [`parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than the header or its length field needs.
    #[error("{what} at byte {offset}: needs {needed} bytes, {available} left")]
    Truncated { offset: usize, what: &'static str, needed: usize, available: usize },
    /// A field holds a value that cannot be there.
    #[error("{what} at byte {offset}: value {found}, expected {expected}")]
    BadValue { offset: usize, what: &'static str, expected: &'static str, found: u64 },
}

impl ParseError {
    /// The byte offset the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Truncated { offset, .. } | ParseError::BadValue { offset, .. } => *offset,
        }
    }
}

/// The message type (§A.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageType(pub u8);

impl MessageType {
    pub const ASSOCIATION_SETUP: Self = Self(0x01);
    pub const ASSOCIATION_TEARDOWN: Self = Self(0x02);
    pub const CONFIG: Self = Self(0x03);
    pub const QUERY: Self = Self(0x04);
    pub const EVENT_NOTIFICATION: Self = Self(0x05);
    pub const PACKET_REDIRECT: Self = Self(0x06);
    pub const HEARTBEAT: Self = Self(0x0f);
    pub const ASSOCIATION_SETUP_RESPONSE: Self = Self(0x11);
    pub const CONFIG_RESPONSE: Self = Self(0x13);
    pub const QUERY_RESPONSE: Self = Self(0x14);

    /// Every type §A.1 assigns.
    pub const KNOWN: [Self; 10] = [
        Self::ASSOCIATION_SETUP,
        Self::ASSOCIATION_TEARDOWN,
        Self::CONFIG,
        Self::QUERY,
        Self::EVENT_NOTIFICATION,
        Self::PACKET_REDIRECT,
        Self::HEARTBEAT,
        Self::ASSOCIATION_SETUP_RESPONSE,
        Self::CONFIG_RESPONSE,
        Self::QUERY_RESPONSE,
    ];

    /// The name §A.1 gives (its "Hearbeat" spelled right).
    pub fn name(self) -> Option<&'static str> {
        MESSAGE_TYPE_NAMES.iter().find(|(v, _)| *v == u64::from(self.0)).map(|(_, n)| *n)
    }

    /// The response this request is answered with (§7.5-§7.7; a Heartbeat with AlwaysACK is
    /// answered by a Heartbeat, §7.10).
    pub fn response(self) -> Option<Self> {
        Some(match self {
            Self::ASSOCIATION_SETUP => Self::ASSOCIATION_SETUP_RESPONSE,
            Self::CONFIG => Self::CONFIG_RESPONSE,
            Self::QUERY => Self::QUERY_RESPONSE,
            Self::HEARTBEAT => Self::HEARTBEAT,
            _ => return None,
        })
    }

    /// Whether this is one of the response types of §A.1.
    pub fn is_response(self) -> bool {
        matches!(self, Self::ASSOCIATION_SETUP_RESPONSE | Self::CONFIG_RESPONSE | Self::QUERY_RESPONSE)
    }
}

impl fmt::Debug for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "MessageType({:#04x})", self.0),
        }
    }
}

/// Message type names (§A.1).
pub static MESSAGE_TYPE_NAMES: &[(u64, &str)] = &[
    (0x01, "AssociationSetup"),
    (0x02, "AssociationTeardown"),
    (0x03, "Config"),
    (0x04, "Query"),
    (0x05, "EventNotification"),
    (0x06, "PacketRedirect"),
    (0x0f, "Heartbeat"),
    (0x11, "AssociationSetupResponse"),
    (0x13, "ConfigResponse"),
    (0x14, "QueryResponse"),
];

/// The ACK indicator of the header flags (§6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ack(pub u8);

impl Ack {
    pub const NO_ACK: Self = Self(0);
    pub const SUCCESS_ACK: Self = Self(1);
    pub const FAILURE_ACK: Self = Self(2);
    pub const ALWAYS_ACK: Self = Self(3);
}

pub static ACK_NAMES: &[(u64, &str)] = &[(0, "NoACK"), (1, "SuccessACK"), (2, "FailureACK"), (3, "AlwaysACK")];
pub static EM_NAMES: &[(u64, &str)] =
    &[(0, "Reserved"), (1, "Execute-all-or-none"), (2, "Execute-until-failure"), (3, "Continue-execute-on-failure")];
pub static AT_NAMES: &[(u64, &str)] = &[(0, "Stand-alone Message"), (1, "2PC Transaction Message")];
pub static TP_NAMES: &[(u64, &str)] = &[
    (0, "SOT (Start of Transaction)"),
    (1, "MOT (Middle of Transaction)"),
    (2, "EOT (End of Transaction)"),
    (3, "ABT (Aborted)"),
];

/// The 32 header flag bits (§6.1, Figure 13).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u32);

impl Flags {
    pub const ACK_MASK: u32 = 0xc000_0000;
    pub const PRI_MASK: u32 = 0x3800_0000;
    /// The 3 bits after the priority ("Rsvd." in Figure 13).
    pub const RSVD_MASK: u32 = 0x0700_0000;
    pub const EM_MASK: u32 = 0x00c0_0000;
    pub const AT_MASK: u32 = 0x0020_0000;
    pub const TP_MASK: u32 = 0x0018_0000;
    pub const RESERVED_MASK: u32 = 0x0007_ffff;

    /// Flags from their parts (each masked to its width).
    pub fn new(ack: Ack, pri: u8, em: u8, at: bool, tp: u8) -> Self {
        Flags(
            (u32::from(ack.0 & 3) << 30)
                | (u32::from(pri & 7) << 27)
                | (u32::from(em & 3) << 22)
                | (u32::from(at) << 21)
                | (u32::from(tp & 3) << 19),
        )
    }
    pub fn ack(self) -> Ack {
        Ack((self.0 >> 30) as u8)
    }
    pub fn pri(self) -> u8 {
        ((self.0 >> 27) & 7) as u8
    }
    pub fn rsvd(self) -> u8 {
        ((self.0 >> 24) & 7) as u8
    }
    pub fn em(self) -> u8 {
        ((self.0 >> 22) & 3) as u8
    }
    pub fn at(self) -> bool {
        self.0 & Self::AT_MASK != 0
    }
    pub fn tp(self) -> u8 {
        ((self.0 >> 19) & 3) as u8
    }
    pub fn reserved(self) -> u32 {
        self.0 & Self::RESERVED_MASK
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({:#010x})", self.0)
    }
}

/// What a ForCES ID's type switch (its 2 top bits) says it is (§6.1, Figures 11 and 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Fe,
    Ce,
    Reserved,
    Multicast,
    ReservedHigh,
    AllCes,
    AllFes,
    AllNe,
}

impl IdKind {
    pub fn of(id: u32) -> Self {
        match id >> 30 {
            0 => IdKind::Fe,
            1 => IdKind::Ce,
            2 => IdKind::Reserved,
            _ => match id {
                0xffff_fffd => IdKind::AllCes,
                0xffff_fffe => IdKind::AllFes,
                0xffff_ffff => IdKind::AllNe,
                0xffff_fff0..=0xffff_fffc => IdKind::ReservedHigh,
                _ => IdKind::Multicast,
            },
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            IdKind::Fe => "FE",
            IdKind::Ce => "CE",
            IdKind::Reserved => "reserved",
            IdKind::Multicast => "multicast",
            IdKind::ReservedHigh => "reserved",
            IdKind::AllCes => "all CEs broadcast",
            IdKind::AllFes => "all FEs broadcast",
            IdKind::AllNe => "all FEs and CEs (NE) broadcast",
        }
    }
    pub fn is_broadcast(self) -> bool {
        matches!(self, IdKind::AllCes | IdKind::AllFes | IdKind::AllNe)
    }
}

/// The common header (§6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// 4 bits.
    pub version: u8,
    /// 4 bits, zero on transmission.
    pub rsvd: u8,
    pub msg_type: MessageType,
    /// In 32-bit words, the header included (F2).
    pub length: u16,
    pub src: u32,
    pub dst: u32,
    pub correlator: u64,
    pub flags: Flags,
}

impl Header {
    /// The message length in bytes the header declares.
    pub fn byte_len(&self) -> usize {
        usize::from(self.length) * 4
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push((self.version << 4) | (self.rsvd & 0x0f));
        out.push(self.msg_type.0);
        out.extend_from_slice(&self.length.to_be_bytes());
        out.extend_from_slice(&self.src.to_be_bytes());
        out.extend_from_slice(&self.dst.to_be_bytes());
        out.extend_from_slice(&self.correlator.to_be_bytes());
        out.extend_from_slice(&self.flags.0.to_be_bytes());
    }
}

fn header_nom(i: &[u8]) -> IResult<&[u8], Header> {
    let (i, vr) = be_u8(i)?;
    let (i, t) = be_u8(i)?;
    let (i, length) = be_u16(i)?;
    let (i, src) = be_u32(i)?;
    let (i, dst) = be_u32(i)?;
    let (i, correlator) = be_u64(i)?;
    let (i, flags) = be_u32(i)?;
    Ok((
        i,
        Header {
            version: vr >> 4,
            rsvd: vr & 0x0f,
            msg_type: MessageType(t),
            length,
            src,
            dst,
            correlator,
            flags: Flags(flags),
        },
    ))
}

/// Read the common header alone (no check of its values).
pub fn parse_header(input: &[u8]) -> Result<Header, ParseError> {
    header_nom(input).map(|(_, h)| h).map_err(|_| ParseError::Truncated {
        offset: 0,
        what: "common header",
        needed: HEADER_LEN,
        available: input.len(),
    })
}

/// A TLV type (§A.4 for the top level and data TLVs, §A.2 for OPER-TLVs: the same 16 bits,
/// read in the [`Scope`] it sits in).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TlvType(pub u16);

impl TlvType {
    pub const REDIRECT: Self = Self(0x0001);
    pub const ASRESULT: Self = Self(0x0010);
    pub const ASTREASON: Self = Self(0x0011);
    pub const LFBSELECT: Self = Self(0x1000);
    pub const PATH_DATA: Self = Self(0x0110);
    pub const KEYINFO: Self = Self(0x0111);
    pub const FULLDATA: Self = Self(0x0112);
    pub const SPARSEDATA: Self = Self(0x0113);
    pub const RESULT: Self = Self(0x0114);
    pub const METADATA: Self = Self(0x0115);
    pub const REDIRECTDATA: Self = Self(0x0116);

    // OPER-TLV types (§7.1.6 Table 3, §A.2).
    pub const SET: Self = Self(0x0001);
    pub const SET_PROP: Self = Self(0x0002);
    pub const SET_RESPONSE: Self = Self(0x0003);
    pub const SET_PROP_RESPONSE: Self = Self(0x0004);
    pub const DEL: Self = Self(0x0005);
    pub const DEL_RESPONSE: Self = Self(0x0006);
    pub const GET: Self = Self(0x0007);
    pub const GET_PROP: Self = Self(0x0008);
    pub const GET_RESPONSE: Self = Self(0x0009);
    pub const GET_PROP_RESPONSE: Self = Self(0x000a);
    pub const REPORT: Self = Self(0x000b);
    pub const COMMIT: Self = Self(0x000c);
    pub const COMMIT_RESPONSE: Self = Self(0x000d);
    pub const TRCOMP: Self = Self(0x000e);
}

impl fmt::Debug for TlvType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TlvType({:#06x})", self.0)
    }
}

/// Names of the TLV types outside OPER-TLVs (§A.4).
pub static TLV_TYPE_NAMES: &[(u64, &str)] = &[
    (0x0001, "REDIRECT-TLV"),
    (0x0010, "ASResult-TLV"),
    (0x0011, "ASTreason-TLV"),
    (0x1000, "LFBselect-TLV"),
    (0x0110, "PATH-DATA-TLV"),
    (0x0111, "KEYINFO-TLV"),
    (0x0112, "FULLDATA-TLV"),
    (0x0113, "SPARSEDATA-TLV"),
    (0x0114, "RESULT-TLV"),
    (0x0115, "METADATA-TLV"),
    (0x0116, "REDIRECTDATA-TLV"),
];

/// Names of the OPER-TLV types (§A.2).
pub static OPER_NAMES: &[(u64, &str)] = &[
    (0x0001, "SET"),
    (0x0002, "SET-PROP"),
    (0x0003, "SET-RESPONSE"),
    (0x0004, "SET-PROP-RESPONSE"),
    (0x0005, "DEL"),
    (0x0006, "DEL-RESPONSE"),
    (0x0007, "GET"),
    (0x0008, "GET-PROP"),
    (0x0009, "GET-RESPONSE"),
    (0x000a, "GET-PROP-RESPONSE"),
    (0x000b, "REPORT"),
    (0x000c, "COMMIT"),
    (0x000d, "COMMIT-RESPONSE"),
    (0x000e, "TRCOMP"),
];

/// RESULT-TLV result values (§7.1.7 Table 4, §A.5; 0x0F is E_CONTENTS_TOO_LONG as in §A.5,
/// Table 4 misprints it 0x0D).
pub static RESULT_NAMES: &[(u64, &str)] = &[
    (0x00, "E_SUCCESS"),
    (0x01, "E_INVALID_HEADER"),
    (0x02, "E_LENGTH_MISMATCH"),
    (0x03, "E_VERSION_MISMATCH"),
    (0x04, "E_INVALID_DESTINATION_PID"),
    (0x05, "E_LFB_UNKNOWN"),
    (0x06, "E_LFB_NOT_FOUND"),
    (0x07, "E_LFB_INSTANCE_ID_NOT_FOUND"),
    (0x08, "E_INVALID_PATH"),
    (0x09, "E_COMPONENT_DOES_NOT_EXIST"),
    (0x0a, "E_EXISTS"),
    (0x0b, "E_NOT_FOUND"),
    (0x0c, "E_READ_ONLY"),
    (0x0d, "E_INVALID_ARRAY_CREATION"),
    (0x0e, "E_VALUE_OUT_OF_RANGE"),
    (0x0f, "E_CONTENTS_TOO_LONG"),
    (0x10, "E_INVALID_PARAMETERS"),
    (0x11, "E_INVALID_MESSAGE_TYPE"),
    (0x12, "E_INVALID_FLAGS"),
    (0x13, "E_INVALID_TLV"),
    (0x14, "E_EVENT_ERROR"),
    (0x15, "E_NOT_SUPPORTED"),
    (0x16, "E_MEMORY_ERROR"),
    (0x17, "E_INTERNAL_ERROR"),
    (0xff, "E_UNSPECIFIED_ERROR"),
];

/// Association Setup Result values (§7.5.2, §A.6).
pub static ASRESULT_NAMES: &[(u64, &str)] = &[(0, "Success"), (1, "FE ID Invalid"), (2, "Permission Denied")];

/// Association Teardown reasons (§7.5.3, §A.7).
pub static ASTREASON_NAMES: &[(u64, &str)] = &[
    (0, "Normal teardown by administrator"),
    (1, "Error - loss of heartbeats"),
    (2, "Error - out of bandwidth"),
    (3, "Error - out of memory"),
    (4, "Error - application crash"),
    (255, "Error - other or unspecified"),
];

/// The name of `v` in a value-string table.
pub fn name_of(table: &'static [(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

/// Where a TLV list sits, which decides what its types mean (§6.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The message body: LFBselect, REDIRECT, ASResult, ASTreason (§7 Table 1).
    Top,
    /// Inside an LFBselect after the class and instance: OPER-TLVs (§7.1.5).
    Lfb,
    /// Inside an OPER-TLV, a PATH-DATA-TLV or a KEYINFO-TLV: PATH-DATA, KEYINFO, FULLDATA,
    /// SPARSEDATA, RESULT (§7 Figure 17).
    Data,
    /// Inside a REDIRECT-TLV: METADATA, REDIRECTDATA (§7.9).
    Redirect,
}

/// An ILV (§6.3): in a SPARSEDATA-TLV (§7.1.8) or a METADATA-TLV (§7.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ilv<'a> {
    pub id: u32,
    pub value: &'a [u8],
    /// The bytes that brought it to 32 bits, as they were (zero when sent, F2).
    pub pad: &'a [u8],
}

impl Ilv<'_> {
    /// The ILV length field: header and value, no padding (§6.3).
    pub fn length(&self) -> usize {
        ILV_HEADER_LEN + self.value.len()
    }
    pub fn wire_len(&self) -> usize {
        self.length() + self.pad.len()
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&(self.length() as u32).to_be_bytes());
        out.extend_from_slice(self.value);
        out.extend_from_slice(self.pad);
    }
}

/// A list of ILVs and the bytes after the last one that do not make an ILV.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ilvs<'a> {
    pub items: Vec<Ilv<'a>>,
    pub trailing: &'a [u8],
}

/// A list of TLVs and the bytes after the last one that do not make a TLV (too few for a
/// header, a length under 4, or a length past the container).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tlvs<'a> {
    pub items: Vec<Tlv<'a>>,
    pub trailing: &'a [u8],
}

impl<'a> Tlvs<'a> {
    pub fn new(items: Vec<Tlv<'a>>) -> Self {
        Tlvs { items, trailing: &[] }
    }
    pub fn wire_len(&self) -> usize {
        self.items.iter().map(Tlv::wire_len).sum::<usize>() + self.trailing.len()
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        for t in &self.items {
            t.emit(out);
        }
        out.extend_from_slice(self.trailing);
    }
}

/// A TLV's contents, by type within its [`Scope`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlvBody<'a> {
    /// LFBselect-TLV (§7.1.5): LFB class and instance, then OPER-TLVs.
    LfbSelect { class_id: u32, instance_id: u32, ops: Tlvs<'a> },
    /// An OPER-TLV of §7.1.6 Table 3 (the type says which): PATH-DATA and RESULT TLVs; COMMIT
    /// and TRCOMP are empty.
    Oper(Tlvs<'a>),
    /// PATH-DATA-TLV (§7, §7.1.2): flags, IDcount, IDs, then an optional KEYINFO-TLV (when
    /// the SELECTOR flag is set) and the data: FULLDATA, SPARSEDATA, RESULT or PATH-DATA TLVs.
    PathData { flags: u16, ids: Vec<u32>, rest: Tlvs<'a> },
    /// KEYINFO-TLV (§7): the key ID and the key's data in FULLDATA-TLVs.
    KeyInfo { key_id: u32, data: Tlvs<'a> },
    /// FULLDATA-TLV (§7.1.8): data laid out as the LFB defines it.
    FullData(&'a [u8]),
    /// SPARSEDATA-TLV (§7.1.8): one ILV per component.
    SparseData(Ilvs<'a>),
    /// RESULT-TLV (§7.1.7): a result value and 24 reserved bits.
    Result { code: u8, reserved: [u8; 3] },
    /// REDIRECT-TLV (§7.9): METADATA-TLV and REDIRECTDATA-TLV.
    Redirect(Tlvs<'a>),
    /// METADATA-TLV (§7.9): one ILV per meta data.
    MetaData(Ilvs<'a>),
    /// REDIRECTDATA-TLV (§7.9): the redirected packet.
    RedirectData(&'a [u8]),
    /// ASResult-TLV (§7.5.2).
    AsResult(u32),
    /// ASTreason-TLV (§7.5.3).
    AstReason(u32),
    /// A type not defined where it sits, or contents that do not fit the type (with the reason).
    Raw(&'a [u8]),
}

/// One TLV (§6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub ty: TlvType,
    pub body: TlvBody<'a>,
    /// The bytes that brought it to 32 bits, as they were (zero when sent, F2); fewer than
    /// needed when the container ended first.
    pub pad: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// A TLV with the zero padding it needs.
    pub fn new(ty: TlvType, body: TlvBody<'a>) -> Self {
        let mut t = Tlv { ty, body, pad: &[] };
        t.pad = &ZEROS[..pad_len(t.length())];
        t
    }
    /// The length of the value.
    pub fn value_len(&self) -> usize {
        match &self.body {
            TlvBody::LfbSelect { ops, .. } => 8 + ops.wire_len(),
            TlvBody::Oper(t) | TlvBody::Redirect(t) => t.wire_len(),
            TlvBody::PathData { ids, rest, .. } => 4 + 4 * ids.len() + rest.wire_len(),
            TlvBody::KeyInfo { data, .. } => 4 + data.wire_len(),
            TlvBody::FullData(b) | TlvBody::RedirectData(b) | TlvBody::Raw(b) => b.len(),
            TlvBody::SparseData(i) | TlvBody::MetaData(i) => {
                i.items.iter().map(Ilv::wire_len).sum::<usize>() + i.trailing.len()
            }
            TlvBody::Result { .. } | TlvBody::AsResult(_) | TlvBody::AstReason(_) => 4,
        }
    }
    /// The TLV length field: header and value, no padding (§6.2).
    pub fn length(&self) -> usize {
        TLV_HEADER_LEN + self.value_len()
    }
    /// Bytes on the wire, padding included.
    pub fn wire_len(&self) -> usize {
        self.length() + self.pad.len()
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ty.0.to_be_bytes());
        // A TLV built longer than 65,535 bytes cannot be sent; its length wraps as the field does.
        out.extend_from_slice(&(self.length() as u16).to_be_bytes());
        match &self.body {
            TlvBody::LfbSelect { class_id, instance_id, ops } => {
                out.extend_from_slice(&class_id.to_be_bytes());
                out.extend_from_slice(&instance_id.to_be_bytes());
                ops.emit(out);
            }
            TlvBody::Oper(t) | TlvBody::Redirect(t) => t.emit(out),
            TlvBody::PathData { flags, ids, rest } => {
                out.extend_from_slice(&flags.to_be_bytes());
                out.extend_from_slice(&(ids.len() as u16).to_be_bytes());
                for id in ids {
                    out.extend_from_slice(&id.to_be_bytes());
                }
                rest.emit(out);
            }
            TlvBody::KeyInfo { key_id, data } => {
                out.extend_from_slice(&key_id.to_be_bytes());
                data.emit(out);
            }
            TlvBody::FullData(b) | TlvBody::RedirectData(b) | TlvBody::Raw(b) => out.extend_from_slice(b),
            TlvBody::SparseData(i) | TlvBody::MetaData(i) => {
                for x in &i.items {
                    x.emit(out);
                }
                out.extend_from_slice(i.trailing);
            }
            TlvBody::Result { code, reserved } => {
                out.push(*code);
                out.extend_from_slice(reserved);
            }
            TlvBody::AsResult(v) | TlvBody::AstReason(v) => out.extend_from_slice(&v.to_be_bytes()),
        }
        out.extend_from_slice(self.pad);
    }
}

static ZEROS: [u8; 4] = [0; 4];

/// Padding bytes after `len` bytes to reach a multiple of 4.
pub fn pad_len(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// What a TLV of this type is in this scope, if the scope defines it: the TLV name (or the
/// OPER-TLV name in [`Scope::Lfb`]).
pub fn type_name(scope: Scope, ty: TlvType) -> Option<&'static str> {
    let t = u64::from(ty.0);
    match scope {
        Scope::Lfb => name_of(OPER_NAMES, t),
        Scope::Top => match ty {
            TlvType::LFBSELECT | TlvType::REDIRECT | TlvType::ASRESULT | TlvType::ASTREASON => {
                name_of(TLV_TYPE_NAMES, t)
            }
            _ => None,
        },
        Scope::Data => match ty {
            TlvType::PATH_DATA | TlvType::KEYINFO | TlvType::FULLDATA | TlvType::SPARSEDATA | TlvType::RESULT => {
                name_of(TLV_TYPE_NAMES, t)
            }
            _ => None,
        },
        Scope::Redirect => match ty {
            TlvType::METADATA | TlvType::REDIRECTDATA => name_of(TLV_TYPE_NAMES, t),
            _ => None,
        },
    }
}

/// Read a TLV list filling `input` (a message body or a TLV's value), in `scope`.
pub fn parse_tlvs(input: &[u8], scope: Scope) -> Tlvs<'_> {
    parse_tlvs_at(input, scope, 0)
}

fn parse_tlvs_at(input: &[u8], scope: Scope, depth: usize) -> Tlvs<'_> {
    let mut items = Vec::new();
    let mut rest = input;
    while rest.len() >= TLV_HEADER_LEN {
        let ty = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        if len < TLV_HEADER_LEN || len > rest.len() {
            break;
        }
        let value = &rest[TLV_HEADER_LEN..len];
        let pad_end = (len + pad_len(len)).min(rest.len());
        let pad = &rest[len..pad_end];
        let body = parse_body(TlvType(ty), value, scope, depth);
        items.push(Tlv { ty: TlvType(ty), body, pad });
        rest = &rest[pad_end..];
    }
    Tlvs { items, trailing: rest }
}

fn parse_ilvs(input: &[u8]) -> Ilvs<'_> {
    let mut items = Vec::new();
    let mut rest = input;
    while rest.len() >= ILV_HEADER_LEN {
        let id = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let Ok(len) = usize::try_from(len) else { break };
        if len < ILV_HEADER_LEN || len > rest.len() {
            break;
        }
        let pad_end = (len + pad_len(len)).min(rest.len());
        items.push(Ilv { id, value: &rest[ILV_HEADER_LEN..len], pad: &rest[len..pad_end] });
        rest = &rest[pad_end..];
    }
    Ilvs { items, trailing: rest }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn parse_body(ty: TlvType, v: &[u8], scope: Scope, depth: usize) -> TlvBody<'_> {
    if depth >= MAX_DEPTH {
        return TlvBody::Raw(v);
    }
    let d = depth + 1;
    match scope {
        Scope::Top => match ty {
            TlvType::LFBSELECT => match (u32_at(v, 0), u32_at(v, 4)) {
                (Some(class_id), Some(instance_id)) => {
                    TlvBody::LfbSelect { class_id, instance_id, ops: parse_tlvs_at(&v[8..], Scope::Lfb, d) }
                }
                _ => TlvBody::Raw(v),
            },
            TlvType::REDIRECT => TlvBody::Redirect(parse_tlvs_at(v, Scope::Redirect, d)),
            TlvType::ASRESULT if v.len() == 4 => TlvBody::AsResult(u32_at(v, 0).unwrap_or(0)),
            TlvType::ASTREASON if v.len() == 4 => TlvBody::AstReason(u32_at(v, 0).unwrap_or(0)),
            _ => TlvBody::Raw(v),
        },
        Scope::Lfb if type_name(Scope::Lfb, ty).is_some() => TlvBody::Oper(parse_tlvs_at(v, Scope::Data, d)),
        Scope::Lfb => TlvBody::Raw(v),
        Scope::Data => match ty {
            TlvType::PATH_DATA => {
                let (Some(fl), Some(n)) = (v.get(0..2), v.get(2..4)) else { return TlvBody::Raw(v) };
                let flags = u16::from_be_bytes([fl[0], fl[1]]);
                let count = usize::from(u16::from_be_bytes([n[0], n[1]]));
                let end = 4 + 4 * count;
                let Some(idb) = v.get(4..end) else { return TlvBody::Raw(v) };
                let ids = idb.chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect();
                TlvBody::PathData { flags, ids, rest: parse_tlvs_at(&v[end..], Scope::Data, d) }
            }
            TlvType::KEYINFO => match u32_at(v, 0) {
                Some(key_id) => TlvBody::KeyInfo { key_id, data: parse_tlvs_at(&v[4..], Scope::Data, d) },
                None => TlvBody::Raw(v),
            },
            TlvType::FULLDATA => TlvBody::FullData(v),
            TlvType::SPARSEDATA => TlvBody::SparseData(parse_ilvs(v)),
            TlvType::RESULT if v.len() == 4 => TlvBody::Result { code: v[0], reserved: [v[1], v[2], v[3]] },
            _ => TlvBody::Raw(v),
        },
        Scope::Redirect => match ty {
            TlvType::METADATA => TlvBody::MetaData(parse_ilvs(v)),
            TlvType::REDIRECTDATA => TlvBody::RedirectData(v),
            _ => TlvBody::Raw(v),
        },
    }
}

/// Why a TLV of a type defined in its scope is kept as raw bytes.
pub fn raw_reason(scope: Scope, ty: TlvType, value_len: usize) -> Option<String> {
    type_name(scope, ty)?;
    Some(match (scope, ty) {
        (Scope::Top, TlvType::LFBSELECT) => {
            format!("LFBselect-TLV value of {value_len} bytes: too short for class and instance IDs (§7.1.5: 8)")
        }
        (Scope::Top, TlvType::ASRESULT) | (Scope::Top, TlvType::ASTREASON) => {
            format!("{} value of {value_len} bytes; expected 4 (§7.5.2, §7.5.3)", type_name(scope, ty).unwrap_or(""))
        }
        (Scope::Data, TlvType::PATH_DATA) => {
            format!("PATH-DATA-TLV value of {value_len} bytes is too short for its flags, IDcount and IDs (§7)")
        }
        (Scope::Data, TlvType::KEYINFO) => {
            format!("KEYINFO-TLV value of {value_len} bytes is too short for a KeyID (§7)")
        }
        (Scope::Data, TlvType::RESULT) => format!("RESULT-TLV value of {value_len} bytes; expected 4 (§7.1.7)"),
        _ => format!("value of {value_len} bytes does not fit the type"),
    })
}

/// A ForCES message: common header and body (§6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    /// The top-level TLVs of the body (empty for a Heartbeat, §7.10).
    pub body: Tlvs<'a>,
}

impl<'a> Message<'a> {
    /// A message with the header length set from the body.
    pub fn new(msg_type: MessageType, src: u32, dst: u32, correlator: u64, flags: Flags, body: Vec<Tlv<'a>>) -> Self {
        let body = Tlvs::new(body);
        let mut m = Message {
            header: Header { version: VERSION, rsvd: 0, msg_type, length: 0, src, dst, correlator, flags },
            body,
        };
        m.header.length = (m.wire_len() / 4) as u16;
        m
    }
    /// Bytes of the message as built (header and body).
    pub fn wire_len(&self) -> usize {
        HEADER_LEN + self.body.wire_len()
    }
    /// Write the header (its length field as it is) and the body.
    pub fn emit(&self, out: &mut Vec<u8>) {
        self.header.emit(out);
        self.body.emit(out);
    }
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.wire_len());
        self.emit(&mut v);
        v
    }
}

/// Read one message: the common header, then the body of the header's length (F2). Returns
/// the bytes after it.
pub fn parse(input: &[u8]) -> Result<(Message<'_>, &[u8]), ParseError> {
    let header = parse_header(input)?;
    let n = header.byte_len();
    if n < HEADER_LEN {
        return Err(ParseError::BadValue {
            offset: 2,
            what: "header length",
            expected: "at least 6 words (the header's 24 bytes, §6.1)",
            found: u64::from(header.length),
        });
    }
    let Some(body) = input.get(HEADER_LEN..n) else {
        return Err(ParseError::Truncated { offset: 0, what: "message", needed: n, available: input.len() });
    };
    Ok((Message { header, body: parse_tlvs(body, Scope::Top) }, &input[n..]))
}

/// The strict check that a user message is ForCES (F1): version 1, a message type of §A.1,
/// the header length equal to the message length, reserved flag bits clear, and a body of
/// well-formed top-level TLVs of known types (none for a Heartbeat).
pub fn heuristic(d: &[u8]) -> bool {
    let Ok(h) = parse_header(d) else { return false };
    if h.version != VERSION || h.rsvd != 0 || !MessageType::KNOWN.contains(&h.msg_type) {
        return false;
    }
    if h.byte_len() != d.len() || h.flags.reserved() != 0 || h.flags.rsvd() != 0 {
        return false;
    }
    let body = parse_tlvs(&d[HEADER_LEN..], Scope::Top);
    if !body.trailing.is_empty() {
        return false;
    }
    if h.msg_type == MessageType::HEARTBEAT {
        return body.items.is_empty();
    }
    !body.items.is_empty()
        && body.items.iter().all(|t| type_name(Scope::Top, t.ty).is_some() && !matches!(t.body, TlvBody::Raw(_)))
}
