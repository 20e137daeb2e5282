//! MTA-TLS packets on the wire (draft-badra-tls-multiplexing-01 §2.1.1, §2.1.2, §2.2, §2.3),
//! with `parse` (nom inside) and `emit`.
//!
//! Every packet starts with a type byte and a length: 4 bytes for MTATLSPlaintext, 2 bytes for
//! every other type (M2). The bodies, in the draft's presentation language (RFC 5246 §4):
//! ```text
//! ChannelEstablishmentRequest (1), §2.1.1     ChannelEstablishmentSuccess (2), §2.1.1
//! +------+--------+--------+                  +------+--------+--------+--------+
//! | type | length (2)      |                  | type | length (2)      |
//! +------+--------+--------+                  +------+--------+--------+--------+
//! | sender_channel_id (2)  |                  | sender_channel_id (2)  | receiver_channel_id (2)
//! | sender_window_length (4)                  | receiver_window_length (4)
//! | sender_max_packet_length (4)              | receiver_max_packet_length (4)
//! | source_address_machine<1..2^16-1>         +------------------------------------
//! | source_port (2)        |
//! | destination_address_machine<1..2^16-1>    ChannelRequestEchec (3), §2.1.1
//! | destination_port (2)   |                  | type | length (2) | sender_channel_id (2)
//! +------------------------+                  | error<0..2^16-6>
//!
//! ChannelCloseRequest (4), ChannelCloseConfirmation (5), §2.1.2
//! | type | length (2) | channel_id (4) |
//!
//! MTATLSPlaintext (6), §2.2                   NewMaxPacketLength (7), Acknowledgment (8), §2.2
//! | type | length (4) | channel_id (4) |      | type | length (2) | channel_id (4) |
//! | data ...                                  | max_packet_length (4) / free_space (4) |
//! ```
//! Vectors (`<a..b>`) carry a 2-byte length before their bytes (RFC 5246 §4.3; M6).
//!
//! M2: the suite sends `length` = the octets after the length field. [`parse`] also reads the
//! whole-packet reading (the length counts the type and length bytes too), and, for
//! MTATLSPlaintext, the data-only reading (`data[MTATLSPlaintext.length]`); [`Message::reading`]
//! says which one the length matched. Every type but MTATLSPlaintext is self-delimiting (fixed
//! sizes and vectors with their own lengths), so its reading is whatever the length field
//! agrees with; an MTATLSPlaintext's end depends on the reading, which [`parse`] takes from the
//! byte count ([`plaintext_reading`]) and [`parse_as`] from the caller.
//!
//! Parsing is strict about the bytes (a packet shorter than its structure or its length is an
//! error carrying the offset and what was missing) and lax about the values: a length that no
//! reading explains, bytes the length covers past the structure, an empty address, an error text
//! too long for its vector or an unknown type are kept in the model so that [`Message::emit`]
//! writes back exactly what was read and the dissector can say what is wrong.

use std::fmt;

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u32, be_u8};
use nom::{IResult, Parser};

/// Bytes of the type and the 2-byte length that start every packet but MTATLSPlaintext.
pub const SHORT_HEADER_LEN: usize = 3;
/// Bytes of the type and the 4-byte length that start an MTATLSPlaintext (§2.2).
pub const PLAINTEXT_HEADER_LEN: usize = 5;
/// Bytes of a channel id (§2.1.1: sender half ‖ receiver half).
pub const CHANNEL_ID_LEN: usize = 4;
/// Largest error text `error<0..2^16-6>` allows (§2.1.1).
pub const MAX_ERROR: usize = 65_530;
/// Largest address `opaque <1..2^16-1>` allows (§2.1.1).
pub const MAX_ADDRESS: usize = 65_535;

/// A packet type (§2.3). Unknown values are kept and shown by number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgType(pub u8);

impl MsgType {
    pub const CHANNEL_ESTABLISHMENT_REQUEST: MsgType = MsgType(1);
    pub const CHANNEL_ESTABLISHMENT_SUCCESS: MsgType = MsgType(2);
    pub const CHANNEL_REQUEST_ECHEC: MsgType = MsgType(3);
    pub const CHANNEL_CLOSE_REQUEST: MsgType = MsgType(4);
    pub const CHANNEL_CLOSE_CONFIRMATION: MsgType = MsgType(5);
    pub const MTATLS_PLAINTEXT: MsgType = MsgType(6);
    pub const NEW_MAX_PACKET_LENGTH: MsgType = MsgType(7);
    pub const ACKNOWLEDGMENT: MsgType = MsgType(8);

    /// The §2.3 name, if the value has one.
    pub fn name(self) -> Option<&'static str> {
        TYPE_NAMES.iter().find(|(v, _)| *v == self.0 as u64).map(|(_, n)| *n)
    }

    /// Whether the draft defines this type (1 to 8, §2.3).
    pub fn is_known(self) -> bool {
        self.name().is_some()
    }

    /// Bytes before the body: 5 for MTATLSPlaintext (4-byte length), 3 for the others (M2).
    pub fn header_len(self) -> usize {
        if self == MsgType::MTATLS_PLAINTEXT {
            PLAINTEXT_HEADER_LEN
        } else {
            SHORT_HEADER_LEN
        }
    }
}

impl fmt::Debug for MsgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "MsgType::{n}"),
            None => write!(f, "MsgType({})", self.0),
        }
    }
}

/// Packet types and their names (§2.3), as value strings.
pub static TYPE_NAMES: &[(u64, &str)] = &[
    (1, "ChannelEstablishmentRequest"),
    (2, "ChannelEstablishmentSuccess"),
    (3, "ChannelRequestEchec"),
    (4, "ChannelCloseRequest"),
    (5, "ChannelCloseConfirmation"),
    (6, "MTATLSPlaintext"),
    (7, "NewMaxPacketLength"),
    (8, "Acknowledgment"),
];

/// Which reading of the length field a packet's length matched (M2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reading {
    /// The octets after the length field: what the suite sends (M2).
    AfterLength,
    /// The whole packet, type and length bytes included (§2.1.1: "the length of the current
    /// MTA-TLS packet").
    WholePacket,
    /// MTATLSPlaintext only: the data alone (§2.2: `data[MTATLSPlaintext.length]`).
    DataOnly,
    /// No reading: the length is smaller than the packet's own structure, which decides where
    /// the packet ends.
    Mismatch,
}

impl Reading {
    /// How the dissector names the reading.
    pub fn description(self) -> &'static str {
        match self {
            Reading::AfterLength => "octets after the length field",
            Reading::WholePacket => "whole packet",
            Reading::DataOnly => "data only",
            Reading::Mismatch => "none: shorter than the packet's fields",
        }
    }
}

/// Why a packet could not be read. Offsets count from the start of the slice given to [`parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than a field, a vector or the declared length needs.
    #[error("{what} at byte {offset}: needs {needed} bytes, {available} left")]
    Truncated { offset: usize, what: &'static str, needed: usize, available: usize },
    /// The caller asked for a reading the packet's length cannot have (see [`parse_as`]).
    #[error("{what} at byte {offset}: length {found} cannot be read as {expected}")]
    BadLength { offset: usize, what: &'static str, expected: &'static str, found: u64 },
}

impl ParseError {
    /// The byte offset the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Truncated { offset, .. } | ParseError::BadLength { offset, .. } => *offset,
        }
    }
}

/// A packet's body, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// §2.1.1: open a channel.
    EstablishmentRequest {
        sender_channel_id: u16,
        /// `sender_window_length`: what the receiver of this packet may send on the channel.
        window: u32,
        /// `sender_max_packet_length`: the largest packet the receiver of this packet may send.
        max_packet_length: u32,
        src_addr: &'a [u8],
        src_port: u16,
        dst_addr: &'a [u8],
        dst_port: u16,
    },
    /// §2.1.1: the channel is open.
    EstablishmentSuccess {
        sender_channel_id: u16,
        receiver_channel_id: u16,
        /// `receiver_window_length`.
        window: u32,
        /// `receiver_max_packet_length`.
        max_packet_length: u32,
    },
    /// §2.1.1: the channel was refused, with an error text.
    RequestEchec { sender_channel_id: u16, error: &'a [u8] },
    /// §2.1.2.
    CloseRequest { channel_id: u32 },
    /// §2.1.2.
    CloseConfirmation { channel_id: u32 },
    /// §2.2: application data on a channel.
    Plaintext { channel_id: u32, data: &'a [u8] },
    /// §2.2: the sender's new `max_packet_length`.
    NewMaxPacketLength { channel_id: u32, max_packet_length: u32 },
    /// §2.2: the free space of the sender's receive buffer.
    Acknowledgment { channel_id: u32, free_space: u32 },
    /// A type §2.3 does not define, with a 2-byte length like every type but 6; the body is
    /// whatever the length covers after the length field.
    Unknown { ty: MsgType, body: &'a [u8] },
}

impl Body<'_> {
    /// The packet type.
    pub fn ty(&self) -> MsgType {
        match self {
            Body::EstablishmentRequest { .. } => MsgType::CHANNEL_ESTABLISHMENT_REQUEST,
            Body::EstablishmentSuccess { .. } => MsgType::CHANNEL_ESTABLISHMENT_SUCCESS,
            Body::RequestEchec { .. } => MsgType::CHANNEL_REQUEST_ECHEC,
            Body::CloseRequest { .. } => MsgType::CHANNEL_CLOSE_REQUEST,
            Body::CloseConfirmation { .. } => MsgType::CHANNEL_CLOSE_CONFIRMATION,
            Body::Plaintext { .. } => MsgType::MTATLS_PLAINTEXT,
            Body::NewMaxPacketLength { .. } => MsgType::NEW_MAX_PACKET_LENGTH,
            Body::Acknowledgment { .. } => MsgType::ACKNOWLEDGMENT,
            Body::Unknown { ty, .. } => *ty,
        }
    }

    /// Bytes of the body on the wire (after the type and length).
    pub fn wire_len(&self) -> usize {
        match self {
            Body::EstablishmentRequest { src_addr, dst_addr, .. } => {
                2 + 4 + 4 + 2 + src_addr.len() + 2 + 2 + dst_addr.len() + 2
            }
            Body::EstablishmentSuccess { .. } => 2 + 2 + 4 + 4,
            Body::RequestEchec { error, .. } => 2 + 2 + error.len(),
            Body::CloseRequest { .. } | Body::CloseConfirmation { .. } => CHANNEL_ID_LEN,
            Body::Plaintext { data, .. } => CHANNEL_ID_LEN + data.len(),
            Body::NewMaxPacketLength { .. } | Body::Acknowledgment { .. } => CHANNEL_ID_LEN + 4,
            Body::Unknown { body, .. } => body.len(),
        }
    }

    /// The 4-byte channel id the packet names (types 4 to 8), or that a Success forms
    /// (`sender_channel_id ‖ receiver_channel_id`, §2.1.1, M3).
    pub fn channel_id(&self) -> Option<u32> {
        match self {
            Body::EstablishmentSuccess { sender_channel_id, receiver_channel_id, .. } => {
                Some(channel_id(*sender_channel_id, *receiver_channel_id))
            }
            Body::CloseRequest { channel_id }
            | Body::CloseConfirmation { channel_id }
            | Body::Plaintext { channel_id, .. }
            | Body::NewMaxPacketLength { channel_id, .. }
            | Body::Acknowledgment { channel_id, .. } => Some(*channel_id),
            _ => None,
        }
    }

    fn emit(&self, out: &mut Vec<u8>) {
        let vec16 = |out: &mut Vec<u8>, v: &[u8]| {
            out.extend_from_slice(&u16::try_from(v.len()).unwrap_or(u16::MAX).to_be_bytes());
            out.extend_from_slice(v);
        };
        match self {
            Body::EstablishmentRequest {
                sender_channel_id,
                window,
                max_packet_length,
                src_addr,
                src_port,
                dst_addr,
                dst_port,
            } => {
                out.extend_from_slice(&sender_channel_id.to_be_bytes());
                out.extend_from_slice(&window.to_be_bytes());
                out.extend_from_slice(&max_packet_length.to_be_bytes());
                vec16(out, src_addr);
                out.extend_from_slice(&src_port.to_be_bytes());
                vec16(out, dst_addr);
                out.extend_from_slice(&dst_port.to_be_bytes());
            }
            Body::EstablishmentSuccess { sender_channel_id, receiver_channel_id, window, max_packet_length } => {
                out.extend_from_slice(&sender_channel_id.to_be_bytes());
                out.extend_from_slice(&receiver_channel_id.to_be_bytes());
                out.extend_from_slice(&window.to_be_bytes());
                out.extend_from_slice(&max_packet_length.to_be_bytes());
            }
            Body::RequestEchec { sender_channel_id, error } => {
                out.extend_from_slice(&sender_channel_id.to_be_bytes());
                vec16(out, error);
            }
            Body::CloseRequest { channel_id } | Body::CloseConfirmation { channel_id } => {
                out.extend_from_slice(&channel_id.to_be_bytes())
            }
            Body::Plaintext { channel_id, data } => {
                out.extend_from_slice(&channel_id.to_be_bytes());
                out.extend_from_slice(data);
            }
            Body::NewMaxPacketLength { channel_id, max_packet_length: v }
            | Body::Acknowledgment { channel_id, free_space: v } => {
                out.extend_from_slice(&channel_id.to_be_bytes());
                out.extend_from_slice(&v.to_be_bytes());
            }
            Body::Unknown { body, .. } => out.extend_from_slice(body),
        }
    }
}

/// The 4-byte channel id of two halves (§2.1.1: `sender_channel_id + receiver_channel_id`,
/// concatenated).
pub fn channel_id(sender: u16, receiver: u16) -> u32 {
    (u32::from(sender) << 16) | u32::from(receiver)
}

/// One MTA-TLS packet: the length field as read, the body, and the bytes the length covers past
/// the body's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// The length field's value (2 bytes on the wire, 4 for MTATLSPlaintext).
    pub length: u32,
    pub body: Body<'a>,
    /// Bytes after the body's fields that the length still covers (types other than 6 and
    /// unknown ones): kept and flagged.
    pub trailing: &'a [u8],
}

impl<'a> Message<'a> {
    /// A packet with the length the suite sends: the octets after the length field (M2).
    pub fn new(body: Body<'a>) -> Self {
        let length = u32::try_from(body.wire_len()).unwrap_or(u32::MAX);
        Message { length, body, trailing: &[] }
    }

    /// A packet whose length follows `reading` (for `Mismatch`, a length of 0). The data-only
    /// reading is MTATLSPlaintext's; for other types it gives the suite's length.
    pub fn with_reading(body: Body<'a>, reading: Reading) -> Self {
        let b = body.wire_len() as u64;
        let h = body.ty().header_len() as u64;
        let length = match (reading, &body) {
            (Reading::WholePacket, _) => h + b,
            (Reading::DataOnly, Body::Plaintext { data, .. }) => data.len() as u64,
            (Reading::Mismatch, _) => 0,
            _ => b,
        };
        Message { length: u32::try_from(length).unwrap_or(u32::MAX), body, trailing: &[] }
    }

    /// The packet type.
    pub fn ty(&self) -> MsgType {
        self.body.ty()
    }

    /// Bytes of the type and length fields.
    pub fn header_len(&self) -> usize {
        self.ty().header_len()
    }

    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        self.header_len() + self.body.wire_len() + self.trailing.len()
    }

    /// Which reading the length field matched (M2).
    pub fn reading(&self) -> Reading {
        let after = (self.body.wire_len() + self.trailing.len()) as u64;
        let l = u64::from(self.length);
        if l == after {
            Reading::AfterLength
        } else if l == after + self.header_len() as u64 {
            Reading::WholePacket
        } else if matches!(self.body, Body::Plaintext { data, .. } if l == data.len() as u64) {
            Reading::DataOnly
        } else {
            Reading::Mismatch
        }
    }

    /// Write the packet: type, length as stored, body, trailing bytes. A length that does not
    /// fit the 2-byte field of types other than 6 is written as 65,535.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let ty = self.ty();
        out.push(ty.0);
        if ty == MsgType::MTATLS_PLAINTEXT {
            out.extend_from_slice(&self.length.to_be_bytes());
        } else {
            out.extend_from_slice(&u16::try_from(self.length).unwrap_or(u16::MAX).to_be_bytes());
        }
        self.body.emit(out);
        out.extend_from_slice(self.trailing);
    }

    /// The packet as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.wire_len());
        self.emit(&mut v);
        v
    }
}

/// A cursor over the input that turns nom's failures into [`ParseError`]s with offsets.
struct Cur<'a> {
    total: usize,
    rest: &'a [u8],
}

type NomRes<'a, O> = IResult<&'a [u8], O, nom::error::Error<&'a [u8]>>;

impl<'a> Cur<'a> {
    fn new(input: &'a [u8]) -> Self {
        Cur { total: input.len(), rest: input }
    }
    fn offset(&self) -> usize {
        self.total - self.rest.len()
    }
    fn run<O>(
        &mut self,
        what: &'static str,
        needed: usize,
        mut p: impl FnMut(&'a [u8]) -> NomRes<'a, O>,
    ) -> Result<O, ParseError> {
        match p(self.rest) {
            Ok((rest, o)) => {
                self.rest = rest;
                Ok(o)
            }
            Err(_) => Err(ParseError::Truncated { offset: self.offset(), what, needed, available: self.rest.len() }),
        }
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        self.run(what, 1, be_u8)
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, ParseError> {
        self.run(what, 2, be_u16)
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, ParseError> {
        self.run(what, 4, be_u32)
    }
    fn bytes(&mut self, what: &'static str, n: usize) -> Result<&'a [u8], ParseError> {
        self.run(what, n, |i| take(n).parse(i))
    }
    /// A vector with a 2-byte length (RFC 5246 §4.3).
    fn vec16(&mut self, len_what: &'static str, what: &'static str) -> Result<&'a [u8], ParseError> {
        let n = usize::from(self.u16(len_what)?);
        self.bytes(what, n)
    }
}

/// How the byte count reads an MTATLSPlaintext at the start of `input` (M2). Its length field L
/// gives three possible ends: 5 + L (after the length field, the suite's reading), L (whole
/// packet) and 9 + L (data only). A reading fits when its packet ends exactly at the end of
/// `input` or is followed by the start of a packet of a known type.
///
/// - L < 4: only the data-only reading is possible.
/// - `hint` (what the connection showed earlier) is taken when L allows it.
/// - The suite's reading is taken when it fits, or when its end lies past the bytes given (the
///   packet may span records, M5: ambiguous, so the suite's reading).
/// - Otherwise another reading is taken only when it alone fits; if none or both do, the suite's.
///
/// `None` when `input` is not an MTATLSPlaintext header.
pub fn plaintext_reading(input: &[u8], hint: Option<Reading>) -> Option<Reading> {
    let (&ty, rest) = input.split_first()?;
    let len = rest.first_chunk::<4>()?;
    if MsgType(ty) != MsgType::MTATLS_PLAINTEXT {
        return None;
    }
    let l = u64::from(u32::from_be_bytes(*len));
    let h = PLAINTEXT_HEADER_LEN as u64;
    let c = CHANNEL_ID_LEN as u64;
    if l < c {
        return Some(Reading::DataOnly);
    }
    match hint {
        Some(Reading::WholePacket) if l >= h + c => return Some(Reading::WholePacket),
        Some(Reading::DataOnly) => return Some(Reading::DataOnly),
        _ => {}
    }
    let n = input.len() as u64;
    let fits = |end: u64| {
        end == n
            || (end < n && usize::try_from(end).ok().and_then(|e| input.get(e)).is_some_and(|&t| MsgType(t).is_known()))
    };
    if h + l > n || fits(h + l) {
        return Some(Reading::AfterLength);
    }
    let whole = l >= h + c && fits(l);
    let data_only = fits(h + c + l);
    Some(match (whole, data_only) {
        (true, false) => Reading::WholePacket,
        (false, true) => Reading::DataOnly,
        _ => Reading::AfterLength,
    })
}

/// Read one packet from the start of `input`; returns it and the bytes after it. An
/// MTATLSPlaintext is read as [`plaintext_reading`] says from the bytes given (no hint).
pub fn parse(input: &[u8]) -> Result<(Message<'_>, &[u8]), ParseError> {
    let reading = plaintext_reading(input, None).unwrap_or(Reading::AfterLength);
    parse_as(input, reading)
}

/// Read one packet, reading an MTATLSPlaintext's length as `plaintext` says (M2; other types
/// are self-delimiting and ignore it). Fails when the bytes are shorter than the packet, or when
/// the length cannot have that reading (less than 4 after the length field, less than 9 for the
/// whole packet; `Mismatch` is not a reading one can ask for).
pub fn parse_as(input: &[u8], plaintext: Reading) -> Result<(Message<'_>, &[u8]), ParseError> {
    let mut c = Cur::new(input);
    let ty = MsgType(c.u8("type")?);
    if ty == MsgType::MTATLS_PLAINTEXT {
        let length = c.u32("length")?;
        let l = u64::from(length);
        let (h, id) = (PLAINTEXT_HEADER_LEN as u64, CHANNEL_ID_LEN as u64);
        let data_len = match plaintext {
            Reading::AfterLength if l >= id => l - id,
            Reading::WholePacket if l >= h + id => l - h - id,
            Reading::DataOnly => l,
            _ => {
                return Err(ParseError::BadLength {
                    offset: 1,
                    what: "length",
                    expected: match plaintext {
                        Reading::AfterLength => "octets after the length field (at least 4)",
                        Reading::WholePacket => "the whole packet (at least 9)",
                        _ => "a reading",
                    },
                    found: l,
                })
            }
        };
        let channel_id = c.u32("channel_id")?;
        let n = usize::try_from(data_len).unwrap_or(usize::MAX);
        let data = c.bytes("data", n)?;
        return Ok((Message { length, body: Body::Plaintext { channel_id, data }, trailing: &[] }, c.rest));
    }
    let length = c.u16("length")?;
    let l = usize::from(length);
    let body = match ty {
        MsgType::CHANNEL_ESTABLISHMENT_REQUEST => Body::EstablishmentRequest {
            sender_channel_id: c.u16("sender_channel_id")?,
            window: c.u32("sender_window_length")?,
            max_packet_length: c.u32("sender_max_packet_length")?,
            src_addr: c.vec16("source_address_machine length", "source_address_machine")?,
            src_port: c.u16("source_port")?,
            dst_addr: c.vec16("destination_address_machine length", "destination_address_machine")?,
            dst_port: c.u16("destination_port")?,
        },
        MsgType::CHANNEL_ESTABLISHMENT_SUCCESS => Body::EstablishmentSuccess {
            sender_channel_id: c.u16("sender_channel_id")?,
            receiver_channel_id: c.u16("receiver_channel_id")?,
            window: c.u32("receiver_window_length")?,
            max_packet_length: c.u32("receiver_max_packet_length")?,
        },
        MsgType::CHANNEL_REQUEST_ECHEC => Body::RequestEchec {
            sender_channel_id: c.u16("sender_channel_id")?,
            error: c.vec16("error length", "error")?,
        },
        MsgType::CHANNEL_CLOSE_REQUEST => Body::CloseRequest { channel_id: c.u32("channel_id")? },
        MsgType::CHANNEL_CLOSE_CONFIRMATION => Body::CloseConfirmation { channel_id: c.u32("channel_id")? },
        MsgType::NEW_MAX_PACKET_LENGTH => Body::NewMaxPacketLength {
            channel_id: c.u32("channel_id")?,
            max_packet_length: c.u32("max_packet_length")?,
        },
        MsgType::ACKNOWLEDGMENT => {
            Body::Acknowledgment { channel_id: c.u32("channel_id")?, free_space: c.u32("free_space")? }
        }
        _ => Body::Unknown { ty, body: c.bytes("body", l)? },
    };
    let s = body.wire_len();
    // The length covers bytes past the structure (read after the length field, the suite's
    // reading), unless it matches the whole-packet reading exactly.
    let trailing = if l > s && l != s + SHORT_HEADER_LEN { c.bytes("bytes the length covers", l - s)? } else { &[] };
    Ok((Message { length: u32::from(length), body, trailing }, c.rest))
}

/// Whether the bytes at the start of `d` could start a packet (for resynchronising after a gap):
/// a known type, and as far as the bytes go, a length one of the readings allows for its
/// structure (fixed-size types), at most `max_plaintext` for MTATLSPlaintext.
pub fn could_start(d: &[u8], max_plaintext: u64) -> bool {
    let Some(&t) = d.first() else { return false };
    let ty = MsgType(t);
    if !ty.is_known() {
        return false;
    }
    if ty == MsgType::MTATLS_PLAINTEXT {
        return match d.get(1..5) {
            Some(l) => u64::from(u32::from_be_bytes([l[0], l[1], l[2], l[3]])) <= max_plaintext,
            None => true,
        };
    }
    let fixed = match ty {
        MsgType::CHANNEL_ESTABLISHMENT_SUCCESS => Some(12),
        MsgType::CHANNEL_CLOSE_REQUEST | MsgType::CHANNEL_CLOSE_CONFIRMATION => Some(4),
        MsgType::NEW_MAX_PACKET_LENGTH | MsgType::ACKNOWLEDGMENT => Some(8),
        _ => None,
    };
    match (fixed, d.get(1..3)) {
        (Some(s), Some(l)) => {
            let l = usize::from(u16::from_be_bytes([l[0], l[1]]));
            l == s || l == s + SHORT_HEADER_LEN
        }
        (None, Some(l)) => {
            let l = usize::from(u16::from_be_bytes([l[0], l[1]]));
            // Request: at least 2+4+4+(2+1)+2+(2+1)+2; Echec: at least 2+2.
            l >= if ty == MsgType::CHANNEL_ESTABLISHMENT_REQUEST { 20 } else { 4 }
        }
        _ => true,
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

/// How an address (`opaque <1..2^16-1>`) reads (M6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// Printable ASCII: a name or a numeric address written as text.
    Text(String),
    Ipv4([u8; 4]),
    Ipv6([u8; 16]),
    /// Anything else.
    Bytes(Vec<u8>),
}

impl Address {
    /// M6: text when printable ASCII, 4 or 16 bytes of non-text as an IP address, otherwise bytes.
    pub fn read(b: &[u8]) -> Address {
        if !b.is_empty() && b.iter().all(|c| (0x20..0x7f).contains(c)) {
            return Address::Text(String::from_utf8_lossy(b).into_owned());
        }
        if let Ok(a) = <[u8; 4]>::try_from(b) {
            return Address::Ipv4(a);
        }
        if let Ok(a) = <[u8; 16]>::try_from(b) {
            return Address::Ipv6(a);
        }
        Address::Bytes(b.to_vec())
    }

    /// The address as one line of text.
    pub fn text(&self) -> String {
        match self {
            Address::Text(s) => s.clone(),
            Address::Ipv4(a) => std::net::Ipv4Addr::from(*a).to_string(),
            Address::Ipv6(a) => std::net::Ipv6Addr::from(*a).to_string(),
            Address::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        }
    }

    /// What kind of address it is, for labels.
    pub fn kind(&self) -> &'static str {
        match self {
            Address::Text(_) => "text",
            Address::Ipv4(_) => "IPv4",
            Address::Ipv6(_) => "IPv6",
            Address::Bytes(_) => "bytes",
        }
    }
}
