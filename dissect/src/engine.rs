//! The pipeline: one [`Dissector`] per capture, fed frames in order, returning dissected packets.
//!
//! Layers pass a [`Ctx`] down: the tree being built, the frame, configuration and per-flow state.
//! Lower layers call the `app_*` functions here to hand payloads up; they decide which
//! application parser runs (decode-as, negotiated signal, port, heuristic) and otherwise show the
//! bytes as `data`, as tshark does.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use crate::capture::Frame;
use crate::stream::{PduInfo, StreamFramer, StreamProtocol};
use crate::tree::{hf, FieldDef, Packet, Span, TreeBuilder, Tvb, Value};

/// A `-d` rule: decode traffic on a port as a protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeAs {
    /// `tcp.port`, `udp.port`, `sctp.port` or `sctp.ppi`.
    pub selector: String,
    pub value: u32,
    pub protocol: String,
}

impl DecodeAs {
    /// Parse tshark's `layer.field==value,protocol`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (lhs, proto) = s.split_once(',').ok_or_else(|| format!("decode-as rule {s:?} lacks ',PROTOCOL'"))?;
        let (sel, val) = lhs.split_once("==").ok_or_else(|| format!("decode-as rule {s:?} lacks '=='"))?;
        let value = val.trim().parse::<u32>().map_err(|_| format!("decode-as rule {s:?}: {val:?} is not a number"))?;
        let selector = sel.trim().to_string();
        if !matches!(selector.as_str(), "tcp.port" | "udp.port" | "sctp.port" | "sctp.ppi") {
            return Err(format!("decode-as rule {s:?}: selector must be tcp.port, udp.port, sctp.port or sctp.ppi"));
        }
        Ok(DecodeAs { selector, value, protocol: proto.trim().to_string() })
    }
}

/// Options that change how packets are dissected.
#[derive(Debug, Clone)]
pub struct Config {
    pub decode_as: Vec<DecodeAs>,
    /// Verify IP/TCP/UDP/SCTP checksums (reported as expert infos, never dropped).
    pub check_checksums: bool,
    /// Reassemble TCP streams before handing bytes up.
    pub tcp_reassemble: bool,
    /// Bytes one TCP direction may hold out of order before the excess is dropped (and reported).
    pub tcp_max_buffer: usize,
    /// Bytes one SCTP stream may hold for a partial user message.
    pub sctp_max_message: usize,
    /// Bytes an IP fragment set may hold.
    pub ip_max_datagram: usize,
    /// Flows tracked at once; the oldest is evicted past this.
    pub max_flows: usize,
    /// Key log for TLS/DTLS decryption.
    pub keylog: Option<std::path::PathBuf>,
    /// Extension type of MTA-TLS's `data_multiplexing` (SPEC-NOTES M1).
    pub mtatls_ext_type: u16,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            decode_as: Vec::new(),
            check_checksums: true,
            tcp_reassemble: true,
            tcp_max_buffer: 4 << 20,
            sctp_max_message: 4 << 20,
            ip_max_datagram: 65_535 + 64,
            max_flows: 100_000,
            keylog: None,
            mtatls_ext_type: crate::proto::tls::DATA_MULTIPLEXING_DEFAULT,
        }
    }
}

/// Per-capture state of every layer.
#[derive(Default)]
pub struct State {
    pub ip: crate::net::ip::IpState,
    pub icmp: crate::net::icmp::IcmpState,
    pub tcp: crate::net::tcp::TcpState,
    pub udp: crate::net::udp::UdpState,
    pub sctp: crate::proto::sctp::SctpState,
    pub tls: crate::proto::tls::TlsState,
    pub app: AppState,
    /// State of the protocols that run on UDP and SCTP messages (TCP protocols keep theirs per
    /// connection in [`AppState`]).
    pub simco: crate::proto::simco::SimcoState,
    pub forces: crate::proto::forces::ForcesState,
    pub gist: crate::proto::gist::GistState,
    pub dtls: crate::proto::dtls::DtlsState,
    /// Facts about earlier frames learned later (a request's response), for a second pass.
    pub hindsight: Hindsight,
}

/// Notes kept at most for a second pass; past this, later ones are dropped.
pub const MAX_HINDSIGHT: usize = 1 << 20;

/// A fact about an earlier frame, learned later in the capture: tshark's `*.response_in`, shown
/// only in a two-pass run (`-2`), where the first pass collects these and the second adds each as
/// a generated field at the end of its layer.
#[derive(Debug, Clone)]
pub struct Note {
    /// The top-level layer it goes in (`ctp`) and which one of that name in the frame (0 for the
    /// first): see [`TreeBuilder::layer_count`].
    pub layer: &'static str,
    pub occurrence: u32,
    pub def: &'static FieldDef,
    pub value: Value,
}

/// Notes by frame number.
#[derive(Debug, Default)]
pub struct Hindsight {
    notes: HashMap<u64, Vec<Note>>,
    count: usize,
}

impl Hindsight {
    /// Number of notes held.
    pub fn len(&self) -> usize {
        self.count
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
    /// The notes for one frame.
    pub fn for_frame(&self, frame: u64) -> &[Note] {
        self.notes.get(&frame).map(Vec::as_slice).unwrap_or(&[])
    }
    fn add(&mut self, frame: u64, note: Note) {
        if self.count < MAX_HINDSIGHT {
            self.count += 1;
            self.notes.entry(frame).or_default().push(note);
        }
    }
}

/// Record, while dissecting a later frame, a field that belongs to earlier frame `frame`'s
/// layer `layer` (occurrence `occurrence`); a two-pass run shows it there.
pub fn note_later(
    ctx: &mut Ctx,
    frame: u64,
    layer: &'static str,
    occurrence: u32,
    def: &'static FieldDef,
    value: Value,
) {
    ctx.st.hindsight.add(frame, Note { layer, occurrence, def, value });
}

/// What a layer knows about the frame and the layers below it.
#[derive(Debug, Clone, Default)]
pub struct Addrs {
    /// Network source and destination, once an IP layer has been read.
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    /// Transport ports, once a transport layer has been read.
    pub src_port: u16,
    pub dst_port: u16,
}

/// Everything a dissector function gets.
pub struct Ctx<'a> {
    pub tb: TreeBuilder,
    pub cfg: &'a Config,
    pub st: &'a mut State,
    /// Number of the frame being dissected.
    pub frame_number: u64,
    /// Its timestamp (seconds, nanoseconds).
    pub ts: (i64, u32),
    pub addrs: Addrs,
    /// Nesting depth of encapsulations (IP in IP, SCTP in UDP), capped against loops.
    pub depth: u32,
}

/// Encapsulation depth past which a layer stops recursing and reports it.
pub const MAX_DEPTH: u32 = 16;

/// Fields of the `frame` layer (tshark's names).
pub mod hf_frame {
    use crate::tree::{Base, FieldDef, FieldType};
    pub static FRAME: FieldDef = FieldDef::proto("frame", "Frame");
    pub static NUMBER: FieldDef = FieldDef::new("frame.number", "Frame Number", FieldType::U32, Base::Dec);
    pub static TIME_EPOCH: FieldDef = FieldDef::new("frame.time_epoch", "Epoch Time", FieldType::AbsTime, Base::None);
    pub static TIME_RELATIVE: FieldDef =
        FieldDef::new("frame.time_relative", "Time since reference or first frame", FieldType::RelTime, Base::None);
    pub static INTERFACE_ID: FieldDef = FieldDef::new("frame.interface_id", "Interface id", FieldType::U32, Base::Dec);
    pub static ENCAP_TYPE: FieldDef =
        FieldDef::new("frame.encap_type", "Encapsulation type", FieldType::I32, Base::Dec).strings(&[
            (1, "Ethernet"),
            (7, "Raw IP"),
            (15, "NULL/Loopback"),
            (25, "Linux cooked-mode capture v1"),
            (129, "Raw IPv4"),
            (130, "Raw IPv6"),
            (174, "OpenBSD loopback"),
            (210, "Linux cooked-mode capture v2"),
        ]);
    pub static LEN: FieldDef = FieldDef::new("frame.len", "Frame Length", FieldType::U32, Base::Dec);
    pub static CAP_LEN: FieldDef = FieldDef::new("frame.cap_len", "Capture Length", FieldType::U32, Base::Dec);
    pub static PROTOCOLS: FieldDef =
        FieldDef::new("frame.protocols", "Protocols in frame", FieldType::String, Base::None);
    pub static COMMENT: FieldDef = FieldDef::new("frame.comment", "Comment", FieldType::String, Base::None);
    pub static TRUNCATED: FieldDef =
        FieldDef::new("frame.truncated", "Cut by snap length", FieldType::Bool, Base::None)
            .blurb("The frame is shorter than on the wire: layers stop where the bytes stop");
    pub static ALL: &[&FieldDef] = &[
        &FRAME,
        &NUMBER,
        &TIME_EPOCH,
        &TIME_RELATIVE,
        &INTERFACE_ID,
        &ENCAP_TYPE,
        &LEN,
        &CAP_LEN,
        &PROTOCOLS,
        &COMMENT,
        &TRUNCATED,
    ];
}

/// Runs the pipeline over a capture's frames, in order.
pub struct Dissector {
    pub cfg: Config,
    pub st: State,
    first_ts: Option<(i64, u32)>,
    /// What a first pass learned (empty in a one-pass run).
    hindsight: Hindsight,
}

impl Dissector {
    pub fn new(cfg: Config) -> Self {
        Dissector { cfg, st: State::default(), first_ts: None, hindsight: Hindsight::default() }
    }

    /// After every frame has been through this dissector once: a fresh dissector for the second
    /// pass of a two-pass run, which adds what the first pass learned about earlier frames.
    pub fn second_pass(self) -> Dissector {
        let hindsight = std::mem::take(&mut { self.st }.hindsight);
        Dissector { cfg: self.cfg, st: State::default(), first_ts: None, hindsight }
    }

    /// Measure `frame.time_relative` from `ts` rather than from the first frame this dissector
    /// sees (a `-2 -R` run, whose second pass skips the frames the read filter dropped).
    pub fn set_time_reference(&mut self, ts: (i64, u32)) {
        self.first_ts = Some(ts);
    }

    /// Dissect one frame. Never panics on any bytes; problems are expert infos in the packet.
    pub fn dissect(&mut self, frame: Frame) -> Packet {
        let ts = (frame.ts_sec, frame.ts_nsec);
        let first = *self.first_ts.get_or_insert(ts);
        let rel = time_sub(ts, first);
        let data: Arc<[u8]> = Arc::from(frame.data);
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &self.cfg,
            st: &mut self.st,
            frame_number: frame.number,
            ts,
            addrs: Addrs::default(),
            depth: 0,
        };
        let cap_len = data.len();
        let all = Span::new(0, 0, cap_len);
        let tb = &mut ctx.tb;
        tb.open_proto(
            &hf_frame::FRAME,
            all,
            Some(format!(
                "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
                frame.number,
                frame.orig_len,
                frame.orig_len as u64 * 8,
                cap_len,
                cap_len * 8
            )),
        );
        for c in &frame.comments {
            tb.add(&hf_frame::COMMENT, Span::EMPTY, Value::Str(c.clone()));
        }
        if frame.pcapng {
            tb.add(&hf_frame::INTERFACE_ID, Span::EMPTY, Value::UInt(frame.interface as u64));
        }
        if let Some(e) = wtap_encap(frame.linktype) {
            tb.add(&hf_frame::ENCAP_TYPE, Span::EMPTY, Value::Int(e));
        }
        // A pcapng simple packet block has no timestamp: tshark shows no time for it.
        if !frame.ts_missing {
            tb.add(&hf_frame::TIME_EPOCH, Span::EMPTY, Value::Time { secs: ts.0, nanos: ts.1 });
        }
        tb.add_generated(&hf_frame::TIME_RELATIVE, Span::EMPTY, Value::Time { secs: rel.0, nanos: rel.1 });
        tb.add(&hf_frame::NUMBER, Span::EMPTY, Value::UInt(frame.number));
        let bytes_bits = |n: u64| format!("{n} bytes ({} bits)", n * 8);
        tb.add_label(
            &hf_frame::LEN,
            Span::EMPTY,
            Value::UInt(frame.orig_len as u64),
            format!("Frame Length: {}", bytes_bits(frame.orig_len as u64)),
        );
        tb.add_label(
            &hf_frame::CAP_LEN,
            Span::EMPTY,
            Value::UInt(cap_len as u64),
            format!("Capture Length: {}", bytes_bits(cap_len as u64)),
        );
        if (cap_len as u64) < frame.orig_len as u64 {
            tb.add(&hf_frame::TRUNCATED, Span::EMPTY, Value::Bool(true));
            tb.expert(
                crate::tree::Severity::Note,
                crate::tree::Group::Undecoded,
                format!("Frame cut by the snap length: {} of {} bytes captured", cap_len, frame.orig_len),
                all,
            );
        }
        tb.close_to(0);
        crate::net::link::dissect(&mut ctx, frame.linktype, Tvb::new(&data, 0, 0));
        // tshark lists the layers below the frame: `eth:ethertype:ip:sctp`.
        let protocols = ctx.tb.protocols().get(1..).unwrap_or(&[]).join(":");
        let Ctx { tb, .. } = ctx;
        let mut p = tb.finish(frame.number, ts, rel, frame.orig_len, data);
        if let Some(f) = p.layers.first_mut() {
            let mut n = crate::tree::Node::new(&hf_frame::PROTOCOLS, Span::EMPTY, Value::Str(protocols));
            n.generated = true;
            f.children.push(n);
        }
        apply_hindsight(&mut p, self.hindsight.for_frame(frame.number));
        p
    }
}

fn apply_hindsight(p: &mut Packet, notes: &[Note]) {
    for n in notes {
        let layer = p.layers.iter_mut().filter(|l| l.def.abbrev == n.layer).nth(n.occurrence as usize);
        if let Some(l) = layer {
            let mut node = crate::tree::Node::new(n.def, Span::EMPTY, n.value.clone());
            node.generated = true;
            l.children.push(node);
        }
    }
}

/// The application protocols a single message can be decoded as, with their transport:
/// `("ctp", Transport::Tcp)`, `("gist", Transport::Udp)`, ... (TLS and DTLS included).
pub fn message_protocols() -> Vec<(&'static str, Transport)> {
    let mut v: Vec<(&'static str, Transport)> = TCP_PROTOCOLS.iter().map(|t| (t.name, Transport::Tcp)).collect();
    v.extend(UDP_PROTOCOLS.iter().map(|u| (u.name, Transport::Udp)));
    v.extend(SCTP_PROTOCOLS.iter().map(|u| (u.name, Transport::Sctp)));
    v
}

impl Dissector {
    /// Decode bytes as messages of one application protocol, without capture or lower layers:
    /// the "paste hex" decoder. A byte-stream protocol frames as many PDUs as the bytes hold
    /// (a trailing incomplete one is reported); a datagram or SCTP protocol gets them as one
    /// message. The packet's only buffer is `data`. Err names an unknown protocol.
    pub fn dissect_message(&mut self, protocol: &str, transport: Transport, data: &[u8]) -> Result<Packet, String> {
        let data: Arc<[u8]> = Arc::from(data);
        let mut ctx = Ctx {
            tb: TreeBuilder::new(),
            cfg: &self.cfg,
            st: &mut self.st,
            frame_number: 1,
            ts: (0, 0),
            addrs: Addrs::default(),
            depth: 0,
        };
        let tvb = Tvb::new(&data, 0, 0);
        let unknown = || {
            let known: Vec<String> =
                message_protocols().iter().map(|(n, t)| format!("{n}/{}", format!("{t:?}").to_lowercase())).collect();
            format!("no protocol {protocol:?} on {transport:?} (known: {})", known.join(", "))
        };
        match transport {
            Transport::Tcp => {
                let t = TCP_PROTOCOLS.iter().find(|t| t.name == protocol).ok_or_else(unknown)?;
                let mut proto = (t.new)();
                let mut framer = StreamFramer::new();
                let info = PduInfo { stream: 0, dir: 0, src_port: 0, dst_port: 0, stream_offset: 0 };
                framer.feed(&mut ctx, proto.as_mut(), tvb, &info);
                if framer.pending() > 0 {
                    ctx.tb.expert(
                        crate::tree::Severity::Error,
                        crate::tree::Group::Malformed,
                        format!("{}: the last {} bytes are an incomplete message", proto.name(), framer.pending()),
                        Span::new(0, data.len() - framer.pending().min(data.len()), data.len()),
                    );
                }
            }
            Transport::Udp => {
                let u = UDP_PROTOCOLS.iter().find(|u| u.name == protocol).ok_or_else(unknown)?;
                (u.dissect)(&mut ctx, &UdpPayload { stream: 0, src_port: 0, dst_port: 0 }, tvb);
            }
            Transport::Sctp => {
                let u = SCTP_PROTOCOLS.iter().find(|u| u.name == protocol).ok_or_else(unknown)?;
                let m = SctpMessage {
                    assoc: 0,
                    dir: 0,
                    src_port: 0,
                    dst_port: 0,
                    stream: 0,
                    ppid: u.ppids.first().copied().unwrap_or(0),
                    unordered: false,
                };
                (u.dissect)(&mut ctx, &m, tvb);
            }
        }
        let Ctx { tb, .. } = ctx;
        let len = data.len() as u32;
        Ok(tb.finish(1, (0, 0), (0, 0), len, data))
    }
}

/// tshark's `frame.encap_type` (Wireshark's WTAP_ENCAP_* numbers) for a LINKTYPE_*; each
/// pair was read from tshark 4.0 on a one-frame file of that link type.
pub fn wtap_encap(linktype: u32) -> Option<i64> {
    use crate::capture::linktype as lt;
    Some(match linktype {
        lt::NULL => 15,
        lt::ETHERNET => 1,
        lt::RAW => 7,
        lt::LOOP => 174,
        lt::LINUX_SLL => 25,
        lt::IPV4 => 129,
        lt::IPV6 => 130,
        lt::LINUX_SLL2 => 210,
        _ => return None,
    })
}

fn time_sub(a: (i64, u32), b: (i64, u32)) -> (i64, u32) {
    let an = a.0 as i128 * 1_000_000_000 + a.1 as i128;
    let bn = b.0 as i128 * 1_000_000_000 + b.1 as i128;
    let d = an - bn;
    (d.div_euclid(1_000_000_000) as i64, d.rem_euclid(1_000_000_000) as u32)
}

/// A TCP payload handed up: bytes that are now in order in one direction of a connection.
#[derive(Debug, Clone, Copy)]
pub struct TcpPayload {
    /// tshark's `tcp.stream`.
    pub stream: u32,
    /// 0 for the direction of the first segment seen, 1 for the other.
    pub dir: u8,
    pub src_port: u16,
    pub dst_port: u16,
    /// Offset of the first byte in this direction's byte stream (0 = first byte after SYN).
    pub stream_offset: u64,
}

/// A UDP datagram's payload.
#[derive(Debug, Clone, Copy)]
pub struct UdpPayload {
    /// tshark's `udp.stream`.
    pub stream: u32,
    pub src_port: u16,
    pub dst_port: u16,
}

/// A complete SCTP user message (reassembled when it was fragmented).
#[derive(Debug, Clone, Copy)]
pub struct SctpMessage {
    /// Association index (tshark's `sctp.assoc_index`).
    pub assoc: u32,
    pub dir: u8,
    pub src_port: u16,
    pub dst_port: u16,
    pub stream: u16,
    pub ppid: u32,
    pub unordered: bool,
}

/// Payload bytes with no application parser: tshark's `data` layer.
pub fn data_layer(ctx: &mut Ctx, tvb: Tvb) {
    if tvb.is_empty() {
        return;
    }
    ctx.tb.open_proto(&hf::DATA, tvb.all(), Some(format!("Data ({} bytes)", tvb.len())));
    ctx.tb.add(&hf::DATA_DATA, tvb.all(), Value::Bytes(tvb.data.to_vec()));
    ctx.tb.add_generated(&hf::DATA_LEN, tvb.all(), Value::UInt(tvb.len() as u64));
    ctx.tb.close_to(0);
}

/// A protocol that can run on a TCP stream: its name (as `-d` spells it), a strict heuristic over
/// the first bytes of a direction, and a constructor of its per-connection state.
pub struct TcpProtocol {
    pub name: &'static str,
    /// Ports that mean this protocol without looking at the bytes.
    pub ports: &'static [u16],
    /// Whether these first bytes of a direction are this protocol (strict: no false positives on
    /// other traffic). `None` for protocols recognised only by port, signal or `-d`.
    pub heuristic: Option<fn(&[u8]) -> bool>,
    pub new: fn() -> Box<dyn StreamProtocol + Send>,
}

/// The application protocols that run on TCP, in heuristic order. Each protocol module adds
/// itself here.
pub static TCP_PROTOCOLS: &[TcpProtocol] = &[
    TcpProtocol {
        name: "ctp",
        ports: &[],
        heuristic: Some(crate::proto::ctp::heuristic),
        new: crate::proto::ctp::new_conversation,
    },
    TcpProtocol {
        name: "tls",
        ports: &[443, 465, 636, 853, 989, 990, 992, 993, 995, 5061],
        heuristic: Some(crate::proto::tls::heuristic),
        new: crate::proto::tls::new_conversation,
    },
    crate::proto::simco::TCP,
    crate::proto::gist::TCP,
    crate::proto::mtatls::TCP,
];

/// A protocol carried in UDP datagrams.
pub struct UdpProtocol {
    /// Its name, as `-d udp.port==N,NAME` spells it.
    pub name: &'static str,
    pub ports: &'static [u16],
    /// A strict check of a datagram's first bytes; `None` for port, signal or `-d` only.
    pub heuristic: Option<fn(&[u8]) -> bool>,
    /// Dissect one datagram's payload, opening the protocol's layer.
    pub dissect: fn(&mut Ctx, &UdpPayload, Tvb),
}

/// The protocols that run on UDP, in heuristic order. Each protocol module adds itself here.
pub static UDP_PROTOCOLS: &[UdpProtocol] = &[crate::proto::gist::UDP, crate::proto::dtls::UDP];

/// A protocol carried in SCTP user messages.
pub struct SctpProtocol {
    /// Its name, as `-d sctp.port==N,NAME` or `-d sctp.ppi==N,NAME` spells it.
    pub name: &'static str,
    pub ports: &'static [u16],
    /// Payload protocol identifiers (RFC 4960 §3.3.1) that mean this protocol.
    pub ppids: &'static [u32],
    /// A strict check of a message's first bytes; `None` for PPID, port or `-d` only.
    pub heuristic: Option<fn(&[u8]) -> bool>,
    /// Dissect one complete user message, opening the protocol's layer.
    pub dissect: fn(&mut Ctx, &SctpMessage, Tvb),
}

/// The protocols that run on SCTP, in heuristic order. Each protocol module adds itself here.
pub static SCTP_PROTOCOLS: &[SctpProtocol] =
    &[crate::proto::simco::SCTP, crate::proto::forces::SCTP, crate::proto::gist::SCTP, crate::proto::dtls::SCTP];

/// The transport of an expected conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
    Sctp,
}

/// Expected conversations kept at most; past this the table is cleared (and protocols fall back
/// to ports and heuristics).
pub const MAX_EXPECTED: usize = 10_000;

/// Announce that traffic to `addr`:`port` over `transport` will be `protocol` (a name in the
/// registry of that transport), as a negotiation seen on the wire said: GIST's
/// Stack-Configuration-Data (RFC 5971 §5.7.1), for instance. Checked before ports and heuristics
/// for connections and datagrams that start later.
pub fn expect(ctx: &mut Ctx, transport: Transport, addr: IpAddr, port: u16, protocol: &'static str) {
    let e = &mut ctx.st.app.expected;
    if e.len() >= MAX_EXPECTED && !e.contains_key(&(transport, addr, port)) {
        e.clear();
    }
    e.insert((transport, addr, port), protocol);
}

fn expected(ctx: &Ctx, transport: Transport, src_port: u16, dst_port: u16) -> Option<&'static str> {
    let e = &ctx.st.app.expected;
    if e.is_empty() {
        return None;
    }
    let a = ctx.addrs.dst.and_then(|d| e.get(&(transport, d, dst_port)));
    let b = ctx.addrs.src.and_then(|s| e.get(&(transport, s, src_port)));
    a.or(b).copied()
}

/// The application layer chosen for one TCP connection.
#[derive(Default)]
pub struct TcpApp {
    /// Decided: `Some(index in TCP_PROTOCOLS)`, or `None` for plain data. Undecided until the
    /// first payload.
    decided: Option<Option<usize>>,
    proto: Option<Box<dyn StreamProtocol + Send>>,
    framers: [StreamFramer; 2],
}

/// Per-connection application state, by `tcp.stream` (bounded by the TCP layer's own cap on
/// connections: an entry is dropped when the TCP layer forgets the connection).
#[derive(Default)]
pub struct AppState {
    pub tcp: HashMap<u32, TcpApp>,
    /// Conversations a negotiation announced (see [`expect`]).
    pub expected: HashMap<(Transport, IpAddr, u16), &'static str>,
}

fn choose_tcp(ctx: &Ctx, p: &TcpPayload, first: &[u8]) -> Option<usize> {
    let cfg = ctx.cfg;
    for rule in &cfg.decode_as {
        if rule.selector == "tcp.port" && (rule.value == p.src_port as u32 || rule.value == p.dst_port as u32) {
            return TCP_PROTOCOLS.iter().position(|t| t.name == rule.protocol);
        }
    }
    if let Some(name) = expected(ctx, Transport::Tcp, p.src_port, p.dst_port) {
        if let Some(i) = TCP_PROTOCOLS.iter().position(|t| t.name == name) {
            return Some(i);
        }
    }
    if let Some(i) = TCP_PROTOCOLS.iter().position(|t| t.ports.contains(&p.src_port) || t.ports.contains(&p.dst_port)) {
        return Some(i);
    }
    TCP_PROTOCOLS.iter().position(|t| t.heuristic.is_some_and(|h| h(first)))
}

/// In-order TCP bytes: framed into PDUs of the connection's protocol, or shown as data.
pub fn app_tcp(ctx: &mut Ctx, p: &TcpPayload, tvb: Tvb) {
    if tvb.is_empty() {
        return;
    }
    if ctx.st.app.tcp.len() > ctx.cfg.max_flows && !ctx.st.app.tcp.contains_key(&p.stream) {
        // Keep the table bounded: forget the oldest connections' application state.
        let mut keys: Vec<u32> = ctx.st.app.tcp.keys().copied().collect();
        keys.sort_unstable();
        for k in keys.iter().take(keys.len() / 2) {
            ctx.st.app.tcp.remove(k);
        }
    }
    let mut app = ctx.st.app.tcp.remove(&p.stream).unwrap_or_default();
    let decided = *app.decided.get_or_insert_with(|| choose_tcp(ctx, p, tvb.data));
    if let (Some(i), None) = (decided, app.proto.as_ref()) {
        if let Some(t) = TCP_PROTOCOLS.get(i) {
            app.proto = Some((t.new)());
        }
    }
    match app.proto.as_mut() {
        Some(proto) => {
            let info = PduInfo {
                stream: p.stream,
                dir: p.dir,
                src_port: p.src_port,
                dst_port: p.dst_port,
                stream_offset: p.stream_offset,
            };
            let framer = &mut app.framers[(p.dir & 1) as usize];
            framer.feed(ctx, proto.as_mut(), tvb, &info);
        }
        None => data_layer(ctx, tvb),
    }
    ctx.st.app.tcp.insert(p.stream, app);
}

/// A gap in a TCP direction: `len` bytes at `stream_offset` were never captured. Stream parsers
/// resynchronise after it.
pub fn app_tcp_gap(ctx: &mut Ctx, p: &TcpPayload, len: u64) {
    let _ = len;
    if let Some(mut app) = ctx.st.app.tcp.remove(&p.stream) {
        if let Some(proto) = app.proto.as_ref() {
            let name = proto.name();
            app.framers[(p.dir & 1) as usize].gap(ctx, name);
        }
        ctx.st.app.tcp.insert(p.stream, app);
    }
}

fn choose_udp(ctx: &Ctx, p: &UdpPayload, data: &[u8]) -> Option<&'static UdpProtocol> {
    let by_name = |n: &str| UDP_PROTOCOLS.iter().find(|u| u.name == n);
    for rule in &ctx.cfg.decode_as {
        if rule.selector == "udp.port" && (rule.value == p.src_port as u32 || rule.value == p.dst_port as u32) {
            return by_name(&rule.protocol);
        }
    }
    if let Some(u) = expected(ctx, Transport::Udp, p.src_port, p.dst_port).and_then(by_name) {
        return Some(u);
    }
    if let Some(u) = UDP_PROTOCOLS.iter().find(|u| u.ports.contains(&p.src_port) || u.ports.contains(&p.dst_port)) {
        return Some(u);
    }
    UDP_PROTOCOLS.iter().find(|u| u.heuristic.is_some_and(|h| h(data)))
}

/// A UDP payload: to the protocol chosen by `-d`, an expected conversation, port or heuristic,
/// else shown as data.
pub fn app_udp(ctx: &mut Ctx, p: &UdpPayload, tvb: Tvb) {
    if tvb.is_empty() {
        return;
    }
    match choose_udp(ctx, p, tvb.data) {
        Some(u) => (u.dissect)(ctx, p, tvb),
        None => data_layer(ctx, tvb),
    }
}

fn choose_sctp(ctx: &Ctx, m: &SctpMessage, data: &[u8]) -> Option<&'static SctpProtocol> {
    let by_name = |n: &str| SCTP_PROTOCOLS.iter().find(|u| u.name == n);
    for rule in &ctx.cfg.decode_as {
        let hit = match rule.selector.as_str() {
            "sctp.port" => rule.value == m.src_port as u32 || rule.value == m.dst_port as u32,
            "sctp.ppi" => rule.value == m.ppid,
            _ => false,
        };
        if hit {
            return by_name(&rule.protocol);
        }
    }
    if let Some(u) = expected(ctx, Transport::Sctp, m.src_port, m.dst_port).and_then(by_name) {
        return Some(u);
    }
    if let Some(u) = SCTP_PROTOCOLS.iter().find(|u| u.ppids.contains(&m.ppid)) {
        return Some(u);
    }
    if let Some(u) = SCTP_PROTOCOLS.iter().find(|u| u.ports.contains(&m.src_port) || u.ports.contains(&m.dst_port)) {
        return Some(u);
    }
    SCTP_PROTOCOLS.iter().find(|u| u.heuristic.is_some_and(|h| h(data)))
}

/// A complete SCTP user message: to the protocol chosen by `-d`, an expected conversation, PPID,
/// port or heuristic, else shown as data.
pub fn app_sctp(ctx: &mut Ctx, m: &SctpMessage, tvb: Tvb) {
    if tvb.is_empty() {
        return;
    }
    match choose_sctp(ctx, m, tvb.data) {
        Some(u) => (u.dissect)(ctx, m, tvb),
        None => data_layer(ctx, tvb),
    }
}

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static FieldDef> {
    let mut v: Vec<&'static FieldDef> = hf_frame::ALL.to_vec();
    v.extend_from_slice(hf::ALL);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_as_rules() {
        let d = DecodeAs::parse("tcp.port==8443,ctp").unwrap();
        assert_eq!(d, DecodeAs { selector: "tcp.port".into(), value: 8443, protocol: "ctp".into() });
        assert!(DecodeAs::parse("tcp.port=8443,ctp").is_err());
        assert!(DecodeAs::parse("tcp.port==x,ctp").is_err());
        assert!(DecodeAs::parse("eth.type==1,ctp").is_err());
    }

    #[test]
    fn single_message_decoding() {
        let mut d = Dissector::new(Config::default());
        let e = d.dissect_message("nosuch", Transport::Tcp, b"x").unwrap_err();
        assert!(e.contains("ctp/tcp"), "{e}");
        // A TLS record header (RFC 5246 §6.2.1: handshake, 1.2, length 2) and two body bytes.
        let p = d.dissect_message("tls", Transport::Tcp, &[22, 3, 3, 0, 2, 1, 0]).unwrap();
        assert_eq!(p.layers.first().map(|l| l.def.abbrev), Some("tls"));
        assert_eq!(p.buffers.len(), 1);
        // Five bytes of a longer record: reported as incomplete, never a panic.
        let p = d.dissect_message("tls", Transport::Tcp, &[22, 3, 3, 0, 9]).unwrap();
        assert!(p.experts.iter().any(|e| e.message.contains("incomplete")), "{:?}", p.experts);
    }

    #[test]
    fn relative_time() {
        assert_eq!(time_sub((10, 100), (9, 200)), (0, 999_999_900));
        assert_eq!(time_sub((9, 0), (9, 0)), (0, 0));
    }
}
