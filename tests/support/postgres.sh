#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the postgres-labelled tests and the benchmark.
#
#   postgres.sh start DIR [--durable]   start (or reuse) a cluster for DIR; writes its URL
#                                       to DIR/url
#   postgres.sh stop DIR                stop it and remove DIR and the cluster's folder
#
# DIR only holds `url` and `cluster` (the path of the cluster's own folder). The cluster
# (data folder, Unix socket, server log) lives in a folder made with mktemp under the
# system's temporary directory (ADMIT_PG_TMPDIR, default /tmp), so it starts wherever the
# checkout is, even in a folder other users cannot enter (PostgreSQL refuses to run as
# root, so as root the cluster runs as the `postgres` user, who must be able to reach its
# data folder; as any other user it runs as that user).
#
# With ADMIT_TEST_POSTGRES_URL set, `start` only writes that URL to DIR/url and `stop`
# only removes DIR. The cluster listens on 127.0.0.1 on a free port with trust auth. By
# default fsync, synchronous_commit and full_page_writes are off (tests only: nothing
# there needs to survive a crash); with --durable (the benchmark) they are on, as on a
# production server.
set -euo pipefail

usage() { echo "usage: $0 start DIR [--durable] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
action=$1
dir=$2
durable=0
if [ $# -eq 3 ]; then
  [ "$action" = start ] && [ "$3" = --durable ] || usage
  durable=1
fi
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
tmp_root=${ADMIT_PG_TMPDIR:-/tmp}

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

# The cluster's own folder, recorded in DIR/cluster (empty when there is none yet).
cluster_dir() {
  local c=""
  if [ -s "$dir/cluster" ]; then c=$(cat "$dir/cluster"); fi
  case "$c" in "$tmp_root"/admit-pg.*|/tmp/admit-pg.*) [ -d "$c" ] && echo "$c" ;; esac
  return 0
}

is_running() {
  [ -n "$cdir" ] && [ -f "$cdir/data/PG_VERSION" ] &&
    as_owner "$bindir/pg_ctl" -D "$cdir/data" status >/dev/null 2>&1
}

start() {
  mkdir -p "$dir"
  if [ -n "${ADMIT_TEST_POSTGRES_URL:-}" ]; then
    printf '%s\n' "$ADMIT_TEST_POSTGRES_URL" >"$dir/url"
    return
  fi
  bindir=$(find_bindir)
  cdir=$(cluster_dir)
  if is_running && [ -s "$dir/url" ]; then
    echo "postgres.sh: reusing the cluster in $cdir ($(cat "$dir/url"))"
    return
  fi
  if [ -n "$cdir" ]; then rm -rf "$cdir"; fi
  cdir=$(mktemp -d "$tmp_root/admit-pg.XXXXXX")
  printf '%s\n' "$cdir" >"$dir/cluster"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$cdir"
    if ! runuser -u postgres -- test -w "$cdir"; then
      echo "postgres.sh: user postgres cannot write to $cdir (a parent directory is not" \
           "searchable by it); set ADMIT_PG_TMPDIR to a world-searchable folder" >&2
      exit 1
    fi
  fi

  as_owner "$bindir/initdb" -D "$cdir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C --no-sync >"$cdir/initdb.log" 2>&1 \
    || { cat "$cdir/initdb.log" >&2; exit 1; }

  # A Unix socket path must stay under ~107 bytes; otherwise TCP alone is enough.
  local socket_dir=""
  if [ ${#cdir} -lt 90 ]; then socket_dir="$cdir"; fi
  local safety="fsync = off
synchronous_commit = off
full_page_writes = off"
  if [ "$durable" = 1 ]; then
    safety="fsync = on
synchronous_commit = on
full_page_writes = on
wal_sync_method = fdatasync"
  fi

  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_owner tee "$cdir/data/postgresql.auto.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
$safety
shared_buffers = 256MB
log_min_messages = warning
CONF
    if as_owner "$bindir/pg_ctl" -D "$cdir/data" -l "$cdir/server.log" -w -t 60 start >/dev/null; then
      printf 'postgresql://postgres@127.0.0.1:%s/postgres\n' "$port" >"$dir/url"
      echo "postgres.sh: cluster running in $cdir on port $port"
      return
    fi
    # Most likely another process took the port between probing and binding: retry.
    echo "postgres.sh: start attempt $attempt failed:" >&2
    tail -n 5 "$cdir/server.log" >&2 || true
  done
  exit 1
}

stop() {
  if [ ! -d "$dir" ]; then return; fi
  cdir=$(cluster_dir)
  if [ -n "$cdir" ]; then
    if [ -f "$cdir/data/PG_VERSION" ]; then
      bindir=$(find_bindir)
      if is_running; then
        as_owner "$bindir/pg_ctl" -D "$cdir/data" -m fast -w -t 60 stop >/dev/null \
          || as_owner "$bindir/pg_ctl" -D "$cdir/data" -m immediate -w stop >/dev/null || true
      fi
    fi
    rm -rf "$cdir"
  fi
  rm -rf "$dir"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
