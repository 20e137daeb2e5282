//! Statistics (`-z`): taps that see every dissected packet and report at the end.
//!
//! A tap reads the tree ([`Packet`]), never the bytes' layout, so it works on whatever the
//! protocol modules put there. Each protocol module lists its own taps in a `TAPS` slice
//! (`-z ctp,vs`, `-z simco,rules`, ...); [`all`] gathers them with the general ones.

use std::io::{self, Write};

use crate::tree::Packet;

/// A running statistic.
pub trait Tap {
    /// One dissected packet (every packet, or those the tap's own filter passes).
    fn packet(&mut self, p: &Packet);
    /// The report, in a text layout close to tshark's.
    fn write_text(&self, out: &mut dyn Write) -> io::Result<()>;
    /// The same numbers as JSON (`-z ... -T json`).
    fn to_json(&self) -> serde_json::Value;
}

/// A statistic `-z` knows: `name` is what the user types before any arguments (`ctp,vs`,
/// `io,stat`); `new` gets the rest of the `-z` argument after `name` and a comma (may be empty).
pub struct TapDef {
    pub name: &'static str,
    /// One line for `-z help`.
    pub help: &'static str,
    pub new: fn(args: &str) -> Result<Box<dyn Tap>, String>,
}

/// A protocol form of `--follow`: `--follow KEY==VALUE` follows, within each connection
/// (`conversation` field), every instance of the `layer` protocol whose `key` field has that
/// value, and prints its `data` field's bytes both ways (`--follow ctp.vs==3`).
pub struct FollowDef {
    /// The field the user names: `ctp.vs`.
    pub key: &'static str,
    /// The protocol layer that holds it: `ctp`.
    pub layer: &'static str,
    /// The payload field within that layer: `ctp.data`.
    pub data: &'static str,
    /// The field that tells connections apart: `tcp.stream`.
    pub conversation: &'static str,
}

/// Every protocol form of `--follow`.
pub fn follows() -> Vec<&'static FollowDef> {
    let mut v: Vec<&'static FollowDef> = Vec::new();
    for f in [
        crate::proto::ctp::FOLLOW,
        crate::proto::mtatls::FOLLOW,
        crate::proto::simco::FOLLOW,
        crate::proto::forces::FOLLOW,
        crate::proto::gist::FOLLOW,
        crate::proto::dtls::FOLLOW,
    ] {
        v.extend(f.iter());
    }
    v
}

/// Every statistic: the general ones and each protocol's.
pub fn all() -> Vec<&'static TapDef> {
    let mut v: Vec<&'static TapDef> = Vec::new();
    for taps in [
        crate::proto::ctp::TAPS,
        crate::proto::mtatls::TAPS,
        crate::proto::simco::TAPS,
        crate::proto::forces::TAPS,
        crate::proto::gist::TAPS,
        crate::proto::dtls::TAPS,
    ] {
        v.extend(taps.iter());
    }
    v
}

/// The statistic a `-z` argument names, built with its arguments.
pub fn lookup(spec: &str) -> Result<Box<dyn Tap>, String> {
    let defs = all();
    // The longest name that is the whole spec or followed by a comma.
    let best = defs
        .iter()
        .filter(|d| spec == d.name || spec.strip_prefix(d.name).is_some_and(|r| r.starts_with(',')))
        .max_by_key(|d| d.name.len());
    match best {
        Some(d) => (d.new)(spec[d.name.len()..].trim_start_matches(',')),
        None => {
            let names: Vec<&str> = defs.iter().map(|d| d.name).collect();
            Err(format!("-z {spec}: unknown statistic (known: {})", names.join(", ")))
        }
    }
}
