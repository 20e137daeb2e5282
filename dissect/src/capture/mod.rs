//! Capture files: pcap (both byte orders, micro- and nanosecond timestamps) and pcapng (every
//! section and interface, EPB/SPB/legacy packet blocks, comments), read as a stream of [`Frame`]s.
//!
//! OWNER NOTE: the reader itself is being written; the types below are the contract.

use std::io::Read;

/// Link types (LINKTYPE_* numbers from the tcpdump registry).
pub mod linktype {
    pub const NULL: u32 = 0;
    pub const ETHERNET: u32 = 1;
    pub const RAW: u32 = 101;
    pub const LOOP: u32 = 108;
    pub const LINUX_SLL: u32 = 113;
    pub const IPV4: u32 = 228;
    pub const IPV6: u32 = 229;
    pub const LINUX_SLL2: u32 = 276;
}

/// One captured frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// 1-based position in the file.
    pub number: u64,
    /// Seconds since the epoch.
    pub ts_sec: i64,
    /// Nanoseconds within the second.
    pub ts_nsec: u32,
    /// LINKTYPE_* of the interface the frame came from.
    pub linktype: u32,
    /// pcapng interface id (0 for pcap).
    pub interface: u32,
    /// Length on the wire.
    pub orig_len: u32,
    /// The captured bytes (may be shorter than `orig_len` when cut by the snap length).
    pub data: Vec<u8>,
    /// pcapng packet comments (`opt_comment`).
    pub comments: Vec<String>,
}

impl Frame {
    /// Whether the snap length cut this frame short.
    pub fn is_truncated(&self) -> bool {
        (self.data.len() as u64) < self.orig_len as u64
    }
}

/// Why reading a capture stopped.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a pcap or pcapng file (byte offset {offset})")]
    NotACapture { offset: u64 },
    #[error("file ends in the middle of a record at byte offset {offset}, after frame {frames}")]
    Truncated { offset: u64, frames: u64 },
    #[error("malformed capture at byte offset {offset}: {reason}")]
    Malformed { offset: u64, reason: String },
}

/// Streaming reader over pcap or pcapng.
pub struct CaptureReader {
    _src: Box<dyn Read>,
}

impl CaptureReader {
    /// Read from any byte source; the format is detected from the first bytes.
    pub fn new(src: Box<dyn Read>) -> Result<Self, CaptureError> {
        Ok(CaptureReader { _src: src })
    }

    /// Open a file, or standard input for `-`.
    pub fn open(path: &str) -> Result<Self, CaptureError> {
        if path == "-" {
            return Self::new(Box::new(std::io::stdin()));
        }
        let f = std::fs::File::open(path)?;
        Self::new(Box::new(f))
    }

    /// "pcap" or "pcapng".
    pub fn format(&self) -> &'static str {
        "pcap"
    }

    /// The next frame, an error after which reading stops, or `None` at the end.
    pub fn next_frame(&mut self) -> Option<Result<Frame, CaptureError>> {
        None
    }
}

impl Iterator for CaptureReader {
    type Item = Result<Frame, CaptureError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame()
    }
}
