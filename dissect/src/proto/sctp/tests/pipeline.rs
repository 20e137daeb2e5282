//! The SCTP layer inside the whole pipeline: every real capture read with
//! `crate::capture::CaptureReader` and dissected by `crate::engine::Dissector`. No panic on any
//! frame; and wherever the link and IP layers hand a packet to SCTP, its fields, Info and
//! malformed marks agree with tshark's (with tshark, when it is installed).

use super::tshark::{captures, comparable_fields, compare_packets};
use super::*;
use crate::capture::CaptureReader;
use crate::engine::Dissector;

fn run(file: &Path) -> Vec<Packet> {
    let Ok(reader) = CaptureReader::open(&file.to_string_lossy()) else { return Vec::new() };
    let mut d = Dissector::new(Config::default());
    let mut out = Vec::new();
    for frame in reader {
        let Ok(frame) = frame else { break };
        out.push(d.dissect(frame));
    }
    out
}

#[test]
fn real_captures_through_the_pipeline() {
    let Some(dir) = shared_captures() else { return };
    let with_tshark = tshark_available();
    let fields = if with_tshark { comparable_fields() } else { Vec::new() };
    let mut sctp_packets = 0;
    let mut report = Vec::new();
    for file in captures(&dir) {
        let packets = run(&file);
        let n = packets.iter().filter(|p| p.layers.iter().any(|l| l.def.abbrev == "sctp")).count();
        sctp_packets += n;
        if n > 0 && with_tshark {
            report.extend(compare_packets(&file, &fields, &packets).1);
        }
    }
    eprintln!("{sctp_packets} frames reached the SCTP layer through the pipeline");
    if sctp_packets == 0 {
        eprintln!(
            "\n*** NOTE: no frame reached the SCTP layer through the pipeline (link/IP layers not there yet?) ***\n"
        );
    }
    if !report.is_empty() {
        let n = report.len();
        report.truncate(60);
        panic!("{n} disagreements with tshark through the pipeline (first 60):\n{}", report.join("\n"));
    }
}
