//! `-z io,phs`: the protocol hierarchy. Each packet's top-level layers below `frame`, in tree
//! order, form a path (`eth` → `ip` → `sctp` → `data`); every node of the hierarchy counts the
//! frames whose path passes through it and their on-the-wire bytes (`frame.len`). This is how
//! tshark's hierarchy walks its tree, so a layer opened again after another (a second `sctp`
//! item after a bundled DATA chunk's payload) nests below it there as here.

use std::io::{self, Write};

use serde_json::json;

use super::{optional_filter, passes, Predicate, Tap};
use crate::tree::Packet;

/// Distinct children one node holds at most; more are counted under `(other)`.
pub const MAX_CHILDREN: usize = 256;
/// Depth of the hierarchy kept; deeper layers are not counted.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Default)]
struct PhsNode {
    name: String,
    frames: u64,
    bytes: u64,
    children: Vec<PhsNode>,
}

impl PhsNode {
    fn child(&mut self, name: &str) -> &mut PhsNode {
        let i = match self.children.iter().position(|c| c.name == name) {
            Some(i) => i,
            None if self.children.len() < MAX_CHILDREN => {
                self.children.push(PhsNode { name: name.to_string(), ..Default::default() });
                self.children.len() - 1
            }
            None => match self.children.iter().position(|c| c.name == "(other)") {
                Some(i) => i,
                None => {
                    // One slot past the cap: the catch-all.
                    self.children.push(PhsNode { name: "(other)".into(), ..Default::default() });
                    self.children.len() - 1
                }
            },
        };
        &mut self.children[i]
    }

    fn write(&self, out: &mut dyn Write, depth: usize) -> io::Result<()> {
        let name = format!("{:indent$}{}", "", self.name, indent = depth * 2);
        writeln!(out, "{name:<40} frames:{} bytes:{}", self.frames, self.bytes)?;
        for c in &self.children {
            c.write(out, depth + 1)?;
        }
        Ok(())
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "protocol": self.name,
            "frames": self.frames,
            "bytes": self.bytes,
            "children": self.children.iter().map(PhsNode::json).collect::<Vec<_>>(),
        })
    }
}

/// The protocol hierarchy tap.
pub struct Phs {
    filter: Option<(String, Predicate)>,
    root: PhsNode,
}

/// `-z io,phs[,FILTER]`.
pub fn new(args: &str) -> Result<Box<dyn Tap>, String> {
    Ok(Box::new(Phs { filter: optional_filter(args)?, root: PhsNode::default() }))
}

impl Tap for Phs {
    fn packet(&mut self, p: &Packet) {
        if !passes(&self.filter, p) {
            return;
        }
        let mut node = &mut self.root;
        // tshark's tree has a top-level `pkt_comment` item before the link layer of a frame
        // with comments; expert infos are never top-level items there.
        let comment = p.layers.first().and_then(|f| f.find("frame.comment")).map(|_| "pkt_comment");
        let layers = p
            .layers
            .iter()
            .skip_while(|l| l.def.abbrev == "frame")
            .map(|l| l.def.abbrev)
            .filter(|a| *a != "_ws.expert");
        for name in comment.into_iter().chain(layers).take(MAX_DEPTH) {
            node = node.child(name);
            node.frames += 1;
            node.bytes += u64::from(p.orig_len);
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let sep = "=".repeat(67);
        writeln!(out, "\n{sep}")?;
        writeln!(out, "Protocol Hierarchy Statistics")?;
        writeln!(out, "Filter: {}\n", self.filter.as_ref().map(|f| f.0.as_str()).unwrap_or(""))?;
        for c in &self.root.children {
            c.write(out, 0)?;
        }
        writeln!(out, "{sep}")
    }

    fn to_json(&self) -> serde_json::Value {
        json!({
            "filter": self.filter.as_ref().map(|f| f.0.clone()),
            "protocols": self.root.children.iter().map(PhsNode::json).collect::<Vec<_>>(),
        })
    }
}
