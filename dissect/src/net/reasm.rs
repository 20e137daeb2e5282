//! Reassembly of one direction of a TCP connection into an ordered byte stream (RFC 9293 §3.4,
//! §3.10.7.4: segments are placed by sequence number; the receiver delivers in order).
//!
//! Positions here are stream offsets (`u64`, 0 = first byte after the SYN), so sequence number
//! wrap-around is handled by the caller's unwrapping once. Each segment is offered with
//! [`DirStream::segment`]; what becomes deliverable is returned as [`Run`]s, in stream order:
//! bytes of the current segment (a range of its payload, no copy), bytes held from earlier
//! segments, or a gap that will never be filled.
//!
//! Rules:
//! - bytes before the delivery point are old: a segment made only of them is a retransmission;
//!   where they can still be compared (the last [`HISTORY`] delivered bytes) differing bytes are
//!   a conflict;
//! - overlapping held segments: the first copy wins, differing bytes are a conflict;
//! - held bytes are capped; when a new segment would pass the cap, the oldest hole is given up
//!   (a [`Run::Gap`]) and what follows is delivered, so nothing already received is dropped;
//! - [`DirStream::flush`] (FIN or RST) and [`DirStream::skip_to`] (the peer acknowledged bytes
//!   never seen) give up holes the same way.
//!
//! Every run is also recorded (bounded to [`MAP_MAX`] entries) with the frame and buffer offset it
//! came from, for [`DirStream::frames_for`].

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;

/// Delivered bytes kept to compare retransmissions against.
pub const HISTORY: usize = 1024;
/// Stream-range to frame entries kept per direction.
pub const MAP_MAX: usize = 512;

/// Something deliverable, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Bytes `range` of the current segment's payload, at stream offset `offset`.
    Current { offset: u64, range: Range<usize> },
    /// Bytes held from earlier segments.
    Held { offset: u64, data: Vec<u8> },
    /// `len` bytes at `offset` that will never be seen.
    Gap { offset: u64, len: u64 },
}

/// What one segment did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentOutcome {
    pub runs: Vec<Run>,
    /// Every byte of the segment was already delivered.
    pub retransmission: bool,
    /// Some bytes were already received (delivered or held).
    pub overlap: bool,
    /// ... and some of them differed; the first copy was kept.
    pub conflict: bool,
    /// Bytes of this segment held for later (it came ahead of a hole).
    pub held: u64,
    /// The buffer cap forced holes to be given up.
    pub cap_hit: bool,
    /// This segment filled (part of) a hole before held data.
    pub filled_hole: bool,
}

#[derive(Debug, Clone)]
enum HeldData {
    /// A range of the segment being processed (only during [`DirStream::segment`]).
    Current(Range<usize>),
    Owned(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Held {
    end: u64,
    data: HeldData,
    frame: u64,
    /// Buffer id and offset of the first byte in the packet it came from.
    buf: u16,
    buf_off: usize,
}

/// Where a delivered stream range came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapEntry {
    pub start: u64,
    pub end: u64,
    pub frame: u64,
    pub buf: u16,
    pub buf_off: usize,
}

/// One direction's reassembly state.
#[derive(Debug, Default)]
pub struct DirStream {
    /// Stream offset of the next byte to deliver.
    next: u64,
    /// Held bytes past holes, by start offset; disjoint.
    held: BTreeMap<u64, Held>,
    held_bytes: usize,
    /// The last delivered bytes (ending at `next`).
    history: VecDeque<u8>,
    map: VecDeque<MapEntry>,
}

/// Where the current segment's bytes are in its packet.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub frame: u64,
    pub buf: u16,
    pub buf_off: usize,
}

impl DirStream {
    /// Offset of the next byte to deliver.
    pub fn next(&self) -> u64 {
        self.next
    }

    /// Bytes held past holes.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Offer a segment whose payload `data` starts at stream offset `offset`. `cap` bounds the
    /// bytes held past holes.
    pub fn segment(&mut self, offset: u64, data: &[u8], origin: Origin, cap: usize) -> SegmentOutcome {
        let mut out = SegmentOutcome::default();
        if data.is_empty() {
            return out;
        }
        let end = offset.saturating_add(data.len() as u64);
        // Old bytes: compare what history still has.
        if offset < self.next {
            out.overlap = true;
            let old_end = end.min(self.next);
            let hist_start = self.next - self.history.len() as u64;
            let (cs, ce) = (offset.max(hist_start), old_end);
            if cs < ce {
                let h0 = (cs - hist_start) as usize;
                let d0 = (cs - offset) as usize;
                let n = (ce - cs) as usize;
                if self.history.range(h0..h0 + n).ne(data[d0..d0 + n].iter()) {
                    out.conflict = true;
                }
            }
            if end <= self.next {
                out.retransmission = true;
                return out;
            }
        }
        let first_new = offset.max(self.next);
        let had_held = !self.held.is_empty();
        // Insert the parts not already held (first copy wins), comparing the parts that are.
        let mut pos = first_new;
        let overlapping: Vec<(u64, u64)> =
            self.held.range(..end).filter(|(&s, h)| h.end > first_new && s < end).map(|(&s, h)| (s, h.end)).collect();
        let mut pieces: Vec<(u64, u64)> = Vec::new();
        for (hs, he) in overlapping {
            if hs > pos {
                pieces.push((pos, hs));
            }
            let (os, oe) = (hs.max(pos), he.min(end));
            if os < oe {
                out.overlap = true;
                if let Some(h) = self.held.get(&hs) {
                    if let HeldData::Owned(v) = &h.data {
                        let a = &v[(os - hs) as usize..(oe - hs) as usize];
                        let b = &data[(os - offset) as usize..(oe - offset) as usize];
                        if a != b {
                            out.conflict = true;
                        }
                    }
                }
            }
            pos = pos.max(he);
        }
        if pos < end {
            pieces.push((pos, end));
        }
        if had_held && first_new == self.next {
            out.filled_hole = true;
        }
        for (s, e) in pieces {
            let r = (s - offset) as usize..(e - offset) as usize;
            self.held.insert(
                s,
                Held {
                    end: e,
                    data: HeldData::Current(r.clone()),
                    frame: origin.frame,
                    buf: origin.buf,
                    buf_off: origin.buf_off + r.start,
                },
            );
        }
        self.release(&mut out.runs, Some(data));
        // Whatever of the current segment is still held must be copied, within the cap.
        let current_len = |held: &BTreeMap<u64, Held>| -> usize {
            held.values()
                .filter_map(|h| match &h.data {
                    HeldData::Current(r) => Some(r.len()),
                    HeldData::Owned(_) => None,
                })
                .sum()
        };
        while self.held_bytes + current_len(&self.held) > cap && !self.held.is_empty() {
            out.cap_hit = true;
            self.skip_first_hole(&mut out.runs, Some(data));
        }
        for h in self.held.values_mut() {
            if let HeldData::Current(r) = &h.data {
                let v = data[r.clone()].to_vec();
                out.held += v.len() as u64;
                self.held_bytes += v.len();
                h.data = HeldData::Owned(v);
            }
        }
        out
    }

    /// Give up the first hole: a gap up to the first held byte, then deliver what follows.
    fn skip_first_hole(&mut self, runs: &mut Vec<Run>, current: Option<&[u8]>) {
        let Some((&s, _)) = self.held.iter().next() else { return };
        if s > self.next {
            runs.push(Run::Gap { offset: self.next, len: s - self.next });
            self.next = s;
            self.history.clear();
        }
        self.release(runs, current);
    }

    /// Deliver held bytes that start at the delivery point.
    fn release(&mut self, runs: &mut Vec<Run>, current: Option<&[u8]>) {
        while let Some(entry) = self.held.first_entry() {
            let s = *entry.key();
            if s > self.next {
                break;
            }
            let h = entry.remove();
            if let HeldData::Owned(v) = &h.data {
                self.held_bytes = self.held_bytes.saturating_sub(v.len());
            }
            if h.end <= self.next {
                continue;
            }
            // Entries are disjoint and start at or after `next` once inserted, so s == next.
            let skip = (self.next - s) as usize;
            let (run, bytes): (Run, &[u8]) = match &h.data {
                HeldData::Current(r) => {
                    let r2 = r.start + skip..r.end;
                    let b = current.and_then(|c| c.get(r2.clone())).unwrap_or(&[]);
                    (Run::Current { offset: self.next, range: r2 }, b)
                }
                HeldData::Owned(v) => {
                    let b = v.get(skip..).unwrap_or(&[]);
                    (Run::Held { offset: self.next, data: b.to_vec() }, b)
                }
            };
            self.record(MapEntry {
                start: self.next,
                end: h.end,
                frame: h.frame,
                buf: h.buf,
                buf_off: h.buf_off + skip,
            });
            for &b in bytes.iter().skip(bytes.len().saturating_sub(HISTORY)) {
                if self.history.len() == HISTORY {
                    self.history.pop_front();
                }
                self.history.push_back(b);
            }
            self.next = h.end;
            runs.push(run);
        }
    }

    fn record(&mut self, e: MapEntry) {
        if self.map.len() == MAP_MAX {
            self.map.pop_front();
        }
        self.map.push_back(e);
    }

    /// Give up every hole and deliver everything held (FIN or RST: no more data will come).
    /// `end`, when known, is where the stream ends (the FIN's offset); a hole before it is a gap.
    pub fn flush(&mut self, end: Option<u64>) -> Vec<Run> {
        let mut runs = Vec::new();
        while !self.held.is_empty() {
            self.skip_first_hole(&mut runs, None);
        }
        if let Some(e) = end {
            if e > self.next {
                runs.push(Run::Gap { offset: self.next, len: e - self.next });
                self.next = e;
                self.history.clear();
            }
        }
        runs
    }

    /// The peer acknowledged everything before `upto`: holes before it will not be filled.
    pub fn skip_to(&mut self, upto: u64) -> Vec<Run> {
        let mut runs = Vec::new();
        while self.next < upto {
            match self.held.keys().next() {
                Some(&s) if s < upto => self.skip_first_hole(&mut runs, None),
                _ => {
                    runs.push(Run::Gap { offset: self.next, len: upto - self.next });
                    self.next = upto;
                    self.history.clear();
                    self.release(&mut runs, None);
                }
            }
        }
        runs
    }

    /// The frames the delivered stream bytes `range` came from, with the byte range in each
    /// packet's buffer (the frame, or a reassembled IP datagram). Bounded by [`MAP_MAX`].
    pub fn frames_for(&self, range: Range<u64>) -> Vec<(u64, u16, Range<usize>)> {
        let mut v = Vec::new();
        for e in &self.map {
            let s = e.start.max(range.start);
            let t = e.end.min(range.end);
            if s < t {
                let a = e.buf_off + (s - e.start) as usize;
                let b = e.buf_off + (t - e.start) as usize;
                v.push((e.frame, e.buf, a..b));
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(frame: u64) -> Origin {
        Origin { frame, buf: 0, buf_off: 0 }
    }

    /// Concatenate what runs deliver; gaps become `None` markers.
    fn collect(out: &mut Vec<u8>, gaps: &mut u64, runs: &[Run], seg: &[u8]) {
        for r in runs {
            match r {
                Run::Current { offset, range } => {
                    assert_eq!(*offset, out.len() as u64 + *gaps);
                    out.extend_from_slice(&seg[range.clone()]);
                }
                Run::Held { offset, data } => {
                    assert_eq!(*offset, out.len() as u64 + *gaps);
                    out.extend_from_slice(data);
                }
                Run::Gap { len, .. } => *gaps += len,
            }
        }
    }

    fn stream(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn growing_prefix_every_split_any_order() {
        let s = stream(40);
        for cut in 1..s.len() {
            for cut2 in [cut, (cut + 7).min(s.len())] {
                let segs: Vec<(u64, &[u8])> =
                    vec![(0, &s[..cut]), (cut as u64, &s[cut..cut2]), (cut2 as u64, &s[cut2..])];
                for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1], [2, 0, 1]] {
                    let mut d = DirStream::default();
                    let mut out = Vec::new();
                    let mut gaps = 0;
                    for &i in &order {
                        // Each delivered twice: the duplicate must add nothing.
                        for _ in 0..2 {
                            let (off, b) = segs[i];
                            let r = d.segment(off, b, o(i as u64), 1 << 20);
                            assert!(!r.conflict);
                            collect(&mut out, &mut gaps, &r.runs, b);
                        }
                    }
                    assert_eq!(gaps, 0);
                    assert_eq!(out, s, "cut {cut} {cut2} order {order:?}");
                    assert_eq!(d.held_bytes(), 0);
                }
            }
        }
    }

    #[test]
    fn retransmission_and_conflict() {
        let s = stream(20);
        let mut d = DirStream::default();
        let r = d.segment(0, &s[..10], o(1), 100);
        assert_eq!(r.runs, vec![Run::Current { offset: 0, range: 0..10 }]);
        let r = d.segment(0, &s[..10], o(2), 100);
        assert!(r.retransmission && !r.conflict && r.runs.is_empty());
        let mut bad = s[5..15].to_vec();
        bad[0] ^= 1;
        let r = d.segment(5, &bad, o(3), 100);
        assert!(!r.retransmission && r.overlap && r.conflict);
        assert_eq!(r.runs, vec![Run::Current { offset: 10, range: 5..10 }]);
    }

    #[test]
    fn held_overlap_first_copy_wins() {
        let s = stream(30);
        let mut d = DirStream::default();
        d.segment(10, &s[10..20], o(1), 100);
        let mut alt = s[15..25].to_vec();
        alt[0] ^= 0xff;
        let r = d.segment(15, &alt, o(2), 100);
        assert!(r.conflict && r.overlap);
        assert_eq!(r.held, 5);
        let r = d.segment(0, &s[..10], o(3), 100);
        assert!(r.filled_hole);
        let mut out = Vec::new();
        let mut gaps = 0;
        collect(&mut out, &mut gaps, &r.runs, &s[..10]);
        let mut want = s[..25].to_vec();
        want[20..25].copy_from_slice(&alt[5..]);
        assert_eq!(out, want);
        assert_eq!(
            d.frames_for(0..25),
            vec![(3, 0, 0..10), (1, 0, 0..10), (2, 0, 5..10)],
            "the first copy of 15..20 is frame 1's"
        );
    }

    #[test]
    fn gaps_from_cap_flush_and_ack() {
        let s = stream(100);
        // Cap: holding 30 bytes past a hole with a cap of 20 gives the hole up.
        let mut d = DirStream::default();
        d.segment(0, &s[..10], o(1), 20);
        let r = d.segment(40, &s[40..70], o(2), 20);
        assert!(r.cap_hit);
        assert_eq!(r.runs, vec![Run::Gap { offset: 10, len: 30 }, Run::Current { offset: 40, range: 0..30 }]);
        assert_eq!(d.next(), 70);
        // Flush at FIN: the hole before held data, and the hole before the FIN.
        let mut d = DirStream::default();
        d.segment(10, &s[10..20], o(1), 100);
        let runs = d.flush(Some(30));
        assert_eq!(
            runs,
            vec![
                Run::Gap { offset: 0, len: 10 },
                Run::Held { offset: 10, data: s[10..20].to_vec() },
                Run::Gap { offset: 20, len: 10 }
            ]
        );
        // The peer ACKs past a hole.
        let mut d = DirStream::default();
        d.segment(0, &s[..5], o(1), 100);
        d.segment(8, &s[8..12], o(2), 100);
        let runs = d.skip_to(20);
        assert_eq!(
            runs,
            vec![
                Run::Gap { offset: 5, len: 3 },
                Run::Held { offset: 8, data: s[8..12].to_vec() },
                Run::Gap { offset: 12, len: 8 }
            ]
        );
        assert_eq!(d.next(), 20);
    }

    #[test]
    fn map_is_bounded() {
        let mut d = DirStream::default();
        for i in 0..(MAP_MAX as u64 + 10) {
            d.segment(i, &[1], o(i), 10);
        }
        assert_eq!(d.map.len(), MAP_MAX);
        assert_eq!(d.frames_for(0..5), vec![]);
        let last = MAP_MAX as u64 + 9;
        assert_eq!(d.frames_for(last..last + 1), vec![(last, 0, 0..1)]);
    }
}
