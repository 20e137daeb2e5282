//! Helpers for tests that use outside material: the shared real captures and tshark.
//!
//! On a user's machine a missing tool or `../shared` makes such a test say SKIPPED loudly and
//! pass; in CI (`DISSECT_REQUIRE_TOOLS=1`, set by `.ci/run`) it fails instead.
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

/// Report a missing prerequisite: panics in CI, otherwise prints SKIPPED and returns.
pub fn skip(what: &str) {
    if required() {
        panic!("{what} is required here (DISSECT_REQUIRE_TOOLS=1) but missing");
    }
    eprintln!("\n*** SKIPPED: {what} not found; this test did not run ***\n");
}

/// `../shared/captures`, if present.
pub fn shared_captures() -> Option<PathBuf> {
    let p = root().join("../shared/captures");
    if p.is_dir() {
        Some(p)
    } else {
        skip("../shared/captures");
        None
    }
}

/// Whether tshark runs.
pub fn tshark() -> bool {
    let ok = Command::new("tshark").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        skip("tshark");
    }
    ok
}

/// Every capture file under a directory, sorted.
pub fn captures_in(dir: &Path) -> Vec<PathBuf> {
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
