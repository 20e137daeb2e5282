//! `-z forces,msgs`: per SCTP association and TML channel, the ForCES message types seen with
//! their counts, and the requests left without a response (§6.1 correlator pairing, as
//! [`super::conv`] does it: a response names its request in `forces.response_to`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::wire::{MessageType, MESSAGE_TYPE_NAMES};
use crate::stats::{Tap, TapDef};
use crate::tree::{Node, Packet, Value};

/// Requests remembered at most for the unanswered list; past this they are counted only.
pub const MAX_REQUESTS: usize = 100_000;

pub const MSGS: TapDef = TapDef {
    name: "forces,msgs",
    help: "ForCES message types per SCTP association and TML channel, and unanswered requests",
    new: |args| {
        if args.is_empty() {
            Ok(Box::new(MsgsTap::default()))
        } else {
            Err(format!("-z forces,msgs takes no arguments (got {args:?})"))
        }
    },
};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Req {
    frame: u64,
    assoc: Option<u64>,
    msg_type: u64,
    correlator: u64,
}

/// The running numbers of `-z forces,msgs`.
#[derive(Debug, Default)]
pub struct MsgsTap {
    /// (association index, channel) -> message type -> count.
    counts: BTreeMap<(Option<u64>, String), BTreeMap<u64, u64>>,
    requests: Vec<Req>,
    requests_dropped: u64,
    answered: BTreeSet<u64>,
    total: u64,
}

fn uint(n: Option<&Node>) -> Option<u64> {
    match n.map(|n| &n.value) {
        Some(Value::UInt(v)) => Some(*v),
        _ => None,
    }
}

fn type_name(t: u64) -> String {
    match MESSAGE_TYPE_NAMES.iter().find(|(v, _)| *v == t) {
        Some((_, n)) => n.to_string(),
        None => format!("Unknown (0x{t:02x})"),
    }
}

impl Tap for MsgsTap {
    fn packet(&mut self, p: &Packet) {
        let assoc = uint(p.find("sctp.assoc_index"));
        for l in p.layers.iter().filter(|l| l.def.abbrev == "forces") {
            let Some(t) = uint(l.find("forces.messagetype")) else { continue };
            let chan = match l.find("forces.channel").map(|n| &n.value) {
                Some(Value::Str(s)) => s.clone(),
                _ => "-".to_string(),
            };
            self.total += 1;
            *self.counts.entry((assoc, chan)).or_default().entry(t).or_default() += 1;
            if let Some(f) = uint(l.find("forces.response_to")) {
                self.answered.insert(f);
            }
            let ack = uint(l.find("forces.flags.ack")).unwrap_or(0);
            let mt = MessageType(t as u8);
            let request = matches!(mt, MessageType::ASSOCIATION_SETUP | MessageType::QUERY)
                || (matches!(mt, MessageType::CONFIG | MessageType::HEARTBEAT) && ack == 3);
            if request {
                if self.requests.len() < MAX_REQUESTS {
                    let correlator = uint(l.find("forces.correlator")).unwrap_or(0);
                    self.requests.push(Req { frame: p.number, assoc, msg_type: t, correlator });
                } else {
                    self.requests_dropped += 1;
                }
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let bar = "=".repeat(72);
        writeln!(out, "{bar}")?;
        writeln!(out, "ForCES messages (-z forces,msgs): {} messages", self.total)?;
        for ((assoc, chan), types) in &self.counts {
            let a = assoc.map(|a| a.to_string()).unwrap_or_else(|| "-".into());
            writeln!(out, "Association {a}, channel {chan}:")?;
            for (t, n) in types {
                writeln!(out, "  {:<28}{n:>8}", type_name(*t))?;
            }
        }
        let unanswered: Vec<&Req> = self.requests.iter().filter(|r| !self.answered.contains(&r.frame)).collect();
        writeln!(out, "Unanswered requests: {}", unanswered.len())?;
        for r in &unanswered {
            let a = r.assoc.map(|a| a.to_string()).unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "  frame {:<8} association {a:<4} {:<20} correlator 0x{:x}",
                r.frame,
                type_name(r.msg_type),
                r.correlator
            )?;
        }
        if self.requests_dropped > 0 {
            writeln!(out, "  ({} more requests not remembered)", self.requests_dropped)?;
        }
        writeln!(out, "{bar}")
    }

    fn to_json(&self) -> serde_json::Value {
        let assocs: Vec<serde_json::Value> = self
            .counts
            .iter()
            .map(|((assoc, chan), types)| {
                let t: serde_json::Map<String, serde_json::Value> =
                    types.iter().map(|(t, n)| (type_name(*t), serde_json::json!(n))).collect();
                serde_json::json!({ "association": assoc, "channel": chan, "messages": t })
            })
            .collect();
        let unanswered: Vec<serde_json::Value> = self
            .requests
            .iter()
            .filter(|r| !self.answered.contains(&r.frame))
            .map(|r| {
                serde_json::json!({
                    "frame": r.frame,
                    "association": r.assoc,
                    "type": type_name(r.msg_type),
                    "correlator": format!("0x{:x}", r.correlator),
                })
            })
            .collect();
        serde_json::json!({
            "tap": "forces,msgs",
            "messages": self.total,
            "associations": assocs,
            "unanswered": unanswered,
            "requests_not_remembered": self.requests_dropped,
        })
    }
}
