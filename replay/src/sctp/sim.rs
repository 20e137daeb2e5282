//! Two associations joined by a simulated link: a virtual clock, a fixed one-way latency,
//! [`Impairment`] hooks on each direction, and a bound on steps so a livelock ends as a failure
//! instead of a hang.

use std::time::{Duration, Instant};

use super::{Association, Event, Impairment};

/// A simulated link between `a` (the client) and `b` (the server).
pub struct Link {
    pub a: Association,
    pub b: Association,
    pub now: Instant,
    pub latency: Duration,
    /// Damage on packets from `a` to `b`, and from `b` to `a`.
    pub a_to_b: Impairment,
    pub b_to_a: Impairment,
    /// Events seen so far on each side.
    pub a_events: Vec<Event>,
    pub b_events: Vec<Event>,
    /// Packets in flight: arrival time, towards `b`?, bytes.
    in_flight: Vec<(Instant, bool, Vec<u8>)>,
    /// Every packet that went onto the link: departure time, from `a`?, bytes.
    pub trace: Vec<(Instant, bool, Vec<u8>)>,
    pub steps: u64,
    /// Whether `b`'s user reads its events (false leaves received messages in its buffer).
    pub b_reads: bool,
}

impl Link {
    pub fn new(a: Association, b: Association, now: Instant) -> Self {
        Link {
            a,
            b,
            now,
            latency: Duration::from_millis(10),
            a_to_b: Impairment::none(),
            b_to_a: Impairment::none(),
            a_events: Vec::new(),
            b_events: Vec::new(),
            in_flight: Vec::new(),
            trace: Vec::new(),
            steps: 0,
            b_reads: true,
        }
    }

    fn flush(&mut self) {
        for from_a in [true, false] {
            loop {
                let (assoc, imp) =
                    if from_a { (&mut self.a, &mut self.a_to_b) } else { (&mut self.b, &mut self.b_to_a) };
                let Some(p) = assoc.poll_transmit(self.now) else { break };
                self.trace.push((self.now, from_a, p.clone()));
                for (extra, copy) in imp.apply(p) {
                    self.in_flight.push((self.now + self.latency + extra, from_a, copy));
                }
            }
        }
        while let Some(e) = self.a.poll_event() {
            self.a_events.push(e);
        }
        while self.b_reads {
            let Some(e) = self.b.poll_event() else { break };
            self.b_events.push(e);
        }
    }

    /// Run until `done` holds (true) or nothing is left to happen or `max_steps` steps have
    /// passed (false). A step delivers the packets and fires the timers due at the next instant.
    pub fn run_until(&mut self, max_steps: u64, mut done: impl FnMut(&mut Link) -> bool) -> bool {
        for _ in 0..max_steps {
            self.steps += 1;
            self.flush();
            if done(self) {
                return true;
            }
            let next = self
                .in_flight
                .iter()
                .map(|(t, _, _)| *t)
                .chain(self.a.poll_timeout())
                .chain(self.b.poll_timeout())
                .min();
            let Some(next) = next else { return false };
            self.now = self.now.max(next);
            let now = self.now;
            let mut arrived = Vec::new();
            self.in_flight.retain(|(t, to_b, p)| {
                if *t <= now {
                    arrived.push((*t, *to_b, p.clone()));
                    false
                } else {
                    true
                }
            });
            arrived.sort_by_key(|(t, _, _)| *t);
            for (_, from_a, p) in arrived {
                if from_a {
                    self.b.handle(&p, now);
                } else {
                    self.a.handle(&p, now);
                }
            }
            self.a.handle_timeout(now);
            self.b.handle_timeout(now);
        }
        false
    }

    /// Messages received so far by `a` or `b`.
    pub fn messages(events: &[Event]) -> Vec<&super::Message> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Message(m) => Some(m),
                _ => None,
            })
            .collect()
    }
}
