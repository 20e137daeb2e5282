//! SCTP directly over IP (protocol 132) between two network namespaces joined by a veth pair,
//! made by the test itself: our client against our echo server and against usrsctp's
//! echo_server (which uses raw IP when given UDP port 0), with 5% loss from our hooks. Needs
//! root (namespaces, raw sockets): skips loudly otherwise, and when usrsctp is missing fails only
//! under DISSECT_REQUIRE_TOOLS=1.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Two namespaces with a veth pair, 10.213.N.1 and 10.213.N.2; deleted when dropped.
struct Netns {
    a: String,
    b: String,
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip").args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

impl Netns {
    fn new(tag: &str, net: u8) -> Option<Netns> {
        let id = std::process::id() % 10_000;
        let n = Netns { a: format!("rpl{tag}a{id}"), b: format!("rpl{tag}b{id}") };
        let (va, vb) = (format!("rv{tag}a{id}"), format!("rv{tag}b{id}"));
        let (aa, ab) = (format!("10.213.{net}.1/24"), format!("10.213.{net}.2/24"));
        let ok = ip(&["netns", "add", &n.a])
            && ip(&["netns", "add", &n.b])
            && ip(&["link", "add", &va, "netns", &n.a, "type", "veth", "peer", "name", &vb, "netns", &n.b])
            && ip(&["-n", &n.a, "addr", "add", &aa, "dev", &va])
            && ip(&["-n", &n.b, "addr", "add", &ab, "dev", &vb])
            && ip(&["-n", &n.a, "link", "set", &va, "up"])
            && ip(&["-n", &n.b, "link", "set", &vb, "up"]);
        if ok {
            Some(n)
        } else {
            eprintln!("SKIPPED: cannot make network namespaces (needs root and the ip command)");
            None
        }
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        ip(&["netns", "del", &self.a]);
        ip(&["netns", "del", &self.b]);
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn client(ns: &Netns, net: u8, extra: &[&str]) {
    let out = Command::new("ip")
        .args(["netns", "exec", &ns.a, env!("CARGO_BIN_EXE_replay"), "sctp-client"])
        .args(["--raw", &format!("10.213.{net}.1"), "--remote", &format!("10.213.{net}.2:0")])
        .args(["--count", "40", "--unordered", "--loss", "0.05", "--timeout", "30"])
        .args(extra)
        .output()
        .expect("run the client");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "client failed: {}{}", text, String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("40 messages echoed intact"), "{text}");
}

#[test]
fn raw_ip_between_namespaces_ours_and_ours() {
    let Some(ns) = Netns::new("o", 1) else { return };
    let server = Command::new("ip")
        .args(["netns", "exec", &ns.b, env!("CARGO_BIN_EXE_replay"), "sctp-echo", "--raw", "--bind", "10.213.1.2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start our echo server");
    let _server = Server(server);
    std::thread::sleep(Duration::from_millis(300));
    client(&ns, 1, &["--sizes", "1,100,1200,18445,65536"]);
}

#[test]
fn raw_ip_between_namespaces_ours_and_usrsctp() {
    const ECHO: &str = "/usr/lib/usrsctp/echo_server";
    if !Path::new(ECHO).exists() {
        assert!(std::env::var("DISSECT_REQUIRE_TOOLS").as_deref() != Ok("1"), "{ECHO} missing");
        eprintln!("SKIPPED: {ECHO} missing (apt-get install libusrsctp-examples)");
        return;
    }
    let Some(ns) = Netns::new("u", 2) else { return };
    // UDP encapsulation port 0: usrsctp uses raw IP.
    let server = Command::new("ip")
        .args(["netns", "exec", &ns.b, ECHO, "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start usrsctp's echo_server");
    let _server = Server(server);
    std::thread::sleep(Duration::from_millis(500));
    client(&ns, 2, &["--sizes", "1,100,1200,5000,18445", "--tail", "10240"]);
}
