//! The field tree: what every parser builds and every output reads.
//!
//! A dissected packet is a list of protocol nodes (`frame`, `eth`, `ip`, `sctp`, ...), each a
//! [`Node`] with children. Every node names a static [`FieldDef`] (its abbreviation, label, type,
//! display base and value strings), carries a typed [`Value`] and a [`Span`] of bytes in the frame
//! or in a named reassembled buffer. Expert infos are nodes too (`_ws.expert` with message,
//! severity and group children), so they appear where they apply, and are also collected per
//! packet for statistics. Outputs never look at raw bytes except through spans; parsers never
//! format text beyond an optional custom label.

use std::fmt::Write as _;
use std::sync::Arc;

/// A field's wire type, after Wireshark's `ftenum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A protocol layer (`FT_PROTOCOL`).
    Protocol,
    /// A label or subtree with no value (`FT_NONE`).
    None,
    Bool,
    U8,
    U16,
    U24,
    U32,
    U64,
    I32,
    I64,
    Double,
    String,
    Bytes,
    Ipv4,
    Ipv6,
    Ether,
    /// Seconds since the epoch with nanoseconds.
    AbsTime,
    /// A duration in seconds with nanoseconds.
    RelTime,
    /// A reference to another frame by number.
    FrameNum,
}

impl FieldType {
    /// The name tshark's glossary uses (`FT_UINT16`, ...).
    pub fn ft_name(self) -> &'static str {
        match self {
            FieldType::Protocol => "FT_PROTOCOL",
            FieldType::None => "FT_NONE",
            FieldType::Bool => "FT_BOOLEAN",
            FieldType::U8 => "FT_UINT8",
            FieldType::U16 => "FT_UINT16",
            FieldType::U24 => "FT_UINT24",
            FieldType::U32 => "FT_UINT32",
            FieldType::U64 => "FT_UINT64",
            FieldType::I32 => "FT_INT32",
            FieldType::I64 => "FT_INT64",
            FieldType::Double => "FT_DOUBLE",
            FieldType::String => "FT_STRING",
            FieldType::Bytes => "FT_BYTES",
            FieldType::Ipv4 => "FT_IPv4",
            FieldType::Ipv6 => "FT_IPv6",
            FieldType::Ether => "FT_ETHER",
            FieldType::AbsTime => "FT_ABSOLUTE_TIME",
            FieldType::RelTime => "FT_RELATIVE_TIME",
            FieldType::FrameNum => "FT_FRAMENUM",
        }
    }

    /// Hex digits needed to show the full width of an unsigned field.
    fn hex_width(self) -> usize {
        match self {
            FieldType::U8 => 2,
            FieldType::U16 => 4,
            FieldType::U24 => 6,
            FieldType::U32 | FieldType::I32 => 8,
            _ => 16,
        }
    }
}

/// How an integer is shown, after Wireshark's `field_display_e`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    None,
    Dec,
    Hex,
    DecHex,
    HexDec,
}

impl Base {
    pub fn name(self) -> &'static str {
        match self {
            Base::None => "BASE_NONE",
            Base::Dec => "BASE_DEC",
            Base::Hex => "BASE_HEX",
            Base::DecHex => "BASE_DEC_HEX",
            Base::HexDec => "BASE_HEX_DEC",
        }
    }
}

/// The static description of a field: one per abbreviation, listed in the glossary (`-G fields`).
#[derive(Debug)]
pub struct FieldDef {
    /// Filter name, `sctp.data_tsn`.
    pub abbrev: &'static str,
    /// Human label, `Transmission sequence number`.
    pub name: &'static str,
    pub ftype: FieldType,
    pub base: Base,
    /// Names for numeric values, shown in `-V` as `NAME (n)`.
    pub strings: Option<&'static [(u64, &'static str)]>,
    /// For booleans and flags: the bit mask within the containing octets (0 = whole value).
    pub bitmask: u64,
    /// One-line description for the glossary.
    pub blurb: &'static str,
}

impl FieldDef {
    pub const fn new(abbrev: &'static str, name: &'static str, ftype: FieldType, base: Base) -> Self {
        FieldDef { abbrev, name, ftype, base, strings: None, bitmask: 0, blurb: "" }
    }
    pub const fn proto(abbrev: &'static str, name: &'static str) -> Self {
        Self::new(abbrev, name, FieldType::Protocol, Base::None)
    }
    pub const fn strings(mut self, s: &'static [(u64, &'static str)]) -> Self {
        self.strings = Some(s);
        self
    }
    pub const fn mask(mut self, m: u64) -> Self {
        self.bitmask = m;
        self
    }
    pub const fn blurb(mut self, b: &'static str) -> Self {
        self.blurb = b;
        self
    }
    /// The name of `v` in this field's value strings, if any.
    pub fn string_of(&self, v: u64) -> Option<&'static str> {
        self.strings.and_then(|s| s.iter().find(|(k, _)| *k == v).map(|(_, n)| *n))
    }
}

/// A field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    UInt(u64),
    Int(i64),
    Double(f64),
    Str(String),
    Bytes(Vec<u8>),
    Ipv4([u8; 4]),
    Ipv6([u8; 16]),
    Ether([u8; 6]),
    /// Absolute or relative time.
    Time {
        secs: i64,
        nanos: u32,
    },
}

/// Index of a byte buffer within a packet: 0 is the frame, others are reassembled or decrypted.
pub type BufId = u16;
/// The frame's own buffer.
pub const FRAME_BUF: BufId = 0;

/// Where a field's bytes are: a half-open range in one of the packet's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub buf: BufId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(buf: BufId, start: usize, end: usize) -> Self {
        Span { buf, start: start as u32, end: end.max(start) as u32 }
    }
    /// A field with no bytes of its own (generated).
    pub const EMPTY: Span = Span { buf: 0, start: 0, end: 0 };
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A view of bytes in one packet buffer, like Wireshark's tvb: slicing keeps the mapping from a
/// local offset to the buffer offset, so spans come out right at every layer.
#[derive(Debug, Clone, Copy)]
pub struct Tvb<'a> {
    pub data: &'a [u8],
    pub buf: BufId,
    /// Offset of `data[0]` within the buffer.
    pub base: usize,
}

impl<'a> Tvb<'a> {
    pub fn new(data: &'a [u8], buf: BufId, base: usize) -> Self {
        Tvb { data, buf, base }
    }
    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// A span of `start..end` (local offsets), clamped to the view.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = start.min(self.data.len());
        let e = end.min(self.data.len()).max(s);
        Span::new(self.buf, self.base + s, self.base + e)
    }
    /// The whole view as a span.
    pub fn all(&self) -> Span {
        self.span(0, self.data.len())
    }
    /// A sub-view from `start` to the end (clamped).
    pub fn from(&self, start: usize) -> Tvb<'a> {
        let s = start.min(self.data.len());
        Tvb { data: &self.data[s..], buf: self.buf, base: self.base + s }
    }
    /// A sub-view `start..end` (clamped).
    pub fn sub(&self, start: usize, end: usize) -> Tvb<'a> {
        let s = start.min(self.data.len());
        let e = end.min(self.data.len()).max(s);
        Tvb { data: &self.data[s..e], buf: self.buf, base: self.base + s }
    }
}

/// One node of the tree.
#[derive(Debug, Clone)]
pub struct Node {
    pub def: &'static FieldDef,
    pub value: Value,
    pub span: Span,
    /// Text for `-V` when the default `Name: value` is not right (protocol lines, summaries).
    pub label: Option<String>,
    /// Computed rather than read from the packet (shown in brackets, like tshark).
    pub generated: bool,
    /// Present for filters, fields and JSON, but not shown in `-V` (tshark's hidden items,
    /// such as `ip.addr`).
    pub hidden: bool,
    pub children: Vec<Node>,
}

impl Node {
    pub fn new(def: &'static FieldDef, span: Span, value: Value) -> Self {
        Node { def, value, span, label: None, generated: false, hidden: false, children: Vec::new() }
    }

    /// The `-V` line for this node (without indentation or brackets).
    pub fn display_label(&self) -> String {
        if let Some(l) = &self.label {
            return l.clone();
        }
        match (&self.def.ftype, &self.value) {
            (FieldType::Protocol, _) | (FieldType::None, Value::None) => self.def.name.to_string(),
            _ => format!("{}: {}", self.def.name, display_value(self.def, &self.value)),
        }
    }

    /// Depth-first search for the first node with `abbrev`.
    pub fn find(&self, abbrev: &str) -> Option<&Node> {
        if self.def.abbrev == abbrev {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(abbrev))
    }

    /// Visit this node and all descendants, depth first.
    pub fn walk<'s>(&'s self, f: &mut dyn FnMut(&'s Node)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }
}

/// Expert severity, with Wireshark's numeric values (`PI_NOTE`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Comment = 0x0010_0000,
    Chat = 0x0020_0000,
    Note = 0x0040_0000,
    Warning = 0x0060_0000,
    Error = 0x0080_0000,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Comment => "Comment",
            Severity::Chat => "Chat",
            Severity::Note => "Note",
            Severity::Warning => "Warning",
            Severity::Error => "Error",
        }
    }
}

/// Expert group, with Wireshark's numeric values (`PI_MALFORMED`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Checksum = 0x0100_0000,
    Sequence = 0x0200_0000,
    ResponseCode = 0x0300_0000,
    RequestCode = 0x0400_0000,
    Undecoded = 0x0500_0000,
    Reassemble = 0x0600_0000,
    Malformed = 0x0700_0000,
    Debug = 0x0800_0000,
    Protocol = 0x0900_0000,
    Security = 0x0a00_0000,
    Comments = 0x0b00_0000,
    Decryption = 0x0c00_0000,
    Assumption = 0x0d00_0000,
    Deprecated = 0x0e00_0000,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Checksum => "Checksum",
            Group::Sequence => "Sequence",
            Group::ResponseCode => "Response",
            Group::RequestCode => "Request",
            Group::Undecoded => "Undecoded",
            Group::Reassemble => "Reassemble",
            Group::Malformed => "Malformed",
            Group::Debug => "Debug",
            Group::Protocol => "Protocol",
            Group::Security => "Security",
            Group::Comments => "Comment",
            Group::Decryption => "Decryption",
            Group::Assumption => "Assumption",
            Group::Deprecated => "Deprecated",
        }
    }
}

/// An expert info as collected per packet (it is also in the tree as a `_ws.expert` node).
#[derive(Debug, Clone, PartialEq)]
pub struct Expert {
    pub severity: Severity,
    pub group: Group,
    pub message: String,
    pub span: Span,
    /// The protocol layer it was raised in (`sctp`, `tcp`, ...).
    pub protocol: &'static str,
}

/// Fields of the expert pseudo-protocol `_ws`.
pub mod hf {
    use super::{Base, FieldDef, FieldType};
    const SEV: &[(u64, &str)] = &[
        (0x0010_0000, "Comment"),
        (0x0020_0000, "Chat"),
        (0x0040_0000, "Note"),
        (0x0060_0000, "Warning"),
        (0x0080_0000, "Error"),
    ];
    const GRP: &[(u64, &str)] = &[
        (0x0100_0000, "Checksum"),
        (0x0200_0000, "Sequence"),
        (0x0300_0000, "Response"),
        (0x0400_0000, "Request"),
        (0x0500_0000, "Undecoded"),
        (0x0600_0000, "Reassemble"),
        (0x0700_0000, "Malformed"),
        (0x0800_0000, "Debug"),
        (0x0900_0000, "Protocol"),
        (0x0a00_0000, "Security"),
        (0x0b00_0000, "Comment"),
        (0x0c00_0000, "Decryption"),
        (0x0d00_0000, "Assumption"),
        (0x0e00_0000, "Deprecated"),
    ];
    pub static EXPERT: FieldDef = FieldDef::new("_ws.expert", "Expert Info", FieldType::None, Base::None);
    pub static EXPERT_MESSAGE: FieldDef = FieldDef::new("_ws.expert.message", "Message", FieldType::String, Base::None);
    pub static EXPERT_SEVERITY: FieldDef =
        FieldDef::new("_ws.expert.severity", "Severity level", FieldType::U32, Base::None).strings(SEV);
    pub static EXPERT_GROUP: FieldDef =
        FieldDef::new("_ws.expert.group", "Group", FieldType::U32, Base::None).strings(GRP);
    pub static MALFORMED: FieldDef = FieldDef::proto("_ws.malformed", "Malformed Packet");
    /// tshark's mark for a packet that stopped inside an unreassembled fragment.
    pub static UNREASSEMBLED: FieldDef = FieldDef::proto("_ws.unreassembled", "Unreassembled Packet");
    pub static DATA: FieldDef = FieldDef::proto("data", "Data");
    pub static DATA_DATA: FieldDef = FieldDef::new("data.data", "Data", FieldType::Bytes, Base::None);
    pub static DATA_LEN: FieldDef = FieldDef::new("data.len", "Length", FieldType::U32, Base::Dec);
    pub static ALL: &[&FieldDef] = &[
        &EXPERT,
        &EXPERT_MESSAGE,
        &EXPERT_SEVERITY,
        &EXPERT_GROUP,
        &MALFORMED,
        &UNREASSEMBLED,
        &DATA,
        &DATA_DATA,
        &DATA_LEN,
    ];
}

/// A named byte buffer of a packet (the frame, a reassembled message, decrypted bytes).
#[derive(Debug, Clone)]
pub struct Buffer {
    pub name: String,
    pub data: Arc<[u8]>,
}

/// The one-line summary (tshark's default columns).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub src: String,
    pub dst: String,
    pub protocol: String,
    pub info: String,
}

/// A dissected packet.
#[derive(Debug, Clone)]
pub struct Packet {
    pub number: u64,
    /// Seconds since the epoch and nanoseconds.
    pub ts: (i64, u32),
    /// Seconds since the first frame.
    pub rel_ts: (i64, u32),
    pub orig_len: u32,
    /// Top-level protocol nodes in order (`frame` first).
    pub layers: Vec<Node>,
    /// Buffer 0 is the frame.
    pub buffers: Vec<Buffer>,
    pub experts: Vec<Expert>,
    pub summary: Summary,
    pub malformed: bool,
}

impl Packet {
    /// Every node with this abbreviation, in tree order.
    pub fn values<'s>(&'s self, abbrev: &str) -> Vec<&'s Node> {
        let mut out = Vec::new();
        for l in &self.layers {
            l.walk(&mut |n| {
                if n.def.abbrev == abbrev {
                    out.push(n)
                }
            });
        }
        out
    }
    /// The first node with this abbreviation.
    pub fn find(&self, abbrev: &str) -> Option<&Node> {
        self.layers.iter().find_map(|l| l.find(abbrev))
    }
    /// The bytes a span points at (empty if out of range).
    pub fn bytes(&self, span: Span) -> &[u8] {
        self.buffers.get(span.buf as usize).and_then(|b| b.data.get(span.range())).unwrap_or(&[])
    }
}

/// Builds a packet's tree: open a subtree, add leaves, close it; raise expert infos on the way.
#[derive(Debug)]
pub struct TreeBuilder {
    roots: Vec<Node>,
    stack: Vec<Node>,
    buffers: Vec<Buffer>,
    experts: Vec<Expert>,
    protocols: Vec<&'static str>,
    pub summary: Summary,
    malformed: bool,
    /// Cap on nodes per packet, so a hostile packet cannot grow the tree without bound.
    nodes: usize,
    /// Set by [`TreeBuilder::reopen_proto`]: the layer experts belong to until the next
    /// `open_proto`.
    reopened: Option<&'static str>,
}

/// Nodes one packet may hold; past this, fields are dropped and one expert says so.
pub const MAX_NODES: usize = 200_000;

impl Default for TreeBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TreeBuilder {
    pub fn new() -> Self {
        TreeBuilder {
            roots: Vec::new(),
            stack: Vec::new(),
            buffers: vec![Buffer { name: "Frame".into(), data: Arc::from(&[][..]) }],
            experts: Vec::new(),
            protocols: Vec::new(),
            summary: Summary::default(),
            malformed: false,
            nodes: 0,
            reopened: None,
        }
    }

    fn attach(&mut self, n: Node) {
        match self.stack.last_mut() {
            Some(p) => p.children.push(n),
            None => self.roots.push(n),
        }
    }

    fn room(&mut self) -> bool {
        self.nodes += 1;
        if self.nodes == MAX_NODES {
            // Record once, at the top level.
            let e = Node::new(&hf::EXPERT, Span::EMPTY, Value::None);
            self.roots.push(e);
        }
        self.nodes < MAX_NODES
    }

    /// Open a protocol layer: a top-level node (closing any open subtree first) that later
    /// fields go under. Records the protocol for `frame.protocols` and the summary.
    pub fn open_proto(&mut self, def: &'static FieldDef, span: Span, label: Option<String>) {
        while !self.stack.is_empty() {
            self.close();
        }
        self.reopened = None;
        self.protocols.push(def.abbrev);
        let mut n = Node::new(def, span, Value::None);
        n.label = label;
        self.nodes += 1;
        self.stack.push(n);
    }

    /// Open another top-level node for a layer already opened in this packet, after a layer it
    /// handed bytes to (tshark's second `sctp` item after a bundled DATA chunk's payload). It is
    /// not listed again in `frame.protocols`; experts raised under it belong to `def`'s layer.
    pub fn reopen_proto(&mut self, def: &'static FieldDef, span: Span, label: Option<String>) {
        while !self.stack.is_empty() {
            self.close();
        }
        self.reopened = Some(def.abbrev);
        let mut n = Node::new(def, span, Value::None);
        n.label = label;
        self.nodes += 1;
        self.stack.push(n);
    }

    /// Top-level nodes so far, the open one included: the position the next `open_proto` gets.
    pub fn top_len(&self) -> usize {
        self.roots.len() + usize::from(!self.stack.is_empty())
    }

    /// How many top-level layers named `abbrev` this packet has so far, the open one included.
    /// A protocol that just opened its layer is occurrence `layer_count(abbrev) - 1`: the index
    /// [`crate::engine::note_later`] wants.
    pub fn layer_count(&self, abbrev: &str) -> u32 {
        let open = self.stack.first().is_some_and(|n| n.def.abbrev == abbrev);
        self.roots.iter().filter(|n| n.def.abbrev == abbrev).count() as u32 + u32::from(open)
    }

    /// The abbreviation of top-level node `i`, open or closed.
    pub fn top_abbrev(&self, i: usize) -> Option<&'static str> {
        if i < self.roots.len() {
            self.roots.get(i).map(|n| n.def.abbrev)
        } else if i == self.roots.len() {
            self.stack.first().map(|n| n.def.abbrev)
        } else {
            None
        }
    }

    /// Move top-level nodes `range` (closing open subtrees first) under top-level node `parent`,
    /// which comes before them: tshark shows the datagram quoted in an ICMP error inside the ICMP
    /// item. Out-of-order or out-of-range arguments change nothing.
    pub fn nest_tops(&mut self, parent: usize, range: std::ops::Range<usize>) {
        self.close_to(0);
        if parent >= range.start || range.start >= range.end || range.end > self.roots.len() {
            return;
        }
        let moved: Vec<Node> = self.roots.drain(range).collect();
        if let Some(p) = self.roots.get_mut(parent) {
            p.children.extend(moved);
        }
    }

    /// Insert a prepared node as child `index` (clamped) of top-level node `top`, open or closed
    /// (for a field known only after later ones, such as tshark's moved `sctp.assoc_index`).
    pub fn insert_top_child(&mut self, top: usize, index: usize, n: Node) {
        if !self.room() {
            return;
        }
        let parent = if top < self.roots.len() {
            self.roots.get_mut(top)
        } else if top == self.roots.len() {
            self.stack.first_mut()
        } else {
            None
        };
        if let Some(p) = parent {
            let i = index.min(p.children.len());
            p.children.insert(i, n);
        }
    }

    /// Open a prepared node (generated, with a label, ...) as a subtree under the current node.
    pub fn open_node(&mut self, n: Node) {
        self.nodes += 1;
        self.stack.push(n);
    }

    /// Add a prepared node (with its own flags, label or children) under the current node.
    pub fn add_node(&mut self, n: Node) {
        if self.room() {
            self.attach(n);
        }
    }

    /// Open a subtree under the current node.
    pub fn open(&mut self, def: &'static FieldDef, span: Span, value: Value) {
        self.nodes += 1;
        self.stack.push(Node::new(def, span, value));
    }

    /// Open a subtree with a custom label.
    pub fn open_label(&mut self, def: &'static FieldDef, span: Span, value: Value, label: String) {
        self.open(def, span, value);
        if let Some(n) = self.stack.last_mut() {
            n.label = Some(label);
        }
    }

    /// Close the innermost open subtree.
    pub fn close(&mut self) {
        if let Some(n) = self.stack.pop() {
            self.attach(n);
        }
    }

    /// Depth of open subtrees (to restore after a nested dissector).
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Close subtrees until `depth` remain open.
    pub fn close_to(&mut self, depth: usize) {
        while self.stack.len() > depth {
            self.close();
        }
    }

    /// Set the custom label of the innermost open node.
    pub fn set_label(&mut self, label: String) {
        if let Some(n) = self.stack.last_mut() {
            n.label = Some(label);
        }
    }

    /// Extend the innermost open node's span end (when its length is known only later).
    pub fn set_span(&mut self, span: Span) {
        if let Some(n) = self.stack.last_mut() {
            n.span = span;
        }
    }

    /// Add a leaf under the current node.
    pub fn add(&mut self, def: &'static FieldDef, span: Span, value: Value) {
        if self.room() {
            self.attach(Node::new(def, span, value));
        }
    }

    /// Add a leaf with a custom label.
    pub fn add_label(&mut self, def: &'static FieldDef, span: Span, value: Value, label: String) {
        if self.room() {
            let mut n = Node::new(def, span, value);
            n.label = Some(label);
            self.attach(n);
        }
    }

    /// Add a computed leaf (shown in brackets).
    pub fn add_generated(&mut self, def: &'static FieldDef, span: Span, value: Value) {
        if self.room() {
            let mut n = Node::new(def, span, value);
            n.generated = true;
            self.attach(n);
        }
    }

    /// Add a leaf that filters, fields and JSON see but `-V` does not (`ip.addr`, `tcp.port`).
    pub fn add_hidden(&mut self, def: &'static FieldDef, span: Span, value: Value) {
        if self.room() {
            let mut n = Node::new(def, span, value);
            n.hidden = true;
            self.attach(n);
        }
    }

    /// Shorthands for the common integer case.
    pub fn add_uint(&mut self, def: &'static FieldDef, span: Span, v: u64) {
        self.add(def, span, Value::UInt(v))
    }

    /// Raise an expert info where it applies (under the current node) and record it.
    pub fn expert(&mut self, severity: Severity, group: Group, message: impl Into<String>, span: Span) {
        self.raise_expert(None, severity, group, message.into(), span)
    }

    /// Raise an expert info that carries its own field, as tshark's do: `def` (the expert's
    /// name, such as `tcp.analysis.retransmission`) is the first child of the `_ws.expert` node,
    /// so filters and `-T fields` find the expert by that name.
    pub fn expert_field(
        &mut self,
        def: &'static FieldDef,
        severity: Severity,
        group: Group,
        message: impl Into<String>,
        span: Span,
    ) {
        self.raise_expert(Some(def), severity, group, message.into(), span)
    }

    fn raise_expert(
        &mut self,
        def: Option<&'static FieldDef>,
        severity: Severity,
        group: Group,
        message: String,
        span: Span,
    ) {
        let protocol = self.reopened.or(self.protocols.last().copied()).unwrap_or("frame");
        let mut e = Node::new(&hf::EXPERT, span, Value::None);
        e.label = Some(format!("Expert Info ({}/{}): {}", severity.name(), group.name(), message));
        if let Some(d) = def {
            let mut n = Node::new(d, span, Value::None);
            n.label = Some(message.clone());
            n.generated = true;
            e.children.push(n);
        }
        // tshark -V shows the message line as the bare message, once: when the expert has its
        // own field, that field is the line and `_ws.expert.message` is hidden.
        let mut m = Node::new(&hf::EXPERT_MESSAGE, span, Value::Str(message.clone()));
        m.label = Some(message.clone());
        m.hidden = def.is_some();
        e.children.push(m);
        let mut sev = Node::new(&hf::EXPERT_SEVERITY, span, Value::UInt(severity as u64));
        sev.label = Some(format!("Severity level: {}", severity.name()));
        e.children.push(sev);
        let mut grp = Node::new(&hf::EXPERT_GROUP, span, Value::UInt(group as u64));
        grp.label = Some(format!("Group: {}", group.name()));
        e.children.push(grp);
        if self.experts.len() < 10_000 {
            self.experts.push(Expert { severity, group, message, span, protocol });
        }
        if self.room() {
            self.attach(e);
        }
    }

    /// Mark the packet malformed: a `_ws.malformed` layer with an error expert, like tshark's
    /// "[Malformed Packet: PROTO]". Dissection of lower layers stays in the tree.
    pub fn malformed(&mut self, message: impl Into<String>, span: Span) {
        let message = message.into();
        let proto = self.reopened.or(self.protocols.last().copied()).unwrap_or("frame");
        // Raise the expert in the layer that failed, then add the malformed marker at top level.
        self.expert(Severity::Error, Group::Malformed, message.clone(), span);
        self.close_to(0);
        let mut m = Node::new(&hf::MALFORMED, span, Value::None);
        m.label = Some(format!("[Malformed Packet: {}]", proto.to_uppercase()));
        self.roots.push(m);
        self.malformed = true;
    }

    /// Add a named buffer (reassembled or decrypted bytes); its id is used in spans.
    pub fn add_buffer(&mut self, name: impl Into<String>, data: Arc<[u8]>) -> BufId {
        if self.buffers.len() >= u16::MAX as usize {
            return FRAME_BUF;
        }
        self.buffers.push(Buffer { name: name.into(), data });
        (self.buffers.len() - 1) as BufId
    }

    /// The protocols opened so far, in order.
    pub fn protocols(&self) -> &[&'static str] {
        &self.protocols
    }

    /// Record a protocol in `frame.protocols` without opening a layer (`ethertype`).
    pub fn push_protocol_name(&mut self, name: &'static str) {
        self.protocols.push(name);
    }

    pub fn is_malformed(&self) -> bool {
        self.malformed
    }

    /// Set the summary's protocol column.
    pub fn set_protocol_column(&mut self, p: &str) {
        self.summary.protocol.clear();
        self.summary.protocol.push_str(p);
    }

    /// Replace the summary's info column.
    pub fn set_info(&mut self, s: impl Into<String>) {
        self.summary.info = s.into();
    }

    /// Append to the summary's info column (with a separator when it is not empty).
    pub fn append_info(&mut self, s: &str) {
        if !self.summary.info.is_empty() {
            self.summary.info.push_str(", ");
        }
        self.summary.info.push_str(s);
    }

    /// Finish the packet; `frame` becomes buffer 0.
    pub fn finish(
        mut self,
        number: u64,
        ts: (i64, u32),
        rel_ts: (i64, u32),
        orig_len: u32,
        frame: Arc<[u8]>,
    ) -> Packet {
        self.close_to(0);
        self.buffers[0].data = frame;
        Packet {
            number,
            ts,
            rel_ts,
            orig_len,
            layers: self.roots,
            buffers: self.buffers,
            experts: self.experts,
            summary: self.summary,
            malformed: self.malformed,
        }
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar, for
/// showing absolute times in UTC.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The value as tshark prints it in `-T fields` and `-T json`.
pub fn field_value(def: &FieldDef, v: &Value) -> String {
    let mut s = String::new();
    write_field_value(&mut s, def, v);
    s
}

/// Append the value as tshark prints it in `-T fields` and `-T json`.
pub fn write_field_value(out: &mut String, def: &FieldDef, v: &Value) {
    match v {
        Value::None => {}
        Value::Bool(b) => out.push_str(if *b { "1" } else { "0" }),
        Value::UInt(n) => match def.base {
            Base::Hex | Base::HexDec => {
                let w = def.ftype.hex_width();
                let _ = write!(out, "0x{:0w$x}", n, w = w);
            }
            _ => {
                let _ = write!(out, "{}", n);
            }
        },
        Value::Int(n) => {
            let _ = write!(out, "{}", n);
        }
        Value::Double(d) => {
            let _ = write!(out, "{}", d);
        }
        Value::Str(t) => out.push_str(t),
        Value::Bytes(b) => {
            for x in b {
                let _ = write!(out, "{:02x}", x);
            }
        }
        Value::Ipv4(a) => {
            let _ = write!(out, "{}", std::net::Ipv4Addr::from(*a));
        }
        Value::Ipv6(a) => {
            let _ = write!(out, "{}", std::net::Ipv6Addr::from(*a));
        }
        Value::Ether(m) => {
            let _ = write!(out, "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
        }
        Value::Time { secs, nanos } => write_time(out, *secs, *nanos),
    }
}

/// A time as tshark prints it: `secs` is the floor, so -0.5 s is `(-1, 500_000_000)` and
/// prints as `-0.500000000`.
fn write_time(out: &mut String, secs: i64, nanos: u32) {
    let total = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    let sign = if total < 0 { "-" } else { "" };
    let a = total.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000);
}

/// The value as `-V` shows it: names for coded values, hex with the decimal, and so on.
pub fn display_value(def: &FieldDef, v: &Value) -> String {
    match v {
        Value::UInt(n) => {
            let num = match def.base {
                Base::Hex => format!("0x{:0w$x}", n, w = def.ftype.hex_width()),
                Base::DecHex => format!("{} (0x{:0w$x})", n, n, w = def.ftype.hex_width()),
                Base::HexDec => format!("0x{:0w$x} ({})", n, n, w = def.ftype.hex_width()),
                _ => n.to_string(),
            };
            match def.string_of(*n) {
                Some(name) => format!("{} ({})", name, num),
                None if def.strings.is_some() => format!("Unknown ({})", num),
                None => num,
            }
        }
        Value::Int(n) if def.strings.is_some() => match def.string_of(*n as u64) {
            Some(name) => format!("{} ({})", name, n),
            None => format!("Unknown ({})", n),
        },
        Value::Bool(b) => {
            if def.bitmask != 0 {
                (if *b { "Set" } else { "Not set" }).to_string()
            } else {
                (if *b { "True" } else { "False" }).to_string()
            }
        }
        Value::Bytes(b) => {
            let mut s = String::with_capacity(b.len().min(64) * 2 + 4);
            // tshark shows 36 bytes, then an ellipsis.
            for x in b.iter().take(36) {
                let _ = write!(s, "{:02x}", x);
            }
            if b.len() > 36 {
                s.push('…');
            }
            s
        }
        Value::Str(t) => t.clone(),
        Value::Time { secs, nanos } if def.ftype == FieldType::RelTime => {
            let mut s = String::new();
            write_time(&mut s, *secs, *nanos);
            s.push_str(" seconds");
            s
        }
        _ => field_value(def, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static F_PORT: FieldDef = FieldDef::new("t.port", "Port", FieldType::U16, Base::Dec);
    static F_SUM: FieldDef = FieldDef::new("t.sum", "Checksum", FieldType::U32, Base::Hex);
    static F_TYPE: FieldDef =
        FieldDef::new("t.type", "Type", FieldType::U8, Base::Dec).strings(&[(0, "DATA"), (1, "INIT")]);
    static P: FieldDef = FieldDef::proto("t", "Test");

    #[test]
    fn builder_nests_and_formats() {
        let mut tb = TreeBuilder::new();
        tb.open_proto(&P, Span::new(0, 0, 8), None);
        tb.add_uint(&F_PORT, Span::new(0, 0, 2), 80);
        tb.open(&F_TYPE, Span::new(0, 2, 3), Value::UInt(1));
        tb.add_uint(&F_SUM, Span::new(0, 4, 8), 0xab);
        tb.expert(Severity::Warning, Group::Checksum, "bad", Span::new(0, 4, 8));
        tb.close();
        let p = tb.finish(1, (0, 0), (0, 0), 8, Arc::from(&[0u8; 8][..]));
        assert_eq!(p.layers.len(), 1);
        let t = p.find("t.type").unwrap();
        assert_eq!(t.display_label(), "Type: INIT (1)");
        assert_eq!(t.children.len(), 2);
        assert_eq!(field_value(&F_SUM, &Value::UInt(0xab)), "0x000000ab");
        assert_eq!(p.experts.len(), 1);
        assert_eq!(p.experts[0].protocol, "t");
        assert_eq!(p.values("_ws.expert.message").len(), 1);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn tvb_spans_are_clamped_and_shifted() {
        let d = [0u8; 10];
        let t = Tvb::new(&d, 2, 100);
        let s = t.from(4);
        assert_eq!(s.span(1, 3), Span::new(2, 105, 107));
        assert_eq!(s.span(1, 99), Span::new(2, 105, 110));
        assert_eq!(t.sub(8, 4).len(), 0);
    }

    #[test]
    fn malformed_marks_packet() {
        let mut tb = TreeBuilder::new();
        tb.open_proto(&P, Span::new(0, 0, 8), None);
        tb.malformed("short", Span::new(0, 6, 8));
        assert!(tb.is_malformed());
        let p = tb.finish(1, (0, 0), (0, 0), 8, Arc::from(&[0u8; 8][..]));
        assert_eq!(p.layers.len(), 2);
        assert_eq!(p.layers[1].def.abbrev, "_ws.malformed");
        assert!(p.malformed);
    }
}
