//! GIST across messages: [`dissect_message`] (the entry point for every transport), request and
//! reply pairing (`gist.response_to`, `gist.time`, and `gist.response_in` in a `-2` run), the
//! messaging associations a Response announces (G3), and [`GistStream`], the C-mode byte
//! stream framing of G2.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use super::dissect::{add_message, short_proto, Malformed, Summary, Transport};
use super::hf;
use super::wire::{plausible_header, Header, MaProtocolId, MsgType, HEADER_LEN, MAGIC, VERSION};
use crate::engine::{self, Ctx};
use crate::stream::{PduInfo, PduLen, StreamProtocol};
use crate::tree::{Group, Severity, Span, Tvb, Value};

/// Messages waiting for their reply, kept at most; past this the table is cleared (and said so).
pub const MAX_PENDING: usize = 10_000;
/// GIST-over-TLS announcements kept at most.
pub const MAX_TLS_ANNOUNCED: usize = 10_000;

/// What a reply is matched by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PairKey {
    /// A Query, by Session ID and Query-Cookie; its Response echoes both (§5.2.1).
    Query([u8; 16], Vec<u8>),
    /// A Response with a Responder-Cookie; the Confirm echoes it (§5.2.1).
    Response([u8; 16], Vec<u8>),
    /// An MA-Hello with R=1; the reply carries the same Hello-ID (§5.2.2).
    Hello(u32),
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    frame: u64,
    ts: (i64, u32),
    /// Which `gist` layer of its frame it is.
    layer: u32,
    /// The first reply was noted for `gist.response_in`.
    answered: bool,
}

/// Per-capture GIST state.
#[derive(Debug, Default)]
pub struct GistState {
    pending: HashMap<PairKey, Pending>,
    /// Responder addresses and TCP ports announced for GIST over TLS (G3).
    tls: HashSet<(IpAddr, u16)>,
}

impl GistState {
    /// Whether `addr`:`port` was announced as GIST over TLS (C-mode, G3).
    pub fn tls_announced(&self, addr: IpAddr, port: u16) -> bool {
        self.tls.contains(&(addr, port))
    }
}

/// Whether the TCP connection of this frame was announced for GIST over TLS by a Response's
/// Stack-Configuration-Data (G3): the TLS layer then hands its decrypted stream to GIST.
pub fn announced_over_tls(ctx: &Ctx, info: &PduInfo) -> bool {
    let st = &ctx.st.gist;
    ctx.addrs.dst.is_some_and(|a| st.tls_announced(a, info.dst_port))
        || ctx.addrs.src.is_some_and(|a| st.tls_announced(a, info.src_port))
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = (an - bn).max(0);
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

/// Dissect one GIST message: from its magic number over UDP (D-mode, G1), from its common
/// header over TCP, TLS, SCTP and DTLS (C-mode, G2). Opens the `gist` layer, pairs replies with
/// requests and follows the associations a Response announces (G3).
pub fn dissect_message(ctx: &mut Ctx, tvb: Tvb<'_>, transport: Transport) {
    let hdr = if transport == Transport::Udp { tvb.data.get(4..) } else { Some(tvb.data) };
    let label = match hdr.and_then(|d| Header::parse(d).ok()) {
        Some(h) => format!(
            "General Internet Signalling Transport, {}",
            h.msg_type.name().map_or_else(|| format!("type {}", h.msg_type.0), str::to_string)
        ),
        None => "General Internet Signalling Transport".to_string(),
    };
    ctx.tb.open_proto(&hf::GIST, tvb.all(), Some(label));
    let occurrence = ctx.tb.layer_count("gist").saturating_sub(1);
    ctx.tb.set_protocol_column("GIST");
    let mut mal = Malformed::default();
    let sum = add_message(&mut ctx.tb, tvb, transport, &mut mal);
    match &sum {
        Some(s) => {
            conversation(ctx, s, occurrence, transport);
            if occurrence == 0 {
                ctx.tb.set_info(s.info.clone());
            } else {
                ctx.tb.append_info(&s.info);
            }
        }
        None if occurrence == 0 => ctx.tb.set_info("GIST (malformed)"),
        None => {}
    }
    match mal.first {
        Some((msg, span)) => ctx.tb.malformed(msg, span),
        None => ctx.tb.close_to(0),
    }
}

fn conversation(ctx: &mut Ctx, s: &Summary, layer: u32, transport: Transport) {
    let now = Pending { frame: ctx.frame_number, ts: ctx.ts, layer, answered: false };
    let h = &s.header;
    let mut answer: Option<PairKey> = None;
    let mut ask: Option<PairKey> = None;
    match h.msg_type {
        MsgType::QUERY => {
            if let (Some(sid), Some(qc)) = (s.session_id, &s.query_cookie) {
                ask = Some(PairKey::Query(sid, qc.clone()));
            }
        }
        MsgType::RESPONSE => {
            if let (Some(sid), Some(qc)) = (s.session_id, &s.query_cookie) {
                answer = Some(PairKey::Query(sid, qc.clone()));
            }
            if let (Some(sid), Some(rc), true) = (s.session_id, &s.responder_cookie, h.r) {
                ask = Some(PairKey::Response(sid, rc.clone()));
            }
        }
        MsgType::CONFIRM => {
            if let (Some(sid), Some(rc)) = (s.session_id, &s.responder_cookie) {
                answer = Some(PairKey::Response(sid, rc.clone()));
            }
        }
        MsgType::MA_HELLO => {
            if let Some(id) = s.hello_id {
                if h.r {
                    ask = Some(PairKey::Hello(id));
                } else {
                    answer = Some(PairKey::Hello(id));
                }
            }
        }
        _ => {}
    }
    if let Some(k) = answer {
        if let Some(p) = ctx.st.gist.pending.get_mut(&k) {
            if p.frame != now.frame {
                let p0 = *p;
                p.answered = true;
                let dt = time_sub(now.ts, p0.ts);
                ctx.tb.add_generated(&hf::RESPONSE_TO, Span::EMPTY, Value::UInt(p0.frame));
                ctx.tb.add_generated(&hf::TIME, Span::EMPTY, Value::Time { secs: dt.0, nanos: dt.1 });
                if !p0.answered {
                    engine::note_later(ctx, p0.frame, "gist", p0.layer, &hf::RESPONSE_IN, Value::UInt(now.frame));
                }
            }
        }
    }
    if let Some(k) = ask {
        let st = &mut ctx.st.gist;
        if st.pending.len() >= MAX_PENDING && !st.pending.contains_key(&k) {
            st.pending.clear();
            ctx.tb.expert(
                Severity::Note,
                Group::Sequence,
                format!("GIST: more than {MAX_PENDING} messages awaiting a reply; older ones forgotten"),
                Span::EMPTY,
            );
        }
        // A retransmission keeps the first frame as the one replies point at; a new request
        // with the key of one already answered (a reused cookie) takes its place.
        let e = ctx.st.gist.pending.entry(k).or_insert(now);
        if e.answered {
            *e = now;
        }
    }
    // G3: follow the associations a Response announces.
    if h.msg_type == MsgType::RESPONSE || h.msg_type == MsgType::QUERY {
        let addr = s.interface.or(ctx.addrs.src);
        for (protos, port) in &s.announced {
            let Some(addr) = addr else { continue };
            let has = |m: MaProtocolId| protos.contains(&m);
            let names: Vec<&str> = protos.iter().map(|m| short_proto(*m)).collect();
            let target = if has(MaProtocolId::FORWARDS_SCTP) {
                Some((engine::Transport::Sctp, if has(MaProtocolId::DTLS) { "dtls" } else { "gist" }))
            } else if has(MaProtocolId::FORWARDS_TCP) {
                Some((engine::Transport::Tcp, if has(MaProtocolId::TLS) { "tls" } else { "gist" }))
            } else {
                None
            };
            let Some((tr, proto)) = target else { continue };
            engine::expect(ctx, tr, addr, *port, proto);
            if proto == "tls" {
                let st = &mut ctx.st.gist;
                if st.tls.len() >= MAX_TLS_ANNOUNCED {
                    st.tls.clear();
                }
                st.tls.insert((addr, *port));
            }
            let shown = match addr {
                IpAddr::V6(a) => format!("{} [{a}]:{port}", names.join(" over ")),
                IpAddr::V4(a) => format!("{} {a}:{port}", names.join(" over ")),
            };
            ctx.tb.add_generated(&hf::SCD_ANNOUNCED, Span::EMPTY, Value::Str(shown));
        }
    }
    let _ = transport;
}

/// GIST in C-mode on a byte stream (TCP, or TLS's decrypted stream): framed by the common
/// header's length (G2).
#[derive(Debug, Clone, Copy)]
pub struct GistStream {
    pub transport: Transport,
}

impl StreamProtocol for GistStream {
    fn pdu_len(&self, data: &[u8]) -> PduLen {
        match data.first() {
            None => PduLen::NeedAtLeast(HEADER_LEN),
            Some(&v) if v != VERSION => PduLen::Invalid,
            Some(_) if data.len() < HEADER_LEN => PduLen::NeedAtLeast(HEADER_LEN),
            Some(_) => match Header::parse(data) {
                Ok(h) if plausible_header(data) => PduLen::Len(h.message_len()),
                _ => PduLen::Invalid,
            },
        }
    }
    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, _info: &PduInfo) {
        dissect_message(ctx, tvb, self.transport);
    }
    fn reassembled_name(&self) -> &'static str {
        "Reassembled GIST"
    }
    fn name(&self) -> &'static str {
        "GIST"
    }
}

/// A C-mode TCP connection (for `TCP_PROTOCOLS`).
pub fn new_tcp_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(GistStream { transport: Transport::Tcp })
}

/// The decrypted stream of a TLS connection announced for GIST (G3).
pub fn new_tls_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(GistStream { transport: Transport::Tls })
}

/// The UDP entry: D-mode with the magic number (G1); a datagram without it is not GIST.
pub(crate) fn dissect_udp(ctx: &mut Ctx, _p: &engine::UdpPayload, tvb: Tvb) {
    if tvb.data.get(..4) == Some(&MAGIC.to_be_bytes()[..]) {
        dissect_message(ctx, tvb, Transport::Udp);
    } else {
        engine::data_layer(ctx, tvb);
    }
}

/// The SCTP entry: one message per user message (G2).
pub(crate) fn dissect_sctp(ctx: &mut Ctx, _m: &engine::SctpMessage, tvb: Tvb) {
    dissect_message(ctx, tvb, Transport::Sctp);
}
