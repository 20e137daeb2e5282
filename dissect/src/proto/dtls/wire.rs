//! DTLS on the wire: the record header, the handshake header with its fragment fields,
//! HelloVerifyRequest, the ClientHello with its cookie, and the DTLS 1.3 unified header; `parse`
//! and `emit`, which writes back exactly what was read. Handshake bodies other than ClientHello
//! and HelloVerifyRequest are TLS's ([`crate::proto::tls::parse_handshake_body`]).
//!
//! Record, RFC 6347 §4.1 (RFC 4347 §4.1 is the same):
//! ```text
//!  0        1        2        3        4        5        6        7
//! +--------+--------+--------+--------+--------+--------+--------+--------+
//! |  type  |     version     |      epoch      |  sequence_number (48)
//! +--------+--------+--------+--------+--------+--------+--------+--------+
//!                   |     length      |  fragment[length] ...
//! +--------+--------+--------+--------+
//! ```
//! Handshake message, RFC 6347 §4.2.2:
//! ```text
//! +--------+--------------------------+-----------------+
//! | msg_ty |      length (uint24)     |   message_seq   |
//! +--------+--------------------------+-----------------+
//! |  fragment_offset (uint24) | fragment_length (uint24)  |  body[fragment_length]
//! +---------------------------+--------------------------+
//! ```
//! DTLS 1.3 unified header, RFC 9147 §4 (first byte `001CSLEE`):
//! ```text
//! +-+-+-+-+-+-+-+-+
//! |0|0|1|C|S|L|E E|  C: connection id present, S: 16-bit sequence number,
//! +-+-+-+-+-+-+-+-+  L: length present, EE: low bits of the epoch
//! | Connection ID |  (if C; its length is agreed out of band)
//! | 8 or 16 bit sequence number |
//! | 16 bit length (if L)        |
//! ```

use crate::proto::tls::wire::Reader;
use crate::proto::tls::{
    parse_extension_block, parse_handshake_body, ClientHello, ContentType, ExtContext, Handshake, HandshakeType,
    ParseError, ParseOptions, ProtocolVersion,
};

/// Bytes of a DTLS 1.0/1.2 record header (RFC 6347 §4.1).
pub const RECORD_HEADER_LEN: usize = 13;
/// Bytes of a DTLS handshake header (RFC 6347 §4.2.2).
pub const HANDSHAKE_HEADER_LEN: usize = 12;
/// Largest record fragment: 2^14 + 2048 (RFC 6347 §4.1 keeps TLS's TLSCiphertext limit).
pub const MAX_FRAGMENT: usize = (1 << 14) + 2048;
/// The largest sequence number (48 bits, RFC 6347 §4.1).
pub const MAX_SEQ: u64 = (1 << 48) - 1;

/// DTLS 1.0 (RFC 4347 §4.1: the one's complement of 1.1, {254, 255}).
pub const DTLS1_0: ProtocolVersion = ProtocolVersion(0xfeff);
/// DTLS 1.2 (RFC 6347 §4.1: {254, 253}).
pub const DTLS1_2: ProtocolVersion = ProtocolVersion(0xfefd);
/// DTLS 1.3 (RFC 9147 §5.3, in `supported_versions`).
pub const DTLS1_3: ProtocolVersion = ProtocolVersion(0xfefc);
/// The pre-RFC DTLS 1.0 of OpenSSL before 0.9.8f.
pub const DTLS_OPENSSL_PRE: ProtocolVersion = ProtocolVersion(0x0100);
/// HelloVerifyRequest (RFC 6347 §4.2.1, RFC 4347 §4.2.1).
pub const HELLO_VERIFY_REQUEST: HandshakeType = HandshakeType(3);

/// Whether a record header can carry `v`.
pub fn is_dtls_version(v: ProtocolVersion) -> bool {
    matches!(v, DTLS1_0 | DTLS1_2 | DTLS_OPENSSL_PRE)
}

/// tshark's short name for the protocol column and record labels.
pub fn short_name(v: ProtocolVersion) -> Option<&'static str> {
    Some(match v {
        DTLS1_0 => "DTLSv1.0",
        DTLS1_2 => "DTLSv1.2",
        DTLS1_3 => "DTLSv1.3",
        DTLS_OPENSSL_PRE => "DTLS 1.0 (OpenSSL pre 0.9.8f)",
        _ => return None,
    })
}

/// The TLS version whose message layouts and record protection a DTLS version shares: DTLS 1.0
/// is TLS 1.1 (RFC 4347 §1), DTLS 1.2 is TLS 1.2 (RFC 6347 §1).
pub fn tls_equivalent(v: ProtocolVersion) -> ProtocolVersion {
    match v {
        DTLS1_2 => ProtocolVersion::TLS1_2,
        DTLS1_3 => ProtocolVersion::TLS1_3,
        _ => ProtocolVersion::TLS1_1,
    }
}

/// A DTLS 1.0/1.2 record (`DTLSPlaintext`, `DTLSCiphertext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub content_type: ContentType,
    pub version: ProtocolVersion,
    pub epoch: u16,
    /// 48 bits.
    pub seq: u64,
    pub fragment: &'a [u8],
}

impl Record<'_> {
    /// The 64-bit sequence number of the MAC and AEAD additional data: epoch || sequence number
    /// (RFC 6347 §4.1.2.1).
    pub fn full_seq(&self) -> u64 {
        ((self.epoch as u64) << 48) | (self.seq & MAX_SEQ)
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.content_type.0);
        out.extend_from_slice(&self.version.0.to_be_bytes());
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&(self.seq & MAX_SEQ).to_be_bytes()[2..]);
        out.extend_from_slice(&(self.fragment.len().min(0xffff) as u16).to_be_bytes());
        out.extend_from_slice(self.fragment);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(RECORD_HEADER_LEN + self.fragment.len());
        self.emit(&mut v);
        v
    }
}

/// Read one record; the rest of the datagram follows it (RFC 6347 §4.1.1: several records may
/// share a datagram).
pub fn parse_record(input: &[u8]) -> Result<(Record<'_>, &[u8]), ParseError> {
    let mut r = Reader::new(input);
    let content_type = ContentType(r.u8("content type")?);
    let version = ProtocolVersion(r.u16("record version")?);
    let epoch = r.u16("epoch")?;
    let hi = r.u16("sequence number")? as u64;
    let lo = r.u32("sequence number")? as u64;
    let len = r.u16("record length")? as usize;
    let fragment = r.take(len, "record fragment")?;
    Ok((Record { content_type, version, epoch, seq: (hi << 32) | lo, fragment }, r.rest()))
}

/// A DTLS 1.3 unified header (RFC 9147 §4) and the protected bytes it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnifiedRecord<'a> {
    /// The first byte, `001CSLEE`.
    pub flags: u8,
    /// The connection id (`cid_len` bytes when the C bit is set).
    pub cid: &'a [u8],
    /// The low 8 or 16 bits of the (encrypted) sequence number.
    pub seq: u16,
    /// The encrypted record: `length` bytes when the L bit is set, else the rest of the datagram.
    pub encrypted: &'a [u8],
}

impl UnifiedRecord<'_> {
    pub const CID: u8 = 0x10;
    pub const SEQ16: u8 = 0x08;
    pub const LENGTH: u8 = 0x04;

    /// Whether `b` starts a unified header (`001` in the top bits).
    pub fn is_unified(b: u8) -> bool {
        b & 0xe0 == 0x20
    }
    /// Low two bits of the epoch.
    pub fn epoch_bits(&self) -> u8 {
        self.flags & 0x03
    }
    /// Bytes of the header.
    pub fn header_len(&self) -> usize {
        1 + self.cid.len()
            + if self.flags & Self::SEQ16 != 0 { 2 } else { 1 }
            + if self.flags & Self::LENGTH != 0 { 2 } else { 0 }
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.flags);
        if self.flags & Self::CID != 0 {
            out.extend_from_slice(self.cid);
        }
        if self.flags & Self::SEQ16 != 0 {
            out.extend_from_slice(&self.seq.to_be_bytes());
        } else {
            out.push(self.seq as u8);
        }
        if self.flags & Self::LENGTH != 0 {
            out.extend_from_slice(&(self.encrypted.len().min(0xffff) as u16).to_be_bytes());
        }
        out.extend_from_slice(self.encrypted);
    }
}

/// Read a unified header with a connection id of `cid_len` bytes (when its C bit is set).
pub fn parse_unified(input: &[u8], cid_len: usize) -> Result<(UnifiedRecord<'_>, &[u8]), ParseError> {
    let mut r = Reader::new(input);
    let flags = r.u8("unified header")?;
    if !UnifiedRecord::is_unified(flags) {
        return Err(ParseError::BadValue {
            offset: 0,
            what: "unified header",
            found: flags as u64,
            expected: "001CSLEE",
        });
    }
    let cid = if flags & UnifiedRecord::CID != 0 { r.take(cid_len, "connection id")? } else { &[] };
    let seq =
        if flags & UnifiedRecord::SEQ16 != 0 { r.u16("sequence number")? } else { r.u8("sequence number")? as u16 };
    let encrypted = if flags & UnifiedRecord::LENGTH != 0 {
        let n = r.u16("record length")? as usize;
        r.take(n, "encrypted record")?
    } else {
        r.rest()
    };
    Ok((UnifiedRecord { flags, cid, seq, encrypted }, r.rest()))
}

/// A handshake header (RFC 6347 §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandshakeHeader {
    pub msg_type: HandshakeType,
    /// Length of the whole message body (24 bits).
    pub length: u32,
    pub message_seq: u16,
    /// 24 bits.
    pub fragment_offset: u32,
    /// 24 bits.
    pub fragment_length: u32,
}

impl HandshakeHeader {
    /// Whether this fragment is the whole message.
    pub fn is_whole(&self) -> bool {
        self.fragment_offset == 0 && self.fragment_length == self.length
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.msg_type.0);
        out.extend_from_slice(&self.length.to_be_bytes()[1..]);
        out.extend_from_slice(&self.message_seq.to_be_bytes());
        out.extend_from_slice(&self.fragment_offset.to_be_bytes()[1..]);
        out.extend_from_slice(&self.fragment_length.to_be_bytes()[1..]);
    }
}

/// One handshake fragment: its header and `fragment_length` body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeFragment<'a> {
    pub header: HandshakeHeader,
    pub body: &'a [u8],
}

impl HandshakeFragment<'_> {
    /// Append header and body; the header's `fragment_length` is the body's length.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let h = HandshakeHeader { fragment_length: self.body.len().min(0xff_ffff) as u32, ..self.header };
        h.emit(out);
        out.extend_from_slice(self.body);
    }
}

/// Read a handshake header alone.
pub fn parse_handshake_header(input: &[u8]) -> Result<HandshakeHeader, ParseError> {
    let mut r = Reader::new(input);
    Ok(HandshakeHeader {
        msg_type: HandshakeType(r.u8("handshake type")?),
        length: r.u24("handshake length")?,
        message_seq: r.u16("message sequence")?,
        fragment_offset: r.u24("fragment offset")?,
        fragment_length: r.u24("fragment length")?,
    })
}

/// Read one handshake fragment; the rest of the record follows it. A fragment that runs past
/// the message (`fragment_offset + fragment_length > length`) is an error at the fragment
/// length.
pub fn parse_handshake_fragment(input: &[u8]) -> Result<(HandshakeFragment<'_>, &[u8]), ParseError> {
    let header = parse_handshake_header(input)?;
    if header.fragment_offset as u64 + header.fragment_length as u64 > header.length as u64 {
        return Err(ParseError::BadLength {
            offset: 9,
            what: "fragment length",
            found: header.fragment_length as usize,
            expected: "fragment_offset + fragment_length <= length",
        });
    }
    let mut r = Reader::new(input);
    r.take(HANDSHAKE_HEADER_LEN, "handshake header")?;
    let body = r.take(header.fragment_length as usize, "handshake fragment")?;
    Ok((HandshakeFragment { header, body }, r.rest()))
}

/// HelloVerifyRequest (RFC 6347 §4.2.1): `cookie<0..2^8-1>` (RFC 4347 allowed up to 32 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloVerifyRequest<'a> {
    pub server_version: ProtocolVersion,
    pub cookie: &'a [u8],
}

/// A complete DTLS handshake message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DtlsHandshake<'a> {
    /// ClientHello with the cookie DTLS adds after the session id (RFC 6347 §4.2.1).
    ClientHello {
        hello: ClientHello<'a>,
        cookie: &'a [u8],
    },
    HelloVerifyRequest(HelloVerifyRequest<'a>),
    /// Every other message reads as in TLS.
    Tls(Handshake<'a>),
}

impl DtlsHandshake<'_> {
    pub fn ty(&self) -> HandshakeType {
        match self {
            DtlsHandshake::ClientHello { .. } => HandshakeType::CLIENT_HELLO,
            DtlsHandshake::HelloVerifyRequest(_) => HELLO_VERIFY_REQUEST,
            DtlsHandshake::Tls(h) => h.ty(),
        }
    }

    /// Append the body (no header).
    pub fn emit_body(&self, out: &mut Vec<u8>) {
        match self {
            DtlsHandshake::ClientHello { hello, cookie } => {
                // The TLS body with the cookie spliced in after the session id.
                let mut tls = Vec::new();
                Handshake::ClientHello(hello.clone()).emit_body(&mut tls);
                let at = (2 + 32 + 1 + hello.session_id.len()).min(tls.len());
                out.extend_from_slice(&tls[..at]);
                out.push(cookie.len().min(0xff) as u8);
                out.extend_from_slice(cookie);
                out.extend_from_slice(&tls[at..]);
            }
            DtlsHandshake::HelloVerifyRequest(h) => {
                out.extend_from_slice(&h.server_version.0.to_be_bytes());
                out.push(h.cookie.len().min(0xff) as u8);
                out.extend_from_slice(h.cookie);
            }
            DtlsHandshake::Tls(h) => h.emit_body(out),
        }
    }

    pub fn body_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.emit_body(&mut v);
        v
    }
}

/// Read a complete handshake body of type `ty` (all of `body`). `opts.version` is the TLS
/// version of the same layouts ([`tls_equivalent`]).
pub fn parse_handshake_body_dtls<'a>(
    ty: HandshakeType,
    body: &'a [u8],
    opts: &ParseOptions,
) -> Result<DtlsHandshake<'a>, ParseError> {
    let mut r = Reader::new(body);
    let h = match ty {
        HandshakeType::CLIENT_HELLO => {
            let version = ProtocolVersion(r.u16("client version")?);
            let random = r.array::<32>("random")?;
            let session_id = r.vec(1, 0, 32, "session id", "0 to 32")?;
            let cookie = r.vec(1, 0, 0xff, "cookie", "0 to 255")?;
            let at = r.pos();
            let suites = r.vec(2, 2, 0xfffe, "cipher suites", "2 to 65534")?;
            if suites.len() % 2 != 0 {
                return Err(ParseError::BadLength {
                    offset: at,
                    what: "cipher suites",
                    found: suites.len(),
                    expected: "an even number",
                });
            }
            let cipher_suites = suites
                .chunks_exact(2)
                .map(|c| crate::proto::tls::CipherSuite(u16::from_be_bytes([c[0], c[1]])))
                .collect();
            let compression_methods = r.vec(1, 1, 0xff, "compression methods", "1 to 255")?;
            let extensions = if r.is_empty() {
                None
            } else {
                let at = r.pos();
                let (e, rest) =
                    parse_extension_block(r.rest(), ExtContext::ClientHello, opts).map_err(|e| e.shift(at))?;
                if !rest.is_empty() {
                    return Err(ParseError::Trailing {
                        offset: body.len() - rest.len(),
                        what: "handshake message",
                        count: rest.len(),
                    });
                }
                Some(e)
            };
            let hello = ClientHello { version, random, session_id, cipher_suites, compression_methods, extensions };
            DtlsHandshake::ClientHello { hello, cookie }
        }
        HELLO_VERIFY_REQUEST => {
            let server_version = ProtocolVersion(r.u16("server version")?);
            let cookie = r.vec(1, 0, 0xff, "cookie", "0 to 255")?;
            DtlsHandshake::HelloVerifyRequest(HelloVerifyRequest { server_version, cookie })
        }
        _ => return parse_handshake_body(ty, body, opts).map(DtlsHandshake::Tls),
    };
    r.end("handshake message")?;
    Ok(h)
}
