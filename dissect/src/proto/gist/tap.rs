//! `-z gist,sessions`: per Session ID, the NSLPID, the flow of the MRI, the message types seen
//! with their counts, the modes (Q-mode, D-mode, C-mode over which transport) and the
//! messaging associations the Responses announced (G3).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::wire::MsgType;
use crate::stats::{Tap, TapDef};
use crate::tree::{display_value, Node, Packet, Value};

/// Sessions tracked at most; messages of further sessions are counted only.
pub const MAX_SESSIONS: usize = 100_000;
/// Distinct strings kept per session and set (modes, flows, associations).
const MAX_PER_SET: usize = 64;

pub const SESSIONS: TapDef = TapDef {
    name: "gist,sessions",
    help: "GIST sessions: per Session ID the NSLPID, MRI, messages, modes and C-mode associations",
    new: |args| {
        if args.is_empty() {
            Ok(Box::new(SessionsTap::default()))
        } else {
            Err(format!("-z gist,sessions takes no arguments (got {args:?})"))
        }
    },
};

#[derive(Debug, Default, Clone)]
struct Session {
    nslpids: BTreeSet<u64>,
    mris: BTreeSet<String>,
    messages: BTreeMap<String, u64>,
    modes: BTreeSet<String>,
    associations: BTreeSet<String>,
    first_frame: u64,
    last_frame: u64,
}

/// The running numbers of `-z gist,sessions`.
#[derive(Debug, Default)]
pub struct SessionsTap {
    sessions: BTreeMap<String, Session>,
    /// Messages with no Session ID (MA-Hello, some Errors), by type.
    without: BTreeMap<String, u64>,
    dropped: u64,
    total: u64,
}

fn uint(n: Option<&Node>) -> Option<u64> {
    match n.map(|n| &n.value) {
        Some(Value::UInt(v)) => Some(*v),
        _ => None,
    }
}

fn text(n: Option<&Node>) -> Option<String> {
    n.map(|n| match &n.value {
        Value::Str(s) => s.clone(),
        v => display_value(n.def, v),
    })
}

fn insert(set: &mut BTreeSet<String>, s: String) {
    if set.len() < MAX_PER_SET {
        set.insert(s);
    }
}

fn type_name(t: u64) -> String {
    u8::try_from(t).ok().and_then(|b| MsgType(b).name()).map_or_else(|| format!("Type {t}"), str::to_string)
}

impl Tap for SessionsTap {
    fn packet(&mut self, p: &Packet) {
        for l in p.layers.iter().filter(|l| l.def.abbrev == "gist") {
            let Some(t) = uint(l.find("gist.type")) else { continue };
            self.total += 1;
            let name = type_name(t);
            let sid = match l.find("gist.session_id").map(|n| &n.value) {
                Some(Value::Bytes(b)) => b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
                _ => {
                    *self.without.entry(name).or_default() += 1;
                    continue;
                }
            };
            if !self.sessions.contains_key(&sid) && self.sessions.len() >= MAX_SESSIONS {
                self.dropped += 1;
                continue;
            }
            let s = self.sessions.entry(sid).or_insert_with(|| Session { first_frame: p.number, ..Session::default() });
            s.last_frame = p.number;
            if let Some(n) = uint(l.find("gist.nslpid")) {
                if s.nslpids.len() < MAX_PER_SET {
                    s.nslpids.insert(n);
                }
            }
            let src = text(l.find("gist.mri.src").or_else(|| l.find("gist.mri.src6")));
            let dst = text(l.find("gist.mri.dst").or_else(|| l.find("gist.mri.dst6")));
            if let (Some(a), Some(b)) = (src, dst) {
                insert(&mut s.mris, format!("{a} -> {b}"));
            }
            *s.messages.entry(name).or_default() += 1;
            if let Some(m) = text(l.find("gist.mode")) {
                insert(&mut s.modes, m);
            }
            let mut anns = Vec::new();
            l.walk(&mut |n| {
                if n.def.abbrev == "gist.scd.announced" {
                    if let Value::Str(v) = &n.value {
                        anns.push(v.clone());
                    }
                }
            });
            for a in anns {
                insert(&mut s.associations, a);
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let bar = "=".repeat(72);
        writeln!(out, "{bar}")?;
        writeln!(out, "GIST sessions (-z gist,sessions): {} messages, {} sessions", self.total, self.sessions.len())?;
        let join = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        };
        for (sid, s) in &self.sessions {
            let nslp: Vec<String> = s.nslpids.iter().map(|n| n.to_string()).collect();
            writeln!(out, "Session {sid}  NSLPID {}  frames {}-{}", nslp.join(","), s.first_frame, s.last_frame)?;
            writeln!(out, "  MRI:          {}", join(&s.mris))?;
            let msgs: Vec<String> = s.messages.iter().map(|(t, n)| format!("{t} {n}")).collect();
            writeln!(out, "  Messages:     {}", msgs.join(", "))?;
            writeln!(out, "  Modes:        {}", join(&s.modes))?;
            writeln!(out, "  Associations: {}", join(&s.associations))?;
        }
        if !self.without.is_empty() {
            let msgs: Vec<String> = self.without.iter().map(|(t, n)| format!("{t} {n}")).collect();
            writeln!(out, "Without a Session ID: {}", msgs.join(", "))?;
        }
        if self.dropped > 0 {
            writeln!(out, "({} messages of sessions past {MAX_SESSIONS} not tracked)", self.dropped)?;
        }
        writeln!(out, "{bar}")
    }

    fn to_json(&self) -> serde_json::Value {
        let sessions: Vec<serde_json::Value> = self
            .sessions
            .iter()
            .map(|(sid, s)| {
                serde_json::json!({
                    "session_id": sid,
                    "nslpid": s.nslpids,
                    "mri": s.mris,
                    "messages": s.messages,
                    "modes": s.modes,
                    "associations": s.associations,
                    "first_frame": s.first_frame,
                    "last_frame": s.last_frame,
                })
            })
            .collect();
        serde_json::json!({
            "total": self.total,
            "sessions": sessions,
            "without_session_id": self.without,
            "dropped": self.dropped,
        })
    }
}
