//! Protocols carried on byte streams (TCP, and later decrypted TLS): framing PDUs over segment
//! boundaries, the way tshark desegments.
//!
//! A [`StreamProtocol`] says how long the PDU at the start of some bytes is and dissects one
//! complete PDU. [`StreamFramer`] keeps, per direction of a connection, the bytes of a PDU that
//! is not complete yet (capped), and hands every complete PDU to the protocol: from the frame's
//! own bytes when the PDU lies within one segment, or from a named "Reassembled" buffer in the
//! frame that completes it. After a gap in the stream, or bytes that cannot start a PDU, it
//! resynchronises by asking the protocol to find the next plausible PDU start.

use std::sync::Arc;

use crate::engine::Ctx;
use crate::tree::{Group, Severity, Tvb};

/// What the start of a byte run says about the PDU there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PduLen {
    /// A PDU of this many bytes starts here.
    Len(usize),
    /// The header is incomplete: at least this many bytes are needed to know.
    NeedAtLeast(usize),
    /// These bytes cannot start a PDU of this protocol.
    Invalid,
}

/// Where a PDU sits in its stream.
#[derive(Debug, Clone, Copy)]
pub struct PduInfo {
    /// The connection (tshark's `tcp.stream`).
    pub stream: u32,
    /// 0 for the direction of the first segment seen, 1 for the other.
    pub dir: u8,
    pub src_port: u16,
    pub dst_port: u16,
    /// Offset of the PDU's first byte in its direction's stream.
    pub stream_offset: u64,
}

/// A protocol on a byte stream.
pub trait StreamProtocol {
    /// The length of the PDU at the start of `data` (which may be shorter than a header).
    fn pdu_len(&self, data: &[u8]) -> PduLen;
    /// Dissect one complete PDU (`tvb.len()` is what `pdu_len` said) into `ctx.tb`, opening the
    /// protocol's own layer. Semantic checks and conversation state live here.
    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, info: &PduInfo);
    /// After a gap or invalid bytes: the offset in `data` of the next plausible PDU start.
    fn resync(&self, data: &[u8]) -> Option<usize> {
        (0..data.len()).find(|&i| matches!(self.pdu_len(&data[i..]), PduLen::Len(_) | PduLen::NeedAtLeast(_)))
    }
    /// Name for the reassembled buffer (`"Reassembled CTP"`).
    fn reassembled_name(&self) -> &'static str;
    /// Short protocol name for expert messages.
    fn name(&self) -> &'static str;
}

/// Bytes one direction may hold for an incomplete PDU before they are dropped (and reported).
pub const MAX_PENDING: usize = 1 << 20;

/// Framing state of one direction.
#[derive(Debug, Default, Clone)]
pub struct StreamFramer {
    pending: Vec<u8>,
    /// Stream offset of `pending[0]`.
    pending_offset: u64,
    /// Out of sync (after a gap or invalid bytes): look for a PDU start first.
    lost: bool,
}

impl StreamFramer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes held for an incomplete PDU.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// A gap: what was pending can never complete.
    pub fn gap(&mut self, ctx: &mut Ctx, name: &str) {
        if !self.pending.is_empty() {
            ctx.tb.expert(
                Severity::Warning,
                Group::Reassemble,
                format!("{name}: {} bytes of an incomplete PDU lost in a gap in the stream", self.pending.len()),
                crate::tree::Span::EMPTY,
            );
        }
        self.pending.clear();
        self.lost = true;
    }

    /// New in-order bytes at `info.stream_offset` (the start of `tvb`): dissect every PDU they
    /// complete, keep the tail. Bytes that only add to an incomplete PDU are marked the way
    /// tshark marks them: `[TCP segment of a reassembled PDU]` (`TLS` on a decrypted stream),
    /// the whole info column when the PDU starts here, appended to it when it started before.
    pub fn feed<P: StreamProtocol + ?Sized>(&mut self, ctx: &mut Ctx, proto: &mut P, tvb: Tvb, info: &PduInfo) {
        let (layers, continuing) = (ctx.tb.top_len(), !self.pending.is_empty());
        self.feed_pdus(ctx, proto, tvb, info);
        if ctx.tb.top_len() == layers && !self.pending.is_empty() && !tvb.is_empty() {
            let carrier = if ctx.tb.protocols().last() == Some(&"tls") { "TLS" } else { "TCP" };
            let mark = format!("[{carrier} segment of a reassembled PDU]");
            if continuing && !ctx.tb.summary.info.is_empty() {
                ctx.tb.summary.info.push(' ');
                ctx.tb.summary.info.push_str(&mark);
            } else {
                ctx.tb.set_info(mark);
            }
        }
    }

    fn feed_pdus<P: StreamProtocol + ?Sized>(&mut self, ctx: &mut Ctx, proto: &mut P, tvb: Tvb, info: &PduInfo) {
        let mut local = 0usize; // bytes of tvb consumed
                                // First, finish a pending PDU.
        if !self.pending.is_empty() {
            loop {
                match proto.pdu_len(&self.pending) {
                    PduLen::Len(n) if n > 0 => {
                        if self.pending.len() > n {
                            // The protocol asked for more header than its PDU has: give the
                            // excess back to this segment when it came from it.
                            let excess = self.pending.len() - n;
                            if excess > local {
                                self.pending.clear();
                                self.lost = true;
                                break;
                            }
                            local -= excess;
                            self.pending.truncate(n);
                        }
                        let need = n.saturating_sub(self.pending.len());
                        let take = need.min(tvb.len() - local);
                        self.pending.extend_from_slice(&tvb.data[local..local + take]);
                        local += take;
                        if self.pending.len() < n {
                            return self.check_cap(ctx, proto);
                        }
                        let data: Arc<[u8]> = Arc::from(std::mem::take(&mut self.pending));
                        let buf = ctx.tb.add_buffer(proto.reassembled_name(), data.clone());
                        let pi = PduInfo { stream_offset: self.pending_offset, ..*info };
                        proto.dissect_pdu(ctx, Tvb::new(&data, buf, 0), &pi);
                        break;
                    }
                    PduLen::NeedAtLeast(m) => {
                        let need = m.saturating_sub(self.pending.len()).max(1);
                        let take = need.min(tvb.len() - local);
                        if take == 0 {
                            return self.check_cap(ctx, proto);
                        }
                        self.pending.extend_from_slice(&tvb.data[local..local + take]);
                        local += take;
                    }
                    PduLen::Len(_) | PduLen::Invalid => {
                        ctx.tb.expert(
                            Severity::Warning,
                            Group::Malformed,
                            format!("{}: {} bytes that do not start a PDU", proto.name(), self.pending.len()),
                            crate::tree::Span::EMPTY,
                        );
                        self.pending.clear();
                        self.lost = true;
                        break;
                    }
                }
            }
        }
        // Then the PDUs within this segment.
        while local < tvb.len() {
            let rest = tvb.from(local);
            if self.lost {
                match proto.resync(rest.data) {
                    Some(skip) => {
                        if skip > 0 {
                            crate::engine::data_layer(ctx, rest.sub(0, skip));
                        }
                        local += skip;
                        self.lost = false;
                        continue;
                    }
                    None => {
                        crate::engine::data_layer(ctx, rest);
                        return;
                    }
                }
            }
            match proto.pdu_len(rest.data) {
                PduLen::Len(n) if n > 0 && n <= rest.len() => {
                    let pi = PduInfo { stream_offset: info.stream_offset + local as u64, ..*info };
                    proto.dissect_pdu(ctx, rest.sub(0, n), &pi);
                    local += n;
                }
                PduLen::Len(0) | PduLen::Invalid => {
                    self.lost = true;
                }
                PduLen::Len(_) | PduLen::NeedAtLeast(_) => {
                    self.pending.clear();
                    self.pending.extend_from_slice(rest.data);
                    self.pending_offset = info.stream_offset + local as u64;
                    return self.check_cap(ctx, proto);
                }
            }
        }
    }

    fn check_cap<P: StreamProtocol + ?Sized>(&mut self, ctx: &mut Ctx, proto: &P) {
        if self.pending.len() > MAX_PENDING {
            ctx.tb.expert(
                Severity::Warning,
                Group::Reassemble,
                format!("{}: PDU longer than {} bytes: not reassembled", proto.name(), MAX_PENDING),
                crate::tree::Span::EMPTY,
            );
            self.pending.clear();
            self.lost = true;
        }
    }
}

/// A stream protocol that frames nothing: every run of bytes is one PDU shown as `data`. For a
/// protocol registered by name (so `-d` accepts it) whose own framing is not written yet.
#[derive(Debug, Default)]
pub struct RawData;

impl StreamProtocol for RawData {
    fn pdu_len(&self, data: &[u8]) -> PduLen {
        if data.is_empty() {
            PduLen::NeedAtLeast(1)
        } else {
            PduLen::Len(data.len())
        }
    }
    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, _info: &PduInfo) {
        crate::engine::data_layer(ctx, tvb)
    }
    fn reassembled_name(&self) -> &'static str {
        "Reassembled data"
    }
    fn name(&self) -> &'static str {
        "data"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Addrs, Config, State};
    use crate::tree::{Base, FieldDef, FieldType, TreeBuilder, Value};

    static P: FieldDef = FieldDef::proto("lv", "Length-value test protocol");
    static V: FieldDef = FieldDef::new("lv.value", "Value", FieldType::Bytes, Base::None);

    /// One length byte (1..=200), then that many bytes.
    struct Lv;
    impl StreamProtocol for Lv {
        fn pdu_len(&self, d: &[u8]) -> PduLen {
            match d.first() {
                None => PduLen::NeedAtLeast(1),
                Some(&0) | Some(201..=255) => PduLen::Invalid,
                Some(&n) => PduLen::Len(1 + n as usize),
            }
        }
        fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, _: &PduInfo) {
            ctx.tb.open_proto(&P, tvb.all(), None);
            ctx.tb.add(&V, tvb.span(1, tvb.len()), Value::Bytes(tvb.data[1..].to_vec()));
            ctx.tb.close_to(0);
        }
        fn reassembled_name(&self) -> &'static str {
            "Reassembled LV"
        }
        fn name(&self) -> &'static str {
            "LV"
        }
    }

    fn run(segments: &[&[u8]]) -> Vec<Vec<u8>> {
        let cfg = Config::default();
        let mut st = State::default();
        let mut f = StreamFramer::new();
        let mut out = Vec::new();
        let mut off = 0u64;
        for s in segments {
            let mut ctx = Ctx {
                tb: TreeBuilder::new(),
                cfg: &cfg,
                st: &mut st,
                frame_number: 1,
                ts: (0, 0),
                addrs: Addrs::default(),
                depth: 0,
            };
            let info = PduInfo { stream: 0, dir: 0, src_port: 1, dst_port: 2, stream_offset: off };
            f.feed(&mut ctx, &mut Lv, Tvb::new(s, 0, 0), &info);
            off += s.len() as u64;
            let p = ctx.tb.finish(1, (0, 0), (0, 0), 0, Arc::from(*s));
            for n in p.values("lv.value") {
                if let Value::Bytes(b) = &n.value {
                    out.push(b.clone());
                }
            }
        }
        out
    }

    #[test]
    fn pdus_across_every_split_point() {
        let stream = [3u8, b'a', b'b', b'c', 1, b'x', 2, b'y', b'z'];
        let want = vec![b"abc".to_vec(), b"x".to_vec(), b"yz".to_vec()];
        for i in 0..=stream.len() {
            for j in i..=stream.len() {
                let got = run(&[&stream[..i], &stream[i..j], &stream[j..]]);
                assert_eq!(got, want, "split at {i},{j}");
            }
        }
    }

    #[test]
    fn resynchronises_after_invalid_bytes() {
        let got = run(&[&[0, 0, 2, b'o', b'k']]);
        // 0 is invalid, so skip to the next byte that can start a PDU: 2 "ok".
        assert_eq!(got, vec![b"ok".to_vec()]);
    }
}
