//! The NSS key log (`SSLKEYLOGFILE`): one secret per line, `LABEL <client_random hex> <secret
//! hex>`. Labels used here: `CLIENT_RANDOM` (the TLS 1.2 master secret) and TLS 1.3's
//! `CLIENT_EARLY_TRAFFIC_SECRET`, `CLIENT_HANDSHAKE_TRAFFIC_SECRET`, `SERVER_HANDSHAKE_TRAFFIC_SECRET`,
//! `CLIENT_TRAFFIC_SECRET_0`, `SERVER_TRAFFIC_SECRET_0` (others, such as `EXPORTER_SECRET`, are
//! kept and ignored). Comment lines start with `#`; malformed lines are counted and skipped.

use std::collections::HashMap;

/// TLS 1.2 master secret.
pub const CLIENT_RANDOM: &str = "CLIENT_RANDOM";
/// TLS 1.3 0-RTT data (RFC 8446 §7.1 client_early_traffic_secret).
pub const CLIENT_EARLY_TRAFFIC_SECRET: &str = "CLIENT_EARLY_TRAFFIC_SECRET";
pub const CLIENT_HANDSHAKE_TRAFFIC_SECRET: &str = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
pub const SERVER_HANDSHAKE_TRAFFIC_SECRET: &str = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
pub const CLIENT_TRAFFIC_SECRET_0: &str = "CLIENT_TRAFFIC_SECRET_0";
pub const SERVER_TRAFFIC_SECRET_0: &str = "SERVER_TRAFFIC_SECRET_0";

/// Largest key log read (a log holds a few hundred bytes per connection).
pub const MAX_KEYLOG_BYTES: u64 = 64 << 20;
/// Longest secret accepted (SHA-384 secrets are 48 bytes).
const MAX_SECRET: usize = 64;

/// Secrets by label and client random.
#[derive(Debug, Clone, Default)]
pub struct KeyLog {
    secrets: HashMap<(String, [u8; 32]), Vec<u8>>,
    /// Lines that were neither comments, blank, nor `LABEL random secret`.
    pub bad_lines: usize,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

impl KeyLog {
    /// Read the text of a key log.
    pub fn parse(text: &str) -> KeyLog {
        let mut k = KeyLog::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split_ascii_whitespace();
            let (Some(label), Some(random), Some(secret), None) = (it.next(), it.next(), it.next(), it.next()) else {
                k.bad_lines += 1;
                continue;
            };
            let (Some(r), Some(s)) = (unhex(random), unhex(secret)) else {
                k.bad_lines += 1;
                continue;
            };
            let Ok(r) = <[u8; 32]>::try_from(r.as_slice()) else {
                k.bad_lines += 1;
                continue;
            };
            if s.is_empty() || s.len() > MAX_SECRET {
                k.bad_lines += 1;
                continue;
            }
            k.secrets.insert((label.to_string(), r), s);
        }
        k
    }

    /// Read a key log file (at most [`MAX_KEYLOG_BYTES`]).
    pub fn load(path: &std::path::Path) -> std::io::Result<KeyLog> {
        use std::io::Read;
        let f = std::fs::File::open(path)?;
        let mut buf = Vec::new();
        f.take(MAX_KEYLOG_BYTES).read_to_end(&mut buf)?;
        Ok(KeyLog::parse(&String::from_utf8_lossy(&buf)))
    }

    /// The secret logged under `label` for the connection with this client random.
    pub fn get(&self, label: &str, client_random: &[u8; 32]) -> Option<&[u8]> {
        self.secrets.get(&(label.to_string(), *client_random)).map(|v| v.as_slice())
    }

    /// Number of secrets.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_labels_and_skips_bad_lines() {
        let r = "11".repeat(32);
        let text = format!(
            "# comment\n\nCLIENT_RANDOM {r} {}\nCLIENT_TRAFFIC_SECRET_0 {r} {}\nCLIENT_RANDOM zz 00\nCLIENT_RANDOM {r}\n",
            "ab".repeat(48),
            "cd".repeat(32)
        );
        let k = KeyLog::parse(&text);
        assert_eq!(k.len(), 2);
        assert_eq!(k.bad_lines, 2);
        assert_eq!(k.get(CLIENT_RANDOM, &[0x11; 32]), Some(&[0xab; 48][..]));
        assert_eq!(k.get(CLIENT_TRAFFIC_SECRET_0, &[0x11; 32]), Some(&[0xcd; 32][..]));
        assert_eq!(k.get(CLIENT_RANDOM, &[0x12; 32]), None);
    }
}
