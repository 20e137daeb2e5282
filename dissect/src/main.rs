//! `dissect`: read a pcap or pcapng capture and print what is in it, tshark-style.
//!
//! Exit status: 0 when the file was read to the end (malformed packets are findings, not
//! failures); 1 for a file that cannot be read (or ends in the middle of a record, after every
//! complete frame has been printed) and for a bad argument, with one line on stderr.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use dissect::capture::CaptureReader;
use dissect::engine::{Config, DecodeAs, Dissector};
use dissect::filter::Filter;
use dissect::output::{self, fields::FieldsOptions, json::JsonWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputKind {
    Text,
    Json,
    Jsonl,
    Fields,
}

/// Dissect captures of CTP, MTA-TLS, SIMCO, ForCES and GIST, and the layers below them.
#[derive(Debug, Parser)]
#[command(name = "dissect", version, about, after_help = AFTER_HELP, disable_version_flag = true)]
struct Cli {
    /// Capture file to read (pcap or pcapng); `-` reads standard input.
    #[arg(short = 'r', long = "read-file", value_name = "FILE")]
    read_file: Option<String>,
    /// Capture file (the same as -r).
    #[arg(value_name = "FILE", conflicts_with = "read_file")]
    file: Option<String>,
    /// Print the version.
    #[arg(long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
    /// Print the detail tree of every packet.
    #[arg(short = 'V')]
    verbose: bool,
    /// Print hex and ASCII of each packet's frame and reassembled buffers.
    #[arg(short = 'x')]
    hex: bool,
    /// Output format.
    #[arg(short = 'T', value_enum, default_value_t = OutputKind::Text)]
    output: OutputKind,
    /// A field to print with -T fields (repeat for more).
    #[arg(short = 'e', value_name = "FIELD")]
    fields: Vec<String>,
    /// -T fields option: header=y|n, separator=C, aggregator=C, occurrence=f|l|a|N, quote=d|s|n.
    #[arg(short = 'E', value_name = "OPTION")]
    fields_opts: Vec<String>,
    /// Two passes: read the file once to learn what later frames say about earlier ones
    /// (`ctp.response_in`, ...), then dissect and print.
    #[arg(short = '2')]
    two_pass: bool,
    /// Display filter: print only the packets that match (Wireshark's filter language).
    #[arg(short = 'Y', value_name = "FILTER")]
    display_filter: Option<String>,
    /// Read filter, with -2: frames that do not match are dropped in the first pass and not seen
    /// by the second, which numbers the others anew (as tshark does).
    #[arg(short = 'R', value_name = "FILTER")]
    read_filter: Option<String>,
    /// Compile a filter and exit: status 0 and no output, or 1 and one line naming the column.
    #[arg(long = "check-filter", value_name = "FILTER")]
    check_filter: Option<String>,
    /// Stop after N packets.
    #[arg(short = 'c', value_name = "N")]
    count: Option<u64>,
    /// Decode as: `tcp.port==8443,ctp` (selectors tcp.port, udp.port, sctp.port, sctp.ppi).
    #[arg(short = 'd', value_name = "RULE")]
    decode_as: Vec<String>,
    /// A preference, `name:value` (tls.keylog_file:PATH; checksums:false).
    #[arg(short = 'o', value_name = "PREF")]
    prefs: Vec<String>,
    /// NSS key log file (SSLKEYLOGFILE format) for TLS and DTLS decryption.
    #[arg(long = "keylog", value_name = "FILE")]
    keylog: Option<String>,
    /// Print a glossary and exit: `fields` lists every field name, type and description.
    #[arg(short = 'G', value_name = "REPORT", num_args = 0..=1, default_missing_value = "fields")]
    glossary: Option<String>,
    /// A statistic, printed after the packets (repeat for more; `-z help` lists them).
    #[arg(short = 'z', value_name = "STAT")]
    stats: Vec<String>,
    /// Print only the statistics and followed streams, not the packets.
    #[arg(short = 'q')]
    quiet: bool,
    /// Follow a stream: tcp,ascii|hex|raw,N; udp,...,N; sctp,...,ASSOC[,STREAM]; ctp.vs==N[,MODE].
    #[arg(long = "follow", value_name = "SPEC")]
    follow: Vec<String>,
    /// With --follow: write each direction's bytes to a file in DIR instead of printing them.
    #[arg(long = "follow-out", value_name = "DIR")]
    follow_out: Option<String>,
}

const AFTER_HELP: &str = "Examples:
  dissect corpus/sctp-assoc.pcapng
  dissect -r capture.pcapng -V -c 5
  dissect -r capture.pcapng -T fields -e frame.number -e sctp.data_tsn
  dissect -r capture.pcapng -T json > packets.json
  cat capture.pcap | dissect -r - -T jsonl
  dissect -r capture.pcapng -q -z io,phs -z conv,sctp
  dissect -r capture.pcapng -q --follow tcp,ascii,0";

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let msg = e.to_string();
            let first = msg.lines().next().unwrap_or("bad arguments").trim_start_matches("error: ");
            eprintln!("dissect: {first} (see dissect --help)");
            return ExitCode::from(1);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(m)) => {
            eprintln!("dissect: {m}");
            ExitCode::from(1)
        }
    }
}

/// Statistics and followed streams after the packets: text, or one JSON object (`-T json`,
/// `-T jsonl`: `{"stats": {"io,phs": ...}, "follow": [...]}`).
fn write_stats(out: &mut dyn Write, s: &dissect::stats::Session, kind: OutputKind, no_follow: bool) -> io::Result<()> {
    match kind {
        OutputKind::Json | OutputKind::Jsonl => {
            let mut v = s.to_json();
            if no_follow {
                v["follow"] = serde_json::Value::Array(Vec::new());
            }
            if kind == OutputKind::Json {
                serde_json::to_writer_pretty(&mut *out, &v)?;
            } else {
                serde_json::to_writer(&mut *out, &v)?;
            }
            writeln!(out)
        }
        _ if no_follow => s.write_text_stats(out),
        _ => s.write_text(out),
    }
}

enum Failure {
    Message(String),
    BrokenPipe,
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(format!("cannot write output: {e}"))
        }
    }
}

fn config(cli: &Cli) -> Result<Config, Failure> {
    let mut cfg = Config::default();
    for r in &cli.decode_as {
        cfg.decode_as.push(DecodeAs::parse(r).map_err(Failure::Message)?);
    }
    for p in &cli.prefs {
        let (k, v) =
            p.split_once(':').ok_or_else(|| Failure::Message(format!("preference {p:?}: expected name:value")))?;
        match k {
            "tls.keylog_file" | "dtls.keylog_file" => cfg.keylog = Some(v.into()),
            "checksums" => cfg.check_checksums = !matches!(v, "false" | "FALSE" | "0" | "n" | "no"),
            "tcp.desegment_tcp_streams" => cfg.tcp_reassemble = !matches!(v, "false" | "FALSE" | "0"),
            // SPEC-NOTES M1: the `data_multiplexing` extension type, decimal or 0x-prefixed hex.
            "mtatls.extension_type" => {
                let n = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                    Some(h) => u16::from_str_radix(h, 16),
                    None => v.parse::<u16>(),
                };
                cfg.mtatls_ext_type = n.map_err(|_| {
                    Failure::Message(format!("preference {p:?}: extension type must be a number from 0 to 65535"))
                })?;
            }
            _ => {
                return Err(Failure::Message(format!(
                    "unknown preference {k:?} (known: tls.keylog_file, checksums, tcp.desegment_tcp_streams, \
                     mtatls.extension_type)"
                )))
            }
        }
    }
    if let Some(k) = &cli.keylog {
        cfg.keylog = Some(k.into());
    }
    if let Some(k) = &cfg.keylog {
        if let Err(e) = std::fs::metadata(k) {
            return Err(Failure::Message(format!("{}: cannot read key log: {e}", k.display())));
        }
    }
    Ok(cfg)
}

fn run(cli: Cli) -> Result<(), Failure> {
    let filter = |f: &Option<String>, opt: &str| -> Result<Option<Filter>, Failure> {
        f.as_deref()
            .map(|t| Filter::compile(t).map_err(|e| Failure::Message(format!("{opt}filter {t:?}: {e}"))))
            .transpose()
    };
    if let Some(t) = &cli.check_filter {
        return filter(&Some(t.clone()), "").map(drop);
    }
    let display = filter(&cli.display_filter, "-Y ")?;
    let read_filter = filter(&cli.read_filter, "-R ")?;
    if read_filter.is_some() && !cli.two_pass {
        return Err(Failure::Message("-R needs -2 (for a one-pass filter use -Y)".into()));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    if let Some(g) = &cli.glossary {
        if g != "fields" {
            return Err(Failure::Message(format!("-G {g}: unknown report (known: fields)")));
        }
        output::glossary(&mut out, &dissect::fields::all())?;
        out.flush()?;
        return Ok(());
    }
    if cli.stats.iter().any(|z| z == "help") {
        dissect::stats::write_help(&mut out)?;
        out.flush()?;
        return Ok(());
    }
    let mut session = dissect::stats::Session::default();
    for z in &cli.stats {
        session.add_tap(z).map_err(Failure::Message)?;
    }
    for f in &cli.follow {
        session.add_follow(f).map_err(Failure::Message)?;
    }
    if cli.follow_out.is_some() && cli.follow.is_empty() {
        return Err(Failure::Message("--follow-out needs --follow".into()));
    }
    let path = cli
        .read_file
        .clone()
        .or_else(|| cli.file.clone())
        .ok_or_else(|| Failure::Message("no capture file given (dissect -r FILE)".into()))?;
    let cfg = config(&cli)?;
    let mut fopts = FieldsOptions { fields: cli.fields.clone(), ..Default::default() };
    for o in &cli.fields_opts {
        fopts.set(o).map_err(Failure::Message)?;
    }
    if cli.output == OutputKind::Fields && fopts.fields.is_empty() {
        return Err(Failure::Message("-T fields needs at least one -e FIELD".into()));
    }
    if cli.output != OutputKind::Fields && !fopts.fields.is_empty() {
        return Err(Failure::Message("-e is for -T fields".into()));
    }
    for f in &fopts.fields {
        if dissect::fields::by_abbrev(f).is_none() {
            return Err(Failure::Message(format!("unknown field {f:?} (dissect -G fields lists them all)")));
        }
    }
    let open = || CaptureReader::open(&path).map_err(|e| Failure::Message(format!("{path}: {e}")));
    let mut d = Dissector::new(cfg);
    let mut keep: Option<Kept> = None;
    if cli.two_pass {
        if path == "-" {
            return Err(Failure::Message("-2 reads the file twice: it needs a file, not standard input".into()));
        }
        // First pass: state only (and the read filter). Read errors are reported by the second pass.
        let mut pass = Vec::new();
        let mut first_ts = None;
        for (n, item) in open()?.enumerate() {
            if cli.count.is_some_and(|c| n as u64 >= c) {
                break;
            }
            match item {
                Ok(frame) => {
                    first_ts.get_or_insert((frame.ts_sec, frame.ts_nsec));
                    let p = d.dissect(frame);
                    if let Some(f) = &read_filter {
                        pass.push(f.matches(&p));
                    }
                }
                Err(_) => break,
            }
        }
        if read_filter.is_some() {
            // The frames that failed -R do not exist for the second pass: learn the hindsight
            // notes again over the kept frames alone, numbered as they will be printed.
            let mut kept = Kept { pass, next: 0 };
            d = Dissector::new(d.cfg.clone());
            d.set_time_reference(first_ts.unwrap_or_default());
            for (n, item) in open()?.enumerate() {
                let Ok(mut frame) = item else { break };
                if kept.keep(n, &mut frame) {
                    drop(d.dissect(frame));
                }
            }
            keep = Some(Kept { pass: kept.pass, next: 0 });
            d = d.second_pass();
            d.set_time_reference(first_ts.unwrap_or_default());
        } else {
            d = d.second_pass();
        }
    }
    let mut reader = open()?;
    let mut json = JsonWriter::new();
    if cli.output == OutputKind::Fields {
        fopts.write_header(&mut out)?;
    }
    let mut failure = None;
    for (n, item) in reader.by_ref().enumerate() {
        if cli.count.is_some_and(|c| n as u64 >= c) {
            break;
        }
        let mut frame = match item {
            Ok(f) => f,
            Err(e) => {
                failure = Some(format!("{path}: {e}"));
                break;
            }
        };
        if keep.as_mut().is_some_and(|k| !k.keep(n, &mut frame)) {
            continue;
        }
        let p = d.dissect(frame);
        session.packet(&p);
        if display.as_ref().is_some_and(|f| !f.matches(&p)) {
            continue;
        }
        if cli.quiet {
            continue;
        }
        match cli.output {
            OutputKind::Text => {
                if cli.verbose {
                    output::text::write_tree(&mut out, &p)?;
                    if cli.hex {
                        writeln!(out)?;
                    }
                } else {
                    writeln!(out, "{}", output::text::summary_line(&p))?;
                }
                if cli.hex {
                    output::hex::write_hex(&mut out, &p)?;
                } else if cli.verbose {
                    writeln!(out)?;
                }
            }
            OutputKind::Json => json.packet(&mut out, &p)?,
            OutputKind::Jsonl => output::json::write_jsonl(&mut out, &p)?,
            OutputKind::Fields => fopts.write_packet(&mut out, &p)?,
        }
    }
    if cli.output == OutputKind::Json && !cli.quiet {
        json.finish(&mut out)?;
    }
    if let Some(dir) = &cli.follow_out {
        for f in session
            .write_follow_files(std::path::Path::new(dir))
            .map_err(|e| Failure::Message(format!("{dir}: {e}")))?
        {
            eprintln!("dissect: wrote {}", f.display());
        }
    }
    if !session.is_empty() {
        write_stats(&mut out, &session, cli.output, cli.follow_out.is_some())?;
    }
    out.flush()?;
    // Blocks the reader skipped (each names its byte offset): findings, not failures.
    for w in reader.warnings() {
        eprintln!("dissect: {path}: warning: {w}");
    }
    if reader.warnings_dropped() > 0 {
        eprintln!("dissect: {path}: {} more warnings not shown", reader.warnings_dropped());
    }
    match failure {
        Some(m) => Err(Failure::Message(m)),
        None => Ok(()),
    }
}

/// Which frames passed `-R` in the first pass, by position in the file, and the numbers the kept
/// ones get.
struct Kept {
    pass: Vec<bool>,
    next: u64,
}

impl Kept {
    /// Whether the frame at position `n` passed; if so it is renumbered.
    fn keep(&mut self, n: usize, frame: &mut dissect::capture::Frame) -> bool {
        if !self.pass.get(n).copied().unwrap_or(false) {
            return false;
        }
        self.next += 1;
        frame.number = self.next;
        true
    }
}
