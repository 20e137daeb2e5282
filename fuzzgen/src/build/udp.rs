//! UDP datagrams (RFC 768), with the checksum over the IPv4 or IPv6 pseudo-header (RFC 768,
//! RFC 8200 §8.1), wrapped into frames with [`super::frames`].

use std::net::IpAddr;

use etherparse::UdpHeader;

use super::{frames, ipproto, BuildError, Clock, Endpoint, Frame, IpOptions, Link};

/// The UDP header and payload, checksum filled in (a computed 0 is sent as 0xffff).
pub fn udp_segment(src: &Endpoint, dst: &Endpoint, payload: &[u8]) -> Result<Vec<u8>, BuildError> {
    let too_long = || BuildError::TooLong { what: "UDP payload", len: payload.len() };
    let length = u16::try_from(payload.len() + UdpHeader::LEN).map_err(|_| too_long())?;
    let mut h = UdpHeader { source_port: src.port, destination_port: dst.port, length, checksum: 0 };
    h.checksum = match (src.ip, dst.ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            h.calc_checksum_ipv4_raw(s.octets(), d.octets(), payload).map_err(|_| too_long())?
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            h.calc_checksum_ipv6_raw(s.octets(), d.octets(), payload).map_err(|_| too_long())?
        }
        _ => return Err(BuildError::MixedFamilies),
    };
    let mut out = Vec::with_capacity(UdpHeader::LEN + payload.len());
    out.extend_from_slice(&h.to_bytes());
    out.extend_from_slice(payload);
    Ok(out)
}

/// A sequence of UDP datagrams between endpoints, timestamped by a [`Clock`].
pub struct UdpFlow {
    pub link: Link,
    pub clock: Clock,
    /// Template for the IP layer; `ident` is advanced by one per datagram.
    pub ip: IpOptions,
    frames: Vec<Frame>,
}

impl UdpFlow {
    pub fn new(link: Link, clock: Clock) -> Self {
        UdpFlow { link, clock, ip: IpOptions::default(), frames: Vec::new() }
    }

    /// Send one datagram with the flow's IP options.
    pub fn send(&mut self, src: &Endpoint, dst: &Endpoint, payload: &[u8]) -> Result<(), BuildError> {
        let opts = self.ip.clone();
        self.send_with(src, dst, payload, &opts)
    }

    /// Send one datagram with chosen IP options (e.g. fragmentation into N pieces); each
    /// fragment is its own frame with its own timestamp.
    pub fn send_with(
        &mut self,
        src: &Endpoint,
        dst: &Endpoint,
        payload: &[u8],
        opts: &IpOptions,
    ) -> Result<(), BuildError> {
        let seg = udp_segment(src, dst, payload)?;
        let opts = IpOptions { ident: self.ip.ident, ..opts.clone() };
        for data in frames(self.link, src, dst, ipproto::UDP, &seg, &opts)? {
            self.frames.push(Frame { ts: self.clock.tick(), data });
        }
        self.ip.ident = self.ip.ident.wrapping_add(1);
        Ok(())
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    pub fn into_frames(self) -> Vec<Frame> {
        self.frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcap::Timestamp;
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn ep4(last: u8, port: u16) -> Endpoint {
        Endpoint::new([2, 0, 0, 0, 0, last], Ipv4Addr::new(192, 0, 2, last).into(), port)
    }

    #[test]
    fn udp_ipv4_checksum_is_valid() {
        let (a, b) = (ep4(1, 5000), ep4(2, 53));
        let mut f = UdpFlow::new(Link::Ethernet, Clock::new(Timestamp::new(1, 0), 1000));
        f.send(&a, &b, b"hello").unwrap();
        f.send(&b, &a, b"world!").unwrap();
        let fr = f.into_frames();
        assert_eq!(fr.len(), 2);
        assert_eq!(fr[1].ts, Timestamp::new(1, 1000));
        let s = SlicedPacket::from_ethernet(&fr[0].data).unwrap();
        let Some(NetSlice::Ipv4(ip)) = &s.net else { panic!("not IPv4") };
        assert_eq!(ip.header().identification(), 0);
        let Some(TransportSlice::Udp(u)) = &s.transport else { panic!("not UDP") };
        assert_eq!(u.source_port(), 5000);
        assert_eq!(u.destination_port(), 53);
        assert_eq!(u.length(), 13);
        assert_eq!(u.payload(), b"hello");
        let h = u.to_header();
        assert_eq!(h.checksum, h.calc_checksum_ipv4_raw([192, 0, 2, 1], [192, 0, 2, 2], b"hello").unwrap());
        assert_ne!(h.checksum, 0);
        let s = SlicedPacket::from_ethernet(&fr[1].data).unwrap();
        let Some(NetSlice::Ipv4(ip)) = &s.net else { panic!("not IPv4") };
        assert_eq!(ip.header().identification(), 1);
    }

    #[test]
    fn udp_ipv6_checksum_is_valid() {
        let a = Endpoint::new([2, 0, 0, 0, 0, 1], "2001:db8::1".parse::<Ipv6Addr>().unwrap().into(), 1);
        let b = Endpoint::new([2, 0, 0, 0, 0, 2], "2001:db8::2".parse::<Ipv6Addr>().unwrap().into(), 2);
        let seg = udp_segment(&a, &b, &[9; 33]).unwrap();
        let (h, rest) = UdpHeader::from_slice(&seg).unwrap();
        let (IpAddr::V6(s), IpAddr::V6(d)) = (a.ip, b.ip) else { unreachable!() };
        assert_eq!(h.checksum, h.calc_checksum_ipv6_raw(s.octets(), d.octets(), rest).unwrap());
        assert!(matches!(udp_segment(&a, &ep4(1, 1), b""), Err(BuildError::MixedFamilies)));
    }
}
