//! DTLS (RFC 4347 for DTLS 1.0, RFC 6347 for DTLS 1.2) over UDP and over SCTP (RFC 6083), with
//! decryption from an NSS key log.
//!
//! - [`wire`]: the record header with epoch and 48-bit sequence number (RFC 6347 §4.1), the
//!   handshake header with `message_seq`, `fragment_offset`, `fragment_length` (§4.2.2),
//!   HelloVerifyRequest and the ClientHello cookie (§4.2.1), the DTLS 1.3 unified header
//!   (RFC 9147 §4, recognised and shown, not decrypted); `parse` and `emit`.
//! - [`reasm`]: handshake reassembly (§4.2.3) out of order and overlapping, capped.
//! - [`conv`]: per association (UDP conversation or SCTP association): records (several per
//!   datagram, §4.1.1), the session learnt from the hellos, the fields of each handshake message
//!   (walked by the TLS code, [`crate::proto::tls::dissect`], with tshark's `dtls.` names) and
//!   decryption with the TLS record ciphers: the TLS 1.2 key block for DTLS 1.2, TLS 1.1's for
//!   DTLS 1.0 and OpenSSL's pre-RFC 0x0100, epoch and sequence number together as the 64-bit
//!   sequence number of the MAC and AEAD additional data (RFC 6347 §4.1.2.1). AES-GCM, AES-CCM,
//!   AES-CCM-8, ChaCha20-Poly1305 and AES-CBC with HMAC (encrypt-then-MAC too) are decrypted;
//!   decrypted bytes live in a "Decrypted DTLS" buffer.
//! - [`hf`]: the fields.
//!
//! Over UDP: the ports of [`UDP`] and a strict heuristic ([`heuristic`]). Over SCTP (SPEC-NOTES
//! G5, RFC 6083 §3.2, §4.4): one record per user message (more is an expert info), the
//! handshake on stream 0 with ordered delivery (else an expert info); RFC 6083 §4.3 defines no
//! PPID, so the association is chosen by port, `-d`, GIST's announcement (G3) or the
//! heuristic; the SCTP layer parses the AUTH chunks §4.4 requires; no replay detection (§3.3).

pub mod conv;
pub mod hf;
pub mod reasm;
pub mod wire;

#[cfg(test)]
mod tests;

pub use conv::{ConvKey, DtlsState};

use crate::engine::{Ctx, SctpMessage, SctpProtocol, UdpPayload, UdpProtocol};
use crate::proto::tls::{ContentType, ProtocolVersion};
use crate::tree::Tvb;

/// Registration on UDP (see `engine::UDP_PROTOCOLS`): CoAP over DTLS (RFC 7252 §12.7, 5684)
/// and the usual DTLS test port 4433.
pub const UDP: UdpProtocol =
    UdpProtocol { name: "dtls", ports: &[5684, 4433], heuristic: Some(heuristic), dissect: udp };

/// A strict check of a datagram's first record: content type 20 to 25, a DTLS version
/// (0xfeff, 0xfefd, 0x0100), and a length that fits the datagram.
pub fn heuristic(d: &[u8]) -> bool {
    let Some(h) = d.get(..wire::RECORD_HEADER_LEN) else { return false };
    let ct = ContentType(h[0]);
    let v = ProtocolVersion(u16::from_be_bytes([h[1], h[2]]));
    let len = u16::from_be_bytes([h[11], h[12]]) as usize;
    (20..=25).contains(&ct.0)
        && wire::is_dtls_version(v)
        && len > 0
        && len <= wire::MAX_FRAGMENT
        && wire::RECORD_HEADER_LEN + len <= d.len()
}

fn udp(ctx: &mut Ctx, p: &UdpPayload, tvb: Tvb) {
    let from = (ctx.addrs.src, p.src_port);
    conv::dissect(ctx, ConvKey::Udp(p.stream), from, tvb, None)
}

/// Registration on SCTP (see `engine::SCTP_PROTOCOLS`): by `-d`, port or heuristic.
pub const SCTP: SctpProtocol =
    SctpProtocol { name: "dtls", ports: &[], ppids: &[], heuristic: Some(heuristic), dissect: sctp };

fn sctp(ctx: &mut Ctx, m: &SctpMessage, tvb: Tvb) {
    let carrier = conv::SctpCarrier { stream: m.stream, unordered: m.unordered };
    conv::dissect(ctx, ConvKey::Sctp(m.assoc), (None, m.dir as u16), tvb, Some(carrier))
}

/// Statistics this protocol adds to `-z`.
pub static TAPS: &[crate::stats::TapDef] = &[];

/// Protocol forms of `--follow` this protocol adds.
pub static FOLLOW: &[crate::stats::FollowDef] = &[];

/// Fields defined here, for the glossary.
pub fn fields() -> Vec<&'static crate::tree::FieldDef> {
    hf::all()
}
