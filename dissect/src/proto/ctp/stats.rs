//! `-z ctp,vs`: per connection (`tcp.stream`), every virtual socket with its service, its
//! opener, data frames and payload bytes each way, and the frames and times of its opening and
//! closing (§6.2).
//!
//! The tap reads only the tree: each top-level `ctp` layer's generated `ctp.vs.change`
//! subtrees (the ACK that opened, refused or closed a socket), and on data frames `ctp.vs`,
//! `ctp.len`, `ctp.sender` and the socket's `ctp.vs.service` and `ctp.vs.opener`; the packet's
//! `tcp.stream`, addresses and ports. "c>s" is the direction from the CTP client (the endpoint
//! that opened the connection, §4) to the server.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde_json::json;

use crate::stats::Tap;
use crate::tree::{Node, Packet, Value};

/// Sockets a connection's report holds at most; later ones are counted, not listed.
pub const MAX_REPORTED: usize = 4096;
/// Connections the report holds at most; later ones are counted, not listed.
pub const MAX_CONNECTIONS: usize = 4096;

/// Build the tap; it takes no arguments.
pub fn new_vs_tap(args: &str) -> Result<Box<dyn Tap>, String> {
    if !args.is_empty() {
        return Err(format!("-z ctp,vs takes no arguments (got {args:?})"));
    }
    Ok(Box::new(VsTap::default()))
}

/// A frame number with its time since the first frame.
type Moment = (u64, (i64, u32));

#[derive(Debug, Clone, Default)]
struct TapSocket {
    id: u16,
    service: Option<String>,
    opener: Option<String>,
    /// `opening` (data seen, no ACK yet), `open`, `refused`, `closed`.
    state: &'static str,
    /// Index 0: client to server; 1: server to client.
    frames: [u64; 2],
    bytes: [u64; 2],
    open: Option<Moment>,
    close: Option<Moment>,
}

#[derive(Debug, Default)]
struct Connection {
    endpoints: Vec<String>,
    sockets: Vec<TapSocket>,
    /// Socket id to the index of its latest record.
    by_id: HashMap<u16, usize>,
    dropped: u64,
}

impl Connection {
    fn push(&mut self, s: TapSocket) -> Option<usize> {
        if self.sockets.len() >= MAX_REPORTED {
            self.dropped += 1;
            return None;
        }
        let id = s.id;
        self.sockets.push(s);
        let i = self.sockets.len() - 1;
        self.by_id.insert(id, i);
        Some(i)
    }

    /// The latest record of socket `id`, or a new one (a socket seen first in data, opened
    /// before the capture or with its ACK missing).
    fn socket(&mut self, id: u16) -> Option<&mut TapSocket> {
        let i = match self.by_id.get(&id) {
            Some(&i) => i,
            None => self.push(TapSocket { id, state: "opening", ..TapSocket::default() })?,
        };
        self.sockets.get_mut(i)
    }
}

/// The `-z ctp,vs` statistic.
#[derive(Debug, Default)]
pub struct VsTap {
    conns: BTreeMap<u32, Connection>,
    conns_dropped: u64,
}

fn endpoint(p: &Packet, side: &str) -> String {
    let addr = [format!("ip.{side}"), format!("ipv6.{side}")]
        .iter()
        .find_map(|a| p.find(a))
        .map(|n| match &n.value {
            Value::Ipv4(a) => std::net::Ipv4Addr::from(*a).to_string(),
            Value::Ipv6(a) => format!("[{}]", std::net::Ipv6Addr::from(*a)),
            _ => "?".into(),
        })
        .unwrap_or_else(|| "?".into());
    let port = p
        .find(&format!("tcp.{side}port"))
        .and_then(|n| match n.value {
            Value::UInt(v) => Some(v.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "?".into());
    format!("{addr}:{port}")
}

fn child<'a>(n: &'a Node, abbrev: &str) -> Option<&'a Value> {
    n.children.iter().find(|c| c.def.abbrev == abbrev).map(|c| &c.value)
}

fn uint(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::UInt(u)) => Some(*u),
        _ => None,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

impl VsTap {
    fn layer(conn: &mut Connection, l: &Node, at: Moment) {
        // An ACK's socket changes.
        for c in l.children.iter().filter(|c| c.def.abbrev == "ctp.vs.change") {
            let Some(id) = uint(child(c, "ctp.vs.socket")).and_then(|v| u16::try_from(v).ok()) else { continue };
            let state = match string(child(c, "ctp.vs.state")).as_deref() {
                Some("open") => "open",
                Some("refused") => "refused",
                Some("closed") => "closed",
                _ => continue,
            };
            let service = string(child(c, "ctp.vs.service"));
            let opener = string(child(c, "ctp.vs.opener"));
            // A socket seen only in data so far (not yet acknowledged) is the one this ACK
            // settles; any other state means the id is used again (§6.3).
            let current = conn.by_id.get(&id).and_then(|&i| conn.sockets.get(i)).map(|s| s.state);
            let fresh = match state {
                "closed" => current.is_none(),
                _ => current != Some("opening"),
            };
            let s = if fresh {
                let Some(i) = conn.push(TapSocket { id, state: "opening", ..TapSocket::default() }) else { continue };
                conn.sockets.get_mut(i)
            } else {
                conn.socket(id)
            };
            let Some(s) = s else { continue };
            s.service = service.or(s.service.take());
            s.opener = opener.or(s.opener.take());
            s.state = state;
            // A refused socket never opened: its life ends with the refusal.
            match state {
                "open" => s.open = Some(at),
                _ => s.close = Some(at),
            }
        }
        // A data frame.
        let Some(sender) = l.children.iter().find(|c| c.def.abbrev == "ctp.sender") else { return };
        let Some(id) = uint(child(l, "ctp.vs")).and_then(|v| u16::try_from(v).ok()) else { return };
        let len = uint(child(l, "ctp.len")).unwrap_or(0);
        let dir = usize::from(matches!(&sender.value, Value::Str(s) if s == "server"));
        let service = string(child(l, "ctp.vs.service"));
        let opener = string(child(l, "ctp.vs.opener"));
        if let Some(s) = conn.socket(id) {
            if s.service.is_none() {
                s.service = service;
            }
            if s.opener.is_none() {
                s.opener = opener;
            }
            s.frames[dir] += 1;
            s.bytes[dir] += len;
        }
    }
}

impl Tap for VsTap {
    fn packet(&mut self, p: &Packet) {
        if !p.layers.iter().any(|l| l.def.abbrev == "ctp") {
            return;
        }
        let stream = match p.find("tcp.stream").map(|n| &n.value) {
            Some(Value::UInt(s)) => *s as u32,
            _ => 0,
        };
        if !self.conns.contains_key(&stream) && self.conns.len() >= MAX_CONNECTIONS {
            self.conns_dropped += 1;
            return;
        }
        let src = endpoint(p, "src");
        let dst = endpoint(p, "dst");
        let conn = self.conns.entry(stream).or_default();
        for e in [src, dst] {
            if !conn.endpoints.contains(&e) && conn.endpoints.len() < 2 {
                conn.endpoints.push(e);
            }
        }
        let at = (p.number, p.rel_ts);
        for l in p.layers.iter().filter(|l| l.def.abbrev == "ctp") {
            Self::layer(conn, l, at);
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let rule = "=".repeat(100);
        writeln!(out, "{rule}")?;
        writeln!(out, "CTP Virtual Sockets")?;
        for (stream, c) in &self.conns {
            writeln!(out, "Connection tcp.stream {stream}: {}", c.endpoints.join(" <-> "))?;
            writeln!(
                out,
                "  {:>5}  {:<12} {:<7} {:<8} {:>11} {:>11} {:>11} {:>11}  {:<22} Closed",
                "VS", "Service", "Opener", "State", "c>s frames", "c>s bytes", "s>c frames", "s>c bytes", "Opened",
            )?;
            for s in &c.sockets {
                writeln!(
                    out,
                    "  {:>5}  {:<12} {:<7} {:<8} {:>11} {:>11} {:>11} {:>11}  {:<22} {}",
                    s.id,
                    s.service.as_deref().unwrap_or("?"),
                    s.opener.as_deref().unwrap_or("?"),
                    s.state,
                    s.frames[0],
                    s.bytes[0],
                    s.frames[1],
                    s.bytes[1],
                    moment(s.open),
                    moment(s.close)
                )?;
            }
            if c.dropped > 0 {
                writeln!(out, "  ({} more virtual sockets not listed)", c.dropped)?;
            }
        }
        if self.conns_dropped > 0 {
            writeln!(out, "({} packets of further connections not counted)", self.conns_dropped)?;
        }
        writeln!(out, "{rule}")
    }

    fn to_json(&self) -> serde_json::Value {
        let conns: Vec<serde_json::Value> = self
            .conns
            .iter()
            .map(|(stream, c)| {
                let sockets: Vec<serde_json::Value> = c
                    .sockets
                    .iter()
                    .map(|s| {
                        json!({
                            "vs": s.id,
                            "service": s.service,
                            "opener": s.opener,
                            "state": s.state,
                            "client_to_server": { "frames": s.frames[0], "bytes": s.bytes[0] },
                            "server_to_client": { "frames": s.frames[1], "bytes": s.bytes[1] },
                            "opened": moment_json(s.open),
                            "closed": moment_json(s.close),
                        })
                    })
                    .collect();
                json!({
                    "tcp.stream": stream,
                    "endpoints": c.endpoints,
                    "virtual_sockets": sockets,
                    "not_listed": c.dropped,
                })
            })
            .collect();
        json!({ "ctp_vs": { "connections": conns, "connections_not_counted": self.conns_dropped } })
    }
}

fn moment(m: Option<Moment>) -> String {
    match m {
        Some((f, (s, n))) => format!("frame {f} ({s}.{:06} s)", n / 1000),
        None => "-".to_string(),
    }
}

fn moment_json(m: Option<Moment>) -> serde_json::Value {
    match m {
        Some((f, (s, n))) => json!({ "frame": f, "time": format!("{s}.{n:09}") }),
        None => serde_json::Value::Null,
    }
}
