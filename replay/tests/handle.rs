//! The async handle: an echo server accepted with `SctpHandle::accept` and a client opened with
//! `SctpHandle::connect`, over UDP on loopback; more data than the send buffer holds (so `send`
//! waits), several streams, PPIDs and unordered messages, then a graceful close seen by both.

use std::time::Duration;

use replay::handle::{Outgoing, SctpHandle};
use replay::sctp::{Config, Event, SendOptions};
use tokio::net::UdpSocket;

fn config(seed: u64) -> Config {
    Config {
        rto_initial: Duration::from_millis(300),
        rto_min: Duration::from_millis(50),
        rto_max: Duration::from_secs(1),
        send_buffer: 64 * 1024,
        max_message: 64 * 1024,
        seed,
        ..Config::default()
    }
}

#[tokio::test]
async fn async_echo_round_trip() {
    let server_sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server_addr = server_sock.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut h = SctpHandle::accept(server_sock, config(2), 7).await.unwrap();
        let mut n = 0;
        while let Some(ev) = h.recv().await {
            match ev {
                Event::Message(m) => {
                    n += 1;
                    let out = Outgoing {
                        stream: m.stream,
                        ppid: m.ppid,
                        unordered: m.unordered,
                        data: m.data,
                        opts: SendOptions::default(),
                    };
                    h.send(out).await.unwrap();
                }
                Event::PeerShutdown => h.close().await,
                Event::Closed => return n,
                other => panic!("server: {other:?}"),
            }
        }
        panic!("server: events ended without Closed");
    });
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut h = SctpHandle::connect(sock, server_addr, config(1), 5001, 7).await.unwrap();
    let msgs: Vec<Outgoing> = (0..24u32)
        .map(|i| Outgoing {
            stream: (i % 3) as u16,
            ppid: 100 + i,
            unordered: i % 4 == 3,
            data: vec![i as u8; [1, 999, 18_445, 40_000][i as usize % 4]],
            opts: SendOptions::default(),
        })
        .collect();
    let total: usize = msgs.iter().map(|m| m.data.len()).sum();
    assert!(total > 64 * 1024 * 3, "more than the send buffer holds");
    let mut got = Vec::new();
    for m in msgs.iter().cloned() {
        h.send(m).await.unwrap();
        while let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(1), h.recv()).await {
            match ev {
                Event::Message(m) => got.push(m),
                other => panic!("client: {other:?}"),
            }
        }
    }
    while got.len() < msgs.len() {
        match tokio::time::timeout(Duration::from_secs(20), h.recv()).await.expect("echoes in time") {
            Some(Event::Message(m)) => got.push(m),
            other => panic!("client: {other:?}"),
        }
    }
    for m in &msgs {
        let g = got.iter().find(|g| g.ppid == m.ppid).expect("echoed");
        assert_eq!((g.stream, g.unordered, &g.data), (m.stream, m.unordered, &m.data));
    }
    h.close().await;
    let end = tokio::time::timeout(Duration::from_secs(10), h.recv()).await.expect("closed in time");
    assert_eq!(end, Some(Event::Closed));
    assert_eq!(tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap(), msgs.len());
}
