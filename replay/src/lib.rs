//! The suite's reference endpoints (DESIGN.md "Reference endpoints").
//!
//! - [`sctp`]: a sans-IO SCTP association (RFC 9260) built on the wire types of
//!   `dissect::proto::sctp`, with seeded impairment hooks for tests;
//! - [`udp`]: a driver carrying it over UDP encapsulation (RFC 6951), with an echo server and a
//!   checking client;
//! - [`handle`]: an async (tokio) handle on one association over UDP;
//! - [`bench`]: throughput against usrsctp's `tsctp` on loopback;
//! - [`raw`]: the same drivers over raw IP (protocol 132, root only);
//! - [`pcap`]: captures of driver runs (IPv4/UDP/SCTP, LINKTYPE_RAW) for dissect and tshark.

pub mod bench;
pub mod handle;
pub mod pcap;
pub mod raw;
pub mod sctp;
pub mod udp;
