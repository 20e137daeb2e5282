//! The page's API, natively: indexing in steps, the packet list with and without a filter,
//! trees on demand in any order, single-message decoding.

use std::path::PathBuf;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use web::session::Session;

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("corpus").join(name)
}

fn index(s: &mut Session, filter: &str) -> web::session::Progress {
    s.start(filter).unwrap();
    loop {
        let p = s.step(7);
        if p.done {
            return p;
        }
    }
}

/// Every frame of the file, dissected in one pass as the CLI does.
fn reference(name: &str) -> Vec<dissect::Packet> {
    let path = corpus(name);
    let mut d = Dissector::new(Config::default());
    CaptureReader::open(path.to_str().unwrap()).unwrap().map(|f| d.dissect(f.unwrap())).collect()
}

#[test]
fn list_has_every_frame_in_order_with_the_cli_summaries() {
    for name in ["sctp-assoc.pcapng", "tcp-reorder.pcapng", "mixed-links.pcapng"] {
        let bytes = std::fs::read(corpus(name)).unwrap();
        let total = bytes.len() as u64;
        let mut s = Session::open(bytes, None).unwrap();
        let p = index(&mut s, "");
        let want = reference(name);
        assert_eq!(p.frames, want.len() as u64, "{name}");
        assert_eq!((p.offset, p.total, p.shown), (total, total, want.len() as u64), "{name}");
        let rows = s.rows(0, usize::MAX);
        assert_eq!(rows.len(), want.len());
        for (r, w) in rows.iter().zip(&want) {
            assert_eq!(r.number, w.number);
            assert_eq!(r.info, w.summary.info, "{name} frame {}", w.number);
            assert_eq!(r.protocol, w.summary.protocol);
            assert_eq!(r.length, w.orig_len);
        }
        // Paging.
        let page: Vec<u64> = s.rows(3, 4).iter().map(|r| r.number).collect();
        assert_eq!(page, vec![4, 5, 6, 7]);
        assert!(s.error().is_none());
    }
}

#[test]
fn trees_on_demand_equal_a_sequential_pass_in_any_order() {
    let name = "tcp-reorder.pcapng";
    let want = reference(name);
    let mut s = Session::open(std::fs::read(corpus(name)).unwrap(), None).unwrap();
    let n = want.len() as u64;
    // Forwards, backwards, jumps: each tree must be what a pass from the start gives.
    let order: Vec<u64> = (1..=n).chain((1..=n).rev()).chain([n / 2, 1, n, 2, n - 1]).collect();
    for k in order {
        let got = s.packet(k).unwrap();
        let w = &want[(k - 1) as usize];
        assert_eq!(web::json::packet(&got), web::json::packet(w), "frame {k}");
    }
    assert!(s.packet(0).is_err());
    assert!(s.packet(n + 1).unwrap_err().contains(&format!("there is no frame {}", n + 1)));
}

#[test]
fn filter_narrows_the_list_and_positions_follow() {
    let name = "sctp-assoc.pcapng";
    let want = reference(name);
    let f = dissect::filter::Filter::compile("sctp.chunk_type == 0").unwrap();
    let expect: Vec<u64> = want.iter().filter(|p| f.matches(p)).map(|p| p.number).collect();
    assert!(!expect.is_empty() && expect.len() < want.len());
    let mut s = Session::open(std::fs::read(corpus(name)).unwrap(), None).unwrap();
    let p = index(&mut s, "sctp.chunk_type == 0");
    assert_eq!(p.shown, expect.len() as u64);
    assert_eq!(p.frames, want.len() as u64);
    let got: Vec<u64> = s.rows(0, usize::MAX).iter().map(|r| r.number).collect();
    assert_eq!(got, expect);
    assert_eq!(s.position(expect[1]), Some(1));
    // A frame the filter hides has no position.
    let hidden = want.iter().map(|p| p.number).find(|n| !expect.contains(n)).unwrap();
    assert_eq!(s.position(hidden), None);
    // A bad filter is refused and the list stays.
    let e = s.start("sctp.chunk_type ==").unwrap_err();
    assert!(!e.is_empty());
    assert_eq!(s.rows(0, usize::MAX).len(), expect.len());
}

#[test]
fn expert_infos_are_grouped_with_first_frame() {
    // tcp-reorder has retransmissions and out-of-order segments: tshark's analysis experts.
    let name = "tcp-reorder.pcapng";
    let want = reference(name);
    let mut s = Session::open(std::fs::read(corpus(name)).unwrap(), None).unwrap();
    index(&mut s, "");
    let total: u64 = s.experts().iter().map(|e| e.count).sum();
    let expect: usize = want.iter().map(|p| p.experts.len()).sum();
    assert_eq!(total, expect as u64);
    assert!(total > 0);
    for e in s.experts() {
        let first = want.iter().find(|p| p.experts.iter().any(|x| x.message == e.message)).unwrap();
        assert_eq!(e.first_frame, first.number, "{}", e.message);
    }
}

#[test]
fn truncated_and_garbage_files() {
    assert!(Session::open(b"not a capture at all".to_vec(), None).is_err());
    let mut bytes = std::fs::read(corpus("sctp-assoc.pcapng")).unwrap();
    let full = reference("sctp-assoc.pcapng").len() as u64;
    bytes.truncate(bytes.len() - 10);
    let mut s = Session::open(bytes, None).unwrap();
    let p = index(&mut s, "");
    assert_eq!(p.frames, full - 1);
    let e = s.error().unwrap();
    assert!(e.contains("offset"), "{e}");
}

#[test]
fn json_tree_carries_fields_spans_and_buffers() {
    let mut s = Session::open(std::fs::read(corpus("sctp-assoc.pcapng")).unwrap(), None).unwrap();
    let p = s.packet(1).unwrap();
    let j = web::json::packet(&p);
    assert_eq!(j["n"], 1);
    assert_eq!(j["buffers"][0]["name"], "Frame");
    assert_eq!(j["buffers"][0]["hex"].as_str().unwrap().len(), p.buffers[0].data.len() * 2);
    // The SCTP source port: a field with its bytes.
    let sctp = j["tree"].as_array().unwrap().iter().find(|l| l["f"] == "sctp").unwrap();
    let port = sctp["c"].as_array().unwrap().iter().find(|n| n["f"] == "sctp.srcport").unwrap();
    let (s0, e0) = (port["s"].as_u64().unwrap() as usize, port["e"].as_u64().unwrap() as usize);
    assert_eq!(e0 - s0, 2);
    let v = u16::from_be_bytes([p.buffers[0].data[s0], p.buffers[0].data[s0 + 1]]);
    assert_eq!(port["v"], v.to_string());
}
