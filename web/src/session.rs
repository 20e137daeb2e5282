//! A capture opened in the page: an indexing pass that keeps one summary row per frame (and the
//! frames a display filter passes), and trees built on demand by dissecting up to the frame
//! asked for. Plain Rust, so it is tested natively; `lib.rs` exports it to JavaScript.
//!
//! Memory per frame is one [`Row`]: the tree of a frame exists only while it is shown. A tree
//! needs the state of every frame before it (TCP reassembly, TLS keys), so [`Session::packet`]
//! keeps a dissector positioned after the last frame it built and continues from there when
//! the next request is later in the file, and starts over otherwise.

use std::io::Cursor;
use std::sync::Arc;

use dissect::capture::{CaptureReader, Frame};
use dissect::engine::{Config, Dissector};
use dissect::proto::tls::keylog::KeyLog;
use dissect::tree::{Packet, Severity};

/// Largest capture the page accepts (the bytes live in the page's memory).
pub const MAX_CAPTURE: usize = 2 << 30;

/// One line of the packet list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: u64,
    /// Seconds since the first frame.
    pub time: f64,
    pub src: String,
    pub dst: String,
    pub protocol: String,
    pub length: u32,
    pub info: String,
    /// The worst expert severity in the frame, if any.
    pub severity: Option<Severity>,
}

impl Row {
    fn of(p: &Packet) -> Row {
        Row {
            number: p.number,
            time: p.rel_ts.0 as f64 + f64::from(p.rel_ts.1) / 1e9,
            src: p.summary.src.clone(),
            dst: p.summary.dst.clone(),
            protocol: p.summary.protocol.clone(),
            length: p.orig_len,
            info: p.summary.info.clone(),
            severity: p.experts.iter().map(|e| e.severity).max(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "n": self.number,
            "t": format!("{:.6}", self.time),
            "src": self.src,
            "dst": self.dst,
            "proto": self.protocol,
            "len": self.length,
            "info": self.info,
            "sev": self.severity.map(Severity::name),
        })
    }
}

/// Counts of one kind of expert info over the capture.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertCount {
    pub severity: Severity,
    pub group: &'static str,
    pub protocol: &'static str,
    pub message: String,
    pub count: u64,
    pub first_frame: u64,
}

/// Distinct expert messages kept for the panel; further ones only count.
pub const MAX_EXPERT_KINDS: usize = 10_000;

/// A predicate over packets: a compiled display filter.
pub type Predicate = Box<dyn Fn(&Packet) -> bool>;

/// Compile a display filter, or say why it cannot be (one line, with the position).
pub fn compile_filter(expr: &str) -> Result<Option<Predicate>, String> {
    if expr.trim().is_empty() {
        return Ok(None);
    }
    crate::filter::compile(expr).map(Some)
}

struct Scan {
    reader: CaptureReader,
    dissector: Dissector,
    filter: Option<Predicate>,
}

/// Progress of the indexing pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub done: bool,
    /// Frames read so far.
    pub frames: u64,
    /// Bytes of the file read so far, and in all.
    pub offset: u64,
    pub total: u64,
    /// Frames the filter passed so far (all frames without a filter).
    pub shown: u64,
}

/// An opened capture.
pub struct Session {
    data: Arc<[u8]>,
    keylog: Option<KeyLog>,
    rows: Vec<Row>,
    /// With a filter: the indexes in `rows` of the frames it passes.
    shown: Option<Vec<u32>>,
    scan: Option<Scan>,
    /// The error that ended reading, naming its byte offset (the frames before it are listed).
    error: Option<String>,
    warnings: Vec<String>,
    experts: Vec<ExpertCount>,
    /// A dissector positioned after frame `cursor.2` for on-demand trees.
    cursor: Option<(CaptureReader, Dissector, u64)>,
}

fn reader(data: &Arc<[u8]>) -> Result<CaptureReader, String> {
    CaptureReader::new(Box::new(Cursor::new(data.clone()))).map_err(|e| e.to_string())
}

impl Session {
    /// Open capture bytes (pcap or pcapng) with an optional NSS key log; nothing is dissected
    /// until [`Session::start`].
    pub fn open(data: Vec<u8>, keylog: Option<&str>) -> Result<Session, String> {
        if data.len() > MAX_CAPTURE {
            return Err(format!("the capture is {} bytes; the page opens at most {MAX_CAPTURE}", data.len()));
        }
        let data: Arc<[u8]> = Arc::from(data);
        reader(&data)?;
        Ok(Session {
            data,
            keylog: keylog.filter(|k| !k.trim().is_empty()).map(KeyLog::parse),
            rows: Vec::new(),
            shown: None,
            scan: None,
            error: None,
            warnings: Vec::new(),
            experts: Vec::new(),
            cursor: None,
        })
    }

    fn dissector(&self) -> Dissector {
        let mut d = Dissector::new(Config::default());
        if let Some(k) = &self.keylog {
            d.st.tls.set_keylog(k.clone());
        }
        d
    }

    /// Start (or restart) the indexing pass with a display filter (empty: none). A bad filter
    /// is an error and leaves the current list as it is.
    pub fn start(&mut self, filter: &str) -> Result<(), String> {
        let filter = compile_filter(filter)?;
        self.shown = filter.is_some().then(Vec::new);
        self.rows.clear();
        self.experts.clear();
        self.error = None;
        self.warnings.clear();
        self.scan = Some(Scan { reader: reader(&self.data)?, dissector: self.dissector(), filter });
        Ok(())
    }

    /// Index up to `budget` more frames.
    pub fn step(&mut self, budget: u32) -> Progress {
        if let Some(scan) = self.scan.as_mut() {
            for _ in 0..budget {
                match scan.reader.next_frame() {
                    None => {
                        self.warnings = scan.reader.warnings().to_vec();
                        self.scan = None;
                        break;
                    }
                    Some(Err(e)) => {
                        self.error = Some(e.to_string());
                        self.warnings = scan.reader.warnings().to_vec();
                        self.scan = None;
                        break;
                    }
                    Some(Ok(frame)) => {
                        let p = scan.dissector.dissect(frame);
                        let pass = scan.filter.as_ref().is_none_or(|f| f(&p));
                        if pass {
                            if let Some(s) = self.shown.as_mut() {
                                s.push(self.rows.len() as u32);
                            }
                            count_experts(&mut self.experts, &p);
                        }
                        self.rows.push(Row::of(&p));
                    }
                }
            }
        }
        self.progress()
    }

    pub fn progress(&self) -> Progress {
        let offset = self.scan.as_ref().map_or(self.data.len() as u64, |s| s.reader.offset());
        Progress {
            done: self.scan.is_none(),
            frames: self.rows.len() as u64,
            offset,
            total: self.data.len() as u64,
            shown: self.shown.as_ref().map_or(self.rows.len(), Vec::len) as u64,
        }
    }

    /// The error that stopped reading, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Records the reader skipped, each naming its offset.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Rows `offset..offset + limit` of the (filtered) list.
    pub fn rows(&self, offset: usize, limit: usize) -> Vec<&Row> {
        match &self.shown {
            Some(ix) => ix.iter().skip(offset).take(limit).filter_map(|&i| self.rows.get(i as usize)).collect(),
            None => self.rows.iter().skip(offset).take(limit).collect(),
        }
    }

    /// The position in the (filtered) list of frame `number`.
    pub fn position(&self, number: u64) -> Option<usize> {
        match &self.shown {
            Some(ix) => ix.iter().position(|&i| self.rows.get(i as usize).is_some_and(|r| r.number == number)),
            None => self.rows.iter().position(|r| r.number == number),
        }
    }

    /// Expert infos of the listed frames, grouped.
    pub fn experts(&self) -> &[ExpertCount] {
        &self.experts
    }

    /// Frame `number`'s dissection, with everything before it taken into account.
    pub fn packet(&mut self, number: u64) -> Result<Packet, String> {
        if number == 0 {
            return Err("frames are numbered from 1".into());
        }
        if self.cursor.as_ref().is_none_or(|c| c.2 >= number) {
            self.cursor = Some((reader(&self.data)?, self.dissector(), 0));
        }
        let Some((reader, dissector, at)) = self.cursor.as_mut() else {
            return Err("no capture".into());
        };
        loop {
            let frame: Frame = match reader.next_frame() {
                None => return Err(format!("there is no frame {number}: the capture has {at}")),
                Some(Err(e)) => return Err(e.to_string()),
                Some(Ok(f)) => f,
            };
            *at = frame.number;
            let p = dissector.dissect(frame);
            if p.number == number {
                return Ok(p);
            }
        }
    }
}

fn count_experts(v: &mut Vec<ExpertCount>, p: &Packet) {
    for e in &p.experts {
        let group = e.group.name();
        if let Some(c) = v.iter_mut().find(|c| {
            c.severity == e.severity && c.group == group && c.protocol == e.protocol && c.message == e.message
        }) {
            c.count += 1;
        } else if v.len() < MAX_EXPERT_KINDS {
            v.push(ExpertCount {
                severity: e.severity,
                group,
                protocol: e.protocol,
                message: e.message.clone(),
                count: 1,
                first_frame: p.number,
            });
        }
    }
}
