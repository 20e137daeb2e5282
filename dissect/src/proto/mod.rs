//! Protocol modules: wire types with `parse` and `emit`, and `dissect` into the tree.

pub mod ctp;
pub mod dtls;
pub mod forces;
pub mod gist;
pub mod mtatls;
pub mod sctp;
pub mod simco;
pub mod tls;
