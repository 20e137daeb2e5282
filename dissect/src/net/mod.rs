//! Link, network and transport layers: Ethernet (802.1Q, QinQ), Linux cooked SLL/SLL2,
//! NULL/Loopback, raw IP; IPv4 (options, Router Alert) and IPv6 (extension headers) with fragment
//! reassembly; TCP with stream reassembly; UDP. Checksums are verified and reported.

pub mod checksum;
pub mod frag;
pub mod icmp;
pub mod ip;
pub mod link;
pub mod reasm;
pub mod tcp;
pub mod udp;

#[cfg(test)]
mod tests;
