//! TLS agreement with tshark on key-logged captures: record and handshake fields (cipher suite
//! included) frame by frame, and the decrypted application bytes of every connection, byte for
//! byte, each direction.
//!
//! Captures: the key-logged TLS 1.2 captures of `../shared/captures` (see its README) and the
//! suite's own OpenSSL captures in `src/proto/tls/testdata` (TLS 1.3 with AES-128-GCM,
//! AES-256-GCM, ChaCha20-Poly1305; TLS 1.2 with ChaCha20-Poly1305 and AES-256-CBC with SHA-1
//! (encrypt-then-MAC) and SHA-384 (MAC-then-encrypt); TLS 1.0 and 1.1 with AES-CBC-SHA; CTP
//! over TLS 1.3 with ALPN `ctp/1`, whose application bytes go to CTP rather than `data`; a
//! TLS 1.3 KeyUpdate each way; TLS 1.3 0-RTT data on a resumed connection). tshark reads each
//! with `-o tls.keylog_file:KEYLOG`; its decrypted bytes come from `-z follow,tls,raw,N`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::output::fields::FieldsOptions;
use dissect::tree::Value;

/// Fields compared. Left out on purpose: `tls.handshake.sig_hash_alg` (tshark also reads the
/// ones inside certificates' SCT lists and `delegated_credentials`, which this dissector keeps
/// as bytes), `tls.handshake.random_time` (tshark prints a calendar date).
const FIELDS: &[&str] = &[
    "tls.record.content_type",
    "tls.record.opaque_type",
    "tls.record.version",
    "tls.record.length",
    "tls.handshake.type",
    "tls.handshake.length",
    "tls.handshake.version",
    "tls.handshake.random",
    "tls.handshake.random_bytes",
    "tls.handshake.session_id_length",
    "tls.handshake.session_id",
    "tls.handshake.cipher_suites_length",
    "tls.handshake.ciphersuite",
    "tls.handshake.comp_methods_length",
    "tls.handshake.comp_method",
    "tls.handshake.extensions_length",
    "tls.handshake.extension.type",
    "tls.handshake.extension.len",
    "tls.handshake.extensions_server_name_list_len",
    "tls.handshake.extensions_server_name_type",
    "tls.handshake.extensions_server_name_len",
    "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_len",
    "tls.handshake.extensions_alpn_str_len",
    "tls.handshake.extensions_alpn_str",
    "tls.handshake.extensions.supported_versions_len",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.extensions_key_share_client_length",
    "tls.handshake.extensions_key_share_group",
    "tls.handshake.extensions_key_share_key_exchange_length",
    "tls.handshake.extensions_key_share_key_exchange",
    "tls.handshake.extensions_supported_groups_length",
    "tls.handshake.extensions_supported_group",
    "tls.handshake.extensions_ec_point_formats_length",
    "tls.handshake.extensions_ec_point_format",
    "tls.handshake.extensions_reneg_info_len",
    "tls.handshake.sig_hash_alg_len",
    "tls.handshake.certificates_length",
    "tls.handshake.certificate_length",
    "tls.handshake.certificate",
    "tls.handshake.certificate_request_context_length",
    "tls.handshake.server_curve_type",
    "tls.handshake.server_named_curve",
    "tls.handshake.server_point_len",
    "tls.handshake.server_point",
    "tls.handshake.client_point_len",
    "tls.handshake.client_point",
    "tls.handshake.sig_len",
    "tls.handshake.sig",
    "tls.handshake.client_cert_vrfy.sig_len",
    "tls.handshake.client_cert_vrfy.sig",
    "tls.handshake.session_ticket_lifetime_hint",
    "tls.handshake.session_ticket_age_add",
    "tls.handshake.session_ticket_nonce_length",
    "tls.handshake.session_ticket_nonce",
    "tls.handshake.session_ticket_length",
    "tls.handshake.session_ticket",
    "tls.change_cipher_spec",
    "tls.alert_message.level",
    "tls.alert_message.desc",
    "tls.app_data",
];

/// (capture, key log) pairs.
fn captures() -> Vec<(PathBuf, PathBuf)> {
    let mut v = Vec::new();
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/proto/tls/testdata");
    for name in [
        "tls13-aes128gcm",
        "tls13-aes256gcm",
        "tls13-chacha20",
        "tls12-chacha20",
        "tls12-aes256cbc-sha384",
        "tls12-aes256cbc-sha-etm",
        "tls13-ctp",
        "tls13-keyupdate",
        "tls10-aes128cbc-sha",
        "tls11-aes256cbc-sha-etm",
        "tls13-early-data",
    ] {
        v.push((own.join(format!("{name}.pcapng")), own.join(format!("{name}.keys"))));
    }
    if let Some(s) = common::shared_captures() {
        let z = s.join("zeek");
        v.push((z.join("tls12-decryption.pcap"), z.join("tls12-decryption.nss-keylog.txt")));
        v.push((z.join("tls-1.2-stream-keylog.pcap"), z.join("tls-1.2-stream-keylog.nss-keylog.txt")));
        v.push((s.join("illustrated-tls12/capture.pcap"), s.join("illustrated-tls12/keylog.txt")));
        let h = s.join("hotplace/tls12");
        for f in common::captures_in(&h) {
            v.push((f, h.join("sslkeylog")));
        }
    }
    v
}

fn tshark(file: &Path, keylog: &Path, extra: &[&str]) -> String {
    let out = Command::new("tshark")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .arg("-o")
        .arg(format!("tls.keylog_file:{}", keylog.display()))
        .args(extra)
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// tshark's values: one line per frame, one column per field.
fn tshark_fields(file: &Path, keylog: &Path) -> Vec<Vec<String>> {
    let mut args = vec!["-T", "fields"];
    for f in FIELDS {
        args.push("-e");
        args.push(f);
    }
    tshark(file, keylog, &args).lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

/// What the dissector gives: per frame, the fields; per TCP stream and port pair direction,
/// the decrypted application bytes.
struct Ours {
    fields: Vec<Vec<String>>,
    app: BTreeMap<u64, BTreeMap<(u64, u64), Vec<u8>>>,
}

fn ours(file: &Path, keylog: &Path) -> Ours {
    let cfg = Config { keylog: Some(keylog.to_path_buf()), ..Config::default() };
    let mut d = Dissector::new(cfg);
    let reader = CaptureReader::open(file.to_str().expect("utf-8 path")).expect("open capture");
    let mut fields = Vec::new();
    let mut app: BTreeMap<u64, BTreeMap<(u64, u64), Vec<u8>>> = BTreeMap::new();
    for frame in reader {
        let p = d.dissect(frame.expect("capture reads to the end"));
        let mut row = Vec::new();
        for f in FIELDS {
            let o = FieldsOptions { fields: vec![f.to_string()], ..Default::default() };
            let mut out = Vec::new();
            o.write_packet(&mut out, &p).expect("write fields");
            row.push(String::from_utf8_lossy(&out).trim_end_matches('\n').to_string());
        }
        fields.push(row);
        let uint = |a: &str| match p.find(a).map(|n| &n.value) {
            Some(Value::UInt(v)) => *v,
            _ => u64::MAX,
        };
        let (stream, sport, dport) = (uint("tcp.stream"), uint("tcp.srcport"), uint("tcp.dstport"));
        // `tls.decrypted.length` spans the plaintext of each decrypted application data record.
        for n in p.values("tls.decrypted.length") {
            app.entry(stream).or_default().entry((sport, dport)).or_default().extend_from_slice(p.bytes(n.span));
        }
    }
    Ours { fields, app }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

/// tshark's decrypted bytes of one TCP stream: (first node's bytes, second node's bytes).
fn tshark_follow(file: &Path, keylog: &Path, stream: u64) -> (Vec<u8>, Vec<u8>) {
    let z = format!("follow,tls,raw,{stream}");
    let text = tshark(file, keylog, &["-q", "-z", &z]);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut body = false;
    for line in text.lines() {
        if line.starts_with("Node 1:") {
            body = true;
            continue;
        }
        if !body || line.starts_with("====") {
            continue;
        }
        match line.strip_prefix('\t') {
            Some(h) => b.extend(unhex(h.trim())),
            None => a.extend(unhex(line.trim())),
        }
    }
    (a, b)
}

#[test]
fn tls_fields_and_decrypted_bytes_agree_with_tshark() {
    if !common::tshark() {
        return;
    }
    let mut report = Vec::new();
    let mut compared_streams = 0;
    let mut decrypted_bytes = 0usize;
    for (file, keylog) in captures() {
        let name = file.display().to_string();
        let theirs = tshark_fields(&file, &keylog);
        let ours = ours(&file, &keylog);
        if theirs.len() != ours.fields.len() {
            report.push(format!("{name}: tshark saw {} frames, we saw {}", theirs.len(), ours.fields.len()));
            continue;
        }
        for (i, (t, o)) in theirs.iter().zip(&ours.fields).enumerate() {
            for (j, f) in FIELDS.iter().enumerate() {
                let tv = t.get(j).map_or("", String::as_str);
                let ov = o.get(j).map_or("", String::as_str);
                if tv != ov {
                    report.push(format!("{name} frame {}: {f}: tshark {tv:?}, ours {ov:?}", i + 1));
                }
            }
        }
        for (stream, dirs) in &ours.app {
            let (ta, tb) = tshark_follow(&file, &keylog, *stream);
            let mut mine: Vec<&Vec<u8>> = dirs.values().collect();
            mine.sort();
            let mut theirs = vec![&ta, &tb];
            theirs.retain(|v| !v.is_empty());
            theirs.sort();
            if mine != theirs {
                report.push(format!(
                    "{name} stream {stream}: decrypted bytes differ: ours {:?} bytes, tshark {:?} bytes",
                    mine.iter().map(|v| v.len()).collect::<Vec<_>>(),
                    theirs.iter().map(|v| v.len()).collect::<Vec<_>>()
                ));
            }
            compared_streams += 1;
            decrypted_bytes += mine.iter().map(|v| v.len()).sum::<usize>();
        }
    }
    if !report.is_empty() {
        let n = report.len();
        report.truncate(60);
        panic!("{n} disagreements with tshark (first 60):\n{}", report.join("\n"));
    }
    // Every capture here has decrypted application data; the own captures alone have eleven
    // connections.
    assert!(compared_streams >= 11, "only {compared_streams} connections had decrypted data");
    assert!(decrypted_bytes > 10_000, "only {decrypted_bytes} decrypted bytes compared");
}
