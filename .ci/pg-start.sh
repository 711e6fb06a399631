#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster from Debian's `postgresql` package and prints its URL
# (docs/history.md "Databases"): data in DIR (default: a new temp folder), listening only on
# 127.0.0.1 at a free local port, trust authentication, no password. initdb refuses to run as
# root, so as root the cluster runs as the `postgres` user the package creates.
# Stop it with: pg_ctl -D DIR/data stop -m immediate (as the same user).
#   usage: .ci/pg-start.sh [DIR]      prints: postgres://postgres@127.0.0.1:PORT/postgres
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "pg-start: initdb not found (apt-get install postgresql)" >&2; exit 1; }
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/fb-pg-XXXXXX")}
mkdir -p "$dir"
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi
"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 20000))
  if "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null 2>&1; then
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    exit 0
  fi
done
cat "$dir/server.log" >&2
exit 1
