//! The pcap and pcapng writers, read back by the dissector's `CaptureReader` and by tshark.

mod common;

use std::io::Cursor;

use dissect::capture::{CaptureReader, Frame};
use fuzzgen::pcap::{PcapNgWriter, PcapWriter, Timestamp, TSRESOL_NSEC, TSRESOL_USEC};

/// What a test wrote: (interface, linktype, sec, nsec as stored, data, orig_len, comment).
type Written = Vec<(u32, u32, u64, u32, Vec<u8>, u32, Option<&'static str>)>;

fn payload(n: usize, k: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(7).wrapping_add(k)).collect()
}

fn pcap_file(nanos: bool) -> (Vec<u8>, Written) {
    let mut w = PcapWriter::new(Vec::new(), 101, nanos).unwrap();
    let mut want = Vec::new();
    for (i, (sec, nsec, len, orig)) in [
        (1_600_000_000u32, 123_456_789u32, 40usize, 40u32),
        (1_600_000_001, 999_999_999, 60, 1500),
        (1_600_000_001, 0, 0, 0),
    ]
    .into_iter()
    .enumerate()
    {
        let d = payload(len, i as u8);
        w.write_packet(sec, nsec, &d, orig).unwrap();
        let stored = if nanos { nsec } else { nsec / 1000 * 1000 };
        want.push((0, 101, u64::from(sec), stored, d, orig, None));
    }
    (w.into_inner().unwrap(), want)
}

fn pcapng_file() -> (Vec<u8>, Written) {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let e = w.add_interface(1, TSRESOL_USEC).unwrap();
    let s = w.add_interface(113, TSRESOL_NSEC).unwrap();
    let n = w.add_interface_with(0, TSRESOL_NSEC, 128, Some("lo0")).unwrap();
    let rows = [
        (e, 1, 1_700_000_000u64, 5_000_000u32, 60usize, 60u32, Some("a comment")),
        (s, 113, 1_700_000_000, 5_000_001, 45, 45, None),
        (n, 0, 1_700_000_001, 7, 128, 400, Some("cut at the snap length: 128 of 400 bytes")),
        (e, 1, 1_700_000_002, 999_999_999, 3, 3, None),
    ];
    let mut want = Vec::new();
    for (k, (i, lt, sec, nsec, len, orig, c)) in rows.into_iter().enumerate() {
        let d = payload(len, k as u8);
        w.write_packet(i, Timestamp::new(sec, nsec), &d, orig, c).unwrap();
        let stored = if i == e { nsec / 1000 * 1000 } else { nsec };
        want.push((i, lt, sec, stored, d, orig, c));
    }
    (w.into_inner().unwrap(), want)
}

fn check_reader(bytes: Vec<u8>, want: &Written, format: &str) {
    let mut r = CaptureReader::new(Box::new(Cursor::new(bytes))).expect("a capture");
    assert_eq!(r.format(), format);
    let mut got: Vec<Frame> = Vec::new();
    for f in r.by_ref() {
        got.push(f.expect("every frame reads"));
    }
    assert_eq!(got.len(), want.len(), "frame count");
    for (k, (f, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(f.number, k as u64 + 1);
        assert_eq!(f.interface, w.0, "frame {}", k + 1);
        assert_eq!(f.linktype, w.1, "frame {}", k + 1);
        assert_eq!(f.ts_sec, w.2 as i64, "frame {}", k + 1);
        assert_eq!(f.ts_nsec, w.3, "frame {}", k + 1);
        assert_eq!(f.data, w.4, "frame {}", k + 1);
        assert_eq!(f.orig_len, w.5, "frame {}", k + 1);
        let comments: Vec<&str> = w.6.into_iter().collect();
        assert_eq!(f.comments, comments, "frame {}", k + 1);
    }
}

#[test]
fn pcap_micro_and_nano_read_back() {
    for nanos in [false, true] {
        let (bytes, want) = pcap_file(nanos);
        check_reader(bytes, &want, "pcap");
    }
}

#[test]
fn pcapng_interfaces_and_comments_read_back() {
    let (bytes, want) = pcapng_file();
    check_reader(bytes, &want, "pcapng");
}

#[test]
fn pcapng_second_section_read_back() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let a = w.add_interface(1, TSRESOL_USEC).unwrap();
    w.write_packet(a, Timestamp::new(10, 1000), &[1; 20], 20, None).unwrap();
    w.new_section().unwrap();
    let b = w.add_interface(101, TSRESOL_NSEC).unwrap();
    assert_eq!(b, 0, "interface ids restart in a new section");
    w.write_packet(b, Timestamp::new(11, 5), &[0x45; 20], 20, None).unwrap();
    let want: Written = vec![(0, 1, 10, 1000, vec![1; 20], 20, None), (0, 101, 11, 5, vec![0x45; 20], 20, None)];
    check_reader(w.into_inner().unwrap(), &want, "pcapng");
}

/// tshark's view: frame.interface_id, frame.time_epoch, frame.len, frame.cap_len, frame.comment.
fn tshark_rows(bytes: &[u8], name: &str) -> Vec<String> {
    let p = common::temp_path(name);
    std::fs::write(&p, bytes).unwrap();
    let out = common::run_tshark(&[
        "-r",
        p.to_str().unwrap(),
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        "frame.interface_id",
        "-e",
        "frame.time_epoch",
        "-e",
        "frame.len",
        "-e",
        "frame.cap_len",
        "-e",
        "frame.comment",
    ]);
    out.lines().map(str::to_string).collect()
}

fn expected_rows(want: &Written, pcapng: bool) -> Vec<String> {
    want.iter()
        .map(|w| {
            // tshark 4.0 shows no interface id for pcap files
            let iface = if pcapng { w.0.to_string() } else { String::new() };
            format!("{}|{}.{:09}|{}|{}|{}", iface, w.2, w.3, w.5, w.4.len(), w.6.unwrap_or(""))
        })
        .collect()
}

#[test]
fn tshark_reads_what_we_write() {
    if !common::tshark() {
        return;
    }
    for nanos in [false, true] {
        let (bytes, want) = pcap_file(nanos);
        assert_eq!(tshark_rows(&bytes, &format!("w-{nanos}.pcap")), expected_rows(&want, false), "pcap nanos={nanos}");
    }
    let (bytes, want) = pcapng_file();
    assert_eq!(tshark_rows(&bytes, "w.pcapng"), expected_rows(&want, true));
    // and tshark agrees on the link types
    let p = common::temp_path("w2.pcapng");
    std::fs::write(&p, &bytes).unwrap();
    let out = common::run_tshark(&["-r", p.to_str().unwrap(), "-T", "fields", "-e", "frame.encap_type"]);
    // WTAP_ENCAP numbers: 1 Ethernet, 25 Linux cooked, 15 NULL
    assert_eq!(out.lines().collect::<Vec<_>>(), vec!["1", "25", "15", "1"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any frames written to pcapng come back from the reader unchanged (timestamps at the
    /// interface's resolution).
    #[test]
    fn pcapng_round_trip(
        frames in proptest::collection::vec(
            (0u32..3, 0u64..4_000_000_000, 0u32..1_000_000_000, proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), 0u32..100, proptest::option::of("[a-z ]{0,40}")),
            0..20),
    ) {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        let res = [TSRESOL_USEC, TSRESOL_NSEC, 0x80 | 20];
        for (k, r) in res.iter().enumerate() {
            w.add_interface(k as u32 + 1, *r).unwrap();
        }
        for (i, sec, nsec, data, extra, c) in &frames {
            w.write_packet(*i, Timestamp::new(*sec, *nsec), data, data.len() as u32 + extra, c.as_deref()).unwrap();
        }
        let r = CaptureReader::new(Box::new(Cursor::new(w.into_inner().unwrap()))).unwrap();
        let got: Vec<Frame> = r.map(|f| f.unwrap()).collect();
        proptest::prop_assert_eq!(got.len(), frames.len());
        for (g, (i, sec, nsec, data, extra, c)) in got.iter().zip(&frames) {
            proptest::prop_assert_eq!(g.interface, *i);
            proptest::prop_assert_eq!(g.linktype, *i + 1);
            proptest::prop_assert_eq!(g.ts_sec, *sec as i64);
            let want_nsec = match *i {
                0 => nsec / 1000 * 1000,
                1 => *nsec,
                // 2^-20 s units: the reader rounds down to whole nanoseconds
                _ => {
                    let units = (u64::from(*nsec) << 20) / 1_000_000_000;
                    ((units * 1_000_000_000) >> 20) as u32
                }
            };
            proptest::prop_assert!(g.ts_nsec.abs_diff(want_nsec) <= 1, "nsec {} vs {}", g.ts_nsec, want_nsec);
            proptest::prop_assert_eq!(&g.data, data);
            proptest::prop_assert_eq!(g.orig_len, data.len() as u32 + extra);
            let want_c: Vec<String> = c.iter().cloned().collect();
            proptest::prop_assert_eq!(&g.comments, &want_c);
        }
    }
}
