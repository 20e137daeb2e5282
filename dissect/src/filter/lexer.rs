//! Tokens of the display filter language.
//!
//! Words are maximal runs of `[A-Za-z0-9_.:/-]` (field names, numbers, addresses, byte strings,
//! value names), stopping before `..` so that `{1..3}` is three tokens. Whether a word is a field
//! or a literal is decided by the compiler against the glossary, as Wireshark does.

use super::FilterError;

/// A comparison operator, with Wireshark 4.0's meaning for repeated fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`, `eq`, `any_eq`: some occurrence is equal.
    AnyEq,
    /// `!=`, `ne`, `all_ne`: the field is present and no occurrence is equal.
    AllNe,
    /// `===`, `all_eq`: the field is present and every occurrence is equal.
    AllEq,
    /// `~=`, `any_ne`: some occurrence is not equal.
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Matches,
}

impl CmpOp {
    /// How the operator is spelled in messages.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::AnyEq => "==",
            CmpOp::AllNe => "!=",
            CmpOp::AllEq => "===",
            CmpOp::AnyNe => "~=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Contains => "contains",
            CmpOp::Matches => "matches",
        }
    }

    /// The operator with its operands swapped (`a < b` is `b > a`).
    pub fn swapped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A field name or an unquoted literal.
    Word(String),
    /// A quoted string, escapes resolved (bytes: `\xff` need not be UTF-8).
    Str(Vec<u8>),
    /// A character constant `'a'`, a number.
    Char(u8),
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    DotDot,
    And,
    Or,
    Not,
    In,
    Cmp(CmpOp),
}

impl Tok {
    /// How the token is named in "unexpected" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("\"{w}\""),
            // Escaped, so that a message stays one line.
            Tok::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            Tok::Char(c) => format!("'{}'", char::from(*c).escape_default()),
            Tok::LParen => "\"(\"".into(),
            Tok::RParen => "\")\"".into(),
            Tok::LBrace => "\"{\"".into(),
            Tok::RBrace => "\"}\"".into(),
            Tok::LBracket => "\"[\"".into(),
            Tok::RBracket => "\"]\"".into(),
            Tok::Comma => "\",\"".into(),
            Tok::DotDot => "\"..\"".into(),
            Tok::And => "\"and\"".into(),
            Tok::Or => "\"or\"".into(),
            Tok::Not => "\"not\"".into(),
            Tok::In => "\"in\"".into(),
            Tok::Cmp(o) => format!("\"{}\"", o.symbol()),
        }
    }
}

/// A token and where it starts (byte offset in the filter text) and ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Filters longer than this are refused (they are typed by people or built by the web page).
pub const MAX_FILTER_LEN: usize = 64 * 1024;

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'/' | b'-')
}

/// Split a filter into tokens.
pub fn lex(text: &str) -> Result<Vec<Token>, FilterError> {
    if text.len() > MAX_FILTER_LEN {
        return Err(FilterError::new(text, 0, format!("filter longer than {MAX_FILTER_LEN} bytes")));
    }
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let two = |s: &[u8]| b.get(i..i + s.len()) == Some(s);
        let (tok, len) = if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if two(b"===") {
            (Tok::Cmp(CmpOp::AllEq), 3)
        } else if two(b"==") {
            (Tok::Cmp(CmpOp::AnyEq), 2)
        } else if two(b"!=") {
            (Tok::Cmp(CmpOp::AllNe), 2)
        } else if two(b"~=") {
            (Tok::Cmp(CmpOp::AnyNe), 2)
        } else if two(b"<=") {
            (Tok::Cmp(CmpOp::Le), 2)
        } else if two(b">=") {
            (Tok::Cmp(CmpOp::Ge), 2)
        } else if two(b"&&") {
            (Tok::And, 2)
        } else if two(b"||") {
            (Tok::Or, 2)
        } else if two(b"..") {
            (Tok::DotDot, 2)
        } else if c == b'"' {
            let (s, len) = string(text, i)?;
            (Tok::Str(s), len)
        } else if c == b'\'' {
            let (ch, len) = char_const(text, i)?;
            (Tok::Char(ch), len)
        } else if is_word_char(c) {
            let mut j = i;
            while j < b.len() && is_word_char(b[j]) && !(b[j] == b'.' && b.get(j + 1) == Some(&b'.')) {
                j += 1;
            }
            let w = &text[i..j];
            let tok = match w {
                "and" | "AND" => Tok::And,
                "or" | "OR" => Tok::Or,
                "not" | "NOT" => Tok::Not,
                "in" => Tok::In,
                "eq" | "any_eq" => Tok::Cmp(CmpOp::AnyEq),
                "ne" | "all_ne" => Tok::Cmp(CmpOp::AllNe),
                "all_eq" => Tok::Cmp(CmpOp::AllEq),
                "any_ne" => Tok::Cmp(CmpOp::AnyNe),
                "lt" => Tok::Cmp(CmpOp::Lt),
                "le" => Tok::Cmp(CmpOp::Le),
                "gt" => Tok::Cmp(CmpOp::Gt),
                "ge" => Tok::Cmp(CmpOp::Ge),
                "contains" => Tok::Cmp(CmpOp::Contains),
                "matches" => Tok::Cmp(CmpOp::Matches),
                _ => Tok::Word(w.to_string()),
            };
            (tok, j - i)
        } else {
            let tok = match c {
                b'(' => Tok::LParen,
                b')' => Tok::RParen,
                b'{' => Tok::LBrace,
                b'}' => Tok::RBrace,
                b'[' => Tok::LBracket,
                b']' => Tok::RBracket,
                b',' => Tok::Comma,
                b'!' => Tok::Not,
                b'<' => Tok::Cmp(CmpOp::Lt),
                b'>' => Tok::Cmp(CmpOp::Gt),
                b'~' => Tok::Cmp(CmpOp::Matches),
                _ => {
                    let ch = text[i..].chars().next().unwrap_or('?');
                    return Err(FilterError::new(text, i, format!("unexpected character {:?}", ch)));
                }
            };
            (tok, 1)
        };
        i += len;
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

/// A double-quoted string starting at `at`: its bytes and its length in the text.
fn string(text: &str, at: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = at + 1;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(FilterError::new(text, at, "string has no closing quote"));
        };
        match c {
            b'"' => return Ok((out, i + 1 - at)),
            b'\\' => {
                let (v, n) = escape(text, i)?;
                out.push(v);
                i += n;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// A character constant `'c'` or `'\n'` starting at `at`.
fn char_const(text: &str, at: usize) -> Result<(u8, usize), FilterError> {
    let b = text.as_bytes();
    let (v, n) = match b.get(at + 1) {
        Some(b'\\') => escape(text, at + 1)?,
        Some(&c) if c.is_ascii() && c != b'\'' => (c, 1),
        _ => return Err(FilterError::new(text, at, "character constant must hold one ASCII character")),
    };
    if b.get(at + 1 + n) != Some(&b'\'') {
        return Err(FilterError::new(text, at, "character constant has no closing quote"));
    }
    Ok((v, n + 2))
}

/// The escape sequence at `at` (a backslash): its byte and length.
fn escape(text: &str, at: usize) -> Result<(u8, usize), FilterError> {
    let b = text.as_bytes();
    let Some(&e) = b.get(at + 1) else {
        return Err(FilterError::new(text, at, "string has no closing quote"));
    };
    let simple = match e {
        b'\\' => Some(b'\\'),
        b'"' => Some(b'"'),
        b'\'' => Some(b'\''),
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'v' => Some(11),
        _ => None,
    };
    if let Some(v) = simple {
        return Ok((v, 2));
    }
    if e == b'x' {
        let digits: Vec<u8> = b[at + 2..].iter().take(2).take_while(|c| c.is_ascii_hexdigit()).copied().collect();
        if digits.is_empty() {
            return Err(FilterError::new(text, at, "\\x must be followed by one or two hex digits"));
        }
        let v = digits.iter().fold(0u8, |a, d| a.wrapping_mul(16) | (char::from(*d).to_digit(16).unwrap_or(0) as u8));
        return Ok((v, 2 + digits.len()));
    }
    if (b'0'..=b'7').contains(&e) {
        let digits: Vec<u8> = b[at + 1..].iter().take(3).take_while(|c| (b'0'..=b'7').contains(c)).copied().collect();
        let v = digits.iter().fold(0u32, |a, d| a * 8 + u32::from(d - b'0'));
        if v > 255 {
            return Err(FilterError::new(text, at, "octal escape greater than \\377"));
        }
        return Ok((v as u8, 1 + digits.len()));
    }
    let ch = text[at + 1..].chars().next().unwrap_or('?');
    Err(FilterError::new(text, at, format!("unknown escape \\{}", ch.escape_default())))
}
