//! `-z mtatls,channels`: per connection (`tcp.stream`), every MTA-TLS channel with its ids, its
//! opener and destination, the windows and max packet lengths each way (as established and as
//! they stand at the end, M4), bytes and packets each way, stalls (times a window reached 0),
//! the frames and times of its opening and closing, and its fate.
//!
//! The tap reads only the tree: each top-level `mtatls` layer's fields, the generated
//! `mtatls.response_to` and `mtatls.channel.window_left` the conversation adds, and the
//! packet's `tcp.stream`, addresses and ports. "i>r" is the direction from the endpoint that
//! sent the ChannelEstablishmentRequest (the initiator) to the other.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde_json::json;

use crate::stats::Tap;
use crate::tree::{Node, Packet, Value};

/// Channels a connection's report holds at most; later ones are counted, not listed.
pub const MAX_REPORTED: usize = 4096;
/// Connections the report holds at most.
pub const MAX_CONNECTIONS: usize = 4096;

/// Build the tap; it takes no arguments.
pub fn new_channels_tap(args: &str) -> Result<Box<dyn Tap>, String> {
    if !args.is_empty() {
        return Err(format!("-z mtatls,channels takes no arguments (got {args:?})"));
    }
    Ok(Box::new(ChannelsTap::default()))
}

type Moment = (u64, (i64, u32));

#[derive(Debug, Clone, Default)]
struct TapChannel {
    id: Option<u32>,
    sender_channel_id: Option<u16>,
    opener: Option<String>,
    dst: Option<String>,
    /// Index 0: initiator to responder; 1: responder to initiator.
    window_initial: [Option<u64>; 2],
    window_now: [Option<u64>; 2],
    max_initial: [Option<u64>; 2],
    max_now: [Option<u64>; 2],
    bytes: [u64; 2],
    packets: [u64; 2],
    stalls: [u64; 2],
    request: Option<Moment>,
    open: Option<Moment>,
    close_request: Option<Moment>,
    close: Option<Moment>,
    fate: String,
}

#[derive(Debug, Default)]
struct Connection {
    endpoints: Vec<String>,
    channels: Vec<TapChannel>,
    /// Channel id to index in `channels`, for the latest channel of that id.
    by_id: HashMap<u32, usize>,
    /// (request frame, sender channel id) to index, for requests not answered yet.
    pending: HashMap<(u64, u16), usize>,
    dropped: u64,
}

impl Connection {
    fn push(&mut self, c: TapChannel) -> Option<usize> {
        if self.channels.len() >= MAX_REPORTED {
            self.dropped += 1;
            return None;
        }
        self.channels.push(c);
        Some(self.channels.len() - 1)
    }

    /// The channel of this id, created (opened before the capture, seen first with a packet
    /// from `sender`) when it is not known.
    fn channel(&mut self, id: u32, sender: &str) -> Option<usize> {
        if let Some(&i) = self.by_id.get(&id) {
            return Some(i);
        }
        let c = TapChannel {
            id: Some(id),
            opener: Some(sender.to_string()),
            fate: "open (opening not seen)".into(),
            ..Default::default()
        };
        let i = self.push(c)?;
        self.by_id.insert(id, i);
        Some(i)
    }
}

/// The `-z mtatls,channels` statistic.
#[derive(Debug, Default)]
pub struct ChannelsTap {
    conns: BTreeMap<u32, Connection>,
}

fn uint(n: &Node, abbrev: &str) -> Option<u64> {
    match n.find(abbrev).map(|f| &f.value) {
        Some(Value::UInt(v)) => Some(*v),
        _ => None,
    }
}

fn string(n: &Node, abbrev: &str) -> Option<String> {
    match n.find(abbrev).map(|f| &f.value) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
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
            Value::UInt(v) => Some(v),
            _ => None,
        })
        .map_or_else(|| "?".to_string(), |v| v.to_string());
    format!("{addr}:{port}")
}

impl Tap for ChannelsTap {
    fn packet(&mut self, p: &Packet) {
        if !p.layers.iter().any(|l| l.def.abbrev == "mtatls") {
            return;
        }
        let stream = match p.find("tcp.stream").map(|n| &n.value) {
            Some(Value::UInt(s)) => *s as u32,
            _ => 0,
        };
        if !self.conns.contains_key(&stream) && self.conns.len() >= MAX_CONNECTIONS {
            return;
        }
        let src = endpoint(p, "src");
        let dst = endpoint(p, "dst");
        let conn = self.conns.entry(stream).or_default();
        for e in [&src, &dst] {
            if !conn.endpoints.contains(e) && conn.endpoints.len() < 2 {
                conn.endpoints.push(e.clone());
            }
        }
        let now: Moment = (p.number, p.rel_ts);
        for l in p.layers.iter().filter(|l| l.def.abbrev == "mtatls") {
            let Some(ty) = uint(l, "mtatls.type") else { continue };
            let id = uint(l, "mtatls.channel_id").map(|v| v as u32);
            let sid = uint(l, "mtatls.sender_channel_id").map(|v| v as u16);
            let dir_of = |c: &TapChannel| usize::from(c.opener.as_deref() != Some(src.as_str()));
            match ty {
                1 => {
                    let c = TapChannel {
                        sender_channel_id: sid,
                        opener: Some(src.clone()),
                        dst: Some(format!(
                            "{}:{}",
                            string(l, "mtatls.dst_addr").unwrap_or_default(),
                            uint(l, "mtatls.dst_port").unwrap_or(0)
                        )),
                        // The request's window is what the responder may send.
                        window_initial: [None, uint(l, "mtatls.window")],
                        window_now: [None, uint(l, "mtatls.window")],
                        max_initial: [None, uint(l, "mtatls.max_packet_length")],
                        max_now: [None, uint(l, "mtatls.max_packet_length")],
                        request: Some(now),
                        fate: "no answer".into(),
                        ..Default::default()
                    };
                    if let (Some(i), Some(s)) = (conn.push(c), sid) {
                        conn.pending.insert((p.number, s), i);
                    }
                }
                2 | 3 => {
                    let req = uint(l, "mtatls.response_to").zip(sid).and_then(|k| conn.pending.remove(&(k.0, k.1)));
                    let i = match req {
                        Some(i) => Some(i),
                        None => conn.push(TapChannel {
                            sender_channel_id: sid,
                            opener: Some(dst.clone()),
                            ..Default::default()
                        }),
                    };
                    let Some(i) = i else { continue };
                    if ty == 3 {
                        if let Some(c) = conn.channels.get_mut(i) {
                            c.close = Some(now);
                            c.fate = format!("refused: {}", string(l, "mtatls.error").unwrap_or_default());
                        }
                        continue;
                    }
                    if let Some(id) = id {
                        if let Some(&old) = conn.by_id.get(&id) {
                            if let Some(o) = conn.channels.get_mut(old) {
                                if o.close.is_none() {
                                    o.fate = "replaced by a channel of the same id (M3)".into();
                                }
                            }
                        }
                        conn.by_id.insert(id, i);
                    }
                    if let Some(c) = conn.channels.get_mut(i) {
                        c.id = id;
                        c.open = Some(now);
                        c.window_initial[0] = uint(l, "mtatls.window");
                        c.window_now[0] = c.window_initial[0];
                        c.max_initial[0] = uint(l, "mtatls.max_packet_length");
                        c.max_now[0] = c.max_initial[0];
                        c.fate = "open".into();
                    }
                }
                4..=8 => {
                    let Some(id) = id else { continue };
                    let Some(i) = conn.channel(id, &src) else { continue };
                    let Some(c) = conn.channels.get_mut(i) else { continue };
                    let d = dir_of(c);
                    match ty {
                        4 => {
                            if c.close_request.is_none() {
                                c.close_request = Some(now);
                            }
                            if c.close.is_none() {
                                c.fate = "closing".into();
                            }
                        }
                        5 => {
                            if c.close.is_none() {
                                c.close = Some(now);
                            }
                            c.fate = "closed".into();
                        }
                        6 => {
                            let n = uint(l, "mtatls.data_len").unwrap_or(0);
                            c.packets[d] += 1;
                            c.bytes[d] += n;
                            if let Some(left) = uint(l, "mtatls.channel.window_left") {
                                c.window_now[d] = Some(left);
                                if left == 0 && n > 0 {
                                    c.stalls[d] += 1;
                                }
                            }
                        }
                        7 => c.max_now[1 - d] = uint(l, "mtatls.max_packet_length"),
                        _ => c.window_now[1 - d] = uint(l, "mtatls.free_space"),
                    }
                }
                _ => {}
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let rule = "=".repeat(80);
        writeln!(out, "{rule}")?;
        writeln!(out, "MTA-TLS Channels")?;
        for (stream, c) in &self.conns {
            writeln!(out, "Connection tcp.stream {stream}: {}", c.endpoints.join(" <-> "))?;
            for ch in &c.channels {
                let id = ch.id.map_or_else(|| "-".to_string(), |v| format!("0x{v:08x}"));
                let sid = ch.sender_channel_id.map_or_else(|| "-".to_string(), |v| format!("0x{v:04x}"));
                writeln!(
                    out,
                    "  Channel {id} (sender id {sid}) opened by {} to {}: {}",
                    ch.opener.as_deref().unwrap_or("?"),
                    ch.dst.as_deref().unwrap_or("?"),
                    ch.fate
                )?;
                for (d, name) in [(0, "i>r"), (1, "r>i")] {
                    writeln!(
                        out,
                        "    {name}: window {} (now {}), max packet {} (now {}), {} bytes in {} packets, {} stalls",
                        opt(ch.window_initial[d]),
                        opt(ch.window_now[d]),
                        opt(ch.max_initial[d]),
                        opt(ch.max_now[d]),
                        ch.bytes[d],
                        ch.packets[d],
                        ch.stalls[d]
                    )?;
                }
                writeln!(
                    out,
                    "    request {}, opened {}, close requested {}, closed {}",
                    moment(ch.request),
                    moment(ch.open),
                    moment(ch.close_request),
                    moment(ch.close)
                )?;
            }
            if c.dropped > 0 {
                writeln!(out, "  ({} more channels not listed)", c.dropped)?;
            }
        }
        writeln!(out, "{rule}")
    }

    fn to_json(&self) -> serde_json::Value {
        let conns: Vec<serde_json::Value> = self
            .conns
            .iter()
            .map(|(stream, c)| {
                let channels: Vec<serde_json::Value> = c
                    .channels
                    .iter()
                    .map(|ch| {
                        let dir = |d: usize| {
                            json!({
                                "window": ch.window_initial[d],
                                "window_now": ch.window_now[d],
                                "max_packet_length": ch.max_initial[d],
                                "max_packet_length_now": ch.max_now[d],
                                "bytes": ch.bytes[d],
                                "packets": ch.packets[d],
                                "stalls": ch.stalls[d],
                            })
                        };
                        let m = |x: Option<Moment>| {
                            x.map(|(f, t)| json!({"frame": f, "time": format!("{}.{:09}", t.0, t.1)}))
                        };
                        json!({
                            "channel_id": ch.id.map(|v| format!("0x{v:08x}")),
                            "sender_channel_id": ch.sender_channel_id.map(|v| format!("0x{v:04x}")),
                            "opener": ch.opener,
                            "destination": ch.dst,
                            "initiator_to_responder": dir(0),
                            "responder_to_initiator": dir(1),
                            "request": m(ch.request),
                            "open": m(ch.open),
                            "close_request": m(ch.close_request),
                            "close": m(ch.close),
                            "fate": ch.fate,
                        })
                    })
                    .collect();
                json!({"stream": stream, "endpoints": c.endpoints, "channels": channels, "not_listed": c.dropped})
            })
            .collect();
        json!({"mtatls_channels": conns})
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "?".to_string(), |v| v.to_string())
}

fn moment(m: Option<Moment>) -> String {
    match m {
        Some((f, (s, n))) => format!("frame {f} ({s}.{:06} s)", n / 1000),
        None => "-".to_string(),
    }
}
