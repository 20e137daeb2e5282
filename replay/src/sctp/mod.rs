//! A userland SCTP association (RFC 9260, which obsoletes RFC 4960; the section numbers are the
//! same for what is used here), sans-IO in the style of quinn-proto: the caller moves packets and
//! time, the association decides. Chunks, parameters, causes and the CRC32c come from
//! `dissect::proto::sctp`, so what is sent is exactly what the dissector reads.
//!
//! Implemented: the four-way handshake with an HMAC-SHA-256 signed State Cookie (§5.1) and a
//! stateless listener, verification tags (§8.5), multi-stream ordered and unordered delivery
//! (§6.6), fragmentation and reassembly (§6.9), SACK with gap blocks and duplicate TSNs, delayed
//! SACK (§6.2), retransmission with the RTO of §6.3 and its backoff, fast retransmit (§7.2.4),
//! slow start and congestion avoidance (§7.2), the receiver window (§6.1), HEARTBEAT (§8.3),
//! graceful SHUTDOWN (§9.2), ABORT (§9.1), ERROR causes for unrecognized chunks, invalid
//! streams and stale cookies, INIT collision during the handshake (§5.2.1, §5.2.4 B and D),
//! PR-SCTP (RFC 3758: Forward-TSN-Supported negotiation, per-message lifetime or retransmission
//! limit, abandonment, FORWARD TSN sent and received), restart of an established association by
//! its peer (§5.2.2 Tie-Tags, §5.2.4 case A), SCTP-AUTH ([`auth`], RFC 4895: HMAC-SHA-1 and
//! HMAC-SHA-256, key id 0). Not implemented: the other §5.2.4 cases after establishment (C,
//! restart with a collision), multi-homing, AUTH shared keys other than the empty key 0,
//! I-DATA, ECN.
//!
//! [`Link`] runs two associations over a simulated link with a virtual clock and a step bound;
//! [`Impairment`] damages packets by rule or from a seed.

mod assoc;
pub mod auth;
pub mod cookie;
mod impair;
mod sim;

pub use assoc::{Association, Config, Event, Message, SendError, SendOptions, State, Stats};
pub use impair::{DropRule, Impairment};
pub use sim::Link;

#[cfg(test)]
mod tests;
