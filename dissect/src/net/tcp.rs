//! TCP, with per-direction stream reassembly.
use crate::tree::FieldDef;

/// Connections and their reassembly buffers.
#[derive(Default)]
pub struct TcpState {}

pub fn fields() -> Vec<&'static FieldDef> {
    Vec::new()
}
