//! tshark's TCP SEQ/ACK analysis (`tcp.analysis.*`): per-direction bookkeeping of what was sent
//! and acknowledged, and the classification of each segment as a retransmission, out-of-order
//! segment, lost segment, duplicate ACK, keep-alive, window update and so on.
//!
//! The rules are Wireshark 4.0's (`tcp_analyze_sequence_number` in `packet-tcp.c`), applied in
//! the same order with the same state, so the flags, `acks_frame`, `ack_rtt`, `bytes_in_flight`
//! and `push_bytes_sent` agree with tshark frame by frame. They are heuristics over what was
//! captured, not TCP's own rules (RFC 9293 §3.10.7.4 decides what a receiver accepts; RFC 5681
//! §2 defines duplicate ACKs, keep-alives are RFC 9293 §3.8.4, zero-window probes §3.8.6.1).
//! Their quirks are kept on purpose: sequence numbers are raw 32-bit values with 0 meaning
//! "not known yet", comparisons wrap like `GT_SEQ`/`LT_SEQ`, the out-of-order threshold is the
//! handshake RTT (3 ms before one is known), and a fast retransmission needs two duplicate ACKs
//! within 20 ms. Where the 4.0 source differs from later versions, tshark 4.0.17's output on
//! generated captures decided: an "ACKed unseen segment" moves the other direction's mark when
//! it is behind the highest sequence number seen, and otherwise is reported once per stall, the
//! stalled duplicate-ACK counter (-1 in an unsigned field) also passing the fast-retransmission
//! test.
//!
//! Memory: each direction keeps at most [`MAX_UNACKED`] unacknowledged segments (tshark's
//! `TCP_MAX_UNACKED_SEGMENTS`); past that, segments are not recorded, as in tshark. The caller
//! also bounds the total over all connections with a shared budget.

use std::collections::VecDeque;

use crate::net::tcp::flag;

/// Unacknowledged segments one direction remembers (tshark's `TCP_MAX_UNACKED_SEGMENTS`).
pub const MAX_UNACKED: usize = 10_000;

/// tshark's `TCP_A_*` analysis flags.
pub mod af {
    pub const RETRANSMISSION: u16 = 0x0001;
    pub const LOST_PACKET: u16 = 0x0002;
    pub const ACK_LOST_PACKET: u16 = 0x0004;
    pub const KEEP_ALIVE: u16 = 0x0008;
    pub const DUPLICATE_ACK: u16 = 0x0010;
    pub const ZERO_WINDOW: u16 = 0x0020;
    pub const ZERO_WINDOW_PROBE: u16 = 0x0040;
    pub const ZERO_WINDOW_PROBE_ACK: u16 = 0x0080;
    pub const KEEP_ALIVE_ACK: u16 = 0x0100;
    pub const OUT_OF_ORDER: u16 = 0x0200;
    pub const FAST_RETRANSMISSION: u16 = 0x0400;
    pub const WINDOW_UPDATE: u16 = 0x0800;
    pub const WINDOW_FULL: u16 = 0x1000;
    pub const REUSED_PORTS: u16 = 0x2000;
    pub const SPURIOUS_RETRANSMISSION: u16 = 0x4000;
}

/// Seconds and nanoseconds, as frames carry them.
pub type Time = (i64, u32);

fn ns(t: Time) -> i128 {
    i128::from(t.0) * 1_000_000_000 + i128::from(t.1)
}

/// `a - b`, negative when the capture's time goes backwards (seconds are the floor, so
/// -0.5 s is `(-1, 500_000_000)`, which the field writer prints as `-0.500000000`).
pub fn delta(a: Time, b: Time) -> Time {
    let d = ns(a) - ns(b);
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

pub fn is_zero(t: Time) -> bool {
    t == (0, 0)
}

/// tshark's `GT_SEQ(x, y)`: x after y, modulo 2^32.
fn gt(x: u32, y: u32) -> bool {
    (y.wrapping_sub(x) as i32) < 0
}

/// `LT_SEQ(x, y)`.
fn lt(x: u32, y: u32) -> bool {
    (x.wrapping_sub(y) as i32) < 0
}

/// `LE_SEQ(x, y)`.
fn le(x: u32, y: u32) -> bool {
    (x.wrapping_sub(y) as i32) <= 0
}

/// Nanoseconds from `b` to `a` as tshark computes them into a `guint64`: a negative difference
/// becomes huge, so "within N ns" tests fail for it.
fn elapsed(a: Time, b: Time) -> u64 {
    let d = ns(a) - ns(b);
    if d < 0 {
        u64::MAX
    } else {
        u64::try_from(d).unwrap_or(u64::MAX)
    }
}

/// The duplicate-ACK count after an "ACKed unseen segment" while stalled: tshark stores -1 in
/// an unsigned counter, so it also passes the ">= 2 duplicate ACKs" test of a fast
/// retransmission (observed with tshark 4.0.17).
const STALLED: u32 = u32::MAX;

/// A segment not yet acknowledged (tshark's `tcp_unacked_t`).
#[derive(Debug, Clone, Copy)]
struct Unacked {
    frame: u64,
    seq: u32,
    nextseq: u32,
    ts: Time,
}

/// SACK blocks one direction reported in its last segment (relative edges; only the lengths
/// matter). tshark keeps the first three blocks of an option.
pub const MAX_SACK: usize = 3;

/// One direction's analysis state (tshark's `tcp_analyze_seq_flow_info_t` and the window,
/// flags and bytes-in-flight members of `tcp_flow_t`).
#[derive(Debug)]
pub struct Flow {
    /// Highest sequence number seen plus one (0 = nothing seen yet).
    pub nextseq: u32,
    nextseqframe: u64,
    nextseqtime: Time,
    /// Highest contiguous sequence number seen, for "ACKed unseen segment".
    maxseqtobeacked: u32,
    /// The acknowledgment field of this direction's last segment (raw, ACK flag or not).
    lastack: u32,
    lastacktime: Time,
    lastnondupack: u64,
    /// Duplicate ACKs in a row; [`STALLED`] once the other direction acknowledged unseen data
    /// while this one was stalled.
    dupacknum: u32,
    /// Newest first.
    segments: VecDeque<Unacked>,
    /// The raw window of this direction's last segment (`u32::MAX` before one).
    pub window: u32,
    /// Window scale shift: -1 unknown, -2 no scaling, else the shift (tshark's `win_scale`).
    pub win_scale: i8,
    /// A SYN was sent and no pure ACK yet (the window is not scaled then).
    pub is_first_ack: bool,
    lastsegmentflags: u16,
    valid_bif: bool,
    push_bytes_sent: u32,
    push_set_last: bool,
    sack: [(u32, u32); MAX_SACK],
    num_sack: usize,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            nextseq: 0,
            nextseqframe: 0,
            nextseqtime: (0, 0),
            maxseqtobeacked: 0,
            lastack: 0,
            lastacktime: (0, 0),
            lastnondupack: 0,
            dupacknum: 0,
            segments: VecDeque::new(),
            window: u32::MAX,
            win_scale: -1,
            is_first_ack: false,
            lastsegmentflags: 0,
            valid_bif: true,
            push_bytes_sent: 0,
            push_set_last: false,
            sack: [(0, 0); MAX_SACK],
            num_sack: 0,
        }
    }
}

impl Flow {
    /// Segments remembered (for the shared memory budget).
    pub fn unacked(&self) -> usize {
        self.segments.len()
    }

    /// A new segment of this direction begins: its SACK blocks are not known yet.
    pub fn clear_sack(&mut self) {
        self.num_sack = 0;
    }

    /// Record a SACK block of this direction's current segment.
    pub fn add_sack(&mut self, index: usize, le: u32, re: u32) {
        if index < MAX_SACK {
            self.sack[index] = (le, re);
            self.num_sack = index + 1;
        }
    }

    /// A pure SYN with the ISN already known: tshark restarts the flow's next expected
    /// sequence number from the highest contiguous one (issue 17616).
    pub fn restart_nextseq(&mut self) {
        self.nextseq = self.maxseqtobeacked;
    }
}

/// What the analysis says about one frame (tshark's `tcp_acked`). `present` is whether tshark
/// would have created it, which decides whether `tcp.analysis` is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acked {
    pub present: bool,
    pub flags: u16,
    pub frame_acked: u64,
    pub ack_rtt: Time,
    pub rto: Time,
    pub rto_frame: u64,
    pub dupack_num: u32,
    pub dupack_frame: u64,
    pub bytes_in_flight: u32,
    pub push_bytes_sent: u32,
}

impl Acked {
    fn set(&mut self, f: u16) {
        self.present = true;
        self.flags |= f;
    }
}

/// One segment as the analysis sees it: raw header values and the payload length.
#[derive(Debug, Clone, Copy)]
pub struct Seg {
    pub frame: u64,
    pub ts: Time,
    pub seq: u32,
    pub ack: u32,
    pub seglen: u32,
    pub flags: u16,
    /// The raw (unscaled) window field.
    pub window: u32,
}

/// Connection-wide inputs.
#[derive(Debug, Clone, Copy)]
pub struct ConnInfo {
    /// Base sequence number of the sending direction (relative 0).
    pub fwd_base: u32,
    /// The handshake RTT, zero while unknown.
    pub first_rtt: Time,
    /// Whether another unacknowledged segment may be recorded (the shared budget).
    pub may_record: bool,
}

const SYN_FIN_RST: u16 = flag::SYN | flag::FIN | flag::RST;

/// Analyse segment `s` sent by `fwd` to `rev`, updating both, and fill `ta`.
pub fn analyze(fwd: &mut Flow, rev: &mut Flow, c: &ConnInfo, s: &Seg, ta: &mut Acked) {
    let (seq, ack, seglen, flags, window) = (s.seq, s.ack, s.seglen, s.flags, s.window);
    let no_sfr = flags & SYN_FIN_RST == 0;
    if flags & flag::ACK != 0 {
        rev.valid_bif = true;
    }
    'fwd: {
        // Zero window probe: one byte at the next expected sequence number into a zero window.
        if seglen == 1 && seq == fwd.nextseq && rev.window == 0 {
            ta.set(af::ZERO_WINDOW_PROBE);
            break 'fwd;
        }
        if window == 0 && no_sfr {
            ta.set(af::ZERO_WINDOW);
        }
        // Lost segment: beyond the highest sequence number seen.
        if fwd.nextseq != 0 && gt(seq, fwd.nextseq) && flags & flag::RST == 0 {
            ta.set(af::LOST_PACKET);
            fwd.valid_bif = false;
        }
        // Keep-alive: 0 or 1 byte one before the next expected sequence number.
        if (seglen == 0 || seglen == 1) && seq == fwd.nextseq.wrapping_sub(1) && no_sfr {
            ta.set(af::KEEP_ALIVE);
        }
        let same = seq == fwd.nextseq && ack == fwd.lastack && no_sfr;
        // Window update: an empty segment repeating SEQ/ACK with a new window.
        if seglen == 0 && window != 0 && window != fwd.window && same {
            ta.set(af::WINDOW_UPDATE);
        }
        // Window full: the data reaches the right edge of the receiver's window.
        if seglen > 0 && rev.win_scale != -1 && no_sfr {
            let shift = if rev.is_first_ack || rev.win_scale == -2 { 0 } else { rev.win_scale as u32 };
            let edge = rev.lastack.wrapping_add(rev.window.wrapping_shl(shift));
            if seq.wrapping_add(seglen) == edge {
                ta.set(af::WINDOW_FULL);
            }
        }
        if seglen == 0 && window != 0 && window == fwd.window && same && rev.lastsegmentflags & af::KEEP_ALIVE != 0 {
            ta.set(af::KEEP_ALIVE_ACK);
            break 'fwd;
        }
        if seglen == 0
            && window == 0
            && window == fwd.window
            && same
            && rev.lastsegmentflags & af::ZERO_WINDOW_PROBE != 0
        {
            ta.set(af::ZERO_WINDOW_PROBE_ACK);
            break 'fwd;
        }
        // Duplicate ACK: an empty segment repeating SEQ, ACK and window.
        if seglen == 0 && window != 0 && window == fwd.window && same {
            // After an "ACKed unseen segment" the count restarts at 1.
            fwd.dupacknum = if fwd.dupacknum == STALLED { 1 } else { fwd.dupacknum.wrapping_add(1) };
            ta.set(af::DUPLICATE_ACK);
            ta.dupack_num = fwd.dupacknum;
            ta.dupack_frame = fwd.lastnondupack;
        }
    }
    if ack != fwd.lastack {
        fwd.lastnondupack = s.frame;
        fwd.dupacknum = 0;
    }
    // ACKed unseen segment: the ACK passes what the other direction was seen to send.
    // When the mark is behind the highest sequence number seen (a hole), it moves there;
    // otherwise the other direction is stalled and only the first such ACK is flagged, until
    // that direction's own acknowledgment number changes. (Wireshark 4.0 compares `<` here,
    // observed against tshark 4.0.17; later versions compare `>`.)
    if rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && flags & flag::ACK != 0 {
        ta.present = true;
        if rev.maxseqtobeacked < rev.nextseq {
            rev.maxseqtobeacked = rev.nextseq;
            ta.flags |= af::ACK_LOST_PACKET;
        } else {
            if rev.dupacknum == 0 {
                ta.flags |= af::ACK_LOST_PACKET;
            }
            rev.dupacknum = STALLED;
        }
    }
    'retrans: {
        if !(seglen > 0 || flags & (flag::SYN | flag::FIN) != 0) {
            break 'retrans;
        }
        let mut seq_not_advanced = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
        if ta.flags & af::KEEP_ALIVE != 0 {
            break 'retrans;
        }
        // New data starting one before the next sequence number (after a zero window probe).
        if seglen > 1 && fwd.nextseq.wrapping_sub(1) == seq {
            seq_not_advanced = false;
        }
        // Spurious: everything in it was already acknowledged.
        if seglen > 0 && rev.lastack != 0 && le(seq.wrapping_add(seglen), rev.lastack) {
            ta.set(af::SPURIOUS_RETRANSMISSION);
            break 'retrans;
        }
        // Fast retransmission (takes precedence over out-of-order, tshark's default).
        if seq_not_advanced && rev.dupacknum >= 2 && rev.lastack == seq && elapsed(s.ts, rev.lastacktime) < 20_000_000 {
            ta.set(af::FAST_RETRANSMISSION);
            break 'retrans;
        }
        // Out-of-order: close in time to the highest segment, and not just repeating it.
        // A negative RTT (time going backwards) wraps to a huge threshold, as in tshark.
        let ooo_thres = if is_zero(c.first_rtt) { 3_000_000 } else { ns(c.first_rtt) as i64 as u64 };
        let end = seq.wrapping_add(seglen).wrapping_add(u32::from(flags & (flag::SYN | flag::FIN) != 0));
        if seq_not_advanced && elapsed(s.ts, fwd.nextseqtime) < ooo_thres && fwd.nextseq != end {
            ta.set(af::OUT_OF_ORDER);
            break 'retrans;
        }
        if seq_not_advanced {
            ta.set(af::RETRANSMISSION);
            ta.rto = delta(s.ts, fwd.nextseqtime);
            ta.rto_frame = fwd.nextseqframe;
            // The oldest unacknowledged segment is the likeliest original.
            if let Some(u) = fwd.segments.back() {
                ta.rto = delta(s.ts, u.ts);
                ta.rto_frame = u.frame;
            }
        }
    }
    let mut nextseq = seq.wrapping_add(seglen);
    if (seglen > 0 || flags & (flag::SYN | flag::FIN) != 0) && fwd.segments.len() < MAX_UNACKED && c.may_record {
        if flags & (flag::SYN | flag::FIN) != 0 {
            nextseq = nextseq.wrapping_add(1);
        }
        fwd.segments.push_front(Unacked { frame: s.frame, seq, nextseq, ts: s.ts });
    }
    let zwp = ta.flags & af::ZERO_WINDOW_PROBE != 0;
    if (gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !zwp {
        fwd.nextseq = nextseq;
        fwd.nextseqframe = s.frame;
        fwd.nextseqtime = s.ts;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !zwp {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastacktime = s.ts;
    fwd.lastsegmentflags = ta.flags;
    // Forget what this acknowledges; the newest matching segment's frame is overwritten by
    // older ones with the same end, as in tshark.
    let mut i = 0;
    while let Some(u) = rev.segments.get_mut(i) {
        if ack == u.nextseq {
            ta.present = true;
            ta.frame_acked = u.frame;
            ta.ack_rtt = delta(s.ts, u.ts);
        } else if gt(ack, u.seq) && le(ack, u.nextseq) {
            u.seq = ack;
            i += 1;
            continue;
        } else if gt(u.nextseq, ack) {
            i += 1;
            continue;
        }
        rev.segments.remove(i);
    }
    // Give memory back after a burst (capacity is not counted by the shared budget).
    if rev.segments.capacity() > 64 && rev.segments.len() < rev.segments.capacity() / 4 {
        rev.segments.shrink_to(rev.segments.len() * 2);
    }
    // Bytes in flight (tshark's default, payload-based method) and bytes since the last PSH.
    if seglen != 0 && fwd.valid_bif {
        if let Some(first) = fwd.segments.front() {
            let b = c.fwd_base;
            let mut first_seq = first.seq.wrapping_sub(b);
            let mut last_seq = first.nextseq.wrapping_sub(b);
            for u in &fwd.segments {
                last_seq = last_seq.max(u.nextseq.wrapping_sub(b));
                first_seq = first_seq.min(u.seq.wrapping_sub(b));
            }
            let mut in_flight = last_seq.wrapping_sub(first_seq);
            let delivered =
                rev.sack[..rev.num_sack].iter().fold(0u32, |acc, &(le, re)| acc.wrapping_add(re.wrapping_sub(le)));
            in_flight = in_flight.wrapping_sub(delivered);
            if in_flight > 0 && in_flight < 2_000_000_000 {
                ta.present = true;
                ta.bytes_in_flight = in_flight;
                if flags & (flag::SYN | flag::FIN) != 0 {
                    ta.bytes_in_flight -= 1;
                }
            }
            let psh = flags & flag::PSH != 0;
            if psh && !fwd.push_set_last {
                fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(seglen);
            } else if psh || fwd.push_set_last {
                fwd.push_bytes_sent = seglen;
            } else {
                fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(seglen);
            }
            fwd.push_set_last = psh;
            ta.present = true;
            ta.push_bytes_sent = fwd.push_bytes_sent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_comparisons_wrap() {
        assert!(gt(5, 0xffff_fff0));
        assert!(lt(0xffff_fff0, 5));
        assert!(le(7, 7));
        assert!(!gt(7, 7));
        assert_eq!(elapsed((1, 0), (2, 0)), u64::MAX);
        assert_eq!(elapsed((2, 5), (1, 999_999_999)), 6);
    }

    fn seg(frame: u64, t_ms: i64, seq: u32, ack: u32, seglen: u32, flags: u16) -> Seg {
        Seg { frame, ts: (t_ms / 1000, (t_ms % 1000) as u32 * 1_000_000), seq, ack, seglen, flags, window: 1000 }
    }

    fn info() -> ConnInfo {
        ConnInfo { fwd_base: 100, first_rtt: (0, 0), may_record: true }
    }

    #[test]
    fn acks_frame_rtt_and_bytes_in_flight() {
        let (mut a, mut b) = (Flow::default(), Flow::default());
        let mut ta = Acked::default();
        analyze(&mut a, &mut b, &info(), &seg(1, 0, 101, 0, 10, flag::ACK | flag::PSH), &mut ta);
        assert_eq!((ta.bytes_in_flight, ta.push_bytes_sent, ta.flags), (10, 10, 0));
        let mut ta = Acked::default();
        analyze(&mut a, &mut b, &info(), &seg(2, 5, 111, 0, 20, flag::ACK), &mut ta);
        assert_eq!((ta.bytes_in_flight, ta.push_bytes_sent), (30, 20));
        let mut ta = Acked::default();
        let i = ConnInfo { fwd_base: 500, ..info() };
        analyze(&mut b, &mut a, &i, &seg(3, 9, 501, 111, 0, flag::ACK), &mut ta);
        assert!(ta.present);
        assert_eq!((ta.frame_acked, ta.ack_rtt), (1, (0, 9_000_000)));
        assert_eq!(a.segments.len(), 1);
    }

    #[test]
    fn segment_cap_stops_recording() {
        let (mut a, mut b) = (Flow::default(), Flow::default());
        for k in 0..(MAX_UNACKED as u32 + 5) {
            let mut ta = Acked::default();
            analyze(&mut a, &mut b, &info(), &seg(u64::from(k), 0, 101 + k, 0, 1, flag::ACK), &mut ta);
        }
        assert_eq!(a.unacked(), MAX_UNACKED);
        let mut ta = Acked::default();
        let c = ConnInfo { may_record: false, ..info() };
        analyze(&mut a, &mut b, &c, &seg(1, 0, 200_000, 0, 1, flag::ACK), &mut ta);
        assert_eq!(a.unacked(), MAX_UNACKED);
    }
}
