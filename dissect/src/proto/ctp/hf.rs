//! Field definitions of the `ctp` layer. tshark has no CTP dissector, so the names are the
//! suite's (DESIGN.md conventions): the header fields after §3.1, the command and tags after
//! §3.3, the conversation fields after tshark's request/response pairs (`*.response_in`,
//! `*.response_to`, `*.time`).

use super::wire::STATUS_NAMES;
use crate::tree::{Base, FieldDef, FieldType};

pub static CTP: FieldDef = FieldDef::proto("ctp", "Cloud Tunneling Protocol");
pub static ID: FieldDef =
    FieldDef::new("ctp.id", "ID", FieldType::U8, Base::Hex).blurb("Start of a frame, 0x41 ('A') (§3.1)");
pub static VERSION: FieldDef = FieldDef::new("ctp.version", "Version", FieldType::U16, Base::Hex)
    .blurb("Protocol version: major byte, minor byte (§3.1)");
pub static VS: FieldDef = FieldDef::new("ctp.vs", "Virtual Socket ID", FieldType::U16, Base::Dec)
    .blurb("0 and 1: control frames of the client and the server; others: data (§3.1, §6)");
pub static RESERVED: FieldDef = FieldDef::new("ctp.reserved", "Reserved", FieldType::U8, Base::Hex);
pub static LEN: FieldDef = FieldDef::new("ctp.len", "Payload Size", FieldType::U16, Base::Dec);
pub static CMD: FieldDef = FieldDef::new("ctp.cmd", "Command", FieldType::String, Base::None)
    .blurb("Control frame command; every ACK form reads \"ACK\" (§3.3, C1)");
pub static TAG: FieldDef = FieldDef::new("ctp.tag", "Tag", FieldType::None, Base::None);
pub static TAG_NAME: FieldDef = FieldDef::new("ctp.tag.name", "Tag Name", FieldType::String, Base::None);
pub static TAG_LEN: FieldDef = FieldDef::new("ctp.tag.len", "Tag Size", FieldType::U16, Base::Dec);
pub static TAG_VALUE: FieldDef = FieldDef::new("ctp.tag.value", "Tag Value", FieldType::Bytes, Base::None)
    .blurb("Value of a tag the draft does not define, or of one with an impossible size");
pub static USERNAME: FieldDef = FieldDef::new("ctp.username", "Username", FieldType::String, Base::None);
pub static PASSWORD: FieldDef = FieldDef::new("ctp.password", "Password", FieldType::String, Base::None);
pub static TOKEN: FieldDef = FieldDef::new("ctp.token", "Token", FieldType::String, Base::None)
    .blurb("AUTH token: TK, or TR read as a token (C3)");
pub static CERTIFICATE: FieldDef =
    FieldDef::new("ctp.certificate", "Client Certificate", FieldType::String, Base::None);
pub static SERVICE: FieldDef = FieldDef::new("ctp.service", "Endpoint Service", FieldType::String, Base::None);
pub static TAG_VS: FieldDef =
    FieldDef::new("ctp.tag.vs", "Virtual Socket ID", FieldType::U16, Base::Dec).blurb("Virtual socket id in a VS tag");
pub static STATUS: FieldDef = FieldDef::new("ctp.status", "Status", FieldType::U8, Base::Hex)
    .strings(STATUS_NAMES)
    .blurb("ACK status (§3.4); a 2-byte ST shows its 16-bit value (C2)");
pub static EXCEPTION: FieldDef = FieldDef::new("ctp.exception", "Exception Message", FieldType::String, Base::None);
pub static TRACE: FieldDef = FieldDef::new("ctp.trace", "Stack Trace", FieldType::String, Base::None);
pub static TRAILING: FieldDef = FieldDef::new("ctp.trailing", "Trailing Bytes", FieldType::Bytes, Base::None)
    .blurb("Control payload bytes too few for a command or a tag header");
pub static DATA: FieldDef = FieldDef::new("ctp.data", "Data", FieldType::Bytes, Base::None);
pub static RESPONSE_IN: FieldDef = FieldDef::new("ctp.response_in", "Response In", FieldType::FrameNum, Base::None)
    .blurb("The frame of the ACK to this command (needs a second pass)");
pub static RESPONSE_TO: FieldDef = FieldDef::new("ctp.response_to", "Response To", FieldType::FrameNum, Base::None)
    .blurb("The frame of the command this ACK answers");
pub static TIME: FieldDef =
    FieldDef::new("ctp.time", "Time", FieldType::RelTime, Base::None).blurb("Time between the command and its ACK");
pub static ACKED_CMD: FieldDef = FieldDef::new("ctp.acked_cmd", "Acknowledged Command", FieldType::String, Base::None);
pub static VS_SERVICE: FieldDef =
    FieldDef::new("ctp.vs.service", "Virtual Socket Service", FieldType::String, Base::None)
        .blurb("The service the virtual socket was opened for");
pub static VS_OPENER: FieldDef = FieldDef::new("ctp.vs.opener", "Virtual Socket Opener", FieldType::String, Base::None)
    .blurb("Which endpoint opened the virtual socket: client or server");
pub static VS_OPENED_IN: FieldDef =
    FieldDef::new("ctp.vs.opened_in", "Virtual Socket Opened In", FieldType::FrameNum, Base::None)
        .blurb("The frame of the OPVS that opened the virtual socket");
pub static VS_CLOSED_IN: FieldDef =
    FieldDef::new("ctp.vs.closed_in", "Virtual Socket Closed In", FieldType::FrameNum, Base::None)
        .blurb("The frame of the ACK that closed the virtual socket");
pub static SENDER: FieldDef = FieldDef::new("ctp.sender", "Sender", FieldType::String, Base::None)
    .blurb("Which endpoint sent this data frame: client or server (§4)");
pub static VS_CHANGE: FieldDef = FieldDef::new("ctp.vs.change", "Virtual Socket Change", FieldType::None, Base::None)
    .blurb("A virtual socket this ACK opened, refused or closed (§6.2), for the socket table and -z ctp,vs");
pub static VS_SOCKET: FieldDef = FieldDef::new("ctp.vs.socket", "Virtual Socket", FieldType::U16, Base::Dec)
    .blurb("The virtual socket an ACK opened, refused or closed");
pub static VS_STATE: FieldDef = FieldDef::new("ctp.vs.state", "Virtual Socket State", FieldType::String, Base::None)
    .blurb("The state the ACK put the virtual socket in: open, refused or closed");

pub static ALL: &[&FieldDef] = &[
    &CTP,
    &ID,
    &VERSION,
    &VS,
    &RESERVED,
    &LEN,
    &CMD,
    &TAG,
    &TAG_NAME,
    &TAG_LEN,
    &TAG_VALUE,
    &USERNAME,
    &PASSWORD,
    &TOKEN,
    &CERTIFICATE,
    &SERVICE,
    &TAG_VS,
    &STATUS,
    &EXCEPTION,
    &TRACE,
    &TRAILING,
    &DATA,
    &RESPONSE_IN,
    &RESPONSE_TO,
    &TIME,
    &ACKED_CMD,
    &VS_SERVICE,
    &VS_OPENER,
    &VS_OPENED_IN,
    &VS_CLOSED_IN,
    &SENDER,
    &VS_CHANGE,
    &VS_SOCKET,
    &VS_STATE,
];
