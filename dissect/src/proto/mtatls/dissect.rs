//! The `mtatls` layer's fields and the checks one packet allows on its own: the length's
//! reading (M2), the vectors' bounds (§2.1.1, M6), bytes past the fields, unknown types, and a
//! max packet length above the window it comes with (§2.1.1, §2.2). Channel checks (M3, M4)
//! live in [`super::conv`].

use super::hf;
use super::wire::{escape, Address, Body, Message, MsgType, Reading, MAX_ERROR};
use crate::tree::{Group, Severity, TreeBuilder, Tvb, Value};

/// Dissect one packet on its own (no channel state): the `mtatls` layer with every field and
/// the per-packet expert infos.
pub fn dissect(msg: &Message<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder) {
    tb.open_proto(&hf::MTATLS, tvb.all(), Some(layer_label(msg)));
    add_fields(msg, tvb, tb);
    tb.close_to(0);
}

/// A channel id as the tree shows it.
pub(crate) fn cid(id: u32) -> String {
    format!("0x{id:08x}")
}

/// The layer's `-V` line.
pub(crate) fn layer_label(msg: &Message<'_>) -> String {
    let name = msg.ty().name().map_or_else(|| format!("Unknown type {}", msg.ty().0), str::to_string);
    let what = match &msg.body {
        Body::EstablishmentRequest { sender_channel_id, .. } | Body::RequestEchec { sender_channel_id, .. } => {
            format!(", Sender Channel ID: 0x{sender_channel_id:04x}")
        }
        Body::Plaintext { channel_id, data } => format!(", Channel: {}, {} bytes", cid(*channel_id), data.len()),
        b => b.channel_id().map(|c| format!(", Channel: {}", cid(c))).unwrap_or_default(),
    };
    format!("Multiplexing over TLS, {name}{what}")
}

/// The info column text for one packet.
pub(crate) fn info(msg: &Message<'_>) -> String {
    match &msg.body {
        Body::EstablishmentRequest { sender_channel_id, dst_addr, dst_port, .. } => {
            format!("Open sid=0x{sender_channel_id:04x} to {}:{dst_port}", short(&Address::read(dst_addr).text()))
        }
        Body::EstablishmentSuccess { sender_channel_id, receiver_channel_id, .. } => {
            format!("Open OK {}", cid(super::wire::channel_id(*sender_channel_id, *receiver_channel_id)))
        }
        Body::RequestEchec { sender_channel_id, error } => {
            format!("Open failed sid=0x{sender_channel_id:04x}: {}", short(&escape(error)))
        }
        Body::CloseRequest { channel_id } => format!("Close {}", cid(*channel_id)),
        Body::CloseConfirmation { channel_id } => format!("Close OK {}", cid(*channel_id)),
        Body::Plaintext { channel_id, data } => format!("Data {} len={}", cid(*channel_id), data.len()),
        Body::NewMaxPacketLength { channel_id, max_packet_length } => {
            format!("NewMaxPacketLength {} max={max_packet_length}", cid(*channel_id))
        }
        Body::Acknowledgment { channel_id, free_space } => format!("Ack {} free={free_space}", cid(*channel_id)),
        Body::Unknown { ty, .. } => format!("Unknown type {}", ty.0),
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 40 {
        let mut u: String = s.chars().take(40).collect();
        u.push('…');
        u
    } else {
        s.to_string()
    }
}

/// Add the packet's fields under the open `mtatls` layer, with the per-packet expert infos.
pub(crate) fn add_fields(msg: &Message<'_>, tvb: Tvb<'_>, tb: &mut TreeBuilder) {
    let ty = msg.ty();
    let h = msg.header_len();
    tb.add_uint(&hf::TYPE, tvb.span(0, 1), ty.0 as u64);
    if !ty.is_known() {
        tb.expert(
            Severity::Note,
            Group::Undecoded,
            format!("Unknown type {} (§2.3 defines 1 to 8); read with a 2-byte length", ty.0),
            tvb.span(0, 1),
        );
    }
    let reading = msg.reading();
    let len_span = tvb.span(1, h);
    tb.add_label(
        &hf::LENGTH,
        len_span,
        Value::UInt(msg.length as u64),
        format!("Length: {} ({})", msg.length, reading.description()),
    );
    tb.add_generated(&hf::LENGTH_READING, len_span, Value::Str(reading.description().to_string()));
    let after = msg.body.wire_len() + msg.trailing.len();
    match reading {
        Reading::AfterLength => {}
        Reading::WholePacket | Reading::DataOnly => tb.expert(
            Severity::Note,
            Group::Protocol,
            format!(
                "Length {} counts the {}; the suite sends the octets after the length field, {} here (M2)",
                msg.length,
                if reading == Reading::WholePacket { "whole packet" } else { "data only" },
                after
            ),
            len_span,
        ),
        Reading::Mismatch => tb.expert(
            Severity::Warning,
            Group::Malformed,
            format!(
                "Length {} is shorter than the packet's fields ({} bytes after the length field); read by its \
                 fields (M2)",
                msg.length, after
            ),
            len_span,
        ),
    }
    let b = tvb.from(h);
    match &msg.body {
        Body::EstablishmentRequest {
            sender_channel_id,
            window,
            max_packet_length,
            src_addr,
            src_port,
            dst_addr,
            dst_port,
        } => {
            tb.add_uint(&hf::SENDER_CHANNEL_ID, b.span(0, 2), *sender_channel_id as u64);
            tb.add_uint(&hf::WINDOW, b.span(2, 6), *window as u64);
            tb.add_uint(&hf::MAX_PACKET_LENGTH, b.span(6, 10), *max_packet_length as u64);
            let mut off = 10;
            off = address(tb, b, off, src_addr, &hf::SRC_ADDR_LEN, &hf::SRC_ADDR, "source_address_machine");
            tb.add_uint(&hf::SRC_PORT, b.span(off, off + 2), *src_port as u64);
            off += 2;
            off = address(tb, b, off, dst_addr, &hf::DST_ADDR_LEN, &hf::DST_ADDR, "destination_address_machine");
            tb.add_uint(&hf::DST_PORT, b.span(off, off + 2), *dst_port as u64);
            max_above_window(tb, *window, *max_packet_length, b.span(2, 10));
        }
        Body::EstablishmentSuccess { sender_channel_id, receiver_channel_id, window, max_packet_length } => {
            tb.add_uint(&hf::SENDER_CHANNEL_ID, b.span(0, 2), *sender_channel_id as u64);
            tb.add_uint(&hf::RECEIVER_CHANNEL_ID, b.span(2, 4), *receiver_channel_id as u64);
            tb.add_generated(
                &hf::CHANNEL_ID,
                b.span(0, 4),
                Value::UInt(super::wire::channel_id(*sender_channel_id, *receiver_channel_id) as u64),
            );
            tb.add_uint(&hf::WINDOW, b.span(4, 8), *window as u64);
            tb.add_uint(&hf::MAX_PACKET_LENGTH, b.span(8, 12), *max_packet_length as u64);
            max_above_window(tb, *window, *max_packet_length, b.span(4, 12));
        }
        Body::RequestEchec { sender_channel_id, error } => {
            tb.add_uint(&hf::SENDER_CHANNEL_ID, b.span(0, 2), *sender_channel_id as u64);
            tb.add_uint(&hf::ERROR_LEN, b.span(2, 4), error.len() as u64);
            tb.add(&hf::ERROR, b.span(4, 4 + error.len()), Value::Str(text(error)));
            if error.len() > MAX_ERROR {
                tb.expert(
                    Severity::Warning,
                    Group::Malformed,
                    format!("Error of {} bytes; §2.1.1: error<0..2^16-6> allows at most {MAX_ERROR}", error.len()),
                    b.span(2, 4),
                );
            }
        }
        Body::CloseRequest { channel_id } | Body::CloseConfirmation { channel_id } => {
            tb.add_uint(&hf::CHANNEL_ID, b.span(0, 4), *channel_id as u64);
        }
        Body::Plaintext { channel_id, data } => {
            tb.add_uint(&hf::CHANNEL_ID, b.span(0, 4), *channel_id as u64);
            tb.add_generated(&hf::DATA_LEN, b.span(4, 4 + data.len()), Value::UInt(data.len() as u64));
            if !data.is_empty() {
                tb.add(&hf::DATA, b.span(4, 4 + data.len()), Value::Bytes(data.to_vec()));
            }
        }
        Body::NewMaxPacketLength { channel_id, max_packet_length } => {
            tb.add_uint(&hf::CHANNEL_ID, b.span(0, 4), *channel_id as u64);
            tb.add_uint(&hf::MAX_PACKET_LENGTH, b.span(4, 8), *max_packet_length as u64);
        }
        Body::Acknowledgment { channel_id, free_space } => {
            tb.add_uint(&hf::CHANNEL_ID, b.span(0, 4), *channel_id as u64);
            tb.add_uint(&hf::FREE_SPACE, b.span(4, 8), *free_space as u64);
        }
        Body::Unknown { body, .. } => {
            if !body.is_empty() {
                tb.add(&hf::BODY, b.span(0, body.len()), Value::Bytes(body.to_vec()));
            }
        }
    }
    if !msg.trailing.is_empty() {
        let s = msg.body.wire_len();
        let span = b.span(s, s + msg.trailing.len());
        tb.add(&hf::TRAILING, span, Value::Bytes(msg.trailing.to_vec()));
        tb.expert(
            Severity::Warning,
            Group::Malformed,
            format!(
                "Length {} covers {} bytes past the {}'s fields (M2)",
                msg.length,
                msg.trailing.len(),
                ty.name().unwrap_or("packet")
            ),
            span,
        );
    }
}

/// An address vector (M6): its length, then the address as text, an IP address or bytes.
fn address(
    tb: &mut TreeBuilder,
    b: Tvb<'_>,
    off: usize,
    v: &[u8],
    len_def: &'static crate::tree::FieldDef,
    def: &'static crate::tree::FieldDef,
    name: &str,
) -> usize {
    tb.add_uint(len_def, b.span(off, off + 2), v.len() as u64);
    let span = b.span(off + 2, off + 2 + v.len());
    if v.is_empty() {
        tb.expert(
            Severity::Warning,
            Group::Malformed,
            format!("Empty {name}; §2.1.1: opaque <1..2^16-1> needs at least one byte"),
            b.span(off, off + 2),
        );
    } else {
        let a = Address::read(v);
        tb.add_label(def, span, Value::Str(a.text()), format!("{}: {} ({})", def.name, a.text(), a.kind()));
    }
    off + 2 + v.len()
}

/// §2.1.1: "The sender_max_packet_length is always smaller than the free space of the
/// sender_window_length"; §2.2 says "not bigger than": flag only a larger one.
fn max_above_window(tb: &mut TreeBuilder, window: u32, max: u32, span: crate::tree::Span) {
    if max > window {
        tb.expert(
            Severity::Warning,
            Group::Protocol,
            format!(
                "Max packet length {max} exceeds the window {window} it comes with (§2.1.1, §2.2: not bigger than \
                 the free space of the receive buffer)"
            ),
            span,
        );
    }
}

/// A text value as the tree shows it: valid UTF-8 with control characters escaped, anything
/// else escaped byte by byte.
pub(crate) fn text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) if !s.chars().any(char::is_control) => s.to_string(),
        _ => escape(b),
    }
}

/// The name of a type, for expert messages.
pub(crate) fn type_name(ty: MsgType) -> String {
    ty.name().map_or_else(|| format!("type {}", ty.0), str::to_string)
}
