//! The TLS recorder and the recorded corpus files: real OpenSSL sessions negotiate what they
//! are asked (version, suite, ALPN, a custom extension both ways), their key logs decrypt them,
//! and the dissector reads the committed recordings without a malformed frame.

mod common;

use std::net::{IpAddr, Ipv4Addr};

use dissect::capture::{CaptureReader, Frame as CapFrame};
use dissect::engine::{Config, Dissector};
use dissect::tree::{Packet, Value};
use fuzzgen::build::tcp::{TcpConfig, TcpConv};
use fuzzgen::build::tls::{connection_frames, CustomExt, Recording, TlsOptions, TlsRecorder, TlsVersion};
use fuzzgen::build::{Clock, Dir, Endpoint, IpOptions, Link};
use fuzzgen::pcap::Timestamp;

fn record(opts: &TlsOptions, script: &[(Dir, &[u8])]) -> Recording {
    let mut r = TlsRecorder::new(opts).expect("handshake");
    r.settle().unwrap();
    for (dir, data) in script {
        assert_eq!(r.write(*dir, data).unwrap(), *data);
    }
    r.finish().unwrap()
}

/// Dissect a recording laid out on TCP to port 443, with its key log.
fn dissect(rec: &Recording, name: &str) -> Vec<Packet> {
    let client = Endpoint::new([2, 0, 0, 0, 0, 1], IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 50000);
    let server = Endpoint::new([2, 0, 0, 0, 0, 2], IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)), 443);
    let cfg = TcpConfig {
        client_isn: 1000,
        server_isn: 5000,
        mss: 1460,
        window: 65535,
        link: Link::Ethernet,
        ip: IpOptions::default(),
        clock: Clock::new(Timestamp::new(1_700_000_000, 0), 1_000_000),
    };
    let frames = connection_frames(rec, TcpConv::new(client, server, cfg).unwrap()).unwrap();
    let keys = common::temp_path(name);
    std::fs::write(&keys, &rec.keylog).unwrap();
    let mut d = Dissector::new(Config { keylog: Some(keys), ..Config::default() });
    frames
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            d.dissect(CapFrame {
                number: i as u64 + 1,
                ts_sec: f.ts.sec as i64,
                ts_nsec: f.ts.nsec,
                linktype: 1,
                orig_len: f.data.len() as u32,
                data: f.data,
                ..Default::default()
            })
        })
        .collect()
}

fn bytes_of(ps: &[Packet], field: &str) -> Vec<Vec<u8>> {
    ps.iter()
        .flat_map(|p| p.values(field))
        .filter_map(|n| match &n.value {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn tls12_with_alpn_suite_and_a_custom_extension_both_ways() {
    let ext = CustomExt { ty: 0xff4d, client: vec![1, 2, 3], server: vec![9] };
    let opts = TlsOptions {
        version: TlsVersion::Tls12,
        cipher: Some("ECDHE-RSA-AES256-GCM-SHA384".into()),
        alpn: vec![b"x/0".to_vec(), b"ctp/1".to_vec()],
        custom_ext: Some(ext),
        server_name: Some("ctp.example".into()),
    };
    let rec = record(&opts, &[(Dir::ToServer, b"ping"), (Dir::ToClient, b"pong")]);
    assert_eq!(rec.version, "TLSv1.2");
    assert_eq!(rec.cipher.as_deref(), Some("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
    // The server takes the first protocol the client offers.
    assert_eq!(rec.alpn.as_deref(), Some(&b"x/0"[..]));
    assert_eq!(rec.custom_ext_seen, (Some(vec![1, 2, 3]), Some(vec![9])));
    assert!(rec.keylog.starts_with("CLIENT_RANDOM "), "{}", rec.keylog);
    assert_eq!(rec.writes.first().map(|w| w.0), Some(Dir::ToServer));
    // The dissector sees the extension both ways and decrypts the application data.
    let ps = dissect(&rec, "tls12.keys");
    let types: Vec<Value> =
        ps.iter().flat_map(|p| p.values("tls.handshake.extension.type")).map(|n| n.value.clone()).collect();
    assert_eq!(types.iter().filter(|v| **v == Value::UInt(0xff4d)).count(), 2, "{types:?}");
    assert!(ps.iter().all(|p| !p.malformed));
    let app: Vec<Vec<u8>> = bytes_of(&ps, "data.data");
    assert_eq!(app, vec![b"ping".to_vec(), b"pong".to_vec()]);
}

#[test]
fn tls13_with_chacha20_and_ctp_by_alpn() {
    let opts = TlsOptions {
        version: TlsVersion::Tls13,
        cipher: Some("TLS_CHACHA20_POLY1305_SHA256".into()),
        alpn: vec![b"ctp/1".to_vec()],
        ..TlsOptions::default()
    };
    let ping = dissect::proto::ctp::Frame::control(0, dissect::proto::ctp::Command::PING, vec![]).to_bytes();
    let rec = record(&opts, &[(Dir::ToServer, &ping), (Dir::ToClient, b"\x41\x01\x00\x00\x00\x00\x00\x04ACK ")]);
    assert_eq!(rec.version, "TLSv1.3");
    assert_eq!(rec.cipher.as_deref(), Some("TLS_CHACHA20_POLY1305_SHA256"));
    for label in ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0"] {
        assert!(rec.keylog.contains(label), "{label} missing:\n{}", rec.keylog);
    }
    let ps = dissect(&rec, "tls13.keys");
    let cmds: Vec<Value> = ps.iter().flat_map(|p| p.values("ctp.cmd")).map(|n| n.value.clone()).collect();
    assert_eq!(cmds, vec![Value::Str("PING".into()), Value::Str("ACK".into())]);
    assert!(ps.iter().all(|p| !p.malformed));
}

#[test]
fn a_custom_extension_the_client_does_not_send_is_not_answered() {
    let opts = TlsOptions { version: TlsVersion::Tls13, ..TlsOptions::default() };
    let rec = record(&opts, &[(Dir::ToClient, b"hello")]);
    assert_eq!(rec.custom_ext_seen, (None, None));
    assert_eq!(rec.alpn, None);
}

#[test]
fn committed_recordings_decrypt_and_dissect_cleanly() {
    for def in fuzzgen::record::RECORDED {
        let dir = common::root().join("corpus");
        let (pcap, keys) = (dir.join(def.name), dir.join(def.keys));
        assert!(pcap.is_file() && keys.is_file(), "{}: run `cargo run -p fuzzgen -- record --out corpus`", def.name);
        let mut d = Dissector::new(Config { keylog: Some(keys), ..Config::default() });
        let mut ctp = 0;
        for f in CaptureReader::open(pcap.to_str().unwrap()).unwrap() {
            let p = d.dissect(f.unwrap());
            assert!(!p.malformed, "{}: frame {} malformed", def.name, p.number);
            assert!(p.experts.iter().all(|e| e.protocol != "ctp"), "{}: frame {}", def.name, p.number);
            ctp += p.layers.iter().filter(|l| l.def.abbrev == "ctp").count();
        }
        if def.name == "ctp-tls.pcapng" {
            // Appendix A and B with CLVS: 12 CTP frames on each of the two connections.
            assert_eq!(ctp, 24, "{}", def.name);
        }
    }
}
