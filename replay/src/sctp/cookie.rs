//! The State Cookie (RFC 9260 §5.1.3): everything the listener needs to create the association
//! when the COOKIE ECHO comes back, so it keeps no state between INIT and COOKIE ECHO. Signed with
//! HMAC-SHA-256 under the endpoint's secret key (§5.1.3 step 3, which leaves the MAC open).
//!
//! Layout: my tag, peer tag, my initial TSN, peer initial TSN, peer a_rwnd (4 bytes each),
//! outbound streams, inbound streams, peer port (2 bytes each), creation time in ms since the
//! endpoint's epoch (8 bytes), whether the peer offered PR-SCTP (1 byte), the Tie-Tags (our and
//! the peer's tags of the association in place when the INIT came, 0 when none, §5.2.2; 4 bytes
//! each), the SCTP-AUTH state when negotiated (1 byte flag; then the HMAC id we send with, 2
//! bytes; the chunk types the peer requires, 1 byte count and the types; the association key, 2
//! bytes length and the key), then the 32-byte MAC over all of it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const BODY: usize = 4 * 5 + 2 * 3 + 8 + 1 + 8;
const MAC: usize = 32;
/// Length of a cookie on the wire without AUTH state.
pub const COOKIE_LEN: usize = BODY + 1 + MAC;
/// Bound on a cookie's length.
pub const MAX_COOKIE_LEN: usize = COOKIE_LEN + 2 + 1 + 255 + 2 + super::auth::MAX_KEY;

/// SCTP-AUTH state carried by a cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieAuth {
    pub send_hmac: u16,
    pub peer_requires: Vec<u8>,
    pub key: Vec<u8>,
}

/// The association parameters a cookie carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieData {
    pub my_tag: u32,
    pub peer_tag: u32,
    pub my_initial_tsn: u32,
    pub peer_initial_tsn: u32,
    pub peer_rwnd: u32,
    pub out_streams: u16,
    pub in_streams: u16,
    pub peer_port: u16,
    pub created_ms: u64,
    /// The peer's INIT carried Forward-TSN-Supported (RFC 3758 §3.3) and we support it too.
    pub pr_sctp: bool,
    /// Tie-Tags (§5.2.2): the tags of the existing association, for a restart.
    pub my_tie_tag: u32,
    pub peer_tie_tag: u32,
    pub auth: Option<CookieAuth>,
}

fn mac(secret: &[u8], body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    m.update(body);
    m
}

impl CookieData {
    /// The signed cookie bytes.
    pub fn seal(&self, secret: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(COOKIE_LEN);
        for v in [self.my_tag, self.peer_tag, self.my_initial_tsn, self.peer_initial_tsn, self.peer_rwnd] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        for v in [self.out_streams, self.in_streams, self.peer_port] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&self.created_ms.to_be_bytes());
        out.push(self.pr_sctp as u8);
        out.extend_from_slice(&self.my_tie_tag.to_be_bytes());
        out.extend_from_slice(&self.peer_tie_tag.to_be_bytes());
        match &self.auth {
            None => out.push(0),
            Some(a) => {
                out.push(1);
                out.extend_from_slice(&a.send_hmac.to_be_bytes());
                let req = &a.peer_requires[..a.peer_requires.len().min(255)];
                out.push(req.len() as u8);
                out.extend_from_slice(req);
                let key = &a.key[..a.key.len().min(super::auth::MAX_KEY)];
                out.extend_from_slice(&(key.len() as u16).to_be_bytes());
                out.extend_from_slice(key);
            }
        }
        let tag = mac(secret, &out).finalize().into_bytes();
        out.extend_from_slice(&tag);
        out
    }

    /// The cookie's contents when its length and MAC are right (MAC compared in constant time).
    pub fn open(bytes: &[u8], secret: &[u8]) -> Option<CookieData> {
        if bytes.len() < COOKIE_LEN || bytes.len() > MAX_COOKIE_LEN {
            return None;
        }
        let (body, tag) = bytes.split_at(bytes.len() - MAC);
        mac(secret, body).verify_slice(tag).ok()?;
        let u32_at = |i: usize| u32::from_be_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]);
        let u16_at = |i: usize| u16::from_be_bytes([body[i], body[i + 1]]);
        let mut ms = [0u8; 8];
        ms.copy_from_slice(&body[26..34]);
        Some(CookieData {
            my_tag: u32_at(0),
            peer_tag: u32_at(4),
            my_initial_tsn: u32_at(8),
            peer_initial_tsn: u32_at(12),
            peer_rwnd: u32_at(16),
            out_streams: u16_at(20),
            in_streams: u16_at(22),
            peer_port: u16_at(24),
            created_ms: u64::from_be_bytes(ms),
            pr_sctp: body[34] == 1,
            my_tie_tag: u32_at(35),
            peer_tie_tag: u32_at(39),
            auth: match body[BODY] {
                0 if body.len() == BODY + 1 => None,
                1 => {
                    let rest = &body[BODY + 1..];
                    let send_hmac = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]);
                    let n = *rest.get(2)? as usize;
                    let peer_requires = rest.get(3..3 + n)?.to_vec();
                    let k = rest.get(3 + n..5 + n)?;
                    let klen = u16::from_be_bytes([k[0], k[1]]) as usize;
                    let key = rest.get(5 + n..5 + n + klen)?.to_vec();
                    if rest.len() != 5 + n + klen {
                        return None;
                    }
                    Some(CookieAuth { send_hmac, peer_requires, key })
                }
                _ => return None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CookieData {
        CookieData {
            my_tag: 1,
            peer_tag: 2,
            my_initial_tsn: 3,
            peer_initial_tsn: 4,
            peer_rwnd: 5,
            out_streams: 6,
            in_streams: 7,
            peer_port: 8,
            created_ms: 9,
            pr_sctp: true,
            my_tie_tag: 10,
            peer_tie_tag: 11,
            auth: None,
        }
    }

    #[test]
    fn round_trip_and_every_flipped_bit_rejected() {
        let c = sample().seal(b"key");
        assert_eq!(c.len(), COOKIE_LEN);
        assert_eq!(CookieData::open(&c, b"key"), Some(sample()));
        assert_eq!(CookieData::open(&c, b"other key"), None);
        for i in 0..c.len() * 8 {
            let mut bad = c.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert_eq!(CookieData::open(&bad, b"key"), None, "bit {i}");
        }
        for n in 0..c.len() {
            assert_eq!(CookieData::open(&c[..n], b"key"), None);
        }
        let with_auth = CookieData {
            auth: Some(CookieAuth { send_hmac: 3, peer_requires: vec![0, 3], key: vec![9; 100] }),
            ..sample()
        };
        let c = with_auth.seal(b"key");
        assert_eq!(CookieData::open(&c, b"key"), Some(with_auth));
        for n in 0..c.len() {
            assert_eq!(CookieData::open(&c[..n], b"key"), None);
        }
    }
}
