//! Outputs: they read the tree, never the parsers.
//!
//! - [`text::summary_line`]: tshark's default one line per packet;
//! - [`text::write_tree`]: `-V`, the detail tree;
//! - [`hex::write_hex`]: `-x`, hex and ASCII of the frame and of each named buffer;
//! - [`json`]: `-T json` (tshark's `_source.layers` layout with repeated keys merged into arrays,
//!   so the output is valid JSON by construction) and `-T jsonl`;
//! - [`fields`]: `-T fields -e FIELD ...`;
//! - [`glossary`]: `-G fields`.

pub mod fields;
pub mod hex;
pub mod json;
pub mod text;

use std::io::{self, Write};

use crate::tree::FieldDef;

/// `-G fields`: one line per protocol (`P\tname\tabbrev`) and field
/// (`F\tname\tabbrev\ttype\tprotocol\tbase\tbitmask\tblurb`), as tshark prints it.
pub fn glossary(out: &mut dyn Write, defs: &[&'static FieldDef]) -> io::Result<()> {
    for d in defs {
        if d.ftype == crate::tree::FieldType::Protocol {
            writeln!(out, "P\t{}\t{}", d.name, d.abbrev)?;
        } else {
            let proto = d.abbrev.split('.').next().unwrap_or(d.abbrev);
            let base = match d.ftype {
                crate::tree::FieldType::U8
                | crate::tree::FieldType::U16
                | crate::tree::FieldType::U24
                | crate::tree::FieldType::U32
                | crate::tree::FieldType::U64
                | crate::tree::FieldType::I32
                | crate::tree::FieldType::I64 => d.base.name(),
                _ => "",
            };
            writeln!(
                out,
                "F\t{}\t{}\t{}\t{}\t{}\t0x{:x}\t{}",
                d.name,
                d.abbrev,
                d.ftype.ft_name(),
                proto,
                base,
                d.bitmask,
                d.blurb
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn glossary_lines_have_tsharks_columns() {
        let mut out = Vec::new();
        super::glossary(&mut out, &crate::fields::all()).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.lines().any(|l| l == "P\tFrame\tframe"));
        assert!(s.lines().any(|l| l == "F\tFrame Number\tframe.number\tFT_UINT32\tframe\tBASE_DEC\t0x0\t"));
        for l in s.lines() {
            let n = l.split('\t').count();
            assert!(n == 3 || n == 8, "{l}");
        }
    }
}
