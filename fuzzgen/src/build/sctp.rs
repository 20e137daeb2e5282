//! SCTP associations (RFC 9260); built last, on the wire types of `dissect::proto::sctp`.

use crate::corpus::{CorpusError, CorpusFile};

/// The SCTP corpus files (none yet).
pub fn corpus_files(_seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    Ok(Vec::new())
}
