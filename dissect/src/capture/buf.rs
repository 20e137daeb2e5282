//! A bounded input buffer over any [`Read`], with the absolute byte offset of what it holds.
//!
//! The buffer starts at [`INITIAL_CAPACITY`] and grows only when one record does not fit, never
//! past what the caller asks for; callers check a record's declared length against
//! [`super::MAX_RECORD_LEN`] before asking. Memory therefore depends on the largest record, never
//! on the file size.

use std::io::{self, Read};

/// Capacity of a fresh buffer.
pub(crate) const INITIAL_CAPACITY: usize = 64 * 1024;

/// Bytes read from a source and not yet consumed.
pub(crate) struct InputBuffer {
    src: Box<dyn Read>,
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    start: usize,
    /// End of the valid bytes in `buf`; `start <= end <= buf.len()`.
    end: usize,
    /// Absolute byte offset in the source of `buf[start]`.
    offset: u64,
    /// The source returned 0 bytes: nothing more will come.
    eof: bool,
}

impl InputBuffer {
    pub(crate) fn new(src: Box<dyn Read>) -> Self {
        InputBuffer { src, buf: vec![0; INITIAL_CAPACITY], start: 0, end: 0, offset: 0, eof: false }
    }

    /// The unconsumed bytes (fewer than asked for when the source ended).
    pub(crate) fn data(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    /// Absolute byte offset of the first unconsumed byte.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Read until at least `n` bytes are available. `Ok(false)` when the source ends first; then
    /// [`Self::data`] holds whatever was left. A read returning `Interrupted` is retried; any other
    /// error is returned. A read that brings no bytes ends the source, so this never spins.
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<bool> {
        while self.end - self.start < n {
            if self.eof {
                return Ok(false);
            }
            if self.buf.len() - self.start < n {
                // The record does not fit behind `start`: move the data to the front, grow if
                // even the whole buffer is too small.
                self.compact();
                if self.buf.len() < n {
                    let new_len = n.max(self.buf.len().saturating_mul(2).min(super::MAX_RECORD_LEN));
                    self.buf.resize(new_len, 0);
                }
            } else if self.end == self.buf.len() {
                self.compact();
            }
            let space = match self.buf.get_mut(self.end..) {
                Some(s) if !s.is_empty() => s,
                _ => return Ok(false),
            };
            let space_len = space.len();
            match self.src.read(space) {
                Ok(0) => self.eof = true,
                // A misbehaving reader may claim more than the space it was given.
                Ok(k) => self.end += k.min(space_len),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Drop the first `n` available bytes (at most all of them).
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.offset += n as u64;
        // Give back the memory a single huge record made us take, once what is left is small.
        if self.buf.len() > 4 * INITIAL_CAPACITY && self.end - self.start <= INITIAL_CAPACITY / 2 {
            self.compact();
            self.buf.truncate(INITIAL_CAPACITY);
            self.buf.shrink_to_fit();
        }
    }

    /// Bytes of memory the buffer holds now.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Delivers its bytes in reads of at most `step` bytes, after an `Interrupted` each time.
    struct Trickle {
        data: Vec<u8>,
        pos: usize,
        step: usize,
        interrupt: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.interrupt {
                self.interrupt = false;
                return Err(io::Error::new(io::ErrorKind::Interrupted, "again"));
            }
            self.interrupt = true;
            let n = self.step.min(out.len()).min(self.data.len() - self.pos);
            out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    #[test]
    fn fills_across_interrupts_and_grows_for_a_large_record() {
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let mut b = InputBuffer::new(Box::new(Trickle { data: data.clone(), pos: 0, step: 7000, interrupt: true }));
        assert!(b.fill(10).unwrap());
        assert_eq!(b.data()[..10], data[..10]);
        b.consume(3);
        assert_eq!(b.offset(), 3);
        assert!(b.fill(150_000).unwrap());
        assert_eq!(b.data()[..150_000], data[3..150_003]);
        b.consume(150_000);
        assert!(!b.fill(60_000).unwrap());
        assert_eq!(b.data(), &data[150_003..]);
        assert_eq!(b.offset(), 150_003);
    }

    #[test]
    fn io_error_is_returned() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::PermissionDenied, "no"))
            }
        }
        let mut b = InputBuffer::new(Box::new(Broken));
        assert_eq!(b.fill(1).unwrap_err().kind(), io::ErrorKind::PermissionDenied);
    }
}
