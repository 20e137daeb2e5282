//! `-z simco,rules`: every policy rule the capture shows, per session: its PID, kind (reserve,
//! enable, disable), group, lifetime, address tuples, owner, the SCTP stream it lives on, and
//! its fate (still reserved/enabled/disabled at the end, or deleted by a PLC or an ARE).
//!
//! The tap reads only the tree: each `simco` layer's generated `simco.rule.pid`,
//! `simco.rule.kind` and `simco.rule.event` (set by [`super::conv`] from the transaction a
//! reply completes) and the attributes next to them.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;

use crate::stats::{Tap, TapDef};
use crate::tree::{Node, Packet, Value};

/// Rules the report holds at most; later ones are counted, not listed.
pub const MAX_TAP_RULES: usize = 100_000;

/// The `-z` definitions.
pub static TAPS: &[TapDef] = &[TapDef {
    name: "simco,rules",
    help: "SIMCO policy rules: PID, kind, group, lifetime, address tuples, owner, SCTP stream and fate",
    new: new_rules_tap,
}];

fn new_rules_tap(args: &str) -> Result<Box<dyn Tap>, String> {
    if !args.is_empty() {
        return Err(format!("-z simco,rules takes no arguments (got {args:?})"));
    }
    Ok(Box::new(RulesTap::default()))
}

/// One address tuple as shown: its role and `udp 192.0.2.1/32:5000+2 A0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TupleText {
    pub role: String,
    pub text: String,
}

/// One policy rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    pub session: String,
    pub pid: u64,
    /// reserve, enable, disable, or `?` when only a notification named it.
    pub kind: String,
    pub group: Option<u64>,
    pub lifetime: Option<u64>,
    pub tuples: Vec<TupleText>,
    pub owner: Option<String>,
    pub stream: Option<u64>,
    /// The frame of the reply that created it.
    pub created_in: Option<u64>,
    /// `reserved`, `enabled`, `disabled`, `deleted by PLC in frame N`, ...
    pub fate: String,
    /// Frames of every message that concerned it.
    pub frames: Vec<u64>,
}

/// The `-z simco,rules` statistic.
#[derive(Debug, Default)]
pub struct RulesTap {
    rows: Vec<RuleRow>,
    /// The latest row of each (session, PID).
    index: HashMap<(String, u64), usize>,
    dropped: u64,
}

fn child<'n>(l: &'n Node, abbrev: &str) -> Option<&'n Node> {
    l.children.iter().find(|c| c.def.abbrev == abbrev)
}

fn uint(n: Option<&Node>) -> Option<u64> {
    match n.map(|n| &n.value) {
        Some(Value::UInt(v)) => Some(*v),
        _ => None,
    }
}

fn string(n: Option<&Node>) -> Option<String> {
    match n.map(|n| &n.value) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The first attribute field `abbrev` of a layer (attributes are the layer's `simco.attr`
/// children).
fn attr_field<'n>(l: &'n Node, abbrev: &str) -> Option<&'n Node> {
    l.children.iter().filter(|c| c.def.abbrev == "simco.attr").find_map(|a| a.find(abbrev))
}

fn tuples(l: &Node) -> Vec<TupleText> {
    let mut out = Vec::new();
    for a in l.children.iter().filter(|c| c.def.abbrev == "simco.attr") {
        let Some(t) = child(a, "simco.addr") else { continue };
        let f = |ab: &str| child(t, ab);
        let role = string(f("simco.addr.role")).unwrap_or_else(|| "tuple".to_string());
        let proto = match uint(f("simco.addr.protocol")) {
            Some(6) => "tcp".to_string(),
            Some(17) => "udp".to_string(),
            Some(132) => "sctp".to_string(),
            Some(0) => "any".to_string(),
            Some(p) => format!("proto {p}"),
            None => "?".to_string(),
        };
        let loc = match uint(f("simco.addr.location")) {
            Some(l @ 0..=3) => format!("A{l}"),
            _ => "A?".to_string(),
        };
        let prefix = uint(f("simco.addr.prefix_len")).unwrap_or(0);
        let port = uint(f("simco.addr.port"));
        let range = match uint(f("simco.addr.port_range")) {
            Some(1) | None => String::new(),
            Some(r) => format!("+{r}"),
        };
        let addr = match (f("simco.addr.ip").map(|n| &n.value), f("simco.addr.ipv6").map(|n| &n.value)) {
            (Some(Value::Ipv4(a)), _) => Some(format!("{}/{prefix}", std::net::Ipv4Addr::from(*a))),
            (_, Some(Value::Ipv6(a))) => Some(format!("[{}/{prefix}]", std::net::Ipv6Addr::from(*a))),
            _ => None,
        };
        let text = match (addr, port) {
            (Some(a), Some(p)) => format!("{proto} {a}:{p}{range} {loc}"),
            _ => format!("{proto} (protocols only) {loc}"),
        };
        out.push(TupleText { role, text });
    }
    out
}

impl RulesTap {
    /// The rules seen so far, in order of first appearance.
    pub fn rows(&self) -> &[RuleRow] {
        &self.rows
    }

    fn layer(&mut self, frame: u64, l: &Node) {
        let (Some(pid), Some(event)) = (uint(child(l, "simco.rule.pid")), string(child(l, "simco.rule.event"))) else {
            return;
        };
        let session = string(child(l, "simco.session")).unwrap_or_default();
        let ty = uint(child(l, "simco.type")).unwrap_or(0);
        let creates = matches!(event.as_str(), "reserved" | "enabled" | "disabled");
        let key = (session.clone(), pid);
        let existing = self.index.get(&key).copied();
        if existing.is_none() && event == "refused" {
            // A refused request for a PID never seen (0x0343, say) is no rule.
            return;
        }
        let fresh = match existing.and_then(|i| self.rows.get(i)) {
            None => true,
            Some(r) => creates && r.fate.starts_with("deleted"),
        };
        let i = if fresh {
            if self.rows.len() >= MAX_TAP_RULES {
                self.dropped += 1;
                return;
            }
            self.rows.push(RuleRow {
                session,
                pid,
                kind: "?".to_string(),
                group: None,
                lifetime: None,
                tuples: Vec::new(),
                owner: None,
                stream: None,
                created_in: None,
                fate: "unknown".to_string(),
                frames: Vec::new(),
            });
            let i = self.rows.len() - 1;
            self.index.insert(key, i);
            i
        } else {
            existing.unwrap_or(0)
        };
        let Some(r) = self.rows.get_mut(i) else { return };
        if r.frames.len() < 1024 && r.frames.last() != Some(&frame) {
            r.frames.push(frame);
        }
        let kind = string(child(l, "simco.rule.kind"));
        let gid = uint(attr_field(l, "simco.gid"));
        let lifetime = uint(attr_field(l, "simco.lifetime"));
        let owner = string(attr_field(l, "simco.owner"));
        let stream = uint(child(l, "simco.stream"));
        let tups = tuples(l);
        match event.as_str() {
            "reserved" | "enabled" | "disabled" | "enabled after reservation" => {
                if let Some(k) = kind {
                    r.kind = k;
                }
                if r.created_in.is_none() {
                    r.created_in = Some(frame);
                }
                r.fate = match event.as_str() {
                    "reserved" => "reserved".to_string(),
                    "disabled" => "disabled".to_string(),
                    "enabled" => "enabled".to_string(),
                    _ => format!("enabled after reservation in frame {frame}"),
                };
                r.group = gid.or(r.group);
                r.lifetime = lifetime.or(r.lifetime);
                if !tups.is_empty() {
                    r.tuples = tups;
                }
                r.stream = stream.or(r.stream);
            }
            "lifetime changed" | "notified" => {
                r.lifetime = lifetime.or(r.lifetime);
                if r.fate == "unknown" && event == "notified" {
                    r.fate = format!("notified by ARE in frame {frame}");
                }
            }
            "deleted" => {
                r.lifetime = Some(0);
                let by = match ty {
                    0x0216 => "PLC (PRD reply)",
                    0x0403 => "ARE",
                    _ => "?",
                };
                r.fate = format!("deleted by {by} in frame {frame}");
            }
            "status" => {
                if r.kind == "?" {
                    if let Some(k) = kind {
                        r.kind = k;
                    }
                }
                r.group = r.group.or(gid);
                r.lifetime = lifetime.or(r.lifetime);
                r.owner = owner.or(r.owner.take());
                if r.tuples.len() < tups.len() {
                    r.tuples = tups;
                }
                if r.fate == "unknown" {
                    r.fate = match r.kind.as_str() {
                        "reserve" => "reserved".to_string(),
                        "enable" => "enabled".to_string(),
                        "disable" => "disabled".to_string(),
                        _ => "unknown".to_string(),
                    };
                }
            }
            _ => {}
        }
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_string(), |n| n.to_string())
}

impl Tap for RulesTap {
    fn packet(&mut self, p: &Packet) {
        for l in p.layers.iter().filter(|l| l.def.abbrev == "simco") {
            self.layer(p.number, l);
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let rule = "=".repeat(88);
        writeln!(out, "{rule}")?;
        writeln!(out, "SIMCO Policy Rules")?;
        writeln!(out, "Rules: {}", self.rows.len())?;
        if self.dropped > 0 {
            writeln!(out, "Not listed (more than {MAX_TAP_RULES}): {}", self.dropped)?;
        }
        writeln!(out, "{}", "-".repeat(88))?;
        writeln!(
            out,
            "{:<10} {:>10} {:<8} {:>10} {:>10} {:>6} {:>8}  Fate",
            "Session", "PID", "Kind", "Group", "Lifetime", "Stream", "Created"
        )?;
        for r in &self.rows {
            writeln!(
                out,
                "{:<10} {:>10} {:<8} {:>10} {:>10} {:>6} {:>8}  {}",
                r.session,
                r.pid,
                r.kind,
                opt(r.group),
                opt(r.lifetime),
                opt(r.stream),
                opt(r.created_in),
                r.fate
            )?;
            if let Some(o) = &r.owner {
                writeln!(out, "{:>12}owner: {o}", "")?;
            }
            for t in &r.tuples {
                writeln!(out, "{:>12}{}: {}", "", t.role, t.text)?;
            }
        }
        writeln!(out, "{rule}")
    }

    fn to_json(&self) -> serde_json::Value {
        let rules: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                json!({
                    "session": r.session,
                    "pid": r.pid,
                    "kind": r.kind,
                    "group": r.group,
                    "lifetime": r.lifetime,
                    "stream": r.stream,
                    "owner": r.owner,
                    "tuples": r.tuples.iter().map(|t| json!({"role": t.role, "tuple": t.text})).collect::<Vec<_>>(),
                    "created_in": r.created_in,
                    "fate": r.fate,
                    "frames": r.frames,
                })
            })
            .collect();
        json!({ "tap": "simco,rules", "rules": rules, "not_listed": self.dropped })
    }
}
