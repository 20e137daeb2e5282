//! `-z expert[,error|warn|note|chat|comment][,FILTER]`: every expert info of the capture,
//! grouped by severity (most severe first) and then by group, protocol and message, with how
//! often each occurred and the first frame it occurred in. The layout is tshark's `-z expert`
//! with one more column, `First`.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;

use super::{optional_filter, passes, Predicate, Tap};
use crate::tree::{Group, Packet, Severity};

/// Distinct (severity, group, protocol, message) rows kept; later ones are counted, not listed.
pub const MAX_ROWS: usize = 100_000;

#[derive(Debug, Clone)]
struct Row {
    severity: Severity,
    group: Group,
    protocol: &'static str,
    message: String,
    count: u64,
    first: u64,
}

/// The expert tap.
pub struct Expert {
    min: Severity,
    filter: Option<(String, Predicate)>,
    rows: Vec<Row>,
    index: HashMap<(Severity, Group, &'static str, String), usize>,
    dropped: u64,
}

fn level(word: &str) -> Option<Severity> {
    match word {
        "error" => Some(Severity::Error),
        "warn" | "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        "chat" => Some(Severity::Chat),
        "comment" => Some(Severity::Comment),
        _ => None,
    }
}

/// `-z expert[,LEVEL][,FILTER]`: LEVEL is the least severity shown.
pub fn new(args: &str) -> Result<Box<dyn Tap>, String> {
    let (first, rest) = args.split_once(',').unwrap_or((args, ""));
    let (min, filter) = match level(first.trim()) {
        Some(l) => (l, rest),
        None => (Severity::Comment, args),
    };
    Ok(Box::new(Expert { min, filter: optional_filter(filter)?, rows: Vec::new(), index: HashMap::new(), dropped: 0 }))
}

const ORDER: [(Severity, &str); 5] = [
    (Severity::Error, "Errors"),
    (Severity::Warning, "Warnings"),
    (Severity::Note, "Notes"),
    (Severity::Chat, "Chats"),
    (Severity::Comment, "Comments"),
];

impl Tap for Expert {
    fn packet(&mut self, p: &Packet) {
        if !passes(&self.filter, p) {
            return;
        }
        for e in &p.experts {
            if e.severity < self.min {
                continue;
            }
            let key = (e.severity, e.group, e.protocol, e.message.clone());
            match self.index.get(&key) {
                Some(&i) => {
                    if let Some(r) = self.rows.get_mut(i) {
                        r.count += 1;
                    }
                }
                None if self.rows.len() < MAX_ROWS => {
                    self.rows.push(Row {
                        severity: e.severity,
                        group: e.group,
                        protocol: e.protocol,
                        message: e.message.clone(),
                        count: 1,
                        first: p.number,
                    });
                    self.index.insert(key, self.rows.len() - 1);
                }
                None => self.dropped += 1,
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        for (sev, title) in ORDER {
            let rows: Vec<&Row> = self.rows.iter().filter(|r| r.severity == sev).collect();
            if rows.is_empty() {
                continue;
            }
            let total: u64 = rows.iter().map(|r| r.count).sum();
            writeln!(out, "\n{title} ({total})")?;
            writeln!(out, "=============")?;
            writeln!(out, "{:>12} {:>10} {:>18} {:>7}  Summary", "Frequency", "Group", "Protocol", "First")?;
            // By group, then in order of first appearance.
            let mut rows = rows;
            rows.sort_by_key(|r| r.group);
            for r in rows {
                writeln!(
                    out,
                    "{:>12} {:>10} {:>18} {:>7}  {}",
                    r.count,
                    r.group.name(),
                    r.protocol.to_ascii_uppercase(),
                    r.first,
                    r.message
                )?;
            }
        }
        if self.dropped > 0 {
            writeln!(out, "({} expert infos past the first {MAX_ROWS} distinct ones not listed)", self.dropped)?;
        }
        Ok(())
    }

    fn to_json(&self) -> serde_json::Value {
        let mut by_sev = serde_json::Map::new();
        for (sev, title) in ORDER {
            let mut rows: Vec<&Row> = self.rows.iter().filter(|r| r.severity == sev).collect();
            if rows.is_empty() {
                continue;
            }
            rows.sort_by_key(|r| r.group);
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    json!({
                        "count": r.count, "group": r.group.name(), "protocol": r.protocol,
                        "message": r.message, "first_frame": r.first,
                    })
                })
                .collect();
            by_sev.insert(title.to_ascii_lowercase(), serde_json::Value::Array(list));
        }
        json!({
            "filter": self.filter.as_ref().map(|f| f.0.clone()),
            "severities": by_sev,
            "not_listed": self.dropped,
        })
    }
}
