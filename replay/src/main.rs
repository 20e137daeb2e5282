//! `replay`: the reference endpoints' command line.
//!
//! - `replay sctp-echo [--port 9899] [--sctp-port 7]`: an SCTP echo server over UDP
//!   encapsulation (RFC 6951);
//! - `replay sctp-client --remote ADDR:PORT [...]`: sends messages to an echo server and checks
//!   every echo.

use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use replay::sctp::{Config, Impairment};
use replay::udp::{echo_check, echo_server, plan, UdpAssoc, SCTP_UDP_PORT};

#[derive(Parser)]
#[command(name = "replay", about = "Reference endpoints of the suite")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Subcommands are named after their transport and role (`sctp-echo`, `sctp-client`, ...).
#[allow(clippy::enum_variant_names)]
#[derive(Subcommand)]
enum Cmd {
    /// Echo every SCTP message received over UDP encapsulation.
    SctpEcho {
        /// Local UDP port.
        #[arg(long, default_value_t = SCTP_UDP_PORT)]
        port: u16,
        /// Local address to bind.
        #[arg(long, default_value = "0.0.0.0")]
        bind: String,
        /// SCTP port to accept associations on.
        #[arg(long, default_value_t = 7)]
        sctp_port: u16,
        /// SCTP directly over IPv4 (protocol 132, raw socket: root only) on the --bind address.
        #[arg(long)]
        raw: bool,
    },
    /// Throughput of one association over UDP on loopback beside usrsctp's tsctp (a ratio).
    SctpBench {
        #[arg(long, default_value = "/usr/lib/usrsctp/tsctp")]
        tsctp: std::path::PathBuf,
        /// Message length.
        #[arg(long, default_value_t = 1000)]
        length: usize,
        /// Seconds of each transfer.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
    },
    /// Send messages to an SCTP echo server over UDP encapsulation and check the echoes.
    SctpClient {
        /// The server's UDP address.
        #[arg(long)]
        remote: SocketAddr,
        /// Local UDP port (0: any).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The server's SCTP port.
        #[arg(long, default_value_t = 7)]
        sctp_port: u16,
        /// Local SCTP port.
        #[arg(long, default_value_t = 5001)]
        local_sctp_port: u16,
        /// Number of messages.
        #[arg(long, default_value_t = 20)]
        count: usize,
        /// Message sizes, cycled.
        #[arg(long, value_delimiter = ',', default_value = "1,100,1200,18445")]
        sizes: Vec<usize>,
        /// Streams used, cycled.
        #[arg(long, default_value_t = 4)]
        streams: u16,
        /// Send every third message unordered.
        #[arg(long)]
        unordered: bool,
        /// Probability of dropping each packet, both directions (seeded).
        #[arg(long, default_value_t = 0.0)]
        loss: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Accept, for messages longer than N bytes, their last piece of at most N bytes as the
        /// echo (usrsctp's echo_server: 10240).
        #[arg(long)]
        tail: Option<usize>,
        /// Offer SCTP-AUTH (RFC 4895), requiring DATA and SACK authenticated.
        #[arg(long)]
        auth: bool,
        /// SCTP directly over IPv4 (protocol 132, raw socket: root only) from this local address;
        /// the port of --remote is ignored.
        #[arg(long)]
        raw: Option<std::net::Ipv4Addr>,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
}

/// Timers suited to loopback: RTO between 100 ms and 2 s.
fn loopback_config(seed: u64) -> Config {
    Config {
        rto_initial: Duration::from_millis(500),
        rto_min: Duration::from_millis(100),
        rto_max: Duration::from_secs(2),
        max_message: 256 * 1024,
        seed,
        ..Config::default()
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.cmd {
        Cmd::SctpEcho { port, bind, sctp_port, raw } => {
            let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos() as u64;
            let mut cfg = loopback_config(seed);
            cfg.secret[..8].copy_from_slice(&seed.to_be_bytes());
            if raw {
                let sock = replay::raw::RawSocket::bind(bind.parse()?)?;
                eprintln!("replay: SCTP echo on IP {bind} (SCTP port {sctp_port})");
                echo_server(&sock, &cfg, sctp_port, || false)?;
            } else {
                let sock = UdpSocket::bind((bind.as_str(), port))?;
                eprintln!("replay: SCTP echo on UDP {} (SCTP port {sctp_port})", sock.local_addr()?);
                echo_server(&sock, &cfg, sctp_port, || false)?;
            }
        }
        Cmd::SctpBench { tsctp, length, seconds } => {
            let r = replay::bench::tsctp_ratio(&tsctp, length, seconds, loopback_config(1))?;
            println!(
                "{length}-byte messages for {seconds} s to tsctp: replay {:.1} MB/s, tsctp {:.1} MB/s, ratio {:.3}",
                r.ours / 1e6,
                r.tsctp / 1e6,
                r.ours / r.tsctp
            );
        }
        Cmd::SctpClient {
            remote,
            port,
            sctp_port,
            local_sctp_port,
            count,
            sizes,
            streams,
            unordered,
            loss,
            seed,
            tail,
            auth,
            raw,
            timeout,
        } => {
            let mut cfg = loopback_config(seed);
            if auth {
                cfg.auth_chunks = Some(vec![0, 3]);
            }
            let msgs = plan(count, &sizes, streams, unordered);
            let limit = Duration::from_secs(timeout);
            let r = match raw {
                Some(local) => {
                    let sock = replay::raw::RawSocket::bind(local)?;
                    let remote = std::net::SocketAddr::new(remote.ip(), 0);
                    let mut ua = UdpAssoc::connect(sock, remote, cfg, local_sctp_port, sctp_port);
                    ua.outgoing = Impairment::random(seed, loss, 0.0, 0.0);
                    ua.incoming = Impairment::random(seed ^ 0xffff, loss, 0.0, 0.0);
                    echo_check(&mut ua, &msgs, tail, limit)?
                }
                None => {
                    let sock = UdpSocket::bind(("0.0.0.0", port))?;
                    let mut ua = UdpAssoc::connect(sock, remote, cfg, local_sctp_port, sctp_port);
                    ua.outgoing = Impairment::random(seed, loss, 0.0, 0.0);
                    ua.incoming = Impairment::random(seed ^ 0xffff, loss, 0.0, 0.0);
                    echo_check(&mut ua, &msgs, tail, limit)?
                }
            };
            println!(
                "{} messages echoed intact in {:.3} s; {} chunks retransmitted ({} fast retransmits, {} T3 expiries); {} packets dropped out, {} in",
                r.echoed,
                r.elapsed.as_secs_f64(),
                r.retransmitted_chunks,
                r.fast_retransmits,
                r.t3_expiries,
                r.dropped_out,
                r.dropped_in
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("replay: {e}");
            ExitCode::FAILURE
        }
    }
}
