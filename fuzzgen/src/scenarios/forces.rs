//! Corpus scenarios for ForCES (RFC 5810) over the SCTP TML (RFC 5811).

use crate::corpus::{CorpusError, CorpusFile};

/// This protocol's seeded corpus files.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let _ = seed;
    Ok(Vec::new())
}
