//! GIST messages on the wire (RFC 5971 Appendix A; RFC 6084 §4.1 for Forwards-SCTP): the
//! common header, the TLV objects and the Error object, with [`parse`] and `emit` that write
//! back exactly what `parse` read (reserved bits and padding included).
//!
//! ```text
//! A.1 common header
//!  0                   1                   2                   3
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Version    |   GIST hops   |        Message Length         |
//! |           NSLPID              |C|   Type      |S|R|E| Reserved|
//! A.2 object header
//! |A|B|r|r|         Type          |r|r|r|r|        Length         |
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The magic number that starts every GIST message over UDP (§5.4.1, G1).
pub const MAGIC: u32 = 0x4e04_bda5;
/// Well-known UDP port for Q-mode encapsulated messages (§9).
pub const UDP_PORT: u16 = 270;
/// Common header length (A.1).
pub const HEADER_LEN: usize = 8;
/// Object (TLV) header length (A.2).
pub const OBJECT_HEADER_LEN: usize = 4;
/// The version this module speaks (A.1).
pub const VERSION: u8 = 1;
/// Largest message: the 16-bit length in words after the header.
pub const MAX_MESSAGE: usize = HEADER_LEN + 4 * 0xffff;
/// Objects kept per message (a message of 256 KiB could hold 65535 empty objects).
pub const MAX_OBJECTS: usize = 1024;

/// Why bytes do not parse, with the offset (from the start of the parsed slice) where it
/// happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{what} truncated at offset {offset}: {needed} bytes needed, {available} available")]
    Truncated { what: &'static str, offset: usize, needed: usize, available: usize },
    #[error("magic number 0x{found:08x}, not 0x4e04bda5 (G1)")]
    BadMagic { found: u32 },
    #[error("{what} at offset {offset}: IP version {version}, not 4 or 6")]
    IpVersion { what: &'static str, offset: usize, version: u8 },
    #[error("{what} at offset {offset}: {extra} bytes left over inside the object (A.2: Object Value Error, Incorrect Length)")]
    Trailing { what: &'static str, offset: usize, extra: usize },
    #[error("more than {MAX_OBJECTS} objects in one message")]
    TooManyObjects,
    #[error("{what}: its count or length fields disagree with its bytes")]
    Inconsistent { what: &'static str },
}

impl ParseError {
    /// The same error, `by` bytes further into an enclosing structure.
    pub fn shift(self, by: usize) -> Self {
        match self {
            ParseError::Truncated { what, offset, needed, available } => {
                ParseError::Truncated { what, offset: offset + by, needed, available }
            }
            ParseError::IpVersion { what, offset, version } => {
                ParseError::IpVersion { what, offset: offset + by, version }
            }
            ParseError::Trailing { what, offset, extra } => ParseError::Trailing { what, offset: offset + by, extra },
            e => e,
        }
    }
}

/// A cursor over a slice that never panics: every read checks the length first.
struct Rd<'a> {
    d: &'a [u8],
    pos: usize,
}

impl<'a> Rd<'a> {
    fn new(d: &'a [u8]) -> Self {
        Rd { d, pos: 0 }
    }
    fn left(&self) -> usize {
        self.d.len() - self.pos
    }
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        if self.left() < n {
            return Err(ParseError::Truncated { what, offset: self.pos, needed: n, available: self.left() });
        }
        let s = &self.d[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, ParseError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, ParseError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn addr(&mut self, ver: u8, what: &'static str) -> Result<IpAddr, ParseError> {
        match ver {
            4 => {
                let b = self.take(4, what)?;
                Ok(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3])))
            }
            6 => {
                let b = self.take(16, what)?;
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                Ok(IpAddr::V6(Ipv6Addr::from(a)))
            }
            v => Err(ParseError::IpVersion { what, offset: self.pos, version: v }),
        }
    }
    fn rest(&mut self) -> &'a [u8] {
        let s = &self.d[self.pos..];
        self.pos = self.d.len();
        s
    }
    /// Everything read: no bytes may be left.
    fn done(&self, what: &'static str) -> Result<(), ParseError> {
        if self.left() > 0 {
            return Err(ParseError::Trailing { what, offset: self.pos, extra: self.left() });
        }
        Ok(())
    }
}

fn put_addr(out: &mut Vec<u8>, a: &IpAddr) {
    match a {
        IpAddr::V4(v) => out.extend_from_slice(&v.octets()),
        IpAddr::V6(v) => out.extend_from_slice(&v.octets()),
    }
}

/// Bytes of zero padding after `n` bytes to reach a 32-bit boundary.
pub fn pad_len(n: usize) -> usize {
    (4 - n % 4) % 4
}

/// Zero padding of `n` (at most 3) bytes, for building values.
pub fn zero_pad(n: usize) -> &'static [u8] {
    &[0u8; 3][..n.min(3)]
}

macro_rules! code_point {
    ($(#[$m:meta])* $name:ident($t:ty) { $($(#[$cm:meta])* $c:ident = $v:expr, $s:expr;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $t);
        impl $name {
            $($(#[$cm])* pub const $c: Self = Self($v);)*
            /// Every named value, for value strings.
            pub const NAMES: &'static [(u64, &'static str)] = &[$(($v as u64, $s)),*];
            /// The spec's name, when the value has one.
            pub fn name(self) -> Option<&'static str> {
                Self::NAMES.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
            }
        }
    };
}

code_point!(
    /// GIST message type (§9 "GIST Message Type").
    MsgType(u8) {
        QUERY = 0, "Query";
        RESPONSE = 1, "Response";
        CONFIRM = 2, "Confirm";
        DATA = 3, "Data";
        ERROR = 4, "Error";
        MA_HELLO = 5, "MA-Hello";
    }
);

code_point!(
    /// Object type (§9 "Object Types").
    ObjectType(u16) {
        MRI = 0, "Message-Routing-Information";
        SESSION_ID = 1, "Session-Identifier";
        NLI = 2, "Network-Layer-Information";
        STACK_PROPOSAL = 3, "Stack-Proposal";
        SCD = 4, "Stack-Configuration-Data";
        QUERY_COOKIE = 5, "Query-Cookie";
        RESPONDER_COOKIE = 6, "Responder-Cookie";
        NAT_TRAVERSAL = 7, "NAT-Traversal";
        NSLP_DATA = 8, "NSLP-Data";
        ERROR = 9, "Error";
        HELLO_ID = 10, "Hello-ID";
    }
);

code_point!(
    /// Message routing method (§9 "Message Routing Methods").
    Mrm(u8) {
        PATH_COUPLED = 0, "Path-Coupled MRM";
        LOOSE_END = 1, "Loose-End MRM";
    }
);

code_point!(
    /// MA-Protocol-ID (§9; RFC 6084 §9 for 3 and 4).
    MaProtocolId(u8) {
        RESERVED = 0, "Reserved";
        FORWARDS_TCP = 1, "TCP opened in the forwards direction";
        TLS = 2, "TLS initiated in the forwards direction";
        FORWARDS_SCTP = 3, "SCTP opened in the forwards direction";
        DTLS = 4, "DTLS initiated in the forwards direction";
    }
);

code_point!(
    /// Error class (A.4.3).
    ErrorClass(u8) {
        INFORMATIONAL = 0, "Informational";
        SUCCESS = 1, "Success";
        PROTOCOL_ERROR = 2, "Protocol-Error";
        TRANSIENT_FAILURE = 3, "Transient-Failure";
        PERMANENT_FAILURE = 4, "Permanent-Failure";
    }
);

code_point!(
    /// Error code (A.4.4, the error catalogue).
    ErrorCode(u16) {
        COMMON_HEADER_PARSE_ERROR = 1, "Common Header Parse Error";
        HOP_LIMIT_EXCEEDED = 2, "Hop Limit Exceeded";
        INCORRECT_ENCAPSULATION = 3, "Incorrect Encapsulation";
        INCORRECTLY_DELIVERED_MESSAGE = 4, "Incorrectly Delivered Message";
        NO_ROUTING_STATE = 5, "No Routing State";
        UNKNOWN_NSLPID = 6, "Unknown NSLPID";
        ENDPOINT_FOUND = 7, "Endpoint Found";
        MESSAGE_TOO_LARGE = 8, "Message Too Large";
        OBJECT_TYPE_ERROR = 9, "Object Type Error";
        OBJECT_VALUE_ERROR = 10, "Object Value Error";
        INVALID_IP_LAYER_TTL = 11, "Invalid IP-Layer TTL";
        MRI_VALIDATION_FAILURE = 12, "MRI Validation Failure";
    }
);

impl ErrorCode {
    /// The subcode's name in the catalogue (A.4.4.1, A.4.4.9, A.4.4.10, A.4.4.12).
    pub fn subcode_name(self, sub: u8) -> Option<&'static str> {
        let names: &[&str] = match self {
            ErrorCode::COMMON_HEADER_PARSE_ERROR => &[
                "Unknown Version",
                "Unknown Type",
                "Invalid R-flag",
                "Incorrect Message Length",
                "Invalid E-flag",
                "Invalid C-flag",
            ],
            ErrorCode::OBJECT_TYPE_ERROR => &[
                "Duplicate Object",
                "Unrecognised Object",
                "Missing Object",
                "Invalid Object Type",
                "Untranslated Object",
                "Invalid Extensibility Flags",
            ],
            ErrorCode::OBJECT_VALUE_ERROR => &[
                "Incorrect Length",
                "Value Not Supported",
                "Invalid Flag-Field Combination",
                "Empty List",
                "Invalid Cookie",
                "Stack-Proposal - Stack-Configuration-Data Mismatch",
            ],
            ErrorCode::MRI_VALIDATION_FAILURE => &["MRI Too Wild", "IP Version Mismatch", "Ingress Filter Failure"],
            _ => &[],
        };
        names.get(sub as usize).copied()
    }

    /// The class the catalogue gives this code (A.4.4).
    pub fn catalogue_class(self) -> Option<ErrorClass> {
        Some(match self.0 {
            1 | 3 | 4 | 5 | 9 | 10 => ErrorClass::PROTOCOL_ERROR,
            2 | 6 | 7 | 8 | 11 | 12 => ErrorClass::PERMANENT_FAILURE,
            _ => return None,
        })
    }
}

code_point!(
    /// Additional Information field type (A.4.2).
    AiType(u16) {
        MESSAGE_LENGTH = 1, "Message Length Info";
        MTU = 2, "MTU Info";
        OBJECT_TYPE = 3, "Object Type Info";
        OBJECT_VALUE = 4, "Object Value Info";
    }
);

code_point!(
    /// Extensibility flags AB of an object header (A.2.1).
    Ab(u8) {
        MANDATORY = 0, "Mandatory";
        IGNORE = 1, "Ignore";
        FORWARD = 2, "Forward";
        RESERVED = 3, "Reserved";
    }
);

/// The common header (A.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    pub version: u8,
    pub hops: u8,
    /// 32-bit words after the header.
    pub length: u16,
    pub nslpid: u16,
    pub c: bool,
    /// 7 bits.
    pub msg_type: MsgType,
    pub s: bool,
    pub r: bool,
    pub e: bool,
    /// The 5 reserved bits.
    pub reserved: u8,
}

impl Header {
    pub fn parse(d: &[u8]) -> Result<Header, ParseError> {
        let mut r = Rd::new(d);
        let version = r.u8("common header")?;
        let hops = r.u8("common header")?;
        let length = r.u16("common header")?;
        let nslpid = r.u16("common header")?;
        let b6 = r.u8("common header")?;
        let b7 = r.u8("common header")?;
        Ok(Header {
            version,
            hops,
            length,
            nslpid,
            c: b6 & 0x80 != 0,
            msg_type: MsgType(b6 & 0x7f),
            s: b7 & 0x80 != 0,
            r: b7 & 0x40 != 0,
            e: b7 & 0x20 != 0,
            reserved: b7 & 0x1f,
        })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.version);
        out.push(self.hops);
        out.extend_from_slice(&self.length.to_be_bytes());
        out.extend_from_slice(&self.nslpid.to_be_bytes());
        out.push((self.c as u8) << 7 | (self.msg_type.0 & 0x7f));
        out.push((self.s as u8) << 7 | (self.r as u8) << 6 | (self.e as u8) << 5 | (self.reserved & 0x1f));
    }
    /// Message length in bytes, header included.
    pub fn message_len(&self) -> usize {
        HEADER_LEN + 4 * self.length as usize
    }
}

/// A path-coupled MRI (A.3.1.1). Optional words are present when their flags say so: the flow
/// label word with F, the SPI with S, the ports with A or B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCoupled {
    pub ip_ver: u8,
    pub p: bool,
    pub t: bool,
    pub f: bool,
    pub s: bool,
    pub a: bool,
    pub b: bool,
    pub d: bool,
    /// 5 reserved bits.
    pub reserved: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_prefix: u8,
    pub dst_prefix: u8,
    pub protocol: u8,
    /// 6 bits.
    pub ds_field: u8,
    /// The 2 reserved bits after the DS-field.
    pub rsv2: u8,
    /// The 12 reserved bits and the 20-bit flow label (F=1).
    pub flow_label: Option<(u16, u32)>,
    pub spi: Option<u32>,
    /// Source and destination port (A=1 or B=1).
    pub ports: Option<(u16, u16)>,
}

/// A loose-end MRI (A.3.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LooseEnd {
    pub ip_ver: u8,
    pub d: bool,
    /// 11 reserved bits.
    pub reserved: u16,
    pub src: IpAddr,
    pub dst: IpAddr,
}

/// The method-specific part of an MRI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MriMethod<'a> {
    PathCoupled(PathCoupled),
    LooseEnd(LooseEnd),
    /// Another MRM: the addressing information after the first 2 bytes.
    Unknown(&'a [u8]),
}

/// Message-Routing-Information (A.3.1): its value, also carried without a TLV header inside
/// NAT-Traversal and Error objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mri<'a> {
    pub mrm: Mrm,
    pub n: bool,
    /// 7 reserved bits.
    pub reserved: u8,
    pub method: MriMethod<'a>,
}

impl<'a> Mri<'a> {
    pub fn parse(d: &'a [u8]) -> Result<Mri<'a>, ParseError> {
        let mut r = Rd::new(d);
        let mrm = Mrm(r.u8("MRI")?);
        let b = r.u8("MRI")?;
        let method = match mrm {
            Mrm::PATH_COUPLED => {
                let w = r.u16("path-coupled MRI flags")?;
                let ip_ver = (w >> 12) as u8;
                let bit = |n: u16| w & (1 << n) != 0;
                let (p, t, f, s, a, bb, dd) = (bit(11), bit(10), bit(9), bit(8), bit(7), bit(6), bit(5));
                let src = r.addr(ip_ver, "MRI source address")?;
                let dst = r.addr(ip_ver, "MRI destination address")?;
                let src_prefix = r.u8("MRI prefixes")?;
                let dst_prefix = r.u8("MRI prefixes")?;
                let protocol = r.u8("MRI protocol")?;
                let ds = r.u8("MRI DS-field")?;
                let flow_label = if f {
                    let v = r.u32("MRI flow label")?;
                    Some(((v >> 20) as u16, v & 0xf_ffff))
                } else {
                    None
                };
                let spi = if s { Some(r.u32("MRI SPI")?) } else { None };
                let ports = if a || bb { Some((r.u16("MRI ports")?, r.u16("MRI ports")?)) } else { None };
                r.done("path-coupled MRI")?;
                MriMethod::PathCoupled(PathCoupled {
                    ip_ver,
                    p,
                    t,
                    f,
                    s,
                    a,
                    b: bb,
                    d: dd,
                    reserved: (w & 0x1f) as u8,
                    src,
                    dst,
                    src_prefix,
                    dst_prefix,
                    protocol,
                    ds_field: ds >> 2,
                    rsv2: ds & 3,
                    flow_label,
                    spi,
                    ports,
                })
            }
            Mrm::LOOSE_END => {
                let w = r.u16("loose-end MRI flags")?;
                let ip_ver = (w >> 12) as u8;
                let src = r.addr(ip_ver, "MRI source address")?;
                let dst = r.addr(ip_ver, "MRI destination address")?;
                r.done("loose-end MRI")?;
                MriMethod::LooseEnd(LooseEnd { ip_ver, d: w & 0x0800 != 0, reserved: w & 0x07ff, src, dst })
            }
            _ => MriMethod::Unknown(r.rest()),
        };
        Ok(Mri { mrm, n: b & 0x80 != 0, reserved: b & 0x7f, method })
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.mrm.0);
        out.push((self.n as u8) << 7 | (self.reserved & 0x7f));
        match &self.method {
            MriMethod::PathCoupled(m) => {
                let w = (m.ip_ver as u16 & 0xf) << 12
                    | (m.p as u16) << 11
                    | (m.t as u16) << 10
                    | (m.f as u16) << 9
                    | (m.s as u16) << 8
                    | (m.a as u16) << 7
                    | (m.b as u16) << 6
                    | (m.d as u16) << 5
                    | (m.reserved as u16 & 0x1f);
                out.extend_from_slice(&w.to_be_bytes());
                put_addr(out, &m.src);
                put_addr(out, &m.dst);
                out.extend_from_slice(&[m.src_prefix, m.dst_prefix, m.protocol, (m.ds_field << 2) | (m.rsv2 & 3)]);
                if let Some((rsv, fl)) = m.flow_label {
                    out.extend_from_slice(&(((rsv as u32 & 0xfff) << 20) | (fl & 0xf_ffff)).to_be_bytes());
                }
                if let Some(spi) = m.spi {
                    out.extend_from_slice(&spi.to_be_bytes());
                }
                if let Some((sp, dp)) = m.ports {
                    out.extend_from_slice(&sp.to_be_bytes());
                    out.extend_from_slice(&dp.to_be_bytes());
                }
            }
            MriMethod::LooseEnd(m) => {
                let w = (m.ip_ver as u16 & 0xf) << 12 | (m.d as u16) << 11 | (m.reserved & 0x07ff);
                out.extend_from_slice(&w.to_be_bytes());
                put_addr(out, &m.src);
                put_addr(out, &m.dst);
            }
            MriMethod::Unknown(b) => out.extend_from_slice(b),
        }
    }

    /// `src -> dst` for summaries.
    pub fn flow(&self) -> Option<(IpAddr, IpAddr)> {
        match &self.method {
            MriMethod::PathCoupled(m) => Some((m.src, m.dst)),
            MriMethod::LooseEnd(m) => Some((m.src, m.dst)),
            MriMethod::Unknown(_) => None,
        }
    }

    /// The flag-field constraints of A.3.1 (G4): each violation as text.
    pub fn violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.n && matches!(self.mrm, Mrm::PATH_COUPLED | Mrm::LOOSE_END) {
            v.push("N-flag set: it is 0 for this MRM (A.3.1.1, A.3.1.2)".to_string());
        }
        if let MriMethod::PathCoupled(m) = &self.method {
            if m.f && m.ip_ver != 6 {
                v.push("F-flag set with IP-Ver 4: a flow label needs IPv6 (A.3.1.1)".to_string());
            }
            if m.s && !m.p {
                v.push("S-flag set with P=0 (A.3.1.1: S MUST be 0 if P is 0)".to_string());
            }
            if (m.a || m.b) && !m.p {
                v.push("A/B flags set with P=0 (A.3.1.1: both MUST be zero if P is 0)".to_string());
            }
            let max = if m.ip_ver == 6 { 128 } else { 32 };
            if m.src_prefix > max || m.dst_prefix > max {
                v.push(format!("prefix length over {max} for IPv{} (A.3.1.1)", m.ip_ver));
            }
        }
        v
    }
}

/// Network-Layer-Information (A.3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nli<'a> {
    pub ip_ttl: u8,
    pub ip_ver: u8,
    /// 12 reserved bits.
    pub reserved: u16,
    /// Routing State Validity Time, milliseconds.
    pub rsvt: u32,
    pub peer_identity: &'a [u8],
    /// Padding of the Peer Identity to a word.
    pub pi_pad: &'a [u8],
    pub interface: IpAddr,
}

impl<'a> Nli<'a> {
    pub fn parse(d: &'a [u8]) -> Result<Nli<'a>, ParseError> {
        let mut r = Rd::new(d);
        let pi_len = r.u8("NLI")? as usize;
        let ip_ttl = r.u8("NLI")?;
        let w = r.u16("NLI")?;
        let rsvt = r.u32("NLI validity time")?;
        let peer_identity = r.take(pi_len, "NLI peer identity")?;
        let pi_pad = r.take(pad_len(pi_len), "NLI peer identity padding")?;
        let ip_ver = (w >> 12) as u8;
        let interface = r.addr(ip_ver, "NLI interface address")?;
        r.done("NLI")?;
        Ok(Nli { ip_ttl, ip_ver, reserved: w & 0x0fff, rsvt, peer_identity, pi_pad, interface })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.peer_identity.len().min(255) as u8);
        out.push(self.ip_ttl);
        out.extend_from_slice(&((self.ip_ver as u16 & 0xf) << 12 | (self.reserved & 0x0fff)).to_be_bytes());
        out.extend_from_slice(&self.rsvt.to_be_bytes());
        out.extend_from_slice(self.peer_identity);
        out.extend_from_slice(self.pi_pad);
        put_addr(out, &self.interface);
    }
}

/// One profile of a Stack-Proposal: MA-Protocol-IDs top to bottom (A.3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile<'a> {
    pub protocols: Vec<MaProtocolId>,
    pub pad: &'a [u8],
}

/// Stack-Proposal (A.3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackProposal<'a> {
    /// 24 reserved bits.
    pub reserved: u32,
    pub profiles: Vec<Profile<'a>>,
}

impl<'a> StackProposal<'a> {
    pub fn parse(d: &'a [u8]) -> Result<StackProposal<'a>, ParseError> {
        let mut r = Rd::new(d);
        let count = r.u8("Stack-Proposal")?;
        let rsv = r.take(3, "Stack-Proposal")?;
        let mut profiles = Vec::new();
        for _ in 0..count {
            let n = r.u8("Stack-Proposal profile")? as usize;
            let ids = r.take(n, "Stack-Proposal profile")?;
            let pad = r.take(pad_len(1 + n), "Stack-Proposal profile padding")?;
            profiles.push(Profile { protocols: ids.iter().map(|&b| MaProtocolId(b)).collect(), pad });
        }
        r.done("Stack-Proposal")?;
        Ok(StackProposal { reserved: u32::from_be_bytes([0, rsv[0], rsv[1], rsv[2]]), profiles })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.profiles.len().min(255) as u8);
        out.extend_from_slice(&self.reserved.to_be_bytes()[1..]);
        for p in self.profiles.iter().take(255) {
            out.push(p.protocols.len().min(255) as u8);
            out.extend(p.protocols.iter().take(255).map(|m| m.0));
            out.extend_from_slice(p.pad);
        }
    }
}

/// One MA-protocol-options field of a Stack-Configuration-Data (A.3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaOptions<'a> {
    pub protocol: MaProtocolId,
    /// The Stack-Proposal profile it applies to, from 1; 0 for all.
    pub profile: u8,
    /// D=1: this protocol MUST NOT be used.
    pub d: bool,
    /// 7 reserved bits.
    pub reserved: u8,
    pub data: &'a [u8],
    pub pad: &'a [u8],
}

/// What MA-protocol-options say, by MA-Protocol-ID (§5.7.2, §5.7.3, RFC 6084 §3.1.2, §7, G3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaOptionsData {
    /// No options data (a Query's TCP or SCTP field; TLS and DTLS always).
    Empty,
    /// A Response's port, with the 2 pad bytes when the length counts them.
    Port { port: u16, reserved: Option<u16> },
    /// Options the protocol does not define, or of another length.
    Unexpected,
}

impl MaOptions<'_> {
    pub fn decoded(&self) -> MaOptionsData {
        match (self.protocol, self.data) {
            (_, []) => MaOptionsData::Empty,
            (MaProtocolId::FORWARDS_TCP | MaProtocolId::FORWARDS_SCTP, [a, b]) => {
                MaOptionsData::Port { port: u16::from_be_bytes([*a, *b]), reserved: None }
            }
            (MaProtocolId::FORWARDS_TCP | MaProtocolId::FORWARDS_SCTP, [a, b, c, d]) => {
                MaOptionsData::Port { port: u16::from_be_bytes([*a, *b]), reserved: Some(u16::from_be_bytes([*c, *d])) }
            }
            _ => MaOptionsData::Unexpected,
        }
    }
    /// The port, for a Forwards-TCP or Forwards-SCTP field that carries one.
    pub fn port(&self) -> Option<u16> {
        match self.decoded() {
            MaOptionsData::Port { port, .. } => Some(port),
            _ => None,
        }
    }
}

/// Stack-Configuration-Data (A.3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scd<'a> {
    /// 24 reserved bits.
    pub reserved: u32,
    /// MA-Hold-Time, milliseconds.
    pub hold_time: u32,
    pub options: Vec<MaOptions<'a>>,
}

impl<'a> Scd<'a> {
    pub fn parse(d: &'a [u8]) -> Result<Scd<'a>, ParseError> {
        let mut r = Rd::new(d);
        let count = r.u8("Stack-Configuration-Data")?;
        let rsv = r.take(3, "Stack-Configuration-Data")?;
        let hold_time = r.u32("Stack-Configuration-Data hold time")?;
        let mut options = Vec::new();
        for _ in 0..count {
            let protocol = MaProtocolId(r.u8("MA-protocol-options")?);
            let profile = r.u8("MA-protocol-options")?;
            let len = r.u8("MA-protocol-options")? as usize;
            let f = r.u8("MA-protocol-options")?;
            let data = r.take(len, "MA-protocol-options data")?;
            let pad = r.take(pad_len(len), "MA-protocol-options padding")?;
            options.push(MaOptions { protocol, profile, d: f & 0x80 != 0, reserved: f & 0x7f, data, pad });
        }
        r.done("Stack-Configuration-Data")?;
        Ok(Scd { reserved: u32::from_be_bytes([0, rsv[0], rsv[1], rsv[2]]), hold_time, options })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.options.len().min(255) as u8);
        out.extend_from_slice(&self.reserved.to_be_bytes()[1..]);
        out.extend_from_slice(&self.hold_time.to_be_bytes());
        for o in self.options.iter().take(255) {
            out.extend_from_slice(&[
                o.protocol.0,
                o.profile,
                o.data.len().min(255) as u8,
                (o.d as u8) << 7 | (o.reserved & 0x7f),
            ]);
            out.extend_from_slice(&o.data[..o.data.len().min(255)]);
            out.extend_from_slice(o.pad);
        }
    }
}

/// An MRI carried without its TLV header (NAT-Traversal, Error): parsed, or kept as bytes when
/// it does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbeddedMri<'a> {
    Parsed(Mri<'a>),
    Raw(&'a [u8]),
}

impl<'a> EmbeddedMri<'a> {
    fn parse(d: &'a [u8]) -> Self {
        match Mri::parse(d) {
            Ok(m) => {
                let mut v = Vec::new();
                m.emit(&mut v);
                if v == d {
                    EmbeddedMri::Parsed(m)
                } else {
                    EmbeddedMri::Raw(d)
                }
            }
            Err(_) => EmbeddedMri::Raw(d),
        }
    }
    fn emit(&self, out: &mut Vec<u8>) {
        match self {
            EmbeddedMri::Parsed(m) => m.emit(out),
            EmbeddedMri::Raw(b) => out.extend_from_slice(b),
        }
    }
    fn len(&self) -> usize {
        let mut v = Vec::new();
        self.emit(&mut v);
        v.len()
    }
}

/// One NAT's opaque information in a NAT-Traversal object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opaque<'a> {
    pub data: &'a [u8],
    pub pad: &'a [u8],
}

/// NAT-Traversal (A.3.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatTraversal<'a> {
    pub reserved: u8,
    /// The original MRI, a whole number of words.
    pub mri: EmbeddedMri<'a>,
    /// First 16 bits of each translated object's TLV header.
    pub types: Vec<u16>,
    /// 2 null bytes after an odd number of types.
    pub types_pad: &'a [u8],
    pub opaque: Vec<Opaque<'a>>,
}

impl<'a> NatTraversal<'a> {
    pub fn parse(d: &'a [u8]) -> Result<NatTraversal<'a>, ParseError> {
        let mut r = Rd::new(d);
        let mri_len = r.u8("NAT-Traversal")? as usize;
        let type_count = r.u8("NAT-Traversal")? as usize;
        let nat_count = r.u8("NAT-Traversal")?;
        let reserved = r.u8("NAT-Traversal")?;
        let mri = EmbeddedMri::parse(r.take(4 * mri_len, "NAT-Traversal original MRI")?);
        let mut types = Vec::new();
        for _ in 0..type_count {
            types.push(r.u16("NAT-Traversal translated objects")?);
        }
        let types_pad = r.take(pad_len(2 * type_count), "NAT-Traversal translated objects padding")?;
        let mut opaque = Vec::new();
        for _ in 0..nat_count {
            let n = r.u16("NAT-Traversal opaque information")? as usize;
            let data = r.take(n, "NAT-Traversal opaque information")?;
            let pad = r.take(pad_len(2 + n), "NAT-Traversal opaque padding")?;
            opaque.push(Opaque { data, pad });
        }
        r.done("NAT-Traversal")?;
        Ok(NatTraversal { reserved, mri, types, types_pad, opaque })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push((self.mri.len() / 4).min(255) as u8);
        out.push(self.types.len().min(255) as u8);
        out.push(self.opaque.len().min(255) as u8);
        out.push(self.reserved);
        self.mri.emit(out);
        for t in self.types.iter().take(255) {
            out.extend_from_slice(&t.to_be_bytes());
        }
        out.extend_from_slice(self.types_pad);
        for o in self.opaque.iter().take(255) {
            out.extend_from_slice(&(o.data.len().min(0xffff) as u16).to_be_bytes());
            out.extend_from_slice(o.data);
            out.extend_from_slice(o.pad);
        }
    }
}

/// An Additional Information field's value (A.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AiValue<'a> {
    MessageLength {
        calculated: u16,
        reserved: u16,
    },
    Mtu {
        mtu: u16,
        reserved: u16,
    },
    ObjectType {
        object_type: u16,
        reserved: u16,
    },
    /// `real_length` in words (12 bits) under 4 reserved bits; the offending object follows.
    ObjectValue {
        reserved: u8,
        real_length: u16,
        offset: u16,
        object: &'a [u8],
    },
    /// Another type, or a known one with a value of another length.
    Raw(&'a [u8]),
}

/// An Additional Information field (A.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdditionalInfo<'a> {
    pub ai_type: AiType,
    pub value: AiValue<'a>,
}

impl<'a> AdditionalInfo<'a> {
    fn parse_value(t: AiType, v: &'a [u8]) -> AiValue<'a> {
        let w = |i: usize| v.get(i..i + 2).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
        match (t, v.len()) {
            (AiType::MESSAGE_LENGTH, 4) => AiValue::MessageLength { calculated: w(0), reserved: w(2) },
            (AiType::MTU, 4) => AiValue::Mtu { mtu: w(0), reserved: w(2) },
            (AiType::OBJECT_TYPE, 4) => AiValue::ObjectType { object_type: w(0), reserved: w(2) },
            (AiType::OBJECT_VALUE, n) if n >= 4 => AiValue::ObjectValue {
                reserved: (w(0) >> 12) as u8,
                real_length: w(0) & 0x0fff,
                offset: w(2),
                object: &v[4..],
            },
            _ => AiValue::Raw(v),
        }
    }
    fn emit_value(&self, out: &mut Vec<u8>) {
        match &self.value {
            AiValue::MessageLength { calculated: a, reserved: b }
            | AiValue::Mtu { mtu: a, reserved: b }
            | AiValue::ObjectType { object_type: a, reserved: b } => {
                out.extend_from_slice(&a.to_be_bytes());
                out.extend_from_slice(&b.to_be_bytes());
            }
            AiValue::ObjectValue { reserved, real_length, offset, object } => {
                out.extend_from_slice(&(((*reserved as u16 & 0xf) << 12) | (real_length & 0x0fff)).to_be_bytes());
                out.extend_from_slice(&offset.to_be_bytes());
                out.extend_from_slice(object);
            }
            AiValue::Raw(b) => out.extend_from_slice(b),
        }
    }
}

/// The Error object (A.4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorObject<'a> {
    pub class: ErrorClass,
    pub code: ErrorCode,
    pub subcode: u8,
    /// Session ID present.
    pub s: bool,
    /// MRI present.
    pub m: bool,
    /// Debugging comment present.
    pub c: bool,
    /// Original message received in D-mode.
    pub d: bool,
    /// Original message received Q-mode encapsulated.
    pub q: bool,
    /// 11 reserved bits.
    pub reserved: u16,
    /// MRI Length in words, as sent (meaningful when `m`).
    pub mri_length: u8,
    /// Common header of the original message.
    pub header: Header,
    pub session_id: Option<[u8; 16]>,
    pub mri: Option<EmbeddedMri<'a>>,
    pub infos: Vec<AdditionalInfo<'a>>,
    /// The null-terminated, null-padded UTF-8 comment (C=1), padding included.
    pub comment: Option<&'a [u8]>,
}

impl<'a> ErrorObject<'a> {
    pub fn parse(d: &'a [u8]) -> Result<ErrorObject<'a>, ParseError> {
        let mut r = Rd::new(d);
        let class = ErrorClass(r.u8("Error object")?);
        let code = ErrorCode(r.u16("Error object")?);
        let subcode = r.u8("Error object")?;
        let f = r.u16("Error object flags")?;
        let mri_length = r.u8("Error object")?;
        let info_count = r.u8("Error object")?;
        let header = Header::parse(r.take(HEADER_LEN, "Error object original common header")?)?;
        let bit = |n: u16| f & (1 << n) != 0;
        let (s, m, c, dd, q) = (bit(15), bit(14), bit(13), bit(12), bit(11));
        let session_id = if s {
            let b = r.take(16, "Error object Session ID")?;
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            Some(a)
        } else {
            None
        };
        let mri = if m { Some(EmbeddedMri::parse(r.take(4 * mri_length as usize, "Error object MRI")?)) } else { None };
        let mut infos = Vec::new();
        for _ in 0..info_count {
            let t = AiType(r.u16("Additional Information")?);
            let n = r.u16("Additional Information")? as usize;
            let v = r.take(4 * n, "Additional Information value")?;
            infos.push(AdditionalInfo { ai_type: t, value: AdditionalInfo::parse_value(t, v) });
        }
        let comment = if c { Some(r.rest()) } else { None };
        r.done("Error object")?;
        Ok(ErrorObject {
            class,
            code,
            subcode,
            s,
            m,
            c,
            d: dd,
            q,
            reserved: f & 0x07ff,
            mri_length,
            header,
            session_id,
            mri,
            infos,
            comment,
        })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.class.0);
        out.extend_from_slice(&self.code.0.to_be_bytes());
        out.push(self.subcode);
        let f = (self.s as u16) << 15
            | (self.m as u16) << 14
            | (self.c as u16) << 13
            | (self.d as u16) << 12
            | (self.q as u16) << 11
            | (self.reserved & 0x07ff);
        out.extend_from_slice(&f.to_be_bytes());
        out.push(self.mri_length);
        out.push(self.infos.len().min(255) as u8);
        self.header.emit(out);
        if let Some(s) = &self.session_id {
            out.extend_from_slice(s);
        }
        if let Some(m) = &self.mri {
            m.emit(out);
        }
        for i in self.infos.iter().take(255) {
            out.extend_from_slice(&i.ai_type.0.to_be_bytes());
            let mut v = Vec::new();
            i.emit_value(&mut v);
            out.extend_from_slice(&((v.len() / 4).min(0xffff) as u16).to_be_bytes());
            out.extend_from_slice(&v);
        }
        if let Some(c) = self.comment {
            out.extend_from_slice(c);
        }
    }
    /// The comment's text, up to the first null.
    pub fn comment_text(&self) -> Option<String> {
        self.comment.map(|c| {
            let end = c.iter().position(|&b| b == 0).unwrap_or(c.len());
            String::from_utf8_lossy(&c[..end]).into_owned()
        })
    }
}

/// An object's value, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectValue<'a> {
    Mri(Mri<'a>),
    SessionId([u8; 16]),
    Nli(Nli<'a>),
    StackProposal(StackProposal<'a>),
    Scd(Scd<'a>),
    QueryCookie(&'a [u8]),
    ResponderCookie(&'a [u8]),
    NatTraversal(NatTraversal<'a>),
    NslpData(&'a [u8]),
    Error(ErrorObject<'a>),
    HelloId(u32),
    /// A type this module does not know.
    Unknown(&'a [u8]),
    /// A known type whose value does not parse (or parses with bytes left over, or does not
    /// re-emit to the same bytes): kept whole, with the reason.
    Invalid {
        bytes: &'a [u8],
        error: ParseError,
    },
}

/// A TLV object (A.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object<'a> {
    pub ab: Ab,
    /// The 2 reserved bits after AB.
    pub rsv_a: u8,
    pub ty: ObjectType,
    /// The 4 reserved bits before the length.
    pub rsv_b: u8,
    pub value: ObjectValue<'a>,
}

impl<'a> Object<'a> {
    /// A new object with AB=00 and clear reserved bits.
    pub fn new(ty: ObjectType, value: ObjectValue<'a>) -> Self {
        Object { ab: Ab::MANDATORY, rsv_a: 0, ty, rsv_b: 0, value }
    }

    fn parse_value(ty: ObjectType, v: &'a [u8]) -> ObjectValue<'a> {
        let r: Result<ObjectValue<'a>, ParseError> = match ty {
            ObjectType::MRI => Mri::parse(v).map(ObjectValue::Mri),
            ObjectType::SESSION_ID => match <[u8; 16]>::try_from(v) {
                Ok(a) => Ok(ObjectValue::SessionId(a)),
                Err(_) if v.len() < 16 => {
                    Err(ParseError::Truncated { what: "Session ID", offset: 0, needed: 16, available: v.len() })
                }
                Err(_) => Err(ParseError::Trailing { what: "Session ID", offset: 16, extra: v.len() - 16 }),
            },
            ObjectType::NLI => Nli::parse(v).map(ObjectValue::Nli),
            ObjectType::STACK_PROPOSAL => StackProposal::parse(v).map(ObjectValue::StackProposal),
            ObjectType::SCD => Scd::parse(v).map(ObjectValue::Scd),
            ObjectType::QUERY_COOKIE => Ok(ObjectValue::QueryCookie(v)),
            ObjectType::RESPONDER_COOKIE => Ok(ObjectValue::ResponderCookie(v)),
            ObjectType::NAT_TRAVERSAL => NatTraversal::parse(v).map(ObjectValue::NatTraversal),
            ObjectType::NSLP_DATA => Ok(ObjectValue::NslpData(v)),
            ObjectType::ERROR => ErrorObject::parse(v).map(ObjectValue::Error),
            ObjectType::HELLO_ID => match v {
                [a, b, c, d] => Ok(ObjectValue::HelloId(u32::from_be_bytes([*a, *b, *c, *d]))),
                _ if v.len() < 4 => {
                    Err(ParseError::Truncated { what: "Hello-ID", offset: 0, needed: 4, available: v.len() })
                }
                _ => Err(ParseError::Trailing { what: "Hello-ID", offset: 4, extra: v.len() - 4 }),
            },
            _ => Ok(ObjectValue::Unknown(v)),
        };
        match r {
            Ok(val) => {
                // Values whose fields cannot say everything the bytes say (a length field
                // over 255, a mis-sized pad) are kept whole.
                let mut back = Vec::with_capacity(v.len());
                emit_value(&val, &mut back);
                if back == v {
                    val
                } else {
                    ObjectValue::Invalid { bytes: v, error: ParseError::Inconsistent { what: "object value" } }
                }
            }
            Err(error) => ObjectValue::Invalid { bytes: v, error },
        }
    }

    /// Parse one object at the start of `d`: the object and the bytes after it.
    pub fn parse(d: &'a [u8]) -> Result<(Object<'a>, &'a [u8]), ParseError> {
        let mut r = Rd::new(d);
        let w1 = r.u16("object header")?;
        let w2 = r.u16("object header")?;
        let len = 4 * (w2 & 0x0fff) as usize;
        let ty = ObjectType(w1 & 0x0fff);
        let v = r.take(len, "object value")?;
        let value = Self::parse_value(ty, v);
        Ok((
            Object { ab: Ab((w1 >> 14) as u8), rsv_a: ((w1 >> 12) & 3) as u8, ty, rsv_b: (w2 >> 12) as u8, value },
            r.rest(),
        ))
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        let mut v = Vec::new();
        emit_value(&self.value, &mut v);
        let words = (v.len() / 4).min(0x0fff) as u16;
        let w1 = (self.ab.0 as u16 & 3) << 14 | (self.rsv_a as u16 & 3) << 12 | (self.ty.0 & 0x0fff);
        let w2 = (self.rsv_b as u16 & 0xf) << 12 | words;
        out.extend_from_slice(&w1.to_be_bytes());
        out.extend_from_slice(&w2.to_be_bytes());
        out.extend_from_slice(&v[..4 * words as usize]);
    }

    /// Bytes on the wire, header included.
    pub fn wire_len(&self) -> usize {
        let mut v = Vec::new();
        self.emit(&mut v);
        v.len()
    }
}

fn emit_value(v: &ObjectValue<'_>, out: &mut Vec<u8>) {
    match v {
        ObjectValue::Mri(m) => m.emit(out),
        ObjectValue::SessionId(s) => out.extend_from_slice(s),
        ObjectValue::Nli(n) => n.emit(out),
        ObjectValue::StackProposal(s) => s.emit(out),
        ObjectValue::Scd(s) => s.emit(out),
        ObjectValue::QueryCookie(b)
        | ObjectValue::ResponderCookie(b)
        | ObjectValue::NslpData(b)
        | ObjectValue::Unknown(b)
        | ObjectValue::Invalid { bytes: b, .. } => out.extend_from_slice(b),
        ObjectValue::NatTraversal(n) => n.emit(out),
        ObjectValue::Error(e) => e.emit(out),
        ObjectValue::HelloId(h) => out.extend_from_slice(&h.to_be_bytes()),
    }
}

/// A GIST message: the common header and its objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    pub objects: Vec<Object<'a>>,
}

/// What [`parse_lax`] found: every object that parsed, and why it stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lax<'a> {
    pub header: Header,
    /// Objects with their offsets from the start of the message.
    pub objects: Vec<(usize, Object<'a>)>,
    /// The first problem, with its offset from the start of the message.
    pub error: Option<ParseError>,
    /// Message bytes the header's length covers that were present.
    pub body_len: usize,
}

/// Parse as much of a message (starting at its common header) as there is. The body is what
/// the header's length says, cut to the bytes present.
pub fn parse_lax(d: &[u8]) -> Result<Lax<'_>, ParseError> {
    let header = Header::parse(d)?;
    let want = 4 * header.length as usize;
    let avail = d.len() - HEADER_LEN;
    let body = &d[HEADER_LEN..HEADER_LEN + want.min(avail)];
    let mut error = None;
    if want > avail {
        error = Some(ParseError::Truncated { what: "message", offset: HEADER_LEN, needed: want, available: avail });
    }
    let mut objects = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        if objects.len() >= MAX_OBJECTS {
            error = error.or(Some(ParseError::TooManyObjects));
            break;
        }
        let off = HEADER_LEN + body.len() - rest.len();
        match Object::parse(rest) {
            Ok((o, r)) => {
                objects.push((off, o));
                rest = r;
            }
            Err(e) => {
                // A cut message says so first; the object cut with it is its consequence.
                error = error.or(Some(e.shift(off)));
                break;
            }
        }
    }
    Ok(Lax { header, objects, error, body_len: body.len() })
}

/// Parse one message at the start of `d` (no magic number): the message and the bytes after it.
pub fn parse(d: &[u8]) -> Result<(Message<'_>, &[u8]), ParseError> {
    let lax = parse_lax(d)?;
    if let Some(e) = lax.error {
        return Err(e);
    }
    let n = HEADER_LEN + lax.body_len;
    Ok((Message { header: lax.header, objects: lax.objects.into_iter().map(|(_, o)| o).collect() }, &d[n..]))
}

/// Parse a D-mode datagram: the magic number, then one message (G1).
pub fn parse_dmode(d: &[u8]) -> Result<(Message<'_>, &[u8]), ParseError> {
    let mut r = Rd::new(d);
    let m = r.u32("magic number")?;
    if m != MAGIC {
        return Err(ParseError::BadMagic { found: m });
    }
    parse(&d[4..]).map_err(|e| e.shift(4))
}

impl<'a> Message<'a> {
    /// A message with a header for `msg_type` (version 1, 64 hops) and these objects; the length
    /// is set by `emit`.
    pub fn new(nslpid: u16, msg_type: MsgType, objects: Vec<Object<'a>>) -> Self {
        let header = Header { version: VERSION, hops: 64, nslpid, msg_type, ..Header::default() };
        Message { header, objects }
    }

    /// The message as sent in C-mode: the header (length computed) and the objects.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let mut h = self.header;
        h.emit(out);
        for o in &self.objects {
            o.emit(out);
        }
        let words = ((out.len() - start - HEADER_LEN) / 4).min(0xffff) as u16;
        h.length = words;
        let mut hb = Vec::with_capacity(HEADER_LEN);
        h.emit(&mut hb);
        out[start..start + HEADER_LEN].copy_from_slice(&hb);
    }

    /// The message as sent in D-mode over UDP: the magic number first (G1).
    pub fn emit_dmode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&MAGIC.to_be_bytes());
        self.emit(out);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.emit(&mut v);
        v
    }

    /// The first object of a type.
    pub fn object(&self, ty: ObjectType) -> Option<&Object<'a>> {
        self.objects.iter().find(|o| o.ty == ty)
    }
}

/// Whether these bytes can start a C-mode message: version 1, a type of A.1's table, reserved
/// bits clear (used to frame and resynchronise byte streams).
pub fn plausible_header(d: &[u8]) -> bool {
    match Header::parse(d) {
        Ok(h) => h.version == VERSION && h.msg_type.name().is_some() && h.reserved == 0,
        Err(_) => false,
    }
}

/// Strict check of a whole C-mode message (SCTP user message, G2): a plausible header whose
/// length is exactly the message, and objects that fill it to the byte.
pub fn heuristic_cmode(d: &[u8]) -> bool {
    if !plausible_header(d) {
        return false;
    }
    match parse(d) {
        Ok((m, rest)) => rest.is_empty() && !m.objects.is_empty(),
        Err(_) => false,
    }
}

/// Strict check of a UDP datagram (G1): the magic number, then a plausible header whose length
/// fits the datagram.
pub fn heuristic_dmode(d: &[u8]) -> bool {
    d.len() >= 4 + HEADER_LEN
        && d[..4] == MAGIC.to_be_bytes()
        && plausible_header(&d[4..])
        && Header::parse(&d[4..]).is_ok_and(|h| h.message_len() <= d.len() - 4)
}
