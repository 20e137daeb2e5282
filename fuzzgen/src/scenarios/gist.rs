//! Corpus scenarios for GIST (RFC 5971) in D-mode over UDP and C-mode over TCP and SCTP
//! (RFC 6084), built from `dissect::proto::gist`'s types and `emit`.
//!
//! Each file: a Q-mode Query (UDP port 270 with the IP Router Alert option, G1) offering the
//! C-mode protocol, a D-mode Response announcing the responder's port in its
//! Stack-Configuration-Data (G3) and asking for a Confirm, the Confirm in D-mode; then, over the
//! announced association, Data, an MA-Hello with R=1 and its reply, and an Error (Object Type
//! Error, Unrecognised Object, with its Object Type Info). Over TCP one message is cut across two
//! segments (G2).

use std::net::{IpAddr, Ipv4Addr};

use dissect::proto::gist::{
    pad_len, zero_pad, AdditionalInfo, AiType, AiValue, EmbeddedMri, ErrorClass, ErrorCode, ErrorObject, MaOptions,
    MaProtocolId, Message, Mri, MriMethod, Mrm, MsgType, Nli, Object, ObjectType, ObjectValue, PathCoupled, Profile,
    Scd, StackProposal, UDP_PORT,
};

use crate::build::sctp::{Encap, SctpAssoc, SctpConfig};
use crate::build::tcp::{TcpConfig, TcpConv};
use crate::build::udp::UdpFlow;
use crate::build::{BuildError, Clock, Dir, Endpoint, Frame, IpOptions, Link};
use crate::corpus::{CorpusError, CorpusFile};
use crate::pcap::{Timestamp, TSRESOL_NSEC};
use crate::rng::Prng;

const QUERIER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);
const RESPONDER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 20);
/// The NSLPID of the scenarios (a private/experimental value, §9).
const NSLPID: u16 = 32704;
/// The responder's C-mode ports.
pub const TCP_PORT: u16 = 30000;
pub const SCTP_PORT: u16 = 30002;

/// Owned material of one session, borrowed by the messages.
struct Session {
    sid: [u8; 16],
    qcookie: Vec<u8>,
    rcookie: Vec<u8>,
    peer_q: Vec<u8>,
    peer_r: Vec<u8>,
    nslp: Vec<u8>,
    hello: u32,
}

impl Session {
    fn new(seed: u64, label: &str) -> Self {
        let mut rng = Prng::derive(seed, label);
        let mut sid = [0u8; 16];
        sid.copy_from_slice(&rng.bytes(16));
        Session {
            sid,
            qcookie: rng.bytes(8),
            rcookie: rng.bytes(16),
            peer_q: rng.bytes(16),
            peer_r: rng.bytes(16),
            nslp: rng.bytes(24),
            hello: rng.u32(),
        }
    }
}

fn mri() -> Mri<'static> {
    Mri {
        mrm: Mrm::PATH_COUPLED,
        n: false,
        reserved: 0,
        method: MriMethod::PathCoupled(PathCoupled {
            ip_ver: 4,
            p: true,
            t: false,
            f: false,
            s: false,
            a: false,
            b: true,
            d: false,
            reserved: 0,
            src: IpAddr::V4(QUERIER),
            dst: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)),
            src_prefix: 32,
            dst_prefix: 32,
            protocol: 17,
            ds_field: 0,
            rsv2: 0,
            flow_label: None,
            spi: None,
            ports: Some((0, 5004)),
        }),
    }
}

fn nli(pi: &[u8], addr: Ipv4Addr) -> Object<'_> {
    Object::new(
        ObjectType::NLI,
        ObjectValue::Nli(Nli {
            ip_ttl: 64,
            ip_ver: 4,
            reserved: 0,
            rsvt: 30_000,
            peer_identity: pi,
            pi_pad: zero_pad(pad_len(pi.len())),
            interface: IpAddr::V4(addr),
        }),
    )
}

fn stack(p: MaProtocolId, port: Option<&[u8]>) -> [Object<'_>; 2] {
    let sp = StackProposal { reserved: 0, profiles: vec![Profile { protocols: vec![p], pad: zero_pad(pad_len(2)) }] };
    let data = port.unwrap_or(&[]);
    let scd = Scd {
        reserved: 0,
        hold_time: 30_000,
        options: vec![MaOptions {
            protocol: p,
            profile: 1,
            d: false,
            reserved: 0,
            data,
            pad: zero_pad(pad_len(data.len())),
        }],
    };
    [
        Object::new(ObjectType::STACK_PROPOSAL, ObjectValue::StackProposal(sp)),
        Object::new(ObjectType::SCD, ObjectValue::Scd(scd)),
    ]
}

/// Messages as bytes, each with its direction: true for querier to responder.
type Script = Vec<(bool, Vec<u8>)>;

/// The D-mode handshake, then the C-mode messages.
fn messages(s: &Session, p: MaProtocolId, port: &[u8]) -> (Script, Script) {
    let sid = || Object::new(ObjectType::SESSION_ID, ObjectValue::SessionId(s.sid));
    let qc = || Object::new(ObjectType::QUERY_COOKIE, ObjectValue::QueryCookie(&s.qcookie));
    let rc = || Object::new(ObjectType::RESPONDER_COOKIE, ObjectValue::ResponderCookie(&s.rcookie));
    let m = || Object::new(ObjectType::MRI, ObjectValue::Mri(mri()));
    let mut q = vec![m(), sid(), nli(&s.peer_q, QUERIER), qc()];
    q.extend(stack(p, None));
    let mut query = Message::new(NSLPID, MsgType::QUERY, q);
    query.header.c = true;
    query.header.r = true;
    query.header.s = true;
    let mut r = vec![m(), sid(), nli(&s.peer_r, RESPONDER), qc(), rc()];
    r.extend(stack(p, Some(port)));
    let mut resp = Message::new(NSLPID, MsgType::RESPONSE, r);
    resp.header.r = true;
    resp.header.s = true;
    let mut c = vec![m(), sid(), nli(&s.peer_q, QUERIER), rc()];
    c.extend(stack(p, Some(port)));
    let mut confirm = Message::new(NSLPID, MsgType::CONFIRM, c);
    confirm.header.s = true;
    let dmode = |m: &Message<'_>| {
        let mut b = Vec::new();
        m.emit_dmode(&mut b);
        b
    };
    let d = vec![(true, dmode(&query)), (false, dmode(&resp)), (true, dmode(&confirm))];
    let mut data = Message::new(
        NSLPID,
        MsgType::DATA,
        vec![m(), sid(), Object::new(ObjectType::NSLP_DATA, ObjectValue::NslpData(&s.nslp))],
    );
    data.header.s = true;
    let mut hello =
        Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(s.hello))]);
    hello.header.r = true;
    let hello_reply =
        Message::new(0, MsgType::MA_HELLO, vec![Object::new(ObjectType::HELLO_ID, ObjectValue::HelloId(s.hello))]);
    // The responder rejects a message that carried an unknown mandatory object (A.4.4.9).
    let err = ErrorObject {
        class: ErrorClass::PROTOCOL_ERROR,
        code: ErrorCode::OBJECT_TYPE_ERROR,
        subcode: 1,
        s: true,
        m: true,
        c: true,
        d: false,
        q: false,
        reserved: 0,
        mri_length: (mri_len() / 4) as u8,
        header: data.header,
        session_id: Some(s.sid),
        mri: Some(EmbeddedMri::Parsed(mri())),
        infos: vec![AdditionalInfo {
            ai_type: AiType::OBJECT_TYPE,
            value: AiValue::ObjectType { object_type: 2000, reserved: 0 },
        }],
        comment: Some(b"object 2000 unknown\0"),
    };
    let error = Message::new(
        NSLPID,
        MsgType::ERROR,
        vec![nli(&s.peer_r, RESPONDER), Object::new(ObjectType::ERROR, ObjectValue::Error(err))],
    );
    let c = vec![
        (true, data.to_bytes()),
        (true, hello.to_bytes()),
        (false, hello_reply.to_bytes()),
        (false, error.to_bytes()),
    ];
    (d, c)
}

fn mri_len() -> usize {
    let mut v = Vec::new();
    mri().emit(&mut v);
    v.len()
}

fn ep(mac: u8, ip: Ipv4Addr, port: u16) -> Endpoint {
    Endpoint::new([2, 0, 0, 0, 0, mac], IpAddr::V4(ip), port)
}

fn dmode_frames(d: &[(bool, Vec<u8>)], start: Timestamp) -> Result<Vec<Frame>, BuildError> {
    let q = ep(1, QUERIER, UDP_PORT);
    let r = ep(2, RESPONDER, UDP_PORT);
    let mut flow = UdpFlow::new(Link::Ethernet, Clock::new(start, 2_000_000));
    for (i, (up, b)) in d.iter().enumerate() {
        // The Query is Q-mode encapsulated: Router Alert on (G1).
        let opts = IpOptions { router_alert: i == 0, ..flow.ip.clone() };
        if *up {
            flow.send_with(&q, &r, b, &opts)?;
        } else {
            flow.send_with(&r, &q, b, &opts)?;
        }
    }
    Ok(flow.into_frames())
}

fn tcp_file(seed: u64) -> Result<Vec<Frame>, BuildError> {
    let s = Session::new(seed, "gist-tcp");
    let (d, c) = messages(&s, MaProtocolId::FORWARDS_TCP, &TCP_PORT.to_be_bytes());
    let mut frames = dmode_frames(&d, Timestamp::new(1_700_000_000, 0))?;
    let cfg = TcpConfig {
        client_isn: 0x1000,
        server_isn: 0x9000,
        mss: 1460,
        window: 65535,
        link: Link::Ethernet,
        ip: IpOptions::default(),
        clock: Clock::new(Timestamp::new(1_700_000_001, 0), 1_000_000),
    };
    let mut t = TcpConv::new(ep(1, QUERIER, 40_000), ep(2, RESPONDER, TCP_PORT), cfg)?;
    t.handshake()?;
    for (i, (up, b)) in c.iter().enumerate() {
        let dir = if *up { Dir::ToServer } else { Dir::ToClient };
        if i == 0 {
            // The Data message cut after 10 bytes: reassembled from two segments (G2).
            t.send_split(dir, b, &[10])?;
        } else {
            t.send(dir, b)?;
        }
        t.ack(dir.reverse())?;
    }
    t.close()?;
    frames.extend(t.into_frames());
    Ok(frames)
}

fn sctp_file(seed: u64) -> Result<Vec<Frame>, BuildError> {
    let s = Session::new(seed, "gist-sctp");
    let (d, c) = messages(&s, MaProtocolId::FORWARDS_SCTP, &[(SCTP_PORT >> 8) as u8, SCTP_PORT as u8, 0, 0]);
    let mut frames = dmode_frames(&d, Timestamp::new(1_700_000_100, 0))?;
    let cfg = SctpConfig {
        client_tag: 0x0a0b_0c0d,
        server_tag: 0x1a1b_1c1d,
        client_initial_tsn: 100,
        server_initial_tsn: 900,
        a_rwnd: 65536,
        streams: 2,
        max_fragment: 1200,
        cookie: b"GIST over SCTP state cookie.".to_vec(),
        client_addrs: Vec::new(),
        server_addrs: Vec::new(),
        encap: Encap::Ip,
        link: Link::Ethernet,
        ip: IpOptions::default(),
        clock: Clock::new(Timestamp::new(1_700_000_101, 0), 1_000_000),
    };
    let mut a = SctpAssoc::new(ep(1, QUERIER, 40_002), ep(2, RESPONDER, SCTP_PORT), cfg)?;
    a.associate()?;
    for (up, b) in &c {
        let dir = if *up { Dir::ToServer } else { Dir::ToClient };
        // No PPID is assigned to GIST (G2): 0.
        a.send_message(dir, 0, 0, b, false)?;
        a.sack(dir.reverse())?;
    }
    a.shutdown(Dir::ToServer)?;
    frames.extend(a.into_frames());
    Ok(frames)
}

const STEPS: &str = "a Q-mode Query (UDP 270, IP Router Alert) offering the C-mode protocol, a D-mode Response \
    with a Responder-Cookie announcing the responder's port in its Stack-Configuration-Data, a D-mode Confirm; \
    then over the announced association Data, an MA-Hello with R=1 and its reply, and an Error (Object Type \
    Error, Unrecognised Object, with Session ID, MRI, Object Type Info and a comment)";

/// `gist-tcp.pcapng` and `gist-sctp.pcapng`.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let (bytes, n) = crate::corpus::single_interface(Link::Ethernet, TSRESOL_NSEC, tcp_file(seed)?)?;
    let a = CorpusFile {
        name: "gist-tcp.pcapng",
        description: format!(
            "GIST {QUERIER} -> {RESPONDER}, NSLPID {NSLPID}: {STEPS}; C-mode over TCP port {TCP_PORT}, the Data \
             message cut across two segments."
        ),
        frames: n,
        bytes,
    };
    let (bytes, n) = crate::corpus::single_interface(Link::Ethernet, TSRESOL_NSEC, sctp_file(seed)?)?;
    let b = CorpusFile {
        name: "gist-sctp.pcapng",
        description: format!(
            "GIST {QUERIER} -> {RESPONDER}, NSLPID {NSLPID}: {STEPS}; C-mode over SCTP port {SCTP_PORT} (RFC 6084), \
             one message per user message, PPID 0."
        ),
        frames: n,
        bytes,
    };
    Ok(vec![a, b])
}
