//! The `gist` layer of one message: every field of Appendix A with its bytes, and the checks of
//! G4 (flags against the message type, AB=11, MRI flag-field constraints) and the catalogue's
//! other per-message errors as expert infos naming the error a node returns.

use std::net::IpAddr;

use super::hf;
use super::wire::{
    pad_len, parse_lax, Ab, AiType, AiValue, EmbeddedMri, ErrorCode, ErrorObject, Header, MaOptionsData, MaProtocolId,
    Mri, MriMethod, MsgType, NatTraversal, Nli, Object, ObjectType, ObjectValue, Scd, StackProposal, HEADER_LEN, MAGIC,
    OBJECT_HEADER_LEN, VERSION,
};
use crate::tree::{Group, Severity, Span, TreeBuilder, Tvb, Value};

/// What carried the message (G1, G2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// D-mode (or Q-mode) over UDP: the magic number comes first.
    Udp,
    /// C-mode over TCP: messages follow each other on the byte stream.
    Tcp,
    /// C-mode over TLS over TCP (decrypted application data).
    Tls,
    /// C-mode over SCTP: one message per user message.
    Sctp,
    /// C-mode over DTLS: one message per record.
    Dtls,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Sctp => "SCTP",
            Transport::Dtls => "DTLS",
        }
    }
    pub fn is_cmode(self) -> bool {
        self != Transport::Udp
    }
}

/// The mode of a message: Q-mode (UDP with the C-flag: a Query or Q-mode Data, §5.3.2),
/// D-mode (other UDP), C-mode over the transport.
pub fn mode(t: Transport, h: &Header) -> String {
    match t {
        Transport::Udp if h.c => "Q-mode".into(),
        Transport::Udp => "D-mode".into(),
        t => format!("C-mode ({})", t.name()),
    }
}

/// Malformed findings: the first becomes the `[Malformed Packet]` marker at the end of the
/// layer; later ones are expert infos where they occur.
#[derive(Debug, Default)]
pub(crate) struct Malformed {
    pub(crate) first: Option<(String, Span)>,
}

impl Malformed {
    fn raise(&mut self, tb: &mut TreeBuilder, msg: String, span: Span) {
        if self.first.is_none() {
            self.first = Some((msg, span));
        } else {
            tb.expert(Severity::Error, Group::Malformed, msg, span);
        }
    }
}

/// A G4 (or catalogue) finding: a warning that names the error a node returns.
fn violation(tb: &mut TreeBuilder, what: &str, code: ErrorCode, sub: Option<u8>, span: Span) {
    let err = match sub {
        Some(s) => format!(
            "{} ({}), subcode {} ({})",
            code.name().unwrap_or("?"),
            code.0,
            s,
            code.subcode_name(s).unwrap_or("?")
        ),
        None => format!("{} ({})", code.name().unwrap_or("?"), code.0),
    };
    tb.expert(Severity::Warning, Group::Protocol, format!("{what}: a node returns {err} (G4)"), span);
}

/// The facts the conversation layer needs from one message.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub header: Header,
    pub session_id: Option<[u8; 16]>,
    pub query_cookie: Option<Vec<u8>>,
    pub responder_cookie: Option<Vec<u8>>,
    pub hello_id: Option<u32>,
    /// The NLI's interface address.
    pub interface: Option<IpAddr>,
    /// Associations a Response's Stack-Proposal and SCD announce: (MA protocol stack top
    /// to bottom, port).
    pub announced: Vec<(Vec<MaProtocolId>, u16)>,
    /// The info column text.
    pub info: String,
}

/// Dissect one message's bytes (from its magic number over UDP, from its common header
/// otherwise) into an open `gist` layer; the layer is left open for the conversation's fields.
/// Returns what was read, or `None` when not even the header is there.
pub(crate) fn add_message(tb: &mut TreeBuilder, tvb: Tvb<'_>, t: Transport, mal: &mut Malformed) -> Option<Summary> {
    let mut msg = tvb;
    if t == Transport::Udp {
        match tvb.data.get(..4) {
            Some(m) => {
                let v = u32::from_be_bytes([m[0], m[1], m[2], m[3]]);
                tb.add_uint(&hf::MAGIC, tvb.span(0, 4), v as u64);
                if v != MAGIC {
                    mal.raise(
                        tb,
                        format!("Magic number 0x{v:08x}, not 0x{MAGIC:08x}: not a GIST message (G1)"),
                        tvb.span(0, 4),
                    );
                    return None;
                }
            }
            None => {
                mal.raise(tb, "Datagram too short for the magic number (G1)".into(), tvb.all());
                return None;
            }
        }
        msg = tvb.from(4);
    }
    let lax = match parse_lax(msg.data) {
        Ok(l) => l,
        Err(e) => {
            mal.raise(tb, format!("Common header: {e}"), msg.all());
            return None;
        }
    };
    let h = lax.header;
    add_header(tb, msg, &h, t);
    let mut sum = Summary { header: h, ..Summary::default() };
    let tname = h.msg_type.name().map_or_else(|| format!("Unknown type {}", h.msg_type.0), str::to_string);
    let mut seen: Vec<ObjectType> = Vec::new();
    for (off, o) in &lax.objects {
        let wire = o.wire_len();
        let otvb = msg.sub(*off, off + wire);
        add_object(tb, otvb, o, mal, &mut sum);
        if seen.contains(&o.ty) {
            violation(
                tb,
                &format!("{} appears more than once", obj_name(o.ty)),
                ErrorCode::OBJECT_TYPE_ERROR,
                Some(0),
                otvb.span(0, OBJECT_HEADER_LEN),
            );
        } else {
            seen.push(o.ty);
        }
    }
    if let Some(e) = &lax.error {
        let at = match e {
            super::wire::ParseError::Truncated { offset, .. } => *offset,
            _ => HEADER_LEN,
        };
        mal.raise(tb, format!("{e}"), msg.span(at, msg.len()));
    }
    let used = HEADER_LEN + lax.body_len;
    if used < msg.len() {
        let extra = msg.len() - used;
        tb.add(&hf::OBJECT_VALUE, msg.span(used, msg.len()), Value::Bytes(msg.data[used..].to_vec()));
        violation(
            tb,
            &format!("{extra} bytes after the {} bytes the Message Length says", used),
            ErrorCode::COMMON_HEADER_PARSE_ERROR,
            Some(3),
            msg.span(used, msg.len()),
        );
    }
    check_header(tb, msg, &h, t, &seen, &lax.objects);
    check_objects(tb, msg, &h, &lax.objects);
    let objs: Vec<Object<'_>> = lax.objects.iter().map(|(_, o)| o.clone()).collect();
    sum.announced = announced(&objs);
    sum.info = info(&tname, &h, &sum);
    Some(sum)
}

fn obj_name(t: ObjectType) -> String {
    t.name().map_or_else(|| format!("Object type {}", t.0), str::to_string)
}

fn info(tname: &str, h: &Header, s: &Summary) -> String {
    let mut v = tname.to_string();
    if h.r {
        v.push_str(" (R)");
    }
    if let Some(sid) = &s.session_id {
        v.push_str(&format!(" SID={}", hex(&sid[..4])));
    }
    v.push_str(&format!(" NSLPID={}", h.nslpid));
    v
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn add_header(tb: &mut TreeBuilder, m: Tvb<'_>, h: &Header, t: Transport) {
    tb.add_uint(&hf::VERSION, m.span(0, 1), h.version as u64);
    tb.add_uint(&hf::HOPS, m.span(1, 2), h.hops as u64);
    tb.add_label(
        &hf::LENGTH,
        m.span(2, 4),
        Value::UInt(h.length as u64),
        format!("Message Length: {} words ({} bytes)", h.length, 4 * h.length as usize),
    );
    tb.add_uint(&hf::NSLPID, m.span(4, 6), h.nslpid as u64);
    tb.add(&hf::FLAGS_C, m.span(6, 7), Value::Bool(h.c));
    tb.add_uint(&hf::TYPE, m.span(6, 7), h.msg_type.0 as u64);
    tb.add(&hf::FLAGS_S, m.span(7, 8), Value::Bool(h.s));
    tb.add(&hf::FLAGS_R, m.span(7, 8), Value::Bool(h.r));
    tb.add(&hf::FLAGS_E, m.span(7, 8), Value::Bool(h.e));
    tb.add_uint(&hf::FLAGS_RESERVED, m.span(7, 8), h.reserved as u64);
    tb.add_generated(&hf::MODE, Span::EMPTY, Value::Str(mode(t, h)));
}

fn check_header(
    tb: &mut TreeBuilder,
    m: Tvb<'_>,
    h: &Header,
    t: Transport,
    seen: &[ObjectType],
    objects: &[(usize, Object<'_>)],
) {
    let hs = m.span(0, HEADER_LEN);
    let ty = h.msg_type;
    if h.version != VERSION {
        violation(tb, &format!("Version {}", h.version), ErrorCode::COMMON_HEADER_PARSE_ERROR, Some(0), m.span(0, 1));
    }
    if ty.name().is_none() {
        violation(tb, &format!("Message type {}", ty.0), ErrorCode::COMMON_HEADER_PARSE_ERROR, Some(1), m.span(6, 7));
    }
    if h.hops == 0 {
        violation(tb, "GIST hop count of zero", ErrorCode::HOP_LIMIT_EXCEEDED, None, m.span(1, 2));
    }
    if h.reserved != 0 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("Reserved header bits 0x{:02x} set (Appendix A: sent as 0, ignored)", h.reserved),
            m.span(7, 8),
        );
    }
    // R-flag (A.1).
    let has = |o: ObjectType| seen.contains(&o);
    if ty == MsgType::QUERY && !h.r {
        violation(tb, "Query without the R-flag", ErrorCode::COMMON_HEADER_PARSE_ERROR, Some(2), m.span(7, 8));
    }
    if matches!(ty, MsgType::CONFIRM | MsgType::DATA | MsgType::ERROR) && h.r {
        violation(
            tb,
            &format!("R-flag set in a {}", ty.name().unwrap_or("?")),
            ErrorCode::COMMON_HEADER_PARSE_ERROR,
            Some(2),
            m.span(7, 8),
        );
    }
    if ty == MsgType::RESPONSE && has(ObjectType::RESPONDER_COOKIE) && !h.r {
        violation(
            tb,
            "Response with a Responder-Cookie but without the R-flag",
            ErrorCode::COMMON_HEADER_PARSE_ERROR,
            Some(2),
            m.span(7, 8),
        );
    }
    // E-flag (A.1).
    if h.e && ty != MsgType::DATA {
        violation(
            tb,
            &format!("E-flag set in a {}", ty.name().unwrap_or("non-Data message")),
            ErrorCode::COMMON_HEADER_PARSE_ERROR,
            Some(4),
            m.span(7, 8),
        );
    }
    // C-flag (A.4.4.1 subcode 5): set on Query and Q-mode Data only.
    let c_ok = match ty {
        MsgType::QUERY => h.c,
        MsgType::DATA => !(h.c && t.is_cmode()),
        _ => !h.c,
    };
    if !c_ok {
        let what = if ty == MsgType::QUERY {
            "Query without the C-flag".to_string()
        } else {
            format!(
                "C-flag set in a {}{}",
                ty.name().unwrap_or("message"),
                if t.is_cmode() { " over C-mode" } else { "" }
            )
        };
        violation(tb, &what, ErrorCode::COMMON_HEADER_PARSE_ERROR, Some(5), m.span(6, 7));
    }
    // Encapsulation (§5.3, A.4.4.3): a Query is never sent over an MA.
    if t.is_cmode() && ty == MsgType::QUERY {
        violation(tb, "Query over a messaging association", ErrorCode::INCORRECT_ENCAPSULATION, None, hs);
    }
    if !t.is_cmode() && ty == MsgType::MA_HELLO {
        violation(tb, "MA-Hello outside a messaging association", ErrorCode::INCORRECT_ENCAPSULATION, None, hs);
    }
    // Mandatory objects (§5.2.1 message formats, A.4.4.9 subcode 2).
    let need: &[ObjectType] = match ty {
        MsgType::QUERY => &[ObjectType::MRI, ObjectType::SESSION_ID, ObjectType::NLI, ObjectType::QUERY_COOKIE],
        MsgType::RESPONSE => &[ObjectType::MRI, ObjectType::SESSION_ID, ObjectType::NLI, ObjectType::QUERY_COOKIE],
        MsgType::CONFIRM => &[ObjectType::MRI, ObjectType::SESSION_ID, ObjectType::NLI],
        MsgType::DATA => &[ObjectType::MRI, ObjectType::SESSION_ID, ObjectType::NSLP_DATA],
        MsgType::ERROR => &[ObjectType::ERROR],
        MsgType::MA_HELLO => &[ObjectType::HELLO_ID],
        _ => &[],
    };
    let missing: Vec<String> = need.iter().filter(|o| !has(**o)).map(|o| obj_name(*o)).collect();
    if !missing.is_empty() {
        violation(
            tb,
            &format!("{} without {}", ty.name().unwrap_or("message"), missing.join(", ")),
            ErrorCode::OBJECT_TYPE_ERROR,
            Some(2),
            hs,
        );
    }
    // Stack-Proposal and SCD go together (§5.7.1, A.4.4.9 subcode 2).
    if has(ObjectType::STACK_PROPOSAL) != has(ObjectType::SCD) {
        violation(
            tb,
            "Stack-Proposal without Stack-Configuration-Data, or the reverse",
            ErrorCode::OBJECT_TYPE_ERROR,
            Some(2),
            hs,
        );
    }
    // Objects out of place (A.4.4.9 subcode 3).
    let allowed: Option<&[ObjectType]> = match ty {
        MsgType::MA_HELLO => Some(&[ObjectType::HELLO_ID]),
        MsgType::ERROR => Some(&[ObjectType::NLI, ObjectType::ERROR]),
        MsgType::DATA => Some(&[
            ObjectType::NAT_TRAVERSAL,
            ObjectType::MRI,
            ObjectType::SESSION_ID,
            ObjectType::NLI,
            ObjectType::NSLP_DATA,
        ]),
        _ => None,
    };
    if let Some(allowed) = allowed {
        for (off, o) in objects {
            if o.ty.name().is_some() && !allowed.contains(&o.ty) {
                violation(
                    tb,
                    &format!("{} in a {}", obj_name(o.ty), ty.name().unwrap_or("message")),
                    ErrorCode::OBJECT_TYPE_ERROR,
                    Some(3),
                    m.span(*off, off + OBJECT_HEADER_LEN),
                );
            }
        }
    }
}

/// Cross-object checks: the Stack-Proposal against the SCD (§5.7.1, A.4.4.10 subcode 5).
fn check_objects(tb: &mut TreeBuilder, m: Tvb<'_>, _h: &Header, objects: &[(usize, Object<'_>)]) {
    let sp = objects.iter().find_map(|(_, o)| match &o.value {
        ObjectValue::StackProposal(s) => Some(s),
        _ => None,
    });
    let scd = objects.iter().find_map(|(off, o)| match &o.value {
        ObjectValue::Scd(s) => Some((*off, s)),
        _ => None,
    });
    let (Some(sp), Some((off, scd))) = (sp, scd) else { return };
    for o in &scd.options {
        let ok = match o.profile {
            0 => sp.profiles.iter().any(|p| p.protocols.contains(&o.protocol)),
            n => sp.profiles.get(n as usize - 1).is_some_and(|p| p.protocols.contains(&o.protocol)),
        };
        if !ok {
            violation(
                tb,
                &format!(
                    "MA-protocol-options for protocol {} and profile {} match no profile of the Stack-Proposal",
                    o.protocol.0, o.profile
                ),
                ErrorCode::OBJECT_VALUE_ERROR,
                Some(5),
                m.span(off, off + OBJECT_HEADER_LEN),
            );
        }
    }
}

fn add_object(tb: &mut TreeBuilder, t: Tvb<'_>, o: &Object<'_>, mal: &mut Malformed, sum: &mut Summary) {
    let d = tb.depth();
    let name = obj_name(o.ty);
    let words = (t.len().saturating_sub(OBJECT_HEADER_LEN)) / 4;
    tb.open_label(&hf::OBJECT, t.all(), Value::None, name.clone());
    tb.add_label(
        &hf::OBJECT_AB,
        t.span(0, 1),
        Value::UInt(o.ab.0 as u64),
        format!("Extensibility Flags (AB): {} ({:02b})", o.ab.name().unwrap_or("?"), o.ab.0),
    );
    tb.add_uint(&hf::OBJECT_TYPE, t.span(0, 2), o.ty.0 as u64);
    if o.rsv_a != 0 || o.rsv_b != 0 {
        tb.add_uint(&hf::OBJECT_RESERVED, t.span(0, 3), ((o.rsv_a as u64) << 4) | o.rsv_b as u64);
        tb.expert(Severity::Note, Group::Protocol, "Reserved object header bits set (A.2)", t.span(0, 3));
    }
    tb.add_label(
        &hf::OBJECT_LENGTH,
        t.span(2, 4),
        Value::UInt(words as u64),
        format!("Object Length: {words} words ({} bytes)", 4 * words),
    );
    if o.ab == Ab::RESERVED {
        violation(tb, &format!("{name} with AB=11"), ErrorCode::OBJECT_TYPE_ERROR, Some(5), t.span(0, 1));
    }
    let v = t.from(OBJECT_HEADER_LEN);
    match &o.value {
        ObjectValue::Mri(m) => {
            add_mri(tb, v, m);
            if let Some((s, dd)) = m.flow() {
                tb.set_label(format!("{name}: {s} -> {dd}"));
            }
        }
        ObjectValue::SessionId(s) => {
            tb.add(&hf::SESSION_ID, v.all(), Value::Bytes(s.to_vec()));
            tb.set_label(format!("{name}: {}", hex(s)));
            sum.session_id = Some(*s);
        }
        ObjectValue::Nli(n) => {
            add_nli(tb, v, n);
            sum.interface = Some(n.interface);
        }
        ObjectValue::StackProposal(s) => add_stack_proposal(tb, v, s),
        ObjectValue::Scd(s) => add_scd(tb, v, s),
        ObjectValue::QueryCookie(c) => {
            tb.add(&hf::QUERY_COOKIE, v.all(), Value::Bytes(c.to_vec()));
            sum.query_cookie = Some(c.to_vec());
        }
        ObjectValue::ResponderCookie(c) => {
            tb.add(&hf::RESPONDER_COOKIE, v.all(), Value::Bytes(c.to_vec()));
            sum.responder_cookie = Some(c.to_vec());
        }
        ObjectValue::NatTraversal(n) => add_nat(tb, v, n),
        ObjectValue::NslpData(b) => tb.add(&hf::NSLP_DATA, v.all(), Value::Bytes(b.to_vec())),
        ObjectValue::Error(e) => {
            add_error(tb, v, e);
            tb.set_label(format!(
                "{name}: {}, {}",
                e.class.name().unwrap_or("unknown class"),
                e.code.name().unwrap_or("unknown code")
            ));
        }
        ObjectValue::HelloId(h) => {
            tb.add_uint(&hf::HELLO_ID, v.all(), *h as u64);
            sum.hello_id = Some(*h);
        }
        ObjectValue::Unknown(b) => {
            tb.add(&hf::OBJECT_VALUE, v.all(), Value::Bytes(b.to_vec()));
            let what = match o.ab {
                Ab::MANDATORY => {
                    violation(
                        tb,
                        &format!("Unknown object type {} with AB=00", o.ty.0),
                        ErrorCode::OBJECT_TYPE_ERROR,
                        Some(1),
                        t.span(0, 2),
                    );
                    None
                }
                Ab::IGNORE => Some("a node deletes it"),
                Ab::FORWARD => Some("a node forwards it unchanged"),
                _ => None,
            };
            if let Some(w) = what {
                tb.expert(
                    Severity::Note,
                    Group::Undecoded,
                    format!("Unknown object type {}: {w} (A.2.1)", o.ty.0),
                    t.span(0, 2),
                );
            }
        }
        ObjectValue::Invalid { bytes, error } => {
            tb.add(&hf::OBJECT_VALUE, v.all(), Value::Bytes(bytes.to_vec()));
            mal.raise(tb, format!("{name}: {error} (A.2: Object Value Error, Incorrect Length)"), t.all());
        }
    }
    tb.close_to(d);
}

fn add_addr(
    tb: &mut TreeBuilder,
    v4: &'static crate::tree::FieldDef,
    v6: &'static crate::tree::FieldDef,
    span: Span,
    a: &IpAddr,
) {
    match a {
        IpAddr::V4(x) => tb.add(v4, span, Value::Ipv4(x.octets())),
        IpAddr::V6(x) => tb.add(v6, span, Value::Ipv6(x.octets())),
    }
}

fn alen(a: &IpAddr) -> usize {
    if a.is_ipv4() {
        4
    } else {
        16
    }
}

/// MRI value fields (A.3.1), also for the MRI inside NAT-Traversal and Error objects.
pub(crate) fn add_mri(tb: &mut TreeBuilder, v: Tvb<'_>, m: &Mri<'_>) {
    tb.add_uint(&hf::MRI_MRM, v.span(0, 1), m.mrm.0 as u64);
    tb.add(&hf::MRI_N, v.span(1, 2), Value::Bool(m.n));
    match &m.method {
        MriMethod::PathCoupled(p) => {
            tb.add_uint(&hf::MRI_IP_VERSION, v.span(2, 3), p.ip_ver as u64);
            for (def, b) in [
                (&hf::MRI_FLAGS_P, p.p),
                (&hf::MRI_FLAGS_T, p.t),
                (&hf::MRI_FLAGS_F, p.f),
                (&hf::MRI_FLAGS_S, p.s),
                (&hf::MRI_FLAGS_A, p.a),
                (&hf::MRI_FLAGS_B, p.b),
                (&hf::MRI_FLAGS_D, p.d),
            ] {
                tb.add(def, v.span(2, 4), Value::Bool(b));
            }
            let n = alen(&p.src);
            let mut off = 4;
            add_addr(tb, &hf::MRI_SRC, &hf::MRI_SRC6, v.span(off, off + n), &p.src);
            off += n;
            add_addr(tb, &hf::MRI_DST, &hf::MRI_DST6, v.span(off, off + n), &p.dst);
            off += n;
            tb.add_uint(&hf::MRI_SRC_PREFIX, v.span(off, off + 1), p.src_prefix as u64);
            tb.add_uint(&hf::MRI_DST_PREFIX, v.span(off + 1, off + 2), p.dst_prefix as u64);
            tb.add_uint(&hf::MRI_PROTOCOL, v.span(off + 2, off + 3), p.protocol as u64);
            tb.add_uint(&hf::MRI_DS_FIELD, v.span(off + 3, off + 4), p.ds_field as u64);
            off += 4;
            if let Some((_, fl)) = p.flow_label {
                tb.add_uint(&hf::MRI_FLOW_LABEL, v.span(off, off + 4), fl as u64);
                off += 4;
            }
            if let Some(spi) = p.spi {
                tb.add_uint(&hf::MRI_SPI, v.span(off, off + 4), spi as u64);
                off += 4;
            }
            if let Some((sp, dp)) = p.ports {
                tb.add_uint(&hf::MRI_SRC_PORT, v.span(off, off + 2), sp as u64);
                tb.add_uint(&hf::MRI_DST_PORT, v.span(off + 2, off + 4), dp as u64);
            }
        }
        MriMethod::LooseEnd(l) => {
            tb.add_uint(&hf::MRI_IP_VERSION, v.span(2, 3), l.ip_ver as u64);
            tb.add(&hf::MRI_FLAGS_D, v.span(2, 4), Value::Bool(l.d));
            let n = alen(&l.src);
            add_addr(tb, &hf::MRI_SRC, &hf::MRI_SRC6, v.span(4, 4 + n), &l.src);
            add_addr(tb, &hf::MRI_DST, &hf::MRI_DST6, v.span(4 + n, 4 + 2 * n), &l.dst);
        }
        MriMethod::Unknown(b) => {
            tb.add(&hf::MRI_ADDRESSING, v.span(2, v.len()), Value::Bytes(b.to_vec()));
            tb.expert(
                Severity::Note,
                Group::Undecoded,
                format!("Message routing method {} is not one of RFC 5971's", m.mrm.0),
                v.span(0, 1),
            );
        }
    }
    for what in m.violations() {
        violation(tb, &format!("MRI: {what}"), ErrorCode::OBJECT_VALUE_ERROR, Some(2), v.span(0, 4));
    }
}

fn add_nli(tb: &mut TreeBuilder, v: Tvb<'_>, n: &Nli<'_>) {
    let pl = n.peer_identity.len();
    tb.add_uint(&hf::NLI_PI_LENGTH, v.span(0, 1), pl as u64);
    tb.add_uint(&hf::NLI_IP_TTL, v.span(1, 2), n.ip_ttl as u64);
    tb.add_uint(&hf::NLI_IP_VERSION, v.span(2, 3), n.ip_ver as u64);
    tb.add_uint(&hf::NLI_RSVT, v.span(4, 8), n.rsvt as u64);
    if n.rsvt == 0 {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            "Routing State Validity Time 0 (A.3.3: reserved, MUST NOT be used)",
            v.span(4, 8),
        );
    }
    tb.add(&hf::NLI_PEER_IDENTITY, v.span(8, 8 + pl), Value::Bytes(n.peer_identity.to_vec()));
    let off = 8 + pl + pad_len(pl);
    add_addr(
        tb,
        &hf::NLI_INTERFACE_ADDRESS,
        &hf::NLI_INTERFACE_ADDRESS6,
        v.span(off, off + alen(&n.interface)),
        &n.interface,
    );
}

fn add_stack_proposal(tb: &mut TreeBuilder, v: Tvb<'_>, s: &StackProposal<'_>) {
    tb.add_uint(&hf::SP_COUNT, v.span(0, 1), s.profiles.len() as u64);
    if s.profiles.is_empty() {
        violation(tb, "Stack-Proposal with no profile", ErrorCode::OBJECT_VALUE_ERROR, Some(1), v.span(0, 1));
    }
    let mut off = 4;
    for (i, p) in s.profiles.iter().enumerate() {
        let n = p.protocols.len();
        let len = 1 + n + p.pad.len();
        let d = tb.depth();
        let names: Vec<&str> = p.protocols.iter().map(|m| short_proto(*m)).collect();
        tb.open_label(
            &hf::SP_PROFILE,
            v.span(off, off + len),
            Value::None,
            format!("Profile {}: {}", i + 1, names.join(" over ")),
        );
        tb.add_uint(&hf::SP_PROFILE_COUNT, v.span(off, off + 1), n as u64);
        for (j, m) in p.protocols.iter().enumerate() {
            tb.add_uint(&hf::SP_PROTOCOL, v.span(off + 1 + j, off + 2 + j), m.0 as u64);
        }
        if n == 0 {
            violation(tb, "Empty Stack-Proposal profile", ErrorCode::OBJECT_VALUE_ERROR, Some(3), v.span(off, off + 1));
        }
        if p.protocols.contains(&MaProtocolId::DTLS) && !p.protocols.contains(&MaProtocolId::FORWARDS_SCTP) {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                "DTLS without a transport under it (RFC 6084 §9: never used alone)",
                v.span(off, off + len),
            );
        }
        tb.close_to(d);
        off += len;
    }
}

/// A short name for profiles and the tap.
pub fn short_proto(m: MaProtocolId) -> &'static str {
    match m {
        MaProtocolId::FORWARDS_TCP => "TCP",
        MaProtocolId::TLS => "TLS",
        MaProtocolId::FORWARDS_SCTP => "SCTP",
        MaProtocolId::DTLS => "DTLS",
        _ => "?",
    }
}

fn add_scd(tb: &mut TreeBuilder, v: Tvb<'_>, s: &Scd<'_>) {
    tb.add_uint(&hf::SCD_COUNT, v.span(0, 1), s.options.len() as u64);
    tb.add_uint(&hf::SCD_HOLD_TIME, v.span(4, 8), s.hold_time as u64);
    if s.hold_time == 0 {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            "MA-Hold-Time 0 (A.3.5: reserved, MUST NOT be used)",
            v.span(4, 8),
        );
    }
    let mut off = 8;
    for o in &s.options {
        let len = 4 + o.data.len() + o.pad.len();
        let d = tb.depth();
        let port = o.port().map(|p| format!(", port {p}")).unwrap_or_default();
        tb.open_label(
            &hf::SCD_MPO,
            v.span(off, off + len),
            Value::None,
            format!("MA-protocol-options: {}, profile {}{port}", short_proto(o.protocol), o.profile),
        );
        tb.add_uint(&hf::SCD_PROTOCOL, v.span(off, off + 1), o.protocol.0 as u64);
        tb.add_uint(&hf::SCD_PROFILE, v.span(off + 1, off + 2), o.profile as u64);
        tb.add_uint(&hf::SCD_LENGTH, v.span(off + 2, off + 3), o.data.len() as u64);
        tb.add(&hf::SCD_FLAGS_D, v.span(off + 3, off + 4), Value::Bool(o.d));
        let ds = v.span(off + 4, off + 4 + o.data.len());
        match o.decoded() {
            MaOptionsData::Empty => {}
            MaOptionsData::Port { port, .. } => tb.add_uint(&hf::SCD_PORT, v.span(off + 4, off + 6), port as u64),
            MaOptionsData::Unexpected => {
                tb.add(&hf::SCD_OPTIONS, ds, Value::Bytes(o.data.to_vec()));
                let why = match o.protocol {
                    MaProtocolId::TLS => "TLS has no MA-protocol-options: its port is the TCP entry's (§5.7.3)",
                    MaProtocolId::DTLS => {
                        "DTLS has no MA-protocol-options: its port is the SCTP entry's (RFC 6084 §7, G3)"
                    }
                    MaProtocolId::FORWARDS_TCP | MaProtocolId::FORWARDS_SCTP => {
                        "options of a length other than 0 (Query) or a 2-byte port (Response) (§5.7.2, G3)"
                    }
                    _ => "options of an MA protocol RFC 5971 and RFC 6084 do not define",
                };
                tb.expert(Severity::Note, Group::Protocol, format!("MA-protocol-options: {why}"), ds);
            }
        }
        tb.close_to(d);
        off += len;
    }
}

fn add_nat(tb: &mut TreeBuilder, v: Tvb<'_>, n: &NatTraversal<'_>) {
    let mri_len = match &n.mri {
        EmbeddedMri::Parsed(m) => {
            let mut b = Vec::new();
            m.emit(&mut b);
            b.len()
        }
        EmbeddedMri::Raw(b) => b.len(),
    };
    tb.add_uint(&hf::NAT_MRI_LENGTH, v.span(0, 1), (mri_len / 4) as u64);
    tb.add_uint(&hf::NAT_TYPE_COUNT, v.span(1, 2), n.types.len() as u64);
    tb.add_uint(&hf::NAT_NAT_COUNT, v.span(2, 3), n.opaque.len() as u64);
    add_embedded_mri(tb, v.sub(4, 4 + mri_len), &n.mri);
    let mut off = 4 + mri_len;
    for t in &n.types {
        tb.add_label(
            &hf::NAT_TRANSLATED,
            v.span(off, off + 2),
            Value::UInt(*t as u64),
            format!("Translated Object: {} (AB={:02b})", obj_name(ObjectType(t & 0x0fff)), t >> 14),
        );
        off += 2;
    }
    off += n.types_pad.len();
    for o in &n.opaque {
        tb.add(&hf::NAT_OPAQUE, v.span(off + 2, off + 2 + o.data.len()), Value::Bytes(o.data.to_vec()));
        off += 2 + o.data.len() + o.pad.len();
    }
}

fn add_embedded_mri(tb: &mut TreeBuilder, v: Tvb<'_>, m: &EmbeddedMri<'_>) {
    match m {
        EmbeddedMri::Parsed(m) => add_mri(tb, v, m),
        EmbeddedMri::Raw(b) => {
            tb.add(&hf::MRI_ADDRESSING, v.all(), Value::Bytes(b.to_vec()));
            if !b.is_empty() {
                tb.expert(Severity::Warning, Group::Malformed, "Embedded MRI does not parse (A.3.1)", v.all());
            }
        }
    }
}

fn add_error(tb: &mut TreeBuilder, v: Tvb<'_>, e: &ErrorObject<'_>) {
    tb.add_uint(&hf::ERROR_CLASS, v.span(0, 1), e.class.0 as u64);
    tb.add_uint(&hf::ERROR_CODE, v.span(1, 3), e.code.0 as u64);
    let sub = match e.code.subcode_name(e.subcode) {
        Some(n) => format!("Error Subcode: {n} ({})", e.subcode),
        None => format!("Error Subcode: {}", e.subcode),
    };
    tb.add_label(&hf::ERROR_SUBCODE, v.span(3, 4), Value::UInt(e.subcode as u64), sub);
    for (def, b) in [
        (&hf::ERROR_FLAGS_S, e.s),
        (&hf::ERROR_FLAGS_M, e.m),
        (&hf::ERROR_FLAGS_C, e.c),
        (&hf::ERROR_FLAGS_D, e.d),
        (&hf::ERROR_FLAGS_Q, e.q),
    ] {
        tb.add(def, v.span(4, 5), Value::Bool(b));
    }
    tb.add_uint(&hf::ERROR_MRI_LENGTH, v.span(6, 7), e.mri_length as u64);
    tb.add_uint(&hf::ERROR_INFO_COUNT, v.span(7, 8), e.infos.len() as u64);
    if let Some(c) = e.code.catalogue_class() {
        if c != e.class {
            tb.expert(
                Severity::Note,
                Group::Protocol,
                format!(
                    "Error class {} where the catalogue gives {} for {} (A.4.4)",
                    e.class.name().unwrap_or("?"),
                    c.name().unwrap_or("?"),
                    e.code.name().unwrap_or("?")
                ),
                v.span(0, 1),
            );
        }
    }
    if e.q && !e.d {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            "Error object with Q=1 and D=0 (A.4.1: Q can't be set if D=0)",
            v.span(4, 5),
        );
    }
    let d = tb.depth();
    let h = &e.header;
    tb.open_label(
        &hf::ERROR_ORIG,
        v.span(8, 16),
        Value::None,
        format!(
            "Common Header of the Original Message: {}",
            h.msg_type.name().map_or_else(|| format!("type {}", h.msg_type.0), str::to_string)
        ),
    );
    tb.add_uint(&hf::ERROR_ORIG_VERSION, v.span(8, 9), h.version as u64);
    tb.add_uint(&hf::ERROR_ORIG_HOPS, v.span(9, 10), h.hops as u64);
    tb.add_uint(&hf::ERROR_ORIG_LENGTH, v.span(10, 12), h.length as u64);
    tb.add_uint(&hf::ERROR_ORIG_NSLPID, v.span(12, 14), h.nslpid as u64);
    tb.add_uint(&hf::ERROR_ORIG_TYPE, v.span(14, 15), h.msg_type.0 as u64);
    let mut hb = Vec::new();
    h.emit(&mut hb);
    tb.add_uint(&hf::ERROR_ORIG_FLAGS, v.span(14, 16), u16::from_be_bytes([hb[6], hb[7]]) as u64);
    tb.close_to(d);
    let mut off = 16;
    if let Some(s) = &e.session_id {
        tb.add(&hf::SESSION_ID, v.span(off, off + 16), Value::Bytes(s.to_vec()));
        off += 16;
    }
    if let Some(m) = &e.mri {
        let n = 4 * e.mri_length as usize;
        add_embedded_mri(tb, v.sub(off, off + n), m);
        off += n;
    }
    if e.code == ErrorCode::COMMON_HEADER_PARSE_ERROR && (e.s || e.m) {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            "Common Header Parse Error with the original Session ID or MRI (A.4.4.1: MUST NOT be included)",
            v.span(4, 5),
        );
    }
    for i in &e.infos {
        let vl = ai_len(i);
        let d = tb.depth();
        tb.open_label(
            &hf::ERROR_AI,
            v.span(off, off + 4 + vl),
            Value::None,
            format!(
                "Additional Information: {}",
                i.ai_type.name().map_or_else(|| format!("type {}", i.ai_type.0), str::to_string)
            ),
        );
        tb.add_uint(&hf::ERROR_AI_TYPE, v.span(off, off + 2), i.ai_type.0 as u64);
        tb.add_uint(&hf::ERROR_AI_LENGTH, v.span(off + 2, off + 4), (vl / 4) as u64);
        let a = off + 4;
        match &i.value {
            AiValue::MessageLength { calculated, .. } => {
                tb.add_uint(&hf::ERROR_AI_CALCULATED, v.span(a, a + 2), *calculated as u64)
            }
            AiValue::Mtu { mtu, .. } => tb.add_uint(&hf::ERROR_AI_MTU, v.span(a, a + 2), *mtu as u64),
            AiValue::ObjectType { object_type, .. } => {
                tb.add_uint(&hf::ERROR_AI_OBJECT_TYPE, v.span(a, a + 2), *object_type as u64)
            }
            AiValue::ObjectValue { real_length, offset, object, .. } => {
                tb.add_uint(&hf::ERROR_AI_REAL_LENGTH, v.span(a, a + 2), *real_length as u64);
                tb.add_uint(&hf::ERROR_AI_OFFSET, v.span(a + 2, a + 4), *offset as u64);
                tb.add(&hf::ERROR_AI_OBJECT, v.span(a + 4, a + vl), Value::Bytes(object.to_vec()));
            }
            AiValue::Raw(b) => {
                tb.add(&hf::ERROR_AI_VALUE, v.span(a, a + vl), Value::Bytes(b.to_vec()));
                if i.ai_type.name().is_some() {
                    tb.expert(
                        Severity::Warning,
                        Group::Malformed,
                        format!("{} of {} bytes (A.4.2)", i.ai_type.name().unwrap_or("?"), b.len()),
                        v.span(off, a + vl),
                    );
                }
            }
        }
        tb.close_to(d);
        off += 4 + vl;
    }
    // What the catalogue says the error MUST carry (A.4.4).
    let need = match (e.code, e.subcode) {
        (ErrorCode::COMMON_HEADER_PARSE_ERROR, 3) => Some(AiType::MESSAGE_LENGTH),
        (ErrorCode::MESSAGE_TOO_LARGE, _) => Some(AiType::MTU),
        (ErrorCode::OBJECT_TYPE_ERROR, _) => Some(AiType::OBJECT_TYPE),
        (ErrorCode::OBJECT_VALUE_ERROR, _) | (ErrorCode::MRI_VALIDATION_FAILURE, _) => Some(AiType::OBJECT_VALUE),
        _ => None,
    };
    if let Some(n) = need {
        if !e.infos.iter().any(|i| i.ai_type == n) {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!(
                    "{} without {} (A.4.4: MUST be included)",
                    e.code.name().unwrap_or("?"),
                    n.name().unwrap_or("?")
                ),
                v.span(0, 4),
            );
        }
    }
    if let (Some(c), Some(text)) = (e.comment, e.comment_text()) {
        tb.add(&hf::ERROR_COMMENT, v.span(off, off + c.len()), Value::Str(text));
    }
}

fn ai_len(i: &super::wire::AdditionalInfo<'_>) -> usize {
    match &i.value {
        AiValue::MessageLength { .. } | AiValue::Mtu { .. } | AiValue::ObjectType { .. } => 4,
        AiValue::ObjectValue { object, .. } => 4 + object.len(),
        AiValue::Raw(b) => b.len(),
    }
}

/// The associations a message's Stack-Proposal and SCD announce: for each MA-protocol-options
/// field with a port, every profile it applies to, with that profile's protocols (G3).
pub fn announced(objects: &[Object<'_>]) -> Vec<(Vec<MaProtocolId>, u16)> {
    let sp = objects.iter().find_map(|o| match &o.value {
        ObjectValue::StackProposal(s) => Some(s),
        _ => None,
    });
    let scd = objects.iter().find_map(|o| match &o.value {
        ObjectValue::Scd(s) => Some(s),
        _ => None,
    });
    let (Some(sp), Some(scd)) = (sp, scd) else { return Vec::new() };
    let mut out: Vec<(Vec<MaProtocolId>, u16)> = Vec::new();
    for o in &scd.options {
        let Some(port) = o.port() else { continue };
        if o.d {
            continue;
        }
        for (i, p) in sp.profiles.iter().enumerate() {
            if (o.profile == 0 || o.profile as usize == i + 1) && p.protocols.contains(&o.protocol) {
                let e = (p.protocols.clone(), port);
                if !out.contains(&e) && out.len() < 64 {
                    out.push(e);
                }
            }
        }
    }
    out
}
