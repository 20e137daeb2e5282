//! The SCTP layer of the tree, field for field as tshark 4.0 builds it (with
//! `-o sctp.checksum:Automatic -o sctp.association_index:TRUE`), plus expert infos for the
//! spec violations tshark does not flag.
//!
//! This works on the bytes rather than on [`super::Chunk`] values because a dissector must show
//! what is there even when it is wrong: every read is bounds-checked, and a read past the end of
//! the data tshark would look at is where tshark stops with "Malformed Packet" — here too
//! ([`Thrown`]), so the same packets are marked malformed.

use std::sync::Arc;

use super::assoc::{AssocKey, HalfId};
use super::hf;
use super::reasm::{Caps, FragIn, MsgKey, Outcome};
use super::wire::{ChunkType, ParamType};
use crate::engine::{Ctx, SctpMessage, MAX_DEPTH};
use crate::tree::{BufId, FieldDef, Group, Node, Severity, Span, Tvb, Value};

/// A read past the end of the data: tshark's exception, the packet is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Thrown;

type R<T> = Result<T, Thrown>;

/// Nesting of parameters, causes and chunks inside one another before they are shown as bytes.
const MAX_NEST: u32 = 8;

fn bytes_at<'a>(t: &Tvb<'a>, off: usize, len: usize) -> R<&'a [u8]> {
    let end = off.checked_add(len).ok_or(Thrown)?;
    t.data.get(off..end).ok_or(Thrown)
}

fn u8_at(t: &Tvb, off: usize) -> R<u8> {
    Ok(bytes_at(t, off, 1)?[0])
}

fn u16_at(t: &Tvb, off: usize) -> R<u16> {
    let b = bytes_at(t, off, 2)?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(t: &Tvb, off: usize) -> R<u32> {
    let b = bytes_at(t, off, 4)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// tshark's `tvb_new_subset_length_caplen(t, off, MIN(len, remaining), ...)`: clamped.
fn sub<'a>(t: &Tvb<'a>, off: usize, len: usize) -> Tvb<'a> {
    t.sub(off, off.saturating_add(len))
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn vals(table: &[(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

/// The name tshark gives a chunk type in the Info column and the chunk's label.
pub(super) fn chunk_name(ty: u8) -> &'static str {
    vals(hf::CHUNK_TYPE_VALS, ty as u64).unwrap_or("RESERVED")
}

/// `0... .... = ` for a flag of `width` bytes.
fn bit_pattern(mask: u64, width: usize, raw: u64) -> String {
    let nbits = width * 8;
    let mut pat = String::with_capacity(nbits + nbits / 4 + 3);
    for i in (0..nbits).rev() {
        let m = 1u64 << i;
        pat.push(if mask & m == 0 {
            '.'
        } else if raw & m != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i != 0 {
            pat.push(' ');
        }
    }
    pat.push_str(" = ");
    pat
}

/// The TSN a SACK or gap block refers to, relative when tshark shows it relative.
fn rel(raw: u32, base: Option<u32>) -> u32 {
    base.map_or(raw, |b| raw.wrapping_sub(b))
}

/// A user message to hand up once its chunk is in the tree.
struct Handoff<'a> {
    msg: SctpMessage,
    data: HandoffData<'a>,
}

enum HandoffData<'a> {
    Frame(Tvb<'a>),
    Reassembled(Arc<[u8]>, BufId),
}

/// Where a chunk is being dissected, which decides what it may touch (as tshark's `useinfo`,
/// `ha` and `pinfo->flags.in_error_pkt` do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A chunk of the packet itself: Info text, TSN analysis, reassembly, hand-off.
    Top,
    /// A chunk quoted in an Unrecognized Chunk Type cause: no chunk name in Info and no TSN
    /// analysis, but tshark still notes its TSN and reassembles it.
    Quoted,
    /// The packet inside a PKTDROP chunk: nothing in Info, no analysis, no reassembly.
    Dropped,
}

/// The state of one packet's dissection.
pub(super) struct D<'c, 'x, 'a> {
    pub ctx: &'c mut Ctx<'x>,
    pub sport: u16,
    pub dport: u16,
    pub vtag: u32,
    pub ha: Option<HalfId>,
    pub assoc_index: u16,
    pub assoc_dir: u8,
    pending: Option<Handoff<'a>>,
    nest: u32,
    /// tshark's `pinfo->fragmented`: a fragment was seen and its message is not complete.
    fragmented: bool,
    /// Where the chunk being dissected sits.
    mode: Mode,
    /// The packet's first chunk (tshark reads an INIT's initiate tag from it, for any chunk).
    first_chunk: Option<Tvb<'a>>,
    /// tshark makes the columns read-only while it dissects a PKTDROP chunk, and they stay so
    /// when that chunk throws.
    info_frozen: bool,
}

impl<'c, 'x, 'a> D<'c, 'x, 'a> {
    fn add(&mut self, def: &'static FieldDef, t: &Tvb, off: usize, len: usize, v: Value) {
        self.ctx.tb.add(def, t.span(off, off.saturating_add(len)), v);
    }

    fn add_label(&mut self, def: &'static FieldDef, t: &Tvb, off: usize, len: usize, v: Value, label: String) {
        self.ctx.tb.add_label(def, t.span(off, off.saturating_add(len)), v, label);
    }

    fn generated(&mut self, def: &'static FieldDef, span: Span, v: Value, label: Option<String>) {
        let mut n = Node::new(def, span, v);
        n.generated = true;
        n.label = label;
        self.ctx.tb.add_node(n);
    }

    fn hidden(&mut self, def: &'static FieldDef, t: &Tvb, off: usize, len: usize, v: Value) {
        self.ctx.tb.add_hidden(def, t.span(off, off + len), v);
    }

    /// Read an unsigned big-endian field of `len` bytes and add it.
    fn uint(&mut self, def: &'static FieldDef, t: &Tvb, off: usize, len: usize) -> R<u64> {
        let b = bytes_at(t, off, len)?;
        let v = b.iter().fold(0u64, |a, &x| (a << 8) | x as u64);
        self.add(def, t, off, len, Value::UInt(v));
        Ok(v)
    }

    /// Add `len` bytes at `off`. tshark still adds a field for zero bytes, whose value it shows
    /// as `<MISSING>` (it has no data pointer), so that is its value here too.
    fn bytes(&mut self, def: &'static FieldDef, t: &Tvb, off: usize, len: usize) -> R<()> {
        let b = bytes_at(t, off, len)?;
        let v = if b.is_empty() { Value::Str("<MISSING>".into()) } else { Value::Bytes(b.to_vec()) };
        self.add(def, t, off, len, v);
        Ok(())
    }

    /// A true/false flag, labelled with its bit pattern and tshark's words.
    fn tfs(&mut self, def: &'static FieldDef, t: &Tvb, off: usize, width: usize, raw: u64, words: (&str, &str)) {
        let set = raw & def.bitmask != 0;
        let label =
            format!("{}{}: {}", bit_pattern(def.bitmask, width, raw), def.name, if set { words.0 } else { words.1 });
        self.add_label(def, t, off, width, Value::Bool(set), label);
    }

    fn expert(&mut self, sev: Severity, group: Group, msg: impl Into<String>, span: Span) {
        self.ctx.tb.expert(sev, group, msg, span);
    }

    fn info(&mut self, s: &str) {
        if !self.info_frozen {
            self.ctx.tb.summary.info.push_str(s);
        }
    }

    /// Run `f` inside an open subtree whose label is built along the way, closing it (with the
    /// label so far) whether `f` finishes or throws.
    fn subtree<T>(
        &mut self,
        def: &'static FieldDef,
        span: Span,
        label: String,
        f: impl FnOnce(&mut Self, &mut String) -> R<T>,
    ) -> R<T> {
        let depth = self.ctx.tb.depth();
        self.ctx.tb.open(def, span, Value::None);
        let mut label = label;
        let r = f(self, &mut label);
        self.ctx.tb.close_to(depth + 1);
        self.ctx.tb.set_label(label);
        self.ctx.tb.close_to(depth);
        r
    }

    // ----- the packet -----

    /// The chunks of a packet from offset 12 on (tshark's `dissect_sctp_chunks`). Returns Err
    /// where tshark throws; everything added until then stays. For a packet inside a PKTDROP
    /// (`mode` Dropped) the association is still looked up, with the outer packet's ports, tag
    /// and first chunk (`outer_first`), as tshark does.
    fn chunks(&mut self, tvb: Tvb<'a>, mode: Mode, outer_first: Option<Tvb<'a>>) -> R<()> {
        let mut offset = 12usize;
        let mut first: Option<Tvb<'a>> = outer_first;
        let mut count = 0usize;
        while offset < tvb.len() {
            let remaining = tvb.len() - offset;
            let length = u16_at(&tvb, offset + 2)?;
            // tshark keeps these in 16 bits: a length of 65533 and up pads to 0.
            let total = (((length as u32 + 3) & !3) as u16 as usize).min(remaining);
            let ct = sub(&tvb, offset, total);
            let first_ct = *first.get_or_insert(ct);
            if mode == Mode::Top {
                self.first_chunk = Some(first_ct);
            }
            let ty = u8_at(&ct, 0)?;
            let flags = u8_at(&ct, 1)?;
            // The association index, per chunk (the last one is shown).
            let reflected = (ty == ChunkType::ABORT.0 || ty == ChunkType::SHUTDOWN_COMPLETE.0) && flags & 1 != 0;
            let mut key = AssocKey { sport: self.sport, dport: self.dport, ..AssocKey::default() };
            if reflected {
                key.vtag2 = self.vtag;
            } else {
                key.vtag1 = self.vtag;
            }
            if ty == ChunkType::INIT.0 {
                key.initiate_tag = u32_at(&first_ct, 4)?;
            }
            let cap = self.ctx.cfg.max_flows;
            let (idx, dir, evicted) = self.ctx.st.sctp.assoc.find(&key, cap);
            if evicted {
                self.expert(
                    Severity::Note,
                    Group::Debug,
                    format!("SCTP association table full ({cap} associations): the oldest were forgotten"),
                    ct.span(0, 0),
                );
            }
            self.assoc_index = idx;
            self.assoc_dir = dir;
            self.ctx.st.sctp.last_assoc_index = idx;
            count += 1;
            let alone = (mode == Mode::Top).then_some(tvb.len() - offset - total == 0 && count == 1);
            let r = self.chunk(ct, alone, mode);
            self.flush_handoff();
            let result = r?;
            offset += total;
            if result && offset < tvb.len() {
                // tshark starts another SCTP item for the chunks after a DATA chunk.
                let span = tvb.span(offset, tvb.len());
                if mode == Mode::Top {
                    self.ctx.tb.reopen_proto(&hf::SCTP, span, None);
                } else {
                    self.ctx.tb.close();
                    self.ctx.tb.open(&hf::SCTP, span, Value::None);
                }
            }
        }
        Ok(())
    }

    /// The packet carried in a PKTDROP chunk (tshark's `dissect_sctp_packet` with
    /// `encapsulated` set, under `in_error_pkt`): its own header, checksum and chunks.
    fn dropped_packet(&mut self, t: Tvb<'a>, outer_first: Option<Tvb<'a>>) -> R<()> {
        let checksum = u32_at(&t, 8)?;
        let sport = u16_at(&t, 0)?;
        let dport = u16_at(&t, 2)?;
        let vtag = u32_at(&t, 4)?;
        let depth = self.ctx.tb.depth();
        let label =
            format!("Stream Control Transmission Protocol, Src Port: {sport} ({sport}), Dst Port: {dport} ({dport})");
        self.ctx.tb.open_label(&hf::SCTP, t.all(), Value::None, label);
        self.add(&hf::SRCPORT, &t, 0, 2, Value::UInt(sport as u64));
        self.add(&hf::DSTPORT, &t, 2, 2, Value::UInt(dport as u64));
        self.add(&hf::VERIFICATION_TAG, &t, 4, 4, Value::UInt(vtag as u64));
        self.hidden(&hf::PORT, &t, 0, 2, Value::UInt(sport as u64));
        self.hidden(&hf::PORT, &t, 2, 2, Value::UInt(dport as u64));
        self.checksum(&t, checksum);
        let r = self.chunks(t, Mode::Dropped, outer_first);
        if r.is_ok() {
            // Added last (tshark moves it after the tag; only `-V` can tell).
            let v = self.ctx.st.sctp.last_assoc_index as u64;
            self.generated(&hf::ASSOC_INDEX, t.span(0, 0), Value::UInt(v), None);
        }
        self.ctx.tb.close_to(depth);
        r
    }

    /// Hand a finished user message up (after its chunk is complete in the tree).
    fn flush_handoff(&mut self) {
        let Some(h) = self.pending.take() else { return };
        self.ctx.depth += 1;
        match h.data {
            HandoffData::Frame(t) => crate::engine::app_sctp(self.ctx, &h.msg, t),
            HandoffData::Reassembled(data, id) => {
                let t = Tvb::new(&data, id, 0);
                crate::engine::app_sctp(self.ctx, &h.msg, t)
            }
        }
        self.ctx.depth -= 1;
    }

    // ----- chunks -----

    /// One chunk (tshark's `dissect_sctp_chunk`). `alone` is Some(whether it is the only chunk of
    /// the packet) for chunks of the packet itself, None otherwise. Returns tshark's result:
    /// true when a DATA chunk ends the current SCTP item.
    fn chunk(&mut self, ct: Tvb<'a>, alone: Option<bool>, mode: Mode) -> R<bool> {
        let ty = u8_at(&ct, 0)?;
        let flags = u8_at(&ct, 1)?;
        let length = u16_at(&ct, 2)?;
        let name = chunk_name(ty);
        if mode == Mode::Top {
            self.info(&format!("{name} "));
        }
        let span = ct.all();
        let outer = self.mode;
        self.mode = mode;
        let r = self.subtree(&hf::CHUNK, span, format!("{name} chunk"), |d, label| {
            d.chunk_body(ct, ty, flags, length, alone, label)
        });
        self.mode = outer;
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn chunk_body(
        &mut self,
        ct: Tvb<'a>,
        ty: u8,
        flags: u8,
        length: u16,
        alone: Option<bool>,
        label: &mut String,
    ) -> R<bool> {
        let reported = ct.len();
        // Chunk type with the two action bits (RFC 4960 §3.2).
        self.ctx.tb.open(&hf::CHUNK_TYPE, ct.span(0, 1), Value::UInt(ty as u64));
        self.tfs(
            &hf::CHUNK_BIT_1,
            &ct,
            0,
            1,
            ty as u64,
            ("Skip chunk and continue processing of the packet", "Stop processing of the packet"),
        );
        self.tfs(&hf::CHUNK_BIT_2, &ct, 0, 1, ty as u64, ("Do report", "Do not report"));
        self.ctx.tb.close();
        // Flags, with the bits the type defines.
        self.ctx.tb.open(&hf::CHUNK_FLAGS, ct.span(1, 2), Value::UInt(flags as u64));
        if length >= 4 {
            self.flag_bits(&ct, ty, flags, length);
        }
        self.ctx.tb.close();
        if let Some(msg) = reserved_flags(ty, flags) {
            self.expert(Severity::Warning, Group::Protocol, msg, ct.span(1, 2));
        }
        if let Some(false) = alone {
            if matches!(ChunkType(ty), ChunkType::INIT | ChunkType::INIT_ACK | ChunkType::SHUTDOWN_COMPLETE) {
                self.expert(
                    Severity::Error,
                    Group::Protocol,
                    format!("{name} chunk bundled with other chunks (RFC 4960 §6.10)", name = chunk_name(ty)),
                    ct.span(0, 1),
                );
            }
        }
        if length < 4 {
            self.add_label(
                &hf::CHUNK_LENGTH,
                &ct,
                2,
                2,
                Value::UInt(length as u64),
                format!("Chunk length: {length} (invalid, should be >= 4)"),
            );
            self.expert(
                Severity::Error,
                Group::Malformed,
                format!("Chunk length {length} is less than 4 (RFC 4960 §3.2)"),
                ct.span(2, 4),
            );
            label.push_str(&format!(", bogus chunk length {length} < 4)"));
            return Ok(ty == ChunkType::DATA.0);
        }
        self.ctx.tb.open(&hf::CHUNK_LENGTH, ct.span(2, 4), Value::UInt(length as u64));
        if length as usize > reported && self.mode != Mode::Dropped {
            self.expert(
                Severity::Error,
                Group::Malformed,
                format!("Chunk length ({length}) is longer than remaining data ({reported}) in the packet."),
                ct.span(2, 4),
            );
        }
        self.ctx.tb.close();
        let len = length as usize;
        let result = if self.nest > MAX_NEST {
            self.expert(Severity::Note, Group::Undecoded, "Chunk nested too deeply to be shown", ct.all());
            false
        } else {
            self.nest += 1;
            let pktdrop = ty == ChunkType::PKTDROP.0;
            if pktdrop {
                self.info_frozen = true;
            }
            let r = self.chunk_value(ct, ty, flags, len, label);
            if pktdrop && r.is_ok() {
                self.info_frozen = false;
            }
            self.nest -= 1;
            r?
        };
        // Padding: tshark computes it in 16 bits, so a length past the data throws here.
        let padding = (reported as u16).wrapping_sub(length) as usize;
        if padding > 0 {
            let b = bytes_at(&ct, len, padding)?;
            self.add(&hf::CHUNK_PADDING, &ct, len, padding, Value::Bytes(b.to_vec()));
            if b.iter().any(|&x| x != 0) {
                self.expert(
                    Severity::Warning,
                    Group::Protocol,
                    "Chunk padding is not zero (RFC 4960 §3.2)",
                    ct.span(len, len + padding),
                );
            }
        } else if len % 4 != 0 && self.mode == Mode::Top {
            self.expert(
                Severity::Note,
                Group::Protocol,
                "Chunk not padded to a multiple of 4 bytes at the end of the packet (RFC 4960 §3.2)",
                ct.span(len, len),
            );
        }
        Ok(result)
    }

    /// The flag bits under "Chunk flags", where tshark shows them.
    fn flag_bits(&mut self, ct: &Tvb, ty: u8, flags: u8, length: u16) {
        let f = flags as u64;
        match ChunkType(ty) {
            ChunkType::DATA | ChunkType::I_DATA => {
                let hdr = if ty == ChunkType::DATA.0 { 16 } else { 20 };
                if length as usize >= hdr && ct.len() >= hdr {
                    self.tfs(&hf::DATA_I_BIT, ct, 1, 1, f, ("Send SACK immediately", "Possibly delay SACK"));
                    self.tfs(&hf::DATA_U_BIT, ct, 1, 1, f, ("Unordered delivery", "Ordered delivery"));
                    self.tfs(&hf::DATA_B_BIT, ct, 1, 1, f, ("First segment", "Subsequent segment"));
                    self.tfs(&hf::DATA_E_BIT, ct, 1, 1, f, ("Last segment", "Not the last segment"));
                }
            }
            ChunkType::SACK if ct.len() >= 8 => self.add(&hf::SACK_NOUNCE_SUM, ct, 1, 1, Value::UInt(f & 1)),
            ChunkType::NR_SACK => self.add(&hf::NR_SACK_NOUNCE_SUM, ct, 1, 1, Value::UInt(f & 1)),
            ChunkType::ABORT => self.tfs(&hf::ABORT_T_BIT, ct, 1, 1, f, ("Tag reflected", "Tag not reflected")),
            ChunkType::SHUTDOWN_COMPLETE => {
                self.tfs(&hf::SHUTDOWN_COMPLETE_T_BIT, ct, 1, 1, f, ("Tag reflected", "Tag not reflected"))
            }
            ChunkType::PKTDROP if length >= 16 && ct.len() >= 16 => {
                self.tfs(&hf::PCKDROP_M_BIT, ct, 1, 1, f, ("Source is a middlebox", "Source is an endhost"));
                self.tfs(&hf::PCKDROP_B_BIT, ct, 1, 1, f, ("SCTP checksum was incorrect", "SCTP checksum was correct"));
                self.tfs(&hf::PCKDROP_T_BIT, ct, 1, 1, f, ("Packet is truncated", "Packet is not truncated"));
            }
            _ => {}
        }
    }

    fn bogus(label: &mut String, length: usize, min: usize) -> bool {
        if length < min {
            label.push_str(&format!(", bogus chunk length {length} < {min})"));
            true
        } else {
            false
        }
    }

    /// The chunk value by type (tshark's `dissect_*_chunk`).
    fn chunk_value(&mut self, ct: Tvb<'a>, ty: u8, flags: u8, len: usize, label: &mut String) -> R<bool> {
        let value = |off: usize| sub(&ct, off, len.saturating_sub(off));
        match ChunkType(ty) {
            ChunkType::DATA => return self.data_chunk(ct, flags, len, false, label),
            ChunkType::I_DATA => return self.data_chunk(ct, flags, len, true, label),
            ChunkType::INIT | ChunkType::INIT_ACK => {
                if Self::bogus(label, len, 20) {
                    return Ok(false);
                }
                let init = ty == ChunkType::INIT.0;
                let f = if init {
                    [
                        &hf::INIT_INITIATE_TAG,
                        &hf::INIT_CREDIT,
                        &hf::INIT_NR_OUT_STREAMS,
                        &hf::INIT_NR_IN_STREAMS,
                        &hf::INIT_INITIAL_TSN,
                    ]
                } else {
                    [
                        &hf::INITACK_INITIATE_TAG,
                        &hf::INITACK_CREDIT,
                        &hf::INITACK_NR_OUT_STREAMS,
                        &hf::INITACK_NR_IN_STREAMS,
                        &hf::INITACK_INITIAL_TSN,
                    ]
                };
                let tag = self.uint(f[0], &ct, 4, 4)?;
                self.hidden(&hf::INITIATE_TAG, &ct, 4, 4, Value::UInt(tag));
                self.uint(f[1], &ct, 8, 4)?;
                let out = self.uint(f[2], &ct, 12, 2)?;
                let inb = self.uint(f[3], &ct, 14, 2)?;
                self.uint(f[4], &ct, 16, 4)?;
                label.push_str(&format!(" (Outbound streams: {out}, inbound streams: {inb})"));
                let sec = if init { "§3.3.2" } else { "§3.3.3" };
                if tag == 0 {
                    self.expert(
                        Severity::Error,
                        Group::Protocol,
                        format!("Initiate tag is 0 (RFC 4960 {sec})"),
                        ct.span(4, 8),
                    );
                }
                if out == 0 || inb == 0 {
                    self.expert(
                        Severity::Error,
                        Group::Protocol,
                        format!(
                            "Number of {} streams is 0 (RFC 4960 {sec})",
                            if out == 0 { "outbound" } else { "inbound" }
                        ),
                        ct.span(12, 16),
                    );
                }
                if self.mode == Mode::Top && out > 0 && inb > 0 {
                    let (assoc, sport, dport) = (u32::from(self.assoc_index), self.sport, self.dport);
                    crate::proto::simco::note_init_streams(self.ctx, assoc, sport, dport, out as u16, inb as u16);
                }
                if init && self.vtag != 0 && self.mode == Mode::Top {
                    self.expert(
                        Severity::Error,
                        Group::Protocol,
                        format!(
                            "INIT in a packet whose verification tag is 0x{:08x}, not 0 (RFC 4960 §8.5.1)",
                            self.vtag
                        ),
                        ct.span(0, 1),
                    );
                }
                self.parameters(value(20), None)?;
            }
            ChunkType::SACK => self.sack_chunk(ct, len, label)?,
            ChunkType::NR_SACK => self.nr_sack_chunk(ct, label)?,
            ChunkType::HEARTBEAT | ChunkType::HEARTBEAT_ACK => {
                let n = (len as u16).wrapping_sub(4) as u64;
                label.push_str(&format!(" (Information: {n} byte{})", plural(n)));
                self.parameter(value(4), None, true)?;
            }
            ChunkType::ABORT | ChunkType::ERROR => self.causes(value(4))?,
            ChunkType::SHUTDOWN => {
                let v = self.uint(&hf::SHUTDOWN_CUMULATIVE_TSN_ACK, &ct, 4, 4)?;
                label.push_str(&format!(" (Cumulative TSN ack: {v})"));
            }
            ChunkType::COOKIE_ECHO => {
                let n = len - 4;
                self.bytes(&hf::COOKIE, &ct, 4, n)?;
                label.push_str(&format!(" (Cookie length: {n} byte{})", plural(n as u64)));
            }
            ChunkType::ECNE | ChunkType::CWR => {
                let def = if ty == ChunkType::ECNE.0 { &hf::ECNE_LOWEST_TSN } else { &hf::CWR_LOWEST_TSN };
                let v = self.uint(def, &ct, 4, 4)?;
                label.push_str(&format!(" (Lowest TSN: {v})"));
            }
            ChunkType::FORWARD_TSN => {
                if Self::bogus(label, len, 8) {
                    return Ok(false);
                }
                let v = self.uint(&hf::FORWARD_TSN_TSN, &ct, 4, 4)?;
                let mut off = 8;
                for _ in 0..(len - 8) / 4 {
                    self.uint(&hf::FORWARD_TSN_SID, &ct, off, 2)?;
                    self.uint(&hf::FORWARD_TSN_SSN, &ct, off + 2, 2)?;
                    off += 4;
                }
                label.push_str(&format!("(Cumulative TSN: {v})"));
            }
            ChunkType::I_FORWARD_TSN => {
                if Self::bogus(label, len, 8) {
                    return Ok(false);
                }
                let v = self.uint(&hf::I_FORWARD_TSN_TSN, &ct, 4, 4)?;
                let mut off = 8;
                for _ in 0..(len - 8) / 8 {
                    self.uint(&hf::I_FORWARD_TSN_SID, &ct, off, 2)?;
                    let fl = u16_at(&ct, off + 2)?;
                    self.ctx.tb.open(&hf::I_FORWARD_TSN_FLAGS, ct.span(off + 2, off + 4), Value::UInt(fl as u64));
                    self.add(&hf::I_FORWARD_TSN_RES, &ct, off + 2, 2, Value::UInt(((fl & 0xfffe) >> 1) as u64));
                    self.tfs(
                        &hf::I_FORWARD_TSN_U_BIT,
                        &ct,
                        off + 2,
                        2,
                        fl as u64,
                        ("Unordered messages", "Ordered messages"),
                    );
                    self.ctx.tb.close();
                    self.uint(&hf::FORWARD_TSN_MID, &ct, off + 4, 4)?;
                    off += 8;
                }
                label.push_str(&format!("(Cumulative TSN: {v})"));
            }
            ChunkType::RE_CONFIG => self.parameters(value(4), None)?,
            ChunkType::AUTH => {
                self.uint(&hf::SHARED_KEY_ID, &ct, 4, 2)?;
                self.uint(&hf::HMAC_ID, &ct, 6, 2)?;
                if len < 8 {
                    // tshark's unsigned HMAC length wraps and the read fails.
                    return Err(Thrown);
                }
                if len > 8 {
                    self.bytes(&hf::HMAC, &ct, 8, len - 8)?;
                }
            }
            ChunkType::ASCONF | ChunkType::ASCONF_ACK => {
                let asconf = ty == ChunkType::ASCONF.0;
                if len < 8 {
                    // tshark's ASCONF-ACK message adds the header length to the chunk length.
                    let shown = if asconf { len } else { len + 4 };
                    label.push_str(&format!(", bogus chunk length {shown} < 8)"));
                    return Ok(false);
                }
                let def = if asconf { &hf::ASCONF_SEQ_NR_NUMBER } else { &hf::ASCONF_ACK_SEQ_NR_NUMBER };
                self.uint(def, &ct, 4, 4)?;
                self.parameters(value(8), None)?;
            }
            ChunkType::PKTDROP => {
                if Self::bogus(label, len, 16) {
                    return Ok(false);
                }
                // tshark cuts the data field out of the chunk first: past the data, that throws.
                if ct.len() < 16 {
                    return Err(Thrown);
                }
                self.uint(&hf::PKTDROP_BANDWIDTH, &ct, 4, 4)?;
                self.uint(&hf::PKTDROP_QUEUESIZE, &ct, 8, 4)?;
                self.uint(&hf::PKTDROP_TRUNCATED_LENGTH, &ct, 12, 2)?;
                self.uint(&hf::PKTDROP_RESERVED, &ct, 14, 2)?;
                if len > 16 {
                    if flags & 4 != 0 {
                        // T bit: the packet was truncated, so it is shown as bytes.
                        self.bytes(&hf::PKTDROP_DATAFIELD, &ct, 16, len - 16)?;
                    } else {
                        let first = self.first_chunk;
                        self.dropped_packet(sub(&ct, 16, len - 16), first)?;
                    }
                }
            }
            ChunkType::PAD => {
                let n = len - 4;
                self.bytes(&hf::PADDING_DATA, &ct, 4, n)?;
                label.push_str(&format!(" (Padding data length: {n} byte{})", plural(n as u64)));
            }
            ChunkType::SHUTDOWN_ACK | ChunkType::COOKIE_ACK | ChunkType::SHUTDOWN_COMPLETE => {}
            _ => {
                let n = len - 4;
                if n > 0 {
                    self.bytes(&hf::CHUNK_VALUE, &ct, 4, n)?;
                }
                label.push_str(&format!(" (Type: {ty}, value length: {n} byte{})", plural(n as u64)));
            }
        }
        Ok(false)
    }

    /// DATA (RFC 4960 §3.3.1) and I-DATA (RFC 8260 §2.1).
    fn data_chunk(&mut self, ct: Tvb<'a>, flags: u8, len: usize, idata: bool, label: &mut String) -> R<bool> {
        let mode = self.mode;
        let hdr = if idata { 20 } else { 16 };
        if Self::bogus(label, len, hdr) {
            return Ok(true);
        }
        let ppid = u32_at(&ct, if idata { 16 } else { 12 })?;
        let (e, b, u) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
        let raw = u32_at(&ct, 4)?;
        let ha = if mode == Mode::Top { self.ha } else { None };
        let shown = match ha.and_then(|h| self.ctx.st.sctp.halves.half_mut(h)) {
            Some(h) => {
                if !h.started {
                    h.started = true;
                    h.first_tsn = raw;
                }
                raw.wrapping_sub(h.first_tsn)
            }
            None => raw,
        };
        if mode != Mode::Dropped {
            self.info(&format!("(TSN={shown}) "));
        }
        self.ctx.tb.set_span(ct.span(0, hdr));
        // The TSN, with its analysis under it (tshark's `sctp_tsn` and `tsn_tree`).
        let seen = match ha {
            Some(h) => {
                let frame = self.ctx.frame_number;
                let ts = self.ctx.ts;
                self.ctx.st.sctp.halves.tsn_seen(h, raw, frame, ts)
            }
            None => None,
        };
        if seen.is_some_and(|(_, _, flushed)| flushed) {
            self.expert(
                Severity::Note,
                Group::Debug,
                format!(
                    "SCTP TSN analysis: {} TSNs remembered (the cap); the tables were emptied",
                    super::assoc::MAX_TSNS_TOTAL
                ),
                ct.span(4, 8),
            );
        }
        let seen = seen.map(|(t, r, _)| (t, r));
        let retrans = seen.filter(|(_, r)| *r).map(|(t, _)| t);
        let tsn_def = if ha.is_some() { &hf::DATA_TSN } else { &hf::DATA_TSN_RAW };
        self.ctx.tb.open(tsn_def, ct.span(4, 8), Value::UInt(shown as u64));
        let now = self.ctx.ts;
        let z = ct.span(0, 0);
        if let Some(t) = retrans {
            let mut n = Node::new(&hf::RETRANSMISSION, z, Value::UInt(t.first_frame));
            n.generated = true;
            self.ctx.tb.open_node(n);
            self.expert(Severity::Note, Group::Sequence, "Retransmitted TSN", z);
            let (secs, nanos) = time_sub(now, t.first_ts);
            self.generated(&hf::RETRANSMISSION_TIME, z, Value::Time { secs, nanos }, None);
            if t.ack_frame != 0 && t.ack_frame < self.ctx.frame_number {
                let label = format!(
                    "This TSN was acked (in frame {}) prior to this retransmission (reneged ack?)",
                    t.ack_frame
                );
                let mut n = Node::new(&hf::RETRANSMITTED_AFTER_ACK, z, Value::UInt(t.ack_frame));
                n.generated = true;
                n.label = Some(label);
                self.ctx.tb.open_node(n);
                self.expert(
                    Severity::Warning,
                    Group::Sequence,
                    "This TSN was acked prior to this retransmission (reneged ack?).",
                    z,
                );
                self.ctx.tb.close();
            }
            self.ctx.tb.close();
        }
        if let Some((t, _)) = seen.filter(|(t, _)| t.ack_frame != 0) {
            let mut n = Node::new(&hf::ACKED, z, Value::UInt(t.ack_frame));
            n.generated = true;
            self.ctx.tb.open_node(n);
            let (secs, nanos) = time_sub(t.ack_ts, t.first_ts);
            self.generated(&hf::DATA_RTT, z, Value::Time { secs, nanos }, None);
            self.ctx.tb.close();
        }
        self.ctx.tb.close();
        if ha.is_some() {
            self.add(&hf::DATA_TSN_RAW, &ct, 4, 4, Value::UInt(raw as u64));
        }
        let sid = self.uint(&hf::DATA_SID, &ct, 8, 2)? as u16;
        let (ssn, mid, fsn) = if idata {
            self.uint(&hf::DATA_RESERVED, &ct, 10, 2)?;
            let mid = self.uint(&hf::DATA_MID, &ct, 12, 4)? as u32;
            if b {
                self.uint(&hf::DATA_PAYLOAD_PROTO_ID, &ct, 16, 4)?;
                (0, mid, 0)
            } else {
                let fsn = self.uint(&hf::DATA_FSN, &ct, 16, 4)? as u32;
                (0, mid, fsn)
            }
        } else {
            let ssn = self.uint(&hf::DATA_SSN, &ct, 10, 2)? as u16;
            self.uint(&hf::DATA_PAYLOAD_PROTO_ID, &ct, 12, 4)?;
            (ssn, 0, 0)
        };
        let n = (len - hdr) as u64;
        let seg = match (b, e) {
            (true, true) => "complete",
            (true, false) => "first",
            (false, true) => "last",
            (false, false) => "middle",
        };
        let order = if u { "unordered" } else { "ordered" };
        if idata {
            if b {
                label.push_str(&format!(
                    " ({order}, {seg} segment, TSN: {shown}, SID: {sid}, MID: {mid}, payload length: {n} byte{})",
                    plural(n)
                ));
            } else {
                label.push_str(&format!(
                    " ({order}, {seg} segment, TSN: {shown}, SID: {sid}, MID: {mid}, FSN: {fsn}, payload length: {n} byte{})",
                    plural(n)
                ));
            }
        } else {
            label.push_str(&format!(
                " ({order}, {seg} segment, TSN: {shown}, SID: {sid}, SSN: {ssn}, PPID: {ppid}, payload length: {n} byte{})",
                plural(n)
            ));
        }
        if n == 0 {
            self.expert(
                Severity::Warning,
                Group::Protocol,
                "DATA chunk with no user data (RFC 4960 §6.2: the receiver aborts with \"No User Data\")",
                ct.span(2, 4),
            );
        }
        let payload = sub(&ct, hdr, len - hdr);
        if !(b && e) {
            self.fragmented = true;
        }
        // tshark hands a quoted or dropped chunk's payload to the data dissector inside the
        // chunk's tree; it is not handed up here. A dropped packet's fragments are not reassembled.
        if mode == Mode::Dropped || (mode == Mode::Quoted && b && e) {
            return Ok(true);
        }
        if retrans.is_some() {
            self.info("(retransmission) ");
            return Ok(false);
        }
        let msg = SctpMessage {
            assoc: self.assoc_index as u32,
            dir: self.assoc_dir,
            src_port: self.sport,
            dst_port: self.dport,
            stream: sid,
            ppid,
            unordered: u,
        };
        if b && e {
            self.pending = Some(Handoff { msg, data: HandoffData::Frame(payload) });
            return Ok(true);
        }
        let hand_up = mode == Mode::Top;
        // A fragment.
        let caps = Caps { max_message: self.ctx.cfg.sctp_max_message, max_directions: self.ctx.cfg.max_flows };
        let key = MsgKey {
            stream: sid,
            seq: if idata {
                mid
            } else if u {
                0
            } else {
                ssn as u32
            },
            unordered: u,
            idata,
        };
        let frag = FragIn {
            dir: (self.sport, self.dport, self.vtag),
            key,
            seq: if idata {
                if b {
                    0
                } else {
                    fsn
                }
            } else {
                raw
            },
            begin: b,
            end: e,
            ppid: if idata && !b { 0 } else { ppid },
            frame: self.ctx.frame_number,
            data: payload.data,
        };
        let (outcome, note) = self.ctx.st.sctp.reasm.add(frag, caps);
        if let Some(n) = note {
            self.expert(Severity::Warning, Group::Reassemble, n, payload.all());
        }
        match outcome {
            Outcome::Pending => self.info("(Message Fragment) "),
            Outcome::Ignored => {}
            Outcome::Duplicate { first_frame } => {
                self.info("(Duplicate Message Fragment) ");
                self.add(&hf::DUPLICATE, &payload, 0, 0, Value::UInt(first_frame));
            }
            Outcome::CapHit(m) => {
                self.info("(Message Fragment) ");
                self.expert(Severity::Warning, Group::Reassemble, m, payload.all());
            }
            Outcome::Complete(m) => {
                self.fragmented = false;
                let id = self.ctx.tb.add_buffer("Reassembled SCTP Message", m.data.clone());
                let total = m.data.len();
                self.ctx.tb.open_label(
                    &hf::FRAGMENTS,
                    payload.all(),
                    Value::None,
                    format!("Reassembled SCTP Fragments ({total} bytes, {} fragments): ", m.span),
                );
                let mut off = 0usize;
                for (frame, flen) in &m.fragments {
                    let end = off + flen;
                    // tshark 4.0 counts the offsets in these labels from the message length
                    // (its counter is not reset after copying); the spans here are the true ones.
                    let (a, z) = (total + off, (total + end).saturating_sub(1));
                    self.ctx.tb.add_label(
                        &hf::FRAGMENT,
                        Span::new(id, off, end),
                        Value::UInt(*frame),
                        format!("Frame: {frame}, payload: {a}-{z} ({flen} bytes)"),
                    );
                    off = end;
                }
                self.ctx.tb.close();
                if hand_up {
                    let msg = SctpMessage { ppid: m.ppid, ..msg };
                    self.pending = Some(Handoff { msg, data: HandoffData::Reassembled(m.data, id) });
                }
            }
        }
        Ok(true)
    }

    /// Acknowledge the peer's TSNs up to `end` (from `start` for a gap block) and show each TSN
    /// this frame is the first to acknowledge (tshark's `sctp_ack_block` and `ack_tree`).
    fn acks(&mut self, ha: Option<HalfId>, start: Option<u32>, end: u32, ct: &Tvb) {
        let Some(h) = ha else { return };
        let (frame, ts) = (self.ctx.frame_number, self.ctx.ts);
        let z = ct.span(0, 0);
        for t in self.ctx.st.sctp.halves.ack_block(h, start, end, frame, ts) {
            let mut n = Node::new(&hf::ACK, z, Value::UInt(t.tsn as u64));
            n.generated = true;
            self.ctx.tb.open_node(n);
            self.generated(&hf::ACK_FRAME, z, Value::UInt(t.first_frame), None);
            let (secs, nanos) = time_sub(t.ack_ts, t.first_ts);
            self.generated(&hf::SACK_RTT, z, Value::Time { secs, nanos }, None);
            self.ctx.tb.close();
        }
    }

    /// SACK, RFC 4960 §3.3.4.
    fn sack_chunk(&mut self, ct: Tvb<'a>, len: usize, label: &mut String) -> R<()> {
        let raw = u32_at(&ct, 4)?;
        let ha = if self.mode == Mode::Top { self.ha } else { None };
        let base = ha.and_then(|h| self.ctx.st.sctp.halves.peer_first_tsn(h));
        let cum = rel(raw, base);
        // The TSNs this SACK acknowledges go under the cumulative TSN ack (tshark passes the
        // relative value on, as it shows it).
        let def = if base.is_some() { &hf::SACK_CUMULATIVE_TSN_ACK } else { &hf::SACK_CUMULATIVE_TSN_ACK_RAW };
        self.ctx.tb.open(def, ct.span(4, 8), Value::UInt(cum as u64));
        if ct.len() >= 16 {
            self.acks(ha, None, cum, &ct);
        }
        self.ctx.tb.close();
        if base.is_some() {
            self.add(&hf::SACK_CUMULATIVE_TSN_ACK_RAW, &ct, 4, 4, Value::UInt(raw as u64));
        }
        let a_rwnd = u32_at(&ct, 8)? as u64;
        self.ctx.tb.open(&hf::SACK_A_RWND, ct.span(8, 12), Value::UInt(a_rwnd));
        if a_rwnd == 0 {
            self.expert(Severity::Note, Group::Sequence, "Zero Advertised Receiver Window Credit", ct.span(8, 12));
        }
        self.ctx.tb.close();
        let ngaps = self.uint(&hf::SACK_NUMBER_OF_GAP_BLOCKS, &ct, 12, 2)? as usize;
        let ndups = self.uint(&hf::SACK_NUMBER_OF_DUPLICATED_TSNS, &ct, 14, 2)? as usize;
        let mut off = 16;
        let mut last_end = 0u16;
        let mut acked = 0u32;
        for _ in 0..ngaps {
            let start = u16_at(&ct, off)?;
            let end = u16_at(&ct, off + 2)?;
            let (s, e) = (cum.wrapping_add(start as u32), cum.wrapping_add(end as u32));
            let gl = format!("Gap Acknowledgement for TSN {s} to {e}");
            self.subtree(&hf::SACK_GAP_BLOCK, ct.span(off, off + 4), gl, |d, _| {
                d.ctx.tb.open(&hf::SACK_GAP_BLOCK_START, ct.span(off, off + 2), Value::UInt(start as u64));
                d.generated(&hf::SACK_GAP_BLOCK_START_TSN, ct.span(off, off + 2), Value::UInt(s as u64), None);
                d.ctx.tb.close();
                d.ctx.tb.open(&hf::SACK_GAP_BLOCK_END, ct.span(off + 2, off + 4), Value::UInt(end as u64));
                let mut n = Node::new(&hf::SACK_GAP_BLOCK_END_TSN, ct.span(off + 2, off + 4), Value::UInt(e as u64));
                n.generated = true;
                d.ctx.tb.open_node(n);
                if start > end {
                    d.expert(Severity::Error, Group::Protocol, "Malformed gap block.", ct.span(off, off + 4));
                }
                if last_end > start {
                    d.expert(
                        Severity::Warning,
                        Group::Protocol,
                        "Gap blocks not in strict order.",
                        ct.span(off, off + 4),
                    );
                }
                d.ctx.tb.close();
                d.ctx.tb.close();
                d.acks(ha, Some(s), e, &ct);
                Ok(())
            })?;
            acked = acked.wrapping_add((end as i32 + 1 - start as i32) as u32);
            last_end = end;
            off += 4;
        }
        if last_end == 0 {
            self.info(&format!("(Ack={cum}, Arwnd={a_rwnd}) "));
        } else {
            self.info(&format!("(Ack={cum}+{last_end}, Arwnd={a_rwnd}) "));
        }
        if acked != 0 {
            let mut n = Node::new(&hf::SACK_NUMBER_OF_TSNS_GAP_ACKED, ct.span(0, 0), Value::UInt(acked as u64));
            n.generated = true;
            self.ctx.tb.open_node(n);
            if acked > 100 {
                self.expert(
                    Severity::Warning,
                    Group::Sequence,
                    "More than 100 TSNs were gap-acknowledged in this SACK.",
                    ct.span(0, 0),
                );
            }
            self.ctx.tb.close();
        }
        for _ in 0..ndups {
            self.uint(&hf::SACK_DUPLICATE_TSN, &ct, off, 4)?;
            off += 4;
        }
        label.push_str(&format!(" (Cumulative TSN: {raw}, a_rwnd: {a_rwnd}, gaps: {ngaps}, duplicate TSNs: {ndups})"));
        if len != 16 + 4 * (ngaps + ndups) {
            self.expert(
                Severity::Warning,
                Group::Malformed,
                format!("SACK length {len} does not match its {ngaps} gap blocks and {ndups} duplicate TSNs (RFC 4960 §3.3.4)"),
                ct.span(2, 4),
            );
        }
        Ok(())
    }

    /// NR-SACK (draft-natarajan-tsvwg-sctp-nrsack), as tshark shows it.
    fn nr_sack_chunk(&mut self, ct: Tvb<'a>, label: &mut String) -> R<()> {
        let ha = if self.mode == Mode::Top { self.ha } else { None };
        let cum = u32_at(&ct, 4)?;
        self.ctx.tb.open(&hf::NR_SACK_CUMULATIVE_TSN_ACK, ct.span(4, 8), Value::UInt(cum as u64));
        if ct.len() >= 20 {
            self.acks(ha, None, cum, &ct);
        }
        self.ctx.tb.close();
        let a_rwnd = self.uint(&hf::NR_SACK_A_RWND, &ct, 8, 4)?;
        let ngaps = self.uint(&hf::NR_SACK_NUMBER_OF_GAP_BLOCKS, &ct, 12, 2)? as usize;
        let nnr = self.uint(&hf::NR_SACK_NUMBER_OF_NR_GAP_BLOCKS, &ct, 14, 2)? as usize;
        let ndups = self.uint(&hf::NR_SACK_NUMBER_OF_DUPLICATED_TSNS, &ct, 16, 2)? as usize;
        self.uint(&hf::NR_SACK_RESERVED, &ct, 18, 2)?;
        let mut off = 20;
        for (n, nr) in [(ngaps, false), (nnr, true)] {
            let mut last_end = 0u16;
            let mut acked = 0u32;
            for _ in 0..n {
                let start = u16_at(&ct, off)?;
                let end = u16_at(&ct, off + 2)?;
                let (s, e) = (cum.wrapping_add(start as u32), cum.wrapping_add(end as u32));
                let (node, fs, fst, fe, fet, what) = if nr {
                    (
                        &hf::NR_SACK_NR_GAP_BLOCK,
                        &hf::NR_SACK_NR_GAP_BLOCK_START,
                        &hf::NR_SACK_NR_GAP_BLOCK_START_TSN,
                        &hf::NR_SACK_NR_GAP_BLOCK_END,
                        &hf::NR_SACK_NR_GAP_BLOCK_END_TSN,
                        "NR-Gap",
                    )
                } else {
                    (
                        &hf::NR_SACK_GAP_BLOCK,
                        &hf::NR_SACK_GAP_BLOCK_START,
                        &hf::NR_SACK_GAP_BLOCK_START_TSN,
                        &hf::NR_SACK_GAP_BLOCK_END,
                        &hf::NR_SACK_GAP_BLOCK_END_TSN,
                        "Gap",
                    )
                };
                let gl = format!("{what} Acknowledgement for TSN {s} to {e}");
                self.subtree(node, ct.span(off, off + 4), gl, |d, _| {
                    d.ctx.tb.open(fs, ct.span(off, off + 2), Value::UInt(start as u64));
                    d.generated(fst, ct.span(off, off + 2), Value::UInt(s as u64), None);
                    d.ctx.tb.close();
                    d.ctx.tb.open(fe, ct.span(off + 2, off + 4), Value::UInt(end as u64));
                    let mut n = Node::new(fet, ct.span(off + 2, off + 4), Value::UInt(e as u64));
                    n.generated = true;
                    d.ctx.tb.open_node(n);
                    if start > end {
                        d.expert(Severity::Error, Group::Protocol, "Malformed gap block.", ct.span(off, off + 4));
                    }
                    if last_end > start {
                        d.expert(
                            Severity::Warning,
                            Group::Protocol,
                            "Gap blocks not in strict order.",
                            ct.span(off, off + 4),
                        );
                    }
                    d.ctx.tb.close();
                    d.ctx.tb.close();
                    if !nr {
                        d.acks(ha, Some(s), e, &ct);
                    }
                    Ok(())
                })?;
                acked = acked.wrapping_add((end as i32 - start as i32 + 1) as u32);
                last_end = end;
                off += 4;
            }
            if acked != 0 {
                let def =
                    if nr { &hf::NR_SACK_NUMBER_OF_TSNS_NR_GAP_ACKED } else { &hf::NR_SACK_NUMBER_OF_TSNS_GAP_ACKED };
                let mut node = Node::new(def, ct.span(0, 0), Value::UInt(acked as u64));
                node.generated = true;
                self.ctx.tb.open_node(node);
                if acked > 100 {
                    let m = if nr {
                        "More than 100 TSNs were nr-gap-acknowledged in this NR-SACK."
                    } else {
                        "More than 100 TSNs were gap-acknowledged in this NR-SACK."
                    };
                    self.expert(Severity::Warning, Group::Sequence, m, ct.span(0, 0));
                }
                self.ctx.tb.close();
            }
        }
        for _ in 0..ndups {
            self.uint(&hf::NR_SACK_DUPLICATE_TSN, &ct, off, 4)?;
            off += 4;
        }
        label.push_str(&format!(
            " (Cumulative TSN: {cum}, a_rwnd: {a_rwnd}, gaps: {ngaps}, nr-gaps: {nnr}, duplicate TSNs: {ndups})"
        ));
        Ok(())
    }

    // ----- parameters -----

    /// A list of parameters filling `t` (tshark's `dissect_parameters`). `additional` collects
    /// the addresses for an enclosing label (space-separated).
    fn parameters(&mut self, t: Tvb<'a>, mut additional: Option<&mut String>) -> R<()> {
        let mut offset = 0usize;
        while offset < t.len() {
            if offset > 0 {
                if let Some(a) = additional.as_deref_mut() {
                    a.push(' ');
                }
            }
            let length = u16_at(&t, offset + 2)? as usize;
            let total = ((length + 3) & !3).min(t.len() - offset);
            if total == 0 {
                // A zero length: tshark reads the type of an empty parameter and stops.
                return Err(Thrown);
            }
            let pt = sub(&t, offset, total);
            offset += total;
            let last = offset >= t.len();
            self.parameter(pt, additional.as_deref_mut(), last)?;
        }
        Ok(())
    }

    /// One parameter (tshark's `dissect_parameter`); `pt` includes its padding.
    fn parameter(&mut self, pt: Tvb<'a>, additional: Option<&mut String>, last: bool) -> R<()> {
        let ty = u16_at(&pt, 0)?;
        let length = u16_at(&pt, 2)?;
        let reported = pt.len();
        let name = vals(hf::PARAM_TYPE_VALS, ty as u64).unwrap_or("Unknown");
        self.subtree(&hf::PARAMETER, pt.all(), format!("{name} parameter"), |d, label| {
            let padding = (reported as u16).wrapping_sub(length) as usize;
            if last {
                if padding > 0 {
                    d.expert(
                        Severity::Note,
                        Group::Malformed,
                        "The padding of this final parameter should be the padding of the chunk.",
                        pt.all(),
                    );
                }
            } else if reported % 4 != 0 {
                d.expert(
                    Severity::Error,
                    Group::Malformed,
                    format!("Parameter length is not padded to a multiple of 4 bytes (length={reported})"),
                    pt.all(),
                );
            }
            d.ctx.tb.open(&hf::PARAMETER_TYPE, pt.span(0, 2), Value::UInt(ty as u64));
            d.tfs(
                &hf::PARAMETER_BIT_1,
                &pt,
                0,
                2,
                ty as u64,
                ("Skip parameter and continue processing of the chunk", "Stop processing of chunk"),
            );
            d.tfs(&hf::PARAMETER_BIT_2, &pt, 0, 2, ty as u64, ("Do report", "Do not report"));
            d.ctx.tb.close();
            d.add(&hf::PARAMETER_LENGTH, &pt, 2, 2, Value::UInt(length as u64));
            if d.nest > MAX_NEST {
                d.expert(Severity::Note, Group::Undecoded, "Parameter nested too deeply to be shown", pt.all());
            } else {
                d.nest += 1;
                let r = d.parameter_value(pt, ty, length, additional, label);
                d.nest -= 1;
                r?;
            }
            if padding > 0 {
                let l = length as usize;
                let b = bytes_at(&pt, l, padding)?;
                d.add(&hf::PARAMETER_PADDING, &pt, l, padding, Value::Bytes(b.to_vec()));
            }
            Ok(())
        })
    }

    fn parameter_value(
        &mut self,
        pt: Tvb<'a>,
        ty: u16,
        length: u16,
        additional: Option<&mut String>,
        label: &mut String,
    ) -> R<()> {
        // tshark computes value lengths in 16 bits.
        let vlen = length.wrapping_sub(4) as usize;
        // Counts computed as C ints and stored in 16 bits.
        let count = |div: i32| (((length as i32) - 4) / div) as u16 as usize;
        match ParamType(ty) {
            ParamType::HEARTBEAT_INFO => {
                if vlen > 0 {
                    self.bytes(&hf::PARAMETER_HEARTBEAT_INFORMATION, &pt, 4, vlen)?;
                }
                label.push_str(&format!(" (Information: {vlen} byte{})", plural(vlen as u64)));
            }
            ParamType::IPV4_ADDRESS => {
                let b = bytes_at(&pt, 4, 4)?;
                let a = std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]);
                self.add(&hf::PARAMETER_IPV4_ADDRESS, &pt, 4, 4, Value::Ipv4(a.octets()));
                label.push_str(&format!(" (Address: {a})"));
                if let Some(x) = additional {
                    x.push_str(&a.to_string());
                }
            }
            ParamType::IPV6_ADDRESS => {
                let b = bytes_at(&pt, 4, 16)?;
                let mut o = [0u8; 16];
                o.copy_from_slice(b);
                let a = std::net::Ipv6Addr::from(o);
                self.add(&hf::PARAMETER_IPV6_ADDRESS, &pt, 4, 16, Value::Ipv6(o));
                label.push_str(&format!(" (Address: {a})"));
                if let Some(x) = additional {
                    x.push_str(&a.to_string());
                }
            }
            ParamType::STATE_COOKIE => {
                if vlen > 0 {
                    self.bytes(&hf::PARAMETER_STATE_COOKIE, &pt, 4, vlen)?;
                }
                label.push_str(&format!(" (Cookie length: {vlen} byte{})", plural(vlen as u64)));
            }
            ParamType::UNRECOGNIZED_PARAMETER => {
                let inner = pt.from(4);
                self.parameter(inner, None, false)?;
            }
            ParamType::COOKIE_PRESERVATIVE => {
                let v = self.uint(&hf::PARAMETER_COOKIE_PRESERVATIVE_INCR, &pt, 4, 4)?;
                label.push_str(&format!(" (Increment :{v} msec)"));
            }
            ParamType::HOST_NAME_ADDRESS => {
                let b = bytes_at(&pt, 4, vlen)?;
                // FT_STRINGZ, ASCII: up to the first NUL, each byte past 0x7f a replacement char.
                let s: String = b
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| if c < 0x80 { c as char } else { char::REPLACEMENT_CHARACTER })
                    .collect();
                self.add(&hf::PARAMETER_HOSTNAME, &pt, 4, vlen, Value::Str(s));
                let text: String = format_text(b).chars().take(vlen).collect();
                label.push_str(&format!(" (Hostname: {text})"));
            }
            ParamType::SUPPORTED_ADDRESS_TYPES => {
                let n = count(2);
                label.push_str(" (Supported types: ");
                for i in 0..n {
                    let off = 4 + 2 * i;
                    let v = self.uint(&hf::PARAMETER_SUPPORTED_ADDRESS_TYPE, &pt, off, 2)?;
                    match v {
                        5 => label.push_str("IPv4"),
                        6 => label.push_str("IPv6"),
                        11 => label.push_str("hostname"),
                        v => label.push_str(&v.to_string()),
                    }
                    if i + 1 < n {
                        label.push_str(", ");
                    }
                }
                label.push(')');
            }
            ParamType::OUTGOING_SSN_RESET_REQUEST => {
                self.uint(&hf::PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER, &pt, 4, 4)?;
                self.uint(&hf::PARAMETER_RECONFIG_RESPONSE_SEQUENCE_NUMBER, &pt, 8, 4)?;
                self.uint(&hf::PARAMETER_SENDERS_LAST_ASSIGNED_TSN, &pt, 12, 4)?;
                if length > 16 {
                    for i in 0..(length as usize - 16) / 2 {
                        self.uint(&hf::PARAMETER_RECONFIG_SID, &pt, 16 + 2 * i, 2)?;
                    }
                }
            }
            ParamType::INCOMING_SSN_RESET_REQUEST => {
                self.uint(&hf::PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER, &pt, 4, 4)?;
                if length > 8 {
                    for i in 0..(length as usize - 8) / 2 {
                        self.uint(&hf::PARAMETER_RECONFIG_SID, &pt, 8 + 2 * i, 2)?;
                    }
                }
            }
            ParamType::SSN_TSN_RESET_REQUEST => {
                self.uint(&hf::PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER, &pt, 4, 4)?;
            }
            ParamType::RECONFIG_RESPONSE => {
                self.uint(&hf::PARAMETER_RECONFIG_RESPONSE_SEQUENCE_NUMBER, &pt, 4, 4)?;
                self.uint(&hf::PARAMETER_RECONFIG_RESPONSE_RESULT, &pt, 8, 4)?;
                if length >= 16 {
                    self.uint(&hf::PARAMETER_SENDERS_NEXT_TSN, &pt, 12, 4)?;
                }
                if length >= 20 {
                    self.uint(&hf::PARAMETER_RECEIVERS_NEXT_TSN, &pt, 16, 4)?;
                }
            }
            ParamType::ADD_OUTGOING_STREAMS_REQUEST => {
                self.uint(&hf::PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER, &pt, 4, 4)?;
                self.uint(&hf::PARAMETER_ADD_OUTGOING_STREAMS_NUMBER, &pt, 8, 2)?;
                self.uint(&hf::PARAMETER_ADD_OUTGOING_STREAMS_RESERVED, &pt, 10, 2)?;
            }
            ParamType::ADD_INCOMING_STREAMS_REQUEST => {
                self.uint(&hf::PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER, &pt, 4, 4)?;
                self.uint(&hf::PARAMETER_ADD_INCOMING_STREAMS_NUMBER, &pt, 8, 2)?;
                self.uint(&hf::PARAMETER_ADD_INCOMING_STREAMS_RESERVED, &pt, 10, 2)?;
            }
            ParamType::ECN_CAPABLE | ParamType::FORWARD_TSN_SUPPORTED => {}
            ParamType::RANDOM => {
                if (length as i32 - 4) > 0 {
                    self.bytes(&hf::RANDOM_NUMBER, &pt, 4, length as usize - 4)?;
                }
            }
            ParamType::CHUNK_LIST | ParamType::SUPPORTED_EXTENSIONS => {
                let (def, head) = if ty == ParamType::CHUNK_LIST.0 {
                    (&hf::CHUNK_TYPE_TO_AUTH, " (Chunk types to be authenticated: ")
                } else {
                    (&hf::SUPPORTED_CHUNK_TYPE, " (Supported types: ")
                };
                // The chunk list counts in 16 bits; both read one byte per type.
                let n = if ty == ParamType::CHUNK_LIST.0 { vlen } else { count(1) };
                label.push_str(head);
                for i in 0..n {
                    let v = self.uint(def, &pt, 4 + i, 1)?;
                    label.push_str(vals(hf::CHUNK_TYPE_VALS, v).unwrap_or("Unknown"));
                    if i + 1 < n {
                        label.push_str(", ");
                    }
                }
                label.push(')');
            }
            ParamType::HMAC_ALGO => {
                let n = count(2);
                label.push_str(" (Supported HMACs: ");
                for i in 0..n {
                    let v = self.uint(&hf::HMAC_ID, &pt, 4 + 2 * i, 2)?;
                    label.push_str(vals(hf::HMAC_ID_VALS, v).unwrap_or("Unknown"));
                    if i + 1 < n {
                        label.push_str(", ");
                    }
                }
                label.push(')');
            }
            ParamType::ADD_IP_ADDRESS | ParamType::DELETE_IP_ADDRESS | ParamType::SET_PRIMARY_ADDRESS => {
                let alen = length.wrapping_sub(8) as usize;
                let corr = self.uint(&hf::CORRELATION_ID, &pt, 4, 4)?;
                label.push_str(" (Address: ");
                let at = sub(&pt, 8, alen);
                let mut addr = String::new();
                let r = self.parameter(at, Some(&mut addr), false);
                label.push_str(&addr);
                r?;
                label.push_str(&format!(", correlation ID: {corr})"));
            }
            ParamType::ERROR_CAUSE_INDICATION => {
                self.uint(&hf::CORRELATION_ID, &pt, 4, 4)?;
                let clen = length.wrapping_sub(8) as usize;
                self.causes(sub(&pt, 8, clen))?;
            }
            ParamType::SUCCESS_INDICATION => {
                let v = self.uint(&hf::CORRELATION_ID, &pt, 4, 4)?;
                label.push_str(&format!(" (Correlation ID: {v})"));
            }
            ParamType::ADAPTATION_LAYER_INDICATION => {
                let v = self.uint(&hf::ADAPTATION_LAYER_INDICATION, &pt, 4, 4)?;
                label.push_str(&format!(" (Indication: {v})"));
            }
            _ => {
                if vlen > 0 {
                    self.bytes(&hf::PARAMETER_VALUE, &pt, 4, vlen)?;
                }
                label.push_str(&format!(" (Type {ty}, value length: {vlen} byte{})", plural(vlen as u64)));
            }
        }
        Ok(())
    }

    // ----- error causes -----

    /// A list of causes filling `t` (tshark's `dissect_error_causes`).
    fn causes(&mut self, t: Tvb<'a>) -> R<()> {
        let mut offset = 0usize;
        while offset < t.len() {
            let length = u16_at(&t, offset + 2)? as usize;
            let total = ((length + 3) & !3).min(t.len() - offset);
            if total == 0 {
                return Err(Thrown);
            }
            self.cause(sub(&t, offset, total))?;
            offset += total;
        }
        Ok(())
    }

    fn cause(&mut self, c: Tvb<'a>) -> R<()> {
        let code = u16_at(&c, 0)?;
        let length = u16_at(&c, 2)?;
        let reported = c.len();
        let name = vals(hf::CAUSE_CODE_VALS, code as u64).unwrap_or("Unknown");
        self.subtree(&hf::CAUSE, c.all(), format!("{name} cause"), |d, label| {
            let padding = (reported as u16).wrapping_sub(length) as usize;
            d.add(&hf::CAUSE_CODE, &c, 0, 2, Value::UInt(code as u64));
            d.add(&hf::CAUSE_LENGTH, &c, 2, 2, Value::UInt(length as u64));
            if d.nest > MAX_NEST {
                d.expert(Severity::Note, Group::Undecoded, "Error cause nested too deeply to be shown", c.all());
            } else {
                d.nest += 1;
                let r = d.cause_value(c, code, length, label);
                d.nest -= 1;
                r?;
            }
            if padding > 0 {
                let l = length as usize;
                let b = bytes_at(&c, l, padding)?;
                d.add(&hf::CAUSE_PADDING, &c, l, padding, Value::Bytes(b.to_vec()));
            }
            Ok(())
        })
    }

    fn cause_value(&mut self, c: Tvb<'a>, code: u16, length: u16, label: &mut String) -> R<()> {
        let vlen = length.wrapping_sub(4) as usize;
        let info = sub(&c, 4, vlen);
        match code {
            1 => {
                let sid = self.uint(&hf::CAUSE_STREAM_IDENTIFIER, &c, 4, 2)?;
                self.uint(&hf::CAUSE_RESERVED, &c, 6, 2)?;
                label.push_str(&format!(" (SID: {sid})"));
            }
            2 => {
                let n = self.uint(&hf::CAUSE_NR_OF_MISSING_PARAMETERS, &c, 4, 4)?;
                // Bounded by the data: the first read past it stops the loop.
                for i in 0..n as usize {
                    self.uint(&hf::CAUSE_MISSING_PARAMETER_TYPE, &c, 8 + 2 * i, 2)?;
                }
            }
            3 => {
                let v = self.uint(&hf::CAUSE_MEASURE_OF_STALENESS, &c, 4, 4)?;
                label.push_str(&format!(" (Measure: {v} usec)"));
            }
            5 => {
                self.parameter(info, None, true)?;
            }
            6 => {
                let mode = if self.mode == Mode::Dropped { Mode::Dropped } else { Mode::Quoted };
                self.chunk(info, None, mode)?;
                let t = u8_at(&info, 0)?;
                let n = vals(hf::CHUNK_TYPE_VALS, t as u64).unwrap_or("unknown");
                label.push_str(&format!(" (Type: {t} ({n}))"));
            }
            8 => self.parameters(info, None)?,
            9 => {
                let v = self.uint(&hf::CAUSE_TSN, &c, 4, 4)?;
                label.push_str(&format!(" (TSN: {v})"));
            }
            11 => {
                label.push_str(" (New addresses: ");
                let mut addrs = String::new();
                let r = self.parameters(info, Some(&mut addrs));
                label.push_str(&addrs);
                r?;
                label.push(')');
            }
            12 | 13 => {
                if vlen > 0 {
                    self.bytes(&hf::CAUSE_INFORMATION, &c, 4, vlen)?;
                }
            }
            0xa0 | 0xa2 => {
                label.push_str(if code == 0xa0 { " (Last address: " } else { " (Deleted address: " });
                let mut addr = String::new();
                let r = self.parameter(info, Some(&mut addr), false);
                label.push_str(&addr);
                r?;
                label.push(')');
            }
            0xa1 | 0xa4 => self.parameter(info, None, false)?,
            0x105 => {
                self.uint(&hf::HMAC_ID, &c, 4, 2)?;
            }
            4 | 7 | 10 => {}
            _ => {
                if vlen > 0 {
                    self.bytes(&hf::CAUSE_INFORMATION, &c, 4, vlen)?;
                }
                label.push_str(&format!(" (Code: {code}, information length: {vlen} byte{})", plural(vlen as u64)));
            }
        }
        Ok(())
    }
}

/// Flags a chunk type leaves reserved that are set, as an expert message.
fn reserved_flags(ty: u8, flags: u8) -> Option<String> {
    let (mask, sec) = match ChunkType(ty) {
        ChunkType::DATA => (0xf0, "RFC 4960 §3.3.1, RFC 7053 §3"),
        ChunkType::I_DATA => (0xf0, "RFC 8260 §2.1"),
        ChunkType::ABORT => (0xfe, "RFC 4960 §3.3.7"),
        ChunkType::SHUTDOWN_COMPLETE => (0xfe, "RFC 4960 §3.3.13"),
        ChunkType::INIT
        | ChunkType::INIT_ACK
        | ChunkType::SACK
        | ChunkType::HEARTBEAT
        | ChunkType::HEARTBEAT_ACK
        | ChunkType::SHUTDOWN
        | ChunkType::SHUTDOWN_ACK
        | ChunkType::ERROR
        | ChunkType::COOKIE_ECHO
        | ChunkType::COOKIE_ACK => (0xff, "RFC 4960 §3.3"),
        ChunkType::AUTH => (0xff, "RFC 4895 §4.1"),
        ChunkType::ASCONF | ChunkType::ASCONF_ACK => (0xff, "RFC 5061 §4.1"),
        ChunkType::RE_CONFIG => (0xff, "RFC 6525 §3.1"),
        ChunkType::FORWARD_TSN => (0xff, "RFC 3758 §3.2"),
        ChunkType::I_FORWARD_TSN => (0xff, "RFC 8260 §2.3.1"),
        ChunkType::PAD => (0xff, "RFC 4820 §3"),
        _ => return None,
    };
    (flags & mask != 0).then(|| format!("Reserved chunk flags set: 0x{:02x} ({sec})", flags & mask))
}

/// tshark's `format_text`: printable ASCII as is, the usual escapes, octal for the rest.
fn format_text(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(c as char),
            0x07 => s.push_str("\\a"),
            0x08 => s.push_str("\\b"),
            0x0c => s.push_str("\\f"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x0b => s.push_str("\\v"),
            c => s.push_str(&format!("\\{c:03o}")),
        }
    }
    s
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = an - bn;
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

/// Dissect an SCTP packet into `ctx.tb`: the common header, the checksum, the chunks, the
/// association index, and the user messages handed up through [`crate::engine::app_sctp`].
pub fn dissect(ctx: &mut Ctx, tvb: Tvb) {
    if ctx.depth >= MAX_DEPTH {
        ctx.tb.expert(Severity::Warning, Group::Malformed, "SCTP encapsulated too deeply; not dissected", tvb.all());
        return;
    }
    let malformed_msg = "Malformed Packet (Exception occurred)";
    if tvb.len() < 4 {
        // tshark reads the ports before anything else.
        ctx.tb.push_protocol_name("sctp");
        ctx.tb.summary.info.push_str("[Malformed Packet]");
        ctx.tb.malformed(malformed_msg, tvb.all());
        return;
    }
    ctx.tb.set_protocol_column("SCTP");
    ctx.tb.set_info("");
    if tvb.len() < 12 {
        ctx.tb.push_protocol_name("sctp");
        ctx.tb.summary.info.push_str("[Malformed Packet]");
        ctx.tb.malformed(malformed_msg, tvb.all());
        return;
    }
    let sport = u16::from_be_bytes([tvb.data[0], tvb.data[1]]);
    let dport = u16::from_be_bytes([tvb.data[2], tvb.data[3]]);
    let vtag = u32::from_be_bytes([tvb.data[4], tvb.data[5], tvb.data[6], tvb.data[7]]);
    let checksum = u32::from_be_bytes([tvb.data[8], tvb.data[9], tvb.data[10], tvb.data[11]]);
    ctx.addrs.src_port = sport;
    ctx.addrs.dst_port = dport;
    let (src, dst) = (ctx.addrs.src, ctx.addrs.dst);
    let cap = ctx.cfg.max_flows;
    let (ha, restarted) = ctx.st.sctp.halves.get(sport, dport, vtag, src, dst, cap);

    let top = ctx.tb.top_len();
    ctx.tb.open_proto(
        &hf::SCTP,
        tvb.all(),
        Some(format!("Stream Control Transmission Protocol, Src Port: {sport} ({sport}), Dst Port: {dport} ({dport})")),
    );
    let assoc_index = ctx.st.sctp.last_assoc_index;
    let mut d = D {
        ctx,
        sport,
        dport,
        vtag,
        ha,
        assoc_index,
        assoc_dir: 0,
        pending: None,
        nest: 0,
        fragmented: false,
        mode: Mode::Top,
        first_chunk: None,
        info_frozen: false,
    };
    d.add(&hf::SRCPORT, &tvb, 0, 2, Value::UInt(sport as u64));
    d.add(&hf::DSTPORT, &tvb, 2, 2, Value::UInt(dport as u64));
    d.add(&hf::VERIFICATION_TAG, &tvb, 4, 4, Value::UInt(vtag as u64));
    d.hidden(&hf::PORT, &tvb, 0, 2, Value::UInt(sport as u64));
    d.hidden(&hf::PORT, &tvb, 2, 2, Value::UInt(dport as u64));
    if restarted {
        d.expert(
            Severity::Note,
            Group::Debug,
            format!("SCTP half-association table full ({cap}): TSN analysis restarted"),
            tvb.span(4, 8),
        );
    }
    d.checksum(&tvb, checksum);
    let r = d.chunks(tvb, Mode::Top, None);
    let D { ctx, fragmented, info_frozen, .. } = d;
    match r {
        Ok(()) => {
            let mut n = Node::new(&hf::ASSOC_INDEX, tvb.span(0, 0), Value::UInt(ctx.st.sctp.last_assoc_index as u64));
            n.generated = true;
            ctx.tb.insert_top_child(top, 3, n);
        }
        Err(Thrown) if fragmented => {
            // tshark does not call a packet malformed when it stops inside a fragment.
            if !info_frozen {
                ctx.tb.summary.info.push_str("[BoundErrorUnreassembled Packet]");
            }
            ctx.tb.reopen_proto(
                &crate::tree::hf::UNREASSEMBLED,
                tvb.span(0, 0),
                Some("[BoundError Unreassembled Packet: SCTP]".into()),
            );
            ctx.tb.expert(
                Severity::Note,
                Group::Reassemble,
                "Unreassembled fragment (change preferences to enable reassembly)",
                tvb.span(0, 0),
            );
            ctx.tb.close_to(0);
        }
        Err(Thrown) => {
            if !info_frozen {
                ctx.tb.summary.info.push_str("[Malformed Packet]");
            }
            ctx.tb.malformed(malformed_msg, tvb.all());
        }
    }
}

impl D<'_, '_, '_> {
    /// The checksum field, verified as tshark's "Automatic" setting does: CRC32c or Adler-32,
    /// whichever matches (both shown when neither or both do).
    fn checksum(&mut self, tvb: &Tvb, value: u32) {
        let span = tvb.span(8, 12);
        if !self.ctx.cfg.check_checksums {
            self.add_label(
                &hf::CHECKSUM,
                tvb,
                8,
                4,
                Value::UInt(value as u64),
                format!("Checksum: 0x{value:08x} [unverified]"),
            );
            self.generated(&hf::CHECKSUM_STATUS, span, Value::UInt(2), Some("Checksum Status: Unverified".into()));
            return;
        }
        let crc = super::crc::crc32c_field(tvb.data);
        let adler = super::crc::adler32_field(tvb.data);
        let (crc_ok, adler_ok) = (value == crc, value == adler);
        let one = |d: &mut Self, kind: &str, computed: u32| {
            let ok = value == computed;
            let label = if ok {
                format!("Checksum ({kind}): 0x{value:08x} [correct]")
            } else {
                format!("Checksum ({kind}): 0x{value:08x} incorrect, should be 0x{computed:08x}")
            };
            let mut n = Node::new(&hf::CHECKSUM, span, Value::UInt(value as u64));
            n.label = Some(label);
            d.ctx.tb.open_node(n);
            if !ok {
                d.expert(
                    Severity::Error,
                    Group::Checksum,
                    format!("Bad SCTP checksum. [should be 0x{computed:08x}]"),
                    span,
                );
            }
            d.ctx.tb.close();
            let label = format!("Checksum Status: {}", if ok { "Good" } else { "Bad" });
            d.generated(&hf::CHECKSUM_STATUS, span, Value::UInt(ok as u64), Some(label));
        };
        if adler_ok && !crc_ok {
            one(self, "Adler", adler);
        } else if crc_ok && !adler_ok {
            one(self, "CRC32C", crc);
        } else {
            one(self, "Adler", adler);
            one(self, "CRC32C", crc);
        }
    }
}
