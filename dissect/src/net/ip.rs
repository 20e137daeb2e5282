//! IPv4 and IPv6, with fragment reassembly.
use crate::tree::FieldDef;

/// Fragment reassembly tables.
#[derive(Default)]
pub struct IpState {}

pub fn fields() -> Vec<&'static FieldDef> {
    Vec::new()
}
