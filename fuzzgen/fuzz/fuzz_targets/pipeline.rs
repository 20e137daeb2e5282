//! Capture bytes through the whole pipeline to every output: no input may panic, hang or grow
//! memory without bound. The first byte picks the output kind; the rest is the capture file.
#![no_main]

use std::io::Cursor;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::output;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, file)) = data.split_first() else { return };
    let Ok(reader) = CaptureReader::new(Box::new(Cursor::new(file.to_vec()))) else { return };
    let mut d = Dissector::new(Config::default());
    let mut out = Vec::new();
    let mut json = output::json::JsonWriter::new();
    for (i, f) in reader.enumerate() {
        let Ok(f) = f else { break };
        if i > 10_000 {
            break;
        }
        let p = d.dissect(f);
        out.clear();
        match kind % 4 {
            0 => out.extend_from_slice(output::text::summary_line(&p).as_bytes()),
            1 => output::text::write_tree(&mut out, &p).unwrap(),
            2 => json.packet(&mut out, &p).unwrap(),
            _ => output::hex::write_hex(&mut out, &p).unwrap(),
        }
    }
});
