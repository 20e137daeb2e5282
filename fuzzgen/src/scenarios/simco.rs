//! Corpus scenarios for SIMCO v3 (RFC 4540) over SCTP (draft-kiesel-midcom-simco-sctp-00) and
//! TCP, built from `dissect::proto::simco`'s message types and `emit`.
//!
//! - `simco-sctp.pcapng`: one association to port 7626 with PPID 15 (S4) and 4 streams each way,
//!   carrying every transaction kind (SE with SA authentication, PRR, PEA, PER, PDR, PLC to a
//!   new lifetime and to zero, PRS answered by PES, PDS and PRS, PRL, ST), an ARE notification, a
//!   negative reply, a fragmented message (an SA reply with a 3000-byte challenge), bundled
//!   messages, and rule violations: a PID on the wrong stream, a reply on another stream than
//!   its request, session control off stream 0 (S5), a request without a required attribute, a
//!   request never answered (S6).
//! - `simco-tcp.pcapng`: a session over TCP port 7626: SE, PRR, PER with IPv6 tuples, a
//!   message split over three segments and two messages in one segment, a request with a wrong
//!   basic type answered 0x0310 plus BFM, an unknown attribute, and an AST notification.

use std::net::IpAddr;

use dissect::proto::simco::{
    sub, AddressTuple, Attribute, Capabilities, Message, MsgType, PerParams, PrrParams, TupleAddr, PORT, PPID,
};

use crate::build::sctp::{Encap, SctpAssoc, SctpConfig};
use crate::build::tcp::{Dir, TcpConfig, TcpConv};
use crate::build::{Clock, Endpoint, IpOptions, Link};
use crate::corpus::{single_interface, CorpusError, CorpusFile};
use crate::pcap::{Timestamp, TSRESOL_NSEC, TSRESOL_USEC};
use crate::rng::Prng;

fn v4(port: u16, range: u16, ip: [u8; 4], prefix: u8, protocol: u8, location: u8) -> Attribute<'static> {
    Attribute::AddressTuple(AddressTuple {
        kind: 0,
        ip_version: 1,
        prefix_len: prefix,
        protocol,
        location,
        addr: TupleAddr::V4 { port, range, ip },
    })
}

fn v6(port: u16, ip: std::net::Ipv6Addr, location: u8) -> Attribute<'static> {
    Attribute::AddressTuple(AddressTuple {
        kind: 0,
        ip_version: 2,
        prefix_len: 128,
        protocol: 17,
        location,
        addr: TupleAddr::V6 { port, range: 1, ip: ip.octets() },
    })
}

fn bytes(m: &Message<'_>) -> Vec<u8> {
    m.to_bytes()
}

fn start(rng: &mut Prng) -> Timestamp {
    Timestamp::new(1_580_000_000 + rng.range(0, 100_000_000), (rng.range(0, 999_999) * 1000) as u32)
}

/// Location codes (§4.3.8).
const A0: u8 = 0;
const A1: u8 = 1;
const A2: u8 = 2;
const A3: u8 = 3;
const UDP: u8 = 17;
const TCP: u8 = 6;

fn sctp_session(seed: u64) -> Result<Vec<crate::build::Frame>, CorpusError> {
    let mut rng = Prng::derive(seed, "simco-sctp");
    let agent = Endpoint::new(rng.mac(), IpAddr::from([192, 0, 2, 76]), rng.range(49152, 65535) as u16);
    let mb = Endpoint::new(rng.mac(), IpAddr::from([198, 51, 100, 26]), PORT);
    let cfg = SctpConfig {
        client_tag: rng.u32() | 1,
        server_tag: rng.u32() | 1,
        client_initial_tsn: rng.u32(),
        server_initial_tsn: rng.u32(),
        a_rwnd: 106_496,
        streams: 4,
        max_fragment: 1200,
        cookie: rng.bytes(32),
        client_addrs: Vec::new(),
        server_addrs: Vec::new(),
        encap: Encap::Ip,
        link: Link::Ethernet,
        ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
        clock: Clock::new(start(&mut rng), 2_000_000),
    };
    let mut a = SctpAssoc::new(agent, mb, cfg)?;
    let (up, down) = (Dir::ToServer, Dir::ToClient);
    a.associate()?;
    let mut tid = rng.range(1, 1000) as u32;
    let mut next_tid = || {
        tid += 1;
        tid
    };
    let gid = rng.range(1, 100) as u32;
    let (p1, p2, p3) = (rng.range(100, 200) as u32, rng.range(200, 300) as u32, rng.range(300, 400) as u32);
    let outside = [203, 0, 113, rng.range(1, 254) as u8];
    let internal = [10, 1, 0, rng.range(1, 254) as u8];
    let external = [198, 18, 0, rng.range(1, 254) as u8];
    let port = rng.range(20000, 40000) as u16 & !1;
    let owner = b"agent@192.0.2.76";

    // Session establishment with authentication both ways: SE (with a challenge), an SA reply
    // with a 3000-byte challenge and the middlebox's token (fragmented: 3 DATA chunks), an SA
    // request with the agent's token, the SE reply with the capabilities (§5.2, §7.2, §7.3).
    let t = next_tid();
    let challenge = rng.bytes(16);
    let se = Message::new(
        MsgType::request(sub::SE),
        t,
        vec![Attribute::Version { major: 3, minor: 0, reserved: 0 }, Attribute::AuthChallenge(&challenge)],
    );
    a.send_message(up, 0, PPID, &bytes(&se), false)?;
    let big = rng.bytes(3000);
    let token = rng.bytes(20);
    let sa =
        Message::new(MsgType::positive(sub::SA), t, vec![Attribute::AuthChallenge(&big), Attribute::AuthToken(&token)]);
    a.sack(down)?;
    a.send_message(down, 0, PPID, &bytes(&sa), false)?;
    a.sack(up)?;
    let t = next_tid();
    let agent_token = rng.bytes(24);
    let sa_req = Message::new(MsgType::request(sub::SA), t, vec![Attribute::AuthToken(&agent_token)]);
    a.send_message(up, 0, PPID, &bytes(&sa_req), false)?;
    let caps = Capabilities { mb_type: 0xD5, flags: 0xB0 | (3 << 2) | 1, reserved: 0, max_lifetime: 3600 };
    let se_rep = Message::new(MsgType::positive(sub::SE), t, vec![Attribute::Capabilities(caps)]);
    sack_send(&mut a, down, 0, &se_rep)?;

    // PRR on stream 1: a twice-NAT reservation of two UDP ports (§5.3.2, §5.3.9).
    let t_prr = next_tid();
    let prr = Message::new(
        MsgType::request(sub::PRR),
        t_prr,
        vec![
            Attribute::PrrParams(PrrParams {
                nat_mode: 2,
                parity: 2,
                ip_inside: 1,
                ip_outside: 1,
                protocol: UDP,
                port_range: 2,
            }),
            Attribute::Lifetime(300),
            Attribute::Gid(gid),
        ],
    );
    sack_send(&mut a, up, 1, &prr)?;
    let prr_rep = Message::new(
        MsgType::positive(sub::PRR),
        t_prr,
        vec![
            Attribute::Pid(p1),
            Attribute::Gid(gid),
            Attribute::Lifetime(300),
            v4(port, 2, outside, 32, UDP, A2),
            v4(port + 100, 2, [10, 0, 0, 1], 32, UDP, A1),
        ],
    );
    sack_send(&mut a, down, 1, &prr_rep)?;

    // PEA on stream 1 for the reserved PID: enabled (§5.3.4, §5.3.10).
    let t_pea = next_tid();
    let pea = Message::new(
        MsgType::request(sub::PEA),
        t_pea,
        vec![
            Attribute::PerParams(PerParams { parity: 3, direction: 3, reserved: 0 }),
            v4(port, 2, internal, 32, UDP, A0),
            v4(0, 1, external, 24, UDP, A3),
            Attribute::Lifetime(300),
            Attribute::Pid(p1),
        ],
    );
    sack_send(&mut a, up, 1, &pea)?;
    let pea_rep = Message::new(
        MsgType::positive(sub::PER),
        t_pea,
        vec![
            Attribute::Pid(p1),
            Attribute::Gid(gid),
            Attribute::Lifetime(300),
            v4(port, 2, outside, 32, UDP, A2),
            v4(port + 100, 2, [10, 0, 0, 1], 32, UDP, A1),
        ],
    );
    sack_send(&mut a, down, 1, &pea_rep)?;

    // PER on stream 2: a TCP pinhole (§5.3.3).
    let t_per = next_tid();
    let per = Message::new(
        MsgType::request(sub::PER),
        t_per,
        vec![
            Attribute::PerParams(PerParams { parity: 0, direction: 2, reserved: 0 }),
            v4(5060, 1, internal, 32, TCP, A0),
            v4(5060, 1, external, 32, TCP, A3),
            Attribute::Lifetime(120),
        ],
    );
    sack_send(&mut a, up, 2, &per)?;
    let per_rep = Message::new(
        MsgType::positive(sub::PER),
        t_per,
        vec![
            Attribute::Pid(p2),
            Attribute::Gid(gid + 1),
            Attribute::Lifetime(120),
            v4(5060, 1, outside, 32, TCP, A2),
            v4(5060, 1, internal, 32, TCP, A1),
        ],
    );
    sack_send(&mut a, down, 2, &per_rep)?;

    // PDR on stream 3 (§5.3.8, §5.3.17).
    let t_pdr = next_tid();
    let pdr = Message::new(
        MsgType::request(sub::PDR),
        t_pdr,
        vec![v4(0, 1, [10, 1, 0, 0], 16, TCP, A0), v4(23, 1, [198, 18, 0, 0], 16, TCP, A3), Attribute::Lifetime(60)],
    );
    sack_send(&mut a, up, 3, &pdr)?;
    let pdr_rep = Message::new(MsgType::positive(sub::PDR), t_pdr, vec![Attribute::Pid(p3), Attribute::Lifetime(60)]);
    sack_send(&mut a, down, 3, &pdr_rep)?;

    // PLC on stream 2 for p2: a new lifetime (§5.3.5, §5.3.11).
    let t = next_tid();
    let plc = Message::new(MsgType::request(sub::PLC), t, vec![Attribute::Pid(p2), Attribute::Lifetime(600)]);
    sack_send(&mut a, up, 2, &plc)?;
    let plc_rep = Message::new(MsgType::positive(sub::PLC), t, vec![Attribute::Lifetime(600)]);
    sack_send(&mut a, down, 2, &plc_rep)?;

    // Bundled: PRS for p1 (stream 1) and p3 (stream 3) in one packet; the PES and PDS replies
    // bundled in one packet too (§5.3.6, §5.3.14, §5.3.15).
    let (ta, tb) = (next_tid(), next_tid());
    let prs1 = Message::new(MsgType::request(sub::PRS), ta, vec![Attribute::Pid(p1)]);
    let prs3 = Message::new(MsgType::request(sub::PRS), tb, vec![Attribute::Pid(p3)]);
    let mut plans = a_msg(&mut a, up, 1, &prs1)?;
    plans.extend(a_msg(&mut a, up, 3, &prs3)?);
    a.sack_and_data(up, &plans)?;
    let pes = Message::new(
        MsgType::positive(sub::PES),
        ta,
        vec![
            Attribute::Pid(p1),
            Attribute::Gid(gid),
            Attribute::PerParams(PerParams { parity: 3, direction: 3, reserved: 0 }),
            v4(port, 2, internal, 32, UDP, A0),
            v4(port + 100, 2, [10, 0, 0, 1], 32, UDP, A1),
            v4(port, 2, outside, 32, UDP, A2),
            v4(0, 1, external, 24, UDP, A3),
            Attribute::Lifetime(280),
            Attribute::Owner(owner),
        ],
    );
    let pds = Message::new(
        MsgType::positive(sub::PDS),
        tb,
        vec![
            Attribute::Pid(p3),
            v4(0, 1, [10, 1, 0, 0], 16, TCP, A0),
            v4(23, 1, [198, 18, 0, 0], 16, TCP, A3),
            Attribute::Lifetime(50),
            Attribute::Owner(owner),
        ],
    );
    let mut plans = a_msg(&mut a, down, 1, &pes)?;
    plans.extend(a_msg(&mut a, down, 3, &pds)?);
    a.sack_and_data(down, &plans)?;

    // A second reservation on stream 2, of an IP address only (protocol 0, §4.3.9), and its
    // status: PRS answered by a PRS positive reply with the owner (§5.3.13).
    let p4 = p3 + 1;
    let t = next_tid();
    let prr_ip = Message::new(
        MsgType::request(sub::PRR),
        t,
        vec![
            Attribute::PrrParams(PrrParams {
                nat_mode: 1,
                parity: 0,
                ip_inside: 1,
                ip_outside: 1,
                protocol: 0,
                port_range: 1,
            }),
            Attribute::Lifetime(900),
        ],
    );
    sack_send(&mut a, up, 2, &prr_ip)?;
    // As a pure firewall reports a reservation (§8.2.2): protocols only, prefix 0, outside.
    let ip_only = Attribute::AddressTuple(AddressTuple {
        kind: 1,
        ip_version: 1,
        prefix_len: 0,
        protocol: 0,
        location: A2,
        addr: TupleAddr::None,
    });
    let prr_ip_rep = Message::new(
        MsgType::positive(sub::PRR),
        t,
        vec![Attribute::Pid(p4), Attribute::Gid(gid + 2), Attribute::Lifetime(900), ip_only.clone()],
    );
    sack_send(&mut a, down, 2, &prr_ip_rep)?;
    let t = next_tid();
    let prs4 = Message::new(MsgType::request(sub::PRS), t, vec![Attribute::Pid(p4)]);
    sack_send(&mut a, up, 2, &prs4)?;
    let prs_rep = Message::new(
        MsgType::positive(sub::PRS),
        t,
        vec![Attribute::Pid(p4), Attribute::Gid(gid + 2), Attribute::Lifetime(899), ip_only, Attribute::Owner(owner)],
    );
    sack_send(&mut a, down, 2, &prs_rep)?;

    // PRL on stream 0 (§5.3.7, §5.3.16).
    let t = next_tid();
    let prl = Message::new(MsgType::request(sub::PRL), t, Vec::new());
    sack_send(&mut a, up, 0, &prl)?;
    let prl_rep = Message::new(
        MsgType::positive(sub::PRL),
        t,
        vec![Attribute::Pid(p1), Attribute::Pid(p2), Attribute::Pid(p3), Attribute::Pid(p4)],
    );
    sack_send(&mut a, down, 0, &prl_rep)?;

    // S5 violation: PLC for p1 on stream 3 (p1 was learned on stream 1); the reply comes on
    // stream 2 (another S5 violation: not the request's stream).
    let t = next_tid();
    let plc_wrong = Message::new(MsgType::request(sub::PLC), t, vec![Attribute::Pid(p1), Attribute::Lifetime(900)]);
    sack_send(&mut a, up, 3, &plc_wrong)?;
    let plc_wrong_rep = Message::new(MsgType::positive(sub::PLC), t, vec![Attribute::Lifetime(900)]);
    sack_send(&mut a, down, 2, &plc_wrong_rep)?;

    // A request without a required attribute: PER without its lifetime (§5.3.3), answered
    // 0x0312 badly formed request (§6 step 5).
    let t = next_tid();
    let per_bad = Message::new(
        MsgType::request(sub::PER),
        t,
        vec![
            Attribute::PerParams(PerParams { parity: 0, direction: 1, reserved: 0 }),
            v4(8000, 1, internal, 32, UDP, A0),
            v4(8000, 1, external, 32, UDP, A3),
        ],
    );
    sack_send(&mut a, up, 1, &per_bad)?;
    let neg = Message::new(MsgType::negative(0x12), t, Vec::new());
    sack_send(&mut a, down, 1, &neg)?;

    // PLC for an unknown PID: 0x0343 specified policy rule does not exist.
    let t = next_tid();
    let plc_unknown = Message::new(MsgType::request(sub::PLC), t, vec![Attribute::Pid(999), Attribute::Lifetime(10)]);
    sack_send(&mut a, up, 2, &plc_unknown)?;
    let neg = Message::new(MsgType::negative(0x43), t, Vec::new());
    sack_send(&mut a, down, 2, &neg)?;

    // PLC to zero for p3 on stream 3: PRD reply, the rule is gone (§5.3.12).
    let t = next_tid();
    let plc0 = Message::new(MsgType::request(sub::PLC), t, vec![Attribute::Pid(p3), Attribute::Lifetime(0)]);
    sack_send(&mut a, up, 3, &plc0)?;
    let prd = Message::new(MsgType::positive(sub::PRD), t, Vec::new());
    sack_send(&mut a, down, 3, &prd)?;

    // The middlebox deletes p2 on its own: an ARE notification with lifetime 0 (§5.3.19), on
    // p2's stream, with a TID of the middlebox's choosing (S6).
    a.clock().advance(1_000_000_000);
    let are =
        Message::new(MsgType::notification(sub::ARE), 0x8000_0001, vec![Attribute::Pid(p2), Attribute::Lifetime(0)]);
    sack_send(&mut a, down, 2, &are)?;

    // A PRS the middlebox never answers, then ST sent on stream 1 (S5: session control goes on
    // stream 0); the ST reply follows its request's stream (§7.4). The PRS is never answered (S6).
    let t = next_tid();
    let prs_lost = Message::new(MsgType::request(sub::PRS), t, vec![Attribute::Pid(p1)]);
    sack_send(&mut a, up, 1, &prs_lost)?;
    let t = next_tid();
    let st = Message::new(MsgType::request(sub::ST), t, Vec::new());
    let plans = a_msg(&mut a, up, 1, &st)?;
    a.send_data(&plans)?;
    let st_rep = Message::new(MsgType::positive(sub::ST), t, Vec::new());
    sack_send(&mut a, down, 1, &st_rep)?;
    a.sack(up)?;
    a.shutdown(up)?;
    Ok(a.into_frames())
}

/// A SACK bundled before one SIMCO message on `stream`.
fn sack_send(a: &mut SctpAssoc, dir: Dir, stream: u16, m: &Message<'_>) -> Result<(), CorpusError> {
    let plans = a_msg(a, dir, stream, m)?;
    Ok(a.sack_and_data(dir, &plans)?)
}

/// The DATA chunk plans of one SIMCO message (PPID 15) on `stream`.
fn a_msg(
    a: &mut SctpAssoc,
    dir: Dir,
    stream: u16,
    m: &Message<'_>,
) -> Result<Vec<crate::build::sctp::DataPlan>, CorpusError> {
    Ok(a.message(dir, stream, PPID, &m.to_bytes(), false)?)
}

fn tcp_session(seed: u64) -> Result<Vec<crate::build::Frame>, CorpusError> {
    let mut rng = Prng::derive(seed, "simco-tcp");
    let agent = Endpoint::new(rng.mac(), IpAddr::from([192, 0, 2, 77]), rng.range(49152, 65535) as u16);
    let mb = Endpoint::new(rng.mac(), IpAddr::from([198, 51, 100, 27]), PORT);
    let cfg = TcpConfig {
        client_isn: rng.u32(),
        server_isn: rng.u32(),
        mss: 1460,
        window: 65535,
        link: Link::Ethernet,
        ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
        clock: Clock::new(start(&mut rng), 1_500_000),
    };
    let mut c = TcpConv::new(agent, mb, cfg)?;
    let (up, down) = (Dir::ToServer, Dir::ToClient);
    c.handshake()?;
    let mut tid = rng.range(1, 1000) as u32;
    let mut next_tid = || {
        tid += 1;
        tid
    };
    // SE without authentication, answered by the SE reply (§7.2).
    let t = next_tid();
    let se = Message::new(MsgType::request(sub::SE), t, vec![Attribute::Version { major: 3, minor: 0, reserved: 0 }]);
    c.send(up, &se.to_bytes())?;
    let caps = Capabilities { mb_type: 0x80, flags: 0xE0 | (2 << 2) | 2, reserved: 0, max_lifetime: 86_400 };
    let se_rep = Message::new(MsgType::positive(sub::SE), t, vec![Attribute::Capabilities(caps)]);
    c.send(down, &se_rep.to_bytes())?;
    // A PRR split over three segments (header cut after 3 bytes, then mid-attribute).
    let t = next_tid();
    let prr = Message::new(
        MsgType::request(sub::PRR),
        t,
        vec![
            Attribute::PrrParams(PrrParams {
                nat_mode: 1,
                parity: 0,
                ip_inside: 2,
                ip_outside: 2,
                protocol: UDP,
                port_range: 1,
            }),
            Attribute::Lifetime(45),
        ],
    );
    c.send_split(up, &prr.to_bytes(), &[3, 14])?;
    let pid = rng.range(1, 1 << 20) as u32;
    let a6 = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0x77, 0, 0, 0, 0, rng.range(1, 0xffff) as u16);
    let prr_rep = Message::new(
        MsgType::positive(sub::PRR),
        t,
        vec![Attribute::Pid(pid), Attribute::Gid(1), Attribute::Lifetime(45), v6(40000, a6, A2)],
    );
    c.send(down, &prr_rep.to_bytes())?;
    // Two requests in one segment: a PER with IPv6 tuples and an unknown attribute, and a PRL.
    let (t1, t2) = (next_tid(), next_tid());
    let b6 = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0x99, 0, 0, 0, 0, 1);
    let ext = rng.bytes(6);
    let per = Message::new(
        MsgType::request(sub::PER),
        t1,
        vec![
            Attribute::PerParams(PerParams { parity: 0, direction: 1, reserved: 0 }),
            v6(5004, a6, A0),
            v6(0, b6, A3),
            Attribute::Lifetime(45),
            Attribute::Unknown { ty: dissect::proto::simco::AttrType(0x00F0), value: &ext },
        ],
    );
    let prl = Message::new(MsgType::request(sub::PRL), t2, Vec::new());
    let mut two = per.to_bytes();
    two.extend_from_slice(&prl.to_bytes());
    c.send(up, &two)?;
    let pid2 = pid + 1;
    let per_rep = Message::new(
        MsgType::positive(sub::PER),
        t1,
        vec![Attribute::Pid(pid2), Attribute::Gid(2), Attribute::Lifetime(45), v6(5004, a6, A2), v6(5004, a6, A1)],
    );
    let prl_rep = Message::new(MsgType::positive(sub::PRL), t2, vec![Attribute::Pid(pid), Attribute::Pid(pid2)]);
    let mut two = per_rep.to_bytes();
    two.extend_from_slice(&prl_rep.to_bytes());
    c.send(down, &two)?;
    // A message of the wrong basic type from the agent (a positive reply): answered 0x0310 wrong
    // basic request message type and a BFM notification (§5.1, §6 step 3).
    let t = next_tid();
    let wrong = Message::new(MsgType::positive(sub::PRL), t, Vec::new());
    c.send(up, &wrong.to_bytes())?;
    let neg = Message::new(MsgType::negative(0x10), t, Vec::new());
    let bfm = Message::new(MsgType::notification(sub::BFM), 0x4000_0001, Vec::new());
    let mut two = neg.to_bytes();
    two.extend_from_slice(&bfm.to_bytes());
    c.send(down, &two)?;
    c.ack(up)?;
    // The middlebox ends the session: AST (§5.2.7, §7.5), then closes.
    c.clock().advance(500_000_000);
    let ast = Message::new(MsgType::notification(sub::AST), 0x4000_0002, Vec::new());
    c.send(down, &ast.to_bytes())?;
    c.ack(up)?;
    c.fin(down)?;
    c.fin(up)?;
    c.ack(down)?;
    Ok(c.into_frames())
}

/// `simco-sctp.pcapng` and `simco-tcp.pcapng`.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_NSEC, sctp_session(seed)?)?;
    let sctp = CorpusFile {
        name: "simco-sctp.pcapng",
        description: format!(
            "SIMCO over SCTP (192.0.2.76 -> 198.51.100.26:{PORT}, PPID {PPID}, 4 streams each way): SE with \
             authentication both ways (the SA reply's 3000-byte challenge in 3 DATA fragments), SE reply with \
             capabilities; PRR, PEA, PER, PDR, PLC, PRS (PES, PDS and PRS replies, two requests and two replies \
             bundled), a second PRR of an IP address with its PRS status, PRL, PLC to 0 (PRD), an ARE deleting a rule; violations: a PLC on the wrong stream for its PID \
             and its reply on a third stream, a PER without its lifetime (0x0312), a PLC for an unknown PID (0x0343), \
             a PRS never answered, ST on stream 1; SHUTDOWN."
        ),
        frames: n,
        bytes,
    };
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, tcp_session(seed)?)?;
    let tcp = CorpusFile {
        name: "simco-tcp.pcapng",
        description: format!(
            "SIMCO over TCP (192.0.2.77 -> 198.51.100.27:{PORT}): SE, PRR split over 3 segments, PRR reply with an \
             IPv6 tuple, PER (IPv6 tuples, an unknown attribute) and PRL in one segment and their replies in one, a \
             positive reply sent by the agent answered 0x0310 and BFM, AST, FIN teardown."
        ),
        frames: n,
        bytes,
    };
    Ok(vec![sctp, tcp])
}
