//! Generators, builders and capture writers.
//!
//! - [`pcap`]: pcap and pcapng writers.
//! - [`build`]: deterministic frame builders (Ethernet/SLL/SLL2/NULL/raw, IPv4/IPv6 with options
//!   and fragmentation, TCP conversations, UDP, SCTP and SCTP over UDP).
//! - [`corpus`]: the seeded corpus the `fuzzgen corpus` command writes.
//! - [`bench`]: the large interleaved TCP and SCTP capture the `fuzzgen bench` command streams
//!   out for the throughput benchmark.
//! - [`scenarios`]: each protocol's corpus captures, built from its `emit`.
//! - [`record`]: corpus captures of real TLS sessions with their key logs (`fuzzgen record`).
#![forbid(unsafe_code)]

pub mod bench;
pub mod build;
pub mod corpus;
pub mod pcap;
pub mod record;
pub mod rng;
pub mod scenarios;

pub use pcap::{PcapNgWriter, PcapWriter, Timestamp, WriteError};
