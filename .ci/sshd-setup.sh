#!/usr/bin/env bash
# Prepares this machine for test/sshd in `users` mode (run as root by CI before the tests;
# idempotent). Without it (or without root) the suite runs an unprivileged sshd instead and
# skips only the sudo tests. Creates test users with known passwords, one per shell under test
# (mirrors SHELLS in test/sshd/sshd-harness.ts; rc files from test/sshd/rc/):
#   fbadmin - FTD-like: the sshd test config forces the CLISH fixture for it (test/sshd/clish-fixture.sh)
#   fbops   - plain bash login (the `linux` platform and the FMC "bash login" case)
#   fbdash  - /bin/sh (Debian's dash): a bare `$ ` prompt
#   fbbash  - bash with a coloured PS1, markup and non-ASCII host name in ~/.bashrc
#   fbzsh   - zsh (Debian package) with a prompt theme: colours, RPROMPT, precmd/preexec hooks
#   fbmksh  - mksh (ksh-like)
#   fbash   - BusyBox ash
# fbadmin and fbops may use sudo with their own password (like FTD's admin), with the lecture
# shown on every password prompt so tests can see it.
set -euo pipefail

TEST_PASSWORD="${FIREBOOK_SSHD_TEST_PASSWORD:-Fb-test-Pass1}"
RC_DIR="$(cd "$(dirname "$0")/../test/sshd/rc" && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  echo "sshd-setup: must run as root" >&2
  exit 1
fi

if ! command -v sudo >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y sudo >/dev/null 2>&1 \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y sudo >/dev/null; }
fi
if ! command -v sshd >/dev/null 2>&1 && [ ! -x /usr/sbin/sshd ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y openssh-server openssh-client >/dev/null
fi
for pkg in zsh mksh busybox dash; do
  dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
done
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
chmod 0755 /run/sshd

# BusyBox runs the applet its argv[0] names: a login shell needs a link called `ash`.
mkdir -p /usr/local/lib/firebook-test
ln -sfn /bin/busybox /usr/local/lib/firebook-test/ash

# user  login-shell  rc-source:target ...
add_user() {
  local user="$1" shell="$2"
  shift 2
  if ! id "$user" >/dev/null 2>&1; then
    useradd --create-home --shell "$shell" "$user"
  fi
  usermod --shell "$shell" "$user" >/dev/null
  echo "$user:$TEST_PASSWORD" | chpasswd
  local home
  home="$(getent passwd "$user" | cut -d: -f6)"
  local pair
  for pair in "$@"; do
    install -m 0644 -o "$user" -g "$user" "$RC_DIR/${pair%%:*}" "$home/${pair#*:}"
  done
}

add_user fbadmin /bin/bash
add_user fbops /bin/bash
add_user fbdash /bin/sh
add_user fbbash /bin/bash bashrc-fancy:.bashrc bash_profile:.bash_profile
add_user fbzsh "$(command -v zsh)" zshrc:.zshrc
add_user fbmksh "$(command -v mksh)" mkshrc:.mkshrc
add_user fbash /usr/local/lib/firebook-test/ash profile-ash:.profile

cat > /etc/sudoers.d/firebook-test <<'SUDOERS'
# firebook test users (see .ci/sshd-setup.sh): sudo with their own password, lecture every time.
Defaults:fbadmin lecture=always
Defaults:fbops lecture=always
fbadmin ALL=(ALL:ALL) ALL
fbops ALL=(ALL:ALL) ALL
SUDOERS
chmod 0440 /etc/sudoers.d/firebook-test
visudo -cf /etc/sudoers.d/firebook-test >/dev/null

echo "sshd-setup: ok (users fbadmin fbops fbdash fbbash fbzsh fbmksh fbash)"
