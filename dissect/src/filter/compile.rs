//! From syntax tree to an expression over resolved fields and typed values.

use std::borrow::Cow;

use super::lexer::CmpOp;
use super::parser::{Ast, Atom, Operand as POperand, SetElem, SliceRange};
use super::FilterError;
use crate::tree::{FieldDef, FieldType};

/// Fields one filter may name; more is refused (each costs a comparison per tree node).
pub const MAX_FIELDS: usize = 64;

/// How a field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Int,
    Bool,
    Float,
    Time,
    Str,
    Bytes,
    Ether,
    V4,
    V6,
    /// A protocol: its bytes.
    Proto,
    /// No value: presence only.
    None,
}

impl Class {
    pub fn of(t: FieldType) -> Class {
        match t {
            FieldType::U8
            | FieldType::U16
            | FieldType::U24
            | FieldType::U32
            | FieldType::U64
            | FieldType::I32
            | FieldType::I64
            | FieldType::FrameNum => Class::Int,
            FieldType::Bool => Class::Bool,
            FieldType::Double => Class::Float,
            FieldType::AbsTime | FieldType::RelTime => Class::Time,
            FieldType::String => Class::Str,
            FieldType::Bytes => Class::Bytes,
            FieldType::Ether => Class::Ether,
            FieldType::Ipv4 => Class::V4,
            FieldType::Ipv6 => Class::V6,
            FieldType::Protocol => Class::Proto,
            FieldType::None => Class::None,
        }
    }

    fn sliceable(self) -> bool {
        matches!(self, Class::Str | Class::Bytes | Class::Ether | Class::V4 | Class::V6 | Class::Proto)
    }

    /// Which classes compare with which (a field on both sides).
    fn family(self) -> u8 {
        match self {
            Class::Int | Class::Bool => 0,
            Class::Float => 1,
            Class::Time => 2,
            Class::Str => 3,
            Class::Bytes | Class::Ether | Class::Proto => 4,
            Class::V4 => 5,
            Class::V6 => 6,
            Class::None => 7,
        }
    }
}

/// A field type's name in messages.
pub fn type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Protocol => "a protocol",
        FieldType::None => "a label with no value",
        FieldType::Bool => "a boolean",
        FieldType::U8 => "an unsigned integer (1 byte)",
        FieldType::U16 => "an unsigned integer (2 bytes)",
        FieldType::U24 => "an unsigned integer (3 bytes)",
        FieldType::U32 => "an unsigned integer (4 bytes)",
        FieldType::U64 => "an unsigned integer (8 bytes)",
        FieldType::I32 => "a signed integer (4 bytes)",
        FieldType::I64 => "a signed integer (8 bytes)",
        FieldType::Double => "a floating point number",
        FieldType::String => "a character string",
        FieldType::Bytes => "a byte sequence",
        FieldType::Ipv4 => "an IPv4 address",
        FieldType::Ipv6 => "an IPv6 address",
        FieldType::Ether => "an Ethernet address",
        FieldType::AbsTime => "an absolute time",
        FieldType::RelTime => "a time offset",
        FieldType::FrameNum => "a frame number",
    }
}

/// A value to compare: from a packet (borrowing its bytes) or a literal of the filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Int(i128),
    Float(f64),
    /// Nanoseconds.
    Time(i128),
    /// Bytes, strings (as their UTF-8 bytes), Ethernet addresses, protocols, slices.
    Bytes(Cow<'a, [u8]>),
    /// Address and network mask (all ones for a plain address).
    V4(u32, u32),
    V6(u128, u128),
}

#[derive(Debug, Clone)]
pub struct Operand {
    /// Index into `Filter::fields`.
    pub field: usize,
    pub class: Class,
    pub slice: Option<Vec<SliceRange>>,
}

impl Operand {
    /// The class of the values this operand yields.
    pub fn value_class(&self) -> Class {
        match (self.class, &self.slice) {
            (Class::Str, None) => Class::Str,
            (c, None) if c != Class::Proto => c,
            _ => Class::Bytes,
        }
    }
}

#[derive(Debug)]
pub enum Rhs {
    Value(Val<'static>),
    Field(Operand),
    Regex(regex::bytes::Regex),
}

#[derive(Debug)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Exists(Operand),
    Cmp { lhs: Operand, op: CmpOp, rhs: Rhs },
    In { lhs: Operand, set: Vec<(Val<'static>, Option<Val<'static>>)> },
}

struct Compiler<'a> {
    text: &'a str,
    glossary: &'a [&'static FieldDef],
    fields: Vec<&'static FieldDef>,
}

pub fn compile(
    text: &str,
    ast: &Ast,
    glossary: &[&'static FieldDef],
) -> Result<(Expr, Vec<&'static FieldDef>), FilterError> {
    let mut c = Compiler { text, glossary, fields: Vec::new() };
    let e = c.expr(ast)?;
    Ok((e, c.fields))
}

impl Compiler<'_> {
    fn err(&self, at: usize, m: impl Into<String>) -> FilterError {
        FilterError::new(self.text, at, m)
    }

    fn lookup(&self, o: &POperand) -> Option<&'static FieldDef> {
        match &o.atom {
            Atom::Word(w) => self.glossary.iter().find(|f| f.abbrev == w).copied(),
            _ => None,
        }
    }

    /// The operand as a field, or the error for a word that is not one.
    fn field(&mut self, o: &POperand) -> Result<Operand, FilterError> {
        let Some(def) = self.lookup(o) else {
            return Err(match &o.atom {
                Atom::Word(w) => self.err(o.at, format!("\"{w}\" is neither a field nor a protocol name")),
                _ => self.err(o.at, "a value was unexpected here: expected a field"),
            });
        };
        let idx = match self.fields.iter().position(|f| std::ptr::eq(*f, def)) {
            Some(i) => i,
            None => {
                if self.fields.len() >= MAX_FIELDS {
                    return Err(self.err(o.at, format!("more than {MAX_FIELDS} different fields")));
                }
                self.fields.push(def);
                self.fields.len() - 1
            }
        };
        let class = Class::of(def.ftype);
        let slice = match &o.slice {
            None => None,
            Some(s) => {
                if !class.sliceable() {
                    return Err(
                        self.err(o.at, format!("\"{}\" is {} and cannot be sliced", def.abbrev, type_name(def.ftype)))
                    );
                }
                Some(s.ranges.clone())
            }
        };
        Ok(Operand { field: idx, class, slice })
    }

    fn expr(&mut self, a: &Ast) -> Result<Expr, FilterError> {
        Ok(match a {
            Ast::Or(l, r) => Expr::Or(Box::new(self.expr(l)?), Box::new(self.expr(r)?)),
            Ast::And(l, r) => Expr::And(Box::new(self.expr(l)?), Box::new(self.expr(r)?)),
            Ast::Not(e) => Expr::Not(Box::new(self.expr(e)?)),
            Ast::Exists(o) => Expr::Exists(self.field(o)?),
            Ast::Cmp { lhs, op, op_at, rhs } => self.cmp(lhs, *op, *op_at, rhs)?,
            Ast::In { lhs, set, at } => self.set(lhs, set, *at)?,
        })
    }

    fn check_op(&self, o: &Operand, op: CmpOp, op_at: usize) -> Result<(), FilterError> {
        let def = self.fields[o.field];
        let vc = o.value_class();
        let ok = match op {
            _ if vc == Class::None => false,
            CmpOp::Contains => matches!(vc, Class::Str | Class::Bytes | Class::Ether),
            CmpOp::Matches => matches!(vc, Class::Str | Class::Bytes),
            _ => true,
        };
        if ok {
            return Ok(());
        }
        let what = if o.slice.is_some() { "a slice of bytes".to_string() } else { type_name(def.ftype).to_string() };
        Err(self.err(
            op_at,
            if vc == Class::None {
                format!("\"{}\" has no value: it can only be tested for presence", def.abbrev)
            } else {
                format!("\"{}\" is {what} and cannot be used with \"{}\"", def.abbrev, op.symbol())
            },
        ))
    }

    fn cmp(&mut self, lhs: &POperand, op: CmpOp, op_at: usize, rhs: &POperand) -> Result<Expr, FilterError> {
        let (lhs, op, rhs) = if self.lookup(lhs).is_none() && self.lookup(rhs).is_some() {
            if matches!(op, CmpOp::Contains | CmpOp::Matches) {
                return Err(self.err(lhs.at, format!("the left side of \"{}\" must be a field", op.symbol())));
            }
            (rhs, op.swapped(), lhs)
        } else {
            (lhs, op, rhs)
        };
        let l = self.field(lhs)?;
        self.check_op(&l, op, op_at)?;
        if self.lookup(rhs).is_some() {
            let r = self.field(rhs)?;
            if op == CmpOp::Matches {
                return Err(self.err(rhs.at, "\"matches\" needs a quoted regular expression"));
            }
            if l.value_class().family() != r.value_class().family() {
                let (ld, rd) = (self.fields[l.field], self.fields[r.field]);
                return Err(self.err(
                    rhs.at,
                    format!(
                        "\"{}\" is {} and \"{}\" is {}: they cannot be compared",
                        ld.abbrev,
                        type_name(ld.ftype),
                        rd.abbrev,
                        type_name(rd.ftype)
                    ),
                ));
            }
            return Ok(Expr::Cmp { lhs: l, op, rhs: Rhs::Field(r) });
        }
        if rhs.slice.is_some() {
            return Err(self.err(rhs.at, "only fields can be sliced"));
        }
        if op == CmpOp::Matches {
            let pat = match &rhs.atom {
                Atom::Str(s) => String::from_utf8_lossy(s).into_owned(),
                Atom::Word(w) => w.clone(),
                Atom::Char(c) => char::from(*c).to_string(),
            };
            let re = regex::bytes::RegexBuilder::new(&pat).case_insensitive(true).size_limit(1 << 20).build().map_err(
                |e| {
                    let detail = e.to_string();
                    let last = detail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
                    let last = last.trim_start_matches("error: ");
                    self.err(rhs.at, format!("invalid regular expression: {last}"))
                },
            )?;
            return Ok(Expr::Cmp { lhs: l, op, rhs: Rhs::Regex(re) });
        }
        let v = self.literal(&l, rhs, op == CmpOp::Contains)?;
        Ok(Expr::Cmp { lhs: l, op, rhs: Rhs::Value(v) })
    }

    fn set(&mut self, lhs: &POperand, set: &[SetElem], at: usize) -> Result<Expr, FilterError> {
        let l = self.field(lhs)?;
        self.check_op(&l, CmpOp::AnyEq, at)?;
        let mut out = Vec::with_capacity(set.len());
        for e in set {
            let (a, b) = match e {
                SetElem::One(a) => (a, None),
                SetElem::Range(a, b) => (a, Some(b)),
            };
            for o in std::iter::once(a).chain(b) {
                if let Some(f) = self.lookup(o) {
                    return Err(self.err(o.at, format!("\"{}\" is a field: set elements must be values", f.abbrev)));
                }
                if o.slice.is_some() {
                    return Err(self.err(o.at, "only fields can be sliced"));
                }
            }
            let va = self.literal(&l, a, false)?;
            let vb = match b {
                Some(b) => Some(self.literal(&l, b, false)?),
                None => None,
            };
            out.push((va, vb));
        }
        Ok(Expr::In { lhs: l, set: out })
    }

    /// Convert a literal to the type of the field it is compared with.
    fn literal(&self, l: &Operand, o: &POperand, contains: bool) -> Result<Val<'static>, FilterError> {
        let def = self.fields[l.field];
        let class = l.value_class();
        let shown = match &o.atom {
            Atom::Word(w) => format!("\"{w}\""),
            Atom::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            Atom::Char(c) => format!("'{}'", char::from(*c).escape_default()),
        };
        let target = if l.slice.is_some() { "a byte sequence" } else { type_name(def.ftype) };
        let cannot = |extra: &str| {
            let hint = match &o.atom {
                Atom::Word(w) if looks_like_field(w) => {
                    return self.err(o.at, format!("\"{w}\" is neither a field nor a protocol name"))
                }
                _ => extra,
            };
            self.err(o.at, format!("{shown} cannot be converted to {target} ({}){hint}", def.abbrev))
        };
        match (class, &o.atom) {
            (Class::Int | Class::Bool, Atom::Char(c)) => Ok(Val::Int(i128::from(*c))),
            (Class::Int, Atom::Word(w)) => {
                let v = match parse_int(w) {
                    Some(v) => v,
                    None => match value_string(def, w) {
                        Some(v) => v,
                        None => return Err(cannot("")),
                    },
                };
                let (lo, hi) = int_range(def.ftype);
                if v < lo || v > hi {
                    return Err(self.err(o.at, format!("{shown} is out of range for {target} ({})", def.abbrev)));
                }
                Ok(Val::Int(v))
            }
            (Class::Int, Atom::Str(s)) => match value_string(def, &String::from_utf8_lossy(s)) {
                Some(v) => Ok(Val::Int(v)),
                None => Err(cannot(if def.strings.is_some() { ": not one of its value names" } else { "" })),
            },
            (Class::Bool, Atom::Word(w)) => {
                if w.eq_ignore_ascii_case("true") {
                    Ok(Val::Int(1))
                } else if w.eq_ignore_ascii_case("false") {
                    Ok(Val::Int(0))
                } else {
                    parse_int(w).map(|v| Val::Int(i128::from(v != 0))).ok_or_else(|| cannot(""))
                }
            }
            (Class::Float, Atom::Word(w)) => match w.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Val::Float(f)),
                _ => parse_int(w).map(|v| Val::Float(v as f64)).ok_or_else(|| cannot("")),
            },
            (Class::Time, Atom::Word(w)) => parse_time(w).map(Val::Time).ok_or_else(|| cannot(": expected seconds")),
            (Class::Str, Atom::Str(s)) => Ok(Val::Bytes(Cow::Owned(s.clone()))),
            (Class::Str, Atom::Word(w)) => Ok(Val::Bytes(Cow::Owned(w.as_bytes().to_vec()))),
            (Class::Str | Class::Bytes | Class::Ether, Atom::Char(c)) => Ok(Val::Bytes(Cow::Owned(vec![*c]))),
            (Class::Bytes | Class::Ether, Atom::Str(s)) => Ok(Val::Bytes(Cow::Owned(s.clone()))),
            (Class::Bytes | Class::Ether, Atom::Word(w)) => match parse_bytes(w) {
                Some(b) if class == Class::Ether && !contains && b.len() != 6 => {
                    Err(cannot(": an Ethernet address has 6 bytes"))
                }
                Some(b) => Ok(Val::Bytes(Cow::Owned(b))),
                None => Err(cannot("")),
            },
            (Class::V4, Atom::Word(w)) => parse_v4(w).map(|(a, m)| Val::V4(a, m)).ok_or_else(|| cannot("")),
            (Class::V6, Atom::Word(w)) => parse_v6(w).map(|(a, m)| Val::V6(a, m)).ok_or_else(|| cannot("")),
            (Class::None, _) => {
                Err(self.err(o.at, format!("\"{}\" has no value: it can only be tested for presence", def.abbrev)))
            }
            _ => Err(cannot("")),
        }
    }
}

/// A word that reads as a field name (`tcp.prot`), for a better message than "cannot convert".
fn looks_like_field(w: &str) -> bool {
    w.contains('.')
        && w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && w.split('.').all(|p| !p.is_empty())
        && w.split('.').nth(1).is_some_and(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
        && !w.contains(':')
}

/// The value named `w` in the field's value strings (exact, then ignoring case).
fn value_string(def: &FieldDef, w: &str) -> Option<i128> {
    let s = def.strings?;
    s.iter()
        .find(|(_, n)| *n == w)
        .or_else(|| s.iter().find(|(_, n)| n.eq_ignore_ascii_case(w)))
        .map(|(v, _)| i128::from(*v))
}

fn int_range(t: FieldType) -> (i128, i128) {
    match t {
        FieldType::U8 => (0, 0xff),
        FieldType::U16 => (0, 0xffff),
        FieldType::U24 => (0, 0xff_ffff),
        FieldType::U32 | FieldType::FrameNum => (0, 0xffff_ffff),
        FieldType::I32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        FieldType::I64 => (i128::from(i64::MIN), i128::from(i64::MAX)),
        _ => (0, i128::from(u64::MAX)),
    }
}

/// An integer in decimal, hex (`0x`), binary (`0b`) or octal (leading `0`), with an optional sign.
pub fn parse_int(w: &str) -> Option<i128> {
    let (neg, d) = match w.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, w.strip_prefix('+').unwrap_or(w)),
    };
    if d.is_empty() || d.len() > 40 {
        return None;
    }
    let v = if let Some(h) = d.strip_prefix("0x").or_else(|| d.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else if let Some(b) = d.strip_prefix("0b").or_else(|| d.strip_prefix("0B")) {
        i128::from_str_radix(b, 2).ok()?
    } else if d.len() > 1 && d.starts_with('0') {
        i128::from_str_radix(&d[1..], 8).ok()?
    } else {
        d.parse::<i128>().ok()?
    };
    // from_str_radix accepts a sign of its own; refuse "0x-1" and "--1".
    if !d.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Seconds with up to nine decimals (`0.1`, `-2`, `1.000000001`) to nanoseconds.
pub fn parse_time(w: &str) -> Option<i128> {
    let (neg, d) = match w.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, w),
    };
    let (s, f) = d.split_once('.').unwrap_or((d, ""));
    if (s.is_empty() && f.is_empty()) || s.len() > 20 || f.len() > 9 {
        return None;
    }
    if !s.bytes().all(|c| c.is_ascii_digit()) || !f.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let secs: i128 = if s.is_empty() { 0 } else { s.parse().ok()? };
    let frac: i128 = if f.is_empty() { 0 } else { format!("{f:0<9}").parse().ok()? };
    let v = secs.checked_mul(1_000_000_000)?.checked_add(frac)?;
    Some(if neg { -v } else { v })
}

/// A byte string: `aa:bb:cc`, `aa-bb-cc`, `aabb.ccdd`, `aabbcc` (one-digit groups allowed
/// between `:` or `-` separators).
pub fn parse_bytes(w: &str) -> Option<Vec<u8>> {
    if w.is_empty() {
        return None;
    }
    let sep = w.bytes().find(|c| matches!(c, b':' | b'-' | b'.'));
    let mut out = Vec::new();
    let groups: Vec<&str> = match sep {
        Some(s) => w.split(char::from(s)).collect(),
        None => vec![w],
    };
    for g in groups {
        if g.is_empty() || !g.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        if g.len() == 1 && matches!(sep, Some(b':' | b'-')) {
            out.push(u8::from_str_radix(g, 16).ok()?);
            continue;
        }
        if g.len() % 2 != 0 {
            return None;
        }
        for i in (0..g.len()).step_by(2) {
            out.push(u8::from_str_radix(g.get(i..i + 2)?, 16).ok()?);
        }
    }
    Some(out)
}

fn split_prefix(w: &str, max: u32) -> Option<(&str, u32)> {
    match w.split_once('/') {
        None => Some((w, max)),
        Some((a, p)) => {
            let n: u32 = p.parse().ok()?;
            (n <= max && !p.starts_with('+')).then_some((a, n))
        }
    }
}

/// `a.b.c.d` or `a.b.c.d/n`: address and mask.
pub fn parse_v4(w: &str) -> Option<(u32, u32)> {
    let (a, n) = split_prefix(w, 32)?;
    let addr: std::net::Ipv4Addr = a.parse().ok()?;
    let mask = if n == 0 { 0 } else { u32::MAX << (32 - n) };
    Some((u32::from(addr), mask))
}

/// An IPv6 address with an optional `/n`.
pub fn parse_v6(w: &str) -> Option<(u128, u128)> {
    let (a, n) = split_prefix(w, 128)?;
    let addr: std::net::Ipv6Addr = a.parse().ok()?;
    let mask = if n == 0 { 0 } else { u128::MAX << (128 - n) };
    Some((u128::from(addr), mask))
}
