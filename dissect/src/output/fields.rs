//! `-T fields -e FIELD ...`: one line per packet, the fields' values separated by a tab, repeated
//! values joined by a comma, as tshark prints them. `-E header=y`, `-E separator=`,
//! `-E aggregator=`, `-E occurrence=f|l|a|N` and `-E quote=d|s|n` work as in tshark.

use std::io::{self, Write};

use crate::tree::{write_field_value, FieldType, Packet, Value};

/// How `-T fields` prints.
#[derive(Debug, Clone)]
pub struct FieldsOptions {
    pub fields: Vec<String>,
    pub header: bool,
    pub separator: String,
    pub aggregator: String,
    /// 0 = all, positive = that occurrence (1-based), negative = from the end (-1 = last).
    pub occurrence: i64,
    pub quote: Option<char>,
}

impl Default for FieldsOptions {
    fn default() -> Self {
        FieldsOptions {
            fields: Vec::new(),
            header: false,
            separator: "\t".into(),
            aggregator: ",".into(),
            occurrence: 0,
            quote: None,
        }
    }
}

impl FieldsOptions {
    /// Apply one `-E key=value`.
    pub fn set(&mut self, opt: &str) -> Result<(), String> {
        let (k, v) = opt.split_once('=').ok_or_else(|| format!("-E {opt:?}: expected key=value"))?;
        match k {
            "header" => self.header = matches!(v, "y" | "yes" | "1" | "true"),
            "separator" => {
                self.separator = match v {
                    "/t" => "\t".into(),
                    "/s" => " ".into(),
                    other => other.into(),
                }
            }
            "aggregator" => {
                self.aggregator = match v {
                    "/s" => " ".into(),
                    other => other.into(),
                }
            }
            "occurrence" => {
                self.occurrence = match v {
                    "a" => 0,
                    "f" => 1,
                    "l" => -1,
                    n => n.parse().map_err(|_| format!("-E occurrence={v}: expected f, l, a or a number"))?,
                }
            }
            "quote" => {
                self.quote = match v {
                    "d" => Some('"'),
                    "s" => Some('\''),
                    "n" => None,
                    _ => return Err(format!("-E quote={v}: expected d, s or n")),
                }
            }
            _ => return Err(format!("-E {k}: unknown option (header, separator, aggregator, occurrence, quote)")),
        }
        Ok(())
    }

    /// The header line (field names), when `-E header=y`.
    pub fn write_header(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.header {
            writeln!(out, "{}", self.fields.join(&self.separator))?;
        }
        Ok(())
    }

    /// One packet's line.
    pub fn write_packet(&self, out: &mut dyn Write, p: &Packet) -> io::Result<()> {
        let mut line = String::new();
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                line.push_str(&self.separator);
            }
            let nodes = p.values(f);
            let picked: Vec<_> = match self.occurrence {
                0 => nodes,
                n if n > 0 => nodes.into_iter().nth(n as usize - 1).into_iter().collect(),
                n => {
                    let back = (-n) as usize;
                    if back <= nodes.len() {
                        vec![nodes[nodes.len() - back]]
                    } else {
                        vec![]
                    }
                }
            };
            if let Some(q) = self.quote {
                line.push(q);
            }
            for (j, n) in picked.iter().enumerate() {
                if j > 0 {
                    line.push_str(&self.aggregator);
                }
                match (n.def.ftype, &n.value) {
                    // tshark prints a protocol by its label, a present valueless field as 1,
                    // and empty bytes as <none>.
                    (FieldType::Protocol, Value::None) => line.push_str(&n.display_label()),
                    (_, Value::None) => line.push('1'),
                    (_, Value::Bytes(b)) if b.is_empty() => line.push_str("<none>"),
                    (_, Value::Str(t)) => escape_into(&mut line, t),
                    _ => write_field_value(&mut line, n.def, &n.value),
                }
            }
            if let Some(q) = self.quote {
                line.push(q);
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())
    }
}

/// tshark's `-T fields` escaping of strings: tab, CR, LF, backspace and form feed become `\t`,
/// `\r`, `\n`, `\b`, `\f` (a backslash itself is left alone), so one packet stays one line.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Base, FieldDef, Span, TreeBuilder};
    use std::sync::Arc;

    static P: FieldDef = FieldDef::proto("t", "Test");
    static A: FieldDef = FieldDef::new("t.a", "A", FieldType::U16, Base::Dec);
    static B: FieldDef = FieldDef::new("t.b", "B", FieldType::U32, Base::Hex);

    fn packet() -> Packet {
        let mut tb = TreeBuilder::new();
        tb.open_proto(&P, Span::EMPTY, None);
        tb.add(&A, Span::EMPTY, Value::UInt(1));
        tb.add(&B, Span::EMPTY, Value::UInt(0xbeef));
        tb.add(&A, Span::EMPTY, Value::UInt(2));
        tb.finish(1, (0, 0), (0, 0), 0, Arc::from(&[][..]))
    }

    #[test]
    fn strings_escaped_like_tshark() {
        let mut s = String::new();
        escape_into(&mut s, "a\tb\r\nc\u{8}\u{c}\\d");
        assert_eq!(s, "a\\tb\\r\\nc\\b\\f\\d");
    }

    #[test]
    fn values_joined_and_separated_like_tshark() {
        let mut o = FieldsOptions { fields: vec!["t.a".into(), "t.b".into(), "t.none".into()], ..Default::default() };
        let mut out = Vec::new();
        o.write_packet(&mut out, &packet()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1,2\t0x0000beef\t\n");
        o.set("occurrence=l").unwrap();
        o.set("separator=;").unwrap();
        o.set("quote=d").unwrap();
        o.set("header=y").unwrap();
        let mut out = Vec::new();
        o.write_header(&mut out).unwrap();
        o.write_packet(&mut out, &packet()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "t.a;t.b;t.none\n\"2\";\"0x0000beef\";\"\"\n");
        assert!(o.set("occurrence=x").is_err());
        assert!(o.set("bogus=1").is_err());
    }
}
