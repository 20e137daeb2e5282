//! The syntax tree of a display filter, by recursive descent.
//!
//! ```text
//! expr    := and (("||" | "or") and)*
//! and     := unary (("&&" | "and") unary)*
//! unary   := ("!" | "not") unary | "(" expr ")" | test
//! test    := operand [cmp operand | "in" set]
//! operand := (WORD | STRING | CHAR) [ "[" ranges "]" ]
//! set     := "{" elem ([","] elem)* "}"          elem := operand [".." operand]
//! ranges  := range ("," range)*                  range := i:j | i-j | i | :j | i:
//! ```
//! `and` binds tighter than `or`, as in Wireshark 4.0. Set elements may be separated by commas
//! (Wireshark 4.0 requires them) or by spaces (older Wireshark).

use super::lexer::{CmpOp, Tok, Token};
use super::FilterError;

/// Nesting of parentheses and `not`s past which a filter is refused (the parser recurses).
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    Or(Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    /// A bare operand: the field is present.
    Exists(Operand),
    Cmp {
        lhs: Operand,
        op: CmpOp,
        op_at: usize,
        rhs: Operand,
    },
    In {
        lhs: Operand,
        set: Vec<SetElem>,
        at: usize,
    },
}

/// What an operand was written as.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    Word(String),
    Str(Vec<u8>),
    Char(u8),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub atom: Atom,
    /// Byte offset of the operand in the filter.
    pub at: usize,
    pub slice: Option<Slice>,
}

/// `[ranges]` after an operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub ranges: Vec<SliceRange>,
    pub at: usize,
}

/// One range of a slice; negative offsets count from the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliceRange {
    pub start: i64,
    pub end: SliceEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SliceEnd {
    /// `[i:n]`, `[i]` (n = 1), `[:n]`.
    Len(u64),
    /// `[i-j]`: through offset j inclusive.
    Through(i64),
    /// `[i:]`.
    ToEnd,
}

impl SliceRange {
    /// The byte range this selects in a value of `len` bytes, or `None` when it does not fit.
    pub fn resolve(&self, len: usize) -> Option<std::ops::Range<usize>> {
        let abs = |o: i64| -> Option<usize> {
            if o < 0 {
                len.checked_sub(usize::try_from(o.unsigned_abs()).ok()?)
            } else {
                usize::try_from(o).ok()
            }
        };
        let s = abs(self.start)?;
        let e = match self.end {
            SliceEnd::Len(n) => s.checked_add(usize::try_from(n).ok()?)?,
            SliceEnd::Through(j) => abs(j)?.checked_add(1)?,
            SliceEnd::ToEnd => len,
        };
        (s <= e && e <= len).then_some(s..e)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetElem {
    One(Operand),
    Range(Operand, Operand),
}

struct Parser<'t> {
    text: &'t str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Parse a filter's tokens.
pub fn parse(text: &str, toks: Vec<Token>) -> Result<Ast, FilterError> {
    let mut p = Parser { text, toks, pos: 0, depth: 0 };
    if p.toks.is_empty() {
        return Err(FilterError::new(text, 0, "empty filter"));
    }
    let e = p.expr()?;
    if let Some(t) = p.toks.get(p.pos) {
        return Err(FilterError::new(text, t.start, format!("{} was unexpected here", t.tok.describe())));
    }
    Ok(e)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn next(&mut self) -> Result<Token, FilterError> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.clone())
            }
            None => Err(self.end_error()),
        }
    }

    fn end_error(&self) -> FilterError {
        FilterError::new(self.text, self.text.len(), "unexpected end of filter")
    }

    fn unexpected(&self, t: &Token, wanted: &str) -> FilterError {
        FilterError::new(self.text, t.start, format!("{} was unexpected here: expected {wanted}", t.tok.describe()))
    }

    fn expr(&mut self) -> Result<Ast, FilterError> {
        let mut l = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let r = self.and()?;
            l = Ast::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Ast, FilterError> {
        let mut l = self.unary()?;
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            let r = self.unary()?;
            l = Ast::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn unary(&mut self) -> Result<Ast, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.toks.get(self.pos).map(|t| t.start).unwrap_or(self.text.len());
            return Err(FilterError::new(self.text, at, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        let r = match self.peek() {
            Some(Tok::Not) => {
                self.pos += 1;
                self.unary().map(|e| Ast::Not(Box::new(e)))
            }
            Some(Tok::LParen) => {
                let open = self.next()?;
                let e = self.expr()?;
                match self.toks.get(self.pos) {
                    Some(t) if t.tok == Tok::RParen => {
                        self.pos += 1;
                        Ok(e)
                    }
                    Some(t) => Err(self.unexpected(t, "\")\"")),
                    None => Err(FilterError::new(self.text, open.start, "\"(\" is never closed")),
                }
            }
            _ => self.test(),
        };
        self.depth -= 1;
        r
    }

    fn test(&mut self) -> Result<Ast, FilterError> {
        let lhs = self.operand("a field")?;
        match self.peek() {
            Some(Tok::Cmp(op)) => {
                let op = *op;
                let op_at = self.next()?.start;
                let rhs = self.operand("a value or a field")?;
                Ok(Ast::Cmp { lhs, op, op_at, rhs })
            }
            Some(Tok::In) => {
                let at = self.next()?.start;
                let set = self.set()?;
                Ok(Ast::In { lhs, set, at })
            }
            _ => Ok(Ast::Exists(lhs)),
        }
    }

    fn operand(&mut self, wanted: &str) -> Result<Operand, FilterError> {
        let t = self.next()?;
        let atom = match t.tok {
            Tok::Word(w) => Atom::Word(w),
            Tok::Str(s) => Atom::Str(s),
            Tok::Char(c) => Atom::Char(c),
            _ => return Err(self.unexpected(&t, wanted)),
        };
        let slice = if self.peek() == Some(&Tok::LBracket) { Some(self.slice()?) } else { None };
        Ok(Operand { atom, at: t.start, slice })
    }

    fn slice(&mut self) -> Result<Slice, FilterError> {
        let open = self.next()?;
        let mut ranges = Vec::new();
        loop {
            let t = self.next()?;
            match &t.tok {
                Tok::Word(w) => ranges.push(slice_range(self.text, w, t.start)?),
                _ => return Err(self.unexpected(&t, "a byte range such as 0:4")),
            }
            let t = self.next()?;
            match t.tok {
                Tok::Comma => continue,
                Tok::RBracket => break,
                _ => return Err(self.unexpected(&t, "\",\" or \"]\"")),
            }
        }
        Ok(Slice { ranges, at: open.start })
    }

    fn set(&mut self) -> Result<Vec<SetElem>, FilterError> {
        let open = self.next()?;
        if open.tok != Tok::LBrace {
            return Err(self.unexpected(&open, "\"{\""));
        }
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::RBrace) if !out.is_empty() => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(Tok::Comma) if !out.is_empty() => {
                    self.pos += 1;
                }
                None => return Err(FilterError::new(self.text, open.start, "\"{\" is never closed")),
                _ => {}
            }
            let a = self.operand("a value")?;
            if self.peek() == Some(&Tok::DotDot) {
                self.pos += 1;
                let b = self.operand("a value")?;
                out.push(SetElem::Range(a, b));
            } else {
                out.push(SetElem::One(a));
            }
        }
    }
}

/// One range inside `[...]`.
fn slice_range(text: &str, w: &str, at: usize) -> Result<SliceRange, FilterError> {
    let bad = || FilterError::new(text, at, format!("\"{w}\" is not a byte range (i:n, i-j, i, :n or i:)"));
    let num = |s: &str| -> Result<i64, FilterError> { s.parse::<i64>().map_err(|_| bad()) };
    if let Some((a, b)) = w.split_once(':') {
        let start = if a.is_empty() { 0 } else { num(a)? };
        let end = if b.is_empty() {
            SliceEnd::ToEnd
        } else {
            let n = num(b)?;
            if n < 0 {
                return Err(bad());
            }
            SliceEnd::Len(n as u64)
        };
        return Ok(SliceRange { start, end });
    }
    // i-j, where i may itself be negative: "-3--1".
    let (neg, rest) = match w.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, w),
    };
    if let Some((a, b)) = rest.split_once('-') {
        let s = num(a)?;
        let start = if neg { -s } else { s };
        return Ok(SliceRange { start, end: SliceEnd::Through(num(b)?) });
    }
    Ok(SliceRange { start: num(w)?, end: SliceEnd::Len(1) })
}
