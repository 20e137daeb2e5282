//! SCTP (RFC 4960 and extensions).
use crate::engine::Ctx;
use crate::tree::{FieldDef, Tvb};

/// Associations and their reassembly state.
#[derive(Default)]
pub struct SctpState {}

/// Dissect an SCTP packet (common header and chunks), from IP protocol 132 or UDP encapsulation.
pub fn dissect(ctx: &mut Ctx, tvb: Tvb) {
    let _ = (ctx, tvb);
}

pub fn fields() -> Vec<&'static FieldDef> {
    Vec::new()
}
