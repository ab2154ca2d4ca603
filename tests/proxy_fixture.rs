//! Proves the fault-injecting proxy of tests/support works in front of the real Dovecot:
//! forwarding, cut_all, down/up, seeded random cuts, stall, the counters, and that dropping it
//! leaves no listener, connection or thread behind.

mod support;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::dovecot::dovecot;
use support::proxy::Proxy;

/// Upper bound for anything that should happen "at once" (generous for a loaded machine).
const PROMPT: Duration = Duration::from_secs(2);
/// How long a stalled connection must stay silent.
const SILENCE: Duration = Duration::from_millis(200);

/// A plain IMAP client that counts the bytes it sends and receives.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
    sent: usize,
    received: usize,
}

/// How a read ended when no full line came.
#[derive(Debug, PartialEq)]
enum Ended {
    /// End of stream or reset: the connection is closed.
    Closed,
    /// Nothing within the read timeout: the connection is still open.
    Silent,
}

impl Client {
    fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the proxy");
        stream
            .set_read_timeout(Some(PROMPT))
            .expect("set read timeout");
        Client {
            stream,
            buf: Vec::new(),
            sent: 0,
            received: 0,
        }
    }

    /// Connect and read Dovecot's greeting.
    fn greeted(port: u16) -> Client {
        let mut c = Client::connect(port);
        let greeting = c.line().expect("Dovecot's greeting through the proxy");
        assert!(greeting.starts_with("* OK"), "greeting: {greeting:?}");
        c
    }

    fn set_timeout(&self, t: Duration) {
        self.stream
            .set_read_timeout(Some(t))
            .expect("set read timeout");
    }

    /// The next CRLF-terminated line, or how the stream ended.
    fn line(&mut self) -> Result<String, Ended> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..i + 2).collect();
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Ended::Closed),
                Ok(n) => {
                    self.received += n;
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Err(e) if is_timeout(&e) => return Err(Ended::Silent),
                Err(_) => return Err(Ended::Closed),
            }
        }
    }

    fn send(&mut self, data: &str) -> io::Result<()> {
        self.stream.write_all(data.as_bytes())?;
        self.sent += data.len();
        Ok(())
    }

    /// Send `TAG CMD` and read up to the tagged reply.
    fn command(&mut self, tag: &str, cmd: &str) -> Result<Vec<String>, Ended> {
        self.send(&format!("{tag} {cmd}\r\n"))
            .map_err(|_| Ended::Closed)?;
        let mut lines = Vec::new();
        loop {
            let line = self.line()?;
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return Ok(lines);
            }
        }
    }

    /// Whether the connection reads as closed (EOF or reset) within `PROMPT`, ignoring any
    /// bytes still in flight.
    fn closes(&mut self) -> bool {
        let t0 = Instant::now();
        while t0.elapsed() < PROMPT {
            match self.line() {
                Ok(_) => continue,
                Err(Ended::Closed) => return true,
                Err(Ended::Silent) => return false,
            }
        }
        false
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let t0 = Instant::now();
    while !cond() {
        assert!(t0.elapsed() < PROMPT, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn imap_proxy() -> Proxy {
    Proxy::start(dovecot().imap_port())
}

#[test]
fn forwards_both_ways_and_passes_a_normal_close_on() {
    let proxy = imap_proxy();
    assert_ne!(proxy.port(), dovecot().imap_port());
    let mut c = Client::greeted(proxy.port());
    let reply = c.command("a1", "CAPABILITY").expect("CAPABILITY reply");
    assert!(
        reply[0].starts_with("* CAPABILITY ") && reply[0].contains("IMAP4rev1"),
        "{reply:?}"
    );
    assert!(reply.last().unwrap().starts_with("a1 OK"), "{reply:?}");
    // Many round trips on one connection: nothing is lost or reordered.
    for i in 0..20 {
        let tag = format!("n{i}");
        let reply = c.command(&tag, "NOOP").expect("NOOP reply");
        assert_eq!(reply.len(), 1, "{reply:?}");
        assert!(reply[0].starts_with(&format!("{tag} OK")), "{reply:?}");
    }
    assert_eq!(proxy.accepted(), 1);
    assert_eq!(proxy.open_connections(), 1);

    // The server closes after LOGOUT: the client sees it, and it is no cut.
    let reply = c.command("a2", "LOGOUT").expect("LOGOUT reply");
    assert!(reply[0].starts_with("* BYE"), "{reply:?}");
    assert!(c.closes(), "the connection stays open after LOGOUT");
    // The proxy passed the server's half-close on; the client's close ends the connection.
    drop(c);
    wait_until("the proxy forgets the closed connection", || {
        proxy.open_connections() == 0
    });
    assert_eq!(proxy.cuts(), 0);
    assert_eq!(proxy.rejected(), 0);
}

#[test]
fn cut_all_closes_every_open_connection() {
    let proxy = imap_proxy();
    let mut a = Client::greeted(proxy.port());
    let mut b = Client::greeted(proxy.port());
    assert_eq!(proxy.accepted(), 2);
    wait_until("both connections are registered", || {
        proxy.open_connections() == 2
    });
    proxy.cut_all();
    assert_eq!(proxy.cuts(), 2);
    assert!(a.closes(), "first connection still open after cut_all");
    assert!(b.closes(), "second connection still open after cut_all");
    assert!(
        a.send("a1 NOOP\r\n").is_err() || a.line() == Err(Ended::Closed),
        "a cut connection still talks"
    );
    wait_until("the proxy forgets the cut connections", || {
        proxy.open_connections() == 0
    });
    // Cutting is no outage: the next connection works.
    let mut c = Client::greeted(proxy.port());
    assert!(c.command("a1", "NOOP").is_ok());
    assert_eq!(proxy.accepted(), 3);
    assert_eq!(proxy.cuts(), 2);
}

#[test]
fn down_closes_new_and_open_connections_until_up() {
    let proxy = imap_proxy();
    let mut open = Client::greeted(proxy.port());
    wait_until("the connection is registered", || {
        proxy.open_connections() == 1
    });
    proxy.down();
    assert_eq!(proxy.cuts(), 1);
    assert!(open.closes(), "an open connection survived down()");

    for _ in 0..3 {
        // The connect succeeds (the proxy accepts), then the connection is closed at once.
        let mut c = Client::connect(proxy.port());
        assert_eq!(c.line(), Err(Ended::Closed));
        assert_eq!(c.received, 0, "bytes came through while down");
    }
    assert_eq!(proxy.accepted(), 4);
    assert_eq!(proxy.rejected(), 3);
    assert_eq!(proxy.cuts(), 1, "rejections are not counted as cuts");

    proxy.up();
    let mut c = Client::greeted(proxy.port());
    assert!(c.command("a1", "NOOP").is_ok());
    assert_eq!(proxy.accepted(), 5);
    assert_eq!(proxy.rejected(), 3);
}

/// Open a connection through an armed proxy and send NOOPs until it is cut; returns the bytes
/// the client sent and received in all.
fn noop_until_cut(proxy: &Proxy) -> usize {
    let mut c = Client::connect(proxy.port());
    match c.line() {
        Ok(greeting) => assert!(greeting.starts_with("* OK"), "{greeting:?}"),
        Err(Ended::Closed) => return c.sent + c.received,
        Err(Ended::Silent) => panic!("no greeting and no cut"),
    }
    for i in 0..10_000 {
        match c.command(&format!("a{i:04}"), "NOOP") {
            Ok(reply) => assert!(reply.last().unwrap().contains(" OK "), "{reply:?}"),
            Err(Ended::Closed) => return c.sent + c.received,
            Err(Ended::Silent) => panic!("the connection stalled instead of being cut"),
        }
    }
    panic!(
        "never cut after {} bytes (cut points {:?})",
        c.sent + c.received,
        proxy.cut_points()
    );
}

#[test]
fn random_cuts_fall_in_the_range_and_follow_the_seed() {
    const MIN: u64 = 50;
    const MAX: u64 = 600;
    /// `aNNNN NOOP\r\n`: the last command may be cut part way, yet the client counts it whole.
    const CMD_LEN: usize = 12;
    const CONNECTIONS: usize = 6;

    let proxy = imap_proxy();
    proxy.cut_after_random_bytes(MIN, MAX, 42);
    let totals: Vec<usize> = (0..CONNECTIONS).map(|_| noop_until_cut(&proxy)).collect();
    let points = proxy.cut_points();
    assert_eq!(points.len(), CONNECTIONS, "{points:?}");
    for (&total, &point) in totals.iter().zip(&points) {
        assert!(
            (MIN..=MAX).contains(&point),
            "cut point {point} out of range"
        );
        // Exactly `point` bytes passed: all the client received, and what it sent but the last
        // command's unsent part.
        assert!(
            total >= point as usize && total <= point as usize + CMD_LEN,
            "client saw {total} bytes for a cut after {point} (all: {totals:?} / {points:?})"
        );
    }
    assert_eq!(proxy.cuts(), CONNECTIONS);
    assert!(
        points.windows(2).any(|w| w[0] != w[1]),
        "no randomness: {points:?}"
    );

    // Same seed, same cut points; another seed, other ones (no connections needed to draw:
    // each accepted connection draws one).
    let again = imap_proxy();
    again.cut_after_random_bytes(MIN, MAX, 42);
    let other = imap_proxy();
    other.cut_after_random_bytes(MIN, MAX, 7);
    for p in [&again, &other] {
        for _ in 0..CONNECTIONS {
            noop_until_cut(p);
        }
    }
    assert_eq!(again.cut_points(), points);
    assert_ne!(other.cut_points(), points);

    // Disarmed: a connection carries more than MAX bytes untouched.
    proxy.disarm();
    let mut c = Client::greeted(proxy.port());
    let mut i = 0;
    while c.sent + c.received <= 3 * MAX as usize {
        i += 1;
        assert!(
            c.command(&format!("b{i}"), "NOOP").is_ok(),
            "cut while disarmed"
        );
    }
    assert_eq!(proxy.cuts(), CONNECTIONS);

    // A limit of 0 cuts at once: not even the greeting passes.
    proxy.cut_after_random_bytes(0, 0, 1);
    let mut c = Client::connect(proxy.port());
    assert_eq!(c.line(), Err(Ended::Closed));
    assert_eq!(c.received, 0);
    assert_eq!(proxy.cuts(), CONNECTIONS + 1);
}

#[test]
fn stall_drops_bytes_silently_without_closing() {
    let proxy = imap_proxy();
    let mut c = Client::greeted(proxy.port());
    proxy.stall();

    // A command vanishes: no reply, no close.
    c.send("a1 NOOP\r\n").expect("send while stalled");
    c.set_timeout(SILENCE);
    assert_eq!(c.line(), Err(Ended::Silent));
    // A new connection is accepted but gets nothing, not even the greeting.
    let mut late = Client::connect(proxy.port());
    late.set_timeout(SILENCE);
    assert_eq!(late.line(), Err(Ended::Silent));
    assert_eq!(late.received, 0);
    assert_eq!(proxy.cuts(), 0);
    assert_eq!(proxy.accepted(), 2);
    assert_eq!(proxy.open_connections(), 2);

    proxy.up();
    c.set_timeout(PROMPT);
    late.set_timeout(PROMPT);
    // Both are still connected to Dovecot; the stalled bytes were dropped, so the first reply
    // is to the command sent after up().
    let reply = c.command("a2", "NOOP").expect("reply after up");
    assert_eq!(reply.len(), 1, "the dropped a1 got a reply: {reply:?}");
    assert!(reply[0].starts_with("a2 OK"), "{reply:?}");
    let reply = late.command("b1", "NOOP").expect("reply after up");
    assert_eq!(reply.len(), 1, "the dropped greeting came late: {reply:?}");
    assert!(reply[0].starts_with("b1 OK"), "{reply:?}");
    assert_eq!(proxy.cuts(), 0);
}

#[test]
fn a_dead_target_closes_connections() {
    let free = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port");
    let dead_port = free.local_addr().expect("local addr").port();
    drop(free);
    let proxy = Proxy::start(dead_port);
    let mut c = Client::connect(proxy.port());
    assert_eq!(c.line(), Err(Ended::Closed));
    assert_eq!(proxy.accepted(), 1);
    assert_eq!(proxy.cuts(), 0);
}

/// Names of this process's threads that belong to the proxy on `port`.
fn proxy_threads(port: u16) -> Vec<String> {
    let prefix = format!("proxy-{port}-");
    std::fs::read_dir("/proc/self/task")
        .expect("read /proc/self/task")
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

#[test]
fn drop_leaves_no_listener_connection_or_thread() {
    let proxy = imap_proxy();
    let port = proxy.port();
    let mut c = Client::greeted(port);
    wait_until("the copy threads run", || proxy_threads(port).len() == 3);

    let t0 = Instant::now();
    drop(proxy);
    let took = t0.elapsed();
    assert!(took < Duration::from_millis(500), "drop took {took:?}");
    assert!(c.closes(), "a connection outlived the proxy");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "something still listens on the dropped proxy's port {port}"
    );
    assert_eq!(proxy_threads(port), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usable_from_inside_a_tokio_runtime() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let proxy = imap_proxy();
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", proxy.port()))
        .await
        .expect("connect through the proxy");
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(PROMPT, s.read(&mut buf))
        .await
        .expect("greeting in time")
        .expect("read greeting");
    assert!(buf[..n].starts_with(b"* OK"), "{:?}", &buf[..n]);
    s.write_all(b"a1 NOOP\r\n").await.expect("send NOOP");
    proxy.cut_all();
    // Whatever arrived before the cut, the stream ends.
    let ended = tokio::time::timeout(PROMPT, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the cut connection stays open");
    assert_eq!(proxy.cuts(), 1);
    drop(proxy);
}
