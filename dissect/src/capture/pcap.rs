//! Classic pcap, draft-ietf-opsawg-pcap ("File Header", "Packet Record").
//!
//! ```text
//! File Header (24 bytes), in the writer's byte order:
//!  0                   1                   2                   3
//! +---------------------------------------------------------------+
//! |                          Magic Number                         |  a1b2c3d4 µs, a1b23c4d ns
//! +-------------------------------+-------------------------------+
//! |          Major Version        |         Minor Version         |
//! +-------------------------------+-------------------------------+
//! |                           Reserved1                           |
//! |                           Reserved2                           |
//! |                            SnapLen                            |
//! +-------+-+-+-------------------+-------------------------------+
//! | FCS   |f|0|  reserved (10)    |        LinkType (16 bits)     |
//! +-------+-+-+-------------------+-------------------------------+
//!
//! Packet Record (16-byte header + data):
//! +---------------------------------------------------------------+
//! |                      Timestamp (Seconds)                      |
//! |        Timestamp (Microseconds or nanoseconds)                |
//! |                    Captured Packet Length                     |
//! |                    Original Packet Length                     |
//! /                          Packet Data  (Captured Packet Length) /
//! +---------------------------------------------------------------+
//! ```
//!
//! The "modified" format (magic a1b2cd34, little-endian only) adds 8 bytes to each record header;
//! it is read too. pcap-parser decodes the header and the records; the framing (how many bytes a
//! record needs, the length cap) is checked here first, so nothing is allocated from an unchecked
//! length.

use pcap_parser::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header};

use super::buf::InputBuffer;
use super::{CaptureError, Frame, Step, MAX_RECORD_LEN};

/// Length of the file header.
pub(crate) const HEADER_LEN: usize = 24;

/// Magic numbers, as a little-endian read of the first four bytes.
pub(crate) mod magic {
    pub const USEC_LE: u32 = 0xa1b2_c3d4;
    pub const USEC_BE: u32 = 0xd4c3_b2a1;
    pub const NSEC_LE: u32 = 0xa1b2_3c4d;
    pub const NSEC_BE: u32 = 0x4d3c_b2a1;
    pub const MODIFIED_LE: u32 = 0xa1b2_cd34;
    pub const ALL: [u32; 5] = [USEC_LE, USEC_BE, NSEC_LE, NSEC_BE, MODIFIED_LE];
}

/// The link type is the low 16 bits of its field; the top bits carry the FCS length
/// (draft-ietf-opsawg-pcap, "File Header", LinkType and additional information).
const LINKTYPE_MASK: u32 = 0x0000_ffff;

#[derive(Debug, Default)]
pub(crate) struct PcapState {
    header_done: bool,
    big_endian: bool,
    nanos: bool,
    modified: bool,
    linktype: u32,
}

impl PcapState {
    /// Record header length for this file.
    fn record_header_len(&self) -> usize {
        if self.modified {
            24
        } else {
            16
        }
    }

    pub(crate) fn next(&mut self, input: &mut InputBuffer, frames: u64) -> Step {
        if !self.header_done {
            if let Err(e) = self.read_header(input) {
                return Step::Stop(e);
            }
        }
        let offset = input.offset();
        let hdr_len = self.record_header_len();
        match input.fill(hdr_len) {
            Ok(true) => {}
            Ok(false) if input.data().is_empty() => return Step::End,
            Ok(false) => return Step::Stop(CaptureError::Truncated { offset, frames }),
            Err(e) => return Step::Stop(e.into()),
        }
        let Some(caplen) = input.data().get(8..12).and_then(|b| <[u8; 4]>::try_from(b).ok()) else {
            return Step::Stop(CaptureError::Truncated { offset, frames });
        };
        let caplen = if self.big_endian { u32::from_be_bytes(caplen) } else { u32::from_le_bytes(caplen) };
        if caplen as usize > MAX_RECORD_LEN {
            return Step::Stop(CaptureError::Malformed {
                offset,
                reason: format!("captured length {caplen} is larger than the {MAX_RECORD_LEN}-byte limit"),
            });
        }
        let rec_len = hdr_len + caplen as usize;
        match input.fill(rec_len) {
            Ok(true) => {}
            Ok(false) => return Step::Stop(CaptureError::Truncated { offset, frames }),
            Err(e) => return Step::Stop(e.into()),
        }
        let Some(rec) = input.data().get(..rec_len) else {
            return Step::Stop(CaptureError::Truncated { offset, frames });
        };
        let parsed = if self.modified {
            parse_pcap_frame_modified(rec)
        } else if self.big_endian {
            parse_pcap_frame_be(rec)
        } else {
            parse_pcap_frame(rec)
        };
        let frame = match parsed {
            Ok((_, b)) => {
                let (ts_sec, ts_nsec) = normalize(b.ts_sec, b.ts_usec, self.nanos);
                Frame {
                    number: frames + 1,
                    ts_sec,
                    ts_nsec,
                    linktype: self.linktype,
                    interface: 0,
                    orig_len: b.origlen,
                    data: b.data.to_vec(),
                    comments: Vec::new(),
                    file_offset: offset,
                    ts_missing: false,
                    pcapng: false,
                }
            }
            // The whole record is in `rec`, so this cannot happen; stop rather than guess.
            Err(_) => return Step::Stop(CaptureError::Malformed { offset, reason: "unreadable packet record".into() }),
        };
        input.consume(rec_len);
        Step::Frame(frame)
    }

    fn read_header(&mut self, input: &mut InputBuffer) -> Result<(), CaptureError> {
        if !input.fill(HEADER_LEN)? {
            return Err(CaptureError::Truncated { offset: 0, frames: 0 });
        }
        let Ok((_, h)) = parse_pcap_header(input.data()) else {
            return Err(CaptureError::NotACapture { offset: 0 });
        };
        self.big_endian = h.is_bigendian();
        self.nanos = h.is_nanosecond_precision();
        self.modified = h.is_modified_format();
        self.linktype = (h.network.0 as u32) & LINKTYPE_MASK;
        self.header_done = true;
        input.consume(HEADER_LEN);
        Ok(())
    }
}

/// Seconds and nanoseconds from a record's timestamp; a fraction of a second or more (out of
/// range, but seen in broken writers) is carried into the seconds.
fn normalize(sec: u32, frac: u32, nanos: bool) -> (i64, u32) {
    let ns = if nanos { frac as u64 } else { frac as u64 * 1000 };
    (sec as i64 + (ns / 1_000_000_000) as i64, (ns % 1_000_000_000) as u32)
}
