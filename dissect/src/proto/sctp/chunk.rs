//! Chunks (RFC 4960 §3.2) and the packet that bundles them (RFC 4960 §3).
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! \                                                               \
//! /                          Chunk Value                          /
//! \                                                               \
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! The length counts the header and the value, not the padding to a multiple of 4 that follows
//! every chunk. Flags that a chunk type does not define are ignored by `parse` (the dissector
//! reports them) and written as zero by `emit`, so `parse(emit(x)) == x` for every value.

use super::cause::Cause;
use super::param::Param;
use super::wire::{pad4, pad_out, put_len16, ChunkType, CommonHeader, ParseError, Reader};

/// DATA flag bits, RFC 4960 §3.3.1 and RFC 7053 §3 (I bit).
pub mod data_flags {
    /// Ending fragment.
    pub const E: u8 = 0x01;
    /// Beginning fragment.
    pub const B: u8 = 0x02;
    /// Unordered.
    pub const U: u8 = 0x04;
    /// SACK immediately (RFC 7053 §3).
    pub const I: u8 = 0x08;
}

/// Payload Data (DATA), RFC 4960 §3.3.1.
/// ```text
/// |   Type = 0    | Reserved|I|U|B|E|    Length                     |
/// |                              TSN                                |
/// |      Stream Identifier S      |   Stream Sequence Number n      |
/// |                  Payload Protocol Identifier                    |
/// \                 User Data (seq n of Stream S)                   \
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data<'a> {
    /// I bit: the receiver should SACK immediately (RFC 7053 §3).
    pub immediate: bool,
    /// U bit: unordered user message.
    pub unordered: bool,
    /// B bit: first fragment of a user message.
    pub beginning: bool,
    /// E bit: last fragment of a user message.
    pub ending: bool,
    pub tsn: u32,
    pub stream_id: u16,
    pub ssn: u16,
    pub ppid: u32,
    pub user_data: &'a [u8],
}

/// Payload data supporting interleaving (I-DATA), RFC 8260 §2.1.
/// ```text
/// |   Type = 64   |  Res  |I|U|B|E|       Length = Variable       |
/// |                              TSN                              |
/// |        Stream Identifier      |           Reserved            |
/// |                      Message Identifier                       |
/// |    Payload Protocol Identifier / Fragment Sequence Number     |
/// \                           User Data                           \
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IData<'a> {
    pub immediate: bool,
    pub unordered: bool,
    pub beginning: bool,
    pub ending: bool,
    pub tsn: u32,
    pub stream_id: u16,
    /// Message identifier (MID).
    pub mid: u32,
    /// The payload protocol identifier when `beginning`, else the fragment sequence number.
    pub ppid_or_fsn: u32,
    pub user_data: &'a [u8],
}

/// INIT (RFC 4960 §3.3.2) and INIT ACK (RFC 4960 §3.3.3).
/// ```text
/// |   Type = 1    |  Chunk Flags  |      Chunk Length             |
/// |                         Initiate Tag                          |
/// |           Advertised Receiver Window Credit (a_rwnd)          |
/// |  Number of Outbound Streams   |  Number of Inbound Streams    |
/// |                          Initial TSN                          |
/// \              Optional/Variable-Length Parameters              \
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Init<'a> {
    pub initiate_tag: u32,
    pub a_rwnd: u32,
    pub outbound_streams: u16,
    pub inbound_streams: u16,
    pub initial_tsn: u32,
    pub params: Vec<Param<'a>>,
}

/// A Gap Ack Block of a SACK, offsets from the cumulative TSN ack (RFC 4960 §3.3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapBlock {
    pub start: u16,
    pub end: u16,
}

/// Selective Acknowledgement (SACK), RFC 4960 §3.3.4.
/// ```text
/// |   Type = 3    |Chunk  Flags   |      Chunk Length             |
/// |                      Cumulative TSN Ack                       |
/// |          Advertised Receiver Window Credit (a_rwnd)           |
/// | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = X |
/// |  Gap Ack Block #1 Start       |   Gap Ack Block #1 End        |
/// |                       Duplicate TSN 1                         |
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sack {
    pub cum_tsn_ack: u32,
    pub a_rwnd: u32,
    pub gaps: Vec<GapBlock>,
    pub dup_tsns: Vec<u32>,
}

/// Authentication (AUTH), RFC 4895 §4.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth<'a> {
    pub shared_key_id: u16,
    pub hmac_id: u16,
    pub hmac: &'a [u8],
}

/// ASCONF (RFC 5061 §4.1.1) and ASCONF-ACK (RFC 5061 §4.1.2): a serial number and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asconf<'a> {
    pub serial: u32,
    pub params: Vec<Param<'a>>,
}

/// A stream entry of FORWARD TSN, RFC 3758 §3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardTsnStream {
    pub stream_id: u16,
    pub ssn: u16,
}

/// A stream entry of I-FORWARD-TSN, RFC 8260 §2.3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IForwardTsnStream {
    pub stream_id: u16,
    /// U bit of the 16-bit flags (the other 15 bits are reserved).
    pub unordered: bool,
    pub mid: u32,
}

/// A chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// DATA (0), RFC 4960 §3.3.1.
    Data(Data<'a>),
    /// INIT (1), RFC 4960 §3.3.2.
    Init(Init<'a>),
    /// INIT ACK (2), RFC 4960 §3.3.3.
    InitAck(Init<'a>),
    /// SACK (3), RFC 4960 §3.3.4.
    Sack(Sack),
    /// HEARTBEAT (4), RFC 4960 §3.3.5: normally one Heartbeat Info parameter.
    Heartbeat { params: Vec<Param<'a>> },
    /// HEARTBEAT ACK (5), RFC 4960 §3.3.6: the Heartbeat Info echoed.
    HeartbeatAck { params: Vec<Param<'a>> },
    /// ABORT (6), RFC 4960 §3.3.7; `tag_reflected` is the T bit.
    Abort { tag_reflected: bool, causes: Vec<Cause<'a>> },
    /// SHUTDOWN (7), RFC 4960 §3.3.8.
    Shutdown { cum_tsn_ack: u32 },
    /// SHUTDOWN ACK (8), RFC 4960 §3.3.9.
    ShutdownAck,
    /// ERROR (9), RFC 4960 §3.3.10.
    Error { causes: Vec<Cause<'a>> },
    /// COOKIE ECHO (10), RFC 4960 §3.3.11.
    CookieEcho { cookie: &'a [u8] },
    /// COOKIE ACK (11), RFC 4960 §3.3.12.
    CookieAck,
    /// ECNE (12), RFC 4960 Appendix A.
    Ecne { lowest_tsn: u32 },
    /// CWR (13), RFC 4960 Appendix A.
    Cwr { lowest_tsn: u32 },
    /// SHUTDOWN COMPLETE (14), RFC 4960 §3.3.13; `tag_reflected` is the T bit.
    ShutdownComplete { tag_reflected: bool },
    /// AUTH (15), RFC 4895 §4.1.
    Auth(Auth<'a>),
    /// I-DATA (64), RFC 8260 §2.1.
    IData(IData<'a>),
    /// ASCONF-ACK (0x80), RFC 5061 §4.1.2.
    AsconfAck(Asconf<'a>),
    /// RE-CONFIG (0x82), RFC 6525 §3.1: one or two re-configuration parameters.
    ReConfig { params: Vec<Param<'a>> },
    /// PAD (0x84), RFC 4820 §3.
    Pad { padding: &'a [u8] },
    /// FORWARD TSN (0xc0), RFC 3758 §3.2.
    ForwardTsn { new_cum_tsn: u32, streams: Vec<ForwardTsnStream> },
    /// ASCONF (0xc1), RFC 5061 §4.1.1.
    Asconf(Asconf<'a>),
    /// I-FORWARD-TSN (0xc2), RFC 8260 §2.3.1.
    IForwardTsn { new_cum_tsn: u32, streams: Vec<IForwardTsnStream> },
    /// Any other type; [`ChunkType::action`] says what a receiver does with it.
    Unknown { ty: ChunkType, flags: u8, value: &'a [u8] },
}

fn flags4(immediate: bool, unordered: bool, beginning: bool, ending: bool) -> u8 {
    let bit = |on: bool, b: u8| if on { b } else { 0 };
    bit(immediate, data_flags::I)
        | bit(unordered, data_flags::U)
        | bit(beginning, data_flags::B)
        | bit(ending, data_flags::E)
}

impl<'a> Chunk<'a> {
    /// The chunk's type code.
    pub fn ty(&self) -> ChunkType {
        match self {
            Chunk::Data(_) => ChunkType::DATA,
            Chunk::Init(_) => ChunkType::INIT,
            Chunk::InitAck(_) => ChunkType::INIT_ACK,
            Chunk::Sack(_) => ChunkType::SACK,
            Chunk::Heartbeat { .. } => ChunkType::HEARTBEAT,
            Chunk::HeartbeatAck { .. } => ChunkType::HEARTBEAT_ACK,
            Chunk::Abort { .. } => ChunkType::ABORT,
            Chunk::Shutdown { .. } => ChunkType::SHUTDOWN,
            Chunk::ShutdownAck => ChunkType::SHUTDOWN_ACK,
            Chunk::Error { .. } => ChunkType::ERROR,
            Chunk::CookieEcho { .. } => ChunkType::COOKIE_ECHO,
            Chunk::CookieAck => ChunkType::COOKIE_ACK,
            Chunk::Ecne { .. } => ChunkType::ECNE,
            Chunk::Cwr { .. } => ChunkType::CWR,
            Chunk::ShutdownComplete { .. } => ChunkType::SHUTDOWN_COMPLETE,
            Chunk::Auth(_) => ChunkType::AUTH,
            Chunk::IData(_) => ChunkType::I_DATA,
            Chunk::AsconfAck(_) => ChunkType::ASCONF_ACK,
            Chunk::ReConfig { .. } => ChunkType::RE_CONFIG,
            Chunk::Pad { .. } => ChunkType::PAD,
            Chunk::ForwardTsn { .. } => ChunkType::FORWARD_TSN,
            Chunk::Asconf(_) => ChunkType::ASCONF,
            Chunk::IForwardTsn { .. } => ChunkType::I_FORWARD_TSN,
            Chunk::Unknown { ty, .. } => *ty,
        }
    }

    /// The flags byte `emit` writes.
    pub fn flags(&self) -> u8 {
        match self {
            Chunk::Data(d) => flags4(d.immediate, d.unordered, d.beginning, d.ending),
            Chunk::IData(d) => flags4(d.immediate, d.unordered, d.beginning, d.ending),
            Chunk::Abort { tag_reflected, .. } | Chunk::ShutdownComplete { tag_reflected } => *tag_reflected as u8,
            Chunk::Unknown { flags, .. } => *flags,
            _ => 0,
        }
    }

    /// Parse one chunk and its padding; the rest of the input follows. Padding missing at the
    /// very end of the input is accepted (the dissector reports it).
    pub fn parse(input: &'a [u8]) -> Result<(Chunk<'a>, &'a [u8]), ParseError> {
        Self::parse_at(input, 0)
    }

    pub(crate) fn parse_at(input: &'a [u8], base: usize) -> Result<(Chunk<'a>, &'a [u8]), ParseError> {
        let mut r = Reader::new(input, base);
        let ty = ChunkType(r.u8("chunk type")?);
        let flags = r.u8("chunk flags")?;
        let len_at = r.offset();
        let len = r.u16("chunk length")? as usize;
        if len < 4 {
            return Err(ParseError::BadLength { offset: len_at, what: "chunk length", expected: ">= 4", found: len });
        }
        let value = r.take(len - 4, "chunk value")?;
        r.take_up_to(pad4(len));
        let rest = r.rest();
        let c = Self::parse_value(ty, flags, value, base, len)?;
        Ok((c, rest))
    }

    fn parse_value(ty: ChunkType, flags: u8, v: &'a [u8], base: usize, len: usize) -> Result<Chunk<'a>, ParseError> {
        let vbase = base + 4;
        let mut r = Reader::new(v, vbase);
        let short = |what: &'static str, expected: &'static str| ParseError::BadLength {
            offset: base + 2,
            what,
            expected,
            found: len,
        };
        let bit = |m: u8| flags & m != 0;
        let c = match ty {
            ChunkType::DATA => {
                if v.len() < 12 {
                    return Err(short("DATA chunk length", ">= 16"));
                }
                Chunk::Data(Data {
                    immediate: bit(data_flags::I),
                    unordered: bit(data_flags::U),
                    beginning: bit(data_flags::B),
                    ending: bit(data_flags::E),
                    tsn: r.u32("TSN")?,
                    stream_id: r.u16("stream identifier")?,
                    ssn: r.u16("stream sequence number")?,
                    ppid: r.u32("payload protocol identifier")?,
                    user_data: r.rest(),
                })
            }
            ChunkType::I_DATA => {
                if v.len() < 16 {
                    return Err(short("I-DATA chunk length", ">= 20"));
                }
                let tsn = r.u32("TSN")?;
                let stream_id = r.u16("stream identifier")?;
                let _reserved = r.u16("reserved")?;
                Chunk::IData(IData {
                    immediate: bit(data_flags::I),
                    unordered: bit(data_flags::U),
                    beginning: bit(data_flags::B),
                    ending: bit(data_flags::E),
                    tsn,
                    stream_id,
                    mid: r.u32("message identifier")?,
                    ppid_or_fsn: r.u32("PPID / FSN")?,
                    user_data: r.rest(),
                })
            }
            ChunkType::INIT | ChunkType::INIT_ACK => {
                if v.len() < 16 {
                    return Err(short("INIT chunk length", ">= 20"));
                }
                let initiate_tag = r.u32("initiate tag")?;
                let a_rwnd = r.u32("a_rwnd")?;
                let outbound_streams = r.u16("outbound streams")?;
                let inbound_streams = r.u16("inbound streams")?;
                let initial_tsn = r.u32("initial TSN")?;
                let poff = r.offset();
                let params = Param::parse_list_at(r.rest(), poff)?;
                let i = Init { initiate_tag, a_rwnd, outbound_streams, inbound_streams, initial_tsn, params };
                if ty == ChunkType::INIT {
                    Chunk::Init(i)
                } else {
                    Chunk::InitAck(i)
                }
            }
            ChunkType::SACK => {
                if v.len() < 12 {
                    return Err(short("SACK chunk length", ">= 16"));
                }
                let cum_tsn_ack = r.u32("cumulative TSN ack")?;
                let a_rwnd = r.u32("a_rwnd")?;
                let ngaps = r.u16("number of gap blocks")? as usize;
                let ndups = r.u16("number of duplicate TSNs")? as usize;
                if r.remaining() != 4 * (ngaps + ndups) {
                    return Err(short("SACK chunk length", "16 + 4 x (gap blocks + duplicate TSNs)"));
                }
                let mut gaps = Vec::with_capacity(ngaps);
                for _ in 0..ngaps {
                    gaps.push(GapBlock { start: r.u16("gap block start")?, end: r.u16("gap block end")? });
                }
                let mut dup_tsns = Vec::with_capacity(ndups);
                for _ in 0..ndups {
                    dup_tsns.push(r.u32("duplicate TSN")?);
                }
                Chunk::Sack(Sack { cum_tsn_ack, a_rwnd, gaps, dup_tsns })
            }
            ChunkType::HEARTBEAT => Chunk::Heartbeat { params: Param::parse_list_at(v, vbase)? },
            ChunkType::HEARTBEAT_ACK => Chunk::HeartbeatAck { params: Param::parse_list_at(v, vbase)? },
            ChunkType::ABORT => Chunk::Abort { tag_reflected: bit(1), causes: Cause::parse_list_at(v, vbase)? },
            ChunkType::ERROR => Chunk::Error { causes: Cause::parse_list_at(v, vbase)? },
            ChunkType::SHUTDOWN => {
                if v.len() != 4 {
                    return Err(short("SHUTDOWN chunk length", "8"));
                }
                Chunk::Shutdown { cum_tsn_ack: r.u32("cumulative TSN ack")? }
            }
            ChunkType::ECNE | ChunkType::CWR => {
                if v.len() != 4 {
                    return Err(short("ECNE/CWR chunk length", "8"));
                }
                let lowest_tsn = r.u32("lowest TSN")?;
                if ty == ChunkType::ECNE {
                    Chunk::Ecne { lowest_tsn }
                } else {
                    Chunk::Cwr { lowest_tsn }
                }
            }
            ChunkType::SHUTDOWN_ACK | ChunkType::COOKIE_ACK | ChunkType::SHUTDOWN_COMPLETE => {
                if !v.is_empty() {
                    return Err(short("chunk length", "4"));
                }
                match ty {
                    ChunkType::SHUTDOWN_ACK => Chunk::ShutdownAck,
                    ChunkType::COOKIE_ACK => Chunk::CookieAck,
                    _ => Chunk::ShutdownComplete { tag_reflected: bit(1) },
                }
            }
            ChunkType::COOKIE_ECHO => Chunk::CookieEcho { cookie: v },
            ChunkType::AUTH => {
                if v.len() < 4 {
                    return Err(short("AUTH chunk length", ">= 8"));
                }
                Chunk::Auth(Auth {
                    shared_key_id: r.u16("shared key identifier")?,
                    hmac_id: r.u16("HMAC identifier")?,
                    hmac: r.rest(),
                })
            }
            ChunkType::ASCONF | ChunkType::ASCONF_ACK => {
                if v.len() < 4 {
                    return Err(short("ASCONF chunk length", ">= 8"));
                }
                let serial = r.u32("serial number")?;
                let poff = r.offset();
                let a = Asconf { serial, params: Param::parse_list_at(r.rest(), poff)? };
                if ty == ChunkType::ASCONF {
                    Chunk::Asconf(a)
                } else {
                    Chunk::AsconfAck(a)
                }
            }
            ChunkType::RE_CONFIG => Chunk::ReConfig { params: Param::parse_list_at(v, vbase)? },
            ChunkType::PAD => Chunk::Pad { padding: v },
            ChunkType::FORWARD_TSN => {
                if v.len() < 4 || v.len() % 4 != 0 {
                    return Err(short("FORWARD TSN chunk length", "8 + 4 x streams"));
                }
                let new_cum_tsn = r.u32("new cumulative TSN")?;
                let mut streams = Vec::with_capacity(r.remaining() / 4);
                while !r.is_empty() {
                    streams.push(ForwardTsnStream { stream_id: r.u16("stream")?, ssn: r.u16("stream sequence")? });
                }
                Chunk::ForwardTsn { new_cum_tsn, streams }
            }
            ChunkType::I_FORWARD_TSN => {
                if v.len() < 4 || (v.len() - 4) % 8 != 0 {
                    return Err(short("I-FORWARD-TSN chunk length", "8 + 8 x streams"));
                }
                let new_cum_tsn = r.u32("new cumulative TSN")?;
                let mut streams = Vec::with_capacity(r.remaining() / 8);
                while !r.is_empty() {
                    let stream_id = r.u16("stream")?;
                    let f = r.u16("flags")?;
                    let mid = r.u32("message identifier")?;
                    streams.push(IForwardTsnStream { stream_id, unordered: f & 1 != 0, mid });
                }
                Chunk::IForwardTsn { new_cum_tsn, streams }
            }
            ty => Chunk::Unknown { ty, flags, value: v },
        };
        Ok(c)
    }

    /// Write the chunk and its padding to a multiple of 4.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.push(self.ty().0);
        out.push(self.flags());
        out.extend_from_slice(&[0, 0]);
        let mut len_override = None;
        let with_params = |out: &mut Vec<u8>, params: &[Param<'_>]| {
            let fixed = out.len() - start;
            fixed + Param::emit_list(params, out)
        };
        match self {
            Chunk::Data(d) => {
                out.extend_from_slice(&d.tsn.to_be_bytes());
                out.extend_from_slice(&d.stream_id.to_be_bytes());
                out.extend_from_slice(&d.ssn.to_be_bytes());
                out.extend_from_slice(&d.ppid.to_be_bytes());
                out.extend_from_slice(d.user_data);
            }
            Chunk::IData(d) => {
                out.extend_from_slice(&d.tsn.to_be_bytes());
                out.extend_from_slice(&d.stream_id.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&d.mid.to_be_bytes());
                out.extend_from_slice(&d.ppid_or_fsn.to_be_bytes());
                out.extend_from_slice(d.user_data);
            }
            Chunk::Init(i) | Chunk::InitAck(i) => {
                out.extend_from_slice(&i.initiate_tag.to_be_bytes());
                out.extend_from_slice(&i.a_rwnd.to_be_bytes());
                out.extend_from_slice(&i.outbound_streams.to_be_bytes());
                out.extend_from_slice(&i.inbound_streams.to_be_bytes());
                out.extend_from_slice(&i.initial_tsn.to_be_bytes());
                len_override = Some(with_params(out, &i.params));
            }
            Chunk::Sack(s) => {
                out.extend_from_slice(&s.cum_tsn_ack.to_be_bytes());
                out.extend_from_slice(&s.a_rwnd.to_be_bytes());
                out.extend_from_slice(&u16::try_from(s.gaps.len()).unwrap_or(u16::MAX).to_be_bytes());
                out.extend_from_slice(&u16::try_from(s.dup_tsns.len()).unwrap_or(u16::MAX).to_be_bytes());
                for g in &s.gaps {
                    out.extend_from_slice(&g.start.to_be_bytes());
                    out.extend_from_slice(&g.end.to_be_bytes());
                }
                s.dup_tsns.iter().for_each(|t| out.extend_from_slice(&t.to_be_bytes()));
            }
            Chunk::Heartbeat { params } | Chunk::HeartbeatAck { params } | Chunk::ReConfig { params } => {
                len_override = Some(with_params(out, params))
            }
            Chunk::Asconf(a) | Chunk::AsconfAck(a) => {
                out.extend_from_slice(&a.serial.to_be_bytes());
                len_override = Some(with_params(out, &a.params));
            }
            Chunk::Abort { causes, .. } | Chunk::Error { causes } => {
                let n = Cause::emit_list(causes, out);
                len_override = Some(4 + n);
            }
            Chunk::Shutdown { cum_tsn_ack: n } | Chunk::Ecne { lowest_tsn: n } | Chunk::Cwr { lowest_tsn: n } => {
                out.extend_from_slice(&n.to_be_bytes())
            }
            Chunk::ShutdownAck | Chunk::CookieAck | Chunk::ShutdownComplete { .. } => {}
            Chunk::CookieEcho { cookie: v } | Chunk::Pad { padding: v } | Chunk::Unknown { value: v, .. } => {
                out.extend_from_slice(v)
            }
            Chunk::Auth(a) => {
                out.extend_from_slice(&a.shared_key_id.to_be_bytes());
                out.extend_from_slice(&a.hmac_id.to_be_bytes());
                out.extend_from_slice(a.hmac);
            }
            Chunk::ForwardTsn { new_cum_tsn, streams } => {
                out.extend_from_slice(&new_cum_tsn.to_be_bytes());
                for s in streams {
                    out.extend_from_slice(&s.stream_id.to_be_bytes());
                    out.extend_from_slice(&s.ssn.to_be_bytes());
                }
            }
            Chunk::IForwardTsn { new_cum_tsn, streams } => {
                out.extend_from_slice(&new_cum_tsn.to_be_bytes());
                for s in streams {
                    out.extend_from_slice(&s.stream_id.to_be_bytes());
                    out.extend_from_slice(&(s.unordered as u16).to_be_bytes());
                    out.extend_from_slice(&s.mid.to_be_bytes());
                }
            }
        }
        let len = len_override.unwrap_or(out.len() - start);
        put_len16(out, start + 2, len);
        out.truncate(start + len);
        pad_out(out, start);
    }
}

/// Parse every chunk of a packet's payload (RFC 4960 §3: chunks are bundled back to back).
pub fn parse_chunks(input: &[u8]) -> Result<Vec<Chunk<'_>>, ParseError> {
    match parse_chunks_lax(input) {
        (v, None) => Ok(v),
        (_, Some(e)) => Err(e),
    }
}

/// Parse chunks until one fails: everything that parsed, and why it stopped (offsets relative
/// to `input`).
pub fn parse_chunks_lax(input: &[u8]) -> (Vec<Chunk<'_>>, Option<ParseError>) {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let off = input.len() - rest.len();
        match Chunk::parse_at(rest, off) {
            Ok((c, r)) => {
                out.push(c);
                rest = r;
            }
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

/// A whole SCTP packet: the common header and its chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<'a> {
    pub header: CommonHeader,
    pub chunks: Vec<Chunk<'a>>,
}

impl<'a> Packet<'a> {
    /// Parse a packet (the checksum is read, not verified: see [`super::crc::verify`]).
    pub fn parse(input: &'a [u8]) -> Result<Packet<'a>, ParseError> {
        let (header, rest) = CommonHeader::parse(input)?;
        let chunks = parse_chunks(rest).map_err(|e| e.shift(CommonHeader::LEN))?;
        Ok(Packet { header, chunks })
    }

    /// Write the packet with a correct CRC32c checksum (`header.checksum` is ignored).
    pub fn emit(&self, out: &mut Vec<u8>) {
        super::crc::emit_packet(&self.header, &self.chunks, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_with_padding_from_aiortc() {
        // sctp_data_padding.bin after the common header; tshark 4.0: flags 0x03 (B, E), length
        // 17, TSN 2584679421, SID 0x0001, SSN 1, PPID WebRTC String (51), padding 000000.
        let b = [
            0x00, 0x03, 0x00, 0x11, 0x9a, 0x0f, 0x13, 0xfd, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x33, 0x4d, 0, 0,
            0,
        ];
        let (c, rest) = Chunk::parse(&b).unwrap();
        assert!(rest.is_empty());
        assert_eq!(
            c,
            Chunk::Data(Data {
                immediate: false,
                unordered: false,
                beginning: true,
                ending: true,
                tsn: 2584679421,
                stream_id: 1,
                ssn: 1,
                ppid: 51,
                user_data: b"M"
            })
        );
        let mut out = vec![0xa5; 5];
        c.emit(&mut out);
        assert_eq!(&out[5..], &b[..]);
    }

    #[test]
    fn sack_from_aiortc() {
        // sctp_sack.bin; tshark 4.0: cumulative TSN ack 2222939037, a_rwnd 128160, 2 gap blocks
        // (2-2, 4-4), 1 duplicate TSN 2222939041.
        let b = [
            0x03, 0x00, 0x00, 0x1c, 0x84, 0x7f, 0x5b, 0x9d, 0x00, 0x01, 0xf4, 0xa0, 0x00, 0x02, 0x00, 0x01, 0x00, 0x02,
            0x00, 0x02, 0x00, 0x04, 0x00, 0x04, 0x84, 0x7f, 0x5b, 0xa1,
        ];
        let (c, _) = Chunk::parse(&b).unwrap();
        assert_eq!(
            c,
            Chunk::Sack(Sack {
                cum_tsn_ack: 2222939037,
                a_rwnd: 128160,
                gaps: vec![GapBlock { start: 2, end: 2 }, GapBlock { start: 4, end: 4 }],
                dup_tsns: vec![2222939041],
            })
        );
        let mut out = Vec::new();
        c.emit(&mut out);
        assert_eq!(out, b);
    }

    #[test]
    fn data_truncations() {
        let b = [
            0x00, 0x03, 0x00, 0x11, 0x9a, 0x0f, 0x13, 0xfd, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x33, 0x4d, 0, 0,
            0,
        ];
        for n in 0..b.len() {
            let got = Chunk::parse(&b[..n]);
            let want = match n {
                0 => Err(ParseError::Truncated { offset: 0, what: "chunk type", needed: 1, available: 0 }),
                1 => Err(ParseError::Truncated { offset: 1, what: "chunk flags", needed: 1, available: 0 }),
                2 | 3 => Err(ParseError::Truncated { offset: 2, what: "chunk length", needed: 2, available: n - 2 }),
                4..=16 => Err(ParseError::Truncated { offset: 4, what: "chunk value", needed: 13, available: n - 4 }),
                _ => Ok(()),
            };
            match (got, want) {
                (Err(g), Err(w)) => assert_eq!(g, w, "length {n}"),
                (Ok((c, rest)), Ok(())) => {
                    // The padding may be cut short at the end of the input.
                    assert!(matches!(c, Chunk::Data(ref d) if d.user_data == b"M"));
                    assert!(rest.is_empty());
                }
                (g, w) => panic!("length {n}: got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn bad_lengths() {
        assert_eq!(
            Chunk::parse(&[0, 0, 0, 8, 0, 0, 0, 0]).unwrap_err(),
            ParseError::BadLength { offset: 2, what: "DATA chunk length", expected: ">= 16", found: 8 }
        );
        assert_eq!(
            Chunk::parse(&[0, 0, 0, 0]).unwrap_err(),
            ParseError::BadLength { offset: 2, what: "chunk length", expected: ">= 4", found: 0 }
        );
        assert_eq!(
            Chunk::parse(&[11, 0, 0, 5, 1, 0, 0, 0]).unwrap_err(),
            ParseError::BadLength { offset: 2, what: "chunk length", expected: "4", found: 5 }
        );
    }

    #[test]
    fn init_chunk_length_excludes_last_parameter_padding() {
        // RFC 4960 §3.2: the chunk length includes the padding of every parameter but the last.
        let c = Chunk::Init(Init {
            initiate_tag: 1,
            a_rwnd: 2,
            outbound_streams: 3,
            inbound_streams: 4,
            initial_tsn: 5,
            params: vec![Param::SupportedAddressTypes(vec![5]), Param::HostName(b"ab\0")],
        });
        let mut out = vec![0xa5; 3];
        c.emit(&mut out);
        let b = &out[3..];
        // 20 fixed + 8 (6 padded) + 7 (unpadded host name) = 35, then 1 byte of chunk padding.
        assert_eq!(&b[2..4], &[0, 35]);
        assert_eq!(b.len(), 36);
        assert_eq!(b[35], 0);
        assert_eq!(Chunk::parse(b).unwrap().0, c);
    }

    #[test]
    fn bundled_chunks_and_lax_parse() {
        let mut v = Vec::new();
        Chunk::CookieAck.emit(&mut v);
        Chunk::Sack(Sack { cum_tsn_ack: 9, a_rwnd: 10, gaps: vec![], dup_tsns: vec![] }).emit(&mut v);
        v.extend_from_slice(&[0, 0, 0, 2]);
        let (ok, e) = parse_chunks_lax(&v);
        assert_eq!(ok.len(), 2);
        assert_eq!(e, Some(ParseError::BadLength { offset: 22, what: "chunk length", expected: ">= 4", found: 2 }));
        assert!(parse_chunks(&v).is_err());
        assert_eq!(parse_chunks(&v[..20]).unwrap().len(), 2);
    }
}
