//! Throughput of the whole pipeline: capture reading, dissection and output, for the summary
//! line, `-V` and `-T json`, on one capture file (by default the large generated one that
//! `scripts/bench` writes). Output goes to a sink, so what is measured is our work, not the
//! terminal's. Prints frames per second and bytes per second for each output kind.
//!
//! Display filters are measured against `-T fields -e frame.number` (`fields`): `-Y none` is a
//! filter that matches no frame (so its cost is the filter's alone, and must not exceed the
//! fields run), `-Y tcp` one that passes the TCP frames with payload to the same fields output.
//!
//! `cargo bench -p dissect --bench pipeline -- FILE [ROUNDS]`

use std::io::{self, Write};
use std::time::{Duration, Instant};

use dissect::capture::CaptureReader;
use dissect::engine::{Config, Dissector};
use dissect::filter::Filter;
use dissect::output;
use dissect::output::fields::FieldsOptions;

#[derive(Clone, Copy)]
enum Kind<'f> {
    Summary,
    Verbose,
    Json,
    /// `-T fields -e frame.number`, after an optional display filter.
    Fields(Option<&'f Filter>),
}

/// Matches no frame of the bench capture, but must look at several fields of every one.
const FILTER_NONE: &str = "tcp.port == 1 || sctp.data_sid > 60000 || ip.ttl == 0 || frame.len < 14";
const FILTER_TCP: &str = "tcp.len > 0";

/// Counts bytes written, so the optimiser cannot drop the formatting.
struct Sink(u64);
impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn run(bytes: &[u8], kind: Kind) -> (u64, u64, u64, Duration) {
    let fields = FieldsOptions { fields: vec!["frame.number".into()], ..Default::default() };
    let start = Instant::now();
    let reader = CaptureReader::new(Box::new(io::Cursor::new(bytes.to_vec()))).expect("capture");
    let mut d = Dissector::new(Config::default());
    let mut sink = Sink(0);
    let mut json = output::json::JsonWriter::new();
    let (mut frames, mut wire) = (0u64, 0u64);
    for f in reader {
        let Ok(f) = f else { break };
        frames += 1;
        wire += f.data.len() as u64;
        let p = d.dissect(f);
        match kind {
            Kind::Summary => writeln!(sink, "{}", output::text::summary_line(&p)).unwrap(),
            Kind::Verbose => output::text::write_tree(&mut sink, &p).unwrap(),
            Kind::Json => json.packet(&mut sink, &p).unwrap(),
            Kind::Fields(f) => {
                if f.is_none_or(|f| f.matches(&p)) {
                    fields.write_packet(&mut sink, &p).unwrap()
                }
            }
        }
    }
    if let Kind::Json = kind {
        json.finish(&mut sink).unwrap();
    }
    (frames, wire, sink.0, start.elapsed())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let path = args
        .first()
        .cloned()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench/large.pcapng").into());
    let rounds: u32 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bench: {path}: {e} (scripts/bench generates it)");
            std::process::exit(1);
        }
    };
    println!("file: {path} ({} bytes), best of {rounds} rounds", bytes.len());
    println!("{:<8} {:>10} {:>12} {:>10} {:>12}", "output", "frames", "frames/s", "MB/s", "out MB");
    let none = Filter::compile(FILTER_NONE).expect("filter");
    let tcp = Filter::compile(FILTER_TCP).expect("filter");
    for (name, kind) in [
        ("summary", Kind::Summary),
        ("-V", Kind::Verbose),
        ("json", Kind::Json),
        ("fields", Kind::Fields(None)),
        ("-Y none", Kind::Fields(Some(&none))),
        ("-Y tcp", Kind::Fields(Some(&tcp))),
    ] {
        let mut best: Option<(u64, u64, u64, Duration)> = None;
        for _ in 0..rounds.max(1) {
            let r = run(&bytes, kind);
            if best.is_none_or(|b| r.3 < b.3) {
                best = Some(r);
            }
        }
        let (frames, wire, out, t) = best.unwrap();
        let s = t.as_secs_f64().max(1e-9);
        println!(
            "{:<8} {:>10} {:>12.0} {:>10.1} {:>12.1}",
            name,
            frames,
            frames as f64 / s,
            wire as f64 / s / 1e6,
            out as f64 / 1e6
        );
    }
}
