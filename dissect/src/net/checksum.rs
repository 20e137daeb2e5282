//! The Internet checksum (RFC 1071) for IPv4 headers (RFC 791 §3.1), UDP (RFC 768, RFC 8200
//! §8.1) and TCP (RFC 9293 §3.1), over etherparse's 16-bit word sum.
//!
//! The dissector verifies checksums when `Config::check_checksums` is set and reports the result
//! in a `*.checksum.status` field with tshark's values. tshark 4.0 does not verify these checksums
//! by default and prints status 2 (Unverified) for them; with verification on we print 1 (Good)
//! or 0 (Bad), as tshark does with `-o ip.check_checksum:TRUE` (and the tcp/udp equivalents).
//! A bad checksum is an expert warning; the packet is dissected all the same.

use std::net::IpAddr;

use etherparse::checksum::Sum16BitWords;

/// tshark's `proto_checksum_vals`.
pub const STATUS_STRINGS: &[(u64, &str)] =
    &[(0, "Bad"), (1, "Good"), (2, "Unverified"), (3, "Not present"), (4, "Illegal")];
pub const STATUS_BAD: u64 = 0;
pub const STATUS_GOOD: u64 = 1;
pub const STATUS_UNVERIFIED: u64 = 2;
pub const STATUS_NOT_PRESENT: u64 = 3;

/// The ones' complement of the ones' complement sum of `data` (odd length padded with a zero
/// byte). Over a header that includes its checksum field, 0 means the checksum is right.
pub fn internet_checksum(data: &[u8]) -> u16 {
    be(Sum16BitWords::new().add_slice(data).ones_complement())
}

/// etherparse sums the words in native byte order; its result, written out in native order,
/// is the checksum's wire bytes. Read those as big-endian to get the field's value.
fn be(x: u16) -> u16 {
    u16::from_be_bytes(x.to_ne_bytes())
}

/// The checksum over a transport segment with its IPv4 or IPv6 pseudo-header (RFC 768;
/// RFC 9293 §3.1; RFC 8200 §8.1). `segment` includes the transport header with its checksum
/// field; the result is 0 when that field is right. `None` when the address families differ or
/// the segment is too long for the pseudo-header's length field.
pub fn pseudo_header_checksum(src: IpAddr, dst: IpAddr, proto: u8, segment: &[u8]) -> Option<u16> {
    let sum = match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let len = u16::try_from(segment.len()).ok()?;
            Sum16BitWords::new()
                .add_slice(&s.octets())
                .add_slice(&d.octets())
                .add_2bytes([0, proto])
                .add_2bytes(len.to_be_bytes())
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let len = u32::try_from(segment.len()).ok()?;
            Sum16BitWords::new()
                .add_slice(&s.octets())
                .add_slice(&d.octets())
                .add_slice(&len.to_be_bytes())
                .add_slice(&[0, 0, 0, proto])
        }
        _ => return None,
    };
    Some(be(sum.add_slice(segment).ones_complement()))
}

/// The value the checksum field should hold, given the result of a verification over the
/// segment (`residual`, non-zero when bad) and the field's value: RFC 1624 §3 arithmetic,
/// `~(~field + ~residual)`, all in ones' complement.
pub fn should_be(field: u16, residual: u16) -> u16 {
    // residual = ~(S + field) where S is the sum without the field; the right value is ~S.
    let s = ones_add(!residual, !field);
    !s
}

fn ones_add(a: u16, b: u16) -> u16 {
    let (s, c) = a.overflowing_add(b);
    s.wrapping_add(c as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, so the checksum is 220d.
        let d = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(internet_checksum(&d), 0x220d);
        let mut with = d.to_vec();
        with.extend_from_slice(&[0x22, 0x0d]);
        assert_eq!(internet_checksum(&with), 0);
    }

    #[test]
    fn ipv4_header_from_capture() {
        // nsis-ka frame 1's IPv4 header (with Router Alert), checksum 0x9786 per tshark.
        let h = [
            0x46, 0x00, 0x00, 0x7c, 0xf9, 0x1f, 0x40, 0x00, 0x40, 0x11, 0x97, 0x86, 0x0a, 0x62, 0x00, 0x01, 0x0a, 0x62,
            0x00, 0x02, 0x94, 0x04, 0x00, 0x00,
        ];
        assert_eq!(internet_checksum(&h), 0);
        let mut bad = h;
        bad[10] = 0x12;
        bad[11] = 0x34;
        let r = internet_checksum(&bad);
        assert_ne!(r, 0);
        assert_eq!(should_be(0x1234, r), 0x9786);
    }

    #[test]
    fn udp_pseudo_header_v4_and_v6() {
        // Built by etherparse, whose own checksum code fills the field.
        let b = etherparse::PacketBuilder::ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64).udp(1000, 2000);
        let mut v = Vec::new();
        b.write(&mut v, b"hello!?").unwrap();
        let seg = &v[20..];
        let src: IpAddr = [10, 0, 0, 1].into();
        let dst: IpAddr = [10, 0, 0, 2].into();
        assert_eq!(pseudo_header_checksum(src, dst, 17, seg), Some(0));
        let b6 = etherparse::PacketBuilder::ipv6([1; 16], [2; 16], 64).udp(1000, 2000);
        let mut v6 = Vec::new();
        b6.write(&mut v6, b"odd").unwrap();
        let seg6 = &v6[40..];
        assert_eq!(pseudo_header_checksum([1u8; 16].into(), [2u8; 16].into(), 17, seg6), Some(0));
        let mut bad = seg6.to_vec();
        bad[8] ^= 1;
        assert_ne!(pseudo_header_checksum([1u8; 16].into(), [2u8; 16].into(), 17, &bad), Some(0));
        assert_eq!(pseudo_header_checksum(src, [2u8; 16].into(), 17, seg6), None);
    }
}
