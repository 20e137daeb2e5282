//! `-z sctp,assoc[,FILTER]`: per SCTP association (`sctp.assoc_index`, RFC 9260 §5): its two
//! endpoints, the verification tag each way (§8.5), the streams each side asked for in INIT and
//! INIT ACK (§5.1), the streams and payload protocol identifiers its DATA chunks used (§3.3.1),
//! and each way: frames, DATA and I-DATA chunks (RFC 8260 §2.1) and their payload bytes,
//! retransmitted TSNs (`sctp.retransmission`), and the gap ack blocks and duplicate TSNs the
//! other side reported in its SACKs (§3.3.4).
//!
//! Side A is the source of the association's first frame.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use serde_json::json;

use super::{net_addrs, optional_filter, passes, secs, uint_in, Addr, Predicate, Tap};
use crate::tree::{Node, Packet};

/// Associations listed at most; later ones are counted, not listed.
pub const MAX_ASSOCS: usize = 4096;
/// Distinct PPIDs kept per association.
pub const MAX_PPIDS: usize = 256;

/// Chunk type numbers (RFC 9260 §3.2, RFC 8260 §2.1).
const DATA: u64 = 0;
const INIT: u64 = 1;
const INIT_ACK: u64 = 2;
const SACK: u64 = 3;
const I_DATA: u64 = 64;

#[derive(Debug, Clone, Default)]
struct Side {
    frames: u64,
    bytes: u64,
    vtag: Option<u64>,
    /// Outbound and inbound streams from this side's INIT or INIT ACK.
    streams: Option<(u64, u64)>,
    data_chunks: u64,
    data_bytes: u64,
    retransmissions: u64,
    /// Gap ack blocks and duplicate TSNs this side reported about the other's DATA.
    gap_blocks: u64,
    dup_tsns: u64,
    sids: BTreeSet<u16>,
}

#[derive(Debug, Clone)]
struct Assoc {
    index: u64,
    a: (Addr, u16),
    b: (Addr, u16),
    /// Index 0: A to B; 1: B to A.
    sides: [Side; 2],
    ppids: BTreeSet<u64>,
    first: u64,
    last: u64,
    start: (i64, u32),
    end: (i64, u32),
}

/// The association tap.
pub struct Assocs {
    filter: Option<(String, Predicate)>,
    list: Vec<Assoc>,
    index: HashMap<u64, usize>,
    dropped: u64,
}

/// `-z sctp,assoc[,FILTER]`.
pub fn new(args: &str) -> Result<Box<dyn Tap>, String> {
    Ok(Box::new(Assocs { filter: optional_filter(args)?, list: Vec::new(), index: HashMap::new(), dropped: 0 }))
}

fn chunk_fields(c: &Node, side: &mut Side, ppids: &mut BTreeSet<u64>) {
    let Some(ty) = uint_in(c, "sctp.chunk_type") else { return };
    match ty {
        DATA | I_DATA => {
            let header = if ty == DATA { 16 } else { 20 };
            side.data_chunks += 1;
            side.data_bytes += uint_in(c, "sctp.chunk_length").unwrap_or(0).saturating_sub(header);
            if c.find("sctp.retransmission").is_some() {
                side.retransmissions += 1;
            }
            if let Some(sid) = uint_in(c, "sctp.data_sid").and_then(|v| u16::try_from(v).ok()) {
                side.sids.insert(sid);
            }
            if let Some(ppid) = uint_in(c, "sctp.data_payload_proto_id") {
                if ppids.len() < MAX_PPIDS {
                    ppids.insert(ppid);
                }
            }
        }
        INIT => {
            if let (Some(o), Some(i)) = (uint_in(c, "sctp.init_nr_out_streams"), uint_in(c, "sctp.init_nr_in_streams"))
            {
                side.streams = Some((o, i));
            }
        }
        INIT_ACK => {
            if let (Some(o), Some(i)) =
                (uint_in(c, "sctp.initack_nr_out_streams"), uint_in(c, "sctp.initack_nr_in_streams"))
            {
                side.streams = Some((o, i));
            }
        }
        SACK => {
            side.gap_blocks += uint_in(c, "sctp.sack_number_of_gap_blocks").unwrap_or(0);
            side.dup_tsns += uint_in(c, "sctp.sack_number_of_duplicated_tsns").unwrap_or(0);
        }
        _ => {}
    }
}

impl Tap for Assocs {
    fn packet(&mut self, p: &Packet) {
        if !passes(&self.filter, p) {
            return;
        }
        let Some(pos) = p.layers.iter().position(|l| l.def.abbrev == "sctp") else { return };
        let Some(first) = p.layers.get(pos) else { return };
        let Some(index) =
            p.layers.iter().filter(|l| l.def.abbrev == "sctp").find_map(|l| uint_in(l, "sctp.assoc_index"))
        else {
            return;
        };
        let (Some((src, dst)), Some(sp), Some(dp)) = (
            net_addrs(p, pos),
            uint_in(first, "sctp.srcport").and_then(|v| u16::try_from(v).ok()),
            uint_in(first, "sctp.dstport").and_then(|v| u16::try_from(v).ok()),
        ) else {
            return;
        };
        let i = match self.index.get(&index) {
            Some(&i) => i,
            None if self.list.len() < MAX_ASSOCS => {
                self.list.push(Assoc {
                    index,
                    a: (src, sp),
                    b: (dst, dp),
                    sides: Default::default(),
                    ppids: BTreeSet::new(),
                    first: p.number,
                    last: p.number,
                    start: p.rel_ts,
                    end: p.rel_ts,
                });
                self.index.insert(index, self.list.len() - 1);
                self.list.len() - 1
            }
            None => {
                self.dropped += 1;
                return;
            }
        };
        let Some(a) = self.list.get_mut(i) else { return };
        let dir = usize::from(!(a.a == (src, sp) && a.b == (dst, dp)));
        a.last = p.number;
        a.end = p.rel_ts;
        let Assoc { sides, ppids, .. } = a;
        let side = &mut sides[dir];
        side.frames += 1;
        side.bytes += u64::from(p.orig_len);
        if let Some(v) = uint_in(first, "sctp.verification_tag").filter(|v| *v != 0) {
            side.vtag.get_or_insert(v);
        }
        for l in p.layers.iter().filter(|l| l.def.abbrev == "sctp") {
            for c in l.children.iter().filter(|c| c.def.abbrev == "sctp.chunk") {
                chunk_fields(c, side, ppids);
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let sep = "=".repeat(80);
        writeln!(out, "{sep}")?;
        writeln!(out, "SCTP Associations")?;
        writeln!(out, "Filter:{}", self.filter.as_ref().map(|f| f.0.as_str()).unwrap_or("<No Filter>"))?;
        for a in &self.list {
            let ep = |e: &(Addr, u16)| {
                if e.0.is_v6() {
                    format!("[{}]:{}", e.0, e.1)
                } else {
                    format!("{}:{}", e.0, e.1)
                }
            };
            writeln!(out, "\nAssociation {}: A {} <-> B {}", a.index, ep(&a.a), ep(&a.b))?;
            writeln!(
                out,
                "  Frames {}-{}, relative start {:.9}, duration {:.4}",
                a.first,
                a.last,
                secs(a.start),
                secs(a.end) - secs(a.start)
            )?;
            writeln!(out, "  {:<26}{:>14}{:>14}", "", "A -> B", "B -> A")?;
            let [x, y] = &a.sides;
            let tag = |s: &Side| s.vtag.map_or("-".to_string(), |v| format!("0x{v:08x}"));
            let streams = |s: &Side| s.streams.map_or("-".to_string(), |(o, i)| format!("{o} out/{i} in"));
            let row = |out: &mut dyn Write, name: &str, f: &dyn Fn(&Side) -> String| {
                writeln!(out, "  {name:<26}{:>14}{:>14}", f(x), f(y))
            };
            row(out, "Verification tag", &tag)?;
            row(out, "Streams (INIT/INIT ACK)", &streams)?;
            row(out, "Frames", &|s| s.frames.to_string())?;
            row(out, "Bytes", &|s| s.bytes.to_string())?;
            row(out, "DATA chunks", &|s| s.data_chunks.to_string())?;
            row(out, "DATA payload bytes", &|s| s.data_bytes.to_string())?;
            row(out, "Retransmitted TSNs", &|s| s.retransmissions.to_string())?;
            row(out, "SACK gap blocks reported", &|s| s.gap_blocks.to_string())?;
            row(out, "Duplicate TSNs reported", &|s| s.dup_tsns.to_string())?;
            let list = |s: &BTreeSet<u16>| {
                if s.is_empty() {
                    "-".to_string()
                } else {
                    s.iter().map(u16::to_string).collect::<Vec<_>>().join(",")
                }
            };
            writeln!(out, "  Streams used A -> B: {}", list(&x.sids))?;
            writeln!(out, "  Streams used B -> A: {}", list(&y.sids))?;
            let ppids: Vec<String> = a.ppids.iter().map(u64::to_string).collect();
            writeln!(out, "  PPIDs: {}", if ppids.is_empty() { "-".to_string() } else { ppids.join(",") })?;
        }
        if self.dropped > 0 {
            writeln!(out, "({} frames of associations past the first {MAX_ASSOCS} not listed)", self.dropped)?;
        }
        writeln!(out, "{sep}")
    }

    fn to_json(&self) -> serde_json::Value {
        let side = |s: &Side| {
            json!({
                "frames": s.frames, "bytes": s.bytes, "verification_tag": s.vtag,
                "init_streams": s.streams.map(|(o, i)| json!({"out": o, "in": i})),
                "data_chunks": s.data_chunks, "data_bytes": s.data_bytes,
                "retransmissions": s.retransmissions, "sack_gap_blocks": s.gap_blocks,
                "duplicate_tsns": s.dup_tsns, "streams_used": s.sids.iter().collect::<Vec<_>>(),
            })
        };
        let list: Vec<serde_json::Value> = self
            .list
            .iter()
            .map(|a| {
                json!({
                    "index": a.index,
                    "a": a.a.0.to_string(), "a_port": a.a.1,
                    "b": a.b.0.to_string(), "b_port": a.b.1,
                    "first_frame": a.first, "last_frame": a.last,
                    "a_to_b": side(&a.sides[0]), "b_to_a": side(&a.sides[1]),
                    "ppids": a.ppids.iter().collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "filter": self.filter.as_ref().map(|f| f.0.clone()),
            "associations": list,
            "frames_not_listed": self.dropped,
        })
    }
}
