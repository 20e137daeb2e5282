//! MTA-TLS (draft-badra-tls-multiplexing-01) inside TLS.
//!
//! Registered by name so the engine and `-d` know it; the dissector proper replaces this.

use crate::stream::StreamProtocol;

/// Per-connection state inside a TLS session that negotiated `data_multiplexing`.
pub fn new_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(crate::stream::RawData)
}

/// Statistics this protocol adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[];

/// Protocol forms of `--follow` this protocol adds.
pub static FOLLOW: &[crate::stats::FollowDef] = &[];

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static crate::tree::FieldDef> {
    Vec::new()
}
