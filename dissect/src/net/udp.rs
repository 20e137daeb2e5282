//! UDP.
use crate::tree::FieldDef;

#[derive(Default)]
pub struct UdpState {}

pub fn fields() -> Vec<&'static FieldDef> {
    Vec::new()
}
