//! Corpus scenarios for GIST (RFC 5971) in D-mode over UDP and C-mode over TCP and SCTP.

use crate::corpus::{CorpusError, CorpusFile};

/// This protocol's seeded corpus files.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}
