//! A fault-injecting TCP proxy for failure tests: it listens on a free 127.0.0.1 port, forwards
//! each accepted connection to `127.0.0.1:target` (e.g. the Dovecot of [`super::dovecot`]) and
//! lets a test break connections on demand or at random points.
//!
//! - [`Proxy::cut_all`]: close every open connection now (`shutdown(Both)` on both of its
//!   sockets), as a network drop would.
//! - [`Proxy::down`] / [`Proxy::up`]: while down, new connections are accepted and closed at once
//!   (the client reads EOF) and open ones are cut.
//! - [`Proxy::cut_after_random_bytes`]: each connection opened from then on is cut after a
//!   number of bytes (both directions together) drawn from a seeded PRNG: reproducible runs.
//! - [`Proxy::stall`]: a black hole (laptop sleep, dead NAT): every byte read is dropped, nothing
//!   is forwarded and nothing is closed until [`Proxy::up`].
//! - [`Proxy::stall_after_bytes`]: each connection opened from then on becomes such a black hole
//!   once a number of bytes has passed (a transfer that hangs midway: a message half sent);
//!   [`Proxy::stalls`] counts the connections that reached that point.
//!
//! Plain std threads, no async: one accept thread polling a non-blocking listener every 10 ms,
//! and two copy threads per connection whose reads and writes time out every 20 ms so they see
//! the cut/stall/stop flags promptly. Every method returns at once (none waits on the network),
//! so tests may call them from sync code or from inside a tokio runtime. Dropping the proxy
//! closes the listener and every connection and joins every thread (within a few tens of ms).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How often the accept thread polls the listener.
const ACCEPT_POLL: Duration = Duration::from_millis(10);
/// Read/write timeout of the copy threads: how soon they notice a cut, a stall or a drop.
const IO_POLL: Duration = Duration::from_millis(20);
/// Connecting to the target on 127.0.0.1 is immediate (accepted or refused); this only bounds
/// the odd case of a full backlog.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
const BUF_SIZE: usize = 16 * 1024;

const MODE_UP: u8 = 0;
const MODE_DOWN: u8 = 1;
const MODE_STALL: u8 = 2;

const CONN_OPEN: u8 = 0;
/// Cut by the proxy (counted in [`Proxy::cuts`]).
const CONN_CUT: u8 = 1;
/// Closed by a peer, by an I/O error, or by the proxy's drop (not counted as a cut).
const CONN_CLOSED: u8 = 2;

/// A fault-injecting TCP proxy on 127.0.0.1 (see the module docs).
pub struct Proxy {
    port: u16,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

struct Shared {
    target: u16,
    stop: AtomicBool,
    mode: AtomicU8,
    accepted: AtomicUsize,
    rejected: AtomicUsize,
    cuts: AtomicUsize,
    /// Open connections. Also the lock that orders accepting against [`Proxy::down`]: the accept
    /// thread checks the mode and registers a connection under it, so a connection is either
    /// rejected or registered in time to be cut.
    conns: Mutex<Vec<Arc<Conn>>>,
    /// Set by [`Proxy::cut_after_random_bytes`]; drawn from by the accept thread, in accept order.
    arm: Mutex<Option<Arm>>,
    /// Every limit drawn so far, in accept order.
    cut_points: Mutex<Vec<u64>>,
    /// Set by [`Proxy::stall_after_bytes`] for connections accepted from then on (`u64::MAX`: never).
    stall_after: AtomicU64,
    /// Connections that reached their stall point.
    stalls: AtomicUsize,
    /// Connection threads (each joins its second copy thread before it ends).
    threads: Mutex<Vec<JoinHandle<()>>>,
}

struct Arm {
    min: u64,
    max: u64,
    rng: SplitMix64,
}

struct Conn {
    client: TcpStream,
    /// Set once the connection to the target is made.
    server: Mutex<Option<TcpStream>>,
    state: AtomicU8,
    /// Cut once this many bytes (both directions) have passed.
    limit: Option<u64>,
    passed: AtomicU64,
    /// Stall once this many bytes (both directions) have passed (`u64::MAX`: never).
    stall_at: AtomicU64,
    /// The stall point was reached: nothing more is forwarded (until [`Proxy::up`]).
    stalled: AtomicBool,
}

impl Proxy {
    /// Listen on a free 127.0.0.1 port and forward each accepted connection to
    /// 127.0.0.1:`target`.
    pub fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("proxy: cannot bind a free port on 127.0.0.1");
        let port = listener
            .local_addr()
            .expect("proxy: cannot read the listener's address")
            .port();
        listener
            .set_nonblocking(true)
            .expect("proxy: cannot make the listener non-blocking");
        let shared = Arc::new(Shared {
            target,
            stop: AtomicBool::new(false),
            mode: AtomicU8::new(MODE_UP),
            accepted: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            cuts: AtomicUsize::new(0),
            conns: Mutex::new(Vec::new()),
            arm: Mutex::new(None),
            cut_points: Mutex::new(Vec::new()),
            stall_after: AtomicU64::new(u64::MAX),
            stalls: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("proxy-{port}-accept"))
            .spawn(move || accept_loop(listener, port, accept_shared))
            .expect("proxy: cannot start the accept thread");
        Proxy {
            port,
            shared,
            accept_thread: Some(accept_thread),
        }
    }

    /// The port the proxy listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port connections are forwarded to (127.0.0.1).
    pub fn target(&self) -> u16 {
        self.shared.target
    }

    /// Close every open connection now (both directions), as a network drop would.
    pub fn cut_all(&self) {
        self.shared.cut_all();
    }

    /// While down, new connections are accepted and immediately closed (like a dead server or
    /// route; counted in [`Self::rejected`]), and open ones are cut. [`Self::up`] restores
    /// normal forwarding.
    pub fn down(&self) {
        self.shared.mode.store(MODE_DOWN, Ordering::SeqCst);
        self.shared.cut_all();
    }

    /// Normal forwarding again (ends [`Self::down`], [`Self::stall`] and the stalls of
    /// [`Self::stall_after_bytes`], which it disarms).
    pub fn up(&self) {
        self.shared.stall_after.store(u64::MAX, Ordering::SeqCst);
        for conn in lock(&self.shared.conns).iter() {
            conn.stall_at.store(u64::MAX, Ordering::SeqCst);
            conn.stalled.store(false, Ordering::SeqCst);
        }
        self.shared.mode.store(MODE_UP, Ordering::SeqCst);
    }

    /// Each connection opened from now on forwards `n` bytes (both directions together), then
    /// stalls as [`Self::stall`] does: what it reads is dropped and nothing is closed, until
    /// [`Self::up`] or the proxy's drop. Connections already open are not affected.
    pub fn stall_after_bytes(&self, n: u64) {
        self.shared.stall_after.store(n, Ordering::SeqCst);
    }

    /// Connections that reached the stall point of [`Self::stall_after_bytes`] so far.
    pub fn stalls(&self) -> usize {
        self.shared.stalls.load(Ordering::SeqCst)
    }

    /// Arm a cut: each connection opened from now on is cut after a random number of bytes in
    /// `[min, max]` has passed through it (both directions together; exactly that many pass),
    /// drawn from a PRNG seeded with `seed`, one draw per connection in accept order, so a run
    /// is reproducible. A limit of 0 cuts the connection as soon as it is accepted. Re-arming
    /// restarts the PRNG. [`Self::disarm`] stops that (connections already open keep theirs).
    pub fn cut_after_random_bytes(&self, min: u64, max: u64, seed: u64) {
        assert!(min <= max, "proxy: cut range [{min}, {max}] is empty");
        *lock(&self.shared.arm) = Some(Arm {
            min,
            max,
            rng: SplitMix64(seed),
        });
    }

    /// Connections opened from now on are no longer cut after random byte counts.
    pub fn disarm(&self) {
        *lock(&self.shared.arm) = None;
    }

    /// Black-hole mode: forward nothing and close nothing (a laptop sleep / dead NAT): bytes are
    /// read and dropped silently until [`Self::up`], and an end of stream from either side is
    /// held back until then. New connections are accepted and connected to the target as usual,
    /// but get nothing (not even the greeting) while stalled.
    pub fn stall(&self) {
        self.shared.mode.store(MODE_STALL, Ordering::SeqCst);
    }

    /// Connections accepted so far (including those closed at once while down).
    pub fn accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// Open connections cut by the proxy so far ([`Self::cut_all`], [`Self::down`], random
    /// cuts). Connections refused while down are counted in [`Self::rejected`] instead.
    pub fn cuts(&self) -> usize {
        self.shared.cuts.load(Ordering::SeqCst)
    }

    /// Connections accepted while down and closed at once.
    pub fn rejected(&self) -> usize {
        self.shared.rejected.load(Ordering::SeqCst)
    }

    /// Connections currently open through the proxy.
    pub fn open_connections(&self) -> usize {
        lock(&self.shared.conns).len()
    }

    /// The byte limits drawn by [`Self::cut_after_random_bytes`] so far, one per connection in
    /// accept order: for failure messages and reproducibility checks.
    pub fn cut_points(&self) -> Vec<u64> {
        lock(&self.shared.cut_points).clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // The accept thread drops the listener when it ends: no new connection after this.
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
        for conn in lock(&self.shared.conns).iter() {
            conn.close();
        }
        let threads = std::mem::take(&mut *lock(&self.shared.threads));
        for t in threads {
            let _ = t.join();
        }
    }
}

impl Shared {
    fn mode(&self) -> u8 {
        self.mode.load(Ordering::SeqCst)
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn cut_all(&self) {
        for conn in lock(&self.conns).iter() {
            self.cut(conn);
        }
    }

    fn cut(&self, conn: &Conn) {
        // Counted before the peers can see it, so a test that saw the close sees the count.
        if conn.mark(CONN_CUT) {
            self.cuts.fetch_add(1, Ordering::SeqCst);
        }
        conn.shutdown();
    }

    fn next_limit(&self) -> Option<u64> {
        let limit = lock(&self.arm).as_mut().map(|arm| {
            let span = arm.max - arm.min;
            let r = arm.rng.next();
            if span == u64::MAX {
                r
            } else {
                arm.min + r % (span + 1)
            }
        })?;
        lock(&self.cut_points).push(limit);
        Some(limit)
    }
}

impl Conn {
    fn is_open(&self) -> bool {
        self.state.load(Ordering::SeqCst) == CONN_OPEN
    }

    /// Move from open to `state`. Returns whether this call ended the connection.
    fn mark(&self, state: u8) -> bool {
        self.state
            .compare_exchange(CONN_OPEN, state, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Shut both sockets down: the peers see the connection closed and the copy threads end.
    fn shutdown(&self) {
        let _ = self.client.shutdown(Shutdown::Both);
        if let Some(server) = lock(&self.server).as_ref() {
            let _ = server.shutdown(Shutdown::Both);
        }
    }

    /// Closed for a reason other than a cut (not counted).
    fn close(&self) {
        self.mark(CONN_CLOSED);
        self.shutdown();
    }

    /// Whether this connection is a black hole now (its stall point was reached).
    fn is_stalled(&self) -> bool {
        self.stalled.load(Ordering::SeqCst)
    }

    /// Of `n` bytes read, how many may pass before the stall point; reaching it stalls the
    /// connection (counted once in `stalls`).
    fn before_stall(&self, n: usize, shared: &Shared) -> usize {
        let at = self.stall_at.load(Ordering::SeqCst);
        if at == u64::MAX {
            return n;
        }
        let left = at.saturating_sub(self.passed.load(Ordering::SeqCst));
        let allowed = (n as u64).min(left) as usize;
        if (allowed < n || left == n as u64) && !self.stalled.swap(true, Ordering::SeqCst) {
            shared.stalls.fetch_add(1, Ordering::SeqCst);
        }
        allowed
    }

    /// Let up to `n` more bytes pass: returns how many may, and whether the limit is reached.
    fn reserve(&self, n: usize) -> (usize, bool) {
        let Some(limit) = self.limit else {
            self.passed.fetch_add(n as u64, Ordering::SeqCst);
            return (n, false);
        };
        let mut cur = self.passed.load(Ordering::SeqCst);
        loop {
            let allowed = (n as u64).min(limit.saturating_sub(cur));
            match self.passed.compare_exchange(
                cur,
                cur + allowed,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return (allowed as usize, cur + allowed >= limit),
                Err(now) => cur = now,
            }
        }
    }
}

fn accept_loop(listener: TcpListener, port: u16, shared: Arc<Shared>) {
    let mut next_id = 0u64;
    while !shared.stopping() {
        let client = match listener.accept() {
            Ok((client, _)) => client,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                lock(&shared.threads).retain(|t| !t.is_finished());
                thread::sleep(ACCEPT_POLL);
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => {
                // E.g. EMFILE or ECONNABORTED: try again shortly rather than spin.
                thread::sleep(ACCEPT_POLL);
                continue;
            }
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let mut conns = lock(&shared.conns);
        if shared.mode() == MODE_DOWN {
            drop(conns);
            shared.rejected.fetch_add(1, Ordering::SeqCst);
            let _ = client.shutdown(Shutdown::Both);
            continue;
        }
        let conn = Arc::new(Conn {
            client,
            server: Mutex::new(None),
            state: AtomicU8::new(CONN_OPEN),
            limit: shared.next_limit(),
            passed: AtomicU64::new(0),
            stall_at: AtomicU64::new(shared.stall_after.load(Ordering::SeqCst)),
            stalled: AtomicBool::new(false),
        });
        conns.push(Arc::clone(&conn));
        drop(conns);
        next_id += 1;
        let conn_shared = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name(format!("proxy-{port}-conn{next_id}"))
            .spawn({
                let conn = Arc::clone(&conn);
                move || {
                    run_conn(&conn_shared, &conn, port, next_id);
                    lock(&conn_shared.conns).retain(|c| !Arc::ptr_eq(c, &conn));
                    conn.close();
                }
            });
        match spawned {
            Ok(t) => lock(&shared.threads).push(t),
            Err(_) => {
                conn.close();
                lock(&shared.conns).retain(|c| !Arc::ptr_eq(c, &conn));
            }
        }
    }
    // The listener is dropped here: connecting to the port is refused from now on.
}

/// Connect to the target and copy both ways until the connection ends.
fn run_conn(shared: &Arc<Shared>, conn: &Arc<Conn>, port: u16, id: u64) {
    if conn.limit == Some(0) {
        shared.cut(conn);
        return;
    }
    let target = SocketAddr::from((Ipv4Addr::LOCALHOST, shared.target));
    let Ok(server) = TcpStream::connect_timeout(&target, CONNECT_TIMEOUT) else {
        // Nothing listens there: the client sees the connection closed.
        conn.close();
        return;
    };
    let (Ok(client), Ok(server_copy)) = (conn.client.try_clone(), server.try_clone()) else {
        conn.close();
        return;
    };
    for s in [&client, &server] {
        // Socket options are shared with the clones.
        let _ = s.set_nonblocking(false);
        let _ = s.set_nodelay(true);
        let _ = s.set_read_timeout(Some(IO_POLL));
        let _ = s.set_write_timeout(Some(IO_POLL));
    }
    *lock(&conn.server) = Some(server_copy);
    // A cut that came while connecting found no server socket to shut down.
    if !conn.is_open() {
        conn.close();
        return;
    }
    let (Ok(client_w), Ok(server_w)) = (client.try_clone(), server.try_clone()) else {
        conn.close();
        return;
    };
    let down = thread::Builder::new()
        .name(format!("proxy-{port}-conn{id}-down"))
        .spawn({
            let shared = Arc::clone(shared);
            let conn = Arc::clone(conn);
            move || pump(&shared, &conn, server, client_w)
        });
    let Ok(down) = down else {
        conn.close();
        return;
    };
    pump(shared, conn, client, server_w);
    let _ = down.join();
}

/// Copy `from` to `to` until end of stream, an error, a cut or the proxy's drop.
fn pump(shared: &Shared, conn: &Conn, mut from: TcpStream, mut to: TcpStream) {
    let mut buf = vec![0u8; BUF_SIZE];
    loop {
        if shared.stopping() || !conn.is_open() {
            return;
        }
        match from.read(&mut buf) {
            Ok(0) => {
                // A black hole forwards no end of stream either: hold it back until up.
                while (shared.mode() == MODE_STALL || conn.is_stalled())
                    && !shared.stopping()
                    && conn.is_open()
                {
                    thread::sleep(IO_POLL);
                }
                if shared.stopping() || !conn.is_open() {
                    return;
                }
                // Pass the half-close on; the other direction goes on until its own end.
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => {
                if shared.mode() == MODE_STALL || conn.is_stalled() {
                    continue;
                }
                let n = conn.before_stall(n, shared);
                let (allowed, limit_reached) = conn.reserve(n);
                if !write_all(shared, conn, &mut to, &buf[..allowed]) {
                    conn.close();
                    return;
                }
                if limit_reached {
                    shared.cut(conn);
                    return;
                }
            }
            Err(e) if is_timeout(&e) => {}
            Err(_) => {
                // Reset or shut down: the whole connection is over.
                conn.close();
                return;
            }
        }
    }
}

/// Write all of `data` unless the connection ends meanwhile. Returns whether all was written.
fn write_all(shared: &Shared, conn: &Conn, to: &mut TcpStream, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        if shared.stopping() || !conn.is_open() {
            return false;
        }
        match to.write(data) {
            Ok(0) => return false,
            Ok(n) => data = &data[n..],
            Err(e) if is_timeout(&e) => {}
            Err(_) => return false,
        }
    }
    true
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// SplitMix64: tiny, good enough for picking cut points, and reproducible from a seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
