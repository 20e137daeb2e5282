//! Corpus scenarios for CTP (draft-honeywell-ctp-04) over TCP.

use crate::corpus::{CorpusError, CorpusFile};

/// This protocol's seeded corpus files.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}
