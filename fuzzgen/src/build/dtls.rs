//! Real DTLS 1.2 sessions recorded in memory: an OpenSSL client and server (`SslMethod::dtls()`)
//! exchange datagrams over two in-memory queues that keep each write as one datagram, every
//! datagram is kept in the order it was written, and the session's master secret comes out as an
//! NSS key log (`CLIENT_RANDOM` lines). [`to_frames`] lays the datagrams out on a [`UdpFlow`].
//!
//! The server's certificate is self-signed, made at run time. The MTU is fixed (500 bytes) so
//! OpenSSL never asks the in-memory transport for one, and the certificate flight is fragmented
//! into several handshake fragments (RFC 6347 §4.2.3). Like the TLS recordings, a DTLS recording
//! is not reproducible.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use openssl::ssl::{ErrorCode, Ssl, SslContext, SslMethod, SslOptions, SslStream, SslVerifyMode, SslVersion};

use super::tcp::Dir;
use super::tls::{key_and_cert, session_err, TlsError};
use super::udp::UdpFlow;
use super::{BuildError, Endpoint};

/// Every datagram written, by direction, in order.
type Log = Rc<RefCell<Vec<(Dir, Vec<u8>)>>>;
type Queue = Rc<RefCell<VecDeque<Vec<u8>>>>;

/// One end of an in-memory datagram link: a read takes one whole datagram (cut to the buffer);
/// a write sends one. An empty inbox reads as `WouldBlock` (OpenSSL's WANT_READ).
struct DatagramPipe {
    dir: Dir,
    inbox: Queue,
    outbox: Queue,
    log: Log,
}

impl Read for DatagramPipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(d) = self.inbox.borrow_mut().pop_front() else { return Err(io::ErrorKind::WouldBlock.into()) };
        let n = buf.len().min(d.len());
        buf[..n].copy_from_slice(&d[..n]);
        Ok(n)
    }
}

impl Write for DatagramPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outbox.borrow_mut().push_back(buf.to_vec());
        self.log.borrow_mut().push((self.dir, buf.to_vec()));
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a finished recording holds.
#[derive(Debug, Clone)]
pub struct DtlsRecording {
    /// Every datagram, in order: its direction and bytes.
    pub datagrams: Vec<(Dir, Vec<u8>)>,
    /// The NSS key log of the session.
    pub keylog: String,
    /// The negotiated cipher suite's standard name.
    pub cipher: Option<String>,
}

/// A live DTLS 1.2 session between an in-memory client and server.
pub struct DtlsRecorder {
    client: SslStream<DatagramPipe>,
    server: SslStream<DatagramPipe>,
    log: Log,
    keylog: Arc<Mutex<String>>,
}

/// Rounds allowed before a session is declared stuck.
const MAX_ROUNDS: usize = 64;
/// The path MTU both ends use.
pub const MTU: u32 = 500;

impl DtlsRecorder {
    /// Set up both ends with the OpenSSL cipher list `cipher` and run the handshake.
    pub fn new(cipher: &str) -> Result<Self, TlsError> {
        let (key, cert) = key_and_cert("gist.example")?;
        let keylog = Arc::new(Mutex::new(String::new()));
        let mut cb = SslContext::builder(SslMethod::dtls())?;
        let mut sb = SslContext::builder(SslMethod::dtls())?;
        for b in [&mut cb, &mut sb] {
            b.set_min_proto_version(Some(SslVersion::DTLS1_2))?;
            b.set_max_proto_version(Some(SslVersion::DTLS1_2))?;
            b.set_cipher_list(cipher)?;
            b.set_options(SslOptions::NO_QUERY_MTU);
        }
        cb.set_verify(SslVerifyMode::NONE);
        let kl = keylog.clone();
        cb.set_keylog_callback(move |_ssl, line| {
            if let Ok(mut k) = kl.lock() {
                k.push_str(line);
                k.push('\n');
            }
        });
        sb.set_private_key(&key)?;
        sb.set_certificate(&cert)?;
        sb.check_private_key()?;
        let (cctx, sctx) = (cb.build(), sb.build());
        let log: Log = Rc::new(RefCell::new(Vec::new()));
        let c2s: Queue = Rc::new(RefCell::new(VecDeque::new()));
        let s2c: Queue = Rc::new(RefCell::new(VecDeque::new()));
        let cpipe = DatagramPipe { dir: Dir::ToServer, inbox: s2c.clone(), outbox: c2s.clone(), log: log.clone() };
        let spipe = DatagramPipe { dir: Dir::ToClient, inbox: c2s, outbox: s2c, log: log.clone() };
        let mut cssl = Ssl::new(&cctx)?;
        cssl.set_mtu(MTU)?;
        let mut sssl = Ssl::new(&sctx)?;
        sssl.set_mtu(MTU)?;
        let client = SslStream::new(cssl, cpipe)?;
        let server = SslStream::new(sssl, spipe)?;
        let mut r = DtlsRecorder { client, server, log, keylog };
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

    /// The end sending in `dir` writes `data` as one record; its peer reads it. Returns what
    /// the peer read.
    pub fn write(&mut self, dir: Dir, data: &[u8]) -> Result<Vec<u8>, TlsError> {
        let (tx, rx) = match dir {
            Dir::ToServer => (&mut self.client, &mut self.server),
            Dir::ToClient => (&mut self.server, &mut self.client),
        };
        let n = tx.ssl_write(data).map_err(|e| session_err("write", e))?;
        if n != data.len() {
            return Err(session_err("write", format!("{n} of {} bytes written", data.len())));
        }
        let mut buf = vec![0u8; 16 * 1024];
        let n = rx.ssl_read(&mut buf).map_err(|e| session_err("read", e))?;
        let got = buf.get(..n).unwrap_or_default().to_vec();
        if got != data {
            return Err(session_err("read", format!("{n} of {} bytes arrived intact", data.len())));
        }
        Ok(got)
    }

    /// Close both ways with close_notify alerts, the client first, and return the recording.
    pub fn finish(mut self) -> Result<DtlsRecording, TlsError> {
        let _ = self.client.shutdown().map_err(|e| session_err("client close_notify", e))?;
        let _ = self.server.shutdown().map_err(|e| session_err("server close_notify", e))?;
        let cipher = self.client.ssl().current_cipher().and_then(|c| c.standard_name()).map(str::to_string);
        let keylog = self.keylog.lock().map(|k| k.clone()).unwrap_or_default();
        let datagrams = std::mem::take(&mut *self.log.borrow_mut());
        Ok(DtlsRecording { datagrams, keylog, cipher })
    }
}

/// Send every datagram of a recording between `client` and `server`.
pub fn to_frames(
    rec: &DtlsRecording,
    flow: &mut UdpFlow,
    client: &Endpoint,
    server: &Endpoint,
) -> Result<(), BuildError> {
    for (dir, d) in &rec.datagrams {
        match dir {
            Dir::ToServer => flow.send(client, server, d)?,
            Dir::ToClient => flow.send(server, client, d)?,
        }
    }
    Ok(())
}
