#!/usr/bin/env bash
# The flash-sale benchmark (bench/README.md): for each backend (SQLite, PostgreSQL) and each
# batch size (128 = batching on, 1 = one request a transaction) it prepares a fresh
# database (BENCH_EVENTS events of BENCH_SEATS free seats, one user + token per client),
# starts the release `admit serve`, drives it with BENCH_CONNECTIONS keep-alive clients
# of admit_loadgen until every seat is sold (and BENCH_AFTER seconds more), reads the mean
# batch size from /metrics, stops the server and checks the database for oversold seats
# and counters that differ from their rows.
#
# Then check-in throughput (BENCH_CHECKIN_TICKETS distinct tickets, 50,000, scanned once each
# with a door token; every ticket must end up admitted exactly once), per backend.
#
# Then it renders one-page ticket PDFs on every core for BENCH_PDF_SECONDS (10) and prints
# tickets per second and the size of one PDF (admit_pdf_bench).
#
# Environment: BENCH_BUILD (build/release), BENCH_BACKENDS ("sqlite postgres"),
# BENCH_BATCHES ("default session 1": the configured default, the same with browser
# sessions instead of bearer tokens (the web app's requests: session cookie, X-Admit-CSRF
# and the Origin of the default public URL), then one request a transaction; numbers set
# registration_batch), BENCH_CONNECTIONS (256), BENCH_EVENTS (8), BENCH_SEATS (10000),
# BENCH_SEATS_UNBATCHED (1000: seats per event for the runs with registration_batch=1),
# BENCH_AFTER (2), BENCH_SETTLE (15 s between runs), BENCH_SERVER_ENV (extra ADMIT_* settings for the server),
# BENCH_POSTGRES_URL (use this server instead of a throwaway one), BENCH_KEEP (keep the
# work folder), BENCH_PERF=PREFIX (record the server with perf; reports to PREFIX.*.txt),
# BENCH_CEILING_SECONDS (5: how long nginx is measured before each run), BENCH_PREPARED_HOOK
# (a command run with each prepared database's URL, e.g. to try a schema change).
#
# Durable settings throughout: SQLite as admit configures it by default (synchronous=FULL),
# PostgreSQL on a cluster with fsync, synchronous_commit and full_page_writes on
# (tests/support/postgres.sh --durable). Before each run the same load generator, with the
# same connection count, measures a ceiling on this machine: a small static file served by
# Debian's nginx; every throughput is also printed as a ratio to it. During each run the
# fsync/fdatasync calls made on the machine are counted (perf's syscall tracepoints, all
# processes; nothing else here syncs), and the flush requests the disk completed
# (/proc/diskstats), both per second of the load.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=bench
# shellcheck source=bench/lib.sh
. bench/lib.sh

BUILD=${BENCH_BUILD:-build/release}
ADMIT=$BUILD/src/admit
LOADGEN=$BUILD/bench/admit_loadgen
SETUP=$BUILD/bench/admit_bench_setup
CHECKIN_LOADGEN=$BUILD/bench/admit_checkin_loadgen
CHECKIN_TICKETS=${BENCH_CHECKIN_TICKETS:-50000}  # distinct tickets scanned once each (0: skip check-in)
CONNECTIONS=${BENCH_CONNECTIONS:-256}
EVENTS=${BENCH_EVENTS:-8}
SEATS=${BENCH_SEATS:-10000}
# One request a transaction means one sync per registration on durable settings (a few
# hundred a second here): those runs sell fewer seats so they end in reasonable time.
SEATS_UNBATCHED=${BENCH_SEATS_UNBATCHED:-1000}
AFTER=${BENCH_AFTER:-2}
BACKENDS=${BENCH_BACKENDS-"sqlite postgres"}  # set but empty: only the ticket PDFs
BATCHES=${BENCH_BATCHES:-"default session 1"}
SETTLE=${BENCH_SETTLE:-15}  # seconds of quiet between runs
SERVER_ENV=${BENCH_SERVER_ENV:-}  # extra ADMIT_* settings for the server, e.g. "ADMIT_DB_POOL=16"
PDF_BENCH=$BUILD/bench/admit_pdf_bench
PDF_SECONDS=${BENCH_PDF_SECONDS:-10}  # ticket PDF rendering (BENCH_BACKENDS="" runs only that)
CEILING_SECONDS=${BENCH_CEILING_SECONDS:-5}
NGINX=${BENCH_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

needed=("$PDF_BENCH")
[ -n "${BACKENDS// /}" ] && needed+=("$ADMIT" "$LOADGEN" "$SETUP" "$NGINX" "$CHECKIN_LOADGEN")
for f in "${needed[@]}"; do
  [ -x "$f" ] || { echo "bench: $f is missing; build the release preset first and run scripts/install-deps (make bench)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/admit-bench.XXXXXX)
chmod 755 "$work"
pgdir=""
server=""
nginx_pid=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then kill -QUIT "$nginx_pid"; wait "$nginx_pid" || true; fi
  if [ -n "$pgdir" ]; then tests/support/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; fi
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; else echo "bench: kept $work"; fi
}
trap cleanup EXIT


# PostgreSQL: BENCH_POSTGRES_URL, or one throwaway cluster for the whole run (started here,
# in this shell, so the EXIT trap stops it).
admin=""
if [[ " $BACKENDS " == *" postgres "* ]]; then
  if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
    admin=$BENCH_POSTGRES_URL
  else
    pgdir=$work/pg
    tests/support/postgres.sh start "$pgdir" --durable >&2
    admin=$(cat "$pgdir/url")
  fi
  echo "PostgreSQL settings: $(psql "$admin" -AtXc "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'wal_level', 'max_wal_size')")"
fi

# The ceiling: Debian's nginx serving a small static file (the size of a registration
# answer) on 127.0.0.1, as many worker processes as cores, no access log.
start_nginx() {
  local dir=$work/nginx
  mkdir -p "$dir/www" "$dir/tmp"
  head -c 600 /dev/zero | tr '\0' 'x' >"$dir/www/small.txt"
  nginx_port=$(free_port)
  cat >"$dir/nginx.conf" <<CONF
worker_processes $(nproc);
pid $dir/nginx.pid;
error_log $dir/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $dir/www;
  }
}
CONF
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  nginx_pid=$!
  wait_for "http://127.0.0.1:$nginx_port/small.txt" "$nginx_pid" "$dir/error.log" 100
}
# Prints nginx's answers/s with this run's load generator and connection count.
# Also writes "<nginx µs> <load generator µs>" of CPU per answer to $1.cpu (nginx's master and
# workers; this runs in a $(...) subshell whose children are the generator and a few short
# tools, so children_seconds here is the generator's CPU).
measure_ceiling() {
  local before after answers
  before=$(nginx_seconds)
  "$LOADGEN" --port "$nginx_port" --connections "$CONNECTIONS" --get /small.txt \
    --duration "$CEILING_SECONDS" >"$1" || { cat "$1" >&2; echo 0; return; }
  after=$(nginx_seconds)
  answers=$(grep '^CEILING' "$1" | tr ' ' '\n' | awk -F= '$1 == "answers" { print $2 }')
  children_seconds >"$1.loadgen"
  echo "$(per_answer_us "$before" "$after" "$answers") $(per_answer_us 0 "$(cat "$1.loadgen")" "$answers")" >"$1.cpu"
  grep '^CEILING' "$1" | tr ' ' '\n' | awk -F= '$1 == "answers_per_s" { print $2 }'
}
nginx_seconds() {
  local files=("/proc/$nginx_pid/stat") pid
  for pid in $(pgrep -P "$nginx_pid" || true); do files+=("/proc/$pid/stat"); done
  cpu_seconds "${files[@]}"
}
# "nginx 6.1 µs, load generator 4.0 µs of CPU per answer" from measure_ceiling's $1.cpu.
ceiling_cpu() { awk '{ printf "nginx %s µs, load generator %s µs of CPU per answer", $1, $2 }' "$1.cpu" 2>/dev/null; }
start_nginx

# fsyncs during the load: perf counting fsync/fdatasync system calls on every CPU, when perf
# may (else "n/a"), and the disk's completed flush requests from /proc/diskstats.
disk=$(basename "$(df --output=source "$work" | tail -n 1)")
disk_flushes() { awk -v d="$disk" '$3 == d { print $19 }' /proc/diskstats; }
perf_syncs=0
if perf stat -a -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -o /dev/null true >/dev/null 2>&1; then
  perf_syncs=1
fi
start_sync_count() {
  flushes_before=$(disk_flushes)
  sync_perf_pid=""
  if [ "$perf_syncs" = 1 ]; then
    perf stat -a -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -o "$1" &
    sync_perf_pid=$!
  fi
}
# Writes "<fsync+fdatasync calls> <disk flushes>" since start_sync_count to $2. (Runs in
# this shell, not in a $(...) subshell, so it can wait for perf, its child.)
stop_sync_count() {
  local calls=n/a after
  if [ -n "$sync_perf_pid" ]; then
    kill -INT "$sync_perf_pid"; wait "$sync_perf_pid" || true
    calls=$(awk -F, '$3 ~ /sys_enter_f(data)?sync/ { n += $1 } END { print n + 0 }' "$1")
  fi
  after=$(disk_flushes)
  if [ -n "$after" ] && [ -n "$flushes_before" ]; then
    echo "$calls $((after - flushes_before))" >"$2"
  else
    echo "$calls n/a" >"$2"
  fi
}
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { if (n ~ /^[0-9]+$/ && s > 0) printf "%.0f", n / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.3f", a / b; else print "n/a" }'; }

# CPU seconds (user + system) used so far by this shell's finished children (the load generator).
# (`times` must run in this shell, not in a $(...) subshell, hence the file.)
children_seconds() {
  times >"$work/times.txt"
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times.txt"
}

# utime + stime, in seconds, summed over /proc stat files (processes or threads; 0 for none;
# one that ended meanwhile counts 0).
cpu_seconds() {
  [ $# -gt 0 ] || { echo 0; return; }
  { cat "$@" 2>/dev/null || true; } | awk -v hz="$(getconf CLK_TCK)" '{ t += $14 + $15 } END { printf "%.2f", t / hz }'
}
# The server's, and every PostgreSQL process's on the machine (its backends serve the bench).
server_seconds() { cpu_seconds "/proc/$server/stat"; }
postgres_seconds() {
  local files=() pid
  for pid in $(pgrep -x postgres || true); do files+=("/proc/$pid/stat"); done
  cpu_seconds "${files[@]}"
}
# Microseconds per answer for the CPU seconds between two readings.
per_answer_us() {
  awk -v a="$1" -v b="$2" -v n="${3:-0}" 'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / n; else print "n/a" }'
}

# registration_batch for a run of BATCHES: "default" and "session" keep the configured one.
batch_setting() {
  case "$1" in default | session) echo 0 ;; *) echo "$1" ;; esac
}

metric() { awk -v name="$1" '$1 == name { print $2 }' "$2" | head -n 1; }

# A freshly prepared PostgreSQL database as a running one would be between bulk loads: its
# statistics taken and its new rows vacuumed (VACUUM (ANALYZE)), then a CHECKPOINT, so the
# maintenance the preparation left due (autovacuum of 50,000 new tickets, a checkpoint asked
# for by the WAL it wrote) does not land inside the measured seconds. The measured load still
# pays its own full-page images: every page it touches is its first change after that
# checkpoint. (Without this step the check-in's p99 ranged 30-77 ms over six runs, with an
# autovacuum of `tickets` and a requested checkpoint seen during the slow ones; with it,
# 30.8-34.1 ms; bench/README.md.) SQLite needs no such step.
settle_database() {
  if [[ "$1" == postgres* ]]; then psql "$1" -v ON_ERROR_STOP=1 -qc "VACUUM (ANALYZE)" -c CHECKPOINT; fi
}

echo "admit flash-sale benchmark: $CONNECTIONS clients, $EVENTS events x $SEATS free seats ($SEATS_UNBATCHED with batch 1), $(nproc) cores"
results=()
for backend in $BACKENDS; do
  for batch in $BATCHES; do
    dir=$work/$backend-$batch-${#results[@]}  # a batch size may repeat (BENCH_BATCHES="128 128")
    mkdir -p "$dir"
    if [ "$backend" = sqlite ]; then
      db="sqlite:$dir/admit.db"
    else
      name=admit_bench_${batch}_$$_${#results[@]}
      psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name" >/dev/null
      db="${admin%/*}/$name"
    fi
    echo
    echo "== $backend, registration_batch=$batch"
    seats=$SEATS
    if [ "$batch" = 1 ]; then seats=$SEATS_UNBATCHED; fi
    "$SETUP" prepare --database "$db" --users "$CONNECTIONS" --events "$EVENTS" --seats "$seats" --out "$dir"
    # BENCH_PREPARED_HOOK: a command run with the prepared database's URL (A/B of a schema change).
    if [ -n "${BENCH_PREPARED_HOOK:-}" ]; then $BENCH_PREPARED_HOOK "$db"; fi
    settle_database "$db"
    # Start from a settled machine: the previous run's dirty pages (hundreds of MB of WAL and
    # checkpoint writes) written back, then a pause. Right after the SQLite run with batching
    # off, the next run's p99 was 54-64 ms instead of ~40 on this VM, with the machine
    # looking idle; after 20 s it was back to normal (bench/README.md).
    sync
    if [ ${#results[@]} -gt 0 ]; then sleep "$SETTLE"; fi
    port=$(free_port)
    metrics_port=$(free_port)  # /metrics is not on the public listener (docs/operations.md)
    # shellcheck disable=SC2086 # BENCH_SERVER_ENV is a list of NAME=value words
    env ADMIT_LISTEN=127.0.0.1:$port ADMIT_METRICS_LISTEN=127.0.0.1:$metrics_port ADMIT_DATABASE=$db ADMIT_DATA_DIR=$dir ADMIT_LOG_LEVEL=warn \
      ADMIT_WEB_ROOT=$dir/no-web ADMIT_REGISTRATION_BATCH=$(batch_setting "$batch") \
      ADMIT_REGISTRATION_RATE_PER_USER=0 ADMIT_REGISTRATION_RATE_PER_ADDRESS=0 $SERVER_ENV \
      "$ADMIT" serve >"$dir/server.log" 2>&1 &
    server=$!
    wait_for "http://127.0.0.1:$port/healthz" "$server" "$dir/server.log"
    if [ -n "${BENCH_PERF:-}" ]; then
      perf record ${BENCH_PERF_ARGS:--g} -o "$dir/perf.data" -p "$server" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    ceiling=$(measure_ceiling "$dir/ceiling.txt")
    echo "ceiling: nginx, small static file, $CONNECTIONS connections: $ceiling answers/s ($(ceiling_cpu "$dir/ceiling.txt"))"
    cpu_before=$(server_seconds)
    db_before=$(postgres_seconds)
    children_seconds >"$dir/load_before.txt"
    load_before=$(cat "$dir/load_before.txt")
    start_sync_count "$dir/syncs.csv"
    load_started=$(date +%s.%N)
    set +e
    callers=(--tokens "$dir/tokens")
    if [ "$batch" = session ]; then callers=(--sessions "$dir/sessions"); fi
    "$LOADGEN" --port "$port" --connections "$CONNECTIONS" "${callers[@]}" --events "$dir/events" \
      --seats $((EVENTS * seats)) --after "$AFTER" | tee "$dir/load.txt"
    set -e
    load_seconds=$(awk -v a="$load_started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    stop_sync_count "$dir/syncs.csv" "$dir/syncs.txt"
    read -r sync_calls flushes <"$dir/syncs.txt"
    fsyncs_per_s=$(per_second "$sync_calls" "$load_seconds")
    flushes_per_s=$(per_second "$flushes" "$load_seconds")
    echo "syncs during the load ($load_seconds s): $sync_calls fsync/fdatasync calls ($fsyncs_per_s/s), $flushes disk flushes ($flushes_per_s/s)"
    cpu_after=$(server_seconds)
    db_after=$(postgres_seconds)
    children_seconds >"$dir/load_after.txt"
    load_after=$(cat "$dir/load_after.txt")
    # CPU by thread name over the server's life (setup is a small part of it).
    for t in /proc/"$server"/task/*; do echo "$(cat "$t/comm") $(cpu_seconds "$t/stat")"; done |
      awk '{ s[$1] += $2; n[$1]++ } END { for (k in s) printf "  %-16s x%-3d %6.2f s\n", k, n[k], s[k] }' |
      sort -k3 -rn >"$dir/threads.txt"
    echo "server CPU by thread:"; cat "$dir/threads.txt"
    curl -fs "http://127.0.0.1:$metrics_port/metrics" >"$dir/metrics.txt" || true
    if [ -n "${BENCH_PERF:-}" ]; then
      kill -INT "$perf_pid"; wait "$perf_pid" || true
      perf report -i "$dir/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null | grep -v '^$' | head -n 80 >"$BENCH_PERF.$backend-$batch.txt" || true
    fi
    kill -TERM "$server"
    wait "$server" || true
    server=""
    set +e
    "$SETUP" verify --database "$db" --events "$dir/events" | tee "$dir/verify.txt"
    set -e
    batches=$(metric admit_registration_batches_total "$dir/metrics.txt")
    carried=$(metric admit_registration_batched_requests_total "$dir/metrics.txt")
    mean=$(awk -v a="${carried:-0}" -v b="${batches:-0}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')
    echo "mean batch size: $mean ($carried requests in $batches transactions)"
    line=$(grep '^RESULT' "$dir/load.txt" || echo "RESULT failed=1")
    # Server CPU (user + system, all threads) per answer over the load: what a request costs
    # the server, less sensitive than throughput to whatever else shares the cores.
    answers=$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "answers" { print $2 }')
    cpu_us=$(per_answer_us "$cpu_before" "$cpu_after" "$answers")
    load_us=$(per_answer_us "$load_before" "$load_after" "$answers")
    db_us=n/a
    if [ "$backend" = postgres ]; then db_us=$(per_answer_us "$db_before" "$db_after" "$answers"); fi
    echo "CPU per answer: server $cpu_us us, load generator $load_us us, PostgreSQL $db_us us"
    rate=$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "confirmed_per_s" { print $2 }')
    echo "confirmed/s ${rate:-n/a} = $(ratio "${rate:-}" "$ceiling") x nginx ($ceiling/s)"
    line="$line cpu_us=$cpu_us load_cpu_us=$load_us db_cpu_us=$db_us nginx_per_s=$ceiling ratio=$(ratio "${rate:-}" "$ceiling") fsync_per_s=$fsyncs_per_s flush_per_s=$flushes_per_s"
    verify=$(grep '^VERIFY' "$dir/verify.txt" || echo "VERIFY failed=1")
    results+=("$backend batch=$batch ${line#RESULT } mean_batch=$mean ${verify#VERIFY }")
  done
done

echo
echo "== summary"
fmt='%-9s %8s %12s %9s %9s %7s %9s %12s %10s %9s %9s %9s %12s %12s\n'
# shellcheck disable=SC2059
printf "$fmt" backend batch confirmed/s nginx/s ratio p50_ms p99_ms sold_out/s mean_batch oversold fsync/s flush/s cpu_us/answer db_us/answer
for r in "${results[@]}"; do
  get() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
  # shellcheck disable=SC2059
  printf "$fmt" "$(echo "$r" | cut -d' ' -f1)" "$(get batch)" "$(get confirmed_per_s)" "$(get nginx_per_s)" "$(get ratio)" \
    "$(get p50_ms)" "$(get p99_ms)" "$(get sold_out_per_s)" "$(get mean_batch)" "$(get oversold)" "$(get fsync_per_s)" \
    "$(get flush_per_s)" "$(get cpu_us)" "$(get db_cpu_us)"
done

# Check-in at the door: one event of CHECKIN_TICKETS issued tickets, each scanned once with
# a door token by CONNECTIONS keep-alive clients; the database must then hold every ticket
# checked in exactly once (one `ok` scan each). Floors (issue 12): SQLite 10,000 scans/s,
# PostgreSQL 5,000/s, p99 under 50 ms.
checkin_results=()
if [ "$CHECKIN_TICKETS" -gt 0 ]; then
  for backend in $BACKENDS; do
    dir=$work/checkin-$backend
    mkdir -p "$dir"
    if [ "$backend" = sqlite ]; then
      db="sqlite:$dir/admit.db"
    else
      name=admit_bench_checkin_$$
      psql "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name" >/dev/null
      db="${admin%/*}/$name"
    fi
    echo
    echo "== check-in, $backend: $CHECKIN_TICKETS distinct tickets, $CONNECTIONS clients"
    "$SETUP" prepare-checkin --database "$db" --tickets "$CHECKIN_TICKETS" --out "$dir"
    settle_database "$db"
    sync
    sleep "$SETTLE"
    ceiling=$(measure_ceiling "$dir/ceiling.txt")
    port=$(free_port)
    metrics_port=$(free_port)  # /metrics is not served on the public listener
    # shellcheck disable=SC2086 # BENCH_SERVER_ENV is a list of NAME=value words
    env ADMIT_LISTEN=127.0.0.1:$port ADMIT_METRICS_LISTEN=127.0.0.1:$metrics_port ADMIT_DATABASE=$db ADMIT_DATA_DIR=$dir ADMIT_LOG_LEVEL=warn \
      ADMIT_WEB_ROOT=$dir/no-web $SERVER_ENV "$ADMIT" serve >"$dir/server.log" 2>&1 &
    server=$!
    wait_for "http://127.0.0.1:$port/healthz" "$server" "$dir/server.log"
    set +e
    "$CHECKIN_LOADGEN" --port "$port" --connections "$CONNECTIONS" --token "$dir/door_token" \
      --event "$(cat "$dir/checkin_event")" --codes "$dir/codes" | tee "$dir/load.txt"
    set -e
    curl -fs "http://127.0.0.1:$metrics_port/metrics" >"$dir/metrics.txt" || true
    kill -TERM "$server"
    wait "$server" || true
    server=""
    set +e
    "$SETUP" verify-checkin --database "$db" --event "$(cat "$dir/checkin_event")" --tickets "$CHECKIN_TICKETS" |
      tee "$dir/verify.txt"
    set -e
    batches=$(metric admit_checkin_batches_total "$dir/metrics.txt")
    line=$(grep '^RESULT' "$dir/load.txt" || echo "RESULT failed=1")
    rate=$(echo "$line" | tr ' ' '\n' | awk -F= '$1 == "scans_per_s" { print $2 }')
    mean=$(awk -v a="$CHECKIN_TICKETS" -v b="${batches:-0}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }')
    echo "scans/s ${rate:-n/a} = $(ratio "${rate:-}" "$ceiling") x nginx ($ceiling/s); mean scans per transaction $mean"
    verify=$(grep '^VERIFY_CHECKIN' "$dir/verify.txt" || echo "VERIFY_CHECKIN failed=1")
    checkin_results+=("$backend ${line#RESULT } nginx_per_s=$ceiling ratio=$(ratio "${rate:-}" "$ceiling") mean_batch=$mean ${verify#VERIFY_CHECKIN }")
  done
  echo
  echo "== check-in summary"
  cfmt='%-9s %10s %9s %7s %9s %9s %10s %12s\n'
  # shellcheck disable=SC2059
  printf "$cfmt" backend scans/s nginx/s ratio p50_ms p99_ms mean_batch exactly_once
  for r in "${checkin_results[@]}"; do
    get() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
    # shellcheck disable=SC2059
    printf "$cfmt" "$(echo "$r" | cut -d' ' -f1)" "$(get scans_per_s)" "$(get nginx_per_s)" "$(get ratio)" \
      "$(get p50_ms)" "$(get p99_ms)" "$(get mean_batch)" "$(get exactly_once)"
  done
fi

# Ticket PDFs: rendering throughput on every core and the size of one ticket's PDF.
echo
echo "== ticket PDFs ($(nproc) threads, ${PDF_SECONDS} s)"
"$PDF_BENCH" --threads "$(nproc)" --seconds "$PDF_SECONDS" --out "$work/ticket.pdf"
# The read scenario (bench/reads.sh: the list, an event, the web app's files, 304s and
# 10,000 idle connections, each beside nginx serving the same bytes; then Lighthouse).
if [ "${BENCH_READS:-1}" != 0 ]; then
  echo
  BENCH_BUILD=$BUILD bench/reads.sh
fi
