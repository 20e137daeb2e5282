//! User message reassembly (RFC 4960 §6.9 for DATA, RFC 8260 §2.1 for I-DATA).
//!
//! Fragments are grouped per direction (source port, destination port, verification tag) and
//! per message: stream and stream sequence number for ordered DATA (RFC 4960 §6.6), stream and
//! the U bit for unordered DATA (whose SSN is meaningless, so several messages share a group and
//! are told apart by their B and E bits in TSN order), stream, MID and U bit for I-DATA (ordered
//! by FSN, the first fragment having FSN 0). A message is complete when a B fragment, an E
//! fragment and every sequence number between them are present; fragments may come in any
//! order, and one already held is a duplicate.
//!
//! Every buffer is bounded: a message by `max_message` bytes, a direction by
//! [`MAX_PARTIALS`] partial messages and [`MAX_FRAGMENTS`] fragments, all directions together by
//! `max_directions` and [`MAX_TOTAL_FACTOR`] × `max_message` bytes. Hitting a bound drops the
//! state concerned and is reported as an [`Outcome::CapHit`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Partial messages one direction may hold.
pub const MAX_PARTIALS: usize = 4096;
/// Fragments one direction may hold.
pub const MAX_FRAGMENTS: usize = 65_536;
/// All pending fragment bytes together may not exceed this many times the message cap.
pub const MAX_TOTAL_FACTOR: usize = 16;

/// Which message a fragment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MsgKey {
    pub stream: u16,
    /// SSN for ordered DATA, 0 for unordered DATA, the MID for I-DATA.
    pub seq: u32,
    pub unordered: bool,
    pub idata: bool,
}

/// A direction of an association: source port, destination port, verification tag.
pub type DirKey = (u16, u16, u32);

#[derive(Debug, Clone)]
struct Frag {
    frame: u64,
    ppid: u32,
    data: Vec<u8>,
}

/// The fragments of one message key. Positions are sequence numbers (TSN or FSN) minus
/// `anchor`, chosen so that the first one lands mid-range and wrap-around keeps its order.
#[derive(Debug, Default)]
struct Group {
    frags: BTreeMap<u32, Frag>,
    /// Maximal runs of consecutive positions held: start -> end (inclusive).
    runs: BTreeMap<u32, u32>,
    begins: BTreeSet<u32>,
    ends: BTreeSet<u32>,
    anchor: u32,
    bytes: usize,
}

impl Group {
    fn run_of(&self, pos: u32) -> Option<(u32, u32)> {
        self.runs.range(..=pos).next_back().map(|(&s, &e)| (s, e)).filter(|&(_, e)| e >= pos)
    }

    fn insert_pos(&mut self, pos: u32) {
        let left = pos.checked_sub(1).and_then(|p| self.run_of(p)).filter(|&(_, e)| e + 1 == pos);
        let right = pos.checked_add(1).and_then(|p| self.runs.get(&p).map(|&e| (p, e)));
        let start = match left {
            Some((s, _)) => s,
            None => pos,
        };
        let end = match right {
            Some((s, e)) => {
                self.runs.remove(&s);
                e
            }
            None => pos,
        };
        self.runs.insert(start, end);
    }

    fn remove_span(&mut self, b: u32, e: u32) {
        if let Some((s, end)) = self.run_of(b) {
            self.runs.remove(&s);
            if s < b {
                self.runs.insert(s, b - 1);
            }
            if e < end {
                self.runs.insert(e + 1, end);
            }
        }
    }

    /// The complete message around `pos`: the nearest B at or before it and the nearest E at or
    /// after it, inside one run, with no other B or E between them.
    fn complete_around(&self, pos: u32) -> Option<(u32, u32)> {
        let (s, end) = self.run_of(pos)?;
        let b = *self.begins.range(s..=pos).next_back()?;
        let e = *self.ends.range(pos..=end).next()?;
        let more_b = b < e && self.begins.range(b + 1..=e).next().is_some();
        let more_e = b < e && self.ends.range(b..e).next().is_some();
        (!more_b && !more_e).then_some((b, e))
    }
}

#[derive(Debug, Default)]
struct Dir {
    groups: HashMap<MsgKey, Group>,
    fragments: usize,
    last_used: u64,
}

/// A reassembled message.
#[derive(Debug, Clone)]
pub struct Message {
    pub data: Arc<[u8]>,
    /// PPID of the first fragment.
    pub ppid: u32,
    /// (frame, byte length) of each fragment, in order.
    pub fragments: Vec<(u64, usize)>,
    /// Sequence number span (last - first + 1), as tshark counts fragments.
    pub span: u32,
}

/// What adding a fragment did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Held; the message is not complete yet.
    Pending,
    /// The message is complete.
    Complete(Message),
    /// The same sequence number is already held, from this frame.
    Duplicate { first_frame: u64 },
    /// A bound was hit; the message (or this direction's state) was dropped, and the fragment
    /// with it.
    CapHit(String),
    /// Nothing to hold (an empty fragment).
    Ignored,
}

/// All directions' partial messages.
#[derive(Debug, Default)]
pub struct Reassembly {
    dirs: HashMap<DirKey, Dir>,
    total_bytes: usize,
}

/// One fragment to add.
#[derive(Debug, Clone, Copy)]
pub struct FragIn<'a> {
    pub dir: DirKey,
    pub key: MsgKey,
    /// TSN for DATA, FSN for I-DATA (0 for the first fragment).
    pub seq: u32,
    pub begin: bool,
    pub end: bool,
    pub ppid: u32,
    pub frame: u64,
    pub data: &'a [u8],
}

/// The bounds in force.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub max_message: usize,
    pub max_directions: usize,
}

impl Reassembly {
    /// Bytes held across all directions.
    pub fn pending_bytes(&self) -> usize {
        self.total_bytes
    }

    /// Partial messages held in a direction.
    pub fn partials(&self, dir: &DirKey) -> usize {
        self.dirs.get(dir).map(|d| d.groups.len()).unwrap_or(0)
    }

    fn drop_group(&mut self, dir: &DirKey, key: &MsgKey) {
        if let Some(d) = self.dirs.get_mut(dir) {
            if let Some(g) = d.groups.remove(key) {
                d.fragments -= g.frags.len();
                self.total_bytes -= g.bytes;
            }
            if d.groups.is_empty() {
                self.dirs.remove(dir);
            }
        }
    }

    fn drop_dir(&mut self, dir: &DirKey) {
        if let Some(d) = self.dirs.remove(dir) {
            self.total_bytes -= d.groups.values().map(|g| g.bytes).sum::<usize>();
        }
    }

    /// Add a fragment. The second value reports an eviction of another direction's state
    /// (the flow cap) that this fragment caused.
    pub fn add(&mut self, f: FragIn<'_>, caps: Caps) -> (Outcome, Option<String>) {
        if f.data.is_empty() {
            return (Outcome::Ignored, None);
        }
        let mut note = None;
        if !self.dirs.contains_key(&f.dir) && self.dirs.len() >= caps.max_directions.max(1) {
            if let Some(old) = self.dirs.iter().min_by_key(|(_, d)| d.last_used).map(|(k, _)| *k) {
                self.drop_dir(&old);
            }
            note = Some(format!(
                "SCTP reassembly: {} directions hold partial messages (the flow cap); the least recently used one was dropped",
                caps.max_directions
            ));
        }
        (self.add_inner(f, caps), note)
    }

    fn add_inner(&mut self, f: FragIn<'_>, caps: Caps) -> Outcome {
        let global = caps.max_message.saturating_mul(MAX_TOTAL_FACTOR);
        let d = self.dirs.entry(f.dir).or_default();
        d.last_used = f.frame;
        if !d.groups.contains_key(&f.key) {
            if d.groups.len() >= MAX_PARTIALS {
                let n = d.groups.len();
                return Outcome::CapHit(format!(
                    "SCTP reassembly: {n} partial messages in this direction (cap {MAX_PARTIALS}); fragment not kept"
                ));
            }
            d.groups.insert(f.key, Group { anchor: f.seq.wrapping_sub(1 << 31), ..Group::default() });
        }
        let Some(g) = d.groups.get_mut(&f.key) else { return Outcome::Ignored };
        let pos = f.seq.wrapping_sub(g.anchor);
        if let Some(old) = g.frags.get(&pos) {
            if old.frame == f.frame {
                return Outcome::Pending;
            }
            return Outcome::Duplicate { first_frame: old.frame };
        }
        if g.bytes.saturating_add(f.data.len()) > caps.max_message {
            let held = g.bytes;
            self.drop_group(&f.dir, &f.key);
            return Outcome::CapHit(format!(
                "SCTP reassembly: message would exceed {} bytes ({} held + {}); its fragments were dropped",
                caps.max_message,
                held,
                f.data.len()
            ));
        }
        if d.fragments >= MAX_FRAGMENTS {
            let dir = f.dir;
            self.drop_dir(&dir);
            return Outcome::CapHit(format!(
                "SCTP reassembly: {MAX_FRAGMENTS} fragments held in this direction; its partial messages were dropped"
            ));
        }
        if self.total_bytes.saturating_add(f.data.len()) > global {
            let dir = f.dir;
            self.drop_dir(&dir);
            return Outcome::CapHit(format!(
                "SCTP reassembly: {global} bytes held in all; this direction's partial messages were dropped"
            ));
        }
        g.frags.insert(pos, Frag { frame: f.frame, ppid: f.ppid, data: f.data.to_vec() });
        g.insert_pos(pos);
        if f.begin {
            g.begins.insert(pos);
        }
        if f.end {
            g.ends.insert(pos);
        }
        g.bytes += f.data.len();
        d.fragments += 1;
        self.total_bytes += f.data.len();

        let Some((b, e)) = g.complete_around(pos) else { return Outcome::Pending };
        let parts: Vec<Frag> = (b..=e).filter_map(|p| g.frags.remove(&p)).collect();
        g.remove_span(b, e);
        g.begins.remove(&b);
        g.ends.remove(&e);
        let freed: usize = parts.iter().map(|p| p.data.len()).sum();
        g.bytes -= freed;
        d.fragments -= parts.len();
        self.total_bytes -= freed;
        let empty = g.frags.is_empty();
        if empty {
            self.drop_group(&f.dir, &f.key);
        }
        let mut data = Vec::with_capacity(freed);
        let mut fragments = Vec::with_capacity(parts.len());
        for p in &parts {
            data.extend_from_slice(&p.data);
            fragments.push((p.frame, p.data.len()));
        }
        let ppid = parts.first().map(|p| p.ppid).unwrap_or(0);
        Outcome::Complete(Message { data: Arc::from(data), ppid, fragments, span: e - b + 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: Caps = Caps { max_message: 1 << 20, max_directions: 8 };

    fn frag(tsn: u32, begin: bool, end: bool, frame: u64, data: &[u8]) -> FragIn<'_> {
        FragIn {
            dir: (1, 2, 3),
            key: MsgKey { stream: 0, seq: 5, unordered: false, idata: false },
            seq: tsn,
            begin,
            end,
            ppid: 9,
            frame,
            data,
        }
    }

    impl Reassembly {
        fn add1(&mut self, f: FragIn<'_>, caps: Caps) -> Outcome {
            self.add(f, caps).0
        }
    }

    fn complete(o: Outcome) -> Message {
        match o {
            Outcome::Complete(m) => m,
            other => panic!("not complete: {other:?}"),
        }
    }

    #[test]
    fn in_order() {
        let mut r = Reassembly::default();
        assert!(matches!(r.add1(frag(10, true, false, 1, b"ab"), CAPS), Outcome::Pending));
        assert!(matches!(r.add1(frag(11, false, false, 2, b"cd"), CAPS), Outcome::Pending));
        let m = complete(r.add1(frag(12, false, true, 3, b"e"), CAPS));
        assert_eq!(&m.data[..], b"abcde");
        assert_eq!(m.fragments, vec![(1, 2), (2, 2), (3, 1)]);
        assert_eq!(m.span, 3);
        assert_eq!(m.ppid, 9);
        assert_eq!(r.pending_bytes(), 0);
        assert_eq!(r.partials(&(1, 2, 3)), 0);
    }

    #[test]
    fn out_of_order_and_duplicates() {
        let mut r = Reassembly::default();
        assert!(matches!(r.add1(frag(12, false, true, 1, b"e"), CAPS), Outcome::Pending));
        assert!(matches!(r.add1(frag(10, true, false, 2, b"ab"), CAPS), Outcome::Pending));
        assert!(matches!(r.add1(frag(10, true, false, 3, b"ab"), CAPS), Outcome::Duplicate { first_frame: 2 }));
        let m = complete(r.add1(frag(11, false, false, 4, b"cd"), CAPS));
        assert_eq!(&m.data[..], b"abcde");
        assert_eq!(m.fragments, vec![(2, 2), (4, 2), (1, 1)]);
    }

    #[test]
    fn tsn_wrap() {
        let mut r = Reassembly::default();
        assert!(matches!(r.add1(frag(u32::MAX, true, false, 1, b"a"), CAPS), Outcome::Pending));
        let m = complete(r.add1(frag(0, false, true, 2, b"b"), CAPS));
        assert_eq!(&m.data[..], b"ab");
        assert_eq!(m.span, 2);
    }

    #[test]
    fn unordered_messages_share_a_group() {
        // Two unordered messages of one stream, interleaved by TSN: 1..2 and 3..4.
        let mut r = Reassembly::default();
        let u = |tsn, b, e, fr, d| {
            let mut f = frag(tsn, b, e, fr, d);
            f.key = MsgKey { stream: 0, seq: 0, unordered: true, idata: false };
            f
        };
        assert!(matches!(r.add1(u(3, true, false, 1, b"x"), CAPS), Outcome::Pending));
        assert!(matches!(r.add1(u(2, false, true, 2, b"b"), CAPS), Outcome::Pending));
        let m = complete(r.add1(u(1, true, false, 3, b"a"), CAPS));
        assert_eq!(&m.data[..], b"ab");
        let m = complete(r.add1(u(4, false, true, 4, b"y"), CAPS));
        assert_eq!(&m.data[..], b"xy");
        assert_eq!(r.pending_bytes(), 0);
    }

    #[test]
    fn caps() {
        let caps = Caps { max_message: 4, max_directions: 1 };
        let mut r = Reassembly::default();
        assert!(matches!(r.add1(frag(1, true, false, 1, b"abc"), caps), Outcome::Pending));
        assert!(matches!(r.add1(frag(2, false, false, 2, b"de"), caps), Outcome::CapHit(_)));
        assert_eq!(r.pending_bytes(), 0);
        // A second direction evicts the first.
        assert!(matches!(r.add1(frag(1, true, false, 3, b"a"), caps), Outcome::Pending));
        let mut other = frag(1, true, false, 4, b"a");
        other.dir = (9, 9, 9);
        let (o, note) = r.add(other, caps);
        assert!(matches!(o, Outcome::Pending));
        assert!(note.is_some());
        assert_eq!(r.pending_bytes(), 1);
        assert!(matches!(r.add1(frag(1, true, false, 5, b""), caps), Outcome::Ignored));
    }
}
