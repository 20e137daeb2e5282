//! Capture files: pcap (both byte orders, micro- and nanosecond timestamps) and pcapng (every
//! section and interface, EPB/SPB/legacy packet blocks, comments), read as a stream of [`Frame`]s.
//!
//! - [`pcap`]: draft-ietf-opsawg-pcap, "File Header" and "Packet Record".
//! - [`pcapng`]: draft-ietf-opsawg-pcapng, "General Block Structure", "Section Header Block",
//!   "Interface Description Block", "Enhanced Packet Block", "Simple Packet Block", "Packet Block
//!   (obsolete!)", "Options". The block diagrams are in each module; `README.md` beside this file
//!   sums up the behaviour on bad input.
//!
//! Reading is streaming: a bounded buffer holds at most one record (cap [`MAX_RECORD_LEN`]), so
//! memory does not grow with the file. The format is detected from the first four bytes.
//!
//! What the reader yields: every complete frame, in order; then `None` at a clean end, or one
//! error and then `None`. A file cut in the middle of a record gives
//! [`CaptureError::Truncated`] with the byte offset where that record starts. A pcapng block whose
//! length is sound but whose content is not (unknown interface, bad packet lengths) is skipped
//! and noted in [`CaptureReader::warnings`], with its byte offset.

use std::io::Read;

mod buf;
pub mod pcap;
pub mod pcapng;
#[cfg(test)]
mod tests;

use buf::InputBuffer;

/// Largest record (pcap packet record or pcapng block) read; a larger declared length is
/// [`CaptureError::Malformed`], never an allocation.
pub const MAX_RECORD_LEN: usize = 64 * 1024 * 1024;

/// At most this many warnings are kept; later ones are only counted.
pub const MAX_WARNINGS: usize = 1000;

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

/// One captured frame. Build one in tests with `Frame { data, ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Default)]
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
    /// Absolute byte offset in the file of the record (pcap record header or pcapng block) that
    /// held the frame.
    pub file_offset: u64,
    /// The record carries no timestamp (pcapng Simple Packet Block); `ts_sec` and `ts_nsec` are
    /// then 0, and tshark shows no `frame.time_epoch`.
    pub ts_missing: bool,
    /// Whether the frame came from a pcapng file (whose frames name an interface; tshark shows
    /// `frame.interface_id` only for those).
    pub pcapng: bool,
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

/// What one step of a format reader produced.
pub(crate) enum Step {
    Frame(Frame),
    /// Clean end of the input.
    End,
    /// Reading stops with this error.
    Stop(CaptureError),
}

/// Warnings about skipped data, bounded to [`MAX_WARNINGS`].
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<String>,
    dropped: u64,
}

impl Warnings {
    pub(crate) fn push(&mut self, w: String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(w);
        } else {
            self.dropped += 1;
        }
    }
}

enum Format {
    /// No bytes at all: no frames, no error.
    Empty,
    /// One to three bytes that begin a known magic number.
    ShortMagic,
    Pcap(pcap::PcapState),
    PcapNg(pcapng::NgState),
}

/// Streaming reader over pcap or pcapng.
pub struct CaptureReader {
    input: InputBuffer,
    format: Format,
    /// Frames yielded so far.
    frames: u64,
    /// An error or the end was reached: only `None` from now on.
    done: bool,
    warnings: Warnings,
}

impl CaptureReader {
    /// Read from any byte source; the format is detected from the first bytes.
    ///
    /// Fails with [`CaptureError::NotACapture`] (offset 0) when the first bytes are neither a pcap
    /// magic number nor a pcapng Section Header Block, and with [`CaptureError::Io`] when the
    /// source cannot be read. An empty source is a capture with no frames.
    pub fn new(src: Box<dyn Read>) -> Result<Self, CaptureError> {
        let mut input = InputBuffer::new(src);
        input.fill(4)?;
        let head = input.data();
        let format = match head.get(..4) {
            None if head.is_empty() => Format::Empty,
            None if is_magic_prefix(head) => Format::ShortMagic,
            None => return Err(CaptureError::NotACapture { offset: 0 }),
            Some(m) if m == pcapng::SHB_BYTES => Format::PcapNg(pcapng::NgState::default()),
            Some(m) => {
                let le = u32::from_le_bytes([m[0], m[1], m[2], m[3]]);
                if pcap::magic::ALL.contains(&le) {
                    Format::Pcap(pcap::PcapState::default())
                } else {
                    return Err(CaptureError::NotACapture { offset: 0 });
                }
            }
        };
        Ok(CaptureReader { input, format, frames: 0, done: false, warnings: Warnings::default() })
    }

    /// Open a file, or standard input for `-`.
    pub fn open(path: &str) -> Result<Self, CaptureError> {
        if path == "-" {
            return Self::new(Box::new(std::io::stdin()));
        }
        let f = std::fs::File::open(path)?;
        Self::new(Box::new(f))
    }

    /// "pcap" or "pcapng" (an empty or too short input counts as "pcap").
    pub fn format(&self) -> &'static str {
        match self.format {
            Format::PcapNg(_) => "pcapng",
            _ => "pcap",
        }
    }

    /// Data skipped so far (malformed pcapng blocks, packets naming an unknown interface...),
    /// each naming its byte offset. At most [`MAX_WARNINGS`] are kept.
    pub fn warnings(&self) -> &[String] {
        &self.warnings.list
    }

    /// Warnings not kept because [`MAX_WARNINGS`] were already recorded.
    pub fn warnings_dropped(&self) -> u64 {
        self.warnings.dropped
    }

    /// Frames yielded so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Absolute byte offset of the next record to read.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    /// The next frame, an error after which reading stops, or `None` at the end.
    pub fn next_frame(&mut self) -> Option<Result<Frame, CaptureError>> {
        if self.done {
            return None;
        }
        let step = match &mut self.format {
            Format::Empty => Step::End,
            Format::ShortMagic => Step::Stop(CaptureError::Truncated { offset: 0, frames: 0 }),
            Format::Pcap(p) => p.next(&mut self.input, self.frames),
            Format::PcapNg(n) => n.next(&mut self.input, self.frames, &mut self.warnings),
        };
        match step {
            Step::Frame(f) => {
                self.frames += 1;
                Some(Ok(f))
            }
            Step::End => {
                self.done = true;
                None
            }
            Step::Stop(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Whether 1 to 3 bytes could be the start of a pcap magic number or a pcapng block type.
fn is_magic_prefix(head: &[u8]) -> bool {
    let n = head.len();
    pcap::magic::ALL.iter().any(|m| m.to_le_bytes().get(..n) == Some(head)) || pcapng::SHB_BYTES.get(..n) == Some(head)
}

impl Iterator for CaptureReader {
    type Item = Result<Frame, CaptureError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame()
    }
}
