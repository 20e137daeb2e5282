//! The dissector against tshark on packets the wire model builds: every chunk, parameter and
//! cause arm (the real captures do not have them all), then the same packets cut short and with
//! bytes flipped, so that tshark's malformed cases are compared too. Needs tshark.

use std::io::Write;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as PtConfig, TestRng, TestRunner};

use super::roundtrip::chunk;
use super::*;

/// A classic pcap of raw IPv4 packets (LINKTYPE_IPV4) from 192.0.2.1 to 192.0.2.2 or back.
pub(super) fn write_pcap(path: &Path, packets: &[(bool, Vec<u8>)]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create pcap"));
    let mut hdr = Vec::new();
    hdr.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    hdr.extend_from_slice(&2u16.to_le_bytes());
    hdr.extend_from_slice(&4u16.to_le_bytes());
    hdr.extend_from_slice(&[0; 8]);
    hdr.extend_from_slice(&65535u32.to_le_bytes());
    hdr.extend_from_slice(&228u32.to_le_bytes());
    f.write_all(&hdr).unwrap();
    for (i, (back, sctp)) in packets.iter().enumerate() {
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 132, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2];
        if *back {
            ip[15] = 2;
            ip[19] = 1;
        }
        let total = (20 + sctp.len()) as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(sctp);
        let mut rec = Vec::new();
        rec.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        rec.extend_from_slice(&(i as u32).to_le_bytes());
        rec.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        rec.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        f.write_all(&rec).unwrap();
        f.write_all(&ip).unwrap();
    }
}

/// Packets of one to three generated chunks, on a few associations and both directions.
fn generated_packets(n: usize, seed: [u8; 32]) -> Vec<(bool, Vec<u8>)> {
    let mut runner = TestRunner::new_with_rng(
        PtConfig::default(),
        TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed),
    );
    let mut out = Vec::new();
    let k = proptest::prelude::any::<(u8, u8, bool)>();
    while out.len() < n {
        let (nchunks, which, back) = k.new_tree(&mut runner).unwrap().current();
        let chunks: Vec<Chunk> =
            (0..1 + nchunks % 3).map(|_| chunk().new_tree(&mut runner).unwrap().current()).collect();
        let vtag = [0u32, 7, 0x1234_5678, 0xdead_beef][(which % 4) as usize];
        let (sp, dp) = if back { (2000, 1000) } else { (1000, 2000) };
        let header = CommonHeader { src_port: sp, dst_port: dp, verification_tag: vtag, checksum: 0 };
        let mut b = Vec::new();
        emit_packet(&header, &chunks, &mut b);
        out.push((back, b));
    }
    out
}

/// The same packets damaged: cut short at a random place, or with a byte flipped.
fn damaged(packets: &[(bool, Vec<u8>)], seed: u64) -> Vec<(bool, Vec<u8>)> {
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    packets
        .iter()
        .map(|(back, p)| {
            let mut p = p.clone();
            if next() % 2 == 0 && p.len() > 12 {
                let cut = 12 + (next() as usize) % (p.len() - 12);
                p.truncate(cut);
            } else if p.len() > 12 {
                let at = 12 + (next() as usize) % (p.len() - 12);
                p[at] ^= 1 << (next() % 8);
            }
            (*back, p)
        })
        .collect()
}

fn check(name: &str, packets: &[(bool, Vec<u8>)]) {
    let dir = std::env::temp_dir().join(format!("sctp-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    write_pcap(&path, packets);
    let fields = super::tshark::comparable_fields();
    let (n, report) = super::tshark::compare_file(&path, &fields);
    if std::env::var_os("SCTP_KEEP_PCAP").is_none() {
        let _ = std::fs::remove_file(&path);
    }
    assert_eq!(n, packets.len());
    if !report.is_empty() {
        let k = report.len();
        let mut report = report;
        report.truncate(40);
        panic!("{k} disagreements with tshark (first 40):\n{}", report.join("\n"));
    }
}

/// Packets per run: 400, or `SCTP_GEN_N` (with `SCTP_GEN_SEED`) for a longer search.
fn count_and_seed(default_seed: u8) -> (usize, u8) {
    let n = std::env::var("SCTP_GEN_N").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    let s = std::env::var("SCTP_GEN_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(default_seed);
    (n, s)
}

#[test]
fn generated_packets_agree_with_tshark() {
    if !tshark_available() {
        return;
    }
    let (n, seed) = count_and_seed(7);
    check("generated.pcap", &generated_packets(n, [seed; 32]));
}

#[test]
fn damaged_packets_agree_with_tshark() {
    if !tshark_available() {
        return;
    }
    let (n, seed) = count_and_seed(9);
    check("damaged.pcap", &damaged(&generated_packets(n, [seed; 32]), 0x9e37_79b9_7f4a_7c15 ^ seed as u64));
}
