//! GIST, the General Internet Signalling Transport (RFC 5971), in D-mode over UDP and in C-mode
//! over TCP, TLS (RFC 5971 §5.7), SCTP and DTLS (RFC 6084).
//!
//! - [`wire`]: the common header (A.1), every object of Appendix A.3 and the Error object with its
//!   Additional Information fields (A.4), with [`parse`], [`parse_dmode`], [`parse_lax`] and
//!   `emit` writing back exactly what was read; the catalogue of error classes, codes and
//!   subcodes by name (A.4.3, A.4.4); the strict heuristics of G1 and G2.
//! - [`dissect_message`]: one message into the `gist` layer, from any transport: the entry the
//!   UDP, TCP, SCTP, TLS and DTLS layers call. The checks of G4 (the R-, E- and C-flags against
//!   the message type, AB=11, the MRI's flag-field constraints) and the other per-message errors
//!   of the catalogue are expert warnings naming the error a node returns.
//! - [`conv`]: Query/Response, Response/Confirm and MA-Hello pairing (`gist.response_to`,
//!   `gist.time`, `gist.response_in` with `-2`); G3: a Response's Stack-Proposal and
//!   Stack-Configuration-Data announce the C-mode association (the responder's NLI interface
//!   address, the port of the TCP or SCTP entry of each profile), which is registered with
//!   [`crate::engine::expect`]: `gist` on TCP or SCTP, `tls` on TCP (whose decrypted stream then
//!   goes to GIST, see [`announced_over_tls`]), `dtls` on SCTP.
//! - [`tap`]: `-z gist,sessions`.
//!
//! Decisions of SPEC-NOTES.md: G1 UDP port 270 plus the magic number, or the magic alone on any
//! port ([`heuristic_dmode`]); a datagram on port 270 without it is data. G2 C-mode TCP and TLS
//! framed by the header's length ([`GistStream`]); one message per SCTP user message or DTLS
//! record; SCTP by the announced port, `-d`, or [`heuristic_cmode`]. G3 MA-protocol-options by
//! protocol ID ([`MaOptions::decoded`]). G4 in [`dissect_message`]. The IP Router Alert option
//! of Q-mode Queries (G1) is shown by the IP layer (`ip.opt.ra`, `ipv6.opt.router_alert`).
//!
//! Build and read a message:
//! ```
//! use dissect::proto::gist::{parse_dmode, Message, MsgType, Object, ObjectType, ObjectValue};
//! let m = Message::new(42, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(7))]);
//! let mut b = Vec::new();
//! m.emit_dmode(&mut b);
//! assert_eq!(&b[..4], &[0x4e, 0x04, 0xbd, 0xa5]);
//! let (back, rest) = parse_dmode(&b).unwrap();
//! assert_eq!(back.objects, m.objects);
//! assert!(rest.is_empty());
//! ```

pub mod conv;
mod dissect;
pub mod hf;
pub mod tap;
pub mod wire;

#[cfg(test)]
mod tests;

pub use conv::{
    announced_over_tls, dissect_message, new_tcp_conversation, new_tls_conversation, GistState, GistStream,
};
pub use dissect::{announced, mode, short_proto, Transport};
pub use wire::{
    heuristic_cmode, heuristic_dmode, pad_len, parse, parse_dmode, parse_lax, plausible_header, zero_pad, Ab,
    AdditionalInfo, AiType, AiValue, EmbeddedMri, ErrorClass, ErrorCode, ErrorObject, Header, Lax, LooseEnd, MaOptions,
    MaOptionsData, MaProtocolId, Message, Mri, MriMethod, Mrm, MsgType, NatTraversal, Nli, Object, ObjectType,
    ObjectValue, Opaque, ParseError, PathCoupled, Profile, Scd, StackProposal, HEADER_LEN, MAGIC, OBJECT_HEADER_LEN,
    UDP_PORT, VERSION,
};

use crate::engine::{SctpProtocol, TcpProtocol, UdpProtocol};

/// C-mode over TCP (G2): no port of its own, recognised through a Response's announcement (G3)
/// or `-d tcp.port==N,gist`.
pub const TCP: TcpProtocol = TcpProtocol { name: "gist", ports: &[], heuristic: None, new: new_tcp_conversation };

/// D-mode over UDP (G1): port 270, or the magic number on any port.
pub const UDP: UdpProtocol =
    UdpProtocol { name: "gist", ports: &[UDP_PORT], heuristic: Some(heuristic_dmode), dissect: conv::dissect_udp };

/// C-mode over SCTP (G2): no PPID; the announced port (G3), `-d`, or the strict heuristic.
pub const SCTP: SctpProtocol = SctpProtocol {
    name: "gist",
    ports: &[],
    ppids: &[],
    heuristic: Some(heuristic_cmode),
    dissect: conv::dissect_sctp,
};

/// Statistics this protocol adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[tap::SESSIONS];

/// Protocol forms of `--follow` this protocol adds.
pub static FOLLOW: &[crate::stats::FollowDef] = &[];

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static crate::tree::FieldDef> {
    hf::ALL.to_vec()
}
