//! SCTP-AUTH (RFC 4895): the RANDOM, CHUNKS and HMAC-ALGO parameters of INIT and INIT ACK, the
//! association shared key made from both sides' key vectors (§6.1, with the empty endpoint-pair
//! shared key of key id 0), and the AUTH chunk: HMAC-SHA-1 (id 1) or HMAC-SHA-256 (id 3) over
//! the AUTH chunk with a zeroed HMAC field and every chunk after it (§6.2, §6.3).

use dissect::proto::sctp::{ChunkType, Param};
use hmac::{Hmac, Mac};

/// HMAC identifiers, RFC 4895 §3.3.
pub const HMAC_SHA1: u16 = 1;
pub const HMAC_SHA256: u16 = 3;
/// Bound on the key material kept (two key vectors).
pub const MAX_KEY: usize = 1024;

/// Chunk types that are never authenticated (§3.2).
fn never_authenticated(t: u8) -> bool {
    matches!(ChunkType(t), ChunkType::INIT | ChunkType::INIT_ACK | ChunkType::SHUTDOWN_COMPLETE | ChunkType::AUTH)
}

/// Our three parameters: 32 random bytes, the chunk types we require authenticated, and our
/// HMAC preference (SHA-256, then SHA-1, which every endpoint must support).
pub fn our_params<'a>(random: &'a [u8], required: &[u8]) -> Vec<Param<'a>> {
    vec![
        Param::Random(random),
        Param::ChunkList(required.iter().copied().filter(|t| !never_authenticated(*t)).map(ChunkType).collect()),
        Param::HmacAlgo(vec![HMAC_SHA256, HMAC_SHA1]),
    ]
}

/// A key vector (§6.1): the RANDOM, CHUNKS and HMAC-ALGO parameters as sent, without padding.
pub fn key_vector(params: &[Param<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for want in [0x8002u16, 0x8003, 0x8004] {
        if let Some(p) = params.iter().find(|p| p.ty().0 == want) {
            let start = out.len();
            p.emit(&mut out);
            let len = u16::from_be_bytes([out[start + 2], out[start + 3]]) as usize;
            out.truncate(start + len);
        }
    }
    out
}

/// Whether the peer's parameters offer AUTH (a RANDOM and an HMAC-ALGO, §3).
pub fn peer_offers(params: &[Param<'_>]) -> bool {
    params.iter().any(|p| matches!(p, Param::Random(_))) && params.iter().any(|p| matches!(p, Param::HmacAlgo(_)))
}

/// The chunk types the peer requires us to authenticate.
pub fn peer_required(params: &[Param<'_>]) -> Vec<u8> {
    params
        .iter()
        .find_map(|p| match p {
            Param::ChunkList(l) => Some(l.iter().map(|t| t.0).filter(|t| !never_authenticated(*t)).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The HMAC we send with: the first of the peer's list we support (§6.1).
pub fn choose_hmac(params: &[Param<'_>]) -> u16 {
    params
        .iter()
        .find_map(|p| match p {
            Param::HmacAlgo(l) => l.iter().copied().find(|h| *h == HMAC_SHA1 || *h == HMAC_SHA256),
            _ => None,
        })
        .unwrap_or(HMAC_SHA1)
}

/// Compare key vectors as big-endian numbers (leading zeros ignored).
fn numerically_smaller_first<'a>(a: &'a [u8], b: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    let strip = |v: &'a [u8]| {
        let i = v.iter().position(|x| *x != 0).unwrap_or(v.len());
        &v[i..]
    };
    let (sa, sb) = (strip(a), strip(b));
    let ord = sa.len().cmp(&sb.len()).then_with(|| sa.cmp(sb));
    match ord {
        std::cmp::Ordering::Less => (a, b),
        std::cmp::Ordering::Greater => (b, a),
        // Equal as numbers: the shorter one first.
        std::cmp::Ordering::Equal => {
            if a.len() <= b.len() {
                (a, b)
            } else {
                (b, a)
            }
        }
    }
}

/// The association shared key (§6.1) for key id 0 (empty endpoint-pair key).
pub fn association_key(ours: &[u8], peers: &[u8]) -> Vec<u8> {
    let (x, y) = numerically_smaller_first(ours, peers);
    let mut k = x.to_vec();
    k.extend_from_slice(y);
    k.truncate(MAX_KEY);
    k
}

/// Length of the HMAC for an identifier.
pub fn hmac_len(id: u16) -> Option<usize> {
    match id {
        HMAC_SHA1 => Some(20),
        HMAC_SHA256 => Some(32),
        _ => None,
    }
}

/// HMAC of `data` under `key` with the algorithm `id`.
pub fn hmac(id: u16, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    match id {
        HMAC_SHA1 => {
            let mut m = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key).ok()?;
            m.update(data);
            Some(m.finalize().into_bytes().to_vec())
        }
        HMAC_SHA256 => {
            let mut m = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).ok()?;
            m.update(data);
            Some(m.finalize().into_bytes().to_vec())
        }
        _ => None,
    }
}

/// Offsets of the chunks of a packet body (after the common header).
pub fn chunk_offsets(body: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= body.len() {
        out.push(at);
        let len = u16::from_be_bytes([body[at + 2], body[at + 3]]) as usize;
        if len < 4 {
            break;
        }
        at += len + (4 - len % 4) % 4;
    }
    out
}

/// Insert an AUTH chunk before the first chunk of `body` whose type is in `required`, with its
/// HMAC over itself and what follows (§6.2). Returns the body unchanged when nothing needs it.
pub fn sign(body: &[u8], required: &[u8], hmac_id: u16, key: &[u8]) -> Vec<u8> {
    let Some(first) = chunk_offsets(body).into_iter().find(|&o| required.contains(&body[o])) else {
        return body.to_vec();
    };
    let Some(n) = hmac_len(hmac_id) else { return body.to_vec() };
    let mut out = body[..first].to_vec();
    let auth_at = out.len();
    let len = 8 + n;
    out.extend_from_slice(&[15, 0]);
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&hmac_id.to_be_bytes());
    out.resize(out.len() + n + (4 - len % 4) % 4, 0);
    out.extend_from_slice(&body[first..]);
    if let Some(mac) = hmac(hmac_id, key, &out[auth_at..]) {
        out[auth_at + 8..auth_at + 8 + n].copy_from_slice(&mac);
    }
    out
}

/// Check the AUTH chunk at `at` in `body` (§6.3): key id 0, an HMAC we offered, the right value.
pub fn verify(body: &[u8], at: usize, key: &[u8]) -> bool {
    let Some(h) = body.get(at..at + 8) else { return false };
    let key_id = u16::from_be_bytes([h[4], h[5]]);
    let id = u16::from_be_bytes([h[6], h[7]]);
    let Some(n) = hmac_len(id) else { return false };
    let len = u16::from_be_bytes([h[2], h[3]]) as usize;
    if key_id != 0 || len != 8 + n || body.len() < at + 8 + n {
        return false;
    }
    let got = body[at + 8..at + 8 + n].to_vec();
    let mut copy = body[at..].to_vec();
    copy[8..8 + n].iter_mut().for_each(|b| *b = 0);
    hmac(id, key, &copy).is_some_and(|m| {
        // Constant-time comparison.
        m.iter().zip(&got).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha1_rfc2202_case_2() {
        // RFC 2202 §3 test case 2.
        let m = hmac(HMAC_SHA1, b"Jefe", b"what do ya want for nothing?").unwrap();
        let want = [
            0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74, 0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a,
            0x7c, 0x79,
        ];
        assert_eq!(m, want);
    }

    #[test]
    fn key_order_is_numeric() {
        assert_eq!(association_key(&[0, 0, 5], &[4]), vec![4, 0, 0, 5]);
        assert_eq!(association_key(&[1, 0], &[2]), vec![2, 1, 0]);
        assert_eq!(association_key(&[0, 7], &[7]), vec![7, 0, 7]);
        assert_eq!(association_key(&[3], &[2]), vec![2, 3]);
    }

    #[test]
    fn sign_then_verify_and_every_flip_fails() {
        let mut body = Vec::new();
        dissect::proto::sctp::Chunk::Sack(dissect::proto::sctp::Sack {
            cum_tsn_ack: 1,
            a_rwnd: 2,
            gaps: vec![],
            dup_tsns: vec![],
        })
        .emit(&mut body);
        let sack_len = body.len();
        dissect::proto::sctp::Chunk::Data(dissect::proto::sctp::Data {
            immediate: false,
            unordered: false,
            beginning: true,
            ending: true,
            tsn: 9,
            stream_id: 0,
            ssn: 0,
            ppid: 0,
            user_data: b"abc",
        })
        .emit(&mut body);
        for id in [HMAC_SHA1, HMAC_SHA256] {
            let signed = sign(&body, &[0], id, b"key");
            // The AUTH chunk goes right before the DATA chunk.
            assert_eq!(signed[sack_len], 15);
            assert!(verify(&signed, sack_len, b"key"));
            assert!(!verify(&signed, sack_len, b"other"));
            for i in sack_len..signed.len() {
                let mut bad = signed.clone();
                bad[i] ^= 0x40;
                assert!(!verify(&bad, sack_len, b"key"), "byte {i}");
            }
        }
        assert_eq!(sign(&body, &[4], HMAC_SHA1, b"key"), body);
    }
}
