//! The page in a real browser: Debian's Chromium driven headless by playwright-core
//! (`web/e2e/e2e.mjs`) against the built page served on loopback. Skipped loudly when Chromium,
//! Node.js or playwright-core is missing, a failure in CI (DISSECT_REQUIRE_TOOLS=1), where
//! scripts/setup installs them. The screenshot lands in target/web-e2e/.

use std::path::{Path, PathBuf};
use std::process::Command;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};

fn required() -> bool {
    std::env::var("DISSECT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

fn skip(why: &str) {
    assert!(!required(), "{why} (DISSECT_REQUIRE_TOOLS=1: scripts/setup installs it)");
    eprintln!("SKIPPED: {why}; run scripts/setup");
}

fn chromium() -> Option<PathBuf> {
    let p = std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    p.is_file().then_some(p)
}

/// Frames of `capture` that `filter` passes, by the native dissector.
fn expected(capture: &Path, filter: &str) -> Vec<u64> {
    let f = dissect::filter::Filter::compile(filter).unwrap();
    let mut d = Dissector::new(Config::default());
    CaptureReader::open(capture.to_str().unwrap())
        .unwrap()
        .map(|fr| d.dissect(fr.unwrap()))
        .filter(|p| f.matches(p))
        .map(|p| p.number)
        .collect()
}

#[test]
fn page_opens_filters_highlights_and_restores() {
    let root = web::build::workspace_root();
    let Some(chromium) = chromium() else { return skip("Chromium (/usr/bin/chromium) not found") };
    if Command::new("node").arg("--version").output().is_err() {
        return skip("node not found");
    }
    if !root.join("web/node_modules/playwright-core").is_dir() {
        return skip("web/node_modules/playwright-core not installed (npm ci --prefix web)");
    }
    let out = root.join("target").join("web-e2e");
    let dist = out.join("dist");
    std::fs::create_dir_all(&out).unwrap();
    let mut log = |m: &str| eprintln!("web: {m}");
    if let Err(e) = web::build::build(&dist, &mut log) {
        if e.contains("wasm32-unknown-unknown") && !required() {
            return skip(&e);
        }
        panic!("building the page: {e}");
    }
    let listener = web::serve::bind(&dist, 0).unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let d2 = dist.clone();
    std::thread::spawn(move || web::serve::run(listener, &d2));

    let capture = root.join("corpus").join("sctp-assoc.pcapng");
    let filter = "sctp.chunk_type == 0";
    let want = expected(&capture, filter);
    assert!(want.len() > 1);
    let res = Command::new("node")
        .arg(root.join("web/e2e/e2e.mjs"))
        .args([&url, capture.to_str().unwrap(), out.to_str().unwrap(), filter])
        .arg(serde_json::to_string(&want).unwrap())
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&res.stdout);
    let stderr = String::from_utf8_lossy(&res.stderr);
    let line = stdout.lines().last().unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("{stdout}\n{stderr}"));
    assert_eq!(v["ok"], true, "{v}\n{stderr}");
    assert_eq!(v["restored"], true);
    assert!(out.join("screenshot.png").is_file());
}
