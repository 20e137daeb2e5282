//! The seeded corpus.
