//! Generators, builders and capture writers.
//!
//! - [`pcap`]: pcap and pcapng writers.
//! - [`build`]: deterministic frame builders (Ethernet/SLL/NULL, IPv4/IPv6 with options and
//!   fragmentation, TCP conversations, UDP, SCTP and SCTP over UDP).
//! - [`corpus`]: the seeded corpus the `fuzzgen corpus` command writes.
#![forbid(unsafe_code)]

pub mod build;
pub mod corpus;
pub mod pcap;
pub mod rng;

pub use pcap::{PcapNgWriter, PcapWriter, Timestamp, WriteError};
