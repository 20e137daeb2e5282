//! A packet as the page draws it: the tree (label, field name, value, span, buffer), the
//! buffers (frame, reassembled, decrypted) as hex, and the expert infos.

use dissect::output::text::node_label;
use dissect::tree::{display_value, Node, Packet, Value};
use serde_json::{json, Value as Json};

fn hex(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() * 2);
    for b in data {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn node(n: &Node) -> Json {
    let mut label = node_label(n);
    if n.generated && !label.starts_with('[') {
        label = format!("[{label}]");
    }
    let value = match n.value {
        Value::None => Json::Null,
        _ => Json::String(display_value(n.def, &n.value)),
    };
    let children: Vec<Json> = n.children.iter().filter(|c| !c.hidden).map(node).collect();
    let mut o = json!({
        "l": label,
        "f": n.def.abbrev,
        "v": value,
        "b": n.span.buf,
        "s": n.span.start,
        "e": n.span.end,
    });
    if n.generated {
        o["g"] = Json::Bool(true);
    }
    if !children.is_empty() {
        o["c"] = Json::Array(children);
    }
    o
}

/// The whole packet for the detail and hex panes.
pub fn packet(p: &Packet) -> Json {
    let buffers: Vec<Json> = p.buffers.iter().map(|b| json!({ "name": b.name, "hex": hex(&b.data) })).collect();
    let experts: Vec<Json> = p
        .experts
        .iter()
        .map(|e| {
            json!({
                "severity": e.severity.name(),
                "group": e.group.name(),
                "protocol": e.protocol,
                "message": e.message,
                "b": e.span.buf,
                "s": e.span.start,
                "e": e.span.end,
            })
        })
        .collect();
    json!({
        "n": p.number,
        "summary": {
            "src": p.summary.src,
            "dst": p.summary.dst,
            "proto": p.summary.protocol,
            "info": p.summary.info,
        },
        "malformed": p.malformed,
        "tree": p.layers.iter().filter(|l| !l.hidden).map(node).collect::<Vec<_>>(),
        "buffers": buffers,
        "experts": experts,
    })
}
