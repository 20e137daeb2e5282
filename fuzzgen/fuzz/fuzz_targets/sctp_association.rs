//! The SCTP association of `replay`: an established pair on a simulated link, then the input cut
//! into packets (2-byte length prefixes), each aimed at one side with its ports and verification
//! tag and a correct CRC32c so it reaches the chunk code. No panic, no hang (the link runs a
//! bounded number of steps after each packet).
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use replay::sctp::{Association, Config, Link, State};

fuzz_target!(|data: &[u8]| {
    let now = Instant::now();
    let cfg = |seed| Config { seed, auth_chunks: Some(vec![0, 3]), ..Config::default() };
    let mut l = Link::new(Association::connect(cfg(1), 5000, 7, now), Association::listen(cfg(2), 7, now), now);
    if !l.run_until(1000, |l| l.a.state() == State::Established && l.b.state() == State::Established) {
        return;
    }
    let _ = l.a.send(0, 1, false, &[1; 3000]);
    let heads: Vec<Vec<u8>> = l.trace.iter().take(3).map(|(_, _, p)| p[..8].to_vec()).collect();
    let mut rest = data;
    let mut i = 0;
    while rest.len() >= 3 {
        let n = (u16::from_be_bytes([rest[0], rest[1]]) as usize).min(rest.len() - 2);
        let mut p = rest[2..2 + n].to_vec();
        rest = &rest[2 + n..];
        let to_a = i % 2 == 0;
        if p.len() >= 12 {
            // INIT ACK goes to a, COOKIE ECHO to b: their headers carry the right ports and tags.
            let h = if to_a { &heads[1] } else { &heads[2] };
            p[..8].copy_from_slice(h);
        }
        dissect::proto::sctp::crc::set_checksum(&mut p);
        if to_a {
            l.a.handle(&p, l.now);
        } else {
            l.b.handle(&p, l.now);
        }
        l.run_until(20, |_| false);
        i += 1;
    }
});
