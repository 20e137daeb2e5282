//! Generators, builders and capture writers.
#![forbid(unsafe_code)]
