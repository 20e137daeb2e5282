//! IP fragment reassembly (IPv4: RFC 791 §3.2 "Fragmentation and Reassembly"; IPv6: RFC 8200
//! §4.5), shared by both versions.
//!
//! A fragment set is keyed by (source, destination, identification, protocol). Received byte
//! ranges are kept in a small sorted list of at most [`MAX_RANGES`] entries (the complement of
//! RFC 815's hole list): a set that would need more is dropped with "too many holes" rather than
//! growing. A datagram may not exceed the configured maximum; at most [`MAX_SETS`] sets and
//! [`MAX_BYTES`] buffered bytes are held at once, the oldest set evicted first. When fragments
//! overlap, the first copy of each byte wins and differing bytes are reported as a conflict.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

/// Fragment sets held at once.
pub const MAX_SETS: usize = 1024;
/// Bytes held over all sets.
pub const MAX_BYTES: usize = 32 << 20;
/// Disjoint received ranges one set may have (holes are between them).
pub const MAX_RANGES: usize = 64;
/// Fragments listed per set (the reassembly still completes past this; the list is cut).
pub const MAX_LISTED: usize = 1024;

/// What identifies the fragments of one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FragKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub id: u32,
    pub proto: u8,
}

/// One fragment of a completed datagram: where its bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragInfo {
    pub frame: u64,
    /// Offset of the fragment's data in the datagram.
    pub offset: usize,
    pub len: usize,
}

/// The outcome of adding one fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FragResult {
    /// More fragments are needed.
    Pending,
    /// The datagram is complete: its payload and where each fragment came from.
    Complete { data: Vec<u8>, frags: Vec<FragInfo>, overlap: bool },
    /// The set was dropped; the message says why.
    Error(String),
}

/// What else happened while adding one fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FragNotes {
    /// This fragment overlapped bytes already received.
    pub overlap: bool,
    /// ... and some of those bytes differed (the first copy was kept).
    pub conflict: bool,
    /// Sets evicted to make room.
    pub evicted: usize,
}

#[derive(Debug)]
struct FragSet {
    gen: u64,
    data: Vec<u8>,
    /// Sorted, disjoint, non-adjacent received ranges.
    ranges: Vec<(usize, usize)>,
    /// Datagram length, once the last fragment (MF = 0) was seen.
    total: Option<usize>,
    frags: Vec<FragInfo>,
    overlap: bool,
}

/// The reassembly table for one IP version.
#[derive(Debug, Default)]
pub struct FragTable {
    sets: HashMap<FragKey, FragSet>,
    /// Creation order (key, generation) for eviction; stale entries are skipped.
    order: VecDeque<(FragKey, u64)>,
    next_gen: u64,
    bytes: usize,
}

impl FragTable {
    /// Sets currently held.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    fn remove(&mut self, key: &FragKey) {
        if let Some(s) = self.sets.remove(key) {
            self.bytes = self.bytes.saturating_sub(s.data.len());
        }
    }

    fn evict_oldest(&mut self) -> bool {
        while let Some((k, g)) = self.order.pop_front() {
            if self.sets.get(&k).is_some_and(|s| s.gen == g) {
                self.remove(&k);
                return true;
            }
        }
        false
    }

    /// Add a fragment: `data` goes at byte `offset` of the datagram; `more` is the MF flag.
    /// `max` caps the datagram's length.
    pub fn add(
        &mut self,
        key: FragKey,
        offset: usize,
        data: &[u8],
        more: bool,
        frame: u64,
        max: usize,
    ) -> (FragResult, FragNotes) {
        let mut notes = FragNotes::default();
        let end = match offset.checked_add(data.len()) {
            Some(e) if e <= max => e,
            _ => {
                self.remove(&key);
                return (
                    FragResult::Error(format!(
                        "Fragment too long: ends at byte {}, past the {max}-byte datagram limit",
                        offset.saturating_add(data.len())
                    )),
                    notes,
                );
            }
        };
        if !self.sets.contains_key(&key) {
            while self.sets.len() >= MAX_SETS && self.evict_oldest() {
                notes.evicted += 1;
            }
            let gen = self.next_gen;
            self.next_gen += 1;
            self.order.push_back((key, gen));
            // Bound the order queue against stale entries piling up.
            if self.order.len() > 4 * MAX_SETS {
                let live = &self.sets;
                self.order.retain(|(k, g)| live.get(k).is_some_and(|s| s.gen == *g));
            }
            self.sets.insert(
                key,
                FragSet { gen, data: Vec::new(), ranges: Vec::new(), total: None, frags: Vec::new(), overlap: false },
            );
        }
        // Room for the bytes this fragment may add.
        let growth = {
            let s = self.sets.get(&key).map(|s| s.data.len()).unwrap_or(0);
            end.saturating_sub(s)
        };
        while self.bytes + growth > MAX_BYTES && self.sets.len() > 1 {
            // Evict others first; never the set being filled.
            let Some(&(k, g)) = self.order.front() else { break };
            if k == key {
                self.order.rotate_left(1);
                if self.order.front().map(|f| f.0) == Some(key) {
                    break;
                }
                continue;
            }
            self.order.pop_front();
            if self.sets.get(&k).is_some_and(|s| s.gen == g) {
                self.remove(&k);
                notes.evicted += 1;
            }
        }
        if self.bytes + growth > MAX_BYTES {
            self.remove(&key);
            return (FragResult::Error("Fragment buffer limit reached; fragment set dropped".into()), notes);
        }
        let Some(set) = self.sets.get_mut(&key) else {
            return (FragResult::Error("fragment set lost".into()), notes);
        };
        let old_len = set.data.len();
        let result = Self::place(set, offset, end, data, more, frame, &mut notes);
        self.bytes += set.data.len().saturating_sub(old_len);
        match result {
            Ok(true) => {
                let set = self.sets.remove(&key);
                let Some(mut set) = set else { return (FragResult::Pending, notes) };
                self.bytes = self.bytes.saturating_sub(set.data.len());
                let total = set.total.unwrap_or(set.data.len());
                set.data.truncate(total);
                (FragResult::Complete { data: set.data, frags: set.frags, overlap: set.overlap }, notes)
            }
            Ok(false) => (FragResult::Pending, notes),
            Err(msg) => {
                self.remove(&key);
                (FragResult::Error(msg), notes)
            }
        }
    }

    /// Put the bytes in place; `Ok(true)` when the datagram is complete.
    fn place(
        set: &mut FragSet,
        offset: usize,
        end: usize,
        data: &[u8],
        more: bool,
        frame: u64,
        notes: &mut FragNotes,
    ) -> Result<bool, String> {
        if !more {
            match set.total {
                Some(t) if t != end => {
                    return Err(format!("Multiple tail fragments found: the datagram ends at {t} and at {end}"))
                }
                _ => set.total = Some(end),
            }
        }
        if let Some(t) = set.total {
            if end > t || set.ranges.last().is_some_and(|r| r.1 > t) {
                return Err(format!("Fragment data past the end of the datagram ({t} bytes)"));
            }
        }
        if set.data.len() < end {
            set.data.resize(end, 0);
        }
        // Write the parts not yet received; compare the parts that were.
        let mut pos = offset;
        for &(rs, re) in set.ranges.iter() {
            if re <= pos || rs >= end {
                continue;
            }
            if rs > pos {
                set.data[pos..rs].copy_from_slice(&data[pos - offset..rs - offset]);
            }
            let (os, oe) = (rs.max(pos), re.min(end));
            notes.overlap = true;
            if set.data[os..oe] != data[os - offset..oe - offset] {
                notes.conflict = true;
            }
            pos = oe;
        }
        if pos < end {
            set.data[pos..end].copy_from_slice(&data[pos - offset..]);
        }
        if notes.overlap {
            set.overlap = true;
        }
        // Merge [offset, end) into the range list.
        if end > offset {
            let mut merged = (offset, end);
            let mut out = Vec::with_capacity(set.ranges.len() + 1);
            for &r in &set.ranges {
                if r.1 < merged.0 || r.0 > merged.1 {
                    out.push(r);
                } else {
                    merged = (merged.0.min(r.0), merged.1.max(r.1));
                }
            }
            let at = out.partition_point(|r| r.0 < merged.0);
            out.insert(at, merged);
            if out.len() > MAX_RANGES {
                return Err(format!("Too many holes: more than {MAX_RANGES} separate fragment ranges"));
            }
            set.ranges = out;
        }
        if set.frags.len() < MAX_LISTED {
            set.frags.push(FragInfo { frame, offset, len: data.len() });
        }
        Ok(match set.total {
            Some(t) => t == 0 || set.ranges.as_slice() == [(0, t)],
            None => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: u32) -> FragKey {
        FragKey { src: [10, 0, 0, 1].into(), dst: [10, 0, 0, 2].into(), id, proto: 17 }
    }

    fn datagram(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + 3) as u8).collect()
    }

    fn run(t: &mut FragTable, parts: &[(usize, usize, bool)], d: &[u8]) -> Vec<FragResult> {
        parts.iter().enumerate().map(|(i, &(s, e, m))| t.add(key(1), s, &d[s..e], m, i as u64 + 1, 70_000).0).collect()
    }

    #[test]
    fn in_order_and_reversed() {
        let d = datagram(2008);
        let parts = [(0, 1000, true), (1000, 2000, true), (2000, 2008, false)];
        for order in [vec![0, 1, 2], vec![2, 1, 0], vec![1, 2, 0]] {
            let mut t = FragTable::default();
            let p: Vec<_> = order.iter().map(|&i| parts[i]).collect();
            let r = run(&mut t, &p, &d);
            assert_eq!(r[0], FragResult::Pending);
            assert_eq!(r[1], FragResult::Pending);
            match &r[2] {
                FragResult::Complete { data, frags, overlap } => {
                    assert_eq!(data, &d);
                    assert_eq!(frags.len(), 3);
                    assert!(!overlap);
                }
                other => panic!("{other:?}"),
            }
            assert!(t.is_empty());
            assert_eq!(t.bytes, 0);
        }
    }

    #[test]
    fn duplicate_and_conflicting_overlap() {
        let d = datagram(24);
        let mut t = FragTable::default();
        assert_eq!(t.add(key(1), 0, &d[0..16], true, 1, 100).0, FragResult::Pending);
        // Exact duplicate: overlap, no conflict.
        let (r, n) = t.add(key(1), 0, &d[0..16], true, 2, 100);
        assert_eq!(r, FragResult::Pending);
        assert!(n.overlap && !n.conflict);
        // Overlap 8..16 with different bytes: conflict, first copy kept.
        let mut alt = d[8..24].to_vec();
        alt[0] ^= 0xff;
        let (r, n) = t.add(key(1), 8, &alt, false, 3, 100);
        assert!(n.overlap && n.conflict);
        match r {
            FragResult::Complete { data, overlap, .. } => {
                assert_eq!(data, d);
                assert!(overlap);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cap_and_tails() {
        let mut t = FragTable::default();
        let (r, _) = t.add(key(1), 64, &[0; 64], true, 1, 100);
        assert!(matches!(r, FragResult::Error(ref m) if m.starts_with("Fragment too long")), "{r:?}");
        assert!(t.is_empty());
        t.add(key(2), 0, &[0; 8], false, 1, 100);
        t.add(key(3), 8, &[0; 8], false, 1, 100);
        let (r, _) = t.add(key(3), 16, &[0; 8], false, 2, 100);
        assert!(matches!(r, FragResult::Error(ref m) if m.starts_with("Multiple tail")), "{r:?}");
    }

    #[test]
    fn too_many_holes_and_eviction() {
        let mut t = FragTable::default();
        let mut last = FragResult::Pending;
        for i in 0..=MAX_RANGES {
            last = t.add(key(9), i * 16, &[1; 8], true, 1, 70_000).0;
        }
        assert!(matches!(last, FragResult::Error(ref m) if m.starts_with("Too many holes")), "{last:?}");
        let mut t = FragTable::default();
        for i in 0..MAX_SETS as u32 {
            t.add(key(i), 8, &[0; 8], true, 1, 100);
        }
        assert_eq!(t.len(), MAX_SETS);
        let (_, n) = t.add(key(99_999), 8, &[0; 8], true, 2, 100);
        assert_eq!(n.evicted, 1);
        assert_eq!(t.len(), MAX_SETS);
        assert!(!t.sets.contains_key(&key(0)), "the oldest set goes first");
    }
}
