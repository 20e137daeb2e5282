//! Display filters: Wireshark's filter language over our field names (`dissect -Y`, `-R`,
//! `--check-filter`).
//!
//! A filter is compiled once against the glossary ([`crate::fields`]): field names become
//! [`FieldDef`] pointers, literals are converted to the field's type, and every mistake (unknown
//! field, a value the field cannot hold, an operator the type does not have, a syntax error) is a
//! [`FilterError`] naming the column. Evaluation walks a packet's tree once, collecting the nodes of
//! the fields the filter names, then evaluates the expression over them.
//!
//! What is understood (Wireshark 4.0 semantics):
//! - a bare field or protocol: it is present (`sctp && !forces`, `tcp.flags.syn`);
//! - `==` `!=` `<` `<=` `>` `>=` (and `eq` `ne` `lt` `le` `gt` `ge`), `===` (`all_eq`), `~=`
//!   (`any_ne`), `contains`, `matches` (`~`, a case-insensitive regular expression), `in {..}` with
//!   ranges `a..b`; `&&`/`and`, `||`/`or` (`and` binds tighter), `!`/`not`, parentheses;
//! - repeated fields: `==`, `<`, `contains`, `in`... hold if any occurrence does; `!=` holds if the
//!   field is present and no occurrence is equal (4.0's "all not equal"), so `ip.addr != 10.0.0.1`
//!   drops every packet to or from that address;
//! - slices of byte-like fields and protocols: `[i:n]`, `[i-j]`, `[i]`, `[:n]`, `[i:]`, negative
//!   offsets from the end, several ranges joined by commas;
//! - literals: integers in decimal, hex `0x`, octal `0`, binary `0b`, character constants `'a'`;
//!   names from the field's value strings (`_ws.expert.severity >= warning`, case-insensitive);
//!   `true`/`false` for booleans; decimal numbers for doubles and times (`ctp.time > 0.1`, seconds;
//!   absolute times as seconds since the epoch); quoted strings with C escapes; byte strings
//!   `aa:bb:cc`, `aa-bb-cc`, `aabb.cc`, `aabbcc`; IPv4 and IPv6 addresses with an optional
//!   `/prefix` (`ip.addr == 10.0.0.0/8`);
//! - a field on both sides compares their values (`tcp.srcport < tcp.dstport`).

mod compile;
mod eval;
pub mod lexer;
pub mod parser;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::tree::{FieldDef, Packet};

pub use lexer::CmpOp;

/// A filter that could not be compiled: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// 1-based column (in characters) of the offending part of the filter.
    pub column: usize,
    pub message: String,
}

impl FilterError {
    /// An error at byte offset `at` of `text`.
    pub(crate) fn new(text: &str, at: usize, message: impl Into<String>) -> Self {
        let at = at.min(text.len());
        let column = text.char_indices().take_while(|(i, _)| *i < at).count() + 1;
        FilterError { column, message: message.into() }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for FilterError {}

/// A compiled display filter.
#[derive(Debug)]
pub struct Filter {
    text: String,
    root: compile::Expr,
    /// The fields the filter names, in the order `compile::Operand::field` indexes them.
    fields: Vec<&'static FieldDef>,
}

impl Filter {
    /// Compile `text` against the glossary.
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        Self::compile_with(text, &crate::fields::all())
    }

    /// Compile `text` against a given list of fields (tests use their own).
    pub fn compile_with(text: &str, glossary: &[&'static FieldDef]) -> Result<Filter, FilterError> {
        let toks = lexer::lex(text)?;
        let ast = parser::parse(text, toks)?;
        let (root, fields) = compile::compile(text, &ast, glossary)?;
        Ok(Filter { text: text.to_string(), root, fields })
    }

    /// The filter as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the packet passes the filter.
    pub fn matches(&self, p: &Packet) -> bool {
        eval::matches(self, p)
    }
}
