//! Protocol scenarios: corpus captures built from each protocol's `emit`, one module per
//! protocol. Each module's `corpus_files(seed)` returns its seeded files (the same bytes for the
//! same seed); [`corpus_files`] gathers them in a fixed order for `fuzzgen corpus`.

use crate::corpus::{CorpusError, CorpusFile};

pub mod ctp;
pub mod dtls;
pub mod forces;
pub mod gist;
pub mod mtatls;
pub mod simco;

/// Every protocol scenario file for `seed`, in a fixed order.
pub fn corpus_files(seed: u64) -> Result<Vec<CorpusFile>, CorpusError> {
    let mut v = Vec::new();
    v.extend(ctp::corpus_files(seed)?);
    v.extend(mtatls::corpus_files(seed)?);
    v.extend(simco::corpus_files(seed)?);
    v.extend(forces::corpus_files(seed)?);
    v.extend(gist::corpus_files(seed)?);
    v.extend(dtls::corpus_files(seed)?);
    Ok(v)
}
