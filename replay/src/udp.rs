//! UDP encapsulation driver (RFC 6951).
