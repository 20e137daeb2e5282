//! Interop with usrsctp, a production SCTP stack (Debian's libusrsctp-examples): our client
//! against its echo_server over UDP encapsulation (RFC 6951) on loopback, with several message
//! sizes and streams, ordered and unordered, with and without loss injected by our hooks.
//!
//! usrsctp's echo_server reads at most 10,240 bytes at a time and echoes only the read that ends
//! a message, so a message longer than that comes back as its last piece (checked as a suffix);
//! shorter ones must come back whole. Skips loudly when usrsctp is not installed; fails instead
//! when DISSECT_REQUIRE_TOOLS=1.

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use replay::sctp::{Config, Impairment};
use replay::udp::{echo_check, plan, UdpAssoc};

const ECHO_SERVER: &str = "/usr/lib/usrsctp/echo_server";
const PIECE: usize = 10_240;

fn required() -> bool {
    std::env::var("DISSECT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// The echo_server, or None (after saying so) when it is missing.
fn echo_server_path() -> Option<&'static str> {
    if Path::new(ECHO_SERVER).exists() {
        return Some(ECHO_SERVER);
    }
    if required() {
        panic!("{ECHO_SERVER} missing and DISSECT_REQUIRE_TOOLS=1 (apt-get install libusrsctp-examples)");
    }
    eprintln!("SKIPPED: {ECHO_SERVER} missing (apt-get install libusrsctp-examples)");
    None
}

/// The server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Start echo_server on a free UDP port, answering to our socket's port.
fn start(path: &str, ours: &UdpSocket) -> (Server, SocketAddr) {
    let port = free_udp_port();
    let our_port = ours.local_addr().unwrap().port();
    let child = Command::new(path)
        .arg(port.to_string())
        .arg(our_port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start echo_server");
    std::thread::sleep(Duration::from_millis(300));
    (Server(child), SocketAddr::from(([127, 0, 0, 1], port)))
}

fn config(seed: u64) -> Config {
    Config {
        rto_initial: Duration::from_millis(500),
        rto_min: Duration::from_millis(100),
        rto_max: Duration::from_secs(1),
        max_message: 128 * 1024,
        seed,
        ..Config::default()
    }
}

fn run(loss: f64, seed: u64, sizes: &[usize], count: usize) {
    let Some(path) = echo_server_path() else { return };
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (_server, addr) = start(path, &sock);
    let mut ua = UdpAssoc::connect(sock, addr, config(seed), 5001, 7);
    ua.outgoing = Impairment::random(seed, loss, 0.0, 0.0);
    ua.incoming = Impairment::random(seed + 1000, loss, 0.0, 0.0);
    let msgs = plan(count, sizes, 5, true);
    let r = echo_check(ua, &msgs, Some(PIECE), Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("loss {loss}, seed {seed}: {e}"));
    eprintln!("loss {loss}: {r:?}");
    assert_eq!(r.echoed, count);
    if loss > 0.0 {
        assert!(r.dropped_out + r.dropped_in > 0);
        assert!(r.retransmitted_chunks > 0);
    }
}

#[test]
fn echo_server_several_sizes_and_streams() {
    run(0.0, 1, &[1, 2, 3, 100, 1172, 1173, 5000, 10_240, 18_445, 65_536], 60);
}

#[test]
fn echo_server_with_one_percent_loss() {
    run(0.01, 2, &[1, 100, 1200, 5000, 10_240, 18_445], 60);
}

#[test]
fn echo_server_with_five_percent_loss() {
    run(0.05, 3, &[1, 100, 1200, 5000, 10_240, 18_445], 40);
}
