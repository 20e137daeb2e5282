//! SEQ/ACK analysis against tshark: literal segment sequences, one per group of analysis
//! flags, and the values tshark 4.0.17 printed (`-T fields`) for a capture of the same
//! segments (Ethernet, 10.0.0.1:40001 <-> 10.0.0.2:40002, timestamps 1000 s + `t`).
//! Each row is `tcp.stream`, `acks_frame`, `ack_rtt`, `initial_rtt`, `bytes_in_flight`,
//! `push_bytes_sent`, `duplicate_ack_num`, `duplicate_ack_frame`, `rto_frame`, then the
//! analysis flags present (field names after `tcp.analysis.`).

use crate::capture::{linktype, Frame};
use crate::engine::{Config, Dissector};
use crate::tree::{field_value, Packet};

struct Seg {
    t: f64,
    /// From 10.0.0.1:40001 (else the reverse).
    a: bool,
    flags: &'static str,
    seq: u32,
    ack: u32,
    win: u16,
    len: usize,
    opts: &'static [u8],
}

type Case = (&'static str, &'static [Seg], &'static [[&'static str; 10]]);

const FLAGS: [&str; 15] = [
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "out_of_order",
    "lost_segment",
    "ack_lost_segment",
    "window_update",
    "window_full",
    "keep_alive",
    "keep_alive_ack",
    "zero_window_probe",
    "zero_window",
    "zero_window_probe_ack",
    "duplicate_ack",
    "reused_ports",
];

const VALUES: [&str; 9] = [
    "tcp.stream",
    "tcp.analysis.acks_frame",
    "tcp.analysis.ack_rtt",
    "tcp.analysis.initial_rtt",
    "tcp.analysis.bytes_in_flight",
    "tcp.analysis.push_bytes_sent",
    "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.rto_frame",
];

/// Ethernet + IPv4 + TCP, as the script that made the tshark capture wrote them.
fn frame(n: usize, s: &Seg) -> Frame {
    let (src, dst, sp, dp) = if s.a {
        ([10, 0, 0, 1], [10, 0, 0, 2], 40001u16, 40002u16)
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1], 40002, 40001)
    };
    let mut opts = s.opts.to_vec();
    while opts.len() % 4 != 0 {
        opts.push(1);
    }
    let hl = 20 + opts.len();
    let mut flags = 0u8;
    for c in s.flags.chars() {
        flags |= match c {
            'F' => 1,
            'S' => 2,
            'R' => 4,
            'P' => 8,
            'A' => 16,
            _ => 0,
        };
    }
    let mut tcp = Vec::new();
    tcp.extend_from_slice(&sp.to_be_bytes());
    tcp.extend_from_slice(&dp.to_be_bytes());
    tcp.extend_from_slice(&s.seq.to_be_bytes());
    tcp.extend_from_slice(&s.ack.to_be_bytes());
    tcp.push((hl as u8 / 4) << 4);
    tcp.push(flags);
    tcp.extend_from_slice(&s.win.to_be_bytes());
    tcp.extend_from_slice(&[0, 0, 0, 0]);
    tcp.extend_from_slice(&opts);
    tcp.extend((0..s.len).map(|j| (j * 7) as u8));
    let total = (20 + tcp.len()) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&(n as u16).to_be_bytes());
    ip.extend_from_slice(&[0x40, 0, 64, 6, 0, 0]);
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let mut data = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    data.extend_from_slice(&ip);
    data.extend_from_slice(&tcp);
    let tn = ((s.t + 1000.0) * 1e9).round() as i128;
    Frame {
        number: n as u64,
        ts_sec: (tn / 1_000_000_000) as i64,
        ts_nsec: (tn % 1_000_000_000) as u32,
        linktype: linktype::ETHERNET,
        interface: 0,
        orig_len: data.len() as u32,
        data,
        ..Frame::default()
    }
}

fn val(p: &Packet, abbrev: &str) -> String {
    p.values(abbrev).iter().map(|n| field_value(n.def, &n.value)).collect::<Vec<_>>().join(",")
}

const CASES: &[Case] = &[
    // handshake_rtt_bif_zero_window_keepalive: expected values printed by tshark 4.0.17 on the same segments.
    (
        "handshake_rtt_bif_zero_window_keepalive",
        &[
            Seg { t: 0.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.01_f64, a: false, flags: "SA", seq: 5000, ack: 1001, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.02_f64, a: true, flags: "A", seq: 1001, ack: 5001, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.03_f64, a: true, flags: "PA", seq: 1001, ack: 5001, win: 65535, len: 10, opts: &[] },
            Seg { t: 1.04_f64, a: false, flags: "A", seq: 5001, ack: 1011, win: 0, len: 0, opts: &[] },
            Seg { t: 1.05_f64, a: true, flags: "A", seq: 1011, ack: 5001, win: 65535, len: 1, opts: &[] },
            Seg { t: 1.06_f64, a: false, flags: "A", seq: 5001, ack: 1011, win: 0, len: 0, opts: &[] },
            Seg { t: 2.0_f64, a: true, flags: "A", seq: 1010, ack: 5001, win: 65535, len: 1, opts: &[] },
            Seg { t: 2.01_f64, a: false, flags: "A", seq: 5001, ack: 1011, win: 512, len: 0, opts: &[] },
            Seg { t: 2.02_f64, a: false, flags: "A", seq: 5001, ack: 1011, win: 512, len: 0, opts: &[] },
            Seg { t: 2.03_f64, a: false, flags: "A", seq: 5001, ack: 1011, win: 512, len: 0, opts: &[] },
        ],
        &[
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "", "", "", "", "", "", "", "1", "retransmission"],
            ["0", "1", "1.010000000", "", "", "", "", "", "", ""],
            ["0", "3", "0.010000000", "0.020000000", "", "", "", "", "", ""],
            ["0", "", "", "0.020000000", "10", "10", "", "", "", ""],
            ["0", "5", "0.010000000", "0.020000000", "", "", "", "", "", "zero_window"],
            ["0", "", "", "0.020000000", "1", "1", "", "", "", "zero_window_probe"],
            ["0", "", "", "0.020000000", "", "", "", "", "", "zero_window zero_window_probe_ack"],
            ["0", "", "", "0.020000000", "2", "2", "", "", "", "window_full keep_alive"],
            ["0", "9", "0.010000000", "0.020000000", "", "", "", "", "", "window_update"],
            ["0", "", "", "0.020000000", "", "", "", "", "", "keep_alive_ack"],
            ["0", "", "", "0.020000000", "", "", "", "", "", "keep_alive_ack"],
        ],
    ),
    // reused_ports_and_syn_restart: expected values printed by tshark 4.0.17 on the same segments.
    (
        "reused_ports_and_syn_restart",
        &[
            Seg { t: 0.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.1_f64, a: true, flags: "A", seq: 1101, ack: 0, win: 65535, len: 10, opts: &[] },
            Seg { t: 1.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.1_f64, a: true, flags: "A", seq: 1001, ack: 0, win: 65535, len: 10, opts: &[] },
            Seg { t: 1.2_f64, a: false, flags: "SA", seq: 5000, ack: 1001, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.3_f64, a: false, flags: "SA", seq: 7000, ack: 1001, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.4_f64, a: true, flags: "A", seq: 1011, ack: 7001, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.5_f64, a: true, flags: "S", seq: 3000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 1.6_f64, a: false, flags: "SA", seq: 9000, ack: 3001, win: 65535, len: 0, opts: &[] },
        ],
        &[
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "", "", "0.100000000", "", "", "", "", "", "lost_segment"],
            ["0", "", "", "0.100000000", "", "", "", "", "1", "retransmission"],
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "1", "1.200000000", "0.100000000", "", "", "", "", "", "reused_ports"],
            ["0", "", "", "0.100000000", "", "", "", "", "", "lost_segment reused_ports"],
            ["0", "6", "0.100000000", "0.100000000", "", "", "", "", "", "ack_lost_segment"],
            ["1", "", "", "", "", "", "", "", "", "reused_ports"],
            ["1", "8", "0.100000000", "", "", "", "", "", "", ""],
        ],
    ),
    // window_full_spurious_rto_fin: expected values printed by tshark 4.0.17 on the same segments.
    (
        "window_full_spurious_rto_fin",
        &[
            Seg { t: 0.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[3, 3, 7] },
            Seg { t: 0.1_f64, a: false, flags: "SA", seq: 5000, ack: 1001, win: 100, len: 0, opts: &[3, 3, 2] },
            Seg { t: 0.2_f64, a: true, flags: "PA", seq: 1001, ack: 5001, win: 512, len: 100, opts: &[] },
            Seg { t: 1.0_f64, a: true, flags: "A", seq: 1101, ack: 5001, win: 512, len: 10, opts: &[] },
            Seg { t: 1.0005_f64, a: true, flags: "A", seq: 1111, ack: 5001, win: 512, len: 10, opts: &[] },
            Seg { t: 1.001_f64, a: false, flags: "A", seq: 5001, ack: 1121, win: 100, len: 0, opts: &[] },
            Seg { t: 1.002_f64, a: true, flags: "A", seq: 1101, ack: 5001, win: 512, len: 10, opts: &[] },
            Seg { t: 2.0_f64, a: true, flags: "A", seq: 1121, ack: 5001, win: 512, len: 10, opts: &[] },
            Seg { t: 2.1_f64, a: true, flags: "A", seq: 1131, ack: 5001, win: 512, len: 10, opts: &[] },
            Seg { t: 3.0_f64, a: true, flags: "A", seq: 1121, ack: 5001, win: 512, len: 10, opts: &[] },
            Seg { t: 4.0_f64, a: true, flags: "FA", seq: 1141, ack: 5001, win: 512, len: 0, opts: &[] },
            Seg { t: 4.001_f64, a: true, flags: "FA", seq: 1141, ack: 5001, win: 512, len: 0, opts: &[] },
        ],
        &[
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "1", "0.100000000", "", "", "", "", "", "", ""],
            ["0", "2", "0.100000000", "0.200000000", "100", "100", "", "", "", "window_full"],
            ["0", "", "", "0.200000000", "110", "10", "", "", "", ""],
            ["0", "", "", "0.200000000", "120", "20", "", "", "", ""],
            ["0", "5", "0.000500000", "0.200000000", "", "", "", "", "", ""],
            ["0", "", "", "0.200000000", "10", "30", "", "", "", "retransmission spurious_retransmission"],
            ["0", "", "", "0.200000000", "30", "40", "", "", "", ""],
            ["0", "", "", "0.200000000", "40", "50", "", "", "", ""],
            ["0", "", "", "0.200000000", "40", "60", "", "", "7", "retransmission"],
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "", "", "0.200000000", "", "", "", "", "7", "retransmission"],
        ],
    ),
    // acked_unseen_and_dup_ack_restart: expected values printed by tshark 4.0.17 on the same segments.
    (
        "acked_unseen_and_dup_ack_restart",
        &[
            Seg { t: 0.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.1_f64, a: false, flags: "SA", seq: 5000, ack: 1001, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.2_f64, a: true, flags: "A", seq: 1001, ack: 5001, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.3_f64, a: false, flags: "PA", seq: 5001, ack: 1001, win: 65535, len: 10, opts: &[] },
            Seg { t: 0.4_f64, a: true, flags: "A", seq: 1001, ack: 5031, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.5_f64, a: false, flags: "PA", seq: 5011, ack: 1001, win: 65535, len: 10, opts: &[] },
            Seg { t: 0.6_f64, a: true, flags: "A", seq: 1001, ack: 5031, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.7_f64, a: false, flags: "PA", seq: 5021, ack: 1002, win: 65535, len: 10, opts: &[] },
            Seg { t: 0.8_f64, a: true, flags: "A", seq: 1001, ack: 5031, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.9_f64, a: true, flags: "A", seq: 1001, ack: 5041, win: 65535, len: 0, opts: &[] },
        ],
        &[
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "1", "0.100000000", "", "", "", "", "", "", ""],
            ["0", "2", "0.100000000", "0.200000000", "", "", "", "", "", ""],
            ["0", "", "", "0.200000000", "10", "10", "", "", "", ""],
            ["0", "", "", "0.200000000", "", "", "", "", "", "ack_lost_segment"],
            ["0", "", "", "0.200000000", "10", "10", "", "", "", "retransmission spurious_retransmission"],
            ["0", "", "", "0.200000000", "", "", "1", "5", "", "duplicate_ack"],
            ["0", "", "", "0.200000000", "10", "10", "", "", "", "retransmission spurious_retransmission"],
            ["0", "8", "0.100000000", "0.200000000", "", "", "1", "5", "", "duplicate_ack"],
            ["0", "", "", "0.200000000", "", "", "", "", "", "ack_lost_segment"],
        ],
    ),
    // fast_retransmission_ooo_sack: expected values printed by tshark 4.0.17 on the same segments.
    (
        "fast_retransmission_ooo_sack",
        &[
            Seg { t: 0.0_f64, a: true, flags: "S", seq: 1000, ack: 0, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.01_f64, a: false, flags: "SA", seq: 5000, ack: 1001, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.02_f64, a: true, flags: "A", seq: 1001, ack: 5001, win: 65535, len: 0, opts: &[] },
            Seg { t: 0.1_f64, a: true, flags: "A", seq: 1001, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.101_f64, a: true, flags: "A", seq: 1101, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.102_f64, a: true, flags: "PA", seq: 1201, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.103_f64, a: true, flags: "A", seq: 1301, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.11_f64, a: false, flags: "A", seq: 5001, ack: 1101, win: 65535, len: 0, opts: &[] },
            Seg {
                t: 0.111_f64,
                a: false,
                flags: "A",
                seq: 5001,
                ack: 1101,
                win: 65535,
                len: 0,
                opts: &[1, 1, 5, 10, 0, 0, 4, 177, 0, 0, 5, 21],
            },
            Seg {
                t: 0.112_f64,
                a: false,
                flags: "A",
                seq: 5001,
                ack: 1101,
                win: 65535,
                len: 0,
                opts: &[1, 1, 5, 10, 0, 0, 4, 177, 0, 0, 5, 121],
            },
            Seg {
                t: 0.113_f64,
                a: false,
                flags: "A",
                seq: 5001,
                ack: 1101,
                win: 65535,
                len: 0,
                opts: &[1, 1, 5, 10, 0, 0, 4, 177, 0, 0, 5, 121],
            },
            Seg { t: 0.12_f64, a: true, flags: "A", seq: 1101, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.125_f64, a: true, flags: "A", seq: 1401, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.126_f64, a: true, flags: "A", seq: 1601, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.13_f64, a: true, flags: "A", seq: 1501, ack: 5001, win: 65535, len: 100, opts: &[] },
            Seg { t: 0.2_f64, a: false, flags: "A", seq: 5001, ack: 1701, win: 65535, len: 0, opts: &[] },
        ],
        &[
            ["0", "", "", "", "", "", "", "", "", ""],
            ["0", "1", "0.010000000", "", "", "", "", "", "", ""],
            ["0", "2", "0.010000000", "0.020000000", "", "", "", "", "", ""],
            ["0", "", "", "0.020000000", "100", "100", "", "", "", ""],
            ["0", "", "", "0.020000000", "200", "200", "", "", "", ""],
            ["0", "", "", "0.020000000", "300", "300", "", "", "", ""],
            ["0", "", "", "0.020000000", "400", "100", "", "", "", ""],
            ["0", "4", "0.010000000", "0.020000000", "", "", "", "", "", ""],
            ["0", "", "", "0.020000000", "", "", "1", "8", "", "duplicate_ack"],
            ["0", "", "", "0.020000000", "", "", "2", "8", "", "duplicate_ack"],
            ["0", "", "", "0.020000000", "", "", "3", "8", "", "duplicate_ack"],
            ["0", "", "", "0.020000000", "100", "200", "", "", "", "retransmission fast_retransmission"],
            ["0", "", "", "0.020000000", "200", "300", "", "", "", ""],
            ["0", "", "", "0.020000000", "", "", "", "", "", "lost_segment"],
            ["0", "", "", "0.020000000", "", "", "", "", "", "out_of_order"],
            ["0", "14", "0.074000000", "0.020000000", "", "", "", "", "", ""],
        ],
    ),
];

#[test]
fn analysis_agrees_with_tshark_on_literal_segments() {
    for (name, segs, want) in CASES {
        let mut d = Dissector::new(Config::default());
        assert_eq!(segs.len(), want.len(), "{name}");
        for (i, (s, w)) in segs.iter().zip(want.iter()).enumerate() {
            let p = d.dissect(frame(i + 1, s));
            for (k, field) in VALUES.iter().enumerate() {
                assert_eq!(val(&p, field), w[k], "{name} frame {}: {field}", i + 1);
            }
            let flags: Vec<&str> =
                FLAGS.iter().copied().filter(|f| !p.values(&format!("tcp.analysis.{f}")).is_empty()).collect();
            assert_eq!(flags.join(" "), w[9], "{name} frame {}: analysis flags", i + 1);
            // The subtree is there exactly when tshark shows something in it.
            let any = w.iter().skip(1).any(|v| !v.is_empty());
            assert_eq!(
                !p.values("tcp.analysis").is_empty(),
                any || !val(&p, "tcp.analysis.initial_rtt").is_empty(),
                "{name} frame {}",
                i + 1
            );
        }
    }
}

#[test]
fn experts_and_summary_like_tshark() {
    // handshake_rtt_bif_zero_window_keepalive, frames 8 and 9: tshark's experts (message,
    // severity, group) in tree order, and the summary notes, the last raised first.
    let cfg = || Config { check_checksums: false, ..Config::default() };
    let (_, segs, _) = CASES[0];
    let mut d = Dissector::new(cfg());
    let ps: Vec<Packet> = segs.iter().enumerate().map(|(i, s)| d.dissect(frame(i + 1, s))).collect();
    // Our own reassembly notes ("TCP stream N direction D: ... not captured") are left out.
    let experts = |p: &Packet| -> Vec<String> {
        p.experts
            .iter()
            .filter(|e| !e.message.starts_with("TCP stream "))
            .map(|e| format!("{}/{}: {}", e.severity.name(), e.group.name(), e.message))
            .collect()
    };
    assert_eq!(
        experts(&ps[7]),
        ["Warning/Sequence: TCP Zero Window segment", "Note/Sequence: ACK to a TCP Zero Window Probe"]
    );
    assert!(ps[7].summary.info.starts_with("[TCP ZeroWindowProbeAck] [TCP ZeroWindow] 40002 → 40001 [ACK]"));
    assert_eq!(
        experts(&ps[8]),
        [
            "Warning/Sequence: TCP window specified by the receiver is now completely full",
            "Note/Sequence: TCP keep-alive segment"
        ]
    );
    assert!(ps[8].summary.info.starts_with("[TCP Keep-Alive] [TCP Window Full] 40001 → 40002"));
    assert_eq!(experts(&ps[1])[1], "Note/Sequence: This frame is a (suspected) retransmission");
    assert_eq!(experts(&ps[9]), ["Chat/Sequence: TCP window update"]);
    // acked_unseen_and_dup_ack_restart, frame 7: the duplicate ACK's expert and summary.
    let (_, segs, _) = CASES[3];
    let mut d = Dissector::new(cfg());
    let ps: Vec<Packet> = segs.iter().enumerate().map(|(i, s)| d.dissect(frame(i + 1, s))).collect();
    assert_eq!(experts(&ps[6]), ["Note/Sequence: Duplicate ACK (#1)"]);
    assert!(ps[6].summary.info.starts_with("[TCP Dup ACK 5#1] "));
    assert_eq!(experts(&ps[4]), ["Warning/Sequence: ACKed segment that wasn't captured (common at capture start)"]);
    // The expert's own field is inside `_ws.expert`, as in tshark's JSON.
    let e = ps[4].values("_ws.expert")[0];
    assert_eq!(e.children[0].def.abbrev, "tcp.analysis.ack_lost_segment");
}

#[test]
fn negative_times_print_like_tshark() {
    // A reply captured before its segment (time going backwards): tshark prints -0.100000000.
    let segs = [
        Seg { t: 1.0, a: true, flags: "PA", seq: 1, ack: 1, win: 100, len: 10, opts: &[] },
        Seg { t: 0.9, a: false, flags: "A", seq: 1, ack: 11, win: 100, len: 0, opts: &[] },
    ];
    let mut d = Dissector::new(Config::default());
    let ps: Vec<Packet> = segs.iter().enumerate().map(|(i, s)| d.dissect(frame(i + 1, s))).collect();
    assert_eq!(val(&ps[1], "tcp.analysis.ack_rtt"), "-0.100000000");
    assert_eq!(val(&ps[1], "tcp.time_delta"), "-0.100000000");
}
