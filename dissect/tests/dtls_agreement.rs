//! DTLS agreement with tshark on the DTLS captures of `../shared/captures` (see its README):
//! record and handshake fields frame by frame, and the decrypted application bytes of every
//! frame, byte for byte.
//!
//! Captures: hotplace's DTLS 1.2 captures with their key log (HelloVerifyRequest, fragmented
//! ClientHello and Certificate, AES-128-CBC-SHA256 with encrypt-then-MAC, AES-128-GCM,
//! ChaCha20-Poly1305), the Thread commissioning capture with its key log (EC-JPAKE with
//! AES-128-CCM-8 over IPv6), Zeek's DTLS 1.0 and 1.2 captures (several records per datagram,
//! fragmented Certificate; no keys) and the pre-RFC 0x0100 capture (RSA key exchange; keys only
//! from the server's RSA key, which is not read here, so it stays encrypted on both sides), and
//! Zeek's DTLS 1.3 capture, whose unified headers tshark 4.0 does not read; and the corpus's
//! recorded `gist-dtls.pcapng`, GIST over DTLS, whose decrypted records (GIST here, data in
//! tshark) are compared byte for byte.
//! tshark reads each with `-o tls.keylog_file:KEYLOG`; decrypted application bytes are
//! compared as tshark's `data.data` per frame.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::output::fields::FieldsOptions;

/// Fields compared. Left out on purpose: `dtls.handshake.random_time` (tshark prints a
/// calendar date), `dtls.handshake.sig_hash_alg` (tshark also reads those inside
/// certificates).
const FIELDS: &[&str] = &[
    "dtls.record.content_type",
    "dtls.record.version",
    "dtls.record.epoch",
    "dtls.record.sequence_number",
    "dtls.record.length",
    "dtls.handshake.type",
    "dtls.handshake.length",
    "dtls.handshake.message_seq",
    "dtls.handshake.fragment_offset",
    "dtls.handshake.fragment_length",
    "dtls.handshake.version",
    "dtls.handshake.random",
    "dtls.handshake.session_id_length",
    "dtls.handshake.session_id",
    "dtls.handshake.cookie_length",
    "dtls.handshake.cookie",
    "dtls.handshake.cipher_suites_length",
    "dtls.handshake.ciphersuite",
    "dtls.handshake.comp_methods_length",
    "dtls.handshake.comp_method",
    "dtls.handshake.extensions_length",
    "dtls.handshake.extension.type",
    "dtls.handshake.extension.len",
    "dtls.handshake.extensions_supported_group",
    "dtls.handshake.extensions_ec_point_format",
    "dtls.handshake.certificates_length",
    "dtls.handshake.certificate_length",
    "dtls.handshake.certificate",
    "dtls.handshake.server_curve_type",
    "dtls.handshake.server_named_curve",
    "dtls.handshake.server_point",
    "dtls.handshake.client_point",
    "dtls.handshake.session_ticket_lifetime_hint",
    "dtls.handshake.session_ticket_length",
    "dtls.handshake.session_ticket",
    "dtls.fragment.count",
    "dtls.reassembled.length",
    "dtls.alert_message.level",
    "dtls.alert_message.desc",
    "dtls.app_data",
    "data.data",
];

/// (capture, key log) pairs.
fn captures() -> Vec<(PathBuf, PathBuf)> {
    let mut v = Vec::new();
    if let Some(s) = common::shared_captures() {
        let h = s.join("hotplace/dtls12");
        for f in common::captures_in(&h) {
            v.push((f, h.join("sslkeylog")));
        }
        let w = s.join("wireshark-wiki");
        v.push((w.join("ThreadCommissioning-JPAKE-DTLS-1.pcapng"), w.join("ThreadCommissioning-JPAKE-DTLS-NSS")));
        let z = s.join("zeek");
        v.push((z.join("dtls1_0.pcap"), h.join("sslkeylog")));
        v.push((z.join("dtls1_2.pcap"), h.join("sslkeylog")));
        v.push((w.join("snakeoil-dtls.pcap"), h.join("sslkeylog")));
        v.push((z.join("dtls-sequence-number-jumps.pcap"), h.join("sslkeylog")));
        v.push((z.join("dtls13-wolfssl.pcap"), h.join("sslkeylog")));
    }
    let corpus = common::root().join("corpus");
    v.push((corpus.join("gist-dtls.pcapng"), corpus.join("gist-dtls.keys")));
    v
}

fn tshark_fields(file: &Path, keylog: &Path) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n").arg("-r").arg(file).arg("-o").arg(format!("tls.keylog_file:{}", keylog.display()));
    cmd.args(["-T", "fields"]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("run tshark");
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

/// Per frame: the fields, and whether the frame held a DTLS 1.3 unified header.
fn ours(file: &Path, keylog: &Path) -> Vec<(Vec<String>, bool)> {
    let cfg = Config { keylog: Some(keylog.to_path_buf()), ..Config::default() };
    let mut d = Dissector::new(cfg);
    let reader = CaptureReader::open(file.to_str().expect("utf-8 path")).expect("open capture");
    let mut rows = Vec::new();
    for frame in reader {
        let p = d.dissect(frame.expect("capture reads to the end"));
        let mut row = Vec::new();
        for f in FIELDS {
            let o = FieldsOptions { fields: vec![f.to_string()], ..Default::default() };
            let mut out = Vec::new();
            o.write_packet(&mut out, &p).expect("write fields");
            row.push(String::from_utf8_lossy(&out).trim_end_matches('\n').to_string());
        }
        // GIST inside DTLS (the corpus recording): tshark, which has no GIST dissector, shows
        // the decrypted bytes as data; compare ours, the plaintext of the record, with them.
        if p.layers.iter().any(|l| l.def.abbrev == "gist") {
            let hex: String = p
                .values("dtls.decrypted.length")
                .iter()
                .flat_map(|n| p.bytes(n.span).iter().map(|b| format!("{b:02x}")))
                .collect();
            if let Some(i) = FIELDS.iter().position(|f| *f == "data.data") {
                row[i] = hex;
            }
        }
        rows.push((row, p.find("dtls.unified_header").is_some()));
    }
    rows
}

#[test]
fn dtls_fields_and_decrypted_bytes_agree_with_tshark() {
    if !common::tshark() {
        return;
    }
    let mut report = Vec::new();
    let mut frames = 0;
    let mut decrypted = 0usize;
    let mut files = 0;
    let mut chacha_bytes = 0usize;
    let mut unified_frames = 0;
    for (file, keylog) in captures() {
        if !file.exists() {
            common::skip(&file.display().to_string());
            continue;
        }
        files += 1;
        let name = file.display().to_string();
        let theirs = tshark_fields(&file, &keylog);
        let ours = ours(&file, &keylog);
        if theirs.len() != ours.len() {
            report.push(format!("{name}: tshark saw {} frames, we saw {}", theirs.len(), ours.len()));
            continue;
        }
        // tshark 4.0 does not decrypt DTLS with ChaCha20-Poly1305 (it shows those records as
        // opaque); ours open under the Poly1305 tag, which no wrong key or nonce passes. In that
        // capture, fields tshark leaves empty where we decrypted are not compared.
        let no_chacha = name.contains("CHACHA20");
        for (i, (t, (o, unified))) in theirs.iter().zip(&ours).enumerate() {
            frames += 1;
            // tshark 4.0 does not know DTLS 1.3's unified header (RFC 9147 §4): it shows those
            // datagrams as UDP data. They carry no field of the list but data.data.
            if *unified {
                unified_frames += 1;
                if o.iter().enumerate().any(|(j, v)| !v.is_empty() && FIELDS[j] != "data.data") {
                    report.push(format!("{name} frame {}: unified header with DTLS 1.2 fields", i + 1));
                }
                continue;
            }
            for (j, f) in FIELDS.iter().enumerate() {
                let tv = t.get(j).map_or("", String::as_str);
                let ov = o.get(j).map_or("", String::as_str);
                if no_chacha && (ov.starts_with(tv) || tv.is_empty()) {
                    if *f == "data.data" {
                        chacha_bytes += ov.len() / 2;
                    }
                    continue;
                }
                if tv != ov {
                    report.push(format!("{name} frame {}: {f}: tshark {tv:?}, ours {ov:?}", i + 1));
                } else if *f == "data.data" {
                    decrypted += tv.len() / 2;
                }
            }
        }
    }
    if !report.is_empty() {
        let n = report.len();
        report.truncate(60);
        panic!("{n} disagreements with tshark (first 60):\n{}", report.join("\n"));
    }
    if files == 0 {
        return;
    }
    assert!(frames >= 100, "only {frames} frames compared");
    assert!(decrypted >= 100, "only {decrypted} decrypted application bytes compared");
    assert!(chacha_bytes > 0, "the ChaCha20-Poly1305 capture gave no decrypted bytes");
    // dtls13-wolfssl.pcap: frames 5 to 15 after the DTLS 1.3 ServerHello.
    assert_eq!(unified_frames, 11, "DTLS 1.3 unified-header frames");
}
