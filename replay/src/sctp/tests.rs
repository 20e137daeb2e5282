//! Procedures of RFC 9260 on a simulated link with a virtual clock and a step bound.

use std::time::{Duration, Instant};

use dissect::proto::sctp::{Chunk, Packet};

use super::*;

const STEPS: u64 = 20_000;

fn cfg(seed: u64) -> Config {
    Config { seed, ..Config::default() }
}

fn pair() -> Link {
    let now = Instant::now();
    Link::new(Association::connect(cfg(1), 5000, 7, now), Association::listen(cfg(2), 7, now), now)
}

fn first_chunk(p: &[u8]) -> Option<String> {
    let pk = Packet::parse(p).ok()?;
    pk.chunks.first().map(|c| format!("{:?}", c.ty()))
}

fn has_chunk(p: &[u8], f: impl Fn(&Chunk<'_>) -> bool) -> bool {
    Packet::parse(p).map(|pk| pk.chunks.iter().any(f)).unwrap_or(false)
}

fn connected(l: &mut Link) -> bool {
    l.a.state() == State::Established && l.b.state() == State::Established && l.a_events.contains(&Event::Connected)
}

fn trace_kinds(l: &Link) -> Vec<(bool, String)> {
    l.trace.iter().filter_map(|(_, a, p)| first_chunk(p).map(|k| (*a, k))).collect()
}

#[test]
fn handshake_four_packets_and_tags() {
    let mut l = pair();
    assert!(l.run_until(STEPS, connected));
    assert_eq!(
        trace_kinds(&l),
        vec![
            (true, "ChunkType::INIT".to_string()),
            (false, "ChunkType::INIT_ACK".to_string()),
            (true, "ChunkType::COOKIE_ECHO".to_string()),
            (false, "ChunkType::COOKIE_ACK".to_string()),
        ]
    );
    // §8.5: INIT carries tag 0, every later packet the receiver's Initiate Tag.
    let tags: Vec<u32> = l.trace.iter().map(|(_, _, p)| u32::from_be_bytes([p[4], p[5], p[6], p[7]])).collect();
    assert_eq!(tags[0], 0);
    let init_tag = match Packet::parse(&l.trace[0].2).unwrap().chunks[0] {
        Chunk::Init(ref i) => i.initiate_tag,
        _ => unreachable!(),
    };
    let ack_tag = match Packet::parse(&l.trace[1].2).unwrap().chunks[0] {
        Chunk::InitAck(ref i) => i.initiate_tag,
        _ => unreachable!(),
    };
    assert_eq!(tags[1], init_tag);
    assert_eq!(tags[2], ack_tag);
    assert_eq!(tags[3], init_tag);
    for (_, _, p) in &l.trace {
        assert!(dissect::proto::sctp::crc::verify(p).is_some());
    }
    assert_eq!(l.b_events, vec![Event::Connected]);
}

/// Losing each of the four handshake packets once: T1 (or the peer's repeat) recovers it.
#[test]
fn handshake_survives_loss_of_each_packet() {
    for (lost_dir_a, index) in [(true, 0u64), (false, 0), (true, 1), (false, 1)] {
        let mut l = pair();
        let rule = move |i: u64, _: &[u8]| i == index;
        if lost_dir_a {
            l.a_to_b = Impairment::rule(rule);
        } else {
            l.b_to_a = Impairment::rule(rule);
        }
        let start = l.now;
        assert!(l.run_until(STEPS, connected), "lost packet {index} from a: {lost_dir_a}");
        // One T1 expiry at RTO.Initial (3 s).
        assert!(l.now - start >= Duration::from_secs(3), "{:?}", l.now - start);
        assert!(l.now - start < Duration::from_secs(4));
        assert_eq!(l.a.stats().t1_expiries, 1, "lost packet {index} from a: {lost_dir_a}");
        l.a.send(0, 9, false, b"after").unwrap();
        assert!(l.run_until(STEPS, |l| !Link::messages(&l.b_events).is_empty()));
        assert_eq!(Link::messages(&l.b_events).len(), 1);
    }
}

#[test]
fn handshake_gives_up_after_max_init_retransmits_with_backoff() {
    let mut l = pair();
    l.a_to_b = Impairment::rule(|_, _| true);
    let start = l.now;
    assert!(l.run_until(STEPS, |l| l.a.is_closed()));
    // 3+6+12+24+48+60+60+60+60 s: RTO doubles up to RTO.Max, 8 retransmissions, then failure.
    assert_eq!(l.now - start, Duration::from_secs(333));
    assert_eq!(l.a.stats().t1_expiries, 9);
    assert!(matches!(l.a_events.last(), Some(Event::Aborted(_))));
}

fn established() -> Link {
    let mut l = pair();
    assert!(l.run_until(STEPS, connected));
    l
}

#[test]
fn messages_on_several_streams_in_order() {
    let mut l = established();
    let mut want = Vec::new();
    for i in 0..40u32 {
        let stream = (i % 4) as u16;
        let data = vec![i as u8; 1 + (i as usize * 97) % 3000];
        l.a.send(stream, 1000 + i, false, &data).unwrap();
        want.push(Message { stream, ppid: 1000 + i, unordered: false, data });
    }
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 40));
    let got: Vec<Message> = Link::messages(&l.b_events).into_iter().cloned().collect();
    for s in 0..4u16 {
        let g: Vec<_> = got.iter().filter(|m| m.stream == s).collect();
        let w: Vec<_> = want.iter().filter(|m| m.stream == s).collect();
        assert_eq!(g, w, "stream {s}");
    }
    assert_eq!(l.b.stats().gap_blocks_out, 0);
}

#[test]
fn rto_follows_measured_rtt() {
    let mut l = established();
    l.a.send(0, 0, false, b"x").unwrap();
    assert!(l.run_until(STEPS, |l| l.a.buffered() == 0));
    // First measurement R (20 ms + delayed SACK 200 ms): SRTT = R, RTTVAR = R/2, RTO = 3R,
    // clamped to RTO.Min = 1 s (§6.3.1 C1, C3).
    assert_eq!(l.a.rto(), Duration::from_secs(1));
}

#[test]
fn retransmission_with_rto_backoff() {
    let mut l = established();
    // Drop the first three transmissions of the DATA packet.
    let mut n = 0;
    l.a_to_b = Impairment::rule(move |_, p| {
        let data = has_chunk(p, |c| matches!(c, Chunk::Data(_)));
        n += data as u32;
        data && n <= 3
    });
    let t0 = l.now;
    l.a.send(0, 7, false, b"hello").unwrap();
    assert!(l.run_until(STEPS, |l| !Link::messages(&l.b_events).is_empty()));
    // RTO 3 s (no measurement yet), then 6 s, then 12 s: delivered after 21 s + latency.
    assert_eq!(l.a.stats().t3_expiries, 3);
    assert_eq!(l.now - t0, Duration::from_secs(21) + l.latency);
    let data_sends: Vec<Instant> = l
        .trace
        .iter()
        .filter(|(_, a, p)| *a && has_chunk(p, |c| matches!(c, Chunk::Data(_))))
        .map(|(t, _, _)| *t)
        .collect();
    let gaps: Vec<Duration> = data_sends.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, vec![Duration::from_secs(3), Duration::from_secs(6), Duration::from_secs(12)]);
    // §7.2.3: cwnd is one MTU after a T3 expiry.
    assert!(l.a.ssthresh() >= 4 * 1200);
}

#[test]
fn fast_retransmit_and_gap_reports() {
    let mut l = established();
    // Lose the first DATA packet once; the following ones produce SACKs with gap blocks.
    let mut seen = false;
    l.a_to_b = Impairment::rule(move |_, p| {
        if !seen && has_chunk(p, |c| matches!(c, Chunk::Data(d) if d.beginning)) {
            seen = true;
            return true;
        }
        false
    });
    for i in 0..12u32 {
        l.a.send(0, i, false, &vec![i as u8; 1000]).unwrap();
    }
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 12));
    assert_eq!(l.a.stats().fast_retransmits, 1);
    assert_eq!(l.a.stats().t3_expiries, 0);
    assert!(l.b.stats().gap_blocks_out >= 3);
    // A SACK with a gap block starting at 2 (TSN cum+1 missing) went back.
    let gap_sacks = l
        .trace
        .iter()
        .filter(|(_, a, p)| {
            !*a && has_chunk(p, |c| matches!(c, Chunk::Sack(s) if s.gaps.first().is_some_and(|g| g.start == 2)))
        })
        .count();
    assert!(gap_sacks >= 3, "{gap_sacks}");
    let got: Vec<u32> = Link::messages(&l.b_events).iter().map(|m| m.ppid).collect();
    assert_eq!(got, (0..12).collect::<Vec<_>>());
    // §7.2.4: ssthresh = max(cwnd/2, 4 MTU) on entering fast recovery.
    assert_eq!(l.a.ssthresh(), 4 * 1200);
}

#[test]
fn duplicates_are_reported() {
    let mut l = established();
    l.a_to_b = Impairment::random(3, 0.0, 1.0, 0.0);
    l.a.send(1, 1, false, b"twice").unwrap();
    assert!(l.run_until(STEPS, |l| l.a.buffered() == 0 && !Link::messages(&l.b_events).is_empty()));
    assert_eq!(Link::messages(&l.b_events).len(), 1);
    assert!(l.b.stats().duplicate_tsns_in >= 1);
    assert!(l
        .trace
        .iter()
        .any(|(_, a, p)| !*a && has_chunk(p, |c| matches!(c, Chunk::Sack(s) if !s.dup_tsns.is_empty()))));
}

#[test]
fn fragmentation_with_loss_and_reordering() {
    let mut l = established();
    l.a_to_b = Impairment::random(11, 0.1, 0.05, 0.2);
    l.b_to_a = Impairment::random(12, 0.1, 0.05, 0.2);
    let sizes = [18_445usize, 1, 1172, 1173, 40_000, 64 * 1024];
    for (i, n) in sizes.iter().enumerate() {
        let data: Vec<u8> = (0..*n).map(|k| (k * 31 + i) as u8).collect();
        l.a.send(i as u16 % 3, 46, false, &data).unwrap();
    }
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == sizes.len()));
    let got = Link::messages(&l.b_events);
    for (i, n) in sizes.iter().enumerate() {
        let data: Vec<u8> = (0..*n).map(|k| (k * 31 + i) as u8).collect();
        assert!(got.iter().any(|m| m.data == data && m.stream == i as u16 % 3), "message {i} of {n} bytes");
    }
    assert!(l.a_to_b.dropped > 0);
    assert!(l.a.stats().retransmitted_chunks > 0);
}

#[test]
fn unordered_delivery_overtakes_a_gap() {
    let mut l = established();
    let mut seen = false;
    l.a_to_b = Impairment::rule(move |_, p| {
        if !seen && has_chunk(p, |c| matches!(c, Chunk::Data(_))) {
            seen = true;
            return true;
        }
        false
    });
    l.a.send(0, 1, false, b"ordered first").unwrap();
    assert!(l.run_until(STEPS, |l| l.a.stats().data_chunks_out == 1));
    l.a.send(0, 2, false, b"ordered second").unwrap();
    l.a.send(0, 3, true, b"unordered").unwrap();
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 3));
    let order: Vec<u32> = Link::messages(&l.b_events).iter().map(|m| m.ppid).collect();
    // The unordered message is delivered before the ordered one waiting behind the lost TSN.
    assert_eq!(order, vec![3, 1, 2]);
    assert!(Link::messages(&l.b_events)[0].unordered);
}

#[test]
fn shutdown_from_either_side() {
    for client_closes in [true, false] {
        let mut l = established();
        l.a.send(0, 0, false, &[1; 5000]).unwrap();
        l.b.send(0, 0, false, &[2; 5000]).unwrap();
        if client_closes {
            l.a.close(l.now);
        } else {
            l.b.close(l.now);
        }
        assert!(l.run_until(STEPS, |l| l.a.is_closed() && l.b.is_closed()));
        assert!(l.a_events.contains(&Event::Closed) && l.b_events.contains(&Event::Closed));
        assert_eq!(Link::messages(&l.a_events).len(), 1);
        assert_eq!(Link::messages(&l.b_events).len(), 1);
        let kinds: Vec<String> = trace_kinds(&l).into_iter().map(|(_, k)| k).collect();
        let tail = &kinds[kinds.len() - 3..];
        assert_eq!(tail, ["ChunkType::SHUTDOWN", "ChunkType::SHUTDOWN_ACK", "ChunkType::SHUTDOWN_COMPLETE"]);
        let closer_events = if client_closes { &l.b_events } else { &l.a_events };
        assert!(closer_events.contains(&Event::PeerShutdown));
    }
}

#[test]
fn abort_ends_both_sides() {
    let mut l = established();
    l.b.abort(l.now, "bye");
    assert!(l.run_until(STEPS, |l| l.a.is_closed()));
    assert!(matches!(l.a_events.last(), Some(Event::Aborted(s)) if s.contains("bye") || s.contains("UserInitiated")));
    assert!(matches!(l.b_events.last(), Some(Event::Aborted(_))));
    // An ABORT with a wrong tag is ignored.
    let mut l = established();
    let mut forged = Vec::new();
    let h = dissect::proto::sctp::CommonHeader { src_port: 7, dst_port: 5000, verification_tag: 12345, checksum: 0 };
    dissect::proto::sctp::emit_packet(&h, &[Chunk::Abort { tag_reflected: false, causes: vec![] }], &mut forged);
    l.a.handle(&forged, l.now);
    assert_eq!(l.a.state(), State::Established);
    assert_eq!(l.a.stats().bad_tag, 1);
}

#[test]
fn receiver_window_bounds_the_sender() {
    let now = Instant::now();
    let small = Config { recv_buffer: 8000, max_message: 8000, seed: 2, ..Config::default() };
    let mut l = Link::new(Association::connect(cfg(1), 5000, 7, now), Association::listen(small, 7, now), now);
    assert!(l.run_until(STEPS, connected));
    for i in 0..20u32 {
        l.a.send(0, i, false, &[i as u8; 4000]).unwrap();
    }
    // b's user does not read: the window closes, a keeps what does not fit (b takes the next
    // expected TSN beyond its window up to twice its buffer, so a message can always complete).
    l.b_reads = false;
    l.run_until(2000, |_| false);
    assert_eq!(l.a.buffered(), 20 * 4000 - 2 * 8000, "{:?}", l.b.stats());
    assert!(l.b.stats().dropped_no_room > 0);
    assert_eq!(l.a.state(), State::Established);
    // Reading reopens the window and everything arrives, once and in order.
    l.b_reads = true;
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 20));
    let got: Vec<u32> = Link::messages(&l.b_events).iter().map(|m| m.ppid).collect();
    assert_eq!(got, (0..20).collect::<Vec<_>>());
}

#[test]
fn bad_checksum_and_garbage_are_dropped() {
    let mut l = established();
    let mut bytes = Vec::new();
    let h = dissect::proto::sctp::CommonHeader { src_port: 7, dst_port: 5000, verification_tag: 0, checksum: 0 };
    dissect::proto::sctp::emit_packet(&h, &[Chunk::ShutdownAck], &mut bytes);
    bytes[11] ^= 1;
    l.a.handle(&bytes, l.now);
    for n in 0..40 {
        l.a.handle(&bytes[..n.min(bytes.len())], l.now);
    }
    assert_eq!(l.a.state(), State::Established);
    assert!(l.a.stats().bad_checksum >= 1);
}

#[test]
fn send_limits() {
    let mut l = established();
    assert_eq!(l.a.send(16, 0, false, b"x"), Err(SendError::InvalidStream(16)));
    assert_eq!(l.a.send(0, 0, false, b""), Err(SendError::Empty));
    assert_eq!(l.a.send(0, 0, false, &vec![0; 64 * 1024 + 1]), Err(SendError::TooLarge(64 * 1024 + 1)));
    let mut n = 0;
    while l.a.send(0, 0, false, &vec![0; 60_000]).is_ok() {
        n += 1;
        assert!(n < 100);
    }
    assert_eq!(l.a.send(0, 0, false, &vec![0; 60_000]), Err(SendError::BufferFull));
}

#[test]
fn heartbeat_on_idle_path() {
    let mut l = established();
    let t0 = l.now;
    assert!(l.run_until(STEPS, |l| l.a.stats().heartbeats_out >= 2 && l.b.stats().heartbeats_out >= 2));
    assert!(l.now - t0 >= Duration::from_secs(30));
    assert_eq!(l.a.state(), State::Established);
    // Answered heartbeats keep the error count at zero: no abort after many intervals.
    assert!(l.run_until(STEPS, |l| l.a.stats().heartbeats_out >= 20));
    assert_eq!(l.a.state(), State::Established);
}

#[test]
fn heartbeats_unanswered_abort_the_association() {
    let mut l = established();
    l.b_to_a = Impairment::rule(|_, _| true);
    assert!(l.run_until(STEPS, |l| l.a.is_closed()));
    assert!(matches!(l.a_events.last(), Some(Event::Aborted(s)) if s.contains("unreachable")));
}

/// Both sides send INIT at once (§5.2.1): each answers the other's INIT with its own tag, both
/// COOKIE ECHOes are accepted and both ends agree on the tags.
#[test]
fn init_collision() {
    for lose_first_init in [false, true] {
        let now = Instant::now();
        let mut l =
            Link::new(Association::connect(cfg(1), 5000, 7, now), Association::connect(cfg(2), 7, 5000, now), now);
        if lose_first_init {
            l.a_to_b = Impairment::rule(|i, _| i == 0);
        }
        assert!(l.run_until(STEPS, |l| l.a.state() == State::Established && l.b.state() == State::Established));
        assert!(
            l.run_until(STEPS, |l| l.a_events.contains(&Event::Connected) && l.b_events.contains(&Event::Connected))
        );
        assert_eq!(l.a_events.iter().filter(|e| **e == Event::Connected).count(), 1);
        assert_eq!(l.b_events.iter().filter(|e| **e == Event::Connected).count(), 1);
        l.a.send(0, 1, false, b"from a").unwrap();
        l.b.send(0, 2, false, b"from b").unwrap();
        assert!(
            l.run_until(STEPS, |l| Link::messages(&l.a_events).len() == 1 && Link::messages(&l.b_events).len() == 1)
        );
        assert_eq!(Link::messages(&l.b_events)[0].data, b"from a");
        assert_eq!(Link::messages(&l.a_events)[0].data, b"from b");
        assert_eq!(l.a.stats().bad_tag + l.b.stats().bad_tag, 0);
        let kinds = trace_kinds(&l);
        // Both INITs crossed: both sides answered one; with a's lost, only a answered b's.
        for side in [true, false].into_iter().filter(|s| !lose_first_init || *s) {
            assert!(kinds.contains(&(side, "ChunkType::INIT_ACK".to_string())), "{kinds:?}");
        }
    }
}

/// PR-SCTP (RFC 3758): a message past its retransmission limit is abandoned, a FORWARD TSN moves
/// the peer past it, and the ordered message behind it on the same stream is delivered.
#[test]
fn forward_tsn_abandons_limited_message() {
    for by_lifetime in [false, true] {
        let mut l = established();
        // Every packet carrying the first message (5000 bytes, several fragments) is lost.
        l.a_to_b = Impairment::rule(|_, p| has_chunk(p, |c| matches!(c, Chunk::Data(d) if d.ppid == 1)));
        let opts = if by_lifetime {
            SendOptions { lifetime: Some(Duration::from_millis(500)), max_retransmits: None }
        } else {
            SendOptions { lifetime: None, max_retransmits: Some(1) }
        };
        let now = l.now;
        l.a.send_with(3, 1, false, &[1; 5000], opts, now).unwrap();
        l.a.send(3, 2, false, b"behind it").unwrap();
        l.a.send(3, 3, true, b"unordered").unwrap();
        assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 2 && l.a.buffered() == 0));
        let mut got: Vec<u32> = Link::messages(&l.b_events).iter().map(|m| m.ppid).collect();
        got.sort();
        assert_eq!(got, vec![2, 3], "lifetime: {by_lifetime}");
        assert_eq!(l.a.stats().abandoned_messages, 1);
        assert!(l.a.stats().forward_tsns_out >= 1);
        assert!(l.b.stats().forward_tsns_in >= 1);
        let fwd = l.trace.iter().find_map(|(_, a, p)| {
            let pk = Packet::parse(p).ok()?;
            pk.chunks.iter().find_map(|c| match c {
                Chunk::ForwardTsn { streams, .. } if *a => Some(streams.clone()),
                _ => None,
            })
        });
        // Stream 3's SSN 0 is skipped.
        assert_eq!(fwd, Some(vec![dissect::proto::sctp::ForwardTsnStream { stream_id: 3, ssn: 0 }]));
        // The association goes on: a later message on the stream arrives.
        l.a.send(3, 4, false, b"later").unwrap();
        assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 3));
    }
}

/// Without PR-SCTP on one side the same message is retransmitted until it arrives.
#[test]
fn without_pr_sctp_limits_are_ignored() {
    let now = Instant::now();
    let no_pr = Config { pr_sctp: false, ..cfg(2) };
    let mut l = Link::new(Association::connect(cfg(1), 5000, 7, now), Association::listen(no_pr, 7, now), now);
    assert!(l.run_until(STEPS, connected));
    let mut n = 0;
    l.a_to_b = Impairment::rule(move |_, p| {
        let d = has_chunk(p, |c| matches!(c, Chunk::Data(_)));
        n += d as u32;
        d && n <= 2
    });
    let opts = SendOptions { lifetime: None, max_retransmits: Some(0) };
    let now = l.now;
    l.a.send_with(0, 1, false, b"kept", opts, now).unwrap();
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 1));
    assert_eq!(l.a.stats().abandoned_messages, 0);
}

/// Mutated packets (flipped bytes, cut lengths, with the CRC32c fixed up so they reach the
/// chunk code) never panic an association, and it stays usable.
#[test]
fn mutated_packets_do_not_panic() {
    use rand::{Rng, SeedableRng};
    let mut l = established();
    l.a.send(1, 5, false, &[7; 3000]).unwrap();
    l.b.send(1, 6, true, b"x").unwrap();
    l.a.close(l.now);
    assert!(l.run_until(STEPS, |l| l.a.is_closed() && l.b.is_closed()));
    let corpus: Vec<Vec<u8>> = l.trace.iter().map(|(_, _, p)| p.clone()).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    for round in 0..4 {
        let mut l = established();
        for _ in 0..5000 {
            let mut p = corpus[rng.random_range(0..corpus.len())].clone();
            for _ in 0..rng.random_range(1..4) {
                let i = rng.random_range(0..p.len());
                p[i] = rng.random();
            }
            if rng.random_bool(0.3) {
                let n = rng.random_range(0..=p.len());
                p.truncate(n);
            }
            if rng.random_bool(0.5) && p.len() >= 8 {
                // Aim at the live association: its ports and tag.
                let target = if round % 2 == 0 { &l.trace[1].2 } else { &l.trace[2].2 };
                p[..8].copy_from_slice(&target[..8]);
            }
            dissect::proto::sctp::crc::set_checksum(&mut p);
            if round % 2 == 0 {
                l.a.handle(&p, l.now);
            } else {
                l.b.handle(&p, l.now);
            }
            l.run_until(3, |_| false);
        }
    }
}

/// The client restarts (a new association from the same ports, new tags): the server answers
/// the unexpected INIT with Tie-Tags (§5.2.2), accepts the COOKIE ECHO as a restart (§5.2.4
/// case A), reports it, and both sides exchange messages with fresh sequence numbers.
#[test]
fn peer_restart() {
    let mut l = established();
    l.a.send(0, 1, false, b"before").unwrap();
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 1));
    let old_trace = l.trace.len();
    l.a = Association::connect(cfg(77), 5000, 7, l.now);
    l.a_events.clear();
    assert!(l.run_until(STEPS, |l| l.a.state() == State::Established && l.b_events.contains(&Event::Restarted)));
    assert_eq!(l.b.state(), State::Established);
    assert_eq!(l.b_events.iter().filter(|e| **e == Event::Connected).count(), 1);
    // Fresh sequence numbers on both sides: stream 0 starts again at SSN 0.
    l.a.send(0, 2, false, b"after").unwrap();
    l.b.send(0, 3, false, b"reply").unwrap();
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 2 && Link::messages(&l.a_events).len() == 1));
    assert_eq!(Link::messages(&l.b_events)[1].data, b"after");
    assert_eq!(Link::messages(&l.a_events)[0].data, b"reply");
    let kinds: Vec<String> = l.trace[old_trace..].iter().filter_map(|(_, _, p)| first_chunk(p)).collect();
    assert_eq!(
        &kinds[..4],
        ["ChunkType::INIT", "ChunkType::INIT_ACK", "ChunkType::COOKIE_ECHO", "ChunkType::COOKIE_ACK"]
    );
    // An old COOKIE ECHO of the first handshake does not restart anything.
    let old_cookie =
        l.trace.iter().find(|(_, _, p)| first_chunk(p).as_deref() == Some("ChunkType::COOKIE_ECHO")).unwrap().2.clone();
    let before = l.b_events.len();
    l.b.handle(&old_cookie, l.now);
    l.run_until(50, |_| false);
    assert_eq!(l.b_events[before..].iter().filter(|e| **e == Event::Restarted).count(), 0);
    assert_eq!(l.b.state(), State::Established);
}

fn auth_cfg(seed: u64, required: &[u8]) -> Config {
    Config { auth_chunks: Some(required.to_vec()), ..cfg(seed) }
}

/// SCTP-AUTH (RFC 4895): both ends require DATA and SACK authenticated; every such chunk goes
/// behind a verified AUTH chunk, and chunks without one or with a wrong HMAC are dropped.
#[test]
fn auth_protects_required_chunks() {
    let now = Instant::now();
    let mut l = Link::new(
        Association::connect(auth_cfg(1, &[0, 3]), 5000, 7, now),
        Association::listen(auth_cfg(2, &[0, 3]), 7, now),
        now,
    );
    assert!(l.run_until(STEPS, connected));
    for i in 0..10u32 {
        l.a.send(0, i, false, &vec![i as u8; 3000]).unwrap();
        l.b.send(1, i, true, b"back").unwrap();
    }
    let ok = l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 10 && Link::messages(&l.a_events).len() == 10);
    assert!(ok, "{:?}\n{:?}\n{:?}", l.a.stats(), l.b.stats(), trace_kinds(&l));
    for (_, _, p) in &l.trace {
        let pk = Packet::parse(p).unwrap();
        let first_req = pk.chunks.iter().position(|c| matches!(c, Chunk::Data(_) | Chunk::Sack(_)));
        if let Some(i) = first_req {
            assert!(i > 0 && matches!(pk.chunks[i - 1], Chunk::Auth(_)), "{:?}", pk.chunks);
        }
    }
    assert!(l.a.stats().auth_verified > 0 && l.b.stats().auth_verified > 0);
    assert_eq!(l.a.stats().auth_failed + l.b.stats().auth_failed, 0);
    // A DATA packet with one byte of its user data changed (checksum fixed) is refused.
    let (_, _, good) =
        l.trace.iter().rev().find(|(_, a, p)| *a && has_chunk(p, |c| matches!(c, Chunk::Data(_)))).unwrap().clone();
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    dissect::proto::sctp::crc::set_checksum(&mut bad);
    l.b.handle(&bad, l.now);
    assert_eq!(l.b.stats().auth_failed, 1);
    // A DATA chunk with no AUTH in front is dropped.
    let h = dissect::proto::sctp::CommonHeader::parse(&good).unwrap().0;
    let mut plain = Vec::new();
    let d = Chunk::Data(dissect::proto::sctp::Data {
        immediate: false,
        unordered: false,
        beginning: true,
        ending: true,
        tsn: 12345,
        stream_id: 0,
        ssn: 99,
        ppid: 0,
        user_data: b"forged",
    });
    dissect::proto::sctp::emit_packet(&h, &[d], &mut plain);
    l.b.handle(&plain, l.now);
    assert_eq!(l.b.stats().unauthenticated_dropped, 1);
    assert_eq!(Link::messages(&l.b_events).len(), 10);
}

/// AUTH offered by one side only: the association works without it.
#[test]
fn auth_offered_by_one_side_only() {
    let now = Instant::now();
    let mut l =
        Link::new(Association::connect(auth_cfg(1, &[0]), 5000, 7, now), Association::listen(cfg(2), 7, now), now);
    assert!(l.run_until(STEPS, connected));
    l.a.send(0, 1, false, b"plain").unwrap();
    assert!(l.run_until(STEPS, |l| Link::messages(&l.b_events).len() == 1));
    assert_eq!(l.a.stats().auth_chunks_out, 0);
}
