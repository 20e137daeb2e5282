//! SCTP: the wire model (RFC 4960 and the extensions the suite meets), the dissector layer and
//! the association state behind it.
//!
//! - [`wire`]: code points ([`ChunkType`], [`ParamType`], [`CauseCode`]), the [`CommonHeader`],
//!   [`ParseError`];
//! - [`chunk`]: [`Chunk`] with one arm per chunk type and the [`Packet`] that bundles them;
//!   [`param`]: [`Param`]; [`cause`]: [`Cause`]. Each has `parse(&[u8]) -> Result<(T, &[u8]), _>`
//!   and `emit(&self, &mut Vec<u8>)` writing exactly what `parse` reads, padding included;
//! - [`crc`]: CRC32c (and the old Adler-32) checksums and [`emit_packet`];
//! - [`dissect()`]: the tree, with tshark 4.0's field names and formats;
//! - [`assoc`] and [`reasm`]: association index, relative TSNs, retransmissions and user
//!   message reassembly, all bounded.
//!
//! Build a packet:
//! ```
//! use dissect::proto::sctp::{emit_packet, Chunk, CommonHeader, Data, Packet};
//! let header = CommonHeader { src_port: 5000, dst_port: 5000, verification_tag: 0x1234, checksum: 0 };
//! let data = Chunk::Data(Data {
//!     immediate: false, unordered: false, beginning: true, ending: true,
//!     tsn: 1, stream_id: 0, ssn: 0, ppid: 51, user_data: b"hello",
//! });
//! let mut bytes = Vec::new();
//! emit_packet(&header, &[data.clone()], &mut bytes);
//! assert_eq!(Packet::parse(&bytes).unwrap().chunks, vec![data]);
//! assert!(dissect::proto::sctp::crc::verify(&bytes).is_some());
//! ```

pub mod assoc;
pub mod cause;
pub mod chunk;
pub mod crc;
mod dissect;
pub mod hf;
pub mod param;
pub mod reasm;
pub mod wire;

pub use cause::Cause;
pub use chunk::{
    data_flags, parse_chunks, parse_chunks_lax, Asconf, Auth, Chunk, Data, ForwardTsnStream, GapBlock, IData,
    IForwardTsnStream, Init, Packet, Sack,
};
pub use crc::{emit_packet, ChecksumKind};
pub use dissect::dissect;
pub use param::{Address, Param};
pub use wire::{ppid, CauseCode, ChunkType, CommonHeader, ParamType, ParseError, UnrecognizedAction};

use crate::tree::FieldDef;

/// Per-capture SCTP state: associations, half-associations and partial user messages.
#[derive(Default)]
pub struct SctpState {
    pub(crate) assoc: assoc::AssocTable,
    pub(crate) halves: assoc::Halves,
    pub(crate) reasm: reasm::Reassembly,
    /// The index tshark shows for a packet with no chunks (it keeps the previous packet's).
    pub(crate) last_assoc_index: u16,
}

/// Every field the SCTP layer can produce, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

#[cfg(test)]
mod tests;
