//! The `fuzzgen` binary: help, exit codes, and the corpus it writes.

mod common;

use std::process::Command;

fn fuzzgen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fuzzgen")).args(args).output().expect("run fuzzgen")
}

#[test]
fn help_explains_the_corpus_command() {
    let o = fuzzgen(&["--help"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("corpus") && s.contains("--seed 1") && s.contains("deterministic"), "{s}");
    let o = fuzzgen(&["corpus", "--help"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("--out") && s.contains("--seed") && s.contains("sctp-udp-encap"), "{s}");
}

#[test]
fn bad_arguments_exit_1() {
    assert_eq!(fuzzgen(&["corpus", "--seed", "minus-one"]).status.code(), Some(1));
    assert_eq!(fuzzgen(&["no-such-command"]).status.code(), Some(1));
    assert_eq!(fuzzgen(&[]).status.code(), Some(1));
}

#[test]
fn unwritable_output_is_one_line_and_exit_1() {
    let blocker = common::temp_path("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let o = fuzzgen(&["corpus", "--out", blocker.join("sub").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("fuzzgen: "), "{err}");
}

#[test]
fn corpus_command_writes_the_seeded_files() {
    let dir = common::temp_path("cli-corpus");
    let o = fuzzgen(&["corpus", "--out", dir.to_str().unwrap(), "--seed", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in fuzzgen::corpus::generate(1).unwrap() {
        assert_eq!(std::fs::read(dir.join(f.name)).unwrap(), f.bytes, "{}", f.name);
    }
    assert!(dir.join("README.md").is_file());
}

#[test]
fn bench_command_writes_the_seeded_capture() {
    let o = fuzzgen(&["--help"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("bench") && s.contains("--frames"), "{s}");
    let p = common::temp_path("cli-bench.pcapng");
    let o = fuzzgen(&["bench", "--out", p.to_str().unwrap(), "--frames", "300", "--seed", "7"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("300 frames"), "{out}");
    let want = fuzzgen::bench::write_bench(Vec::new(), 300, 7).unwrap().0;
    assert!(std::fs::read(&p).unwrap() == want, "the file is not what write_bench makes for seed 7");
    assert_eq!(fuzzgen(&["bench", "--frames", "10"]).status.code(), Some(1), "--out is required");
    let o = fuzzgen(&["bench", "--out", "/nonexistent-dir/x.pcapng", "--frames", "10"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
}
