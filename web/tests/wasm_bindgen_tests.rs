//! Runs `tests/wasm.rs` compiled to wasm32-unknown-unknown with wasm-bindgen-test-runner
//! (headless, in Node.js). Needs the wasm32 target, the runner at the crate's wasm-bindgen
//! version and `node`: skipped loudly when missing, a failure in CI (DISSECT_REQUIRE_TOOLS=1),
//! where scripts/setup installs them.

use std::path::PathBuf;
use std::process::Command;

fn required() -> bool {
    std::env::var("DISSECT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

fn skip(why: &str) {
    assert!(!required(), "{why} (DISSECT_REQUIRE_TOOLS=1: scripts/setup installs it)");
    eprintln!("SKIPPED: {why}; run scripts/setup");
}

fn runner() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(h) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(h).join(".cargo").join("bin"));
    }
    dirs.into_iter().map(|d| d.join("wasm-bindgen-test-runner")).find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(web::build::WASM_BINDGEN_VERSION))
    })
}

#[test]
fn exported_api_under_wasm_bindgen_test() {
    let Some(runner) = runner() else {
        return skip(&format!("wasm-bindgen-test-runner {} not found", web::build::WASM_BINDGEN_VERSION));
    };
    if Command::new("node").arg("--version").output().is_err() {
        return skip("node not found");
    }
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    if !installed.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown")) {
        return skip("the wasm32-unknown-unknown target is not installed");
    }
    let root = web::build::workspace_root();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target").join("wasm"))
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &runner)
        .args(["test", "--target", "wasm32-unknown-unknown", "-p", "web", "--test", "wasm"])
        .output()
        .expect("cargo runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "wasm tests failed:\n{text}");
    // All four ran: none filtered or ignored away.
    assert!(text.contains("test result: ok. 4 passed"), "{text}");
}
