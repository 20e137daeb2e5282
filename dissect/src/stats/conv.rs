//! `-z conv,eth|ip|ipv6|tcp|udp|sctp` and `-z endpoints,...`: frames and bytes (`frame.len`)
//! between two endpoints each way, and per endpoint sent and received, in tshark's table layout.
//!
//! A conversation's side A is the source of its first frame; "<-" counts B to A, "->" A to B,
//! as tshark prints them. TCP and UDP conversations are told apart by `tcp.stream` and
//! `udp.stream` (so a reused port pair after a close is a new conversation, as in tshark); the
//! others by their two addresses (and ports, for SCTP). Tables are listed by total frames,
//! largest first, ties in order of first appearance.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;

use super::{net_addrs, optional_filter, passes, secs, uint_in, Addr, Predicate, Tap};
use crate::tree::Packet;

/// Conversations (or endpoints) a table holds at most; later ones are counted, not listed.
pub const MAX_ENTRIES: usize = 200_000;

/// Which layer a table reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Eth,
    Ip,
    Ipv6,
    Tcp,
    Udp,
    Sctp,
}

impl Kind {
    /// tshark's title word.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Eth => "Ethernet",
            Kind::Ip => "IPv4",
            Kind::Ipv6 => "IPv6",
            Kind::Tcp => "TCP",
            Kind::Udp => "UDP",
            Kind::Sctp => "SCTP",
        }
    }
    fn has_ports(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Udp | Kind::Sctp)
    }
    fn layer(self) -> &'static str {
        match self {
            Kind::Eth => "eth",
            Kind::Ip => "ip",
            Kind::Ipv6 => "ipv6",
            Kind::Tcp => "tcp",
            Kind::Udp => "udp",
            Kind::Sctp => "sctp",
        }
    }
}

/// One frame's part in a table: source, destination and, for TCP and UDP, the stream index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub src: (Addr, Option<u16>),
    pub dst: (Addr, Option<u16>),
    pub stream: Option<u64>,
}

/// What a packet adds to a table of `kind`: one hit per link or network layer (tunnels count at
/// each level), one for the transport (a layer opened again after its payload is the same one).
pub fn hits(kind: Kind, p: &Packet) -> Vec<Hit> {
    let mut out = Vec::new();
    for (i, l) in p.layers.iter().enumerate() {
        if l.def.abbrev != kind.layer() || unreassembled_v6_fragment(l) {
            continue;
        }
        let a = kind.layer();
        let hit = match kind {
            Kind::Eth | Kind::Ip | Kind::Ipv6 => {
                let (s, d) = (Addr::in_node(l, &format!("{a}.src")), Addr::in_node(l, &format!("{a}.dst")));
                match (s, d) {
                    (Some(s), Some(d)) => Some(Hit { src: (s, None), dst: (d, None), stream: None }),
                    _ => None,
                }
            }
            Kind::Tcp | Kind::Udp | Kind::Sctp => {
                let sp = uint_in(l, &format!("{a}.srcport")).and_then(|v| u16::try_from(v).ok());
                let dp = uint_in(l, &format!("{a}.dstport")).and_then(|v| u16::try_from(v).ok());
                let stream = if kind == Kind::Sctp { None } else { uint_in(l, &format!("{a}.stream")) };
                match (net_addrs(p, i), sp, dp) {
                    (Some((s, d)), Some(sp), Some(dp)) => Some(Hit { src: (s, Some(sp)), dst: (d, Some(dp)), stream }),
                    _ => None,
                }
            }
        };
        if let Some(h) = hit {
            out.push(h);
        }
        if kind.has_ports() {
            break;
        }
    }
    // tshark's SCTP tables count a packet when the SCTP layer finished without an exception: a
    // packet marked malformed after its SCTP header (a chunk running past the packet) is not
    // counted there.
    if kind == Kind::Sctp && malformed_after(p, "sctp") {
        out.clear();
    }
    out
}

/// Whether a top-level `_ws.malformed` item follows the first `layer` layer.
fn malformed_after(p: &Packet, layer: &str) -> bool {
    p.layers.iter().skip_while(|l| l.def.abbrev != layer).any(|l| l.def.abbrev == "_ws.malformed")
}

/// An IPv6 fragment that does not complete a datagram in this frame: tshark's IPv6 tables skip
/// it (they count the datagram once, in the frame that reassembles it).
fn unreassembled_v6_fragment(l: &crate::tree::Node) -> bool {
    l.def.abbrev == "ipv6"
        && l.find("ipv6.fraghdr").is_some()
        && l.find("ipv6.fragments").is_none()
        && !(uint_in(l, "ipv6.fraghdr.offset") == Some(0) && uint_in(l, "ipv6.fraghdr.more") == Some(0))
}

fn endpoint_text(e: &(Addr, Option<u16>)) -> String {
    match e.1 {
        Some(port) => format!("{}:{port}", e.0),
        None => e.0.to_string(),
    }
}

/// tshark's `format_size` for bytes: exact below 10000, then SI units with integer division.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 10_000 {
        return format!("{n} bytes");
    }
    let mut v = n;
    let mut unit = "";
    for u in UNITS {
        if v < 10_000 {
            break;
        }
        v /= 1000;
        unit = u;
    }
    format!("{v} {unit}")
}

#[derive(Debug, Clone)]
struct Conversation {
    a: (Addr, Option<u16>),
    b: (Addr, Option<u16>),
    /// Index 0: A to B; 1: B to A.
    frames: [u64; 2],
    bytes: [u64; 2],
    start: (i64, u32),
    last: (i64, u32),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Stream(u64),
    Pair((Addr, Option<u16>), (Addr, Option<u16>)),
}

/// A conversation table.
pub struct Conversations {
    kind: Kind,
    filter: Option<(String, Predicate)>,
    list: Vec<Conversation>,
    index: HashMap<Key, usize>,
    dropped: u64,
}

impl Conversations {
    pub fn new(kind: Kind, args: &str) -> Result<Self, String> {
        Ok(Conversations { kind, filter: optional_filter(args)?, list: Vec::new(), index: HashMap::new(), dropped: 0 })
    }

    fn sorted(&self) -> Vec<&Conversation> {
        let mut v: Vec<&Conversation> = self.list.iter().collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.frames[0] + c.frames[1]));
        v
    }
}

impl Tap for Conversations {
    fn packet(&mut self, p: &Packet) {
        if !passes(&self.filter, p) {
            return;
        }
        for h in hits(self.kind, p) {
            let key = match h.stream {
                Some(s) => Key::Stream(s),
                None if h.src <= h.dst => Key::Pair(h.src, h.dst),
                None => Key::Pair(h.dst, h.src),
            };
            let i = match self.index.get(&key) {
                Some(&i) => i,
                None if self.list.len() < MAX_ENTRIES => {
                    self.list.push(Conversation {
                        a: h.src,
                        b: h.dst,
                        frames: [0; 2],
                        bytes: [0; 2],
                        start: p.rel_ts,
                        last: p.rel_ts,
                    });
                    self.index.insert(key, self.list.len() - 1);
                    self.list.len() - 1
                }
                None => {
                    self.dropped += 1;
                    continue;
                }
            };
            let Some(c) = self.list.get_mut(i) else { continue };
            let dir = usize::from(!(h.src == c.a && h.dst == c.b));
            c.frames[dir] += 1;
            c.bytes[dir] += u64::from(p.orig_len);
            c.last = p.rel_ts;
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let sep = "=".repeat(80);
        let pad = if self.kind.has_ports() { "            " } else { "" };
        writeln!(out, "{sep}")?;
        writeln!(out, "{} Conversations", self.kind.title())?;
        writeln!(out, "Filter:{}", self.filter.as_ref().map(|f| f.0.as_str()).unwrap_or("<No Filter>"))?;
        writeln!(
            out,
            "{pad}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |"
        )?;
        writeln!(
            out,
            "{pad}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |"
        )?;
        for c in self.sorted() {
            let (a, b) = (endpoint_text(&c.a), endpoint_text(&c.b));
            if self.kind.has_ports() {
                write!(out, "{a:<26} <-> {b:<26}")?;
            } else {
                write!(out, "{a:<20} <-> {b:<20}")?;
            }
            let duration = secs(c.last) - secs(c.start);
            writeln!(
                out,
                "  {:>6} {:<9}  {:>6} {:<9}  {:>6} {:<9}  {:>14.9}   {:>12.4}",
                c.frames[1],
                format_bytes(c.bytes[1]),
                c.frames[0],
                format_bytes(c.bytes[0]),
                c.frames[0] + c.frames[1],
                format_bytes(c.bytes[0] + c.bytes[1]),
                secs(c.start),
                duration
            )?;
        }
        if self.dropped > 0 {
            writeln!(out, "({} frames of conversations past the first {MAX_ENTRIES} not listed)", self.dropped)?;
        }
        writeln!(out, "{sep}")
    }

    fn to_json(&self) -> serde_json::Value {
        let list: Vec<serde_json::Value> = self
            .sorted()
            .into_iter()
            .map(|c| {
                json!({
                    "a": c.a.0.to_string(), "a_port": c.a.1,
                    "b": c.b.0.to_string(), "b_port": c.b.1,
                    "frames_a_to_b": c.frames[0], "bytes_a_to_b": c.bytes[0],
                    "frames_b_to_a": c.frames[1], "bytes_b_to_a": c.bytes[1],
                    "frames": c.frames[0] + c.frames[1], "bytes": c.bytes[0] + c.bytes[1],
                    "rel_start": secs(c.start), "duration": secs(c.last) - secs(c.start),
                })
            })
            .collect();
        json!({
            "type": self.kind.title(),
            "filter": self.filter.as_ref().map(|f| f.0.clone()),
            "conversations": list,
            "frames_not_listed": self.dropped,
        })
    }
}

#[derive(Debug, Clone)]
struct Endpoint {
    addr: (Addr, Option<u16>),
    /// Index 0: sent (Tx); 1: received (Rx).
    frames: [u64; 2],
    bytes: [u64; 2],
}

/// An endpoint table.
pub struct Endpoints {
    kind: Kind,
    filter: Option<(String, Predicate)>,
    list: Vec<Endpoint>,
    index: HashMap<(Addr, Option<u16>), usize>,
    dropped: u64,
}

impl Endpoints {
    pub fn new(kind: Kind, args: &str) -> Result<Self, String> {
        Ok(Endpoints { kind, filter: optional_filter(args)?, list: Vec::new(), index: HashMap::new(), dropped: 0 })
    }

    fn count(&mut self, e: (Addr, Option<u16>), dir: usize, len: u64) {
        let i = match self.index.get(&e) {
            Some(&i) => i,
            None if self.list.len() < MAX_ENTRIES => {
                self.list.push(Endpoint { addr: e, frames: [0; 2], bytes: [0; 2] });
                self.index.insert(e, self.list.len() - 1);
                self.list.len() - 1
            }
            None => {
                self.dropped += 1;
                return;
            }
        };
        if let Some(x) = self.list.get_mut(i) {
            x.frames[dir] += 1;
            x.bytes[dir] += len;
        }
    }

    fn sorted(&self) -> Vec<&Endpoint> {
        let mut v: Vec<&Endpoint> = self.list.iter().collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.frames[0] + c.frames[1]));
        v
    }
}

impl Tap for Endpoints {
    fn packet(&mut self, p: &Packet) {
        if !passes(&self.filter, p) {
            return;
        }
        for h in hits(self.kind, p) {
            self.count(h.src, 0, u64::from(p.orig_len));
            self.count(h.dst, 1, u64::from(p.orig_len));
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let sep = "=".repeat(80);
        writeln!(out, "{sep}")?;
        writeln!(out, "{} Endpoints", self.kind.title())?;
        writeln!(out, "Filter:{}", self.filter.as_ref().map(|f| f.0.as_str()).unwrap_or("<No Filter>"))?;
        let ports = self.kind.has_ports();
        writeln!(
            out,
            "                       |{}  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |",
            if ports { "  Port  ||" } else { "" }
        )?;
        for e in self.sorted() {
            write!(out, "{:<20}      ", e.addr.0.to_string())?;
            if let Some(port) = e.addr.1 {
                write!(out, "{port:>5}     ")?;
            }
            writeln!(
                out,
                "{:>6}     {:>9}     {:>6}       {:>9}      {:>6}       {:>9}   ",
                e.frames[0] + e.frames[1],
                e.bytes[0] + e.bytes[1],
                e.frames[0],
                e.bytes[0],
                e.frames[1],
                e.bytes[1]
            )?;
        }
        if self.dropped > 0 {
            writeln!(out, "({} frames of endpoints past the first {MAX_ENTRIES} not listed)", self.dropped)?;
        }
        writeln!(out, "{sep}")
    }

    fn to_json(&self) -> serde_json::Value {
        let list: Vec<serde_json::Value> = self
            .sorted()
            .into_iter()
            .map(|e| {
                json!({
                    "address": e.addr.0.to_string(), "port": e.addr.1,
                    "frames": e.frames[0] + e.frames[1], "bytes": e.bytes[0] + e.bytes[1],
                    "tx_frames": e.frames[0], "tx_bytes": e.bytes[0],
                    "rx_frames": e.frames[1], "rx_bytes": e.bytes[1],
                })
            })
            .collect();
        json!({
            "type": self.kind.title(),
            "filter": self.filter.as_ref().map(|f| f.0.clone()),
            "endpoints": list,
            "frames_not_listed": self.dropped,
        })
    }
}

macro_rules! ctor {
    ($name:ident, $ty:ident, $kind:ident) => {
        pub fn $name(args: &str) -> Result<Box<dyn Tap>, String> {
            Ok(Box::new($ty::new(Kind::$kind, args)?))
        }
    };
}
ctor!(new_conv_eth, Conversations, Eth);
ctor!(new_conv_ip, Conversations, Ip);
ctor!(new_conv_ipv6, Conversations, Ipv6);
ctor!(new_conv_tcp, Conversations, Tcp);
ctor!(new_conv_udp, Conversations, Udp);
ctor!(new_conv_sctp, Conversations, Sctp);
ctor!(new_ep_eth, Endpoints, Eth);
ctor!(new_ep_ip, Endpoints, Ip);
ctor!(new_ep_ipv6, Endpoints, Ipv6);
ctor!(new_ep_tcp, Endpoints, Tcp);
ctor!(new_ep_udp, Endpoints, Udp);
ctor!(new_ep_sctp, Endpoints, Sctp);

#[cfg(test)]
mod tests {
    use super::format_bytes;

    #[test]
    fn sizes_as_tshark_prints_them() {
        assert_eq!(format_bytes(0), "0 bytes");
        assert_eq!(format_bytes(9999), "9999 bytes");
        assert_eq!(format_bytes(10_000), "10 kB");
        assert_eq!(format_bytes(34_458), "34 kB");
        assert_eq!(format_bytes(9_999_999), "9999 kB");
        assert_eq!(format_bytes(10_000_000), "10 MB");
    }
}
