//! Field definitions of the `tls` layer: tshark 4.0's abbreviations, labels, types and bases
//! (each checked against `tshark -G fields`), and the suite's own for what tshark lacks.

use super::names;
use crate::tree::{Base, FieldDef, FieldType};

pub static TLS: FieldDef = FieldDef::proto("tls", "Transport Layer Security");
pub static RECORD: FieldDef = FieldDef::new("tls.record", "Record Layer", FieldType::None, Base::None);
pub static CONTENT_TYPE: FieldDef =
    FieldDef::new("tls.record.content_type", "Content Type", FieldType::U8, Base::Dec).strings(names::CONTENT_TYPES);
pub static OPAQUE_TYPE: FieldDef =
    FieldDef::new("tls.record.opaque_type", "Opaque Type", FieldType::U8, Base::Dec).strings(names::CONTENT_TYPES);
pub static RECORD_VERSION: FieldDef =
    FieldDef::new("tls.record.version", "Version", FieldType::U16, Base::Hex).strings(names::VERSIONS);
pub static RECORD_LENGTH: FieldDef = FieldDef::new("tls.record.length", "Length", FieldType::U16, Base::Dec);
pub static APP_DATA: FieldDef =
    FieldDef::new("tls.app_data", "Encrypted Application Data", FieldType::Bytes, Base::None);
pub static APP_DATA_PROTO: FieldDef =
    FieldDef::new("tls.app_data_proto", "Application Data Protocol", FieldType::String, Base::None);
pub static ALERT: FieldDef = FieldDef::new("tls.alert_message", "Alert Message", FieldType::None, Base::None);
pub static ALERT_LEVEL: FieldDef =
    FieldDef::new("tls.alert_message.level", "Level", FieldType::U8, Base::Dec).strings(names::ALERT_LEVELS);
pub static ALERT_DESC: FieldDef =
    FieldDef::new("tls.alert_message.desc", "Description", FieldType::U8, Base::Dec).strings(names::ALERT_DESCRIPTIONS);
pub static CHANGE_CIPHER_SPEC: FieldDef =
    FieldDef::new("tls.change_cipher_spec", "Change Cipher Spec Message", FieldType::None, Base::None);
pub static HANDSHAKE: FieldDef = FieldDef::new("tls.handshake", "Handshake Protocol", FieldType::None, Base::None);
pub static HS_TYPE: FieldDef =
    FieldDef::new("tls.handshake.type", "Handshake Type", FieldType::U8, Base::Dec).strings(names::HANDSHAKE_TYPES);
pub static HS_LENGTH: FieldDef = FieldDef::new("tls.handshake.length", "Length", FieldType::U24, Base::Dec);
pub static HS_VERSION: FieldDef =
    FieldDef::new("tls.handshake.version", "Version", FieldType::U16, Base::Hex).strings(names::VERSIONS);
pub static RANDOM: FieldDef = FieldDef::new("tls.handshake.random", "Random", FieldType::Bytes, Base::None);
pub static RANDOM_TIME: FieldDef =
    FieldDef::new("tls.handshake.random_time", "GMT Unix Time", FieldType::AbsTime, Base::None);
pub static RANDOM_BYTES: FieldDef =
    FieldDef::new("tls.handshake.random_bytes", "Random Bytes", FieldType::Bytes, Base::None);
pub static SESSION_ID_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.session_id_length", "Session ID Length", FieldType::U16, Base::Dec);
pub static SESSION_ID: FieldDef = FieldDef::new("tls.handshake.session_id", "Session ID", FieldType::Bytes, Base::None);
pub static CIPHER_SUITES_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.cipher_suites_length", "Cipher Suites Length", FieldType::U16, Base::Dec);
pub static CIPHER_SUITES: FieldDef =
    FieldDef::new("tls.handshake.ciphersuites", "Cipher Suites", FieldType::None, Base::None);
pub static CIPHER_SUITE: FieldDef =
    FieldDef::new("tls.handshake.ciphersuite", "Cipher Suite", FieldType::U16, Base::Hex).strings(names::CIPHER_SUITES);
pub static COMP_METHODS_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.comp_methods_length", "Compression Methods Length", FieldType::U8, Base::Dec);
pub static COMP_METHODS: FieldDef =
    FieldDef::new("tls.handshake.comp_methods", "Compression Methods", FieldType::None, Base::None);
pub static COMP_METHOD: FieldDef =
    FieldDef::new("tls.handshake.comp_method", "Compression Method", FieldType::U8, Base::Dec)
        .strings(names::COMPRESSION_METHODS);
pub static EXTENSIONS_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.extensions_length", "Extensions Length", FieldType::U16, Base::Dec);
pub static EXT_TYPE: FieldDef =
    FieldDef::new("tls.handshake.extension.type", "Type", FieldType::U16, Base::Dec).strings(names::EXTENSION_TYPES);
pub static EXT_LEN: FieldDef = FieldDef::new("tls.handshake.extension.len", "Length", FieldType::U16, Base::Dec);
pub static EXT_DATA: FieldDef = FieldDef::new("tls.handshake.extension.data", "Data", FieldType::Bytes, Base::None);
pub static SNI_LIST_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions_server_name_list_len",
    "Server Name list length",
    FieldType::U16,
    Base::Dec,
);
pub static SNI_TYPE: FieldDef =
    FieldDef::new("tls.handshake.extensions_server_name_type", "Server Name Type", FieldType::U8, Base::Dec)
        .strings(names::SERVER_NAME_TYPES);
pub static SNI_LEN: FieldDef =
    FieldDef::new("tls.handshake.extensions_server_name_len", "Server Name length", FieldType::U16, Base::Dec);
pub static SNI: FieldDef =
    FieldDef::new("tls.handshake.extensions_server_name", "Server Name", FieldType::String, Base::None);
pub static ALPN_LEN: FieldDef =
    FieldDef::new("tls.handshake.extensions_alpn_len", "ALPN Extension Length", FieldType::U16, Base::Dec);
pub static ALPN_LIST: FieldDef =
    FieldDef::new("tls.handshake.extensions_alpn_list", "ALPN Protocol", FieldType::None, Base::None);
pub static ALPN_STR_LEN: FieldDef =
    FieldDef::new("tls.handshake.extensions_alpn_str_len", "ALPN string length", FieldType::U8, Base::Dec);
pub static ALPN_STR: FieldDef =
    FieldDef::new("tls.handshake.extensions_alpn_str", "ALPN Next Protocol", FieldType::String, Base::None);
pub static SUPPORTED_VERSIONS_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions.supported_versions_len",
    "Supported Versions length",
    FieldType::U8,
    Base::Dec,
);
pub static SUPPORTED_VERSION: FieldDef =
    FieldDef::new("tls.handshake.extensions.supported_version", "Supported Version", FieldType::U16, Base::Hex)
        .strings(names::VERSIONS);
pub static KEY_SHARE_CLIENT_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.extensions_key_share_client_length",
    "Client Key Share Length",
    FieldType::U16,
    Base::Dec,
);
pub static KEY_SHARE_GROUP: FieldDef =
    FieldDef::new("tls.handshake.extensions_key_share_group", "Group", FieldType::U16, Base::Dec)
        .strings(names::NAMED_GROUPS);
pub static KEY_SHARE_KE_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.extensions_key_share_key_exchange_length",
    "Key Exchange Length",
    FieldType::U16,
    Base::Dec,
);
pub static KEY_SHARE_KE: FieldDef =
    FieldDef::new("tls.handshake.extensions_key_share_key_exchange", "Key Exchange", FieldType::Bytes, Base::None);
pub static KEY_SHARE_SELECTED_GROUP: FieldDef =
    FieldDef::new("tls.handshake.extensions_key_share_selected_group", "Selected Group", FieldType::U16, Base::Dec)
        .strings(names::NAMED_GROUPS);
pub static SUPPORTED_GROUPS_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.extensions_supported_groups_length",
    "Supported Groups List Length",
    FieldType::U16,
    Base::Dec,
);
pub static SUPPORTED_GROUPS: FieldDef =
    FieldDef::new("tls.handshake.extensions_supported_groups", "Supported Groups List", FieldType::None, Base::None);
pub static SUPPORTED_GROUP: FieldDef =
    FieldDef::new("tls.handshake.extensions_supported_group", "Supported Group", FieldType::U16, Base::Hex)
        .strings(names::NAMED_GROUPS);
pub static EC_POINT_FORMATS_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.extensions_ec_point_formats_length",
    "EC point formats Length",
    FieldType::U8,
    Base::Dec,
);
pub static EC_POINT_FORMATS: FieldDef =
    FieldDef::new("tls.handshake.extensions_ec_point_formats", "EC point formats", FieldType::None, Base::None);
pub static EC_POINT_FORMAT: FieldDef =
    FieldDef::new("tls.handshake.extensions_ec_point_format", "EC point format", FieldType::U8, Base::Dec)
        .strings(names::EC_POINT_FORMATS);
pub static SIG_HASH_ALG_LEN: FieldDef =
    FieldDef::new("tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length", FieldType::U16, Base::Dec);
pub static SIG_HASH_ALGS: FieldDef =
    FieldDef::new("tls.handshake.sig_hash_algs", "Signature Algorithms", FieldType::None, Base::None);
pub static SIG_HASH_ALG: FieldDef =
    FieldDef::new("tls.handshake.sig_hash_alg", "Signature Algorithm", FieldType::U16, Base::Hex)
        .strings(names::SIGNATURE_SCHEMES);
pub static SIG_HASH_HASH: FieldDef =
    FieldDef::new("tls.handshake.sig_hash_hash", "Signature Hash Algorithm Hash", FieldType::U8, Base::Dec)
        .strings(names::SIG_HASH_HASH);
pub static SIG_HASH_SIG: FieldDef =
    FieldDef::new("tls.handshake.sig_hash_sig", "Signature Hash Algorithm Signature", FieldType::U8, Base::Dec)
        .strings(names::SIG_HASH_SIG);
pub static RENEG_INFO_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions_reneg_info_len",
    "Renegotiation info extension length",
    FieldType::U8,
    Base::Dec,
);
pub static RENEG_INFO: FieldDef =
    FieldDef::new("tls.handshake.extensions_reneg_info", "Renegotiation info", FieldType::Bytes, Base::None);
pub static CERTIFICATES_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.certificates_length", "Certificates Length", FieldType::U24, Base::Dec);
pub static CERTIFICATES: FieldDef =
    FieldDef::new("tls.handshake.certificates", "Certificates", FieldType::None, Base::None);
pub static CERTIFICATE_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.certificate_length", "Certificate Length", FieldType::U24, Base::Dec);
pub static CERTIFICATE: FieldDef =
    FieldDef::new("tls.handshake.certificate", "Certificate", FieldType::Bytes, Base::None);
pub static CERT_REQ_CTX_LEN: FieldDef = FieldDef::new(
    "tls.handshake.certificate_request_context_length",
    "Certificate Request Context Length",
    FieldType::U8,
    Base::Dec,
);
pub static CERT_REQ_CTX: FieldDef = FieldDef::new(
    "tls.handshake.certificate_request_context",
    "Certificate Request Context",
    FieldType::Bytes,
    Base::None,
);
pub static CERT_TYPES_COUNT: FieldDef =
    FieldDef::new("tls.handshake.cert_types_count", "Certificate types count", FieldType::U8, Base::Dec);
pub static CERT_TYPES: FieldDef =
    FieldDef::new("tls.handshake.cert_types", "Certificate types", FieldType::None, Base::None);
pub static CERT_TYPE: FieldDef =
    FieldDef::new("tls.handshake.cert_type", "Certificate Type", FieldType::U8, Base::Dec).strings(names::CERT_TYPES);
pub static DNAMES_LEN: FieldDef =
    FieldDef::new("tls.handshake.dnames_len", "Distinguished Names Length", FieldType::U16, Base::Dec);
pub static DNAMES: FieldDef = FieldDef::new("tls.handshake.dnames", "Distinguished Names", FieldType::None, Base::None);
pub static DNAME_LEN: FieldDef =
    FieldDef::new("tls.handshake.dname_len", "Distinguished Name Length", FieldType::U16, Base::Dec);
pub static DNAME: FieldDef = FieldDef::new("tls.handshake.dname", "Distinguished Name", FieldType::None, Base::None);
pub static TICKET_LIFETIME_HINT: FieldDef = FieldDef::new(
    "tls.handshake.session_ticket_lifetime_hint",
    "Session Ticket Lifetime Hint",
    FieldType::U32,
    Base::Dec,
);
pub static TICKET_AGE_ADD: FieldDef =
    FieldDef::new("tls.handshake.session_ticket_age_add", "Session Ticket Age Add", FieldType::U32, Base::Dec);
pub static TICKET_NONCE_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.session_ticket_nonce_length", "Session Ticket Nonce Length", FieldType::U8, Base::Dec);
pub static TICKET_NONCE: FieldDef =
    FieldDef::new("tls.handshake.session_ticket_nonce", "Session Ticket Nonce", FieldType::Bytes, Base::None);
pub static TICKET_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.session_ticket_length", "Session Ticket Length", FieldType::U16, Base::Dec);
pub static TICKET: FieldDef =
    FieldDef::new("tls.handshake.session_ticket", "Session Ticket", FieldType::Bytes, Base::None);
pub static VERIFY_DATA: FieldDef =
    FieldDef::new("tls.handshake.verify_data", "Verify Data", FieldType::None, Base::None);
pub static CERT_VERIFY_SIG_LEN: FieldDef =
    FieldDef::new("tls.handshake.client_cert_vrfy.sig_len", "Signature length", FieldType::U16, Base::Dec);
pub static CERT_VERIFY_SIG: FieldDef =
    FieldDef::new("tls.handshake.client_cert_vrfy.sig", "Signature", FieldType::Bytes, Base::None);
pub static SERVER_CURVE_TYPE: FieldDef =
    FieldDef::new("tls.handshake.server_curve_type", "Curve Type", FieldType::U8, Base::Hex)
        .strings(names::CURVE_TYPES);
pub static SERVER_NAMED_CURVE: FieldDef =
    FieldDef::new("tls.handshake.server_named_curve", "Named Curve", FieldType::U16, Base::Hex)
        .strings(names::NAMED_GROUPS);
pub static SERVER_POINT_LEN: FieldDef =
    FieldDef::new("tls.handshake.server_point_len", "Pubkey Length", FieldType::U8, Base::Dec);
pub static SERVER_POINT: FieldDef = FieldDef::new("tls.handshake.server_point", "Pubkey", FieldType::Bytes, Base::None);
pub static CLIENT_POINT_LEN: FieldDef =
    FieldDef::new("tls.handshake.client_point_len", "Pubkey Length", FieldType::U8, Base::Dec);
pub static CLIENT_POINT: FieldDef = FieldDef::new("tls.handshake.client_point", "Pubkey", FieldType::Bytes, Base::None);
pub static SIG_LEN: FieldDef = FieldDef::new("tls.handshake.sig_len", "Signature Length", FieldType::U16, Base::Dec);
pub static SIG: FieldDef = FieldDef::new("tls.handshake.sig", "Signature", FieldType::Bytes, Base::None);
pub static P_LEN: FieldDef = FieldDef::new("tls.handshake.p_len", "p Length", FieldType::U16, Base::Dec);
pub static P: FieldDef = FieldDef::new("tls.handshake.p", "p", FieldType::Bytes, Base::None);
pub static G_LEN: FieldDef = FieldDef::new("tls.handshake.g_len", "g Length", FieldType::U16, Base::Dec);
pub static G: FieldDef = FieldDef::new("tls.handshake.g", "g", FieldType::Bytes, Base::None);
pub static YS_LEN: FieldDef = FieldDef::new("tls.handshake.ys_len", "Pubkey Length", FieldType::U16, Base::Dec);
pub static YS: FieldDef = FieldDef::new("tls.handshake.ys", "Pubkey", FieldType::Bytes, Base::None);
pub static YC_LEN: FieldDef = FieldDef::new("tls.handshake.yc_len", "Pubkey Length", FieldType::U16, Base::Dec);
pub static YC: FieldDef = FieldDef::new("tls.handshake.yc", "Pubkey", FieldType::Bytes, Base::None);
pub static EPMS_LEN: FieldDef =
    FieldDef::new("tls.handshake.epms_len", "Encrypted PreMaster length", FieldType::U16, Base::Dec);
pub static EPMS: FieldDef = FieldDef::new("tls.handshake.epms", "Encrypted PreMaster", FieldType::Bytes, Base::None);
pub static KEY_UPDATE: FieldDef =
    FieldDef::new("tls.handshake.key_update.request_update", "Key Update Request", FieldType::U8, Base::Dec)
        .strings(names::KEY_UPDATE_REQUESTS);
pub static HS_FRAGMENT_COUNT: FieldDef =
    FieldDef::new("tls.handshake.fragment.count", "Handshake Fragment count", FieldType::U32, Base::Dec);

/// MTA-TLS `data_multiplexing` negotiated (the suite's field: tshark has none).
pub static EXT_DATA_MULTIPLEXING: FieldDef =
    FieldDef::new("tls.handshake.extensions_data_multiplexing", "Data Multiplexing", FieldType::None, Base::None)
        .blurb("MTA-TLS data_multiplexing extension (draft-badra-tls-multiplexing-01 §2; type per SPEC-NOTES M1)");
/// A labelled group of fields without a tshark field of its own ("EC Diffie-Hellman Server
/// Params", "TLS Session Ticket").
pub static PARAMS: FieldDef = FieldDef::new("tls.handshake.params", "Parameters", FieldType::None, Base::None);
/// The subtree of one extension (`Extension: server_name (len=13)`).
pub static EXTENSION: FieldDef = FieldDef::new("tls.handshake.extension", "Extension", FieldType::None, Base::None);
/// Decrypted application data (the suite's field: tshark hands it to the next layer).
pub static DECRYPTED_LEN: FieldDef =
    FieldDef::new("tls.decrypted.length", "Decrypted Length", FieldType::U32, Base::Dec)
        .blurb("Plaintext bytes of a decrypted record");

pub static CIPHER_SPEC_LEN: FieldDef =
    FieldDef::new("tls.handshake.cipher_spec_len", "Cipher Spec Length", FieldType::U16, Base::Dec);
pub static CHALLENGE_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.challenge_length", "Challenge Length", FieldType::U16, Base::Dec);
pub static CIPHER_SPEC: FieldDef =
    FieldDef::new("tls.handshake.cipherspec", "Cipher Spec", FieldType::U24, Base::Hex).strings(names::CIPHER_SPECS);
pub static CHALLENGE: FieldDef = FieldDef::new("tls.handshake.challenge", "Challenge", FieldType::None, Base::None);

pub static PSK_KE_MODES_LENGTH: FieldDef =
    FieldDef::new("tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", FieldType::U8, Base::Dec);
pub static PSK_KE_MODE: FieldDef =
    FieldDef::new("tls.extension.psk_ke_mode", "PSK Key Exchange Mode", FieldType::U8, Base::Dec)
        .strings(names::PSK_KE_MODES);

pub static ALL: &[&FieldDef] = &[
    &PSK_KE_MODES_LENGTH,
    &PSK_KE_MODE,
    &CIPHER_SPEC_LEN,
    &CHALLENGE_LENGTH,
    &CIPHER_SPEC,
    &CHALLENGE,
    &TLS,
    &RECORD,
    &CONTENT_TYPE,
    &OPAQUE_TYPE,
    &RECORD_VERSION,
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
    &HS_VERSION,
    &RANDOM,
    &RANDOM_TIME,
    &RANDOM_BYTES,
    &SESSION_ID_LENGTH,
    &SESSION_ID,
    &CIPHER_SUITES_LENGTH,
    &CIPHER_SUITES,
    &CIPHER_SUITE,
    &COMP_METHODS_LENGTH,
    &COMP_METHODS,
    &COMP_METHOD,
    &EXTENSIONS_LENGTH,
    &EXT_TYPE,
    &EXT_LEN,
    &EXT_DATA,
    &SNI_LIST_LEN,
    &SNI_TYPE,
    &SNI_LEN,
    &SNI,
    &ALPN_LEN,
    &ALPN_LIST,
    &ALPN_STR_LEN,
    &ALPN_STR,
    &SUPPORTED_VERSIONS_LEN,
    &SUPPORTED_VERSION,
    &KEY_SHARE_CLIENT_LENGTH,
    &KEY_SHARE_GROUP,
    &KEY_SHARE_KE_LENGTH,
    &KEY_SHARE_KE,
    &KEY_SHARE_SELECTED_GROUP,
    &SUPPORTED_GROUPS_LENGTH,
    &SUPPORTED_GROUPS,
    &SUPPORTED_GROUP,
    &EC_POINT_FORMATS_LENGTH,
    &EC_POINT_FORMATS,
    &EC_POINT_FORMAT,
    &SIG_HASH_ALG_LEN,
    &SIG_HASH_ALGS,
    &SIG_HASH_ALG,
    &SIG_HASH_HASH,
    &SIG_HASH_SIG,
    &RENEG_INFO_LEN,
    &RENEG_INFO,
    &CERTIFICATES_LENGTH,
    &CERTIFICATES,
    &CERTIFICATE_LENGTH,
    &CERTIFICATE,
    &CERT_REQ_CTX_LEN,
    &CERT_REQ_CTX,
    &CERT_TYPES_COUNT,
    &CERT_TYPES,
    &CERT_TYPE,
    &DNAMES_LEN,
    &DNAMES,
    &DNAME_LEN,
    &DNAME,
    &TICKET_LIFETIME_HINT,
    &TICKET_AGE_ADD,
    &TICKET_NONCE_LENGTH,
    &TICKET_NONCE,
    &TICKET_LENGTH,
    &TICKET,
    &VERIFY_DATA,
    &CERT_VERIFY_SIG_LEN,
    &CERT_VERIFY_SIG,
    &SERVER_CURVE_TYPE,
    &SERVER_NAMED_CURVE,
    &SERVER_POINT_LEN,
    &SERVER_POINT,
    &CLIENT_POINT_LEN,
    &CLIENT_POINT,
    &SIG_LEN,
    &SIG,
    &P_LEN,
    &P,
    &G_LEN,
    &G,
    &YS_LEN,
    &YS,
    &YC_LEN,
    &YC,
    &EPMS_LEN,
    &EPMS,
    &KEY_UPDATE,
    &HS_FRAGMENT_COUNT,
    &EXT_DATA_MULTIPLEXING,
    &EXTENSION,
    &PARAMS,
    &DECRYPTED_LEN,
];
