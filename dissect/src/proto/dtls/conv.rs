//! One DTLS association: the records of each datagram or SCTP user message, handshake
//! reassembly per direction, the session learnt from the hellos, and decryption with keys from
//! the NSS key log.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use super::hf;
use super::reasm::Reassembler;
use super::wire::{
    parse_handshake_body_dtls, parse_handshake_fragment, parse_record, parse_unified, short_name, tls_equivalent,
    DtlsHandshake, Record, UnifiedRecord, DTLS1_2, DTLS1_3, HANDSHAKE_HEADER_LEN, HELLO_VERIFY_REQUEST, MAX_FRAGMENT,
    RECORD_HEADER_LEN,
};
use crate::engine::Ctx;
use crate::proto::tls::crypto::{suite_crypto, RecordCipher};
use crate::proto::tls::hf as tls_hf;
use crate::proto::tls::{
    keylog, Alert, CipherSuite, ContentType, Extension, Handshake, HandshakeType, KeyExchange, ParseOptions,
    ProtocolVersion,
};
use crate::tree::{Group, Node, Severity, Span, TreeBuilder, Tvb, Value};

/// Associations kept per capture; past this, new ones are dissected without state.
pub const MAX_CONVERSATIONS: usize = 4096;

/// Which transport association a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConvKey {
    /// `udp.stream`.
    Udp(u32),
    /// `sctp.assoc_index`.
    Sctp(u32),
}

/// One end of an association: its address and port (UDP), or its direction (SCTP).
pub type Endpoint = (Option<IpAddr>, u16);

/// Per-capture DTLS state.
#[derive(Debug, Default)]
pub struct DtlsState {
    convs: HashMap<ConvKey, Conv>,
    /// Associations seen after [`MAX_CONVERSATIONS`] was reached.
    pub untracked: u64,
}

#[derive(Debug, Default)]
struct Session {
    client_random: Option<[u8; 32]>,
    server_random: Option<[u8; 32]>,
    suite: Option<CipherSuite>,
    /// The version the server chose (ServerHello), or asked for (HelloVerifyRequest).
    version: Option<ProtocolVersion>,
    offered_etm: bool,
    etm: bool,
}

#[derive(Debug, Default)]
struct Dir {
    reasm: Reassembler,
    /// Read keys of epoch 1.
    cipher: Option<RecordCipher>,
    /// Keys were looked for (and a note given when missing).
    tried: bool,
}

/// One association's state.
#[derive(Debug, Default)]
pub struct Conv {
    client: Option<Endpoint>,
    session: Session,
    /// 0: sent by the client, 1: by the server.
    dirs: [Dir; 2],
    keylog_reported: bool,
}

/// What one record adds to the info column and its label.
#[derive(Default)]
struct Summary {
    info: Vec<String>,
    desc: String,
}

/// Decrypted application data waiting for its parser (after the `dtls` layer).
struct AppData {
    buf: Arc<[u8]>,
    id: crate::tree::BufId,
}

/// How an SCTP user message was carried: its stream and whether it was unordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SctpCarrier {
    pub stream: u16,
    pub unordered: bool,
}

/// Dissect one datagram (UDP) or user message (`sctp`; RFC 6083 §3.2 puts one record in each,
/// §4.4 the handshake on stream 0, ordered) of the association `key`, sent by `from`.
pub fn dissect(ctx: &mut Ctx, key: ConvKey, from: Endpoint, tvb: Tvb<'_>, sctp: Option<SctpCarrier>) {
    let tracked = ctx.st.dtls.convs.contains_key(&key) || ctx.st.dtls.convs.len() < MAX_CONVERSATIONS;
    let mut conv = ctx.st.dtls.convs.remove(&key).unwrap_or_default();
    if !tracked {
        ctx.st.dtls.untracked += 1;
    }
    ctx.tb.open_proto(&hf::DTLS, tvb.all(), None);
    if !tracked {
        ctx.tb.expert(
            Severity::Note,
            Group::Undecoded,
            format!("More than {MAX_CONVERSATIONS} DTLS associations: no state kept for this one"),
            Span::EMPTY,
        );
    }
    let mut infos: Vec<String> = Vec::new();
    let mut apps: Vec<AppData> = Vec::new();
    let mut off = 0usize;
    let mut records = 0usize;
    while off < tvb.len() {
        let rest = tvb.from(off);
        if records == 1 && sctp.is_some() {
            ctx.tb.expert(
                Severity::Warning,
                Group::Protocol,
                "More than one DTLS record in an SCTP user message (RFC 6083 §3.2)",
                rest.all(),
            );
        }
        records += 1;
        let first = rest.data.first().copied().unwrap_or(0);
        if UnifiedRecord::is_unified(first) {
            match parse_unified(rest.data, 0) {
                Ok((u, left)) => {
                    let used = rest.len() - left.len();
                    unified(ctx, &u, rest.sub(0, used), &mut infos);
                    off += used.max(1);
                }
                Err(e) => {
                    ctx.tb.malformed(format!("DTLS 1.3 unified header: {e}"), rest.all());
                    break;
                }
            }
            continue;
        }
        match parse_record(rest.data) {
            Ok((rec, _)) => {
                let used = RECORD_HEADER_LEN + rec.fragment.len();
                let d = conv.dir_of(from, &rec);
                let before = conv.session.version;
                if let Some(c) = sctp.filter(|c| c.stream != 0 || c.unordered) {
                    if rec.content_type == ContentType::HANDSHAKE || rec.content_type == ContentType::CHANGE_CIPHER_SPEC
                    {
                        let how = if c.stream != 0 { format!("on stream {}", c.stream) } else { "unordered".into() };
                        ctx.tb.expert(
                            Severity::Warning,
                            Group::Protocol,
                            format!("DTLS handshake {how} (RFC 6083 §4.4: stream 0, ordered delivery)"),
                            rest.span(0, used),
                        );
                    }
                }
                conv.record(ctx, &rec, rest.sub(0, used), d, &mut infos, &mut apps);
                // DTLS 1.3 chosen: its protected records have unified headers (RFC 9147 §4),
                // which no heuristic can tell from other bytes; expect them on this UDP port.
                if conv.session.version == Some(DTLS1_3) && before != Some(DTLS1_3) && d == 1 {
                    if let (ConvKey::Udp(_), Some(a)) = (key, from.0) {
                        crate::engine::expect(ctx, crate::engine::Transport::Udp, a, from.1, "dtls");
                    }
                }
                off += used;
            }
            Err(e) => {
                ctx.tb.close_to(1);
                ctx.tb.malformed(format!("DTLS record: {e}"), rest.all());
                break;
            }
        }
    }
    ctx.tb.close_to(1);
    let v = conv.session.version.and_then(short_name).unwrap_or("DTLS");
    ctx.tb.set_protocol_column(v);
    if !infos.is_empty() {
        ctx.tb.set_info(infos.join(", "));
    }
    if tracked {
        ctx.st.dtls.convs.insert(key, conv);
    }
    ctx.tb.close_to(0);
    for a in apps {
        let t = Tvb::new(&a.buf, a.id, 0);
        // GIST C-mode over DTLS (RFC 5971 §5.7, SPEC-NOTES G2): one message per record,
        // recognised by its strict header check; other bytes are shown as data, as tshark does
        // when no port rule names their protocol.
        if crate::proto::gist::heuristic_cmode(&a.buf) {
            crate::proto::gist::dissect_message(ctx, t, crate::proto::gist::Transport::Dtls);
        } else {
            crate::engine::data_layer(ctx, t);
        }
    }
}

/// A DTLS 1.3 record: the unified header, its ciphertext shown as such.
fn unified(ctx: &mut Ctx, u: &UnifiedRecord<'_>, tvb: Tvb<'_>, infos: &mut Vec<String>) {
    ctx.tb.open_label(&hf::UNIFIED, tvb.all(), Value::None, "DTLS 1.3 Record Layer: Encrypted Record".into());
    let f = Value::UInt(u.flags as u64);
    let s0 = tvb.span(0, 1);
    let mut n = Node::new(&hf::UNIFIED_FLAGS, s0, f);
    n.children.push(Node::new(&hf::UNIFIED_CID_BIT, s0, Value::Bool(u.flags & UnifiedRecord::CID != 0)));
    n.children.push(Node::new(&hf::UNIFIED_SEQ16, s0, Value::Bool(u.flags & UnifiedRecord::SEQ16 != 0)));
    n.children.push(Node::new(&hf::UNIFIED_LEN_BIT, s0, Value::Bool(u.flags & UnifiedRecord::LENGTH != 0)));
    n.children.push(Node::new(&hf::UNIFIED_EPOCH, s0, Value::UInt(u.epoch_bits() as u64)));
    ctx.tb.add_node(n);
    let mut at = 1;
    if u.flags & UnifiedRecord::CID != 0 {
        ctx.tb.expert(
            Severity::Note,
            Group::Undecoded,
            "Connection ID of unknown length: the record is read as if it had none",
            s0,
        );
    }
    let sl = if u.flags & UnifiedRecord::SEQ16 != 0 { 2 } else { 1 };
    ctx.tb.add(&hf::UNIFIED_SEQ, tvb.span(at, at + sl), Value::UInt(u.seq as u64));
    at += sl;
    if u.flags & UnifiedRecord::LENGTH != 0 {
        ctx.tb.add(&hf::UNIFIED_LENGTH, tvb.span(at, at + 2), Value::UInt(u.encrypted.len() as u64));
        at += 2;
    }
    ctx.tb.add(&hf::ENC_CONTENT, tvb.span(at, tvb.len()), Value::Bytes(u.encrypted.to_vec()));
    ctx.tb.close();
    infos.push("Encrypted Record (DTLS 1.3)".into());
}

impl Conv {
    /// 0 for the client's records, 1 for the server's. Before a ClientHello is seen, the sender
    /// of a ClientHello is the client, and otherwise the side on the higher port.
    fn dir_of(&mut self, from: Endpoint, rec: &Record<'_>) -> usize {
        if self.client.is_none()
            && rec.epoch == 0
            && rec.content_type == ContentType::HANDSHAKE
            && rec.fragment.first() == Some(&HandshakeType::CLIENT_HELLO.0)
        {
            self.client = Some(from);
        }
        match self.client {
            Some(c) => usize::from(c != from),
            None => 1,
        }
    }

    fn opts(&self) -> ParseOptions {
        ParseOptions { version: tls_equivalent(self.session.version.unwrap_or(DTLS1_2)), ..ParseOptions::default() }
    }

    fn record(
        &mut self,
        ctx: &mut Ctx,
        rec: &Record<'_>,
        tvb: Tvb<'_>,
        d: usize,
        infos: &mut Vec<String>,
        apps: &mut Vec<AppData>,
    ) {
        let vname = self.session.version.and_then(short_name).unwrap_or("DTLS");
        ctx.tb.open_label(&hf::RECORD, tvb.all(), Value::None, format!("{vname} Record Layer"));
        let depth = ctx.tb.depth();
        ctx.tb.add(&hf::CONTENT_TYPE, tvb.span(0, 1), Value::UInt(rec.content_type.0 as u64));
        ctx.tb.add(&hf::RECORD_VERSION, tvb.span(1, 3), Value::UInt(rec.version.0 as u64));
        ctx.tb.add(&hf::EPOCH, tvb.span(3, 5), Value::UInt(rec.epoch as u64));
        ctx.tb.add(&hf::SEQUENCE_NUMBER, tvb.span(5, 11), Value::UInt(rec.seq));
        ctx.tb.add(&hf::RECORD_LENGTH, tvb.span(11, 13), Value::UInt(rec.fragment.len() as u64));
        if rec.fragment.len() > MAX_FRAGMENT {
            ctx.tb.expert(
                Severity::Error,
                Group::Malformed,
                format!("record length {} exceeds 2^14 + 2048 (RFC 6347 §4.1)", rec.fragment.len()),
                tvb.span(11, 13),
            );
        }
        let fragment = tvb.from(RECORD_HEADER_LEN);
        let mut sum = Summary::default();
        if rec.epoch == 0 {
            self.plain(ctx, rec, fragment, None, d, &mut sum);
        } else {
            self.protected(ctx, rec, fragment, d, &mut sum, apps);
        }
        ctx.tb.close_to(depth);
        let vname = self.session.version.and_then(short_name).unwrap_or(vname);
        if sum.desc.is_empty() {
            ctx.tb.set_label("Record Layer".into());
        } else {
            ctx.tb.set_label(format!("{vname} Record Layer: {}", sum.desc));
        }
        ctx.tb.close_to(depth - 1);
        infos.extend(sum.info);
    }

    /// Read keys for direction `d` from the key log, once.
    fn keys(&mut self, ctx: &mut Ctx, d: usize, fragment: Tvb<'_>) {
        if self.dirs[d].tried {
            return;
        }
        self.dirs[d].tried = true;
        let log = match ctx.st.tls.keylog(ctx.cfg) {
            Ok(Some(k)) => k,
            Ok(None) => return,
            Err(e) => {
                if !self.keylog_reported {
                    self.keylog_reported = true;
                    ctx.tb.expert(Severity::Warning, Group::Decryption, format!("Key log not read: {e}"), Span::EMPTY);
                }
                return;
            }
        };
        let s = &self.session;
        let why = match (s.client_random, s.server_random, s.suite) {
            (None, _, _) => "Not decrypted: the ClientHello was not seen (no client random)".to_string(),
            (_, None, _) | (_, _, None) => "Not decrypted: the ServerHello was not seen".to_string(),
            (Some(cr), Some(sr), Some(suite)) => match (suite_crypto(suite), log.get(keylog::CLIENT_RANDOM, &cr)) {
                (None, _) => format!(
                    "Not decrypted: cipher suite {} is not supported for decryption",
                    suite.name().unwrap_or("(unknown)")
                ),
                (_, None) => "Not decrypted: no CLIENT_RANDOM in the key log for this session".to_string(),
                (Some(sc), Some(ms)) => {
                    let client = d == 0;
                    self.dirs[d].cipher = if s.version == Some(DTLS1_2) {
                        Some(RecordCipher::tls12(sc, ms, &cr, &sr, client, s.etm))
                    } else {
                        // DTLS 1.0 is TLS 1.1's record protection (RFC 4347 §4.1.2).
                        RecordCipher::tls10(sc, ms, &cr, &sr, client, s.etm, ProtocolVersion::TLS1_1)
                    };
                    if self.dirs[d].cipher.is_some() {
                        return;
                    }
                    "Not decrypted: this suite is not used with this DTLS version".to_string()
                }
            },
        };
        ctx.tb.expert(Severity::Note, Group::Decryption, why, fragment.all());
    }

    fn protected(
        &mut self,
        ctx: &mut Ctx,
        rec: &Record<'_>,
        fragment: Tvb<'_>,
        d: usize,
        sum: &mut Summary,
        apps: &mut Vec<AppData>,
    ) {
        if rec.epoch == 1 {
            self.keys(ctx, d, fragment);
        }
        let r = match self.dirs[d].cipher.as_mut() {
            Some(c) if rec.epoch == 1 => {
                c.set_seq(rec.full_seq());
                Some(c.decrypt(rec.content_type, rec.version, fragment.data))
            }
            _ => None,
        };
        match r {
            Some(Ok(p)) => {
                let buf: Arc<[u8]> = Arc::from(p.data);
                let id = ctx.tb.add_buffer("Decrypted DTLS", buf.clone());
                let plain = Tvb::new(&buf, id, 0);
                self.plain(ctx, rec, plain, Some(fragment), d, sum);
                if rec.content_type == ContentType::APPLICATION_DATA && !buf.is_empty() {
                    apps.push(AppData { buf, id });
                }
            }
            Some(Err(e)) => {
                ctx.tb.expert(Severity::Warning, Group::Decryption, format!("Decryption failed: {e}"), fragment.all());
                opaque(ctx, rec.content_type, fragment, sum);
            }
            None => opaque(ctx, rec.content_type, fragment, sum),
        }
    }

    /// A plaintext record's content (`cipher`: the protected bytes it was decrypted from).
    fn plain(
        &mut self,
        ctx: &mut Ctx,
        rec: &Record<'_>,
        data: Tvb<'_>,
        cipher: Option<Tvb<'_>>,
        d: usize,
        sum: &mut Summary,
    ) {
        match rec.content_type {
            ContentType::CHANGE_CIPHER_SPEC => {
                ctx.tb.add(&hf::CHANGE_CIPHER_SPEC, data.all(), Value::None);
                if data.data != [1] {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Malformed,
                        "ChangeCipherSpec is not the single byte 1 (RFC 5246 §7.1)",
                        data.all(),
                    );
                }
                sum.desc = "Change Cipher Spec Protocol: Change Cipher Spec".into();
                sum.info.push("Change Cipher Spec".into());
            }
            ContentType::ALERT => {
                let mut rest = data;
                while !rest.is_empty() {
                    match Alert::parse(rest.data) {
                        Ok((a, _)) => {
                            let lvl = a.level.name().map_or_else(|| format!("Unknown ({})", a.level.0), str::to_string);
                            let desc = a
                                .description
                                .name()
                                .map_or_else(|| format!("Unknown ({})", a.description.0), str::to_string);
                            let text = format!("Alert (Level: {lvl}, Description: {desc})");
                            ctx.tb.open_label(&hf::ALERT, rest.span(0, 2), Value::None, "Alert Message".into());
                            ctx.tb.add(&hf::ALERT_LEVEL, rest.span(0, 1), Value::UInt(a.level.0 as u64));
                            ctx.tb.add(&hf::ALERT_DESC, rest.span(1, 2), Value::UInt(a.description.0 as u64));
                            ctx.tb.close();
                            if sum.desc.is_empty() {
                                sum.desc = text.clone();
                            }
                            sum.info.push(text);
                            rest = rest.from(Alert::LEN);
                        }
                        Err(e) => {
                            ctx.tb.expert(Severity::Error, Group::Malformed, format!("alert: {e}"), rest.all());
                            break;
                        }
                    }
                }
                if sum.desc.is_empty() {
                    sum.desc = "Alert".into();
                }
            }
            ContentType::HANDSHAKE => self.handshake_record(ctx, rec.epoch, data, d, sum),
            ContentType::APPLICATION_DATA => {
                let shown = cipher.unwrap_or(data);
                ctx.tb.add(&hf::APP_DATA, shown.all(), Value::Bytes(shown.data.to_vec()));
                sum.desc = "Application Data Protocol: Application Data".into();
                sum.info.push("Application Data".into());
                if cipher.is_some() {
                    ctx.tb.add_generated(&hf::DECRYPTED_LEN, data.all(), Value::UInt(data.len() as u64));
                }
            }
            ContentType::HEARTBEAT => {
                ctx.tb.add_label(
                    &hf::APP_DATA,
                    data.all(),
                    Value::Bytes(data.data.to_vec()),
                    "Heartbeat Message".into(),
                );
                sum.desc = "Heartbeat".into();
                sum.info.push("Heartbeat".into());
            }
            ct => {
                ctx.tb.add_label(
                    &hf::APP_DATA,
                    data.all(),
                    Value::Bytes(data.data.to_vec()),
                    format!("Unknown content type {} ({} bytes)", ct.0, data.len()),
                );
                ctx.tb.expert(
                    Severity::Warning,
                    Group::Protocol,
                    format!("Unknown record content type {}", ct.0),
                    data.all(),
                );
                sum.desc = format!("Unknown Record Type {}", ct.0);
                sum.info.push("Ignored Unknown Record".into());
            }
        }
    }

    /// Every handshake fragment of one record: whole messages are read at once, fragments go
    /// to reassembly and the message is read where its last piece arrives.
    fn handshake_record(&mut self, ctx: &mut Ctx, epoch: u16, data: Tvb<'_>, d: usize, sum: &mut Summary) {
        let mut off = 0usize;
        while off < data.len() {
            let rest = data.from(off);
            let (frag, _) = match parse_handshake_fragment(rest.data) {
                Ok(f) => f,
                Err(e) => {
                    ctx.tb.expert(Severity::Error, Group::Malformed, format!("handshake fragment: {e}"), rest.all());
                    if sum.desc.is_empty() {
                        sum.desc = "Handshake Protocol".into();
                    }
                    return;
                }
            };
            let h = frag.header;
            let used = HANDSHAKE_HEADER_LEN + frag.body.len();
            let tvb = rest.sub(0, used);
            let name = handshake_name(h.msg_type);
            ctx.tb.open_label(&hf::HANDSHAKE, tvb.all(), Value::None, format!("Handshake Protocol: {name}"));
            let depth = ctx.tb.depth();
            ctx.tb.add(&hf::HS_TYPE, tvb.span(0, 1), Value::UInt(h.msg_type.0 as u64));
            ctx.tb.add(&hf::HS_LENGTH, tvb.span(1, 4), Value::UInt(h.length as u64));
            ctx.tb.add(&hf::MESSAGE_SEQ, tvb.span(4, 6), Value::UInt(h.message_seq as u64));
            ctx.tb.add(&hf::FRAGMENT_OFFSET, tvb.span(6, 9), Value::UInt(h.fragment_offset as u64));
            ctx.tb.add(&hf::FRAGMENT_LENGTH, tvb.span(9, 12), Value::UInt(h.fragment_length as u64));
            let body = tvb.from(HANDSHAKE_HEADER_LEN);
            let mut fragments: Option<Node> = None;
            let label = if h.is_whole() {
                self.message(ctx, h.msg_type, body, d);
                name.clone()
            } else {
                let frame = ctx.frame_number;
                let key = (epoch, h.message_seq);
                match self.dirs[d].reasm.message(key, h.msg_type.0, h.length as usize) {
                    None => {
                        ctx.tb.expert(
                            Severity::Warning,
                            Group::Reassemble,
                            format!(
                                "Fragment not reassembled: message length {} (over the cap, or unlike the other fragments)",
                                h.length
                            ),
                            tvb.span(1, 4),
                        );
                        format!("{name} (Fragment)")
                    }
                    Some(m) => {
                        let added = m.add(frame, h.fragment_offset as usize, frag.body);
                        if added.overlap {
                            ctx.tb.add_generated(&hf::FRAGMENT_OVERLAP, body.all(), Value::Bool(true));
                        }
                        if added.conflict {
                            ctx.tb.add_generated(&hf::FRAGMENT_CONFLICTS, body.all(), Value::Bool(true));
                            ctx.tb.expert(
                                Severity::Error,
                                Group::Malformed,
                                "Fragment overlaps earlier bytes of the message with different data",
                                body.all(),
                            );
                        }
                        if added.refused {
                            ctx.tb.expert(
                                Severity::Warning,
                                Group::Reassemble,
                                "Fragment not reassembled: too many fragments",
                                body.all(),
                            );
                        }
                        if added.completed {
                            let buf: Arc<[u8]> = Arc::from(m.data());
                            let frags = m.fragments.clone();
                            let id = ctx.tb.add_buffer("Reassembled DTLS", buf.clone());
                            let whole = Tvb::new(&buf, id, 0);
                            let mut n = Node::new(&hf::FRAGMENTS, whole.all(), Value::None);
                            let list: Vec<String> = frags.iter().map(|(f, _, l)| format!("#{f}({l})")).collect();
                            n.label = Some(format!(
                                "{} Message fragments ({} bytes): {}",
                                frags.len(),
                                buf.len(),
                                list.join(", ")
                            ));
                            for (f, o, l) in &frags {
                                let mut c = Node::new(&hf::FRAGMENT, whole.span(*o, o + l), Value::UInt(*f));
                                c.label =
                                    Some(format!("Frame: {f}, payload: {}-{} ({l} bytes)", o, (o + l).max(1) - 1));
                                n.children.push(c);
                            }
                            let mut c = Node::new(&hf::FRAGMENT_COUNT, Span::EMPTY, Value::UInt(frags.len() as u64));
                            c.generated = true;
                            n.children.push(c);
                            let mut c = Node::new(&hf::REASSEMBLED_LENGTH, whole.all(), Value::UInt(buf.len() as u64));
                            c.generated = true;
                            n.children.push(c);
                            n.generated = true;
                            fragments = Some(n);
                            self.message(ctx, h.msg_type, whole, d);
                            format!("{name} (Reassembled)")
                        } else if added.duplicate {
                            format!("{name} (Retransmission)")
                        } else {
                            format!("{name} (Fragment)")
                        }
                    }
                }
            };
            ctx.tb.close_to(depth);
            ctx.tb.set_label(format!("Handshake Protocol: {label}"));
            ctx.tb.close_to(depth - 1);
            if let Some(n) = fragments {
                ctx.tb.add_node(n);
            }
            if sum.desc.is_empty() {
                sum.desc = format!("Handshake Protocol: {label}");
            }
            sum.info.push(label);
            off += used;
        }
    }

    /// A complete handshake body: learn the session from it, then its fields.
    fn message(&mut self, ctx: &mut Ctx, ty: HandshakeType, body: Tvb<'_>, d: usize) {
        let opts = self.opts();
        if let Ok(h) = parse_handshake_body_dtls(ty, body.data, &opts) {
            self.learn(&h, d);
        }
        if ty == HELLO_VERIFY_REQUEST {
            hello_verify_request(&mut ctx.tb, body);
            return;
        }
        let kex = self.session.suite.map_or(KeyExchange::Other, KeyExchange::of);
        let mut tmp = TreeBuilder::new();
        crate::proto::tls::dissect::handshake_body(
            &mut tmp,
            body,
            ty,
            &self.opts(),
            kex,
            Some((&hf::COOKIE_LENGTH, &hf::COOKIE)),
        );
        let p = tmp.finish(0, (0, 0), (0, 0), 0, Arc::from(&[][..]));
        for n in p.layers {
            if let Some(n) = translate(n) {
                ctx.tb.add_node(n);
            }
        }
        for e in p.experts {
            ctx.tb.expert(e.severity, e.group, e.message, e.span);
        }
        // EC J-PAKE (RFC 8236 §4, Thread): the ServerKeyExchange opens with ECParameters.
        let jpake = self.session.suite.and_then(|s| s.name()).is_some_and(|n| n.contains("ECJPAKE"));
        if jpake && ty == HandshakeType::SERVER_KEY_EXCHANGE {
            if let Some(h) = body.data.get(..3) {
                let ct = hf::translate(&tls_hf::SERVER_CURVE_TYPE);
                let nc = hf::translate(&tls_hf::SERVER_NAMED_CURVE);
                ctx.tb.add(ct, body.span(0, 1), Value::UInt(h[0] as u64));
                ctx.tb.add(nc, body.span(1, 3), Value::UInt(u16::from_be_bytes([h[1], h[2]]) as u64));
            }
        }
    }

    fn learn(&mut self, h: &DtlsHandshake<'_>, d: usize) {
        let s = &mut self.session;
        match h {
            DtlsHandshake::ClientHello { hello, .. } if d == 0 => {
                s.client_random = Some(hello.random);
                s.offered_etm = hello.extensions.iter().flatten().any(|e| matches!(e, Extension::EncryptThenMac));
            }
            DtlsHandshake::HelloVerifyRequest(v) if d == 1 => s.version = Some(v.server_version),
            DtlsHandshake::Tls(Handshake::ServerHello(sh)) if d == 1 => {
                s.server_random = Some(sh.random);
                s.suite = Some(sh.cipher_suite);
                s.version = Some(sh.selected_version());
                s.etm = s.offered_etm && sh.extensions.iter().flatten().any(|e| matches!(e, Extension::EncryptThenMac));
                // A new handshake: keys are looked for again.
                for dir in &mut self.dirs {
                    dir.cipher = None;
                    dir.tried = false;
                }
            }
            _ => {}
        }
    }
}

/// HelloVerifyRequest fields (RFC 6347 §4.2.1).
fn hello_verify_request(tb: &mut TreeBuilder, body: Tvb<'_>) {
    let Some(v) = body.data.get(..2) else {
        tb.expert(Severity::Error, Group::Malformed, "HelloVerifyRequest: truncated version", body.all());
        return;
    };
    tb.add(&hf::HS_VERSION, body.span(0, 2), Value::UInt(u16::from_be_bytes([v[0], v[1]]) as u64));
    let Some(&n) = body.data.get(2) else {
        tb.expert(Severity::Error, Group::Malformed, "HelloVerifyRequest: no cookie length", body.span(2, 2));
        return;
    };
    tb.add(&hf::COOKIE_LENGTH, body.span(2, 3), Value::UInt(n as u64));
    let end = 3 + n as usize;
    match body.data.get(3..end) {
        Some(c) => {
            if n > 0 {
                tb.add(&hf::COOKIE, body.span(3, end), Value::Bytes(c.to_vec()));
            }
            if body.len() > end {
                tb.expert(
                    Severity::Error,
                    Group::Malformed,
                    format!("HelloVerifyRequest: {} trailing bytes", body.len() - end),
                    body.span(end, body.len()),
                );
            }
        }
        None => tb.expert(
            Severity::Error,
            Group::Malformed,
            format!("HelloVerifyRequest: cookie of {n} bytes, {} left", body.len() - 3),
            body.span(3, body.len()),
        ),
    }
}

/// tshark's name of a handshake message type.
fn handshake_name(ty: HandshakeType) -> String {
    hf::HANDSHAKE_TYPES
        .iter()
        .find(|(k, _)| *k == ty.0 as u64)
        .map_or_else(|| format!("Unknown Handshake Message ({})", ty.0), |(_, n)| n.to_string())
}

/// A TLS-walked node with DTLS fields; expert nodes are dropped (they are raised again in the
/// real tree).
fn translate(mut n: Node) -> Option<Node> {
    if n.def.abbrev == "_ws.expert" {
        return None;
    }
    n.def = hf::translate(n.def);
    n.children = std::mem::take(&mut n.children).into_iter().filter_map(translate).collect();
    Some(n)
}

/// A protected record without keys.
fn opaque(ctx: &mut Ctx, ct: ContentType, fragment: Tvb<'_>, sum: &mut Summary) {
    match ct {
        ContentType::HANDSHAKE => {
            ctx.tb.add_label(&hf::HANDSHAKE, fragment.all(), Value::None, "Handshake Protocol".into());
            sum.info.push("Encrypted Handshake Message".into());
        }
        ContentType::ALERT => {
            ctx.tb.add_label(&hf::ALERT, fragment.all(), Value::None, "Alert Message: Encrypted Alert".into());
            sum.desc = "Encrypted Alert".into();
            sum.info.push("Encrypted Alert".into());
        }
        ContentType::APPLICATION_DATA => {
            ctx.tb.add(&hf::APP_DATA, fragment.all(), Value::Bytes(fragment.data.to_vec()));
            sum.desc = "Application Data Protocol: Application Data".into();
            sum.info.push("Application Data".into());
        }
        ContentType::CHANGE_CIPHER_SPEC => {
            ctx.tb.add(&hf::CHANGE_CIPHER_SPEC, fragment.all(), Value::None);
            sum.desc = "Change Cipher Spec Protocol: Change Cipher Spec".into();
            sum.info.push("Change Cipher Spec".into());
        }
        ct => {
            ctx.tb.add_label(
                &hf::ENC_CONTENT,
                fragment.all(),
                Value::Bytes(fragment.data.to_vec()),
                format!("Encrypted content type {}", ct.0),
            );
            sum.desc = format!("Unknown Record Type {}", ct.0);
            sum.info.push("Ignored Unknown Record".into());
        }
    }
}
