//! Hooks that damage a packet stream on purpose, so loss, duplication and reordering can be
//! produced on a simulated link or on loopback: by rule (a predicate on the packet's index and
//! bytes) or at random from a seed (ChaCha8, so a run can be repeated).

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A rule: `true` drops the packet. Arguments: the packet's index in this direction (from 0) and
/// its bytes.
pub type DropRule = Box<dyn FnMut(u64, &[u8]) -> bool + Send>;

/// What happens to the packets of one direction.
pub struct Impairment {
    /// Probability of dropping a packet.
    pub loss: f64,
    /// Probability of sending a packet twice.
    pub duplicate: f64,
    /// Probability of holding a packet back by up to `reorder_delay` (so later ones overtake it).
    pub reorder: f64,
    pub reorder_delay: Duration,
    /// Drops decided by rule, applied before the random ones.
    pub rule: Option<DropRule>,
    rng: ChaCha8Rng,
    index: u64,
    /// Packets dropped, duplicated and delayed so far.
    pub dropped: u64,
    pub duplicated: u64,
    pub delayed: u64,
}

impl std::fmt::Debug for Impairment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Impairment")
            .field("loss", &self.loss)
            .field("duplicate", &self.duplicate)
            .field("reorder", &self.reorder)
            .field("dropped", &self.dropped)
            .finish()
    }
}

impl Impairment {
    /// No damage.
    pub fn none() -> Self {
        Self::random(0, 0.0, 0.0, 0.0)
    }

    /// Random loss, duplication and reordering with the given probabilities, from `seed`.
    pub fn random(seed: u64, loss: f64, duplicate: f64, reorder: f64) -> Self {
        Impairment {
            loss,
            duplicate,
            reorder,
            reorder_delay: Duration::from_millis(30),
            rule: None,
            rng: ChaCha8Rng::seed_from_u64(seed),
            index: 0,
            dropped: 0,
            duplicated: 0,
            delayed: 0,
        }
    }

    /// Drop the packets for which `rule` says so (and nothing else at random).
    pub fn rule(rule: impl FnMut(u64, &[u8]) -> bool + Send + 'static) -> Self {
        Impairment { rule: Some(Box::new(rule)), ..Self::none() }
    }

    /// What becomes of one packet: zero, one or two copies, each with an extra delay.
    pub fn apply(&mut self, packet: Vec<u8>) -> Vec<(Duration, Vec<u8>)> {
        let i = self.index;
        self.index += 1;
        if let Some(rule) = self.rule.as_mut() {
            if rule(i, &packet) {
                self.dropped += 1;
                return Vec::new();
            }
        }
        if self.loss > 0.0 && self.rng.random_bool(self.loss.min(1.0)) {
            self.dropped += 1;
            return Vec::new();
        }
        let mut delay = Duration::ZERO;
        if self.reorder > 0.0 && self.rng.random_bool(self.reorder.min(1.0)) {
            self.delayed += 1;
            let max = self.reorder_delay.as_micros().max(1) as u64;
            delay = Duration::from_micros(self.rng.random_range(1..=max));
        }
        if self.duplicate > 0.0 && self.rng.random_bool(self.duplicate.min(1.0)) {
            self.duplicated += 1;
            return vec![(delay, packet.clone()), (delay, packet)];
        }
        vec![(delay, packet)]
    }
}
