//! Corpus scenarios for CTP (draft-honeywell-ctp-04) over plain TCP: the flows of Appendix A
//! (connection: AUTH, SVLT both ways) and Appendix B (virtual socket: OPVS from the server, an
//! HTTP exchange on virtual socket 3), then the socket's CLVS, built from
//! [`dissect::proto::ctp`]'s `emit`.
//!
//! - `ctp-appendix.pcapng`: one CTP frame per TCP segment, each answered by a pure ACK: the
//!   draft's diagrams as they are drawn.
//! - `ctp-segmented.pcapng`: the same conversation with messy segmentation: a frame split
//!   across segments (and a header cut in two), several frames in one segment, a data frame
//!   sent out of order and then retransmitted, a response larger than the MSS, and a late
//!   duplicate of an acknowledged segment.
//!
//! CTP has no port (SPEC-NOTES C6): the server listens on [`CTP_PORT`], which Wireshark
//! assigns to nothing, and the dissector finds CTP by its heuristic on the first AUTH.

use std::net::{IpAddr, Ipv4Addr};

use dissect::proto::ctp::{Command, Frame, Status, Tag};

use crate::build::tcp::{Dir, TcpConfig, TcpConv};
use crate::build::{Clock, Endpoint, IpOptions, Link};
use crate::corpus::{single_interface, CorpusError, CorpusFile};
use crate::pcap::{Timestamp, TSRESOL_USEC};
use crate::rng::Prng;

/// The CTP server's TCP port in the corpus (no registered port, C6).
pub const CTP_PORT: u16 = 7300;

/// The conversation's CTP frames in order, with the sender (`Dir::ToServer` for the client).
/// Appendix A [3]-[8], Appendix B [1]-[4], then CLVS and its ACK.
pub fn appendix_frames(rng: &mut Prng) -> Vec<(Dir, Vec<u8>)> {
    use Dir::{ToClient as S, ToServer as C};
    let user = format!("user{}", rng.range(100, 999));
    let password = rng.text(12);
    let ctrl = |vs: u16, cmd: Command, tags: Vec<Tag<'_>>| Frame::control(vs, cmd, tags).to_bytes();
    let ok = Tag::Status(Status::OK);
    let get = format!("GET /status/{} HTTP/1.1\r\nHost: device.example\r\n\r\n", rng.range(1, 99));
    let mut body = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n".to_vec();
    body.extend_from_slice(&rng.text(600));
    vec![
        // Appendix A [3]: AUTH with UN and PW on virtual socket 0.
        (C, ctrl(0, Command::AUTH, vec![Tag::Username(user.as_bytes()), Tag::Password(&password)])),
        // [4]: ACK with ST (OK) on virtual socket 0.
        (S, ctrl(0, Command::ACK, vec![ok.clone()])),
        // [5]: SVLT from the client.
        (C, ctrl(0, Command::SVLT, vec![])),
        // [6]: ACK ST:OK SV:HTTP: the server's services.
        (S, ctrl(0, Command::ACK, vec![ok.clone(), Tag::Service(b"HTTP")])),
        // [7]: SVLT from the server on virtual socket 1.
        (S, ctrl(1, Command::SVLT, vec![])),
        // [8]: ACK ST:OK SV:HTTP SV:RTSP on virtual socket 1: the client's services.
        (C, ctrl(1, Command::ACK, vec![ok.clone(), Tag::Service(b"HTTP"), Tag::Service(b"RTSP")])),
        // Appendix B [1]: OPVS SV:HTTP VS:3 from the server on virtual socket 1.
        (S, ctrl(1, Command::OPVS, vec![Tag::Service(b"HTTP"), Tag::VirtualSocket(3)])),
        // [2]: the client's ACK.
        (C, ctrl(1, Command::ACK, vec![ok.clone()])),
        // [3]: the HTTP request on virtual socket 3, server to client.
        (S, Frame::data(3, get.as_bytes()).to_bytes()),
        // [4]: the HTTP response on virtual socket 3, client to server.
        (C, Frame::data(3, &body).to_bytes()),
        // The server closes the socket (§6.2) and the client acknowledges.
        (S, ctrl(1, Command::CLVS, vec![Tag::VirtualSocket(3)])),
        (C, ctrl(1, Command::ACK, vec![ok])),
    ]
}

/// A start time derived from the seed (2020-2023, microsecond-aligned), as the rest of the
/// corpus does.
fn start_time(rng: &mut Prng) -> Timestamp {
    Timestamp::new(1_580_000_000 + rng.range(0, 100_000_000), (rng.range(0, 999_999) * 1000) as u32)
}

fn conversation(rng: &mut Prng, mss: u16, host: u8) -> Result<TcpConv, CorpusError> {
    let client = Endpoint::new(rng.mac(), IpAddr::V4(Ipv4Addr::new(192, 0, 2, host)), rng.range(49152, 65535) as u16);
    let server = Endpoint::new(rng.mac(), IpAddr::V4(Ipv4Addr::new(198, 51, 100, host)), CTP_PORT);
    let cfg = TcpConfig {
        client_isn: rng.u32(),
        server_isn: rng.u32(),
        mss,
        window: 65535,
        link: Link::Ethernet,
        ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
        clock: Clock::new(start_time(rng), 1_000_000),
    };
    Ok(TcpConv::new(client, server, cfg)?)
}

/// `ctp-appendix.pcapng`: one frame per segment.
pub fn appendix(seed: u64) -> Result<CorpusFile, CorpusError> {
    let mut rng = Prng::derive(seed, "ctp-appendix");
    let frames = appendix_frames(&mut rng);
    let mut t = conversation(&mut rng, 1460, 70)?;
    t.handshake()?;
    for (dir, f) in &frames {
        t.send(*dir, f)?;
        t.ack(dir.reverse())?;
    }
    t.close()?;
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, t.into_frames())?;
    Ok(CorpusFile {
        name: "ctp-appendix.pcapng",
        description: format!(
            "CTP (draft-honeywell-ctp-04) over IPv4 TCP to port {CTP_PORT}, found by the heuristic \
             (C6): Appendix A (AUTH UN/PW and ACK on virtual socket 0; SVLT and ACK SV:HTTP; the \
             server's SVLT on virtual socket 1 and the client's ACK SV:HTTP SV:RTSP), Appendix B \
             (OPVS SV:HTTP VS:3 from the server and its ACK; an HTTP request on virtual socket 3 \
             server to client, a 666-byte response back), then CLVS VS:3 and its ACK. One CTP frame \
             per segment, each answered by a pure ACK; FIN teardown."
        ),
        frames: n,
        bytes,
    })
}

/// `ctp-segmented.pcapng`: the same flows, messily segmented.
pub fn segmented(seed: u64) -> Result<CorpusFile, CorpusError> {
    use Dir::{ToClient as S, ToServer as C};
    let mut rng = Prng::derive(seed, "ctp-segmented");
    let f = appendix_frames(&mut rng);
    let frame = |i: usize| f.get(i).map(|(_, b)| b.as_slice()).unwrap_or_default();
    let mut t = conversation(&mut rng, 256, 71)?;
    t.handshake()?;
    // AUTH split after its command and the first 2 bytes of the UN tag: the first segment holds
    // 14 bytes, enough for the heuristic.
    t.send_split(C, frame(0), &[14])?;
    t.ack(S)?;
    t.send(S, frame(1))?;
    t.send(C, frame(2))?;
    // ACK SV:HTTP and the server's SVLT in one segment.
    t.send(S, &[frame(3), frame(4)].concat())?;
    t.send(C, frame(5))?;
    // OPVS with its 8-byte header cut after 5 bytes.
    t.send_split(S, frame(6), &[5])?;
    t.send(C, frame(7))?;
    // The HTTP request in two segments, the second sent first, then both in order: the first
    // again is a retransmission the receiver already holds.
    let r = t.write(S, frame(8))?;
    let mid = r.start + (r.end - r.start) / 2;
    let (a, b) = (t.segment(S, r.start..mid)?, t.segment(S, mid..r.end)?);
    t.emit(&b)?;
    t.emit(&a)?;
    t.ack(C)?;
    t.clock().advance(200_000_000);
    t.emit(&a)?;
    // The 674-byte response frame at the MSS (256, 256, rest), then the server's CLVS and the
    // client's ACK; a late duplicate of the response's first segment.
    let r = t.write(C, frame(9))?;
    let segs = t.segments(C, r.clone(), &[])?;
    for s in &segs {
        t.emit(s)?;
    }
    t.send(S, frame(10))?;
    t.send(C, frame(11))?;
    if let Some(first) = segs.first() {
        t.emit(first)?;
    }
    t.ack(S)?;
    t.close()?;
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, t.into_frames())?;
    Ok(CorpusFile {
        name: "ctp-segmented.pcapng",
        description: format!(
            "The conversation of ctp-appendix.pcapng (Appendix A and B, then CLVS) over IPv4 TCP to \
             port {CTP_PORT}, MSS 256, messily segmented: the AUTH split after 14 bytes; the ACK \
             SV:HTTP and the server's SVLT in one segment; the OPVS with its header cut after 5 \
             bytes; the HTTP request's second half sent before its first, then the first half \
             retransmitted 200 ms later; the response frame (674 bytes) across 3 segments at the MSS; a late \
             duplicate of the response's first segment after the CLVS exchange; FIN teardown."
        ),
        frames: n,
        bytes,
    })
}

/// This protocol's seeded corpus files.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    Ok(vec![appendix(seed)?, segmented(seed)?])
}

/// The server port of the recorded CTP-over-TLS connections (HTTPS's, RFC 9110 §4.2.2, where
/// the dissector and tshark both look for TLS; ALPN `ctp/1` then names CTP, C5).
pub const CTP_TLS_PORT: u16 = 443;

/// Record one CTP-over-TLS connection: the Appendix A and B flows as TLS application data,
/// with the ACK SV:HTTP and the server's SVLT in one record and the HTTP response frame split
/// across two records.
fn record_tls_connection(
    rng: &mut Prng,
    opts: &crate::build::tls::TlsOptions,
    host: u8,
    start: Option<Timestamp>,
) -> Result<(Vec<crate::build::Frame>, String), CorpusError> {
    use crate::build::tls::{connection_frames, TlsRecorder};
    let frames = appendix_frames(rng);
    let mut r = TlsRecorder::new(opts).map_err(crate::build::BuildError::from)?;
    r.settle().map_err(crate::build::BuildError::from)?;
    let mut i = 0;
    while let Some((dir, f)) = frames.get(i) {
        let tls = |e| CorpusError::Build(crate::build::BuildError::from(e));
        match i {
            // ACK SV:HTTP and the server's SVLT in one write: one record, two CTP frames.
            3 => {
                let next = frames.get(4).map(|(_, b)| b.as_slice()).unwrap_or_default();
                r.write(*dir, &[f.as_slice(), next].concat()).map_err(tls)?;
                i += 2;
                continue;
            }
            // The response frame in two writes: one CTP frame across two records.
            9 => {
                let (a, b) = f.split_at(f.len() / 3);
                r.write(*dir, a).map_err(tls)?;
                r.write(*dir, b).map_err(tls)?;
            }
            _ => {
                r.write(*dir, f).map_err(tls)?;
            }
        }
        i += 1;
    }
    let rec = r.finish().map_err(crate::build::BuildError::from)?;
    if rec.alpn.as_deref() != opts.alpn.first().map(Vec::as_slice) {
        return Err(crate::build::BuildError::Invalid(format!("ALPN {:?} not negotiated", opts.alpn)).into());
    }
    let mut t = conversation(rng, 1460, host)?;
    t.server.port = CTP_TLS_PORT;
    if let Some(at) = start {
        *t.clock() = Clock::new(at, 1_000_000);
    }
    let frames = connection_frames(&rec, t)?;
    Ok((frames, rec.keylog))
}

/// `ctp-tls.pcapng` and its key log: CTP over TLS 1.2 (ECDHE-RSA-AES128-GCM-SHA256) and over
/// TLS 1.3 (TLS_AES_256_GCM_SHA384), ALPN `ctp/1`, recorded from real OpenSSL sessions.
pub fn tls_recording(seed: u64) -> Result<crate::record::RecordedFile, CorpusError> {
    use crate::build::tls::{TlsOptions, TlsVersion};
    let mut rng = Prng::derive(seed, "ctp-tls");
    let base =
        TlsOptions { alpn: vec![b"ctp/1".to_vec()], server_name: Some("ctp.example".into()), ..TlsOptions::default() };
    let tls12 =
        TlsOptions { version: TlsVersion::Tls12, cipher: Some("ECDHE-RSA-AES128-GCM-SHA256".into()), ..base.clone() };
    let tls13 = TlsOptions { version: TlsVersion::Tls13, cipher: Some("TLS_AES_256_GCM_SHA384".into()), ..base };
    let (mut frames, mut keylog) = record_tls_connection(&mut rng, &tls12, 72, None)?;
    // The second connection starts a second after the first ends.
    let next = frames.last().map(|f| f.ts.add_nanos(1_000_000_000));
    let (f13, k13) = record_tls_connection(&mut rng, &tls13, 73, next)?;
    frames.extend(f13);
    keylog.push_str(&k13);
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, frames)?;
    Ok(crate::record::RecordedFile { name: "ctp-tls.pcapng", keys: "ctp-tls.keys", frames: n, bytes, keylog })
}
