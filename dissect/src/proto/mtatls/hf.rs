//! Field definitions of the `mtatls` layer. tshark has no MTA-TLS dissector, so the names are
//! the suite's (DESIGN.md conventions): the packet fields after the draft's structures
//! (§2.1.1, §2.1.2, §2.2), the conversation fields after tshark's request/response pairs
//! (`*.response_in`, `*.response_to`, `*.time`).

use super::wire::TYPE_NAMES;
use crate::tree::{Base, FieldDef, FieldType};

pub static MTATLS: FieldDef = FieldDef::proto("mtatls", "Multiplexing over TLS");
pub static TYPE: FieldDef =
    FieldDef::new("mtatls.type", "Type", FieldType::U8, Base::Dec).strings(TYPE_NAMES).blurb("Packet type (§2.3)");
pub static LENGTH: FieldDef = FieldDef::new("mtatls.length", "Length", FieldType::U32, Base::Dec)
    .blurb("4 bytes in MTATLSPlaintext, 2 in the other types (M2)");
pub static LENGTH_READING: FieldDef =
    FieldDef::new("mtatls.length_reading", "Length Reading", FieldType::String, Base::None)
        .blurb("What the length counts: the octets after it (sent), the whole packet, or the data only (M2)");
pub static SENDER_CHANNEL_ID: FieldDef =
    FieldDef::new("mtatls.sender_channel_id", "Sender Channel ID", FieldType::U16, Base::Hex)
        .blurb("First half of the channel id, chosen by the requester (§2.1.1)");
pub static RECEIVER_CHANNEL_ID: FieldDef =
    FieldDef::new("mtatls.receiver_channel_id", "Receiver Channel ID", FieldType::U16, Base::Hex)
        .blurb("Second half of the channel id, chosen by the receiver of the request (§2.1.1)");
pub static CHANNEL_ID: FieldDef = FieldDef::new("mtatls.channel_id", "Channel ID", FieldType::U32, Base::Hex)
    .blurb("sender_channel_id followed by receiver_channel_id (§2.1.1, M3)");
pub static WINDOW: FieldDef = FieldDef::new("mtatls.window", "Window Length", FieldType::U32, Base::Dec)
    .blurb("Bytes the receiver of this packet may send on the channel (§2.1.1)");
pub static MAX_PACKET_LENGTH: FieldDef =
    FieldDef::new("mtatls.max_packet_length", "Max Packet Length", FieldType::U32, Base::Dec)
        .blurb("Largest packet the receiver of this packet may send on the channel (§2.1.1, §2.2)");
pub static FREE_SPACE: FieldDef = FieldDef::new("mtatls.free_space", "Free Space", FieldType::U32, Base::Dec)
    .blurb("Free space of the sender's receive buffer (§2.2)");
pub static SRC_ADDR_LEN: FieldDef =
    FieldDef::new("mtatls.src_addr_len", "Source Address Length", FieldType::U16, Base::Dec);
pub static SRC_ADDR: FieldDef = FieldDef::new("mtatls.src_addr", "Source Address", FieldType::String, Base::None)
    .blurb("source_address_machine: text, an IP address, or hex bytes (M6)");
pub static SRC_PORT: FieldDef = FieldDef::new("mtatls.src_port", "Source Port", FieldType::U16, Base::Dec);
pub static DST_ADDR_LEN: FieldDef =
    FieldDef::new("mtatls.dst_addr_len", "Destination Address Length", FieldType::U16, Base::Dec);
pub static DST_ADDR: FieldDef = FieldDef::new("mtatls.dst_addr", "Destination Address", FieldType::String, Base::None)
    .blurb("destination_address_machine: text, an IP address, or hex bytes (M6)");
pub static DST_PORT: FieldDef = FieldDef::new("mtatls.dst_port", "Destination Port", FieldType::U16, Base::Dec);
pub static ERROR_LEN: FieldDef = FieldDef::new("mtatls.error_len", "Error Length", FieldType::U16, Base::Dec);
pub static ERROR: FieldDef =
    FieldDef::new("mtatls.error", "Error", FieldType::String, Base::None).blurb("Why the channel was refused (§2.1.1)");
pub static DATA: FieldDef = FieldDef::new("mtatls.data", "Data", FieldType::Bytes, Base::None);
pub static DATA_LEN: FieldDef = FieldDef::new("mtatls.data_len", "Data Length", FieldType::U32, Base::Dec);
pub static BODY: FieldDef = FieldDef::new("mtatls.body", "Body", FieldType::Bytes, Base::None)
    .blurb("Body of a packet of a type §2.3 does not define");
pub static TRAILING: FieldDef = FieldDef::new("mtatls.trailing", "Trailing Bytes", FieldType::Bytes, Base::None)
    .blurb("Bytes the length covers past the packet's fields");
pub static RESPONSE_IN: FieldDef = FieldDef::new("mtatls.response_in", "Response In", FieldType::FrameNum, Base::None)
    .blurb("The frame of the answer to this request (needs a second pass)");
pub static RESPONSE_TO: FieldDef = FieldDef::new("mtatls.response_to", "Response To", FieldType::FrameNum, Base::None)
    .blurb("The frame of the request this packet answers");
pub static TIME: FieldDef = FieldDef::new("mtatls.time", "Time", FieldType::RelTime, Base::None)
    .blurb("Time between the request and its answer");
pub static OPENED_IN: FieldDef =
    FieldDef::new("mtatls.channel.opened_in", "Channel Opened In", FieldType::FrameNum, Base::None)
        .blurb("The frame of the ChannelEstablishmentSuccess that opened the channel");
pub static WINDOW_LEFT: FieldDef =
    FieldDef::new("mtatls.channel.window_left", "Window Left", FieldType::U32, Base::Dec)
        .blurb("Bytes the sender of this packet may still send on the channel, after it (M4)");
pub static PEER_WINDOW: FieldDef =
    FieldDef::new("mtatls.channel.peer_window", "Peer Window", FieldType::U32, Base::Dec)
        .blurb("Bytes the receiver of this packet may send on the channel (M4)");
pub static CHANNEL_MAX: FieldDef =
    FieldDef::new("mtatls.channel.max_packet_length", "Channel Max Packet Length", FieldType::U32, Base::Dec)
        .blurb("Largest packet the sender of this packet may send on the channel (M4)");

pub static ALL: &[&FieldDef] = &[
    &MTATLS,
    &TYPE,
    &LENGTH,
    &LENGTH_READING,
    &SENDER_CHANNEL_ID,
    &RECEIVER_CHANNEL_ID,
    &CHANNEL_ID,
    &WINDOW,
    &MAX_PACKET_LENGTH,
    &FREE_SPACE,
    &SRC_ADDR_LEN,
    &SRC_ADDR,
    &SRC_PORT,
    &DST_ADDR_LEN,
    &DST_ADDR,
    &DST_PORT,
    &ERROR_LEN,
    &ERROR,
    &DATA,
    &DATA_LEN,
    &BODY,
    &TRAILING,
    &RESPONSE_IN,
    &RESPONSE_TO,
    &TIME,
    &OPENED_IN,
    &WINDOW_LEFT,
    &PEER_WINDOW,
    &CHANNEL_MAX,
];
