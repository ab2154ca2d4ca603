//! A real Postfix 3.7 for the SMTP tests, on free 127.0.0.1 ports, with its config, queue, data
//! and log in a fresh temp dir, in front of the tests' Dovecot ([`super::dovecot`]): logins go
//! through Dovecot's SASL socket (so every Dovecot test user can submit with their password),
//! mail for `NAME-N@tmail.test` is delivered to Dovecot over LMTP, and TLS uses the certificate
//! signed by the Dovecot fixture's test CA (trust it with [`Postfix::ca_file`]).
//!
//! Three submission ports:
//! - [`Postfix::submission_port`]: STARTTLS required before AUTH and mail (like 587);
//! - [`Postfix::submissions_port`]: implicit TLS (like 465);
//! - [`Postfix::plain_port`]: no TLS at all, STARTTLS not offered, AUTH in plain text (for the
//!   loopback `plain` setting, and to test that `starttls` refuses to go on without it).
//!
//! All of them require AUTH before they accept a recipient. Unknown users of tmail.test
//! (addresses that are not `NAME-N@tmail.test`) are refused at RCPT (550 5.1.1), other domains
//! are refused as relaying (554 5.7.1): nothing ever leaves the machine. Messages over
//! [`MESSAGE_SIZE_LIMIT`] are refused (552 5.3.4).
//!
//! - [`postfix()`] starts one instance per test binary, shared by its tests (each test uses its
//!   own Dovecot users, so they run in parallel).
//! - [`private_postfix()`] starts an instance of its own, stopped and removed on drop: for tests
//!   that [`Postfix::stop`] it.
//!
//! Postfix's `master` runs in the foreground (`master -d -c DIR/etc`) as a child of the test
//! process, in its own process group, with `PR_SET_PDEATHSIG`, spawned from the same lasting
//! thread as Dovecot; it is stopped by PID (SIGTERM, then SIGKILL to the group). Postfix needs
//! root (its master binds and drops privileges to the `postfix` user); `.ci/install-deps.sh`
//! installs it. A test that needs Postfix panics with the reason and the log tail when it
//! cannot start; it never skips.

use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use super::dovecot::{
    dovecot, find_program, lock, make_temp_dir_named, reaped, spawn_from_lasting_thread, tail,
    terminate, Dovecot, User, MAIL_DOMAIN,
};

/// Postfix's `message_size_limit` here: 1 MiB (advertised as `SIZE 1048576`).
pub const MESSAGE_SIZE_LIMIT: usize = 1_048_576;
const INSTALL_HINT: &str = "run `bash .ci/install-deps.sh` as root (installs postfix)";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug)]
struct Ports {
    submission: u16,
    submissions: u16,
    plain: u16,
}

/// A running (or stopped) Postfix of the tests.
pub struct Postfix {
    dir: PathBuf,
    conf_dir: PathBuf,
    log: PathBuf,
    stderr_log: PathBuf,
    master: PathBuf,
    ports: Ports,
    dovecot: &'static Dovecot,
    child: Mutex<Option<Child>>,
    /// PID of the master while running, 0 when stopped (read at exit without the lock).
    pid: AtomicI32,
    private: bool,
}

static SHARED: OnceLock<Result<Postfix, String>> = OnceLock::new();

/// The Postfix of this test binary (and its Dovecot, [`dovecot()`]): started at the first call,
/// shared by all its tests. Panics with Postfix's log tail if it cannot start.
pub fn postfix() -> &'static Postfix {
    let shared = SHARED.get_or_init(|| {
        let started = Postfix::launch(false);
        if started.is_ok() {
            // SAFETY: registers a plain `extern "C"` function with no arguments.
            unsafe {
                libc::atexit(stop_shared_at_exit);
            }
        }
        started
    });
    match shared {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

/// A Postfix of the calling test's own (in front of the shared Dovecot), for tests that stop
/// it. Stopped and its temp dir removed when dropped.
pub fn private_postfix() -> Postfix {
    Postfix::launch(true).unwrap_or_else(|e| panic!("{e}"))
}

extern "C" fn stop_shared_at_exit() {
    if let Some(Ok(p)) = SHARED.get() {
        p.shutdown();
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        if self.private {
            self.shutdown();
        }
    }
}

impl Postfix {
    /// STARTTLS required, then AUTH (like port 587).
    pub fn submission_port(&self) -> u16 {
        self.ports.submission
    }
    /// Implicit TLS, then AUTH (like port 465).
    pub fn submissions_port(&self) -> u16 {
        self.ports.submissions
    }
    /// No TLS and no STARTTLS offered; AUTH in plain text.
    pub fn plain_port(&self) -> u16 {
        self.ports.plain
    }
    /// PEM of the CA that signed the server certificate (the Dovecot fixture's test CA).
    pub fn ca_file(&self) -> &Path {
        self.dovecot.ca_file()
    }
    /// The Dovecot behind this Postfix (users, mailboxes, `doveadm`).
    pub fn dovecot(&self) -> &'static Dovecot {
        self.dovecot
    }
    /// The instance's temp dir (`etc/` config, `spool/` queue, `lib/` data, `postfix.log`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The last `lines` lines of Postfix's log (and of master's stderr): for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut out = tail(&self.log, lines);
        let stderr = tail(&self.stderr_log, lines);
        if !stderr.trim().is_empty() {
            out.push_str("\n--- master stderr ---\n");
            out.push_str(&stderr);
        }
        out
    }

    /// Wait (polling, up to `timeout`) until the user's INBOX holds at least `n` messages, and
    /// return all of them, oldest first, as Dovecot stored them. Panics with both servers' log
    /// tails when they do not arrive in time.
    pub fn wait_for_inbox(&self, user: &User, n: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let count = self.dovecot.message_count(user, "INBOX");
            if count >= n {
                return self.inbox(user);
            }
            if Instant::now() > deadline {
                panic!(
                    "{} has {count} message(s) in INBOX after {timeout:?}, expected {n}\n\
                     --- postfix log ---\n{}\n--- dovecot log ---\n{}",
                    user.email,
                    self.log_tail(30),
                    self.dovecot.log_tail(20)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The raw messages of the user's INBOX (maildir files), oldest first.
    pub fn inbox(&self, user: &User) -> Vec<Vec<u8>> {
        let path = self
            .dovecot
            .doveadm(&["mailbox", "path", "-u", &user.name, "INBOX"]);
        let path = PathBuf::from(path.trim());
        let mut files: Vec<(SystemTime, String, PathBuf)> = Vec::new();
        for sub in ["cur", "new"] {
            let Ok(entries) = fs::read_dir(path.join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                let mtime = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                files.push((
                    mtime,
                    e.file_name().to_string_lossy().into_owned(),
                    e.path(),
                ));
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|(_, _, p)| fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display())))
            .collect()
    }

    /// Stop Postfix (SIGTERM to master, then whatever is left of its group gets SIGKILL) and
    /// wait until all its processes are gone, so its ports refuse connections.
    pub fn stop(&self) {
        let mut guard = lock(&self.child);
        if let Some(mut child) = guard.take() {
            self.pid.store(0, Ordering::SeqCst);
            let pid = child.id() as i32;
            terminate(pid, true, || {
                child.try_wait().map(|s| s.is_some()).unwrap_or(true)
            });
            let _ = child.wait();
        }
    }

    /// Start again on the same ports and queue (no-op if running).
    pub fn start(&self) {
        let mut guard = lock(&self.child);
        if let Some(child) = guard.as_mut() {
            if matches!(child.try_wait(), Ok(None)) {
                return;
            }
            terminate(child.id() as i32, false, || true);
            *guard = None;
        }
        let child = self.spawn_ready().unwrap_or_else(|e| panic!("{e}"));
        self.pid.store(child.id() as i32, Ordering::SeqCst);
        *guard = Some(child);
    }

    /// Whether master is running.
    pub fn is_running(&self) -> bool {
        lock(&self.child)
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    // ---- set-up ----

    fn launch(private: bool) -> Result<Postfix, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(format!(
                "the tests' Postfix needs root (its master starts as root and drops to the \
                 postfix user); run the SMTP tests as root. {INSTALL_HINT}"
            ));
        }
        let postfix_bin = find_program("postfix")?;
        let postconf = find_program("postconf")?;
        let daemon_dir = run(&postconf, &["-d", "-h", "daemon_directory"])?;
        let master = PathBuf::from(daemon_dir.trim()).join("master");
        if !master.exists() {
            return Err(format!("{} not found; {INSTALL_HINT}", master.display()));
        }
        let dovecot = dovecot();
        let dir = make_temp_dir_named("tmail-postfix")?;
        let conf_dir = dir.join("etc");
        let spool = dir.join("spool");
        let data = dir.join("lib");
        for d in [&conf_dir, &spool, &data] {
            fs::create_dir(d).map_err(|e| format!("create {}: {e}", d.display()))?;
            fs::set_permissions(d, fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("chmod {}: {e}", d.display()))?;
        }
        let postfix_uid = run(Path::new("/usr/bin/id"), &["-u", "postfix"])?;
        let postfix_uid: u32 = postfix_uid
            .trim()
            .parse()
            .map_err(|e| format!("no postfix user ({e}); {INSTALL_HINT}"))?;
        chown(&data, Some(postfix_uid), None)
            .map_err(|e| format!("chown {}: {e}", data.display()))?;
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let ports = free_ports()?;
            let p = Postfix {
                log: dir.join("postfix.log"),
                stderr_log: dir.join("master.stderr"),
                conf_dir: conf_dir.clone(),
                dir: dir.clone(),
                master: master.clone(),
                ports,
                dovecot,
                child: Mutex::new(None),
                pid: AtomicI32::new(0),
                private,
            };
            p.write_config()?;
            // `postfix check` makes the queue's subdirectories with their owners and modes.
            let check = Command::new(&postfix_bin)
                .arg("-c")
                .arg(&conf_dir)
                .arg("check")
                .stdin(Stdio::null())
                .output()
                .map_err(|e| {
                    format!("cannot run {}: {e}; {INSTALL_HINT}", postfix_bin.display())
                })?;
            if !check.status.success() {
                return Err(p.startup_error(&format!(
                    "`postfix -c {} check` failed ({}): {}",
                    conf_dir.display(),
                    check.status,
                    String::from_utf8_lossy(&check.stderr)
                )));
            }
            match p.spawn_ready() {
                Ok(child) => {
                    p.pid.store(child.id() as i32, Ordering::SeqCst);
                    *lock(&p.child) = Some(child);
                    return Ok(p);
                }
                Err(e) => {
                    let port_clash = e.contains("Address already in use");
                    last_error = e;
                    // Not private-dropped on purpose: the dir is kept for a look.
                    std::mem::forget(p);
                    if !port_clash {
                        break;
                    }
                }
            }
        }
        Err(last_error)
    }

    /// `tmail-test-PID-N`: in the SMTP greeting, so start-up waits for this instance.
    fn instance_name(&self) -> String {
        let suffix = self
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('-').next())
            .unwrap_or("x");
        format!("tmail-test-{}-{suffix}", std::process::id())
    }

    fn startup_error(&self, what: &str) -> String {
        format!(
            "the tests' Postfix could not start: {what}.\nconfig: {}\n--- postfix log tail ---\n{}\n\
             ({INSTALL_HINT})",
            self.conf_dir.display(),
            self.log_tail(30)
        )
    }

    /// Writes main.cf, master.cf and the recipient map, dated a few seconds back: Postfix
    /// stalls about two seconds on a main.cf written in the current second.
    fn write_config(&self) -> Result<(), String> {
        let files = [
            ("main.cf", self.main_cf()),
            ("master.cf", self.master_cf()),
            // Every fixture user is NAME-N (Dovecot::new_user); anything else is unknown.
            (
                "virtual_mailboxes",
                format!(
                    "/^[a-z0-9]+-[0-9]+@{}$/ OK\n",
                    MAIL_DOMAIN.replace('.', "\\.")
                ),
            ),
        ];
        let past = SystemTime::now() - Duration::from_secs(10);
        for (name, text) in files {
            let path = self.conf_dir.join(name);
            fs::write(&path, text).map_err(|e| format!("write {}: {e}", path.display()))?;
            let f = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| format!("open {}: {e}", path.display()))?;
            f.set_modified(past)
                .map_err(|e| format!("set mtime of {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn main_cf(&self) -> String {
        let dir = self.dir.display();
        let dovecot_dir = self.dovecot.dir().display();
        format!(
            r#"# Written by tests/support/postfix.rs for one test run. Not the system's Postfix.
compatibility_level = 3.6
queue_directory = {dir}/spool
data_directory = {dir}/lib
mail_owner = postfix
setgid_group = postdrop
maillog_file = {dir}/postfix.log
maillog_file_prefixes = {dir}
myhostname = localhost
mydomain = localdomain
myorigin = $myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = $myhostname ESMTP {instance}
smtpd_peername_lookup = no
biff = no
append_dot_mydomain = no
smtputf8_enable = yes

# Nothing is delivered locally or relayed: only {MAIL_DOMAIN}, to Dovecot over LMTP.
mydestination =
local_recipient_maps =
local_transport = error:local delivery is off in the tests
alias_maps =
alias_database =
relay_domains =
relayhost =
default_transport = error:this test server delivers only to {MAIL_DOMAIN}
virtual_mailbox_domains = {MAIL_DOMAIN}
virtual_mailbox_maps = regexp:{conf}/virtual_mailboxes
virtual_transport = lmtp:unix:{lmtp}
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =

# Logins through Dovecot (its auth socket); TLS with the Dovecot fixture's certificate.
smtpd_sasl_type = dovecot
smtpd_sasl_path = {auth}
smtpd_sasl_auth_enable = no
smtpd_tls_cert_file = {dovecot_dir}/server.pem
smtpd_tls_key_file = {dovecot_dir}/server.key
smtpd_tls_security_level = none

message_size_limit = {MESSAGE_SIZE_LIMIT}
mailbox_size_limit = 0
virtual_mailbox_limit = 0

# Many tests in parallel from 127.0.0.1, quick retries, no slow-down after errors.
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_client_auth_rate_limit = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 0
"#,
            instance = self.instance_name(),
            conf = self.conf_dir.display(),
            lmtp = self.dovecot.lmtp_socket().display(),
            auth = self.dovecot.auth_socket().display(),
        )
    }

    fn master_cf(&self) -> String {
        let p = self.ports;
        let auth = "-o smtpd_sasl_auth_enable=yes \
                    -o smtpd_client_restrictions=permit_sasl_authenticated,reject";
        format!(
            "# Written by tests/support/postfix.rs. service type private unpriv chroot wakeup maxproc command
127.0.0.1:{sub} inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes {auth}
127.0.0.1:{subs} inet n - n - - smtpd -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt {auth}
127.0.0.1:{plain} inet n - n - - smtpd -o syslog_name=postfix/plain -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no {auth}
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
lmtp unix - - n - - lmtp
smtp unix - - n - - smtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
",
            sub = p.submission,
            subs = p.submissions,
            plain = p.plain,
        )
    }

    /// Spawn `master -d` and wait until all three ports greet with this instance's banner.
    fn spawn_ready(&self) -> Result<Child, String> {
        let t0 = Instant::now();
        let instance = self.instance_name();
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stderr_log)
            .map_err(|e| format!("open {}: {e}", self.stderr_log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("dup {}: {e}", self.stderr_log.display()))?;
        let mut cmd = Command::new(&self.master);
        cmd.arg("-d")
            .arg("-c")
            .arg(&self.conf_dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls (prctl, getppid) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    return Err(io::Error::other("test process gone"));
                }
                Ok(())
            });
        }
        let mut child = spawn_from_lasting_thread(cmd).map_err(|e| {
            format!(
                "cannot start {}: {e}; {INSTALL_HINT}",
                self.master.display()
            )
        })?;
        let pid = child.id() as i32;
        let ports = [
            (self.ports.submission, false),
            (self.ports.submissions, true),
            (self.ports.plain, false),
        ];
        let mut ready = [false; 3];
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                terminate(pid, false, || true);
                return Err(self.startup_error(&format!("master exited at start-up ({status})")));
            }
            for (i, (port, tls)) in ports.iter().enumerate() {
                // The implicit-TLS port cannot greet in clear: it is ready when it accepts.
                ready[i] = ready[i]
                    || if *tls {
                        TcpStream::connect((Ipv4Addr::LOCALHOST, *port)).is_ok()
                    } else {
                        greeting(*port).is_ok_and(|g| g.contains(&instance))
                    };
            }
            if ready.iter().all(|r| *r) {
                return Ok(child);
            }
            if t0.elapsed() > STARTUP_TIMEOUT {
                terminate(pid, false, || {
                    child.try_wait().map(|s| s.is_some()).unwrap_or(true)
                });
                let _ = child.wait();
                return Err(self.startup_error(&format!(
                    "not all of 127.0.0.1:{{{},{},{}}} greeted within {STARTUP_TIMEOUT:?}",
                    self.ports.submission, self.ports.submissions, self.ports.plain
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// At the end (exit, drop): stop everything and remove the dir.
    fn shutdown(&self) {
        let pid = self.pid.swap(0, Ordering::SeqCst);
        if pid > 0 {
            match self.child.try_lock() {
                Ok(mut guard) => {
                    if let Some(mut child) = guard.take() {
                        terminate(pid, false, || {
                            child.try_wait().map(|s| s.is_some()).unwrap_or(true)
                        });
                        let _ = child.wait();
                    }
                }
                Err(_) => terminate(pid, false, || reaped(pid)),
            }
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Run a program and return its stdout, or why it failed.
fn run(program: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}; {INSTALL_HINT}", program.display()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{} {args:?} failed: {}",
            program.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The first line a port sends (an SMTP greeting).
fn greeting(port: u16) -> io::Result<String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line)?;
    if line.starts_with("220 ") {
        Ok(line)
    } else {
        Err(io::Error::other(format!("unexpected greeting {line:?}")))
    }
}

/// Three distinct free ports on 127.0.0.1 (held together while picking so they differ).
fn free_ports() -> Result<Ports, String> {
    let listeners: Vec<TcpListener> = (0..3)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot bind 127.0.0.1:0 to find a free port: {e}"))?;
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("local_addr: {e}"))?;
    Ok(Ports {
        submission: ports[0],
        submissions: ports[1],
        plain: ports[2],
    })
}
