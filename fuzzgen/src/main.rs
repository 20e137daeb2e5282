//! `fuzzgen`: generate the suite's capture corpus and the benchmark capture (and, later, fuzz
//! inputs).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Structure-aware generators for the suite's protocols.
///
/// Everything fuzzgen writes is deterministic: the same seed gives the same bytes, with
/// timestamps derived from the seed rather than the clock.
#[derive(Parser)]
#[command(
    name = "fuzzgen",
    version,
    after_help = "Examples:\n  regenerate the committed corpus\n    fuzzgen corpus --out corpus --seed 1\n  \
                  write the throughput benchmark's capture\n    fuzzgen bench --out large.pcapng --frames 200000 --seed 7"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write the capture corpus (pcapng files and an index README.md) into a directory.
    ///
    /// Files: tcp-basic, tcp-reorder, tcp-ipv6, ipv6-frag, sctp-assoc, sctp-udp-encap,
    /// sctp-ipv6, mixed-links (.pcapng). The committed corpus is made with `--seed 1`.
    Corpus {
        /// Directory to write into (created if missing; existing files of the same name are
        /// replaced).
        #[arg(long, default_value = "corpus")]
        out: PathBuf,
        /// Seed for every random choice (ports, sequence numbers, payloads, timestamps).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Record real TLS and DTLS sessions (OpenSSL, in memory) into capture files with their key logs.
    ///
    /// Files: ctp-tls, mtatls-tls and gist-dtls (.pcapng and .keys). TLS randomness makes each
    /// recording different,
    /// so these are not part of `fuzzgen corpus`; the seed only places addresses and times.
    Record {
        /// Directory to write into (created if missing; files of the same name are replaced).
        #[arg(long, default_value = "corpus")]
        out: PathBuf,
        /// Seed for addresses, ports and timestamps.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write one large pcapng capture for the throughput benchmark.
    ///
    /// Many concurrent TCP conversations and SCTP associations (IPv4 and some IPv6, SCTP partly
    /// over UDP) interleaved in time on one Ethernet interface: handshakes and setups, data both
    /// ways with split, lost, reordered and repeated TCP segments, fragmented, unordered and
    /// bundled SCTP DATA, SACKs, heartbeats, teardowns. Exactly --frames frames, written as they
    /// are built (memory does not grow with the count).
    Bench {
        /// The file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
        /// How many frames to write.
        #[arg(long, default_value_t = 200_000)]
        frames: u64,
        /// Seed for every random choice.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            let _ = e.print();
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            };
        }
    };
    match cli.cmd {
        Cmd::Corpus { out, seed } => match fuzzgen::corpus::write_corpus(&out, seed) {
            Ok(files) => {
                for f in &files {
                    println!("{}: {} frames, {} bytes", out.join(f.name).display(), f.frames, f.bytes.len());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("fuzzgen: {e}");
                ExitCode::FAILURE
            }
        },
        Cmd::Record { out, seed } => match fuzzgen::record::write_recorded(&out, seed) {
            Ok(files) => {
                for f in &files {
                    println!(
                        "{}: {} frames, key log {}",
                        out.join(f.name).display(),
                        f.frames,
                        out.join(f.keys).display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("fuzzgen: {e}");
                ExitCode::FAILURE
            }
        },
        Cmd::Bench { out, frames, seed } => match fuzzgen::bench::write_bench_file(&out, frames, seed) {
            Ok(s) => {
                println!(
                    "{}: {} frames, {} bytes of frames, {} TCP conversations and {} SCTP associations begun",
                    out.display(),
                    s.frames,
                    s.bytes,
                    s.tcp,
                    s.sctp
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("fuzzgen: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
