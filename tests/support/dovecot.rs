//! A real Dovecot 2.3 (IMAP, POP3, LMTP) for the integration tests, listening on 127.0.0.1 on free
//! ports, with its config, sockets, state, log, users and maildirs in a fresh temp dir and a test
//! CA made with the `openssl` CLI. `bash .ci/install-deps.sh` installs what it needs.
//!
//! - [`dovecot()`] starts one instance per test binary, shared by its tests. Each test makes its
//!   own user with [`Dovecot::new_user`], so parallel tests never share a mailbox.
//! - [`private_dovecot()`] starts an instance of its own (stopped and removed on drop): use it for
//!   tests that [`Dovecot::stop`] the server, or they pull it from under the other tests of their
//!   binary.
//!
//! Dovecot runs in the foreground (`dovecot -F -c CONF`) as a child of the test process, in its own
//! process group, with `PR_SET_PDEATHSIG` so it dies with the test binary. It is spawned from a
//! thread that lives as long as the process (the death signal follows the *thread* that forked,
//! and test threads end with their test). The shared instance is also stopped, and its dir
//! removed, when the test binary exits.
//!
//! Users live in one passwd-file per user (`users/NAME`), written once and never changed: Dovecot
//! 2.3 re-reads a single passwd-file at most once a second, so a user appended to a shared file
//! just after another login is "unknown" for up to a second. A new file is read at its first
//! lookup, so a user can log in as soon as `new_user` returns; no reload is needed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{chown, OpenOptionsExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The domain of the users' addresses (`NAME@tmail.test`); LMTP delivers to it.
pub const MAIL_DOMAIN: &str = "tmail.test";
/// The unprivileged system user mail processes run as when the tests run as root.
const MAIL_SYSTEM_USER: &str = "tmailtest";
const INSTALL_HINT: &str = "run `bash .ci/install-deps.sh` as root (installs dovecot-imapd, \
                            dovecot-pop3d, dovecot-lmtpd and openssl)";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A mail account on the test server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Also the login name.
    pub name: String,
    pub password: String,
    /// `NAME@tmail.test`.
    pub email: String,
}

#[derive(Clone, Copy, Debug)]
struct Ports {
    imap: u16,
    imaps: u16,
    pop3: u16,
    pop3s: u16,
    lmtp: u16,
}

struct Programs {
    dovecot: PathBuf,
    doveadm: PathBuf,
    openssl: PathBuf,
}

/// Who owns the mail: as root, a dedicated unprivileged user; otherwise the current user, with
/// all of Dovecot running as that user.
#[derive(Clone, Debug)]
enum Owner {
    Root { uid: u32, gid: u32 },
    NonRoot { user: String, group: String },
}

/// A running (or stopped) Dovecot instance of the tests.
pub struct Dovecot {
    dir: PathBuf,
    conf: PathBuf,
    log: PathBuf,
    stderr_log: PathBuf,
    ca_file: PathBuf,
    untrusted_ca_file: PathBuf,
    ports: Ports,
    programs: Programs,
    owner: Owner,
    child: Mutex<Option<Child>>,
    /// PID of the master while running, 0 when stopped (read at exit without the lock).
    pid: AtomicI32,
    next_user: AtomicUsize,
    next_batch: AtomicUsize,
    /// Private instances are stopped and their dir removed on drop.
    private: bool,
}

static SHARED: OnceLock<Result<Dovecot, String>> = OnceLock::new();

/// The Dovecot of this test binary: started at the first call (in a fresh temp dir, on free
/// 127.0.0.1 ports), shared by all its tests. Panics with Dovecot's log tail if it cannot start.
pub fn dovecot() -> &'static Dovecot {
    let shared = SHARED.get_or_init(|| {
        let started = Dovecot::launch(false);
        if started.is_ok() {
            // SAFETY: registers a plain `extern "C"` function with no arguments.
            unsafe {
                libc::atexit(stop_shared_at_exit);
            }
        }
        started
    });
    match shared {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

/// A Dovecot of the calling test's own (for "server down" tests that `stop()`/`start()` it).
/// Stopped and its temp dir removed when dropped.
pub fn private_dovecot() -> Dovecot {
    Dovecot::launch(true).unwrap_or_else(|e| panic!("{e}"))
}

extern "C" fn stop_shared_at_exit() {
    if let Some(Ok(d)) = SHARED.get() {
        d.shutdown();
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if self.private {
            self.shutdown();
        }
    }
}

impl Dovecot {
    /// Plain IMAP, STARTTLS offered (like 143).
    pub fn imap_port(&self) -> u16 {
        self.ports.imap
    }
    /// IMAP over implicit TLS (like 993).
    pub fn imaps_port(&self) -> u16 {
        self.ports.imaps
    }
    /// Plain POP3, STLS offered (like 110).
    pub fn pop3_port(&self) -> u16 {
        self.ports.pop3
    }
    /// POP3 over implicit TLS (like 995).
    pub fn pop3s_port(&self) -> u16 {
        self.ports.pop3s
    }
    /// LMTP over TCP on 127.0.0.1 (also on the unix socket [`Self::lmtp_socket`]).
    pub fn lmtp_port(&self) -> u16 {
        self.ports.lmtp
    }
    /// LMTP unix socket (mode 0666), e.g. for a Postfix that delivers to this Dovecot.
    pub fn lmtp_socket(&self) -> PathBuf {
        self.dir.join("run").join("lmtp")
    }
    /// Dovecot SASL auth socket (mode 0666), e.g. for Postfix `smtpd_sasl_type = dovecot`.
    pub fn auth_socket(&self) -> PathBuf {
        self.dir.join("run").join("auth-postfix")
    }
    /// PEM of the test CA that signed the server certificate (SAN: localhost, 127.0.0.1).
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }
    /// PEM of a second CA that did NOT sign the server certificate.
    pub fn untrusted_ca_file(&self) -> &Path {
        &self.untrusted_ca_file
    }
    /// The instance's temp dir (config, sockets in `run/`, `dovecot.log`, users, maildirs).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The config file, for `dovecot -c` / `doveadm -c`.
    pub fn conf_file(&self) -> &Path {
        &self.conf
    }
    /// Dovecot's log file.
    pub fn log_file(&self) -> &Path {
        &self.log
    }
    /// The last `lines` lines of Dovecot's log (and of its stderr, if any): for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut out = tail(&self.log, lines);
        let stderr = tail(&self.stderr_log, lines);
        if !stderr.trim().is_empty() {
            out.push_str("\n--- dovecot stderr ---\n");
            out.push_str(&stderr);
        }
        out
    }

    /// A new user with a unique name made from `hint` (`hint-N`), a known password and the
    /// address `NAME@tmail.test`. Usable at once for IMAP/POP3 login and LMTP delivery.
    pub fn new_user(&self, hint: &str) -> User {
        let name = self.unique_name(hint);
        let password = format!("secret-{name}");
        self.add_user(name, password)
    }

    /// Like [`Self::new_user`] with a chosen password (e.g. with spaces, quotes or backslashes
    /// to test quoting). It may contain anything but `:`, CR, LF and NUL.
    pub fn new_user_with_password(&self, hint: &str, password: &str) -> User {
        assert!(
            !password.contains([':', '\r', '\n', '\0']),
            "a passwd-file password cannot contain ':', CR, LF or NUL: {password:?}"
        );
        let name = self.unique_name(hint);
        self.add_user(name, password.to_string())
    }

    /// Change a user's password (with `xoauth2`/`oauthbearer`, the token Dovecot accepts: its
    /// OAuth2 mechanisms check the token as the passdb password). Dovecot notices the new file
    /// within about a second; returns after waiting that long.
    pub fn set_password(&self, user: &User, password: &str) {
        let users = self.dir.join("users");
        let tmp = users.join(format!(".{}.tmp", user.name));
        let _ = fs::remove_file(&tmp);
        fs::write(&tmp, format!("{}:{{PLAIN}}{password}::::::\n", user.name))
            .unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
        let _ = fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644));
        fs::rename(&tmp, users.join(&user.name))
            .unwrap_or_else(|e| panic!("rename {}: {e}", tmp.display()));
        std::thread::sleep(Duration::from_millis(1100));
    }

    /// Deliver a raw RFC 5322 message (LF or CRLF line ends) to the user's INBOX through LMTP: a
    /// real delivery that wakes IDLE. Dovecot adds a `Return-Path:` header.
    pub fn deliver(&self, user: &User, raw: &[u8]) {
        self.deliver_to(user, "INBOX", raw);
    }

    /// Deliver to a folder (created and subscribed if missing; `/` separates levels). ASCII names
    /// go through LMTP (`NAME+Folder@tmail.test`); others through `dovecot-lda -m`.
    pub fn deliver_to(&self, user: &User, folder: &str, raw: &[u8]) {
        if !folder.is_ascii() || folder.contains(['\r', '\n', '\0']) {
            self.deliver_with_lda(user, folder, raw);
            return;
        }
        let rcpt = if folder.eq_ignore_ascii_case("INBOX") {
            format!("<{}>", user.email)
        } else {
            let local = format!("{}+{}", user.name, folder);
            if is_dot_atom(&local) {
                format!("<{local}@{MAIL_DOMAIN}>")
            } else {
                let quoted = local.replace('\\', "\\\\").replace('"', "\\\"");
                format!("<\"{quoted}\"@{MAIL_DOMAIN}>")
            }
        };
        if let Err(e) = self.lmtp_deliver(&rcpt, raw) {
            panic!(
                "LMTP delivery to {rcpt} failed: {e}\n--- dovecot log ---\n{}",
                self.log_tail(20)
            );
        }
    }

    /// Run `doveadm -c <our conf> ARGS` and return its stdout; panics with its stderr on failure.
    /// E.g. `["mailbox", "create", "-u", &user.name, "Work"]`, `["flags", "add", "-u", &user.name,
    /// "\\Seen", "mailbox", "INBOX", "all"]`, `["expunge", ...]`, `["mailbox", "status", ...]`.
    pub fn doveadm(&self, args: &[&str]) -> String {
        let out = self.doveadm_output(args);
        if !out.status.success() {
            panic!(
                "doveadm {args:?} failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Like [`Self::doveadm`] but returns the whole output, success or not.
    pub fn doveadm_output(&self, args: &[&str]) -> Output {
        Command::new(&self.programs.doveadm)
            .arg("-c")
            .arg(&self.conf)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {}: {e}; {INSTALL_HINT}",
                    self.programs.doveadm.display()
                )
            })
    }

    /// Number of messages in a folder of the user (`doveadm mailbox status messages`).
    pub fn message_count(&self, user: &User, folder: &str) -> usize {
        let out = self.doveadm(&["mailbox", "status", "-u", &user.name, "messages", folder]);
        parse_messages(&out)
            .unwrap_or_else(|| panic!("unexpected `doveadm mailbox status` output: {out:?}"))
    }

    /// Fast bulk load: append `messages` (raw RFC 5322) to a folder of the user, created if
    /// missing, in order (UIDs ascending with the slice). Writes maildir files directly (INTERNALDATE
    /// from each message's `Date:` header when it parses) and lets Dovecot index them; returns when
    /// Dovecot counts them. For 2,000-message tests and 50,000-message benchmarks.
    pub fn append_many(&self, user: &User, folder: &str, messages: &[Vec<u8>]) {
        let before = self.ensure_mailbox(user, folder);
        let path = self.doveadm(&["mailbox", "path", "-u", &user.name, folder]);
        let path = PathBuf::from(path.trim());
        assert!(
            path.is_absolute(),
            "`doveadm mailbox path` gave no path for {folder:?}: {path:?}"
        );
        let tmp = path.join("tmp");
        let cur = path.join("cur");
        for d in [&tmp, &cur] {
            if !d.is_dir() {
                fs::create_dir_all(d).unwrap_or_else(|e| panic!("create {}: {e}", d.display()));
                self.give_to_owner(d);
            }
        }
        let batch = self.next_batch.fetch_add(1, Ordering::Relaxed);
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let pid = std::process::id();
        let now = SystemTime::now();
        for (i, raw) in messages.iter().enumerate() {
            // Dovecot gives new files UIDs sorted by the time in the name, then by the number
            // after `M` (microseconds): `i` there keeps the slice's order.
            let base = format!("{secs}.M{i}P{pid}Q{batch}.tmail,S={}", raw.len());
            let tmp_file = tmp.join(&base);
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp_file)
                .unwrap_or_else(|e| panic!("create {}: {e}", tmp_file.display()));
            f.write_all(raw)
                .unwrap_or_else(|e| panic!("write {}: {e}", tmp_file.display()));
            let _ = f.set_modified(date_header(raw).unwrap_or(now));
            drop(f);
            self.give_to_owner(&tmp_file);
            let cur_file = cur.join(format!("{base}:2,"));
            fs::rename(&tmp_file, &cur_file)
                .unwrap_or_else(|e| panic!("rename into {}: {e}", cur_file.display()));
        }
        let after = self.message_count(user, folder);
        assert_eq!(
            after,
            before + messages.len(),
            "Dovecot counts {after} messages in {folder:?} of {} after appending {} to {before}",
            user.name,
            messages.len()
        );
    }

    /// Stop the server: SIGTERM to the master, then wait until all its processes are gone (so
    /// its ports refuse connections). Data stays; [`Self::start`] brings it back.
    pub fn stop(&self) {
        let mut guard = lock(&self.child);
        if let Some(mut child) = guard.take() {
            self.pid.store(0, Ordering::SeqCst);
            let pid = child.id() as i32;
            terminate(pid, true, || {
                child.try_wait().map(|s| s.is_some()).unwrap_or(true)
            });
            let _ = child.wait();
            // A master killed in its last second leaves its PID file: a stale one could name a
            // PID reused by another process, which would keep `start()` from starting.
            let _ = fs::remove_file(self.dir.join("run").join("master.pid"));
        }
    }

    /// Start the server again on the same ports and data (no-op if it is running).
    pub fn start(&self) {
        let mut guard = lock(&self.child);
        if let Some(child) = guard.as_mut() {
            match child.try_wait() {
                Ok(None) => return,
                _ => {
                    // It died on its own: clean up what is left of its group, then restart.
                    let pid = child.id() as i32;
                    terminate(pid, false, || true);
                    *guard = None;
                }
            }
        }
        let child = self.spawn_ready().unwrap_or_else(|e| panic!("{e}"));
        self.pid.store(child.id() as i32, Ordering::SeqCst);
        *guard = Some(child);
    }

    /// Whether the master process is running.
    pub fn is_running(&self) -> bool {
        lock(&self.child)
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    // ---- set-up ----

    fn launch(private: bool) -> Result<Dovecot, String> {
        let t0 = Instant::now();
        let programs = Programs {
            dovecot: find_program("dovecot")?,
            doveadm: find_program("doveadm")?,
            openssl: find_program("openssl")?,
        };
        let owner = mail_owner()?;
        let dir = make_temp_dir()?;
        make_certs(&programs.openssl, &dir)?;
        for d in ["run", "state", "users", "mail"] {
            let p = dir.join(d);
            fs::create_dir(&p).map_err(|e| format!("create {}: {e}", p.display()))?;
            // Whatever the umask: Dovecot's auth process (user dovecot) reads users/.
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("chmod {}: {e}", p.display()))?;
        }
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let ports = free_ports()?;
            let d = Dovecot {
                conf: dir.join("dovecot.conf"),
                log: dir.join("dovecot.log"),
                stderr_log: dir.join("dovecot.stderr"),
                ca_file: dir.join("ca.pem"),
                untrusted_ca_file: dir.join("untrusted-ca.pem"),
                dir: dir.clone(),
                ports,
                programs: Programs {
                    dovecot: programs.dovecot.clone(),
                    doveadm: programs.doveadm.clone(),
                    openssl: programs.openssl.clone(),
                },
                owner: owner.clone(),
                child: Mutex::new(None),
                pid: AtomicI32::new(0),
                next_user: AtomicUsize::new(0),
                next_batch: AtomicUsize::new(0),
                private,
            };
            d.give_to_owner(&dir.join("mail"));
            fs::write(&d.conf, d.config())
                .map_err(|e| format!("write {}: {e}", d.conf.display()))?;
            match d.spawn_ready() {
                Ok(child) => {
                    d.pid.store(child.id() as i32, Ordering::SeqCst);
                    *lock(&d.child) = Some(child);
                    if std::env::var_os("TMAIL_TEST_VERBOSE").is_some() {
                        eprintln!(
                            "dovecot: started in {:?} ({})",
                            t0.elapsed(),
                            d.dir.display()
                        );
                    }
                    return Ok(d);
                }
                Err(e) => {
                    let port_clash = e.contains("Address already in use");
                    last_error = e;
                    // `d` is not private-dropped here on purpose: its dir is kept for a look.
                    std::mem::forget(d);
                    if !port_clash {
                        break;
                    }
                }
            }
        }
        Err(last_error)
    }

    /// Spawn `dovecot -F` and wait until it greets on the IMAP and POP3 ports.
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
        let mut cmd = Command::new(&self.programs.dovecot);
        cmd.arg("-F")
            .arg("-c")
            .arg(&self.conf)
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
                    // The test process died between fork and prctl.
                    return Err(io::Error::other("test process gone"));
                }
                Ok(())
            });
        }
        let mut child = spawn_from_lasting_thread(cmd).map_err(|e| {
            format!(
                "cannot start {}: {e}; {INSTALL_HINT}",
                self.programs.dovecot.display()
            )
        })?;
        let pid = child.id() as i32;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                terminate(pid, false, || true);
                return Err(self.startup_error(&format!("dovecot exited at start-up ({status})")));
            }
            let ours = |g: io::Result<String>| g.is_ok_and(|g| g.contains(&instance));
            if ours(greeting(self.ports.imap, "* OK")) && ours(greeting(self.ports.pop3, "+OK")) {
                return Ok(child);
            }
            if t0.elapsed() > STARTUP_TIMEOUT {
                terminate(pid, false, || {
                    child.try_wait().map(|s| s.is_some()).unwrap_or(true)
                });
                let _ = child.wait();
                return Err(self.startup_error(&format!(
                    "dovecot did not greet on 127.0.0.1:{} within {STARTUP_TIMEOUT:?}",
                    self.ports.imap
                )));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `dovecot-tmailtest-PID-N`: the prefix of its processes' titles (`ps`, `pgrep -f dovecot`)
    /// and part of its greeting.
    fn instance_name(&self) -> String {
        let suffix = self
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('-').next())
            .unwrap_or("x");
        format!("dovecot-tmailtest-{}-{suffix}", std::process::id())
    }

    fn startup_error(&self, what: &str) -> String {
        format!(
            "the tests' Dovecot could not start: {what}.\nconfig: {}\n--- dovecot log tail ---\n{}\n\
             (Dovecot must be installed: {INSTALL_HINT})",
            self.conf.display(),
            self.log_tail(30)
        )
    }

    fn config(&self) -> String {
        let dir = self.dir.display();
        let p = self.ports;
        let instance = self.instance_name();
        let owner = match &self.owner {
            Owner::Root { uid, gid } => format!(
                "# Mail processes run as {MAIL_SYSTEM_USER} (Dovecot refuses root for mail).\n\
                 mail_uid = {uid}\nmail_gid = {gid}\nfirst_valid_uid = {uid}\nfirst_valid_gid = 1\n"
            ),
            Owner::NonRoot { user, group } => format!(
                "# Not root: everything runs as {user}.\n\
                 default_login_user = {user}\n\
                 default_internal_user = {user}\n\
                 default_internal_group = {group}\n\
                 first_valid_uid = 1\nfirst_valid_gid = 1\n\
                 service anvil {{\n  chroot =\n}}\n\
                 service imap-login {{\n  chroot =\n}}\n\
                 service pop3-login {{\n  chroot =\n}}\n\
                 service auth-worker {{\n  user = $default_internal_user\n}}\n"
            ),
        };
        let mut special = String::new();
        for (name, flag) in [
            ("Sent", "\\Sent"),
            ("Drafts", "\\Drafts"),
            ("Trash", "\\Trash"),
            ("Junk", "\\Junk"),
            ("Archive", "\\Archive"),
        ] {
            special.push_str(&format!(
                "  mailbox {name} {{\n    special_use = {flag}\n    auto = subscribe\n  }}\n"
            ));
        }
        format!(
            r#"# Written by tests/support/dovecot.rs for one test run. Not the system's Dovecot.
protocols = imap pop3 lmtp
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = {instance}
# Names this instance in the greeting, so start-up waits for this one, not for whatever else
# might answer on a port that was free a moment ago.
login_greeting = Dovecot ready ({instance}).
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
debug_log_path = {dir}/dovecot.log
{owner}
# Many tests in parallel, no slow-down after failed logins.
default_process_limit = 500
default_client_limit = 5000
mail_max_userip_connections = 200
auth_failure_delay = 0
auth_verbose = yes
# xoauth2/oauthbearer check the token against the passdb password (tests of token logins).
auth_mechanisms = plain login xoauth2 oauthbearer
# Logins and LMTP recipients are the part before '@' (NAME@{MAIL_DOMAIN} -> NAME).
auth_username_format = %Ln
# Tests also log in in plain text on the loopback plain ports.
disable_plaintext_auth = no

passdb {{
  driver = passwd-file
  args = scheme=PLAIN {dir}/users/%u
}}
userdb {{
  driver = passwd-file
  args = {dir}/users/%u
  default_fields = home={dir}/mail/%u
}}

mail_location = maildir:{dir}/mail/%u/Maildir
mail_fsync = never
# IDLE: inotify wakes it; this is the fallback poll if inotify is unavailable.
mailbox_idle_check_interval = 1 secs
namespace inbox {{
  inbox = yes
  separator = /
{special}}}

# LMTP: NAME+Folder@{MAIL_DOMAIN} delivers to Folder (created if missing).
recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes
lda_mailbox_autocreate = yes
lda_mailbox_autosubscribe = yes
lmtp_add_received_header = no
lmtp_hdr_delivery_address = none

ssl = yes
ssl_cert = <{dir}/server.pem
ssl_key = <{dir}/server.key

service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
  inet_listener lmtp {{
    port = {lmtp}
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
# No auth penalty: failed logins from 127.0.0.1 must not slow later logins down.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"#,
            imap = p.imap,
            imaps = p.imaps,
            pop3 = p.pop3,
            pop3s = p.pop3s,
            lmtp = p.lmtp,
        )
    }

    // ---- users ----

    fn unique_name(&self, hint: &str) -> String {
        let n = self.next_user.fetch_add(1, Ordering::Relaxed) + 1;
        let base: String = hint
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .take(24)
            .collect();
        let base = if base.is_empty() { "user" } else { &base };
        format!("{base}-{n}")
    }

    fn add_user(&self, name: String, password: String) -> User {
        let users = self.dir.join("users");
        let tmp = users.join(format!(".{name}.tmp"));
        let line = format!("{name}:{{PLAIN}}{password}::::::\n");
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)
            .unwrap_or_else(|e| panic!("create {}: {e}", tmp.display()));
        f.write_all(line.as_bytes())
            .unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
        drop(f);
        // Readable by Dovecot's auth process (user dovecot) whatever the umask.
        let _ = fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644));
        let dest = users.join(&name);
        fs::rename(&tmp, &dest).unwrap_or_else(|e| panic!("rename to {}: {e}", dest.display()));
        User {
            email: format!("{name}@{MAIL_DOMAIN}"),
            name,
            password,
        }
    }

    // ---- delivery and mailboxes ----

    fn lmtp_deliver(&self, rcpt: &str, raw: &[u8]) -> Result<(), String> {
        let path = self.lmtp_socket();
        let stream =
            UnixStream::connect(&path).map_err(|e| format!("connect {}: {e}", path.display()))?;
        let timeout = Some(Duration::from_secs(30));
        let _ = stream.set_read_timeout(timeout);
        let _ = stream.set_write_timeout(timeout);
        let mut writer = stream
            .try_clone()
            .map_err(|e| format!("clone LMTP socket: {e}"))?;
        let mut reader = BufReader::new(stream);
        let mut expect = |code: &str, after: &str| -> Result<(), String> {
            let reply = read_reply(&mut reader).map_err(|e| format!("after {after}: {e}"))?;
            if reply.starts_with(code) {
                Ok(())
            } else {
                Err(format!("after {after}: expected {code}, got {reply:?}"))
            }
        };
        expect("220", "connect")?;
        let send = |writer: &mut UnixStream, line: &str| -> Result<(), String> {
            writer
                .write_all(format!("{line}\r\n").as_bytes())
                .map_err(|e| format!("send {line}: {e}"))
        };
        send(&mut writer, "LHLO localhost")?;
        expect("250", "LHLO")?;
        send(
            &mut writer,
            &format!("MAIL FROM:<tmail-test-sender@{MAIL_DOMAIN}>"),
        )?;
        expect("250", "MAIL FROM")?;
        send(&mut writer, &format!("RCPT TO:{rcpt}"))?;
        expect("250", "RCPT TO")?;
        send(&mut writer, "DATA")?;
        expect("354", "DATA")?;
        writer
            .write_all(&dot_stuff(raw))
            .map_err(|e| format!("send message: {e}"))?;
        expect("250", "end of data")?;
        send(&mut writer, "QUIT")?;
        let _ = expect("221", "QUIT");
        Ok(())
    }

    fn deliver_with_lda(&self, user: &User, folder: &str, raw: &[u8]) {
        let lda = [
            "/usr/lib/dovecot/dovecot-lda",
            "/usr/libexec/dovecot/dovecot-lda",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("dovecot-lda not found; {INSTALL_HINT}"));
        let mut child = Command::new(&lda)
            .arg("-c")
            .arg(&self.conf)
            .args(["-d", &user.name, "-m", folder])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", lda.display()));
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(raw)
                .unwrap_or_else(|e| panic!("write to dovecot-lda: {e}"));
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("wait for dovecot-lda: {e}"));
        assert!(
            out.status.success(),
            "dovecot-lda to {folder:?} of {} failed ({}): {}",
            user.name,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Make sure the folder exists (INBOX is made at first access); returns its message count.
    fn ensure_mailbox(&self, user: &User, folder: &str) -> usize {
        let status = ["mailbox", "status", "-u", &user.name, "messages", folder];
        let out = self.doveadm_output(&status);
        if out.status.success() {
            if let Some(n) = parse_messages(&String::from_utf8_lossy(&out.stdout)) {
                return n;
            }
        }
        let create = self.doveadm_output(&["mailbox", "create", "-s", "-u", &user.name, folder]);
        if !create.status.success() {
            let err = String::from_utf8_lossy(&create.stderr);
            assert!(
                err.contains("exists"),
                "doveadm mailbox create {folder:?} for {} failed: {err}",
                user.name
            );
        }
        self.message_count(user, folder)
    }

    fn give_to_owner(&self, path: &Path) {
        if let Owner::Root { uid, gid } = self.owner {
            chown(path, Some(uid), Some(gid))
                .unwrap_or_else(|e| panic!("chown {} to {uid}:{gid}: {e}", path.display()));
        }
    }

    /// At the end (exit, drop): SIGKILL the whole group (nothing to keep: the dir goes too).
    fn shutdown(&self) {
        // At exit another thread may hold the lock (a test still running): use the PID then.
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

// ---- process handling ----

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stop Dovecot's master `pid` and everything in its process group; wait until all are gone.
///
/// Graceful: SIGTERM to the master, which stops its children within milliseconds, then waits a
/// fixed second or so with only its log process left before exiting: once only those two are
/// left (for 50 ms, so the log process has written what it was sent) they get SIGKILL, which
/// saves that second. Otherwise (or after [`STOP_TIMEOUT`]): SIGKILL to the whole group.
pub(super) fn terminate(pid: i32, graceful: bool, mut exited: impl FnMut() -> bool) {
    let t0 = Instant::now();
    if graceful {
        // SAFETY: kill(2) on our own child.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let mut alone_since: Option<Instant> = None;
        while !exited() && t0.elapsed() < STOP_TIMEOUT {
            let members = live_group_members(pid);
            if members.iter().all(|(p, comm)| *p == pid || comm == "log") {
                let since = *alone_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= Duration::from_millis(50) {
                    break;
                }
            } else {
                alone_since = None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    // Whatever is left (nothing, after a graceful stop that went well).
    // SAFETY: kill(2) on the process group our child leads.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !exited() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    while !live_group_members(pid).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// PIDs and names of the processes (not zombies) in process group `pgid`, from /proc.
fn live_group_members(pgid: i32) -> Vec<(i32, String)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[0] != "Z" && fields[2].parse() == Ok(pgid) {
            let comm = stat
                .split_once('(')
                .and_then(|(_, c)| c.rsplit_once(')'))
                .map(|(c, _)| c.to_string())
                .unwrap_or_default();
            out.push((pid, comm));
        }
    }
    out
}

pub(super) fn reaped(pid: i32) -> bool {
    let mut status = 0;
    // SAFETY: non-blocking waitpid on our own child.
    unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) != 0 }
}

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

/// `PR_SET_PDEATHSIG` fires when the *thread* that forked the child ends, and each test runs in
/// its own thread: spawn from one thread that lives as long as the test process.
pub(super) fn spawn_from_lasting_thread(cmd: Command) -> io::Result<Child> {
    static SPAWNER: OnceLock<mpsc::Sender<SpawnRequest>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("dovecot-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("cannot start the thread that spawns Dovecot");
        tx
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner
        .send((cmd, reply_tx))
        .map_err(|_| io::Error::other("the Dovecot spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the Dovecot spawner thread did not answer"))?
}

/// Connect to 127.0.0.1:port and read the first line; Ok if it starts with `prefix`.
fn greeting(port: u16, prefix: &str) -> io::Result<String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line)?;
    if line.starts_with(prefix) {
        Ok(line)
    } else {
        Err(io::Error::other(format!("unexpected greeting {line:?}")))
    }
}

// ---- environment ----

pub(super) fn find_program(name: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    for d in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin"] {
        dirs.push(PathBuf::from(d));
    }
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| format!("`{name}` not found (PATH and /usr/sbin): {INSTALL_HINT}"))
}

fn id(args: &[&str]) -> Result<String, String> {
    let out = Command::new("id")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `id`: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn mail_owner() -> Result<Owner, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(Owner::NonRoot {
            user: id(&["-un"])?,
            group: id(&["-gn"])?,
        });
    }
    if id(&["-u", MAIL_SYSTEM_USER]).is_err() {
        // install-deps.sh creates it; create it here too for machines set up by hand.
        let useradd = find_program("useradd")?;
        let out = Command::new(useradd)
            .args([
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                "--user-group",
                MAIL_SYSTEM_USER,
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run useradd: {e}"))?;
        // Another test binary may have created it meanwhile: only the lookup below decides.
        if id(&["-u", MAIL_SYSTEM_USER]).is_err() {
            return Err(format!(
                "cannot create the system user {MAIL_SYSTEM_USER} for Dovecot's mail processes: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let parse = |s: String| {
        s.parse::<u32>()
            .map_err(|e| format!("bad id output {s:?}: {e}"))
    };
    Ok(Owner::Root {
        uid: parse(id(&["-u", MAIL_SYSTEM_USER])?)?,
        gid: parse(id(&["-g", MAIL_SYSTEM_USER])?)?,
    })
}

fn make_temp_dir() -> Result<PathBuf, String> {
    make_temp_dir_named("tmail-dovecot")
}

/// A fresh dir `/tmp/PREFIX-PID-N…` (0755); first removes such dirs of test processes that are
/// gone.
pub(super) fn make_temp_dir_named(prefix: &str) -> Result<PathBuf, String> {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    // Unix socket paths are limited to 108 bytes: stay short.
    let mut base = std::env::temp_dir();
    if base.as_os_str().len() > 40 {
        base = PathBuf::from("/tmp");
    }
    remove_stale_dirs(&base, prefix);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for _ in 0..100 {
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!(
            "{prefix}-{}-{n}{:x}",
            std::process::id(),
            nanos & 0xfff
        ));
        match fs::create_dir(&dir) {
            Ok(()) => {
                // Traversable by Dovecot's unprivileged processes.
                fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
                    .map_err(|e| format!("chmod {}: {e}", dir.display()))?;
                return Ok(dir);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("create {}: {e}", dir.display())),
        }
    }
    Err(format!("cannot create a temp dir in {}", base.display()))
}

/// Dirs left by test binaries that were killed (SIGKILL skips the clean-up at exit): their
/// Dovecot died with them (PR_SET_PDEATHSIG), so a dir whose PID is gone is garbage.
fn remove_stale_dirs(base: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|n| n.strip_prefix('-'))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only checks whether the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        if !alive {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Five distinct free ports on 127.0.0.1 (held together while picking so they differ).
fn free_ports() -> Result<Ports, String> {
    let listeners: Vec<TcpListener> = (0..5)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot bind 127.0.0.1:0 to find a free port: {e}"))?;
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("local_addr: {e}"))?;
    Ok(Ports {
        imap: ports[0],
        imaps: ports[1],
        pop3: ports[2],
        pop3s: ports[3],
        lmtp: ports[4],
    })
}

const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = tmail test
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
";

/// The test CA, an unrelated CA, and a server certificate (end entity, SAN localhost and
/// 127.0.0.1) signed by the test CA. P-256 keys: made in milliseconds.
fn make_certs(openssl: &Path, dir: &Path) -> Result<(), String> {
    let cnf = dir.join("openssl.cnf");
    fs::write(&cnf, OPENSSL_CNF).map_err(|e| format!("write {}: {e}", cnf.display()))?;
    let run = |args: &[&str]| -> Result<(), String> {
        let out = Command::new(openssl)
            .args(args)
            .current_dir(dir)
            .env("OPENSSL_CONF", &cnf)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run openssl: {e}; {INSTALL_HINT}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "openssl {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let new_key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    for (name, cn) in [
        ("ca", "/CN=tmail test CA"),
        ("untrusted-ca", "/CN=tmail untrusted test CA"),
    ] {
        let (key, pem) = (format!("{name}.key"), format!("{name}.pem"));
        let mut args = vec!["req", "-x509", "-config", "openssl.cnf"];
        args.extend(["-extensions", "ca_ext", "-days", "3650", "-subj", cn]);
        args.extend(new_key);
        args.extend(["-keyout", &key, "-out", &pem]);
        run(&args)?;
    }
    let mut args = vec![
        "req",
        "-new",
        "-config",
        "openssl.cnf",
        "-subj",
        "/CN=localhost",
    ];
    args.extend(new_key);
    args.extend(["-keyout", "server.key", "-out", "server.csr"]);
    run(&args)?;
    let serial = format!(
        "0x{:x}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(1)
    );
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        &serial,
        "-days",
        "3650",
        "-extfile",
        "openssl.cnf",
        "-extensions",
        "server_ext",
        "-out",
        "server.pem",
    ])?;
    for f in ["ca.pem", "untrusted-ca.pem", "server.pem"] {
        let _ = fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o644));
    }
    Ok(())
}

// ---- small helpers ----

pub(super) fn tail(path: &Path, lines: usize) -> String {
    let mut s = String::new();
    if let Ok(mut f) = File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Reads one (possibly multi-line) SMTP/LMTP reply; returns its last line.
pub(super) fn read_reply(reader: &mut impl BufRead) -> io::Result<String> {
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(line.trim_end().to_string());
        }
    }
}

/// CRLF line ends, dot-stuffing, and the final `.` line of SMTP/LMTP DATA.
fn dot_stuff(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 30 + 8);
    let mut lines: Vec<&[u8]> = raw.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// An RFC 5321 dot-atom local part (needs no quoting).
fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && !s.ends_with('.')
        && !s.contains("..")
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
}

fn parse_messages(doveadm_out: &str) -> Option<usize> {
    doveadm_out
        .split_whitespace()
        .find_map(|w| w.strip_prefix("messages="))
        .and_then(|n| n.parse().ok())
}

/// The message's `Date:` header as a time, if present and RFC 2822-parsable.
fn date_header(raw: &[u8]) -> Option<SystemTime> {
    let text = String::from_utf8_lossy(raw);
    let mut value: Option<String> = None;
    for line in text.lines() {
        if line.trim_end_matches('\r').is_empty() {
            break;
        }
        match value.as_mut() {
            Some(v) if line.starts_with([' ', '\t']) => v.push_str(line.trim_end_matches('\r')),
            Some(_) => break,
            None => {
                if let Some((name, rest)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("date") {
                        value = Some(rest.trim_end_matches('\r').to_string());
                    }
                }
            }
        }
    }
    let mut v = value?.trim().to_string();
    // Drop a trailing comment such as "(UTC)".
    if let Some(i) = v.find('(') {
        v.truncate(i);
    }
    let t = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let secs = u64::try_from(t.timestamp()).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}
