//! Corpus scenarios for MTA-TLS (draft-badra-tls-multiplexing-01) inside TLS, built from
//! [`dissect::proto::mtatls`]'s `emit`.
//!
//! [`session_messages`] is one MTA-TLS session as the two endpoints write it: a channel opened
//! (§2.1.1), data both ways, the client's window exhausted and reopened by an Acknowledgment,
//! a NewMaxPacketLength and data within it (§2.2), a second channel refused with a
//! ChannelRequestEchec, and the first channel closed (§2.1.2). Lengths follow M2 (the octets
//! after the length field); some writes hold several packets and some packets are longer than
//! a TLS record (M5), so the TLS layer puts several packets in one record and spreads one packet
//! over several.
//!
//! MTA-TLS runs only inside a TLS session that negotiated `data_multiplexing` (M1), so its
//! captures are recorded from real TLS sessions with their key logs ([`tls_recording`],
//! `mtatls-tls.pcapng`), which are not reproducible from a seed: the seeded corpus holds no
//! MTA-TLS file.

use std::net::{IpAddr, Ipv4Addr};

use dissect::proto::mtatls::{Body, Message};

use crate::build::tcp::{Dir, TcpConfig, TcpConv};
use crate::build::tls::{connection_frames, CustomExt, TlsOptions, TlsRecorder, TlsVersion};
use crate::build::{BuildError, Clock, Endpoint, IpOptions, Link};
use crate::corpus::{single_interface, CorpusError, CorpusFile};
use crate::pcap::{Timestamp, TSRESOL_USEC};
use crate::record::RecordedFile;
use crate::rng::Prng;

/// The `data_multiplexing` extension type the recordings negotiate (SPEC-NOTES M1's default).
pub const EXTENSION_TYPE: u16 = 0xff4d;

/// The channel the session opens: sender id 0x0001, receiver id 0x8001 (M3).
pub const CHANNEL: u32 = 0x0001_8001;

/// What a dissector should find in [`session_messages`]: per direction (client to server,
/// server to client) the data bytes and packets on [`CHANNEL`], the windows the establishment
/// gives, and the window each direction has left at the end (M4).
pub struct Expected {
    pub bytes: [u64; 2],
    pub packets: [u64; 2],
    pub initial_window: [u32; 2],
    pub window_left: [u64; 2],
    /// The refused channel's sender id and error text.
    pub refused: (u16, &'static str),
}

/// The numbers [`session_messages`] is built to give.
pub const EXPECTED: Expected = Expected {
    bytes: [20_000 + 20_000 + 1000 + 4096, 3000 + 5000 + 8192],
    packets: [4, 3],
    initial_window: [40_000, 16_384],
    window_left: [34_904, 192],
    refused: (2, "connection refused by policy"),
};

/// The session's writes in order, with the writer (`Dir::ToServer` for the TLS client, which
/// opens the channels). Each write is one or more whole MTA-TLS packets.
pub fn session_messages(rng: &mut Prng) -> Vec<(Dir, Vec<u8>)> {
    use Dir::{ToClient as S, ToServer as C};
    let m = |b: Body<'_>| Message::new(b).to_bytes();
    let data = |rng: &mut Prng, n: usize| rng.text(n);
    let src_port = rng.range(49152, 65535) as u16;
    let c1 = data(rng, 20_000);
    let s1 = data(rng, 3000);
    let s2 = data(rng, 5000);
    let c2 = data(rng, 20_000);
    let c3 = data(rng, 1000);
    let c4 = data(rng, 4096);
    let s3 = data(rng, 8192);
    let plain = |id: u32, d: &[u8]| m(Body::Plaintext { channel_id: id, data: d });
    vec![
        // §2.1.1: open channel 1 to db.internal.example:5432; the server may send 16384 bytes,
        // in packets of at most 8192.
        (
            C,
            m(Body::EstablishmentRequest {
                sender_channel_id: 0x0001,
                window: 16_384,
                max_packet_length: 8192,
                src_addr: b"192.0.2.10",
                src_port,
                dst_addr: b"db.internal.example",
                dst_port: 5432,
            }),
        ),
        // The server accepts: the client may send 40000 bytes, in packets of at most 20000.
        (
            S,
            m(Body::EstablishmentSuccess {
                sender_channel_id: 0x0001,
                receiver_channel_id: 0x8001,
                window: 40_000,
                max_packet_length: 20_000,
            }),
        ),
        // A packet longer than a TLS record (M5): 20000 of the 40000 bytes.
        (C, plain(CHANNEL, &c1)),
        // Two packets in one write, so in one record.
        (S, [plain(CHANNEL, &s1), plain(CHANNEL, &s2)].concat()),
        // The client's window is exhausted (§2.2).
        (C, plain(CHANNEL, &c2)),
        // The server's receive buffer is free again: Acknowledgment (§2.2).
        (S, m(Body::Acknowledgment { channel_id: CHANNEL, free_space: 40_000 })),
        (C, plain(CHANNEL, &c3)),
        // The server lowers the client's max packet length (§2.2), and the client keeps to it.
        (S, m(Body::NewMaxPacketLength { channel_id: CHANNEL, max_packet_length: 4096 })),
        (C, plain(CHANNEL, &c4)),
        // A second channel, to a numeric address (4 bytes: IPv4 by M6), refused.
        (
            C,
            m(Body::EstablishmentRequest {
                sender_channel_id: 0x0002,
                window: 4096,
                max_packet_length: 1024,
                src_addr: b"192.0.2.10",
                src_port: src_port.wrapping_add(1),
                dst_addr: &[10, 1, 2, 3],
                dst_port: 22,
            }),
        ),
        (S, m(Body::RequestEchec { sender_channel_id: 0x0002, error: EXPECTED.refused.1.as_bytes() })),
        // The server sends the rest of its reply, leaving 192 bytes of its window.
        (S, plain(CHANNEL, &s3)),
        // §2.1.2: the client closes channel 1 and the server confirms.
        (C, m(Body::CloseRequest { channel_id: CHANNEL })),
        (S, m(Body::CloseConfirmation { channel_id: CHANNEL })),
    ]
}

/// The server port of the recorded connections (HTTPS's, where the dissector looks for TLS;
/// the `data_multiplexing` extension then names MTA-TLS, M1).
pub const TLS_PORT: u16 = 443;

/// Record one MTA-TLS session over TLS with `opts` and lay it out on a TCP connection from
/// 192.0.2.`host` to 198.51.100.`host`, starting at `start` (or a time from the seed).
fn record_connection(
    rng: &mut Prng,
    opts: &TlsOptions,
    host: u8,
    start: Option<Timestamp>,
) -> Result<(Vec<crate::build::Frame>, String), CorpusError> {
    let writes = session_messages(rng);
    let tls = |e| CorpusError::Build(BuildError::from(e));
    let mut r = TlsRecorder::new(opts).map_err(tls)?;
    r.settle().map_err(tls)?;
    for (dir, w) in &writes {
        r.write(*dir, w).map_err(tls)?;
    }
    let rec = r.finish().map_err(tls)?;
    // Both hellos carried the extension (§2.1: the server answers with an empty one).
    if rec.custom_ext_seen != (Some(Vec::new()), Some(Vec::new())) {
        return Err(BuildError::Invalid("data_multiplexing not negotiated".into()).into());
    }
    let start = start.unwrap_or_else(|| {
        Timestamp::new(1_580_000_000 + rng.range(0, 100_000_000), (rng.range(0, 999_999) * 1000) as u32)
    });
    let client = Endpoint::new(rng.mac(), IpAddr::V4(Ipv4Addr::new(192, 0, 2, host)), rng.range(49152, 65535) as u16);
    let server = Endpoint::new(rng.mac(), IpAddr::V4(Ipv4Addr::new(198, 51, 100, host)), TLS_PORT);
    let cfg = TcpConfig {
        client_isn: rng.u32(),
        server_isn: rng.u32(),
        mss: 1460,
        window: 65535,
        link: Link::Ethernet,
        ip: IpOptions { ident: u32::from(rng.u16()), ..IpOptions::default() },
        clock: Clock::new(start, 1_000_000),
    };
    let frames = connection_frames(&rec, TcpConv::new(client, server, cfg)?)?;
    Ok((frames, rec.keylog))
}

/// `mtatls-tls.pcapng` and its key log: [`session_messages`] over TLS 1.2
/// (ECDHE-RSA-AES256-GCM-SHA384, `data_multiplexing` in both hellos), then on a second
/// connection over TLS 1.3 (TLS_CHACHA20_POLY1305_SHA256, the server's extension in
/// EncryptedExtensions), recorded from real OpenSSL sessions.
pub fn tls_recording(seed: u64) -> Result<RecordedFile, CorpusError> {
    let mut rng = Prng::derive(seed, "mtatls-tls");
    let ext = CustomExt { ty: EXTENSION_TYPE, client: Vec::new(), server: Vec::new() };
    let base = TlsOptions { custom_ext: Some(ext), server_name: Some("mux.example".into()), ..TlsOptions::default() };
    let tls12 =
        TlsOptions { version: TlsVersion::Tls12, cipher: Some("ECDHE-RSA-AES256-GCM-SHA384".into()), ..base.clone() };
    let tls13 = TlsOptions { version: TlsVersion::Tls13, cipher: Some("TLS_CHACHA20_POLY1305_SHA256".into()), ..base };
    let (mut frames, mut keylog) = record_connection(&mut rng, &tls12, 74, None)?;
    // The second connection starts a second after the first ends.
    let next = frames.last().map(|f| f.ts.add_nanos(1_000_000_000));
    let (f13, k13) = record_connection(&mut rng, &tls13, 75, next)?;
    frames.extend(f13);
    keylog.push_str(&k13);
    let (bytes, n) = single_interface(Link::Ethernet, TSRESOL_USEC, frames)?;
    Ok(RecordedFile { name: "mtatls-tls.pcapng", keys: "mtatls-tls.keys", frames: n, bytes, keylog })
}

/// This protocol's seeded corpus files: none (see the module documentation).
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dissect::engine::{Config, Ctx, State};
    use dissect::proto::mtatls::{ChannelState, MtatlsConversation};
    use dissect::stream::{PduInfo, StreamFramer};
    use dissect::tree::{TreeBuilder, Tvb};

    /// The session's plaintext streams through a StreamFramer per direction into the MTA-TLS
    /// conversation, as the TLS layer would hand them over once decrypted: every packet is
    /// read, nothing is flagged but the window exhaustion, and the channel ends as
    /// [`EXPECTED`] says.
    #[test]
    fn the_session_dissects_as_expected() {
        let mut rng = Prng::derive(1, "mtatls-session");
        let writes = session_messages(&mut rng);
        let cfg = Config::default();
        let mut st = State::default();
        let mut conv = MtatlsConversation::new();
        let mut framers = [StreamFramer::new(), StreamFramer::new()];
        let mut off = [0u64; 2];
        let mut notes = Vec::new();
        for (i, (dir, bytes)) in writes.iter().enumerate() {
            let d = usize::from(*dir == Dir::ToClient);
            // Cut each write as TLS would: records of at most 16 KiB (RFC 5246 §6.2.1).
            for rec in bytes.chunks(16 * 1024) {
                let mut ctx = Ctx {
                    tb: TreeBuilder::new(),
                    cfg: &cfg,
                    st: &mut st,
                    frame_number: i as u64 + 1,
                    ts: (0, 0),
                    addrs: Default::default(),
                    depth: 0,
                };
                let info = PduInfo { stream: 0, dir: d as u8, src_port: 0, dst_port: 0, stream_offset: off[d] };
                framers[d].feed(&mut ctx, &mut conv, Tvb::new(rec, 0, 0), &info);
                off[d] += rec.len() as u64;
                let p = ctx.tb.finish(1, (0, 0), (0, 0), 0, std::sync::Arc::from(rec));
                assert!(!p.malformed);
                notes.extend(p.experts.iter().map(|e| e.message.clone()));
            }
        }
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("exhausted"), "{notes:?}");
        let ch = &conv.channels()[&CHANNEL];
        assert_eq!(ch.state, ChannelState::Closed);
        assert_eq!(ch.bytes, EXPECTED.bytes);
        assert_eq!(ch.packets, EXPECTED.packets);
        assert_eq!(ch.initial_window, EXPECTED.initial_window.map(Some));
        assert_eq!(ch.window, EXPECTED.window_left.map(Some));
        assert_eq!(ch.stalls, [1, 0]);
        let r = &conv.refusals()[0];
        assert_eq!((r.sender_channel_id, r.error.as_str(), r.dst.as_str()), (2, EXPECTED.refused.1, "10.1.2.3:22"));
    }
}
