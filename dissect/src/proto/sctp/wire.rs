//! Wire basics shared by chunks, parameters and error causes: code points, the common header,
//! parse errors with byte offsets, and a bounds-checked reader.
//!
//! SCTP packet, RFC 4960 §3:
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                        Common Header                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                          Chunk #1                             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           ...                                 |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                          Chunk #n                             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use std::fmt;

/// Why a parse stopped. Offsets count from the start of the slice handed to the outermost `parse`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than a field or a declared length needs.
    #[error("{what} at byte {offset}: needs {needed} bytes, {available} left")]
    Truncated { offset: usize, what: &'static str, needed: usize, available: usize },
    /// A length field (or the space a structure occupies) has a value the structure cannot have.
    #[error("{what} at byte {offset}: length {found}, expected {expected}")]
    BadLength { offset: usize, what: &'static str, expected: &'static str, found: usize },
    /// A field holds a value that is not allowed where it is.
    #[error("{what} at byte {offset}: value {found:#x}, expected {expected}")]
    BadValue { offset: usize, what: &'static str, expected: &'static str, found: u64 },
}

impl ParseError {
    /// The byte offset the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Truncated { offset, .. }
            | ParseError::BadLength { offset, .. }
            | ParseError::BadValue { offset, .. } => *offset,
        }
    }

    /// The same error with its offset moved by `by` bytes (when it moves up a layer).
    pub fn shift(self, by: usize) -> Self {
        match self {
            ParseError::Truncated { offset, what, needed, available } => {
                ParseError::Truncated { offset: offset.saturating_add(by), what, needed, available }
            }
            ParseError::BadLength { offset, what, expected, found } => {
                ParseError::BadLength { offset: offset.saturating_add(by), what, expected, found }
            }
            ParseError::BadValue { offset, what, expected, found } => {
                ParseError::BadValue { offset: offset.saturating_add(by), what, expected, found }
            }
        }
    }
}

/// A cursor over a byte slice whose reads fail with a [`ParseError`] instead of panicking.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` in the outermost input, for error offsets.
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], base: usize) -> Self {
        Reader { buf, pos: 0, base }
    }
    /// Offset of the next byte in the outermost input.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        let available = self.remaining();
        if n > available {
            return Err(ParseError::Truncated { offset: self.offset(), what, needed: n, available });
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    /// Up to `n` bytes (fewer at the end of the input).
    pub(crate) fn take_up_to(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.remaining());
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        s
    }
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let s = &self.buf[self.pos..];
        self.pos = self.buf.len();
        s
    }
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        Ok(self.take(1, what)?[0])
    }
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, ParseError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, ParseError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Bytes of padding that bring `len` to a multiple of 4 (RFC 4960 §3.2).
pub const fn pad4(len: usize) -> usize {
    (4 - len % 4) % 4
}

/// Append zero bytes until `out.len() - start` is a multiple of 4.
pub(crate) fn pad_out(out: &mut Vec<u8>, start: usize) {
    let n = pad4(out.len() - start);
    out.resize(out.len() + n, 0);
}

/// Write a 16-bit length at `at`, saturating when the structure is longer than a length field
/// can say (only possible for values built by hand, never for parsed ones).
pub(crate) fn put_len16(out: &mut [u8], at: usize, len: usize) {
    let v = u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes();
    if let Some(dst) = out.get_mut(at..at + 2) {
        dst.copy_from_slice(&v);
    }
}

/// Read a big-endian u16 at `at`, if there.
pub(crate) fn get_u16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

/// Read a big-endian u32 at `at`, if there.
pub(crate) fn get_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// What a receiver does with an unrecognized chunk or parameter: the upper two bits of its type
/// (RFC 4960 §3.2 for chunks, §3.2.1 for parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnrecognizedAction {
    /// `00`: stop processing (the packet, or the chunk for a parameter) and discard it.
    Stop,
    /// `01`: stop processing, discard, and report it in an ERROR chunk.
    StopAndReport,
    /// `10`: skip it and continue.
    Skip,
    /// `11`: skip it, continue, and report it in an ERROR chunk.
    SkipAndReport,
}

impl UnrecognizedAction {
    fn from_bits(b: u8) -> Self {
        match b & 3 {
            0 => UnrecognizedAction::Stop,
            1 => UnrecognizedAction::StopAndReport,
            2 => UnrecognizedAction::Skip,
            _ => UnrecognizedAction::SkipAndReport,
        }
    }
}

/// A chunk type, RFC 4960 §3.2 and the extensions' IANA registrations.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkType(pub u8);

impl ChunkType {
    /// Payload Data, RFC 4960 §3.3.1.
    pub const DATA: Self = Self(0);
    /// Initiation, RFC 4960 §3.3.2.
    pub const INIT: Self = Self(1);
    /// Initiation Acknowledgement, RFC 4960 §3.3.3.
    pub const INIT_ACK: Self = Self(2);
    /// Selective Acknowledgement, RFC 4960 §3.3.4.
    pub const SACK: Self = Self(3);
    /// Heartbeat Request, RFC 4960 §3.3.5.
    pub const HEARTBEAT: Self = Self(4);
    /// Heartbeat Acknowledgement, RFC 4960 §3.3.6.
    pub const HEARTBEAT_ACK: Self = Self(5);
    /// Abort, RFC 4960 §3.3.7.
    pub const ABORT: Self = Self(6);
    /// Shutdown, RFC 4960 §3.3.8.
    pub const SHUTDOWN: Self = Self(7);
    /// Shutdown Acknowledgement, RFC 4960 §3.3.9.
    pub const SHUTDOWN_ACK: Self = Self(8);
    /// Operation Error, RFC 4960 §3.3.10.
    pub const ERROR: Self = Self(9);
    /// State Cookie, RFC 4960 §3.3.11.
    pub const COOKIE_ECHO: Self = Self(10);
    /// Cookie Acknowledgement, RFC 4960 §3.3.12.
    pub const COOKIE_ACK: Self = Self(11);
    /// Explicit Congestion Notification Echo, RFC 4960 Appendix A.
    pub const ECNE: Self = Self(12);
    /// Congestion Window Reduced, RFC 4960 Appendix A.
    pub const CWR: Self = Self(13);
    /// Shutdown Complete, RFC 4960 §3.3.13.
    pub const SHUTDOWN_COMPLETE: Self = Self(14);
    /// Authentication, RFC 4895 §4.1.
    pub const AUTH: Self = Self(15);
    /// Non-renegable SACK (not modelled; kept as an unknown chunk).
    pub const NR_SACK: Self = Self(16);
    /// Payload data supporting interleaving, RFC 8260 §2.1.
    pub const I_DATA: Self = Self(64);
    /// Address Configuration Acknowledgment, RFC 5061 §4.1.2.
    pub const ASCONF_ACK: Self = Self(0x80);
    /// Packet drop report (not modelled; kept as an unknown chunk).
    pub const PKTDROP: Self = Self(0x81);
    /// Re-configuration, RFC 6525 §3.1.
    pub const RE_CONFIG: Self = Self(0x82);
    /// Padding, RFC 4820 §3.
    pub const PAD: Self = Self(0x84);
    /// Forward Cumulative TSN, RFC 3758 §3.2.
    pub const FORWARD_TSN: Self = Self(0xc0);
    /// Address Configuration Change, RFC 5061 §4.1.1.
    pub const ASCONF: Self = Self(0xc1);
    /// Forward TSN for I-DATA, RFC 8260 §2.3.1.
    pub const I_FORWARD_TSN: Self = Self(0xc2);

    /// tshark's name for the type (`INIT_ACK`), or `None` when tshark has none.
    pub fn name(self) -> Option<&'static str> {
        super::hf::CHUNK_TYPE_VALS.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }

    /// What a receiver that does not know this type does with it (RFC 4960 §3.2).
    pub fn action(self) -> UnrecognizedAction {
        UnrecognizedAction::from_bits(self.0 >> 6)
    }
}

impl fmt::Debug for ChunkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "ChunkType::{}", n),
            None => write!(f, "ChunkType({})", self.0),
        }
    }
}

/// A parameter type, RFC 4960 §3.2.1 and the extensions' IANA registrations.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamType(pub u16);

impl ParamType {
    /// Heartbeat Info, RFC 4960 §3.3.5.
    pub const HEARTBEAT_INFO: Self = Self(1);
    /// IPv4 Address, RFC 4960 §3.3.2.1.
    pub const IPV4_ADDRESS: Self = Self(5);
    /// IPv6 Address, RFC 4960 §3.3.2.1.
    pub const IPV6_ADDRESS: Self = Self(6);
    /// State Cookie, RFC 4960 §3.3.3.1.
    pub const STATE_COOKIE: Self = Self(7);
    /// Unrecognized Parameter, RFC 4960 §3.3.3.1.
    pub const UNRECOGNIZED_PARAMETER: Self = Self(8);
    /// Cookie Preservative, RFC 4960 §3.3.2.1.
    pub const COOKIE_PRESERVATIVE: Self = Self(9);
    /// Host Name Address, RFC 4960 §3.3.2.1.
    pub const HOST_NAME_ADDRESS: Self = Self(11);
    /// Supported Address Types, RFC 4960 §3.3.2.1.
    pub const SUPPORTED_ADDRESS_TYPES: Self = Self(12);
    /// Outgoing SSN Reset Request, RFC 6525 §4.1.
    pub const OUTGOING_SSN_RESET_REQUEST: Self = Self(13);
    /// Incoming SSN Reset Request, RFC 6525 §4.2.
    pub const INCOMING_SSN_RESET_REQUEST: Self = Self(14);
    /// SSN/TSN Reset Request, RFC 6525 §4.3.
    pub const SSN_TSN_RESET_REQUEST: Self = Self(15);
    /// Re-configuration Response, RFC 6525 §4.4.
    pub const RECONFIG_RESPONSE: Self = Self(16);
    /// Add Outgoing Streams Request, RFC 6525 §4.5.
    pub const ADD_OUTGOING_STREAMS_REQUEST: Self = Self(17);
    /// Add Incoming Streams Request, RFC 6525 §4.6.
    pub const ADD_INCOMING_STREAMS_REQUEST: Self = Self(18);
    /// ECN Capable, RFC 4960 §3.3.2.1 and Appendix A.
    pub const ECN_CAPABLE: Self = Self(0x8000);
    /// Zero Checksum Acceptable (RFC 9653 §4); not known to tshark 4.0.
    pub const ZERO_CHECKSUM_ACCEPTABLE: Self = Self(0x8001);
    /// Random, RFC 4895 §3.1.
    pub const RANDOM: Self = Self(0x8002);
    /// Chunk List, RFC 4895 §3.2.
    pub const CHUNK_LIST: Self = Self(0x8003);
    /// Requested HMAC Algorithm, RFC 4895 §3.3.
    pub const HMAC_ALGO: Self = Self(0x8004);
    /// Padding, RFC 4820 §4.
    pub const PADDING: Self = Self(0x8005);
    /// Supported Extensions, RFC 5061 §4.2.7.
    pub const SUPPORTED_EXTENSIONS: Self = Self(0x8008);
    /// Forward-TSN-Supported, RFC 3758 §3.1.
    pub const FORWARD_TSN_SUPPORTED: Self = Self(0xc000);
    /// Add IP Address, RFC 5061 §4.2.1.
    pub const ADD_IP_ADDRESS: Self = Self(0xc001);
    /// Delete IP Address, RFC 5061 §4.2.2.
    pub const DELETE_IP_ADDRESS: Self = Self(0xc002);
    /// Error Cause Indication, RFC 5061 §4.2.3.
    pub const ERROR_CAUSE_INDICATION: Self = Self(0xc003);
    /// Set Primary Address, RFC 5061 §4.2.4.
    pub const SET_PRIMARY_ADDRESS: Self = Self(0xc004);
    /// Success Indication, RFC 5061 §4.2.5.
    pub const SUCCESS_INDICATION: Self = Self(0xc005);
    /// Adaptation Layer Indication, RFC 5061 §4.2.6.
    pub const ADAPTATION_LAYER_INDICATION: Self = Self(0xc006);

    /// tshark's name for the type (`State cookie`), or `None` when tshark has none.
    pub fn name(self) -> Option<&'static str> {
        super::hf::PARAM_TYPE_VALS.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }

    /// What a receiver that does not know this type does with it (RFC 4960 §3.2.1).
    pub fn action(self) -> UnrecognizedAction {
        UnrecognizedAction::from_bits((self.0 >> 14) as u8)
    }
}

impl fmt::Debug for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "ParamType({:#06x} {})", self.0, n),
            None => write!(f, "ParamType({:#06x})", self.0),
        }
    }
}

/// An error cause code, RFC 4960 §3.3.10, RFC 5061 §4.3, RFC 4895 §4.1.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CauseCode(pub u16);

impl CauseCode {
    /// RFC 4960 §3.3.10.1.
    pub const INVALID_STREAM_IDENTIFIER: Self = Self(1);
    /// RFC 4960 §3.3.10.2.
    pub const MISSING_MANDATORY_PARAMETER: Self = Self(2);
    /// RFC 4960 §3.3.10.3.
    pub const STALE_COOKIE: Self = Self(3);
    /// RFC 4960 §3.3.10.4.
    pub const OUT_OF_RESOURCE: Self = Self(4);
    /// RFC 4960 §3.3.10.5.
    pub const UNRESOLVABLE_ADDRESS: Self = Self(5);
    /// RFC 4960 §3.3.10.6.
    pub const UNRECOGNIZED_CHUNK_TYPE: Self = Self(6);
    /// RFC 4960 §3.3.10.7.
    pub const INVALID_MANDATORY_PARAMETER: Self = Self(7);
    /// RFC 4960 §3.3.10.8.
    pub const UNRECOGNIZED_PARAMETERS: Self = Self(8);
    /// RFC 4960 §3.3.10.9.
    pub const NO_USER_DATA: Self = Self(9);
    /// RFC 4960 §3.3.10.10.
    pub const COOKIE_RECEIVED_WHILE_SHUTTING_DOWN: Self = Self(10);
    /// RFC 4960 §3.3.10.11.
    pub const RESTART_WITH_NEW_ADDRESSES: Self = Self(11);
    /// RFC 4960 §3.3.10.12.
    pub const USER_INITIATED_ABORT: Self = Self(12);
    /// RFC 4960 §3.3.10.13.
    pub const PROTOCOL_VIOLATION: Self = Self(13);
    /// RFC 5061 §4.3.1.
    pub const DELETE_LAST_REMAINING_ADDRESS: Self = Self(0xa0);
    /// RFC 5061 §4.3.2.
    pub const RESOURCE_SHORTAGE: Self = Self(0xa1);
    /// RFC 5061 §4.3.3.
    pub const DELETE_SOURCE_ADDRESS: Self = Self(0xa2);
    /// RFC 5061 §4.3.4.
    pub const ILLEGAL_ASCONF_ACK: Self = Self(0xa3);
    /// RFC 5061 §4.3.5.
    pub const REQUEST_REFUSED: Self = Self(0xa4);
    /// RFC 4895 §4.1.
    pub const UNSUPPORTED_HMAC_IDENTIFIER: Self = Self(0x105);

    /// tshark's name for the code, or `None` when tshark has none.
    pub fn name(self) -> Option<&'static str> {
        super::hf::CAUSE_CODE_VALS.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }
}

impl fmt::Debug for CauseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "CauseCode({:#x} {})", self.0, n),
            None => write!(f, "CauseCode({:#x})", self.0),
        }
    }
}

/// Payload protocol identifiers used by the suite (IANA "SCTP Payload Protocol Identifiers").
pub mod ppid {
    pub const UNSPECIFIED: u32 = 0;
    pub const M3UA: u32 = 3;
    pub const H248: u32 = 7;
    pub const SIMCO: u32 = 15;
    pub const FORCES_HP: u32 = 21;
    pub const FORCES_MP: u32 = 22;
    pub const FORCES_LP: u32 = 23;
    pub const DIAMETER: u32 = 46;
    pub const DIAMETER_DTLS: u32 = 47;
    pub const WEBRTC_DCEP: u32 = 50;
    pub const WEBRTC_STRING: u32 = 51;
    pub const WEBRTC_BINARY: u32 = 53;
}

/// The SCTP common header, RFC 4960 §3.1.
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Source Port Number        |     Destination Port Number   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      Verification Tag                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           Checksum                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommonHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub verification_tag: u32,
    /// As carried on the wire (CRC32c, RFC 4960 Appendix B); [`super::emit_packet`] fills it in.
    pub checksum: u32,
}

impl CommonHeader {
    /// Length of the common header.
    pub const LEN: usize = 12;

    pub fn parse(input: &[u8]) -> Result<(CommonHeader, &[u8]), ParseError> {
        let mut r = Reader::new(input, 0);
        let src_port = r.u16("source port")?;
        let dst_port = r.u16("destination port")?;
        let verification_tag = r.u32("verification tag")?;
        let checksum = r.u32("checksum")?;
        Ok((CommonHeader { src_port, dst_port, verification_tag, checksum }, r.rest()))
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&self.verification_tag.to_be_bytes());
        out.extend_from_slice(&self.checksum.to_be_bytes());
    }
}

/// Parse a sequence of type-length-value items that fill `value` (parameters or causes), each
/// padded to 4 bytes except possibly the last (RFC 4960 §3.2.1). `base` is `value`'s offset.
pub(crate) fn parse_tlvs<'a, T>(
    value: &'a [u8],
    base: usize,
    mut one: impl FnMut(&'a [u8], usize) -> Result<(T, &'a [u8]), ParseError>,
) -> Result<Vec<T>, ParseError> {
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let off = base + (value.len() - rest.len());
        let (item, r) = one(rest, off)?;
        out.push(item);
        rest = r;
    }
    Ok(out)
}

/// Emit a sequence of TLVs and return the byte count without the last item's padding, which a
/// containing length field does not include (RFC 4960 §3.2).
pub(crate) fn emit_tlvs<T>(items: &[T], out: &mut Vec<u8>, mut one: impl FnMut(&T, &mut Vec<u8>)) -> usize {
    let start = out.len();
    let mut last_unpadded = 0;
    for it in items {
        let at = out.len();
        one(it, out);
        let len = get_u16(out, at + 2).map(usize::from).unwrap_or(0);
        last_unpadded = at - start + len.max(4).min(out.len() - at);
    }
    if items.is_empty() {
        0
    } else {
        last_unpadded
    }
}

/// The framing shared by parameters and causes: type (16 bits), length (16 bits, including the
/// header, excluding padding), value, then padding to 4 bytes (cut short at the end of `input`).
pub(crate) struct Tlv<'a> {
    pub ty: u16,
    pub value: &'a [u8],
    pub rest: &'a [u8],
}

pub(crate) fn tlv<'a>(input: &'a [u8], base: usize, what: &'static str) -> Result<Tlv<'a>, ParseError> {
    let mut r = Reader::new(input, base);
    let ty = r.u16(what)?;
    let len_at = r.offset();
    let len = r.u16(what)? as usize;
    if len < 4 {
        return Err(ParseError::BadLength { offset: len_at, what, expected: ">= 4", found: len });
    }
    let value = r.take(len - 4, what)?;
    r.take_up_to(pad4(len));
    Ok(Tlv { ty, value, rest: r.rest() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_header_reads_every_field() {
        // sctp_data.bin of the aiortc captures; tshark 4.0: srcport 5000, dstport 5000,
        // verification_tag 0x0fc0f8a1, checksum 0x3f30fe9c.
        let b = [0x13, 0x88, 0x13, 0x88, 0x0f, 0xc0, 0xf8, 0xa1, 0x3f, 0x30, 0xfe, 0x9c, 0xee];
        let (h, rest) = CommonHeader::parse(&b).unwrap();
        assert_eq!(h.src_port, 5000);
        assert_eq!(h.dst_port, 5000);
        assert_eq!(h.verification_tag, 0x0fc0f8a1);
        assert_eq!(h.checksum, 0x3f30fe9c);
        assert_eq!(rest, &[0xee]);
        let mut out = vec![0xa5; 3];
        h.emit(&mut out);
        assert_eq!(&out[3..], &b[..12]);
    }

    #[test]
    fn common_header_truncations() {
        let b = [0u8; 12];
        let want = [
            (0, "source port", 0),
            (1, "source port", 0),
            (2, "destination port", 2),
            (3, "destination port", 2),
            (4, "verification tag", 4),
            (7, "verification tag", 4),
            (8, "checksum", 8),
            (11, "checksum", 8),
        ];
        for n in 0..12 {
            let e = CommonHeader::parse(&b[..n]).unwrap_err();
            let (_, what, offset) = want.iter().rev().find(|(k, _, _)| *k <= n).copied().unwrap();
            let needed = if what.ends_with("port") { 2 } else { 4 };
            assert_eq!(e, ParseError::Truncated { offset, what, needed, available: n - offset }, "length {n}");
        }
        assert!(CommonHeader::parse(&b).is_ok());
    }

    #[test]
    fn action_bits() {
        assert_eq!(ChunkType::DATA.action(), UnrecognizedAction::Stop);
        assert_eq!(ChunkType(0x40).action(), UnrecognizedAction::StopAndReport);
        assert_eq!(ChunkType::FORWARD_TSN.action(), UnrecognizedAction::SkipAndReport);
        assert_eq!(ChunkType::RE_CONFIG.action(), UnrecognizedAction::Skip);
        assert_eq!(ParamType::ECN_CAPABLE.action(), UnrecognizedAction::Skip);
        assert_eq!(ParamType::FORWARD_TSN_SUPPORTED.action(), UnrecognizedAction::SkipAndReport);
        assert_eq!(ParamType::STATE_COOKIE.action(), UnrecognizedAction::Stop);
        assert_eq!(format!("{:?}", ChunkType::INIT_ACK), "ChunkType::INIT_ACK");
        assert_eq!(format!("{:?}", ChunkType(99)), "ChunkType(99)");
    }

    #[test]
    fn error_shift() {
        let e = ParseError::Truncated { offset: 3, what: "x", needed: 4, available: 1 };
        assert_eq!(e.clone().shift(12).offset(), 15);
        assert_eq!(e.to_string(), "x at byte 3: needs 4 bytes, 1 left");
    }
}
