//! The capture reader over the real captures in `../shared/captures`: every file reads to its end,
//! and frame counts, timestamps and lengths agree with tshark.

mod common;

use std::io::{self, Read};
use std::path::Path;
use std::process::Command;

use dissect::capture::{CaptureReader, Frame};

/// All frames of a file; panics on any error or warning.
fn read_file(path: &Path) -> (Vec<Frame>, &'static str) {
    let name = path.display().to_string();
    let mut r = CaptureReader::open(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut frames = Vec::new();
    for item in r.by_ref() {
        frames.push(item.unwrap_or_else(|e| panic!("{name}: {e}")));
    }
    assert!(r.warnings().is_empty(), "{name}: {:?}", r.warnings());
    (frames, r.format())
}

#[test]
fn every_real_capture_reads_to_the_end() {
    let Some(dir) = common::shared_captures() else { return };
    let files = common::captures_in(&dir);
    assert!(files.len() >= 30, "only {} captures under {}", files.len(), dir.display());
    for path in files {
        let (frames, _) = read_file(&path);
        assert!(!frames.is_empty(), "{}", path.display());
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f.number, i as u64 + 1, "{}", path.display());
            assert!(f.data.len() as u64 <= f.orig_len as u64, "{} frame {}", path.display(), f.number);
            assert!(f.ts_nsec < 1_000_000_000);
        }
        // Records follow each other: offsets strictly increase.
        assert!(frames.windows(2).all(|w| w[0].file_offset < w[1].file_offset), "{}", path.display());
    }
}

/// (file, format, link type, frame count, first frame, last frame), each frame as
/// (epoch seconds, nanoseconds, frame.len, frame.cap_len).
type Expected = (&'static str, &'static str, u32, usize, (i64, u32, u32, usize), (i64, u32, u32, usize));

/// Values from tshark 4.0.17: `tshark -r F -T fields -e frame.number -e frame.time_epoch
/// -e frame.len -e frame.cap_len` (first and last line); link types from the file headers
/// (`xxd -s 20 -l 4` for pcap) and `capinfos -M` (pcapng).
const EXPECTED: &[Expected] = &[
    // pcap, little-endian, microseconds, Ethernet.
    ("wireshark-wiki/sctp-www.cap", "pcap", 1, 84, (1137034844, 756614000, 106, 106), (1137034859, 213833000, 50, 50)),
    // pcap, big-endian.
    ("tcpdump/isup.pcap", "pcap", 1, 6, (1089032999, 862196000, 146, 146), (1089033016, 952114000, 86, 86)),
    ("wireshark-wiki/sctp.cap", "pcap", 1, 4, (1088696689, 784578000, 138, 138), (1088696689, 872631000, 70, 70)),
    // pcap, Linux cooked (113).
    ("tcpdump/forces1.pcap", "pcap", 113, 20, (1299154984, 260400000, 396, 396), (1299155084, 978321000, 64, 64)),
    // pcap, NULL (0).
    ("illustrated-tls12/capture.pcap", "pcap", 0, 22, (1539199544, 286001000, 88, 88), (1539199544, 291164000, 76, 76)),
    // pcapng despite its name.
    (
        "aiortc-sctp-raw/aiortc-sctp-chunks.pcap",
        "pcapng",
        1,
        17,
        (1795287840, 1000, 106, 106),
        (1795287840, 17000, 60, 60),
    ),
    // pcapng, if_tsresol 9 (nanoseconds).
    (
        "usrsctp/echo-udp-encaps-9899-lo.pcapng",
        "pcapng",
        1,
        26,
        (1795287883, 630512116, 210, 210),
        (1795287885, 628905892, 58, 58),
    ),
    // pcapng, default microseconds, NULL.
    (
        "hotplace/tls12/tls12renogotiation.pcapng",
        "pcapng",
        0,
        31,
        (1746849245, 859387000, 76, 76),
        (1746849257, 243792000, 64, 64),
    ),
];

#[test]
fn counts_timestamps_and_lengths_match_tshark_values() {
    let Some(dir) = common::shared_captures() else { return };
    for &(file, format, linktype, count, first, last) in EXPECTED {
        let (frames, got_format) = read_file(&dir.join(file));
        assert_eq!(got_format, format, "{file}");
        assert_eq!(frames.len(), count, "{file}");
        let sum = |f: &Frame| (f.ts_sec, f.ts_nsec, f.orig_len, f.data.len());
        assert_eq!(sum(&frames[0]), first, "{file} first frame");
        assert_eq!(sum(&frames[count - 1]), last, "{file} last frame");
        assert!(frames.iter().all(|f| f.linktype == linktype), "{file}");
    }
}

/// Every frame of every real capture against tshark run now (the live version of the table above).
#[test]
fn every_frame_matches_tshark() {
    let Some(dir) = common::shared_captures() else { return };
    if !common::tshark() {
        return;
    }
    for path in common::captures_in(&dir) {
        let out = Command::new("tshark")
            .arg("-r")
            .arg(&path)
            .args(["-T", "fields", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "frame.len"])
            .args(["-e", "frame.cap_len"])
            .output()
            .expect("tshark runs");
        let theirs = String::from_utf8_lossy(&out.stdout);
        let (frames, _) = read_file(&path);
        let ours: String = frames
            .iter()
            .map(|f| format!("{}\t{}.{:09}\t{}\t{}\n", f.number, f.ts_sec, f.ts_nsec, f.orig_len, f.data.len()))
            .collect();
        assert_eq!(ours, theirs, "{}", path.display());
    }
}

/// Reads of at most 7 bytes give the same frames as reading the file whole.
#[test]
fn small_reads_give_the_same_frames() {
    struct Chunks(std::fs::File);
    impl Read for Chunks {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(7);
            self.0.read(&mut out[..n])
        }
    }
    let Some(dir) = common::shared_captures() else { return };
    for file in ["tcpdump/forces1.pcap", "usrsctp/echo-raw-ip-netns-veth.pcapng"] {
        let path = dir.join(file);
        let (whole, _) = read_file(&path);
        let f = std::fs::File::open(&path).expect("open");
        let chunked: Vec<Frame> =
            CaptureReader::new(Box::new(Chunks(f))).expect("capture").map(|r| r.expect("frame")).collect();
        assert_eq!(whole, chunked, "{file}");
    }
}
