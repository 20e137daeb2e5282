//! The `dissect` command as a user runs it: arguments, exit status, error lines, outputs.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn dissect(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dissect")).args(args).output().expect("run dissect");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A two-frame pcap (microsecond, little-endian, raw IPv4) holding UDP datagrams.
fn small_pcap() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes());
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&65535u32.to_le_bytes());
    v.extend_from_slice(&101u32.to_le_bytes()); // LINKTYPE_RAW
    for i in 0..2u8 {
        // IPv4 + UDP 1000 -> 2000 with 4 payload bytes; IPv4 checksum filled below.
        let mut ip = vec![
            0x45, 0, 0, 32, 0, i, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x03, 0xe8, 0x07, 0xd0, 0, 12, 0, 0,
            b'a', b'b', b'c', i,
        ];
        let mut sum: u32 = 0;
        for c in ip[..20].chunks(2) {
            sum += u16::from_be_bytes([c[0], c[1]]) as u32;
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        let ck = !(sum as u16);
        ip[10..12].copy_from_slice(&ck.to_be_bytes());
        v.extend_from_slice(&(1_000_000_000u32 + i as u32).to_le_bytes());
        v.extend_from_slice(&(500u32).to_le_bytes());
        v.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        v.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        v.extend_from_slice(&ip);
    }
    v
}

fn temp_file(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("dissect-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn missing_file_is_one_line_and_exit_1() {
    let (code, out, err) = dissect(&["-r", "/nonexistent/x.pcap"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("dissect: /nonexistent/x.pcap: "), "{err}");
}

#[test]
fn bad_arguments_exit_1_with_one_line() {
    for args in
        [&["--bogus"][..], &["-T", "xml", "f"], &["-r", "f", "-d", "tcp.port=1,ctp"], &["-r", "f", "-o", "nope:1"]]
    {
        let (code, _, err) = dissect(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    let (code, _, err) = dissect(&["-r", "f", "-T", "fields", "-e", "no.such.field"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown field"), "{err}");
}

#[test]
fn garbage_is_not_a_capture() {
    let f = temp_file("garbage.pcap", b"this is not a capture file at all");
    let (code, _, err) = dissect(&["-r", &f]);
    assert_eq!(code, 1);
    assert!(err.contains("not a pcap or pcapng"), "{err}");
}

#[test]
fn truncated_file_prints_complete_frames_then_names_the_offset() {
    let full = small_pcap();
    let f = temp_file("cut.pcap", &full[..full.len() - 5]);
    let (code, out, err) = dissect(&["-r", &f]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    // The second record starts after the 24-byte header, the first record header and its 32 bytes.
    assert!(err.contains("byte offset 72"), "{err}");
}

#[test]
fn fields_json_count_and_stdin() {
    let f = temp_file("two.pcap", &small_pcap());
    let (code, out, _) = dissect(&["-r", &f, "-T", "fields", "-e", "frame.number", "-e", "frame.len"]);
    assert_eq!(code, 0);
    assert_eq!(out, "1\t32\n2\t32\n");
    let (_, out, _) = dissect(&["-r", &f, "-c", "1", "-T", "fields", "-e", "frame.time_epoch"]);
    assert_eq!(out, "1000000000.000500000\n");
    let (code, out, _) = dissect(&[&f, "-T", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["_source"]["layers"]["frame"]["frame.number"], "2");
    let (_, out, _) = dissect(&[&f, "-T", "jsonl"]);
    for l in out.lines() {
        serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_dissect"))
        .args(["-r", "-", "-T", "fields", "-e", "frame.number"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&small_pcap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n2\n");
}

#[test]
fn verbose_and_hex() {
    let f = temp_file("v.pcap", &small_pcap());
    let (code, out, _) = dissect(&["-r", &f, "-V", "-x", "-c", "1"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Frame 1: 32 bytes on wire (256 bits), 32 bytes captured (256 bits)\n"), "{out}");
    assert!(out.contains("0000  45 00 00 20 00 00 00 00 40 11 "), "{out}");
}

#[test]
fn glossary_lists_fields() {
    let (code, out, _) = dissect(&["-G", "fields"]);
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.starts_with("F\tFrame Number\tframe.number\t")));
    let (code, _, _) = dissect(&["-G"]);
    assert_eq!(code, 0);
}
