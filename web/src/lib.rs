//! The browser decoder: the `dissect` library compiled to WebAssembly, exported to the page's
//! worker with wasm-bindgen. Everything crosses the boundary as JSON text (the page parses it),
//! so the same functions are tested natively.
//!
//! - [`Decoder`]: a capture opened from bytes with an optional key log; an indexing pass run in
//!   steps (so the worker can report progress), the packet list with a display filter and
//!   paging, one frame's tree with its buffers and expert infos on demand.
//! - [`check_filter`]: whether a display filter compiles, for the filter box as the user types.
//! - [`decode_message`]: one message given as hex, decoded as a chosen protocol.
#![forbid(unsafe_code)]

pub mod filter;
pub mod json;
pub mod session;

#[cfg(not(target_arch = "wasm32"))]
pub mod build;
#[cfg(not(target_arch = "wasm32"))]
pub mod serve;

use dissect::engine::{message_protocols, Config, Dissector, Transport};
use serde_json::json;
use wasm_bindgen::prelude::*;

use session::Session;

/// A capture opened in the page.
#[wasm_bindgen]
pub struct Decoder {
    session: Session,
}

#[wasm_bindgen]
impl Decoder {
    /// Open pcap or pcapng bytes; `keylog` is the text of an NSS key log (may be empty).
    #[wasm_bindgen(constructor)]
    pub fn new(data: Vec<u8>, keylog: &str) -> Result<Decoder, JsError> {
        Session::open(data, Some(keylog)).map(|session| Decoder { session }).map_err(|e| JsError::new(&e))
    }

    /// Start the indexing pass with a display filter (empty for none).
    pub fn start(&mut self, filter: &str) -> Result<(), JsError> {
        self.session.start(filter).map_err(|e| JsError::new(&e))
    }

    /// Index up to `budget` frames; returns the progress as JSON
    /// `{done, frames, offset, total, shown, error, warnings}`.
    pub fn step(&mut self, budget: u32) -> String {
        progress_json(&mut self.session, budget).to_string()
    }

    /// Rows of the list as a JSON array.
    pub fn rows(&self, offset: u32, limit: u32) -> String {
        rows_json(&self.session, offset as usize, limit as usize).to_string()
    }

    /// The list position of frame `number`, or -1 when the filter hides it.
    pub fn position(&self, number: u32) -> i32 {
        self.session.position(u64::from(number)).map_or(-1, |p| p as i32)
    }

    /// Frame `number` as JSON (tree, buffers, experts).
    pub fn frame(&mut self, number: u32) -> Result<String, JsError> {
        let p = self.session.packet(u64::from(number)).map_err(|e| JsError::new(&e))?;
        Ok(json::packet(&p).to_string())
    }

    /// Expert infos of the listed frames, grouped, as JSON.
    pub fn experts(&self) -> String {
        experts_json(&self.session).to_string()
    }
}

/// The progress report of [`Decoder::step`].
pub fn progress_json(s: &mut Session, budget: u32) -> serde_json::Value {
    let p = s.step(budget);
    json!({
        "done": p.done,
        "frames": p.frames,
        "offset": p.offset,
        "total": p.total,
        "shown": p.shown,
        "error": s.error(),
        "warnings": s.warnings(),
    })
}

/// The rows of [`Decoder::rows`].
pub fn rows_json(s: &Session, offset: usize, limit: usize) -> serde_json::Value {
    serde_json::Value::Array(s.rows(offset, limit.min(10_000)).into_iter().map(session::Row::to_json).collect())
}

/// The grouped expert infos of [`Decoder::experts`].
pub fn experts_json(s: &Session) -> serde_json::Value {
    serde_json::Value::Array(
        s.experts()
            .iter()
            .map(|e| {
                json!({
                    "severity": e.severity.name(),
                    "group": e.group,
                    "protocol": e.protocol,
                    "message": e.message,
                    "count": e.count,
                    "first": e.first_frame,
                })
            })
            .collect(),
    )
}

/// `""` when the display filter compiles, else the error line (with the position).
#[wasm_bindgen]
pub fn check_filter(expr: &str) -> String {
    filter::check(expr).unwrap_or_default()
}

/// The protocols [`decode_message`] knows, as a JSON array of `"name/transport"`.
#[wasm_bindgen]
pub fn message_protocol_names() -> String {
    serde_json::Value::Array(message_protocols().into_iter().map(|(n, t)| json!(protocol_key(n, t))).collect())
        .to_string()
}

fn protocol_key(name: &str, t: Transport) -> String {
    let t = match t {
        Transport::Tcp => "tcp",
        Transport::Udp => "udp",
        Transport::Sctp => "sctp",
    };
    format!("{name}/{t}")
}

/// Parse hex: pairs of digits, with any spaces, colons, dashes or newlines between them, and an
/// optional `0x` in front; a hex dump's offsets are not accepted.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim();
    let t = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    let digits: Vec<(usize, char)> =
        t.char_indices().filter(|(_, c)| !c.is_whitespace() && !matches!(c, ':' | '-' | '.')).collect();
    if let Some((i, c)) = digits.iter().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(format!("{c:?} at position {} is not a hex digit", i + 1));
    }
    if digits.len() % 2 != 0 {
        return Err(format!("{} hex digits: an odd number", digits.len()));
    }
    Ok(digits
        .chunks(2)
        .map(|p| {
            let hi = p[0].1.to_digit(16).unwrap_or(0);
            let lo = p[1].1.to_digit(16).unwrap_or(0);
            (hi * 16 + lo) as u8
        })
        .collect())
}

/// Decode one message given as hex as `protocol` (`"ctp/tcp"`, `"gist/udp"`, ... as
/// [`message_protocol_names`] lists them); returns the packet JSON of [`Decoder::frame`].
pub fn decode_message_json(protocol: &str, hex: &str) -> Result<serde_json::Value, String> {
    let data = parse_hex(hex)?;
    if data.is_empty() {
        return Err("no bytes to decode".into());
    }
    let (name, transport) = message_protocols()
        .into_iter()
        .find(|&(n, t)| protocol_key(n, t) == protocol)
        .ok_or_else(|| format!("unknown protocol {protocol:?}"))?;
    let mut d = Dissector::new(Config::default());
    let p = d.dissect_message(name, transport, &data)?;
    Ok(json::packet(&p))
}

/// [`decode_message_json`] for the page.
#[wasm_bindgen]
pub fn decode_message(protocol: &str, hex: &str) -> Result<String, JsError> {
    decode_message_json(protocol, hex).map(|v| v.to_string()).map_err(|e| JsError::new(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_input_forms() {
        assert_eq!(parse_hex("0a:0B-0c 0d\n0e.0f"), Ok(vec![10, 11, 12, 13, 14, 15]));
        assert_eq!(parse_hex("0x0102"), Ok(vec![1, 2]));
        assert_eq!(parse_hex("123"), Err("3 hex digits: an odd number".into()));
        assert_eq!(parse_hex("12zz"), Err("'z' at position 3 is not a hex digit".into()));
    }

    #[test]
    fn protocols_are_listed_with_their_transport() {
        let v: Vec<String> = serde_json::from_str(&message_protocol_names()).unwrap();
        assert!(v.contains(&"ctp/tcp".to_string()), "{v:?}");
        assert!(v.contains(&"tls/tcp".to_string()), "{v:?}");
    }

    #[test]
    fn decode_message_reports_unknown_protocols_and_bad_hex() {
        assert!(decode_message_json("nosuch/tcp", "00").unwrap_err().contains("unknown protocol"));
        assert!(decode_message_json("tls/tcp", "").unwrap_err().contains("no bytes"));
        // A TLS alert record (RFC 5246 §7.2: level 2 fatal, description 40 handshake_failure).
        let p = decode_message_json("tls/tcp", "15 03 03 00 02 02 28").unwrap();
        assert_eq!(p["tree"][0]["f"], "tls");
        assert_eq!(p["buffers"][0]["hex"], "15030300020228");
    }
}
