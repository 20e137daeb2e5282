//! The `ctp` layer's fields and the checks one frame allows on its own (C1, C2, C3, C9, tags
//! against commands). Conversation checks (C7, C8) live in [`super::conv`].

use super::hf;
use super::wire::{
    escape, tag_name, text, Body, Command, Control, Frame, Tag, Trailer, COMMAND_LEN, HEADER_LEN, TAG_HEADER_LEN,
};
use crate::tree::{Group, Severity, Span, TreeBuilder, Tvb, Value};

/// Malformed findings of one frame: the first is kept for the `[Malformed Packet]` marker that
/// ends the layer; later ones are expert infos where they occur.
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

/// Dissect one frame on its own (no conversation): the `ctp` layer with every field and the
/// per-frame expert infos, then the malformed marker when the frame is malformed.
pub fn dissect(frame: &Frame<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder) {
    tb.open_proto(&hf::CTP, tvb.all(), Some(layer_label(frame)));
    let mal = add_fields(frame, tvb, tb, None);
    finish(tb, mal);
}

/// Close the layer, with the malformed marker if needed.
pub(crate) fn finish(tb: &mut TreeBuilder, mal: Malformed) {
    match mal.first {
        Some((msg, span)) => tb.malformed(msg, span),
        None => tb.close_to(0),
    }
}

/// The layer's `-V` line.
pub(crate) fn layer_label(frame: &Frame<'_>) -> String {
    let vs = frame.header.vs;
    match &frame.body {
        Body::Data(d) => format!("Cloud Tunneling Protocol, VS: {vs}, Data ({} bytes)", d.len()),
        Body::Control(c) => format!("Cloud Tunneling Protocol, VS: {vs}, {}", c.command.text()),
        Body::ShortControl(_) => format!("Cloud Tunneling Protocol, VS: {vs}, incomplete command"),
    }
}

/// The info column text for one frame: `AUTH user=alice`, `OPVS vs=2 service=db`,
/// `ACK status=OK`, `DATA vs=2 len=100`.
pub(crate) fn info(frame: &Frame<'_>) -> String {
    let vs = frame.header.vs;
    match &frame.body {
        Body::Data(d) => format!("DATA vs={vs} len={}", d.len()),
        Body::ShortControl(_) => format!("CTRL vs={vs} (incomplete command)"),
        Body::Control(c) => {
            let mut s = c.command.text();
            let short = |b: &[u8]| {
                let t = text(b);
                if t.chars().count() > 32 {
                    let mut u: String = t.chars().take(32).collect();
                    u.push('…');
                    u
                } else {
                    t
                }
            };
            match c.command.canonical() {
                Command::AUTH => {
                    if let Some(Tag::Username(u)) = c.tag(tag_name::UN) {
                        s.push_str(&format!(" user={}", short(u)));
                    } else if c.tag(tag_name::TK).is_some() || c.tag(tag_name::TR).is_some() {
                        s.push_str(" token");
                    } else if c.tag(tag_name::CR).is_some() {
                        s.push_str(" certificate");
                    }
                }
                Command::OPVS => {
                    if let Some(v) = c.vs() {
                        s.push_str(&format!(" vs={v}"));
                    }
                    if let Some(sv) = c.service() {
                        s.push_str(&format!(" service={}", short(sv)));
                    }
                }
                Command::CLVS => {
                    if let Some(v) = c.vs() {
                        s.push_str(&format!(" vs={v}"));
                    }
                }
                Command::ACK => {
                    if let Some(st) = c.status() {
                        match u8::try_from(st).ok().and_then(|b| super::wire::Status(b).name()) {
                            Some(n) => s.push_str(&format!(" status={n}")),
                            None => s.push_str(&format!(" status=0x{st:02x}")),
                        }
                    }
                }
                _ => {}
            }
            s
        }
    }
}

/// Add the header and body fields under the open `ctp` layer, with the per-frame expert infos.
/// `acked` is the command an ACK answers, when the conversation knows it (it decides whether
/// SV and VS tags belong in the ACK).
pub(crate) fn add_fields(frame: &Frame<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder, acked: Option<Command>) -> Malformed {
    let mut mal = Malformed::default();
    let h = &frame.header;
    let len = frame.payload_len();
    tb.add_uint(&hf::ID, tvb.span(0, 1), super::wire::ID as u64);
    tb.add_label(
        &hf::VERSION,
        tvb.span(1, 3),
        Value::UInt(h.version.as_u16() as u64),
        format!("Version: {} (0x{:04x})", h.version, h.version.as_u16()),
    );
    let vs_label = match h.vs {
        0 => "Virtual Socket ID: 0 (client control)".to_string(),
        1 => "Virtual Socket ID: 1 (server control)".to_string(),
        n => format!("Virtual Socket ID: {n}"),
    };
    tb.add_label(&hf::VS, tvb.span(3, 5), Value::UInt(h.vs as u64), vs_label);
    tb.add_uint(&hf::RESERVED, tvb.span(5, 6), h.reserved as u64);
    if h.reserved != 0 {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("Reserved byte is 0x{:02x}, not 0 (§3.1: reserved for future use)", h.reserved),
            tvb.span(5, 6),
        );
    }
    tb.add_uint(&hf::LEN, tvb.span(6, 8), len as u64);
    match &frame.body {
        Body::Data(d) => {
            if !d.is_empty() {
                tb.add(&hf::DATA, tvb.span(HEADER_LEN, HEADER_LEN + d.len()), Value::Bytes(d.to_vec()));
            }
        }
        Body::ShortControl(b) => {
            let span = tvb.span(HEADER_LEN, HEADER_LEN + b.len());
            if !b.is_empty() {
                tb.add(&hf::TRAILING, span, Value::Bytes(b.to_vec()));
            }
            mal.raise(
                tb,
                format!("Control frame payload of {} bytes is too short for a command (§3.2: 4 bytes)", b.len()),
                tvb.span(0, HEADER_LEN + b.len()),
            );
        }
        Body::Control(c) => add_control(c, tvb, tb, acked, &mut mal),
    }
    mal
}

fn add_control(c: &Control<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder, acked: Option<Command>, mal: &mut Malformed) {
    let cmd = c.command;
    let cmd_span = tvb.span(HEADER_LEN, HEADER_LEN + COMMAND_LEN);
    let label = match cmd.description() {
        Some(d) if cmd.is_ack() && cmd != Command::ACK => {
            format!("Command: ACK ({d}; fourth byte 0x{:02x})", cmd.0[3])
        }
        Some(d) => format!("Command: {} ({d})", cmd.text()),
        None => format!("Command: {} (unknown)", cmd.text()),
    };
    tb.add_label(&hf::CMD, cmd_span, Value::Str(cmd.text()), label);
    if cmd.is_ack() && cmd != Command::ACK {
        tb.expert(
            Severity::Note,
            Group::Protocol,
            format!(
                "ACK padded with 0x{:02x} (the draft's command is the 3 letters \"ACK\"; the suite sends \"ACK \") (C1)",
                cmd.0[3]
            ),
            cmd_span,
        );
    } else if !cmd.is_known() {
        tb.expert(
            Severity::Note,
            Group::Undecoded,
            format!("Unknown command \"{}\" (§3.3 defines AUTH, OPVS, CLVS, ACK, SVLT, SYNC and PING)", escape(&cmd.0)),
            cmd_span,
        );
    }
    let mut off = HEADER_LEN + COMMAND_LEN;
    for t in &c.tags {
        add_tag(t, tvb.sub(off, off + t.wire_len()), tb, cmd, acked, mal);
        off += t.wire_len();
    }
    match &c.trailer {
        Trailer::None => {}
        Trailer::Partial(b) => {
            let span = tvb.span(off, off + b.len());
            tb.add_label(
                &hf::TRAILING,
                span,
                Value::Bytes(b.to_vec()),
                format!("Trailing Bytes: {} (too few for a tag header)", escape(b)),
            );
            mal.raise(
                tb,
                format!("{} bytes after the last tag: too few for a tag header (§3.3: 4 bytes)", b.len()),
                span,
            );
        }
        Trailer::Overrun { name, size, value } => {
            let t = tvb.sub(off, off + TAG_HEADER_LEN + value.len());
            tb.open_label(
                &hf::TAG,
                t.all(),
                Value::None,
                format!("Tag: {} (runs past the payload: {} of {} bytes)", escape(name), value.len(), size),
            );
            tb.add(&hf::TAG_NAME, t.span(0, 2), Value::Str(escape(name)));
            tb.add_uint(&hf::TAG_LEN, t.span(2, 4), *size as u64);
            if !value.is_empty() {
                tb.add(&hf::TAG_VALUE, t.span(4, t.len()), Value::Bytes(value.to_vec()));
            }
            tb.close();
            mal.raise(
                tb,
                format!(
                    "Tag {} declares {} bytes but the payload holds only {} more: the tags run past the payload \
                     size (§8.2; the endpoint answers INVALID_COMMAND) (C9)",
                    escape(name),
                    size,
                    value.len()
                ),
                t.all(),
            );
        }
    }
    check_tag_set(c, cmd_span, tb, acked);
}

/// Whether a tag with this name belongs in a control frame with this command (§3.3). `None`
/// when the command is unknown (anything goes).
fn tag_allowed(cmd: Command, name: [u8; 2], acked: Option<Command>) -> Option<bool> {
    use tag_name::*;
    Some(match cmd.canonical() {
        Command::AUTH => matches!(name, UN | PW | TK | CR | TR),
        Command::OPVS => matches!(name, SV | VS),
        Command::CLVS => matches!(name, VS),
        Command::ACK => match name {
            ST | EX | TR => true,
            SV => acked.is_none_or(|a| matches!(a, Command::SVLT | Command::SYNC)),
            VS => acked.is_none_or(|a| a == Command::SYNC),
            _ => false,
        },
        Command::SVLT | Command::SYNC | Command::PING => false,
        _ => return None,
    })
}

fn add_tag(t: &Tag<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder, cmd: Command, acked: Option<Command>, mal: &mut Malformed) {
    let name = t.name();
    let vspan = tvb.span(TAG_HEADER_LEN, tvb.len());
    let in_auth = cmd.canonical() == Command::AUTH;
    let short = |b: &[u8]| {
        let s = text(b);
        if s.chars().count() > 64 {
            let mut u: String = s.chars().take(64).collect();
            u.push('…');
            u
        } else {
            s
        }
    };
    let (desc, shown) = match t {
        Tag::Username(v) => ("Username", short(v)),
        Tag::Password(v) => ("Password", short(v)),
        Tag::Token(v) => ("Token", short(v)),
        Tag::Certificate(v) => ("Client Certificate", short(v)),
        Tag::Service(v) => ("Endpoint Service", short(v)),
        Tag::VirtualSocket(v) => ("Virtual Socket ID", v.to_string()),
        Tag::Status(s) => ("Status", status_text(s.0 as u16)),
        Tag::StatusWide(v) => ("Status", status_text(*v)),
        Tag::Exception(v) => ("Exception Message", short(v)),
        Tag::Trace(v) if in_auth => ("Token", short(v)),
        Tag::Trace(v) => ("Stack Trace", short(v)),
        Tag::BadLength { value, .. } => ("bad size", format!("{} bytes", value.len())),
        Tag::Unknown { value, .. } => {
            let printable = value.iter().all(|b| (0x20..0x7f).contains(b));
            let shown = if printable { short(value) } else { hex_short(value) };
            ("unknown", shown)
        }
    };
    tb.open_label(&hf::TAG, tvb.all(), Value::None, format!("Tag: {} ({desc}): {shown}", escape(&name)));
    tb.add(&hf::TAG_NAME, tvb.span(0, 2), Value::Str(escape(&name)));
    tb.add_uint(&hf::TAG_LEN, tvb.span(2, 4), t.value_len() as u64);
    let s = |v: &[u8]| Value::Str(text(v));
    match t {
        Tag::Username(v) => tb.add(&hf::USERNAME, vspan, s(v)),
        Tag::Password(v) => tb.add(&hf::PASSWORD, vspan, s(v)),
        Tag::Token(v) => tb.add(&hf::TOKEN, vspan, s(v)),
        Tag::Certificate(v) => tb.add(&hf::CERTIFICATE, vspan, s(v)),
        Tag::Service(v) => tb.add(&hf::SERVICE, vspan, s(v)),
        Tag::VirtualSocket(v) => tb.add_uint(&hf::TAG_VS, vspan, *v as u64),
        Tag::Status(st) => tb.add_uint(&hf::STATUS, vspan, st.0 as u64),
        Tag::StatusWide(v) => {
            tb.add_uint(&hf::STATUS, vspan, *v as u64);
            tb.expert(
                Severity::Note,
                Group::Protocol,
                "Status of 2 bytes (§3.3's reading); §3.4 gives it 1 byte, which the suite sends (C2)",
                vspan,
            );
        }
        Tag::Exception(v) => tb.add(&hf::EXCEPTION, vspan, s(v)),
        Tag::Trace(v) if in_auth => {
            tb.add(&hf::TOKEN, vspan, s(v));
            tb.expert(
                Severity::Warning,
                Group::Protocol,
                "TR in AUTH read as a token (§4.2's table); §3.3 names the token TK and uses TR for the ACK's \
                 stack trace (C3)",
                tvb.span(0, 2),
            );
        }
        Tag::Trace(v) => tb.add(&hf::TRACE, vspan, s(v)),
        Tag::BadLength { value, .. } => {
            if !value.is_empty() {
                tb.add(&hf::TAG_VALUE, vspan, Value::Bytes(value.to_vec()));
            }
            let expected = if name == tag_name::ST { "1 byte (§3.4) or 2 (§3.3) (C2)" } else { "2 bytes (§3.3)" };
            mal.raise(tb, format!("{} tag of {} bytes; expected {expected}", escape(&name), value.len()), tvb.all());
        }
        Tag::Unknown { value, .. } => {
            if !value.is_empty() {
                tb.add(&hf::TAG_VALUE, vspan, Value::Bytes(value.to_vec()));
            }
        }
    }
    match (t, tag_allowed(cmd, name, acked)) {
        (Tag::Unknown { .. }, Some(_)) => tb.expert(
            Severity::Note,
            Group::Undecoded,
            format!("Tag {} is not defined by the draft (§3.3 allows extensions)", escape(&name)),
            tvb.span(0, 2),
        ),
        (_, Some(false)) => tb.expert(
            Severity::Note,
            Group::Protocol,
            format!("Tag {} is not defined for {} (§3.3)", escape(&name), cmd.text()),
            tvb.span(0, 2),
        ),
        _ => {}
    }
    tb.close();
}

fn status_text(v: u16) -> String {
    match u8::try_from(v).ok().and_then(|b| super::wire::Status(b).name()) {
        Some(n) => format!("{n} (0x{v:02x})"),
        None => format!("Unknown (0x{v:02x})"),
    }
}

fn hex_short(b: &[u8]) -> String {
    let mut s: String = b.iter().take(24).map(|x| format!("{x:02x}")).collect();
    if b.len() > 24 {
        s.push('…');
    }
    s
}

/// Required tags (§3.3, §3.4) and tags on commands that take none.
fn check_tag_set(c: &Control<'_>, cmd_span: Span, tb: &mut TreeBuilder, acked: Option<Command>) {
    let has = |n: [u8; 2]| c.tags.iter().any(|t| t.name() == n);
    let mut missing = |what: &str, section: &str| {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!("{} without {what} ({section})", c.command.text()),
            cmd_span,
        );
    };
    match c.command.canonical() {
        Command::ACK => {
            if !has(tag_name::ST) {
                missing("a status tag (ST)", "§3.4: every ACK carries one");
            }
            if acked == Some(Command::SYNC) {
                let (_, unpaired) = c.sv_vs_pairs();
                for i in unpaired {
                    if let Some(t) = c.tags.get(i) {
                        tb.expert(
                            Severity::Note,
                            Group::Protocol,
                            format!(
                                "SYNC reply: {} tag without its {} partner (§3.3: SV/VS pairs)",
                                escape(&t.name()),
                                if t.name() == tag_name::SV { "VS" } else { "SV" }
                            ),
                            cmd_span,
                        );
                    }
                }
            }
        }
        Command::OPVS => {
            if !has(tag_name::SV) {
                missing("an endpoint service tag (SV)", "§3.3: required");
            }
            if !has(tag_name::VS) {
                missing("a virtual socket tag (VS)", "§3.3: required");
            }
        }
        Command::CLVS if !has(tag_name::VS) => missing("a virtual socket tag (VS)", "§3.3: required"),
        Command::AUTH
            if ![tag_name::UN, tag_name::PW, tag_name::TK, tag_name::CR, tag_name::TR].iter().any(|n| has(*n)) =>
        {
            tb.expert(
                Severity::Note,
                Group::Protocol,
                "AUTH without credentials, token or certificate (§3.3, §4.2)",
                cmd_span,
            );
        }
        _ => {}
    }
}
