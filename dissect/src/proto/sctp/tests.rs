//! Tests of the SCTP layer as a whole: the dissector against tshark on the real captures,
//! literal packets with every field checked, reassembly, association indices, snapshots, and
//! round trips of the wire model.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::engine::{Addrs, Config, Ctx, State};
use crate::tree::{field_value, Packet, TreeBuilder, Tvb};

/// `../shared/captures`, or None with a loud note.
pub(super) fn shared_captures() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("\n*** SKIPPED: {} not found; this test did not run ***\n", p.display());
        None
    }
}

pub(super) fn tshark_available() -> bool {
    let ok =
        std::process::Command::new("tshark").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        eprintln!("\n*** SKIPPED: tshark not found; this test did not run ***\n");
    }
    ok
}

/// One frame of a capture, reduced to what the SCTP layer needs.
#[derive(Debug, Clone)]
pub(super) struct SctpFrame {
    pub number: u64,
    pub ts: (i64, u32),
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    /// The whole frame, and where the SCTP packet starts and ends in it.
    pub frame: Arc<[u8]>,
    pub start: usize,
    pub end: usize,
}

/// The IP payload of a link-layer frame: (protocol, src, dst, payload start, payload end).
fn ip_of(linktype: i32, d: &[u8]) -> Option<(u8, IpAddr, IpAddr, usize, usize)> {
    let (mut ethertype, mut off) = match linktype {
        1 => (u16::from_be_bytes([*d.get(12)?, *d.get(13)?]), 14usize),
        113 => (u16::from_be_bytes([*d.get(14)?, *d.get(15)?]), 16),
        276 => (u16::from_be_bytes([*d.first()?, *d.get(1)?]), 20),
        0 => {
            let fam = u32::from_le_bytes(d.get(0..4)?.try_into().ok()?);
            let fam = if fam > 0xffff { fam.swap_bytes() } else { fam };
            (if fam == 2 { 0x0800 } else { 0x86dd }, 4)
        }
        101 | 228 | 229 => (if d.first()? >> 4 == 4 { 0x0800 } else { 0x86dd }, 0),
        _ => return None,
    };
    while ethertype == 0x8100 && linktype == 1 {
        ethertype = u16::from_be_bytes([*d.get(off + 2)?, *d.get(off + 3)?]);
        off += 4;
    }
    match ethertype {
        0x0800 => {
            let ihl = (*d.get(off)? & 0x0f) as usize * 4;
            let total = u16::from_be_bytes([*d.get(off + 2)?, *d.get(off + 3)?]) as usize;
            let proto = *d.get(off + 9)?;
            let src: [u8; 4] = d.get(off + 12..off + 16)?.try_into().ok()?;
            let dst: [u8; 4] = d.get(off + 16..off + 20)?.try_into().ok()?;
            Some((proto, IpAddr::from(src), IpAddr::from(dst), off + ihl, (off + total).min(d.len())))
        }
        0x86dd => {
            let plen = u16::from_be_bytes([*d.get(off + 4)?, *d.get(off + 5)?]) as usize;
            let mut nh = *d.get(off + 6)?;
            let src: [u8; 16] = d.get(off + 8..off + 24)?.try_into().ok()?;
            let dst: [u8; 16] = d.get(off + 24..off + 40)?.try_into().ok()?;
            let end = (off + 40 + plen).min(d.len());
            let mut p = off + 40;
            while matches!(nh, 0 | 43 | 60) {
                nh = *d.get(p)?;
                p += (*d.get(p + 1)? as usize + 1) * 8;
            }
            Some((nh, IpAddr::from(src), IpAddr::from(dst), p, end))
        }
        _ => None,
    }
}

/// Every frame of a capture with an SCTP packet (over IP, or over UDP port 9899), with its
/// number in the file.
pub(super) fn sctp_frames(path: &Path) -> Vec<SctpFrame> {
    use pcap_parser::pcapng::Block;
    use pcap_parser::{PcapBlockOwned, PcapError};
    let f = std::fs::File::open(path).expect("open capture");
    let mut reader = pcap_parser::create_reader(1 << 20, f).expect("pcap reader");
    let mut out = Vec::new();
    let mut number = 0u64;
    let mut legacy_link = 1i32;
    let mut nanos = false;
    let mut ifaces: Vec<(i32, u64)> = Vec::new();
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                let mut frame: Option<(i32, (i64, u32), Vec<u8>)> = None;
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        legacy_link = h.network.0;
                        nanos = h.is_nanosecond_precision();
                    }
                    PcapBlockOwned::Legacy(b) => {
                        let ns = if nanos { b.ts_usec } else { b.ts_usec * 1000 };
                        frame = Some((legacy_link, (b.ts_sec as i64, ns), b.data.to_vec()));
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => ifaces.clear(),
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        ifaces.push((idb.linktype.0, idb.ts_resolution().unwrap_or(1_000_000)));
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        let (lt, res) = ifaces.get(epb.if_id as usize).copied().unwrap_or((1, 1_000_000));
                        let t = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
                        let ts = ((t / res) as i64, ((t % res) * 1_000_000_000 / res) as u32);
                        frame = Some((lt, ts, epb.data[..epb.caplen as usize].to_vec()));
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        let lt = ifaces.first().map(|i| i.0).unwrap_or(1);
                        frame = Some((lt, (0, 0), spb.data.to_vec()));
                    }
                    _ => {}
                }
                if let Some((lt, ts, data)) = frame {
                    number += 1;
                    if let Some((proto, src, dst, s, e)) = ip_of(lt, &data) {
                        let sctp = match proto {
                            132 => Some((s, e)),
                            17 if e >= s + 8 => {
                                let sp = u16::from_be_bytes([data[s], data[s + 1]]);
                                let dp = u16::from_be_bytes([data[s + 2], data[s + 3]]);
                                (sp == 9899 || dp == 9899).then_some((s + 8, e))
                            }
                            _ => None,
                        };
                        if let Some((start, end)) = sctp {
                            out.push(SctpFrame {
                                number,
                                ts,
                                src: Some(src),
                                dst: Some(dst),
                                frame: Arc::from(data),
                                start,
                                end,
                            });
                        }
                    }
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => reader.refill().expect("refill"),
            Err(e) => panic!("{}: {e:?}", path.display()),
        }
    }
    out
}

/// Dissect frames with the SCTP layer alone, sharing state, as the engine would.
pub(super) fn dissect_frames(frames: &[SctpFrame], cfg: &Config) -> Vec<Packet> {
    let mut st = State::default();
    frames.iter().map(|f| dissect_one(f, cfg, &mut st)).collect()
}

pub(super) fn dissect_one(f: &SctpFrame, cfg: &Config, st: &mut State) -> Packet {
    let mut ctx = Ctx {
        tb: TreeBuilder::new(),
        cfg,
        st,
        frame_number: f.number,
        ts: f.ts,
        addrs: Addrs { src: f.src, dst: f.dst, ..Addrs::default() },
        depth: 0,
    };
    dissect(&mut ctx, Tvb::new(&f.frame[f.start..f.end], 0, f.start));
    let Ctx { tb, .. } = ctx;
    tb.finish(f.number, f.ts, (0, 0), f.frame.len() as u32, f.frame.clone())
}

/// A packet from bytes starting at the SCTP header, as frame `n`.
pub(super) fn one(bytes: &[u8], n: u64, st: &mut State) -> Packet {
    let f = SctpFrame {
        number: n,
        ts: (n as i64, 0),
        src: None,
        dst: None,
        frame: Arc::from(bytes),
        start: 0,
        end: bytes.len(),
    };
    dissect_one(&f, &Config::default(), st)
}

/// A field's values in a packet, as tshark's `-T fields` prints them: comma-joined; a field
/// with no value (FT_NONE) prints as "1"; strings have tab, CR, LF, backspace and form feed escaped.
pub(super) fn fv(p: &Packet, abbrev: &str) -> String {
    p.values(abbrev)
        .iter()
        .map(|n| {
            if n.def.ftype == crate::tree::FieldType::None {
                "1".to_string()
            } else if let crate::tree::Value::Str(s) = &n.value {
                s.replace('\t', "\\t")
                    .replace('\r', "\\r")
                    .replace('\n', "\\n")
                    .replace('\u{8}', "\\b")
                    .replace('\u{c}', "\\f")
            } else {
                field_value(n.def, &n.value)
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

mod aiortc;
mod generated;
mod pipeline;
mod reassembly;
mod roundtrip;
mod snapshots;
mod tshark;
