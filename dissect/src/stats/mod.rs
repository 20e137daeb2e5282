//! Statistics (`-z`): taps that see every dissected packet and report at the end.
//!
//! A tap reads the tree ([`Packet`]), never the bytes' layout, so it works on whatever the
//! protocol modules put there. Each protocol module lists its own taps in a `TAPS` slice
//! (`-z ctp,vs`, `-z simco,rules`, ...); [`all`] gathers them with the general ones.
//!
//! The general statistics live beside this file: [`phs`] (`-z io,phs`), [`conv`]
//! (`-z conv,...` and `-z endpoints,...`), [`expert`] (`-z expert`), [`iostat`]
//! (`-z io,stat`), [`sctp`] (`-z sctp,assoc`); [`follow`] is `--follow`. [`Session`] runs a
//! set of them over a capture and writes their reports, as text after the packets (tshark's
//! habit) or as one JSON object keyed by the `-z` argument.

use std::io::{self, Write};

use crate::tree::{Node, Packet, Value};

pub mod conv;
pub mod expert;
pub mod follow;
pub mod iostat;
pub mod phs;
pub mod sctp;

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
#[derive(Debug)]
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

/// The statistics that read the layers every capture has.
pub static GENERAL: &[TapDef] = &[
    TapDef { name: "io,phs", help: "protocol hierarchy: frames and bytes per protocol path [,FILTER]", new: phs::new },
    TapDef { name: "io,stat", help: "frames and bytes per interval: io,stat,SECONDS[,FILTER...] (a column per filter)", new: iostat::new },
    TapDef { name: "conv,eth", help: "Ethernet conversations [,FILTER]", new: conv::new_conv_eth },
    TapDef { name: "conv,ip", help: "IPv4 conversations [,FILTER]", new: conv::new_conv_ip },
    TapDef { name: "conv,ipv6", help: "IPv6 conversations [,FILTER]", new: conv::new_conv_ipv6 },
    TapDef { name: "conv,tcp", help: "TCP conversations (one per tcp.stream) [,FILTER]", new: conv::new_conv_tcp },
    TapDef { name: "conv,udp", help: "UDP conversations (one per udp.stream) [,FILTER]", new: conv::new_conv_udp },
    TapDef { name: "conv,sctp", help: "SCTP conversations (by addresses and ports) [,FILTER]", new: conv::new_conv_sctp },
    TapDef { name: "endpoints,eth", help: "Ethernet endpoints [,FILTER]", new: conv::new_ep_eth },
    TapDef { name: "endpoints,ip", help: "IPv4 endpoints [,FILTER]", new: conv::new_ep_ip },
    TapDef { name: "endpoints,ipv6", help: "IPv6 endpoints [,FILTER]", new: conv::new_ep_ipv6 },
    TapDef { name: "endpoints,tcp", help: "TCP endpoints (address and port) [,FILTER]", new: conv::new_ep_tcp },
    TapDef { name: "endpoints,udp", help: "UDP endpoints (address and port) [,FILTER]", new: conv::new_ep_udp },
    TapDef { name: "endpoints,sctp", help: "SCTP endpoints (address and port) [,FILTER]", new: conv::new_ep_sctp },
    TapDef {
        name: "expert",
        help: "expert infos by severity, group, protocol and message, with counts and first frame [,error|warn|note|chat|comment][,FILTER]",
        new: expert::new,
    },
    TapDef {
        name: "sctp,assoc",
        help: "SCTP associations: ports, tags, streams, PPIDs, DATA chunks and bytes each way, retransmissions, gaps [,FILTER]",
        new: sctp::new,
    },
];

/// Every statistic: the general ones and each protocol's.
pub fn all() -> Vec<&'static TapDef> {
    let mut v: Vec<&'static TapDef> = GENERAL.iter().collect();
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

/// `-z help`: every statistic with its one-line help.
pub fn write_help(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Statistics (-z NAME[,ARGS]):")?;
    for d in all() {
        writeln!(out, "  {:<16} {}", d.name, d.help)?;
    }
    writeln!(out, "Following (--follow SPEC):")?;
    for (form, help) in [
        ("tcp,MODE,N", "TCP stream N (tcp.stream) both ways; MODE ascii, hex or raw"),
        ("udp,MODE,N", "UDP stream N (udp.stream) both ways"),
        ("sctp,MODE,A[,S]", "SCTP association A (sctp.assoc_index), optionally only stream S"),
    ] {
        writeln!(out, "  {form:<16} {help}")?;
    }
    for f in follows() {
        let form = format!("{}==N[,MODE]", f.key);
        writeln!(out, "  {form:<16} each {} instance with {} N, per {}", f.layer, f.key, f.conversation)?;
    }
    Ok(())
}

/// A packet predicate: a compiled display filter.
pub type Predicate = Box<dyn Fn(&Packet) -> bool>;

/// Compile a display filter for a statistic's optional filter argument.
pub fn compile_filter(text: &str) -> Result<Predicate, String> {
    let f = crate::filter::Filter::compile(text).map_err(|e| format!("filter {text:?}: {e}"))?;
    Ok(Box::new(move |p: &Packet| f.matches(p)))
}

/// An optional filter argument: empty means every packet.
pub fn optional_filter(text: &str) -> Result<Option<(String, Predicate)>, String> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        Ok(Some((t.to_string(), compile_filter(t)?)))
    }
}

/// Whether an optional filter passes the packet.
pub fn passes(f: &Option<(String, Predicate)>, p: &Packet) -> bool {
    f.as_ref().is_none_or(|(_, m)| m(p))
}

/// The value of the first `abbrev` field inside `n` as an unsigned number.
pub fn uint_in(n: &Node, abbrev: &str) -> Option<u64> {
    match n.find(abbrev).map(|f| &f.value) {
        Some(Value::UInt(v)) => Some(*v),
        Some(Value::Int(v)) => u64::try_from(*v).ok(),
        Some(Value::Bool(b)) => Some(u64::from(*b)),
        _ => None,
    }
}

/// An address of a link or network layer, shown as tshark shows it (without name resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Addr {
    Ether([u8; 6]),
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Addr {
    /// The address an address-typed field holds.
    pub fn of(v: &Value) -> Option<Addr> {
        match v {
            Value::Ether(a) => Some(Addr::Ether(*a)),
            Value::Ipv4(a) => Some(Addr::V4(*a)),
            Value::Ipv6(a) => Some(Addr::V6(*a)),
            _ => None,
        }
    }
    /// The first `abbrev` field inside `n` as an address.
    pub fn in_node(n: &Node, abbrev: &str) -> Option<Addr> {
        n.find(abbrev).and_then(|f| Addr::of(&f.value))
    }
    pub fn is_v6(&self) -> bool {
        matches!(self, Addr::V6(_))
    }
}

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Addr::Ether(a) => {
                write!(f, "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", a[0], a[1], a[2], a[3], a[4], a[5])
            }
            Addr::V4(a) => write!(f, "{}", std::net::Ipv4Addr::from(*a)),
            Addr::V6(a) => write!(f, "{}", std::net::Ipv6Addr::from(*a)),
        }
    }
}

/// The network-layer source and destination that carry top-level layer `i`: the nearest `ip` or
/// `ipv6` layer before it.
pub fn net_addrs(p: &Packet, i: usize) -> Option<(Addr, Addr)> {
    p.layers.get(..i)?.iter().rev().find_map(|l| match l.def.abbrev {
        "ip" => Some((Addr::in_node(l, "ip.src")?, Addr::in_node(l, "ip.dst")?)),
        "ipv6" => Some((Addr::in_node(l, "ipv6.src")?, Addr::in_node(l, "ipv6.dst")?)),
        _ => None,
    })
}

/// Seconds as a float, from (seconds, nanoseconds).
pub fn secs(t: (i64, u32)) -> f64 {
    t.0 as f64 + f64::from(t.1) / 1e9
}

/// A statistic being run: the `-z` argument that named it and the tap.
struct Running {
    spec: String,
    tap: Box<dyn Tap>,
}

/// The statistics and follows of one run (`-z`, `--follow`): fed every dissected packet, then
/// asked for their reports.
#[derive(Default)]
pub struct Session {
    taps: Vec<Running>,
    follows: Vec<follow::Follower>,
}

impl Session {
    /// Add a `-z` statistic.
    pub fn add_tap(&mut self, spec: &str) -> Result<(), String> {
        let tap = lookup(spec)?;
        self.taps.push(Running { spec: spec.to_string(), tap });
        Ok(())
    }
    /// Add a `--follow` spec.
    pub fn add_follow(&mut self, spec: &str) -> Result<(), String> {
        self.follows.push(follow::Follower::parse(spec)?);
        Ok(())
    }
    pub fn is_empty(&self) -> bool {
        self.taps.is_empty() && self.follows.is_empty()
    }
    /// One dissected packet.
    pub fn packet(&mut self, p: &Packet) {
        for t in &mut self.taps {
            t.tap.packet(p);
        }
        for f in &mut self.follows {
            f.packet(p);
        }
    }
    /// Every report as text, in the order given on the command line.
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        for t in &self.taps {
            t.tap.write_text(out)?;
        }
        for f in &self.follows {
            f.write_text(out)?;
        }
        Ok(())
    }
    /// The statistics' reports only (the followed streams went to files).
    pub fn write_text_stats(&self, out: &mut dyn Write) -> io::Result<()> {
        for t in &self.taps {
            t.tap.write_text(out)?;
        }
        Ok(())
    }
    /// Every report as one JSON object: `{"stats": {"io,phs": ...}, "follow": [...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut stats = serde_json::Map::new();
        for t in &self.taps {
            stats.insert(t.spec.clone(), t.tap.to_json());
        }
        let follows: Vec<serde_json::Value> = self.follows.iter().map(|f| f.to_json()).collect();
        serde_json::json!({ "stats": stats, "follow": follows })
    }
    /// Write each followed stream's bytes to files under `dir`, one per direction; returns the
    /// paths written.
    pub fn write_follow_files(&self, dir: &std::path::Path) -> io::Result<Vec<std::path::PathBuf>> {
        let mut written = Vec::new();
        for (i, f) in self.follows.iter().enumerate() {
            written.extend(f.write_files(dir, i)?);
        }
        Ok(written)
    }
}
