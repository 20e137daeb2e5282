//! Text outputs: the summary line and the `-V` tree, in tshark's layout.

use std::io::{self, Write};

use crate::tree::{display_value, FieldType, Node, Packet, Value};

/// tshark's default line: number, relative time, source → destination, protocol, length, info.
pub fn summary_line(p: &Packet) -> String {
    let s = &p.summary;
    let proto = if s.protocol.is_empty() { top_protocol(p) } else { s.protocol.clone() };
    let mut line = format!("{:>5} {:>10} ", p.number, rel_time_6(p.rel_ts));
    if !s.src.is_empty() || !s.dst.is_empty() {
        line.push_str(&s.src);
        line.push_str(" → ");
        line.push_str(&s.dst);
        line.push(' ');
    }
    line.push_str(&proto);
    line.push(' ');
    line.push_str(&p.orig_len.to_string());
    line.push(' ');
    line.push_str(&s.info);
    line
}

/// A relative time with microseconds, as tshark's time column: `0.005392`, `-0.000001`.
pub fn rel_time_6(t: (i64, u32)) -> String {
    let total = t.0 as i128 * 1_000_000_000 + t.1 as i128;
    let sign = if total < 0 { "-" } else { "" };
    let us = (total.abs() + 500) / 1000;
    format!("{}{}.{:06}", sign, us / 1_000_000, us % 1_000_000)
}

fn top_protocol(p: &Packet) -> String {
    p.layers
        .iter()
        .rev()
        .find(|l| l.def.ftype == FieldType::Protocol && !l.def.abbrev.starts_with('_'))
        .map(|l| l.def.abbrev.to_uppercase())
        .unwrap_or_default()
}

/// `-V`: every visible node, four spaces per level; generated nodes in brackets.
pub fn write_tree(out: &mut dyn Write, p: &Packet) -> io::Result<()> {
    for l in &p.layers {
        write_node(out, l, 0)?;
    }
    Ok(())
}

fn write_node(out: &mut dyn Write, n: &Node, depth: usize) -> io::Result<()> {
    if n.hidden {
        return Ok(());
    }
    let generated = n.generated || n.def.abbrev.starts_with("_ws.expert");
    let label = node_label(n);
    for _ in 0..depth {
        out.write_all(b"    ")?;
    }
    if generated && !label.starts_with('[') {
        writeln!(out, "[{}]", label)?;
    } else {
        writeln!(out, "{}", label)?;
    }
    for c in &n.children {
        write_node(out, c, depth + 1)?;
    }
    Ok(())
}

/// The `-V` label, with a bit pattern in front for masked fields (`.1.. .... = Don't fragment: Set`).
pub fn node_label(n: &Node) -> String {
    let label = n.display_label();
    if n.label.is_some() || n.def.bitmask == 0 {
        return label;
    }
    let width = n.span.len();
    if !(1..=8).contains(&width) {
        return label;
    }
    let raw = match n.value {
        Value::UInt(v) => v,
        Value::Bool(b) => u64::from(b),
        _ => return label,
    };
    let shift = n.def.bitmask.trailing_zeros();
    let bits = raw.checked_shl(shift).unwrap_or(0) & n.def.bitmask;
    let nbits = width * 8;
    let mut pat = String::with_capacity(nbits + nbits / 4);
    for i in (0..nbits).rev() {
        let m = 1u64 << i;
        pat.push(if n.def.bitmask & m == 0 {
            '.'
        } else if bits & m != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i != 0 {
            pat.push(' ');
        }
    }
    format!("{} = {}", pat, label)
}

/// The value of a node as `-V` shows it (exported for other outputs).
pub fn shown_value(n: &Node) -> String {
    display_value(n.def, &n.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Base, FieldDef, Span, TreeBuilder};
    use std::sync::Arc;

    static P: FieldDef = FieldDef::proto("ip", "Internet Protocol Version 4");
    static DF: FieldDef = FieldDef::new("ip.flags.df", "Don't fragment", FieldType::Bool, Base::None).mask(0x40);
    static VER: FieldDef = FieldDef::new("ip.version", "Version", FieldType::U8, Base::Dec).mask(0xf0);
    static ADDR: FieldDef = FieldDef::new("ip.addr", "Address", FieldType::Ipv4, Base::None);

    #[test]
    fn bit_patterns_and_hidden_fields() {
        let mut tb = TreeBuilder::new();
        tb.open_proto(&P, Span::new(0, 0, 20), None);
        tb.add(&VER, Span::new(0, 0, 1), Value::UInt(4));
        tb.add(&DF, Span::new(0, 6, 7), Value::Bool(true));
        tb.add_hidden(&ADDR, Span::new(0, 12, 16), Value::Ipv4([10, 0, 0, 1]));
        let p = tb.finish(1, (0, 0), (0, 0), 20, Arc::from(&[0u8; 20][..]));
        let mut out = Vec::new();
        write_tree(&mut out, &p).unwrap();
        let s = String::from_utf8(out).unwrap();
        // The same lines as tshark 4.0 -V prints for an IPv4 header with DF set.
        assert_eq!(s, "Internet Protocol Version 4\n    0100 .... = Version: 4\n    .1.. .... = Don't fragment: Set\n");
    }

    #[test]
    fn relative_times() {
        assert_eq!(rel_time_6((0, 5_392_000)), "0.005392");
        assert_eq!(rel_time_6((-1, 999_999_000)), "-0.000001");
        assert_eq!(rel_time_6((12, 999_999_600)), "13.000000");
    }

    #[test]
    fn summary_matches_tshark_layout() {
        let mut tb = TreeBuilder::new();
        tb.summary.src = "155.230.24.155".into();
        tb.summary.dst = "203.255.252.194".into();
        tb.set_protocol_column("SCTP");
        tb.set_info("INIT ");
        let p = tb.finish(1, (0, 0), (0, 5392000), 106, Arc::from(&[][..]));
        // tshark 4.0 on wireshark-wiki/sctp-www.cap frame 1 (time column taken from frame 2's layout).
        assert_eq!(summary_line(&p), "    1   0.005392 155.230.24.155 → 203.255.252.194 SCTP 106 INIT ");
    }
}
