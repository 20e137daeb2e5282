//! Link layers. Entry point: [`dissect`].
use crate::engine::Ctx;
use crate::tree::{FieldDef, Tvb};

/// Dissect a frame's bytes by its LINKTYPE_*.
pub fn dissect(ctx: &mut Ctx, linktype: u32, tvb: Tvb) {
    let _ = (ctx, linktype, tvb);
}

pub fn fields() -> Vec<&'static FieldDef> {
    Vec::new()
}
