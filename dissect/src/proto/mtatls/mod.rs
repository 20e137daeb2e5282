//! MTA-TLS, multiplexing channels over one TLS session (draft-badra-tls-multiplexing-01).
//!
//! - [`wire`]: the eight packet types of §2.1.1, §2.1.2 and §2.2 ([`Body`]), with an `Unknown`
//!   arm, the type code points of §2.3 ([`MsgType`]), [`parse`] (nom inside) and
//!   [`Message::emit`], which writes back exactly what `parse` read; the readings of the length
//!   field (M2, [`Reading`], [`plaintext_reading`]); addresses as text, IP or bytes (M6,
//!   [`Address`]).
//! - [`dissect()`]: the `mtatls` layer of one packet and the checks it allows alone.
//! - [`conv`]: [`MtatlsConversation`], the per-session [`StreamProtocol`](crate::stream::StreamProtocol):
//!   establishment and close pairing with `mtatls.response_to`, `mtatls.time` and (two passes)
//!   `mtatls.response_in`; channel ids (M3); both windows and max packet lengths of every
//!   channel and each M4 violation as an expert info.
//! - [`stats`]: `-z mtatls,channels`.
//!
//! Where the packets come from (M1, M5): the TLS layer hands the decrypted application stream
//! of a session whose hellos both carried `data_multiplexing` (extension type
//! `Config::mtatls_ext_type`, 0xFF4D by default, `-o mtatls.extension_type:N`) to a
//! [`MtatlsConversation`] through a [`StreamFramer`](crate::stream::StreamFramer) per direction,
//! so packets may share a record or span several, like a protocol on TCP. `-d
//! tcp.port==N,mtatls` means MTA-TLS straight on TCP, without TLS (what a capture of a test
//! endpoint or of a TLS terminator's inside shows); a TLS session on a port that is not a TLS
//! port is `-d tcp.port==N,tls`, and MTA-TLS inside it follows from the extension.
//!
//! Each packet is its own top-level `mtatls` layer, so `--follow mtatls.channel_id==0x00010002`
//! (on [`FOLLOW`]) finds every MTATLSPlaintext of a channel by its `mtatls.channel_id` and
//! prints its `mtatls.data`.
//!
//! Build and read a packet:
//! ```
//! use dissect::proto::mtatls::{parse, Body, Message, Reading};
//! let m = Message::new(Body::Plaintext { channel_id: 0x0001_0002, data: b"hello" });
//! let bytes = m.to_bytes();
//! assert_eq!(bytes, b"\x06\x00\x00\x00\x09\x00\x01\x00\x02hello");
//! assert_eq!(parse(&bytes).unwrap(), (m.clone(), &[][..]));
//! assert_eq!(m.reading(), Reading::AfterLength);
//! ```

pub mod conv;
mod dissect;
pub mod hf;
pub mod stats;
pub mod wire;

#[cfg(test)]
mod tests;

pub use conv::{new_conversation, Answer, Channel, ChannelState, MtatlsConversation, Pair, Refusal};
pub use dissect::dissect;
pub use wire::{
    channel_id, could_start, parse, parse_as, plaintext_reading, Address, Body, Message, MsgType, ParseError, Reading,
    CHANNEL_ID_LEN, MAX_ADDRESS, MAX_ERROR, PLAINTEXT_HEADER_LEN, SHORT_HEADER_LEN,
};

use crate::tree::FieldDef;

/// Every field the MTA-TLS layer can produce, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

/// MTA-TLS straight on TCP, for `-d tcp.port==N,mtatls` only: no port, no heuristic (inside TLS
/// it is found by the negotiated extension, M1).
pub const TCP: crate::engine::TcpProtocol =
    crate::engine::TcpProtocol { name: "mtatls", ports: &[], heuristic: None, new: new_conversation };

/// Statistics MTA-TLS adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[crate::stats::TapDef {
    name: "mtatls,channels",
    help: "MTA-TLS channels per connection: ids, windows, max packet lengths, bytes each way, stalls, open and \
           close, fate",
    new: stats::new_channels_tap,
}];

/// Protocol forms of `--follow` MTA-TLS adds: `--follow mtatls.channel_id==0x00010002`.
pub static FOLLOW: &[crate::stats::FollowDef] = &[crate::stats::FollowDef {
    key: "mtatls.channel_id",
    layer: "mtatls",
    data: "mtatls.data",
    conversation: "tcp.stream",
}];
