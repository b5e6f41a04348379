#!/usr/bin/env bash
# The read benchmark (bench/README.md "Reads"): the public reads a sale hammers, from the
# release `admit serve` (SQLite, the demo events, the built web app) and from nginx serving
# the very same bytes from files in the same run, each with admit_loadgen's read mode
# (bench/read_load.cpp): BENCH_READ_CONNECTIONS keep-alive clients repeating one GET for
# BENCH_READ_SECONDS. Cases: the event list, one event, index.html, a hashed asset, 304
# revalidations of the event, and the event with BENCH_READ_IDLE idle keep-alive
# connections held open beside the active clients. Then, when Lighthouse is installed
# (tests/e2e/node_modules), the mobile Lighthouse scores of the home and an event page.
#
# Environment: BENCH_BUILD (build/release), BENCH_READ_CONNECTIONS (256),
# BENCH_READ_SECONDS (10), BENCH_READ_WARMUP (1), BENCH_READ_IDLE (10000),
# BENCH_READ_CASES (all: "list event index asset revalidate idle"),
# BENCH_LIGHTHOUSE (1; 0 skips it), BENCH_KEEP (keep the work folder).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=reads
# shellcheck source=bench/lib.sh
. bench/lib.sh

BUILD=${BENCH_BUILD:-build/release}
ADMIT=$BUILD/src/admit
LOADGEN=$BUILD/bench/admit_loadgen
CONNECTIONS=${BENCH_READ_CONNECTIONS:-256}
SECONDS_EACH=${BENCH_READ_SECONDS:-10}
WARMUP=${BENCH_READ_WARMUP:-1}
IDLE=${BENCH_READ_IDLE:-10000}
CASES=${BENCH_READ_CASES:-"list event index asset revalidate idle"}
WEB=web/dist

for f in "$ADMIT" "$LOADGEN"; do
  [ -x "$f" ] || { echo "reads: $f is missing; build the release preset first (make bench)" >&2; exit 1; }
done
command -v nginx >/dev/null || { echo "reads: nginx is missing (scripts/install-deps)" >&2; exit 1; }
if [ ! -f "$WEB/index.html" ]; then (cd web && npm run build >/dev/null); fi

work=$(mktemp -d /tmp/admit-reads.XXXXXX)
chmod 755 "$work"
server=""
nginx_pid=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then kill -QUIT "$nginx_pid"; wait "$nginx_pid" || true; fi
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; else echo "reads: kept $work"; fi
}
trap cleanup EXIT

# admit: SQLite with the demo events (the issue's "8 demo events"), the built web app.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
start_demo_admit "$ADMIT" "$work" "$WEB" $((IDLE + CONNECTIONS + 1000))
admit=$base
admit_port=${base##*:}

# The bytes admit sends (no Accept-Encoding: identity), written as files for nginx.
mkdir -p "$work/www/assets"
curl -fs "$admit/api/v1/events" -o "$work/www/list.json"
event_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["id"])' "$work/www/list.json")
curl -fs "$admit/api/v1/events/$event_id" -o "$work/www/event.json"
cp "$WEB/index.html" "$work/www/index.html"
asset=$(cd "$WEB/assets" && ls -S -- *.js | head -n 1)
cp "$WEB/assets/$asset" "$work/www/assets/$asset"
chmod -R a+rX "$work/www"
admit_etag=$(curl -fsI "$admit/api/v1/events/$event_id" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')

# nginx: the same bytes, 2 workers (the machine's cores), keep-alive without a request cap.
nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
worker_rlimit_nofile $((IDLE * 2 + 4096));
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
daemon off;
events { worker_connections $((IDLE + CONNECTIONS + 1024)); multi_accept on; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 100000000;
  open_file_cache max=100 inactive=60s;
  open_file_cache_valid 60s;
  types { application/json json; text/html html; text/javascript js; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    etag on;
    location / { add_header Cache-Control "no-cache"; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.log" 2>&1 &
nginx_pid=$!
wait_for "http://127.0.0.1:$nginx_port/index.html" "$nginx_pid" "$work/nginx-error.log"
nginx_etag=$(curl -fsI "http://127.0.0.1:$nginx_port/event.json" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')

run() {  # name port path [loadgen args...]
  local name=$1 port=$2 path=$3
  shift 3
  set +e
  "$LOADGEN" get --port "$port" --path "$path" --connections "$CONNECTIONS" \
    --duration "$SECONDS_EACH" --warmup "$WARMUP" "$@" >"$work/$name.txt" 2>&1
  set -e
  sed 's/^/    /' "$work/$name.txt" | grep -v RESULT || true
  grep '^RESULT' "$work/$name.txt" || echo "RESULT failed=1"
}
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
# "rate p99 unexpected idle_open" of one RESULT line, each word always present ("failed" for a
# run that failed), so the summary's columns never shift when one side has no figures.
summary_fields() {
  if [ -n "$(field "$1" failed)" ] || [ -z "$(field "$1" requests_per_s)" ]; then
    echo "failed failed 0 0"
  else
    echo "$(field "$1" requests_per_s) $(field "$1" p99_ms) $(field "$1" unexpected) $(field "$1" idle_open)"
  fi
}

echo "admit read benchmark: $CONNECTIONS clients, ${SECONDS_EACH} s a case, $(nproc) cores; nginx serves the same bytes"
echo "  list $(wc -c <"$work/www/list.json") B, event $(wc -c <"$work/www/event.json") B, index.html $(wc -c <"$work/www/index.html") B, asset $asset $(wc -c <"$work/www/assets/$asset") B"
rows=()
for c in $CASES; do
  case $c in
    list) a=(/api/v1/events); n=(/list.json); extra=() ;;
    event) a=("/api/v1/events/$event_id"); n=(/event.json); extra=() ;;
    index) a=(/); n=(/index.html); extra=() ;;
    asset) a=("/assets/$asset"); n=("/assets/$asset"); extra=() ;;
    revalidate) a=("/api/v1/events/$event_id" --expect 304 --header "If-None-Match: $admit_etag")
                n=(/event.json --expect 304 --header "If-None-Match: $nginx_etag"); extra=() ;;
    idle) a=("/api/v1/events/$event_id"); n=(/event.json); extra=(--idle "$IDLE") ;;
    *) echo "reads: unknown case $c" >&2; exit 1 ;;
  esac
  echo
  echo "== $c"
  echo "  admit:"
  ra=$(run "admit-$c" "$admit_port" "${a[@]}" "${extra[@]}")
  echo "$ra" | grep -v '^RESULT' || true
  sleep 1
  echo "  nginx:"
  rn=$(run "nginx-$c" "$nginx_port" "${n[@]}" "${extra[@]}")
  echo "$rn" | grep -v '^RESULT' || true
  rows+=("$c $(summary_fields "$(echo "$ra" | grep RESULT)") $(summary_fields "$(echo "$rn" | grep RESULT)")")
  sleep 1
done

echo
echo "== summary (floors: list and event >= 0.5 x nginx, web files >= 0.7 x, p99 < 50 ms)"
printf '%-11s %12s %10s %11s %12s %10s %7s\n' case admit/s p99_ms idle_open nginx/s p99_ms ratio
for r in "${rows[@]}"; do
  read -r name ar ap au ai nr np _nu _ni <<<"$r"
  ratio=$(awk -v a="$ar" -v b="$nr" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }')
  [ "${au:-0}" = 0 ] || ratio="$ratio (!${au} unexpected)"
  printf '%-11s %12s %10s %11s %12s %10s %7s\n' "$name" "$ar" "$ap" "$ai" "$nr" "$np" "$ratio"
done
echo "admit RSS after the run: $(awk '/VmRSS/ { print $2, $3 }' /proc/$server/status)"

if [ "${BENCH_LIGHTHOUSE:-1}" != 0 ]; then
  echo
  echo "== Lighthouse (mobile preset)"
  if [ -d tests/e2e/node_modules/lighthouse ]; then
    node bench/lighthouse.mjs "$admit/" "$admit/events/$event_id" || echo "reads: Lighthouse failed"
  else
    echo "  skipped: lighthouse is not installed (scripts/install-deps)"
  fi
fi

if [ "${BENCH_READ_MEMORY:-1}" != 0 ]; then
  echo
  echo "== memory with the number of published events"
  BENCH_BUILD=$BUILD bench/reads_memory.sh || echo "reads: memory measurement failed"
fi
