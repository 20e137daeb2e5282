//! Record protection: key derivation and decryption, pure Rust (RustCrypto), so the same code
//! runs in the browser.
//!
//! - TLS 1.0/1.1: the MD5/SHA-1 PRF (RFC 2246 §5), AES-CBC with HMAC-SHA-1, TLS 1.0's IV
//!   chained from the previous record (RFC 2246 §6.2.3.2), TLS 1.1's explicit IV.
//! - TLS 1.2: the PRF (RFC 5246 §5) with SHA-256 or SHA-384, the key block (§6.3), and
//!   AES-GCM (RFC 5288 §3), AES-CCM and CCM-8 (RFC 6655 §3), ChaCha20-Poly1305 (RFC 7905 §2),
//!   AES-CBC with HMAC
//!   (MAC-then-encrypt, RFC 5246 §6.2.3.2; encrypt-then-MAC, RFC 7366 §3).
//! - TLS 1.3: HKDF-Expand-Label (RFC 8446 §7.1), traffic keys (§7.3), the per-record nonce
//!   (§5.3), AEAD open with the record header as additional data and the inner content type
//!   (§5.2), key update (§7.2).

use aes::{Aes128, Aes256};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cbc::cipher::{block_padding::NoPadding, BlockDecryptMut, KeyIvInit};
use ccm::consts::{U12, U16, U8};
use ccm::Ccm;
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use super::wire::{CipherSuite, ContentType, ProtocolVersion};

/// A hash function of the PRF, HKDF or record MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    /// Only inside the TLS 1.0/1.1 PRF (RFC 2246 §5).
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl HashAlg {
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
        }
    }
}

/// HMAC over the concatenation of `parts`.
pub fn hmac(alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    macro_rules! run {
        ($h:ty) => {{
            // HMAC takes keys of any length.
            let Ok(mut m) = <Hmac<$h> as Mac>::new_from_slice(key) else { return Vec::new() };
            for p in parts {
                m.update(p);
            }
            m.finalize().into_bytes().to_vec()
        }};
    }
    match alg {
        HashAlg::Md5 => run!(md5::Md5),
        HashAlg::Sha1 => run!(Sha1),
        HashAlg::Sha256 => run!(Sha256),
        HashAlg::Sha384 => run!(Sha384),
    }
}

/// The TLS 1.2 PRF: `P_hash(secret, label + seed)` cut to `len` bytes (RFC 5246 §5).
pub fn prf(alg: HashAlg, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + alg.output_len());
    let mut a = hmac(alg, secret, &[label, seed]);
    while out.len() < len {
        out.extend_from_slice(&hmac(alg, secret, &[&a, label, seed]));
        a = hmac(alg, secret, &[&a]);
    }
    out.truncate(len);
    out
}

/// The TLS 1.0/1.1 PRF: `P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed)`, S1 and S2 the
/// two halves of the secret, sharing the middle byte when its length is odd (RFC 2246 §5,
/// RFC 4346 §5).
pub fn prf10(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let half = secret.len().div_ceil(2);
    let s1 = &secret[..half];
    let s2 = &secret[secret.len() - half..];
    let a = prf(HashAlg::Md5, s1, label, seed, len);
    let b = prf(HashAlg::Sha1, s2, label, seed, len);
    a.iter().zip(&b).map(|(x, y)| x ^ y).collect()
}

/// HKDF-Expand-Label (RFC 8446 §7.1): `HKDF-Expand(secret, HkdfLabel, len)` with the label
/// prefixed by "tls13 ".
pub fn hkdf_expand_label(alg: HashAlg, secret: &[u8], label: &[u8], context: &[u8], len: usize) -> Option<Vec<u8>> {
    let full_len = 6 + label.len();
    if len > 0xffff || full_len > 255 || context.len() > 255 {
        return None;
    }
    let mut info = Vec::with_capacity(4 + full_len + context.len());
    info.extend_from_slice(&(len as u16).to_be_bytes());
    info.push(full_len as u8);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(context.len() as u8);
    info.extend_from_slice(context);
    let mut okm = vec![0u8; len];
    let ok = match alg {
        HashAlg::Sha256 => hkdf::Hkdf::<Sha256>::from_prk(secret).ok()?.expand(&info, &mut okm).is_ok(),
        HashAlg::Sha384 => hkdf::Hkdf::<Sha384>::from_prk(secret).ok()?.expand(&info, &mut okm).is_ok(),
        HashAlg::Sha1 | HashAlg::Md5 => return None,
    };
    ok.then_some(okm)
}

/// A bulk cipher this module decrypts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkCipher {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    Aes128Cbc,
    Aes256Cbc,
    /// AES-CCM with a 16-byte tag (RFC 6655 §3).
    Aes128Ccm,
    Aes256Ccm,
    /// AES-CCM with an 8-byte tag (RFC 6655 §3, `_CCM_8` suites).
    Aes128Ccm8,
    Aes256Ccm8,
}

impl BulkCipher {
    pub fn key_len(self) -> usize {
        match self {
            BulkCipher::Aes128Gcm | BulkCipher::Aes128Cbc | BulkCipher::Aes128Ccm | BulkCipher::Aes128Ccm8 => 16,
            BulkCipher::Aes256Gcm
            | BulkCipher::Aes256Cbc
            | BulkCipher::ChaCha20Poly1305
            | BulkCipher::Aes256Ccm
            | BulkCipher::Aes256Ccm8 => 32,
        }
    }
    /// Bytes of the implicit IV from the key block (RFC 5288 §3, RFC 6655 §3: 4 for GCM and CCM; RFC 7905: 12 for
    /// ChaCha20-Poly1305; RFC 5246 §6.3: 16 for CBC, unused since TLS 1.1 sends the IV).
    fn fixed_iv_len(self) -> usize {
        match self {
            BulkCipher::Aes128Gcm
            | BulkCipher::Aes256Gcm
            | BulkCipher::Aes128Ccm
            | BulkCipher::Aes256Ccm
            | BulkCipher::Aes128Ccm8
            | BulkCipher::Aes256Ccm8 => 4,
            BulkCipher::ChaCha20Poly1305 => 12,
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => 16,
        }
    }
    pub fn is_aead(self) -> bool {
        !matches!(self, BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc)
    }
    /// Bytes of the AEAD tag (8 for CCM-8, 16 otherwise).
    pub fn tag_len(self) -> usize {
        match self {
            BulkCipher::Aes128Ccm8 | BulkCipher::Aes256Ccm8 => 8,
            _ => TAG_LEN,
        }
    }
    /// Whether records carry an 8-byte explicit nonce (GCM and CCM in TLS 1.2, RFC 5288 §3,
    /// RFC 6655 §3).
    fn explicit_nonce(self) -> bool {
        !matches!(self, BulkCipher::ChaCha20Poly1305 | BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc)
    }
}

/// What decryption needs to know of a cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteCrypto {
    pub cipher: BulkCipher,
    /// Record MAC of CBC suites; `None` for AEAD suites.
    pub mac: Option<HashAlg>,
    /// PRF hash (TLS 1.2) or HKDF hash (TLS 1.3).
    pub prf: HashAlg,
}

/// The protection of a suite, read from its IANA name; `None` for suites this module does not
/// decrypt (3DES, RC4, NULL, export, Camellia, ...). CCM suites of TLS 1.2 name no hash: their
/// PRF is SHA-256 (RFC 6655 §3, RFC 7251 §2).
pub fn suite_crypto(suite: CipherSuite) -> Option<SuiteCrypto> {
    let name = suite.name()?;
    let (_, tail) = name.split_once("_WITH_").unwrap_or(("", name.strip_prefix("TLS_")?));
    let ccm = [
        ("AES_128_CCM_8", BulkCipher::Aes128Ccm8),
        ("AES_256_CCM_8", BulkCipher::Aes256Ccm8),
        ("AES_128_CCM", BulkCipher::Aes128Ccm),
        ("AES_256_CCM", BulkCipher::Aes256Ccm),
    ];
    for (p, cipher) in ccm {
        match tail.strip_prefix(p) {
            Some("") | Some("_SHA256") => return Some(SuiteCrypto { cipher, mac: None, prf: HashAlg::Sha256 }),
            Some("_SHA384") => return Some(SuiteCrypto { cipher, mac: None, prf: HashAlg::Sha384 }),
            _ => {}
        }
    }
    let (cipher, mac_part) = if let Some(m) = tail.strip_prefix("AES_128_GCM_") {
        (BulkCipher::Aes128Gcm, m)
    } else if let Some(m) = tail.strip_prefix("AES_256_GCM_") {
        (BulkCipher::Aes256Gcm, m)
    } else if let Some(m) = tail.strip_prefix("CHACHA20_POLY1305_") {
        (BulkCipher::ChaCha20Poly1305, m)
    } else if let Some(m) = tail.strip_prefix("AES_128_CBC_") {
        (BulkCipher::Aes128Cbc, m)
    } else if let Some(m) = tail.strip_prefix("AES_256_CBC_") {
        (BulkCipher::Aes256Cbc, m)
    } else {
        return None;
    };
    let h = match mac_part {
        "SHA" => HashAlg::Sha1,
        "SHA256" => HashAlg::Sha256,
        "SHA384" => HashAlg::Sha384,
        _ => return None,
    };
    if cipher.is_aead() {
        if h == HashAlg::Sha1 {
            return None;
        }
        Some(SuiteCrypto { cipher, mac: None, prf: h })
    } else {
        // RFC 5246 §5: suites name SHA-384 when their PRF uses it; all others use SHA-256.
        let prf = if h == HashAlg::Sha384 { HashAlg::Sha384 } else { HashAlg::Sha256 };
        Some(SuiteCrypto { cipher, mac: Some(h), prf })
    }
}

/// Why a record did not decrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("record too short for its protection ({0} bytes)")]
    TooShort(usize),
    #[error("authentication tag mismatch (wrong key or corrupted record)")]
    BadTag,
    #[error("CBC record is not a whole number of blocks")]
    NotBlocks,
    #[error("bad CBC padding")]
    BadPadding,
    #[error("record MAC mismatch")]
    BadMac,
    #[error("TLS 1.3 plaintext holds no content type")]
    NoContentType,
    #[error("plaintext longer than 2^14 + 256 bytes")]
    TooLong,
}

/// A decrypted record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plaintext {
    pub data: Vec<u8>,
    /// The content type: the record's own in TLS 1.2, the inner one in TLS 1.3.
    pub content_type: ContentType,
    /// TLS 1.3 padding bytes stripped after the content type.
    pub padding: usize,
}

/// One direction's read state: keys, sequence number, and how records are protected.
#[derive(Clone)]
pub struct RecordCipher {
    cipher: BulkCipher,
    key: Vec<u8>,
    iv: Vec<u8>,
    mac_key: Vec<u8>,
    mac: Option<HashAlg>,
    /// Encrypt-then-MAC negotiated (RFC 7366).
    etm: bool,
    /// TLS 1.3: the traffic secret and its hash, for key updates.
    tls13: Option<(HashAlg, Vec<u8>)>,
    /// TLS 1.0 CBC: the IV of the next record, the last ciphertext block of the previous one
    /// (RFC 2246 §6.2.3.2); `None` where records carry their IV (TLS 1.1 and later).
    chain_iv: Option<Vec<u8>>,
    seq: u64,
}

impl std::fmt::Debug for RecordCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordCipher")
            .field("cipher", &self.cipher)
            .field("mac", &self.mac)
            .field("etm", &self.etm)
            .field("tls13", &self.tls13.is_some())
            .field("seq", &self.seq)
            .finish()
    }
}

const TAG_LEN: usize = 16;
const BLOCK: usize = 16;
const GCM_EXPLICIT_NONCE: usize = 8;

impl RecordCipher {
    /// TLS 1.2 read keys for one side (`client`: records the client sent) from the master
    /// secret (RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion",
    /// server_random + client_random)).
    pub fn tls12(
        sc: SuiteCrypto,
        master_secret: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        client: bool,
        etm: bool,
    ) -> RecordCipher {
        let mac_len = sc.mac.map_or(0, HashAlg::output_len);
        let key_len = sc.cipher.key_len();
        let iv_len = sc.cipher.fixed_iv_len();
        let mut seed = Vec::with_capacity(64);
        seed.extend_from_slice(server_random);
        seed.extend_from_slice(client_random);
        let kb = prf(sc.prf, master_secret, b"key expansion", &seed, 2 * (mac_len + key_len + iv_len));
        let part = |start: usize, len: usize| kb.get(start..start + len).unwrap_or(&[]).to_vec();
        let (mac_at, key_at, iv_at) = if client {
            (0, 2 * mac_len, 2 * mac_len + 2 * key_len)
        } else {
            (mac_len, 2 * mac_len + key_len, 2 * mac_len + 2 * key_len + iv_len)
        };
        RecordCipher {
            cipher: sc.cipher,
            key: part(key_at, key_len),
            iv: part(iv_at, iv_len),
            mac_key: part(mac_at, mac_len),
            mac: sc.mac,
            etm: etm && !sc.cipher.is_aead(),
            tls13: None,
            chain_iv: None,
            seq: 0,
        }
    }

    /// TLS 1.0 or 1.1 read keys for one side, for the CBC suites with HMAC-SHA-1: the key block
    /// from the MD5/SHA-1 PRF (RFC 2246 §6.3, RFC 4346 §6.3); TLS 1.0 chains IVs across
    /// records. `None` for other suites (AEAD and SHA-2 suites are TLS 1.2 only).
    pub fn tls10(
        sc: SuiteCrypto,
        master_secret: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        client: bool,
        etm: bool,
        version: ProtocolVersion,
    ) -> Option<RecordCipher> {
        if sc.cipher.is_aead() || sc.mac != Some(HashAlg::Sha1) {
            return None;
        }
        let (mac_len, key_len, iv_len) = (20, sc.cipher.key_len(), BLOCK);
        let mut seed = Vec::with_capacity(64);
        seed.extend_from_slice(server_random);
        seed.extend_from_slice(client_random);
        let kb = prf10(master_secret, b"key expansion", &seed, 2 * (mac_len + key_len + iv_len));
        let part = |start: usize, len: usize| kb.get(start..start + len).unwrap_or(&[]).to_vec();
        let (mac_at, key_at, iv_at) = if client {
            (0, 2 * mac_len, 2 * mac_len + 2 * key_len)
        } else {
            (mac_len, 2 * mac_len + key_len, 2 * mac_len + 2 * key_len + iv_len)
        };
        let iv = part(iv_at, iv_len);
        Some(RecordCipher {
            cipher: sc.cipher,
            key: part(key_at, key_len),
            chain_iv: (version == ProtocolVersion::TLS1_0).then(|| iv.clone()),
            iv,
            mac_key: part(mac_at, mac_len),
            mac: sc.mac,
            etm,
            tls13: None,
            seq: 0,
        })
    }

    /// TLS 1.3 keys from a traffic secret (RFC 8446 §7.3). `None` for a suite without AEAD
    /// support here.
    pub fn tls13(sc: SuiteCrypto, secret: &[u8]) -> Option<RecordCipher> {
        if !sc.cipher.is_aead() {
            return None;
        }
        let key = hkdf_expand_label(sc.prf, secret, b"key", b"", sc.cipher.key_len())?;
        let iv = hkdf_expand_label(sc.prf, secret, b"iv", b"", 12)?;
        Some(RecordCipher {
            cipher: sc.cipher,
            key,
            iv,
            mac_key: Vec::new(),
            mac: None,
            etm: false,
            tls13: Some((sc.prf, secret.to_vec())),
            chain_iv: None,
            seq: 0,
        })
    }

    /// After a KeyUpdate: the next generation of TLS 1.3 traffic keys (RFC 8446 §7.2).
    pub fn updated(&self) -> Option<RecordCipher> {
        let (h, secret) = self.tls13.as_ref()?;
        let next = hkdf_expand_label(*h, secret, b"traffic upd", b"", h.output_len())?;
        RecordCipher::tls13(SuiteCrypto { cipher: self.cipher, mac: None, prf: *h }, &next)
    }

    /// Sequence number of the next record.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Set the sequence number of the next record: DTLS records carry theirs, epoch and
    /// sequence number together being the 64-bit number of the MAC and AEAD additional data
    /// (RFC 6347 §4.1.2.1).
    pub fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }

    pub fn is_tls13(&self) -> bool {
        self.tls13.is_some()
    }

    /// Decrypt one record's fragment (`ct` and `version` from its header). The sequence number
    /// advances whether or not it succeeds.
    pub fn decrypt(
        &mut self,
        ct: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
    ) -> Result<Plaintext, DecryptError> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        if self.tls13.is_some() {
            return self.open13(seq, ct, version, fragment);
        }
        match self.cipher {
            c if c.explicit_nonce() => {
                // RFC 5288 §3, RFC 6655 §3: nonce = salt (4) || explicit nonce (8) sent in the
                // record.
                let tag = c.tag_len();
                if fragment.len() < GCM_EXPLICIT_NONCE + tag {
                    return Err(DecryptError::TooShort(fragment.len()));
                }
                let (explicit, body) = fragment.split_at(GCM_EXPLICIT_NONCE);
                let mut nonce = [0u8; 12];
                nonce[..4].copy_from_slice(self.iv.get(..4).unwrap_or(&[0; 4]));
                nonce[4..].copy_from_slice(explicit);
                let aad = aad12(seq, ct, version, body.len() - tag);
                let data = self.aead_open(&nonce, &aad, body)?;
                Ok(Plaintext { data, content_type: ct, padding: 0 })
            }
            BulkCipher::ChaCha20Poly1305 => {
                if fragment.len() < TAG_LEN {
                    return Err(DecryptError::TooShort(fragment.len()));
                }
                let nonce = self.nonce_xor(seq);
                let aad = aad12(seq, ct, version, fragment.len() - TAG_LEN);
                let data = self.aead_open(&nonce, &aad, fragment)?;
                Ok(Plaintext { data, content_type: ct, padding: 0 })
            }
            _ => self.open_cbc(seq, ct, version, fragment),
        }
    }

    /// The per-record nonce of RFC 8446 §5.3 and RFC 7905 §2: the IV XOR the padded sequence
    /// number.
    fn nonce_xor(&self, seq: u64) -> [u8; 12] {
        let mut n = [0u8; 12];
        for (i, b) in n.iter_mut().enumerate() {
            *b = self.iv.get(i).copied().unwrap_or(0);
        }
        for (i, b) in seq.to_be_bytes().iter().enumerate() {
            n[4 + i] ^= b;
        }
        n
    }

    fn aead_open(&self, nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let payload = Payload { msg: ct, aad };
        let nonce = aes_gcm::Nonce::from_slice(nonce);
        let r = match self.cipher {
            BulkCipher::Aes128Gcm => Aes128Gcm::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload)),
            BulkCipher::Aes256Gcm => Aes256Gcm::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload)),
            BulkCipher::ChaCha20Poly1305 => {
                ChaCha20Poly1305::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload))
            }
            BulkCipher::Aes128Ccm => {
                Ccm::<Aes128, U16, U12>::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload))
            }
            BulkCipher::Aes256Ccm => {
                Ccm::<Aes256, U16, U12>::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload))
            }
            BulkCipher::Aes128Ccm8 => {
                Ccm::<Aes128, U8, U12>::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload))
            }
            BulkCipher::Aes256Ccm8 => {
                Ccm::<Aes256, U8, U12>::new_from_slice(&self.key).map(|c| c.decrypt(nonce, payload))
            }
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => return Err(DecryptError::BadTag),
        };
        match r {
            Ok(Ok(v)) => Ok(v),
            _ => Err(DecryptError::BadTag),
        }
    }

    /// RFC 8446 §5.2: additional data is the record header; the plaintext ends with the real
    /// content type and zero padding.
    fn open13(
        &self,
        seq: u64,
        ct: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
    ) -> Result<Plaintext, DecryptError> {
        if fragment.len() < self.cipher.tag_len() + 1 {
            return Err(DecryptError::TooShort(fragment.len()));
        }
        let len = u16::try_from(fragment.len()).map_err(|_| DecryptError::TooLong)?;
        let mut aad = [0u8; 5];
        aad[0] = ct.0;
        aad[1..3].copy_from_slice(&version.0.to_be_bytes());
        aad[3..5].copy_from_slice(&len.to_be_bytes());
        let mut data = self.aead_open(&self.nonce_xor(seq), &aad, fragment)?;
        let Some(pos) = data.iter().rposition(|&b| b != 0) else { return Err(DecryptError::NoContentType) };
        let padding = data.len() - pos - 1;
        let inner = ContentType(data[pos]);
        data.truncate(pos);
        if data.len() > (1 << 14) + 256 {
            return Err(DecryptError::TooLong);
        }
        Ok(Plaintext { data, content_type: inner, padding })
    }

    /// AES-CBC with HMAC: MAC-then-encrypt (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366
    /// §3). The IV is the first block of the fragment (TLS 1.1 and later).
    fn open_cbc(
        &mut self,
        seq: u64,
        ct: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
    ) -> Result<Plaintext, DecryptError> {
        let mac = self.mac.unwrap_or(HashAlg::Sha1);
        let mac_len = mac.output_len();
        let (enc, tag) = if self.etm {
            if fragment.len() < mac_len + 2 * BLOCK {
                return Err(DecryptError::TooShort(fragment.len()));
            }
            let (enc, tag) = fragment.split_at(fragment.len() - mac_len);
            let want = hmac(
                mac,
                &self.mac_key,
                &[&seq.to_be_bytes(), &[ct.0], &version.0.to_be_bytes(), &(enc.len() as u16).to_be_bytes(), enc],
            );
            if want.as_slice() != tag {
                return Err(DecryptError::BadMac);
            }
            (enc, Some(tag))
        } else {
            (fragment, None)
        };
        let chained = self.chain_iv.is_some();
        if enc.len() < if chained { BLOCK } else { 2 * BLOCK } {
            return Err(DecryptError::TooShort(fragment.len()));
        }
        if enc.len() % BLOCK != 0 {
            return Err(DecryptError::NotBlocks);
        }
        let chain_next = enc[enc.len() - BLOCK..].to_vec();
        let (iv, body) = match self.chain_iv.replace(chain_next) {
            Some(prev) => (prev, enc),
            None => {
                let (iv, body) = enc.split_at(BLOCK);
                (iv.to_vec(), body)
            }
        };
        // A TLS 1.1+ cipher keeps no chain.
        if !chained {
            self.chain_iv = None;
        }
        let iv = iv.as_slice();
        let mut buf = body.to_vec();
        let ok = match self.cipher {
            BulkCipher::Aes128Cbc => cbc::Decryptor::<Aes128>::new_from_slices(&self.key, iv)
                .ok()
                .and_then(|d| d.decrypt_padded_mut::<NoPadding>(&mut buf).ok().map(|_| ())),
            BulkCipher::Aes256Cbc => cbc::Decryptor::<Aes256>::new_from_slices(&self.key, iv)
                .ok()
                .and_then(|d| d.decrypt_padded_mut::<NoPadding>(&mut buf).ok().map(|_| ())),
            _ => None,
        };
        if ok.is_none() {
            return Err(DecryptError::NotBlocks);
        }
        // Padding: `padding_length + 1` bytes, each holding padding_length (RFC 5246 §6.2.3.2).
        let Some(&pad) = buf.last() else { return Err(DecryptError::BadPadding) };
        let pad_total = pad as usize + 1;
        let need = pad_total + if tag.is_some() { 0 } else { mac_len };
        if buf.len() < need || !buf[buf.len() - pad_total..].iter().all(|&b| b == pad) {
            return Err(DecryptError::BadPadding);
        }
        buf.truncate(buf.len() - pad_total);
        if tag.is_none() {
            let plain_len = buf.len() - mac_len;
            let want = hmac(
                mac,
                &self.mac_key,
                &[
                    &seq.to_be_bytes(),
                    &[ct.0],
                    &version.0.to_be_bytes(),
                    &(plain_len as u16).to_be_bytes(),
                    &buf[..plain_len],
                ],
            );
            if want.as_slice() != &buf[plain_len..] {
                return Err(DecryptError::BadMac);
            }
            buf.truncate(plain_len);
        }
        Ok(Plaintext { data: buf, content_type: ct, padding: 0 })
    }
}

/// TLS 1.2 AEAD additional data: seq_num + type + version + length (RFC 5246 §6.2.3.3).
fn aad12(seq: u64, ct: ContentType, version: ProtocolVersion, len: usize) -> [u8; 13] {
    let mut a = [0u8; 13];
    a[..8].copy_from_slice(&seq.to_be_bytes());
    a[8] = ct.0;
    a[9..11].copy_from_slice(&version.0.to_be_bytes());
    a[11..13].copy_from_slice(&(len.min(0xffff) as u16).to_be_bytes());
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_map_to_their_protection() {
        let s = |c: u16| suite_crypto(CipherSuite(c));
        assert_eq!(s(0x1301), Some(SuiteCrypto { cipher: BulkCipher::Aes128Gcm, mac: None, prf: HashAlg::Sha256 }));
        assert_eq!(s(0x1302), Some(SuiteCrypto { cipher: BulkCipher::Aes256Gcm, mac: None, prf: HashAlg::Sha384 }));
        assert_eq!(
            s(0x1303),
            Some(SuiteCrypto { cipher: BulkCipher::ChaCha20Poly1305, mac: None, prf: HashAlg::Sha256 })
        );
        assert_eq!(s(0xc030), Some(SuiteCrypto { cipher: BulkCipher::Aes256Gcm, mac: None, prf: HashAlg::Sha384 }));
        assert_eq!(
            s(0xc013),
            Some(SuiteCrypto { cipher: BulkCipher::Aes128Cbc, mac: Some(HashAlg::Sha1), prf: HashAlg::Sha256 })
        );
        assert_eq!(
            s(0xc028),
            Some(SuiteCrypto { cipher: BulkCipher::Aes256Cbc, mac: Some(HashAlg::Sha384), prf: HashAlg::Sha384 })
        );
        assert_eq!(
            s(0xcca8),
            Some(SuiteCrypto { cipher: BulkCipher::ChaCha20Poly1305, mac: None, prf: HashAlg::Sha256 })
        );
        assert_eq!(s(0x000a), None); // 3DES
        assert_eq!(s(0xc0ac), Some(SuiteCrypto { cipher: BulkCipher::Aes128Ccm, mac: None, prf: HashAlg::Sha256 }));
        assert_eq!(s(0xc0ff), Some(SuiteCrypto { cipher: BulkCipher::Aes128Ccm8, mac: None, prf: HashAlg::Sha256 }));
        assert_eq!(s(0x1305), Some(SuiteCrypto { cipher: BulkCipher::Aes128Ccm8, mac: None, prf: HashAlg::Sha256 }));
    }

    #[test]
    fn prf_is_deterministic_and_cut() {
        let a = prf(HashAlg::Sha256, b"secret", b"label", b"seed", 100);
        let b = prf(HashAlg::Sha256, b"secret", b"label", b"seed", 40);
        assert_eq!(a.len(), 100);
        assert_eq!(&a[..40], &b[..]);
        // First block: HMAC(secret, A(1) + label + seed), A(1) = HMAC(secret, label + seed).
        let a1 = hmac(HashAlg::Sha256, b"secret", &[b"labelseed"]);
        assert_eq!(&a[..32], &hmac(HashAlg::Sha256, b"secret", &[&a1, b"labelseed"])[..]);
    }

    /// Every protection, fed arbitrary fragments: an error or plaintext, never a panic.
    #[test]
    fn arbitrary_fragments_never_panic() {
        use proptest::prelude::*;
        let suites = [0x1301u16, 0x1302, 0x1303, 0xc02f, 0xc030, 0xcca8, 0xc013, 0xc014, 0xc027, 0xc028];
        proptest!(|(frag in prop::collection::vec(any::<u8>(), 0..200), etm in any::<bool>(), ct in any::<u8>())| {
            for &cs in &suites {
                let sc = suite_crypto(CipherSuite(cs)).unwrap();
                let mut ciphers = vec![RecordCipher::tls12(sc, &[1; 48], &[2; 32], &[3; 32], true, etm)];
                ciphers.extend(RecordCipher::tls13(sc, &[4; 32]));
                ciphers.extend(RecordCipher::tls10(sc, &[1; 48], &[2; 32], &[3; 32], false, etm, ProtocolVersion::TLS1_0));
                for mut c in ciphers {
                    let _ = c.decrypt(ContentType(ct), ProtocolVersion::TLS1_2, &frag);
                    let _ = c.decrypt(ContentType(ct), ProtocolVersion::TLS1_2, &frag);
                }
            }
        });
    }

    #[test]
    fn prf10_xors_md5_and_sha1_halves() {
        // RFC 2246 §5: an odd-length secret's halves share the middle byte.
        let secret = [1u8, 2, 3, 4, 5];
        let out = prf10(&secret, b"l", b"s", 40);
        let a = prf(HashAlg::Md5, &secret[..3], b"l", b"s", 40);
        let b = prf(HashAlg::Sha1, &secret[2..], b"l", b"s", 40);
        assert_eq!(out, a.iter().zip(&b).map(|(x, y)| x ^ y).collect::<Vec<_>>());
        assert_eq!(hmac(HashAlg::Md5, b"k", &[b"x"]).len(), 16);
    }

    #[test]
    fn tls13_record_round_trip_with_inner_type() {
        // Seal with the AEAD directly, open with RecordCipher.
        let sc = suite_crypto(CipherSuite(0x1301)).unwrap();
        let mut rc = RecordCipher::tls13(sc, &[7u8; 32]).unwrap();
        let key = hkdf_expand_label(HashAlg::Sha256, &[7u8; 32], b"key", b"", 16).unwrap();
        let iv = hkdf_expand_label(HashAlg::Sha256, &[7u8; 32], b"iv", b"", 12).unwrap();
        let mut inner = b"hello".to_vec();
        inner.push(23);
        inner.extend_from_slice(&[0, 0]);
        let len = (inner.len() + 16) as u16;
        let aad = [23, 3, 3, (len >> 8) as u8, len as u8];
        let c = Aes128Gcm::new_from_slice(&key).unwrap();
        let sealed = c.encrypt(aes_gcm::Nonce::from_slice(&iv), Payload { msg: &inner, aad: &aad }).unwrap();
        let p = rc.decrypt(ContentType(23), ProtocolVersion(0x0303), &sealed).unwrap();
        assert_eq!(p.data, b"hello");
        assert_eq!(p.content_type, ContentType(23));
        assert_eq!(p.padding, 2);
        // The same record again has the wrong sequence number: the tag fails.
        assert_eq!(rc.decrypt(ContentType(23), ProtocolVersion(0x0303), &sealed), Err(DecryptError::BadTag));
    }
}
