//! A static file server for the built page, on loopback: GET and HEAD, the MIME types a browser
//! needs (`application/wasm` for the module, `text/javascript` for the ES modules), no caching,
//! nothing outside the served directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// Listen on 127.0.0.1:`port` (0 picks a free port) for `dist`, which must hold an index.html.
pub fn bind(dist: &Path, port: u16) -> Result<TcpListener, String> {
    if !dist.join("index.html").is_file() {
        return Err(format!("{}: no index.html (run `web build` first)", dist.display()));
    }
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("127.0.0.1:{port}: {e}"))
}

/// Serve connections forever, a thread each.
pub fn run(listener: TcpListener, dist: &Path) {
    for conn in listener.incoming().flatten() {
        let dist = dist.to_path_buf();
        std::thread::spawn(move || {
            let _ = handle(conn, &dist);
        });
    }
}

/// MIME type by extension.
pub fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `dist`, refusing anything that climbs out.
pub fn resolve(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    let rel = Path::new(path.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut p = dist.join(rel);
    if path.ends_with('/') || p.is_dir() {
        p = p.join("index.html");
    }
    Some(p)
}

fn handle(mut conn: TcpStream, dist: &Path) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    loop {
        let mut line = String::new();
        if reader.by_ref().take(8192).read_line(&mut line)? == 0 {
            return Ok(());
        }
        // Headers: read up to the blank line (bounded).
        let mut keep_alive = true;
        for _ in 0..100 {
            let mut h = String::new();
            if reader.by_ref().take(8192).read_line(&mut h)? == 0 || h.trim().is_empty() {
                break;
            }
            let h = h.to_ascii_lowercase();
            if h.starts_with("connection:") && h.contains("close") {
                keep_alive = false;
            }
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        let (status, ctype, body) = if method != "GET" && method != "HEAD" {
            ("405 Method Not Allowed", "text/plain", b"method not allowed\n".to_vec())
        } else {
            match resolve(dist, target).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
                Some((p, b)) => ("200 OK", mime(&p), b),
                None => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
            }
        };
        write!(
            conn,
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n\
             Connection: {}\r\n\r\n",
            body.len(),
            if keep_alive { "keep-alive" } else { "close" }
        )?;
        if method != "HEAD" {
            conn.write_all(&body)?;
        }
        conn.flush()?;
        if !keep_alive {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_dist() {
        let d = Path::new("/srv/dist");
        assert_eq!(resolve(d, "/"), Some(PathBuf::from("/srv/dist/index.html")));
        assert_eq!(resolve(d, "/pkg/web.js?x=1"), Some(PathBuf::from("/srv/dist/pkg/web.js")));
        assert_eq!(resolve(d, "/../etc/passwd"), None);
        assert_eq!(resolve(d, "/a/../../b"), None);
    }

    #[test]
    fn wasm_is_served_as_wasm() {
        assert_eq!(mime(Path::new("x/web_bg.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("app.js")), "text/javascript; charset=utf-8");
    }

    #[test]
    fn serves_files_with_their_type_and_refuses_others() {
        let dir = std::env::temp_dir().join(format!("web-serve-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(dir.join("m.wasm"), [0u8, 97, 115, 109]).unwrap();
        let l = bind(&dir, 0).unwrap();
        let addr = l.local_addr().unwrap();
        let d2 = dir.clone();
        std::thread::spawn(move || run(l, &d2));
        let get = |path: &str| {
            let mut c = TcpStream::connect(addr).unwrap();
            write!(c, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let mut s = Vec::new();
            c.read_to_end(&mut s).unwrap();
            String::from_utf8_lossy(&s).into_owned()
        };
        let r = get("/");
        assert!(r.starts_with("HTTP/1.1 200 OK") && r.contains("text/html") && r.ends_with("<p>hi</p>"), "{r}");
        let r = get("/m.wasm");
        assert!(r.contains("Content-Type: application/wasm") && r.contains("Content-Length: 4"), "{r}");
        assert!(get("/../x").starts_with("HTTP/1.1 404"));
        assert!(get("/nope.js").starts_with("HTTP/1.1 404"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
