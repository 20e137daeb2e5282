//! Golden snapshots of `-V` and `-T json` for every capture in `corpus/`.
//!
//! The corpus is generated deterministically by `fuzzgen corpus --seed 1`, so these snapshots
//! change only when the dissector's output changes; every change is reviewed with `cargo insta`.
//! The values in them are cross-checked against tshark by `tshark_agreement.rs`.

mod common;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::output;

fn render(path: &std::path::Path) -> (String, String) {
    let reader = CaptureReader::open(path.to_str().unwrap()).expect("open corpus capture");
    let mut d = Dissector::new(Config::default());
    let mut text = Vec::new();
    let mut json = Vec::new();
    let mut jw = output::json::JsonWriter::new();
    for f in reader {
        let p = d.dissect(f.expect("corpus captures read to the end"));
        output::text::write_tree(&mut text, &p).unwrap();
        text.push(b'\n');
        jw.packet(&mut json, &p).unwrap();
    }
    jw.finish(&mut json).unwrap();
    (String::from_utf8(text).unwrap(), String::from_utf8(json).unwrap())
}

#[test]
fn corpus_tree_and_json() {
    let files = common::captures_in(&common::root().join("corpus"));
    assert!(!files.is_empty(), "corpus/ has no captures: run `cargo run -p fuzzgen -- corpus --out corpus --seed 1`");
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let (text, json) = render(&f);
        serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
        insta::assert_snapshot!(format!("{name}-V"), text);
        insta::assert_snapshot!(format!("{name}-json"), json);
    }
}
