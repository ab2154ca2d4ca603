//! A real OpenSSH server for the end-to-end tests, listening on 127.0.0.1 on a free port, with
//! its own host key, client key, `authorized_keys`, config, pid file and log in a fresh temp
//! dir. It runs in the foreground (`sshd -D -f CONF`) as a child of the test and is stopped by
//! its PID when the fixture drops. It lets in the user running the tests, by key only.
//! `bash .ci/install-deps.sh` installs it (openssh-server).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";
const INSTALL_HINT: &str = "run `bash .ci/install-deps.sh` as root (installs openssh-server)";

pub struct Sshd {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}; {INSTALL_HINT}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The name of the user running the tests (who may log in).
pub fn user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Sshd {
    /// Start a server; panics (never skips) when it cannot.
    pub fn start() -> Sshd {
        assert!(
            Path::new(SSHD).exists(),
            "{SSHD} is missing: {INSTALL_HINT}"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let p = |name: &str| dir.path().join(name);
        for key in ["host_key", "client_key"] {
            run(Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "tmail-test", "-f"])
                .arg(p(key)));
        }
        std::fs::copy(p("client_key.pub"), p("authorized_keys")).expect("authorized_keys");
        // A root sshd separates privileges into this directory, which must exist.
        // SAFETY: getuid has no preconditions.
        if unsafe { libc::getuid() } == 0 && !Path::new("/run/sshd").exists() {
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nPidFile {pid}\n\
             AuthorizedKeysFile {auth}\nPubkeyAuthentication yes\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n\
             PermitRootLogin prohibit-password\nPrintMotd no\nPrintLastLog no\n\
             X11Forwarding no\nAllowTcpForwarding no\nLogLevel VERBOSE\n",
            host = p("host_key").display(),
            pid = p("sshd.pid").display(),
            auth = p("authorized_keys").display(),
        );
        std::fs::write(p("sshd_config"), config).expect("sshd_config");
        run(Command::new(SSHD).arg("-t").arg("-f").arg(p("sshd_config")));
        let log = std::fs::File::create(p("sshd.log")).expect("sshd.log");
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(p("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {SSHD}: {e}; {INSTALL_HINT}"));
        let s = Sshd { dir, port, child };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "sshd did not start listening on port {port}: {}",
                s.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    pub fn client_key(&self) -> PathBuf {
        self.dir.path().join("client_key")
    }

    /// The `ssh` command line that runs `remote` in a terminal on this server.
    pub fn ssh_command(&self, remote: &str) -> String {
        format!(
            "ssh -F /dev/null -tt -p {port} -i {key} -o IdentitiesOnly=yes -o BatchMode=yes \
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
             {user}@127.0.0.1 '{remote}'",
            port = self.port,
            key = self.client_key().display(),
            user = user(),
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
