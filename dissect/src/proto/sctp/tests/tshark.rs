//! The SCTP layer against tshark 4.0 on every real capture: every `sctp.*` field tshark also
//! defines, the Info column (where no application layer rewrote it), and malformed marks.
//! tshark runs with `-o sctp.checksum:Automatic -o sctp.association_index:TRUE` (the settings
//! under which its checksum status and association index are comparable with ours).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

/// Where we differ from tshark on purpose: (file, frame, field or "*"), and why.
const KNOWN: &[(&str, u64, &str, &str)] = &[(
    "sctp-www.cap",
    65,
    "sctp.assoc_index",
    "tshark's GIF dissector throws inside the reassembled message and the exception unwinds \
     through the SCTP layer, which then never adds its association index",
)];

const PREFS: &[&str] = &["-o", "sctp.checksum:Automatic", "-o", "sctp.association_index:TRUE"];

fn tshark_field_names() -> HashSet<String> {
    let out = Command::new("tshark").args(["-G", "fields"]).output().expect("tshark -G fields");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let v: Vec<&str> = l.split('\t').collect();
            (v.first() == Some(&"F")).then(|| v.get(2).map(|s| s.to_string())).flatten()
        })
        .collect()
}

pub(crate) fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("pcap" | "pcapng" | "cap")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// tshark's values per frame number: field -> value.
fn run_tshark(file: &Path, fields: &[String]) -> BTreeMap<u64, BTreeMap<String, String>> {
    let mut res: BTreeMap<u64, BTreeMap<String, String>> = BTreeMap::new();
    for chunk in fields.chunks(90) {
        let mut cmd = Command::new("tshark");
        cmd.arg("-n").arg("-r").arg(file).args(PREFS).args(["-T", "fields", "-e", "frame.number"]);
        for f in chunk {
            cmd.args(["-e", f]);
        }
        let out = cmd.output().expect("run tshark");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: Vec<&str> = line.split('\t').collect();
            let Some(n) = v.first().and_then(|s| s.parse::<u64>().ok()) else { continue };
            let m = res.entry(n).or_default();
            for (i, f) in chunk.iter().enumerate() {
                m.insert(f.clone(), v.get(i + 1).copied().unwrap_or("").to_string());
            }
        }
    }
    res
}

/// Compare one capture; returns the disagreements.
pub(crate) fn compare_file(file: &Path, fields: &[String]) -> (usize, Vec<String>) {
    let frames = sctp_frames(file);
    if frames.is_empty() {
        return (0, Vec::new());
    }
    let packets = dissect_frames(&frames, &Config::default());
    compare_packets(file, fields, &packets)
}

/// Compare our packets (those with an SCTP layer count) with tshark on the same file.
pub(crate) fn compare_packets(file: &Path, fields: &[String], packets: &[Packet]) -> (usize, Vec<String>) {
    let packets: Vec<&Packet> = packets.iter().filter(|p| p.layers.iter().any(|l| l.def.abbrev == "sctp")).collect();
    if packets.is_empty() {
        return (0, Vec::new());
    }
    let mut all: Vec<String> = fields.to_vec();
    all.extend(["_ws.col.Info".to_string(), "frame.protocols".to_string(), "_ws.malformed".to_string()]);
    let theirs = run_tshark(file, &all);
    let mut report = Vec::new();
    let name = file.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    for &p in &packets {
        let Some(t) = theirs.get(&p.number) else {
            report.push(format!("{name} frame {}: tshark has no such frame", p.number));
            continue;
        };
        let protos = t.get("frame.protocols").cloned().unwrap_or_default();
        if !protos.split(':').any(|x| x == "sctp") {
            continue;
        }
        for f in fields {
            let ours = fv(p, f);
            let want = t.get(f).cloned().unwrap_or_default();
            let known = KNOWN.iter().any(|(kf, kn, kfield, _)| *kf == name && *kn == p.number && *kfield == f.as_str());
            if ours != want && !known {
                report.push(format!("{name} frame {}: {f}: tshark {want:?}, ours {ours:?}", p.number));
            }
        }
        // Info: only where nothing above SCTP but data rewrote it, in tshark or here (we decode
        // ForCES, SIMCO and GIST where tshark 4.0 shows data).
        let ours_protos: Vec<&str> = p.layers.iter().map(|l| l.def.abbrev).collect();
        let ours_protos = ours_protos.join(":");
        let data_only = |ps: &str| ps.split(':').skip_while(|x| *x != "sctp").skip(1).all(|x| x == "data");
        if data_only(&protos) && data_only(&ours_protos) {
            let want = t.get("_ws.col.Info").cloned().unwrap_or_default();
            if p.summary.info != want {
                report.push(format!("{name} frame {}: Info: tshark {want:?}, ours {:?}", p.number, p.summary.info));
            }
        }
        let t_mal = t.get("_ws.malformed").is_some_and(|s| s.contains("Malformed Packet: SCTP"));
        if t_mal != p.malformed {
            report.push(format!("{name} frame {}: malformed: tshark {t_mal}, ours {}", p.number, p.malformed));
        }
    }
    (packets.len(), report)
}

pub(crate) fn comparable_fields() -> Vec<String> {
    let theirs = tshark_field_names();
    hf::ALL
        .iter()
        .filter(|d| d.ftype != crate::tree::FieldType::Protocol)
        .map(|d| d.abbrev.to_string())
        .filter(|a| theirs.contains(a))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn fields_agree_with_tshark_on_real_captures() {
    let Some(dir) = shared_captures() else { return };
    if !tshark_available() {
        return;
    }
    let fields = comparable_fields();
    assert!(fields.len() > 100, "too few comparable fields: {}", fields.len());
    let mut report = Vec::new();
    let mut packets = 0;
    for file in captures(&dir) {
        let (n, r) = compare_file(&file, &fields);
        packets += n;
        report.extend(r);
    }
    assert!(packets > 2000, "only {packets} SCTP packets found");
    if !report.is_empty() {
        let n = report.len();
        report.truncate(80);
        panic!("{n} disagreements with tshark (first 80):\n{}", report.join("\n"));
    }
}

/// `-V` lines of the SCTP layers of every frame (our writer), for comparing labels with tshark.
#[cfg(test)]
pub(crate) fn our_v_lines(file: &Path) -> BTreeMap<u64, Vec<String>> {
    let frames = sctp_frames(file);
    let packets = dissect_frames(&frames, &Config::default());
    let mut out = BTreeMap::new();
    for p in &packets {
        let mut buf = Vec::new();
        let q = crate::tree::Packet {
            layers: p.layers.iter().filter(|l| l.def.abbrev == "sctp").cloned().collect(),
            ..p.clone()
        };
        crate::output::text::write_tree(&mut buf, &q).unwrap();
        out.insert(p.number, String::from_utf8_lossy(&buf).lines().map(str::to_string).collect());
    }
    out
}

/// tshark's `-V` lines of the SCTP layers per frame.
#[cfg(test)]
pub(crate) fn tshark_v_lines(file: &Path) -> BTreeMap<u64, Vec<String>> {
    let out = Command::new("tshark").arg("-n").arg("-r").arg(file).args(PREFS).arg("-V").output().expect("tshark -V");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut res: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut frame = 0u64;
    let mut inside = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Frame ") {
            frame = rest.split(':').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            inside = false;
            continue;
        }
        if !line.starts_with(' ') {
            inside = line.starts_with("Stream Control Transmission Protocol");
        }
        if inside {
            res.entry(frame).or_default().push(line.to_string());
        }
    }
    res
}

#[test]
#[ignore = "a report for reading, not a check: cargo test -- --ignored v_output_report"]
fn v_output_report() {
    let Some(dir) = shared_captures() else { return };
    let mut shown = 0;
    for file in captures(&dir) {
        let ours = our_v_lines(&file);
        if ours.is_empty() {
            continue;
        }
        let theirs = tshark_v_lines(&file);
        for (n, o) in &ours {
            // Leave out what other modules decide: long byte values (tshark shows 36 bytes),
            // expert sub-lines, and our own expert infos.
            let norm = |v: &[String]| -> Vec<String> {
                v.iter()
                    .filter(|l| {
                        let s = l.trim_start();
                        !(s.starts_with("[Message: ")
                            || s.starts_with("[Severity level")
                            || s.starts_with("[Group:")
                            || s.contains("(RFC "))
                    })
                    .filter(|l| !l.trim_start().starts_with('[') || !l.contains("Expert Info") || !l.contains("RFC"))
                    .map(|l| match l.find('…') {
                        Some(i) => l[..i.min(l.len())].chars().take(60).collect(),
                        None if l.len() > 60 && l.contains(": ") => l.chars().take(60).collect(),
                        None => l.clone(),
                    })
                    .collect()
            };
            let t = theirs.get(n).cloned().unwrap_or_default();
            let t2: Vec<String> = norm(&t)
                .into_iter()
                .filter(|l| {
                    !l.trim_start().starts_with('[') || !l.ends_with(']') || l.contains("Expert") || l.contains(": ")
                })
                .collect();
            let (o, t) = (norm(o), t2);
            if t != o && shown < 60 {
                shown += 1;
                let i = o.iter().zip(&t).position(|(a, b)| a != b).unwrap_or(o.len().min(t.len()));
                println!("{} frame {n} line {i}:\n  ours:   {:?}\n  tshark: {:?}", file.display(), o.get(i), t.get(i));
            }
        }
    }
}
