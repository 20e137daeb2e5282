//! DTLS (RFC 4347, RFC 6347) over UDP and SCTP (RFC 6083).
//!
//! Registered by name so the engine and `-d` know it; the dissector proper replaces this.

use crate::engine::{Ctx, SctpMessage, SctpProtocol, UdpPayload, UdpProtocol};
use crate::tree::Tvb;

/// Per-capture state.
#[derive(Debug, Default)]
pub struct DtlsState;

/// Registration on UDP (see `engine::UDP_PROTOCOLS`).
pub const UDP: UdpProtocol = UdpProtocol { name: "dtls", ports: &[], heuristic: None, dissect: raw_udp };

fn raw_udp(ctx: &mut Ctx, _p: &UdpPayload, tvb: Tvb) {
    crate::engine::data_layer(ctx, tvb)
}

/// Registration on SCTP (see `engine::SCTP_PROTOCOLS`).
pub const SCTP: SctpProtocol =
    SctpProtocol { name: "dtls", ports: &[], ppids: &[], heuristic: None, dissect: raw_sctp };

fn raw_sctp(ctx: &mut Ctx, _m: &SctpMessage, tvb: Tvb) {
    crate::engine::data_layer(ctx, tvb)
}

/// Statistics this protocol adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[];

/// Protocol forms of `--follow` this protocol adds.
pub static FOLLOW: &[crate::stats::FollowDef] = &[];

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static crate::tree::FieldDef> {
    Vec::new()
}
