//! Field definitions of the `dtls` layer: tshark 4.0's abbreviations, labels, types and bases
//! (each checked against `tshark -G fields`), and the suite's own for the DTLS 1.3 unified
//! header, which tshark 4.0 does not read.
//!
//! Handshake bodies and extensions are walked by the TLS code; their fields are TLS's with the
//! `tls.` prefix replaced by `dtls.` (tshark shares the same definitions between its TLS and
//! DTLS dissectors the same way): [`translate`] maps one to the other.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::proto::tls::{hf as tls_hf, names};
use crate::tree::{Base, FieldDef, FieldType};

pub static DTLS: FieldDef = FieldDef::proto("dtls", "Datagram Transport Layer Security");
pub static RECORD: FieldDef = FieldDef::new("dtls.record", "Record Layer", FieldType::None, Base::None);
pub static CONTENT_TYPE: FieldDef =
    FieldDef::new("dtls.record.content_type", "Content Type", FieldType::U8, Base::Dec).strings(names::CONTENT_TYPES);
pub static RECORD_VERSION: FieldDef =
    FieldDef::new("dtls.record.version", "Version", FieldType::U16, Base::Hex).strings(names::VERSIONS);
pub static EPOCH: FieldDef = FieldDef::new("dtls.record.epoch", "Epoch", FieldType::U16, Base::Dec);
pub static SEQUENCE_NUMBER: FieldDef =
    FieldDef::new("dtls.record.sequence_number", "Sequence Number", FieldType::U64, Base::Dec);
pub static CONNECTION_ID: FieldDef =
    FieldDef::new("dtls.record.connection_id", "Connection ID", FieldType::Bytes, Base::None);
pub static RECORD_LENGTH: FieldDef = FieldDef::new("dtls.record.length", "Length", FieldType::U16, Base::Dec);
pub static APP_DATA: FieldDef =
    FieldDef::new("dtls.app_data", "Encrypted Application Data", FieldType::Bytes, Base::None);
pub static APP_DATA_PROTO: FieldDef =
    FieldDef::new("dtls.app_data_proto", "Application Data Protocol", FieldType::String, Base::None);
pub static ALERT: FieldDef = FieldDef::new("dtls.alert_message", "Alert Message", FieldType::None, Base::None);
pub static ALERT_LEVEL: FieldDef =
    FieldDef::new("dtls.alert_message.level", "Level", FieldType::U8, Base::Dec).strings(names::ALERT_LEVELS);
pub static ALERT_DESC: FieldDef = FieldDef::new("dtls.alert_message.desc", "Description", FieldType::U8, Base::Dec)
    .strings(names::ALERT_DESCRIPTIONS);
pub static CHANGE_CIPHER_SPEC: FieldDef =
    FieldDef::new("dtls.change_cipher_spec", "Change Cipher Spec Message", FieldType::None, Base::None);
pub static HANDSHAKE: FieldDef = FieldDef::new("dtls.handshake", "Handshake Protocol", FieldType::None, Base::None);
pub static HS_TYPE: FieldDef =
    FieldDef::new("dtls.handshake.type", "Handshake Type", FieldType::U8, Base::Dec).strings(HANDSHAKE_TYPES);
pub static HS_LENGTH: FieldDef = FieldDef::new("dtls.handshake.length", "Length", FieldType::U24, Base::Dec);
pub static MESSAGE_SEQ: FieldDef =
    FieldDef::new("dtls.handshake.message_seq", "Message Sequence", FieldType::U16, Base::Dec);
pub static FRAGMENT_OFFSET: FieldDef =
    FieldDef::new("dtls.handshake.fragment_offset", "Fragment Offset", FieldType::U24, Base::Dec);
pub static FRAGMENT_LENGTH: FieldDef =
    FieldDef::new("dtls.handshake.fragment_length", "Fragment Length", FieldType::U24, Base::Dec);
pub static HS_VERSION: FieldDef =
    FieldDef::new("dtls.handshake.version", "Version", FieldType::U16, Base::Hex).strings(names::VERSIONS);
pub static COOKIE_LENGTH: FieldDef =
    FieldDef::new("dtls.handshake.cookie_length", "Cookie Length", FieldType::U8, Base::Dec);
pub static COOKIE: FieldDef = FieldDef::new("dtls.handshake.cookie", "Cookie", FieldType::Bytes, Base::None);
pub static FRAGMENTS: FieldDef = FieldDef::new("dtls.fragments", "Message fragments", FieldType::None, Base::None);
pub static FRAGMENT: FieldDef = FieldDef::new("dtls.fragment", "Message fragment", FieldType::FrameNum, Base::None);
pub static FRAGMENT_OVERLAP: FieldDef =
    FieldDef::new("dtls.fragment.overlap", "Message fragment overlap", FieldType::Bool, Base::None);
pub static FRAGMENT_CONFLICTS: FieldDef = FieldDef::new(
    "dtls.fragment.overlap.conflicts",
    "Message fragment overlapping with conflicting data",
    FieldType::Bool,
    Base::None,
);
pub static FRAGMENT_COUNT: FieldDef =
    FieldDef::new("dtls.fragment.count", "Message fragment count", FieldType::U32, Base::Dec);
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("dtls.reassembled.length", "Reassembled DTLS length", FieldType::U32, Base::Dec);
/// Suite's own: the plaintext of a decrypted record (tshark has `tls.decrypted.length`
/// without a DTLS twin).
pub static DECRYPTED_LEN: FieldDef =
    FieldDef::new("dtls.decrypted.length", "Decrypted length", FieldType::U32, Base::Dec);
/// Suite's own: the DTLS 1.3 unified header (RFC 9147 §4).
pub static UNIFIED: FieldDef =
    FieldDef::new("dtls.unified_header", "DTLS 1.3 Unified Header", FieldType::None, Base::None);
pub static UNIFIED_FLAGS: FieldDef =
    FieldDef::new("dtls.unified_header.flags", "Flags", FieldType::U8, Base::Hex).blurb("001CSLEE");
pub static UNIFIED_CID_BIT: FieldDef =
    FieldDef::new("dtls.unified_header.cid_present", "Connection ID present", FieldType::Bool, Base::None).mask(0x10);
pub static UNIFIED_SEQ16: FieldDef =
    FieldDef::new("dtls.unified_header.seq16", "16-bit sequence number", FieldType::Bool, Base::None).mask(0x08);
pub static UNIFIED_LEN_BIT: FieldDef =
    FieldDef::new("dtls.unified_header.length_present", "Length present", FieldType::Bool, Base::None).mask(0x04);
pub static UNIFIED_EPOCH: FieldDef =
    FieldDef::new("dtls.unified_header.epoch", "Epoch (low bits)", FieldType::U8, Base::Dec).mask(0x03);
pub static UNIFIED_SEQ: FieldDef =
    FieldDef::new("dtls.unified_header.sequence_number", "Sequence Number (encrypted)", FieldType::U16, Base::Dec);
pub static UNIFIED_LENGTH: FieldDef = FieldDef::new("dtls.unified_header.length", "Length", FieldType::U16, Base::Dec);
pub static ENC_CONTENT: FieldDef =
    FieldDef::new("dtls.enc_content", "Encrypted Record Content", FieldType::Bytes, Base::None);

/// Handshake types with DTLS's HelloVerifyRequest (RFC 6347 §4.3.2).
pub static HANDSHAKE_TYPES: &[(u64, &str)] = &[
    (0, "Hello Request"),
    (1, "Client Hello"),
    (2, "Server Hello"),
    (3, "Hello Verify Request"),
    (4, "New Session Ticket"),
    (5, "End of Early Data"),
    (6, "Hello Retry Request"),
    (8, "Encrypted Extensions"),
    (11, "Certificate"),
    (12, "Server Key Exchange"),
    (13, "Certificate Request"),
    (14, "Server Hello Done"),
    (15, "Certificate Verify"),
    (16, "Client Key Exchange"),
    (20, "Finished"),
    (21, "Certificate URL"),
    (22, "Certificate Status"),
    (23, "Supplemental Data"),
    (24, "Key Update"),
    (25, "Compressed Certificate"),
    (254, "Message Hash"),
];

/// The fields defined here.
pub static OWN: &[&FieldDef] = &[
    &DTLS,
    &RECORD,
    &CONTENT_TYPE,
    &RECORD_VERSION,
    &EPOCH,
    &SEQUENCE_NUMBER,
    &CONNECTION_ID,
    &RECORD_LENGTH,
    &APP_DATA,
    &APP_DATA_PROTO,
    &ALERT,
    &ALERT_LEVEL,
    &ALERT_DESC,
    &CHANGE_CIPHER_SPEC,
    &HANDSHAKE,
    &HS_TYPE,
    &HS_LENGTH,
    &MESSAGE_SEQ,
    &FRAGMENT_OFFSET,
    &FRAGMENT_LENGTH,
    &HS_VERSION,
    &COOKIE_LENGTH,
    &COOKIE,
    &FRAGMENTS,
    &FRAGMENT,
    &FRAGMENT_OVERLAP,
    &FRAGMENT_CONFLICTS,
    &FRAGMENT_COUNT,
    &REASSEMBLED_LENGTH,
    &DECRYPTED_LEN,
    &UNIFIED,
    &UNIFIED_FLAGS,
    &UNIFIED_CID_BIT,
    &UNIFIED_SEQ16,
    &UNIFIED_LEN_BIT,
    &UNIFIED_EPOCH,
    &UNIFIED_SEQ,
    &UNIFIED_LENGTH,
    &ENC_CONTENT,
];

/// TLS field (by address) to its DTLS twin. Built once: the twins of TLS fields not defined
/// above are made here, once per process, and live as long as it.
fn table() -> &'static HashMap<usize, &'static FieldDef> {
    static T: OnceLock<HashMap<usize, &'static FieldDef>> = OnceLock::new();
    T.get_or_init(|| {
        let own: HashMap<&str, &'static FieldDef> = OWN.iter().map(|f| (f.abbrev, *f)).collect();
        let mut t = HashMap::new();
        for f in tls_hf::ALL.iter().copied().chain([&tls_hf::TLS]) {
            let Some(rest) = f.abbrev.strip_prefix("tls") else { continue };
            let abbrev = format!("dtls{rest}");
            let twin: &'static FieldDef = match own.get(abbrev.as_str()) {
                Some(o) => o,
                None => Box::leak(Box::new(FieldDef { abbrev: Box::leak(abbrev.into_boxed_str()), ..*f })),
            };
            t.insert(f as *const FieldDef as usize, twin);
        }
        t
    })
}

/// The DTLS twin of a TLS field; other fields (experts, ASN.1) unchanged.
pub fn translate(f: &'static FieldDef) -> &'static FieldDef {
    table().get(&(f as *const FieldDef as usize)).copied().unwrap_or(f)
}

/// Every field of the layer: the own ones and the twins of TLS's.
pub fn all() -> Vec<&'static FieldDef> {
    let mut v: Vec<&'static FieldDef> = OWN.to_vec();
    let mut twins: Vec<&'static FieldDef> =
        table().values().copied().filter(|f| !OWN.iter().any(|o| std::ptr::eq(*o, *f))).collect();
    twins.sort_by_key(|f| f.abbrev);
    twins.dedup_by_key(|f| f.abbrev);
    v.extend(twins);
    v
}
