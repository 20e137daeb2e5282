//! Evaluation of a compiled filter over one packet.
//!
//! The tree is walked once: every node whose field the filter names is collected with the
//! field's index. The expression is then evaluated over those nodes only.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::compile::{Class, Expr, Operand, Rhs, Val};
use super::lexer::CmpOp;
use super::Filter;
use crate::tree::{FieldDef, Node, Packet, Value};

pub fn matches(f: &Filter, p: &Packet) -> bool {
    let mut hits = Vec::new();
    for l in &p.layers {
        collect(l, &f.fields, &mut hits);
    }
    Eval { p, hits: &hits }.expr(&f.root)
}

fn same(a: &FieldDef, b: &FieldDef) -> bool {
    std::ptr::eq(a, b) || (a.abbrev.len() == b.abbrev.len() && a.abbrev == b.abbrev)
}

fn collect<'p>(n: &'p Node, defs: &[&'static FieldDef], out: &mut Vec<(usize, &'p Node)>) {
    if let Some(i) = defs.iter().position(|d| same(n.def, d)) {
        out.push((i, n));
    }
    for c in &n.children {
        collect(c, defs, out);
    }
}

struct Eval<'p, 'h> {
    p: &'p Packet,
    hits: &'h [(usize, &'p Node)],
}

impl<'p> Eval<'p, '_> {
    fn expr(&self, e: &Expr) -> bool {
        match e {
            Expr::Or(l, r) => self.expr(l) || self.expr(r),
            Expr::And(l, r) => self.expr(l) && self.expr(r),
            Expr::Not(x) => !self.expr(x),
            Expr::Exists(o) => {
                if o.slice.is_none() {
                    self.hits.iter().any(|(i, _)| *i == o.field)
                } else {
                    self.any(o, |_| true)
                }
            }
            Expr::Cmp { lhs, op, rhs } => match rhs {
                Rhs::Value(v) => self.cmp_value(lhs, *op, v),
                Rhs::Regex(re) => self.any(lhs, |a| matches!(a, Val::Bytes(b) if re.is_match(b))),
                Rhs::Field(r) => {
                    let mut rv = Vec::new();
                    self.each(r, &mut |v| {
                        rv.push(v);
                        true
                    });
                    match op {
                        CmpOp::AllNe => {
                            !rv.is_empty() && self.all(lhs, |a| rv.iter().all(|b| !test(CmpOp::AnyEq, a, b)))
                        }
                        CmpOp::AllEq => {
                            !rv.is_empty() && self.all(lhs, |a| rv.iter().all(|b| test(CmpOp::AnyEq, a, b)))
                        }
                        CmpOp::AnyNe => self.any(lhs, |a| rv.iter().any(|b| !test(CmpOp::AnyEq, a, b))),
                        _ => self.any(lhs, |a| rv.iter().any(|b| test(*op, a, b))),
                    }
                }
            },
            Expr::In { lhs, set } => self.any(lhs, |a| {
                set.iter().any(|(lo, hi)| match hi {
                    None => eq(a, lo),
                    Some(hi) => {
                        matches!(cmp(a, lo), Some(Ordering::Greater | Ordering::Equal))
                            && matches!(cmp(a, hi), Some(Ordering::Less | Ordering::Equal))
                    }
                })
            }),
        }
    }

    fn cmp_value(&self, lhs: &Operand, op: CmpOp, v: &Val) -> bool {
        match op {
            CmpOp::AllNe => self.all(lhs, |a| !eq(a, v)),
            CmpOp::AllEq => self.all(lhs, |a| eq(a, v)),
            CmpOp::AnyNe => self.any(lhs, |a| !eq(a, v)),
            _ => self.any(lhs, |a| test(op, a, v)),
        }
    }

    /// Whether some value of the operand satisfies `f`.
    fn any(&self, o: &Operand, mut f: impl FnMut(&Val) -> bool) -> bool {
        let mut found = false;
        self.each(o, &mut |v| {
            found = f(&v);
            !found
        });
        found
    }

    /// Whether the operand has a value and all its values satisfy `f`.
    fn all(&self, o: &Operand, mut f: impl FnMut(&Val) -> bool) -> bool {
        let (mut seen, mut ok) = (false, true);
        self.each(o, &mut |v| {
            seen = true;
            ok = f(&v);
            ok
        });
        seen && ok
    }

    /// Call `f` with each value of the operand, in tree order, until it returns false.
    fn each(&self, o: &Operand, f: &mut dyn FnMut(Val<'p>) -> bool) {
        for (i, n) in self.hits {
            if *i != o.field {
                continue;
            }
            let v = match &o.slice {
                None => value(o.class, n, self.p),
                Some(ranges) => {
                    let Some(b) = bytes(n, self.p) else { continue };
                    slice(b, ranges)
                }
            };
            if let Some(v) = v {
                if !f(v) {
                    return;
                }
            }
        }
    }
}

fn slice<'p>(b: &'p [u8], ranges: &[super::parser::SliceRange]) -> Option<Val<'p>> {
    if let [r] = ranges {
        return Some(Val::Bytes(Cow::Borrowed(b.get(r.resolve(b.len())?)?)));
    }
    let mut out = Vec::new();
    for r in ranges {
        out.extend_from_slice(b.get(r.resolve(b.len())?)?);
    }
    Some(Val::Bytes(Cow::Owned(out)))
}

/// A node's bytes, for slices: byte-like values, strings, addresses; a protocol's span.
fn bytes<'p>(n: &'p Node, p: &'p Packet) -> Option<&'p [u8]> {
    match &n.value {
        Value::Bytes(b) => Some(b),
        Value::Str(s) => Some(s.as_bytes()),
        Value::Ether(m) => Some(m),
        Value::Ipv4(a) => Some(a),
        Value::Ipv6(a) => Some(a),
        Value::None if n.def.ftype == crate::tree::FieldType::Protocol => Some(p.bytes(n.span)),
        _ => None,
    }
}

/// A node's value in the class its field compares in (`None` if the node holds another kind).
fn value<'p>(class: Class, n: &'p Node, p: &'p Packet) -> Option<Val<'p>> {
    Some(match (class, &n.value) {
        (Class::Int | Class::Bool, Value::UInt(u)) => Val::Int(i128::from(*u)),
        (Class::Int | Class::Bool, Value::Int(i)) => Val::Int(i128::from(*i)),
        (Class::Int | Class::Bool, Value::Bool(b)) => Val::Int(i128::from(*b)),
        (Class::Float, Value::Double(d)) => Val::Float(*d),
        (Class::Time, Value::Time { secs, nanos }) => Val::Time(i128::from(*secs) * 1_000_000_000 + i128::from(*nanos)),
        (Class::Str, Value::Str(s)) => Val::Bytes(Cow::Borrowed(s.as_bytes())),
        (Class::Bytes, Value::Bytes(b)) => Val::Bytes(Cow::Borrowed(b)),
        (Class::Ether, Value::Ether(m)) => Val::Bytes(Cow::Borrowed(m)),
        (Class::V4, Value::Ipv4(a)) => Val::V4(u32::from_be_bytes(*a), u32::MAX),
        (Class::V6, Value::Ipv6(a)) => Val::V6(u128::from_be_bytes(*a), u128::MAX),
        (Class::Proto, _) => Val::Bytes(Cow::Borrowed(p.bytes(n.span))),
        _ => return None,
    })
}

fn cmp(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y),
        (Val::Time(x), Val::Time(y)) => Some(x.cmp(y)),
        (Val::Bytes(x), Val::Bytes(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Val::V4(x, _), Val::V4(y, _)) => Some(x.cmp(y)),
        (Val::V6(x, _), Val::V6(y, _)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Equality; addresses compare under the narrower of their two masks (CIDR).
fn eq(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::V4(x, mx), Val::V4(y, my)) => {
            let m = mx & my;
            x & m == y & m
        }
        (Val::V6(x, mx), Val::V6(y, my)) => {
            let m = mx & my;
            x & m == y & m
        }
        _ => cmp(a, b) == Some(Ordering::Equal),
    }
}

/// One comparison of two values under an "any" operator.
fn test(op: CmpOp, a: &Val, b: &Val) -> bool {
    match op {
        CmpOp::AnyEq | CmpOp::AllEq => eq(a, b),
        CmpOp::AllNe | CmpOp::AnyNe => !eq(a, b),
        CmpOp::Lt => cmp(a, b) == Some(Ordering::Less),
        CmpOp::Le => matches!(cmp(a, b), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => cmp(a, b) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(cmp(a, b), Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Contains => match (a, b) {
            (Val::Bytes(h), Val::Bytes(n)) => n.is_empty() || h.windows(n.len()).any(|w| w == n.as_ref()),
            _ => false,
        },
        // Regular expressions are Rhs::Regex; a field cannot be one.
        CmpOp::Matches => false,
    }
}
