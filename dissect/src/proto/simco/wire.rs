//! SIMCO messages on the wire: the header, message types, TLV attributes and their sub-fields
//! (RFC 4540 §4), with `parse` and `emit`.
//!
//! Header, §4.2 (Figure 2; all numbers big-endian):
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Basic Type   |   Sub-Type    |         Message Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |               Transaction Identifier (TID)                    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! The message length counts the payload only, not the 8-byte header (§4.2, S6).
//!
//! Attribute, §4.3 (Figure 3): a 16-bit type, a 16-bit length of the value in octets, the
//! value. No padding follows a value whose length is not a multiple of 4 (S1).
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        attribute type         |        attribute length       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                             value ...
//! ```
//!
//! Parsing is strict about the header and the message length (the bytes must be there) and lax
//! inside the payload: an attribute of a known type with a length its type cannot have is kept
//! as [`Attribute::BadLength`], an unknown type as [`Attribute::Unknown`], 1 to 3 stray bytes
//! as [`Trailer::Partial`] and an attribute running past the message as [`Trailer::Overrun`]
//! (S1). So [`Message::emit`] writes back exactly what [`parse`] read.

use std::fmt;

/// Bytes in the SIMCO header (§4.2: 64 bits).
pub const HEADER_LEN: usize = 8;
/// Bytes in an attribute's type and length (§4.3).
pub const ATTR_HEADER_LEN: usize = 4;
/// Largest payload the 16-bit message length can describe.
pub const MAX_PAYLOAD: usize = 65_535;
/// TCP port middleboxes listen on (§3); the SCTP draft §6 asks for the same SCTP port (S4).
pub const PORT: u16 = 7626;
/// SCTP payload protocol identifier sent and recognised: IANA's "SIMCO" (the draft's "TBD", S4).
pub const PPID: u32 = 15;
/// Longest authentication challenge or token (§4.3.2).
pub const MAX_AUTH: usize = 4096;
/// Longest policy rule owner (§4.3.7).
pub const MAX_OWNER: usize = 255;

/// Why a message could not be read. Offsets count from the start of the slice given to [`parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than a header field or the declared payload needs.
    #[error("{what} at byte {offset}: needs {needed} bytes, {available} left")]
    Truncated { offset: usize, what: &'static str, needed: usize, available: usize },
}

impl ParseError {
    /// The byte offset the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Truncated { offset, .. } => *offset,
        }
    }
}

/// The basic message type (§4.2.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BasicType(pub u8);

impl BasicType {
    pub const REQUEST: BasicType = BasicType(0x01);
    pub const POSITIVE_REPLY: BasicType = BasicType(0x02);
    pub const NEGATIVE_REPLY: BasicType = BasicType(0x03);
    pub const NOTIFICATION: BasicType = BasicType(0x04);

    /// The §4.2.1 name.
    pub fn name(self) -> Option<&'static str> {
        BASIC_NAMES.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }

    /// Whether this is a positive or negative reply.
    pub fn is_reply(self) -> bool {
        self == BasicType::POSITIVE_REPLY || self == BasicType::NEGATIVE_REPLY
    }
}

impl fmt::Debug for BasicType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BasicType({:#04x})", self.0)
    }
}

/// Basic types and their names (§4.2.1), as value strings.
pub static BASIC_NAMES: &[(u64, &str)] =
    &[(0x01, "Request"), (0x02, "Positive Reply"), (0x03, "Negative Reply"), (0x04, "Notification")];

/// Sub-types of requests and positive replies (§4.2.2). Negative replies (§4.2.3) and
/// notifications (§4.2.4) have their own numbering: see [`NEGATIVE_NAMES`] and
/// [`NOTIFICATION_NAMES`].
pub mod sub {
    /// Session establishment.
    pub const SE: u8 = 0x01;
    /// Session authentication.
    pub const SA: u8 = 0x02;
    /// Session termination.
    pub const ST: u8 = 0x03;
    /// Policy reserve rule.
    pub const PRR: u8 = 0x11;
    /// Policy enable rule.
    pub const PER: u8 = 0x12;
    /// PER after reservation (request only).
    pub const PEA: u8 = 0x13;
    /// Policy disable rule.
    pub const PDR: u8 = 0x14;
    /// Policy rule lifetime change. A valid request: §6's "policy rule deletion (0x15)" is read
    /// as PRD, 0x16 (S3).
    pub const PLC: u8 = 0x15;
    /// Policy rule deleted (positive reply only).
    pub const PRD: u8 = 0x16;
    /// Policy rule status (the SCTP draft's "PS", S2).
    pub const PRS: u8 = 0x21;
    /// Policy rule list.
    pub const PRL: u8 = 0x22;
    /// Policy enable rule status (positive reply only).
    pub const PES: u8 = 0x23;
    /// Policy disable rule status (positive reply only).
    pub const PDS: u8 = 0x24;

    /// Notification sub-types (§4.2.4): badly formed message received.
    pub const BFM: u8 = 0x01;
    /// Asynchronous session termination.
    pub const AST: u8 = 0x02;
    /// Asynchronous policy rule event.
    pub const ARE: u8 = 0x03;

    /// Negative reply (§4.2.3): protocol version mismatch, the one negative reply with an
    /// attribute (§5.2.6, Figure 22a).
    pub const NEG_VERSION_MISMATCH: u8 = 0x22;
}

/// Request and positive reply sub-types and their abbreviations (§4.2.2).
pub static SUB_NAMES: &[(u64, &str)] = &[
    (0x01, "SE"),
    (0x02, "SA"),
    (0x03, "ST"),
    (0x11, "PRR"),
    (0x12, "PER"),
    (0x13, "PEA"),
    (0x14, "PDR"),
    (0x15, "PLC"),
    (0x16, "PRD"),
    (0x21, "PRS"),
    (0x22, "PRL"),
    (0x23, "PES"),
    (0x24, "PDS"),
];

/// Negative reply sub-types (§4.2.3).
pub static NEGATIVE_NAMES: &[(u64, &str)] = &[
    (0x10, "wrong basic request message type"),
    (0x11, "wrong request message sub-type"),
    (0x12, "badly formed request"),
    (0x13, "reply message too big"),
    (0x20, "request not applicable"),
    (0x21, "lack of resources"),
    (0x22, "protocol version mismatch"),
    (0x23, "authentication failed"),
    (0x24, "no authorization"),
    (0x25, "transport protocol problem"),
    (0x26, "security of underlying protocol layers insufficient"),
    (0x40, "transaction not supported"),
    (0x41, "agent not authorized for this transaction"),
    (0x42, "no resources available for this transaction"),
    (0x43, "specified policy rule does not exist"),
    (0x44, "specified policy rule group does not exist"),
    (0x45, "not authorized for accessing specified policy"),
    (0x46, "not authorized for accessing specified group"),
    (0x47, "requested address space not available"),
    (0x48, "lack of IP addresses"),
    (0x49, "lack of port numbers"),
    (0x4A, "middlebox configuration failed"),
    (0x4B, "inconsistent request"),
    (0x4C, "requested wildcarding not supported"),
    (0x4D, "protocol type doesn't match"),
    (0x4E, "NAT mode not supported"),
    (0x4F, "IP version mismatch"),
    (0x50, "conflict with existing rule"),
    (0x51, "not authorized to change lifetime"),
    (0x52, "lifetime can't be extended"),
    (0x53, "illegal IP Address"),
    (0x54, "protocol type not supported"),
    (0x55, "illegal port number"),
    (0x56, "illegal number of subsequent ports (NOSP)"),
    (0x57, "already enable PID"),
    (0x58, "parity doesn't match"),
];

/// Notification sub-types (§4.2.4).
pub static NOTIFICATION_NAMES: &[(u64, &str)] = &[(0x01, "BFM"), (0x02, "AST"), (0x03, "ARE")];

/// Every message type of RFC 4540 (§5.1, §5.2, §5.3) as basic type << 8 | sub-type, with its
/// name; the §5.3 list's "negative reply: BFM/ARE notification" are notifications (S7).
pub static TYPE_NAMES: &[(u64, &str)] = &[
    (0x0101, "SE request"),
    (0x0102, "SA request"),
    (0x0103, "ST request"),
    (0x0111, "PRR request"),
    (0x0112, "PER request"),
    (0x0113, "PEA request"),
    (0x0114, "PDR request"),
    (0x0115, "PLC request"),
    (0x0121, "PRS request"),
    (0x0122, "PRL request"),
    (0x0201, "SE positive reply"),
    (0x0202, "SA positive reply"),
    (0x0203, "ST positive reply"),
    (0x0211, "PRR positive reply"),
    (0x0212, "PER positive reply"),
    (0x0214, "PDR positive reply"),
    (0x0215, "PLC positive reply"),
    (0x0216, "PRD positive reply"),
    (0x0221, "PRS positive reply"),
    (0x0222, "PRL positive reply"),
    (0x0223, "PES positive reply"),
    (0x0224, "PDS positive reply"),
    (0x0310, "negative reply: wrong basic request message type"),
    (0x0311, "negative reply: wrong request message sub-type"),
    (0x0312, "negative reply: badly formed request"),
    (0x0313, "negative reply: reply message too big"),
    (0x0320, "negative reply: request not applicable"),
    (0x0321, "negative reply: lack of resources"),
    (0x0322, "negative reply: protocol version mismatch"),
    (0x0323, "negative reply: authentication failed"),
    (0x0324, "negative reply: no authorization"),
    (0x0325, "negative reply: transport protocol problem"),
    (0x0326, "negative reply: security of underlying protocol layers insufficient"),
    (0x0340, "negative reply: transaction not supported"),
    (0x0341, "negative reply: agent not authorized for this transaction"),
    (0x0342, "negative reply: no resources available for this transaction"),
    (0x0343, "negative reply: specified policy rule does not exist"),
    (0x0344, "negative reply: specified policy rule group does not exist"),
    (0x0345, "negative reply: not authorized for accessing specified policy"),
    (0x0346, "negative reply: not authorized for accessing specified group"),
    (0x0347, "negative reply: requested address space not available"),
    (0x0348, "negative reply: lack of IP addresses"),
    (0x0349, "negative reply: lack of port numbers"),
    (0x034A, "negative reply: middlebox configuration failed"),
    (0x034B, "negative reply: inconsistent request"),
    (0x034C, "negative reply: requested wildcarding not supported"),
    (0x034D, "negative reply: protocol type doesn't match"),
    (0x034E, "negative reply: NAT mode not supported"),
    (0x034F, "negative reply: IP version mismatch"),
    (0x0350, "negative reply: conflict with existing rule"),
    (0x0351, "negative reply: not authorized to change lifetime"),
    (0x0352, "negative reply: lifetime can't be extended"),
    (0x0353, "negative reply: illegal IP Address"),
    (0x0354, "negative reply: protocol type not supported"),
    (0x0355, "negative reply: illegal port number"),
    (0x0356, "negative reply: illegal NOSP"),
    (0x0357, "negative reply: already enable PID"),
    (0x0358, "negative reply: parity doesn't match"),
    (0x0401, "BFM notification"),
    (0x0402, "AST notification"),
    (0x0403, "ARE notification"),
];

/// A message type: basic type and sub-type; only the pair identifies a message (§4.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgType {
    pub basic: BasicType,
    pub sub: u8,
}

impl MsgType {
    pub const fn new(basic: u8, sub: u8) -> Self {
        MsgType { basic: BasicType(basic), sub }
    }
    pub const fn request(sub: u8) -> Self {
        MsgType::new(0x01, sub)
    }
    pub const fn positive(sub: u8) -> Self {
        MsgType::new(0x02, sub)
    }
    pub const fn negative(sub: u8) -> Self {
        MsgType::new(0x03, sub)
    }
    pub const fn notification(sub: u8) -> Self {
        MsgType::new(0x04, sub)
    }

    /// Basic type << 8 | sub-type, as §5 writes types (`0x0111` for a PRR request).
    pub fn code(self) -> u16 {
        u16::from_be_bytes([self.basic.0, self.sub])
    }

    /// The §5 name (`PRR request`, `negative reply: lack of IP addresses`), if RFC 4540
    /// defines the combination.
    pub fn name(self) -> Option<&'static str> {
        let c = self.code() as u64;
        TYPE_NAMES.iter().find(|(v, _)| *v == c).map(|(_, n)| *n)
    }

    /// The sub-type's name within its basic type: `PRR`, `lack of IP addresses`, `ARE`.
    pub fn sub_name(self) -> Option<&'static str> {
        let table = match self.basic {
            BasicType::REQUEST | BasicType::POSITIVE_REPLY => SUB_NAMES,
            BasicType::NEGATIVE_REPLY => NEGATIVE_NAMES,
            BasicType::NOTIFICATION => NOTIFICATION_NAMES,
            _ => return None,
        };
        table.iter().find(|(v, _)| *v == self.sub as u64).map(|(_, n)| *n)
    }

    /// The name, or the numbers when RFC 4540 does not define the combination.
    pub fn text(self) -> String {
        match self.name() {
            Some(n) => n.to_string(),
            None => format!("unknown message type 0x{:04x}", self.code()),
        }
    }

    /// Whether the sub-type is a session control one (SE, SA, ST, §5.2).
    pub fn is_session_control(self) -> bool {
        matches!(self.basic, BasicType::REQUEST | BasicType::POSITIVE_REPLY)
            && matches!(self.sub, sub::SE | sub::SA | sub::ST)
    }
}

impl fmt::Debug for MsgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MsgType({:#06x})", self.code())
    }
}

/// An attribute type (§4.3). Unknown values are kept and shown by number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrType(pub u16);

impl AttrType {
    pub const VERSION: AttrType = AttrType(0x0001);
    pub const AUTH_CHALLENGE: AttrType = AttrType(0x0002);
    pub const AUTH_TOKEN: AttrType = AttrType(0x0003);
    pub const CAPABILITIES: AttrType = AttrType(0x0004);
    pub const PID: AttrType = AttrType(0x0005);
    pub const GID: AttrType = AttrType(0x0006);
    pub const LIFETIME: AttrType = AttrType(0x0007);
    pub const OWNER: AttrType = AttrType(0x0008);
    pub const ADDRESS_TUPLE: AttrType = AttrType(0x0009);
    pub const PRR_PARAMS: AttrType = AttrType(0x000A);
    pub const PER_PARAMS: AttrType = AttrType(0x000B);

    /// The §4.3 description.
    pub fn name(self) -> Option<&'static str> {
        ATTR_NAMES.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }

    /// Short name for messages: the description, or the number.
    pub fn text(self) -> String {
        match self.name() {
            Some(n) => n.to_string(),
            None => format!("attribute 0x{:04x}", self.0),
        }
    }
}

impl fmt::Debug for AttrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AttrType({:#06x})", self.0)
    }
}

/// Attribute types and their §4.3 descriptions, as value strings.
pub static ATTR_NAMES: &[(u64, &str)] = &[
    (0x0001, "SIMCO protocol version"),
    (0x0002, "authentication challenge"),
    (0x0003, "authentication token"),
    (0x0004, "middlebox capabilities"),
    (0x0005, "policy rule identifier"),
    (0x0006, "group identifier"),
    (0x0007, "policy rule lifetime"),
    (0x0008, "policy rule owner"),
    (0x0009, "address tuple"),
    (0x000A, "PRR parameter set"),
    (0x000B, "PER parameter set"),
];

/// The middlebox capabilities attribute (§4.3.3, Figure 7).
/// ```text
/// |    MB type    |I|E|P|S|IIV|EIV|           reserved            |
/// |                  max policy rule lifetime                     |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Middlebox type bits ([`mb`]).
    pub mb_type: u8,
    /// I, E, P, S (bits 7-4), IIV (bits 3-2), EIV (bits 1-0).
    pub flags: u8,
    pub reserved: u16,
    pub max_lifetime: u32,
}

/// Bits of the capabilities' MB type (§4.3.3).
pub mod mb {
    pub const FIREWALL: u8 = 0x80;
    pub const NAT: u8 = 0x40;
    pub const PDR: u8 = 0x10;
    pub const TWICE_NAT: u8 = 0x04;
    pub const PROTOCOL_TRANSLATION: u8 = 0x02;
    pub const PORT_TRANSLATION: u8 = 0x01;
    /// Bits §4.3.3 defines.
    pub const DEFINED: u8 = FIREWALL | NAT | PDR | TWICE_NAT | PROTOCOL_TRANSLATION | PORT_TRANSLATION;
    /// Bits that need the NAT bit (§4.3.3: "requires 0x40 set").
    pub const NEEDS_NAT: u8 = TWICE_NAT | PROTOCOL_TRANSLATION | PORT_TRANSLATION;
}

/// Masks of the capabilities' flag byte (§4.3.3).
pub mod capflag {
    /// Internal IP address wildcard support.
    pub const I: u8 = 0x80;
    /// External IP address wildcard support.
    pub const E: u8 = 0x40;
    /// Port wildcard support.
    pub const P: u8 = 0x20;
    /// Persistent storage of policy rules.
    pub const S: u8 = 0x10;
    /// Internal IP version.
    pub const IIV: u8 = 0x0C;
    /// External IP version.
    pub const EIV: u8 = 0x03;
}

/// IP version support codes of IIV and EIV (§4.3.3).
pub static IP_SUPPORT_NAMES: &[(u64, &str)] = &[(1, "IPv4"), (2, "IPv6"), (3, "IPv4 and IPv6 (dual stack)")];

impl Capabilities {
    /// Internal IP version support (IIV).
    pub fn iiv(&self) -> u8 {
        (self.flags & capflag::IIV) >> 2
    }
    /// External IP version support (EIV).
    pub fn eiv(&self) -> u8 {
        self.flags & capflag::EIV
    }
}

/// The address of an address tuple, by the attribute's length (§4.3.8, Figure 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TupleAddr {
    /// Length 4: protocols only, no port or address.
    None,
    /// Length 12: port, port range, IPv4 address.
    V4 { port: u16, range: u16, ip: [u8; 4] },
    /// Length 24: port, port range, IPv6 address.
    V6 { port: u16, range: u16, ip: [u8; 16] },
}

/// The address tuple attribute (§4.3.8, Figure 12).
/// ```text
/// | type  |IP ver.| prefix length |trnsp. protocol|   location    |
/// |          port number          |          port range           |   (full addresses)
/// |                  IPv4 (4 bytes) or IPv6 (16 bytes) address    |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressTuple {
    /// 0: full addresses, 1: protocols only (high nibble of the first byte).
    pub kind: u8,
    /// 1: IPv4, 2: IPv6 (low nibble).
    pub ip_version: u8,
    pub prefix_len: u8,
    /// IP protocol number.
    pub protocol: u8,
    /// 0: internal (A0), 1: inside (A1), 2: outside (A2), 3: external (A3).
    pub location: u8,
    pub addr: TupleAddr,
}

/// Address tuple types (§4.3.8).
pub static TUPLE_KIND_NAMES: &[(u64, &str)] = &[(0, "full addresses"), (1, "protocols only")];
/// Address tuple IP versions (§4.3.8).
pub static TUPLE_IP_NAMES: &[(u64, &str)] = &[(1, "IPv4"), (2, "IPv6")];
/// Address tuple locations (§4.3.8).
pub static LOCATION_NAMES: &[(u64, &str)] =
    &[(0, "internal (A0)"), (1, "inside (A1)"), (2, "outside (A2)"), (3, "external (A3)")];

impl AddressTuple {
    /// Value length on the wire: 4, 12 or 24 (§4.3.8).
    pub fn value_len(&self) -> usize {
        match self.addr {
            TupleAddr::None => 4,
            TupleAddr::V4 { .. } => 12,
            TupleAddr::V6 { .. } => 24,
        }
    }

    fn emit(&self, out: &mut Vec<u8>) {
        out.push((self.kind << 4) | (self.ip_version & 0x0f));
        out.extend_from_slice(&[self.prefix_len, self.protocol, self.location]);
        match self.addr {
            TupleAddr::None => {}
            TupleAddr::V4 { port, range, ip } => {
                out.extend_from_slice(&port.to_be_bytes());
                out.extend_from_slice(&range.to_be_bytes());
                out.extend_from_slice(&ip);
            }
            TupleAddr::V6 { port, range, ip } => {
                out.extend_from_slice(&port.to_be_bytes());
                out.extend_from_slice(&range.to_be_bytes());
                out.extend_from_slice(&ip);
            }
        }
    }

    fn parse(v: &[u8]) -> Option<AddressTuple> {
        let head = v.get(..4)?;
        let (kind, ip_version) = (head[0] >> 4, head[0] & 0x0f);
        let (prefix_len, protocol, location) = (head[1], head[2], head[3]);
        let port = || u16::from_be_bytes([v[4], v[5]]);
        let range = || u16::from_be_bytes([v[6], v[7]]);
        let addr = match v.len() {
            4 => TupleAddr::None,
            12 => {
                let mut ip = [0u8; 4];
                ip.copy_from_slice(&v[8..12]);
                TupleAddr::V4 { port: port(), range: range(), ip }
            }
            24 => {
                let mut ip = [0u8; 16];
                ip.copy_from_slice(&v[8..24]);
                TupleAddr::V6 { port: port(), range: range(), ip }
            }
            _ => return None,
        };
        // The nibbles must round-trip: they do, as emit writes them back as read.
        Some(AddressTuple { kind, ip_version, prefix_len, protocol, location, addr })
    }

    /// The tuple as text: `udp 192.0.2.1:5000 (x2) /32 internal`.
    pub fn text(&self) -> String {
        let proto = match self.protocol {
            6 => "tcp".to_string(),
            17 => "udp".to_string(),
            132 => "sctp".to_string(),
            0 => "any".to_string(),
            p => format!("proto {p}"),
        };
        let loc = match self.location {
            0 => "A0",
            1 => "A1",
            2 => "A2",
            3 => "A3",
            _ => "A?",
        };
        match self.addr {
            TupleAddr::None => format!("{proto} (protocols only) {loc}"),
            TupleAddr::V4 { port, range, ip } => {
                format!(
                    "{proto} {}/{}:{}{} {loc}",
                    std::net::Ipv4Addr::from(ip),
                    self.prefix_len,
                    port,
                    range_text(range)
                )
            }
            TupleAddr::V6 { port, range, ip } => {
                format!(
                    "{proto} [{}/{}]:{}{} {loc}",
                    std::net::Ipv6Addr::from(ip),
                    self.prefix_len,
                    port,
                    range_text(range)
                )
            }
        }
    }
}

fn range_text(r: u16) -> String {
    if r == 1 {
        String::new()
    } else {
        format!("+{r}")
    }
}

/// The PRR parameter set attribute (§4.3.9, Figure 13).
/// ```text
/// |NM |PP |IPi|IPo|trnsp. protocol|           port range          |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrrParams {
    /// NAT mode: 1 traditional, 2 twice (2 bits).
    pub nat_mode: u8,
    /// Port parity: 0 any, 1 odd, 2 even (2 bits).
    pub parity: u8,
    /// Requested inside / outside IP version: 0 any, 1 IPv4, 2 IPv6 (2 bits each).
    pub ip_inside: u8,
    pub ip_outside: u8,
    pub protocol: u8,
    /// Port range; 0xFFFF: all ports; 0 is invalid.
    pub port_range: u16,
}

/// PRR NAT modes (§4.3.9).
pub static NAT_MODE_NAMES: &[(u64, &str)] = &[(1, "traditional"), (2, "twice")];
/// PRR port parities (§4.3.9).
pub static PRR_PARITY_NAMES: &[(u64, &str)] = &[(0, "any"), (1, "odd"), (2, "even")];
/// PRR IP versions (§4.3.9).
pub static PRR_IP_NAMES: &[(u64, &str)] = &[(0, "any"), (1, "IPv4"), (2, "IPv6")];

impl PrrParams {
    fn emit(&self, out: &mut Vec<u8>) {
        out.push(
            ((self.nat_mode & 3) << 6) | ((self.parity & 3) << 4) | ((self.ip_inside & 3) << 2) | (self.ip_outside & 3),
        );
        out.push(self.protocol);
        out.extend_from_slice(&self.port_range.to_be_bytes());
    }
    fn parse(v: [u8; 4]) -> Self {
        PrrParams {
            nat_mode: v[0] >> 6,
            parity: (v[0] >> 4) & 3,
            ip_inside: (v[0] >> 2) & 3,
            ip_outside: v[0] & 3,
            protocol: v[1],
            port_range: u16::from_be_bytes([v[2], v[3]]),
        }
    }
}

/// The PER parameter set attribute (§4.3.10, Figure 14).
/// ```text
/// |  port parity  |   direction   |           reserved            |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerParams {
    /// 0 any, 3 same.
    pub parity: u8,
    /// 1 inbound, 2 outbound, 3 bi-directional.
    pub direction: u8,
    pub reserved: u16,
}

/// PER port parities (§4.3.10).
pub static PER_PARITY_NAMES: &[(u64, &str)] = &[(0, "any"), (3, "same")];
/// PER directions (§4.3.10).
pub static DIRECTION_NAMES: &[(u64, &str)] = &[(1, "inbound"), (2, "outbound"), (3, "bi-directional")];

/// One attribute (§4.3), by type. Build attributes with [`Attribute::from_wire`] to get the arm
/// `parse` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute<'a> {
    /// 0x0001 (§4.3.1): major, minor, 2 reserved bytes.
    Version { major: u8, minor: u8, reserved: u16 },
    /// 0x0002 (§4.3.2), at most 4096 bytes.
    AuthChallenge(&'a [u8]),
    /// 0x0003 (§4.3.2), at most 4096 bytes.
    AuthToken(&'a [u8]),
    /// 0x0004 (§4.3.3).
    Capabilities(Capabilities),
    /// 0x0005 (§4.3.4).
    Pid(u32),
    /// 0x0006 (§4.3.5).
    Gid(u32),
    /// 0x0007 (§4.3.6), seconds.
    Lifetime(u32),
    /// 0x0008 (§4.3.7), at most 255 bytes.
    Owner(&'a [u8]),
    /// 0x0009 (§4.3.8).
    AddressTuple(AddressTuple),
    /// 0x000A (§4.3.9).
    PrrParams(PrrParams),
    /// 0x000B (§4.3.10).
    PerParams(PerParams),
    /// A known type whose length its type cannot have: kept as read.
    BadLength { ty: AttrType, value: &'a [u8] },
    /// A type RFC 4540 does not define.
    Unknown { ty: AttrType, value: &'a [u8] },
}

fn u32_of(v: &[u8]) -> Option<u32> {
    let b: [u8; 4] = v.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

impl<'a> Attribute<'a> {
    /// The attribute a type and value read from the wire are.
    pub fn from_wire(ty: AttrType, value: &'a [u8]) -> Attribute<'a> {
        let bad = Attribute::BadLength { ty, value };
        match ty {
            AttrType::VERSION => match value {
                [major, minor, r0, r1] => {
                    Attribute::Version { major: *major, minor: *minor, reserved: u16::from_be_bytes([*r0, *r1]) }
                }
                _ => bad,
            },
            AttrType::AUTH_CHALLENGE => Attribute::AuthChallenge(value),
            AttrType::AUTH_TOKEN => Attribute::AuthToken(value),
            AttrType::CAPABILITIES => match value {
                [mb_type, flags, r0, r1, l0, l1, l2, l3] => Attribute::Capabilities(Capabilities {
                    mb_type: *mb_type,
                    flags: *flags,
                    reserved: u16::from_be_bytes([*r0, *r1]),
                    max_lifetime: u32::from_be_bytes([*l0, *l1, *l2, *l3]),
                }),
                _ => bad,
            },
            AttrType::PID => u32_of(value).map_or(bad, Attribute::Pid),
            AttrType::GID => u32_of(value).map_or(bad, Attribute::Gid),
            AttrType::LIFETIME => u32_of(value).map_or(bad, Attribute::Lifetime),
            AttrType::OWNER => Attribute::Owner(value),
            AttrType::ADDRESS_TUPLE => AddressTuple::parse(value).map_or(bad, Attribute::AddressTuple),
            AttrType::PRR_PARAMS => match <[u8; 4]>::try_from(value) {
                Ok(v) => Attribute::PrrParams(PrrParams::parse(v)),
                Err(_) => bad,
            },
            AttrType::PER_PARAMS => match value {
                [parity, direction, r0, r1] => Attribute::PerParams(PerParams {
                    parity: *parity,
                    direction: *direction,
                    reserved: u16::from_be_bytes([*r0, *r1]),
                }),
                _ => bad,
            },
            _ => Attribute::Unknown { ty, value },
        }
    }

    /// The attribute's type.
    pub fn ty(&self) -> AttrType {
        match self {
            Attribute::Version { .. } => AttrType::VERSION,
            Attribute::AuthChallenge(_) => AttrType::AUTH_CHALLENGE,
            Attribute::AuthToken(_) => AttrType::AUTH_TOKEN,
            Attribute::Capabilities(_) => AttrType::CAPABILITIES,
            Attribute::Pid(_) => AttrType::PID,
            Attribute::Gid(_) => AttrType::GID,
            Attribute::Lifetime(_) => AttrType::LIFETIME,
            Attribute::Owner(_) => AttrType::OWNER,
            Attribute::AddressTuple(_) => AttrType::ADDRESS_TUPLE,
            Attribute::PrrParams(_) => AttrType::PRR_PARAMS,
            Attribute::PerParams(_) => AttrType::PER_PARAMS,
            Attribute::BadLength { ty, .. } | Attribute::Unknown { ty, .. } => *ty,
        }
    }

    /// Bytes of the value (the attribute length field, §4.3).
    pub fn value_len(&self) -> usize {
        match self {
            Attribute::Version { .. }
            | Attribute::Pid(_)
            | Attribute::Gid(_)
            | Attribute::Lifetime(_)
            | Attribute::PrrParams(_)
            | Attribute::PerParams(_) => 4,
            Attribute::Capabilities(_) => 8,
            Attribute::AddressTuple(t) => t.value_len(),
            Attribute::AuthChallenge(v)
            | Attribute::AuthToken(v)
            | Attribute::Owner(v)
            | Attribute::BadLength { value: v, .. }
            | Attribute::Unknown { value: v, .. } => v.len(),
        }
    }

    /// Bytes on the wire, type and length included (no padding, S1).
    pub fn wire_len(&self) -> usize {
        ATTR_HEADER_LEN + self.value_len()
    }

    /// Write type, length and value. A value longer than 65,535 bytes cannot be described by
    /// the length field; its length is written as 65,535 (keep values within [`MAX_PAYLOAD`]).
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ty().0.to_be_bytes());
        let len = u16::try_from(self.value_len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        match self {
            Attribute::Version { major, minor, reserved } => {
                out.extend_from_slice(&[*major, *minor]);
                out.extend_from_slice(&reserved.to_be_bytes());
            }
            Attribute::Capabilities(c) => {
                out.extend_from_slice(&[c.mb_type, c.flags]);
                out.extend_from_slice(&c.reserved.to_be_bytes());
                out.extend_from_slice(&c.max_lifetime.to_be_bytes());
            }
            Attribute::Pid(v) | Attribute::Gid(v) | Attribute::Lifetime(v) => out.extend_from_slice(&v.to_be_bytes()),
            Attribute::AddressTuple(t) => t.emit(out),
            Attribute::PrrParams(p) => p.emit(out),
            Attribute::PerParams(p) => {
                out.extend_from_slice(&[p.parity, p.direction]);
                out.extend_from_slice(&p.reserved.to_be_bytes());
            }
            Attribute::AuthChallenge(v)
            | Attribute::AuthToken(v)
            | Attribute::Owner(v)
            | Attribute::BadLength { value: v, .. }
            | Attribute::Unknown { value: v, .. } => out.extend_from_slice(v),
        }
    }
}

/// What follows the last whole attribute when the attributes do not end exactly at the end of
/// the payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trailer<'a> {
    /// The attributes end exactly at the end of the payload.
    #[default]
    None,
    /// 1 to 3 bytes: too few for an attribute's type and length.
    Partial(&'a [u8]),
    /// An attribute whose length runs past the message (S1): its type, declared length and the
    /// bytes of its value the message holds (fewer than `len`).
    Overrun { ty: AttrType, len: u16, value: &'a [u8] },
}

impl Trailer<'_> {
    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        match self {
            Trailer::None => 0,
            Trailer::Partial(b) => b.len(),
            Trailer::Overrun { value, .. } => ATTR_HEADER_LEN + value.len(),
        }
    }

    fn emit(&self, out: &mut Vec<u8>) {
        match self {
            Trailer::None => {}
            Trailer::Partial(b) => out.extend_from_slice(b),
            Trailer::Overrun { ty, len, value } => {
                out.extend_from_slice(&ty.0.to_be_bytes());
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(value);
            }
        }
    }
}

/// One SIMCO message: header fields (the length follows from the payload), attributes, and what
/// is left after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub ty: MsgType,
    pub tid: u32,
    pub attrs: Vec<Attribute<'a>>,
    pub trailer: Trailer<'a>,
}

impl<'a> Message<'a> {
    /// A well-formed message.
    pub fn new(ty: MsgType, tid: u32, attrs: Vec<Attribute<'a>>) -> Self {
        Message { ty, tid, attrs, trailer: Trailer::None }
    }

    /// The message length field: payload bytes, header excluded (§4.2).
    pub fn payload_len(&self) -> usize {
        self.attrs.iter().map(Attribute::wire_len).sum::<usize>() + self.trailer.wire_len()
    }

    /// Bytes on the wire, header included.
    pub fn wire_len(&self) -> usize {
        HEADER_LEN + self.payload_len()
    }

    /// The first attribute of this type.
    pub fn attr(&self, ty: AttrType) -> Option<&Attribute<'a>> {
        self.attrs.iter().find(|a| a.ty() == ty)
    }

    /// The first policy rule identifier.
    pub fn pid(&self) -> Option<u32> {
        self.attrs.iter().find_map(|a| match a {
            Attribute::Pid(p) => Some(*p),
            _ => None,
        })
    }

    /// The first group identifier.
    pub fn gid(&self) -> Option<u32> {
        self.attrs.iter().find_map(|a| match a {
            Attribute::Gid(p) => Some(*p),
            _ => None,
        })
    }

    /// The first policy rule lifetime.
    pub fn lifetime(&self) -> Option<u32> {
        self.attrs.iter().find_map(|a| match a {
            Attribute::Lifetime(p) => Some(*p),
            _ => None,
        })
    }

    /// Write the message. The length field is the payload's length; a payload longer than
    /// [`MAX_PAYLOAD`] cannot be described and gets 65,535 (keep payloads within it).
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[self.ty.basic.0, self.ty.sub]);
        let len = u16::try_from(self.payload_len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&self.tid.to_be_bytes());
        for a in &self.attrs {
            a.emit(out);
        }
        self.trailer.emit(out);
    }

    /// The message as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.wire_len().min(HEADER_LEN + MAX_PAYLOAD));
        self.emit(&mut v);
        v
    }
}

/// The header at the start of `input`: message type, message length, TID.
pub fn parse_header(input: &[u8]) -> Result<(MsgType, usize, u32), ParseError> {
    let trunc = |offset: usize, what: &'static str, needed: usize| ParseError::Truncated {
        offset,
        what,
        needed,
        available: input.len().saturating_sub(offset),
    };
    let basic = *input.first().ok_or_else(|| trunc(0, "basic type", 1))?;
    let sub = *input.get(1).ok_or_else(|| trunc(1, "sub-type", 1))?;
    let len = input.get(2..4).ok_or_else(|| trunc(2, "message length", 2))?;
    let tid = input.get(4..8).ok_or_else(|| trunc(4, "transaction identifier", 4))?;
    Ok((
        MsgType::new(basic, sub),
        usize::from(u16::from_be_bytes([len[0], len[1]])),
        u32::from_be_bytes([tid[0], tid[1], tid[2], tid[3]]),
    ))
}

/// The attributes of a payload (exactly `message length` bytes), never failing: see [`Trailer`].
pub fn parse_attributes(payload: &[u8]) -> (Vec<Attribute<'_>>, Trailer<'_>) {
    let mut attrs = Vec::new();
    let mut rest = payload;
    let trailer = loop {
        if rest.is_empty() {
            break Trailer::None;
        }
        let Some((hdr, after)) = rest.split_first_chunk::<ATTR_HEADER_LEN>() else {
            break Trailer::Partial(rest);
        };
        let ty = AttrType(u16::from_be_bytes([hdr[0], hdr[1]]));
        let len = u16::from_be_bytes([hdr[2], hdr[3]]);
        if usize::from(len) > after.len() {
            break Trailer::Overrun { ty, len, value: after };
        }
        let (value, next) = after.split_at(usize::from(len));
        attrs.push(Attribute::from_wire(ty, value));
        rest = next;
    };
    (attrs, trailer)
}

/// Read one message from the start of `input`; returns it and the bytes after it.
///
/// Fails only when the input is shorter than the header or than the message length says; every
/// payload is then represented (see the module documentation).
pub fn parse(input: &[u8]) -> Result<(Message<'_>, &[u8]), ParseError> {
    let (ty, len, tid) = parse_header(input)?;
    let end = HEADER_LEN + len;
    let payload = input.get(HEADER_LEN..end).ok_or(ParseError::Truncated {
        offset: HEADER_LEN,
        what: "payload",
        needed: len,
        available: input.len().saturating_sub(HEADER_LEN),
    })?;
    let rest = input.get(end..).unwrap_or(&[]);
    let (attrs, trailer) = parse_attributes(payload);
    Ok((Message { ty, tid, attrs, trailer }, rest))
}

/// Whether these bytes could start a message a real implementation sent: a defined basic type
/// with a sub-type RFC 4540 names for it, as far as the bytes go. Used to resynchronise a TCP
/// stream.
pub fn could_start(d: &[u8]) -> bool {
    match (d.first(), d.get(1)) {
        (None, _) => true,
        (Some(&b), None) => (1..=4).contains(&b),
        (Some(&b), Some(&s)) => MsgType::new(b, s).name().is_some(),
    }
}

/// Bytes as text: printable ASCII as is, anything else as `\xNN`.
pub fn escape(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        if (0x20..0x7f).contains(&c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    s
}
