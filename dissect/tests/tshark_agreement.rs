//! Our values agree with tshark's on the same captures.
//!
//! For every capture in `../shared/captures` and `corpus/`, every field that we and tshark both
//! define under the layers we own here (frame, link, IP, ICMP, TCP, UDP, SCTP) is printed by
//! `tshark -T fields` and by our `-T fields` writer, and the two must be identical frame by frame.
//! tshark is run with checksum verification on (its default is off, ours is on) and with SCTP
//! association indices on, so those fields are comparable too. Known, deliberate differences are
//! listed in `DIFFERENCES` with their reason; everything else is a failure.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::output::fields::FieldsOptions;

/// Layers compared here (application layers are compared in their own tests).
const PREFIXES: &[&str] =
    &["frame.", "eth.", "vlan.", "sll.", "null.", "ip.", "ipv6.", "icmp.", "icmpv6.", "tcp.", "udp.", "sctp."];

/// Fields where we differ from tshark on purpose, and why.
const DIFFERENCES: &[(&str, &str)] = &[
    ("frame.protocols", "compared separately, up to the transport layer: application layers differ by design"),
    ("frame.time_relative", "compared through frame.time_epoch"),
    ("frame.comment", "tshark 4.0 shows comments under pkt_comment, not frame.comment"),
];

fn tshark_fields() -> HashSet<String> {
    let out = Command::new("tshark").args(["-G", "fields"]).output().expect("tshark -G fields");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut it = l.split('\t');
            match (it.next(), it.next(), it.next()) {
                (Some("F"), Some(_), Some(abbrev)) => Some(abbrev.to_string()),
                _ => None,
            }
        })
        .collect()
}

fn compared_fields() -> Vec<String> {
    let theirs = tshark_fields();
    dissect::fields::all()
        .into_iter()
        .map(|f| f.abbrev.to_string())
        .filter(|a| PREFIXES.iter().any(|p| a.starts_with(p)))
        .filter(|a| theirs.contains(a))
        .filter(|a| !DIFFERENCES.iter().any(|(d, _)| d == a))
        .collect()
}

const TSHARK_PREFS: &[&str] = &[
    "-o",
    "ip.check_checksum:TRUE",
    "-o",
    "tcp.check_checksum:TRUE",
    "-o",
    "udp.check_checksum:TRUE",
    "-o",
    "sctp.checksum:Automatic",
    "-o",
    "sctp.association_index:TRUE",
];

/// Per field, per frame: tshark's values.
fn run_tshark(file: &Path, fields: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut res = BTreeMap::new();
    for chunk in fields.chunks(100) {
        let mut cmd = Command::new("tshark");
        cmd.arg("-n").arg("-r").arg(file).args(TSHARK_PREFS).args(["-T", "fields"]);
        for f in chunk {
            cmd.args(["-e", f]);
        }
        let out = cmd.output().expect("run tshark");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut cols: Vec<Vec<String>> = vec![Vec::new(); chunk.len()];
        for line in text.lines() {
            let vals: Vec<&str> = line.split('\t').collect();
            for (i, c) in cols.iter_mut().enumerate() {
                c.push(vals.get(i).copied().unwrap_or("").to_string());
            }
        }
        for (f, c) in chunk.iter().zip(cols) {
            res.insert(f.clone(), c);
        }
    }
    res
}

/// Per field, per frame: our values, through the same writer `dissect -T fields` uses.
fn run_ours(file: &Path, fields: &[String]) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut res: BTreeMap<String, Vec<String>> = fields.iter().map(|f| (f.clone(), Vec::new())).collect();
    let mut protocols = Vec::new();
    let reader = CaptureReader::open(file.to_str().unwrap()).expect("open capture");
    let mut d = Dissector::new(Config::default());
    for frame in reader {
        let p = d.dissect(frame.expect("capture reads to the end"));
        for f in fields {
            let o = FieldsOptions { fields: vec![f.clone()], ..Default::default() };
            let mut out = Vec::new();
            o.write_packet(&mut out, &p).unwrap();
            let s = String::from_utf8(out).unwrap();
            res.get_mut(f).unwrap().push(s.trim_end_matches('\n').to_string());
        }
        let protos = p.find("frame.protocols").map(|n| dissect::tree::field_value(n.def, &n.value)).unwrap_or_default();
        protocols.push(protos);
    }
    (res, protocols)
}

/// The layers this test covers, as `frame.protocols` names them.
const OWN_LAYERS: &[&str] = &[
    "eth",
    "ethertype",
    "vlan",
    "ieee8021ad",
    "sll",
    "null",
    "raw",
    "arp",
    "ip",
    "ipv6",
    "ipv6.hopopts",
    "ipv6.routing",
    "ipv6.fraghdr",
    "ipv6.dstopts",
    "icmp",
    "icmpv6",
    "tcp",
    "udp",
    "sctp",
];

/// `frame.protocols` up to and including the first transport layer, and never past the layers
/// this test covers (tshark names IP payloads we show as data, such as `vrrp`).
fn up_to_transport(s: &str) -> String {
    let mut out = Vec::new();
    for p in s.split(':') {
        if !OWN_LAYERS.contains(&p) {
            break;
        }
        out.push(p);
        if matches!(p, "tcp" | "udp" | "sctp") {
            break;
        }
    }
    out.join(":")
}

/// Single frames where we differ from tshark on purpose: (file name, frame, field, reason).
const FRAME_DIFFERENCES: &[(&str, usize, &str, &str)] = &[(
    "sctp-www.cap",
    65,
    "sctp.assoc_index",
    "tshark's GIF dissector throws inside this frame's HTTP payload and the exception unwinds through \
     SCTP before the association index is added; our SCTP layer is complete",
)];

fn known_frame_difference(file: &Path, frame: usize, field: &str) -> bool {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    FRAME_DIFFERENCES.iter().any(|(f, n, d, _)| *f == name && *n == frame && *d == field)
}

fn compare_file(file: &Path, fields: &[String], report: &mut Vec<String>) {
    let theirs = run_tshark(file, fields);
    let (ours, protocols) = run_ours(file, fields);
    let name = file.display();
    let frames = theirs.values().next().map(Vec::len).unwrap_or(0);
    if frames != protocols.len() {
        report.push(format!("{name}: tshark saw {frames} frames, we saw {}", protocols.len()));
        return;
    }
    // frame.protocols, up to the transport.
    let tp = run_tshark(file, &["frame.protocols".to_string()]);
    for (i, (t, o)) in tp["frame.protocols"].iter().zip(&protocols).enumerate() {
        if up_to_transport(t) != up_to_transport(o) {
            report.push(format!("{name} frame {}: frame.protocols: tshark {t:?}, ours {o:?}", i + 1));
        }
    }
    for f in fields {
        for (i, (t, o)) in theirs[f].iter().zip(&ours[f]).enumerate() {
            if t != o && !known_frame_difference(file, i + 1, f) {
                report.push(format!("{name} frame {}: {f}: tshark {t:?}, ours {o:?}", i + 1));
            }
        }
    }
}

#[test]
fn fields_agree_with_tshark() {
    if !common::tshark() {
        return;
    }
    let mut files = Vec::new();
    if let Some(dir) = common::shared_captures() {
        files.extend(common::captures_in(&dir));
    }
    files.extend(common::captures_in(&common::root().join("corpus")));
    assert!(!files.is_empty(), "no captures to compare");
    let fields = compared_fields();
    assert!(fields.len() > 20, "too few comparable fields: {fields:?}");
    let mut report = Vec::new();
    for f in &files {
        compare_file(f, &fields, &mut report);
    }
    if !report.is_empty() {
        panic!("{} disagreements with tshark:\n{}", report.len(), summarise(&report));
    }
}

/// Group disagreement lines by file and field: a count and the first two examples of each.
fn summarise(report: &[String]) -> String {
    let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for line in report {
        // "FILE frame N: FIELD: tshark ..., ours ..."
        let key = match (line.find(" frame "), line.find(": tshark")) {
            (Some(a), Some(b)) if a < b => {
                let field = line[a..b].rsplit(": ").next().unwrap_or("");
                format!("{} {}", &line[..a], field)
            }
            _ => line.clone(),
        };
        groups.entry(key).or_default().push(line);
    }
    let mut out = String::new();
    for (k, v) in &groups {
        out.push_str(&format!("{:>6}  {k}\n", v.len()));
        for e in v.iter().take(2) {
            out.push_str(&format!("          e.g. {e}\n"));
        }
    }
    out
}

#[test]
fn transport_prefix_of_protocols() {
    assert_eq!(up_to_transport("eth:ethertype:ip:sctp:forces"), "eth:ethertype:ip:sctp");
    assert_eq!(up_to_transport("sll:ethertype:ip:udp:sctp:data"), "sll:ethertype:ip:udp");
    assert_eq!(up_to_transport("null:ip"), "null:ip");
    assert_eq!(up_to_transport("eth:ethertype:ip:vrrp"), "eth:ethertype:ip");
    assert_eq!(up_to_transport("eth:ethertype:ip:data"), "eth:ethertype:ip");
    assert_eq!(up_to_transport("eth:ethertype:ip:icmp:ip:udp"), "eth:ethertype:ip:icmp:ip:udp");
}

/// Every real capture reads to the end without a panic, and no frame that tshark decodes cleanly
/// is marked malformed by us at these layers.
#[test]
fn no_malformed_where_tshark_is_clean() {
    if !common::tshark() {
        return;
    }
    let Some(dir) = common::shared_captures() else { return };
    let mut report = Vec::new();
    for file in common::captures_in(&dir) {
        let out = Command::new("tshark")
            .arg("-n")
            .arg("-r")
            .arg(&file)
            .args(TSHARK_PREFS)
            .args(["-T", "fields", "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity"])
            .output()
            .expect("run tshark");
        let text = String::from_utf8_lossy(&out.stdout);
        let clean: Vec<bool> = text
            .lines()
            .map(|l| {
                let v: Vec<&str> = l.split('\t').collect();
                v.get(1).is_none_or(|m| m.is_empty())
            })
            .collect();
        let reader = CaptureReader::open(file.to_str().unwrap()).expect("open");
        let mut d = Dissector::new(Config::default());
        let mut n = 0usize;
        for frame in reader {
            let frame = frame.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let p = d.dissect(frame);
            if p.malformed && clean.get(n).copied().unwrap_or(true) {
                let msgs: Vec<String> = p.experts.iter().map(|e| format!("{}: {}", e.protocol, e.message)).collect();
                report.push(format!("{} frame {}: malformed here, clean in tshark: {msgs:?}", file.display(), n + 1));
            }
            n += 1;
        }
        assert_eq!(n, clean.len(), "{}: frame count differs from tshark", file.display());
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}
