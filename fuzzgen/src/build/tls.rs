//! Real TLS sessions recorded in memory: an OpenSSL client and server talk over two in-memory
//! pipes, every byte each side writes is kept in the order it was written, and the session's
//! secrets come out as an NSS key log (the `SSLKEYLOGFILE` format, one
//! `CLIENT_RANDOM`/`*_TRAFFIC_SECRET_0` line per secret). [`to_frames`] then lays the writes
//! out as a TCP conversation with [`TcpConv`], one write per send (cut at the MSS).
//!
//! The server's certificate is self-signed, made at run time with OpenSSL's X509 builder. The
//! options choose the protocol version (TLS 1.2 or 1.3), the cipher suite, the ALPN protocols
//! the client offers (the server takes the first it knows, RFC 7301 §3.2), and one custom
//! extension in the ClientHello and the server's reply (the ServerHello in TLS 1.2, the
//! EncryptedExtensions in TLS 1.3, RFC 8446 §4.3.1), which is how MTA-TLS's
//! `data_multiplexing` extension is negotiated.
//!
//! A recording is not reproducible: TLS randoms, key shares and the certificate's key are
//! fresh each time. What is written with it is kept with its key log.
//!
//! ```no_run
//! use fuzzgen::build::tls::{TlsOptions, TlsRecorder, TlsVersion};
//! use fuzzgen::build::Dir;
//! let opts = TlsOptions { version: TlsVersion::Tls12, alpn: vec![b"ctp/1".to_vec()], ..TlsOptions::default() };
//! let mut r = TlsRecorder::new(&opts).unwrap();
//! r.write(Dir::ToServer, b"hello").unwrap();
//! r.write(Dir::ToClient, b"world").unwrap();
//! let rec = r.finish().unwrap();
//! assert_eq!(rec.alpn.as_deref(), Some(&b"ctp/1"[..]));
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{
    AlpnError, ErrorCode, ExtensionContext, Ssl, SslAlert, SslContext, SslContextBuilder, SslMethod, SslStream,
    SslVerifyMode, SslVersion,
};
use openssl::x509::{X509NameBuilder, X509};

use super::tcp::{Dir, TcpConv};
use super::{BuildError, Frame};

/// The TLS version of a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    #[default]
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

/// A custom extension (RFC 8446 §4.2, RFC 5246 §7.4.1.4): its type and the bytes each side
/// puts in it. The server answers only when the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomExt {
    pub ty: u16,
    pub client: Vec<u8>,
    pub server: Vec<u8>,
}

/// What to negotiate.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub version: TlsVersion,
    /// The cipher suite: an OpenSSL cipher list for TLS 1.2 (`ECDHE-RSA-AES128-GCM-SHA256`), a
    /// ciphersuites list for TLS 1.3 (`TLS_AES_128_GCM_SHA256`); `None` for OpenSSL's default.
    pub cipher: Option<String>,
    /// ALPN protocols the client offers, in order; the server accepts the first.
    pub alpn: Vec<Vec<u8>>,
    pub custom_ext: Option<CustomExt>,
    /// The server name the client sends (SNI, RFC 6066 §3).
    pub server_name: Option<String>,
}

/// Why a recording failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("OpenSSL: {0}")]
    Ssl(#[from] openssl::error::ErrorStack),
    #[error("TLS {stage}: {msg}")]
    Session { stage: &'static str, msg: String },
}

impl From<TlsError> for BuildError {
    fn from(e: TlsError) -> Self {
        BuildError::Invalid(e.to_string())
    }
}

/// Every byte written, by direction, in the order of the writes.
type Log = Rc<RefCell<Vec<(Dir, Vec<u8>)>>>;

/// One end of an in-memory duplex: reads from its inbox, writes to the peer's inbox and to the
/// log. An empty inbox reads as `WouldBlock`, which OpenSSL reports as WANT_READ.
struct Pipe {
    dir: Dir,
    inbox: Rc<RefCell<VecDeque<u8>>>,
    outbox: Rc<RefCell<VecDeque<u8>>>,
    log: Log,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut q = self.inbox.borrow_mut();
        if q.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = buf.len().min(q.len());
        for (d, s) in buf.iter_mut().zip(q.drain(..n)) {
            *d = s;
        }
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outbox.borrow_mut().extend(buf.iter().copied());
        self.log.borrow_mut().push((self.dir, buf.to_vec()));
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a finished recording holds.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Every write, in order: the direction and the bytes.
    pub writes: Vec<(Dir, Vec<u8>)>,
    /// The NSS key log of the session.
    pub keylog: String,
    /// The ALPN protocol the server selected.
    pub alpn: Option<Vec<u8>>,
    /// The custom extension's bytes as each side received them (the server's view of the
    /// client's, the client's view of the server's).
    pub custom_ext_seen: (Option<Vec<u8>>, Option<Vec<u8>>),
    /// The negotiated cipher suite's standard name.
    pub cipher: Option<String>,
    pub version: String,
}

/// A live session between an in-memory client and server.
pub struct TlsRecorder {
    client: SslStream<Pipe>,
    server: SslStream<Pipe>,
    log: Log,
    keylog: Arc<Mutex<String>>,
    ext_seen: [Arc<Mutex<Option<Vec<u8>>>>; 2],
}

/// Handshake and read rounds allowed before a session is declared stuck.
const MAX_ROUNDS: usize = 64;

pub(crate) fn key_and_cert(common_name: &str) -> Result<(PKey<Private>, X509), TlsError> {
    let key = PKey::from_rsa(Rsa::generate(2048)?)?;
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", common_name)?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(64, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    b.set_serial_number(&serial)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(&name)?;
    b.set_pubkey(&key)?;
    let (from, to) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(365)?);
    b.set_not_before(&from)?;
    b.set_not_after(&to)?;
    b.sign(&key, MessageDigest::sha256())?;
    Ok((key, b.build()))
}

fn versions(b: &mut SslContextBuilder, opts: &TlsOptions) -> Result<(), TlsError> {
    let v = match opts.version {
        TlsVersion::Tls12 => SslVersion::TLS1_2,
        TlsVersion::Tls13 => SslVersion::TLS1_3,
    };
    b.set_min_proto_version(Some(v))?;
    b.set_max_proto_version(Some(v))?;
    if let Some(c) = &opts.cipher {
        match opts.version {
            TlsVersion::Tls12 => b.set_cipher_list(c)?,
            TlsVersion::Tls13 => b.set_ciphersuites(c)?,
        }
    }
    Ok(())
}

fn custom_ext(
    b: &mut SslContextBuilder,
    ext: &CustomExt,
    payload: Vec<u8>,
    seen: Arc<Mutex<Option<Vec<u8>>>>,
    server: bool,
) -> Result<(), TlsError> {
    let ctx = ExtensionContext::CLIENT_HELLO
        | ExtensionContext::TLS1_2_SERVER_HELLO
        | ExtensionContext::TLS1_3_ENCRYPTED_EXTENSIONS;
    b.add_custom_ext(
        ext.ty,
        ctx,
        move |_ssl, c, _cert| -> Result<Option<Vec<u8>>, SslAlert> {
            let mine = if server {
                !c.contains(ExtensionContext::CLIENT_HELLO)
            } else {
                c.contains(ExtensionContext::CLIENT_HELLO)
            };
            Ok(mine.then(|| payload.clone()))
        },
        move |_ssl, _c, data: &[u8], _cert| -> Result<(), SslAlert> {
            if let Ok(mut s) = seen.lock() {
                *s = Some(data.to_vec());
            }
            Ok(())
        },
    )?;
    Ok(())
}

pub(crate) fn session_err(stage: &'static str, e: impl std::fmt::Display) -> TlsError {
    TlsError::Session { stage, msg: e.to_string() }
}

impl TlsRecorder {
    /// Set up both ends and run the handshake.
    pub fn new(opts: &TlsOptions) -> Result<Self, TlsError> {
        let (key, cert) = key_and_cert("ctp.example")?;
        let keylog = Arc::new(Mutex::new(String::new()));
        let ext_seen = [Arc::new(Mutex::new(None)), Arc::new(Mutex::new(None))];

        let mut cb = SslContext::builder(SslMethod::tls_client())?;
        versions(&mut cb, opts)?;
        cb.set_verify(SslVerifyMode::NONE);
        let kl = keylog.clone();
        cb.set_keylog_callback(move |_ssl, line| {
            if let Ok(mut k) = kl.lock() {
                k.push_str(line);
                k.push('\n');
            }
        });
        if !opts.alpn.is_empty() {
            let mut wire = Vec::new();
            for p in &opts.alpn {
                let len = u8::try_from(p.len()).map_err(|_| session_err("ALPN", "protocol name over 255 bytes"))?;
                wire.push(len);
                wire.extend_from_slice(p);
            }
            cb.set_alpn_protos(&wire)?;
        }
        let mut sb = SslContext::builder(SslMethod::tls_server())?;
        versions(&mut sb, opts)?;
        sb.set_private_key(&key)?;
        sb.set_certificate(&cert)?;
        sb.check_private_key()?;
        if !opts.alpn.is_empty() {
            let offered = opts.alpn.clone();
            sb.set_alpn_select_callback(move |_ssl, client| {
                // The client's list, in its order, restricted to what this server was told.
                let mut rest = client;
                while let Some((&len, tail)) = rest.split_first() {
                    let Some(p) = tail.get(..usize::from(len)) else { break };
                    if offered.iter().any(|o| o.as_slice() == p) {
                        return Ok(p);
                    }
                    rest = tail.get(usize::from(len)..).unwrap_or_default();
                }
                Err(AlpnError::NOACK)
            });
        }
        if let Some(ext) = &opts.custom_ext {
            custom_ext(&mut cb, ext, ext.client.clone(), ext_seen[1].clone(), false)?;
            custom_ext(&mut sb, ext, ext.server.clone(), ext_seen[0].clone(), true)?;
        }
        let (cctx, sctx) = (cb.build(), sb.build());

        let log: Log = Rc::new(RefCell::new(Vec::new()));
        let c2s = Rc::new(RefCell::new(VecDeque::new()));
        let s2c = Rc::new(RefCell::new(VecDeque::new()));
        let cpipe = Pipe { dir: Dir::ToServer, inbox: s2c.clone(), outbox: c2s.clone(), log: log.clone() };
        let spipe = Pipe { dir: Dir::ToClient, inbox: c2s, outbox: s2c, log: log.clone() };
        let mut cssl = Ssl::new(&cctx)?;
        if let Some(n) = &opts.server_name {
            cssl.set_hostname(n)?;
        }
        let client = SslStream::new(cssl, cpipe)?;
        let server = SslStream::new(Ssl::new(&sctx)?, spipe)?;
        let mut r = TlsRecorder { client, server, log, keylog, ext_seen };
        r.handshake()?;
        Ok(r)
    }

    fn handshake(&mut self) -> Result<(), TlsError> {
        let (mut c_done, mut s_done) = (false, false);
        for _ in 0..MAX_ROUNDS {
            if !c_done {
                match self.client.connect() {
                    Ok(()) => c_done = true,
                    Err(e) if e.code() == ErrorCode::WANT_READ => {}
                    Err(e) => return Err(session_err("client handshake", e)),
                }
            }
            if !s_done {
                match self.server.accept() {
                    Ok(()) => s_done = true,
                    Err(e) if e.code() == ErrorCode::WANT_READ => {}
                    Err(e) => return Err(session_err("server handshake", e)),
                }
            }
            if c_done && s_done {
                return Ok(());
            }
        }
        Err(session_err("handshake", "did not finish"))
    }

    /// The stream of the endpoint that sends in `dir`, and its peer's.
    fn ends(&mut self, dir: Dir) -> (&mut SslStream<Pipe>, &mut SslStream<Pipe>) {
        match dir {
            Dir::ToServer => (&mut self.client, &mut self.server),
            Dir::ToClient => (&mut self.server, &mut self.client),
        }
    }

    /// The endpoint sending in `dir` writes `data` (as TLS records of up to 16 KiB, RFC 5246
    /// §6.2.1); its peer reads all of it. Returns what the peer read.
    pub fn write(&mut self, dir: Dir, data: &[u8]) -> Result<Vec<u8>, TlsError> {
        let (tx, rx) = self.ends(dir);
        let mut at = 0;
        while at < data.len() {
            let n = tx.ssl_write(data.get(at..).unwrap_or_default()).map_err(|e| session_err("write", e))?;
            at += n;
        }
        let mut got = Vec::with_capacity(data.len());
        let mut buf = vec![0u8; 16 * 1024];
        for _ in 0..MAX_ROUNDS + data.len() / 1024 {
            if got.len() >= data.len() {
                break;
            }
            match rx.ssl_read(&mut buf) {
                Ok(n) => got.extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(e) if e.code() == ErrorCode::WANT_READ => {
                    // Nothing more arrived: a TLS 1.3 ticket may need the sender to read.
                    let mut scratch = [0u8; 1];
                    match tx.ssl_read(&mut scratch) {
                        Ok(_) => return Err(session_err("read", "unexpected application data")),
                        Err(e) if e.code() == ErrorCode::WANT_READ => {}
                        Err(e) => return Err(session_err("read", e)),
                    }
                }
                Err(e) => return Err(session_err("read", e)),
            }
        }
        if got != data {
            return Err(session_err("read", format!("{} of {} bytes arrived intact", got.len(), data.len())));
        }
        Ok(got)
    }

    /// Let each side read what the other has sent without application data (a TLS 1.3
    /// server's NewSessionTicket, RFC 8446 §4.6.1), so it is in the recording before what
    /// follows.
    pub fn settle(&mut self) -> Result<(), TlsError> {
        let mut buf = [0u8; 1];
        for s in [&mut self.client, &mut self.server] {
            match s.ssl_read(&mut buf) {
                Ok(_) => return Err(session_err("settle", "unexpected application data")),
                Err(e) if matches!(e.code(), ErrorCode::WANT_READ | ErrorCode::ZERO_RETURN) => {}
                Err(e) => return Err(session_err("settle", e)),
            }
        }
        Ok(())
    }

    /// Close both ways with close_notify alerts (RFC 8446 §6.1), the client first, and return
    /// the recording.
    pub fn finish(mut self) -> Result<Recording, TlsError> {
        let _ = self.client.shutdown().map_err(|e| session_err("client close_notify", e))?;
        let _ = self.server.shutdown().map_err(|e| session_err("server close_notify", e))?;
        let _ = self.client.shutdown();
        let ssl = self.client.ssl();
        let alpn = ssl.selected_alpn_protocol().map(<[u8]>::to_vec);
        let cipher = ssl.current_cipher().and_then(|c| c.standard_name()).map(str::to_string);
        let version = ssl.version_str().to_string();
        let seen = |m: &Arc<Mutex<Option<Vec<u8>>>>| m.lock().ok().and_then(|g| g.clone());
        let custom_ext_seen = (seen(&self.ext_seen[0]), seen(&self.ext_seen[1]));
        let keylog = self.keylog.lock().map(|k| k.clone()).unwrap_or_default();
        let writes = std::mem::take(&mut *self.log.borrow_mut());
        Ok(Recording { writes, keylog, alpn, custom_ext_seen, cipher, version })
    }
}

/// Lay a recording out on a TCP conversation that has done its handshake: each write is sent
/// at once (cut at the MSS; each segment acknowledges what the peer sent before), and the last
/// is acknowledged by a pure ACK.
pub fn to_frames(rec: &Recording, t: &mut TcpConv) -> Result<(), BuildError> {
    for (dir, bytes) in &rec.writes {
        t.send(*dir, bytes)?;
    }
    if let Some((last, _)) = rec.writes.last() {
        t.ack(last.reverse())?;
    }
    Ok(())
}

/// Frames of a whole recorded connection: handshake, the recording, FIN teardown.
pub fn connection_frames(rec: &Recording, mut t: TcpConv) -> Result<Vec<Frame>, BuildError> {
    t.handshake()?;
    to_frames(rec, &mut t)?;
    t.close()?;
    Ok(t.into_frames())
}
