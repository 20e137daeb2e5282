//! TLS on the wire: records, alerts, change cipher spec, every TLS 1.2 handshake message, the
//! TLS 1.3 forms, and extensions, with `parse` and `emit`.
//!
//! Record, RFC 5246 §6.2.1 (TLSPlaintext; §6.2.3 TLSCiphertext has the same header):
//! ```text
//!  0        1        2        3        4        5 ...
//! +--------+--------+--------+--------+--------+--------------------+
//! |  type  |     version     |     length      |  fragment[length]  |
//! +--------+--------+--------+--------+--------+--------------------+
//! ```
//! Handshake message, RFC 5246 §7.4 (RFC 8446 §4):
//! ```text
//! +--------+--------+--------+--------+------------------------+
//! | msg_ty |      length (uint24)     |  body[length]          |
//! +--------+--------+--------+--------+------------------------+
//! ```
//! Extension, RFC 5246 §7.4.1.4:
//! ```text
//! +--------+--------+--------+--------+-----------------------+
//! |   extension_type |  extension_data length  | data          |
//! +--------+--------+--------+--------+-----------------------+
//! ```
//!
//! Parsing is strict about every length (a vector that runs past its container, or bytes left
//! over inside one, is an error with the offset where it happened) and lax about the contents of
//! an extension: a known extension whose body does not read exactly as its spec says is kept as
//! [`Extension::Unknown`], so that [`Extension::emit`] writes back what was read and the
//! dissector can say what is wrong with it. Every `emit` writes exactly what `parse` reads.
//!
//! Code points are newtypes over their wire integer with the spec's values as constants, so an
//! unknown value still parses and is shown by number.

use std::fmt;

use super::names;

/// Bytes of a record header (RFC 5246 §6.2.1).
pub const RECORD_HEADER_LEN: usize = 5;
/// Largest TLSPlaintext fragment: 2^14 (RFC 5246 §6.2.1).
pub const MAX_PLAINTEXT: usize = 1 << 14;
/// Largest TLSCiphertext fragment: 2^14 + 2048 (RFC 5246 §6.2.3). Records longer than this are
/// not TLS.
pub const MAX_CIPHERTEXT: usize = (1 << 14) + 2048;
/// Bytes of a handshake header (RFC 5246 §7.4).
pub const HANDSHAKE_HEADER_LEN: usize = 4;
/// The ServerHello.random that marks a HelloRetryRequest (RFC 8446 §4.1.3): SHA-256 of
/// "HelloRetryRequest".
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
    0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];
/// The default extension type of MTA-TLS's `data_multiplexing` (the draft says "TBD";
/// SPEC-NOTES M1 picks this private-use value).
pub const DATA_MULTIPLEXING_DEFAULT: u16 = 0xFF4D;

/// Why bytes could not be read. Offsets count from the start of the slice given to the parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than a field or a declared length needs.
    #[error("{what} at byte {offset}: needs {needed} bytes, {available} left")]
    Truncated { offset: usize, what: &'static str, needed: usize, available: usize },
    /// A length field outside what the spec allows.
    #[error("{what} at byte {offset}: length {found} not allowed ({expected})")]
    BadLength { offset: usize, what: &'static str, found: usize, expected: &'static str },
    /// Bytes left over at the end of a structure whose length was given.
    #[error("{what}: {count} trailing bytes at byte {offset}")]
    Trailing { offset: usize, what: &'static str, count: usize },
    /// A field holds a value that cannot be there.
    #[error("{what} at byte {offset}: value {found:#x}, expected {expected}")]
    BadValue { offset: usize, what: &'static str, found: u64, expected: &'static str },
}

impl ParseError {
    /// The byte offset the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Truncated { offset, .. }
            | ParseError::BadLength { offset, .. }
            | ParseError::Trailing { offset, .. }
            | ParseError::BadValue { offset, .. } => *offset,
        }
    }

    /// The same error, its offset moved by `by` (when a structure is read inside another).
    pub fn shift(self, by: usize) -> Self {
        match self {
            ParseError::Truncated { offset, what, needed, available } => {
                ParseError::Truncated { offset: offset + by, what, needed, available }
            }
            ParseError::BadLength { offset, what, found, expected } => {
                ParseError::BadLength { offset: offset + by, what, found, expected }
            }
            ParseError::Trailing { offset, what, count } => ParseError::Trailing { offset: offset + by, what, count },
            ParseError::BadValue { offset, what, found, expected } => {
                ParseError::BadValue { offset: offset + by, what, found, expected }
            }
        }
    }
}

/// A cursor over bytes that cannot read past its end: every read says what it was reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
    pub(crate) fn left(&self) -> usize {
        self.data.len() - self.pos
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.left() == 0
    }
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let r = &self.data[self.pos..];
        self.pos = self.data.len();
        r
    }
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        if n > self.left() {
            return Err(ParseError::Truncated { offset: self.pos, what, needed: n, available: self.left() });
        }
        let r = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(r)
    }
    fn uint(&mut self, n: usize, what: &'static str) -> Result<u64, ParseError> {
        Ok(self.take(n, what)?.iter().fold(0u64, |a, &b| (a << 8) | b as u64))
    }
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        Ok(self.uint(1, what)? as u8)
    }
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, ParseError> {
        Ok(self.uint(2, what)? as u16)
    }
    pub(crate) fn u24(&mut self, what: &'static str) -> Result<u32, ParseError> {
        Ok(self.uint(3, what)? as u32)
    }
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, ParseError> {
        Ok(self.uint(4, what)? as u32)
    }
    /// A vector with a `width`-byte length prefix, its length in `min..=max` (RFC 5246 §4.3).
    pub(crate) fn vec(
        &mut self,
        width: usize,
        min: usize,
        max: usize,
        what: &'static str,
        expected: &'static str,
    ) -> Result<&'a [u8], ParseError> {
        let at = self.pos;
        let n = self.uint(width, what)? as usize;
        if n < min || n > max {
            return Err(ParseError::BadLength { offset: at, what, found: n, expected });
        }
        self.take(n, what)
    }
    /// A fixed-size field.
    pub(crate) fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ParseError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    /// Fail when bytes are left.
    pub(crate) fn end(&self, what: &'static str) -> Result<(), ParseError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ParseError::Trailing { offset: self.pos, what, count: self.left() })
        }
    }
}

/// Offset of `inner` within `outer` when `inner` is a sub-slice of it (for spans of borrowed
/// fields); `None` otherwise.
pub fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}
fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}
/// A length prefix of `width` bytes; lengths a model should never hold saturate.
fn put_len(out: &mut Vec<u8>, width: usize, n: usize) {
    let max = (1u64 << (8 * width)) - 1;
    let v = (n as u64).min(max);
    out.extend_from_slice(&v.to_be_bytes()[8 - width..]);
}
fn put_vec(out: &mut Vec<u8>, width: usize, data: &[u8]) {
    put_len(out, width, data.len());
    out.extend_from_slice(data);
}
/// Write a length prefix, run `f`, then patch the prefix with the bytes `f` wrote.
fn with_len(out: &mut Vec<u8>, width: usize, f: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.resize(at + width, 0);
    f(out);
    let n = out.len() - at - width;
    let max = (1u64 << (8 * width)) - 1;
    let v = (n as u64).min(max).to_be_bytes();
    out[at..at + width].copy_from_slice(&v[8 - width..]);
}

fn name_of(table: &'static [(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

macro_rules! code_point {
    ($(#[$m:meta])* $name:ident($t:ty), $table:expr, { $($(#[$cm:meta])* $c:ident = $v:expr,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $t);
        impl $name {
            $($(#[$cm])* pub const $c: $name = $name($v);)*
            /// tshark's name for the value, if it has one.
            pub fn name(self) -> Option<&'static str> {
                name_of($table, self.0 as u64)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}({:#x} {})", stringify!($name), self.0, n),
                    None => write!(f, "{}({:#x})", stringify!($name), self.0),
                }
            }
        }
    };
}

code_point!(
    /// Record content type (RFC 5246 §6.2.1; RFC 6520 heartbeat).
    ContentType(u8), names::CONTENT_TYPES, {
    CHANGE_CIPHER_SPEC = 20,
    ALERT = 21,
    HANDSHAKE = 22,
    APPLICATION_DATA = 23,
    HEARTBEAT = 24,
});

code_point!(
    /// Protocol version (RFC 5246 §6.2.1, RFC 8446 §4.2.1).
    ProtocolVersion(u16), names::VERSIONS, {
    SSL3_0 = 0x0300,
    TLS1_0 = 0x0301,
    TLS1_1 = 0x0302,
    TLS1_2 = 0x0303,
    TLS1_3 = 0x0304,
});

impl ProtocolVersion {
    /// tshark's short name for the protocol column and record labels (`TLSv1.2`).
    pub fn short_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0300 => "SSLv3",
            0x0301 => "TLSv1",
            0x0302 => "TLSv1.1",
            0x0303 => "TLSv1.2",
            0x0304 => "TLSv1.3",
            0x7f0e..=0x7f1c | 0xfb17 | 0xfb1a => "TLSv1.3",
            _ => return None,
        })
    }
    /// A version a record header can carry: SSL 3.0 to TLS 1.3 (RFC 8446 §5.1).
    pub fn is_record_version(self) -> bool {
        (0x0300..=0x0304).contains(&self.0)
    }
}

code_point!(
    /// Handshake message type (RFC 5246 §7.4, RFC 8446 §4).
    HandshakeType(u8), names::HANDSHAKE_TYPES, {
    HELLO_REQUEST = 0,
    CLIENT_HELLO = 1,
    SERVER_HELLO = 2,
    NEW_SESSION_TICKET = 4,
    END_OF_EARLY_DATA = 5,
    ENCRYPTED_EXTENSIONS = 8,
    CERTIFICATE = 11,
    SERVER_KEY_EXCHANGE = 12,
    CERTIFICATE_REQUEST = 13,
    SERVER_HELLO_DONE = 14,
    CERTIFICATE_VERIFY = 15,
    CLIENT_KEY_EXCHANGE = 16,
    FINISHED = 20,
    KEY_UPDATE = 24,
    MESSAGE_HASH = 254,
});

code_point!(
    /// Alert level (RFC 5246 §7.2).
    AlertLevel(u8), names::ALERT_LEVELS, {
    WARNING = 1,
    FATAL = 2,
});

code_point!(
    /// Alert description (RFC 5246 §7.2, RFC 8446 §6).
    AlertDescription(u8), names::ALERT_DESCRIPTIONS, {
    CLOSE_NOTIFY = 0,
    UNEXPECTED_MESSAGE = 10,
    BAD_RECORD_MAC = 20,
    HANDSHAKE_FAILURE = 40,
    NO_RENEGOTIATION = 100,
    NO_APPLICATION_PROTOCOL = 120,
});

code_point!(
    /// Cipher suite (RFC 5246 A.5, RFC 8446 B.4, the IANA registry).
    CipherSuite(u16), names::CIPHER_SUITES, {
    TLS_NULL_WITH_NULL_NULL = 0x0000,
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff,
    TLS_AES_128_GCM_SHA256 = 0x1301,
    TLS_AES_256_GCM_SHA384 = 0x1302,
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030,
});

code_point!(
    /// Named group (RFC 8422 §5.1.1, RFC 8446 §4.2.7).
    NamedGroup(u16), names::NAMED_GROUPS, {
    SECP256R1 = 0x0017,
    SECP384R1 = 0x0018,
    X25519 = 0x001d,
});

code_point!(
    /// Signature scheme (RFC 8446 §4.2.3), or a TLS 1.2 SignatureAndHashAlgorithm read as one
    /// number (RFC 5246 §7.4.1.4.1).
    SignatureScheme(u16), names::SIGNATURE_SCHEMES, {
    RSA_PKCS1_SHA256 = 0x0401,
    ECDSA_SECP256R1_SHA256 = 0x0403,
    RSA_PSS_RSAE_SHA256 = 0x0804,
});

code_point!(
    /// Extension type (RFC 5246 §7.4.1.4, RFC 6066, RFC 8446 §4.2).
    ExtensionType(u16), names::EXTENSION_TYPES, {
    SERVER_NAME = 0,
    SUPPORTED_GROUPS = 10,
    EC_POINT_FORMATS = 11,
    SIGNATURE_ALGORITHMS = 13,
    ALPN = 16,
    PADDING = 21,
    ENCRYPT_THEN_MAC = 22,
    EXTENDED_MASTER_SECRET = 23,
    SESSION_TICKET = 35,
    PRE_SHARED_KEY = 41,
    SUPPORTED_VERSIONS = 43,
    PSK_KEY_EXCHANGE_MODES = 45,
    KEY_SHARE = 51,
    RENEGOTIATION_INFO = 0xff01,
});

/// A record: header and fragment (RFC 5246 §6.2.1). The fragment is plaintext, compressed or
/// protected according to the connection state; this layer does not know which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub content_type: ContentType,
    pub version: ProtocolVersion,
    pub fragment: &'a [u8],
}

/// Read a record header: content type, version and fragment length. The length is checked
/// against [`MAX_CIPHERTEXT`].
pub fn parse_record_header(input: &[u8]) -> Result<(ContentType, ProtocolVersion, usize), ParseError> {
    let mut r = Reader::new(input);
    let ct = ContentType(r.u8("record content type")?);
    let v = ProtocolVersion(r.u16("record version")?);
    let len = r.u16("record length")? as usize;
    if len > MAX_CIPHERTEXT {
        return Err(ParseError::BadLength { offset: 3, what: "record length", found: len, expected: "at most 18432" });
    }
    Ok((ct, v, len))
}

/// Read one record from the start of `input`; the rest follows it.
pub fn parse_record(input: &[u8]) -> Result<(Record<'_>, &[u8]), ParseError> {
    let (content_type, version, len) = parse_record_header(input)?;
    let mut r = Reader::new(input);
    r.take(RECORD_HEADER_LEN, "record header")?;
    let fragment = r.take(len, "record fragment")?;
    Ok((Record { content_type, version, fragment }, r.rest()))
}

impl Record<'_> {
    /// Append the record as `parse_record` reads it.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.content_type.0);
        put_u16(out, self.version.0);
        put_vec(out, 2, self.fragment);
    }
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(RECORD_HEADER_LEN + self.fragment.len());
        self.emit(&mut v);
        v
    }
}

/// An alert (RFC 5246 §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    pub level: AlertLevel,
    pub description: AlertDescription,
}

impl Alert {
    pub const LEN: usize = 2;
    /// Read an alert; the rest follows it.
    pub fn parse(input: &[u8]) -> Result<(Alert, &[u8]), ParseError> {
        let mut r = Reader::new(input);
        let level = AlertLevel(r.u8("alert level")?);
        let description = AlertDescription(r.u8("alert description")?);
        Ok((Alert { level, description }, r.rest()))
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.level.0);
        out.push(self.description.0);
    }
}

/// The ChangeCipherSpec message's one byte, `change_cipher_spec(1)` (RFC 5246 §7.1).
pub const CHANGE_CIPHER_SPEC: u8 = 1;

/// Which message an extension block sits in: it decides how some extension bodies read
/// (RFC 8446 §4.2: `supported_versions` and `key_share` differ between ClientHello,
/// ServerHello and HelloRetryRequest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtContext {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    /// EncryptedExtensions, CertificateRequest, Certificate entries, NewSessionTicket (TLS 1.3).
    Other,
}

/// What a parser must know beyond the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// The negotiated version: TLS 1.3 changes Certificate, CertificateRequest and
    /// NewSessionTicket (RFC 8446 §4.4.2, §4.3.2, §4.6.1); below TLS 1.2 CertificateRequest
    /// and CertificateVerify have no signature algorithm (RFC 4346 §7.4.4, §7.4.8).
    pub version: ProtocolVersion,
    /// Extension type read as MTA-TLS's `data_multiplexing` (SPEC-NOTES M1).
    pub mux_ext_type: u16,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions { version: ProtocolVersion::TLS1_2, mux_ext_type: DATA_MULTIPLEXING_DEFAULT }
    }
}

impl ParseOptions {
    pub fn tls13() -> Self {
        ParseOptions { version: ProtocolVersion::TLS1_3, ..Self::default() }
    }
    fn is_tls13(&self) -> bool {
        self.version.0 >= 0x0304 && self.version.0 < 0x0400 || (0x7f00..=0x7fff).contains(&self.version.0)
    }
    fn has_sig_algs(&self) -> bool {
        self.version.0 >= 0x0303
    }
}

/// One name of the `server_name` extension (RFC 6066 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerName<'a> {
    /// 0 is `host_name`.
    pub name_type: u8,
    pub name: &'a [u8],
}

/// A `KeyShareEntry` (RFC 8446 §4.2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareEntry<'a> {
    pub group: NamedGroup,
    pub key_exchange: &'a [u8],
}

impl<'a> KeyShareEntry<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, ParseError> {
        let group = NamedGroup(r.u16("key share group")?);
        let key_exchange = r.vec(2, 1, 0xffff, "key exchange", "1 to 65535")?;
        Ok(KeyShareEntry { group, key_exchange })
    }
    fn emit(&self, out: &mut Vec<u8>) {
        put_u16(out, self.group.0);
        put_vec(out, 2, self.key_exchange);
    }
}

/// An extension (RFC 5246 §7.4.1.4). Known extensions whose body reads exactly as specified get
/// their own arm; every other (and any known one with a body that does not read) is
/// [`Extension::Unknown`], its bytes kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extension<'a> {
    /// `server_name` with its list (RFC 6066 §3).
    ServerName(Vec<ServerName<'a>>),
    /// `server_name` with an empty body: the server's acknowledgement (RFC 6066 §3).
    ServerNameAck,
    /// `application_layer_protocol_negotiation` (RFC 7301 §3.1): protocol names.
    Alpn(Vec<&'a [u8]>),
    /// `supported_versions` in a ClientHello (RFC 8446 §4.2.1).
    SupportedVersions(Vec<ProtocolVersion>),
    /// `supported_versions` in a ServerHello or HelloRetryRequest: the selected version.
    SelectedVersion(ProtocolVersion),
    /// `key_share` in a ClientHello (RFC 8446 §4.2.8).
    KeyShareClient(Vec<KeyShareEntry<'a>>),
    /// `key_share` in a ServerHello.
    KeyShareServer(KeyShareEntry<'a>),
    /// `key_share` in a HelloRetryRequest: the selected group.
    KeyShareRetry(NamedGroup),
    /// `supported_groups` (RFC 8422 §5.1.1, RFC 8446 §4.2.7).
    SupportedGroups(Vec<NamedGroup>),
    /// `signature_algorithms` (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3).
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// `ec_point_formats` (RFC 8422 §5.1.2).
    EcPointFormats(&'a [u8]),
    /// `encrypt_then_mac`, empty (RFC 7366 §2).
    EncryptThenMac,
    /// `extended_master_secret`, empty (RFC 7627 §5.1).
    ExtendedMasterSecret,
    /// `session_ticket` (RFC 5077 §3.2): the ticket, or empty.
    SessionTicket(&'a [u8]),
    /// `renegotiation_info` (RFC 5746 §3.2): `renegotiated_connection<0..255>`.
    RenegotiationInfo(&'a [u8]),
    /// MTA-TLS `data_multiplexing` (draft-badra-tls-multiplexing-01 §2): its body is empty; the
    /// type is configurable (SPEC-NOTES M1).
    DataMultiplexing { ty: u16 },
    /// Any other extension, or a known one whose body does not read.
    Unknown { ty: ExtensionType, data: &'a [u8] },
}

impl<'a> Extension<'a> {
    /// The extension's type number.
    pub fn ty(&self) -> ExtensionType {
        ExtensionType(match self {
            Extension::ServerName(_) | Extension::ServerNameAck => 0,
            Extension::Alpn(_) => 16,
            Extension::SupportedVersions(_) | Extension::SelectedVersion(_) => 43,
            Extension::KeyShareClient(_) | Extension::KeyShareServer(_) | Extension::KeyShareRetry(_) => 51,
            Extension::SupportedGroups(_) => 10,
            Extension::SignatureAlgorithms(_) => 13,
            Extension::EcPointFormats(_) => 11,
            Extension::EncryptThenMac => 22,
            Extension::ExtendedMasterSecret => 23,
            Extension::SessionTicket(_) => 35,
            Extension::RenegotiationInfo(_) => 0xff01,
            Extension::DataMultiplexing { ty } => *ty,
            Extension::Unknown { ty, .. } => ty.0,
        })
    }

    /// Interpret one extension body (`data`, all of `extension_data`).
    pub fn from_body(ty: u16, data: &'a [u8], ctx: ExtContext, opts: &ParseOptions) -> Extension<'a> {
        Self::read_body(ty, data, ctx, opts).unwrap_or(Extension::Unknown { ty: ExtensionType(ty), data })
    }

    /// The body's own parse, with the error that made it unknown.
    pub fn read_body(
        ty: u16,
        data: &'a [u8],
        ctx: ExtContext,
        opts: &ParseOptions,
    ) -> Result<Extension<'a>, ParseError> {
        let mut r = Reader::new(data);
        let e = if ty == opts.mux_ext_type {
            Extension::DataMultiplexing { ty }
        } else {
            match ty {
                0 if data.is_empty() => Extension::ServerNameAck,
                0 => {
                    let list = r.vec(2, 1, 0xffff, "server name list", "1 to 65535")?;
                    let mut l = Reader::new(list);
                    let mut v = Vec::new();
                    while !l.is_empty() {
                        let name_type = l.u8("server name type").map_err(|e| e.shift(2))?;
                        let name = l.vec(2, 1, 0xffff, "server name", "1 to 65535").map_err(|e| e.shift(2))?;
                        v.push(ServerName { name_type, name });
                    }
                    Extension::ServerName(v)
                }
                16 => {
                    let list = r.vec(2, 2, 0xffff, "ALPN protocol list", "2 to 65535")?;
                    let mut l = Reader::new(list);
                    let mut v = Vec::new();
                    while !l.is_empty() {
                        v.push(l.vec(1, 1, 0xff, "ALPN protocol name", "1 to 255").map_err(|e| e.shift(2))?);
                    }
                    Extension::Alpn(v)
                }
                43 => match ctx {
                    ExtContext::ServerHello | ExtContext::HelloRetryRequest => {
                        Extension::SelectedVersion(ProtocolVersion(r.u16("selected version")?))
                    }
                    _ => {
                        let l = r.vec(1, 2, 254, "supported versions", "2 to 254")?;
                        if l.len() % 2 != 0 {
                            return Err(odd(0, "supported versions", l.len()));
                        }
                        Extension::SupportedVersions(
                            l.chunks_exact(2).map(|c| ProtocolVersion(u16::from_be_bytes([c[0], c[1]]))).collect(),
                        )
                    }
                },
                51 => match ctx {
                    ExtContext::ServerHello => Extension::KeyShareServer(KeyShareEntry::read(&mut r)?),
                    ExtContext::HelloRetryRequest => Extension::KeyShareRetry(NamedGroup(r.u16("selected group")?)),
                    _ => {
                        let l = r.vec(2, 0, 0xffff, "client key shares", "0 to 65535")?;
                        let mut lr = Reader::new(l);
                        let mut v = Vec::new();
                        while !lr.is_empty() {
                            v.push(KeyShareEntry::read(&mut lr).map_err(|e| e.shift(2))?);
                        }
                        Extension::KeyShareClient(v)
                    }
                },
                10 => Extension::SupportedGroups(u16_list(&mut r, "supported groups")?.map(NamedGroup).collect()),
                13 => Extension::SignatureAlgorithms(
                    u16_list(&mut r, "signature algorithms")?.map(SignatureScheme).collect(),
                ),
                11 => Extension::EcPointFormats(r.vec(1, 1, 0xff, "EC point formats", "1 to 255")?),
                22 => Extension::EncryptThenMac,
                23 => Extension::ExtendedMasterSecret,
                35 => Extension::SessionTicket(r.rest()),
                0xff01 => Extension::RenegotiationInfo(r.vec(1, 0, 0xff, "renegotiated connection", "0 to 255")?),
                _ => Extension::Unknown { ty: ExtensionType(ty), data: r.rest() },
            }
        };
        r.end("extension data")?;
        Ok(e)
    }

    /// Append the body (`extension_data` without its length).
    pub fn emit_body(&self, out: &mut Vec<u8>) {
        match self {
            Extension::ServerName(v) => with_len(out, 2, |o| {
                for n in v {
                    o.push(n.name_type);
                    put_vec(o, 2, n.name);
                }
            }),
            Extension::ServerNameAck
            | Extension::EncryptThenMac
            | Extension::ExtendedMasterSecret
            | Extension::DataMultiplexing { .. } => {}
            Extension::Alpn(v) => with_len(out, 2, |o| {
                for p in v {
                    put_vec(o, 1, p);
                }
            }),
            Extension::SupportedVersions(v) => with_len(out, 1, |o| {
                for x in v {
                    put_u16(o, x.0);
                }
            }),
            Extension::SelectedVersion(x) => put_u16(out, x.0),
            Extension::KeyShareClient(v) => with_len(out, 2, |o| {
                for k in v {
                    k.emit(o);
                }
            }),
            Extension::KeyShareServer(k) => k.emit(out),
            Extension::KeyShareRetry(g) => put_u16(out, g.0),
            Extension::SupportedGroups(v) => with_len(out, 2, |o| {
                for x in v {
                    put_u16(o, x.0);
                }
            }),
            Extension::SignatureAlgorithms(v) => with_len(out, 2, |o| {
                for x in v {
                    put_u16(o, x.0);
                }
            }),
            Extension::EcPointFormats(d) | Extension::RenegotiationInfo(d) => put_vec(out, 1, d),
            Extension::SessionTicket(d) | Extension::Unknown { data: d, .. } => out.extend_from_slice(d),
        }
    }

    /// Append type, length and body.
    pub fn emit(&self, out: &mut Vec<u8>) {
        put_u16(out, self.ty().0);
        with_len(out, 2, |o| self.emit_body(o));
    }
}

fn odd(offset: usize, what: &'static str, n: usize) -> ParseError {
    ParseError::BadLength { offset, what, found: n, expected: "an even number" }
}

/// A `<2..2^16-2>` list of 16-bit values.
fn u16_list<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<impl Iterator<Item = u16> + 'a, ParseError> {
    let at = r.pos();
    let l = r.vec(2, 2, 0xfffe, what, "2 to 65534")?;
    if l.len() % 2 != 0 {
        return Err(odd(at, what, l.len()));
    }
    Ok(l.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
}

/// Read an extension block (`Extension extensions<0..2^16-1>`, with its length).
pub(crate) fn parse_extensions<'a>(
    r: &mut Reader<'a>,
    ctx: ExtContext,
    opts: &ParseOptions,
) -> Result<Vec<Extension<'a>>, ParseError> {
    let base = r.pos() + 2;
    let block = r.vec(2, 0, 0xffff, "extensions", "0 to 65535")?;
    let mut b = Reader::new(block);
    let mut v = Vec::new();
    while !b.is_empty() {
        let ty = b.u16("extension type").map_err(|e| e.shift(base))?;
        let data = b.vec(2, 0, 0xffff, "extension data", "0 to 65535").map_err(|e| e.shift(base))?;
        v.push(Extension::from_body(ty, data, ctx, opts));
    }
    Ok(v)
}

/// Read an extension block with its 2-byte length from the start of `input`; the rest
/// follows it.
pub fn parse_extension_block<'a>(
    input: &'a [u8],
    ctx: ExtContext,
    opts: &ParseOptions,
) -> Result<(Vec<Extension<'a>>, &'a [u8]), ParseError> {
    let mut r = Reader::new(input);
    let v = parse_extensions(&mut r, ctx, opts)?;
    Ok((v, r.rest()))
}

/// Append an extension block with its 2-byte length.
pub fn emit_extensions(out: &mut Vec<u8>, exts: &[Extension<'_>]) {
    with_len(out, 2, |o| {
        for e in exts {
            e.emit(o);
        }
    });
}

/// ClientHello (RFC 5246 §7.4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello<'a> {
    pub version: ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: &'a [u8],
    /// `None` when the message ends after the compression methods (no extension block).
    pub extensions: Option<Vec<Extension<'a>>>,
}

/// ServerHello (RFC 5246 §7.4.1.3), and TLS 1.3's ServerHello and HelloRetryRequest (RFC 8446
/// §4.1.3, §4.1.4), which share its layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello<'a> {
    pub version: ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: &'a [u8],
    pub cipher_suite: CipherSuite,
    pub compression_method: u8,
    pub extensions: Option<Vec<Extension<'a>>>,
}

impl ServerHello<'_> {
    /// Whether this is a HelloRetryRequest (RFC 8446 §4.1.3).
    pub fn is_retry(&self) -> bool {
        self.random == HRR_RANDOM
    }
    /// The version the server chose: `supported_versions` when present (RFC 8446 §4.2.1).
    pub fn selected_version(&self) -> ProtocolVersion {
        self.extensions
            .iter()
            .flatten()
            .find_map(|e| match e {
                Extension::SelectedVersion(v) => Some(*v),
                _ => None,
            })
            .unwrap_or(self.version)
    }
}

/// NewSessionTicket of TLS 1.2 (RFC 5077 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket<'a> {
    pub lifetime_hint: u32,
    pub ticket: &'a [u8],
}

/// NewSessionTicket of TLS 1.3 (RFC 8446 §4.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket13<'a> {
    pub lifetime: u32,
    pub age_add: u32,
    pub nonce: &'a [u8],
    pub ticket: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

/// A TLS 1.3 CertificateEntry (RFC 8446 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEntry<'a> {
    pub cert_data: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

/// Certificate of TLS 1.3 (RFC 8446 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate13<'a> {
    pub context: &'a [u8],
    pub entries: Vec<CertificateEntry<'a>>,
}

/// CertificateRequest of TLS 1.0 to 1.2 (RFC 5246 §7.4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest<'a> {
    pub certificate_types: &'a [u8],
    /// Absent before TLS 1.2.
    pub signature_algorithms: Option<Vec<SignatureScheme>>,
    /// DistinguishedName values.
    pub authorities: Vec<&'a [u8]>,
}

/// CertificateRequest of TLS 1.3 (RFC 8446 §4.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest13<'a> {
    pub context: &'a [u8],
    pub extensions: Vec<Extension<'a>>,
}

/// `digitally-signed` (RFC 5246 §4.7): the algorithm (TLS 1.2 and later) and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitallySigned<'a> {
    pub scheme: Option<SignatureScheme>,
    pub signature: &'a [u8],
}

impl<'a> DigitallySigned<'a> {
    fn read(r: &mut Reader<'a>, with_scheme: bool) -> Result<Self, ParseError> {
        let scheme = if with_scheme { Some(SignatureScheme(r.u16("signature algorithm")?)) } else { None };
        let signature = r.vec(2, 0, 0xffff, "signature", "0 to 65535")?;
        Ok(DigitallySigned { scheme, signature })
    }
    fn emit(&self, out: &mut Vec<u8>) {
        if let Some(s) = self.scheme {
            put_u16(out, s.0);
        }
        put_vec(out, 2, self.signature);
    }
}

/// A handshake message (RFC 5246 §7.4, RFC 8446 §4). Key exchange messages keep their bytes:
/// how they read depends on the cipher suite ([`EcdheServerParams`], [`ClientKeyExchangeBody`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handshake<'a> {
    HelloRequest,
    ClientHello(ClientHello<'a>),
    ServerHello(ServerHello<'a>),
    NewSessionTicket(NewSessionTicket<'a>),
    NewSessionTicket13(NewSessionTicket13<'a>),
    EndOfEarlyData,
    EncryptedExtensions(Vec<Extension<'a>>),
    /// TLS 1.2 Certificate: the ASN.1 certificates (RFC 5246 §7.4.2).
    Certificate(Vec<&'a [u8]>),
    Certificate13(Certificate13<'a>),
    ServerKeyExchange(&'a [u8]),
    CertificateRequest(CertificateRequest<'a>),
    CertificateRequest13(CertificateRequest13<'a>),
    ServerHelloDone,
    CertificateVerify(DigitallySigned<'a>),
    ClientKeyExchange(&'a [u8]),
    /// `verify_data` (RFC 5246 §7.4.9).
    Finished(&'a [u8]),
    /// `request_update` (RFC 8446 §4.6.3).
    KeyUpdate(u8),
    Unknown {
        ty: HandshakeType,
        body: &'a [u8],
    },
}

/// Read a handshake header: type and body length.
pub fn parse_handshake_header(input: &[u8]) -> Result<(HandshakeType, usize), ParseError> {
    let mut r = Reader::new(input);
    let ty = HandshakeType(r.u8("handshake type")?);
    let len = r.u24("handshake length")? as usize;
    Ok((ty, len))
}

/// Read one handshake message; the rest follows it.
pub fn parse_handshake<'a>(input: &'a [u8], opts: &ParseOptions) -> Result<(Handshake<'a>, &'a [u8]), ParseError> {
    let (ty, len) = parse_handshake_header(input)?;
    let mut r = Reader::new(input);
    r.take(HANDSHAKE_HEADER_LEN, "handshake header")?;
    let body = r.take(len, "handshake body")?;
    let h = parse_handshake_body(ty, body, opts).map_err(|e| e.shift(HANDSHAKE_HEADER_LEN))?;
    Ok((h, r.rest()))
}

/// Read a handshake body of type `ty` (all of `body`).
pub fn parse_handshake_body<'a>(
    ty: HandshakeType,
    body: &'a [u8],
    opts: &ParseOptions,
) -> Result<Handshake<'a>, ParseError> {
    let mut r = Reader::new(body);
    let h = match ty {
        HandshakeType::HELLO_REQUEST => Handshake::HelloRequest,
        HandshakeType::CLIENT_HELLO => {
            let version = ProtocolVersion(r.u16("client version")?);
            let random = r.array::<32>("random")?;
            let session_id = r.vec(1, 0, 32, "session id", "0 to 32")?;
            let at = r.pos();
            let suites = r.vec(2, 2, 0xfffe, "cipher suites", "2 to 65534")?;
            if suites.len() % 2 != 0 {
                return Err(odd(at, "cipher suites", suites.len()));
            }
            let cipher_suites = suites.chunks_exact(2).map(|c| CipherSuite(u16::from_be_bytes([c[0], c[1]]))).collect();
            let compression_methods = r.vec(1, 1, 0xff, "compression methods", "1 to 255")?;
            let extensions =
                if r.is_empty() { None } else { Some(parse_extensions(&mut r, ExtContext::ClientHello, opts)?) };
            Handshake::ClientHello(ClientHello {
                version,
                random,
                session_id,
                cipher_suites,
                compression_methods,
                extensions,
            })
        }
        HandshakeType::SERVER_HELLO => {
            let version = ProtocolVersion(r.u16("server version")?);
            let random = r.array::<32>("random")?;
            let session_id = r.vec(1, 0, 32, "session id", "0 to 32")?;
            let cipher_suite = CipherSuite(r.u16("cipher suite")?);
            let compression_method = r.u8("compression method")?;
            let ctx = if random == HRR_RANDOM { ExtContext::HelloRetryRequest } else { ExtContext::ServerHello };
            let extensions = if r.is_empty() { None } else { Some(parse_extensions(&mut r, ctx, opts)?) };
            Handshake::ServerHello(ServerHello {
                version,
                random,
                session_id,
                cipher_suite,
                compression_method,
                extensions,
            })
        }
        HandshakeType::NEW_SESSION_TICKET if opts.is_tls13() => {
            let lifetime = r.u32("ticket lifetime")?;
            let age_add = r.u32("ticket age add")?;
            let nonce = r.vec(1, 0, 0xff, "ticket nonce", "0 to 255")?;
            let ticket = r.vec(2, 1, 0xffff, "ticket", "1 to 65535")?;
            let extensions = parse_extensions(&mut r, ExtContext::Other, opts)?;
            Handshake::NewSessionTicket13(NewSessionTicket13 { lifetime, age_add, nonce, ticket, extensions })
        }
        HandshakeType::NEW_SESSION_TICKET => {
            let lifetime_hint = r.u32("ticket lifetime hint")?;
            let ticket = r.vec(2, 0, 0xffff, "ticket", "0 to 65535")?;
            Handshake::NewSessionTicket(NewSessionTicket { lifetime_hint, ticket })
        }
        HandshakeType::END_OF_EARLY_DATA => Handshake::EndOfEarlyData,
        HandshakeType::ENCRYPTED_EXTENSIONS => {
            Handshake::EncryptedExtensions(parse_extensions(&mut r, ExtContext::Other, opts)?)
        }
        HandshakeType::CERTIFICATE if opts.is_tls13() => {
            let context = r.vec(1, 0, 0xff, "certificate request context", "0 to 255")?;
            let base = r.pos() + 3;
            let list = r.vec(3, 0, 0xff_ffff, "certificate list", "0 to 16777215")?;
            let mut l = Reader::new(list);
            let mut entries = Vec::new();
            while !l.is_empty() {
                let cert_data = l.vec(3, 1, 0xff_ffff, "certificate", "1 to 16777215").map_err(|e| e.shift(base))?;
                let extensions = parse_extensions(&mut l, ExtContext::Other, opts).map_err(|e| e.shift(base))?;
                entries.push(CertificateEntry { cert_data, extensions });
            }
            Handshake::Certificate13(Certificate13 { context, entries })
        }
        HandshakeType::CERTIFICATE => {
            let base = r.pos() + 3;
            let list = r.vec(3, 0, 0xff_ffff, "certificate list", "0 to 16777215")?;
            let mut l = Reader::new(list);
            let mut v = Vec::new();
            while !l.is_empty() {
                v.push(l.vec(3, 1, 0xff_ffff, "certificate", "1 to 16777215").map_err(|e| e.shift(base))?);
            }
            Handshake::Certificate(v)
        }
        HandshakeType::SERVER_KEY_EXCHANGE => Handshake::ServerKeyExchange(r.rest()),
        HandshakeType::CERTIFICATE_REQUEST if opts.is_tls13() => {
            let context = r.vec(1, 0, 0xff, "certificate request context", "0 to 255")?;
            let extensions = parse_extensions(&mut r, ExtContext::Other, opts)?;
            Handshake::CertificateRequest13(CertificateRequest13 { context, extensions })
        }
        HandshakeType::CERTIFICATE_REQUEST => {
            let certificate_types = r.vec(1, 1, 0xff, "certificate types", "1 to 255")?;
            let signature_algorithms = if opts.has_sig_algs() {
                Some(u16_list(&mut r, "signature algorithms")?.map(SignatureScheme).collect())
            } else {
                None
            };
            let base = r.pos() + 2;
            let list = r.vec(2, 0, 0xffff, "certificate authorities", "0 to 65535")?;
            let mut l = Reader::new(list);
            let mut authorities = Vec::new();
            while !l.is_empty() {
                authorities.push(l.vec(2, 1, 0xffff, "distinguished name", "1 to 65535").map_err(|e| e.shift(base))?);
            }
            Handshake::CertificateRequest(CertificateRequest { certificate_types, signature_algorithms, authorities })
        }
        HandshakeType::SERVER_HELLO_DONE => Handshake::ServerHelloDone,
        HandshakeType::CERTIFICATE_VERIFY => {
            Handshake::CertificateVerify(DigitallySigned::read(&mut r, opts.has_sig_algs())?)
        }
        HandshakeType::CLIENT_KEY_EXCHANGE => Handshake::ClientKeyExchange(r.rest()),
        HandshakeType::FINISHED => Handshake::Finished(r.rest()),
        HandshakeType::KEY_UPDATE => Handshake::KeyUpdate(r.u8("request update")?),
        _ => Handshake::Unknown { ty, body: r.rest() },
    };
    r.end("handshake message")?;
    Ok(h)
}

impl<'a> Handshake<'a> {
    /// The message type.
    pub fn ty(&self) -> HandshakeType {
        match self {
            Handshake::HelloRequest => HandshakeType::HELLO_REQUEST,
            Handshake::ClientHello(_) => HandshakeType::CLIENT_HELLO,
            Handshake::ServerHello(_) => HandshakeType::SERVER_HELLO,
            Handshake::NewSessionTicket(_) | Handshake::NewSessionTicket13(_) => HandshakeType::NEW_SESSION_TICKET,
            Handshake::EndOfEarlyData => HandshakeType::END_OF_EARLY_DATA,
            Handshake::EncryptedExtensions(_) => HandshakeType::ENCRYPTED_EXTENSIONS,
            Handshake::Certificate(_) | Handshake::Certificate13(_) => HandshakeType::CERTIFICATE,
            Handshake::ServerKeyExchange(_) => HandshakeType::SERVER_KEY_EXCHANGE,
            Handshake::CertificateRequest(_) | Handshake::CertificateRequest13(_) => HandshakeType::CERTIFICATE_REQUEST,
            Handshake::ServerHelloDone => HandshakeType::SERVER_HELLO_DONE,
            Handshake::CertificateVerify(_) => HandshakeType::CERTIFICATE_VERIFY,
            Handshake::ClientKeyExchange(_) => HandshakeType::CLIENT_KEY_EXCHANGE,
            Handshake::Finished(_) => HandshakeType::FINISHED,
            Handshake::KeyUpdate(_) => HandshakeType::KEY_UPDATE,
            Handshake::Unknown { ty, .. } => *ty,
        }
    }

    /// Append the body (without the handshake header).
    pub fn emit_body(&self, out: &mut Vec<u8>) {
        match self {
            Handshake::HelloRequest | Handshake::EndOfEarlyData | Handshake::ServerHelloDone => {}
            Handshake::ClientHello(c) => {
                put_u16(out, c.version.0);
                out.extend_from_slice(&c.random);
                put_vec(out, 1, c.session_id);
                with_len(out, 2, |o| {
                    for s in &c.cipher_suites {
                        put_u16(o, s.0);
                    }
                });
                put_vec(out, 1, c.compression_methods);
                if let Some(e) = &c.extensions {
                    emit_extensions(out, e);
                }
            }
            Handshake::ServerHello(s) => {
                put_u16(out, s.version.0);
                out.extend_from_slice(&s.random);
                put_vec(out, 1, s.session_id);
                put_u16(out, s.cipher_suite.0);
                out.push(s.compression_method);
                if let Some(e) = &s.extensions {
                    emit_extensions(out, e);
                }
            }
            Handshake::NewSessionTicket(t) => {
                put_u32(out, t.lifetime_hint);
                put_vec(out, 2, t.ticket);
            }
            Handshake::NewSessionTicket13(t) => {
                put_u32(out, t.lifetime);
                put_u32(out, t.age_add);
                put_vec(out, 1, t.nonce);
                put_vec(out, 2, t.ticket);
                emit_extensions(out, &t.extensions);
            }
            Handshake::EncryptedExtensions(e) => emit_extensions(out, e),
            Handshake::Certificate(v) => with_len(out, 3, |o| {
                for c in v {
                    put_vec(o, 3, c);
                }
            }),
            Handshake::Certificate13(c) => {
                put_vec(out, 1, c.context);
                with_len(out, 3, |o| {
                    for e in &c.entries {
                        put_vec(o, 3, e.cert_data);
                        emit_extensions(o, &e.extensions);
                    }
                });
            }
            Handshake::ServerKeyExchange(b) | Handshake::ClientKeyExchange(b) | Handshake::Finished(b) => {
                out.extend_from_slice(b)
            }
            Handshake::CertificateRequest(c) => {
                put_vec(out, 1, c.certificate_types);
                if let Some(v) = &c.signature_algorithms {
                    with_len(out, 2, |o| {
                        for s in v {
                            put_u16(o, s.0);
                        }
                    });
                }
                with_len(out, 2, |o| {
                    for a in &c.authorities {
                        put_vec(o, 2, a);
                    }
                });
            }
            Handshake::CertificateRequest13(c) => {
                put_vec(out, 1, c.context);
                emit_extensions(out, &c.extensions);
            }
            Handshake::CertificateVerify(d) => d.emit(out),
            Handshake::KeyUpdate(u) => out.push(*u),
            Handshake::Unknown { body, .. } => out.extend_from_slice(body),
        }
    }

    /// Append the message with its header.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.ty().0);
        with_len(out, 3, |o| self.emit_body(o));
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.emit(&mut v);
        v
    }
}

/// `ServerECDHParams` with its signature, the ServerKeyExchange body of ECDHE suites (RFC 8422
/// §5.4, named curves only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcdheServerParams<'a> {
    /// `ECCurveType`; 3 is `named_curve`.
    pub curve_type: u8,
    pub named_curve: NamedGroup,
    pub public: &'a [u8],
    /// Absent for anonymous suites (`ECDH_anon`).
    pub signed: Option<DigitallySigned<'a>>,
}

/// `ECCurveType.named_curve` (RFC 8422 §5.4).
pub const NAMED_CURVE: u8 = 3;

impl<'a> EcdheServerParams<'a> {
    /// Read a ServerKeyExchange body (all of it).
    pub fn parse(body: &'a [u8], opts: &ParseOptions) -> Result<Self, ParseError> {
        let mut r = Reader::new(body);
        let curve_type = r.u8("curve type")?;
        if curve_type != NAMED_CURVE {
            return Err(ParseError::BadValue {
                offset: 0,
                what: "curve type",
                found: curve_type as u64,
                expected: "named_curve (3)",
            });
        }
        let named_curve = NamedGroup(r.u16("named curve")?);
        let public = r.vec(1, 1, 0xff, "public point", "1 to 255")?;
        let signed = if r.is_empty() { None } else { Some(DigitallySigned::read(&mut r, opts.has_sig_algs())?) };
        r.end("server key exchange")?;
        Ok(EcdheServerParams { curve_type, named_curve, public, signed })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.curve_type);
        put_u16(out, self.named_curve.0);
        put_vec(out, 1, self.public);
        if let Some(s) = &self.signed {
            s.emit(out);
        }
    }
}

/// `ServerDHParams` with its signature, the ServerKeyExchange body of DHE suites (RFC 5246
/// §7.4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DheServerParams<'a> {
    pub p: &'a [u8],
    pub g: &'a [u8],
    pub ys: &'a [u8],
    pub signed: Option<DigitallySigned<'a>>,
}

impl<'a> DheServerParams<'a> {
    pub fn parse(body: &'a [u8], opts: &ParseOptions) -> Result<Self, ParseError> {
        let mut r = Reader::new(body);
        let p = r.vec(2, 1, 0xffff, "dh_p", "1 to 65535")?;
        let g = r.vec(2, 1, 0xffff, "dh_g", "1 to 65535")?;
        let ys = r.vec(2, 1, 0xffff, "dh_Ys", "1 to 65535")?;
        let signed = if r.is_empty() { None } else { Some(DigitallySigned::read(&mut r, opts.has_sig_algs())?) };
        r.end("server key exchange")?;
        Ok(DheServerParams { p, g, ys, signed })
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        put_vec(out, 2, self.p);
        put_vec(out, 2, self.g);
        put_vec(out, 2, self.ys);
        if let Some(s) = &self.signed {
            s.emit(out);
        }
    }
}

/// How a ClientKeyExchange body reads, by key exchange (RFC 5246 §7.4.7, RFC 8422 §5.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientKeyExchangeBody<'a> {
    /// `ECPoint ecdh_Yc<1..2^8-1>`.
    Ecdh(&'a [u8]),
    /// `EncryptedPreMasterSecret<0..2^16-1>`.
    Rsa(&'a [u8]),
    /// `dh_Yc<1..2^16-1>`.
    Dh(&'a [u8]),
}

impl<'a> ClientKeyExchangeBody<'a> {
    pub fn parse(body: &'a [u8], kex: KeyExchange) -> Result<Self, ParseError> {
        let mut r = Reader::new(body);
        let v = match kex {
            KeyExchange::Ecdhe => ClientKeyExchangeBody::Ecdh(r.vec(1, 1, 0xff, "public point", "1 to 255")?),
            KeyExchange::Rsa => {
                ClientKeyExchangeBody::Rsa(r.vec(2, 0, 0xffff, "encrypted pre-master secret", "0 to 65535")?)
            }
            KeyExchange::Dhe => ClientKeyExchangeBody::Dh(r.vec(2, 1, 0xffff, "dh_Yc", "1 to 65535")?),
            KeyExchange::Other | KeyExchange::Tls13 => {
                return Err(ParseError::BadValue {
                    offset: 0,
                    what: "key exchange",
                    found: 0,
                    expected: "a suite with RSA, DHE or ECDHE key exchange",
                })
            }
        };
        r.end("client key exchange")?;
        Ok(v)
    }
    pub fn emit(&self, out: &mut Vec<u8>) {
        match self {
            ClientKeyExchangeBody::Ecdh(p) => put_vec(out, 1, p),
            ClientKeyExchangeBody::Rsa(p) | ClientKeyExchangeBody::Dh(p) => put_vec(out, 2, p),
        }
    }
}

/// The SSL 2.0 compatible ClientHello (RFC 5246 Appendix E.2; RFC 6101 Appendix E), which a
/// client may send first to reach SSL 2.0 servers:
/// ```text
/// +--------+--------+--------+--------+--------+-----------------+---------------+---------------+
/// |1| msg_length    |msg_type| version         | cipher_spec_len | session_id_len| challenge_len |
/// +--------+--------+--------+--------+--------+-----------------+---------------+---------------+
/// | cipher_specs (3 bytes each) | session_id | challenge                                       |
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sslv2ClientHello<'a> {
    pub version: ProtocolVersion,
    /// `V2CipherSpec`s, 3 bytes each.
    pub cipher_specs: Vec<u32>,
    pub session_id: &'a [u8],
    pub challenge: &'a [u8],
}

/// Whether bytes start an SSL 2.0 compatible ClientHello: the high bit of the length set, then
/// `msg_type` 1 and an SSL 3 or TLS version, as far as the bytes go.
pub fn is_sslv2_client_hello(d: &[u8]) -> bool {
    d.first().is_some_and(|&b| b & 0x80 != 0)
        && d.get(2).is_none_or(|&t| t == 1)
        && d.get(3).is_none_or(|&v| v == 3)
        && d.get(4).is_none_or(|&v| v <= 4)
}

impl<'a> Sslv2ClientHello<'a> {
    /// Read the message (2-byte header included); the rest follows it.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), ParseError> {
        let mut r = Reader::new(input);
        let len = (r.u16("SSLv2 record length")? & 0x7fff) as usize;
        let body = r.take(len, "SSLv2 record")?;
        let rest = r.rest();
        let mut b = Reader::new(body);
        let ty = b.u8("message type").map_err(|e| e.shift(2))?;
        if ty != 1 {
            return Err(ParseError::BadValue {
                offset: 2,
                what: "message type",
                found: ty as u64,
                expected: "1 (client hello)",
            });
        }
        let version = ProtocolVersion(b.u16("version").map_err(|e| e.shift(2))?);
        let cs_len = b.u16("cipher spec length").map_err(|e| e.shift(2))? as usize;
        let sid_len = b.u16("session id length").map_err(|e| e.shift(2))? as usize;
        let ch_len = b.u16("challenge length").map_err(|e| e.shift(2))? as usize;
        if cs_len % 3 != 0 || cs_len == 0 {
            return Err(ParseError::BadLength {
                offset: 7,
                what: "cipher specs",
                found: cs_len,
                expected: "a non-zero multiple of 3",
            });
        }
        if sid_len > 32 {
            return Err(ParseError::BadLength { offset: 9, what: "session id", found: sid_len, expected: "0 to 32" });
        }
        if !(16..=32).contains(&ch_len) {
            return Err(ParseError::BadLength { offset: 11, what: "challenge", found: ch_len, expected: "16 to 32" });
        }
        let cs = b.take(cs_len, "cipher specs").map_err(|e| e.shift(2))?;
        let session_id = b.take(sid_len, "session id").map_err(|e| e.shift(2))?;
        let challenge = b.take(ch_len, "challenge").map_err(|e| e.shift(2))?;
        b.end("SSLv2 client hello").map_err(|e| e.shift(2))?;
        let cipher_specs = cs.chunks_exact(3).map(|c| u32::from_be_bytes([0, c[0], c[1], c[2]])).collect();
        Ok((Sslv2ClientHello { version, cipher_specs, session_id, challenge }, rest))
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        let len = 9 + 3 * self.cipher_specs.len() + self.session_id.len() + self.challenge.len();
        put_u16(out, 0x8000 | (len.min(0x7fff) as u16));
        out.push(1);
        put_u16(out, self.version.0);
        put_len(out, 2, 3 * self.cipher_specs.len());
        put_len(out, 2, self.session_id.len());
        put_len(out, 2, self.challenge.len());
        for c in &self.cipher_specs {
            out.extend_from_slice(&c.to_be_bytes()[1..]);
        }
        out.extend_from_slice(self.session_id);
        out.extend_from_slice(self.challenge);
    }

    /// The ClientHello.random it stands for: the challenge right-aligned in 32 bytes, zeros
    /// before it (RFC 5246 Appendix E.2).
    pub fn random(&self) -> [u8; 32] {
        let mut r = [0u8; 32];
        let n = self.challenge.len().min(32);
        r[32 - n..].copy_from_slice(&self.challenge[self.challenge.len() - n..]);
        r
    }
}

/// The key exchange a cipher suite uses, as far as the message layouts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExchange {
    Rsa,
    Dhe,
    Ecdhe,
    /// TLS 1.3 suites: key exchange is in `key_share`.
    Tls13,
    /// PSK, SRP, static DH, ...: key exchange messages are shown as bytes.
    Other,
}

impl KeyExchange {
    /// Read the key exchange from a suite's IANA name (`TLS_ECDHE_RSA_WITH_...`).
    pub fn of(suite: CipherSuite) -> KeyExchange {
        let Some(n) = suite.name() else { return KeyExchange::Other };
        if (0x1301..=0x1305).contains(&suite.0) {
            return KeyExchange::Tls13;
        }
        let kx = n.split("_WITH_").next().unwrap_or("");
        match kx {
            "TLS_RSA" | "SSL_RSA" | "TLS_RSA_EXPORT" => KeyExchange::Rsa,
            "TLS_DHE_RSA" | "TLS_DHE_DSS" | "TLS_DH_anon" => KeyExchange::Dhe,
            "TLS_ECDHE_RSA" | "TLS_ECDHE_ECDSA" | "TLS_ECDH_anon" => KeyExchange::Ecdhe,
            _ => KeyExchange::Other,
        }
    }
}
