//! Display filter text through the lexer, parser and compiler: no string may panic or hang. A
//! filter that compiles is evaluated on a dissected TCP frame (which must not panic either); one
//! that does not is one line naming a column inside the text (or just past its end).
#![no_main]

use std::sync::OnceLock;

use dissect::capture::Frame;
use dissect::engine::{Config, Dissector};
use dissect::filter::Filter;
use dissect::tree::{FieldDef, Packet};
use libfuzzer_sys::fuzz_target;

fn glossary() -> &'static [&'static FieldDef] {
    static G: OnceLock<Vec<&'static FieldDef>> = OnceLock::new();
    G.get_or_init(dissect::fields::all)
}

/// Ethernet, IPv4, TCP with 4 bytes of payload.
fn packet() -> &'static Packet {
    static P: OnceLock<Packet> = OnceLock::new();
    P.get_or_init(|| {
        let mut data = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
        data.extend_from_slice(&[0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        data.extend_from_slice(&[0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
        data.extend_from_slice(b"GET ");
        let orig_len = data.len() as u32;
        let frame = Frame {
            number: 1,
            ts_sec: 1,
            ts_nsec: 0,
            linktype: 1,
            interface: 0,
            orig_len,
            data,
            comments: Vec::new(),
            file_offset: 0,
            ts_missing: false,
            pcapng: true,
        };
        Dissector::new(Config::default()).dissect(frame)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Filter::compile_with(text, glossary()) {
        Ok(f) => {
            let _ = f.matches(packet());
        }
        Err(e) => {
            assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "{text:?}: {e}");
            assert!(!e.to_string().contains('\n'), "{text:?}: {e}");
        }
    }
});
