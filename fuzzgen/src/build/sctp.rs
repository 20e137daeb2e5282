//! SCTP associations (RFC 9260); built last, on the wire types of `dissect::proto::sctp`.
