//! ForCES, the Forwarding and Control Element Separation protocol (RFC 5810), over its SCTP
//! TML (RFC 5811 and draft-hadi-forces-sctptml-00), with the LFB model's conventions of
//! RFC 5812 for class IDs and paths.
//!
//! - [`wire`]: the common header with every flag (§6.1), the message types (§A.1), every TLV of
//!   §7: LFBselect, the OPER-TLVs, PATH-DATA with its flags, IDs and KEYINFO selector,
//!   FULLDATA, SPARSEDATA with ILVs, RESULT with the result codes by name, REDIRECT with
//!   METADATA and REDIRECTDATA, ASResult and ASTreason; [`parse`] and [`Message::emit`], which
//!   writes back exactly what `parse` read; the strict [`heuristic`] (F1).
//! - [`dissect()`]: the `forces` layer of one message and the checks it allows alone: header
//!   length against the user message and TLV padding (F2), heartbeat ACK semantics (§7.10),
//!   the TLVs and operations each message may carry (§7 Tables 1 and 2), the path selector.
//! - [`conv`]: the TML channel of each message and its conformance (F1: HP/MP/LP by PPID 21-23
//!   or ports 6700-6702/6704-6706 with their priorities and message types, or the draft's two
//!   streams), and request/response pairing by correlator (`forces.response_to`,
//!   `forces.time`, and `forces.response_in` in a two-pass run) in [`ForcesState`].
//! - [`tap`]: `-z forces,msgs`.
//!
//! Real captures are read without a malformed frame where tshark 4.0 marks most of them (F3):
//! it multiplies TLV lengths by 4 (see [`hf`] for the field-by-field differences).
//!
//! Build and read a message:
//! ```
//! use dissect::proto::forces::{parse, Flags, Ack, Message, MessageType};
//! let hb = Message::new(MessageType::HEARTBEAT, 0x4000_0001, 0x2, 7, Flags::new(Ack::ALWAYS_ACK, 1, 1, false, 0), vec![]);
//! let bytes = hb.to_bytes();
//! assert_eq!(&bytes[..4], &[0x10, 0x0f, 0x00, 0x06]);
//! assert_eq!(parse(&bytes).unwrap(), (hb, &[][..]));
//! ```

pub mod conv;
mod dissect;
pub mod hf;
pub mod tap;
pub mod wire;

#[cfg(test)]
mod tests;

pub use conv::{channel_of, Channel, ForcesState, MAX_OUTSTANDING, PORTS, PPIDS};
pub use dissect::dissect;
pub use wire::{
    heuristic, parse, parse_header, parse_tlvs, Ack, Flags, Header, IdKind, Ilv, Ilvs, Message, MessageType,
    ParseError, Scope, Tlv, TlvBody, TlvType, Tlvs, HEADER_LEN, VERSION,
};

use crate::engine::SctpProtocol;
use crate::tree::FieldDef;

/// Registration on SCTP (see `engine::SCTP_PROTOCOLS`): ports 6700-6706, PPIDs 21-23 and the
/// strict heuristic (F1).
pub const SCTP: SctpProtocol = SctpProtocol {
    name: "forces",
    ports: PORTS,
    ppids: PPIDS,
    heuristic: Some(wire::heuristic),
    dissect: conv::dissect_sctp,
};

/// Statistics this protocol adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[tap::MSGS];

/// Protocol forms of `--follow` this protocol adds.
pub static FOLLOW: &[crate::stats::FollowDef] = &[];

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}
