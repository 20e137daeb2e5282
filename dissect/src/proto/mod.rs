//! Protocol modules: wire types with `parse` and `emit`, and `dissect` into the tree.

pub mod ctp;
pub mod sctp;
pub mod tls;
