//! Handshake message reassembly (RFC 6347 §4.2.3): fragments of one message (same
//! `message_seq`) arrive in any order, may overlap and may repeat; the message is complete when
//! its bytes `0..length` are all covered.
//!
//! Bounded: a message longer than [`MAX_MESSAGE`] is not reassembled, a message takes at most
//! [`MAX_FRAGMENTS`] fragments, and a direction keeps at most [`MAX_PENDING`] messages (the
//! oldest is dropped).

use std::collections::BTreeMap;

/// Longest handshake message reassembled (a certificate chain of a few certificates fits many
/// times over).
pub const MAX_MESSAGE: usize = 1 << 17;
/// Fragments one message may take.
pub const MAX_FRAGMENTS: usize = 256;
/// Messages one direction keeps, complete or not.
pub const MAX_PENDING: usize = 16;

/// What adding a fragment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Added {
    /// The fragment covered bytes already held.
    pub overlap: bool,
    /// ... and some of them differed (the held bytes are kept).
    pub conflict: bool,
    /// This fragment completed the message.
    pub completed: bool,
    /// The message was already complete: the fragment is a retransmission.
    pub duplicate: bool,
    /// Refused: too many fragments, or the fragment runs past the message.
    pub refused: bool,
}

/// One message being reassembled.
#[derive(Debug, Clone)]
pub struct Message {
    pub msg_type: u8,
    pub length: usize,
    data: Vec<u8>,
    /// Covered byte ranges, sorted and merged.
    have: Vec<(usize, usize)>,
    /// (frame, offset, length) of each fragment taken.
    pub fragments: Vec<(u64, usize, usize)>,
    /// Frame that completed it.
    pub completed_in: Option<u64>,
}

impl Message {
    /// A message of `length` bytes; `None` past [`MAX_MESSAGE`].
    pub fn new(msg_type: u8, length: usize) -> Option<Message> {
        (length <= MAX_MESSAGE).then(|| Message {
            msg_type,
            length,
            data: vec![0; length],
            have: Vec::new(),
            fragments: Vec::new(),
            completed_in: None,
        })
    }

    pub fn is_complete(&self) -> bool {
        self.length == 0 && !self.fragments.is_empty() || self.have == [(0, self.length)]
    }

    /// The message body (meaningful once complete).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Add `bytes` at `offset`, seen in `frame`.
    pub fn add(&mut self, frame: u64, offset: usize, bytes: &[u8]) -> Added {
        let mut r = Added::default();
        let end = offset.saturating_add(bytes.len());
        if end > self.length || self.fragments.len() >= MAX_FRAGMENTS {
            r.refused = true;
            return r;
        }
        if self.is_complete() {
            r.duplicate = true;
            r.overlap = !bytes.is_empty();
            r.conflict = self.data.get(offset..end).is_some_and(|held| held != bytes);
            return r;
        }
        for &(a, b) in &self.have {
            let (lo, hi) = (a.max(offset), b.min(end));
            if lo < hi {
                r.overlap = true;
                if self.data[lo..hi] != bytes[lo - offset..hi - offset] {
                    r.conflict = true;
                }
            }
        }
        // Held bytes win; only the holes take the new bytes.
        let mut pos = offset;
        for &(a, b) in self.have.iter().chain(std::iter::once(&(end, end))) {
            if b <= pos {
                continue;
            }
            if a > pos {
                let stop = a.min(end);
                self.data[pos..stop].copy_from_slice(&bytes[pos - offset..stop - offset]);
            }
            pos = pos.max(b);
            if pos >= end {
                break;
            }
        }
        self.have.push((offset, end));
        self.have.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.have.len());
        for &(a, b) in &self.have {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged.retain(|&(a, b)| a < b || self.length == 0);
        self.have = merged;
        self.fragments.push((frame, offset, bytes.len()));
        if self.is_complete() {
            r.completed = true;
            self.completed_in = Some(frame);
        }
        r
    }
}

/// One direction's messages in reassembly, by (epoch, message_seq).
#[derive(Debug, Clone, Default)]
pub struct Reassembler {
    msgs: BTreeMap<(u16, u16), Message>,
    /// Messages dropped to stay within [`MAX_PENDING`].
    pub evicted: usize,
}

impl Reassembler {
    /// The message `key`, created for a fragment of `msg_type` and `length` when new; `None`
    /// when the length is past [`MAX_MESSAGE`] or disagrees with the message's.
    pub fn message(&mut self, key: (u16, u16), msg_type: u8, length: usize) -> Option<&mut Message> {
        if !self.msgs.contains_key(&key) {
            let m = Message::new(msg_type, length)?;
            if self.msgs.len() >= MAX_PENDING {
                let oldest = *self.msgs.keys().next()?;
                self.msgs.remove(&oldest);
                self.evicted += 1;
            }
            self.msgs.insert(key, m);
        }
        self.msgs.get_mut(&key).filter(|m| m.length == length && m.msg_type == msg_type)
    }
}
