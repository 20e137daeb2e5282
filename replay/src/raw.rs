//! SCTP directly over IPv4, protocol 132 (RFC 9260 §1.3), through a raw socket: needs root (or
//! CAP_NET_RAW), and a kernel without its own SCTP on that address (or it answers too). The
//! kernel adds the IPv4 header on sending and hands it over on receiving; this strips it.
//! [`RawSocket`] implements [`PacketSocket`], so the UDP drivers run unchanged; peers are
//! `SocketAddr`s with port 0.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

use crate::udp::PacketSocket;

/// IP protocol number of SCTP.
pub const IPPROTO_SCTP: i32 = 132;

/// A raw IPv4 socket for protocol 132.
pub struct RawSocket {
    fd: OwnedFd,
}

fn sockaddr(a: Ipv4Addr) -> libc::sockaddr_in {
    // SAFETY: sockaddr_in is plain data; all-zero is a valid value.
    let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_addr = libc::in_addr { s_addr: u32::from(a).to_be() };
    sa
}

impl RawSocket {
    /// Open the socket, bound to `local` (receives only packets to that address).
    pub fn bind(local: Ipv4Addr) -> io::Result<RawSocket> {
        // SAFETY: plain socket(2) call; the result is checked.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_RAW, IPPROTO_SCTP) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let sa = sockaddr(local);
        // SAFETY: sa is a valid sockaddr_in of the size given.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sa as *const libc::sockaddr_in as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(RawSocket { fd })
    }
}

impl PacketSocket for RawSocket {
    fn send_to(&self, buf: &[u8], addr: SocketAddr) -> io::Result<usize> {
        let SocketAddr::V4(v4) = addr else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "IPv4 only"));
        };
        let sa = sockaddr(*v4.ip());
        // SAFETY: buf and sa are valid for the lengths given.
        let n = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                buf.as_ptr() as *const libc::c_void,
                buf.len(),
                0,
                &sa as *const libc::sockaddr_in as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n as usize)
    }

    fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let mut pkt = vec![0u8; buf.len() + 60];
        // SAFETY: sockaddr_in is plain data.
        let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: pkt, sa and len are valid for the sizes given.
        let n = unsafe {
            libc::recvfrom(
                self.fd.as_raw_fd(),
                pkt.as_mut_ptr() as *mut libc::c_void,
                pkt.len(),
                0,
                &mut sa as *mut libc::sockaddr_in as *mut libc::sockaddr,
                &mut len,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        let ihl = pkt.first().map(|b| (b & 0x0f) as usize * 4).unwrap_or(0);
        if ihl < 20 || n < ihl {
            return Ok((0, SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))));
        }
        let body = &pkt[ihl..n];
        let m = body.len().min(buf.len());
        buf[..m].copy_from_slice(&body[..m]);
        let from = Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr));
        Ok((m, SocketAddr::V4(SocketAddrV4::new(from, 0))))
    }

    fn set_read_timeout(&self, dur: Option<Duration>) -> io::Result<()> {
        let d = dur.unwrap_or(Duration::ZERO);
        let tv = libc::timeval { tv_sec: d.as_secs() as libc::time_t, tv_usec: d.subsec_micros() as libc::suseconds_t };
        // SAFETY: tv is a valid timeval of the size given.
        let r = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                &tv as *const libc::timeval as *const libc::c_void,
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}
