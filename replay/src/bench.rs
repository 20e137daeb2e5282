//! Throughput of one association over UDP encapsulation on loopback, against usrsctp's `tsctp`
//! between the same two points: a `tsctp` server receives first from our client, then from a
//! `tsctp` client, and its own report (bytes per second, measured at the receiver) gives both
//! numbers. A benchmark, not a test.

use std::fs;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::sctp::{Config, State};
use crate::udp::{DriverError, UdpAssoc};

/// The two throughputs, in bytes per second at the receiving `tsctp`.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub ours: f64,
    pub tsctp: f64,
}

/// The `tsctp` server process and where its report goes; killed when dropped.
struct Server {
    child: Child,
    out: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_file(&self.out);
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start_server(tsctp: &Path, port: u16, peer_port: u16, tag: &str) -> Result<Server, DriverError> {
    let out = std::env::temp_dir().join(format!("replay-tsctp-{}-{tag}.txt", std::process::id()));
    let f = fs::File::create(&out)?;
    let child = Command::new(tsctp)
        .args(["-E", &port.to_string(), "-U", &peer_port.to_string()])
        .stdout(f)
        .stderr(Stdio::null())
        .spawn()?;
    std::thread::sleep(Duration::from_millis(300));
    Ok(Server { child, out })
}

/// The server's report line: `length, messages, messages, bytes, seconds, bytes/s, 0`.
fn wait_report(s: &Server, limit: Duration) -> Result<f64, DriverError> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let text = fs::read(&s.out).unwrap_or_default();
        for line in String::from_utf8_lossy(&text).lines() {
            let f: Vec<&str> = line.split(", ").collect();
            if f.len() == 7 && f[0].chars().all(|c| c.is_ascii_digit()) {
                if let Ok(v) = f[5].trim().parse::<f64>() {
                    return Ok(v);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(DriverError::Timeout(limit, "tsctp report".into()))
}

/// Run both transfers of `length`-byte messages for `seconds` each.
pub fn tsctp_ratio(tsctp: &Path, length: usize, seconds: u64, cfg: Config) -> Result<Ratio, DriverError> {
    let limit = Duration::from_secs(seconds + 30);
    // Ours -> tsctp.
    let sock = UdpSocket::bind("127.0.0.1:0")?;
    let server_port = free_port()?;
    let server = start_server(tsctp, server_port, sock.local_addr()?.port(), "ours")?;
    let mut ua = UdpAssoc::connect(sock, SocketAddr::from(([127, 0, 0, 1], server_port)), cfg, 5002, 5001);
    ua.run_until(limit, "handshake", |u| u.assoc.state() == State::Established)?;
    let msg = vec![0x5a; length];
    let end = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < end {
        while ua.assoc.send(0, 0, false, &msg).is_ok() {}
        ua.step(end)?;
    }
    ua.assoc.close(Instant::now());
    ua.run_until(limit, "shutdown", |u| u.assoc.is_closed())?;
    let ours = wait_report(&server, limit)?;
    drop(server);
    // tsctp -> tsctp.
    let (p1, p2) = (free_port()?, free_port()?);
    let server = start_server(tsctp, p1, p2, "tsctp")?;
    let mut client = Command::new(tsctp)
        .args(["-E", &p2.to_string(), "-U", &p1.to_string(), "-l", &length.to_string()])
        .args(["-T", &seconds.to_string(), "127.0.0.1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let theirs = wait_report(&server, limit);
    let _ = client.kill();
    let _ = client.wait();
    Ok(Ratio { ours, tsctp: theirs? })
}
