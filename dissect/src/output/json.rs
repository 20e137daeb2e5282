//! `-T json` and `-T jsonl`.
//!
//! The layout is tshark's (`[{"_index": ..., "_source": {"layers": {"frame": {...}, ...}}}]`):
//! a leaf is `"abbrev": "value"`; a node with children and no value is `"abbrev": {children}`; a node
//! with both is `"abbrev": "value", "abbrev_tree": {children}`. Where tshark would repeat a key,
//! the values are gathered into an array in first-seen order (tshark's `--no-duplicate-keys`), so the
//! output is valid JSON by construction.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::tree::{civil_from_days, write_field_value, FieldType, Node, Packet, Value};

/// A JSON value under construction.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    Str(String),
    Obj(Obj),
    Arr(Vec<J>),
}

/// An object whose repeated keys become arrays.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj {
    entries: Vec<(String, J)>,
    index: HashMap<String, usize>,
}

impl Obj {
    pub fn insert(&mut self, key: &str, v: J) {
        if let Some(&i) = self.index.get(key) {
            let slot = &mut self.entries[i].1;
            match slot {
                J::Arr(a) => a.push(v),
                other => {
                    let first = std::mem::replace(other, J::Arr(Vec::new()));
                    *other = J::Arr(vec![first, v]);
                }
            }
        } else {
            self.index.insert(key.to_string(), self.entries.len());
            self.entries.push((key.to_string(), v));
        }
    }
    pub fn get(&self, key: &str) -> Option<&J> {
        self.index.get(key).map(|&i| &self.entries[i].1)
    }
    pub fn entries(&self) -> &[(String, J)] {
        &self.entries
    }
}

fn node_value(n: &Node) -> String {
    let mut s = String::new();
    if n.def.ftype != FieldType::Protocol && n.value != Value::None {
        write_field_value(&mut s, n.def, &n.value);
    }
    s
}

fn add_node(obj: &mut Obj, n: &Node) {
    if n.children.is_empty() {
        obj.insert(n.def.abbrev, J::Str(node_value(n)));
        return;
    }
    let mut kids = Obj::default();
    for c in &n.children {
        add_node(&mut kids, c);
    }
    if n.value == Value::None {
        obj.insert(n.def.abbrev, J::Obj(kids));
    } else {
        obj.insert(n.def.abbrev, J::Str(node_value(n)));
        let key = format!("{}_tree", n.def.abbrev);
        obj.insert(&key, J::Obj(kids));
    }
}

/// The `layers` object of a packet.
pub fn layers(p: &Packet) -> Obj {
    let mut layers = Obj::default();
    for l in &p.layers {
        let mut o = Obj::default();
        for c in &l.children {
            add_node(&mut o, c);
        }
        layers.insert(l.def.abbrev, J::Obj(o));
    }
    layers
}

/// The whole document object for one packet.
pub fn packet_object(p: &Packet) -> Obj {
    let (y, m, d) = civil_from_days(p.ts.0.div_euclid(86_400));
    let mut source = Obj::default();
    source.insert("layers", J::Obj(layers(p)));
    let mut top = Obj::default();
    top.insert("_index", J::Str(format!("packets-{:04}-{:02}-{:02}", y, m, d)));
    top.insert("_type", J::Str("doc".into()));
    top.insert("_score", J::Str(String::new()));
    top.insert("_source", J::Obj(source));
    top
}

fn write_str(out: &mut dyn Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, s).map_err(io::Error::other)
}

/// Write a value; `indent` is `Some(level)` for pretty output, `None` for one line.
pub fn write_j(out: &mut dyn Write, v: &J, indent: Option<usize>) -> io::Result<()> {
    match v {
        J::Str(s) => write_str(out, s),
        J::Arr(a) => {
            out.write_all(b"[")?;
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                newline(out, indent.map(|l| l + 1))?;
                write_j(out, x, indent.map(|l| l + 1))?;
            }
            newline(out, indent)?;
            out.write_all(b"]")
        }
        J::Obj(o) => write_obj(out, o, indent),
    }
}

fn newline(out: &mut dyn Write, indent: Option<usize>) -> io::Result<()> {
    if let Some(l) = indent {
        out.write_all(b"\n")?;
        for _ in 0..l {
            out.write_all(b"  ")?;
        }
    }
    Ok(())
}

/// Write an object (the `_score` key is written as `null`, as tshark does).
pub fn write_obj(out: &mut dyn Write, o: &Obj, indent: Option<usize>) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (k, v)) in o.entries.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        newline(out, indent.map(|l| l + 1))?;
        write_str(out, k)?;
        out.write_all(if indent.is_some() { b": " } else { b":" })?;
        if k == "_score" {
            out.write_all(b"null")?;
        } else {
            write_j(out, v, indent.map(|l| l + 1))?;
        }
    }
    if !o.entries.is_empty() {
        newline(out, indent)?;
    }
    out.write_all(b"}")
}

/// Writes `-T json`: an array, one pretty object per packet.
pub struct JsonWriter {
    first: bool,
}

impl Default for JsonWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonWriter {
    pub fn new() -> Self {
        JsonWriter { first: true }
    }
    pub fn packet(&mut self, out: &mut dyn Write, p: &Packet) -> io::Result<()> {
        out.write_all(if self.first { b"[\n  " } else { b",\n  " })?;
        self.first = false;
        write_obj(out, &packet_object(p), Some(1))
    }
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        if self.first {
            out.write_all(b"[\n]\n")
        } else {
            out.write_all(b"\n]\n")
        }
    }
}

/// `-T jsonl`: one packet object per line.
pub fn write_jsonl(out: &mut dyn Write, p: &Packet) -> io::Result<()> {
    write_obj(out, &packet_object(p), None)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Base, FieldDef, Span, TreeBuilder};
    use std::sync::Arc;

    static P: FieldDef = FieldDef::proto("t", "Test");
    static A: FieldDef = FieldDef::new("t.a", "A", FieldType::U16, Base::Dec);
    static B: FieldDef = FieldDef::new("t.b", "B", FieldType::U8, Base::Hex);

    #[test]
    fn repeated_keys_become_arrays_and_trees_get_suffix() {
        let mut tb = TreeBuilder::new();
        tb.open_proto(&P, Span::EMPTY, None);
        tb.add_uint(&A, Span::EMPTY, 1);
        tb.add_uint(&A, Span::EMPTY, 2);
        tb.open(&B, Span::EMPTY, Value::UInt(0x0f));
        tb.add_uint(&A, Span::EMPTY, 3);
        tb.close();
        let p = tb.finish(1, (1_137_034_844, 0), (0, 0), 0, Arc::from(&[][..]));
        let mut out = Vec::new();
        write_jsonl(&mut out, &p).unwrap();
        let s = String::from_utf8(out).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let t = &v["_source"]["layers"]["t"];
        assert_eq!(t["t.a"], serde_json::json!(["1", "2"]));
        assert_eq!(t["t.b"], "0x0f");
        assert_eq!(t["t.b_tree"]["t.a"], "3");
        // The date tshark gives this timestamp (sctp-www.cap frame 1).
        assert_eq!(v["_index"], "packets-2006-01-12");
        assert!(v["_score"].is_null());
    }

    #[test]
    fn pretty_array_is_valid_json() {
        let mut tb = TreeBuilder::new();
        tb.open_proto(&P, Span::EMPTY, None);
        tb.add(&A, Span::EMPTY, Value::UInt(7));
        let p = tb.finish(1, (0, 0), (0, 0), 0, Arc::from(&[][..]));
        let mut out = Vec::new();
        let mut w = JsonWriter::new();
        w.packet(&mut out, &p).unwrap();
        w.packet(&mut out, &p).unwrap();
        w.finish(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        let mut out = Vec::new();
        JsonWriter::new().finish(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v, serde_json::json!([]));
    }
}
