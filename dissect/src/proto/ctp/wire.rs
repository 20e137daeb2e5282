//! CTP frames on the wire: header, data and control frames, commands, tags and status codes
//! (draft-honeywell-ctp-04 §3), with `parse` and `emit`.
//!
//! Frame header, §3.1 (Figures 3.1a and 3.1b; all numbers big-endian):
//! ```text
//!   0   1   2   3   4   5   6   7
//! +---+---+---+---+---+---+---+---+
//! | I |VERSION|VIRTUAL| R |PAYLOAD|      ID 0x41 ('A'); version: major, minor;
//! | D |       |SOCKET | S |SIZE   |      virtual socket id; reserved; payload size
//! |   |       |ID     | V |       |
//! +---+---+---+---+---+---+---+---+
//! ```
//! Control frame, §3.2 (Figure 3.2a), on virtual socket 0 (client commands) or 1 (server
//! commands): the payload is a 4-byte command followed by tags.
//! ```text
//!   0   1   2   3   4   5   6   7   8   9  10  11
//! +---+---+---+---+---+---+---+---+---+---+---+---+
//! | I |VERSION|VIRTUAL| R |PAYLOAD|    COMMAND    |
//! +---+---+---+---+---+---+---+---+---+---+---+---+
//! |              TAGS (Variable Size)             |
//! +---+---+---+---+---+---+---+---+---+---+---+---+
//! ```
//! Tag, §3.3 (Figure 3.3a): a 2-letter name, a 2-byte value size, the value.
//! ```text
//!   0   1   2   3   4 ...
//! +---+---+---+---+---+---+---+---+
//! | TAG   | SIZE  | VALUE (Size)  |
//! | NAME  |       |               |
//! +---+---+---+---+---+---+---+---+
//! ```
//!
//! Parsing is strict about the frame (ID byte, header, the payload size against the bytes
//! present) and lax inside a control frame's payload: whatever the payload holds (a short
//! command, a status of the wrong size, a tag that runs past the payload, stray bytes) is kept
//! in the model, so that [`Frame::emit`] writes back exactly what [`parse`] read and the
//! dissector can show every byte and say what is wrong with it.

use std::fmt;

/// The ID byte that starts every frame (§3.1: 0x41, the character 'A').
pub const ID: u8 = 0x41;
/// Bytes in the frame header (§3.1).
pub const HEADER_LEN: usize = 8;
/// Bytes in a control frame's command (§3.3).
pub const COMMAND_LEN: usize = 4;
/// Bytes in a tag's name and size (§3.3, Figure 3.3a).
pub const TAG_HEADER_LEN: usize = 4;
/// Largest payload (§3: 65,535 bytes).
pub const MAX_PAYLOAD: usize = 65_535;
/// Largest frame, header included (§3: 65,543 bytes).
pub const MAX_FRAME: usize = HEADER_LEN + MAX_PAYLOAD;
/// The control socket of commands the CTP client originates (§3.2, §6.1).
pub const VS_CLIENT_CONTROL: u16 = 0;
/// The control socket of commands the CTP server originates (§3.2, §6.1).
pub const VS_SERVER_CONTROL: u16 = 1;
/// The first virtual socket a client opens; client sockets are even (§6.3).
pub const FIRST_CLIENT_VS: u16 = 2;
/// The first virtual socket a server opens; server sockets are odd (§6.3).
pub const FIRST_SERVER_VS: u16 = 3;
/// The ALPN protocol id offered and recognised (§7.1, C5).
pub const ALPN: &[u8] = b"ctp/1";
/// The identification bytes §7.1 lists (`ctp/1s`), recognised with a note (C5).
pub const ALPN_DRAFT_BYTES: &[u8] = b"ctp/1s";

/// Which ALPN protocol id named CTP (C5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlpnId {
    /// `ctp/1`, the string §7.1 registers.
    Ctp1,
    /// `ctp/1s`, the bytes §7.1 lists: recognised, with a note (C5).
    Ctp1s,
}

/// Whether an ALPN protocol id (RFC 7301) names CTP (§7.1, C5).
pub fn alpn_id(id: &[u8]) -> Option<AlpnId> {
    if id == ALPN {
        Some(AlpnId::Ctp1)
    } else if id == ALPN_DRAFT_BYTES {
        Some(AlpnId::Ctp1s)
    } else {
        None
    }
}

/// Why a frame could not be read. Offsets count from the start of the slice given to [`parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than a header field or the declared payload needs.
    #[error("{what} at byte {offset}: needs {needed} bytes, {available} left")]
    Truncated { offset: usize, what: &'static str, needed: usize, available: usize },
    /// A field holds a value that cannot be there.
    #[error("{what} at byte {offset}: value {found:#04x}, expected {expected}")]
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

/// The protocol version (§3.1: byte 1 the major version, byte 2 the minor version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
}

impl Version {
    /// The version the suite sends: 1.0, after the ALPN id `ctp/1` (§7.1). The draft gives no
    /// version number of its own.
    pub const V1_0: Version = Version { major: 1, minor: 0 };

    /// A version a real implementation could have sent: major 0 to 3, minor 0 to 15. Used by
    /// the heuristic (C6) and to resynchronise; the dissector shows any version.
    pub fn is_plausible(self) -> bool {
        self.major <= 3 && self.minor <= 15
    }

    /// The two header bytes as one number (`0x0100` for 1.0).
    pub fn as_u16(self) -> u16 {
        u16::from_be_bytes([self.major, self.minor])
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A control frame's command: four bytes, normally ASCII letters (§3.3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Command(pub [u8; 4]);

impl Command {
    /// Authenticate the connection (§3.3, §4.2).
    pub const AUTH: Command = Command(*b"AUTH");
    /// Open a virtual socket (§3.3, §6.2).
    pub const OPVS: Command = Command(*b"OPVS");
    /// Close a virtual socket (§3.3, §6.2).
    pub const CLVS: Command = Command(*b"CLVS");
    /// Acknowledge a control frame (§3.3, §3.4). The draft spells it with three letters; the
    /// suite sends it padded with a space and accepts any fourth byte (C1).
    pub const ACK: Command = Command(*b"ACK ");
    /// List the endpoint's services (§3.3, §5).
    pub const SVLT: Command = Command(*b"SVLT");
    /// List the endpoint's open virtual sockets (§3.3).
    pub const SYNC: Command = Command(*b"SYNC");
    /// Application keepalive (§3.3, §4.4).
    pub const PING: Command = Command(*b"PING");

    /// The commands of §3.3, in the draft's order.
    pub const KNOWN: [Command; 7] =
        [Command::AUTH, Command::OPVS, Command::CLVS, Command::ACK, Command::SVLT, Command::SYNC, Command::PING];

    /// Whether this is the acknowledgement: `ACK` followed by any fourth byte (C1).
    pub fn is_ack(self) -> bool {
        matches!(self.0, [b'A', b'C', b'K', _])
    }

    /// The same command with an acknowledgement's fourth byte normalised to the space (C1).
    pub fn canonical(self) -> Command {
        if self.is_ack() {
            Command::ACK
        } else {
            self
        }
    }

    /// Whether the draft defines this command (any `ACK` form counts, C1).
    pub fn is_known(self) -> bool {
        Command::KNOWN.contains(&self.canonical())
    }

    /// What the command does, after §3.3's headings.
    pub fn description(self) -> Option<&'static str> {
        Some(match self.canonical() {
            Command::AUTH => "authenticate",
            Command::OPVS => "open virtual socket",
            Command::CLVS => "close virtual socket",
            Command::ACK => "acknowledgement",
            Command::SVLT => "service list",
            Command::SYNC => "synchronize",
            Command::PING => "ping",
            _ => return None,
        })
    }

    /// The command as text: `ACK` for every acknowledgement form, otherwise the four bytes with
    /// anything that is not printable ASCII escaped (`\x00`).
    pub fn text(self) -> String {
        if self.is_ack() {
            "ACK".to_string()
        } else {
            escape(&self.0)
        }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command(\"{}\")", escape(&self.0))
    }
}

/// An acknowledgement's status code (§3.4). Unknown values are kept and shown by number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(pub u8);

impl Status {
    pub const OK: Status = Status(0x00);
    pub const ALREADY_AUTHENTICATED: Status = Status(0x01);
    pub const BUSY: Status = Status(0x07);
    pub const UNAUTHORIZED: Status = Status(0x40);
    pub const FORBIDDEN: Status = Status(0x41);
    /// §3.4's name; §3.3 calls it PROTOCOL_NOT_SUPPORTED (C4).
    pub const SERVICE_NOT_SUPPORTED: Status = Status(0x60);
    pub const VIRTUAL_SOCKET_ALREADY_OPEN: Status = Status(0x61);
    pub const VIRTUAL_SOCKET_ALREADY_CLOSED: Status = Status(0x62);
    pub const VIRTUAL_SOCKET_UNAVAILABLE: Status = Status(0x63);
    pub const INVALID_TAG: Status = Status(0x80);
    pub const INVALID_STATUS: Status = Status(0x81);
    pub const INVALID_COMMAND: Status = Status(0x82);
    pub const TIMEOUT: Status = Status(0x90);
    pub const GENERAL_ERROR: Status = Status(0xFF);

    /// The §3.4 name, if the value has one.
    pub fn name(self) -> Option<&'static str> {
        STATUS_NAMES.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "Status::{n}"),
            None => write!(f, "Status({:#04x})", self.0),
        }
    }
}

/// Status codes and their names (§3.4, with C4's choice for 0x60), as value strings.
pub static STATUS_NAMES: &[(u64, &str)] = &[
    (0x00, "OK"),
    (0x01, "ALREADY_AUTHENTICATED"),
    (0x07, "BUSY"),
    (0x40, "UNAUTHORIZED"),
    (0x41, "FORBIDDEN"),
    (0x60, "SERVICE_NOT_SUPPORTED"),
    (0x61, "VIRTUAL_SOCKET_ALREADY_OPEN"),
    (0x62, "VIRTUAL_SOCKET_ALREADY_CLOSED"),
    (0x63, "VIRTUAL_SOCKET_UNAVAILABLE"),
    (0x80, "INVALID_TAG"),
    (0x81, "INVALID_STATUS"),
    (0x82, "INVALID_COMMAND"),
    (0x90, "TIMEOUT"),
    (0xFF, "GENERAL_ERROR"),
];

/// Tag names of §3.3.
pub mod tag_name {
    /// Username, in AUTH.
    pub const UN: [u8; 2] = *b"UN";
    /// Password, in AUTH.
    pub const PW: [u8; 2] = *b"PW";
    /// Token, in AUTH (§3.3; §4.2's table says TR, C3).
    pub const TK: [u8; 2] = *b"TK";
    /// Client certificate (base64), in AUTH.
    pub const CR: [u8; 2] = *b"CR";
    /// Endpoint service, in OPVS and in SVLT/SYNC replies.
    pub const SV: [u8; 2] = *b"SV";
    /// Virtual socket id (2 bytes), in OPVS, CLVS and SYNC replies.
    pub const VS: [u8; 2] = *b"VS";
    /// Status (1 byte per §3.4, 2 per §3.3, C2), in ACK.
    pub const ST: [u8; 2] = *b"ST";
    /// Exception message, in ACK.
    pub const EX: [u8; 2] = *b"EX";
    /// Stack trace in ACK; read as a token in AUTH (C3).
    pub const TR: [u8; 2] = *b"TR";
    /// Every name the draft defines.
    pub const ALL: [[u8; 2]; 9] = [UN, PW, TK, CR, SV, VS, ST, EX, TR];
}

/// One tag of a control frame (§3.3), by name. String values are kept as bytes (they need not
/// be valid text on the wire). Build tags with [`Tag::from_wire`] to get the arm `parse` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag<'a> {
    /// `UN`: username.
    Username(&'a [u8]),
    /// `PW`: password.
    Password(&'a [u8]),
    /// `TK`: token.
    Token(&'a [u8]),
    /// `CR`: client certificate, base64.
    Certificate(&'a [u8]),
    /// `SV`: endpoint service label (§5).
    Service(&'a [u8]),
    /// `VS`: virtual socket id, 2 bytes.
    VirtualSocket(u16),
    /// `ST` of 1 byte (§3.4; what the suite sends, C2).
    Status(Status),
    /// `ST` of 2 bytes, big-endian (§3.3's reading, accepted per C2).
    StatusWide(u16),
    /// `EX`: exception message.
    Exception(&'a [u8]),
    /// `TR`: stack trace in ACK, a token in AUTH (C3).
    Trace(&'a [u8]),
    /// `VS` not of 2 bytes, or `ST` not of 1 or 2 bytes: malformed, kept as read.
    BadLength { name: [u8; 2], value: &'a [u8] },
    /// A tag the draft does not define (§3.3 allows them).
    Unknown { name: [u8; 2], value: &'a [u8] },
}

impl<'a> Tag<'a> {
    /// The tag a name and value read from the wire are.
    pub fn from_wire(name: [u8; 2], value: &'a [u8]) -> Tag<'a> {
        match name {
            tag_name::UN => Tag::Username(value),
            tag_name::PW => Tag::Password(value),
            tag_name::TK => Tag::Token(value),
            tag_name::CR => Tag::Certificate(value),
            tag_name::SV => Tag::Service(value),
            tag_name::EX => Tag::Exception(value),
            tag_name::TR => Tag::Trace(value),
            tag_name::VS => match value {
                [a, b] => Tag::VirtualSocket(u16::from_be_bytes([*a, *b])),
                _ => Tag::BadLength { name, value },
            },
            tag_name::ST => match value {
                [a] => Tag::Status(Status(*a)),
                [a, b] => Tag::StatusWide(u16::from_be_bytes([*a, *b])),
                _ => Tag::BadLength { name, value },
            },
            _ => Tag::Unknown { name, value },
        }
    }

    /// The tag's two-byte name.
    pub fn name(&self) -> [u8; 2] {
        match self {
            Tag::Username(_) => tag_name::UN,
            Tag::Password(_) => tag_name::PW,
            Tag::Token(_) => tag_name::TK,
            Tag::Certificate(_) => tag_name::CR,
            Tag::Service(_) => tag_name::SV,
            Tag::VirtualSocket(_) => tag_name::VS,
            Tag::Status(_) | Tag::StatusWide(_) => tag_name::ST,
            Tag::Exception(_) => tag_name::EX,
            Tag::Trace(_) => tag_name::TR,
            Tag::BadLength { name, .. } | Tag::Unknown { name, .. } => *name,
        }
    }

    /// Bytes of the value.
    pub fn value_len(&self) -> usize {
        match self {
            Tag::VirtualSocket(_) | Tag::StatusWide(_) => 2,
            Tag::Status(_) => 1,
            Tag::Username(v)
            | Tag::Password(v)
            | Tag::Token(v)
            | Tag::Certificate(v)
            | Tag::Service(v)
            | Tag::Exception(v)
            | Tag::Trace(v)
            | Tag::BadLength { value: v, .. }
            | Tag::Unknown { value: v, .. } => v.len(),
        }
    }

    /// Bytes on the wire, name and size included.
    pub fn wire_len(&self) -> usize {
        TAG_HEADER_LEN + self.value_len()
    }

    /// The status value of an `ST` tag of 1 or 2 bytes.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Tag::Status(s) => Some(s.0 as u16),
            Tag::StatusWide(v) => Some(*v),
            _ => None,
        }
    }

    /// Write the tag: name, size, value. A value longer than 65,535 bytes cannot be described by
    /// the size field; its size is written as 65,535 (keep values within [`MAX_PAYLOAD`]).
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name());
        let len = u16::try_from(self.value_len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        match self {
            Tag::VirtualSocket(v) | Tag::StatusWide(v) => out.extend_from_slice(&v.to_be_bytes()),
            Tag::Status(s) => out.push(s.0),
            Tag::Username(v)
            | Tag::Password(v)
            | Tag::Token(v)
            | Tag::Certificate(v)
            | Tag::Service(v)
            | Tag::Exception(v)
            | Tag::Trace(v)
            | Tag::BadLength { value: v, .. }
            | Tag::Unknown { value: v, .. } => out.extend_from_slice(v),
        }
    }
}

/// What follows the last whole tag of a control frame when the tags do not end exactly at the
/// end of the payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trailer<'a> {
    /// The tags end exactly at the end of the payload.
    #[default]
    None,
    /// 1 to 3 bytes: too few for a tag's name and size.
    Partial(&'a [u8]),
    /// A tag whose size runs past the payload (§8.2, C9): its name, its declared size and the
    /// bytes of its value that the payload holds (fewer than `size`).
    Overrun { name: [u8; 2], size: u16, value: &'a [u8] },
}

impl Trailer<'_> {
    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        match self {
            Trailer::None => 0,
            Trailer::Partial(b) => b.len(),
            Trailer::Overrun { value, .. } => TAG_HEADER_LEN + value.len(),
        }
    }

    fn emit(&self, out: &mut Vec<u8>) {
        match self {
            Trailer::None => {}
            Trailer::Partial(b) => out.extend_from_slice(b),
            Trailer::Overrun { name, size, value } => {
                out.extend_from_slice(name);
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(value);
            }
        }
    }
}

/// A control frame's payload (§3.2): the command, its tags, and what is left after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control<'a> {
    pub command: Command,
    pub tags: Vec<Tag<'a>>,
    pub trailer: Trailer<'a>,
}

impl<'a> Control<'a> {
    /// A well-formed control payload.
    pub fn new(command: Command, tags: Vec<Tag<'a>>) -> Self {
        Control { command, tags, trailer: Trailer::None }
    }

    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        COMMAND_LEN + self.tags.iter().map(Tag::wire_len).sum::<usize>() + self.trailer.wire_len()
    }

    /// The first tag with this name.
    pub fn tag(&self, name: [u8; 2]) -> Option<&Tag<'a>> {
        self.tags.iter().find(|t| t.name() == name)
    }

    /// The status of the first `ST` tag of 1 or 2 bytes.
    pub fn status(&self) -> Option<u16> {
        self.tags.iter().find_map(Tag::status_code)
    }

    /// The first `VS` tag's socket id.
    pub fn vs(&self) -> Option<u16> {
        self.tags.iter().find_map(|t| match t {
            Tag::VirtualSocket(v) => Some(*v),
            _ => None,
        })
    }

    /// The first `SV` tag's service.
    pub fn service(&self) -> Option<&'a [u8]> {
        self.tags.iter().find_map(|t| match t {
            Tag::Service(v) => Some(*v),
            _ => None,
        })
    }

    /// Every `SV` tag, in order (the SVLT reply, §3.3).
    pub fn services(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.tags.iter().filter_map(|t| match t {
            Tag::Service(v) => Some(*v),
            _ => None,
        })
    }

    /// The SYNC reply's open sockets (§3.3): each `SV` tag paired with the `VS` tag right after
    /// it. The second list holds the positions (in `tags`) of SV or VS tags left unpaired.
    pub fn sv_vs_pairs(&self) -> (Vec<(&'a [u8], u16)>, Vec<usize>) {
        let mut pairs = Vec::new();
        let mut unpaired = Vec::new();
        let mut i = 0;
        while i < self.tags.len() {
            match (&self.tags[i], self.tags.get(i + 1)) {
                (Tag::Service(sv), Some(Tag::VirtualSocket(vs))) => {
                    pairs.push((*sv, *vs));
                    i += 2;
                    continue;
                }
                (Tag::Service(_), _) | (Tag::VirtualSocket(_), _) => unpaired.push(i),
                _ => {}
            }
            i += 1;
        }
        (pairs, unpaired)
    }

    /// Write command, tags and trailer.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.command.0);
        for t in &self.tags {
            t.emit(out);
        }
        self.trailer.emit(out);
    }

    /// Read a control payload (the bytes after the header, exactly `payload size` of them).
    /// `None` when it is shorter than a command. Never fails otherwise: see [`Trailer`].
    pub fn parse(payload: &'a [u8]) -> Option<Control<'a>> {
        let (cmd, mut rest) = payload.split_first_chunk::<COMMAND_LEN>()?;
        let mut tags = Vec::new();
        let trailer = loop {
            if rest.is_empty() {
                break Trailer::None;
            }
            let Some((hdr, after)) = rest.split_first_chunk::<TAG_HEADER_LEN>() else {
                break Trailer::Partial(rest);
            };
            let name = [hdr[0], hdr[1]];
            let size = u16::from_be_bytes([hdr[2], hdr[3]]);
            if usize::from(size) > after.len() {
                break Trailer::Overrun { name, size, value: after };
            }
            let (value, next) = after.split_at(usize::from(size));
            tags.push(Tag::from_wire(name, value));
            rest = next;
        };
        Some(Control { command: Command(*cmd), tags, trailer })
    }
}

/// The header fields other than the ID byte and the payload size, which follow from the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: Version,
    pub vs: u16,
    pub reserved: u8,
}

impl Header {
    /// A header with the suite's version and a zero reserved byte.
    pub fn new(vs: u16) -> Self {
        Header { version: Version::V1_0, vs, reserved: 0 }
    }
}

/// A frame's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// Application bytes on a virtual socket other than 0 and 1.
    Data(&'a [u8]),
    /// A control frame (virtual socket 0 or 1).
    Control(Control<'a>),
    /// A payload on virtual socket 0 or 1 shorter than a command (0 to 3 bytes): malformed.
    ShortControl(&'a [u8]),
}

impl Body<'_> {
    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        match self {
            Body::Data(d) | Body::ShortControl(d) => d.len(),
            Body::Control(c) => c.wire_len(),
        }
    }
}

/// One CTP frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    pub header: Header,
    pub body: Body<'a>,
}

/// Whether frames on this virtual socket are control frames (§3.2).
pub fn is_control_vs(vs: u16) -> bool {
    vs == VS_CLIENT_CONTROL || vs == VS_SERVER_CONTROL
}

impl<'a> Frame<'a> {
    /// A data frame with the suite's version.
    pub fn data(vs: u16, data: &'a [u8]) -> Self {
        Frame { header: Header::new(vs), body: Body::Data(data) }
    }

    /// A control frame with the suite's version on control socket `vs` (0 or 1).
    pub fn control(vs: u16, command: Command, tags: Vec<Tag<'a>>) -> Self {
        Frame { header: Header::new(vs), body: Body::Control(Control::new(command, tags)) }
    }

    /// The payload size field's value.
    pub fn payload_len(&self) -> usize {
        self.body.wire_len()
    }

    /// Bytes on the wire, header included.
    pub fn wire_len(&self) -> usize {
        HEADER_LEN + self.payload_len()
    }

    /// The control payload, if this is a control frame with a command.
    pub fn control_body(&self) -> Option<&Control<'a>> {
        match &self.body {
            Body::Control(c) => Some(c),
            _ => None,
        }
    }

    /// Write the frame. The payload size is the body's length; a body longer than
    /// [`MAX_PAYLOAD`] cannot be described and gets 65,535 (keep bodies within it). Whether the
    /// body kind fits the socket (control on 0 and 1, data elsewhere) is the caller's business:
    /// `parse` decides by the socket.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let h = &self.header;
        out.push(ID);
        out.push(h.version.major);
        out.push(h.version.minor);
        out.extend_from_slice(&h.vs.to_be_bytes());
        out.push(h.reserved);
        let len = u16::try_from(self.payload_len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        match &self.body {
            Body::Data(d) | Body::ShortControl(d) => out.extend_from_slice(d),
            Body::Control(c) => c.emit(out),
        }
    }

    /// The frame as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.wire_len().min(MAX_FRAME));
        self.emit(&mut v);
        v
    }
}

fn truncated(offset: usize, what: &'static str, needed: usize, input: &[u8]) -> ParseError {
    ParseError::Truncated { offset, what, needed, available: input.len().saturating_sub(offset) }
}

/// The header fields and payload size at the start of `input`.
pub fn parse_header(input: &[u8]) -> Result<(Header, usize), ParseError> {
    let id = *input.first().ok_or_else(|| truncated(0, "ID", 1, input))?;
    if id != ID {
        return Err(ParseError::BadValue { offset: 0, what: "ID", expected: "0x41", found: id as u64 });
    }
    let ver = input.get(1..3).ok_or_else(|| truncated(1, "version", 2, input))?;
    let vs = input.get(3..5).ok_or_else(|| truncated(3, "virtual socket id", 2, input))?;
    let reserved = *input.get(5).ok_or_else(|| truncated(5, "reserved", 1, input))?;
    let len = input.get(6..8).ok_or_else(|| truncated(6, "payload size", 2, input))?;
    let header =
        Header { version: Version { major: ver[0], minor: ver[1] }, vs: u16::from_be_bytes([vs[0], vs[1]]), reserved };
    Ok((header, usize::from(u16::from_be_bytes([len[0], len[1]]))))
}

/// Read one frame from the start of `input`; returns it and the bytes after it.
///
/// Fails only when the ID byte is not 0x41 or the input is shorter than the header or than
/// the payload size says; every payload is then represented (see the module documentation).
pub fn parse(input: &[u8]) -> Result<(Frame<'_>, &[u8]), ParseError> {
    let (header, len) = parse_header(input)?;
    let end = HEADER_LEN + len;
    let payload = input.get(HEADER_LEN..end).ok_or_else(|| truncated(HEADER_LEN, "payload", len, input))?;
    let rest = input.get(end..).unwrap_or(&[]);
    let body = if is_control_vs(header.vs) {
        match Control::parse(payload) {
            Some(c) => Body::Control(c),
            None => Body::ShortControl(payload),
        }
    } else {
        Body::Data(payload)
    };
    Ok((Frame { header, body }, rest))
}

/// Whether these bytes could be a command a real implementation sent: four ASCII capital
/// letters, or `ACK` followed by a space or a NUL (C1, C6).
pub fn is_plausible_command(c: [u8; 4]) -> bool {
    c.iter().all(u8::is_ascii_uppercase) || matches!(c, [b'A', b'C', b'K', b' ' | 0])
}

/// C6's strict heuristic over the first bytes of a TCP direction: the ID byte, a plausible
/// version, virtual socket 0 or 1, a zero reserved byte, room for a command, a plausible
/// command, and tags whose names are capital letters or digits and whose sizes stay within the
/// payload as far as the bytes go; when the whole frame is present and more bytes follow, they
/// must start another frame. Fewer than 12 bytes (a header and a command) are never enough.
pub fn heuristic(data: &[u8]) -> bool {
    let Ok((h, len)) = parse_header(data) else { return false };
    if !h.version.is_plausible() || !is_control_vs(h.vs) || h.reserved != 0 || len < COMMAND_LEN {
        return false;
    }
    let Some(cmd) = data.get(HEADER_LEN..HEADER_LEN + COMMAND_LEN) else { return false };
    if !is_plausible_command([cmd[0], cmd[1], cmd[2], cmd[3]]) {
        return false;
    }
    let end = HEADER_LEN + len;
    let seen = data.len().min(end);
    let mut off = HEADER_LEN + COMMAND_LEN;
    while off < seen {
        let hdr = match data.get(off..off + TAG_HEADER_LEN) {
            Some(h) if off + TAG_HEADER_LEN <= seen => h,
            // A tag header cut by the end of the bytes seen is fine; by the payload end it is not.
            _ => return seen < end,
        };
        let name_ok = hdr[..2].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !name_ok {
            return false;
        }
        off += TAG_HEADER_LEN + usize::from(u16::from_be_bytes([hdr[2], hdr[3]]));
    }
    if off > end {
        return false;
    }
    match data.get(end) {
        Some(&b) => b == ID,
        None => true,
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

/// A string value as the tree shows it: valid UTF-8 is kept, with control characters escaped;
/// anything else is escaped byte by byte.
pub fn text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => {
            let mut out = String::with_capacity(s.len());
            for ch in s.chars() {
                if ch.is_control() {
                    for byte in ch.to_string().bytes() {
                        out.push_str(&format!("\\x{byte:02x}"));
                    }
                } else {
                    out.push(ch);
                }
            }
            out
        }
        Err(_) => escape(b),
    }
}
