//! Our client against our echo server over UDP encapsulation on loopback (RFC 6951), with loss,
//! duplication and reordering injected on the client's side.

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use replay::sctp::{Config, Impairment};
use replay::udp::{echo_check, echo_server, plan, UdpAssoc};

fn config(seed: u64) -> Config {
    Config {
        rto_initial: Duration::from_millis(300),
        rto_min: Duration::from_millis(50),
        rto_max: Duration::from_secs(1),
        max_message: 128 * 1024,
        seed,
        ..Config::default()
    }
}

fn self_echo(loss: f64, dup: f64, reorder: f64, seed: u64) {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let s2 = stop.clone();
    let t = std::thread::spawn(move || echo_server(&server, &config(99), 7, || s2.load(Ordering::Relaxed)));
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut ua = UdpAssoc::connect(sock, addr, config(seed), 5001, 7);
    ua.outgoing = Impairment::random(seed, loss, dup, reorder);
    ua.incoming = Impairment::random(seed + 1, loss, dup, reorder);
    let msgs = plan(50, &[1, 100, 1200, 18_445, 65_536], 4, true);
    let r = echo_check(&mut ua, &msgs, None, Duration::from_secs(60));
    stop.store(true, Ordering::Relaxed);
    t.join().unwrap().unwrap();
    let r = r.unwrap();
    assert_eq!(r.echoed, 50);
}

#[test]
fn self_echo_clean() {
    self_echo(0.0, 0.0, 0.0, 1);
}

#[test]
fn self_echo_with_loss_duplicates_and_reordering() {
    self_echo(0.05, 0.02, 0.05, 2);
}
