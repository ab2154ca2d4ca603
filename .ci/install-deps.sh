#!/usr/bin/env bash
# Installs what the test suite needs on a Debian 12 machine (run as root; idempotent, quiet):
# tmux for the end-to-end tests, Dovecot (IMAP, POP3, LMTP), openssl for the test CA, Postfix,
# man-db (with groff) for the test that renders `tmail man` with `man -l`, and OpenSSH (server and
# client) for the end-to-end test over a real SSH session (the test runs its own sshd on a free
# port; the system's SSH service is left as it is).
# The tests start their own Dovecot/Postfix with their own config files in a temp dir, so any
# system instance the packages would start is kept from starting, or stopped.
set -euo pipefail

packages=(tmux openssl dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix man-db
  openssh-server openssh-client)

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}) and not root: cannot install" >&2
    exit 1
  fi
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep maintainer scripts from starting the system's dovecot/postfix (no systemd here; with
  # systemd present, policy-rc.d is honoured by deb-systemd-invoke too).
  policy_created=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  cleanup_policy() {
    if [ "$policy_created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  }
  trap cleanup_policy EXIT
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string localhost" | debconf-set-selections
  if ! apt-get update -qq >/tmp/install-deps-apt.log 2>&1; then
    cat /tmp/install-deps-apt.log >&2
    exit 1
  fi
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/install-deps-apt.log 2>&1; then
    cat /tmp/install-deps-apt.log >&2
    exit 1
  fi
  cleanup_policy
  trap - EXIT
fi

# Stop (and keep from starting at boot) any system instance: only the tests' own instances may
# run. The tests' instances use config files in temp dirs, so they are told apart by config.
disable_service() {
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now "$1" >/dev/null 2>&1 || true
  elif [ -e "/etc/init.d/$1" ] && command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d "$1" disable >/dev/null 2>&1 || true
  fi
}
disable_service dovecot
disable_service postfix
for pid in $(pgrep -x dovecot 2>/dev/null || true); do
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  case "$cmd" in
    *" -c /etc/"*) kill -TERM "$pid" 2>/dev/null || true ;; # the system's, with an explicit -c
    *" -c "*) ;;                                              # a test's (dovecot -F -c TMPDIR/...)
    *) kill -TERM "$pid" 2>/dev/null || true ;;               # the system's
  esac
done
if [ -x /usr/sbin/postfix ] && [ -f /etc/postfix/main.cf ] &&
  /usr/sbin/postfix -c /etc/postfix status >/dev/null 2>&1; then
  /usr/sbin/postfix -c /etc/postfix stop >/dev/null 2>&1 || true
fi

# The unprivileged user the tests' Dovecot runs mail processes as (Dovecot refuses root).
if ! id -u tmailtest >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group tmailtest >/dev/null 2>&1 || id -u tmailtest >/dev/null
fi

for bin in tmux openssl /usr/sbin/dovecot /usr/bin/doveadm /usr/sbin/postfix man groff \
  /usr/sbin/sshd ssh ssh-keygen; do
  command -v "$bin" >/dev/null 2>&1 || { echo "install-deps: $bin not found after install" >&2; exit 1; }
done
