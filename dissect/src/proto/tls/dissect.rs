//! The fields of one handshake message, alert or extension block, in tshark's layout.
//!
//! Each function walks the bytes with the wire module's `Reader`, adding every field with its
//! span as it goes; when a length does not hold, what was read stays in the tree and the error
//! becomes an expert info at the offset where it happened (honest partial results).

use super::hf;
use super::wire::{
    ClientKeyExchangeBody, ExtContext, Extension, HandshakeType, KeyExchange, ParseError, ParseOptions,
    ProtocolVersion, Reader, HRR_RANDOM,
};
use crate::tree::{FieldDef, Group, Node, Severity, Span, TreeBuilder, Tvb, Value};

/// A walker over one buffer view: a reader plus the view for spans.
struct W<'t, 'a> {
    tb: &'t mut TreeBuilder,
    tvb: Tvb<'a>,
    r: Reader<'a>,
}

impl<'a> W<'_, 'a> {
    fn span(&self, start: usize, len: usize) -> Span {
        self.tvb.span(start, start + len)
    }
    fn uint(&mut self, def: &'static FieldDef, n: usize, what: &'static str) -> Result<u64, ParseError> {
        let at = self.r.pos();
        let v = match n {
            1 => self.r.u8(what)? as u64,
            2 => self.r.u16(what)? as u64,
            3 => self.r.u24(what)? as u64,
            _ => self.r.u32(what)? as u64,
        };
        self.tb.add(def, self.span(at, n), Value::UInt(v));
        Ok(v)
    }
    fn bytes(&mut self, def: &'static FieldDef, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        let at = self.r.pos();
        let b = self.r.take(n, what)?;
        self.tb.add(def, self.span(at, n), Value::Bytes(b.to_vec()));
        Ok(b)
    }
    /// A length field, then that many bytes as `data` (when not empty).
    fn vec(
        &mut self,
        len_def: &'static FieldDef,
        data_def: &'static FieldDef,
        width: usize,
        what: &'static str,
    ) -> Result<&'a [u8], ParseError> {
        let n = self.uint(len_def, width, what)? as usize;
        if n == 0 {
            return Ok(&[]);
        }
        self.bytes(data_def, n, what)
    }
    fn open(&mut self, def: &'static FieldDef, start: usize, len: usize, label: String) {
        let s = self.span(start, len);
        self.tb.open_label(def, s, Value::None, label);
    }
    fn sig_hash_alg(&mut self) -> Result<(), ParseError> {
        let at = self.r.pos();
        let v = self.r.u16("signature algorithm")?;
        let s = self.span(at, 2);
        let mut n = Node::new(&hf::SIG_HASH_ALG, s, Value::UInt(v as u64));
        n.children.push(Node::new(&hf::SIG_HASH_HASH, self.span(at, 1), Value::UInt((v >> 8) as u64)));
        n.children.push(Node::new(&hf::SIG_HASH_SIG, self.span(at + 1, 1), Value::UInt((v & 0xff) as u64)));
        self.tb.add_node(n);
        Ok(())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Report a walk that stopped, in the layer being built.
fn report(tb: &mut TreeBuilder, tvb: Tvb<'_>, what: &str, e: &ParseError) {
    let s = tvb.span(e.offset(), tvb.len());
    tb.expert(Severity::Error, Group::Malformed, format!("{what}: {e}"), s);
}

/// tshark's name of a handshake message type, for labels and the info column.
pub fn handshake_name(ty: HandshakeType, tls13: bool) -> String {
    match ty.name() {
        Some("Hello Retry Request") if !tls13 => "Hello Retry Request".into(),
        Some(n) => n.to_string(),
        None => format!("Unknown Handshake Message ({})", ty.0),
    }
}

/// The handshake message at the start of `tvb` (header and body, exactly): the
/// `tls.handshake` subtree. `kex` says how key exchange messages read.
pub fn handshake(tb: &mut TreeBuilder, tvb: Tvb<'_>, opts: &ParseOptions, kex: KeyExchange, label: &str) {
    let depth = tb.depth();
    tb.open_label(&hf::HANDSHAKE, tvb.all(), Value::None, format!("Handshake Protocol: {label}"));
    let mut w = W { tb, tvb, r: Reader::new(tvb.data) };
    if let Err(e) = handshake_fields(&mut w, opts, kex) {
        report(w.tb, tvb, "handshake message", &e);
    } else if !w.r.is_empty() {
        let at = w.r.pos();
        let n = w.r.left();
        w.tb.expert(
            Severity::Error,
            Group::Malformed,
            format!("handshake message: {n} trailing bytes"),
            tvb.span(at, tvb.len()),
        );
    }
    tb_close(w.tb, depth);
}

fn tb_close(tb: &mut TreeBuilder, depth: usize) {
    tb.close_to(depth);
}

/// The body of a handshake message whose header was read elsewhere (DTLS, RFC 6347 §4.2.2):
/// `tvb` is exactly the body of a message of type `ty`. `cookie` gives the fields of the
/// ClientHello cookie DTLS adds after the session id (RFC 6347 §4.2.1): its length, its bytes.
pub(crate) fn handshake_body(
    tb: &mut TreeBuilder,
    tvb: Tvb<'_>,
    ty: HandshakeType,
    opts: &ParseOptions,
    kex: KeyExchange,
    cookie: Option<(&'static FieldDef, &'static FieldDef)>,
) {
    let depth = tb.depth();
    let mut w = W { tb, tvb, r: Reader::new(tvb.data) };
    if let Err(e) = body_fields(&mut w, ty, tvb.len(), opts, kex, cookie) {
        report(w.tb, tvb, "handshake message", &e);
    }
    tb_close(w.tb, depth);
}

fn handshake_fields(w: &mut W<'_, '_>, opts: &ParseOptions, kex: KeyExchange) -> Result<(), ParseError> {
    let ty = HandshakeType(w.uint(&hf::HS_TYPE, 1, "handshake type")? as u8);
    let len = w.uint(&hf::HS_LENGTH, 3, "handshake length")? as usize;
    let body_end = w.r.pos() + len;
    if body_end > w.tvb.len() {
        return Err(ParseError::Truncated {
            offset: 4,
            what: "handshake body",
            needed: len,
            available: w.tvb.len().saturating_sub(4),
        });
    }
    body_fields(w, ty, len, opts, kex, None)
}

/// The fields of a handshake body of `len` bytes starting at the reader's position.
fn body_fields(
    w: &mut W<'_, '_>,
    ty: HandshakeType,
    len: usize,
    opts: &ParseOptions,
    kex: KeyExchange,
    cookie: Option<(&'static FieldDef, &'static FieldDef)>,
) -> Result<(), ParseError> {
    let body_end = w.r.pos() + len;
    let tls13 = opts.version == ProtocolVersion::TLS1_3;
    match ty {
        HandshakeType::CLIENT_HELLO | HandshakeType::SERVER_HELLO => {
            let client = ty == HandshakeType::CLIENT_HELLO;
            w.uint(&hf::HS_VERSION, 2, "version")?;
            let at = w.r.pos();
            let random = w.r.array::<32>("random")?;
            let mut n = Node::new(&hf::RANDOM, w.span(at, 32), Value::Bytes(random.to_vec()));
            let t = u32::from_be_bytes([random[0], random[1], random[2], random[3]]);
            let mut time = Node::new(&hf::RANDOM_TIME, w.span(at, 4), Value::Time { secs: t as i64, nanos: 0 });
            time.label = Some(format!("GMT Unix Time: {}", utc_date(t as i64)));
            n.children.push(time);
            n.children.push(Node::new(&hf::RANDOM_BYTES, w.span(at + 4, 28), Value::Bytes(random[4..].to_vec())));
            if !(random == HRR_RANDOM || tls13) {
                w.tb.add_node(n);
            } else {
                n.children.clear();
                w.tb.add_node(n);
            }
            w.vec(&hf::SESSION_ID_LENGTH, &hf::SESSION_ID, 1, "session id")?;
            if let (true, Some((len_def, def))) = (client, cookie) {
                w.vec(len_def, def, 1, "cookie")?;
            }
            if client {
                let at = w.r.pos();
                let n = w.uint(&hf::CIPHER_SUITES_LENGTH, 2, "cipher suites length")? as usize;
                let d = w.r.take(n, "cipher suites")?;
                let count = n / 2;
                w.open(&hf::CIPHER_SUITES, at + 2, n, format!("Cipher Suites ({})", plural(count, "suite", "suites")));
                for (i, c) in d.chunks_exact(2).enumerate() {
                    let s = w.span(at + 2 + 2 * i, 2);
                    w.tb.add(&hf::CIPHER_SUITE, s, Value::UInt(u16::from_be_bytes([c[0], c[1]]) as u64));
                }
                w.tb.close();
                if n % 2 != 0 {
                    w.tb.expert(Severity::Error, Group::Malformed, "cipher suites length is odd", w.span(at, 2));
                }
                let at = w.r.pos();
                let n = w.uint(&hf::COMP_METHODS_LENGTH, 1, "compression methods length")? as usize;
                let d = w.r.take(n, "compression methods")?;
                w.open(
                    &hf::COMP_METHODS,
                    at + 1,
                    n,
                    format!("Compression Methods ({})", plural(n, "method", "methods")),
                );
                for (i, &m) in d.iter().enumerate() {
                    let s = w.span(at + 1 + i, 1);
                    w.tb.add(&hf::COMP_METHOD, s, Value::UInt(m as u64));
                }
                w.tb.close();
            } else {
                w.uint(&hf::CIPHER_SUITE, 2, "cipher suite")?;
                w.uint(&hf::COMP_METHOD, 1, "compression method")?;
            }
            if w.r.pos() < body_end {
                let ctx = if client {
                    ExtContext::ClientHello
                } else if random == HRR_RANDOM {
                    ExtContext::HelloRetryRequest
                } else {
                    ExtContext::ServerHello
                };
                extensions(w, ctx, opts)?;
            }
        }
        HandshakeType::NEW_SESSION_TICKET => {
            let at = w.r.pos();
            w.open(&hf::PARAMS, at, len, "TLS Session Ticket".into());
            let at = w.r.pos();
            let life = w.r.u32("ticket lifetime")?;
            let label = format!("Session Ticket Lifetime Hint: {life} seconds ({})", duration(life));
            let s = w.span(at, 4);
            w.tb.add_label(&hf::TICKET_LIFETIME_HINT, s, Value::UInt(life as u64), label);
            if tls13 {
                w.uint(&hf::TICKET_AGE_ADD, 4, "ticket age add")?;
                w.vec(&hf::TICKET_NONCE_LENGTH, &hf::TICKET_NONCE, 1, "ticket nonce")?;
            }
            w.vec(&hf::TICKET_LENGTH, &hf::TICKET, 2, "ticket")?;
            if tls13 {
                extensions(w, ExtContext::Other, opts)?;
            }
            w.tb.close();
        }
        HandshakeType::ENCRYPTED_EXTENSIONS => extensions(w, ExtContext::Other, opts)?,
        HandshakeType::CERTIFICATE => {
            if tls13 {
                w.vec(&hf::CERT_REQ_CTX_LEN, &hf::CERT_REQ_CTX, 1, "certificate request context")?;
            }
            let at = w.r.pos();
            let n = w.uint(&hf::CERTIFICATES_LENGTH, 3, "certificates length")? as usize;
            let end = at + 3 + n;
            if end > body_end {
                return Err(ParseError::Truncated {
                    offset: at,
                    what: "certificate list",
                    needed: n,
                    available: body_end.saturating_sub(at + 3),
                });
            }
            w.open(&hf::CERTIFICATES, at + 3, n, format!("Certificates ({n} bytes)"));
            while w.r.pos() < end {
                w.vec(&hf::CERTIFICATE_LENGTH, &hf::CERTIFICATE, 3, "certificate")?;
                if tls13 {
                    extensions(w, ExtContext::Other, opts)?;
                }
            }
            w.tb.close();
        }
        HandshakeType::SERVER_KEY_EXCHANGE => {
            let base = w.r.pos();
            let body = w.r.take(len, "server key exchange")?;
            let mut sub = W { tb: &mut *w.tb, tvb: w.tvb.sub(base, base + len), r: Reader::new(body) };
            let r = match kex {
                KeyExchange::Ecdhe => server_ecdhe(&mut sub, opts),
                KeyExchange::Dhe => server_dhe(&mut sub, opts),
                _ => {
                    let s = sub.span(0, len);
                    sub.tb.add_label(&hf::PARAMS, s, Value::None, format!("Key exchange parameters ({len} bytes)"));
                    Ok(())
                }
            };
            if let Err(e) = r {
                report(sub.tb, sub.tvb, "server key exchange", &e);
            }
        }
        HandshakeType::CERTIFICATE_REQUEST => {
            if tls13 {
                w.vec(&hf::CERT_REQ_CTX_LEN, &hf::CERT_REQ_CTX, 1, "certificate request context")?;
                extensions(w, ExtContext::Other, opts)?;
            } else {
                let at = w.r.pos();
                let n = w.uint(&hf::CERT_TYPES_COUNT, 1, "certificate types")? as usize;
                let d = w.r.take(n, "certificate types")?;
                w.open(&hf::CERT_TYPES, at + 1, n, format!("Certificate types ({})", plural(n, "type", "types")));
                for (i, &t) in d.iter().enumerate() {
                    let s = w.span(at + 1 + i, 1);
                    w.tb.add(&hf::CERT_TYPE, s, Value::UInt(t as u64));
                }
                w.tb.close();
                if opts.version.0 >= 0x0303 {
                    sig_algs(w)?;
                }
                let at = w.r.pos();
                let n = w.uint(&hf::DNAMES_LEN, 2, "distinguished names length")? as usize;
                let end = at + 2 + n;
                if n > 0 {
                    w.open(&hf::DNAMES, at + 2, n, format!("Distinguished Names ({n} bytes)"));
                    while w.r.pos() < end {
                        let at = w.r.pos();
                        let l = w.uint(&hf::DNAME_LEN, 2, "distinguished name length")? as usize;
                        w.r.take(l, "distinguished name")?;
                        let s = w.span(at + 2, l);
                        w.tb.add(&hf::DNAME, s, Value::None);
                    }
                    w.tb.close();
                }
            }
        }
        HandshakeType::CERTIFICATE_VERIFY => {
            if opts.version.0 >= 0x0303 {
                w.sig_hash_alg()?;
            }
            w.vec(&hf::CERT_VERIFY_SIG_LEN, &hf::CERT_VERIFY_SIG, 2, "signature")?;
        }
        HandshakeType::CLIENT_KEY_EXCHANGE => {
            let at = w.r.pos();
            let body = w.r.take(len, "client key exchange")?;
            let params = |tb: &mut TreeBuilder, label: &str| {
                tb.open_label(&hf::PARAMS, w.tvb.span(at, at + len), Value::None, label.to_string());
            };
            match ClientKeyExchangeBody::parse(body, kex) {
                Ok(ClientKeyExchangeBody::Ecdh(p)) => {
                    params(w.tb, "EC Diffie-Hellman Client Params");
                    w.tb.add(&hf::CLIENT_POINT_LEN, w.tvb.span(at, at + 1), Value::UInt(p.len() as u64));
                    w.tb.add(&hf::CLIENT_POINT, w.tvb.span(at + 1, at + 1 + p.len()), Value::Bytes(p.to_vec()));
                    w.tb.close();
                }
                Ok(ClientKeyExchangeBody::Rsa(p)) => {
                    params(w.tb, "RSA Encrypted PreMaster Secret");
                    w.tb.add(&hf::EPMS_LEN, w.tvb.span(at, at + 2), Value::UInt(p.len() as u64));
                    w.tb.add(&hf::EPMS, w.tvb.span(at + 2, at + 2 + p.len()), Value::Bytes(p.to_vec()));
                    w.tb.close();
                }
                Ok(ClientKeyExchangeBody::Dh(p)) => {
                    params(w.tb, "Diffie-Hellman Client Params");
                    w.tb.add(&hf::YC_LEN, w.tvb.span(at, at + 2), Value::UInt(p.len() as u64));
                    w.tb.add(&hf::YC, w.tvb.span(at + 2, at + 2 + p.len()), Value::Bytes(p.to_vec()));
                    w.tb.close();
                }
                Err(e) if !matches!(kex, KeyExchange::Other | KeyExchange::Tls13) => {
                    return Err(e.shift(at));
                }
                Err(_) => {
                    let s = w.tvb.span(at, at + len);
                    w.tb.add_label(&hf::PARAMS, s, Value::None, format!("Key exchange parameters ({len} bytes)"));
                }
            }
        }
        HandshakeType::FINISHED => {
            let at = w.r.pos();
            w.r.take(len, "verify data")?;
            let s = w.span(at, len);
            w.tb.add(&hf::VERIFY_DATA, s, Value::None);
        }
        HandshakeType::KEY_UPDATE => {
            w.uint(&hf::KEY_UPDATE, 1, "request update")?;
        }
        _ => {
            // HelloRequest, ServerHelloDone, EndOfEarlyData: empty; unknown types: bytes.
            if len > 0 {
                let at = w.r.pos();
                w.r.take(len, "handshake body")?;
                let s = w.span(at, len);
                w.tb.add(&hf::HANDSHAKE, s, Value::None);
                if ty.name().is_some()
                    && matches!(
                        ty,
                        HandshakeType::HELLO_REQUEST
                            | HandshakeType::SERVER_HELLO_DONE
                            | HandshakeType::END_OF_EARLY_DATA
                    )
                {
                    w.tb.expert(Severity::Warning, Group::Malformed, format!("{len} bytes in an empty message"), s);
                }
            }
        }
    }
    if w.r.pos() < body_end {
        return Err(ParseError::Trailing { offset: w.r.pos(), what: "handshake message", count: body_end - w.r.pos() });
    }
    Ok(())
}

/// A time as tshark writes UTC dates: `Apr  3, 2011 15:36:47.000000000 UTC`.
pub fn utc_date(secs: i64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = MONTHS.get((month - 1) as usize).copied().unwrap_or("?");
    format!("{name} {day:>2}, {year} {:02}:{:02}:{:02}.000000000 UTC", rem / 3600, (rem / 60) % 60, rem % 60)
}

fn duration(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} hour{}", if h == 1 { "" } else { "s" }));
    }
    if m > 0 {
        parts.push(format!("{m} minute{}", if m == 1 { "" } else { "s" }));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} second{}", if s == 1 { "" } else { "s" }));
    }
    parts.join(", ")
}

fn sig_algs(w: &mut W<'_, '_>) -> Result<(), ParseError> {
    let at = w.r.pos();
    let n = w.uint(&hf::SIG_HASH_ALG_LEN, 2, "signature algorithms length")? as usize;
    if n > w.r.left() {
        return Err(ParseError::Truncated {
            offset: at + 2,
            what: "signature algorithms",
            needed: n,
            available: w.r.left(),
        });
    }
    w.open(
        &hf::SIG_HASH_ALGS,
        at + 2,
        n,
        format!("Signature Hash Algorithms ({})", plural(n / 2, "algorithm", "algorithms")),
    );
    for _ in 0..n / 2 {
        w.sig_hash_alg()?;
    }
    w.tb.close();
    if n % 2 != 0 {
        w.r.take(1, "signature algorithms")?;
        w.tb.expert(Severity::Error, Group::Malformed, "signature algorithms length is odd", w.span(at, 2));
    }
    Ok(())
}

fn signature(w: &mut W<'_, '_>, opts: &ParseOptions) -> Result<(), ParseError> {
    if w.r.is_empty() {
        return Ok(());
    }
    if opts.version.0 >= 0x0303 {
        w.sig_hash_alg()?;
    }
    w.vec(&hf::SIG_LEN, &hf::SIG, 2, "signature")?;
    Ok(())
}

/// RFC 8422 §5.4 ServerECDHParams and signature.
fn server_ecdhe(w: &mut W<'_, '_>, opts: &ParseOptions) -> Result<(), ParseError> {
    let len = w.tvb.len();
    w.open(&hf::PARAMS, 0, len, "EC Diffie-Hellman Server Params".into());
    let ct = w.uint(&hf::SERVER_CURVE_TYPE, 1, "curve type")?;
    if ct != super::wire::NAMED_CURVE as u64 {
        w.tb.close();
        return Err(ParseError::BadValue { offset: 0, what: "curve type", found: ct, expected: "named_curve (3)" });
    }
    w.uint(&hf::SERVER_NAMED_CURVE, 2, "named curve")?;
    w.vec(&hf::SERVER_POINT_LEN, &hf::SERVER_POINT, 1, "public point")?;
    signature(w, opts)?;
    w.tb.close();
    w.r.end("server key exchange")
}

/// RFC 5246 §7.4.3 ServerDHParams and signature.
fn server_dhe(w: &mut W<'_, '_>, opts: &ParseOptions) -> Result<(), ParseError> {
    let len = w.tvb.len();
    w.open(&hf::PARAMS, 0, len, "Diffie-Hellman Server Params".into());
    w.vec(&hf::P_LEN, &hf::P, 2, "dh_p")?;
    w.vec(&hf::G_LEN, &hf::G, 2, "dh_g")?;
    w.vec(&hf::YS_LEN, &hf::YS, 2, "dh_Ys")?;
    signature(w, opts)?;
    w.tb.close();
    w.r.end("server key exchange")
}

/// An extension block with its length (RFC 5246 §7.4.1.4).
fn extensions(w: &mut W<'_, '_>, ctx: ExtContext, opts: &ParseOptions) -> Result<(), ParseError> {
    let at = w.r.pos();
    let n = w.uint(&hf::EXTENSIONS_LENGTH, 2, "extensions length")? as usize;
    let end = at + 2 + n;
    if n > w.r.left() {
        return Err(ParseError::Truncated { offset: at + 2, what: "extensions", needed: n, available: w.r.left() });
    }
    while w.r.pos() < end {
        let start = w.r.pos();
        if end - start < 4 {
            return Err(ParseError::Truncated {
                offset: start,
                what: "extension header",
                needed: 4,
                available: end - start,
            });
        }
        let ty = w.r.u16("extension type")?;
        let elen = w.r.u16("extension length")? as usize;
        if start + 4 + elen > end {
            return Err(ParseError::Truncated {
                offset: start + 4,
                what: "extension data",
                needed: elen,
                available: end - start - 4,
            });
        }
        let data = w.r.take(elen, "extension data")?;
        let name = if ty == opts.mux_ext_type {
            "data_multiplexing".to_string()
        } else {
            super::wire::ExtensionType(ty).name().map_or_else(|| format!("Unknown type {ty}"), str::to_string)
        };
        w.open(&hf::EXTENSION, start, 4 + elen, format!("Extension: {name} (len={elen})"));
        let s = w.span(start, 2);
        w.tb.add(&hf::EXT_TYPE, s, Value::UInt(ty as u64));
        let s = w.span(start + 2, 2);
        w.tb.add(&hf::EXT_LEN, s, Value::UInt(elen as u64));
        let body_tvb = w.tvb.sub(start + 4, start + 4 + elen);
        match Extension::read_body(ty, data, ctx, opts) {
            Ok(e) => extension_body(w.tb, body_tvb, &e),
            Err(e) => {
                if elen > 0 {
                    w.tb.add(&hf::EXT_DATA, body_tvb.all(), Value::Bytes(data.to_vec()));
                }
                w.tb.expert(
                    Severity::Warning,
                    Group::Malformed,
                    format!("{name} extension: {e}"),
                    body_tvb.span(e.offset(), elen),
                );
            }
        }
        w.tb.close();
    }
    Ok(())
}

/// The fields of one extension's body (`tvb` is exactly the body).
fn extension_body(tb: &mut TreeBuilder, tvb: Tvb<'_>, e: &Extension<'_>) {
    let sp = |a: usize, b: usize| tvb.span(a, b);
    let u = |v: usize| Value::UInt(v as u64);
    match e {
        Extension::ServerName(list) => {
            tb.open_label(&hf::EXTENSION, tvb.all(), Value::None, "Server Name Indication extension".into());
            tb.add(&hf::SNI_LIST_LEN, sp(0, 2), u(tvb.len().saturating_sub(2)));
            let mut o = 2;
            for n in list {
                tb.add(&hf::SNI_TYPE, sp(o, o + 1), u(n.name_type as usize));
                tb.add(&hf::SNI_LEN, sp(o + 1, o + 3), u(n.name.len()));
                tb.add(&hf::SNI, sp(o + 3, o + 3 + n.name.len()), Value::Str(String::from_utf8_lossy(n.name).into()));
                o += 3 + n.name.len();
            }
            tb.close();
        }
        Extension::Alpn(list) => {
            tb.add(&hf::ALPN_LEN, sp(0, 2), u(tvb.len().saturating_sub(2)));
            tb.open_label(&hf::ALPN_LIST, sp(2, tvb.len()), Value::None, "ALPN Protocol".into());
            let mut o = 2;
            for p in list {
                tb.add(&hf::ALPN_STR_LEN, sp(o, o + 1), u(p.len()));
                tb.add(&hf::ALPN_STR, sp(o + 1, o + 1 + p.len()), Value::Str(String::from_utf8_lossy(p).into()));
                o += 1 + p.len();
            }
            tb.close();
        }
        Extension::SupportedVersions(v) => {
            tb.add(&hf::SUPPORTED_VERSIONS_LEN, sp(0, 1), u(2 * v.len()));
            for (i, x) in v.iter().enumerate() {
                tb.add(&hf::SUPPORTED_VERSION, sp(1 + 2 * i, 3 + 2 * i), u(x.0 as usize));
            }
        }
        Extension::SelectedVersion(x) => tb.add(&hf::SUPPORTED_VERSION, sp(0, 2), u(x.0 as usize)),
        Extension::KeyShareClient(v) => {
            tb.open_label(&hf::EXTENSION, tvb.all(), Value::None, "Key Share extension".into());
            tb.add(&hf::KEY_SHARE_CLIENT_LENGTH, sp(0, 2), u(tvb.len().saturating_sub(2)));
            let mut o = 2;
            for k in v {
                key_share_entry(tb, tvb, o, k);
                o += 4 + k.key_exchange.len();
            }
            tb.close();
        }
        Extension::KeyShareServer(k) => {
            tb.open_label(&hf::EXTENSION, tvb.all(), Value::None, "Key Share extension".into());
            key_share_entry(tb, tvb, 0, k);
            tb.close();
        }
        Extension::KeyShareRetry(g) => {
            tb.open_label(&hf::EXTENSION, tvb.all(), Value::None, "Key Share extension".into());
            tb.add(&hf::KEY_SHARE_SELECTED_GROUP, sp(0, 2), u(g.0 as usize));
            tb.close();
        }
        Extension::SupportedGroups(v) => {
            tb.add(&hf::SUPPORTED_GROUPS_LENGTH, sp(0, 2), u(2 * v.len()));
            let label = format!("Supported Groups ({})", plural(v.len(), "group", "groups"));
            tb.open_label(&hf::SUPPORTED_GROUPS, sp(2, tvb.len()), Value::None, label);
            for (i, g) in v.iter().enumerate() {
                tb.add(&hf::SUPPORTED_GROUP, sp(2 + 2 * i, 4 + 2 * i), u(g.0 as usize));
            }
            tb.close();
        }
        Extension::SignatureAlgorithms(v) => {
            tb.add(&hf::SIG_HASH_ALG_LEN, sp(0, 2), u(2 * v.len()));
            let label = format!("Signature Hash Algorithms ({})", plural(v.len(), "algorithm", "algorithms"));
            tb.open_label(&hf::SIG_HASH_ALGS, sp(2, tvb.len()), Value::None, label);
            for (i, a) in v.iter().enumerate() {
                let o = 2 + 2 * i;
                let mut n = Node::new(&hf::SIG_HASH_ALG, sp(o, o + 2), u(a.0 as usize));
                n.children.push(Node::new(&hf::SIG_HASH_HASH, sp(o, o + 1), u((a.0 >> 8) as usize)));
                n.children.push(Node::new(&hf::SIG_HASH_SIG, sp(o + 1, o + 2), u((a.0 & 0xff) as usize)));
                tb.add_node(n);
            }
            tb.close();
        }
        Extension::EcPointFormats(f) => {
            tb.add(&hf::EC_POINT_FORMATS_LENGTH, sp(0, 1), u(f.len()));
            let label = format!("Elliptic curves point formats ({})", f.len());
            tb.open_label(&hf::EC_POINT_FORMATS, sp(1, tvb.len()), Value::None, label);
            for (i, &x) in f.iter().enumerate() {
                tb.add(&hf::EC_POINT_FORMAT, sp(1 + i, 2 + i), u(x as usize));
            }
            tb.close();
        }
        Extension::RenegotiationInfo(d) => {
            tb.open_label(&hf::EXTENSION, tvb.all(), Value::None, "Renegotiation Info extension".into());
            tb.add(&hf::RENEG_INFO_LEN, sp(0, 1), u(d.len()));
            if !d.is_empty() {
                tb.add(&hf::RENEG_INFO, sp(1, tvb.len()), Value::Bytes(d.to_vec()));
            }
            tb.close();
        }
        Extension::SessionTicket(d) => {
            let label = format!("Data ({} bytes)", d.len());
            tb.add_label(&hf::EXT_DATA, tvb.all(), Value::Bytes(d.to_vec()), label);
        }
        Extension::DataMultiplexing { .. } => {
            tb.add_label(
                &hf::EXT_DATA_MULTIPLEXING,
                tvb.all(),
                Value::None,
                "MTA-TLS data multiplexing requested/accepted".into(),
            );
        }
        Extension::EncryptThenMac | Extension::ExtendedMasterSecret | Extension::ServerNameAck => {}
        // `delegated_credentials` (RFC 9345 §4.1.1) and `signature_algorithms_cert` (RFC 8446
        // §4.2.3) in a hello hold a signature scheme list like `signature_algorithms`.
        Extension::Unknown { ty, data }
            if (ty.0 == 34 || ty.0 == 50)
                && data.len() >= 4
                && u16::from_be_bytes([data[0], data[1]]) as usize == data.len() - 2
                && data.len() % 2 == 0 =>
        {
            let v: Vec<super::wire::SignatureScheme> = data[2..]
                .chunks_exact(2)
                .map(|c| super::wire::SignatureScheme(u16::from_be_bytes([c[0], c[1]])))
                .collect();
            extension_body(tb, tvb, &Extension::SignatureAlgorithms(v));
        }
        // `psk_key_exchange_modes` (RFC 8446 §4.2.9): `PskKeyExchangeMode ke_modes<1..255>`.
        Extension::Unknown { ty, data } if ty.0 == 45 && !data.is_empty() && data[0] as usize == data.len() - 1 => {
            tb.add(&hf::PSK_KE_MODES_LENGTH, sp(0, 1), u(data.len() - 1));
            for (i, &m) in data[1..].iter().enumerate() {
                tb.add(&hf::PSK_KE_MODE, sp(1 + i, 2 + i), u(m as usize));
            }
        }
        Extension::Unknown { data, .. } => {
            if !data.is_empty() {
                tb.add(&hf::EXT_DATA, tvb.all(), Value::Bytes(data.to_vec()));
            }
        }
    }
}

fn key_share_entry(tb: &mut TreeBuilder, tvb: Tvb<'_>, o: usize, k: &super::wire::KeyShareEntry<'_>) {
    let n = k.key_exchange.len();
    tb.add(&hf::KEY_SHARE_GROUP, tvb.span(o, o + 2), Value::UInt(k.group.0 as u64));
    tb.add(&hf::KEY_SHARE_KE_LENGTH, tvb.span(o + 2, o + 4), Value::UInt(n as u64));
    tb.add(&hf::KEY_SHARE_KE, tvb.span(o + 4, o + 4 + n), Value::Bytes(k.key_exchange.to_vec()));
}
