//! `-z io,stat,INTERVAL[,FILTER...]`: frames and bytes (`frame.len`) per interval of
//! `INTERVAL` seconds since the first frame, one column of both per filter (or one column of
//! every frame without filters), in tshark's boxed layout. An interval of 0 is the whole capture.

use std::io::{self, Write};

use serde_json::json;

use super::{compile_filter, secs, Predicate, Tap};
use crate::tree::Packet;

/// Intervals kept at most (a row each); frames later than that are counted in the last one.
pub const MAX_INTERVALS: usize = 100_000;
/// Filter columns at most.
pub const MAX_COLUMNS: usize = 64;

/// The I/O statistics tap.
pub struct IoStat {
    /// Interval length in microseconds; 0 for the whole capture.
    interval_us: u64,
    /// Digits after the decimal point in the interval labels.
    decimals: usize,
    columns: Vec<(String, Option<Predicate>)>,
    /// Per interval, per column: (frames, bytes).
    rows: Vec<Vec<(u64, u64)>>,
    /// Time of the last frame since the first, in seconds.
    duration: f64,
}

/// Parse `SECONDS` as microseconds and the number of decimals it was written with.
fn parse_interval(s: &str) -> Result<(u64, usize), String> {
    let bad = || format!("-z io,stat: interval {s:?} is not a number of seconds");
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 6
    {
        return Err(bad());
    }
    let whole: u64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
    let mut f = frac.to_string();
    while f.len() < 6 {
        f.push('0');
    }
    let micros: u64 = f.parse().map_err(|_| bad())?;
    let us = whole.checked_mul(1_000_000).and_then(|w| w.checked_add(micros)).ok_or_else(bad)?;
    Ok((us, frac.trim_end_matches('0').len()))
}

/// `-z io,stat,INTERVAL[,FILTER...]`.
pub fn new(args: &str) -> Result<Box<dyn Tap>, String> {
    let mut parts = args.splitn(2, ',');
    let interval = parts.next().unwrap_or("").trim();
    if interval.is_empty() {
        return Err("-z io,stat needs an interval: io,stat,SECONDS[,FILTER...]".into());
    }
    let (interval_us, decimals) = parse_interval(interval)?;
    let mut columns = Vec::new();
    if let Some(rest) = parts.next() {
        for f in rest.split(',') {
            if columns.len() >= MAX_COLUMNS {
                return Err(format!("-z io,stat: at most {MAX_COLUMNS} filter columns"));
            }
            let f = f.trim();
            if f.is_empty() {
                columns.push(("Frames and bytes".to_string(), None));
            } else {
                columns.push((f.to_string(), Some(compile_filter(f)?)));
            }
        }
    }
    if columns.is_empty() {
        columns.push(("Frames and bytes".to_string(), None));
    }
    Ok(Box::new(IoStat { interval_us, decimals, columns, rows: Vec::new(), duration: 0.0 }))
}

impl IoStat {
    fn label(&self, us: u64) -> String {
        let s = us as f64 / 1e6;
        format!("{s:.prec$}", prec = self.decimals)
    }
}

impl Tap for IoStat {
    fn packet(&mut self, p: &Packet) {
        let t = p.rel_ts;
        self.duration = self.duration.max(secs(t));
        let us = u64::try_from(t.0).unwrap_or(0).saturating_mul(1_000_000).saturating_add(u64::from(t.1 / 1000));
        let idx = us.checked_div(self.interval_us).map_or(0, |i| usize::try_from(i).unwrap_or(usize::MAX));
        let idx = idx.min(MAX_INTERVALS - 1);
        while self.rows.len() <= idx {
            self.rows.push(vec![(0, 0); self.columns.len()]);
        }
        let Some(row) = self.rows.get_mut(idx) else { return };
        for (c, cell) in self.columns.iter().zip(row.iter_mut()) {
            if c.1.as_ref().is_none_or(|m| m(p)) {
                cell.0 += 1;
                cell.1 += u64::from(p.orig_len);
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        // Interval labels: "0 <> 100", the last one ending at "Dur".
        let n = self.rows.len().max(1);
        let labels: Vec<(String, String)> = (0..n)
            .map(|i| {
                let start = self.label(i as u64 * self.interval_us);
                // The last interval ends at the capture's end: "Dur", or its time when the
                // interval has decimals (as tshark labels them).
                let end = match (i + 1 == n, self.decimals) {
                    (true, 0) => "Dur".to_string(),
                    (true, d) => format!("{:.d$}", self.duration),
                    _ => self.label((i as u64 + 1) * self.interval_us),
                };
                (start, end)
            })
            .collect();
        let sw = labels.iter().map(|l| l.0.len()).max().unwrap_or(1);
        let ew = labels.iter().map(|l| l.1.len()).max().unwrap_or(3);
        let iw = (sw + 4 + ew).max("Interval".len());
        // Column widths: frames and bytes.
        let widths: Vec<(usize, usize)> = (0..self.columns.len())
            .map(|c| {
                let f = self.rows.iter().map(|r| r.get(c).map_or(1, |x| x.0.to_string().len())).max().unwrap_or(1);
                let b = self.rows.iter().map(|r| r.get(c).map_or(1, |x| x.1.to_string().len())).max().unwrap_or(1);
                (f.max(6), b.max(5))
            })
            .collect();
        let mut head = vec![
            "IO Statistics".to_string(),
            String::new(),
            format!(
                "Duration: {:.prec$} secs",
                self.duration,
                prec = if self.decimals == 0 { 6 } else { self.decimals }
            ),
            format!(
                "Interval: {} secs",
                if self.interval_us == 0 { "Dur".to_string() } else { self.label(self.interval_us) }
            ),
            String::new(),
        ];
        for (i, (name, _)) in self.columns.iter().enumerate() {
            head.push(if i == 0 { format!("Col {}: {name}", i + 1) } else { format!("    {}: {name}", i + 1) });
        }
        // Each row: "| INTERVAL |" then " FRAMES | BYTES |" per column; a wider heading widens
        // the interval column.
        let cells: usize = widths.iter().map(|(f, b)| f + b + 6).sum();
        let head_w = head.iter().map(|h| h.len() + 4).max().unwrap_or(0);
        let iw = iw.max(head_w.saturating_sub(cells + 4));
        let w = iw + 4 + cells;
        let line = |out: &mut dyn Write, s: &str| writeln!(out, "| {s:<pad$} |", pad = w - 4);
        writeln!(out, "\n{}", "=".repeat(w))?;
        for h in &head {
            line(out, h)?;
        }
        let dashes = format!("|{}|", "-".repeat(w - 2));
        writeln!(out, "{dashes}")?;
        // Column numbers, then names.
        let mut s = format!("|{:iw$}  |", "", iw = iw);
        for (i, (f, b)) in widths.iter().enumerate() {
            s.push_str(&format!("{:<width$}|", i + 1, width = f + b + 5));
        }
        writeln!(out, "{s}")?;
        let mut s = format!("| {:<iw$} |", "Interval", iw = iw);
        for (f, b) in &widths {
            s.push_str(&format!(" {:>f$} | {:>b$} |", "Frames", "Bytes", f = f, b = b));
        }
        writeln!(out, "{s}")?;
        writeln!(out, "{dashes}")?;
        for (i, (st, en)) in labels.iter().enumerate() {
            let mut s = format!("| {:>sw$} <> {:<ew$} |", st, en, sw = sw, ew = iw - sw - 4);
            for (c, (f, b)) in widths.iter().enumerate() {
                let cell = self.rows.get(i).and_then(|r| r.get(c)).copied().unwrap_or((0, 0));
                s.push_str(&format!(" {:>f$} | {:>b$} |", cell.0, cell.1, f = f, b = b));
            }
            writeln!(out, "{s}")?;
        }
        writeln!(out, "{}", "=".repeat(w))
    }

    fn to_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "start": (i as u64 * self.interval_us) as f64 / 1e6,
                    "columns": r.iter().map(|(f, b)| json!({"frames": f, "bytes": b})).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "interval": self.interval_us as f64 / 1e6,
            "duration": self.duration,
            "columns": self.columns.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
            "intervals": rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_interval;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("1"), Ok((1_000_000, 0)));
        assert_eq!(parse_interval("0.005"), Ok((5_000, 3)));
        assert_eq!(parse_interval("2.50"), Ok((2_500_000, 1)));
        assert_eq!(parse_interval("0"), Ok((0, 0)));
        assert!(parse_interval("x").is_err());
        assert!(parse_interval("1.0000001").is_err());
        assert!(parse_interval("-1").is_err());
    }
}
