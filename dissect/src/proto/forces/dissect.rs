//! The `forces` layer's fields and the checks one message allows on its own: header values,
//! the length against the user message (F2), heartbeat ACK semantics (§7.10), which top-level
//! TLVs and OPER-TLVs each message may carry (§7 Table 1), which data TLVs each operation may
//! carry (§7 Table 2), the path selector (§7.1.2), padding (§7.1.8 rule 1, F2) and TLV lengths.
//! Channel and pairing checks live in [`super::conv`].

use super::hf;
use super::wire::{
    name_of, parse_header, parse_tlvs, raw_reason, type_name, Ack, Header, IdKind, Ilvs, MessageType, Scope, Tlv,
    TlvBody, TlvType, Tlvs, ACK_NAMES, HEADER_LEN, ILV_HEADER_LEN, OPER_NAMES, RESULT_NAMES, TLV_HEADER_LEN, VERSION,
};
use crate::tree::{FieldDef, Group, Severity, Span, TreeBuilder, Tvb, Value};

/// Malformed findings of one message: the first is kept for the `[Malformed Packet]` marker
/// that ends the layer; later ones are expert infos where they occur.
#[derive(Debug, Default)]
pub(crate) struct Malformed {
    pub(crate) first: Option<(Option<&'static FieldDef>, String, Span)>,
}

impl Malformed {
    fn raise(&mut self, tb: &mut TreeBuilder, def: Option<&'static FieldDef>, msg: String, span: Span) {
        if self.first.is_none() {
            self.first = Some((def, msg, span));
        } else {
            match def {
                Some(d) => tb.expert_field(d, Severity::Error, Group::Malformed, msg, span),
                None => tb.expert(Severity::Error, Group::Malformed, msg, span),
            }
        }
    }
}

/// Close the layer, with the malformed marker if needed.
pub(crate) fn finish(tb: &mut TreeBuilder, mal: Malformed) {
    match mal.first {
        Some((def, msg, span)) => {
            if let Some(d) = def {
                tb.expert_field(d, Severity::Error, Group::Malformed, msg.clone(), span);
            }
            tb.malformed(msg, span)
        }
        None => tb.close_to(0),
    }
}

/// Dissect one message on its own (no channel, no pairing): the `forces` layer with every
/// field and the per-message expert infos, then the malformed marker when it is malformed.
pub fn dissect(tvb: Tvb<'_>, tb: &mut TreeBuilder) {
    tb.open_proto(&hf::FORCES, tvb.all(), None);
    let (_, mal) = add_fields(tvb, tb);
    finish(tb, mal);
}

/// The message type's name, or `Unknown (0xNN)`.
pub(crate) fn type_text(t: MessageType) -> String {
    match t.name() {
        Some(n) => n.to_string(),
        None => format!("Unknown (0x{:02x})", t.0),
    }
}

/// The info column text for one message: `Config corr=0x3 pri=7 AlwaysACK`.
pub(crate) fn info(h: &Header) -> String {
    let mut s = format!("{} corr=0x{:x} pri={}", type_text(h.msg_type), h.correlator, h.flags.pri());
    if matches!(h.msg_type, MessageType::CONFIG | MessageType::HEARTBEAT) {
        s.push(' ');
        s.push_str(name_of(ACK_NAMES, u64::from(h.flags.ack().0)).unwrap_or("?"));
    }
    s
}

fn id_label(what: &str, id: u32) -> String {
    format!("{what}: 0x{id:08x} ({} {})", IdKind::of(id).name(), id & 0x3fff_ffff)
}

/// Add the header and body fields under the open `forces` layer, with the per-message expert
/// infos. Returns the header when there was one.
pub(crate) fn add_fields(tvb: Tvb<'_>, tb: &mut TreeBuilder) -> (Option<Header>, Malformed) {
    let mut mal = Malformed::default();
    let h = match parse_header(tvb.data) {
        Ok(h) => h,
        Err(e) => {
            if !tvb.is_empty() {
                tb.add(&hf::TRAILING, tvb.all(), Value::Bytes(tvb.data.to_vec()));
            }
            mal.raise(
                tb,
                Some(&hf::EI_LENGTH_BAD),
                format!("{e}: a ForCES message starts with a 24-byte common header (§6.1)"),
                tvb.all(),
            );
            return (None, mal);
        }
    };
    add_header(&h, tvb, tb, &mut mal);
    let declared = h.byte_len();
    let len_span = tvb.span(2, 4);
    let body_end = if declared < HEADER_LEN {
        mal.raise(
            tb,
            Some(&hf::EI_LENGTH_BAD),
            format!(
                "Header length {} words ({declared} bytes) is less than the 24-byte header (§6.1; E_LENGTH_MISMATCH) (F2)",
                h.length
            ),
            len_span,
        );
        tvb.len()
    } else if declared > tvb.len() {
        mal.raise(
            tb,
            Some(&hf::EI_LENGTH_BAD),
            format!(
                "Header length {} words ({declared} bytes) runs past the {}-byte SCTP user message \
                 (§6.1; E_LENGTH_MISMATCH) (F2)",
                h.length,
                tvb.len()
            ),
            len_span,
        );
        tvb.len()
    } else {
        if declared < tvb.len() {
            tb.expert_field(
                &hf::EI_LENGTH_BAD,
                Severity::Warning,
                Group::Protocol,
                format!(
                    "Header length {} words ({declared} bytes) is shorter than the {}-byte SCTP user message \
                     (§6.1; E_LENGTH_MISMATCH) (F2)",
                    h.length,
                    tvb.len()
                ),
                len_span,
            );
        }
        declared
    };
    let body = tvb.sub(HEADER_LEN, body_end);
    let tlvs = parse_tlvs(body.data, Scope::Top);
    check_body(&h, &tlvs, tvb.span(1, 2), tb);
    let mut w = Walker { tb, mal: &mut mal, msg: h.msg_type };
    w.tlvs(&tlvs, body, Scope::Top, None, "");
    if body_end < tvb.len() {
        tb.add(&hf::TRAILING, tvb.span(body_end, tvb.len()), Value::Bytes(tvb.data[body_end..].to_vec()));
    }
    (Some(h), mal)
}

fn add_header(h: &Header, tvb: Tvb<'_>, tb: &mut TreeBuilder, mal: &mut Malformed) {
    let _ = mal;
    tb.open(&hf::HEADER, tvb.span(0, HEADER_LEN), Value::None);
    tb.add_uint(&hf::VERSION, tvb.span(0, 1), u64::from(h.version));
    if h.version != VERSION {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("Version {} (§6.1: the current version is 1; E_VERSION_MISMATCH)", h.version),
            tvb.span(0, 1),
        );
    }
    tb.add_uint(&hf::RSVD, tvb.span(0, 1), u64::from(h.rsvd));
    if h.rsvd != 0 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("rsvd is {} (§6.1: senders MUST set it to zero, receivers ignore it)", h.rsvd),
            tvb.span(0, 1),
        );
    }
    tb.add_uint(&hf::MESSAGETYPE, tvb.span(1, 2), u64::from(h.msg_type.0));
    if h.msg_type.name().is_none() {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("Message type 0x{:02x} is not assigned (§A.1; E_INVALID_MESSAGE_TYPE)", h.msg_type.0),
            tvb.span(1, 2),
        );
    }
    tb.add_label(
        &hf::LENGTH,
        tvb.span(2, 4),
        Value::UInt(h.byte_len() as u64),
        format!("Length: {} Bytes ({} words)", h.byte_len(), h.length),
    );
    let ip = |v: u32| Value::Ipv4(v.to_be_bytes());
    tb.add_label(&hf::SID, tvb.span(4, 8), ip(h.src), id_label("Source ID", h.src));
    tb.add_generated(&hf::SID_TS, tvb.span(4, 5), Value::UInt(u64::from(h.src >> 30)));
    tb.add_label(&hf::DID, tvb.span(8, 12), ip(h.dst), id_label("Destination ID", h.dst));
    tb.add_generated(&hf::DID_TS, tvb.span(8, 9), Value::UInt(u64::from(h.dst >> 30)));
    for (id, span, what) in [(h.src, tvb.span(4, 8), "Source"), (h.dst, tvb.span(8, 12), "Destination")] {
        let k = IdKind::of(id);
        if matches!(k, IdKind::Reserved | IdKind::ReservedHigh) {
            tb.expert(
                Severity::Note,
                Group::Protocol,
                format!("{what} ID 0x{id:08x} is in a reserved range (§6.1 Figure 12)"),
                span,
            );
        }
    }
    if IdKind::of(h.src).is_broadcast() {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("Source ID 0x{:08x} is a broadcast ID (§6.1: broadcast IDs are for destinations only)", h.src),
            tvb.span(4, 8),
        );
    }
    tb.add_uint(&hf::CORRELATOR, tvb.span(12, 20), h.correlator);
    let fs = tvb.span(20, 24);
    tb.open(&hf::FLAGS, fs, Value::UInt(u64::from(h.flags.0)));
    let f = h.flags;
    tb.add_uint(&hf::FLAGS_ACK, fs, u64::from(f.ack().0));
    tb.add_uint(&hf::FLAGS_PRI, fs, u64::from(f.pri()));
    tb.add_uint(&hf::FLAGS_RSRVD, fs, u64::from(f.rsvd()));
    tb.add_uint(&hf::FLAGS_EM, fs, u64::from(f.em()));
    tb.add_uint(&hf::FLAGS_AT, fs, u64::from(f.at()));
    tb.add_uint(&hf::FLAGS_TP, fs, u64::from(f.tp()));
    tb.add_uint(&hf::FLAGS_RESERVED, fs, u64::from(f.reserved()));
    tb.close();
    if f.rsvd() != 0 || f.reserved() != 0 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("Reserved flag bits set: 0x{:08x} (§6.1 Figure 13)", f.0 & 0x0707_ffff),
            fs,
        );
    }
    if h.msg_type == MessageType::HEARTBEAT {
        match f.ack() {
            Ack::NO_ACK => {}
            Ack::ALWAYS_ACK => {
                if IdKind::of(h.src) == IdKind::Fe {
                    tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        "Heartbeat with AlwaysACK from an FE (§7.10: only the CE sends such a heartbeat)",
                        fs,
                    );
                }
            }
            a => tb.expert(
                Severity::Note,
                Group::Protocol,
                format!(
                    "Heartbeat with {} (§7.10: the ACK flag MUST be NoACK or AlwaysACK; treated as NoACK)",
                    name_of(ACK_NAMES, u64::from(a.0)).unwrap_or("?")
                ),
                fs,
            ),
        }
    }
    tb.close();
}

/// The top-level TLVs each message carries (§7 Table 1): allowed types, and how many at least.
fn body_rule(t: MessageType) -> Option<(&'static [TlvType], usize)> {
    Some(match t {
        MessageType::ASSOCIATION_SETUP => (&[TlvType::LFBSELECT], 0),
        MessageType::ASSOCIATION_SETUP_RESPONSE => (&[TlvType::ASRESULT], 1),
        MessageType::ASSOCIATION_TEARDOWN => (&[TlvType::ASTREASON], 1),
        MessageType::CONFIG
        | MessageType::CONFIG_RESPONSE
        | MessageType::QUERY
        | MessageType::QUERY_RESPONSE
        | MessageType::EVENT_NOTIFICATION => (&[TlvType::LFBSELECT], 1),
        MessageType::PACKET_REDIRECT => (&[TlvType::REDIRECT], 1),
        MessageType::HEARTBEAT => (&[], 0),
        _ => return None,
    })
}

/// The OPER-TLVs each message may carry (§7 Table 1).
fn opers_of(t: MessageType) -> Option<&'static [TlvType]> {
    Some(match t {
        MessageType::ASSOCIATION_SETUP | MessageType::EVENT_NOTIFICATION => &[TlvType::REPORT],
        MessageType::CONFIG => &[TlvType::SET, TlvType::SET_PROP, TlvType::DEL, TlvType::COMMIT, TlvType::TRCOMP],
        MessageType::CONFIG_RESPONSE => {
            &[TlvType::SET_RESPONSE, TlvType::SET_PROP_RESPONSE, TlvType::DEL_RESPONSE, TlvType::COMMIT_RESPONSE]
        }
        MessageType::QUERY => &[TlvType::GET, TlvType::GET_PROP],
        MessageType::QUERY_RESPONSE => &[TlvType::GET_RESPONSE, TlvType::GET_PROP_RESPONSE],
        _ => return None,
    })
}

/// Which data TLVs an operation's PATH-DATA may end in (§7 Table 2, §7.5-§7.8):
/// (FULLDATA, SPARSEDATA, RESULT).
fn data_rule(op: TlvType) -> (bool, bool, bool) {
    match op {
        TlvType::SET | TlvType::SET_PROP | TlvType::DEL | TlvType::REPORT => (true, true, false),
        TlvType::SET_RESPONSE | TlvType::SET_PROP_RESPONSE | TlvType::DEL_RESPONSE | TlvType::COMMIT_RESPONSE => {
            (false, false, true)
        }
        TlvType::GET_RESPONSE | TlvType::GET_PROP_RESPONSE => (true, false, true),
        _ => (false, false, false),
    }
}

fn check_body(h: &Header, tlvs: &Tlvs<'_>, type_span: Span, tb: &mut TreeBuilder) {
    let Some((allowed, min)) = body_rule(h.msg_type) else { return };
    let name = type_text(h.msg_type);
    let count = tlvs.items.iter().filter(|t| allowed.contains(&t.ty)).count();
    if h.msg_type == MessageType::HEARTBEAT {
        if !tlvs.items.is_empty() || !tlvs.trailing.is_empty() {
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                "Heartbeat with a body (§7.10: the message body is empty)",
                type_span,
            );
        }
        return;
    }
    if count < min {
        let want: Vec<&str> = allowed.iter().filter_map(|t| type_name(Scope::Top, *t)).collect();
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("{name} without {} (§7 Table 1; E_INVALID_TLV)", want.join(" or ")),
            type_span,
        );
    }
    if h.msg_type == MessageType::EVENT_NOTIFICATION && count > 1 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("{name} with {count} LFBselect-TLVs (§7 Table 1: one)"),
            type_span,
        );
    }
}

struct Walker<'t, 'm> {
    tb: &'t mut TreeBuilder,
    mal: &'m mut Malformed,
    msg: MessageType,
}

impl Walker<'_, '_> {
    /// A TLV list in `scope`; `op` is the enclosing OPER-TLV's type in the data scope; `path`
    /// the enclosing path in dot notation.
    fn tlvs(&mut self, tlvs: &Tlvs<'_>, tvb: Tvb<'_>, scope: Scope, op: Option<TlvType>, path: &str) {
        let mut off = 0;
        for t in &tlvs.items {
            let end = off + t.wire_len();
            self.tlv(t, tvb.sub(off, end), scope, op, path);
            off = end;
        }
        if !tlvs.trailing.is_empty() {
            let span = tvb.span(off, off + tlvs.trailing.len());
            self.tb.add(&hf::TRAILING, span, Value::Bytes(tlvs.trailing.to_vec()));
            let why = if tlvs.trailing.len() < TLV_HEADER_LEN {
                format!("{} bytes after the last TLV: too few for a TLV header (§6.2: 4 bytes)", tlvs.trailing.len())
            } else {
                let l = u16::from_be_bytes([tlvs.trailing[2], tlvs.trailing[3]]);
                if usize::from(l) < TLV_HEADER_LEN {
                    format!("TLV length {l} is less than the 4-byte TLV header (§6.2)")
                } else {
                    format!("TLV length {l} runs past the {} bytes left in its container (§6.2)", tlvs.trailing.len())
                }
            };
            let def = if scope == Scope::Data { &hf::EI_PATH_LENGTH_BAD } else { &hf::EI_TLV_LENGTH_BAD };
            self.mal.raise(self.tb, Some(def), why, span);
        }
    }

    fn tlv(&mut self, t: &Tlv<'_>, tvb: Tvb<'_>, scope: Scope, op: Option<TlvType>, path: &str) {
        let len = t.length();
        let name = type_name(scope, t.ty);
        let shown = name.map(str::to_string).unwrap_or_else(|| format!("Unknown type 0x{:04x}", t.ty.0));
        let value = tvb.sub(TLV_HEADER_LEN, len);
        let (node, ty_def, len_def): (&'static FieldDef, &'static FieldDef, &'static FieldDef) = match (scope, t.ty) {
            (Scope::Top, _) => (&hf::TLV, &hf::TLV_TYPE, &hf::TLV_LENGTH),
            (Scope::Lfb, _) => (&hf::OPER, &hf::OPER_TYPE, &hf::OPER_LENGTH),
            (Scope::Data, TlvType::PATH_DATA) => (&hf::PATH, &hf::PATH_TYPE, &hf::PATH_LENGTH),
            (Scope::Data, _) => (&hf::DATA_TLV, &hf::DATA_TYPE, &hf::DATA_LENGTH),
            (Scope::Redirect, TlvType::REDIRECTDATA) => {
                (&hf::REDIRECTDATA, &hf::REDIRECTDATA_TYPE, &hf::REDIRECTDATA_LENGTH)
            }
            (Scope::Redirect, _) => (&hf::METADATA, &hf::META_TYPE, &hf::META_LENGTH),
        };
        let depth = self.tb.depth();
        self.tb.open_label(node, tvb.all(), Value::None, format!("{shown}, length {len}"));
        self.tb.add_uint(ty_def, tvb.span(0, 2), u64::from(t.ty.0));
        self.tb.add_uint(len_def, tvb.span(2, 4), len as u64);
        match &t.body {
            TlvBody::LfbSelect { class_id, instance_id, ops } => {
                self.tb.add_uint(&hf::LFB_CLASSID, value.span(0, 4), u64::from(*class_id));
                self.tb.add_uint(&hf::LFB_INSTANCEID, value.span(4, 8), u64::from(*instance_id));
                self.tb.set_label(format!("{shown}, length {len}: class {class_id}, instance {instance_id}"));
                if ops.items.is_empty() {
                    self.tb.expert(
                        Severity::Note,
                        Group::Protocol,
                        "LFBselect-TLV without an OPER-TLV (§7.1.5: there SHOULD be at least one)",
                        tvb.span(0, 2),
                    );
                }
                self.tlvs(ops, value.from(8), Scope::Lfb, None, path);
            }
            TlvBody::Oper(inner) => {
                if let Some(allowed) = opers_of(self.msg) {
                    if !allowed.contains(&t.ty) {
                        self.tb.expert_field(
                            &hf::EI_OPER_UNSUPPORTED,
                            Severity::Warning,
                            Group::Protocol,
                            format!("{shown} in a {} message (§7 Table 1; E_INVALID_TLV)", type_text(self.msg)),
                            tvb.span(0, 2),
                        );
                    }
                }
                let empty = matches!(t.ty, TlvType::COMMIT | TlvType::TRCOMP);
                if empty && (!inner.items.is_empty() || !inner.trailing.is_empty()) {
                    self.tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        format!("{shown} with a value (§7.6.1: an empty TLV)"),
                        tvb.span(2, 4),
                    );
                }
                if !empty && t.ty != TlvType::COMMIT_RESPONSE && inner.items.is_empty() {
                    self.tb.expert(
                        Severity::Warning,
                        Group::Protocol,
                        format!("{shown} without a PATH-DATA-TLV (§7 Figure 17: OPER-TLV := 1*PATH-DATA-TLV)"),
                        tvb.span(0, 2),
                    );
                }
                self.tlvs(inner, value, Scope::Data, Some(t.ty), path);
            }
            TlvBody::PathData { flags, ids, rest } => {
                self.path_data(*flags, ids, rest, value, op, path);
            }
            TlvBody::KeyInfo { key_id, data } => {
                self.tb.add_uint(&hf::KEYID, value.span(0, 4), u64::from(*key_id));
                // The key's data is not the operation's data (§7: KEYINFO-TLV := KeyID FULLDATA-TLV).
                self.tlvs(data, value.from(4), Scope::Data, None, path);
            }
            TlvBody::FullData(b) => {
                if !b.is_empty() {
                    self.tb.add(&hf::FULLDATA, value.all(), Value::Bytes(b.to_vec()));
                }
                self.data_allowed(op, 0, tvb.span(0, 2));
            }
            TlvBody::SparseData(ilvs) => {
                self.ilvs(ilvs, value, false);
                self.data_allowed(op, 1, tvb.span(0, 2));
            }
            TlvBody::Result { code, reserved } => {
                self.tb.add_uint(&hf::RESULT, value.span(0, 1), u64::from(*code));
                let r = (u64::from(reserved[0]) << 16) | (u64::from(reserved[1]) << 8) | u64::from(reserved[2]);
                self.tb.add_uint(&hf::RESULT_RESERVED, value.span(1, 4), r);
                let rn = name_of(RESULT_NAMES, u64::from(*code));
                self.tb.set_label(format!("{shown}, length {len}: {}", rn.unwrap_or("reserved result value")));
                if *code != 0 {
                    self.tb.expert(
                        Severity::Note,
                        Group::ResponseCode,
                        format!("Result {} (0x{code:02x}) (§7.1.7)", rn.unwrap_or("reserved")),
                        value.span(0, 1),
                    );
                }
                self.data_allowed(op, 2, tvb.span(0, 2));
            }
            TlvBody::Redirect(inner) => {
                if !inner.items.iter().any(|x| x.ty == TlvType::METADATA) {
                    self.tb.expert(
                        Severity::Note,
                        Group::Protocol,
                        "REDIRECT-TLV without a METADATA-TLV (§7.9 Figure 39)",
                        tvb.span(0, 2),
                    );
                }
                self.tlvs(inner, value, Scope::Redirect, None, path);
            }
            TlvBody::MetaData(ilvs) => self.ilvs(ilvs, value, true),
            TlvBody::RedirectData(b) => {
                if b.is_empty() {
                    self.tb.expert_field(
                        &hf::EI_REDIRECTDATA_LENGTH_BAD,
                        Severity::Warning,
                        Group::Protocol,
                        "REDIRECTDATA-TLV without a packet (§7.9 Figure 42)",
                        tvb.span(2, 4),
                    );
                } else {
                    self.tb.add(&hf::REDIRECTDATA_PACKET, value.all(), Value::Bytes(b.to_vec()));
                }
            }
            TlvBody::AsResult(v) => {
                self.tb.add_uint(&hf::ASRESULT, value.all(), u64::from(*v));
                if *v != 0 {
                    self.tb.expert(
                        Severity::Note,
                        Group::ResponseCode,
                        format!(
                            "Association setup refused: {} ({v}) (§7.5.2)",
                            hf::ASRESULT.string_of(u64::from(*v)).unwrap_or("unknown result")
                        ),
                        value.all(),
                    );
                }
            }
            TlvBody::AstReason(v) => {
                self.tb.add_uint(&hf::ASTREASON, value.all(), u64::from(*v));
            }
            TlvBody::Raw(b) => {
                if !b.is_empty() {
                    self.tb.add(&hf::UNKNOWN_TLV, value.all(), Value::Bytes(b.to_vec()));
                }
                match raw_reason(scope, t.ty, b.len()) {
                    Some(why) => {
                        let def = if scope == Scope::Data { &hf::EI_PATH_LENGTH_BAD } else { &hf::EI_TLV_LENGTH_BAD };
                        self.mal.raise(self.tb, Some(def), why, tvb.span(2, 4));
                    }
                    None if scope == Scope::Top => self.tb.expert_field(
                        &hf::EI_TLV_TYPE_UNKNOWN,
                        Severity::Warning,
                        Group::Protocol,
                        format!("TLV type 0x{:04x} is not a top-level TLV (§7 Table 1, §A.4)", t.ty.0),
                        tvb.span(0, 2),
                    ),
                    None if scope == Scope::Lfb => self.tb.expert_field(
                        &hf::EI_OPER_UNSUPPORTED,
                        Severity::Warning,
                        Group::Undecoded,
                        format!("OPER-TLV type 0x{:04x} is not assigned (§A.2)", t.ty.0),
                        tvb.span(0, 2),
                    ),
                    None => self.tb.expert(
                        Severity::Note,
                        Group::Undecoded,
                        format!("TLV type 0x{:04x} is not defined here (§6.2.2, §A.4)", t.ty.0),
                        tvb.span(0, 2),
                    ),
                }
            }
        }
        self.padding(t.pad, len, tvb.span(len, len + t.pad.len()));
        self.tb.close_to(depth);
    }

    fn padding(&mut self, pad: &[u8], len: usize, span: Span) {
        if !pad.is_empty() {
            self.tb.add(&hf::TLV_PADDING, span, Value::Bytes(pad.to_vec()));
            if pad.iter().any(|b| *b != 0) {
                self.tb.expert(
                    Severity::Warning,
                    Group::Protocol,
                    "Padding bytes are not zero (§7.1.8 rule 1: zero on transmission) (F2)",
                    span,
                );
            }
        }
        let want = super::wire::pad_len(len);
        if pad.len() < want {
            self.tb.expert(
                Severity::Note,
                Group::Protocol,
                format!(
                    "Not padded to 32 bits: {} of {want} padding bytes before the container ends (§6.2)",
                    pad.len()
                ),
                span,
            );
        }
    }

    /// `kind`: 0 FULLDATA, 1 SPARSEDATA, 2 RESULT; checked against the operation (§7 Table 2).
    fn data_allowed(&mut self, op: Option<TlvType>, kind: usize, span: Span) {
        let Some(op) = op else { return };
        let (f, s, r) = data_rule(op);
        let ok = [f, s, r].get(kind).copied().unwrap_or(true);
        if !ok {
            let what = ["FULLDATA-TLV", "SPARSEDATA-TLV", "RESULT-TLV"].get(kind).copied().unwrap_or("");
            let opn = name_of(OPER_NAMES, u64::from(op.0)).unwrap_or("?");
            self.tb.expert(
                Severity::Warning,
                Group::Protocol,
                format!("{what} in a {opn} operation (§7 Table 2; E_INVALID_TLV)"),
                span,
            );
        }
    }

    fn path_data(&mut self, flags: u16, ids: &[u32], rest: &Tlvs<'_>, value: Tvb<'_>, op: Option<TlvType>, path: &str) {
        let n = 4 + 4 * ids.len();
        let mut p = path.to_string();
        for id in ids {
            if !p.is_empty() {
                p.push('.');
            }
            p.push_str(&id.to_string());
        }
        self.tb.set_label(format!(
            "PATH-DATA-TLV, length {}: path {}",
            value.len() + 4,
            if p.is_empty() { "(none)" } else { &p }
        ));
        self.tb.open(&hf::PATH_DATA, value.all(), Value::Bytes(value.data.to_vec()));
        self.tb.open(&hf::PATH_FLAGS, value.span(0, 2), Value::UInt(u64::from(flags)));
        self.tb.add_uint(&hf::PATH_FLAGS_SELECTOR, value.span(0, 2), u64::from(flags >> 15));
        self.tb.add_uint(&hf::PATH_FLAGS_RESERVED, value.span(0, 2), u64::from(flags & 0x7fff));
        self.tb.close();
        self.tb.add_uint(&hf::PATH_IDCOUNT, value.span(2, 4), ids.len() as u64);
        for (i, id) in ids.iter().enumerate() {
            self.tb.add_uint(&hf::PATH_IDS, value.span(4 + 4 * i, 8 + 4 * i), u64::from(*id));
        }
        self.tb.add_generated(&hf::PATH_STRING, value.span(4, n), Value::Str(p.clone()));
        if flags & 0x7fff != 0 {
            self.tb.expert(
                Severity::Note,
                Group::Protocol,
                format!("Reserved path flags 0x{:04x} set (§7.1.2)", flags & 0x7fff),
                value.span(0, 2),
            );
        }
        let selector = flags & 0x8000 != 0;
        let has_key = rest.items.first().is_some_and(|t| t.ty == TlvType::KEYINFO);
        if selector && !has_key {
            self.tb.expert(
                Severity::Warning,
                Group::Protocol,
                "SELECTOR flag set but no KEYINFO-TLV follows the path (§7.1.2, §7: SELECTOR := KEYINFO-TLV)",
                value.span(0, 2),
            );
        } else if !selector && rest.items.iter().any(|t| t.ty == TlvType::KEYINFO) {
            self.tb.expert(
                Severity::Warning,
                Group::Protocol,
                "KEYINFO-TLV without the SELECTOR flag (§7: a SELECTOR is correct only when the flags say so)",
                value.span(0, 2),
            );
        }
        self.tlvs(rest, value.from(n), Scope::Data, op, &p);
        self.tb.close();
    }

    fn ilvs(&mut self, ilvs: &Ilvs<'_>, tvb: Tvb<'_>, meta: bool) {
        let mut off = 0;
        for x in &ilvs.items {
            let l = x.length();
            let t = tvb.sub(off, off + x.wire_len());
            if meta {
                self.tb.open_label(
                    &hf::META_ILV,
                    t.all(),
                    Value::Bytes(t.data.to_vec()),
                    format!("Meta Data ILV: ID {}, length {l}", x.id),
                );
                self.tb.add_uint(&hf::META_ILV_ID, t.span(0, 4), u64::from(x.id));
                self.tb.add_uint(&hf::META_ILV_LENGTH, t.span(4, 8), l as u64);
                if !x.value.is_empty() {
                    self.tb.add(&hf::META_ILV_VALUE, t.span(ILV_HEADER_LEN, l), Value::Bytes(x.value.to_vec()));
                }
            } else {
                self.tb.open_label(&hf::SPARSE_ILV, t.all(), Value::None, format!("ILV: ID {}, length {l}", x.id));
                self.tb.add_uint(&hf::SPARSE_ID, t.span(0, 4), u64::from(x.id));
                self.tb.add_uint(&hf::SPARSE_LENGTH, t.span(4, 8), l as u64);
                if !x.value.is_empty() {
                    self.tb.add(&hf::SPARSE_VALUE, t.span(ILV_HEADER_LEN, l), Value::Bytes(x.value.to_vec()));
                }
            }
            self.padding(x.pad, l, t.span(l, l + x.pad.len()));
            self.tb.close();
            off += x.wire_len();
        }
        if !ilvs.trailing.is_empty() {
            let span = tvb.span(off, off + ilvs.trailing.len());
            self.tb.add(&hf::TRAILING, span, Value::Bytes(ilvs.trailing.to_vec()));
            self.mal.raise(
                self.tb,
                Some(&hf::EI_TLV_LENGTH_BAD),
                format!(
                    "{} bytes after the last ILV do not make an ILV (§6.3: 8-byte header, length within the TLV)",
                    ilvs.trailing.len()
                ),
                span,
            );
        }
    }
}
