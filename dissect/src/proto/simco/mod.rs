//! SIMCO, the Simple Middlebox Configuration protocol version 3.0 (RFC 4540), over TCP port
//! 7626 (§3) and over SCTP (draft-kiesel-midcom-simco-sctp-00).
//!
//! - [`wire`]: the header (§4.2), message types by name (§4.2.1-§4.2.4, §5), attributes with
//!   their sub-fields (§4.3: version, authentication, capabilities bits, address tuple variants,
//!   PRR and PER parameter sets; unknown types kept); [`parse`] and [`Message::emit`], which
//!   writes back exactly what `parse` read.
//! - `dissect`: the `simco` layer of one message and the checks it allows alone: each message's
//!   required attributes (§5, §6 step 5), attribute lengths and values, restricted sub-types.
//! - [`conv`]: sessions per SCTP association or TCP connection: request/reply pairing by TID
//!   with `simco.response_to`, `simco.time` and (in `-2` runs) `simco.response_in` (S6), the
//!   stream rules (S5), what each message does to a policy rule.
//! - [`tap`]: `-z simco,rules`.
//!
//! The decisions of SPEC-NOTES.md: S1 attributes are not padded, a length past the message is
//! malformed; S2 the status request is PRS (the draft's "PS"); S3 §6's "policy rule deletion
//! (0x15)" is PRD, 0x16, and PLC (0x15) is a valid request; S4 recognised by TCP or SCTP port
//! [`PORT`] or PPID [`PPID`] (and `-d`); S5 the stream rules, flagged per association; S6 the
//! length excludes the header, replies pair with requests by TID per session, an unpaired reply
//! and a request never answered are flagged; S7 BFM (0x0401) and ARE (0x0403) are notifications.
//!
//! Build and read a message:
//! ```
//! use dissect::proto::simco::{parse, sub, Attribute, Message, MsgType};
//! let m = Message::new(MsgType::request(sub::PRS), 7, vec![Attribute::Pid(42)]);
//! let bytes = m.to_bytes();
//! assert_eq!(bytes, [0x01, 0x21, 0, 8, 0, 0, 0, 7, 0, 5, 0, 4, 0, 0, 0, 42]);
//! assert_eq!(parse(&bytes).unwrap(), (m, &[][..]));
//! ```

pub mod conv;
mod dissect;
pub mod hf;
pub mod tap;
pub mod wire;

#[cfg(test)]
mod tests;

pub use conv::{new_conversation, reply_matches, Session, SessionKey, SimcoState, SimcoStream};
pub use dissect::{structure, tuple_roles, Slot};
pub use wire::{
    parse, parse_attributes, parse_header, sub, AddressTuple, AttrType, Attribute, BasicType, Capabilities, Message,
    MsgType, ParseError, PerParams, PrrParams, Trailer, TupleAddr, ATTR_HEADER_LEN, HEADER_LEN, PORT, PPID,
};

use crate::engine::{Ctx, SctpMessage, SctpProtocol, TcpProtocol};
use crate::tree::{FieldDef, Tvb};

/// Registration on TCP (see `engine::TCP_PROTOCOLS`): port 7626 (§3, S4), or `-d`.
pub const TCP: TcpProtocol = TcpProtocol { name: "simco", ports: &[PORT], heuristic: None, new: new_conversation };

/// The SCTP layer saw an INIT or INIT ACK carrying these stream counts (outbound, maximum
/// inbound). For an association that SIMCO's port (S4) or a `-d sctp.port==N,simco` rule marks
/// as SIMCO, they give the N of S5; other associations are left alone, so SIMCO's table only
/// holds SIMCO associations. (An association found by PPID alone on another port has no N.)
pub fn note_init_streams(ctx: &mut Ctx, assoc: u32, sport: u16, dport: u16, out: u16, inb: u16) {
    let by_port = SCTP.ports.contains(&sport) || SCTP.ports.contains(&dport);
    let by_rule = ctx.cfg.decode_as.iter().any(|r| {
        r.protocol == "simco"
            && r.selector == "sctp.port"
            && (r.value == u32::from(sport) || r.value == u32::from(dport))
    });
    if by_port || by_rule {
        ctx.st.simco.note_streams(assoc, out, inb);
    }
}

/// Registration on SCTP (see `engine::SCTP_PROTOCOLS`): PPID 15 or port 7626 (S4), or `-d`.
pub const SCTP: SctpProtocol =
    SctpProtocol { name: "simco", ports: &[PORT], ppids: &[PPID], heuristic: None, dissect: dissect_sctp };

fn dissect_sctp(ctx: &mut Ctx, m: &SctpMessage, tvb: Tvb) {
    conv::dissect_sctp(ctx, m, tvb)
}

/// Statistics this protocol adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = tap::TAPS;

/// Protocol forms of `--follow` this protocol adds.
pub static FOLLOW: &[crate::stats::FollowDef] = &[];

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}
