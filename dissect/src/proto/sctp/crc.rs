//! The packet checksum: CRC32c (RFC 4960 §6.8 and Appendix B), with Adler-32 (RFC 2960 §6.8,
//! which RFC 3309 replaced) still recognised on old captures.
//!
//! Both are computed over the whole packet with the checksum field taken as zero. The CRC32c
//! is transmitted least significant byte first (Appendix B), so the big-endian reading of the
//! field that the common header holds is the byte-swapped CRC; Adler-32 is big-endian.

use super::chunk::Chunk;
use super::wire::CommonHeader;

/// Which algorithm a packet's checksum matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumKind {
    Crc32c,
    Adler32,
}

/// The value the checksum field must hold (as read big-endian) for CRC32c: the CRC of the packet
/// with the field zeroed, byte-swapped. Packets shorter than the common header give 0.
pub fn crc32c_field(packet: &[u8]) -> u32 {
    if packet.len() < CommonHeader::LEN {
        return 0;
    }
    let c = crc32c::crc32c(&packet[..8]);
    let c = crc32c::crc32c_append(c, &[0; 4]);
    let c = crc32c::crc32c_append(c, &packet[CommonHeader::LEN..]);
    c.swap_bytes()
}

/// The value the checksum field must hold for Adler-32 (RFC 2960 Appendix B).
pub fn adler32_field(packet: &[u8]) -> u32 {
    if packet.len() < CommonHeader::LEN {
        return 0;
    }
    let mut a = adler2::Adler32::new();
    a.write_slice(&packet[..8]);
    a.write_slice(&[0; 4]);
    a.write_slice(&packet[CommonHeader::LEN..]);
    a.checksum()
}

/// Which checksum the packet carries correctly, trying CRC32c first; `None` when neither matches.
pub fn verify(packet: &[u8]) -> Option<ChecksumKind> {
    let field = super::wire::get_u32(packet, 8)?;
    if field == crc32c_field(packet) {
        Some(ChecksumKind::Crc32c)
    } else if field == adler32_field(packet) {
        Some(ChecksumKind::Adler32)
    } else {
        None
    }
}

/// Write the correct CRC32c into a packet's checksum field (no-op on a packet too short).
pub fn set_checksum(packet: &mut [u8]) {
    let v = crc32c_field(packet);
    if let Some(f) = packet.get_mut(8..12) {
        f.copy_from_slice(&v.to_be_bytes());
    }
}

/// Build a whole packet: the common header (its `checksum` ignored), the chunks with their
/// padding, and the CRC32c over all of it.
pub fn emit_packet(header: &CommonHeader, chunks: &[Chunk<'_>], out: &mut Vec<u8>) {
    let start = out.len();
    CommonHeader { checksum: 0, ..*header }.emit(out);
    for c in chunks {
        c.emit(out);
    }
    set_checksum(&mut out[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::sctp::chunk::{Data, Packet};

    #[test]
    fn crc32c_of_a_real_packet() {
        // sctp_data.bin of the aiortc captures: tshark 4.0 with sctp.checksum:CRC 32c shows
        // "Checksum (CRC32C): 0x3f30fe9c [correct]".
        let b = [
            0x13, 0x88, 0x13, 0x88, 0x0f, 0xc0, 0xf8, 0xa1, 0x3f, 0x30, 0xfe, 0x9c, 0x00, 0x03, 0x00, 0x14, 0x9a, 0x0f,
            0x13, 0xfd, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x33, 0x70, 0x69, 0x6e, 0x67,
        ];
        assert_eq!(crc32c_field(&b), 0x3f30fe9c);
        assert_eq!(verify(&b), Some(ChecksumKind::Crc32c));
        let mut bad = b;
        bad[31] ^= 1;
        assert_eq!(verify(&bad), None);
        // The same bytes with an Adler-32 checksum.
        let mut adl = b;
        adl[8..12].copy_from_slice(&adler32_field(&b).to_be_bytes());
        assert_eq!(verify(&adl), Some(ChecksumKind::Adler32));
        // emit_packet rebuilds it byte for byte.
        let p = Packet::parse(&b).unwrap();
        let mut out = vec![0xa5; 7];
        emit_packet(&p.header, &p.chunks, &mut out);
        assert_eq!(&out[7..], &b[..]);
        assert!(matches!(&p.chunks[0], crate::proto::sctp::Chunk::Data(Data { user_data: b"ping", .. })));
    }

    #[test]
    fn short_packets_do_not_panic() {
        assert_eq!(verify(&[0; 5]), None);
        let mut s = [0u8; 3];
        set_checksum(&mut s);
        assert_eq!(crc32c_field(&[]), 0);
    }
}
