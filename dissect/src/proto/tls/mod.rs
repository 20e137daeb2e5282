//! TLS (RFC 5246 for TLS 1.2, RFC 8446 for TLS 1.3, RFC 6066 for extensions): records,
//! handshake messages, alerts, and decryption from an NSS key log.
//!
//! - [`wire`]: the record header (RFC 5246 §6.2.1), [`Alert`]s (§7.2), every TLS 1.2 handshake
//!   message and the TLS 1.3 forms ([`Handshake`]), [`Extension`]s with an `Unknown` arm, the
//!   key exchange bodies ([`EcdheServerParams`], [`DheServerParams`],
//!   [`ClientKeyExchangeBody`]), the SSL 2.0 compatible ClientHello ([`Sslv2ClientHello`],
//!   RFC 5246 Appendix E.2); `parse_*` and `emit`, which writes back exactly what was read.
//! - [`dissect`]: the fields of one handshake message in tshark's layout (`tls.handshake.*`).
//! - [`conv`]: [`TlsConversation`], the per-connection [`StreamProtocol`](crate::stream::StreamProtocol)
//!   whose PDUs are records: handshake reassembly across records, the session (randoms, suite,
//!   version, ALPN, encrypt-then-MAC, MTA-TLS `data_multiplexing`), decryption, and the hand-off
//!   of decrypted application data to the protocol the handshake chose ([`AppChooser`]).
//! - [`crypto`]: the TLS 1.0/1.1 and TLS 1.2 PRFs and key block, TLS 1.3 HKDF-Expand-Label,
//!   AES-GCM, AES-CBC with HMAC (MAC-then-encrypt and encrypt-then-MAC, TLS 1.0 chained IVs),
//!   ChaCha20-Poly1305 (RustCrypto, pure Rust).
//! - [`keylog`]: the NSS key log.
//!
//! Not decrypted: SSL 3.0, RSA key exchange from a private key (only key logs are read),
//! 3DES, RC4, Camellia and other suites outside [`crypto::suite_crypto`] (a note says so).
//!
//! Build a record with a ClientHello and read it back:
//! ```
//! use dissect::proto::tls::{
//!     parse_handshake, parse_record, CipherSuite, ClientHello, ContentType, Extension, Handshake, ParseOptions,
//!     ProtocolVersion, Record,
//! };
//! let ch = Handshake::ClientHello(ClientHello {
//!     version: ProtocolVersion::TLS1_2,
//!     random: [7; 32],
//!     session_id: &[],
//!     cipher_suites: vec![CipherSuite::TLS_AES_128_GCM_SHA256],
//!     compression_methods: &[0],
//!     extensions: Some(vec![Extension::Alpn(vec![b"ctp/1"]), Extension::DataMultiplexing { ty: 0xff4d }]),
//! });
//! let body = ch.to_bytes();
//! let rec = Record { content_type: ContentType::HANDSHAKE, version: ProtocolVersion::TLS1_0, fragment: &body };
//! let bytes = rec.to_bytes();
//! let (r, rest) = parse_record(&bytes).unwrap();
//! assert!(rest.is_empty());
//! let (h, _) = parse_handshake(r.fragment, &ParseOptions::default()).unwrap();
//! assert_eq!(h, ch);
//! ```

pub mod conv;
pub mod crypto;
pub mod dissect;
pub mod hf;
pub mod keylog;
pub mod names;
pub mod wire;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use conv::{default_app, heuristic, new_conversation, AppChooser, Negotiated, TlsConversation};
pub use keylog::KeyLog;
pub use wire::*;

use crate::tree::FieldDef;

/// Every field the TLS layer can produce, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    hf::ALL.to_vec()
}

/// Per-capture TLS state: the key log, read once.
#[derive(Debug, Default)]
pub struct TlsState {
    keylog: Option<Result<Option<Arc<KeyLog>>, String>>,
}

impl TlsState {
    /// The key log of `cfg.keylog`, read on first use; `Ok(None)` when none is configured.
    pub fn keylog(&mut self, cfg: &crate::engine::Config) -> Result<Option<Arc<KeyLog>>, String> {
        self.keylog
            .get_or_insert_with(|| match &cfg.keylog {
                None => Ok(None),
                Some(p) => KeyLog::load(p).map(|k| Some(Arc::new(k))).map_err(|e| format!("{}: {e}", p.display())),
            })
            .clone()
    }

    /// Use this key log instead of reading `Config::keylog` (for callers without files, such as
    /// the browser build).
    pub fn set_keylog(&mut self, k: KeyLog) {
        self.keylog = Some(Ok(Some(Arc::new(k))));
    }
}
