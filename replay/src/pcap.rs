//! Captures of driver runs: each SCTP packet a driver sent or received, wrapped in IPv4 and UDP
//! (RFC 6951, the server side on port 9899 so dissectors decode it as SCTP) and written as a
//! classic pcap file with LINKTYPE_RAW, so a run can be checked with `dissect` and tshark.

use std::io::{self, Write};
use std::time::Instant;

use crate::udp::SCTP_UDP_PORT;

/// LINKTYPE_RAW: the record starts with the IP header.
pub const LINKTYPE_RAW: u32 = 101;
/// The addresses the capture shows: client, then server.
pub const CLIENT_ADDR: [u8; 4] = [10, 0, 0, 1];
pub const SERVER_ADDR: [u8; 4] = [10, 0, 0, 2];
/// The client's UDP port in the capture.
pub const CLIENT_UDP_PORT: u16 = 50_000;

/// One recorded packet: when, whether the client sent it, the SCTP bytes.
pub type Recorded = (Instant, bool, Vec<u8>);

fn ipv4_checksum(h: &[u8]) -> u16 {
    let mut sum: u32 = h.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32).sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 datagram carrying `sctp` in UDP between the capture's client and server. `None` when
/// the packet is too large for one IPv4 datagram.
pub fn ipv4_udp(from_client: bool, sctp: &[u8], id: u16) -> Option<Vec<u8>> {
    let udp_len = u16::try_from(8 + sctp.len()).ok()?;
    let total = u16::try_from(20 + 8 + sctp.len()).ok()?;
    let (src, dst, sport, dport) = if from_client {
        (CLIENT_ADDR, SERVER_ADDR, CLIENT_UDP_PORT, SCTP_UDP_PORT)
    } else {
        (SERVER_ADDR, CLIENT_ADDR, SCTP_UDP_PORT, CLIENT_UDP_PORT)
    };
    let mut p = Vec::with_capacity(total as usize);
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&[0x40, 0, 64, 17, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    let c = ipv4_checksum(&p[..20]);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&udp_len.to_be_bytes());
    // UDP checksum 0: none (RFC 768), allowed over IPv4.
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(sctp);
    Some(p)
}

/// The frames of a recording: (seconds, nanoseconds since `start`, IPv4 bytes).
pub fn frames(start: Instant, rec: &[Recorded]) -> Vec<(u32, u32, Vec<u8>)> {
    rec.iter()
        .enumerate()
        .filter_map(|(i, (t, c, p))| {
            let d = t.saturating_duration_since(start);
            Some((d.as_secs() as u32, d.subsec_nanos(), ipv4_udp(*c, p, i as u16)?))
        })
        .collect()
}

/// Write frames as a pcap file (microsecond timestamps, LINKTYPE_RAW).
pub fn write_pcap(out: &mut impl Write, frames: &[(u32, u32, Vec<u8>)]) -> io::Result<()> {
    out.write_all(&0xa1b2c3d4u32.to_le_bytes())?;
    out.write_all(&2u16.to_le_bytes())?;
    out.write_all(&4u16.to_le_bytes())?;
    out.write_all(&[0; 8])?;
    out.write_all(&65_535u32.to_le_bytes())?;
    out.write_all(&LINKTYPE_RAW.to_le_bytes())?;
    for (s, ns, p) in frames {
        let len = p.len() as u32;
        for v in [*s, ns / 1000, len, len] {
            out.write_all(&v.to_le_bytes())?;
        }
        out.write_all(p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_header_checksum_verifies() {
        let p = ipv4_udp(true, &[0u8; 12], 7).unwrap();
        // A header with its checksum in place sums to 0xffff (RFC 1071).
        assert_eq!(ipv4_checksum(&p[..20]), 0);
        assert_eq!(&p[20..22], &CLIENT_UDP_PORT.to_be_bytes());
        assert_eq!(&p[22..24], &9899u16.to_be_bytes());
        assert_eq!(u16::from_be_bytes([p[24], p[25]]), 20);
    }
}
