//! TCP conversations (RFC 9293): three-way handshake with chosen initial sequence numbers
//! (§3.5), data in both directions cut at the MSS or at chosen points, acknowledgements that
//! follow what the peer has actually seen, FIN teardown (§3.6) or RST, and the irregularities
//! a reassembler must survive: reordering, retransmission, overlap and loss.
//!
//! The conversation keeps every byte each side has written, so any range of a stream can be
//! sent again as a segment ([`TcpConv::segment`]). A [`Segment`] is only a plan until
//! [`TcpConv::emit`] turns it into a frame; emitting plans out of order, twice, or not at all
//! gives reordering, retransmission and gaps. The acknowledgement number of each emitted
//! segment is the peer's contiguous prefix seen so far (plus its SYN and FIN), so a gap leaves
//! the ACK standing at the hole, as a real receiver does.

use std::net::IpAddr;
use std::ops::Range;

use etherparse::{TcpHeader, TcpOptionElement};

use super::{frames, ipproto, BuildError, Clock, Endpoint, Frame, IpOptions, Link};

/// Direction of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Client to server.
    ToServer,
    /// Server to client.
    ToClient,
}

impl Dir {
    pub fn reverse(self) -> Dir {
        match self {
            Dir::ToServer => Dir::ToClient,
            Dir::ToClient => Dir::ToServer,
        }
    }

    fn idx(self) -> usize {
        match self {
            Dir::ToServer => 0,
            Dir::ToClient => 1,
        }
    }
}

/// TCP control bits (RFC 9293 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    pub syn: bool,
    pub ack: bool,
    pub psh: bool,
    pub fin: bool,
    pub rst: bool,
}

impl Flags {
    pub const ACK: Flags = Flags { syn: false, ack: true, psh: false, fin: false, rst: false };
    pub const PSH_ACK: Flags = Flags { syn: false, ack: true, psh: true, fin: false, rst: false };
}

/// A planned segment: which direction, which stream bytes, which flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub dir: Dir,
    /// Stream offset of the first payload byte; the sequence number is `ISN + 1 + offset`
    /// (or the ISN itself for a SYN).
    pub offset: u64,
    /// The payload. Normally a copy of the stream bytes at `offset`; a caller may change it to
    /// make an overlap that disagrees with the first copy.
    pub payload: Vec<u8>,
    pub flags: Flags,
}

/// Settings of a conversation.
#[derive(Debug, Clone)]
pub struct TcpConfig {
    pub client_isn: u32,
    pub server_isn: u32,
    /// Largest payload per segment, announced in the SYN and SYN-ACK MSS option.
    pub mss: u16,
    pub window: u16,
    pub link: Link,
    /// IP-layer template; `ident` is the first IPv4 identification of each side.
    pub ip: IpOptions,
    pub clock: Clock,
}

#[derive(Debug, Clone, Default)]
struct Side {
    isn: u32,
    /// Every byte this side has written.
    stream: Vec<u8>,
    /// Stream offset at which this side sent FIN.
    fin_at: Option<u64>,
    /// Whether the peer has seen this side's SYN / FIN.
    syn_seen: bool,
    fin_seen: bool,
    /// Stream ranges of this side that have been emitted (seen by the peer).
    seen: Vec<Range<u64>>,
    ip_id: u16,
}

impl Side {
    /// Length of the contiguous prefix of the stream the peer has seen.
    fn contiguous(&self) -> u64 {
        let mut r = self.seen.clone();
        r.sort_by_key(|x| x.start);
        let mut end = 0u64;
        for x in r {
            if x.start > end {
                break;
            }
            end = end.max(x.end);
        }
        end
    }

    /// The acknowledgement number the peer sends for this side.
    fn ack_number(&self) -> u32 {
        if !self.syn_seen {
            return 0;
        }
        let prefix = self.contiguous();
        let fin = u64::from(self.fin_seen && self.fin_at == Some(prefix));
        self.isn.wrapping_add(1).wrapping_add((prefix + fin) as u32)
    }
}

/// A TCP conversation between a client and a server, built frame by frame.
pub struct TcpConv {
    pub client: Endpoint,
    pub server: Endpoint,
    cfg: TcpConfig,
    sides: [Side; 2],
    frames: Vec<Frame>,
}

impl TcpConv {
    pub fn new(client: Endpoint, server: Endpoint, cfg: TcpConfig) -> Result<Self, BuildError> {
        if matches!((client.ip, server.ip), (IpAddr::V4(_), IpAddr::V6(_)) | (IpAddr::V6(_), IpAddr::V4(_))) {
            return Err(BuildError::MixedFamilies);
        }
        if cfg.mss == 0 {
            return Err(BuildError::Invalid("MSS 0".into()));
        }
        let c = Side { isn: cfg.client_isn, ip_id: cfg.ip.ident as u16, ..Default::default() };
        let s = Side { isn: cfg.server_isn, ip_id: (cfg.ip.ident as u16).wrapping_add(0x4000), ..Default::default() };
        Ok(TcpConv { client, server, cfg, sides: [c, s], frames: Vec::new() })
    }

    /// The clock, to let time pass between frames.
    pub fn clock(&mut self) -> &mut Clock {
        &mut self.cfg.clock
    }

    /// SYN, SYN-ACK, ACK.
    pub fn handshake(&mut self) -> Result<(), BuildError> {
        let syn = Flags { syn: true, ..Default::default() };
        self.emit(&Segment { dir: Dir::ToServer, offset: 0, payload: Vec::new(), flags: syn })?;
        let syn_ack = Flags { syn: true, ack: true, ..Default::default() };
        self.emit(&Segment { dir: Dir::ToClient, offset: 0, payload: Vec::new(), flags: syn_ack })?;
        self.ack(Dir::ToServer)
    }

    /// Append bytes to a direction's stream without sending them; returns their stream range.
    pub fn write(&mut self, dir: Dir, data: &[u8]) -> Result<Range<u64>, BuildError> {
        let side = &mut self.sides[dir.idx()];
        if side.fin_at.is_some() {
            return Err(BuildError::Invalid("write after FIN".into()));
        }
        let start = side.stream.len() as u64;
        side.stream.extend_from_slice(data);
        Ok(start..side.stream.len() as u64)
    }

    /// How many bytes a direction has written so far.
    pub fn written(&self, dir: Dir) -> u64 {
        self.sides[dir.idx()].stream.len() as u64
    }

    /// One ACK+PSH segment carrying exactly `range` of the stream, whatever the MSS (for
    /// retransmissions and overlaps).
    pub fn segment(&self, dir: Dir, range: Range<u64>) -> Result<Segment, BuildError> {
        let stream = &self.sides[dir.idx()].stream;
        let bad = || BuildError::Invalid(format!("range {range:?} outside the {} written bytes", stream.len()));
        let start = usize::try_from(range.start).map_err(|_| bad())?;
        let end = usize::try_from(range.end).map_err(|_| bad())?;
        let payload = stream.get(start..end).ok_or_else(bad)?.to_vec();
        Ok(Segment { dir, offset: range.start, payload, flags: Flags::PSH_ACK })
    }

    /// Segments carrying `range`, cut at every stream offset in `split_at` and at the MSS. The
    /// last one has PSH.
    pub fn segments(&self, dir: Dir, range: Range<u64>, split_at: &[u64]) -> Result<Vec<Segment>, BuildError> {
        let mut cuts: Vec<u64> = split_at.iter().copied().filter(|&c| c > range.start && c < range.end).collect();
        cuts.push(range.end);
        cuts.sort_unstable();
        cuts.dedup();
        let mss = u64::from(self.cfg.mss);
        let mut out = Vec::new();
        let mut at = range.start;
        for cut in cuts {
            while at < cut {
                let end = (at + mss).min(cut);
                let mut seg = self.segment(dir, at..end)?;
                seg.flags = Flags::ACK;
                out.push(seg);
                at = end;
            }
        }
        if let Some(last) = out.last_mut() {
            last.flags.psh = true;
        }
        Ok(out)
    }

    /// Write `data` and send it at once, in order, cut at the MSS.
    pub fn send(&mut self, dir: Dir, data: &[u8]) -> Result<(), BuildError> {
        self.send_split(dir, data, &[])
    }

    /// Write `data` and send it in order, also cut at the given offsets into `data`.
    pub fn send_split(&mut self, dir: Dir, data: &[u8], split_at: &[usize]) -> Result<(), BuildError> {
        let r = self.write(dir, data)?;
        let cuts: Vec<u64> = split_at.iter().map(|&c| r.start + c as u64).collect();
        for seg in self.segments(dir, r, &cuts)? {
            self.emit(&seg)?;
        }
        Ok(())
    }

    /// A pure ACK from `dir`.
    pub fn ack(&mut self, dir: Dir) -> Result<(), BuildError> {
        let offset = self.next_offset(dir);
        self.emit(&Segment { dir, offset, payload: Vec::new(), flags: Flags::ACK })
    }

    /// FIN+ACK from `dir` after everything it wrote.
    pub fn fin(&mut self, dir: Dir) -> Result<(), BuildError> {
        let side = &mut self.sides[dir.idx()];
        if side.fin_at.is_some() {
            return Err(BuildError::Invalid("second FIN".into()));
        }
        let offset = side.stream.len() as u64;
        side.fin_at = Some(offset);
        let flags = Flags { fin: true, ack: true, ..Default::default() };
        self.emit(&Segment { dir, offset, payload: Vec::new(), flags })
    }

    /// The usual teardown: FIN from the client, FIN+ACK from the server, last ACK.
    pub fn close(&mut self) -> Result<(), BuildError> {
        self.fin(Dir::ToServer)?;
        self.fin(Dir::ToClient)?;
        self.ack(Dir::ToServer)
    }

    /// RST+ACK from `dir` at its next sequence number.
    pub fn rst(&mut self, dir: Dir) -> Result<(), BuildError> {
        let offset = self.next_offset(dir);
        let flags = Flags { rst: true, ack: true, ..Default::default() };
        self.emit(&Segment { dir, offset, payload: Vec::new(), flags })
    }

    /// The stream offset of `dir`'s next new byte (after its FIN if it sent one).
    fn next_offset(&self, dir: Dir) -> u64 {
        let side = &self.sides[dir.idx()];
        side.stream.len() as u64 + u64::from(side.fin_at.is_some())
    }

    /// The sequence number a segment would carry.
    pub fn seq_of(&self, seg: &Segment) -> u32 {
        let isn = self.sides[seg.dir.idx()].isn;
        if seg.flags.syn {
            isn
        } else {
            isn.wrapping_add(1).wrapping_add(seg.offset as u32)
        }
    }

    /// Turn a planned segment into a frame, acknowledging what the peer has sent so far.
    pub fn emit(&mut self, seg: &Segment) -> Result<(), BuildError> {
        let (src, dst) = match seg.dir {
            Dir::ToServer => (self.client, self.server),
            Dir::ToClient => (self.server, self.client),
        };
        let seq = self.seq_of(seg);
        let ack = self.sides[seg.dir.reverse().idx()].ack_number();
        let mut h = TcpHeader::new(src.port, dst.port, seq, self.cfg.window);
        h.syn = seg.flags.syn;
        h.ack = seg.flags.ack;
        h.psh = seg.flags.psh;
        h.fin = seg.flags.fin;
        h.rst = seg.flags.rst;
        h.acknowledgment_number = if seg.flags.ack { ack } else { 0 };
        if seg.flags.syn {
            h.set_options(&[TcpOptionElement::MaximumSegmentSize(self.cfg.mss)])
                .map_err(|e| BuildError::Invalid(e.to_string()))?;
        }
        let too_long = || BuildError::TooLong { what: "TCP payload", len: seg.payload.len() };
        h.checksum = match (src.ip, dst.ip) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                h.calc_checksum_ipv4_raw(s.octets(), d.octets(), &seg.payload).map_err(|_| too_long())?
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                h.calc_checksum_ipv6_raw(s.octets(), d.octets(), &seg.payload).map_err(|_| too_long())?
            }
            _ => return Err(BuildError::MixedFamilies),
        };
        let mut l4 = Vec::with_capacity(h.header_len() + seg.payload.len());
        l4.extend_from_slice(&h.to_bytes());
        l4.extend_from_slice(&seg.payload);

        let side = &mut self.sides[seg.dir.idx()];
        let opts = IpOptions { ident: u32::from(side.ip_id), ..self.cfg.ip.clone() };
        let built = frames(self.cfg.link, &src, &dst, ipproto::TCP, &l4, &opts)?;
        side.ip_id = side.ip_id.wrapping_add(1);
        if seg.flags.syn {
            side.syn_seen = true;
        }
        if !seg.payload.is_empty() {
            side.seen.push(seg.offset..seg.offset + seg.payload.len() as u64);
        }
        if seg.flags.fin {
            side.fin_seen = true;
        }
        for data in built {
            let ts = self.cfg.clock.tick();
            self.frames.push(Frame { ts, data });
        }
        Ok(())
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The frames built so far, leaving none behind (to write them out as they are made).
    pub fn take_frames(&mut self) -> Vec<Frame> {
        std::mem::take(&mut self.frames)
    }

    pub fn into_frames(self) -> Vec<Frame> {
        self.frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcap::Timestamp;
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// (src port, seq, ack, flags as "SAPFR" letters, payload) of each frame, checksums checked.
    pub(crate) fn decode(frames: &[Frame]) -> Vec<(u16, u32, u32, String, Vec<u8>)> {
        frames
            .iter()
            .map(|f| {
                let s = SlicedPacket::from_ethernet(&f.data).unwrap();
                let (src, dst) = match &s.net {
                    Some(NetSlice::Ipv4(ip)) => {
                        let h = ip.header().to_header();
                        assert_eq!(h.header_checksum, h.calc_header_checksum());
                        (IpAddr::from(h.source), IpAddr::from(h.destination))
                    }
                    Some(NetSlice::Ipv6(ip)) => {
                        let h = ip.header().to_header();
                        (IpAddr::from(h.source), IpAddr::from(h.destination))
                    }
                    _ => panic!("no IP"),
                };
                let Some(TransportSlice::Tcp(t)) = &s.transport else { panic!("no TCP") };
                let h = t.to_header();
                let want = match (src, dst) {
                    (IpAddr::V4(s), IpAddr::V4(d)) => h.calc_checksum_ipv4_raw(s.octets(), d.octets(), t.payload()),
                    (IpAddr::V6(s), IpAddr::V6(d)) => h.calc_checksum_ipv6_raw(s.octets(), d.octets(), t.payload()),
                    _ => unreachable!(),
                }
                .unwrap();
                assert_eq!(h.checksum, want, "TCP checksum");
                let mut fl = String::new();
                for (on, c) in [(h.syn, 'S'), (h.ack, 'A'), (h.psh, 'P'), (h.fin, 'F'), (h.rst, 'R')] {
                    if on {
                        fl.push(c);
                    }
                }
                (h.source_port, h.sequence_number, h.acknowledgment_number, fl, t.payload().to_vec())
            })
            .collect()
    }

    fn conv(v6: bool, mss: u16) -> TcpConv {
        let (ci, si): (IpAddr, IpAddr) = if v6 {
            ("2001:db8::10".parse::<Ipv6Addr>().unwrap().into(), "2001:db8::20".parse::<Ipv6Addr>().unwrap().into())
        } else {
            (Ipv4Addr::new(10, 1, 1, 1).into(), Ipv4Addr::new(10, 2, 2, 2).into())
        };
        let c = Endpoint::new([2, 0, 0, 0, 0, 1], ci, 40000);
        let s = Endpoint::new([2, 0, 0, 0, 0, 2], si, 80);
        let cfg = TcpConfig {
            client_isn: 0xffff_fff0,
            server_isn: 1000,
            mss,
            window: 8192,
            link: Link::Ethernet,
            ip: IpOptions::default(),
            clock: Clock::new(Timestamp::new(1_000, 0), 1_000_000),
        };
        TcpConv::new(c, s, cfg).unwrap()
    }

    #[test]
    fn handshake_data_teardown_seq_ack_continuity() {
        for v6 in [false, true] {
            let mut t = conv(v6, 10);
            t.handshake().unwrap();
            t.send(Dir::ToServer, b"GET / HTTP/1.0\r\n\r\n").unwrap(); // 18 bytes: 10 + 8
            t.ack(Dir::ToClient).unwrap();
            t.send(Dir::ToClient, b"HTTP/1.0 200 OK\r\n").unwrap(); // 17 bytes: 10 + 7
            t.ack(Dir::ToServer).unwrap();
            t.close().unwrap();
            let d = decode(t.frames());
            let c = 0xffff_fff0u32;
            let s = 1000u32;
            let want: Vec<(u16, u32, u32, &str, usize)> = vec![
                (40000, c, 0, "S", 0),
                (80, s, c.wrapping_add(1), "SA", 0),
                (40000, c.wrapping_add(1), s + 1, "A", 0),
                (40000, c.wrapping_add(1), s + 1, "A", 10),
                (40000, c.wrapping_add(11), s + 1, "AP", 8),
                (80, s + 1, c.wrapping_add(19), "A", 0),
                (80, s + 1, c.wrapping_add(19), "A", 10),
                (80, s + 11, c.wrapping_add(19), "AP", 7),
                (40000, c.wrapping_add(19), s + 18, "A", 0),
                (40000, c.wrapping_add(19), s + 18, "AF", 0),
                (80, s + 18, c.wrapping_add(20), "AF", 0),
                (40000, c.wrapping_add(20), s + 19, "A", 0),
            ];
            let got: Vec<_> = d.iter().map(|x| (x.0, x.1, x.2, x.3.as_str(), x.4.len())).collect();
            assert_eq!(got, want, "v6={v6}");
            // the sequence number wrapped through zero in the client's direction
            assert_eq!(c.wrapping_add(19), 3);
            let mut joined = Vec::new();
            for x in d.iter().filter(|x| x.0 == 40000) {
                joined.extend_from_slice(&x.4);
            }
            assert_eq!(joined, b"GET / HTTP/1.0\r\n\r\n");
            // SYN carries the MSS option
            let syn = SlicedPacket::from_ethernet(&t.frames()[0].data).unwrap();
            let Some(TransportSlice::Tcp(h)) = syn.transport else { panic!() };
            assert_eq!(h.options(), &[2, 4, 0, 10]);
            assert_eq!(t.frames()[1].ts, Timestamp::new(1_000, 1_000_000));
        }
    }

    #[test]
    fn split_reorder_retransmit_overlap_gap() {
        let mut t = conv(false, 1460);
        t.handshake().unwrap();
        let r = t.write(Dir::ToServer, b"0123456789abcdefghij").unwrap();
        let segs = t.segments(Dir::ToServer, r, &[5, 12]).unwrap();
        assert_eq!(segs.iter().map(|s| s.payload.len()).collect::<Vec<_>>(), vec![5, 7, 8]);
        t.emit(&segs[1]).unwrap(); // out of order
        t.emit(&segs[0]).unwrap();
        t.emit(&segs[0]).unwrap(); // retransmission
        let ov = t.segment(Dir::ToServer, 3..9).unwrap(); // overlap of both
        t.emit(&ov).unwrap();
        t.ack(Dir::ToClient).unwrap(); // acks 12 bytes
                                       // drop segs[2] (12..20), send more after the gap
        t.send(Dir::ToServer, b"XYZ").unwrap();
        t.ack(Dir::ToClient).unwrap(); // still acks 12: the gap holds it
        t.emit(&segs[2]).unwrap(); // the hole is filled late
        t.ack(Dir::ToClient).unwrap();
        let d = decode(t.frames());
        let c1 = 0xffff_fff1u32;
        assert_eq!((d[3].1, &d[3].4[..]), (c1.wrapping_add(5), &b"56789ab"[..]));
        assert_eq!((d[4].1, &d[4].4[..]), (c1, &b"01234"[..]));
        assert_eq!(d[5], d[4]);
        assert_eq!((d[6].1, &d[6].4[..]), (c1.wrapping_add(3), &b"345678"[..]));
        assert_eq!(d[7].2, c1.wrapping_add(12));
        assert_eq!((d[8].1, &d[8].4[..]), (c1.wrapping_add(20), &b"XYZ"[..]));
        assert_eq!(d[9].2, c1.wrapping_add(12));
        assert_eq!(d[11].2, c1.wrapping_add(23));
        assert!(t.segment(Dir::ToServer, 20..30).is_err());
    }

    #[test]
    fn rst_and_errors() {
        let mut t = conv(false, 100);
        t.handshake().unwrap();
        t.send(Dir::ToClient, b"abc").unwrap();
        t.rst(Dir::ToServer).unwrap();
        let d = decode(t.frames());
        assert_eq!(d[4].3, "AR");
        assert_eq!(d[4].2, 1000 + 4);
        t.fin(Dir::ToClient).unwrap();
        assert!(t.fin(Dir::ToClient).is_err());
        assert!(t.write(Dir::ToClient, b"x").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// In-order sending reassembles to the written bytes with continuous sequence numbers,
        /// every segment at most the MSS and cut at every split point.
        #[test]
        fn in_order_stream_is_continuous(
            len in 0usize..3000, mss in 1u16..1500, v6: bool,
            splits in proptest::collection::vec(0usize..3000, 0..5),
        ) {
            let mut t = conv(v6, mss);
            t.handshake().unwrap();
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            t.send_split(Dir::ToServer, &data, &splits).unwrap();
            t.ack(Dir::ToClient).unwrap();
            let d = decode(t.frames());
            let mut next = 0xffff_fff1u32;
            let mut joined = Vec::new();
            let mut at = 0usize;
            for x in d.iter().skip(3).filter(|x| x.0 == 40000) {
                proptest::prop_assert_eq!(x.1, next);
                proptest::prop_assert!(x.4.len() <= usize::from(mss));
                at += x.4.len();
                // no segment crosses a split point
                proptest::prop_assert!(splits.iter().all(|&s| s <= at - x.4.len() || s >= at));
                next = next.wrapping_add(x.4.len() as u32);
                joined.extend_from_slice(&x.4);
            }
            proptest::prop_assert_eq!(joined, data);
            let last = d.last().unwrap();
            proptest::prop_assert_eq!(last.2, 0xffff_fff1u32.wrapping_add(len as u32));
        }

        /// Whatever order segments go out in, with duplicates, the receiver's final ACK covers
        /// the whole stream exactly when every segment was sent at least once.
        #[test]
        fn any_order_final_ack(
            len in 1usize..2000, mss in 1u16..400,
            order in proptest::collection::vec(0usize..64, 0..80),
        ) {
            let mut t = conv(false, mss);
            t.handshake().unwrap();
            let r = t.write(Dir::ToServer, &vec![7u8; len]).unwrap();
            let segs = t.segments(Dir::ToServer, r, &[]).unwrap();
            let mut sent = vec![false; segs.len()];
            for &i in &order {
                let i = i % segs.len();
                t.emit(&segs[i]).unwrap();
                sent[i] = true;
            }
            t.ack(Dir::ToClient).unwrap();
            let d = decode(t.frames());
            let first_missing = sent.iter().position(|s| !s).map(|i| segs[i].offset).unwrap_or(len as u64);
            proptest::prop_assert_eq!(d.last().unwrap().2, 0xffff_fff1u32.wrapping_add(first_missing as u32));
        }
    }
}
