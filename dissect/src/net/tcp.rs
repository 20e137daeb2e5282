//! TCP (RFC 9293), with per-direction stream reassembly ([`super::reasm`]).
//!
//! ```text
//! RFC 9293 §3.1:
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! |          Source Port          |       Destination Port        |
//! |                        Sequence Number                        |
//! |                    Acknowledgment Number                      |
//! |  Data |       |C|E|U|A|P|R|S|F|                               |
//! | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//! |                           |R|E|G|K|H|T|N|N|                   |
//! |           Checksum            |         Urgent Pointer        |
//! |                           [Options]                           |
//! ```
//!
//! Options (RFC 9293 §3.2): EOL, NOP, MSS; window scale and timestamps (RFC 7323 §2.2, §3.2);
//! SACK-permitted and SACK (RFC 2018 §2, §3).
//!
//! Fields and formats are tshark's, including its defaults: relative sequence numbers
//! (`tcp.seq` counts from the SYN's ISN, or from one before the first segment seen), window
//! scaling as announced in the SYNs, `tcp.stream` numbered by first appearance, a new stream for
//! a SYN with a different ISN (or after a reset) on the same ports. Differences from tshark:
//! a segment partly before the delivery point has its new bytes delivered and is not flagged
//! (tshark calls it a retransmission, or out-of-order when it comes within its RTT-based
//! threshold, which is not modelled here);
//! the checksum is verified when the configuration says so (tshark 4.0 prints status 2,
//! Unverified, by default); of the SEQ/ACK analysis only retransmission, lost segment,
//! out-of-order and ACKed-unseen are reported (no RTT, bytes in flight, duplicate ACKs, window
//! updates); a connection evicted from the full table (least recently used) gets a new stream
//! index if it comes back.
//!
//! In-order bytes go to [`crate::engine::app_tcp`], the frame's own bytes when the segment is
//! in order, a "Reassembled TCP" buffer when held bytes are released; holes that will never be
//! filled (FIN/RST, buffer cap, or the peer acknowledging past them) go to
//! [`crate::engine::app_tcp_gap`].

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::ops::Range;
use std::sync::Arc;

use crate::engine::{app_tcp, app_tcp_gap, Ctx, TcpPayload};
use crate::net::checksum;
use crate::net::reasm::{DirStream, Origin, Run};
use crate::net::udp::{time_sub, ConvKey};
use crate::tree::{Base, FieldDef, FieldType, Group, Severity, Span, Tvb, Value};

/// Flag bits of the 12-bit flags field (RFC 9293 §3.1; AE: RFC 9768 draft, was NS of RFC 3540).
pub mod flag {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    pub const AE: u16 = 0x100;
    pub const RES: u16 = 0xe00;
}

/// Option kinds (IANA "TCP Option Kind Numbers").
pub mod opt {
    pub const EOL: u8 = 0;
    pub const NOP: u8 = 1;
    pub const MSS: u8 = 2;
    pub const WSCALE: u8 = 3;
    pub const SACK_PERM: u8 = 4;
    pub const SACK: u8 = 5;
    pub const TIMESTAMP: u8 = 8;
}

const COMPLETENESS_SYN: u8 = 0x01;
const COMPLETENESS_SYNACK: u8 = 0x02;
const COMPLETENESS_ACK: u8 = 0x04;
const COMPLETENESS_DATA: u8 = 0x08;
const COMPLETENESS_FIN: u8 = 0x10;
const COMPLETENESS_RST: u8 = 0x20;

/// Field definitions (tshark's names).
pub mod hf {
    use super::*;
    pub static TCP: FieldDef = FieldDef::proto("tcp", "Transmission Control Protocol");
    pub static SRCPORT: FieldDef = FieldDef::new("tcp.srcport", "Source Port", FieldType::U16, Base::Dec);
    pub static DSTPORT: FieldDef = FieldDef::new("tcp.dstport", "Destination Port", FieldType::U16, Base::Dec);
    pub static PORT: FieldDef = FieldDef::new("tcp.port", "Source or Destination Port", FieldType::U16, Base::Dec);
    pub static STREAM: FieldDef = FieldDef::new("tcp.stream", "Stream index", FieldType::U32, Base::Dec);
    pub static COMPLETENESS: FieldDef =
        FieldDef::new("tcp.completeness", "Conversation completeness", FieldType::U8, Base::Dec);
    pub static LEN: FieldDef = FieldDef::new("tcp.len", "TCP Segment Len", FieldType::U32, Base::Dec);
    pub static SEQ: FieldDef = FieldDef::new("tcp.seq", "Sequence Number", FieldType::U32, Base::Dec);
    pub static SEQ_RAW: FieldDef = FieldDef::new("tcp.seq_raw", "Sequence Number (raw)", FieldType::U32, Base::Dec);
    pub static NXTSEQ: FieldDef = FieldDef::new("tcp.nxtseq", "Next Sequence Number", FieldType::U32, Base::Dec);
    pub static ACK: FieldDef = FieldDef::new("tcp.ack", "Acknowledgment Number", FieldType::U32, Base::Dec);
    pub static ACK_RAW: FieldDef =
        FieldDef::new("tcp.ack_raw", "Acknowledgment number (raw)", FieldType::U32, Base::Dec);
    pub static HDR_LEN: FieldDef = FieldDef::new("tcp.hdr_len", "Header Length", FieldType::U8, Base::Dec);
    pub static FLAGS: FieldDef = FieldDef::new("tcp.flags", "Flags", FieldType::U16, Base::Hex).mask(0x0fff);
    pub static FLAGS_RES: FieldDef =
        FieldDef::new("tcp.flags.res", "Reserved", FieldType::Bool, Base::None).mask(0x0e00);
    pub static FLAGS_AE: FieldDef =
        FieldDef::new("tcp.flags.ae", "Accurate ECN", FieldType::Bool, Base::None).mask(0x0100);
    pub static FLAGS_CWR: FieldDef =
        FieldDef::new("tcp.flags.cwr", "Congestion Window Reduced", FieldType::Bool, Base::None).mask(0x0080);
    pub static FLAGS_ECE: FieldDef =
        FieldDef::new("tcp.flags.ece", "ECN-Echo", FieldType::Bool, Base::None).mask(0x0040);
    pub static FLAGS_URG: FieldDef = FieldDef::new("tcp.flags.urg", "Urgent", FieldType::Bool, Base::None).mask(0x0020);
    pub static FLAGS_ACK: FieldDef =
        FieldDef::new("tcp.flags.ack", "Acknowledgment", FieldType::Bool, Base::None).mask(0x0010);
    pub static FLAGS_PUSH: FieldDef = FieldDef::new("tcp.flags.push", "Push", FieldType::Bool, Base::None).mask(0x0008);
    pub static FLAGS_RESET: FieldDef =
        FieldDef::new("tcp.flags.reset", "Reset", FieldType::Bool, Base::None).mask(0x0004);
    pub static FLAGS_SYN: FieldDef = FieldDef::new("tcp.flags.syn", "Syn", FieldType::Bool, Base::None).mask(0x0002);
    pub static FLAGS_FIN: FieldDef = FieldDef::new("tcp.flags.fin", "Fin", FieldType::Bool, Base::None).mask(0x0001);
    pub static FLAGS_STR: FieldDef = FieldDef::new("tcp.flags.str", "TCP Flags", FieldType::String, Base::None);
    pub static CONN_SYN: FieldDef =
        FieldDef::new("tcp.connection.syn", "Connection establish request (SYN)", FieldType::None, Base::None);
    pub static CONN_SYNACK: FieldDef = FieldDef::new(
        "tcp.connection.synack",
        "Connection establish acknowledge (SYN+ACK)",
        FieldType::None,
        Base::None,
    );
    pub static CONN_FIN: FieldDef =
        FieldDef::new("tcp.connection.fin", "Connection finish (FIN)", FieldType::None, Base::None);
    pub static CONN_RST: FieldDef =
        FieldDef::new("tcp.connection.rst", "Connection reset (RST)", FieldType::None, Base::None);
    pub static WINDOW_VALUE: FieldDef = FieldDef::new("tcp.window_size_value", "Window", FieldType::U16, Base::Dec);
    pub static WINDOW_SIZE: FieldDef =
        FieldDef::new("tcp.window_size", "Calculated window size", FieldType::U32, Base::Dec);
    pub static WINDOW_SCALEFACTOR: FieldDef =
        FieldDef::new("tcp.window_size_scalefactor", "Window size scaling factor", FieldType::I32, Base::Dec);
    pub static CHECKSUM: FieldDef = FieldDef::new("tcp.checksum", "Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_CALC: FieldDef =
        FieldDef::new("tcp.checksum_calculated", "Calculated Checksum", FieldType::U16, Base::Hex);
    pub static CHECKSUM_STATUS: FieldDef =
        FieldDef::new("tcp.checksum.status", "Checksum Status", FieldType::U8, Base::None)
            .strings(checksum::STATUS_STRINGS);
    pub static URGENT_POINTER: FieldDef =
        FieldDef::new("tcp.urgent_pointer", "Urgent Pointer", FieldType::U16, Base::Dec);
    pub static OPTIONS: FieldDef = FieldDef::new("tcp.options", "TCP Options", FieldType::Bytes, Base::None);
    pub static OPTION_KIND: FieldDef = FieldDef::new("tcp.option_kind", "Kind", FieldType::U8, Base::Dec);
    pub static OPTION_LEN: FieldDef = FieldDef::new("tcp.option_len", "Length", FieldType::U8, Base::Dec);
    pub static MSS_VAL: FieldDef = FieldDef::new("tcp.options.mss_val", "MSS Value", FieldType::U16, Base::Dec);
    pub static WSCALE_SHIFT: FieldDef =
        FieldDef::new("tcp.options.wscale.shift", "Shift count", FieldType::U8, Base::Dec);
    pub static WSCALE_MULT: FieldDef =
        FieldDef::new("tcp.options.wscale.multiplier", "Multiplier", FieldType::U16, Base::Dec);
    pub static SACK_LE: FieldDef =
        FieldDef::new("tcp.options.sack_le", "TCP SACK Left Edge", FieldType::U32, Base::Dec);
    pub static SACK_RE: FieldDef =
        FieldDef::new("tcp.options.sack_re", "TCP SACK Right Edge", FieldType::U32, Base::Dec);
    pub static SACK_COUNT: FieldDef =
        FieldDef::new("tcp.options.sack.count", "TCP SACK Count", FieldType::U8, Base::Dec);
    pub static TSVAL: FieldDef =
        FieldDef::new("tcp.options.timestamp.tsval", "Timestamp value", FieldType::U32, Base::Dec);
    pub static TSECR: FieldDef =
        FieldDef::new("tcp.options.timestamp.tsecr", "Timestamp echo reply", FieldType::U32, Base::Dec);
    pub static UNKNOWN_PAYLOAD: FieldDef =
        FieldDef::new("tcp.options.unknown.payload", "Payload", FieldType::Bytes, Base::None);
    // tshark registers the option items as protocols (FT_PROTOCOL) whose value is the option's
    // bytes; they are bytes fields here so that `-T fields` prints those bytes as tshark does.
    pub static O_NOP: FieldDef =
        FieldDef::new("tcp.options.nop", "TCP Option - No-Operation (NOP)", FieldType::Bytes, Base::None);
    pub static O_EOL: FieldDef =
        FieldDef::new("tcp.options.eol", "TCP Option - End of Option List (EOL)", FieldType::Bytes, Base::None);
    pub static O_TIMESTAMP: FieldDef =
        FieldDef::new("tcp.options.timestamp", "TCP Option - Timestamps", FieldType::Bytes, Base::None);
    pub static O_MSS: FieldDef =
        FieldDef::new("tcp.options.mss", "TCP Option - Maximum segment size", FieldType::Bytes, Base::None);
    pub static O_WSCALE: FieldDef =
        FieldDef::new("tcp.options.wscale", "TCP Option - Window scale", FieldType::Bytes, Base::None);
    pub static O_SACK_PERM: FieldDef =
        FieldDef::new("tcp.options.sack_perm", "TCP Option - SACK permitted", FieldType::Bytes, Base::None);
    pub static O_SACK: FieldDef = FieldDef::new("tcp.options.sack", "TCP Option - SACK", FieldType::Bytes, Base::None);
    pub static O_UNKNOWN: FieldDef =
        FieldDef::new("tcp.options.unknown", "TCP Option - Unknown", FieldType::Bytes, Base::None);
    pub static ANALYSIS: FieldDef = FieldDef::new("tcp.analysis", "SEQ/ACK analysis", FieldType::None, Base::None);
    pub static ANALYSIS_FLAGS: FieldDef =
        FieldDef::new("tcp.analysis.flags", "TCP Analysis Flags", FieldType::None, Base::None);
    pub static A_RETRANSMISSION: FieldDef = FieldDef::new(
        "tcp.analysis.retransmission",
        "This frame is a (suspected) retransmission",
        FieldType::None,
        Base::None,
    );
    pub static A_OUT_OF_ORDER: FieldDef = FieldDef::new(
        "tcp.analysis.out_of_order",
        "This frame is a (suspected) out-of-order segment",
        FieldType::None,
        Base::None,
    );
    pub static A_LOST_SEGMENT: FieldDef = FieldDef::new(
        "tcp.analysis.lost_segment",
        "Previous segment(s) not captured (common at capture start)",
        FieldType::None,
        Base::None,
    );
    pub static A_ACK_LOST: FieldDef = FieldDef::new(
        "tcp.analysis.ack_lost_segment",
        "ACKed segment that wasn't captured (common at capture start)",
        FieldType::None,
        Base::None,
    );
    pub static A_REUSED_PORTS: FieldDef = FieldDef::new(
        "tcp.analysis.reused_ports",
        "A new tcp session is started with the same ports as an earlier session in this trace",
        FieldType::None,
        Base::None,
    );
    pub static OVERLAP: FieldDef = FieldDef::new("tcp.segment.overlap", "Segment overlap", FieldType::Bool, Base::None);
    pub static OVERLAP_CONFLICT: FieldDef = FieldDef::new(
        "tcp.segment.overlap.conflict",
        "Conflicting data in segment overlap",
        FieldType::Bool,
        Base::None,
    );
    pub static TIME_RELATIVE: FieldDef =
        FieldDef::new("tcp.time_relative", "Time since first frame in this TCP stream", FieldType::RelTime, Base::None);
    pub static TIME_DELTA: FieldDef =
        FieldDef::new("tcp.time_delta", "Time since previous frame in this TCP stream", FieldType::RelTime, Base::None);
    pub static PAYLOAD: FieldDef = FieldDef::new("tcp.payload", "TCP payload", FieldType::Bytes, Base::None);

    pub static ALL: &[&FieldDef] = &[
        &TCP,
        &SRCPORT,
        &DSTPORT,
        &PORT,
        &STREAM,
        &COMPLETENESS,
        &LEN,
        &SEQ,
        &SEQ_RAW,
        &NXTSEQ,
        &ACK,
        &ACK_RAW,
        &HDR_LEN,
        &FLAGS,
        &FLAGS_RES,
        &FLAGS_AE,
        &FLAGS_CWR,
        &FLAGS_ECE,
        &FLAGS_URG,
        &FLAGS_ACK,
        &FLAGS_PUSH,
        &FLAGS_RESET,
        &FLAGS_SYN,
        &FLAGS_FIN,
        &FLAGS_STR,
        &CONN_SYN,
        &CONN_SYNACK,
        &CONN_FIN,
        &CONN_RST,
        &WINDOW_VALUE,
        &WINDOW_SIZE,
        &WINDOW_SCALEFACTOR,
        &CHECKSUM,
        &CHECKSUM_CALC,
        &CHECKSUM_STATUS,
        &URGENT_POINTER,
        &OPTIONS,
        &OPTION_KIND,
        &OPTION_LEN,
        &MSS_VAL,
        &WSCALE_SHIFT,
        &WSCALE_MULT,
        &SACK_LE,
        &SACK_RE,
        &SACK_COUNT,
        &TSVAL,
        &TSECR,
        &UNKNOWN_PAYLOAD,
        &O_NOP,
        &O_EOL,
        &O_TIMESTAMP,
        &O_MSS,
        &O_WSCALE,
        &O_SACK_PERM,
        &O_SACK,
        &O_UNKNOWN,
        &ANALYSIS,
        &ANALYSIS_FLAGS,
        &A_RETRANSMISSION,
        &A_OUT_OF_ORDER,
        &A_LOST_SEGMENT,
        &A_ACK_LOST,
        &A_REUSED_PORTS,
        &OVERLAP,
        &OVERLAP_CONFLICT,
        &TIME_RELATIVE,
        &TIME_DELTA,
        &PAYLOAD,
    ];
}

pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

/// Window scale not known (no SYN seen).
const WS_UNKNOWN: i8 = -1;
/// No window scaling (a SYN without the option).
const WS_NONE: i8 = -2;

#[derive(Debug)]
struct Dir {
    /// Sequence number of relative sequence 0.
    base: Option<u32>,
    /// The base came from this direction's SYN.
    base_from_syn: bool,
    win_scale: i8,
    /// Stream offset of this direction's FIN.
    fin_at: Option<u64>,
    rs: DirStream,
}

impl Default for Dir {
    fn default() -> Self {
        Dir { base: None, base_from_syn: false, win_scale: WS_UNKNOWN, fin_at: None, rs: DirStream::default() }
    }
}

#[derive(Debug)]
struct Conn {
    key: ConvKey,
    /// The endpoint that sent the first segment seen (direction 0).
    first_src: (Option<IpAddr>, u16),
    completeness: u8,
    first_ts: (i64, u32),
    last_ts: (i64, u32),
    tick: u64,
    dirs: [Dir; 2],
}

/// Connections and their reassembly buffers.
#[derive(Default)]
pub struct TcpState {
    by_key: HashMap<ConvKey, u32>,
    conns: HashMap<u32, Conn>,
    lru: BTreeMap<u64, u32>,
    tick: u64,
    next_stream: u32,
}

impl TcpState {
    /// Connections tracked.
    pub fn len(&self) -> usize {
        self.conns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conns.is_empty()
    }

    /// The frames that bytes `range` of direction `dir` of stream `stream` came from, each with
    /// the byte range in that frame (or, for a segment carried in a reassembled IP datagram, in
    /// that datagram's buffer). Only recent ranges are kept ([`super::reasm::MAP_MAX`] per
    /// direction), so the answer is bounded.
    pub fn frames_for(&self, stream: u32, dir: u8, range: Range<u64>) -> Vec<(u64, Range<usize>)> {
        self.frames_for_buf(stream, dir, range).into_iter().map(|(f, _, r)| (f, r)).collect()
    }

    /// [`Self::frames_for`] with the buffer id each range is in (0 = the frame itself).
    pub fn frames_for_buf(&self, stream: u32, dir: u8, range: Range<u64>) -> Vec<(u64, u16, Range<usize>)> {
        match self.conns.get(&stream) {
            Some(c) if dir < 2 => c.dirs[usize::from(dir)].rs.frames_for(range),
            _ => Vec::new(),
        }
    }

    fn touch(&mut self, stream: u32) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(c) = self.conns.get_mut(&stream) {
            self.lru.remove(&c.tick);
            c.tick = tick;
            self.lru.insert(tick, stream);
        }
    }

    fn remove(&mut self, stream: u32) {
        if let Some(c) = self.conns.remove(&stream) {
            self.lru.remove(&c.tick);
            if self.by_key.get(&c.key) == Some(&stream) {
                self.by_key.remove(&c.key);
            }
        }
    }

    /// A new connection; returns how many were evicted to make room.
    fn create(&mut self, key: ConvKey, first_src: (Option<IpAddr>, u16), ts: (i64, u32), max: usize) -> (u32, usize) {
        let mut evicted = 0;
        while self.conns.len() >= max.max(1) {
            let Some((_, &s)) = self.lru.iter().next() else { break };
            self.remove(s);
            evicted += 1;
        }
        let stream = self.next_stream;
        self.next_stream = self.next_stream.wrapping_add(1);
        if let Some(old) = self.by_key.insert(key, stream) {
            // A reused 4-tuple: the old connection stays reachable by stream until evicted.
            let _ = old;
        }
        self.conns.insert(
            stream,
            Conn {
                key,
                first_src,
                completeness: 0,
                first_ts: ts,
                last_ts: ts,
                tick: 0,
                dirs: [Dir::default(), Dir::default()],
            },
        );
        self.touch(stream);
        (stream, evicted)
    }
}

fn be16(d: &[u8], o: usize) -> u16 {
    match (d.get(o), d.get(o + 1)) {
        (Some(&a), Some(&b)) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

fn be32(d: &[u8], o: usize) -> u32 {
    match d.get(o..o + 4) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// Parsed options, for the summary and the window scale.
#[derive(Default)]
struct Opts {
    wscale: Option<u8>,
    info: String,
}

/// `flags` as tshark's 12-character `tcp.flags.str`.
pub fn flags_str(flags: u16) -> String {
    const C: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];
    (0..12).map(|i| if flags & (0x800 >> i) != 0 { C[i] } else { '·' }).collect()
}

/// `flags` as the summary's `[SYN, ACK]` list.
fn flags_list(flags: u16) -> String {
    const N: [(u16, &str); 9] = [
        (flag::FIN, "FIN"),
        (flag::SYN, "SYN"),
        (flag::RST, "RST"),
        (flag::PSH, "PSH"),
        (flag::ACK, "ACK"),
        (flag::URG, "URG"),
        (flag::ECE, "ECE"),
        (flag::CWR, "CWR"),
        (flag::AE, "AE"),
    ];
    let v: Vec<&str> = N.iter().filter(|(b, _)| flags & b != 0).map(|(_, n)| *n).collect();
    if flags & flag::RES != 0 {
        let mut v = v;
        v.push("Reserved");
        return v.join(", ");
    }
    v.join(", ")
}

/// A delivery to the application layer, computed while the state is borrowed.
enum Delivery {
    /// Bytes `range` of the segment payload (in order, from the frame).
    Frame {
        dir: u8,
        offset: u64,
        range: Range<usize>,
    },
    /// Bytes assembled from held data (and possibly the segment).
    Buffer {
        dir: u8,
        offset: u64,
        data: Vec<u8>,
    },
    Gap {
        dir: u8,
        offset: u64,
        len: u64,
    },
}

/// Turn reassembly runs into deliveries: adjacent byte runs are merged; a lone run of the
/// current segment stays a view of the frame.
fn deliveries(out: &mut Vec<Delivery>, dir: u8, runs: Vec<Run>, payload: &[u8]) {
    let mut group: Vec<Run> = Vec::new();
    let flush = |out: &mut Vec<Delivery>, group: &mut Vec<Run>| {
        if group.is_empty() {
            return;
        }
        if group.len() == 1 {
            if let Some(Run::Current { offset, range }) = group.first() {
                out.push(Delivery::Frame { dir, offset: *offset, range: range.clone() });
                group.clear();
                return;
            }
        }
        let mut offset = None;
        let mut data = Vec::new();
        for r in group.drain(..) {
            match r {
                Run::Current { offset: o, range } => {
                    offset.get_or_insert(o);
                    data.extend_from_slice(payload.get(range).unwrap_or(&[]));
                }
                Run::Held { offset: o, data: d } => {
                    offset.get_or_insert(o);
                    data.extend_from_slice(&d);
                }
                Run::Gap { .. } => {}
            }
        }
        out.push(Delivery::Buffer { dir, offset: offset.unwrap_or(0), data });
    };
    for r in runs {
        match r {
            Run::Gap { offset, len } => {
                flush(out, &mut group);
                out.push(Delivery::Gap { dir, offset, len });
            }
            other => group.push(other),
        }
    }
    flush(out, &mut group);
}

/// Unwrap a 32-bit relative sequence number near `reference` (a 64-bit relative position).
fn unwrap(reference: u64, rel: u32) -> i64 {
    let diff = rel.wrapping_sub(reference as u32) as i32;
    reference as i64 + i64::from(diff)
}

/// Dissect a TCP segment (the IP payload).
pub fn dissect(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    ctx.tb.set_protocol_column("TCP");
    if d.len() < 20 {
        ctx.tb.open_proto(&hf::TCP, tvb.all(), Some("Transmission Control Protocol".into()));
        ctx.tb.malformed(format!("TCP header needs 20 bytes, {} captured", d.len()), tvb.all());
        return;
    }
    let sp = be16(d, 0);
    let dp = be16(d, 2);
    let seq = be32(d, 4);
    let ack = be32(d, 8);
    let hl = usize::from(d[12] >> 4) * 4;
    let flags = be16(d, 12) & 0x0fff;
    let win = be16(d, 14);
    let sum = be16(d, 16);
    let urp = be16(d, 18);
    ctx.addrs.src_port = sp;
    ctx.addrs.dst_port = dp;
    ctx.tb.open_proto(&hf::TCP, tvb.span(0, hl.clamp(20, d.len())), None);
    let tb = &mut ctx.tb;
    tb.add_uint(&hf::SRCPORT, tvb.span(0, 2), u64::from(sp));
    tb.add_uint(&hf::DSTPORT, tvb.span(2, 4), u64::from(dp));
    tb.add_hidden(&hf::PORT, tvb.span(0, 2), Value::UInt(u64::from(sp)));
    tb.add_hidden(&hf::PORT, tvb.span(2, 4), Value::UInt(u64::from(dp)));
    if hl < 20 || hl > d.len() {
        tb.set_label(format!("Transmission Control Protocol, Src Port: {sp}, Dst Port: {dp}"));
        tb.add_label(
            &hf::HDR_LEN,
            tvb.span(12, 13),
            Value::UInt(hl as u64),
            format!("Header Length: {hl} bytes ({})", hl / 4),
        );
        let msg = if hl < 20 {
            format!("Bogus TCP header length ({hl}, must be at least 20)")
        } else {
            format!("TCP header length {hl} exceeds the {} bytes captured", d.len())
        };
        ctx.tb.malformed(msg, tvb.span(12, 13));
        return;
    }
    let payload = tvb.from(hl);
    let plen = payload.len();
    let syn = flags & flag::SYN != 0;
    let ackf = flags & flag::ACK != 0;
    let fin = flags & flag::FIN != 0;
    let rst = flags & flag::RST != 0;

    // Options first: the window scale of a SYN matters below.
    let opts = parse_opts(&d[20..hl]);

    // Connection lookup.
    let src = ctx.addrs.src;
    let dst = ctx.addrs.dst;
    let (key, _) = ConvKey::new(src, sp, dst, dp);
    let max = ctx.cfg.max_flows;
    let st = &mut ctx.st.tcp;
    let mut evicted = 0;
    let mut reused = false;
    let stream = match st.by_key.get(&key).copied() {
        Some(s) if st.conns.contains_key(&s) => {
            let c = &st.conns[&s];
            let di = usize::from(c.first_src != (src, sp));
            let d0 = &c.dirs[di];
            let new_syn =
                syn && !ackf && ((d0.base.is_some() && d0.base != Some(seq)) || c.completeness & COMPLETENESS_RST != 0);
            if new_syn {
                reused = true;
                let (s2, e) = st.create(key, (src, sp), ctx.ts, max);
                evicted = e;
                s2
            } else {
                s
            }
        }
        _ => {
            let (s, e) = st.create(key, (src, sp), ctx.ts, max);
            evicted = e;
            s
        }
    };
    st.touch(stream);
    let Some(conn) = st.conns.get_mut(&stream) else {
        return;
    };
    let di = usize::from(conn.first_src != (src, sp));
    let dir = di as u8;
    let ri = 1 - di;
    let completeness = conn.completeness;
    let rel_t = time_sub(ctx.ts, conn.first_ts);
    let delta_t = time_sub(ctx.ts, conn.last_ts);
    conn.last_ts = ctx.ts;

    // A repeated SYN or FIN (same sequence number) is a retransmission.
    let syn_again = syn && conn.dirs[di].base_from_syn && conn.dirs[di].base == Some(seq);
    // Relative sequence numbers (tshark's default).
    {
        let f = &mut conn.dirs[di];
        if syn && !f.base_from_syn && f.rs.next() == 0 {
            f.base = Some(seq);
            f.base_from_syn = true;
        } else if f.base.is_none() {
            f.base = Some(seq.wrapping_sub(1));
        }
        if syn {
            f.win_scale = opts.wscale.map(|s| s.min(14) as i8).unwrap_or(WS_NONE);
            if ackf && (f.win_scale == WS_NONE || conn.dirs[ri].win_scale == WS_NONE) {
                conn.dirs[0].win_scale = WS_NONE;
                conn.dirs[1].win_scale = WS_NONE;
            }
        }
    }
    if ackf && conn.dirs[ri].base.is_none() {
        conn.dirs[ri].base = Some(ack.wrapping_sub(1));
    }
    let base = conn.dirs[di].base.unwrap_or(seq);
    let rel_seq = seq.wrapping_sub(base);
    let rel_ack = if ackf { ack.wrapping_sub(conn.dirs[ri].base.unwrap_or(ack)) } else { 0 };
    let seg_len = plen as u32;
    let nxtseq = rel_seq.wrapping_add(seg_len).wrapping_add(u32::from(syn)).wrapping_add(u32::from(fin));
    let win_scale = conn.dirs[di].win_scale;
    let win_size = if !syn && win_scale >= 0 { u64::from(win) << win_scale } else { u64::from(win) };

    // Completeness, as it was before this segment (tshark shows it so in one pass).
    if syn {
        conn.completeness |= if ackf { COMPLETENESS_SYNACK } else { COMPLETENESS_SYN };
    } else if ackf && conn.completeness & COMPLETENESS_SYNACK != 0 {
        conn.completeness |= COMPLETENESS_ACK;
    }
    if plen > 0 {
        conn.completeness |= COMPLETENESS_DATA;
    }
    if fin {
        conn.completeness |= COMPLETENESS_FIN;
    }
    if rst {
        conn.completeness |= COMPLETENESS_RST;
    }

    // Reassembly.
    let mut dels: Vec<Delivery> = Vec::new();
    let mut outcome = crate::net::reasm::SegmentOutcome::default();
    let mut ack_gap = false;
    let reassemble = ctx.cfg.tcp_reassemble;
    // Stream offset of the first payload byte: relative sequence 1 is offset 0; a SYN's data
    // starts after the SYN.
    let data_rel = rel_seq.wrapping_add(u32::from(syn));
    let next_rel = conn.dirs[di].rs.next() + 1;
    let start = unwrap(next_rel, data_rel) - 1;
    let (skip, offset) = if start < 0 { ((-start) as usize, 0u64) } else { (0, start as u64) };
    if reassemble {
        if plen > 0 {
            let origin = Origin { frame: ctx.frame_number, buf: payload.buf, buf_off: payload.base + skip.min(plen) };
            let data = payload.data.get(skip..).unwrap_or(&[]);
            if skip >= plen {
                outcome.retransmission = true;
            } else {
                outcome = conn.dirs[di].rs.segment(offset, data, origin, ctx.cfg.tcp_max_buffer);
                // Runs index `data`; shift them to index the whole payload.
                let runs = outcome
                    .runs
                    .drain(..)
                    .map(|r| match r {
                        Run::Current { offset, range } => {
                            Run::Current { offset, range: range.start + skip..range.end + skip }
                        }
                        other => other,
                    })
                    .collect();
                deliveries(&mut dels, dir, runs, payload.data);
            }
        }
        if fin && plen == 0 && conn.dirs[di].fin_at == Some(offset) {
            outcome.retransmission = true;
        }
        if fin {
            let end = offset + (plen.saturating_sub(skip)) as u64;
            let f = &mut conn.dirs[di];
            let end = end.max(f.rs.next());
            f.fin_at.get_or_insert(end);
            let runs = f.rs.flush(Some(end));
            deliveries(&mut dels, dir, runs, payload.data);
        }
        if rst {
            for (i, dd) in conn.dirs.iter_mut().enumerate() {
                let runs = dd.rs.flush(None);
                deliveries(&mut dels, i as u8, runs, payload.data);
            }
        } else if ackf && !syn {
            // The peer acknowledged bytes of ours... of the reverse direction never seen?
            let r = &mut conn.dirs[ri];
            let r_next = r.rs.next();
            let ack_off = unwrap(r_next + 1, rel_ack) - 1;
            let limit = match r.fin_at {
                Some(f) => (ack_off).min(f as i64),
                None => ack_off,
            };
            // Only a plausible distance (a bogus ACK must not swallow the stream).
            if limit > r_next as i64 && (limit - r_next as i64) < (1 << 30) && r.base.is_some() {
                ack_gap = true;
                let runs = r.rs.skip_to(limit as u64);
                deliveries(&mut dels, ri as u8, runs, &[]);
            }
        }
    }

    if syn_again {
        outcome.retransmission = true;
    }

    // The tree.
    let tb = &mut ctx.tb;
    tb.set_label(format!(
        "Transmission Control Protocol, Src Port: {sp}, Dst Port: {dp}, Seq: {rel_seq}{}, Len: {plen}",
        if ackf { format!(", Ack: {rel_ack}") } else { String::new() }
    ));
    tb.add_generated(&hf::STREAM, Span::EMPTY, Value::UInt(u64::from(stream)));
    if reused {
        tb.open(&hf::ANALYSIS, Span::EMPTY, Value::None);
        tb.add_generated(&hf::A_REUSED_PORTS, tvb.span(0, 4), Value::None);
        tb.expert(
            Severity::Note,
            Group::Sequence,
            "A new tcp session is started with the same ports as an earlier session in this trace",
            tvb.span(0, 4),
        );
        tb.close();
    }
    if evicted > 0 {
        tb.expert(
            Severity::Note,
            Group::Sequence,
            format!("TCP connection table full: {evicted} least recently used connection(s) dropped"),
            tvb.span(0, 4),
        );
    }
    tb.add_generated(&hf::COMPLETENESS, Span::EMPTY, Value::UInt(u64::from(completeness)));
    tb.add_generated(&hf::LEN, Span::EMPTY, Value::UInt(plen as u64));
    tb.add_label(
        &hf::SEQ,
        tvb.span(4, 8),
        Value::UInt(u64::from(rel_seq)),
        format!("Sequence Number: {rel_seq}    (relative sequence number)"),
    );
    tb.add_uint(&hf::SEQ_RAW, tvb.span(4, 8), u64::from(seq));
    tb.add_generated(&hf::NXTSEQ, Span::EMPTY, Value::UInt(u64::from(nxtseq)));
    tb.add_label(
        &hf::ACK,
        tvb.span(8, 12),
        Value::UInt(u64::from(rel_ack)),
        format!("Acknowledgment Number: {rel_ack}    (relative ack number)"),
    );
    tb.add_uint(&hf::ACK_RAW, tvb.span(8, 12), u64::from(ack));
    tb.add_label(
        &hf::HDR_LEN,
        tvb.span(12, 13),
        Value::UInt(hl as u64),
        format!("Header Length: {hl} bytes ({})", hl / 4),
    );
    let fsp = tvb.span(12, 14);
    let list = flags_list(flags);
    tb.open_label(
        &hf::FLAGS,
        fsp,
        Value::UInt(u64::from(flags)),
        format!("Flags: 0x{flags:03x} ({})", if list.is_empty() { "<None>".to_string() } else { list.clone() }),
    );
    tb.add(&hf::FLAGS_RES, fsp, Value::Bool(flags & flag::RES != 0));
    tb.add(&hf::FLAGS_AE, fsp, Value::Bool(flags & flag::AE != 0));
    tb.add(&hf::FLAGS_CWR, fsp, Value::Bool(flags & flag::CWR != 0));
    tb.add(&hf::FLAGS_ECE, fsp, Value::Bool(flags & flag::ECE != 0));
    tb.add(&hf::FLAGS_URG, fsp, Value::Bool(flags & flag::URG != 0));
    tb.add(&hf::FLAGS_ACK, fsp, Value::Bool(ackf));
    tb.add(&hf::FLAGS_PUSH, fsp, Value::Bool(flags & flag::PSH != 0));
    if rst {
        tb.open(&hf::FLAGS_RESET, fsp, Value::Bool(true));
        tb.add(&hf::CONN_RST, fsp, Value::None);
        tb.expert(Severity::Warning, Group::Sequence, "Connection reset (RST)", fsp);
        tb.close();
    } else {
        tb.add(&hf::FLAGS_RESET, fsp, Value::Bool(false));
    }
    if syn {
        tb.open(&hf::FLAGS_SYN, fsp, Value::Bool(true));
        if ackf {
            tb.add(&hf::CONN_SYNACK, fsp, Value::None);
            tb.expert(
                Severity::Chat,
                Group::Sequence,
                format!("Connection establish acknowledge (SYN+ACK): server port {sp}"),
                fsp,
            );
        } else {
            tb.add(&hf::CONN_SYN, fsp, Value::None);
            tb.expert(
                Severity::Chat,
                Group::Sequence,
                format!("Connection establish request (SYN): server port {dp}"),
                fsp,
            );
        }
        tb.close();
    } else {
        tb.add(&hf::FLAGS_SYN, fsp, Value::Bool(false));
    }
    if fin {
        tb.open(&hf::FLAGS_FIN, fsp, Value::Bool(true));
        tb.add(&hf::CONN_FIN, fsp, Value::None);
        tb.expert(Severity::Chat, Group::Sequence, "Connection finish (FIN)", fsp);
        tb.close();
    } else {
        tb.add(&hf::FLAGS_FIN, fsp, Value::Bool(false));
    }
    tb.add(&hf::FLAGS_STR, fsp, Value::Str(flags_str(flags)));
    tb.close();
    tb.add_uint(&hf::WINDOW_VALUE, tvb.span(14, 16), u64::from(win));
    tb.add_generated(&hf::WINDOW_SIZE, tvb.span(14, 16), Value::UInt(win_size));
    if !syn {
        let (v, label) = match win_scale {
            WS_UNKNOWN => (-1, "Window size scaling factor: -1 (unknown)".to_string()),
            WS_NONE => (-2, "Window size scaling factor: -2 (no window scaling used)".to_string()),
            s => (1i64 << s, format!("Window size scaling factor: {}", 1i64 << s)),
        };
        tb.add_label(&hf::WINDOW_SCALEFACTOR, tvb.span(14, 16), Value::Int(v), label);
    }
    // Checksum (RFC 9293 §3.1, pseudo-header for IPv4 / RFC 8200 §8.1 for IPv6).
    let csp = tvb.span(16, 18);
    let verified = match (ctx.cfg.check_checksums, src, dst) {
        (true, Some(s), Some(t)) if !ctx.st.ip.payload_truncated => checksum::pseudo_header_checksum(s, t, 6, d),
        _ => None,
    };
    let tb = &mut ctx.tb;
    match verified {
        Some(0) => {
            tb.add_label(&hf::CHECKSUM, csp, Value::UInt(u64::from(sum)), format!("Checksum: 0x{sum:04x} [correct]"));
            tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(sum)));
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_GOOD));
        }
        Some(r) => {
            let should = checksum::should_be(sum, r);
            tb.add_label(
                &hf::CHECKSUM,
                csp,
                Value::UInt(u64::from(sum)),
                format!("Checksum: 0x{sum:04x} incorrect, should be 0x{should:04x}"),
            );
            tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(should)));
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_BAD));
            tb.expert(Severity::Warning, Group::Checksum, format!("Bad checksum [should be 0x{should:04x}]"), csp);
        }
        None => {
            tb.add_label(
                &hf::CHECKSUM,
                csp,
                Value::UInt(u64::from(sum)),
                format!("Checksum: 0x{sum:04x} [unverified]"),
            );
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_UNVERIFIED));
        }
    }
    tb.add_uint(&hf::URGENT_POINTER, tvb.span(18, 20), u64::from(urp));
    if urp != 0 && flags & flag::URG == 0 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            "The urgent pointer field is nonzero while the URG flag is not set",
            tvb.span(18, 20),
        );
    }
    if hl > 20 {
        let rb = ri_base(ctx, stream, ri);
        options_tree(ctx, tvb.sub(20, hl), rb);
    }
    let tb = &mut ctx.tb;
    tb.add_generated(&hf::TIME_RELATIVE, Span::EMPTY, Value::Time { secs: rel_t.0, nanos: rel_t.1 });
    tb.add_generated(&hf::TIME_DELTA, Span::EMPTY, Value::Time { secs: delta_t.0, nanos: delta_t.1 });

    // SEQ/ACK analysis.
    let lost = outcome.held > 0 && !outcome.filled_hole;
    let ooo = outcome.filled_hole;
    if outcome.retransmission || lost || ooo || ack_gap || outcome.conflict {
        let all = payload.all();
        tb.open(&hf::ANALYSIS, Span::EMPTY, Value::None);
        tb.open(&hf::ANALYSIS_FLAGS, Span::EMPTY, Value::None);
        if outcome.retransmission {
            tb.add_generated(&hf::A_RETRANSMISSION, all, Value::None);
            tb.expert(Severity::Note, Group::Sequence, "This frame is a (suspected) retransmission", all);
        }
        if lost {
            tb.add_generated(&hf::A_LOST_SEGMENT, all, Value::None);
            tb.expert(
                Severity::Warning,
                Group::Sequence,
                "Previous segment(s) not captured (common at capture start)",
                all,
            );
        }
        if ooo {
            tb.add_generated(&hf::A_OUT_OF_ORDER, all, Value::None);
            tb.expert(Severity::Warning, Group::Sequence, "This frame is a (suspected) out-of-order segment", all);
        }
        if ack_gap {
            tb.add_generated(&hf::A_ACK_LOST, tvb.span(8, 12), Value::None);
            tb.expert(
                Severity::Warning,
                Group::Sequence,
                "ACKed segment that wasn't captured (common at capture start)",
                tvb.span(8, 12),
            );
        }
        tb.close();
        tb.close();
        if outcome.conflict {
            // tshark shows these only in a reassembled PDU's segment list, where they matter.
            tb.add_generated(&hf::OVERLAP, all, Value::Bool(true));
            tb.add_generated(&hf::OVERLAP_CONFLICT, all, Value::Bool(true));
            tb.expert(
                Severity::Warning,
                Group::Reassemble,
                "Conflicting data in segment overlap (the first copy is kept)",
                all,
            );
        }
    }
    if outcome.cap_hit {
        tb.expert(
            Severity::Warning,
            Group::Reassemble,
            format!("TCP reassembly buffer limit ({} bytes) reached: a hole was given up", ctx.cfg.tcp_max_buffer),
            payload.all(),
        );
    }
    if plen > 0 {
        tb.add_label(
            &hf::PAYLOAD,
            payload.all(),
            Value::Bytes(payload.data.to_vec()),
            format!("TCP payload ({plen} bytes)"),
        );
    }

    // Summary.
    let mut info = String::new();
    if outcome.retransmission {
        info.push_str("[TCP Retransmission] ");
    } else if ooo {
        info.push_str("[TCP Out-Of-Order] ");
    } else if lost {
        info.push_str("[TCP Previous segment not captured] ");
    }
    info.push_str(&format!("{sp} → {dp} [{}] Seq={rel_seq}", list));
    if ackf {
        info.push_str(&format!(" Ack={rel_ack}"));
    }
    info.push_str(&format!(" Win={win_size} Len={plen}"));
    if flags & flag::URG != 0 {
        info.push_str(&format!(" Urg={urp}"));
    }
    info.push_str(&opts.info);
    tb.set_info(info);

    // Hand bytes up.
    if !reassemble {
        if plen > 0 {
            let p = TcpPayload { stream, dir, src_port: sp, dst_port: dp, stream_offset: offset };
            app_tcp(ctx, &p, payload);
        }
        return;
    }
    for del in dels {
        match del {
            Delivery::Frame { dir: dd, offset, range } => {
                let (s, t) = if dd == dir { (sp, dp) } else { (dp, sp) };
                let p = TcpPayload { stream, dir: dd, src_port: s, dst_port: t, stream_offset: offset };
                app_tcp(ctx, &p, payload.sub(range.start, range.end));
            }
            Delivery::Buffer { dir: dd, offset, data } => {
                let (s, t) = if dd == dir { (sp, dp) } else { (dp, sp) };
                let p = TcpPayload { stream, dir: dd, src_port: s, dst_port: t, stream_offset: offset };
                let arc: Arc<[u8]> = Arc::from(data);
                let buf = ctx.tb.add_buffer("Reassembled TCP", arc.clone());
                app_tcp(ctx, &p, Tvb::new(&arc, buf, 0));
            }
            Delivery::Gap { dir: dd, offset, len } => {
                let (s, t) = if dd == dir { (sp, dp) } else { (dp, sp) };
                let p = TcpPayload { stream, dir: dd, src_port: s, dst_port: t, stream_offset: offset };
                ctx.tb.close_to(0);
                ctx.tb.expert(
                    Severity::Note,
                    Group::Sequence,
                    format!(
                        "TCP stream {stream} direction {dd}: {len} bytes at stream offset {offset} were not captured"
                    ),
                    Span::EMPTY,
                );
                app_tcp_gap(ctx, &p, len);
            }
        }
    }
}

/// The reverse direction's base sequence number, for relative SACK edges.
fn ri_base(ctx: &Ctx, stream: u32, ri: usize) -> Option<u32> {
    ctx.st.tcp.conns.get(&stream).and_then(|c| c.dirs[ri].base)
}

fn parse_opts(o: &[u8]) -> Opts {
    let mut r = Opts::default();
    let mut i = 0;
    while i < o.len() {
        let kind = o[i];
        if kind == opt::EOL || kind == opt::NOP {
            i += 1;
            continue;
        }
        let Some(&l) = o.get(i + 1) else { break };
        let l = usize::from(l);
        if l < 2 || i + l > o.len() {
            break;
        }
        let v = &o[i + 2..i + l];
        match (kind, l) {
            (opt::MSS, 4) => r.info.push_str(&format!(" MSS={}", u16::from_be_bytes([v[0], v[1]]))),
            (opt::WSCALE, 3) => {
                r.wscale = Some(v[0]);
                r.info.push_str(&format!(" WS={}", 1u32 << v[0].min(14)));
            }
            (opt::SACK_PERM, 2) => r.info.push_str(" SACK_PERM"),
            (opt::TIMESTAMP, 10) => r.info.push_str(&format!(
                " TSval={} TSecr={}",
                u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
                u32::from_be_bytes([v[4], v[5], v[6], v[7]])
            )),
            _ => {}
        }
        i += l;
    }
    r
}

/// The options subtree, tshark's layout: `tcp.options` (all bytes), one subtree per option.
fn options_tree(ctx: &mut Ctx, t: Tvb, rev_base: Option<u32>) {
    let o = t.data;
    let tb = &mut ctx.tb;
    tb.open(&hf::OPTIONS, t.all(), Value::Bytes(o.to_vec()));
    let mut i = 0;
    let mut nops = 0;
    while i < o.len() {
        let kind = o[i];
        if kind == opt::EOL || kind == opt::NOP {
            let def = if kind == opt::EOL { &hf::O_EOL } else { &hf::O_NOP };
            let sp = t.span(i, i + 1);
            tb.open_label(def, sp, Value::Bytes(vec![kind]), def.name.to_string());
            tb.add_uint(&hf::OPTION_KIND, sp, u64::from(kind));
            tb.close();
            if kind == opt::NOP {
                nops += 1;
                if nops == 4 {
                    tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        "4 NOP in a row - a router may have removed some options",
                        sp,
                    );
                }
            } else {
                nops = 0;
            }
            i += 1;
            continue;
        }
        nops = 0;
        let Some(&l) = o.get(i + 1) else {
            tb.expert(
                Severity::Error,
                Group::Malformed,
                format!("Option kind {kind} has no length byte"),
                t.span(i, o.len()),
            );
            break;
        };
        let l = usize::from(l);
        if l < 2 || i + l > o.len() {
            tb.expert(
                Severity::Error,
                Group::Malformed,
                format!("Invalid length {l} for option kind {kind} ({} bytes left)", o.len() - i),
                t.span(i, o.len()),
            );
            break;
        }
        let sp = t.span(i, i + l);
        let v = &o[i + 2..i + l];
        let (def, want): (&'static FieldDef, Option<usize>) = match kind {
            opt::MSS => (&hf::O_MSS, Some(4)),
            opt::WSCALE => (&hf::O_WSCALE, Some(3)),
            opt::SACK_PERM => (&hf::O_SACK_PERM, Some(2)),
            opt::SACK => (&hf::O_SACK, None),
            opt::TIMESTAMP => (&hf::O_TIMESTAMP, Some(10)),
            _ => (&hf::O_UNKNOWN, None),
        };
        let bad_len = want.is_some_and(|w| w != l) || (kind == opt::SACK && (l - 2) % 8 != 0);
        let label = match (kind, bad_len) {
            (_, true) => format!("{}: invalid length {l}", def.name),
            (opt::MSS, _) => format!("{}: {} bytes", def.name, u16::from_be_bytes([v[0], v[1]])),
            (opt::WSCALE, _) => {
                format!("{}: {} (multiply by {})", def.name, v[0], 1u32 << v[0].min(14))
            }
            (opt::TIMESTAMP, _) => format!(
                "{}: TSval {}, TSecr {}",
                def.name,
                u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
                u32::from_be_bytes([v[4], v[5], v[6], v[7]])
            ),
            (opt::SACK_PERM, _) => def.name.to_string(),
            (opt::SACK, _) => def.name.to_string(),
            _ => format!("{} ({kind}, {l} bytes)", def.name),
        };
        tb.open_label(def, sp, Value::Bytes(o[i..i + l].to_vec()), label);
        tb.add_uint(&hf::OPTION_KIND, t.span(i, i + 1), u64::from(kind));
        tb.add_uint(&hf::OPTION_LEN, t.span(i + 1, i + 2), l as u64);
        let vs = i + 2;
        if bad_len {
            tb.expert(Severity::Error, Group::Malformed, format!("Invalid length {l} for option kind {kind}"), sp);
        } else {
            match kind {
                opt::MSS => tb.add_uint(&hf::MSS_VAL, t.span(vs, vs + 2), u64::from(u16::from_be_bytes([v[0], v[1]]))),
                opt::WSCALE => {
                    tb.add_uint(&hf::WSCALE_SHIFT, t.span(vs, vs + 1), u64::from(v[0]));
                    if v[0] > 14 {
                        tb.expert(
                            Severity::Warning,
                            Group::Protocol,
                            "Window scale shift exceeds 14 (RFC 7323 §2.3)",
                            t.span(vs, vs + 1),
                        );
                    }
                    tb.add_generated(&hf::WSCALE_MULT, t.span(vs, vs + 1), Value::UInt(1u64 << v[0].min(14)));
                }
                opt::SACK => {
                    let n = v.len() / 8;
                    for k in 0..n {
                        let le = u32::from_be_bytes([v[8 * k], v[8 * k + 1], v[8 * k + 2], v[8 * k + 3]]);
                        let re = u32::from_be_bytes([v[8 * k + 4], v[8 * k + 5], v[8 * k + 6], v[8 * k + 7]]);
                        let b = rev_base.unwrap_or(0);
                        let a = vs + 8 * k;
                        tb.add_uint(&hf::SACK_LE, t.span(a, a + 4), u64::from(le.wrapping_sub(b)));
                        tb.add_uint(&hf::SACK_RE, t.span(a + 4, a + 8), u64::from(re.wrapping_sub(b)));
                    }
                    tb.add_generated(&hf::SACK_COUNT, sp, Value::UInt(n as u64));
                }
                opt::TIMESTAMP => {
                    tb.add_uint(
                        &hf::TSVAL,
                        t.span(vs, vs + 4),
                        u64::from(u32::from_be_bytes([v[0], v[1], v[2], v[3]])),
                    );
                    tb.add_uint(
                        &hf::TSECR,
                        t.span(vs + 4, vs + 8),
                        u64::from(u32::from_be_bytes([v[4], v[5], v[6], v[7]])),
                    );
                }
                opt::SACK_PERM => {}
                _ => {
                    if !v.is_empty() {
                        tb.add(&hf::UNKNOWN_PAYLOAD, t.span(vs, i + l), Value::Bytes(v.to_vec()));
                    }
                }
            }
        }
        tb.close();
        i += l;
    }
    tb.close();
}
