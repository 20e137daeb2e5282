//! The generated corpus: deterministic, reproduced byte for byte by seed 1, read by tshark
//! without malformed packets or errors, and read to the end by the dissector's reader.

mod common;

use std::io::Cursor;

use dissect::capture::CaptureReader;
use fuzzgen::corpus::{generate, readme};

const NAMES: [&str; 10] = [
    "tcp-basic.pcapng",
    "tcp-reorder.pcapng",
    "tcp-ipv6.pcapng",
    "ipv6-frag.pcapng",
    "sctp-assoc.pcapng",
    "sctp-udp-encap.pcapng",
    "sctp-ipv6.pcapng",
    "mixed-links.pcapng",
    "ctp-appendix.pcapng",
    "ctp-segmented.pcapng",
];

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(1).unwrap();
    let b = generate(1).unwrap();
    let c = generate(2).unwrap();
    assert_eq!(a.len(), b.len());
    for ((x, y), z) in a.iter().zip(&b).zip(&c) {
        assert_eq!(x.name, y.name);
        assert!(x.bytes == y.bytes, "{} differs between two runs with seed 1", x.name);
        assert!(x.bytes != z.bytes, "{} is the same for seeds 1 and 2", x.name);
        assert_eq!(x.frames, z.frames, "{}: the seed changes contents, not structure", x.name);
    }
}

#[test]
fn every_listed_file_is_generated() {
    let names: Vec<&str> = generate(1).unwrap().iter().map(|f| f.name).collect();
    for n in NAMES {
        assert!(names.contains(&n), "{n} is not generated (have {names:?})");
    }
}

#[test]
fn committed_corpus_is_seed_1() {
    let dir = common::root().join("corpus");
    let files = generate(1).unwrap();
    for f in &files {
        let p = dir.join(f.name);
        let on_disk = std::fs::read(&p).unwrap_or_else(|e| {
            panic!("{}: {e}; regenerate with `cargo run -p fuzzgen -- corpus --out corpus --seed 1`", p.display())
        });
        assert!(
            on_disk == f.bytes,
            "{} differs from what seed 1 generates; regenerate with `cargo run -p fuzzgen -- corpus --out corpus --seed 1` \
             (and review the dissector snapshots that change)",
            p.display()
        );
    }
    let text = std::fs::read_to_string(dir.join("README.md")).expect("corpus/README.md");
    assert_eq!(text, readme(1, &files), "corpus/README.md is not what seed 1 generates");
}

#[test]
fn dissect_reader_reads_every_frame() {
    for f in generate(1).unwrap() {
        let r = CaptureReader::new(Box::new(Cursor::new(f.bytes.clone()))).unwrap();
        let mut n = 0;
        for fr in r {
            let fr = fr.unwrap_or_else(|e| panic!("{}: {e}", f.name));
            assert!(!fr.is_truncated());
            n += 1;
        }
        assert_eq!(n, f.frames, "{}", f.name);
    }
}

/// Expert infos tshark reports as errors, with checksum validation switched on for every layer.
fn tshark_errors(path: &str) -> Vec<String> {
    let out = common::run_tshark(&[
        "-r",
        path,
        "-q",
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
        "-o",
        "sctp.checksum:CRC 32c",
        "-z",
        "expert,error",
    ]);
    out.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('=')).map(str::to_string).collect()
}

#[test]
fn tshark_reads_corpus_without_malformed_or_errors() {
    if !common::tshark() {
        return;
    }
    let dir = common::temp_path("corpus");
    let files = fuzzgen::corpus::write_corpus(&dir, 1).unwrap();
    for f in &files {
        let p = dir.join(f.name);
        let ps = p.to_str().unwrap();
        let malformed = common::run_tshark(&["-r", ps, "-T", "fields", "-e", "_ws.malformed"]);
        assert!(malformed.trim().is_empty(), "{}: tshark reports malformed packets:\n{malformed}", f.name);
        let count = common::run_tshark(&["-r", ps, "-T", "fields", "-e", "frame.number"]).lines().count();
        assert_eq!(count, f.frames, "{}: tshark's frame count", f.name);
        let errors = tshark_errors(ps);
        assert!(errors.is_empty(), "{}: tshark expert errors:\n{}", f.name, errors.join("\n"));
    }
}

#[test]
fn tshark_sees_the_intended_irregularities() {
    if !common::tshark() {
        return;
    }
    let dir = common::temp_path("corpus-irreg");
    fuzzgen::corpus::write_corpus(&dir, 1).unwrap();
    let p = dir.join("tcp-reorder.pcapng");
    let out = common::run_tshark(&[
        "-r",
        p.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "tcp.analysis.out_of_order",
        "-e",
        "tcp.analysis.retransmission",
        "-e",
        "tcp.analysis.lost_segment",
        "-e",
        "tcp.analysis.spurious_retransmission",
        "-E",
        "separator=|",
    ]);
    let col = |i: usize| out.lines().filter(|l| l.split('|').nth(i).is_some_and(|v| !v.is_empty())).count();
    assert!(col(0) >= 1, "no out-of-order segment:\n{out}");
    assert!(col(1) + col(3) >= 2, "fewer than two retransmissions:\n{out}");
    assert!(col(2) >= 1, "no gap:\n{out}");

    // every fragmented datagram in ipv6-frag reassembles to a UDP datagram
    let p = dir.join("ipv6-frag.pcapng");
    let out = common::run_tshark(&["-r", p.to_str().unwrap(), "-T", "fields", "-e", "udp.length", "-Y", "udp"]);
    let lens: Vec<&str> = out.lines().collect();
    assert_eq!(lens, vec!["72", "3008", "1808", "48", "2508", "72", "4008", "40", "2008"]);
    let ra = common::run_tshark(&[
        "-r",
        p.to_str().unwrap(),
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-Y",
        "ip.opt.ra || ipv6.opt.router_alert",
    ]);
    assert_eq!(ra.lines().count(), 1 + 3 + 1 + 2, "Router Alert frames:\n{ra}");

    // the SCTP association, directly over IP and over UDP: chunk types per packet (RFC 9260
    // §3.2), one SACK with a gap block, one with a duplicate TSN, three DATA chunks with U set
    let want_types = "1 2 10 11 0 3 0 0 0 3 0 0 3 0,0,0 3,0 3 0 0 3 0 0 3 4 5 4 5 7 8 14";
    for (name, udp) in [("sctp-assoc.pcapng", false), ("sctp-udp-encap.pcapng", true), ("sctp-ipv6.pcapng", false)] {
        let p = dir.join(name);
        let out = common::run_tshark(&[
            "-r",
            p.to_str().unwrap(),
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "sctp.chunk_type",
            "-e",
            "sctp.sack_gap_block_start",
            "-e",
            "sctp.sack_duplicate_tsn",
            "-e",
            "sctp.data_u_bit",
            "-e",
            "udp.srcport",
        ]);
        let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
        let types: Vec<&str> = rows.iter().map(|r| r[0]).collect();
        assert_eq!(types.join(" "), want_types, "{name}");
        assert_eq!(rows.iter().filter(|r| !r[1].is_empty()).count(), 1, "{name}: gap blocks");
        assert_eq!(rows.iter().filter(|r| !r[2].is_empty()).count(), 1, "{name}: duplicate TSNs");
        let u: usize = rows.iter().map(|r| r[3].split(',').filter(|v| *v == "1" || *v == "True").count()).sum();
        assert_eq!(u, 3, "{name}: unordered DATA chunks");
        assert!(rows.iter().all(|r| (r[4] == "9899") == udp), "{name}: UDP encapsulation on port 9899");
    }
}

/// Every IPv4 header checksum and every TCP/UDP checksum of an unfragmented packet in the corpus
/// is right, checked with etherparse (no tshark needed).
#[test]
fn corpus_checksums_are_valid() {
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};
    use std::net::IpAddr;
    let mut checked = (0, 0);
    for f in generate(1).unwrap() {
        let r = CaptureReader::new(Box::new(Cursor::new(f.bytes.clone()))).unwrap();
        for fr in r {
            let fr = fr.unwrap();
            let sliced = match fr.linktype {
                1 => SlicedPacket::from_ethernet(&fr.data),
                113 => SlicedPacket::from_linux_sll(&fr.data),
                // SLL2: a 20-byte header, then the IP packet
                276 => SlicedPacket::from_ip(&fr.data[20..]),
                0 => SlicedPacket::from_ip(&fr.data[4..]),
                101 => SlicedPacket::from_ip(&fr.data),
                lt => panic!("{}: unexpected link type {lt}", f.name),
            }
            .unwrap_or_else(|e| panic!("{} frame {}: {e}", f.name, fr.number));
            let (src, dst) = match &sliced.net {
                Some(NetSlice::Ipv4(ip)) => {
                    let h = ip.header().to_header();
                    assert_eq!(h.header_checksum, h.calc_header_checksum(), "{} frame {}", f.name, fr.number);
                    checked.0 += 1;
                    (IpAddr::from(h.source), IpAddr::from(h.destination))
                }
                Some(NetSlice::Ipv6(ip)) => {
                    let h = ip.header().to_header();
                    (IpAddr::from(h.source), IpAddr::from(h.destination))
                }
                _ => panic!("{} frame {}: no IP", f.name, fr.number),
            };
            let ok = match (&sliced.transport, src, dst) {
                (Some(TransportSlice::Tcp(t)), IpAddr::V4(s), IpAddr::V4(d)) => Some(
                    t.to_header().calc_checksum_ipv4_raw(s.octets(), d.octets(), t.payload()).ok()
                        == Some(t.checksum()),
                ),
                (Some(TransportSlice::Tcp(t)), IpAddr::V6(s), IpAddr::V6(d)) => Some(
                    t.to_header().calc_checksum_ipv6_raw(s.octets(), d.octets(), t.payload()).ok()
                        == Some(t.checksum()),
                ),
                (Some(TransportSlice::Udp(u)), IpAddr::V4(s), IpAddr::V4(d)) => Some(
                    u.to_header().calc_checksum_ipv4_raw(s.octets(), d.octets(), u.payload()).ok()
                        == Some(u.checksum()),
                ),
                (Some(TransportSlice::Udp(u)), IpAddr::V6(s), IpAddr::V6(d)) => Some(
                    u.to_header().calc_checksum_ipv6_raw(s.octets(), d.octets(), u.payload()).ok()
                        == Some(u.checksum()),
                ),
                _ => None,
            };
            if let Some(ok) = ok {
                assert!(ok, "{} frame {}: bad transport checksum", f.name, fr.number);
                checked.1 += 1;
            }
        }
    }
    assert!(checked.0 > 50 && checked.1 > 50, "too little was checked: {checked:?}");
}

/// The IPv6 files and the SLL2 and raw interfaces, as tshark decodes them.
#[test]
fn tshark_reads_ipv6_and_link_variants() {
    if !common::tshark() {
        return;
    }
    let dir = common::temp_path("corpus-variants");
    fuzzgen::corpus::write_corpus(&dir, 1).unwrap();
    let fields = |name: &str, args: &[&str]| {
        let p = dir.join(name);
        let mut a = vec!["-r", p.to_str().unwrap(), "-T", "fields", "-E", "separator=|"];
        a.extend_from_slice(args);
        common::run_tshark(&a)
    };

    // TCP over IPv6: payload lengths per frame, flags, and nothing tshark finds irregular
    let out = fields(
        "tcp-ipv6.pcapng",
        &["-e", "ipv6.src", "-e", "tcp.len", "-e", "tcp.flags.str", "-e", "tcp.analysis.flags"],
    );
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
    assert!(rows.iter().all(|r| r[0] == "2001:db8:0:10::10" || r[0] == "2001:db8:0:20::20"), "{out}");
    let lens: Vec<&str> = rows.iter().map(|r| r[1]).collect();
    assert_eq!(lens.join(" "), "0 0 0 400 0 1220 1220 560 0 20 40 1220 280 0 0 0 0 0");
    let syn_fin: Vec<&str> = rows.iter().map(|r| r[2]).filter(|f| f.contains('S') || f.contains('F')).collect();
    assert_eq!(syn_fin.len(), 4, "SYN, SYN-ACK, two FINs: {syn_fin:?}");
    assert!(rows.iter().all(|r| r[3].is_empty()), "tcp.analysis.flags set:\n{out}");

    // SCTP over IPv6: both address lists, Supported Address Types in the INIT only
    let out = fields(
        "sctp-ipv6.pcapng",
        &["-e", "sctp.chunk_type", "-e", "sctp.parameter_ipv6_address", "-e", "sctp.parameter_supported_address_type"],
    );
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
    assert_eq!(rows[0], vec!["1", "2001:db8:0:1::70,2001:db8:0:3::70", "6"]);
    assert_eq!(rows[1], vec!["2", "2001:db8:0:2::80,2001:db8:0:4::80", ""]);
    assert!(rows[2..].iter().all(|r| r[1].is_empty() && r[2].is_empty()));

    // mixed-links: six interfaces of ten frames each; SLL2 decoded as sll with its ifindex, raw
    // as raw:ip / raw:ipv6
    let out = fields("mixed-links.pcapng", &["-e", "frame.interface_id", "-e", "frame.protocols", "-e", "sll.ifindex"]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
    for id in 0..6 {
        assert_eq!(rows.iter().filter(|r| r[0] == id.to_string()).count(), 10, "interface {id}");
    }
    let sll2: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "4").collect();
    let raw: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "5").collect();
    assert!(sll2.iter().all(|r| r[1].starts_with("sll:ethertype:ip") && r[2] == "3"), "{out}");
    assert!(raw.iter().all(|r| r[1].starts_with("raw:ip")), "{out}");
    assert_eq!(raw.iter().filter(|r| r[1].starts_with("raw:ipv6:udp")).count(), 1, "{out}");
}
