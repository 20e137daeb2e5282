//! Error causes of ABORT and ERROR chunks (RFC 4960 §3.3.10), of the Error Cause Indication
//! parameter (RFC 5061 §4.2.3), with the causes added by RFC 5061 §4.3 and RFC 4895 §4.1.
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Cause Code          |       Cause Length            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /                    Cause-Specific Information                 /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! Causes that carry a copy of something the peer sent (a chunk, parameters, an address TLV, an
//! ASCONF request) keep those bytes as received.

use super::wire::{emit_tlvs, pad_out, parse_tlvs, put_len16, tlv, CauseCode, ParamType, ParseError, Reader};

/// An error cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause<'a> {
    /// Invalid Stream Identifier (1), RFC 4960 §3.3.10.1.
    InvalidStreamIdentifier { stream_id: u16 },
    /// Missing Mandatory Parameter (2), RFC 4960 §3.3.10.2.
    MissingMandatoryParameter { types: Vec<ParamType> },
    /// Stale Cookie Error (3), RFC 4960 §3.3.10.3: measure of staleness in microseconds.
    StaleCookie { staleness_us: u32 },
    /// Out of Resource (4), RFC 4960 §3.3.10.4.
    OutOfResource,
    /// Unresolvable Address (5), RFC 4960 §3.3.10.5: the address parameter TLV.
    UnresolvableAddress { address: &'a [u8] },
    /// Unrecognized Chunk Type (6), RFC 4960 §3.3.10.6: the chunk as received.
    UnrecognizedChunkType { chunk: &'a [u8] },
    /// Invalid Mandatory Parameter (7), RFC 4960 §3.3.10.7.
    InvalidMandatoryParameter,
    /// Unrecognized Parameters (8), RFC 4960 §3.3.10.8: the parameter TLVs as received.
    UnrecognizedParameters { params: &'a [u8] },
    /// No User Data (9), RFC 4960 §3.3.10.9.
    NoUserData { tsn: u32 },
    /// Cookie Received While Shutting Down (10), RFC 4960 §3.3.10.10.
    CookieWhileShuttingDown,
    /// Restart of an Association with New Addresses (11), RFC 4960 §3.3.10.11: address TLVs.
    RestartWithNewAddresses { addresses: &'a [u8] },
    /// User-Initiated Abort (12), RFC 4960 §3.3.10.12: upper-layer abort reason.
    UserInitiatedAbort { reason: &'a [u8] },
    /// Protocol Violation (13), RFC 4960 §3.3.10.13: additional information.
    ProtocolViolation { info: &'a [u8] },
    /// Request to Delete Last Remaining IP Address (0xa0), RFC 5061 §4.3.1: the request TLV.
    DeleteLastRemainingAddress { request: &'a [u8] },
    /// Operation Refused Due to Resource Shortage (0xa1), RFC 5061 §4.3.2: the request TLV.
    ResourceShortage { request: &'a [u8] },
    /// Request to Delete Source IP Address (0xa2), RFC 5061 §4.3.3: the request TLV.
    DeleteSourceAddress { request: &'a [u8] },
    /// Association Aborted Due to Illegal ASCONF-ACK (0xa3), RFC 5061 §4.3.4.
    IllegalAsconfAck,
    /// Request Refused - No Authorization (0xa4), RFC 5061 §4.3.5: the request TLV.
    RequestRefused { request: &'a [u8] },
    /// Unsupported HMAC Identifier (0x105), RFC 4895 §4.1.
    UnsupportedHmacId { hmac_id: u16 },
    /// Any other code, with its information as received.
    Unknown { code: CauseCode, info: &'a [u8] },
}

impl<'a> Cause<'a> {
    /// The cause code.
    pub fn code(&self) -> CauseCode {
        match self {
            Cause::InvalidStreamIdentifier { .. } => CauseCode::INVALID_STREAM_IDENTIFIER,
            Cause::MissingMandatoryParameter { .. } => CauseCode::MISSING_MANDATORY_PARAMETER,
            Cause::StaleCookie { .. } => CauseCode::STALE_COOKIE,
            Cause::OutOfResource => CauseCode::OUT_OF_RESOURCE,
            Cause::UnresolvableAddress { .. } => CauseCode::UNRESOLVABLE_ADDRESS,
            Cause::UnrecognizedChunkType { .. } => CauseCode::UNRECOGNIZED_CHUNK_TYPE,
            Cause::InvalidMandatoryParameter => CauseCode::INVALID_MANDATORY_PARAMETER,
            Cause::UnrecognizedParameters { .. } => CauseCode::UNRECOGNIZED_PARAMETERS,
            Cause::NoUserData { .. } => CauseCode::NO_USER_DATA,
            Cause::CookieWhileShuttingDown => CauseCode::COOKIE_RECEIVED_WHILE_SHUTTING_DOWN,
            Cause::RestartWithNewAddresses { .. } => CauseCode::RESTART_WITH_NEW_ADDRESSES,
            Cause::UserInitiatedAbort { .. } => CauseCode::USER_INITIATED_ABORT,
            Cause::ProtocolViolation { .. } => CauseCode::PROTOCOL_VIOLATION,
            Cause::DeleteLastRemainingAddress { .. } => CauseCode::DELETE_LAST_REMAINING_ADDRESS,
            Cause::ResourceShortage { .. } => CauseCode::RESOURCE_SHORTAGE,
            Cause::DeleteSourceAddress { .. } => CauseCode::DELETE_SOURCE_ADDRESS,
            Cause::IllegalAsconfAck => CauseCode::ILLEGAL_ASCONF_ACK,
            Cause::RequestRefused { .. } => CauseCode::REQUEST_REFUSED,
            Cause::UnsupportedHmacId { .. } => CauseCode::UNSUPPORTED_HMAC_IDENTIFIER,
            Cause::Unknown { code, .. } => *code,
        }
    }

    /// Parse one cause and its padding; the rest of the input follows.
    pub fn parse(input: &'a [u8]) -> Result<(Cause<'a>, &'a [u8]), ParseError> {
        Self::parse_at(input, 0)
    }

    /// Parse a whole list of causes filling `input` (as in an ABORT chunk's value).
    pub fn parse_list(input: &'a [u8]) -> Result<Vec<Cause<'a>>, ParseError> {
        Self::parse_list_at(input, 0)
    }

    pub(crate) fn parse_list_at(input: &'a [u8], base: usize) -> Result<Vec<Cause<'a>>, ParseError> {
        parse_tlvs(input, base, Cause::parse_at)
    }

    pub(crate) fn parse_at(input: &'a [u8], base: usize) -> Result<(Cause<'a>, &'a [u8]), ParseError> {
        let t = tlv(input, base, "error cause")?;
        let v = t.value;
        let mut r = Reader::new(v, base + 4);
        let bad = |expected: &'static str, what: &'static str| ParseError::BadLength {
            offset: base + 2,
            what,
            expected,
            found: v.len() + 4,
        };
        let c = match CauseCode(t.ty) {
            CauseCode::INVALID_STREAM_IDENTIFIER => {
                let what = "invalid stream identifier cause";
                let stream_id = r.u16(what)?;
                let _reserved = r.u16(what)?;
                if !r.is_empty() {
                    return Err(bad("8", what));
                }
                Cause::InvalidStreamIdentifier { stream_id }
            }
            CauseCode::MISSING_MANDATORY_PARAMETER => {
                let what = "missing mandatory parameter cause";
                let n = r.u32(what)? as usize;
                if r.remaining() != n.saturating_mul(2) {
                    return Err(bad("8 + 2 x the number of missing parameters", what));
                }
                let types = r.rest().chunks_exact(2).map(|c| ParamType(u16::from_be_bytes([c[0], c[1]]))).collect();
                Cause::MissingMandatoryParameter { types }
            }
            CauseCode::STALE_COOKIE => {
                let what = "stale cookie cause";
                let staleness_us = r.u32(what)?;
                if !r.is_empty() {
                    return Err(bad("8", what));
                }
                Cause::StaleCookie { staleness_us }
            }
            CauseCode::NO_USER_DATA => {
                let what = "no user data cause";
                let tsn = r.u32(what)?;
                if !r.is_empty() {
                    return Err(bad("8", what));
                }
                Cause::NoUserData { tsn }
            }
            CauseCode::UNSUPPORTED_HMAC_IDENTIFIER => {
                let what = "unsupported HMAC identifier cause";
                let hmac_id = r.u16(what)?;
                if !r.is_empty() {
                    return Err(bad("6", what));
                }
                Cause::UnsupportedHmacId { hmac_id }
            }
            code @ (CauseCode::OUT_OF_RESOURCE
            | CauseCode::INVALID_MANDATORY_PARAMETER
            | CauseCode::COOKIE_RECEIVED_WHILE_SHUTTING_DOWN
            | CauseCode::ILLEGAL_ASCONF_ACK) => {
                if !v.is_empty() {
                    return Err(bad("4", "error cause without information"));
                }
                match code {
                    CauseCode::OUT_OF_RESOURCE => Cause::OutOfResource,
                    CauseCode::INVALID_MANDATORY_PARAMETER => Cause::InvalidMandatoryParameter,
                    CauseCode::COOKIE_RECEIVED_WHILE_SHUTTING_DOWN => Cause::CookieWhileShuttingDown,
                    _ => Cause::IllegalAsconfAck,
                }
            }
            CauseCode::UNRESOLVABLE_ADDRESS => Cause::UnresolvableAddress { address: v },
            CauseCode::UNRECOGNIZED_CHUNK_TYPE => Cause::UnrecognizedChunkType { chunk: v },
            CauseCode::UNRECOGNIZED_PARAMETERS => Cause::UnrecognizedParameters { params: v },
            CauseCode::RESTART_WITH_NEW_ADDRESSES => Cause::RestartWithNewAddresses { addresses: v },
            CauseCode::USER_INITIATED_ABORT => Cause::UserInitiatedAbort { reason: v },
            CauseCode::PROTOCOL_VIOLATION => Cause::ProtocolViolation { info: v },
            CauseCode::DELETE_LAST_REMAINING_ADDRESS => Cause::DeleteLastRemainingAddress { request: v },
            CauseCode::RESOURCE_SHORTAGE => Cause::ResourceShortage { request: v },
            CauseCode::DELETE_SOURCE_ADDRESS => Cause::DeleteSourceAddress { request: v },
            CauseCode::REQUEST_REFUSED => Cause::RequestRefused { request: v },
            code => Cause::Unknown { code, info: v },
        };
        Ok((c, t.rest))
    }

    /// Write the cause with its padding to a multiple of 4.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&self.code().0.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        match self {
            Cause::InvalidStreamIdentifier { stream_id } => {
                out.extend_from_slice(&stream_id.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
            }
            Cause::MissingMandatoryParameter { types } => {
                let n = u32::try_from(types.len()).unwrap_or(u32::MAX);
                out.extend_from_slice(&n.to_be_bytes());
                types.iter().for_each(|t| out.extend_from_slice(&t.0.to_be_bytes()));
            }
            Cause::StaleCookie { staleness_us: n } | Cause::NoUserData { tsn: n } => {
                out.extend_from_slice(&n.to_be_bytes())
            }
            Cause::UnsupportedHmacId { hmac_id } => out.extend_from_slice(&hmac_id.to_be_bytes()),
            Cause::OutOfResource
            | Cause::InvalidMandatoryParameter
            | Cause::CookieWhileShuttingDown
            | Cause::IllegalAsconfAck => {}
            Cause::UnresolvableAddress { address: v }
            | Cause::UnrecognizedChunkType { chunk: v }
            | Cause::UnrecognizedParameters { params: v }
            | Cause::RestartWithNewAddresses { addresses: v }
            | Cause::UserInitiatedAbort { reason: v }
            | Cause::ProtocolViolation { info: v }
            | Cause::DeleteLastRemainingAddress { request: v }
            | Cause::ResourceShortage { request: v }
            | Cause::DeleteSourceAddress { request: v }
            | Cause::RequestRefused { request: v }
            | Cause::Unknown { info: v, .. } => out.extend_from_slice(v),
        }
        let len = out.len() - start;
        put_len16(out, start + 2, len);
        pad_out(out, start);
    }

    /// Emit a list of causes; returns the length a containing chunk counts (all but the last
    /// cause's padding).
    pub fn emit_list(causes: &[Cause<'_>], out: &mut Vec<u8>) -> usize {
        emit_tlvs(causes, out, |c, o| c.emit(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_violation_from_aiortc_abort() {
        // The cause of sctp_abort.bin; tshark 4.0: "Protocol violation cause", code 0x000d,
        // length 55, information "Expected B-bit for TSN=4ce1f17f, SID=0001, SSN=0000", 1 byte
        // of cause padding.
        let mut b = vec![0x00, 0x0d, 0x00, 0x37];
        b.extend_from_slice(b"Expected B-bit for TSN=4ce1f17f, SID=0001, SSN=0000");
        b.push(0);
        let (c, rest) = Cause::parse(&b).unwrap();
        assert_eq!(c, Cause::ProtocolViolation { info: b"Expected B-bit for TSN=4ce1f17f, SID=0001, SSN=0000" });
        assert!(rest.is_empty());
        let mut out = vec![0xa5];
        c.emit(&mut out);
        assert_eq!(&out[1..], &b[..]);
    }

    #[test]
    fn invalid_stream_from_aiortc_error() {
        // sctp_error.bin: cause 0x0001 length 8, stream identifier 12345, reserved 0.
        let (c, _) = Cause::parse(&[0x00, 0x01, 0x00, 0x08, 0x30, 0x39, 0x00, 0x00]).unwrap();
        assert_eq!(c, Cause::InvalidStreamIdentifier { stream_id: 12345 });
    }

    #[test]
    fn missing_mandatory_counts_are_checked() {
        let c = Cause::MissingMandatoryParameter { types: vec![ParamType::STATE_COOKIE] };
        let mut v = Vec::new();
        c.emit(&mut v);
        assert_eq!(v, [0, 2, 0, 10, 0, 0, 0, 1, 0, 7, 0, 0]);
        assert_eq!(Cause::parse(&v).unwrap().0, c);
        // A count that the length cannot hold is an error, not an allocation.
        assert_eq!(
            Cause::parse(&[0, 2, 0, 8, 0xff, 0xff, 0xff, 0xff]).unwrap_err(),
            ParseError::BadLength {
                offset: 2,
                what: "missing mandatory parameter cause",
                expected: "8 + 2 x the number of missing parameters",
                found: 8
            }
        );
    }
}
