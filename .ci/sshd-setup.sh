#!/usr/bin/env bash
# Prepares this machine for test/sshd (run as root by CI before the tests; idempotent).
# Creates two test users with known passwords:
#   fbadmin - FTD-like: the sshd test config forces the CLISH fixture for it (test/sshd/clish-fixture.sh)
#   fbops   - plain bash login (the `linux` platform and the FMC "bash login" case)
# Both may use sudo with their own password (like FTD's admin), with the lecture shown on every
# password prompt so tests can see it.
set -euo pipefail

TEST_PASSWORD="${FIREBOOK_SSHD_TEST_PASSWORD:-Fb-test-Pass1}"

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
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
chmod 0755 /run/sshd

for user in fbadmin fbops; do
  if ! id "$user" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash "$user"
  fi
  echo "$user:$TEST_PASSWORD" | chpasswd
  usermod --shell /bin/bash "$user" >/dev/null 2>&1 || true
done

cat > /etc/sudoers.d/firebook-test <<'SUDOERS'
# firebook test users (see .ci/sshd-setup.sh): sudo with their own password, lecture every time.
Defaults:fbadmin lecture=always
Defaults:fbops lecture=always
fbadmin ALL=(ALL:ALL) ALL
fbops ALL=(ALL:ALL) ALL
SUDOERS
chmod 0440 /etc/sudoers.d/firebook-test
visudo -cf /etc/sudoers.d/firebook-test >/dev/null

echo "sshd-setup: ok (users fbadmin, fbops)"
