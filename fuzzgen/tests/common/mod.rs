//! Helpers for tests that use outside tools (tshark).
//!
//! On a user's machine a missing tool makes such a test say SKIPPED loudly and pass; in CI
//! (`DISSECT_REQUIRE_TOOLS=1`, set by `.ci/run`) it fails instead.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Whether missing tools must fail the test (CI).
pub fn required() -> bool {
    std::env::var("DISSECT_REQUIRE_TOOLS").map(|v| v == "1").unwrap_or(false)
}

/// Report a missing prerequisite: panics in CI, otherwise prints SKIPPED.
pub fn skip(what: &str) {
    if required() {
        panic!("{what} is required here (DISSECT_REQUIRE_TOOLS=1) but missing");
    }
    eprintln!("\n*** SKIPPED: {what} not found; this test did not run ***\n");
}

/// Whether tshark runs (reports a skip when it does not).
pub fn tshark() -> bool {
    let ok = Command::new("tshark").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        skip("tshark");
    }
    ok
}

/// Run tshark with `args`, returning stdout; panics with stderr when it fails.
pub fn run_tshark(args: &[&str]) -> String {
    let out = Command::new("tshark").args(args).output().expect("run tshark");
    assert!(out.status.success(), "tshark {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh path in the temporary directory for this test.
pub fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuzzgen-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir.join(name)
}
