//! Display filters for the page: the dissector's own filter language, compiled once.

use dissect::filter::Filter;

use crate::session::Predicate;

/// Compile `expr`; the error is one line naming the position.
pub fn compile(expr: &str) -> Result<Predicate, String> {
    let f = Filter::compile(expr).map_err(|e| e.to_string())?;
    Ok(Box::new(move |p| f.matches(p)))
}

/// Whether `expr` compiles: `None`, or the error line.
pub fn check(expr: &str) -> Option<String> {
    if expr.trim().is_empty() {
        return None;
    }
    Filter::compile(expr).err().map(|e| e.to_string())
}
