//! Association tracking, as tshark 4.0 does it, so that `sctp.assoc_index`, relative TSNs and
//! retransmission marks come out the same:
//!
//! - [`AssocTable`]: the association index (tshark's `sctp.association_index` preference). Each
//!   chunk is matched against known associations by ports and verification tags (both
//!   directions, INIT's initiate tag, ABORT/SHUTDOWN COMPLETE with the T bit reflecting the
//!   tag, RFC 4960 §8.5.1); the first match in newest-first order wins and may learn the
//!   other direction's tag, otherwise a new index is allocated.
//! - [`Halves`]: one half-association per (source port, destination port, verification tag),
//!   paired with the opposite direction by ports and addresses. It holds the first TSN seen
//!   (relative TSNs) and the frames each TSN was first sent in (retransmissions).
//!
//! Every table is bounded: past its cap the oldest entries go and an expert note says so.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// How a chunk presents itself to the association matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssocKey {
    pub sport: u16,
    pub dport: u16,
    /// The verification tag, unless the T bit says it is the peer's (then 0).
    pub vtag1: u32,
    /// The peer's tag when reflected (ABORT/SHUTDOWN COMPLETE with T), else 0.
    pub vtag2: u32,
    /// An INIT's initiate tag (tshark reads it from the packet's first chunk), else 0.
    pub initiate_tag: u32,
}

#[derive(Debug, Clone, Copy)]
struct AssocInfo {
    index: u16,
    direction: u8,
    sport: u16,
    dport: u16,
    vtag1: u32,
    vtag2: u32,
    initiate_tag: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Forward,
    Backward,
    ForwardAddForwardVtag,
    BackwardAddForwardVtag,
    BackwardAddBackwardVtag,
    NotFound,
}

/// tshark 4.0's `sctp_assoc_vtag_cmp`, rule for rule.
fn cmp(a: &AssocKey, b: &AssocInfo) -> Cmp {
    let same = a.sport == b.sport && a.dport == b.dport;
    let rev = a.sport == b.dport && a.dport == b.sport;
    if same && b.vtag2 != 0 && a.initiate_tag == b.vtag2 && a.initiate_tag == b.initiate_tag {
        return Cmp::Forward;
    }
    if same && a.vtag1 == b.vtag1 && a.initiate_tag == b.initiate_tag {
        return Cmp::Forward;
    }
    if same && a.vtag1 == b.vtag1 && a.vtag1 == 0 && a.initiate_tag != 0 && a.initiate_tag != b.initiate_tag {
        // Two INITs of different associations.
        return Cmp::NotFound;
    }
    if same && a.vtag1 == b.vtag1 && (a.vtag1 != 0 || b.vtag2 != 0) {
        return Cmp::Forward;
    }
    // ABORT, tag reflected.
    if same && a.vtag2 == b.vtag2 && a.vtag1 == 0 && b.vtag1 != 0 {
        return Cmp::Forward;
    }
    if rev && a.vtag1 == b.vtag2 && a.vtag1 != 0 {
        return Cmp::Backward;
    }
    if rev && a.vtag2 == b.vtag1 && a.vtag2 != 0 {
        return Cmp::Backward;
    }
    if rev && a.vtag1 == b.initiate_tag && a.vtag2 == 0 {
        return Cmp::BackwardAddBackwardVtag;
    }
    // ABORT, tag reflected.
    if rev && a.vtag2 == b.vtag1 && a.vtag1 == 0 && b.vtag2 != 0 {
        return Cmp::Backward;
    }
    if same && a.vtag1 != 0 && b.vtag1 == 0 && b.vtag2 != 0 {
        return Cmp::ForwardAddForwardVtag;
    }
    if rev && a.vtag1 == b.vtag2 && b.vtag1 == 0 {
        return Cmp::BackwardAddForwardVtag;
    }
    if rev && a.vtag1 != 0 && b.vtag1 != 0 && b.vtag2 == 0 {
        return Cmp::BackwardAddBackwardVtag;
    }
    Cmp::NotFound
}

/// The association index table.
#[derive(Debug, Default)]
pub struct AssocTable {
    /// Oldest first; searched newest first (tshark prepends to a list).
    infos: Vec<AssocInfo>,
    /// Indices into `infos` per unordered port pair, oldest first: only entries with the same
    /// two ports can match.
    by_ports: HashMap<(u16, u16), Vec<usize>>,
    next_index: u16,
}

/// Associations searched per port pair before giving up (newest first).
const MAX_SCAN: usize = 4096;

impl AssocTable {
    fn ports(k: &AssocKey) -> (u16, u16) {
        (k.sport.min(k.dport), k.sport.max(k.dport))
    }

    /// The association index of a chunk and its direction (0 = as first seen, 1 = reverse).
    /// `cap` bounds the number of associations kept; `true` in the result means it was hit.
    pub fn find(&mut self, key: &AssocKey, cap: usize) -> (u16, u8, bool) {
        let ports = Self::ports(key);
        if let Some(list) = self.by_ports.get(&ports) {
            for &i in list.iter().rev().take(MAX_SCAN) {
                let Some(info) = self.infos.get_mut(i) else { continue };
                match cmp(key, info) {
                    Cmp::NotFound => continue,
                    Cmp::BackwardAddBackwardVtag => {
                        info.vtag2 = key.vtag1;
                        info.direction = 1;
                        return (info.index, 1, false);
                    }
                    Cmp::Backward => return (info.index, 1, false),
                    c => {
                        if matches!(c, Cmp::ForwardAddForwardVtag | Cmp::BackwardAddForwardVtag) {
                            info.vtag1 = key.vtag1;
                        }
                        info.direction = if matches!(c, Cmp::Forward | Cmp::ForwardAddForwardVtag) { 0 } else { 1 };
                        return (info.index, info.direction, false);
                    }
                }
            }
        }
        let mut evicted = false;
        if self.infos.len() >= cap.max(1) {
            // Keep the newer half and rebuild the port index.
            let keep = self.infos.split_off(self.infos.len() / 2);
            self.infos = keep;
            self.by_ports.clear();
            for (i, inf) in self.infos.iter().enumerate() {
                self.by_ports.entry((inf.sport.min(inf.dport), inf.sport.max(inf.dport))).or_default().push(i);
            }
            evicted = true;
        }
        let index = self.next_index;
        self.next_index = self.next_index.wrapping_add(1);
        self.infos.push(AssocInfo {
            index,
            direction: 0,
            sport: key.sport,
            dport: key.dport,
            vtag1: key.vtag1,
            vtag2: key.vtag2,
            initiate_tag: key.initiate_tag,
        });
        self.by_ports.entry(ports).or_default().push(self.infos.len() - 1);
        (index, 0, evicted)
    }

    /// Associations currently known.
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }
}

/// Identifier of a half-association in [`Halves`].
pub type HalfId = usize;

/// What is known of one TSN sent in a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TsnInfo {
    pub tsn: u32,
    pub first_frame: u64,
    pub first_ts: (i64, u32),
    /// The frame whose SACK first acknowledged it (0: not yet).
    pub ack_frame: u64,
    pub ack_ts: (i64, u32),
}

#[derive(Debug, Default)]
pub struct Half {
    pub started: bool,
    pub first_tsn: u32,
    pub peer: Option<HalfId>,
    /// Relative TSN -> what is known of it.
    tsns: BTreeMap<u32, TsnInfo>,
    /// The relative TSN the next cumulative ack starts from (tshark's `cumm_ack`).
    cumm_ack: u32,
    /// The frame of the latest acknowledgements and the TSNs they acked, in order.
    acks_frame: u64,
    acks: Vec<u32>,
}

/// TSNs remembered per half-association for retransmission detection.
pub const MAX_TSNS_PER_HALF: usize = 1 << 16;
/// TSNs remembered across all half-associations; past this every table is emptied (the
/// analysis restarts) and the caller reports it.
pub const MAX_TSNS_TOTAL: usize = 1 << 20;

/// Half-associations, tshark's `get_half_assoc`.
#[derive(Debug, Default)]
pub struct Halves {
    halves: Vec<Half>,
    by_tag: HashMap<(u16, u16, u32), HalfId>,
    /// (ports, address) -> a half waiting for its peer (None once paired, as in tshark).
    by_addr: HashMap<(u16, u16, Option<IpAddr>), Option<HalfId>>,
    /// TSNs held in all `tsns` tables together.
    total_tsns: usize,
}

impl Halves {
    /// The half for this direction and tag (tag 0 has none), pairing it with its peer when
    /// the opposite direction has been seen between the same addresses. The flag says whether
    /// the table was full and restarted.
    pub fn get(
        &mut self,
        sport: u16,
        dport: u16,
        vtag: u32,
        src: Option<IpAddr>,
        dst: Option<IpAddr>,
        cap: usize,
    ) -> (Option<HalfId>, bool) {
        if vtag == 0 {
            return (None, false);
        }
        let mut restarted = false;
        let id = match self.by_tag.get(&(sport, dport, vtag)) {
            Some(&id) => {
                if self.halves.get(id).is_some_and(|h| h.peer.is_some()) {
                    return (Some(id), false);
                }
                id
            }
            None => {
                if self.halves.len() >= cap.max(1) {
                    *self = Halves::default();
                    restarted = true;
                }
                self.halves.push(Half::default());
                let id = self.halves.len() - 1;
                self.by_tag.insert((sport, dport, vtag), id);
                id
            }
        };
        match self.by_addr.get_mut(&(dport, sport, dst)) {
            Some(slot) => match *slot {
                None => *slot = Some(id),
                Some(other) => {
                    if let Some(h) = self.halves.get_mut(id) {
                        h.peer = Some(other);
                    }
                    if let Some(h) = self.halves.get_mut(other) {
                        h.peer = Some(id);
                    }
                    *slot = None;
                }
            },
            None => {
                self.by_addr.insert((sport, dport, src), Some(id));
            }
        }
        (Some(id), restarted)
    }

    pub fn half(&self, id: HalfId) -> Option<&Half> {
        self.halves.get(id)
    }

    pub fn half_mut(&mut self, id: HalfId) -> Option<&mut Half> {
        self.halves.get_mut(id)
    }

    /// The peer's first TSN, when the half has a peer (0 if the peer has sent no DATA yet).
    pub fn peer_first_tsn(&self, id: HalfId) -> Option<u32> {
        let p = self.halves.get(id)?.peer?;
        Some(self.halves.get(p).map(|h| h.first_tsn).unwrap_or(0))
    }

    /// Record a DATA TSN; returns what is known of it, whether this frame retransmits it, and
    /// whether the TSN tables were full and emptied.
    pub fn tsn_seen(&mut self, id: HalfId, tsn: u32, frame: u64, ts: (i64, u32)) -> Option<(TsnInfo, bool, bool)> {
        let mut flushed = false;
        if self.total_tsns >= MAX_TSNS_TOTAL {
            for h in &mut self.halves {
                h.tsns.clear();
                h.acks.clear();
            }
            self.total_tsns = 0;
            flushed = true;
        }
        let h = self.halves.get_mut(id)?;
        if !h.started {
            h.first_tsn = tsn;
            h.started = true;
        }
        let rel = tsn.wrapping_sub(h.first_tsn);
        let before = h.tsns.len();
        let t = *h.tsns.entry(rel).or_insert(TsnInfo { tsn, first_frame: frame, first_ts: ts, ..TsnInfo::default() });
        while h.tsns.len() > MAX_TSNS_PER_HALF {
            h.tsns.pop_first();
        }
        self.total_tsns = self.total_tsns + h.tsns.len() - before.min(h.tsns.len());
        Some((t, t.first_frame != frame, flushed))
    }

    /// A SACK from half `id` acknowledging its peer's TSNs up to `end` (cumulatively when
    /// `start` is None, else the gap block `start..=end`), as tshark's `sctp_ack_block`: the TSNs
    /// this frame is the first to acknowledge, to show under the ack.
    pub fn ack_block(&mut self, id: HalfId, start: Option<u32>, end: u32, frame: u64, ts: (i64, u32)) -> Vec<TsnInfo> {
        let Some(p) = self.halves.get(id).and_then(|h| h.peer) else { return Vec::new() };
        let Some(peer) = self.halves.get_mut(p) else { return Vec::new() };
        if !peer.started {
            return Vec::new();
        }
        let rel_end = end.wrapping_sub(peer.first_tsn);
        let rel_start = match start {
            Some(s) => s.wrapping_sub(peer.first_tsn),
            None => peer.cumm_ack,
        };
        if peer.acks_frame == frame && !peer.acks.is_empty() {
            // Acks already made in this frame: show those in range, make no new ones.
            return peer
                .acks
                .iter()
                .filter_map(|r| peer.tsns.get(r))
                .filter(|t| {
                    let tsn = t.tsn.wrapping_sub(peer.first_tsn);
                    t.ack_frame == frame && (start.is_none() || rel_start <= tsn) && tsn <= rel_end
                })
                .copied()
                .collect();
        }
        if rel_end < rel_start || rel_end - rel_start > 0xffff_0000 {
            return Vec::new();
        }
        if start.is_none() {
            peer.cumm_ack = rel_end.wrapping_add(1);
        }
        let mut out = Vec::new();
        if rel_end - rel_start < 5000 {
            for rel in rel_start..=rel_end {
                if let Some(t) = peer.tsns.get_mut(&rel) {
                    if t.ack_frame == 0 {
                        t.ack_frame = frame;
                        t.ack_ts = ts;
                        if peer.acks_frame != frame {
                            peer.acks_frame = frame;
                            peer.acks.clear();
                        }
                        peer.acks.push(rel);
                    }
                    if t.ack_frame == frame {
                        out.push(*t);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(vtag1: u32, vtag2: u32, it: u32) -> AssocKey {
        AssocKey { sport: 5000, dport: 5000, vtag1, vtag2, initiate_tag: it }
    }

    #[test]
    fn aiortc_sequence_matches_tshark() {
        // The chunks of aiortc-sctp-chunks.pcap in order; tshark 4.0 with
        // -o sctp.association_index:TRUE prints 0 0 1 1 - - 1 1 2 2 2 3 3 4 4 5 5
        // (frames 5 and 6 are malformed and show none; frame 5 still goes through the matcher).
        let mut t = AssocTable::default();
        let seq = [
            (k(0xe05957c2, 0, 0), Some(0)),
            (k(0x3df2428d, 0, 0), Some(0)),
            (k(0x0fc0f8a1, 0, 0), Some(1)),
            (k(0x0fc0f8a1, 0, 0), Some(1)),
            (k(0, 0, 0), None),
            (k(0xe05957c2, 0, 0), Some(1)),
            (k(0x0fc0f8a1, 0, 0), Some(1)),
            (k(0xb8c77f65, 0, 0), Some(2)),
            (k(0, 0, 0x24521703), Some(2)),
            (k(0x3039, 0, 0x24521703), Some(2)),
            (k(0xe90d96fe, 0, 0), Some(3)),
            (k(0xc8e86e6b, 0, 0), Some(3)),
            (k(0xb1bf7efd, 0, 0), Some(4)),
            (k(0xf71faf4b, 0, 0), Some(4)),
            (k(0xef9c1872, 0, 0), Some(5)),
            (k(0, 0, 0), Some(5)),
        ];
        for (i, (key, want)) in seq.iter().enumerate() {
            let (idx, _, _) = t.find(key, 1000);
            if let Some(w) = want {
                assert_eq!(idx, *w, "chunk {i}");
            }
        }
    }

    #[test]
    fn handshake_is_one_association_both_ways() {
        // INIT (tag 0, initiate tag A), INIT ACK (tag A), COOKIE ECHO (tag B), COOKIE ACK (tag A).
        let mut t = AssocTable::default();
        let init = AssocKey { sport: 1, dport: 2, vtag1: 0, vtag2: 0, initiate_tag: 0xaaaa };
        let ack = AssocKey { sport: 2, dport: 1, vtag1: 0xaaaa, vtag2: 0, initiate_tag: 0 };
        let echo = AssocKey { sport: 1, dport: 2, vtag1: 0xbbbb, vtag2: 0, initiate_tag: 0 };
        assert_eq!(t.find(&init, 10), (0, 0, false));
        assert_eq!(t.find(&ack, 10), (0, 1, false));
        assert_eq!(t.find(&echo, 10).0, 0);
        assert_eq!(t.find(&ack, 10).0, 0);
        // A second association on other ports.
        let other = AssocKey { sport: 3, dport: 2, vtag1: 0, vtag2: 0, initiate_tag: 0xcccc };
        assert_eq!(t.find(&other, 10).0, 1);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn association_cap_evicts() {
        let mut t = AssocTable::default();
        for i in 0..10u32 {
            let key = AssocKey { sport: 1, dport: 2, vtag1: 0, vtag2: 0, initiate_tag: i + 1 };
            let (_, _, ev) = t.find(&key, 4);
            assert_eq!(ev, i == 4 || i == 6 || i == 8);
        }
        assert!(t.len() <= 4);
    }

    #[test]
    fn halves_pair_by_address_and_track_tsns() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let mut h = Halves::default();
        assert_eq!(h.get(1, 2, 0, Some(a), Some(b), 10), (None, false));
        let (x, _) = h.get(1, 2, 7, Some(a), Some(b), 10);
        let (y, _) = h.get(2, 1, 9, Some(b), Some(a), 10);
        let (x, y) = (x.unwrap(), y.unwrap());
        assert_eq!(h.half(x).unwrap().peer, Some(y));
        assert_eq!(h.half(y).unwrap().peer, Some(x));
        assert_eq!(h.peer_first_tsn(y), Some(0));
        let seen = |h: &mut Halves, tsn, frame| {
            h.tsn_seen(x, tsn, frame, (frame as i64, 0)).map(|(t, r, _)| (t.first_frame, r))
        };
        assert_eq!(seen(&mut h, 1000, 5), Some((5, false)));
        assert_eq!(h.peer_first_tsn(y), Some(1000));
        assert_eq!(seen(&mut h, 1001, 6), Some((6, false)));
        assert_eq!(seen(&mut h, 1000, 6), Some((5, true)));
        // The same TSN twice in one frame is not a retransmission.
        assert_eq!(seen(&mut h, 1001, 6), Some((6, false)));
        // y's SACK acknowledges both (relative 0 and 1), once.
        let acked = h.ack_block(y, None, 1001, 7, (7, 0));
        assert_eq!(
            acked.iter().map(|t| (t.tsn, t.first_frame, t.ack_frame)).collect::<Vec<_>>(),
            [(1000, 5, 7), (1001, 6, 7)]
        );
        assert!(h.ack_block(y, None, 1001, 8, (8, 0)).is_empty());
    }
}
