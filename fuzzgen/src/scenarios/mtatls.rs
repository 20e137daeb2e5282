//! Corpus scenarios for MTA-TLS (draft-badra-tls-multiplexing-01) inside TLS.

use crate::corpus::{CorpusError, CorpusFile};

/// This protocol's seeded corpus files.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}
