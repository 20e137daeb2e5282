//! The seeded generator behind every random choice in the generated corpus.
//!
//! Only the raw ChaCha8 stream (`next_u32`, `next_u64`, `fill_bytes`) is used, and ranges are
//! reduced here, so the bytes a seed produces depend on the ChaCha8 algorithm alone and not on
//! how a `rand` release maps words to ranges.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A deterministic generator: the same seed gives the same sequence on every machine.
pub struct Prng(ChaCha8Rng);

impl Prng {
    pub fn new(seed: u64) -> Self {
        Prng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// An independent generator for one named purpose, so adding draws to one corpus file does
    /// not shift the bytes of another.
    pub fn derive(seed: u64, label: &str) -> Self {
        // FNV-1a over the label, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Prng(ChaCha8Rng::seed_from_u64(seed ^ h))
    }

    pub fn u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    pub fn u16(&mut self) -> u16 {
        (self.0.next_u32() >> 16) as u16
    }

    pub fn u8(&mut self) -> u8 {
        (self.0.next_u32() >> 24) as u8
    }

    /// A value in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.u64();
        }
        lo + self.u64() % (span + 1)
    }

    /// A `usize` in `lo..=hi`.
    pub fn range_usize(&mut self, lo: usize, hi: usize) -> usize {
        let v = self.range(lo as u64, hi as u64);
        usize::try_from(v).unwrap_or(lo)
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.0.fill_bytes(&mut v);
        v
    }

    /// `n` printable ASCII bytes (easier to read in a hex dump).
    pub fn text(&mut self, n: usize) -> Vec<u8> {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-";
        (0..n)
            .map(|_| {
                let i = (self.u32() as usize) % ALPHABET.len();
                ALPHABET.get(i).copied().unwrap_or(b'x')
            })
            .collect()
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        den != 0 && self.u32() % den < num
    }

    /// A locally administered unicast MAC address.
    pub fn mac(&mut self) -> [u8; 6] {
        let mut m = [0u8; 6];
        self.0.fill_bytes(&mut m);
        m[0] = (m[0] & 0xfc) | 0x02;
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Prng::new(1);
        let mut b = Prng::new(1);
        assert_eq!(a.bytes(64), b.bytes(64));
        assert_eq!(a.u64(), b.u64());
        let mut c = Prng::new(2);
        assert_ne!(Prng::new(1).bytes(32), c.bytes(32));
        assert_ne!(Prng::derive(1, "a").bytes(16), Prng::derive(1, "b").bytes(16));
    }

    #[test]
    fn ranges_stay_inside() {
        let mut r = Prng::new(7);
        for _ in 0..1000 {
            let v = r.range(10, 20);
            assert!((10..=20).contains(&v));
        }
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.range(9, 3), 9);
        let m = r.mac();
        assert_eq!(m[0] & 0x03, 0x02);
        assert!(r.text(100).iter().all(|b| b.is_ascii_graphic() || *b == b' '));
    }
}
