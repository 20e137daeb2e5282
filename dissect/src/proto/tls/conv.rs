//! One TLS connection over a TCP stream: [`TlsConversation`], the [`StreamProtocol`] whose PDUs
//! are records (RFC 5246 §6.2.1).
//!
//! Per direction it keeps the handshake bytes of a message that spans records (capped at
//! [`MAX_HANDSHAKE_MESSAGE`]), whether records are protected, and the read keys. It learns the
//! client random, the server random, the cipher suite, the version (`supported_versions`), ALPN,
//! encrypt-then-MAC and MTA-TLS `data_multiplexing` from the hellos, looks the secrets up in the
//! key log, and decrypts:
//! - TLS 1.0 to 1.2: keys from `CLIENT_RANDOM`'s master secret take effect at each direction's
//!   ChangeCipherSpec (RFC 5246 §7.1);
//! - TLS 1.3: 0-RTT keys after a ClientHello with `early_data`, handshake traffic keys after the
//!   ServerHello (the client's after EndOfEarlyData when it sent 0-RTT data), application
//!   traffic keys after each side's Finished, the next generation after a KeyUpdate (RFC 8446
//!   §7, §4.2.10).
//!
//! A record that fails to decrypt (wrong key, MAC or tag mismatch) is an expert warning and a gap
//! in the application stream; missing secrets are one note per direction.
//!
//! Decrypted bytes become a "Decrypted TLS" buffer; handshake messages in them are dissected, and
//! application data goes to the application protocol the handshake selected ([`AppChooser`]:
//! CTP for ALPN `ctp/1`, C5), over a [`StreamFramer`] per direction, or is shown as `data`.

use std::sync::Arc;

use super::crypto::{suite_crypto, RecordCipher};
use super::dissect::{handshake as dissect_handshake, handshake_name};
use super::hf;
use super::keylog::{self, KeyLog};
use super::wire::{
    is_sslv2_client_hello, parse_handshake_body, parse_handshake_header, parse_record_header, Alert, CipherSuite,
    ContentType, Extension, ExtensionType, Handshake, HandshakeType, KeyExchange, ParseError, ParseOptions,
    ProtocolVersion, Sslv2ClientHello, HANDSHAKE_HEADER_LEN, MAX_CIPHERTEXT, RECORD_HEADER_LEN,
};
use crate::engine::Ctx;
use crate::stream::{PduInfo, PduLen, StreamFramer, StreamProtocol};
use crate::tree::{Group, Severity, Span, Tvb, Value};

/// Largest handshake message reassembled across records; longer ones are reported and skipped.
pub const MAX_HANDSHAKE_MESSAGE: usize = 1 << 20;

/// What the handshake negotiated, for choosing the application protocol.
#[derive(Debug, Clone, Copy)]
pub struct Negotiated<'a> {
    pub version: ProtocolVersion,
    pub suite: CipherSuite,
    /// The protocol the server selected with ALPN (RFC 7301 §3.2).
    pub alpn: Option<&'a [u8]>,
    /// Both sides sent MTA-TLS `data_multiplexing` (draft-badra-tls-multiplexing-01 §2.1).
    pub data_multiplexing: bool,
    /// The protocol a negotiation seen earlier announced for this connection: `gist` when a GIST
    /// Response's Stack-Configuration-Data offered TLS on its port (SPEC-NOTES G3).
    pub announced: Option<&'static str>,
}

/// Chooses the protocol of the decrypted application stream: it gets its own
/// [`StreamFramer`] per direction, like a protocol on TCP.
pub type AppChooser = fn(&Negotiated<'_>) -> Option<Box<dyn StreamProtocol + Send>>;

/// The default choice: CTP for ALPN `ctp/1` (and the draft's `ctp/1s`), C5; MTA-TLS when both
/// sides sent `data_multiplexing` (M1); GIST when the connection was announced for GIST over TLS
/// (G3).
pub fn default_app(n: &Negotiated<'_>) -> Option<Box<dyn StreamProtocol + Send>> {
    if n.alpn.and_then(crate::proto::ctp::alpn_id).is_some() {
        return Some(crate::proto::ctp::new_conversation());
    }
    if n.data_multiplexing {
        return Some(crate::proto::mtatls::new_conversation());
    }
    if n.announced == Some("gist") {
        return Some(crate::proto::gist::new_tls_conversation());
    }
    None
}

/// State of one direction.
#[derive(Default)]
struct Dir {
    /// Bytes of a handshake message not complete yet.
    hs: Vec<u8>,
    /// Records that brought bytes of the pending handshake message.
    hs_records: u32,
    /// Skipping a handshake message too long to reassemble: bytes still to skip.
    hs_skip: usize,
    /// Records of this direction are protected (TLS 1.2: after its ChangeCipherSpec).
    protected: bool,
    /// Read keys in effect.
    cipher: Option<RecordCipher>,
    /// TLS 1.2 keys that take effect at this direction's ChangeCipherSpec; TLS 1.3 client
    /// handshake keys waiting for the end of 0-RTT data (EndOfEarlyData, RFC 8446 §4.5).
    pending: Option<RecordCipher>,
    /// TLS 1.3 0-RTT keys, one per suite the ClientHello offered: the PSK's suite is not on the
    /// wire, so the first early record tells which one it is.
    early: Vec<RecordCipher>,
    /// An expert about missing keys was raised for this direction.
    warned: bool,
    app_framer: StreamFramer,
    /// Bytes of decrypted application data so far (the app stream offset).
    app_offset: u64,
    /// Stream offset where the next record should start: a record further on means bytes were
    /// lost in between.
    next_offset: Option<u64>,
}

/// What is known of the session.
#[derive(Debug, Clone, Default)]
struct Session {
    client_random: Option<[u8; 32]>,
    server_random: Option<[u8; 32]>,
    suite: Option<CipherSuite>,
    /// Negotiated version (ServerHello, with `supported_versions`).
    version: Option<ProtocolVersion>,
    offered_etm: bool,
    etm: bool,
    offered_mux: bool,
    mux: bool,
    alpn: Option<Vec<u8>>,
    /// What the last ClientHello offered (`None` when it was not seen).
    offered_suites: Option<Vec<CipherSuite>>,
    offered_alpn: Option<Vec<Vec<u8>>>,
    /// TLS 1.3 handshake is over in each direction (its Finished was seen).
    finished: [bool; 2],
}

/// One TLS connection.
pub struct TlsConversation {
    /// TCP direction of the client; learnt from the first ClientHello, or guessed from ports.
    client_dir: Option<u8>,
    session: Session,
    dirs: [Dir; 2],
    chooser: AppChooser,
    app: Option<Box<dyn StreamProtocol + Send>>,
    app_chosen: bool,
    /// The `tls` layer left open in the packet being built: (frame, its top-level index).
    layer: Option<(u64, usize)>,
    /// Problems with the key log were reported.
    keylog_reported: bool,
}

impl Default for TlsConversation {
    fn default() -> Self {
        Self::new()
    }
}

/// A new connection with the default [`AppChooser`], for `TCP_PROTOCOLS`.
pub fn new_conversation() -> Box<dyn StreamProtocol + Send> {
    Box::new(TlsConversation::new())
}

/// Collected while one record is dissected: its label and the info column items.
#[derive(Default)]
struct RecordSummary {
    desc: String,
    info: Vec<String>,
    /// The application protocol took over the protocol and info columns.
    app_columns: bool,
}

impl TlsConversation {
    pub fn new() -> Self {
        TlsConversation {
            client_dir: None,
            session: Session::default(),
            dirs: Default::default(),
            chooser: default_app,
            app: None,
            app_chosen: false,
            layer: None,
            keylog_reported: false,
        }
    }

    /// The same, with another choice of application protocol.
    pub fn with_app_chooser(chooser: AppChooser) -> Self {
        TlsConversation { chooser, ..Self::new() }
    }

    /// The negotiated version, once the ServerHello was seen.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.session.version
    }

    /// The selected cipher suite.
    pub fn cipher_suite(&self) -> Option<CipherSuite> {
        self.session.suite
    }

    /// The protocol the server selected with ALPN.
    pub fn alpn(&self) -> Option<&[u8]> {
        self.session.alpn.as_deref()
    }

    /// Whether MTA-TLS `data_multiplexing` was negotiated.
    pub fn data_multiplexing(&self) -> bool {
        self.session.mux
    }

    fn is_tls13(&self) -> bool {
        self.session.version == Some(ProtocolVersion::TLS1_3)
    }

    fn opts(&self, ctx: &Ctx) -> ParseOptions {
        ParseOptions {
            version: self.session.version.unwrap_or(ProtocolVersion::TLS1_2),
            mux_ext_type: ctx.cfg.mtatls_ext_type,
        }
    }

    fn is_client(&self, dir: u8, info: &PduInfo) -> bool {
        match self.client_dir {
            Some(c) => c == dir,
            // Joined mid-stream: the side on the lower (well-known) port is the server.
            None => info.src_port > info.dst_port,
        }
    }

    /// Open the `tls` layer, or keep adding to the one this conversation left open in this
    /// packet (tshark shows all records of a segment under one "Transport Layer Security").
    fn open_layer(&mut self, ctx: &mut Ctx, span: Span) {
        let top = ctx.tb.top_len();
        match self.layer {
            Some((f, t)) if f == ctx.frame_number && t + 1 == top && ctx.tb.depth() >= 1 => ctx.tb.close_to(1),
            _ => {
                if ctx.tb.protocols().contains(&"tls") {
                    ctx.tb.reopen_proto(&hf::TLS, span, None);
                } else {
                    ctx.tb.open_proto(&hf::TLS, span, None);
                }
                self.layer = Some((ctx.frame_number, ctx.tb.top_len() - 1));
            }
        }
    }

    /// The key log, loaded once per capture; problems are reported once per connection.
    fn keylog(&mut self, ctx: &mut Ctx) -> Option<Arc<KeyLog>> {
        match ctx.st.tls.keylog(ctx.cfg) {
            Ok(k) => k,
            Err(e) => {
                if !self.keylog_reported {
                    self.keylog_reported = true;
                    ctx.tb.expert(Severity::Warning, Group::Decryption, format!("Key log not read: {e}"), Span::EMPTY);
                }
                None
            }
        }
    }

    /// Dissect one complete record (`tvb` is exactly the record).
    pub fn dissect_record(&mut self, ctx: &mut Ctx, tvb: Tvb<'_>, info: &PduInfo) {
        let first_in_packet = !ctx.tb.protocols().contains(&"tls");
        let d = (info.dir & 1) as usize;
        let lost = self.dirs[d].next_offset.is_some_and(|e| info.stream_offset > e);
        self.dirs[d].next_offset = Some(info.stream_offset + tvb.len() as u64);
        self.open_layer(ctx, tvb.all());
        if tvb.data.first().is_some_and(|&b| b & 0x80 != 0) {
            self.sslv2_client_hello(ctx, tvb, d as u8, first_in_packet);
            return;
        }
        let (ct, version, len) = match parse_record_header(tvb.data) {
            Ok(h) => h,
            Err(e) => {
                ctx.tb.malformed(format!("TLS record: {e}"), tvb.all());
                self.layer = None;
                return;
            }
        };
        let label_version = self.session.version.unwrap_or(version);
        let vname = label_version.short_name().unwrap_or("TLS");
        ctx.tb.set_protocol_column(vname);
        ctx.tb.open_label(&hf::RECORD, tvb.all(), Value::None, format!("{vname} Record Layer"));
        let fragment = tvb.sub(RECORD_HEADER_LEN, RECORD_HEADER_LEN + len);
        // TLS 1.3 protects records as application_data (RFC 8446 §5.2); TLS 1.2 protects every
        // record after the direction's ChangeCipherSpec.
        // Before the ServerHello, TLS 1.3 0-RTT data is protected application_data too (§4.2.10).
        let tls13_keys = self.is_tls13()
            || (self.session.version.is_none()
                && (!self.dirs[d].early.is_empty() || self.dirs[d].cipher.as_ref().is_some_and(|c| c.is_tls13())));
        let protected = if tls13_keys { ct == ContentType::APPLICATION_DATA } else { self.dirs[d].protected };
        let type_field = if tls13_keys && protected { &hf::OPAQUE_TYPE } else { &hf::CONTENT_TYPE };
        ctx.tb.add(type_field, tvb.span(0, 1), Value::UInt(ct.0 as u64));
        ctx.tb.add(&hf::RECORD_VERSION, tvb.span(1, 3), Value::UInt(version.0 as u64));
        ctx.tb.add(&hf::RECORD_LENGTH, tvb.span(3, 5), Value::UInt(len as u64));
        if !protected && len > super::wire::MAX_PLAINTEXT + 1024 {
            // RFC 5246 §6.2.1/§6.2.2: TLSPlaintext at most 2^14, TLSCompressed 2^14 + 1024.
            ctx.tb.expert(
                Severity::Error,
                Group::Malformed,
                format!("plaintext record length {len} exceeds 2^14 + 1024"),
                tvb.span(3, 5),
            );
        } else if len > MAX_CIPHERTEXT {
            ctx.tb.expert(
                Severity::Error,
                Group::Malformed,
                format!("record length {len} exceeds 2^14 + 2048"),
                tvb.span(3, 5),
            );
        }
        if lost && (!self.dirs[d].hs.is_empty() || self.dirs[d].hs_skip > 0) {
            self.dirs[d].hs.clear();
            self.dirs[d].hs_skip = 0;
            ctx.tb.expert(
                Severity::Note,
                Group::Reassemble,
                "Bytes lost before this record: the partial handshake message is dropped",
                tvb.span(0, 5),
            );
        }
        let mut sum = RecordSummary::default();
        if protected {
            self.protected_record(ctx, ct, version, fragment, d, info, &mut sum);
        } else {
            self.plain_record(ctx, ct, fragment, None, d, info, &mut sum);
        }
        // The record subtree may have been closed by an application layer; label it if open.
        if self.layer.is_some() && ctx.tb.depth() >= 2 {
            ctx.tb.close_to(2);
            ctx.tb.set_label(format!("{vname} Record Layer: {}", sum.desc));
            ctx.tb.close_to(1);
        }
        if sum.app_columns {
            return;
        }
        let vname_after = self.session.version.unwrap_or(version).short_name().unwrap_or("TLS");
        ctx.tb.set_protocol_column(vname_after);
        for (i, s) in sum.info.iter().enumerate() {
            if first_in_packet && i == 0 {
                ctx.tb.set_info(s.clone());
            } else {
                ctx.tb.append_info(s);
            }
        }
    }

    /// An SSL 2.0 compatible ClientHello (RFC 5246 Appendix E.2), as tshark shows it.
    fn sslv2_client_hello(&mut self, ctx: &mut Ctx, tvb: Tvb<'_>, dir: u8, first_in_packet: bool) {
        ctx.tb.set_protocol_column("SSLv2");
        ctx.tb.open_label(&hf::RECORD, tvb.all(), Value::None, "SSLv2 Record Layer: Client Hello".into());
        ctx.tb.add_generated(&hf::RECORD_VERSION, Span::EMPTY, Value::UInt(2));
        let len = tvb.data.get(..2).map_or(0, |h| u16::from_be_bytes([h[0] & 0x7f, h[1]]));
        ctx.tb.add(&hf::RECORD_LENGTH, tvb.span(0, 2), Value::UInt(len as u64));
        match Sslv2ClientHello::parse(tvb.data) {
            Ok((h, _)) => {
                let sp = |a: usize, n: usize| tvb.span(a, a + n);
                let cs = 3 * h.cipher_specs.len();
                ctx.tb.add_label(
                    &hf::HS_TYPE,
                    sp(2, 1),
                    Value::UInt(1),
                    "Handshake Message Type: Client Hello (1)".into(),
                );
                ctx.tb.add(&hf::HS_VERSION, sp(3, 2), Value::UInt(h.version.0 as u64));
                ctx.tb.add(&hf::CIPHER_SPEC_LEN, sp(5, 2), Value::UInt(cs as u64));
                ctx.tb.add(&hf::SESSION_ID_LENGTH, sp(7, 2), Value::UInt(h.session_id.len() as u64));
                ctx.tb.add(&hf::CHALLENGE_LENGTH, sp(9, 2), Value::UInt(h.challenge.len() as u64));
                let label = format!("Cipher Specs ({} specs)", h.cipher_specs.len());
                ctx.tb.open_label(&hf::CIPHER_SUITES, sp(11, cs), Value::None, label);
                for (i, c) in h.cipher_specs.iter().enumerate() {
                    ctx.tb.add(&hf::CIPHER_SPEC, sp(11 + 3 * i, 3), Value::UInt(*c as u64));
                }
                ctx.tb.close();
                let at = 11 + cs;
                if !h.session_id.is_empty() {
                    ctx.tb.add(&hf::SESSION_ID, sp(at, h.session_id.len()), Value::Bytes(h.session_id.to_vec()));
                }
                ctx.tb.add(&hf::CHALLENGE, sp(at + h.session_id.len(), h.challenge.len()), Value::None);
                if self.client_dir.is_none() {
                    self.client_dir = Some(dir);
                }
                self.session.client_random = Some(h.random());
            }
            Err(e) => {
                ctx.tb.expert(Severity::Error, Group::Malformed, format!("SSLv2 ClientHello: {e}"), tvb.all());
            }
        }
        ctx.tb.close_to(1);
        if first_in_packet {
            ctx.tb.set_info("Client Hello");
        } else {
            ctx.tb.append_info("Client Hello");
        }
    }

    /// A protected record: decrypt it when the keys are known.
    #[allow(clippy::too_many_arguments)]
    fn protected_record(
        &mut self,
        ctx: &mut Ctx,
        ct: ContentType,
        version: ProtocolVersion,
        fragment: Tvb<'_>,
        d: usize,
        info: &PduInfo,
        sum: &mut RecordSummary,
    ) {
        let keylog = self.keylog(ctx);
        let result = self.decrypt(d, ct, version, fragment.data);
        match result {
            Some(Ok(p)) => {
                let buf: Arc<[u8]> = Arc::from(p.data);
                let id = ctx.tb.add_buffer("Decrypted TLS", buf.clone());
                let plain = Tvb::new(&buf, id, 0);
                if self.dirs[d].cipher.as_ref().is_some_and(|c| c.is_tls13()) {
                    ctx.tb.add_generated(&hf::CONTENT_TYPE, Span::EMPTY, Value::UInt(p.content_type.0 as u64));
                }
                self.plain_record(ctx, p.content_type, plain, Some(fragment), d, info, sum);
            }
            Some(Err(e)) => {
                ctx.tb.expert(Severity::Warning, Group::Decryption, format!("Decryption failed: {e}"), fragment.all());
                // The application stream has a hole where this record's bytes were.
                if let Some(p) = self.app.as_ref() {
                    let name = p.name();
                    self.dirs[d].app_framer.gap(ctx, name);
                }
                opaque(ctx, ct, fragment, sum);
            }
            None => {
                if keylog.is_some() && !self.dirs[d].warned {
                    self.dirs[d].warned = true;
                    let why = self.missing_keys_reason(keylog.as_deref());
                    ctx.tb.expert(Severity::Note, Group::Decryption, why, fragment.all());
                }
                opaque(ctx, ct, fragment, sum);
            }
        }
    }

    /// Decrypt with the direction's keys; in TLS 1.3 also try the 0-RTT candidates (the first
    /// that opens the record is the PSK's suite) and the handshake keys waiting behind 0-RTT
    /// (the client may skip EndOfEarlyData when the server rejected 0-RTT, RFC 8446 §4.2.10).
    fn decrypt(
        &mut self,
        d: usize,
        ct: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
    ) -> Option<Result<super::crypto::Plaintext, super::crypto::DecryptError>> {
        let dir = &mut self.dirs[d];
        if dir.cipher.is_none() && !dir.early.is_empty() {
            let mut last = None;
            for c in std::mem::take(&mut dir.early) {
                let mut c = c;
                match c.decrypt(ct, version, fragment) {
                    Ok(p) => {
                        dir.cipher = Some(c);
                        return Some(Ok(p));
                    }
                    Err(e) => last = Some(e),
                }
            }
            return last.map(Err);
        }
        let r = dir.cipher.as_mut().map(|c| c.decrypt(ct, version, fragment));
        if let (Some(Err(_)), Some(p)) = (&r, dir.pending.as_ref().filter(|p| p.is_tls13())) {
            let mut p = p.clone();
            if let Ok(pt) = p.decrypt(ct, version, fragment) {
                dir.cipher = Some(p);
                dir.pending = None;
                return Some(Ok(pt));
            }
        }
        r
    }

    fn missing_keys_reason(&self, keylog: Option<&KeyLog>) -> String {
        let s = &self.session;
        let Some(cr) = s.client_random else {
            return "Not decrypted: the ClientHello was not seen (no client random)".into();
        };
        let Some(suite) = s.suite else { return "Not decrypted: the ServerHello was not seen".into() };
        if suite_crypto(suite).is_none() {
            return format!(
                "Not decrypted: cipher suite {} is not supported for decryption",
                suite.name().unwrap_or("(unknown)")
            );
        }
        let label = if self.is_tls13() { "TLS 1.3 traffic secrets" } else { "CLIENT_RANDOM" };
        if keylog.is_some_and(|k| k.get(keylog::CLIENT_RANDOM, &cr).is_none()) || self.is_tls13() {
            return format!("Not decrypted: no {label} in the key log for this session");
        }
        match s.version {
            Some(v) if !matches!(v.0, 0x0301..=0x0304) => {
                format!("Not decrypted: {} is not supported for decryption", v.name().unwrap_or("this version"))
            }
            _ => "Not decrypted: keys unavailable".into(),
        }
    }

    /// The contents of a plaintext record (read from the wire, or decrypted: then `cipher` is
    /// the protected fragment on the wire).
    #[allow(clippy::too_many_arguments)]
    fn plain_record(
        &mut self,
        ctx: &mut Ctx,
        ct: ContentType,
        data: Tvb<'_>,
        cipher: Option<Tvb<'_>>,
        d: usize,
        info: &PduInfo,
        sum: &mut RecordSummary,
    ) {
        match ct {
            ContentType::CHANGE_CIPHER_SPEC => {
                ctx.tb.add_label(&hf::CHANGE_CIPHER_SPEC, data.all(), Value::None, "Change Cipher Spec Message".into());
                if data.data != [super::wire::CHANGE_CIPHER_SPEC] {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Malformed,
                        "ChangeCipherSpec is not the single byte 1 (RFC 5246 §7.1)",
                        data.all(),
                    );
                }
                sum.desc = "Change Cipher Spec Protocol: Change Cipher Spec".into();
                sum.info.push("Change Cipher Spec".into());
                if !self.is_tls13() {
                    let dir = &mut self.dirs[d];
                    dir.protected = true;
                    dir.cipher = dir.pending.take();
                }
            }
            ContentType::ALERT => {
                let mut rest = data;
                let mut first = true;
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
                            if first {
                                sum.desc = text.clone();
                                first = false;
                            }
                            sum.info.push(text);
                            rest = rest.from(Alert::LEN);
                        }
                        Err(e) => {
                            ctx.tb.expert(Severity::Error, Group::Malformed, format!("alert: {e}"), rest.all());
                            if first {
                                sum.desc = "Alert".into();
                            }
                            break;
                        }
                    }
                }
            }
            ContentType::HANDSHAKE => self.handshake_record(ctx, data, d, info, sum),
            ContentType::APPLICATION_DATA => {
                let shown = cipher.unwrap_or(data);
                ctx.tb.add(&hf::APP_DATA, shown.all(), Value::Bytes(shown.data.to_vec()));
                sum.info.push("Application Data".into());
                if cipher.is_some() {
                    self.choose_app(ctx, info);
                    let proto = self.app.as_ref().map_or("Application Data", |p| p.name());
                    sum.desc = format!("Application Data Protocol: {proto}");
                    ctx.tb.add_generated(&hf::APP_DATA_PROTO, Span::EMPTY, Value::Str(proto.into()));
                    ctx.tb.add_generated(&hf::DECRYPTED_LEN, data.all(), Value::UInt(data.len() as u64));
                    // Label the record now: the application layer closes it.
                    let vname = self.session.version.unwrap_or(ProtocolVersion::TLS1_2).short_name().unwrap_or("TLS");
                    ctx.tb.set_label(format!("{vname} Record Layer: {}", sum.desc));
                    sum.app_columns = self.app.is_some();
                    self.app_data(ctx, data, d, info);
                } else {
                    sum.desc = "Application Data Protocol: Application Data".into();
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
            _ => {
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

    fn choose_app(&mut self, ctx: &Ctx, info: &PduInfo) {
        if self.app_chosen {
            return;
        }
        self.app_chosen = true;
        let n = Negotiated {
            version: self.session.version.unwrap_or(ProtocolVersion::TLS1_2),
            suite: self.session.suite.unwrap_or_default(),
            alpn: self.session.alpn.as_deref(),
            data_multiplexing: self.session.mux,
            announced: crate::proto::gist::announced_over_tls(ctx, info).then_some("gist"),
        };
        self.app = (self.chooser)(&n);
    }

    /// Decrypted application data: to the chosen protocol's framer, or `data`.
    fn app_data(&mut self, ctx: &mut Ctx, data: Tvb<'_>, d: usize, info: &PduInfo) {
        if data.is_empty() {
            return;
        }
        self.layer = None;
        let dir = &mut self.dirs[d];
        let pi = PduInfo { stream_offset: dir.app_offset, ..*info };
        dir.app_offset += data.len() as u64;
        match self.app.as_mut() {
            Some(p) => dir.app_framer.feed(ctx, p.as_mut(), data, &pi),
            None => crate::engine::data_layer(ctx, data),
        }
    }

    /// Handshake bytes of one record: complete the message pending from earlier records, then
    /// every message within this record; keep an incomplete tail.
    fn handshake_record(&mut self, ctx: &mut Ctx, data: Tvb<'_>, d: usize, info: &PduInfo, sum: &mut RecordSummary) {
        let mut names: Vec<String> = Vec::new();
        let mut pos = 0usize;
        // Skip the rest of an over-long message.
        if self.dirs[d].hs_skip > 0 {
            let n = self.dirs[d].hs_skip.min(data.len());
            self.dirs[d].hs_skip -= n;
            ctx.tb.add_label(
                &hf::HANDSHAKE,
                data.span(0, n),
                Value::None,
                "Handshake Protocol: Fragment (skipped)".into(),
            );
            names.push("Fragment".into());
            pos = n;
        }
        // Complete a pending message.
        if !self.dirs[d].hs.is_empty() && pos < data.len() {
            let pend = &mut self.dirs[d].hs;
            let mut need_total = if pend.len() >= HANDSHAKE_HEADER_LEN {
                parse_handshake_header(pend).map_or(HANDSHAKE_HEADER_LEN, |(_, l)| HANDSHAKE_HEADER_LEN + l)
            } else {
                HANDSHAKE_HEADER_LEN
            };
            loop {
                let take = need_total.saturating_sub(pend.len()).min(data.len() - pos);
                pend.extend_from_slice(&data.data[pos..pos + take]);
                pos += take;
                if pend.len() == HANDSHAKE_HEADER_LEN && need_total == HANDSHAKE_HEADER_LEN {
                    need_total =
                        parse_handshake_header(pend).map_or(HANDSHAKE_HEADER_LEN, |(_, l)| HANDSHAKE_HEADER_LEN + l);
                    if need_total > MAX_HANDSHAKE_MESSAGE {
                        break;
                    }
                    if need_total > HANDSHAKE_HEADER_LEN {
                        continue;
                    }
                }
                break;
            }
            let pend_len = self.dirs[d].hs.len();
            if need_total > MAX_HANDSHAKE_MESSAGE {
                ctx.tb.expert(
                    Severity::Warning,
                    Group::Reassemble,
                    format!(
                        "handshake message of {need_total} bytes: longer than {MAX_HANDSHAKE_MESSAGE}, not reassembled"
                    ),
                    data.span(0, pos),
                );
                self.dirs[d].hs_skip = need_total - pend_len;
                self.dirs[d].hs.clear();
                names.push("Fragment".into());
            } else if pend_len >= need_total {
                let msg: Arc<[u8]> = Arc::from(std::mem::take(&mut self.dirs[d].hs));
                let id = ctx.tb.add_buffer("Reassembled TLS Handshake", msg.clone());
                let name = self.handshake_message(ctx, Tvb::new(&msg, id, 0), d, info);
                let records = self.dirs[d].hs_records + 1;
                ctx.tb.add_generated(&hf::HS_FRAGMENT_COUNT, Tvb::new(&msg, id, 0).all(), Value::UInt(records as u64));
                names.push(name);
            } else {
                self.dirs[d].hs_records += 1;
                let name = pending_name(&self.dirs[d].hs, self.is_tls13());
                ctx.tb.add_label(
                    &hf::HANDSHAKE,
                    data.span(0, pos),
                    Value::None,
                    format!("Handshake Protocol: {name} (fragment)"),
                );
                names.push(format!("{name} (fragment)"));
            }
        }
        // Messages within this record.
        while pos < data.len() {
            let rest = data.from(pos);
            let (total, complete) = match parse_handshake_header(rest.data) {
                Ok((_, l)) => (HANDSHAKE_HEADER_LEN + l, HANDSHAKE_HEADER_LEN + l <= rest.len()),
                Err(_) => (HANDSHAKE_HEADER_LEN, false),
            };
            if complete {
                let name = self.handshake_message(ctx, rest.sub(0, total), d, info);
                names.push(name);
                pos += total;
            } else {
                if total > MAX_HANDSHAKE_MESSAGE {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Reassemble,
                        format!(
                            "handshake message of {total} bytes: longer than {MAX_HANDSHAKE_MESSAGE}, not reassembled"
                        ),
                        rest.all(),
                    );
                    self.dirs[d].hs_skip = total - rest.len();
                } else {
                    self.dirs[d].hs = rest.data.to_vec();
                    self.dirs[d].hs_records = 1;
                }
                let name = pending_name(rest.data, self.is_tls13());
                ctx.tb.add_label(
                    &hf::HANDSHAKE,
                    rest.all(),
                    Value::None,
                    format!("Handshake Protocol: {name} (fragment)"),
                );
                names.push(format!("{name} (fragment)"));
                break;
            }
        }
        sum.desc = match names.as_slice() {
            [] => "Handshake Protocol".into(),
            [one] => format!("Handshake Protocol: {one}"),
            _ => "Handshake Protocol: Multiple Handshake Messages".into(),
        };
        sum.info.extend(names.into_iter().filter(|n| !n.ends_with("(fragment)") && n != "Fragment"));
    }

    /// One complete handshake message: its fields, then what it changes in the session.
    /// Returns its name.
    fn handshake_message(&mut self, ctx: &mut Ctx, msg: Tvb<'_>, d: usize, info: &PduInfo) -> String {
        let mut opts = self.opts(ctx);
        let (ty, _) = parse_handshake_header(msg.data).unwrap_or((HandshakeType(0), 0));
        let body = msg.from(HANDSHAKE_HEADER_LEN);
        // The ServerHello says which version its own fields follow.
        let parsed = parse_handshake_body(ty, body.data, &opts);
        if let Ok(Handshake::ServerHello(sh)) = &parsed {
            opts.version = sh.selected_version();
        }
        let kex = self.session.suite.map_or(KeyExchange::Other, KeyExchange::of);
        let name = match &parsed {
            Ok(Handshake::ServerHello(sh)) if sh.is_retry() => "Hello Retry Request".to_string(),
            _ => handshake_name(ty, opts.version == ProtocolVersion::TLS1_3),
        };
        dissect_handshake(&mut ctx.tb, msg, &opts, kex, &name);
        match parsed {
            Ok(h) => self.learn(ctx, &h, d, info),
            Err(e) => {
                let _: ParseError = e;
            }
        }
        name
    }

    /// Update the session from one handshake message.
    fn learn(&mut self, ctx: &mut Ctx, h: &Handshake<'_>, d: usize, info: &PduInfo) {
        let dir = d as u8;
        match h {
            Handshake::ClientHello(ch) => {
                if self.client_dir.is_none() {
                    self.client_dir = Some(dir);
                }
                if self.client_dir == Some(dir) {
                    self.session.client_random = Some(ch.random);
                    self.session.offered_etm = false;
                    self.session.offered_mux = false;
                    self.session.offered_suites = Some(ch.cipher_suites.clone());
                    self.session.offered_alpn = None;
                    for e in ch.extensions.iter().flatten() {
                        match e {
                            Extension::EncryptThenMac => self.session.offered_etm = true,
                            Extension::DataMultiplexing { .. } => self.session.offered_mux = true,
                            Extension::Alpn(p) => {
                                self.session.offered_alpn = Some(p.iter().map(|x| x.to_vec()).collect())
                            }
                            _ => {}
                        }
                    }
                    // 0-RTT (`early_data`, RFC 8446 §4.2.10): keys for each offered TLS 1.3 suite.
                    let early = ch.extensions.iter().flatten().any(|e| e.ty() == ExtensionType(42));
                    self.dirs[d].early.clear();
                    if early {
                        if let Some(secret) = self
                            .keylog(ctx)
                            .and_then(|k| k.get(keylog::CLIENT_EARLY_TRAFFIC_SECRET, &ch.random).map(<[u8]>::to_vec))
                        {
                            self.dirs[d].early = ch
                                .cipher_suites
                                .iter()
                                .filter(|s| (0x1301..=0x1305).contains(&s.0))
                                .filter_map(|s| suite_crypto(*s))
                                .filter(|sc| sc.prf.output_len() == secret.len())
                                .filter_map(|sc| RecordCipher::tls13(sc, &secret))
                                .collect();
                        }
                    }
                } else {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        "ClientHello sent by the server side of the connection",
                        Span::EMPTY,
                    );
                }
            }
            Handshake::ServerHello(sh) => {
                if self.client_dir.is_none() {
                    self.client_dir = Some(dir ^ 1);
                }
                if self.client_dir == Some(dir) {
                    ctx.tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        "ServerHello sent by the client side of the connection",
                        Span::EMPTY,
                    );
                }
                // RFC 5246 §7.4.1.3: the suite is one the client offered.
                if let Some(offered) = &self.session.offered_suites {
                    if !offered.contains(&sh.cipher_suite) {
                        ctx.tb.expert(
                            Severity::Warning,
                            Group::Protocol,
                            format!(
                                "Server selected cipher suite {:#06x}, which the ClientHello did not offer",
                                sh.cipher_suite.0
                            ),
                            Span::EMPTY,
                        );
                    }
                }
                if sh.is_retry() {
                    return;
                }
                let s = &mut self.session;
                s.server_random = Some(sh.random);
                s.suite = Some(sh.cipher_suite);
                s.version = Some(sh.selected_version());
                s.etm = false;
                s.mux = false;
                s.alpn = None;
                for e in sh.extensions.iter().flatten() {
                    match e {
                        Extension::EncryptThenMac => s.etm = s.offered_etm,
                        Extension::DataMultiplexing { .. } => {
                            s.mux = s.offered_mux;
                            if !s.offered_mux {
                                ctx.tb.expert(
                                    Severity::Warning,
                                    Group::Protocol,
                                    "Server sent data_multiplexing that the client did not offer",
                                    Span::EMPTY,
                                );
                            }
                        }
                        Extension::Alpn(p) => s.alpn = p.first().map(|x| x.to_vec()),
                        _ => {}
                    }
                }
                self.check_alpn(ctx);
                self.app_chosen = false;
                self.setup_keys(ctx, info);
            }
            Handshake::EncryptedExtensions(exts) => {
                for e in exts {
                    match e {
                        Extension::Alpn(p) => self.session.alpn = p.first().map(|x| x.to_vec()),
                        Extension::DataMultiplexing { .. } => self.session.mux = self.session.offered_mux,
                        _ => {}
                    }
                }
                self.check_alpn(ctx);
            }
            Handshake::Finished(_) if self.is_tls13() => {
                let client = self.is_client(dir, info);
                self.session.finished[d] = true;
                let label = if client { keylog::CLIENT_TRAFFIC_SECRET_0 } else { keylog::SERVER_TRAFFIC_SECRET_0 };
                self.dirs[d].cipher = self.tls13_cipher(ctx, label);
            }
            Handshake::EndOfEarlyData => {
                if let Some(p) = self.dirs[d].pending.take() {
                    self.dirs[d].cipher = Some(p);
                }
            }
            Handshake::KeyUpdate(_) if self.is_tls13() => {
                let next = self.dirs[d].cipher.as_ref().and_then(|c| c.updated());
                self.dirs[d].cipher = next;
            }
            _ => {}
        }
    }

    /// RFC 7301 §3.2: the server selects one of the protocols the client offered.
    fn check_alpn(&self, ctx: &mut Ctx) {
        let (Some(sel), Some(offered)) = (&self.session.alpn, &self.session.offered_alpn) else { return };
        if !offered.contains(sel) {
            ctx.tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "Server selected ALPN protocol {:?}, which the ClientHello did not offer",
                    String::from_utf8_lossy(sel)
                ),
                Span::EMPTY,
            );
        }
    }

    fn tls13_cipher(&mut self, ctx: &mut Ctx, label: &str) -> Option<RecordCipher> {
        let kl = self.keylog(ctx)?;
        let cr = self.session.client_random?;
        let sc = suite_crypto(self.session.suite?)?;
        RecordCipher::tls13(sc, kl.get(label, &cr)?)
    }

    /// After the ServerHello: TLS 1.3 handshake keys now, or TLS 1.2 keys for the next
    /// ChangeCipherSpec of each direction.
    fn setup_keys(&mut self, ctx: &mut Ctx, info: &PduInfo) {
        let Some(cd) = self.client_dir.map(|c| (c & 1) as usize) else { return };
        let sd = cd ^ 1;
        let _ = info;
        if self.is_tls13() {
            let hs = self.tls13_cipher(ctx, keylog::CLIENT_HANDSHAKE_TRAFFIC_SECRET);
            self.dirs[cd].early.clear();
            if self.dirs[cd].cipher.is_some() {
                // 0-RTT in progress: the client switches after EndOfEarlyData.
                self.dirs[cd].pending = hs;
            } else {
                self.dirs[cd].cipher = hs;
            }
            self.dirs[sd].cipher = self.tls13_cipher(ctx, keylog::SERVER_HANDSHAKE_TRAFFIC_SECRET);
            self.dirs[cd].protected = true;
            self.dirs[sd].protected = true;
            return;
        }
        let (Some(kl), Some(cr), Some(sr), Some(suite)) =
            (self.keylog(ctx), self.session.client_random, self.session.server_random, self.session.suite)
        else {
            return;
        };
        let v = self.session.version.unwrap_or(ProtocolVersion::TLS1_2);
        let (Some(ms), Some(sc)) = (kl.get(keylog::CLIENT_RANDOM, &cr), suite_crypto(suite)) else { return };
        let etm = self.session.etm;
        if v == ProtocolVersion::TLS1_2 {
            self.dirs[cd].pending = Some(RecordCipher::tls12(sc, ms, &cr, &sr, true, etm));
            self.dirs[sd].pending = Some(RecordCipher::tls12(sc, ms, &cr, &sr, false, etm));
        } else if v == ProtocolVersion::TLS1_0 || v == ProtocolVersion::TLS1_1 {
            self.dirs[cd].pending = RecordCipher::tls10(sc, ms, &cr, &sr, true, etm, v);
            self.dirs[sd].pending = RecordCipher::tls10(sc, ms, &cr, &sr, false, etm, v);
        }
    }

    /// Whether bytes could start a record: content type, major version, and a length within
    /// bounds, as far as they go.
    fn could_start(d: &[u8]) -> bool {
        let ct_ok = d.first().is_none_or(|&c| (20..=24).contains(&c));
        let major_ok = d.get(1).is_none_or(|&v| v == 3);
        let minor_ok = d.get(2).is_none_or(|&v| v <= 4);
        let len_ok = match (d.get(3), d.get(4)) {
            (Some(&a), Some(&b)) => {
                let l = u16::from_be_bytes([a, b]) as usize;
                l > 0 && l <= MAX_CIPHERTEXT
            }
            _ => true,
        };
        ct_ok && major_ok && minor_ok && len_ok
    }
}

/// What an incomplete handshake message is, for labels.
fn pending_name(d: &[u8], tls13: bool) -> String {
    match d.first() {
        Some(&t) => handshake_name(HandshakeType(t), tls13),
        None => "Handshake".into(),
    }
}

/// A protected record without keys: tshark's "Encrypted ..." items.
fn opaque(ctx: &mut Ctx, ct: ContentType, fragment: Tvb<'_>, sum: &mut RecordSummary) {
    match ct {
        ContentType::HANDSHAKE => {
            ctx.tb.add_label(
                &hf::HANDSHAKE,
                fragment.all(),
                Value::None,
                "Handshake Protocol: Encrypted Handshake Message".into(),
            );
            sum.desc = "Handshake Protocol: Encrypted Handshake Message".into();
            sum.info.push("Encrypted Handshake Message".into());
        }
        ContentType::ALERT => {
            ctx.tb.add_label(&hf::ALERT, fragment.all(), Value::None, "Alert Message: Encrypted Alert".into());
            sum.desc = "Encrypted Alert".into();
            sum.info.push("Encrypted Alert".into());
        }
        _ => {
            ctx.tb.add_label(
                &hf::APP_DATA,
                fragment.all(),
                Value::Bytes(fragment.data.to_vec()),
                format!(
                    "Encrypted Application Data: {}",
                    crate::tree::display_value(&hf::APP_DATA, &Value::Bytes(fragment.data.to_vec()))
                ),
            );
            sum.desc = "Application Data Protocol: Application Data".into();
            sum.info.push("Application Data".into());
        }
    }
}

impl StreamProtocol for TlsConversation {
    /// RFC 5246 §6.2.1: a 5-byte header, then `length` bytes (at most 2^14 + 2048, §6.2.3).
    fn pdu_len(&self, data: &[u8]) -> PduLen {
        if is_sslv2_client_hello(data) {
            return match (data.first(), data.get(1)) {
                (Some(&a), Some(&b)) => PduLen::Len(2 + (u16::from_be_bytes([a & 0x7f, b]) as usize)),
                _ => PduLen::NeedAtLeast(2),
            };
        }
        if !Self::could_start(data) {
            return PduLen::Invalid;
        }
        match parse_record_header(data) {
            Ok((_, _, len)) => PduLen::Len(RECORD_HEADER_LEN + len),
            Err(ParseError::Truncated { .. }) => PduLen::NeedAtLeast(RECORD_HEADER_LEN),
            Err(_) => PduLen::Invalid,
        }
    }

    fn dissect_pdu(&mut self, ctx: &mut Ctx, tvb: Tvb, info: &PduInfo) {
        self.dissect_record(ctx, tvb, info);
    }

    /// The next offset where a whole record header is plausible (or the last bytes, which
    /// might start one).
    fn resync(&self, data: &[u8]) -> Option<usize> {
        (0..data.len())
            .find(|&i| data.get(i..).is_some_and(|d| Self::could_start(d) && (d.len() >= 5 || i + 5 > data.len())))
    }

    fn reassembled_name(&self) -> &'static str {
        "Reassembled TLS"
    }

    fn name(&self) -> &'static str {
        "TLS"
    }
}

/// The strict heuristic for TLS on any TCP port: the first bytes of a direction are a record
/// header with a content type of 20 to 23, a version from SSL 3.0 to TLS 1.3 and a length
/// from 1 to 2^14 + 2048; a handshake record must start with a ClientHello or ServerHello, a
/// ChangeCipherSpec record is the single byte 1, an alert record is 2 bytes or protected.
pub fn heuristic(d: &[u8]) -> bool {
    let Ok((ct, v, len)) = parse_record_header(d) else { return false };
    if len == 0 || !v.is_record_version() {
        return false;
    }
    match ct {
        ContentType::HANDSHAKE => match d.get(RECORD_HEADER_LEN) {
            Some(&t) => {
                let t = HandshakeType(t);
                if t != HandshakeType::CLIENT_HELLO && t != HandshakeType::SERVER_HELLO {
                    return false;
                }
                // The handshake length fits the record or goes on to the next ones.
                match d.get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + 4) {
                    Some(h) => {
                        let hl = u32::from_be_bytes([0, h[1], h[2], h[3]]) as usize;
                        (38..=MAX_HANDSHAKE_MESSAGE).contains(&hl)
                    }
                    None => true,
                }
            }
            None => true,
        },
        ContentType::CHANGE_CIPHER_SPEC => len == 1 && d.get(RECORD_HEADER_LEN).is_none_or(|&b| b == 1),
        ContentType::ALERT => len == 2 || len >= 18,
        ContentType::APPLICATION_DATA => true,
        _ => false,
    }
}
