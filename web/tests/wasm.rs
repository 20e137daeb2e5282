//! The exported API compiled to WebAssembly and run by wasm-bindgen-test (headless, under
//! Node.js); `wasm_bindgen_tests.rs` runs these from `cargo test`.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const CAPTURE: &[u8] = include_bytes!("../../corpus/sctp-assoc.pcapng");

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

fn open(filter: &str) -> (web::Decoder, Value) {
    let Ok(mut d) = web::Decoder::new(CAPTURE.to_vec(), "") else { panic!("the corpus capture opens") };
    assert!(d.start(filter).is_ok());
    loop {
        let p = json(&d.step(10));
        if p["done"] == true {
            return (d, p);
        }
    }
}

#[wasm_bindgen_test]
fn lists_every_frame_and_pages() {
    let (d, p) = open("");
    let frames = p["frames"].as_u64().unwrap();
    assert!(frames > 10);
    assert_eq!(p["offset"], p["total"]);
    let rows = json(&d.rows(0, 100_000));
    assert_eq!(rows.as_array().map(Vec::len), Some(frames as usize));
    assert_eq!(rows[0]["n"], 1);
    assert_eq!(rows[0]["proto"], "SCTP");
    let page = json(&d.rows(2, 3));
    let nums: Vec<u64> = page.as_array().unwrap().iter().map(|r| r["n"].as_u64().unwrap()).collect();
    assert_eq!(nums, vec![3, 4, 5]);
}

#[wasm_bindgen_test]
fn filters_and_positions() {
    let (d, p) = open("sctp.chunk_type == 0");
    let shown = p["shown"].as_u64().unwrap();
    assert!(shown > 0 && shown < p["frames"].as_u64().unwrap());
    let rows = json(&d.rows(0, 100_000));
    for r in rows.as_array().unwrap() {
        assert!(r["info"].as_str().unwrap().contains("DATA"), "{r}");
    }
    let first = rows[0]["n"].as_u64().unwrap() as u32;
    assert_eq!(d.position(first), 0);
    assert_eq!(d.position(1), -1, "frame 1 is the INIT, hidden by the filter");
}

#[wasm_bindgen_test]
fn frame_tree_has_fields_with_spans_and_buffers() {
    let (mut d, _) = open("");
    let Ok(text) = d.frame(1) else { panic!("frame 1 dissects") };
    let f = json(&text);
    assert_eq!(f["n"], 1);
    let layers: Vec<&str> = f["tree"].as_array().unwrap().iter().map(|l| l["f"].as_str().unwrap()).collect();
    assert_eq!(layers, vec!["frame", "eth", "ip", "sctp"]);
    let hex = f["buffers"][0]["hex"].as_str().unwrap();
    assert_eq!(&hex[24..28], "0800", "the Ethernet type of an IPv4 frame");
    assert!(d.frame(100_000).is_err());
}

#[wasm_bindgen_test]
fn filter_check_and_message_decoding() {
    assert_eq!(web::check_filter("sctp.data_tsn > 3"), "");
    assert!(!web::check_filter("sctp.data_tsn >").is_empty());
    assert!(!web::check_filter("no.such.field").is_empty());
    let Ok(text) = web::decode_message("tls/tcp", "15 03 03 00 02 02 28") else { panic!("a TLS alert decodes") };
    let p = json(&text);
    assert_eq!(p["tree"][0]["f"], "tls");
    assert!(web::decode_message("nosuch/tcp", "00").is_err());
}
