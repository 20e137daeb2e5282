//! Display filters select the same frames as tshark's.
//!
//! Every capture in `../shared/captures` and `corpus/` is joined into one file (`mergecap -a`,
//! so tshark starts once per filter rather than once per filter and file); for each filter below,
//! the frame numbers `tshark -Y F -T fields -e frame.number` prints must be exactly the frames
//! our compiled filter passes. tshark runs with the prefs of the field agreement test (checksums
//! verified, SCTP association indices on). The filters cover presence, every comparison
//! operator, sets with ranges, slices, CIDR, strings, `contains`, `matches`, protocol names, and
//! `!=` against `!(==)` on repeated fields (`ip.addr`, `tcp.port`). The CLI is checked too:
//! `dissect -Y` and `dissect -2 -R` against tshark on corpus files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::filter::Filter;

const FILTERS: &[&str] = &[
    "frame.len > 200",
    "frame.cap_len < frame.len",
    "frame.time_relative > 0.5",
    "frame.number in {1..5, 100..110, 2000}",
    "eth",
    "eth.type == 0x86dd",
    "eth.addr == ff:ff:ff:ff:ff:ff",
    "eth.dst[0:1] == 01 || eth.src[0] == 00",
    "not ip and not ipv6",
    "ip",
    "ip.addr == 10.0.0.0/8",
    "ip.src == 192.168.0.0/16 || ip.dst == 172.16.0.0/12",
    "ip.addr != 127.0.0.1",
    "!(ip.addr == 127.0.0.1)",
    "ip.addr ~= 127.0.0.1",
    "ip.ttl in {1..63, 255}",
    "ip.flags.df == 1 && ip.proto == 6",
    "ip.proto in {6, 17, 132} && ip.ttl le 64",
    "ip.src[2:2] == 00:01 or ip.dst[-1] == 01",
    "ipv6",
    "ipv6.addr == fe80::/10",
    "ipv6.nxt == 58 || ipv6.hlim >= 255",
    "icmp || icmpv6",
    "tcp",
    "tcp.port == 443",
    "tcp.port != 443",
    "tcp.port ~= 443",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.flags == 0x012",
    "tcp.srcport < tcp.dstport",
    "tcp.payload contains \"HTTP\"",
    "tcp.payload matches \"^(get|post) \"",
    "tcp.payload[0:4] == 16:03:01:00 || tcp.payload[0:2] == 16:03",
    "tcp.window_size_value < 1000 && !(tcp.len == 0)",
    "udp",
    "udp.port in {53, 5353, 9899}",
    "udp.length > 100",
    "sctp",
    "sctp && !tcp && !udp",
    "sctp.chunk_type in {1, 2}",
    "sctp.chunk_type != 0",
    "sctp.port == 5000 or sctp.verification_tag == 0",
    "sctp.data_payload_proto_id > 0",
];

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

fn mergecap() -> bool {
    let ok = Command::new("mergecap").arg("-v").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        common::skip("mergecap");
    }
    ok
}

/// One file holding every capture, one after the other.
fn merged(files: &[PathBuf]) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("filter-agreement-all.pcapng");
    let st = Command::new("mergecap")
        .args(["-F", "pcapng", "-a", "-w"])
        .arg(&out)
        .args(files)
        .output()
        .expect("run mergecap");
    assert!(st.status.success(), "mergecap: {}", String::from_utf8_lossy(&st.stderr));
    out
}

fn tshark_frames(file: &Path, filter: &str, extra: &[&str]) -> Vec<u64> {
    let out = Command::new("tshark")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(TSHARK_PREFS)
        .args(extra)
        .args(["-Y", filter, "-T", "fields", "-e", "frame.number"])
        .output()
        .expect("run tshark");
    assert!(out.status.success(), "tshark -Y {filter:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect()
}

/// Frames passing each filter, in one pass over the file.
fn our_frames(file: &Path, filters: &[Filter]) -> Vec<Vec<u64>> {
    let mut res = vec![Vec::new(); filters.len()];
    let mut d = Dissector::new(Config::default());
    for frame in CaptureReader::open(file.to_str().unwrap()).expect("open") {
        let p = d.dissect(frame.expect("frame"));
        for (f, r) in filters.iter().zip(res.iter_mut()) {
            if f.matches(&p) {
                r.push(p.number);
            }
        }
    }
    res
}

fn diff(a: &[u64], b: &[u64]) -> String {
    let only_a: Vec<_> = a.iter().filter(|x| !b.contains(x)).take(8).collect();
    let only_b: Vec<_> = b.iter().filter(|x| !a.contains(x)).take(8).collect();
    format!("tshark only {only_a:?}, ours only {only_b:?}")
}

#[test]
fn filters_select_the_frames_tshark_selects() {
    if !common::tshark() || !mergecap() {
        return;
    }
    let mut files = Vec::new();
    if let Some(dir) = common::shared_captures() {
        files.extend(common::captures_in(&dir));
    }
    files.extend(common::captures_in(&common::root().join("corpus")));
    assert!(files.len() >= 9, "too few captures: {files:?}");
    let all = merged(&files);
    let compiled: Vec<Filter> =
        FILTERS.iter().map(|f| Filter::compile(f).unwrap_or_else(|e| panic!("{f}: {e}"))).collect();
    let ours = our_frames(&all, &compiled);
    // tshark starts slowly: two at a time.
    let theirs: Vec<Vec<u64>> = std::thread::scope(|s| {
        let (a, b) = FILTERS.split_at(FILTERS.len() / 2);
        let ha = s.spawn(|| a.iter().map(|f| tshark_frames(&all, f, &[])).collect::<Vec<_>>());
        let hb = s.spawn(|| b.iter().map(|f| tshark_frames(&all, f, &[])).collect::<Vec<_>>());
        let mut v = ha.join().expect("thread");
        v.extend(hb.join().expect("thread"));
        v
    });
    let mut report = Vec::new();
    let mut nonempty = 0;
    for ((f, t), o) in FILTERS.iter().zip(&theirs).zip(&ours) {
        if t != o {
            report.push(format!("{f:?}: tshark {} frames, ours {}: {}", t.len(), o.len(), diff(t, o)));
        }
        nonempty += usize::from(!t.is_empty());
    }
    assert!(report.is_empty(), "{} filters disagree with tshark:\n{}", report.len(), report.join("\n"));
    // A filter that selects nothing anywhere tests little: most must select something.
    assert!(nonempty + 6 >= FILTERS.len(), "only {nonempty} of {} filters select any frame", FILTERS.len());
}

fn dissect_frames(args: &[&str]) -> Vec<u64> {
    let out = Command::new(env!("CARGO_BIN_EXE_dissect")).args(args).output().expect("run dissect");
    assert!(out.status.success(), "dissect {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect()
}

/// `dissect -Y` and `dissect -2 -R` (dropped frames are gone from the second pass, the others
/// numbered anew) print what tshark prints.
#[test]
fn cli_display_and_read_filters_agree_with_tshark() {
    if !common::tshark() {
        return;
    }
    let corpus = common::root().join("corpus");
    for (file, filter) in [
        ("tcp-basic.pcapng", "tcp.len > 0"),
        ("tcp-reorder.pcapng", "tcp.srcport > 1024 && tcp.len > 0"),
        ("sctp-assoc.pcapng", "sctp.chunk_type == 0"),
        ("ipv6-frag.pcapng", "ipv6.addr == 2001:db8::/32 && udp"),
    ] {
        let path = corpus.join(file);
        let p = path.to_str().unwrap();
        let want = tshark_frames(&path, filter, &[]);
        assert!(!want.is_empty(), "{file}: {filter} selects nothing");
        assert_eq!(dissect_frames(&["-r", p, "-Y", filter, "-T", "fields", "-e", "frame.number"]), want, "{file} -Y");
        // -2 -R: tshark prints the kept frames as 1..n; a -Y on top sees the new numbers.
        let out = Command::new("tshark")
            .args(["-n", "-2", "-R", filter, "-r", p])
            .args(TSHARK_PREFS)
            .args(["-T", "fields", "-e", "frame.number", "-e", "frame.time_relative", "-e", "frame.len"])
            .output()
            .expect("tshark");
        let want = String::from_utf8_lossy(&out.stdout).into_owned();
        let ours = Command::new(env!("CARGO_BIN_EXE_dissect"))
            .args(["-2", "-R", filter, "-r", p])
            .args(["-T", "fields", "-e", "frame.number", "-e", "frame.time_relative", "-e", "frame.len"])
            .output()
            .expect("dissect");
        assert_eq!(String::from_utf8_lossy(&ours.stdout), want, "{file} -2 -R {filter}");
    }
}
