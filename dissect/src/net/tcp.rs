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
//! scaling as announced in the SYNs, `tcp.stream` numbered by first appearance, a new stream
//! for a pure SYN with a different ISN on the same ports ("port numbers reused", as is a SYN+ACK
//! with a new ISN, which restarts that direction's numbering), tshark's conversation
//! completeness, and tshark 4.0's SEQ/ACK analysis ([`analysis`]): `acks_frame`, `ack_rtt`,
//! `initial_rtt`, `bytes_in_flight`, `push_bytes_sent`, retransmissions (plain, fast,
//! spurious, with the RTO), out-of-order and lost segments, ACKed unseen segments, duplicate
//! ACKs, keep-alives, window updates, full and zero windows, zero-window probes, each with
//! tshark's expert info and summary note. The analysis is independent of the reassembly, which
//! decides what the application layer sees.
//!
//! Differences from tshark: the checksum is verified when the configuration says so (tshark
//! 4.0 prints status 2, Unverified, by default); the segment length is the captured payload (a
//! frame cut by the snap length counts what was captured); a connection evicted from the full
//! table (least recently used) gets a new stream index if it comes back; the reassembly's own
//! notes ("N bytes at stream offset ... were not captured", conflicting overlaps, the buffer
//! cap) are experts tshark does not have.
//!
//! A header quoted in an ICMP error ([`crate::net::icmp`]) is shown as tshark shows it: raw
//! sequence and acknowledgment numbers, checked over the bytes quoted, no analysis, no
//! reassembly, no application. Like tshark, it still finds or creates its connection (taking a
//! `tcp.stream` index) and updates the connection's times and completeness.
//!
//! In-order bytes go to [`crate::engine::app_tcp`], the frame's own bytes when the segment is
//! in order, a "Reassembled TCP" buffer when held bytes are released; holes that will never be
//! filled (FIN/RST, buffer cap, or the peer acknowledging past them) go to
//! [`crate::engine::app_tcp_gap`].

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::ops::Range;
use std::sync::Arc;

mod analysis;
#[cfg(test)]
mod tests;

use analysis::{af, Acked, ConnInfo, Flow, Seg, Time};

use crate::engine::{app_tcp, app_tcp_gap, data_layer, Ctx, TcpPayload};
use crate::net::checksum;
use crate::net::reasm::{DirStream, Origin, Run};
use crate::net::udp::ConvKey;
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
    pub static A_FAST_RETRANSMISSION: FieldDef = FieldDef::new(
        "tcp.analysis.fast_retransmission",
        "This frame is a (suspected) fast retransmission",
        FieldType::None,
        Base::None,
    );
    pub static A_SPURIOUS_RETRANSMISSION: FieldDef = FieldDef::new(
        "tcp.analysis.spurious_retransmission",
        "This frame is a (suspected) spurious retransmission",
        FieldType::None,
        Base::None,
    );
    pub static A_WINDOW_UPDATE: FieldDef =
        FieldDef::new("tcp.analysis.window_update", "TCP window update", FieldType::None, Base::None);
    pub static A_WINDOW_FULL: FieldDef = FieldDef::new(
        "tcp.analysis.window_full",
        "TCP window specified by the receiver is now completely full",
        FieldType::None,
        Base::None,
    );
    pub static A_KEEP_ALIVE: FieldDef =
        FieldDef::new("tcp.analysis.keep_alive", "TCP keep-alive segment", FieldType::None, Base::None);
    pub static A_KEEP_ALIVE_ACK: FieldDef =
        FieldDef::new("tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment", FieldType::None, Base::None);
    pub static A_ZERO_WINDOW_PROBE: FieldDef =
        FieldDef::new("tcp.analysis.zero_window_probe", "TCP Zero Window Probe", FieldType::None, Base::None);
    pub static A_ZERO_WINDOW: FieldDef =
        FieldDef::new("tcp.analysis.zero_window", "TCP Zero Window segment", FieldType::None, Base::None);
    pub static A_ZERO_WINDOW_PROBE_ACK: FieldDef = FieldDef::new(
        "tcp.analysis.zero_window_probe_ack",
        "ACK to a TCP Zero Window Probe",
        FieldType::None,
        Base::None,
    );
    pub static A_DUPLICATE_ACK: FieldDef =
        FieldDef::new("tcp.analysis.duplicate_ack", "Duplicate ACK", FieldType::None, Base::None)
            .blurb("This is a duplicate ACK");
    pub static A_DUPLICATE_ACK_NUM: FieldDef =
        FieldDef::new("tcp.analysis.duplicate_ack_num", "Duplicate ACK #", FieldType::U32, Base::Dec)
            .blurb("This is duplicate ACK number #");
    pub static A_DUPLICATE_ACK_FRAME: FieldDef = FieldDef::new(
        "tcp.analysis.duplicate_ack_frame",
        "Duplicate to the ACK in frame",
        FieldType::FrameNum,
        Base::None,
    )
    .blurb("This is a duplicate to the ACK in frame #");
    pub static A_ACKS_FRAME: FieldDef = FieldDef::new(
        "tcp.analysis.acks_frame",
        "This is an ACK to the segment in frame",
        FieldType::FrameNum,
        Base::None,
    )
    .blurb("Which previous segment is this an ACK for");
    pub static A_ACK_RTT: FieldDef =
        FieldDef::new("tcp.analysis.ack_rtt", "The RTT to ACK the segment was", FieldType::RelTime, Base::None)
            .blurb("How long time it took to ACK the segment (RTT)");
    pub static A_INITIAL_RTT: FieldDef =
        FieldDef::new("tcp.analysis.initial_rtt", "iRTT", FieldType::RelTime, Base::None)
            .blurb("How long it took for the SYN to ACK handshake (iRTT)");
    pub static A_BYTES_IN_FLIGHT: FieldDef =
        FieldDef::new("tcp.analysis.bytes_in_flight", "Bytes in flight", FieldType::U32, Base::Dec)
            .blurb("How many bytes are now in flight for this connection");
    pub static A_PUSH_BYTES_SENT: FieldDef =
        FieldDef::new("tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", FieldType::U32, Base::Dec)
            .blurb("How many bytes have been sent since the last PSH flag");
    pub static A_RTO: FieldDef =
        FieldDef::new("tcp.analysis.rto", "The RTO for this segment was", FieldType::RelTime, Base::None)
            .blurb("How long transmission was delayed before this segment was retransmitted (RTO)");
    pub static A_RTO_FRAME: FieldDef =
        FieldDef::new("tcp.analysis.rto_frame", "RTO based on delta from frame", FieldType::FrameNum, Base::None)
            .blurb("This is the frame we measure the RTO from");
    pub static CONN_FIN_ACTIVE: FieldDef = FieldDef::new(
        "tcp.connection.fin_active",
        "This frame initiates the connection closing",
        FieldType::None,
        Base::None,
    );
    pub static CONN_FIN_PASSIVE: FieldDef = FieldDef::new(
        "tcp.connection.fin_passive",
        "This frame undergoes the connection closing",
        FieldType::None,
        Base::None,
    );
    pub static ACK_NONZERO: FieldDef = FieldDef::new(
        "tcp.ack.nonzero",
        "The acknowledgment number field is nonzero while the ACK flag is not set",
        FieldType::None,
        Base::None,
    );
    pub static URGENT_POINTER_NON_ZERO: FieldDef = FieldDef::new(
        "tcp.urgent_pointer.non_zero",
        "The urgent pointer field is nonzero while the URG flag is not set",
        FieldType::None,
        Base::None,
    );
    pub static CHECKSUM_BAD: FieldDef =
        FieldDef::new("tcp.checksum_bad.expert", "Bad checksum", FieldType::None, Base::None);
    pub static RESET_CAUSE: FieldDef = FieldDef::new("tcp.reset_cause", "Reset cause", FieldType::String, Base::None);
    pub static BOGUS_HEADER_LENGTH: FieldDef =
        FieldDef::new("tcp.bogus_header_length", "Bogus TCP Header length", FieldType::None, Base::None);
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
        &A_FAST_RETRANSMISSION,
        &A_SPURIOUS_RETRANSMISSION,
        &A_WINDOW_UPDATE,
        &A_WINDOW_FULL,
        &A_KEEP_ALIVE,
        &A_KEEP_ALIVE_ACK,
        &A_ZERO_WINDOW_PROBE,
        &A_ZERO_WINDOW,
        &A_ZERO_WINDOW_PROBE_ACK,
        &A_DUPLICATE_ACK,
        &A_DUPLICATE_ACK_NUM,
        &A_DUPLICATE_ACK_FRAME,
        &A_ACKS_FRAME,
        &A_ACK_RTT,
        &A_INITIAL_RTT,
        &A_BYTES_IN_FLIGHT,
        &A_PUSH_BYTES_SENT,
        &A_RTO,
        &A_RTO_FRAME,
        &CONN_FIN_ACTIVE,
        &CONN_FIN_PASSIVE,
        &ACK_NONZERO,
        &URGENT_POINTER_NON_ZERO,
        &CHECKSUM_BAD,
        &BOGUS_HEADER_LENGTH,
        &RESET_CAUSE,
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

/// Unacknowledged segments remembered over all connections: past this, new segments are not
/// recorded for the SEQ/ACK analysis (as tshark does past its per-direction cap).
pub const MAX_UNACKED_TOTAL: usize = 1_000_000;

#[derive(Debug, Default)]
struct Dir {
    /// Sequence number of relative sequence 0 (tshark's `base_seq`: the SYN's sequence number,
    /// else one before the first segment's, else one before the peer's first ACK).
    base: Option<u32>,
    /// Stream offset of this direction's FIN.
    fin_at: Option<u64>,
    /// This direction sent the first FIN of the connection.
    closing_initiator: bool,
    rs: DirStream,
    /// SEQ/ACK analysis state (also holds the window scale).
    an: Flow,
}

#[derive(Debug)]
struct Conn {
    key: ConvKey,
    /// The endpoint that sent the first segment seen (direction 0).
    first_src: (Option<IpAddr>, u16),
    completeness: u8,
    first_ts: Time,
    last_ts: Time,
    /// Time of the most recent pure SYN (zero: none).
    ts_mru_syn: Time,
    /// The handshake RTT: from the most recent SYN to the first pure ACK (zero: unknown).
    first_rtt: Time,
    tick: u64,
    dirs: [Dir; 2],
}

impl Conn {
    fn unacked(&self) -> usize {
        self.dirs[0].an.unacked() + self.dirs[1].an.unacked()
    }

    /// Direction `di` and the other one, both mutable.
    fn pair(&mut self, di: usize) -> (&mut Dir, &mut Dir) {
        let [a, b] = &mut self.dirs;
        if di == 0 {
            (a, b)
        } else {
            (b, a)
        }
    }
}

/// Connections and their reassembly buffers.
#[derive(Default)]
pub struct TcpState {
    by_key: HashMap<ConvKey, u32>,
    conns: HashMap<u32, Conn>,
    lru: BTreeMap<u64, u32>,
    tick: u64,
    next_stream: u32,
    /// Unacknowledged segments remembered by all connections' analyses.
    unacked_total: usize,
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
            self.unacked_total = self.unacked_total.saturating_sub(c.unacked());
            if self.by_key.get(&c.key) == Some(&stream) {
                self.by_key.remove(&c.key);
            }
        }
    }

    /// A new connection; returns how many were evicted to make room.
    fn create(&mut self, key: ConvKey, first_src: (Option<IpAddr>, u16), ts: Time, max: usize) -> (u32, usize) {
        let mut evicted = 0;
        while self.conns.len() >= max.max(1) {
            let Some((_, &s)) = self.lru.iter().next() else { break };
            self.remove(s);
            evicted += 1;
        }
        let stream = self.next_stream;
        self.next_stream = self.next_stream.wrapping_add(1);
        // A reused 4-tuple: the old connection stays reachable by stream until evicted.
        self.by_key.insert(key, stream);
        self.conns.insert(
            stream,
            Conn {
                key,
                first_src,
                completeness: 0,
                first_ts: ts,
                last_ts: ts,
                ts_mru_syn: (0, 0),
                first_rtt: (0, 0),
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
    /// SACK blocks (left, right edge), at most [`analysis::MAX_SACK`].
    sack: Vec<(u32, u32)>,
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
///
/// The steps follow tshark's `dissect_tcp` in order, because later ones see the state earlier
/// ones leave: the connection lookup (a pure SYN with a new ISN starts a new `tcp.stream`, a
/// SYN+ACK with a new ISN restarts the direction's relative numbers; both are "port numbers
/// reused"), the per-connection times, the SEQ/ACK analysis ([`analysis::analyze`]), the window
/// and its scale as known before this segment's options, the connection completeness, the
/// handshake RTT, the options (a window scale option takes effect for later segments), the
/// analysis subtree, the window scaling check of a SYN, then reassembly and the hand-off.
///
/// Inside an ICMP error ([`crate::net::icmp::IcmpState::in_error`]) the quoted header is shown
/// as tshark shows it: raw sequence and acknowledgment numbers, no length, no analysis, no
/// reassembly and no application layer. Like tshark it still finds or creates the connection
/// (so it takes a `tcp.stream` index, and a quoted SYN with a new ISN starts a new stream) and
/// updates the connection's times and completeness.
pub fn dissect(ctx: &mut Ctx, tvb: Tvb) {
    let d = tvb.data;
    let inner = ctx.st.icmp.in_error();
    // tshark shows the sequence number early for a TCP header quoted in an ICMPv4 error.
    let protos = ctx.tb.protocols();
    let icmp_ip = inner && protos.len() >= 2 && protos[protos.len() - 2..] == ["icmp", "ip"];
    if !inner {
        ctx.tb.set_protocol_column("TCP");
    }
    if d.len() < 20 && !(inner && d.len() >= 16) {
        if inner {
            // An error quotes at least 8 bytes of the datagram (RFC 792): what fits is shown,
            // no layer below 4 bytes (tshark reads both ports first). From 16 bytes on the
            // header is shown up to where it stops, below.
            if d.len() < 4 {
                ctx.tb.push_protocol_name("tcp");
                return;
            }
            ctx.tb.open_proto(&hf::TCP, tvb.all(), Some("Transmission Control Protocol".into()));
            quoted_prefix(ctx, tvb, icmp_ip);
            return;
        }
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
    ctx.tb.open_proto(&hf::TCP, tvb.span(0, hl.max(20)), None);
    let tb = &mut ctx.tb;
    tb.add_uint(&hf::SRCPORT, tvb.span(0, 2), u64::from(sp));
    tb.add_uint(&hf::DSTPORT, tvb.span(2, 4), u64::from(dp));
    tb.add_hidden(&hf::PORT, tvb.span(0, 2), Value::UInt(u64::from(sp)));
    tb.add_hidden(&hf::PORT, tvb.span(2, 4), Value::UInt(u64::from(dp)));
    if icmp_ip {
        tb.add_uint(&hf::SEQ, tvb.span(4, 8), u64::from(seq));
    }
    let syn = flags & flag::SYN != 0;
    let ackf = flags & flag::ACK != 0;
    let fin = flags & flag::FIN != 0;
    let rst = flags & flag::RST != 0;
    let pure_syn = flags & (flag::SYN | flag::ACK) == flag::SYN;
    let synack = flags & (flag::SYN | flag::ACK) == flag::SYN | flag::ACK;
    let pure_ack = flags & (flag::SYN | flag::ACK) == flag::ACK;
    let hdr_ok = (20..=d.len()).contains(&hl);
    // With a bogus header length below 20, tshark still counts the bytes after it as the
    // segment (for `tcp.len` and the analysis); nothing is reassembled then.
    let payload = if hl <= d.len() { tvb.from(hl) } else { tvb.from(d.len()) };
    let plen = payload.len();
    let opts = if hdr_ok { parse_opts(&d[20..hl]) } else { Opts::default() };

    // The connection, and tshark's handling of a SYN or SYN+ACK with a new ISN.
    let src = ctx.addrs.src;
    let dst = ctx.addrs.dst;
    let (key, _) = ConvKey::new(src, sp, dst, dp);
    let max = ctx.cfg.max_flows;
    let st = &mut ctx.st.tcp;
    let mut evicted = 0;
    let (mut stream, is_new) = match st.by_key.get(&key).copied() {
        Some(s) if st.conns.contains_key(&s) => (s, false),
        _ => {
            let (s, e) = st.create(key, (src, sp), ctx.ts, max);
            evicted += e;
            (s, true)
        }
    };
    let mut ta = Acked::default();
    let fwd_base = st.conns.get(&stream).map(|c| c.dirs[usize::from(c.first_src != (src, sp))].base);
    match fwd_base {
        Some(Some(base)) if pure_syn && seq != base => {
            let (s, e) = st.create(key, (src, sp), ctx.ts, max);
            evicted += e;
            stream = s;
            ta.present = true;
            ta.flags |= af::REUSED_PORTS;
            if let Some(c) = st.conns.get_mut(&stream) {
                c.completeness = COMPLETENESS_SYN;
            }
        }
        Some(Some(_)) if pure_syn => {
            if let Some(c) = st.conns.get_mut(&stream) {
                let di = usize::from(c.first_src != (src, sp));
                c.dirs[di].an.restart_nextseq();
            }
        }
        Some(Some(base)) if synack && seq != base => {
            if let Some(c) = st.conns.get_mut(&stream) {
                let di = usize::from(c.first_src != (src, sp));
                let f = &mut c.dirs[di];
                f.base = Some(seq);
                // The peer restarted: bytes of the old numbering are not part of this stream.
                f.rs = DirStream::default();
                f.fin_at = None;
            }
            ta.present = true;
            ta.flags |= af::REUSED_PORTS;
        }
        _ => {}
    }
    st.touch(stream);
    let Some(conn) = st.conns.get_mut(&stream) else {
        return;
    };
    let di = usize::from(conn.first_src != (src, sp));
    let dir = di as u8;
    let ri = 1 - di;
    let completeness = conn.completeness;
    let rel_t = analysis::delta(ctx.ts, conn.first_ts);
    let delta_t = analysis::delta(ctx.ts, conn.last_ts);
    conn.last_ts = ctx.ts;
    conn.dirs[di].an.clear_sack();

    // SEQ/ACK analysis and relative numbers (not for a header quoted in an ICMP error).
    let seg_len = plen as u32;
    if !inner {
        let (f, r) = conn.pair(di);
        if f.base.is_none() {
            f.base = Some(if syn { seq } else { seq.wrapping_sub(1) });
        }
        if ackf && r.base.is_none() {
            r.base = Some(ack.wrapping_sub(1));
        }
        let before = f.an.unacked() + r.an.unacked();
        let info = ConnInfo {
            fwd_base: f.base.unwrap_or(0),
            first_rtt: conn.first_rtt,
            may_record: st.unacked_total < MAX_UNACKED_TOTAL,
        };
        let s = Seg { frame: ctx.frame_number, ts: ctx.ts, seq, ack, seglen: seg_len, flags, window: u32::from(win) };
        let (f, r) = conn.pair(di);
        analysis::analyze(&mut f.an, &mut r.an, &info, &s, &mut ta);
        let after = f.an.unacked() + r.an.unacked();
        st.unacked_total = (st.unacked_total + after).saturating_sub(before);
    }
    let (seq_shown, ack_shown) = if inner {
        (seq, ack)
    } else {
        let f = &conn.dirs[di];
        let r = &conn.dirs[ri];
        let s = seq.wrapping_sub(f.base.unwrap_or(0));
        let a = if ackf { ack.wrapping_sub(r.base.unwrap_or(0)) } else { ack };
        (s, a)
    };
    let nxtseq = seq_shown.wrapping_add(seg_len).wrapping_add(u32::from(syn || fin));
    // The window as known before this segment's options; a SYN's is never scaled.
    let win_scale = conn.dirs[di].an.win_scale;
    let win_size = if !syn && !inner && win_scale >= 0 { u64::from(win) << win_scale } else { u64::from(win) };

    // Completeness, as tshark updates it (the value shown is the one before this segment).
    if hl >= 20 {
        let mut c = if is_new { 0 } else { conn.completeness };
        if is_new {
            if pure_syn {
                c |= COMPLETENESS_SYN;
                if seg_len > 0 && !inner {
                    c |= COMPLETENESS_DATA;
                }
            }
        } else {
            if synack {
                c |= COMPLETENESS_SYNACK;
            }
            if pure_ack {
                c |= if seg_len > 0 && !inner { COMPLETENESS_DATA } else { COMPLETENESS_ACK };
            }
            if fin && ackf {
                c |= COMPLETENESS_FIN;
            }
            if rst {
                c |= COMPLETENESS_RST;
            }
        }
        conn.completeness = c;
    }
    // The handshake RTT: from the latest SYN to the first pure ACK.
    if pure_syn {
        conn.ts_mru_syn = ctx.ts;
    }
    if syn {
        conn.dirs[di].an.is_first_ack = true;
    }
    if pure_ack && !analysis::is_zero(conn.ts_mru_syn) && analysis::is_zero(conn.first_rtt) {
        conn.first_rtt = analysis::delta(ctx.ts, conn.ts_mru_syn);
    }
    if pure_ack {
        conn.dirs[di].an.is_first_ack = false;
    }
    let closing = if fin {
        let initiator = !conn.dirs[ri].closing_initiator;
        if initiator {
            conn.dirs[di].closing_initiator = true;
        }
        Some(initiator)
    } else {
        None
    };
    // Options take effect now: the window scale (for later segments) and the SACK blocks.
    if hdr_ok {
        let f = &mut conn.dirs[di].an;
        if let Some(ws) = opts.wscale {
            f.win_scale = ws.min(14) as i8;
        }
        for (i, &(le, re)) in opts.sack.iter().enumerate() {
            f.add_sack(i, le, re);
        }
    }
    let first_rtt = conn.first_rtt;
    // Reassembly (the analysis above does not depend on it).
    let mut dels: Vec<Delivery> = Vec::new();
    let mut outcome = crate::net::reasm::SegmentOutcome::default();
    let reassemble = ctx.cfg.tcp_reassemble && !inner && hdr_ok;
    if reassemble {
        reassembly(ctx.cfg, ctx.frame_number, conn, di, seq, ack, flags, payload, &mut dels, &mut outcome);
    }
    // tshark checks the window scaling of a SYN after showing it.
    if syn && hl >= 20 {
        let (f, r) = conn.pair(di);
        if f.an.win_scale == WS_UNKNOWN {
            f.an.win_scale = WS_NONE;
            r.an.win_scale = WS_NONE;
        } else if synack && r.an.win_scale == WS_NONE {
            f.an.win_scale = WS_NONE;
        }
    }

    // The tree.
    let tb = &mut ctx.tb;
    tb.add_generated(&hf::STREAM, Span::EMPTY, Value::UInt(u64::from(stream)));
    if evicted > 0 {
        tb.expert(
            Severity::Note,
            Group::Sequence,
            format!("TCP connection table full: {evicted} least recently used connection(s) dropped"),
            tvb.span(0, 4),
        );
    }
    tb.add_generated(&hf::COMPLETENESS, Span::EMPTY, Value::UInt(u64::from(completeness)));
    if !inner {
        tb.add_generated(&hf::LEN, Span::EMPTY, Value::UInt(plen as u64));
    }
    if !icmp_ip {
        tb.add_label(
            &hf::SEQ,
            tvb.span(4, 8),
            Value::UInt(u64::from(seq_shown)),
            format!("Sequence Number: {seq_shown}    (relative sequence number)"),
        );
        tb.add_uint(&hf::SEQ_RAW, tvb.span(4, 8), u64::from(seq));
    }
    if hl < 20 {
        // tshark stops here with an error expert (not a malformed packet).
        tb.set_label(format!("Transmission Control Protocol, Src Port: {sp}, Dst Port: {dp}"));
        tb.add_label(
            &hf::HDR_LEN,
            tvb.span(12, 13),
            Value::UInt(hl as u64),
            format!("Header Length: {hl} bytes ({})", hl / 4),
        );
        tb.expert_field(
            &hf::BOGUS_HEADER_LENGTH,
            Severity::Error,
            Group::Protocol,
            format!("Bogus TCP header length ({hl}, must be at least 20)"),
            tvb.span(12, 13),
        );
        return;
    }
    if !inner {
        tb.add_generated(&hf::NXTSEQ, Span::EMPTY, Value::UInt(u64::from(nxtseq)));
    }
    let ack_label = if ackf {
        format!("Acknowledgment Number: {ack_shown}    (relative ack number)")
    } else {
        format!("Acknowledgment Number: {ack_shown}")
    };
    tb.open_label(&hf::ACK, tvb.span(8, 12), Value::UInt(u64::from(ack_shown)), ack_label);
    if !ackf && ack != 0 {
        tb.expert_field(&hf::ACK_NONZERO, Severity::Note, Group::Protocol, hf::ACK_NONZERO.name, tvb.span(8, 12));
    }
    tb.close();
    tb.add_uint(&hf::ACK_RAW, tvb.span(8, 12), u64::from(ack));
    tb.add_label(
        &hf::HDR_LEN,
        tvb.span(12, 13),
        Value::UInt(hl as u64),
        format!("Header Length: {hl} bytes ({})", hl / 4),
    );
    tb.set_label(format!(
        "Transmission Control Protocol, Src Port: {sp}, Dst Port: {dp}, Seq: {seq_shown}{}{}",
        if ackf { format!(", Ack: {ack_shown}") } else { String::new() },
        if inner { String::new() } else { format!(", Len: {plen}") }
    ));
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
        tb.expert_field(&hf::CONN_RST, Severity::Warning, Group::Sequence, "Connection reset (RST)", fsp);
        tb.close();
    } else {
        tb.add(&hf::FLAGS_RESET, fsp, Value::Bool(false));
    }
    if syn {
        tb.open(&hf::FLAGS_SYN, fsp, Value::Bool(true));
        if ackf {
            tb.expert_field(
                &hf::CONN_SYNACK,
                Severity::Chat,
                Group::Sequence,
                format!("Connection establish acknowledge (SYN+ACK): server port {sp}"),
                fsp,
            );
        } else {
            tb.expert_field(
                &hf::CONN_SYN,
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
        tb.expert_field(&hf::CONN_FIN, Severity::Chat, Group::Sequence, "Connection finish (FIN)", fsp);
        tb.close();
    } else {
        tb.add(&hf::FLAGS_FIN, fsp, Value::Bool(false));
    }
    tb.open(&hf::FLAGS_STR, fsp, Value::Str(flags_str(flags)));
    match closing {
        Some(true) => {
            tb.expert_field(&hf::CONN_FIN_ACTIVE, Severity::Note, Group::Sequence, hf::CONN_FIN_ACTIVE.name, fsp)
        }
        Some(false) => {
            tb.expert_field(&hf::CONN_FIN_PASSIVE, Severity::Note, Group::Sequence, hf::CONN_FIN_PASSIVE.name, fsp)
        }
        None => {}
    }
    tb.close();
    tb.close();
    tb.add_uint(&hf::WINDOW_VALUE, tvb.span(14, 16), u64::from(win));
    tb.add_generated(&hf::WINDOW_SIZE, tvb.span(14, 16), Value::UInt(win_size));
    if !syn {
        let (v, label) = match win_scale {
            WS_UNKNOWN => (-1, "Window size scaling factor: -1 (unknown)".to_string()),
            WS_NONE => (-2, "Window size scaling factor: -2 (no window scaling used)".to_string()),
            s => (1i64 << s.clamp(0, 14), format!("Window size scaling factor: {}", 1i64 << s.clamp(0, 14))),
        };
        tb.add_label(&hf::WINDOW_SCALEFACTOR, tvb.span(14, 16), Value::Int(v), label);
    }
    if d.len() < 18 {
        // Only a quoted header gets here: tshark stops where the bytes do.
        return;
    }
    // Checksum (RFC 9293 §3.1, pseudo-header for IPv4 / RFC 8200 §8.1 for IPv6). A header
    // quoted in an ICMP error is checked over the bytes quoted, as tshark does.
    let csp = tvb.span(16, 18);
    let covered = if inner { true } else { !ctx.st.ip.payload_truncated };
    let verified = match (ctx.cfg.check_checksums, src, dst) {
        (true, Some(s), Some(t)) if covered => checksum::pseudo_header_checksum(s, t, 6, d),
        _ => None,
    };
    let tb = &mut ctx.tb;
    match verified {
        Some(0) => {
            tb.add_label(&hf::CHECKSUM, csp, Value::UInt(u64::from(sum)), format!("Checksum: 0x{sum:04x} [correct]"));
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_GOOD));
            tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(sum)));
        }
        Some(r) => {
            let should = checksum::should_be(sum, r);
            tb.open_label(
                &hf::CHECKSUM,
                csp,
                Value::UInt(u64::from(sum)),
                format!("Checksum: 0x{sum:04x} incorrect, should be 0x{should:04x}"),
            );
            tb.expert_field(
                &hf::CHECKSUM_BAD,
                Severity::Error,
                Group::Checksum,
                format!("Bad checksum [should be 0x{should:04x}]"),
                csp,
            );
            tb.close();
            tb.add_generated(&hf::CHECKSUM_STATUS, csp, Value::UInt(checksum::STATUS_BAD));
            tb.add_generated(&hf::CHECKSUM_CALC, csp, Value::UInt(u64::from(should)));
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
    if d.len() < 20 {
        return;
    }
    tb.open(&hf::URGENT_POINTER, tvb.span(18, 20), Value::UInt(u64::from(urp)));
    if urp != 0 && flags & flag::URG == 0 {
        tb.expert_field(
            &hf::URGENT_POINTER_NON_ZERO,
            Severity::Note,
            Group::Protocol,
            hf::URGENT_POINTER_NON_ZERO.name,
            tvb.span(18, 20),
        );
    }
    tb.close();
    if hl > d.len() {
        if inner {
            // A quoted header cut inside its options: tshark stops there without an error.
            return;
        }
        let msg = format!("TCP header length {hl} exceeds the {} bytes captured", d.len());
        ctx.tb.malformed(msg, tvb.span(12, 13));
        return;
    }
    if hl > 20 {
        let rb = ri_base(ctx, stream, ri);
        options_tree(ctx, tvb.sub(20, hl), rb);
    }
    let tb = &mut ctx.tb;
    tb.add_generated(&hf::TIME_RELATIVE, Span::EMPTY, Value::Time { secs: rel_t.0, nanos: rel_t.1 });
    tb.add_generated(&hf::TIME_DELTA, Span::EMPTY, Value::Time { secs: delta_t.0, nanos: delta_t.1 });
    let mut info = analysis_tree(tb, &ta, first_rtt);
    let all = payload.all();
    // A keep-alive's byte (RFC 9293 §3.8.4) is not data: it may differ from the byte it
    // repeats.
    if outcome.conflict && ta.flags & af::KEEP_ALIVE == 0 {
        // tshark shows `tcp.segment.overlap.conflict` only in the segment list of a PDU an
        // application parser asked to reassemble; the conflict is reported here as an expert.
        tb.expert(
            Severity::Warning,
            Group::Reassemble,
            "Conflicting data in segment overlap (the first copy is kept)",
            all,
        );
    }
    if outcome.cap_hit {
        tb.expert(
            Severity::Warning,
            Group::Reassemble,
            format!("TCP reassembly buffer limit ({} bytes) reached: a hole was given up", ctx.cfg.tcp_max_buffer),
            all,
        );
    }
    if rst && plen > 0 {
        // RFC 9293 §3.5.3 (RFC 1122 §4.2.2.12): data in a RST is shown as text, "Reset cause",
        // and handed to no application, as tshark does.
        let text = ascii_text(payload.data);
        tb.add_label(&hf::RESET_CAUSE, all, Value::Str(text.clone()), format!("Reset cause: {text}"));
    } else if plen > 0 {
        tb.add_label(&hf::PAYLOAD, all, Value::Bytes(payload.data.to_vec()), format!("TCP payload ({plen} bytes)"));
    }
    if inner {
        // A quoted segment's bytes are shown, never handed to an application parser.
        if !rst {
            data_layer(ctx, payload);
        }
        return;
    }

    // Summary: tshark prepends each analysis note, so the last one comes first.
    info.push_str(&format!("{sp} → {dp} [{list}] Seq={seq_shown}"));
    if ackf {
        info.push_str(&format!(" Ack={ack_shown}"));
    }
    info.push_str(&format!(" Win={win_size} Len={plen}"));
    if flags & flag::URG != 0 {
        info.push_str(&format!(" Urg={urp}"));
    }
    info.push_str(&opts.info);
    tb.set_info(info);

    // Hand bytes up.
    if !reassemble {
        if plen > 0 && !rst {
            let p = TcpPayload { stream, dir, src_port: sp, dst_port: dp, stream_offset: 0 };
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

/// Bytes as tshark shows an ASCII string: up to the first NUL, bytes past 0x7f as U+FFFD, and
/// newline, carriage return and tab escaped.
fn ascii_text(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b.iter().take_while(|&&c| c != 0) {
        match c {
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x80.. => s.push('\u{fffd}'),
            _ => s.push(char::from(c)),
        }
    }
    s
}

/// The part of a header quoted in an ICMP error that is shorter than 20 bytes: the ports and,
/// for IPv4, the sequence number (RFC 792 quotes 8 bytes), as tshark shows them.
fn quoted_prefix(ctx: &mut Ctx, tvb: Tvb, icmp_ip: bool) {
    let d = tvb.data;
    let tb = &mut ctx.tb;
    if d.len() >= 2 {
        let sp = be16(d, 0);
        tb.add_uint(&hf::SRCPORT, tvb.span(0, 2), u64::from(sp));
        tb.add_hidden(&hf::PORT, tvb.span(0, 2), Value::UInt(u64::from(sp)));
    }
    if d.len() >= 4 {
        let dp = be16(d, 2);
        tb.add_uint(&hf::DSTPORT, tvb.span(2, 4), u64::from(dp));
        tb.add_hidden(&hf::PORT, tvb.span(2, 4), Value::UInt(u64::from(dp)));
        tb.set_label(format!("Transmission Control Protocol, Src Port: {}, Dst Port: {dp}", be16(d, 0)));
    }
    if d.len() >= 8 && icmp_ip {
        tb.add_uint(&hf::SEQ, tvb.span(4, 8), u64::from(be32(d, 4)));
    }
}

/// Reassembly of this segment's direction; fills the deliveries to make after the tree.
#[allow(clippy::too_many_arguments)]
fn reassembly(
    cfg: &crate::engine::Config,
    frame: u64,
    conn: &mut Conn,
    di: usize,
    seq: u32,
    ack: u32,
    flags: u16,
    payload: Tvb,
    dels: &mut Vec<Delivery>,
    outcome: &mut crate::net::reasm::SegmentOutcome,
) {
    let syn = flags & flag::SYN != 0;
    let fin = flags & flag::FIN != 0;
    let rst = flags & flag::RST != 0;
    let ackf = flags & flag::ACK != 0;
    let dir = di as u8;
    let ri = 1 - di;
    let plen = payload.len();
    let base = conn.dirs[di].base.unwrap_or(seq);
    // Stream offset of the first payload byte: relative sequence 1 is offset 0; a SYN's data
    // starts after the SYN.
    let data_rel = seq.wrapping_sub(base).wrapping_add(u32::from(syn));
    let next_rel = conn.dirs[di].rs.next() + 1;
    let start = unwrap(next_rel, data_rel) - 1;
    let (skip, offset) = if start < 0 { ((-start) as usize, 0u64) } else { (0, start as u64) };
    // Data in a RST is a reset cause, not stream bytes.
    if plen > skip && !rst {
        let origin = Origin { frame, buf: payload.buf, buf_off: payload.base + skip };
        let data = payload.data.get(skip..).unwrap_or(&[]);
        *outcome = conn.dirs[di].rs.segment(offset, data, origin, cfg.tcp_max_buffer);
        // Runs index `data`; shift them to index the whole payload.
        let runs = outcome
            .runs
            .drain(..)
            .map(|r| match r {
                Run::Current { offset, range } => Run::Current { offset, range: range.start + skip..range.end + skip },
                other => other,
            })
            .collect();
        deliveries(dels, dir, runs, payload.data);
    }
    if fin {
        let end = offset + (plen.saturating_sub(skip)) as u64;
        let f = &mut conn.dirs[di];
        let end = end.max(f.rs.next());
        f.fin_at.get_or_insert(end);
        let runs = f.rs.flush(Some(end));
        deliveries(dels, dir, runs, payload.data);
    }
    if rst {
        for (i, dd) in conn.dirs.iter_mut().enumerate() {
            let runs = dd.rs.flush(None);
            deliveries(dels, i as u8, runs, payload.data);
        }
    } else if ackf && !syn {
        // The peer acknowledged bytes of the reverse direction that were never seen: holes
        // before them will not be filled.
        let r = &mut conn.dirs[ri];
        let Some(rbase) = r.base else { return };
        let r_next = r.rs.next();
        let ack_off = unwrap(r_next + 1, ack.wrapping_sub(rbase)) - 1;
        let limit = match r.fin_at {
            Some(f) => ack_off.min(f as i64),
            None => ack_off,
        };
        // Only a plausible distance (a bogus ACK must not swallow the stream).
        if limit > r_next as i64 && (limit - r_next as i64) < (1 << 30) {
            let runs = r.rs.skip_to(limit as u64);
            deliveries(dels, ri as u8, runs, &[]);
        }
    }
}

/// The `tcp.analysis` subtree, in tshark's order; returns the summary prefix.
fn analysis_tree(tb: &mut crate::tree::TreeBuilder, ta: &Acked, first_rtt: Time) -> String {
    let mut notes: Vec<String> = Vec::new();
    if !ta.present {
        return String::new();
    }
    let time = |t: Time| Value::Time { secs: t.0, nanos: t.1 };
    tb.open_node({
        let mut n = crate::tree::Node::new(&hf::ANALYSIS, Span::EMPTY, Value::None);
        n.generated = true;
        n
    });
    if ta.frame_acked != 0 {
        tb.add_generated(&hf::A_ACKS_FRAME, Span::EMPTY, Value::UInt(ta.frame_acked));
        if !analysis::is_zero(ta.ack_rtt) {
            tb.add_generated(&hf::A_ACK_RTT, Span::EMPTY, time(ta.ack_rtt));
        }
    }
    if !analysis::is_zero(first_rtt) {
        tb.add_generated(&hf::A_INITIAL_RTT, Span::EMPTY, time(first_rtt));
    }
    if ta.bytes_in_flight != 0 {
        tb.add_generated(&hf::A_BYTES_IN_FLIGHT, Span::EMPTY, Value::UInt(u64::from(ta.bytes_in_flight)));
        tb.add_generated(&hf::A_PUSH_BYTES_SENT, Span::EMPTY, Value::UInt(u64::from(ta.push_bytes_sent)));
    }
    if ta.flags != 0 {
        let f = ta.flags;
        let e = Span::EMPTY;
        let seq = Group::Sequence;
        tb.open_node({
            let mut n = crate::tree::Node::new(&hf::ANALYSIS_FLAGS, Span::EMPTY, Value::None);
            n.generated = true;
            n
        });
        let ex = |tb: &mut crate::tree::TreeBuilder, def: &'static FieldDef, sev: Severity| {
            tb.expert_field(def, sev, seq, def.name, e);
        };
        if f & af::REUSED_PORTS != 0 {
            ex(tb, &hf::A_REUSED_PORTS, Severity::Note);
            notes.push("[TCP Port numbers reused] ".into());
        }
        if f & af::RETRANSMISSION != 0 {
            ex(tb, &hf::A_RETRANSMISSION, Severity::Note);
            notes.push("[TCP Retransmission] ".into());
            if !analysis::is_zero(ta.rto) {
                tb.add_generated(&hf::A_RTO, e, time(ta.rto));
                tb.add_generated(&hf::A_RTO_FRAME, e, Value::UInt(ta.rto_frame));
            }
        }
        if f & af::FAST_RETRANSMISSION != 0 {
            ex(tb, &hf::A_FAST_RETRANSMISSION, Severity::Note);
            ex(tb, &hf::A_RETRANSMISSION, Severity::Note);
            notes.push("[TCP Fast Retransmission] ".into());
        }
        if f & af::SPURIOUS_RETRANSMISSION != 0 {
            ex(tb, &hf::A_SPURIOUS_RETRANSMISSION, Severity::Note);
            ex(tb, &hf::A_RETRANSMISSION, Severity::Note);
            notes.push("[TCP Spurious Retransmission] ".into());
        }
        if f & af::OUT_OF_ORDER != 0 {
            ex(tb, &hf::A_OUT_OF_ORDER, Severity::Warning);
            notes.push("[TCP Out-Of-Order] ".into());
        }
        if f & af::LOST_PACKET != 0 {
            ex(tb, &hf::A_LOST_SEGMENT, Severity::Warning);
            notes.push("[TCP Previous segment not captured] ".into());
        }
        if f & af::ACK_LOST_PACKET != 0 {
            ex(tb, &hf::A_ACK_LOST, Severity::Warning);
            notes.push("[TCP ACKed unseen segment] ".into());
        }
        if f & af::WINDOW_UPDATE != 0 {
            ex(tb, &hf::A_WINDOW_UPDATE, Severity::Chat);
            notes.push("[TCP Window Update] ".into());
        }
        if f & af::WINDOW_FULL != 0 {
            ex(tb, &hf::A_WINDOW_FULL, Severity::Warning);
            notes.push("[TCP Window Full] ".into());
        }
        if f & af::KEEP_ALIVE != 0 {
            ex(tb, &hf::A_KEEP_ALIVE, Severity::Note);
            notes.push("[TCP Keep-Alive] ".into());
        }
        if f & af::KEEP_ALIVE_ACK != 0 {
            ex(tb, &hf::A_KEEP_ALIVE_ACK, Severity::Note);
            notes.push("[TCP Keep-Alive ACK] ".into());
        }
        if ta.dupack_num != 0 && f & af::DUPLICATE_ACK != 0 {
            let mut n = crate::tree::Node::new(&hf::A_DUPLICATE_ACK, e, Value::None);
            n.generated = true;
            n.label = Some("This is a TCP duplicate ack".into());
            tb.add_node(n);
            notes.push(format!("[TCP Dup ACK {}#{}] ", ta.dupack_frame, ta.dupack_num));
        }
        if f & af::ZERO_WINDOW_PROBE != 0 {
            ex(tb, &hf::A_ZERO_WINDOW_PROBE, Severity::Note);
            notes.push("[TCP ZeroWindowProbe] ".into());
        }
        if f & af::ZERO_WINDOW != 0 {
            ex(tb, &hf::A_ZERO_WINDOW, Severity::Warning);
            notes.push("[TCP ZeroWindow] ".into());
        }
        if f & af::ZERO_WINDOW_PROBE_ACK != 0 {
            ex(tb, &hf::A_ZERO_WINDOW_PROBE_ACK, Severity::Note);
            notes.push("[TCP ZeroWindowProbeAck] ".into());
        }
        tb.close();
        if ta.dupack_num != 0 {
            tb.add_generated(&hf::A_DUPLICATE_ACK_NUM, e, Value::UInt(u64::from(ta.dupack_num)));
            tb.open_node({
                let mut n = crate::tree::Node::new(&hf::A_DUPLICATE_ACK_FRAME, e, Value::UInt(ta.dupack_frame));
                n.generated = true;
                n
            });
            tb.expert_field(
                &hf::A_DUPLICATE_ACK,
                Severity::Note,
                seq,
                format!("Duplicate ACK (#{})", ta.dupack_num),
                e,
            );
            tb.close();
        }
    }
    tb.close();
    notes.iter().rev().map(String::as_str).collect()
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
            (opt::SACK, _) => {
                for b in v.chunks_exact(8) {
                    if r.sack.len() < analysis::MAX_SACK {
                        r.sack.push((be32(b, 0), be32(b, 4)));
                    }
                }
            }
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
