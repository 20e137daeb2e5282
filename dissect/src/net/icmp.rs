//! ICMP (RFC 792) and ICMPv6 (RFC 4443).

/// ICMP state.
#[derive(Debug, Default)]
pub struct IcmpState {
    in_error: u32,
}

impl IcmpState {
    /// The datagram being dissected is quoted inside an ICMP error.
    pub fn in_error(&self) -> bool {
        self.in_error > 0
    }
}
