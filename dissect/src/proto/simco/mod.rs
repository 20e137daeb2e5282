//! SIMCO v3 (RFC 4540) over SCTP and TCP.
//!
//! Registered by name so the engine and `-d` know it; the dissector proper replaces this.

use crate::engine::{Ctx, SctpMessage, SctpProtocol, TcpProtocol};
use crate::stream::StreamProtocol;
use crate::tree::Tvb;

/// Per-capture state.
#[derive(Debug, Default)]
pub struct SimcoState;

/// Registration on TCP (see `engine::TCP_PROTOCOLS`).
pub const TCP: TcpProtocol = TcpProtocol { name: "simco", ports: &[], heuristic: None, new: raw };

fn raw() -> Box<dyn StreamProtocol + Send> {
    Box::new(crate::stream::RawData)
}

/// Registration on SCTP (see `engine::SCTP_PROTOCOLS`).
pub const SCTP: SctpProtocol =
    SctpProtocol { name: "simco", ports: &[], ppids: &[], heuristic: None, dissect: raw_sctp };

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
