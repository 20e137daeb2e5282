//! `--follow`: the bytes of one stream both ways, in tshark's `-z follow` layout.
//!
//! - `tcp,MODE,N`: TCP stream N (`tcp.stream`), payload in sequence order: a retransmitted
//!   byte is shown once, a segment that arrives early waits for the bytes before it (as tshark
//!   prints a followed stream).
//! - `udp,MODE,N`: UDP stream N (`udp.stream`), one chunk per datagram.
//! - `sctp,MODE,A[,S]`: the DATA and I-DATA chunk payloads of association A
//!   (`sctp.assoc_index`), or of its stream S only, one chunk per chunk; retransmitted TSNs are
//!   left out.
//! - `KEY==N[,MODE]` for a protocol form of [`super::follows`] (`ctp.vs==3`): within each
//!   conversation, every top-level instance of the form's layer whose key is N; one report per
//!   conversation.
//!
//! MODE is `ascii` (printable bytes, `.` for the others, line ends kept), `hex` (offset, hex and
//! text per 16 bytes) or `raw` (hex strings). Node 0 is the source of the first frame; chunks
//! from node 1 are indented with a tab, as tshark does.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{net_addrs, uint_in, Addr, FollowDef};
use crate::tree::{Node, Packet, Value};

/// Payload bytes a follower keeps at most; later bytes are counted, not kept.
pub const MAX_BYTES: usize = 64 << 20;
/// Early TCP segments held per direction while waiting for the bytes before them.
pub const MAX_PENDING: usize = 1024;
/// Conversations a protocol form reports at most.
pub const MAX_CONVERSATIONS: usize = 1024;

/// Source and destination: address and port.
type Ends = [(Addr, u16); 2];

/// How the bytes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Ascii,
    Hex,
    Raw,
}

impl Mode {
    fn parse(s: &str) -> Result<Mode, String> {
        match s {
            "ascii" => Ok(Mode::Ascii),
            "hex" => Ok(Mode::Hex),
            "raw" => Ok(Mode::Raw),
            _ => Err(format!("--follow: unknown mode {s:?} (ascii, hex or raw)")),
        }
    }
    fn name(self) -> &'static str {
        match self {
            Mode::Ascii => "ascii",
            Mode::Hex => "hex",
            Mode::Raw => "raw",
        }
    }
}

/// What is followed.
#[derive(Debug, Clone, Copy)]
enum Target {
    Tcp(u64),
    Udp(u64),
    Sctp(u64, Option<u64>),
    Proto(&'static FollowDef, u64),
}

/// One followed stream, or one conversation of a protocol form.
#[derive(Debug, Default)]
struct Stream {
    /// Nodes 0 and 1: address and port.
    nodes: Option<[(Addr, u16); 2]>,
    /// The conversation's value of the form's `conversation` field (protocol forms).
    conversation: u64,
    /// (from node 1, bytes).
    chunks: Vec<(bool, Vec<u8>)>,
    /// TCP, per direction: the next expected relative sequence number and early segments.
    next: [Option<u64>; 2],
    pending: [BTreeMap<u64, Vec<u8>>; 2],
}

/// A `--follow` in progress.
#[derive(Debug)]
pub struct Follower {
    spec: String,
    mode: Mode,
    target: Target,
    streams: Vec<Stream>,
    kept: usize,
    dropped: u64,
}

fn num(s: &str, what: &str) -> Result<u64, String> {
    s.trim().parse().map_err(|_| format!("--follow: {what} {s:?} is not a number"))
}

impl Follower {
    /// Parse a `--follow` argument.
    pub fn parse(spec: &str) -> Result<Follower, String> {
        let parts: Vec<&str> = spec.split(',').collect();
        let target;
        let mode;
        match parts.as_slice() {
            ["tcp", m, n] => {
                mode = Mode::parse(m)?;
                target = Target::Tcp(num(n, "stream")?);
            }
            ["udp", m, n] => {
                mode = Mode::parse(m)?;
                target = Target::Udp(num(n, "stream")?);
            }
            ["sctp", m, a] => {
                mode = Mode::parse(m)?;
                target = Target::Sctp(num(a, "association")?, None);
            }
            ["sctp", m, a, s] => {
                mode = Mode::parse(m)?;
                target = Target::Sctp(num(a, "association")?, Some(num(s, "stream")?));
            }
            [form, rest @ ..] if form.contains("==") && rest.len() <= 1 => {
                mode = rest.first().map_or(Ok(Mode::Ascii), |m| Mode::parse(m))?;
                let (key, value) = form.split_once("==").unwrap_or((form, ""));
                let key = key.trim();
                let def = super::follows().into_iter().find(|d| d.key == key).ok_or_else(|| {
                    let known: Vec<&str> = super::follows().iter().map(|d| d.key).collect();
                    format!("--follow {spec}: no protocol form for {key:?} (known: {})", known.join(", "))
                })?;
                target = Target::Proto(
                    def,
                    parse_uint(value.trim())
                        .ok_or_else(|| format!("--follow {spec}: {:?} is not a number", value.trim()))?,
                );
            }
            _ => {
                return Err(format!(
                    "--follow {spec}: expected tcp,MODE,N or udp,MODE,N or sctp,MODE,ASSOC[,STREAM] or FIELD==N[,MODE]"
                ))
            }
        }
        Ok(Follower { spec: spec.to_string(), mode, target, streams: Vec::new(), kept: 0, dropped: 0 })
    }

    /// A follower for a protocol form given directly (tests use forms of their own).
    pub fn with_def(def: &'static FollowDef, value: u64, mode: &str) -> Result<Follower, String> {
        Ok(Follower {
            spec: format!("{}=={value},{mode}", def.key),
            mode: Mode::parse(mode)?,
            target: Target::Proto(def, value),
            streams: Vec::new(),
            kept: 0,
            dropped: 0,
        })
    }

    fn keep(&mut self, si: usize, from1: bool, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        if self.kept.saturating_add(data.len()) > MAX_BYTES {
            self.dropped += data.len() as u64;
            return;
        }
        self.kept += data.len();
        if let Some(s) = self.streams.get_mut(si) {
            s.chunks.push((from1, data.to_vec()));
        }
    }

    /// The stream a packet belongs to (created at its first packet), and whether the packet
    /// comes from node 1.
    fn stream_for(&mut self, conversation: u64, src: (Addr, u16), dst: (Addr, u16)) -> Option<(usize, bool)> {
        let i = match self.streams.iter().position(|s| s.conversation == conversation) {
            Some(i) => i,
            None if self.streams.len() < MAX_CONVERSATIONS => {
                self.streams.push(Stream { nodes: Some([src, dst]), conversation, ..Default::default() });
                self.streams.len() - 1
            }
            None => return None,
        };
        let nodes = self.streams.get(i)?.nodes?;
        Some((i, nodes[0] != src))
    }

    /// One dissected packet.
    pub fn packet(&mut self, p: &Packet) {
        match self.target {
            Target::Tcp(n) => self.tcp(p, n),
            Target::Udp(n) => self.udp(p, n),
            Target::Sctp(a, s) => self.sctp(p, a, s),
            Target::Proto(def, v) => self.proto(p, def, v),
        }
    }

    fn transport<'p>(p: &'p Packet, layer: &str) -> Option<(&'p Node, Ends)> {
        let i = p.layers.iter().position(|l| l.def.abbrev == layer)?;
        let l = p.layers.get(i)?;
        let (s, d) = net_addrs(p, i)?;
        let sp = u16::try_from(uint_in(l, &format!("{layer}.srcport"))?).ok()?;
        let dp = u16::try_from(uint_in(l, &format!("{layer}.dstport"))?).ok()?;
        Some((l, [(s, sp), (d, dp)]))
    }

    fn tcp(&mut self, p: &Packet, n: u64) {
        let Some((l, [src, dst])) = Self::transport(p, "tcp") else { return };
        if uint_in(l, "tcp.stream") != Some(n) {
            return;
        }
        let Some((si, from1)) = self.stream_for(n, src, dst) else { return };
        let dir = usize::from(from1);
        let seq = uint_in(l, "tcp.seq").unwrap_or(0);
        let syn = uint_in(l, "tcp.flags.syn") == Some(1);
        let data = l.find("tcp.payload").map(|n| node_bytes(p, n)).unwrap_or_default();
        let Some(s) = self.streams.get_mut(si) else { return };
        if syn {
            s.next[dir] = Some(seq.wrapping_add(1));
        }
        if data.is_empty() {
            return;
        }
        let next = *s.next[dir].get_or_insert(seq);
        let end = seq.wrapping_add(data.len() as u64);
        let mut out: Vec<Vec<u8>> = Vec::new();
        if end <= next {
            return; // every byte seen before
        }
        if seq > next {
            if s.pending[dir].len() < MAX_PENDING {
                s.pending[dir].entry(seq).or_insert(data);
            } else {
                self.dropped += data.len() as u64;
            }
            return;
        }
        let skip = usize::try_from(next - seq).unwrap_or(usize::MAX).min(data.len());
        out.push(data[skip..].to_vec());
        let mut next = end;
        // Early segments that now follow on.
        while let Some((&k, _)) = s.pending[dir].iter().next() {
            if k > next {
                break;
            }
            let Some(d) = s.pending[dir].remove(&k) else { break };
            let e = k.wrapping_add(d.len() as u64);
            if e > next {
                let skip = usize::try_from(next - k).unwrap_or(usize::MAX).min(d.len());
                out.push(d[skip..].to_vec());
                next = e;
            }
        }
        s.next[dir] = Some(next);
        for d in out {
            self.keep(si, from1, &d);
        }
    }

    fn udp(&mut self, p: &Packet, n: u64) {
        let Some((l, [src, dst])) = Self::transport(p, "udp") else { return };
        if uint_in(l, "udp.stream") != Some(n) {
            return;
        }
        let Some((si, from1)) = self.stream_for(n, src, dst) else { return };
        let data = l.find("udp.payload").map(|n| node_bytes(p, n)).unwrap_or_default();
        self.keep(si, from1, &data);
    }

    fn sctp(&mut self, p: &Packet, assoc: u64, stream: Option<u64>) {
        let Some((_, [src, dst])) = Self::transport(p, "sctp") else { return };
        let layers: Vec<&Node> = p.layers.iter().filter(|l| l.def.abbrev == "sctp").collect();
        if layers.iter().find_map(|l| uint_in(l, "sctp.assoc_index")) != Some(assoc) {
            return;
        }
        let Some((si, from1)) = self.stream_for(assoc, src, dst) else { return };
        for l in layers {
            for c in l.children.iter().filter(|c| c.def.abbrev == "sctp.chunk") {
                let header = match uint_in(c, "sctp.chunk_type") {
                    Some(0) => 16,
                    Some(64) => 20,
                    _ => continue,
                };
                if stream.is_some_and(|s| uint_in(c, "sctp.data_sid") != Some(s)) {
                    continue;
                }
                if c.find("sctp.retransmission").is_some() {
                    continue;
                }
                let len = uint_in(c, "sctp.chunk_length").unwrap_or(0) as usize;
                // The chunk item may cover only its header (its payload went up a layer): take
                // the chunk's length from where it starts.
                let start = c.span.start as usize;
                let buf = p.buffers.get(usize::from(c.span.buf)).map_or(&[][..], |b| &b.data[..]);
                let end = start.saturating_add(len).min(buf.len());
                let data = buf.get(start.saturating_add(header)..end).unwrap_or(&[]);
                self.keep(si, from1, data);
            }
        }
    }

    fn proto(&mut self, p: &Packet, def: &'static FollowDef, value: u64) {
        let Some(conv) = p.find(def.conversation).and_then(|n| match n.value {
            Value::UInt(v) => Some(v),
            _ => None,
        }) else {
            return;
        };
        let mut found: Vec<Vec<u8>> = Vec::new();
        for l in p.layers.iter().filter(|l| l.def.abbrev == def.layer) {
            if uint_in(l, def.key) != Some(value) {
                continue;
            }
            if let Some(d) = l.find(def.data) {
                found.push(node_bytes(p, d));
            }
        }
        if found.is_empty() {
            return;
        }
        let ends = ["tcp", "udp", "sctp"].iter().find_map(|t| Self::transport(p, t));
        let Some((_, [src, dst])) = ends else { return };
        let Some((si, from1)) = self.stream_for(conv, src, dst) else { return };
        for d in found {
            self.keep(si, from1, &d);
        }
    }

    fn filter_text(&self, s: &Stream) -> String {
        match self.target {
            Target::Tcp(n) => format!("tcp.stream eq {n}"),
            Target::Udp(n) => format!("udp.stream eq {n}"),
            Target::Sctp(a, None) => format!("sctp.assoc_index eq {a}"),
            Target::Sctp(a, Some(st)) => format!("sctp.assoc_index eq {a} && sctp.data_sid eq {st}"),
            Target::Proto(d, v) => format!("{} eq {v} && {} eq {}", d.key, d.conversation, s.conversation),
        }
    }

    fn proto_name(&self) -> String {
        match self.target {
            Target::Tcp(_) => "tcp".into(),
            Target::Udp(_) => "udp".into(),
            Target::Sctp(..) => "sctp".into(),
            Target::Proto(d, v) => format!("{}=={v}", d.key),
        }
    }

    /// The report: one block per stream (an empty block when nothing matched).
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let empty = Stream::default();
        let streams: Vec<&Stream> = if self.streams.is_empty() { vec![&empty] } else { self.streams.iter().collect() };
        let sep = "===================================================================";
        for s in streams {
            writeln!(out, "\n{sep}")?;
            writeln!(out, "Follow: {},{}", self.proto_name(), self.mode.name())?;
            writeln!(out, "Filter: {}", self.filter_text(s))?;
            for (i, node) in [0, 1].iter().enumerate() {
                match s.nodes {
                    Some(n) if n[i].0.is_v6() => writeln!(out, "Node {node}: [{}]:{}", n[i].0, n[i].1)?,
                    Some(n) => writeln!(out, "Node {node}: {}:{}", n[i].0, n[i].1)?,
                    None => writeln!(out, "Node {node}: :0")?,
                }
            }
            let mut pos = [0usize; 2];
            for (from1, data) in &s.chunks {
                let prefix = if *from1 { "\t" } else { "" };
                match self.mode {
                    Mode::Ascii => {
                        writeln!(out, "{prefix}{}", data.len())?;
                        let text: String = data
                            .iter()
                            .map(|&b| match b {
                                b'\r' | b'\n' => b as char,
                                0x20..=0x7e => b as char,
                                _ => '.',
                            })
                            .collect();
                        writeln!(out, "{text}")?;
                    }
                    Mode::Hex => {
                        let p = &mut pos[usize::from(*from1)];
                        write_hex(out, prefix, *p, data)?;
                        *p += data.len();
                    }
                    Mode::Raw => {
                        let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
                        writeln!(out, "{prefix}{hex}")?;
                    }
                }
            }
            writeln!(out, "{sep}")?;
        }
        if self.dropped > 0 {
            writeln!(out, "({} bytes not kept: past the {MAX_BYTES}-byte or segment-queue cap)", self.dropped)?;
        }
        Ok(())
    }

    /// The same as JSON: per stream, the nodes and each chunk's direction and bytes (hex).
    pub fn to_json(&self) -> serde_json::Value {
        let streams: Vec<serde_json::Value> = self
            .streams
            .iter()
            .map(|s| {
                let node = |i: usize| s.nodes.map(|n| json!({"address": n[i].0.to_string(), "port": n[i].1}));
                json!({
                    "filter": self.filter_text(s),
                    "node0": node(0),
                    "node1": node(1),
                    "chunks": s.chunks.iter().map(|(from1, d)| json!({
                        "node": u8::from(*from1),
                        "length": d.len(),
                        "data": d.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({ "follow": self.spec, "mode": self.mode.name(), "streams": streams, "bytes_not_kept": self.dropped })
    }

    /// Write each stream's bytes into `dir`, one file per direction:
    /// `follow{index}-{what}[-{conversation}]-node0.bin` (node 0 to node 1) and `...-node1.bin`.
    pub fn write_files(&self, dir: &Path, index: usize) -> io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for s in &self.streams {
            let what: String = self
                .proto_name()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
                .collect();
            let base = match self.target {
                Target::Proto(..) => format!("follow{index}-{what}-{}", s.conversation),
                Target::Tcp(n) | Target::Udp(n) => format!("follow{index}-{what}-{n}"),
                Target::Sctp(a, None) => format!("follow{index}-{what}-{a}"),
                Target::Sctp(a, Some(st)) => format!("follow{index}-{what}-{a}-{st}"),
            };
            for node in [false, true] {
                let path = dir.join(format!("{base}-node{}.bin", u8::from(node)));
                let mut f = io::BufWriter::new(std::fs::File::create(&path)?);
                for (from1, d) in &s.chunks {
                    if *from1 == node {
                        f.write_all(d)?;
                    }
                }
                f.flush()?;
                written.push(path);
            }
        }
        Ok(written)
    }
}

/// A number in decimal or 0x-hex.
fn parse_uint(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// A byte field's bytes: its value, or the bytes its span covers.
fn node_bytes(p: &Packet, n: &Node) -> Vec<u8> {
    match &n.value {
        Value::Bytes(b) => b.clone(),
        Value::Str(s) => s.as_bytes().to_vec(),
        _ => p.bytes(n.span).to_vec(),
    }
}

/// tshark's follow hex dump: offset (per direction), 16 bytes in two groups of 8, then the text.
fn write_hex(out: &mut dyn Write, prefix: &str, mut offset: usize, data: &[u8]) -> io::Result<()> {
    for line in data.chunks(16) {
        let mut hex = String::with_capacity(50);
        let mut text = String::with_capacity(17);
        for (i, &b) in line.iter().enumerate() {
            hex.push_str(&format!("{b:02x} "));
            text.push(if (0x20..0x7f).contains(&b) { b as char } else { '.' });
            if i == 7 {
                hex.push(' ');
                text.push(' ');
            }
        }
        let text = text.strip_suffix(' ').unwrap_or(&text);
        writeln!(out, "{prefix}{offset:08X}  {hex:<50}{text}")?;
        offset += 16;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert!(Follower::parse("tcp,ascii,0").is_ok());
        assert!(Follower::parse("udp,raw,3").is_ok());
        assert!(Follower::parse("sctp,hex,0,1").is_ok());
        assert_eq!(Follower::parse("tcp,text,0").unwrap_err(), "--follow: unknown mode \"text\" (ascii, hex or raw)");
        assert_eq!(Follower::parse("tcp,ascii,x").unwrap_err(), "--follow: stream \"x\" is not a number");
        assert!(Follower::parse("nosuch.field==3").unwrap_err().contains("no protocol form"));
        assert!(Follower::parse("tcp").unwrap_err().starts_with("--follow tcp: expected"));
    }

    #[test]
    fn hex_lines_as_tshark_prints_them() {
        let mut out = Vec::new();
        write_hex(&mut out, "\t", 0x10, b"0123456789abcdefXYZ").unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            "\t00000010  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  01234567 89abcdef\n\
             \t00000020  58 59 5a                                          XYZ\n"
        );
        let mut out = Vec::new();
        write_hex(&mut out, "", 0, b"01234567").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("00000000  {:<50}01234567\n", "30 31 32 33 34 35 36 37  "));
    }
}
