//! Chunk parameters: the type-length-value items of INIT, INIT ACK, HEARTBEAT, ASCONF,
//! ASCONF-ACK and RE-CONFIG (RFC 4960 §3.2.1).
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Parameter Type       |       Parameter Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                       Parameter Value                         /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! The length counts the 4-byte header and the value but not the padding to a multiple of 4.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::cause::Cause;
use super::wire::{emit_tlvs, pad_out, parse_tlvs, put_len16, tlv, ChunkType, ParamType, ParseError, Reader};

/// An address carried inside an ASCONF parameter (RFC 5061 §4.2.1, §4.2.2, §4.2.4): an IPv4
/// Address (type 5) or IPv6 Address (type 6) parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl Address {
    fn parse(input: &[u8], base: usize) -> Result<(Address, &[u8]), ParseError> {
        let t = tlv(input, base, "address parameter")?;
        let a = match ParamType(t.ty) {
            ParamType::IPV4_ADDRESS => Address::V4(Ipv4Addr::from(fixed::<4>(t.value, base, "IPv4 address")?)),
            ParamType::IPV6_ADDRESS => Address::V6(Ipv6Addr::from(fixed::<16>(t.value, base, "IPv6 address")?)),
            _ => {
                return Err(ParseError::BadValue {
                    offset: base,
                    what: "address parameter type",
                    expected: "IPv4 (5) or IPv6 (6) address",
                    found: t.ty as u64,
                })
            }
        };
        Ok((a, t.rest))
    }

    fn emit(&self, out: &mut Vec<u8>) {
        match self {
            Address::V4(a) => Param::Ipv4(*a).emit(out),
            Address::V6(a) => Param::Ipv6(*a).emit(out),
        }
    }
}

/// A value of exactly `N` bytes, or a length error at `base` (the parameter's start).
fn fixed<const N: usize>(v: &[u8], base: usize, what: &'static str) -> Result<[u8; N], ParseError> {
    <[u8; N]>::try_from(v).map_err(|_| ParseError::BadLength {
        offset: base + 2,
        what,
        expected: match N {
            2 => "6",
            4 => "8",
            8 => "12",
            16 => "20",
            _ => "a fixed size",
        },
        found: v.len() + 4,
    })
}

/// A chunk parameter. Opaque values borrow from the input; copies of other TLVs that the
/// peer echoes back (unrecognized parameters) are kept as their raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param<'a> {
    /// Heartbeat Info (1), RFC 4960 §3.3.5: sender-specific information.
    HeartbeatInfo(&'a [u8]),
    /// IPv4 Address (5), RFC 4960 §3.3.2.1.
    Ipv4(Ipv4Addr),
    /// IPv6 Address (6), RFC 4960 §3.3.2.1.
    Ipv6(Ipv6Addr),
    /// State Cookie (7), RFC 4960 §3.3.3.1.
    StateCookie(&'a [u8]),
    /// Unrecognized Parameter (8), RFC 4960 §3.3.3.1: a copy of the parameter TLV, as received.
    UnrecognizedParameter(&'a [u8]),
    /// Cookie Preservative (9), RFC 4960 §3.3.2.1: suggested life-span increment in ms.
    CookiePreservative(u32),
    /// Host Name Address (11), RFC 4960 §3.3.2.1: the name with its terminating NUL(s).
    HostName(&'a [u8]),
    /// Supported Address Types (12), RFC 4960 §3.3.2.1.
    SupportedAddressTypes(Vec<u16>),
    /// Outgoing SSN Reset Request (13), RFC 6525 §4.1.
    OutgoingSsnResetRequest { request_seq: u32, response_seq: u32, last_tsn: u32, streams: Vec<u16> },
    /// Incoming SSN Reset Request (14), RFC 6525 §4.2.
    IncomingSsnResetRequest { request_seq: u32, streams: Vec<u16> },
    /// SSN/TSN Reset Request (15), RFC 6525 §4.3.
    SsnTsnResetRequest { request_seq: u32 },
    /// Re-configuration Response (16), RFC 6525 §4.4; the two next-TSN fields come together.
    ReconfigResponse { response_seq: u32, result: u32, next_tsns: Option<(u32, u32)> },
    /// Add Outgoing Streams Request (17), RFC 6525 §4.5.
    AddOutgoingStreams { request_seq: u32, new_streams: u16 },
    /// Add Incoming Streams Request (18), RFC 6525 §4.6.
    AddIncomingStreams { request_seq: u32, new_streams: u16 },
    /// ECN Capable (0x8000), RFC 4960 Appendix A.
    EcnCapable,
    /// Zero Checksum Acceptable (0x8001), RFC 9653 §4: error detection method identifier.
    ZeroChecksumAcceptable { edmid: u32 },
    /// Random (0x8002), RFC 4895 §3.1.
    Random(&'a [u8]),
    /// Chunk List (0x8003), RFC 4895 §3.2: chunk types that must be authenticated.
    ChunkList(Vec<ChunkType>),
    /// Requested HMAC Algorithm (0x8004), RFC 4895 §3.3.
    HmacAlgo(Vec<u16>),
    /// Padding (0x8005), RFC 4820 §4.
    Padding(&'a [u8]),
    /// Supported Extensions (0x8008), RFC 5061 §4.2.7.
    SupportedExtensions(Vec<ChunkType>),
    /// Forward-TSN-Supported (0xc000), RFC 3758 §3.1.
    ForwardTsnSupported,
    /// Add IP Address (0xc001), RFC 5061 §4.2.1.
    AddIpAddress { correlation_id: u32, address: Address },
    /// Delete IP Address (0xc002), RFC 5061 §4.2.2.
    DeleteIpAddress { correlation_id: u32, address: Address },
    /// Error Cause Indication (0xc003), RFC 5061 §4.2.3.
    ErrorCauseIndication { correlation_id: u32, causes: Vec<Cause<'a>> },
    /// Set Primary Address (0xc004), RFC 5061 §4.2.4.
    SetPrimaryAddress { correlation_id: u32, address: Address },
    /// Success Indication (0xc005), RFC 5061 §4.2.5.
    SuccessIndication { correlation_id: u32 },
    /// Adaptation Layer Indication (0xc006), RFC 5061 §4.2.6.
    AdaptationLayerIndication(u32),
    /// Any other type, with its value as received.
    Unknown { ty: ParamType, value: &'a [u8] },
}

fn u16_list(v: &[u8], base: usize, what: &'static str) -> Result<Vec<u16>, ParseError> {
    if v.len() % 2 != 0 {
        return Err(ParseError::BadLength {
            offset: base + 2,
            what,
            expected: "an even value length",
            found: v.len() + 4,
        });
    }
    Ok(v.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect())
}

fn exact(r: &Reader, base: usize, what: &'static str, expected: &'static str, len: usize) -> Result<(), ParseError> {
    if r.is_empty() {
        Ok(())
    } else {
        Err(ParseError::BadLength { offset: base + 2, what, expected, found: len + 4 })
    }
}

impl<'a> Param<'a> {
    /// The parameter's type code.
    pub fn ty(&self) -> ParamType {
        match self {
            Param::HeartbeatInfo(_) => ParamType::HEARTBEAT_INFO,
            Param::Ipv4(_) => ParamType::IPV4_ADDRESS,
            Param::Ipv6(_) => ParamType::IPV6_ADDRESS,
            Param::StateCookie(_) => ParamType::STATE_COOKIE,
            Param::UnrecognizedParameter(_) => ParamType::UNRECOGNIZED_PARAMETER,
            Param::CookiePreservative(_) => ParamType::COOKIE_PRESERVATIVE,
            Param::HostName(_) => ParamType::HOST_NAME_ADDRESS,
            Param::SupportedAddressTypes(_) => ParamType::SUPPORTED_ADDRESS_TYPES,
            Param::OutgoingSsnResetRequest { .. } => ParamType::OUTGOING_SSN_RESET_REQUEST,
            Param::IncomingSsnResetRequest { .. } => ParamType::INCOMING_SSN_RESET_REQUEST,
            Param::SsnTsnResetRequest { .. } => ParamType::SSN_TSN_RESET_REQUEST,
            Param::ReconfigResponse { .. } => ParamType::RECONFIG_RESPONSE,
            Param::AddOutgoingStreams { .. } => ParamType::ADD_OUTGOING_STREAMS_REQUEST,
            Param::AddIncomingStreams { .. } => ParamType::ADD_INCOMING_STREAMS_REQUEST,
            Param::EcnCapable => ParamType::ECN_CAPABLE,
            Param::ZeroChecksumAcceptable { .. } => ParamType::ZERO_CHECKSUM_ACCEPTABLE,
            Param::Random(_) => ParamType::RANDOM,
            Param::ChunkList(_) => ParamType::CHUNK_LIST,
            Param::HmacAlgo(_) => ParamType::HMAC_ALGO,
            Param::Padding(_) => ParamType::PADDING,
            Param::SupportedExtensions(_) => ParamType::SUPPORTED_EXTENSIONS,
            Param::ForwardTsnSupported => ParamType::FORWARD_TSN_SUPPORTED,
            Param::AddIpAddress { .. } => ParamType::ADD_IP_ADDRESS,
            Param::DeleteIpAddress { .. } => ParamType::DELETE_IP_ADDRESS,
            Param::ErrorCauseIndication { .. } => ParamType::ERROR_CAUSE_INDICATION,
            Param::SetPrimaryAddress { .. } => ParamType::SET_PRIMARY_ADDRESS,
            Param::SuccessIndication { .. } => ParamType::SUCCESS_INDICATION,
            Param::AdaptationLayerIndication(_) => ParamType::ADAPTATION_LAYER_INDICATION,
            Param::Unknown { ty, .. } => *ty,
        }
    }

    /// Parse one parameter and its padding; the rest of the input follows.
    pub fn parse(input: &'a [u8]) -> Result<(Param<'a>, &'a [u8]), ParseError> {
        Self::parse_at(input, 0)
    }

    /// Parse a whole list of parameters filling `input` (as in an INIT chunk's value).
    pub fn parse_list(input: &'a [u8]) -> Result<Vec<Param<'a>>, ParseError> {
        Self::parse_list_at(input, 0)
    }

    pub(crate) fn parse_list_at(input: &'a [u8], base: usize) -> Result<Vec<Param<'a>>, ParseError> {
        parse_tlvs(input, base, Param::parse_at)
    }

    pub(crate) fn parse_at(input: &'a [u8], base: usize) -> Result<(Param<'a>, &'a [u8]), ParseError> {
        let t = tlv(input, base, "parameter")?;
        let v = t.value;
        let vbase = base + 4;
        let mut r = Reader::new(v, vbase);
        let p = match ParamType(t.ty) {
            ParamType::HEARTBEAT_INFO => Param::HeartbeatInfo(v),
            ParamType::IPV4_ADDRESS => Param::Ipv4(Ipv4Addr::from(fixed::<4>(v, base, "IPv4 address parameter")?)),
            ParamType::IPV6_ADDRESS => Param::Ipv6(Ipv6Addr::from(fixed::<16>(v, base, "IPv6 address parameter")?)),
            ParamType::STATE_COOKIE => Param::StateCookie(v),
            ParamType::UNRECOGNIZED_PARAMETER => Param::UnrecognizedParameter(v),
            ParamType::COOKIE_PRESERVATIVE => {
                Param::CookiePreservative(u32::from_be_bytes(fixed::<4>(v, base, "cookie preservative parameter")?))
            }
            ParamType::HOST_NAME_ADDRESS => Param::HostName(v),
            ParamType::SUPPORTED_ADDRESS_TYPES => {
                Param::SupportedAddressTypes(u16_list(v, base, "supported address types parameter")?)
            }
            ParamType::OUTGOING_SSN_RESET_REQUEST => {
                let what = "outgoing SSN reset request parameter";
                let request_seq = r.u32(what)?;
                let response_seq = r.u32(what)?;
                let last_tsn = r.u32(what)?;
                let streams = u16_list(r.rest(), base, what)?;
                Param::OutgoingSsnResetRequest { request_seq, response_seq, last_tsn, streams }
            }
            ParamType::INCOMING_SSN_RESET_REQUEST => {
                let what = "incoming SSN reset request parameter";
                let request_seq = r.u32(what)?;
                let streams = u16_list(r.rest(), base, what)?;
                Param::IncomingSsnResetRequest { request_seq, streams }
            }
            ParamType::SSN_TSN_RESET_REQUEST => Param::SsnTsnResetRequest {
                request_seq: u32::from_be_bytes(fixed::<4>(v, base, "SSN/TSN reset request")?),
            },
            ParamType::RECONFIG_RESPONSE => {
                let what = "re-configuration response parameter";
                let response_seq = r.u32(what)?;
                let result = r.u32(what)?;
                let next_tsns = match r.remaining() {
                    0 => None,
                    8 => Some((r.u32(what)?, r.u32(what)?)),
                    _ => {
                        return Err(ParseError::BadLength {
                            offset: base + 2,
                            what,
                            expected: "12 or 20",
                            found: v.len() + 4,
                        })
                    }
                };
                Param::ReconfigResponse { response_seq, result, next_tsns }
            }
            ty @ (ParamType::ADD_OUTGOING_STREAMS_REQUEST | ParamType::ADD_INCOMING_STREAMS_REQUEST) => {
                let what = "add streams request parameter";
                let request_seq = r.u32(what)?;
                let new_streams = r.u16(what)?;
                let _reserved = r.u16(what)?;
                exact(&r, base, what, "12", v.len())?;
                if ty == ParamType::ADD_OUTGOING_STREAMS_REQUEST {
                    Param::AddOutgoingStreams { request_seq, new_streams }
                } else {
                    Param::AddIncomingStreams { request_seq, new_streams }
                }
            }
            ParamType::ECN_CAPABLE => {
                exact(&r, base, "ECN capable parameter", "4", v.len())?;
                Param::EcnCapable
            }
            ParamType::ZERO_CHECKSUM_ACCEPTABLE => Param::ZeroChecksumAcceptable {
                edmid: u32::from_be_bytes(fixed::<4>(v, base, "zero checksum acceptable parameter")?),
            },
            ParamType::RANDOM => Param::Random(v),
            ParamType::CHUNK_LIST => Param::ChunkList(v.iter().map(|&b| ChunkType(b)).collect()),
            ParamType::HMAC_ALGO => Param::HmacAlgo(u16_list(v, base, "requested HMAC algorithm parameter")?),
            ParamType::PADDING => Param::Padding(v),
            ParamType::SUPPORTED_EXTENSIONS => Param::SupportedExtensions(v.iter().map(|&b| ChunkType(b)).collect()),
            ParamType::FORWARD_TSN_SUPPORTED => {
                exact(&r, base, "forward-TSN-supported parameter", "4", v.len())?;
                Param::ForwardTsnSupported
            }
            ty @ (ParamType::ADD_IP_ADDRESS | ParamType::DELETE_IP_ADDRESS | ParamType::SET_PRIMARY_ADDRESS) => {
                let what = "ASCONF address parameter";
                let correlation_id = r.u32(what)?;
                let aoff = r.offset();
                let (address, rest) = Address::parse(r.rest(), aoff)?;
                if !rest.is_empty() {
                    return Err(ParseError::BadLength {
                        offset: base + 2,
                        what,
                        expected: "one address parameter after the correlation ID",
                        found: v.len() + 4,
                    });
                }
                match ty {
                    ParamType::ADD_IP_ADDRESS => Param::AddIpAddress { correlation_id, address },
                    ParamType::DELETE_IP_ADDRESS => Param::DeleteIpAddress { correlation_id, address },
                    _ => Param::SetPrimaryAddress { correlation_id, address },
                }
            }
            ParamType::ERROR_CAUSE_INDICATION => {
                let correlation_id = r.u32("error cause indication parameter")?;
                let coff = r.offset();
                let causes = Cause::parse_list_at(r.rest(), coff)?;
                Param::ErrorCauseIndication { correlation_id, causes }
            }
            ParamType::SUCCESS_INDICATION => Param::SuccessIndication {
                correlation_id: u32::from_be_bytes(fixed::<4>(v, base, "success indication parameter")?),
            },
            ParamType::ADAPTATION_LAYER_INDICATION => Param::AdaptationLayerIndication(u32::from_be_bytes(fixed::<4>(
                v,
                base,
                "adaptation layer indication parameter",
            )?)),
            ty => Param::Unknown { ty, value: v },
        };
        Ok((p, t.rest))
    }

    /// Write the parameter with its padding to a multiple of 4.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&self.ty().0.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        let mut len_override = None;
        match self {
            Param::HeartbeatInfo(v)
            | Param::StateCookie(v)
            | Param::UnrecognizedParameter(v)
            | Param::HostName(v)
            | Param::Random(v)
            | Param::Padding(v)
            | Param::Unknown { value: v, .. } => out.extend_from_slice(v),
            Param::Ipv4(a) => out.extend_from_slice(&a.octets()),
            Param::Ipv6(a) => out.extend_from_slice(&a.octets()),
            Param::CookiePreservative(n)
            | Param::SsnTsnResetRequest { request_seq: n }
            | Param::ZeroChecksumAcceptable { edmid: n }
            | Param::SuccessIndication { correlation_id: n }
            | Param::AdaptationLayerIndication(n) => out.extend_from_slice(&n.to_be_bytes()),
            Param::SupportedAddressTypes(l) | Param::HmacAlgo(l) => {
                l.iter().for_each(|t| out.extend_from_slice(&t.to_be_bytes()))
            }
            Param::OutgoingSsnResetRequest { request_seq, response_seq, last_tsn, streams } => {
                out.extend_from_slice(&request_seq.to_be_bytes());
                out.extend_from_slice(&response_seq.to_be_bytes());
                out.extend_from_slice(&last_tsn.to_be_bytes());
                streams.iter().for_each(|s| out.extend_from_slice(&s.to_be_bytes()));
            }
            Param::IncomingSsnResetRequest { request_seq, streams } => {
                out.extend_from_slice(&request_seq.to_be_bytes());
                streams.iter().for_each(|s| out.extend_from_slice(&s.to_be_bytes()));
            }
            Param::ReconfigResponse { response_seq, result, next_tsns } => {
                out.extend_from_slice(&response_seq.to_be_bytes());
                out.extend_from_slice(&result.to_be_bytes());
                if let Some((s, r)) = next_tsns {
                    out.extend_from_slice(&s.to_be_bytes());
                    out.extend_from_slice(&r.to_be_bytes());
                }
            }
            Param::AddOutgoingStreams { request_seq, new_streams }
            | Param::AddIncomingStreams { request_seq, new_streams } => {
                out.extend_from_slice(&request_seq.to_be_bytes());
                out.extend_from_slice(&new_streams.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
            }
            Param::EcnCapable | Param::ForwardTsnSupported => {}
            Param::ChunkList(l) | Param::SupportedExtensions(l) => l.iter().for_each(|t| out.push(t.0)),
            Param::AddIpAddress { correlation_id, address }
            | Param::DeleteIpAddress { correlation_id, address }
            | Param::SetPrimaryAddress { correlation_id, address } => {
                out.extend_from_slice(&correlation_id.to_be_bytes());
                address.emit(out);
            }
            Param::ErrorCauseIndication { correlation_id, causes } => {
                out.extend_from_slice(&correlation_id.to_be_bytes());
                let n = emit_tlvs(causes, out, |c, o| c.emit(o));
                len_override = Some(8 + n);
            }
        }
        let len = len_override.unwrap_or(out.len() - start);
        put_len16(out, start + 2, len);
        out.truncate(start + len);
        pad_out(out, start);
    }

    /// Emit a list of parameters; returns the length a containing chunk counts (all but the
    /// last parameter's padding, RFC 4960 §3.2).
    pub fn emit_list(params: &[Param<'_>], out: &mut Vec<u8>) -> usize {
        emit_tlvs(params, out, |p, o| p.emit(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(p: &Param) -> Vec<u8> {
        let mut v = Vec::new();
        p.emit(&mut v);
        let (q, rest) = Param::parse(&v).unwrap();
        assert_eq!(&q, p);
        assert!(rest.is_empty());
        v
    }

    #[test]
    fn init_parameters_from_sctp_www() {
        // The parameters of frame 1 of wireshark-wiki/sctp-www.cap; tshark 4.0 shows: IPv4
        // 155.230.24.155, IPv4 155.230.24.156, supported address types IPv4 (5) with padding
        // 0000, ECN (0x8000), Forward TSN supported (0xc000), adaptation indication 0.
        let b = [
            0x00, 0x05, 0x00, 0x08, 155, 230, 24, 155, 0x00, 0x05, 0x00, 0x08, 155, 230, 24, 156, 0x00, 0x0c, 0x00,
            0x06, 0x00, 0x05, 0x00, 0x00, 0x80, 0x00, 0x00, 0x04, 0xc0, 0x00, 0x00, 0x04, 0xc0, 0x06, 0x00, 0x08, 0x00,
            0x00, 0x00, 0x00,
        ];
        let l = Param::parse_list(&b).unwrap();
        assert_eq!(
            l,
            vec![
                Param::Ipv4(Ipv4Addr::new(155, 230, 24, 155)),
                Param::Ipv4(Ipv4Addr::new(155, 230, 24, 156)),
                Param::SupportedAddressTypes(vec![5]),
                Param::EcnCapable,
                Param::ForwardTsnSupported,
                Param::AdaptationLayerIndication(0),
            ]
        );
        let mut out = vec![0xa5; 2];
        let n = Param::emit_list(&l, &mut out);
        assert_eq!(&out[2..], &b[..]);
        assert_eq!(n, b.len());
    }

    #[test]
    fn reconfig_parameters_from_aiortc() {
        // sctp_reconfig_reset_out.bin / _response.bin / _add_out.bin; tshark 4.0 reads
        // request seq 2346191451, response seq 3834375283, last TSN 2346191454, SID 1;
        // response seq 2438143828, result 1 (Performed); request seq 3389191728, 16 streams.
        let (p, _) = Param::parse(&[
            0x00, 0x0d, 0x00, 0x12, 0x8b, 0xd8, 0x0a, 0x5b, 0xe4, 0x8b, 0xec, 0x73, 0x8b, 0xd8, 0x0a, 0x5e, 0x00, 0x01,
        ])
        .unwrap();
        assert_eq!(
            p,
            Param::OutgoingSsnResetRequest {
                request_seq: 2346191451,
                response_seq: 3834375283,
                last_tsn: 2346191454,
                streams: vec![1]
            }
        );
        round(&p);
        let (p, _) = Param::parse(&[0x00, 0x10, 0x00, 0x0c, 0x91, 0x53, 0x1f, 0x54, 0x00, 0x00, 0x00, 0x01]).unwrap();
        assert_eq!(p, Param::ReconfigResponse { response_seq: 2438143828, result: 1, next_tsns: None });
        let (p, _) = Param::parse(&[0x00, 0x11, 0x00, 0x0c, 0xca, 0x02, 0xf6, 0x30, 0x00, 0x10, 0x00, 0x00]).unwrap();
        assert_eq!(p, Param::AddOutgoingStreams { request_seq: 3389191728, new_streams: 16 });
    }

    #[test]
    fn lengths_are_checked() {
        assert_eq!(
            Param::parse(&[0, 5, 0, 7, 1, 2, 3]).unwrap_err(),
            ParseError::BadLength { offset: 2, what: "IPv4 address parameter", expected: "8", found: 7 }
        );
        assert_eq!(
            Param::parse(&[0, 5, 0, 3]).unwrap_err(),
            ParseError::BadLength { offset: 2, what: "parameter", expected: ">= 4", found: 3 }
        );
        assert_eq!(
            Param::parse(&[0, 7, 0, 9, 1, 2]).unwrap_err(),
            ParseError::Truncated { offset: 4, what: "parameter", needed: 5, available: 2 }
        );
        // An odd-length value is padded; a last parameter may lack its padding.
        assert_eq!(Param::parse(&[0, 7, 0, 5, 9, 0, 0, 0, 0xee]).unwrap(), (Param::StateCookie(&[9]), &[0xee][..]));
        assert_eq!(Param::parse(&[0, 7, 0, 5, 9]).unwrap(), (Param::StateCookie(&[9]), &[][..]));
        // An ASCONF parameter whose address is not an address.
        assert_eq!(
            Param::parse(&[0xc0, 1, 0, 16, 0, 0, 0, 1, 0, 7, 0, 8, 1, 2, 3, 4]).unwrap_err(),
            ParseError::BadValue {
                offset: 8,
                what: "address parameter type",
                expected: "IPv4 (5) or IPv6 (6) address",
                found: 7
            }
        );
    }

    #[test]
    fn error_cause_indication_nests_causes() {
        let p = Param::ErrorCauseIndication {
            correlation_id: 7,
            causes: vec![Cause::UnsupportedHmacId { hmac_id: 2 }, Cause::OutOfResource],
        };
        let v = round(&p);
        // 4 header + 4 correlation + 8 (6 + 2 padding) + 4 = 20.
        assert_eq!(v.len(), 20);
        assert_eq!(&v[2..4], &[0, 20]);
    }
}
