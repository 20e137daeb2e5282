//! The protocol model and dissection engine shared by every tool of the suite.
//!
//! Layers, in the order data flows (see DESIGN.md):
//! [`capture`] (pcap/pcapng frames) → [`net`] (link, IP, TCP, UDP) → [`proto::sctp`] →
//! application protocols → [`tree`] (fields, spans, expert infos) → [`output`].
//! [`engine::Dissector`] runs the pipeline for one frame at a time and keeps per-flow state.
#![forbid(unsafe_code)]

pub mod capture;
pub mod engine;
pub mod fields;
pub mod filter;
pub mod net;
pub mod output;
pub mod proto;
pub mod stats;
pub mod stream;
pub mod tree;

pub use engine::{Config, Dissector};
pub use tree::{Packet, Span, Tvb};
