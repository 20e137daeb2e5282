//! An async API over one SCTP association carried in UDP (RFC 6951), for the endpoints: a tokio
//! task owns the socket and the [`Association`], and the [`SctpHandle`] talks to it through
//! channels. Open with [`SctpHandle::connect`] or [`SctpHandle::accept`]; send messages with
//! their stream, PPID, ordering and PR-SCTP options; receive messages and events (restart, peer
//! shutdown, closed, aborted). A full send buffer makes `send` wait, not fail.

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::sctp::{Association, Config, Event, SendError, SendOptions};

/// Bound on events queued for the user before the task stops reading the socket.
const EVENT_QUEUE: usize = 1024;
const MAX_DATAGRAM: usize = 65_535;

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub stream: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub data: Vec<u8>,
    pub opts: SendOptions,
}

enum Cmd {
    Send(Outgoing, oneshot::Sender<Result<(), SendError>>),
    Close,
    Abort(String),
}

/// The user's side of one association.
pub struct SctpHandle {
    cmds: mpsc::Sender<Cmd>,
    events: mpsc::Receiver<Event>,
}

impl SctpHandle {
    /// Open an association from `sock` to the UDP address `peer`, SCTP ports `local_port` to
    /// `remote_port`; returns once it is established (or the error that ended it).
    pub async fn connect(
        sock: UdpSocket,
        peer: SocketAddr,
        cfg: Config,
        local_port: u16,
        remote_port: u16,
    ) -> io::Result<SctpHandle> {
        let assoc = Association::connect(cfg, local_port, remote_port, Instant::now());
        Self::start(sock, Some(peer), assoc).await
    }

    /// Wait on `sock` for the first peer to open an association to SCTP port `local_port`.
    pub async fn accept(sock: UdpSocket, cfg: Config, local_port: u16) -> io::Result<SctpHandle> {
        let assoc = Association::listen(cfg, local_port, Instant::now());
        Self::start(sock, None, assoc).await
    }

    async fn start(sock: UdpSocket, peer: Option<SocketAddr>, assoc: Association) -> io::Result<SctpHandle> {
        let (cmd_tx, cmd_rx) = mpsc::channel(64);
        let (ev_tx, mut ev_rx) = mpsc::channel(EVENT_QUEUE);
        tokio::spawn(run(sock, peer, assoc, cmd_rx, ev_tx));
        match ev_rx.recv().await {
            Some(Event::Connected) => Ok(SctpHandle { cmds: cmd_tx, events: ev_rx }),
            Some(other) => Err(io::Error::other(format!("association not established: {other:?}"))),
            None => Err(io::Error::other("association task ended")),
        }
    }

    /// Queue a message; waits while the send buffer is full.
    pub async fn send(&self, msg: Outgoing) -> Result<(), SendError> {
        let (tx, rx) = oneshot::channel();
        self.cmds.send(Cmd::Send(msg, tx)).await.map_err(|_| SendError::NotOpen)?;
        rx.await.unwrap_or(Err(SendError::NotOpen))
    }

    /// The next message or event; `None` once the association is gone and all was read.
    pub async fn recv(&mut self) -> Option<Event> {
        self.events.recv().await
    }

    /// Start a graceful shutdown; [`Event::Closed`] follows.
    pub async fn close(&self) {
        let _ = self.cmds.send(Cmd::Close).await;
    }

    /// Abort the association.
    pub async fn abort(&self, reason: &str) {
        let _ = self.cmds.send(Cmd::Abort(reason.to_string())).await;
    }
}

async fn run(
    sock: UdpSocket,
    mut peer: Option<SocketAddr>,
    mut assoc: Association,
    mut cmds: mpsc::Receiver<Cmd>,
    events: mpsc::Sender<Event>,
) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    // A send waiting for room in the send buffer.
    let mut waiting: Option<(Outgoing, oneshot::Sender<Result<(), SendError>>)> = None;
    let mut cmds_open = true;
    loop {
        let now = Instant::now();
        if let Some((m, reply)) = waiting.take() {
            match assoc.send_with(m.stream, m.ppid, m.unordered, &m.data, m.opts, now) {
                Err(SendError::BufferFull) if !assoc.is_closed() => waiting = Some((m, reply)),
                r => {
                    let _ = reply.send(r);
                }
            }
        }
        if let Some(to) = peer {
            while let Some(p) = assoc.poll_transmit(now) {
                if let Err(e) = sock.send_to(&p, to).await {
                    if e.kind() != io::ErrorKind::ConnectionRefused {
                        let _ = events.send(Event::Aborted(format!("UDP: {e}"))).await;
                        return;
                    }
                }
            }
        }
        let mut ended = false;
        while let Some(ev) = assoc.poll_event() {
            ended |= matches!(ev, Event::Closed | Event::Aborted(_));
            if events.send(ev).await.is_err() {
                // The user dropped the handle: end the association.
                assoc.abort(Instant::now(), "handle dropped");
            }
        }
        if ended || (assoc.is_closed() && waiting.is_none()) {
            // Flush the last packets (SHUTDOWN COMPLETE, ABORT).
            if let Some(to) = peer {
                while let Some(p) = assoc.poll_transmit(Instant::now()) {
                    let _ = sock.send_to(&p, to).await;
                }
            }
            return;
        }
        let deadline = assoc.poll_timeout().map(tokio::time::Instant::from_std);
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = sock.recv_from(&mut buf) => match r {
                Ok((n, from)) => {
                    if peer.is_none() {
                        peer = Some(from);
                    }
                    if peer == Some(from) {
                        assoc.handle(&buf[..n], Instant::now());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
                Err(e) => {
                    let _ = events.send(Event::Aborted(format!("UDP: {e}"))).await;
                    return;
                }
            },
            c = cmds.recv(), if cmds_open && waiting.is_none() => match c {
                Some(Cmd::Send(m, reply)) => waiting = Some((m, reply)),
                Some(Cmd::Close) => assoc.close(Instant::now()),
                Some(Cmd::Abort(r)) => assoc.abort(Instant::now(), &r),
                None => {
                    cmds_open = false;
                    assoc.close(Instant::now());
                }
            },
            _ = sleep => assoc.handle_timeout(Instant::now()),
        }
    }
}
