//! CTP, the Cloud Tunneling Protocol (draft-honeywell-ctp-04): frames that multiplex virtual
//! sockets over one TCP (or TLS) connection.
//!
//! - [`wire`]: the frame header (§3.1), data and control frames (§3.2), [`Command`]s and
//!   [`Tag`]s (§3.3), [`Status`] codes (§3.4); [`parse`] and [`Frame::emit`], which writes back
//!   exactly what `parse` read; the strict [`heuristic`] (C6).
//! - [`dissect()`]: the `ctp` layer of one frame and the checks it allows alone (C1 ACK padding,
//!   C2 status size, C3 TK/TR, C9 tags past the payload, tags against commands).
//! - [`conv`]: [`CtpConversation`], the per-connection [`StreamProtocol`](crate::stream::StreamProtocol):
//!   roles, command/ACK pairing with `ctp.response_to` and `ctp.time` (C7), the virtual socket
//!   table (C8) and the summary column.
//! - [`stats`]: `-z ctp,vs`, the virtual sockets of each connection, read from the tree.
//!
//! The decisions of SPEC-NOTES.md on the draft's gaps: C1 `ACK ` sent, any fourth byte
//! accepted; C2 a 1-byte status sent, 1 or 2 accepted; C3 `TK` is the token, `TR` in AUTH a
//! token with a warning, `TR` in ACK a stack trace; C4 0x60 is SERVICE_NOT_SUPPORTED (§3.3's
//! PROTOCOL_NOT_SUPPORTED is the same code); C5 ALPN [`ALPN`] (and [`ALPN_DRAFT_BYTES`],
//! noted), told apart by [`alpn_id`], is for the TLS layer, which hands its decrypted stream to
//! a [`CtpConversation`]; C6 no port: the heuristic or `-d tcp.port==N,ctp`; C7, C8 in
//! [`conv`]; C9 overruns are kept in [`Trailer::Overrun`] and marked malformed.
//!
//! `ctp.response_in` (in a command, naming its ACK's frame) needs a second pass over the
//! capture: the ACK leaves a note for its command's frame and layer
//! ([`crate::engine::note_later`]), which `dissect -2` adds to that layer.
//!
//! Build and read a frame:
//! ```
//! use dissect::proto::ctp::{parse, Command, Frame, Tag};
//! let f = Frame::control(0, Command::OPVS, vec![Tag::Service(b"db"), Tag::VirtualSocket(2)]);
//! let bytes = f.to_bytes();
//! assert_eq!(&bytes[..12], b"A\x01\x00\x00\x00\x00\x00\x10OPVS");
//! assert_eq!(parse(&bytes).unwrap(), (f, &[][..]));
//! ```

pub mod conv;
mod dissect;
pub mod hf;
pub mod stats;
pub mod wire;

#[cfg(test)]
mod tests;

pub use conv::{new_conversation, CtpConversation, Pair, Role, VirtualSocket, VsState};
pub use dissect::dissect;
pub use wire::{
    alpn_id, heuristic, is_control_vs, parse, parse_header, tag_name, AlpnId, Body, Command, Control, Frame, Header,
    ParseError, Status, Tag, Trailer, Version, ALPN, ALPN_DRAFT_BYTES, HEADER_LEN, ID, MAX_FRAME, MAX_PAYLOAD,
};

use crate::tree::FieldDef;

/// Every field the CTP layer can produce, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

/// Statistics CTP adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[crate::stats::TapDef {
    name: "ctp,vs",
    help: "CTP virtual sockets per connection: service, opener, frames and bytes each way, open and close",
    new: stats::new_vs_tap,
}];

/// Protocol forms of `--follow` this protocol adds: `--follow ctp.vs==N` prints virtual socket
/// N's data both ways, per connection (each CTP frame is its own top-level `ctp` layer).
pub static FOLLOW: &[crate::stats::FollowDef] =
    &[crate::stats::FollowDef { key: "ctp.vs", layer: "ctp", data: "ctp.data", conversation: "tcp.stream" }];
