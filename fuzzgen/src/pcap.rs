//! Capture file writers: classic pcap and pcapng.
//!
//! Blocks are serialized with `pcap-parser`'s `serialize` feature (the [`ToVec`] trait), the
//! same crate the dissector reads with, so the layouts are the ones it parses:
//!
//! - pcap: the 24-byte file header (magic `0xa1b2c3d4` for microseconds, `0xa1b23c4d` for
//!   nanoseconds, version 2.4, little-endian) and a 16-byte record header per packet
//!   (draft-ietf-opsawg-pcap §4 and §5).
//! - pcapng: a Section Header Block, one Interface Description Block per interface (link type,
//!   snap length, `if_tsresol`), and Enhanced Packet Blocks with an optional `opt_comment`
//!   (draft-ietf-opsawg-pcapng §4.1, §4.2, §4.3, §3.5).
//!
//! `pcap-parser`'s own `fix()` of an IDB always appends an `if_tsoffset` option; we do not want
//! options we were not asked for, so the IDB length is computed here and the block is written
//! with `to_vec_raw`. `pcap-file` was the other candidate; its pcapng writer is only in a 3.0
//! release candidate, while `pcap-parser` is already the dissector's reader.
//!
//! Nothing here panics on any input: lengths that do not fit a field, timestamps that do not fit
//! the interface's resolution, and unknown interfaces are [`WriteError`]s.

use std::borrow::Cow;
use std::io::Write;

use pcap_parser::{
    EnhancedPacketBlock, InterfaceDescriptionBlock, LegacyPcapBlock, Linktype, OptionCode, PcapHeader, PcapNGOption,
    SectionHeaderBlock, ToVec, BOM_MAGIC, IDB_MAGIC,
};

/// Default snap length written into file and interface headers (tcpdump's default).
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// pcap magic for microsecond timestamps.
pub const PCAP_MAGIC_USEC: u32 = 0xa1b2_c3d4;
/// pcap magic for nanosecond timestamps.
pub const PCAP_MAGIC_NSEC: u32 = 0xa1b2_3c4d;

/// `if_tsresol` for microseconds (10^-6, the pcapng default when the option is absent).
pub const TSRESOL_USEC: u8 = 6;
/// `if_tsresol` for nanoseconds (10^-9).
pub const TSRESOL_NSEC: u8 = 9;

/// A point in time: seconds since the epoch and nanoseconds within the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Timestamp {
    pub sec: u64,
    pub nsec: u32,
}

impl Timestamp {
    pub const fn new(sec: u64, nsec: u32) -> Self {
        Timestamp { sec, nsec }
    }

    /// This time plus `ns` nanoseconds (saturating at `u64::MAX` seconds).
    pub fn add_nanos(self, ns: u64) -> Self {
        let total = u64::from(self.nsec) + ns % 1_000_000_000;
        let sec = self.sec.saturating_add(ns / 1_000_000_000).saturating_add(total / 1_000_000_000);
        // `total % 1e9` is below 1e9 and so fits in u32.
        Timestamp { sec, nsec: u32::try_from(total % 1_000_000_000).unwrap_or(0) }
    }
}

/// Why a capture could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot serialize {what}: {reason}")]
    Serialize { what: &'static str, reason: String },
    #[error("packet of {len} bytes exceeds the snap length {snaplen}")]
    TooLong { len: usize, snaplen: u32 },
    #[error("original length {orig_len} is smaller than the {len} captured bytes")]
    OrigLenTooSmall { len: usize, orig_len: u32 },
    #[error("nanoseconds {0} are not below 1000000000")]
    BadNanos(u32),
    #[error("timestamp {sec}.{nsec:09} does not fit the {what}")]
    TimestampRange { sec: u64, nsec: u32, what: &'static str },
    #[error("interface {0} has not been added to this section")]
    NoSuchInterface(u32),
    #[error("link type {0} does not fit the 16-bit pcapng field")]
    BadLinktype(u32),
    #[error("comment of {0} bytes does not fit a pcapng option")]
    CommentTooLong(usize),
}

fn ser<E: std::fmt::Debug>(what: &'static str, r: Result<Vec<u8>, E>) -> Result<Vec<u8>, WriteError> {
    r.map_err(|e| WriteError::Serialize { what, reason: format!("{e:?}") })
}

fn check_lens(len: usize, orig_len: u32, snaplen: u32) -> Result<u32, WriteError> {
    let caplen = u32::try_from(len).map_err(|_| WriteError::TooLong { len, snaplen })?;
    if caplen > snaplen {
        return Err(WriteError::TooLong { len, snaplen });
    }
    if orig_len < caplen {
        return Err(WriteError::OrigLenTooSmall { len, orig_len });
    }
    Ok(caplen)
}

/// Writer of a classic pcap file (one link type, micro- or nanosecond timestamps).
pub struct PcapWriter<W: Write> {
    w: W,
    nanos: bool,
    snaplen: u32,
}

impl<W: Write> PcapWriter<W> {
    /// Write the file header for `linktype` (a LINKTYPE_* number) with the default snap length.
    pub fn new(w: W, linktype: u32, nanos: bool) -> Result<Self, WriteError> {
        Self::with_snaplen(w, linktype, nanos, DEFAULT_SNAPLEN)
    }

    /// Write the file header with a chosen snap length.
    pub fn with_snaplen(mut w: W, linktype: u32, nanos: bool, snaplen: u32) -> Result<Self, WriteError> {
        let network = i32::try_from(linktype).map_err(|_| WriteError::BadLinktype(linktype))?;
        let mut hdr = PcapHeader {
            magic_number: if nanos { PCAP_MAGIC_NSEC } else { PCAP_MAGIC_USEC },
            version_major: 2,
            version_minor: 4,
            thiszone: 0,
            sigfigs: 0,
            snaplen,
            network: Linktype(network),
        };
        w.write_all(&ser("pcap header", hdr.to_vec())?)?;
        Ok(PcapWriter { w, nanos, snaplen })
    }

    /// Append one packet. `ts_nsec` is always in nanoseconds; a microsecond file keeps
    /// `ts_nsec / 1000`. `orig_len` is the length on the wire (at least `data.len()`).
    pub fn write_packet(&mut self, ts_sec: u32, ts_nsec: u32, data: &[u8], orig_len: u32) -> Result<(), WriteError> {
        if ts_nsec >= 1_000_000_000 {
            return Err(WriteError::BadNanos(ts_nsec));
        }
        let caplen = check_lens(data.len(), orig_len, self.snaplen)?;
        let mut rec = LegacyPcapBlock {
            ts_sec,
            ts_usec: if self.nanos { ts_nsec } else { ts_nsec / 1000 },
            caplen,
            origlen: orig_len,
            data,
        };
        self.w.write_all(&ser("pcap record", rec.to_vec())?)?;
        Ok(())
    }

    /// Flush and return the underlying writer.
    pub fn into_inner(mut self) -> Result<W, WriteError> {
        self.w.flush()?;
        Ok(self.w)
    }
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    tsresol: u8,
    snaplen: u32,
}

/// Writer of a pcapng file: sections, interfaces of any link type, Enhanced Packet Blocks.
pub struct PcapNgWriter<W: Write> {
    w: W,
    ifaces: Vec<Interface>,
}

/// The padded length of a list of options as `pcap-parser` writes it (§3.5: each option value is
/// padded to 32 bits).
fn options_len(options: &[PcapNGOption<'_>]) -> usize {
    options.iter().map(|o| 4 + o.value.len().div_ceil(4) * 4).sum()
}

fn end_of_opt() -> PcapNGOption<'static> {
    PcapNGOption { code: OptionCode::EndOfOpt, len: 0, value: Cow::Borrowed(&[]) }
}

impl<W: Write> PcapNgWriter<W> {
    /// Start the file with a Section Header Block carrying `shb_userappl` "fuzzgen".
    pub fn new(w: W) -> Result<Self, WriteError> {
        let mut me = PcapNgWriter { w, ifaces: Vec::new() };
        me.new_section()?;
        Ok(me)
    }

    /// Start a new section (a new SHB); interfaces of the previous section are forgotten and ids
    /// start again at 0 (pcapng §4.1).
    pub fn new_section(&mut self) -> Result<(), WriteError> {
        let mut shb = SectionHeaderBlock {
            block_type: 0,
            block_len1: 0,
            bom: BOM_MAGIC,
            major_version: 1,
            minor_version: 0,
            section_len: -1,
            options: vec![PcapNGOption { code: OptionCode::ShbUserAppl, len: 7, value: Cow::Borrowed(b"fuzzgen") }],
            block_len2: 0,
        };
        self.w.write_all(&ser("section header block", shb.to_vec())?)?;
        self.ifaces.clear();
        Ok(())
    }

    /// Add an interface with the default snap length; returns its id for [`Self::write_packet`].
    /// `tsresol` is the raw `if_tsresol` byte: `n` for 10^-n seconds, `0x80 | n` for 2^-n.
    pub fn add_interface(&mut self, linktype: u32, tsresol: u8) -> Result<u32, WriteError> {
        self.add_interface_with(linktype, tsresol, DEFAULT_SNAPLEN, None)
    }

    /// Add an interface with a chosen snap length and an optional `if_name`.
    pub fn add_interface_with(
        &mut self,
        linktype: u32,
        tsresol: u8,
        snaplen: u32,
        name: Option<&str>,
    ) -> Result<u32, WriteError> {
        let lt16 = u16::try_from(linktype).map_err(|_| WriteError::BadLinktype(linktype))?;
        let id = u32::try_from(self.ifaces.len()).map_err(|_| WriteError::NoSuchInterface(u32::MAX))?;
        let mut options = vec![PcapNGOption { code: OptionCode::IfTsresol, len: 1, value: Cow::Owned(vec![tsresol]) }];
        if let Some(n) = name {
            let len = u16::try_from(n.len()).map_err(|_| WriteError::CommentTooLong(n.len()))?;
            options.push(PcapNGOption { code: OptionCode::IfName, len, value: Cow::Borrowed(n.as_bytes()) });
        }
        options.push(end_of_opt());
        let block_len = u32::try_from(20 + options_len(&options))
            .map_err(|_| WriteError::Serialize { what: "interface description block", reason: "too long".into() })?;
        let idb = InterfaceDescriptionBlock {
            block_type: IDB_MAGIC,
            block_len1: block_len,
            linktype: Linktype(i32::from(lt16)),
            reserved: 0,
            snaplen,
            options,
            block_len2: block_len,
            if_tsresol: tsresol,
            if_tsoffset: 0,
        };
        self.w.write_all(&ser("interface description block", idb.to_vec_raw())?)?;
        self.ifaces.push(Interface { tsresol, snaplen });
        Ok(id)
    }

    /// Append an Enhanced Packet Block on interface `iface`, with an optional `opt_comment`.
    pub fn write_packet(
        &mut self,
        iface: u32,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
    ) -> Result<(), WriteError> {
        let info = usize::try_from(iface)
            .ok()
            .and_then(|i| self.ifaces.get(i))
            .copied()
            .ok_or(WriteError::NoSuchInterface(iface))?;
        if ts.nsec >= 1_000_000_000 {
            return Err(WriteError::BadNanos(ts.nsec));
        }
        let caplen = check_lens(data.len(), orig_len, info.snaplen)?;
        let units = ts_units(ts, info.tsresol).ok_or(WriteError::TimestampRange {
            sec: ts.sec,
            nsec: ts.nsec,
            what: "interface's if_tsresol",
        })?;
        let mut options = Vec::new();
        if let Some(c) = comment {
            let len = u16::try_from(c.len()).map_err(|_| WriteError::CommentTooLong(c.len()))?;
            options.push(PcapNGOption { code: OptionCode::Comment, len, value: Cow::Borrowed(c.as_bytes()) });
        }
        let mut epb = EnhancedPacketBlock {
            block_type: 0,
            block_len1: 0,
            if_id: iface,
            ts_high: (units >> 32) as u32,
            ts_low: units as u32,
            caplen,
            origlen: orig_len,
            data,
            options,
            block_len2: 0,
        };
        self.w.write_all(&ser("enhanced packet block", epb.to_vec())?)?;
        Ok(())
    }

    /// Flush and return the underlying writer.
    pub fn into_inner(mut self) -> Result<W, WriteError> {
        self.w.flush()?;
        Ok(self.w)
    }
}

/// A timestamp in units of the interface resolution (pcapng §4.2 `if_tsresol`): the MSB clear
/// means 10^-n seconds, set means 2^-n. `None` when it does not fit 64 bits.
pub fn ts_units(ts: Timestamp, tsresol: u8) -> Option<u64> {
    let n = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        let per_sec = 10u64.checked_pow(n)?;
        let frac = if n <= 9 {
            u64::from(ts.nsec) / 10u64.pow(9 - n)
        } else {
            u64::from(ts.nsec).checked_mul(10u64.checked_pow(n - 9)?)?
        };
        ts.sec.checked_mul(per_sec)?.checked_add(frac)
    } else {
        if n >= 64 {
            return None;
        }
        let per_sec = 1u64 << n;
        let frac = (u128::from(ts.nsec) << n) / 1_000_000_000;
        ts.sec.checked_mul(per_sec)?.checked_add(u64::try_from(frac).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcap_header_and_record_layout() {
        let mut w = PcapWriter::new(Vec::new(), 1, false).unwrap();
        w.write_packet(0x01020304, 5_006_000, &[0xaa, 0xbb, 0xcc], 60).unwrap();
        let b = w.into_inner().unwrap();
        assert_eq!(b.len(), 24 + 16 + 3);
        // magic, version 2.4, thiszone 0, sigfigs 0, snaplen, linktype 1 (little-endian)
        assert_eq!(&b[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(&b[4..8], &[2, 0, 4, 0]);
        assert_eq!(&b[16..20], &DEFAULT_SNAPLEN.to_le_bytes());
        assert_eq!(&b[20..24], &[1, 0, 0, 0]);
        assert_eq!(&b[24..28], &[4, 3, 2, 1]);
        assert_eq!(&b[28..32], &5006u32.to_le_bytes());
        assert_eq!(&b[32..36], &3u32.to_le_bytes());
        assert_eq!(&b[36..40], &60u32.to_le_bytes());
        assert_eq!(&b[40..], &[0xaa, 0xbb, 0xcc]);
    }

    #[test]
    fn pcap_nanos_magic_and_value() {
        let mut w = PcapWriter::new(Vec::new(), 101, true).unwrap();
        w.write_packet(7, 999_999_999, &[0x45], 1).unwrap();
        let b = w.into_inner().unwrap();
        assert_eq!(&b[..4], &[0x4d, 0x3c, 0xb2, 0xa1]);
        assert_eq!(&b[20..24], &101u32.to_le_bytes());
        assert_eq!(&b[28..32], &999_999_999u32.to_le_bytes());
    }

    #[test]
    fn pcap_rejects_bad_lengths() {
        let mut w = PcapWriter::with_snaplen(Vec::new(), 1, false, 4).unwrap();
        assert!(matches!(w.write_packet(0, 0, &[0; 5], 5), Err(WriteError::TooLong { .. })));
        assert!(matches!(w.write_packet(0, 0, &[0; 3], 2), Err(WriteError::OrigLenTooSmall { .. })));
        assert!(matches!(w.write_packet(0, 1_000_000_000, &[0; 3], 3), Err(WriteError::BadNanos(_))));
        // a failed write leaves nothing behind
        assert_eq!(w.into_inner().unwrap().len(), 24);
    }

    #[test]
    fn pcapng_blocks_layout() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        let a = w.add_interface(1, TSRESOL_NSEC).unwrap();
        let b = w.add_interface(113, TSRESOL_USEC).unwrap();
        assert_eq!((a, b), (0, 1));
        w.write_packet(b, Timestamp::new(1, 500_000_000), &[1, 2, 3, 4, 5], 9, Some("hi")).unwrap();
        let out = w.into_inner().unwrap();
        // SHB: type, len 28 + userappl option (4 + 8) + end of options (4) = 44
        assert_eq!(&out[..4], &[0x0a, 0x0d, 0x0d, 0x0a]);
        assert_eq!(&out[4..8], &44u32.to_le_bytes());
        assert_eq!(&out[8..12], &0x1a2b3c4du32.to_le_bytes());
        assert_eq!(&out[40..44], &44u32.to_le_bytes());
        // IDB 0: 20 + tsresol (4 + 4) + end (4) = 32
        let idb = &out[44..76];
        assert_eq!(&idb[..4], &1u32.to_le_bytes());
        assert_eq!(&idb[4..8], &32u32.to_le_bytes());
        assert_eq!(&idb[8..10], &1u16.to_le_bytes());
        assert_eq!(&idb[12..16], &DEFAULT_SNAPLEN.to_le_bytes());
        assert_eq!(&idb[16..24], &[9, 0, 1, 0, 9, 0, 0, 0]);
        assert_eq!(&idb[28..32], &32u32.to_le_bytes());
        // IDB 1 links SLL
        assert_eq!(&out[76 + 8..76 + 10], &113u16.to_le_bytes());
        // EPB: 32 + 8 (data padded) + comment (4 + 4) + end (4) = 52
        let epb = &out[108..];
        assert_eq!(epb.len(), 52);
        assert_eq!(&epb[..4], &6u32.to_le_bytes());
        assert_eq!(&epb[4..8], &52u32.to_le_bytes());
        assert_eq!(&epb[8..12], &1u32.to_le_bytes());
        let units = 1_500_000u64;
        assert_eq!(&epb[12..16], &((units >> 32) as u32).to_le_bytes());
        assert_eq!(&epb[16..20], &(units as u32).to_le_bytes());
        assert_eq!(&epb[20..24], &5u32.to_le_bytes());
        assert_eq!(&epb[24..28], &9u32.to_le_bytes());
        assert_eq!(&epb[28..36], &[1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(&epb[36..44], &[1, 0, 2, 0, b'h', b'i', 0, 0]);
        assert_eq!(&epb[44..48], &[0, 0, 0, 0]);
        assert_eq!(&epb[48..52], &52u32.to_le_bytes());
    }

    #[test]
    fn pcapng_rejects_unknown_interface() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        assert!(matches!(w.write_packet(0, Timestamp::default(), &[], 0, None), Err(WriteError::NoSuchInterface(0))));
        w.add_interface(1, 6).unwrap();
        w.new_section().unwrap();
        assert!(matches!(w.write_packet(0, Timestamp::default(), &[], 0, None), Err(WriteError::NoSuchInterface(0))));
        assert!(matches!(w.add_interface(70_000, 6), Err(WriteError::BadLinktype(70_000))));
    }

    #[test]
    fn ts_units_per_resolution() {
        let t = Timestamp::new(2, 123_456_789);
        assert_eq!(ts_units(t, 6), Some(2_123_456));
        assert_eq!(ts_units(t, 9), Some(2_123_456_789));
        assert_eq!(ts_units(t, 0), Some(2));
        assert_eq!(ts_units(t, 12), Some(2_123_456_789_000));
        // 2^-10: 2 * 1024 + floor(0.123456789 * 1024) = 2048 + 126
        assert_eq!(ts_units(t, 0x80 | 10), Some(2048 + 126));
        assert_eq!(ts_units(Timestamp::new(u64::MAX, 0), 9), None);
        assert_eq!(ts_units(t, 20), None);
        assert_eq!(ts_units(t, 0x80 | 64), None);
    }

    #[test]
    fn timestamp_add() {
        let t = Timestamp::new(10, 999_999_000).add_nanos(2_000);
        assert_eq!(t, Timestamp::new(11, 1_000));
        let t = Timestamp::new(10, 500_000_000).add_nanos(3_600_000_000);
        assert_eq!(t, Timestamp::new(14, 100_000_000));
    }
}
