//! GIST over the real capture `../shared/captures/nsis-ka/`, written by another implementation:
//! D-mode on UDP port 270, C-mode on TCP port 30000 and TLS on TCP port 30001. Every GIST message
//! dissects with no malformed frame, and the C-mode connections are recognised only through the
//! association the Responses announce (SPEC-NOTES G3): the TCP connection has no port of its own.

mod common;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector, Transport};
use dissect::tree::{Packet, Value};

fn capture() -> Option<std::path::PathBuf> {
    let dir = common::shared_captures()?.join("nsis-ka");
    let f = common::captures_in(&dir).into_iter().next();
    if f.is_none() {
        common::skip("../shared/captures/nsis-ka/*.pcapng");
    }
    f
}

fn dissect_all(path: &std::path::Path) -> (Vec<Packet>, Dissector) {
    let reader = CaptureReader::open(path.to_str().unwrap()).expect("open");
    let mut d = Dissector::new(Config::default());
    let ps = reader.map(|f| d.dissect(f.expect("frame"))).collect();
    (ps, d)
}

fn str_of(p: &Packet, f: &str) -> Vec<String> {
    p.values(f)
        .iter()
        .map(|n| match &n.value {
            Value::Str(s) => s.clone(),
            Value::UInt(u) => u.to_string(),
            v => format!("{v:?}"),
        })
        .collect()
}

#[test]
fn every_gist_message_dissects_and_cmode_is_recognised() {
    let Some(path) = capture() else { return };
    let (ps, d) = dissect_all(&path);
    assert_eq!(ps.len(), 41);
    let mut gist_frames = Vec::new();
    for p in &ps {
        assert!(!p.malformed, "frame {} malformed: {:?}", p.number, p.experts);
        if p.find("gist").is_some() {
            gist_frames.push(p.number);
            let mine: Vec<_> = p.experts.iter().filter(|e| e.protocol == "gist").collect();
            assert!(mine.is_empty(), "frame {}: {mine:?}", p.number);
        }
    }
    // tshark's view of the file: UDP 270 frames 1-6, 16, 17, 31, 33, 35, 37, 39 (the odd ones
    // after 31 alternate with ICMP errors quoting them); TCP 30000 payloads in 10 and 12.
    for n in [1, 2, 3, 4, 5, 6, 10, 12, 16, 17, 31, 33, 35, 37, 39] {
        assert!(gist_frames.contains(&n), "frame {n} has no gist layer ({gist_frames:?})");
    }
    let f = |n: usize| &ps[n - 1];
    let types = |n: usize| str_of(f(n), "gist.type");
    // Query, Response, Confirm, Data in D-mode (A.1 type codes 0-3).
    assert_eq!([types(1), types(2), types(3), types(4)], [["0"], ["1"], ["2"], ["3"]]);
    assert_eq!(str_of(f(1), "gist.mode"), ["Q-mode"]);
    assert_eq!(str_of(f(2), "gist.mode"), ["D-mode"]);
    // The Response in frame 6 announces TCP 30000 (profile 1) and TLS over TCP 30001 (profile 2).
    assert_eq!(str_of(f(6), "gist.scd.port"), ["30000", "30001"]);
    assert_eq!(str_of(f(6), "gist.scd.announced"), ["TCP 10.98.0.2:30000", "TLS over TCP 10.98.0.2:30001"]);
    // Confirm and Data over the announced TCP connection, framed from the byte stream (G2, G3).
    assert_eq!(types(10), ["2"]);
    assert_eq!(types(12), ["3"]);
    assert_eq!(str_of(f(10), "gist.mode"), ["C-mode (TCP)"]);
    assert_eq!(f(12).find("gist.nslp_data").map(|n| n.value.clone()), Some(Value::Bytes(b"Hello World!".to_vec())));
    // The TLS connection on 30001 was announced as GIST over TLS: the engine expected TLS there.
    let b: std::net::IpAddr = "10.98.0.2".parse().unwrap();
    assert_eq!(d.st.app.expected.get(&(Transport::Tcp, b, 30000)), Some(&"gist"));
    assert_eq!(d.st.app.expected.get(&(Transport::Tcp, b, 30001)), Some(&"tls"));
    assert!(d.st.gist.tls_announced(b, 30001));
    assert!(f(21).find("tls").is_some());
    // Pairing: the Response in frame 2 answers the Query in frame 1; frame 6 answers 5.
    assert_eq!(str_of(f(2), "gist.response_to"), ["1"]);
    assert_eq!(str_of(f(6), "gist.response_to"), ["5"]);
    // The C-mode Confirm answers the Response that carried the Responder-Cookie.
    assert_eq!(str_of(f(10), "gist.response_to"), ["6"]);
}

#[test]
fn without_the_announcement_tcp_30000_is_data() {
    let Some(path) = capture() else { return };
    let reader = CaptureReader::open(path.to_str().unwrap()).expect("open");
    let mut d = Dissector::new(Config::default());
    // Skip the D-mode exchange: the connection alone is not GIST (no port, no heuristic).
    for f in reader {
        let f = f.expect("frame");
        if f.number < 7 {
            continue;
        }
        let p = d.dissect(f);
        if p.number == 10 {
            assert!(p.find("gist").is_none() && p.find("data").is_some());
        }
    }
}

#[test]
fn two_pass_response_in() {
    let Some(path) = capture() else { return };
    let (_, d) = dissect_all(&path);
    let mut d = d.second_pass();
    let reader = CaptureReader::open(path.to_str().unwrap()).expect("open");
    let ps: Vec<Packet> = reader.map(|f| d.dissect(f.expect("frame"))).collect();
    assert_eq!(str_of(&ps[0], "gist.response_in"), ["2"]);
    assert_eq!(str_of(&ps[4], "gist.response_in"), ["6"]);
}
