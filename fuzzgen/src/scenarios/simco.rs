//! Corpus scenarios for SIMCO v3 (RFC 4540) over SCTP and TCP.

use crate::corpus::{CorpusError, CorpusFile};

/// This protocol's seeded corpus files.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}
