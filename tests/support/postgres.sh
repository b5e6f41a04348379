#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the postgres-labelled tests.
#
#   postgres.sh start DIR   start (or reuse) a cluster in DIR; writes its URL to DIR/url
#   postgres.sh stop DIR    stop it and remove DIR
#
# With ADMIT_TEST_POSTGRES_URL set, `start` only writes that URL to DIR/url and `stop`
# only removes DIR. The cluster listens on 127.0.0.1 on a free port with trust auth and
# fsync off: for tests only. PostgreSQL refuses to run as root, so as root the cluster
# runs as the `postgres` user; as any other user it runs as that user.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

find_bindir() {
  if [ -n "${ADMIT_PG_BINDIR:-}" ]; then echo "$ADMIT_PG_BINDIR"; return; fi
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then echo /usr/lib/postgresql/15/bin; return; fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then echo "$candidate"; return; fi
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  echo "postgres.sh: PostgreSQL server binaries not found (install the postgresql package" \
       "or set ADMIT_PG_BINDIR)" >&2
  exit 1
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 40000))  # a clash only costs a retry
  fi
}

is_running() {
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
  mkdir -p "$dir"
  if [ -n "${ADMIT_TEST_POSTGRES_URL:-}" ]; then
    printf '%s\n' "$ADMIT_TEST_POSTGRES_URL" >"$dir/url"
    return
  fi
  bindir=$(find_bindir)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "postgres.sh: user postgres cannot write to $dir (a parent directory is not" \
           "searchable by it); use a DIR under /tmp or a world-searchable path" >&2
      exit 1
    fi
  fi

  if is_running && [ -s "$dir/url" ]; then
    echo "postgres.sh: reusing the cluster in $dir ($(cat "$dir/url"))"
    return
  fi

  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir/data"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi

  # A Unix socket path must stay under ~107 bytes; otherwise TCP alone is enough.
  local socket_dir=""
  if [ ${#dir} -lt 90 ]; then socket_dir="$dir"; fi

  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_owner tee "$dir/data/postgresql.auto.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
log_min_messages = warning
CONF
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
      printf 'postgresql://postgres@127.0.0.1:%s/postgres\n' "$port" >"$dir/url"
      echo "postgres.sh: cluster running in $dir on port $port"
      return
    fi
    # Most likely another process took the port between probing and binding: retry.
    echo "postgres.sh: start attempt $attempt failed:" >&2
    tail -n 5 "$dir/server.log" >&2 || true
  done
  exit 1
}

stop() {
  if [ ! -d "$dir" ]; then return; fi
  if [ -f "$dir/data/PG_VERSION" ]; then
    bindir=$(find_bindir)
    if is_running; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null \
        || as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
