//! pcapng, draft-ietf-opsawg-pcapng.
//!
//! Every block has the same frame ("General Block Structure"); the byte order is the one of the
//! Section Header Block that opens the section:
//!
//! ```text
//!  0                   1                   2                   3
//! +---------------------------------------------------------------+
//! |                          Block Type                           |
//! +---------------------------------------------------------------+
//! |                      Block Total Length                       |
//! +---------------------------------------------------------------+
//! /                          Block Body                           /
//! +---------------------------------------------------------------+
//! |                      Block Total Length                       |
//! +---------------------------------------------------------------+
//! ```
//!
//! Blocks read here:
//!
//! ```text
//! Section Header Block (type 0x0A0D0D0A)       Interface Description Block (type 1)
//! +---------------------------------------+    +-------------------+-------------------+
//! |        Byte-Order Magic 0x1A2B3C4D    |    |     LinkType      |     Reserved      |
//! +-------------------+-------------------+    +-------------------+-------------------+
//! |   Major Version   |   Minor Version   |    |               SnapLen                 |
//! +-------------------+-------------------+    +---------------------------------------+
//! |        Section Length (64 bits)       |    /   Options (if_tsresol 9, if_tsoffset 14) /
//! /               Options                 /    +---------------------------------------+
//! +---------------------------------------+
//!
//! Enhanced Packet Block (type 6)               Simple Packet Block (type 3)
//! +---------------------------------------+    +---------------------------------------+
//! |            Interface ID               |    |         Original Packet Length        |
//! |         Timestamp (High)              |    /  Packet Data (min(orig, IDB 0 snaplen)) /
//! |         Timestamp (Low)               |    +---------------------------------------+
//! |      Captured Packet Length           |
//! |      Original Packet Length           |    Packet Block (type 2, obsolete)
//! /  Packet Data (padded to 32 bits)      /    +-------------------+-------------------+
//! /  Options (opt_comment 1, ...)         /    |   Interface ID    |   Drops Count     |
//! +---------------------------------------+    +-------------------+-------------------+
//!                                              | Timestamp High, Low, Captured Len,    |
//!                                              | Original Len, Packet Data, Options    |
//!                                              +---------------------------------------+
//! ```
//!
//! Sections: "Section Header Block" (byte order per section; interface ids restart at 0 in each),
//! "Interface Description Block" (`if_tsresol`: bit 7 clear = 10^-n s, set = 2^-n s, default
//! 10^-6; `if_tsoffset`: seconds added to every timestamp), "Enhanced Packet Block", "Simple
//! Packet Block", appendix "Packet Block (obsolete!)", and "Options" (`opt_comment`, code 1;
//! `opt_endofopt`, code 0). Name Resolution, Interface Statistics, Decryption Secrets, custom and
//! unknown blocks are skipped by their length.
//!
//! pcap-parser decodes the IDB, EPB, SPB and options; the framing (lengths, the cap, the trailer
//! copy of the length) is checked here first. A block whose length is known but whose content is
//! bad is skipped with a warning naming its byte offset; only a block whose length cannot be
//! trusted stops the read.

use std::borrow::Cow;

use pcap_parser::nom;
use pcap_parser::{
    parse_enhancedpacketblock_be, parse_enhancedpacketblock_le, parse_interfacedescriptionblock_be,
    parse_interfacedescriptionblock_le, parse_option_be, parse_option_le, parse_simplepacketblock_be,
    parse_simplepacketblock_le, PcapError, PcapNGOption,
};

use super::buf::InputBuffer;
use super::{CaptureError, Frame, Step, Warnings, MAX_RECORD_LEN};

/// Block types ("Block Types" registry of draft-ietf-opsawg-pcapng).
pub(crate) mod block_type {
    pub const SHB: u32 = 0x0a0d_0d0a;
    pub const IDB: u32 = 0x0000_0001;
    pub const PB: u32 = 0x0000_0002;
    pub const SPB: u32 = 0x0000_0003;
    pub const EPB: u32 = 0x0000_0006;
}

/// The Section Header Block type as it appears in the file (a palindrome: same in both orders).
pub(crate) const SHB_BYTES: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Option codes used here.
mod opt {
    pub const ENDOFOPT: u16 = 0;
    pub const COMMENT: u16 = 1;
    pub const IF_TSRESOL: u16 = 9;
    pub const IF_TSOFFSET: u16 = 14;
}

/// At most this many interfaces per section; more is a sign of a broken file, and their
/// descriptions are ignored (with a warning) so memory stays bounded.
const MAX_INTERFACES: usize = 65_536;

/// What a packet block needs to know about its interface.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Interface {
    linktype: u32,
    snaplen: u32,
    /// Timestamp units per second (from `if_tsresol`; 1_000_000 by default).
    units_per_sec: u64,
    /// `if_tsoffset`, in seconds.
    offset_sec: i64,
}

#[derive(Debug, Default)]
pub(crate) struct NgState {
    big_endian: bool,
    interfaces: Vec<Interface>,
}

/// One packet's fields, whatever block it came from.
struct Packet<'a> {
    if_id: u32,
    ts_high: u32,
    ts_low: u32,
    caplen: usize,
    origlen: u32,
    data: &'a [u8],
    options: Vec<PcapNGOption<'a>>,
}

impl NgState {
    fn u32_at(&self, b: &[u8], at: usize) -> Option<u32> {
        let a: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big_endian { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) })
    }

    fn u16_at(&self, b: &[u8], at: usize) -> Option<u16> {
        let a: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.big_endian { u16::from_be_bytes(a) } else { u16::from_le_bytes(a) })
    }

    /// The next frame: blocks that are not packets, or that are bad but skippable, are passed over.
    pub(crate) fn next(&mut self, input: &mut InputBuffer, frames: u64, warnings: &mut Warnings) -> Step {
        loop {
            let offset = input.offset();
            match input.fill(8) {
                Ok(true) => {}
                Ok(false) if input.data().is_empty() => return Step::End,
                Ok(false) => return Step::Stop(CaptureError::Truncated { offset, frames }),
                Err(e) => return Step::Stop(e.into()),
            }
            let is_shb = input.data().get(..4) == Some(&SHB_BYTES[..]);
            if is_shb {
                // The byte order of this block, and of the section it opens, is in the block.
                match input.fill(12) {
                    Ok(true) => {}
                    Ok(false) => return Step::Stop(CaptureError::Truncated { offset, frames }),
                    Err(e) => return Step::Stop(e.into()),
                }
                match input.data().get(8..12) {
                    Some([0x4d, 0x3c, 0x2b, 0x1a]) => self.big_endian = false,
                    Some([0x1a, 0x2b, 0x3c, 0x4d]) => self.big_endian = true,
                    _ if offset == 0 => return Step::Stop(CaptureError::NotACapture { offset }),
                    _ => {
                        return Step::Stop(CaptureError::Malformed {
                            offset,
                            reason: "section header block with an unknown byte-order magic".into(),
                        })
                    }
                }
                self.interfaces.clear();
            }
            let (Some(btype), Some(len)) = (self.u32_at(input.data(), 0), self.u32_at(input.data(), 4)) else {
                return Step::Stop(CaptureError::Truncated { offset, frames });
            };
            let len = len as usize;
            if len < 12 || len & 3 != 0 {
                return Step::Stop(CaptureError::Malformed {
                    offset,
                    reason: format!("block total length {len} is not a multiple of 4 of at least 12"),
                });
            }
            if len > MAX_RECORD_LEN {
                return Step::Stop(CaptureError::Malformed {
                    offset,
                    reason: format!("block total length {len} is larger than the {MAX_RECORD_LEN}-byte limit"),
                });
            }
            match input.fill(len) {
                Ok(true) => {}
                Ok(false) => return Step::Stop(CaptureError::Truncated { offset, frames }),
                Err(e) => return Step::Stop(e.into()),
            }
            let Some(block) = input.data().get(..len) else {
                return Step::Stop(CaptureError::Truncated { offset, frames });
            };
            // A trailing length that differs is noted; the block is still read with the leading
            // one, which already gave the block boundary (pcap-parser wants them equal, so it
            // gets a copy with the trailer mended).
            let block: Cow<'_, [u8]> = if self.u32_at(block, len - 4) == Some(len as u32) {
                Cow::Borrowed(block)
            } else {
                warnings.push(format!(
                    "byte offset {offset}: block type {btype:#x}: trailing block length differs from the leading one ({len})"
                ));
                let mut mended = block.to_vec();
                if let Some(t) = mended.get_mut(len - 4..) {
                    t.copy_from_slice(&u32_bytes(self.big_endian, len as u32));
                }
                Cow::Owned(mended)
            };
            let block = &block[..];
            let frame = match btype {
                block_type::SHB => {
                    match self.u16_at(block, 12) {
                        Some(1) => {}
                        Some(v) => {
                            warnings.push(format!("byte offset {offset}: section header major version {v}, not 1"))
                        }
                        None => warnings.push(format!("byte offset {offset}: section header block too short")),
                    }
                    None
                }
                block_type::IDB => {
                    self.read_idb(block, offset, warnings);
                    None
                }
                block_type::EPB | block_type::SPB | block_type::PB => {
                    self.read_packet(btype, block, offset, frames, warnings)
                }
                // NRB, ISB, DSB, custom, anything else: not needed to read frames.
                _ => None,
            };
            input.consume(len);
            if let Some(f) = frame {
                return Step::Frame(f);
            }
        }
    }

    fn read_idb(&mut self, block: &[u8], offset: u64, warnings: &mut Warnings) {
        if self.interfaces.len() >= MAX_INTERFACES {
            warnings.push(format!(
                "byte offset {offset}: more than {MAX_INTERFACES} interfaces in one section; description ignored"
            ));
            return;
        }
        let parsed = if self.big_endian {
            parse_interfacedescriptionblock_be(block)
        } else {
            parse_interfacedescriptionblock_le(block)
        };
        let iface = match parsed {
            Ok((_, idb)) => {
                let mut iface = Interface {
                    linktype: idb.linktype.0 as u32 & 0xffff,
                    snaplen: idb.snaplen,
                    units_per_sec: 1_000_000,
                    offset_sec: 0,
                };
                for o in options_until_end(&idb.options) {
                    match o.code.0 {
                        opt::IF_TSRESOL => match o.as_bytes() {
                            Ok(&[v]) => match units_per_sec(v) {
                                Some(u) => iface.units_per_sec = u,
                                None => warnings.push(format!(
                                    "byte offset {offset}: if_tsresol {v:#04x} is out of range; using microseconds"
                                )),
                            },
                            _ => warnings.push(format!("byte offset {offset}: if_tsresol is not 1 byte long")),
                        },
                        opt::IF_TSOFFSET => match o.as_bytes().ok().and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                            Some(b) => {
                                iface.offset_sec =
                                    if self.big_endian { i64::from_be_bytes(b) } else { i64::from_le_bytes(b) }
                            }
                            None => warnings.push(format!("byte offset {offset}: if_tsoffset is not 8 bytes long")),
                        },
                        _ => {}
                    }
                }
                iface
            }
            Err(_) => {
                // Keep the numbering of the interfaces that follow: use the fixed fields if they
                // are there, defaults for the rest.
                warnings.push(format!("byte offset {offset}: malformed interface description block; options ignored"));
                Interface {
                    linktype: self.u16_at(block, 8).map_or(0, u32::from),
                    snaplen: self.u32_at(block, 12).unwrap_or(0),
                    units_per_sec: 1_000_000,
                    offset_sec: 0,
                }
            }
        };
        self.interfaces.push(iface);
    }

    fn read_packet(
        &self,
        btype: u32,
        block: &[u8],
        offset: u64,
        frames: u64,
        warnings: &mut Warnings,
    ) -> Option<Frame> {
        let name = match btype {
            block_type::EPB => "enhanced packet block",
            block_type::SPB => "simple packet block",
            _ => "packet block",
        };
        let Some(p) = self.parse_packet(btype, block) else {
            warnings.push(format!("byte offset {offset}: malformed {name}; skipped"));
            return None;
        };
        let Some(iface) = self.interfaces.get(p.if_id as usize) else {
            warnings.push(format!(
                "byte offset {offset}: {name} names interface {} but the section has {}; skipped",
                p.if_id,
                self.interfaces.len()
            ));
            return None;
        };
        // A simple packet block's captured length comes from interface 0's snap length
        // ("Simple Packet Block": min(Original Packet Length, SnapLen)).
        let mut caplen = p.caplen;
        if btype == block_type::SPB {
            caplen = caplen.min(p.origlen as usize);
            if iface.snaplen != 0 {
                caplen = caplen.min(iface.snaplen as usize);
            }
        }
        let Some(data) = p.data.get(..caplen) else {
            warnings.push(format!("byte offset {offset}: {name}: captured length {caplen} exceeds the block; skipped"));
            return None;
        };
        let ts_missing = btype == block_type::SPB;
        let (ts_sec, ts_nsec) = if ts_missing { (0, 0) } else { timestamp(iface, p.ts_high, p.ts_low) };
        let comments = options_until_end(&p.options)
            .filter(|o| o.code.0 == opt::COMMENT)
            .filter_map(|o| o.as_bytes().ok())
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        Some(Frame {
            number: frames + 1,
            ts_sec,
            ts_nsec,
            linktype: iface.linktype,
            interface: p.if_id,
            orig_len: p.origlen,
            data: data.to_vec(),
            comments,
            file_offset: offset,
            ts_missing,
            pcapng: true,
        })
    }

    fn parse_packet<'a>(&self, btype: u32, block: &'a [u8]) -> Option<Packet<'a>> {
        match btype {
            block_type::EPB => {
                let parsed = if self.big_endian {
                    parse_enhancedpacketblock_be(block)
                } else {
                    parse_enhancedpacketblock_le(block)
                };
                let (_, b) = parsed.ok()?;
                Some(Packet {
                    if_id: b.if_id,
                    ts_high: b.ts_high,
                    ts_low: b.ts_low,
                    caplen: b.caplen as usize,
                    origlen: b.origlen,
                    data: b.data,
                    options: b.options,
                })
            }
            block_type::SPB => {
                let parsed =
                    if self.big_endian { parse_simplepacketblock_be(block) } else { parse_simplepacketblock_le(block) };
                let (_, b) = parsed.ok()?;
                Some(Packet {
                    if_id: 0,
                    ts_high: 0,
                    ts_low: 0,
                    caplen: b.data.len(),
                    origlen: b.origlen,
                    data: b.data,
                    options: Vec::new(),
                })
            }
            _ => {
                // Packet Block (obsolete): 28 bytes of fixed fields, padded data, options, trailer.
                let if_id = u32::from(self.u16_at(block, 8)?);
                let ts_high = self.u32_at(block, 12)?;
                let ts_low = self.u32_at(block, 16)?;
                let caplen = self.u32_at(block, 20)? as usize;
                let origlen = self.u32_at(block, 24)?;
                let body = block.get(28..block.len().checked_sub(4)?)?;
                let padded = caplen.checked_add(3)? & !3;
                let data = body.get(..caplen)?;
                let options = self.parse_options(body.get(padded..).unwrap_or(&[]));
                Some(Packet { if_id, ts_high, ts_low, caplen, origlen, data, options })
            }
        }
    }

    /// Options up to the end of `i` or the first one that does not fit.
    fn parse_options<'a>(&self, mut i: &'a [u8]) -> Vec<PcapNGOption<'a>> {
        let mut out = Vec::new();
        while !i.is_empty() {
            let r: nom::IResult<&[u8], PcapNGOption<'_>, PcapError<&[u8]>> =
                if self.big_endian { parse_option_be(i) } else { parse_option_le(i) };
            match r {
                Ok((rest, o)) if rest.len() < i.len() => {
                    i = rest;
                    out.push(o);
                }
                _ => break,
            }
        }
        out
    }
}

fn u32_bytes(big_endian: bool, v: u32) -> [u8; 4] {
    if big_endian {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    }
}

/// Options before `opt_endofopt`.
fn options_until_end<'a, 'b>(opts: &'b [PcapNGOption<'a>]) -> impl Iterator<Item = &'b PcapNGOption<'a>> {
    opts.iter().take_while(|o| o.code.0 != opt::ENDOFOPT)
}

/// Timestamp units per second for an `if_tsresol` value, `None` when it does not fit 64 bits.
pub(crate) fn units_per_sec(v: u8) -> Option<u64> {
    if v & 0x80 == 0 {
        10u64.checked_pow(u32::from(v))
    } else {
        1u64.checked_shl(u32::from(v & 0x7f)).filter(|_| v & 0x7f < 64)
    }
}

/// Seconds and nanoseconds of a 64-bit timestamp in the interface's units, plus its offset.
fn timestamp(iface: &Interface, high: u32, low: u32) -> (i64, u32) {
    let t = (u64::from(high) << 32) | u64::from(low);
    let units = iface.units_per_sec.max(1);
    let secs = i64::try_from(t / units).unwrap_or(i64::MAX);
    let nsec = (u128::from(t % units) * 1_000_000_000 / u128::from(units)) as u32;
    (secs.saturating_add(iface.offset_sec), nsec)
}
