//! MTA-TLS inside real TLS: the committed recording `corpus/mtatls-tls.pcapng` and a fresh one
//! decrypt with their key logs, the TLS layer hands the decrypted streams to MTA-TLS because
//! both hellos carried `data_multiplexing` (M1), and every packet is read (M5) with the channels
//! the session was written to give (`EXPECTED`, whose numbers follow from the draft's
//! flow-control rules, M4).

mod common;

use std::path::Path;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::tree::Packet;
use fuzzgen::scenarios::mtatls::{tls_recording, CHANNEL, EXPECTED};

fn dissect(pcap: &Path, keys: &Path) -> Vec<Packet> {
    let mut d = Dissector::new(Config { keylog: Some(keys.to_path_buf()), ..Config::default() });
    CaptureReader::open(pcap.to_str().unwrap()).unwrap().map(|f| d.dissect(f.unwrap())).collect()
}

/// Two connections (TLS 1.2, then TLS 1.3), each the whole session: no malformed frame, the
/// window exhaustion as the only MTA-TLS expert, and the channels `-z mtatls,channels` lists.
fn check(ps: &[Packet], what: &str) {
    let mut layers = 0;
    let mut notes = Vec::new();
    for p in ps {
        assert!(!p.malformed, "{what}: frame {} malformed", p.number);
        assert!(
            p.experts.iter().all(|e| e.protocol != "tls" || e.severity < dissect::tree::Severity::Warning),
            "{what}: frame {}: {:?}",
            p.number,
            p.experts
        );
        layers += p.layers.iter().filter(|l| l.def.abbrev == "mtatls").count();
        notes.extend(p.experts.iter().filter(|e| e.protocol == "mtatls").map(|e| e.message.clone()));
    }
    // 15 packets per session, in 14 writes.
    assert_eq!(layers, 2 * 15, "{what}");
    assert_eq!(notes.len(), 2, "{what}: {notes:?}");
    assert!(notes.iter().all(|n| n.contains("exhausted")), "{what}: {notes:?}");
    let mut tap = dissect::stats::lookup("mtatls,channels").unwrap();
    for p in ps {
        tap.packet(p);
    }
    let j = tap.to_json();
    let conns = j["mtatls_channels"].as_array().unwrap();
    assert_eq!(conns.len(), 2, "{what}: {j}");
    for c in conns {
        let ch = &c["channels"];
        assert_eq!(ch.as_array().unwrap().len(), 2, "{what}: {j}");
        assert_eq!(ch[0]["channel_id"], format!("0x{CHANNEL:08x}"));
        assert_eq!(ch[0]["destination"], "db.internal.example:5432");
        assert_eq!(ch[0]["fate"], "closed");
        for (d, key) in ["initiator_to_responder", "responder_to_initiator"].into_iter().enumerate() {
            assert_eq!(ch[0][key]["bytes"], EXPECTED.bytes[d], "{what} {key}");
            assert_eq!(ch[0][key]["packets"], EXPECTED.packets[d], "{what} {key}");
            assert_eq!(ch[0][key]["window"], EXPECTED.initial_window[d], "{what} {key}");
            assert_eq!(ch[0][key]["window_now"], EXPECTED.window_left[d], "{what} {key}");
        }
        assert_eq!(ch[0]["initiator_to_responder"]["stalls"], 1);
        assert_eq!(ch[0]["initiator_to_responder"]["max_packet_length_now"], 4096);
        assert_eq!(ch[1]["sender_channel_id"], format!("0x{:04x}", EXPECTED.refused.0));
        assert_eq!(ch[1]["destination"], "10.1.2.3:22");
        assert_eq!(ch[1]["fate"], format!("refused: {}", EXPECTED.refused.1));
    }
}

#[test]
fn committed_recording_decrypts_and_dissects_the_session() {
    let dir = common::root().join("corpus");
    let (pcap, keys) = (dir.join("mtatls-tls.pcapng"), dir.join("mtatls-tls.keys"));
    assert!(pcap.is_file() && keys.is_file(), "run `cargo run -p fuzzgen -- record --out corpus`");
    check(&dissect(&pcap, &keys), "committed");
    // Without the key log nothing is decrypted, so there is no MTA-TLS at all.
    let mut d = Dissector::new(Config::default());
    for f in CaptureReader::open(pcap.to_str().unwrap()).unwrap() {
        assert!(d.dissect(f.unwrap()).layers.iter().all(|l| l.def.abbrev != "mtatls"));
    }
}

#[test]
fn a_fresh_recording_decrypts_and_dissects_the_session() {
    let rec = tls_recording(7).expect("record");
    let pcap = common::temp_path("mtatls-fresh.pcapng");
    let keys = common::temp_path("mtatls-fresh.keys");
    std::fs::write(&pcap, &rec.bytes).unwrap();
    std::fs::write(&keys, &rec.keylog).unwrap();
    check(&dissect(&pcap, &keys), "fresh");
}
