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
    start_program(path, ours)
}

fn start_program(path: &str, ours: &UdpSocket) -> (Server, SocketAddr) {
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
    ua.record = Some(Vec::new());
    let start = std::time::Instant::now();
    let msgs = plan(count, sizes, 5, true);
    let r = echo_check(&mut ua, &msgs, Some(PIECE), Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("loss {loss}, seed {seed}: {e}"));
    check_capture(&format!("usrsctp-echo-loss{loss}"), start, ua.record.as_deref().unwrap_or_default());
    eprintln!("loss {loss}: {r:?}");
    assert_eq!(r.echoed, count);
    if loss > 0.0 {
        assert!(r.dropped_out + r.dropped_in > 0);
        assert!(r.retransmitted_chunks > 0);
    }
}

/// The run's packets, as a capture, decode in `dissect` with no malformed frame, no error (the
/// SACK analysis's warnings about many gap-acknowledged TSNs are expected under loss), and a good
/// CRC32c on every SCTP packet; and in tshark (when installed) with no
/// malformed frame and every checksum good.
fn check_capture(name: &str, start: std::time::Instant, rec: &[replay::pcap::Recorded]) {
    use dissect::tree::{Severity, Value};
    let frames = replay::pcap::frames(start, rec);
    assert!(frames.len() > 4);
    let mut d = dissect::Dissector::new(dissect::Config::default());
    for (i, (s, ns, data)) in frames.iter().enumerate() {
        let p = d.dissect(dissect::capture::Frame {
            number: i as u64 + 1,
            ts_sec: *s as i64,
            ts_nsec: *ns,
            linktype: replay::pcap::LINKTYPE_RAW,
            orig_len: data.len() as u32,
            data: data.clone(),
            ..Default::default()
        });
        assert!(!p.malformed, "frame {}: malformed: {:?}", i + 1, p.experts);
        let bad: Vec<_> = p.experts.iter().filter(|e| e.severity >= Severity::Error).collect();
        assert!(bad.is_empty(), "frame {}: {bad:?}", i + 1);
        let status: Vec<_> = p.values("sctp.checksum.status").into_iter().map(|n| n.value.clone()).collect();
        assert_eq!(status, vec![Value::UInt(1)], "frame {}: checksum status", i + 1);
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}.pcap"));
    let mut f = std::fs::File::create(&path).unwrap();
    replay::pcap::write_pcap(&mut f, &frames).unwrap();
    drop(f);
    let tshark = Command::new("tshark")
        .args(["-r", path.to_str().unwrap(), "-d", "udp.port==9899,sctp", "-o", "sctp.checksum:CRC 32c"])
        .args(["-T", "fields", "-e", "sctp.checksum.status", "-e", "_ws.malformed"])
        .output();
    match tshark {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), frames.len());
            for (i, l) in lines.iter().enumerate() {
                assert_eq!(*l, "1\t", "tshark, frame {}: checksum status and malformed", i + 1);
            }
        }
        _ => {
            assert!(!required(), "tshark missing and DISSECT_REQUIRE_TOOLS=1");
            eprintln!("SKIPPED: tshark check of {}", path.display());
        }
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

#[test]
fn echo_server_with_twenty_percent_loss() {
    run(0.2, 4, &[1, 100, 1200, 5000], 8);
}

/// usrsctp's discard_server (SCTP port 9): every message acknowledged, then a graceful shutdown.
#[test]
fn discard_server_takes_everything() {
    const DISCARD: &str = "/usr/lib/usrsctp/discard_server";
    if !Path::new(DISCARD).exists() {
        assert!(!required(), "{DISCARD} missing and DISSECT_REQUIRE_TOOLS=1");
        eprintln!("SKIPPED: {DISCARD} missing (apt-get install libusrsctp-examples)");
        return;
    }
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (_server, addr) = start_program(DISCARD, &sock);
    let mut ua = UdpAssoc::connect(sock, addr, config(5), 5001, 9);
    ua.outgoing = Impairment::random(5, 0.05, 0.0, 0.0);
    ua.incoming = Impairment::random(6, 0.05, 0.0, 0.0);
    let limit = Duration::from_secs(30);
    ua.run_until(limit, "handshake", |u| u.assoc.state() == replay::sctp::State::Established).unwrap();
    let msgs = plan(200, &[1, 500, 1200, 18_445, 65_536], 5, true);
    let mut next = 0;
    ua.run_until(limit, "all sent and acknowledged", |u| {
        while let Some(m) = msgs.get(next) {
            if u.assoc.send(m.stream, m.ppid, m.unordered, &m.data).is_err() {
                break;
            }
            next += 1;
        }
        next == msgs.len() && u.assoc.buffered() == 0
    })
    .unwrap();
    ua.assoc.close(std::time::Instant::now());
    ua.run_until(limit, "shutdown", |u| u.assoc.is_closed()).unwrap();
    let events: Vec<_> = ua.events.iter().cloned().collect();
    assert!(events.contains(&replay::sctp::Event::Closed), "{events:?}");
    assert!(ua.assoc.stats().retransmitted_chunks > 0);
}

/// usrsctp's `client` against our echo server: it sends each line of its standard input as a
/// message and prints what comes back; every line must come back, in order, and the association
/// must come up and shut down gracefully (its SCTP_COMM_UP and SCTP_SHUTDOWN_COMP notifications).
#[test]
fn usrsctp_client_against_our_echo_server() {
    usrsctp_client_run(0.0, 1);
}

/// The same with 5% and 20% loss on our echo server's side, in both directions.
#[test]
fn usrsctp_client_against_our_echo_server_with_loss() {
    usrsctp_client_run(0.05, 2);
    usrsctp_client_run(0.2, 3);
}

fn usrsctp_client_run(loss: f64, seed: u64) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    const CLIENT: &str = "/usr/lib/usrsctp/client";
    if !Path::new(CLIENT).exists() {
        assert!(!required(), "{CLIENT} missing and DISSECT_REQUIRE_TOOLS=1");
        eprintln!("SKIPPED: {CLIENT} missing (apt-get install libusrsctp-examples)");
        return;
    }
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server_port = server.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let s2 = stop.clone();
    let t = std::thread::spawn(move || {
        let mut out = Impairment::random(seed, loss, 0.0, 0.0);
        let mut inc = Impairment::random(seed + 100, loss, 0.0, 0.0);
        replay::udp::echo_server_impaired(&server, &config(7), 7, &mut out, &mut inc, || s2.load(Ordering::Relaxed))
            .map(|()| out.dropped + inc.dropped)
    });
    let lines: Vec<String> = (0..40).map(|i| format!("line {i:03} {}", "x".repeat(i * 3))).collect();
    let mut child = Command::new(CLIENT)
        .args(["127.0.0.1", "7", "0", &free_udp_port().to_string(), &server_port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start usrsctp client");
    {
        let mut stdin = child.stdin.take().unwrap();
        for l in &lines {
            writeln!(stdin, "{l}").unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
        // Let the last echoes come back before end of input starts the shutdown (usrsctp's own
        // retransmission timers start at 1 s, doubling, under loss).
        std::thread::sleep(Duration::from_millis(if loss > 0.0 { 8000 } else { 500 }));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = rx.recv_timeout(Duration::from_secs(60)).expect("usrsctp client did not finish").unwrap();
    stop.store(true, Ordering::Relaxed);
    let dropped = t.join().unwrap().unwrap();
    assert!(loss == 0.0 || dropped > 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SCTP_COMM_UP"), "{text}");
    assert!(text.contains("SCTP_SHUTDOWN_COMP"), "{text}");
    let mut at = 0;
    for l in &lines {
        let found = text[at..].find(&format!("{l}\n")).unwrap_or_else(|| panic!("{l:?} not echoed in order:\n{text}"));
        at += found + l.len();
    }
}

/// SCTP-AUTH (RFC 4895) with usrsctp: we require DATA and SACK authenticated; usrsctp derives
/// the same association key and puts a valid AUTH chunk in front of every one of them.
#[test]
fn echo_server_with_auth() {
    let Some(path) = echo_server_path() else { return };
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (_server, addr) = start(path, &sock);
    let cfg = Config { auth_chunks: Some(vec![0, 3]), ..config(8) };
    let mut ua = UdpAssoc::connect(sock, addr, cfg, 5001, 7);
    ua.outgoing = Impairment::random(8, 0.02, 0.0, 0.0);
    ua.incoming = Impairment::random(9, 0.02, 0.0, 0.0);
    ua.record = Some(Vec::new());
    let start_t = std::time::Instant::now();
    let msgs = plan(30, &[1, 100, 1200, 5000, 10_240, 18_445], 4, true);
    let r = echo_check(&mut ua, &msgs, Some(PIECE), Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.echoed, 30);
    let s = ua.assoc.stats().clone();
    assert!(s.auth_verified > 0, "{s:?}");
    assert_eq!((s.auth_failed, s.unauthenticated_dropped), (0, 0), "{s:?}");
    let rec = ua.record.as_deref().unwrap_or_default();
    let mut data_packets = 0;
    for (_, sent, p) in rec {
        if *sent {
            continue;
        }
        let pk = dissect::proto::sctp::Packet::parse(p).unwrap();
        use dissect::proto::sctp::Chunk;
        if let Some(i) = pk.chunks.iter().position(|c| matches!(c, Chunk::Data(_) | Chunk::Sack(_))) {
            data_packets += 1;
            assert!(i > 0 && matches!(pk.chunks[i - 1], Chunk::Auth(_)), "{:?}", pk.chunks);
        }
    }
    assert!(data_packets > 10);
    check_capture("usrsctp-echo-auth", start_t, rec);
}
