//! Building the page: compile this crate to `wasm32-unknown-unknown`, generate its JavaScript
//! glue with `wasm-bindgen` (the CLI at exactly the version of the `wasm-bindgen` crate, installed
//! with `cargo install` when it is missing), and copy the static files beside it. The result,
//! `web/dist/`, works from any static host.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm-bindgen version the crate is pinned to (Cargo.toml says `=` this).
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".."))
}

/// Where `build` writes the page unless told otherwise.
pub fn default_dist() -> PathBuf {
    workspace_root().join("web").join("dist")
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The `wasm-bindgen` CLI of the pinned version: on the PATH, in cargo's bin directory, or
/// installed there now.
pub fn wasm_bindgen_cli(log: &mut dyn FnMut(&str)) -> Result<PathBuf, String> {
    let version_of = |p: &Path| -> Option<String> {
        let out = Command::new(p).arg("--version").output().ok()?;
        String::from_utf8(out.stdout).ok()?.split_whitespace().nth(1).map(str::to_string)
    };
    let mut candidates = vec![PathBuf::from("wasm-bindgen")];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(h) = &cargo_home {
        candidates.push(h.join("bin").join("wasm-bindgen"));
    }
    for c in &candidates {
        if version_of(c).as_deref() == Some(WASM_BINDGEN_VERSION) {
            return Ok(c.clone());
        }
    }
    log(&format!("installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} with cargo install (once)"));
    run(Command::new(cargo())
        .args(["install", "wasm-bindgen-cli", "--version"])
        .arg(format!("={WASM_BINDGEN_VERSION}")))?;
    for c in &candidates {
        if version_of(c).as_deref() == Some(WASM_BINDGEN_VERSION) {
            return Ok(c.clone());
        }
    }
    Err(format!("wasm-bindgen {WASM_BINDGEN_VERSION} is not on the PATH after installing it"))
}

/// Build the page into `dist`: release wasm, glue, static files.
pub fn build(dist: &Path, log: &mut dyn FnMut(&str)) -> Result<(), String> {
    let root = workspace_root();
    // A target directory of its own, so building from `cargo run`/`cargo test` does not wait
    // for the lock of the build that is running us.
    let target = root.join("target").join("wasm");
    log("compiling the decoder to wasm32-unknown-unknown");
    run(Command::new(cargo()).current_dir(&root).env("CARGO_TARGET_DIR", &target).env_remove("RUSTFLAGS").args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "web",
        "--lib",
    ]))?;
    let wasm = target.join("wasm32-unknown-unknown").join("release").join("web.wasm");
    let bindgen = wasm_bindgen_cli(log)?;
    let pkg = dist.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    log("generating the JavaScript glue");
    run(Command::new(&bindgen).args(["--target", "web", "--no-typescript", "--out-dir"]).arg(&pkg).arg(&wasm))?;
    copy_static(dist)
}

/// Copy `web/static/*` into `dist`.
pub fn copy_static(dist: &Path) -> Result<(), String> {
    let src = workspace_root().join("web").join("static");
    let entries = std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    for e in entries {
        let e = e.map_err(|e| format!("{}: {e}", src.display()))?;
        if e.file_type().map(|t| t.is_file()).unwrap_or(false) {
            let to = dist.join(e.file_name());
            std::fs::copy(e.path(), &to).map_err(|err| format!("{} -> {}: {err}", e.path().display(), to.display()))?;
        }
    }
    Ok(())
}
