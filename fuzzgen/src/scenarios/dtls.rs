//! Corpus scenarios for DTLS: a recorded DTLS 1.2 session over UDP carrying GIST C-mode
//! messages (RFC 5971 §5.7, SPEC-NOTES G2: one message per record), with its key log.

use std::net::{IpAddr, Ipv4Addr};

use dissect::proto::gist::{Message, MsgType, Object, ObjectType, ObjectValue};

use crate::build::dtls::{to_frames, DtlsRecorder};
use crate::build::udp::UdpFlow;
use crate::build::{BuildError, Clock, Dir, Endpoint, Link};
use crate::corpus::{CorpusError, CorpusFile};
use crate::pcap::{Timestamp, TSRESOL_USEC};
use crate::record::RecordedFile;

/// This protocol's seeded corpus files (the DTLS capture is recorded, see [`gist_recording`]).
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}

/// The server's port: the usual DTLS test port, one of the dissector's DTLS ports.
pub const SERVER_PORT: u16 = 4433;

/// `gist-dtls.pcapng` and its key log: a DTLS 1.2 handshake (ECDHE-RSA-AES128-GCM-SHA256, the
/// certificate flight in several fragments at a 500-byte MTU), then GIST MA-Hello with the
/// R flag from the client and the MA-Hello reply, each in one record, and close_notify both
/// ways; recorded from a real OpenSSL session.
pub fn gist_recording(seed: u64) -> Result<RecordedFile, CorpusError> {
    let hello_id = 0x4000_0000 | (seed as u32 & 0xffff);
    let mut hello =
        Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(hello_id))]);
    hello.header.r = true;
    let reply =
        Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(hello_id))]);
    let tls = |e| CorpusError::Build(BuildError::from(e));
    let mut r = DtlsRecorder::new("ECDHE-RSA-AES128-GCM-SHA256").map_err(tls)?;
    r.write(Dir::ToServer, &hello.to_bytes()).map_err(tls)?;
    r.write(Dir::ToClient, &reply.to_bytes()).map_err(tls)?;
    let rec = r.finish().map_err(tls)?;
    let client = Endpoint::new([2, 0, 0, 0, 0, 0x31], IpAddr::V4(Ipv4Addr::new(192, 0, 2, 31)), 50_000);
    let server = Endpoint::new([2, 0, 0, 0, 0, 0x32], IpAddr::V4(Ipv4Addr::new(192, 0, 2, 32)), SERVER_PORT);
    let mut flow = UdpFlow::new(Link::Ethernet, Clock::new(Timestamp::new(1_700_000_000 + seed % 1000, 0), 1_000_000));
    to_frames(&rec, &mut flow, &client, &server)?;
    let (bytes, n) = crate::corpus::single_interface(Link::Ethernet, TSRESOL_USEC, flow.into_frames())?;
    Ok(RecordedFile { name: "gist-dtls.pcapng", keys: "gist-dtls.keys", frames: n, bytes, keylog: rec.keylog })
}
