//! The `simco` layer's fields and the checks one message allows on its own: message types
//! (§4.2, S2, S3, S7), attribute lengths and values (§4.3, S1), and each message's required
//! attributes (§5, §6 step 5). Session checks (S5, S6) live in [`super::conv`].

use super::hf;
use super::wire::{
    capflag, escape, mb, sub, AddressTuple, AttrType, Attribute, BasicType, Capabilities, Message, MsgType, PerParams,
    PrrParams, Trailer, TupleAddr, ATTR_HEADER_LEN, HEADER_LEN, MAX_AUTH, MAX_OWNER,
};
use crate::tree::{Group, Severity, Span, TreeBuilder, Tvb, Value};

/// Malformed findings of one message: the first is kept for the `[Malformed Packet]` marker
/// that ends the layer; later ones are expert infos where they occur.
#[derive(Debug, Default)]
pub(crate) struct Malformed {
    pub(crate) first: Option<(String, Span)>,
}

impl Malformed {
    pub(crate) fn raise(&mut self, tb: &mut TreeBuilder, msg: String, span: Span) {
        if self.first.is_none() {
            self.first = Some((msg, span));
        } else {
            tb.expert(Severity::Error, Group::Malformed, msg, span);
        }
    }
}

/// Close the layer, with the malformed marker if needed.
pub(crate) fn finish(tb: &mut TreeBuilder, mal: Malformed) {
    match mal.first {
        Some((msg, span)) => tb.malformed(msg, span),
        None => tb.close_to(0),
    }
}

/// How many times an attribute may appear in a message (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub ty: AttrType,
    pub min: u8,
    pub max: u8,
}

const fn one(ty: AttrType) -> Slot {
    Slot { ty, min: 1, max: 1 }
}
const fn opt(ty: AttrType) -> Slot {
    Slot { ty, min: 0, max: 1 }
}
const fn n(ty: AttrType, min: u8, max: u8) -> Slot {
    Slot { ty, min, max }
}

const VER: AttrType = AttrType::VERSION;
const CHAL: AttrType = AttrType::AUTH_CHALLENGE;
const TOK: AttrType = AttrType::AUTH_TOKEN;
const CAPS: AttrType = AttrType::CAPABILITIES;
const PID: AttrType = AttrType::PID;
const GID: AttrType = AttrType::GID;
const LT: AttrType = AttrType::LIFETIME;
const OWN: AttrType = AttrType::OWNER;
const AT: AttrType = AttrType::ADDRESS_TUPLE;
const PRRP: AttrType = AttrType::PRR_PARAMS;
const PERP: AttrType = AttrType::PER_PARAMS;

/// The attributes a message type carries (§5, Figures 15-40); `None` for a type RFC 4540 does
/// not define. The PRL positive reply holds one PID per rule (any number, §5.3.16).
pub fn structure(t: MsgType) -> Option<&'static [Slot]> {
    static SE_REQ: [Slot; 2] = [one(VER), opt(CHAL)];
    static SA_REQ: [Slot; 1] = [opt(TOK)];
    static PRR_REQ: [Slot; 3] = [one(PRRP), one(LT), opt(GID)];
    static PER_REQ: [Slot; 4] = [one(PERP), n(AT, 2, 2), one(LT), opt(GID)];
    static PEA_REQ: [Slot; 4] = [one(PERP), n(AT, 2, 2), one(LT), one(PID)];
    static PDR_REQ: [Slot; 2] = [n(AT, 2, 2), one(LT)];
    static PLC_REQ: [Slot; 2] = [one(PID), one(LT)];
    static PRS_REQ: [Slot; 1] = [one(PID)];
    static SE_POS: [Slot; 1] = [one(CAPS)];
    static SA_POS: [Slot; 2] = [opt(CHAL), opt(TOK)];
    static PRR_POS: [Slot; 4] = [one(PID), one(GID), one(LT), n(AT, 1, 2)];
    static PER_POS: [Slot; 4] = [one(PID), one(GID), one(LT), n(AT, 2, 2)];
    static PDR_POS: [Slot; 2] = [one(PID), one(LT)];
    static PLC_POS: [Slot; 1] = [one(LT)];
    static PRS_POS: [Slot; 5] = [one(PID), one(GID), one(LT), n(AT, 1, 2), one(OWN)];
    static PES_POS: [Slot; 6] = [one(PID), one(GID), one(PERP), n(AT, 4, 4), one(LT), one(OWN)];
    static PDS_POS: [Slot; 4] = [one(PID), n(AT, 2, 2), one(LT), one(OWN)];
    static PRL_POS: [Slot; 1] = [n(PID, 0, u8::MAX)];
    static NEG_VERSION: [Slot; 1] = [one(VER)];
    static ARE: [Slot; 2] = [one(PID), one(LT)];
    t.name()?;
    Some(match (t.basic, t.sub) {
        (BasicType::REQUEST, sub::SE) => &SE_REQ,
        (BasicType::REQUEST, sub::SA) => &SA_REQ,
        (BasicType::REQUEST, sub::PRR) => &PRR_REQ,
        (BasicType::REQUEST, sub::PER) => &PER_REQ,
        (BasicType::REQUEST, sub::PEA) => &PEA_REQ,
        (BasicType::REQUEST, sub::PDR) => &PDR_REQ,
        (BasicType::REQUEST, sub::PLC) => &PLC_REQ,
        (BasicType::REQUEST, sub::PRS) => &PRS_REQ,
        (BasicType::POSITIVE_REPLY, sub::SE) => &SE_POS,
        (BasicType::POSITIVE_REPLY, sub::SA) => &SA_POS,
        (BasicType::POSITIVE_REPLY, sub::PRR) => &PRR_POS,
        (BasicType::POSITIVE_REPLY, sub::PER) => &PER_POS,
        (BasicType::POSITIVE_REPLY, sub::PDR) => &PDR_POS,
        (BasicType::POSITIVE_REPLY, sub::PLC) => &PLC_POS,
        (BasicType::POSITIVE_REPLY, sub::PRS) => &PRS_POS,
        (BasicType::POSITIVE_REPLY, sub::PES) => &PES_POS,
        (BasicType::POSITIVE_REPLY, sub::PDS) => &PDS_POS,
        (BasicType::POSITIVE_REPLY, sub::PRL) => &PRL_POS,
        (BasicType::NEGATIVE_REPLY, sub::NEG_VERSION_MISMATCH) => &NEG_VERSION,
        (BasicType::NOTIFICATION, sub::ARE) => &ARE,
        // ST, PRL requests; ST, PRD positive replies; every other negative reply; BFM, AST:
        // the header only (§5.1.1, §5.1.2, §5.2.5, §5.2.6, §5.2.7, §5.3.7, §5.3.12, §5.3.18).
        _ => &[],
    })
}

/// The role of each address tuple of a message type, by position (§5.3 figures).
pub fn tuple_roles(t: MsgType) -> &'static [&'static str] {
    match (t.basic, t.sub) {
        (BasicType::REQUEST, sub::PER | sub::PEA | sub::PDR) | (BasicType::POSITIVE_REPLY, sub::PDS) => {
            &["internal", "external"]
        }
        (BasicType::POSITIVE_REPLY, sub::PRR | sub::PER | sub::PRS) => &["outside", "inside"],
        (BasicType::POSITIVE_REPLY, sub::PES) => &["internal", "inside", "outside", "external"],
        _ => &[],
    }
}

/// The layer's `-V` line.
pub(crate) fn layer_label(m: &Message<'_>) -> String {
    format!("Simple Middlebox Configuration Protocol, {}, TID: {}", m.ty.text(), m.tid)
}

/// The info column text: `PRR request tid=1`, `PER positive reply tid=4 pid=17`.
pub(crate) fn info(m: &Message<'_>) -> String {
    let mut s = match m.ty.name() {
        Some(n) => n.to_string(),
        None => format!("Unknown 0x{:04x}", m.ty.code()),
    };
    s.push_str(&format!(" tid={}", m.tid));
    if let Some(p) = m.pid() {
        s.push_str(&format!(" pid={p}"));
    }
    if let Some(l) = m.lifetime() {
        s.push_str(&format!(" lifetime={l}"));
    }
    s
}

/// Add the header and attribute fields under the open `simco` layer (`tvb` is exactly the
/// message), with the per-message expert infos.
pub(crate) fn add_fields(m: &Message<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder) -> Malformed {
    let mut mal = Malformed::default();
    let t = m.ty;
    let basic_label = match t.basic.name() {
        Some(n) => format!("Basic Type: {n} (0x{:02x})", t.basic.0),
        None => format!("Basic Type: Unknown (0x{:02x})", t.basic.0),
    };
    tb.add_label(&hf::BASIC_TYPE, tvb.span(0, 1), Value::UInt(t.basic.0 as u64), basic_label);
    let sub_label = match t.sub_name() {
        Some(n) => format!("Sub-Type: {n} (0x{:02x})", t.sub),
        None => format!("Sub-Type: Unknown (0x{:02x})", t.sub),
    };
    tb.add_label(&hf::SUB_TYPE, tvb.span(1, 2), Value::UInt(t.sub as u64), sub_label);
    tb.add_generated(&hf::TYPE, tvb.span(0, 2), Value::UInt(t.code() as u64));
    tb.add_uint(&hf::LENGTH, tvb.span(2, 4), m.payload_len() as u64);
    tb.add_uint(&hf::TID, tvb.span(4, 8), m.tid as u64);
    check_type(t, tvb, tb);

    let roles = tuple_roles(t);
    let mut tuple_i = 0usize;
    let mut off = HEADER_LEN;
    for a in &m.attrs {
        let at = tvb.sub(off, off + a.wire_len());
        let role = match a {
            Attribute::AddressTuple(_) | Attribute::BadLength { ty: AttrType::ADDRESS_TUPLE, .. } => {
                let r = roles.get(tuple_i).copied();
                tuple_i += 1;
                r
            }
            _ => None,
        };
        add_attr(a, at, tb, t, role, &mut mal);
        off += a.wire_len();
    }
    match &m.trailer {
        Trailer::None => {}
        Trailer::Partial(b) => {
            let span = tvb.span(off, off + b.len());
            tb.add(&hf::TRAILING, span, Value::Bytes(b.to_vec()));
            mal.raise(
                tb,
                format!("{} bytes after the last attribute: too few for an attribute header (§4.3: 4 bytes)", b.len()),
                span,
            );
        }
        Trailer::Overrun { ty, len, value } => {
            let at = tvb.sub(off, off + ATTR_HEADER_LEN + value.len());
            tb.open_label(
                &hf::ATTR,
                at.all(),
                Value::None,
                format!("Attribute: {} (runs past the message: {} of {} bytes)", ty.text(), value.len(), len),
            );
            tb.add_uint(&hf::ATTR_TYPE, at.span(0, 2), ty.0 as u64);
            tb.add_uint(&hf::ATTR_LENGTH, at.span(2, 4), *len as u64);
            if !value.is_empty() {
                tb.add(&hf::ATTR_VALUE, at.span(4, at.len()), Value::Bytes(value.to_vec()));
            }
            tb.close();
            mal.raise(
                tb,
                format!(
                    "Attribute {} declares {} bytes but the message holds only {} more: its length runs past the \
                     message length (§4.3, S1; the middlebox answers 0x0312 badly formed request)",
                    ty.text(),
                    len,
                    value.len()
                ),
                at.all(),
            );
        }
    }
    check_structure(m, tvb.span(0, 2), tb);
    mal
}

fn check_type(t: MsgType, tvb: Tvb<'_>, tb: &mut TreeBuilder) {
    if t.name().is_some() {
        return;
    }
    let span = tvb.span(0, 2);
    let why = match (t.basic, t.sub) {
        (b, _) if b.name().is_none() => {
            format!("Unknown basic type 0x{:02x} (§4.2.1 defines 0x01 to 0x04; §6: the middlebox sends BFM)", b.0)
        }
        (BasicType::POSITIVE_REPLY, sub::PEA) => {
            "PEA (0x13) as a positive reply: §4.2.2 allows it in requests only (a PEA is answered by a PER \
             positive reply, §5.3.10)"
                .to_string()
        }
        (BasicType::REQUEST, sub::PRD | sub::PES | sub::PDS) => format!(
            "{} (0x{:02x}) as a request: §4.2.2 allows it in positive replies only (S3)",
            t.sub_name().unwrap_or("?"),
            t.sub
        ),
        _ => format!(
            "Sub-type 0x{:02x} is not defined for basic type 0x{:02x} (§4.2.2-§4.2.4; the middlebox answers a request \
             with 0x0311 wrong request message sub-type)",
            t.sub, t.basic.0
        ),
    };
    tb.expert(Severity::Warning, Group::Protocol, why, span);
}

/// §5's attribute list for the message type against the attributes present (§6 step 5).
fn check_structure(m: &Message<'_>, span: Span, tb: &mut TreeBuilder) {
    let Some(slots) = structure(m.ty) else { return };
    let name = m.ty.text();
    let reply = if m.ty.basic == BasicType::REQUEST {
        " (§6 step 5: the middlebox answers 0x0312 badly formed request)"
    } else {
        ""
    };
    for s in slots {
        let count = m.attrs.iter().filter(|a| a.ty() == s.ty).count();
        if count < s.min as usize {
            let what = if s.min == 1 {
                format!("a {} attribute", s.ty.text())
            } else {
                format!("{} {} attributes (has {count})", s.min, s.ty.text())
            };
            tb.expert(Severity::Warning, Group::Protocol, format!("{name} without {what} (§5){reply}"), span);
        } else if count > s.max as usize {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!("{name} with {count} {} attributes; §5 allows {}{reply}", s.ty.text(), s.max),
                span,
            );
        }
    }
    let mut noted: Vec<AttrType> = Vec::new();
    for a in &m.attrs {
        let ty = a.ty();
        if slots.iter().any(|s| s.ty == ty) || noted.contains(&ty) || ty.name().is_none() {
            continue;
        }
        noted.push(ty);
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("{name} with a {} attribute, which §5 does not list for it{reply}", ty.text()),
            span,
        );
    }
    if m.ty == MsgType::positive(sub::SA) && m.attrs.iter().all(|a| a.ty() != CHAL && a.ty() != TOK) {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            "SA positive reply with neither an authentication challenge nor a token (§5.2.3: at least one)",
            span,
        );
    }
}

fn attr_label(a: &Attribute<'_>, role: Option<&str>) -> String {
    let ty = a.ty();
    let name = ty.text();
    let v = match a {
        Attribute::Version { major, minor, .. } => format!("{major}.{minor}"),
        Attribute::AuthChallenge(v) | Attribute::AuthToken(v) => format!("{} bytes", v.len()),
        Attribute::Capabilities(c) => format!("MB type 0x{:02x}, max lifetime {}", c.mb_type, c.max_lifetime),
        Attribute::Pid(p) | Attribute::Gid(p) => p.to_string(),
        Attribute::Lifetime(l) => format!("{l} s"),
        Attribute::Owner(o) => escape(o),
        Attribute::AddressTuple(t) => match role {
            Some(r) => format!("{r}: {}", t.text()),
            None => t.text(),
        },
        Attribute::PrrParams(p) => format!("protocol {}, port range {}", p.protocol, p.port_range),
        Attribute::PerParams(p) => format!("direction {}", p.direction),
        Attribute::BadLength { value, .. } => format!("bad length {}", value.len()),
        Attribute::Unknown { value, .. } => format!("{} bytes", value.len()),
    };
    format!("Attribute: {name}: {v}")
}

fn add_attr(
    a: &Attribute<'_>,
    at: Tvb<'_>,
    tb: &mut TreeBuilder,
    msg: MsgType,
    role: Option<&str>,
    mal: &mut Malformed,
) {
    let ty = a.ty();
    let v = at.from(ATTR_HEADER_LEN);
    let vspan = v.all();
    tb.open_label(&hf::ATTR, at.all(), Value::None, attr_label(a, role));
    tb.add_uint(&hf::ATTR_TYPE, at.span(0, 2), ty.0 as u64);
    tb.add_uint(&hf::ATTR_LENGTH, at.span(2, 4), a.value_len() as u64);
    match a {
        Attribute::Version { major, minor, reserved } => {
            tb.add_label(
                &hf::VERSION,
                v.span(0, 2),
                Value::UInt(u16::from_be_bytes([*major, *minor]) as u64),
                format!("Protocol Version: {major}.{minor}"),
            );
            tb.add_uint(&hf::VERSION_MAJOR, v.span(0, 1), *major as u64);
            tb.add_uint(&hf::VERSION_MINOR, v.span(1, 2), *minor as u64);
            tb.add_uint(&hf::RESERVED, v.span(2, 4), *reserved as u64);
            if (*major, *minor) != (3, 0) && msg.basic == BasicType::REQUEST {
                tb.expert(
                    Severity::Note,
                    Group::Protocol,
                    format!(
                        "Version {major}.{minor}; RFC 4540 is version 3.0 (§4.3.1; the middlebox answers 0x0322 protocol \
                         version mismatch)"
                    ),
                    v.span(0, 2),
                );
            }
            reserved_note(tb, *reserved as u64, v.span(2, 4), "§4.3.1");
        }
        Attribute::AuthChallenge(b) | Attribute::AuthToken(b) => {
            let def = if ty == CHAL { &hf::AUTH_CHALLENGE } else { &hf::AUTH_TOKEN };
            if !b.is_empty() {
                tb.add(def, vspan, Value::Bytes(b.to_vec()));
            }
            if b.len() > MAX_AUTH {
                tb.expert(
                    Severity::Warning,
                    Group::Protocol,
                    format!("{} of {} bytes; §4.3.2 allows at most {MAX_AUTH}", ty.text(), b.len()),
                    vspan,
                );
            }
        }
        Attribute::Capabilities(c) => add_caps(c, v, tb),
        Attribute::Pid(p) => tb.add_uint(&hf::PID, vspan, *p as u64),
        Attribute::Gid(g) => tb.add_uint(&hf::GID, vspan, *g as u64),
        Attribute::Lifetime(l) => tb.add_label(
            &hf::LIFETIME,
            vspan,
            Value::UInt(*l as u64),
            format!("Policy Rule Lifetime: {l} second{}", if *l == 1 { "" } else { "s" }),
        ),
        Attribute::Owner(o) => {
            tb.add(&hf::OWNER, vspan, Value::Str(escape(o)));
            if o.len() > MAX_OWNER {
                tb.expert(
                    Severity::Warning,
                    Group::Protocol,
                    format!("Policy rule owner of {} bytes; §4.3.7 allows at most {MAX_OWNER}", o.len()),
                    vspan,
                );
            }
            if msg.basic == BasicType::REQUEST {
                tb.expert(
                    Severity::Note,
                    Group::Protocol,
                    "Policy rule owner in a request; §4.3.7: the owner is set by the middlebox",
                    vspan,
                );
            }
        }
        Attribute::AddressTuple(t) => add_tuple(t, v, tb, role),
        Attribute::PrrParams(p) => add_prr(p, v, tb),
        Attribute::PerParams(p) => add_per(p, v, tb),
        Attribute::BadLength { value, .. } => {
            if !value.is_empty() {
                tb.add(&hf::ATTR_VALUE, vspan, Value::Bytes(value.to_vec()));
            }
            let expected = match ty {
                AttrType::CAPABILITIES => "8",
                AttrType::ADDRESS_TUPLE => "4, 12 or 24",
                _ => "4",
            };
            mal.raise(
                tb,
                format!("{} attribute of {} bytes; §4.3 gives it {expected}", ty.text(), value.len()),
                at.all(),
            );
        }
        Attribute::Unknown { value, .. } => {
            if !value.is_empty() {
                tb.add(&hf::ATTR_VALUE, vspan, Value::Bytes(value.to_vec()));
            }
            tb.expert(
                Severity::Note,
                Group::Undecoded,
                format!("Attribute type 0x{:04x} is not defined by RFC 4540 (§4.3 defines 0x0001-0x000B)", ty.0),
                at.span(0, 2),
            );
        }
    }
    tb.close();
}

fn reserved_note(tb: &mut TreeBuilder, v: u64, span: Span, section: &str) {
    if v != 0 {
        tb.expert(Severity::Note, Group::Protocol, format!("Reserved field is 0x{v:x}, not 0 ({section})"), span);
    }
}

fn add_caps(c: &Capabilities, v: Tvb<'_>, tb: &mut TreeBuilder) {
    let mspan = v.span(0, 1);
    tb.open(&hf::CAPS_MB_TYPE, mspan, Value::UInt(c.mb_type as u64));
    for (def, bit) in [
        (&hf::CAPS_FIREWALL, mb::FIREWALL),
        (&hf::CAPS_NAT, mb::NAT),
        (&hf::CAPS_PDR, mb::PDR),
        (&hf::CAPS_TWICE_NAT, mb::TWICE_NAT),
        (&hf::CAPS_PROTO_TRANS, mb::PROTOCOL_TRANSLATION),
        (&hf::CAPS_PORT_TRANS, mb::PORT_TRANSLATION),
    ] {
        tb.add(def, mspan, Value::Bool(c.mb_type & bit != 0));
    }
    tb.close();
    if c.mb_type & !mb::DEFINED != 0 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("MB type bits 0x{:02x} are reserved (§4.3.3)", c.mb_type & !mb::DEFINED),
            mspan,
        );
    }
    if c.mb_type & mb::NEEDS_NAT != 0 && c.mb_type & mb::NAT == 0 {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            "Port, protocol or twice NAT translation without the NAT bit (§4.3.3: requires 0x40 set)",
            mspan,
        );
    }
    let fspan = v.span(1, 2);
    tb.open(&hf::CAPS_FLAGS, fspan, Value::UInt(c.flags as u64));
    for (def, bit) in
        [(&hf::CAPS_I, capflag::I), (&hf::CAPS_E, capflag::E), (&hf::CAPS_P, capflag::P), (&hf::CAPS_S, capflag::S)]
    {
        tb.add(def, fspan, Value::Bool(c.flags & bit != 0));
    }
    tb.add_uint(&hf::CAPS_IIV, fspan, c.iiv() as u64);
    tb.add_uint(&hf::CAPS_EIV, fspan, c.eiv() as u64);
    tb.close();
    for (what, val) in [("internal", c.iiv()), ("external", c.eiv())] {
        if val == 0 {
            tb.expert(
                Severity::Note,
                Group::Protocol,
                format!("No {what} IP version supported (§4.3.3: 1 IPv4, 2 IPv6, 3 both)"),
                fspan,
            );
        }
    }
    tb.add_uint(&hf::RESERVED, v.span(2, 4), c.reserved as u64);
    reserved_note(tb, c.reserved as u64, v.span(2, 4), "§4.3.3");
    tb.add_label(
        &hf::CAPS_MAX_LIFETIME,
        v.span(4, 8),
        Value::UInt(c.max_lifetime as u64),
        format!("Max Policy Rule Lifetime: {} seconds", c.max_lifetime),
    );
}

fn add_tuple(t: &AddressTuple, v: Tvb<'_>, tb: &mut TreeBuilder, role: Option<&str>) {
    let label = match role {
        Some(r) => format!("Address Tuple ({r})"),
        None => "Address Tuple".to_string(),
    };
    tb.open_label(&hf::ADDR, v.all(), Value::None, label);
    if let Some(r) = role {
        tb.add_generated(&hf::ADDR_ROLE, Span::EMPTY, Value::Str(r.to_string()));
    }
    let warn = |tb: &mut TreeBuilder, msg: String, span: Span| tb.expert(Severity::Warning, Group::Protocol, msg, span);
    tb.add_uint(&hf::ADDR_TYPE, v.span(0, 1), t.kind as u64);
    tb.add_uint(&hf::ADDR_IP_VERSION, v.span(0, 1), t.ip_version as u64);
    tb.add_uint(&hf::ADDR_PREFIX, v.span(1, 2), t.prefix_len as u64);
    tb.add_uint(&hf::ADDR_PROTOCOL, v.span(2, 3), t.protocol as u64);
    tb.add_uint(&hf::ADDR_LOCATION, v.span(3, 4), t.location as u64);
    let range = match t.addr {
        TupleAddr::None => None,
        TupleAddr::V4 { port, range, ip } => {
            tb.add_uint(&hf::ADDR_PORT, v.span(4, 6), port as u64);
            tb.add_uint(&hf::ADDR_PORT_RANGE, v.span(6, 8), range as u64);
            tb.add(&hf::ADDR_IP, v.span(8, 12), Value::Ipv4(ip));
            Some(range)
        }
        TupleAddr::V6 { port, range, ip } => {
            tb.add_uint(&hf::ADDR_PORT, v.span(4, 6), port as u64);
            tb.add_uint(&hf::ADDR_PORT_RANGE, v.span(6, 8), range as u64);
            tb.add(&hf::ADDR_IPV6, v.span(8, 24), Value::Ipv6(ip));
            Some(range)
        }
    };
    let s0 = v.span(0, 1);
    match (t.kind, t.addr) {
        (0, TupleAddr::None) => {
            warn(tb, "Address tuple of type 0 (full addresses) with no address: length 4 (§4.3.8: 12 or 24)".into(), s0)
        }
        (1, TupleAddr::V4 { .. } | TupleAddr::V6 { .. }) => {
            warn(tb, format!("Address tuple of type 1 (protocols only) with length {} (§4.3.8: 4)", t.value_len()), s0)
        }
        (0 | 1, _) => {}
        (k, _) => warn(tb, format!("Address tuple type {k} (§4.3.8: 0 full addresses, 1 protocols only)"), s0),
    }
    match (t.ip_version, t.addr) {
        (1, TupleAddr::V6 { .. }) | (2, TupleAddr::V4 { .. }) => warn(
            tb,
            format!("Address tuple of IP version {} with a {}-byte value (§4.3.8)", t.ip_version, t.value_len()),
            s0,
        ),
        (1 | 2, _) => {}
        (x, _) => warn(tb, format!("Address tuple IP version {x} (§4.3.8: 1 IPv4, 2 IPv6)"), s0),
    }
    let full = match t.addr {
        TupleAddr::V4 { .. } => Some(32),
        TupleAddr::V6 { .. } => Some(128),
        TupleAddr::None => None,
    };
    if let Some(full) = full {
        if t.prefix_len > full {
            warn(
                tb,
                format!("Prefix length {} exceeds the address's {full} bits (§4.3.8)", t.prefix_len),
                v.span(1, 2),
            );
        }
    }
    if t.location > 3 {
        warn(tb, format!("Location {} (§4.3.8: 0 to 3)", t.location), v.span(3, 4));
    }
    if range == Some(0) {
        warn(tb, "Port range 0; §4.3.8: at least 1".into(), v.span(6, 8));
    }
    tb.close();
}

fn add_prr(p: &PrrParams, v: Tvb<'_>, tb: &mut TreeBuilder) {
    let s0 = v.span(0, 1);
    tb.add_uint(&hf::PRR_NAT_MODE, s0, p.nat_mode as u64);
    tb.add_uint(&hf::PRR_PARITY, s0, p.parity as u64);
    tb.add_uint(&hf::PRR_IP_INSIDE, s0, p.ip_inside as u64);
    tb.add_uint(&hf::PRR_IP_OUTSIDE, s0, p.ip_outside as u64);
    tb.add_uint(&hf::PRR_PROTOCOL, v.span(1, 2), p.protocol as u64);
    let range_label = match p.port_range {
        0xffff => "Port Range: 65535 (all ports)".to_string(),
        r => format!("Port Range: {r}"),
    };
    tb.add_label(&hf::PRR_PORT_RANGE, v.span(2, 4), Value::UInt(p.port_range as u64), range_label);
    let warn = |tb: &mut TreeBuilder, msg: String, span: Span| tb.expert(Severity::Warning, Group::Protocol, msg, span);
    if !matches!(p.nat_mode, 1 | 2) {
        warn(tb, format!("NAT mode {} (§4.3.9: 01 traditional, 10 twice)", p.nat_mode), s0);
    }
    if p.parity == 3 {
        warn(tb, "Port parity 11 (§4.3.9: 00 any, 01 odd, 10 even)".into(), s0);
    }
    if p.ip_inside == 3 || p.ip_outside == 3 {
        warn(tb, "IP version 11 (§4.3.9: 00 any, 01 IPv4, 10 IPv6)".into(), s0);
    }
    if p.port_range == 0 {
        warn(tb, "Port range 0 (§4.3.9: a value of zero is not valid)".into(), v.span(2, 4));
    }
}

fn add_per(p: &PerParams, v: Tvb<'_>, tb: &mut TreeBuilder) {
    tb.add_uint(&hf::PER_PARITY, v.span(0, 1), p.parity as u64);
    tb.add_uint(&hf::PER_DIRECTION, v.span(1, 2), p.direction as u64);
    tb.add_uint(&hf::RESERVED, v.span(2, 4), p.reserved as u64);
    if !matches!(p.parity, 0 | 3) {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("PER port parity {} (§4.3.10: 0x00 any, 0x03 same)", p.parity),
            v.span(0, 1),
        );
    }
    if !matches!(p.direction, 1..=3) {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("PER direction {} (§4.3.10: 1 inbound, 2 outbound, 3 bi-directional)", p.direction),
            v.span(1, 2),
        );
    }
    reserved_note(tb, p.reserved as u64, v.span(2, 4), "§4.3.10");
}
