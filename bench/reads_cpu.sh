#!/usr/bin/env bash
# CPU per request of the read path, a figure that holds on a busy machine where throughput
# does not: the release `admit serve` (SQLite, demo events, built web app) answers
# admit_loadgen's read mode for BENCH_READ_SECONDS per case, and the server's own CPU time
# (utime + stime of /proc/PID/stat, across all its threads) and, when perf is usable, its
# instructions (`perf stat -e instructions -p PID`) are divided by the answers the load
# generator counted. Other processes' load changes the throughput, hardly these quotients.
#
# Environment: BENCH_BUILD (build/release), BENCH_READ_CONNECTIONS (256),
# BENCH_READ_SECONDS (5), BENCH_READ_CASES ("event index revalidate"; also list, asset),
# BENCH_PERF_RECORD (set: also `perf record -g` each case into the work folder, kept),
# BENCH_KEEP (keep the work folder).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=reads_cpu
# shellcheck source=bench/lib.sh
. bench/lib.sh

BUILD=${BENCH_BUILD:-build/release}
ADMIT=$BUILD/src/admit
LOADGEN=$BUILD/bench/admit_loadgen
CONNECTIONS=${BENCH_READ_CONNECTIONS:-256}
SECONDS_EACH=${BENCH_READ_SECONDS:-5}
CASES=${BENCH_READ_CASES:-"event index revalidate"}
WEB=web/dist
for f in "$ADMIT" "$LOADGEN"; do
  [ -x "$f" ] || { echo "reads_cpu: $f is missing; build the release preset first" >&2; exit 1; }
done
if [ ! -f "$WEB/index.html" ]; then (cd web && npm run build >/dev/null); fi

work=$(mktemp -d /tmp/admit-reads-cpu.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  if [ -z "${BENCH_KEEP:-}${BENCH_PERF_RECORD:-}" ]; then rm -rf "$work"; else echo "reads_cpu: kept $work"; fi
}
trap cleanup EXIT

start_demo_admit "$ADMIT" "$work" "$WEB" $((CONNECTIONS + 1000))
port=${base##*:}
event_id=$(curl -fs "$base/api/v1/events" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
etag=$(curl -fsI "$base/api/v1/events/$event_id" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')
asset=$(cd "$WEB/assets" && ls -S -- *.js | head -n 1)

# Instructions need hardware counters, which virtual machines often lack ("<not supported>"):
# then that column says n/a; perf record falls back to the cpu-clock software event.
perf_ok=0 perf_stat=0
if command -v perf >/dev/null && perf stat -e cpu-clock -- true >/dev/null 2>&1; then perf_ok=1; fi
if [ "$perf_ok" = 1 ] && perf stat -x, -e instructions -- true 2>&1 | grep -q '^[0-9]'; then perf_stat=1; fi
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

echo "reads_cpu: $CONNECTIONS clients, ${SECONDS_EACH} s a case; $(uptime)"
printf '%-11s %10s %9s %12s %14s\n' case answers/s cpu_s us/answer instr/answer
for c in $CASES; do
  case $c in
    list) args=(--path /api/v1/events) ;;
    event) args=(--path "/api/v1/events/$event_id") ;;
    index) args=(--path /) ;;
    asset) args=(--path "/assets/$asset") ;;
    revalidate) args=(--path "/api/v1/events/$event_id" --expect 304 --header "If-None-Match: $etag") ;;
    *) echo "reads_cpu: unknown case $c" >&2; exit 1 ;;
  esac
  perf_pid=""
  if [ "$perf_ok" = 1 ]; then
    if [ -n "${BENCH_PERF_RECORD:-}" ]; then
      perf record -e cpu-clock -g -o "$work/perf-$c.data" -p "$server" >/dev/null 2>"$work/perf-$c.log" &
      perf_pid=$!
    elif [ "$perf_stat" = 1 ]; then
      perf stat -e instructions -x, -o "$work/perf-$c.txt" -p "$server" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    sleep 0.3
  fi
  before=$(cpu_ticks)
  set +e
  "$LOADGEN" get --port "$port" --connections "$CONNECTIONS" --duration "$SECONDS_EACH" --warmup 0 \
    "${args[@]}" >"$work/$c.txt" 2>&1
  set -e
  after=$(cpu_ticks)
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  result=$(grep '^RESULT' "$work/$c.txt" || true)
  answers=$(echo "$result" | tr ' ' '\n' | awk -F= '$1 == "answers" { print $2 }')
  rate=$(echo "$result" | tr ' ' '\n' | awk -F= '$1 == "requests_per_s" { print $2 }')
  if [ -z "$answers" ] || [ "$answers" = 0 ]; then
    printf '%-11s %10s\n' "$c" failed
    sed 's/^/    /' "$work/$c.txt"
    continue
  fi
  instr=n/a
  if [ -f "$work/perf-$c.txt" ]; then
    instr=$(awk -F, -v n="$answers" '$3 ~ /instructions/ && $1 ~ /^[0-9]+$/ { printf "%.0f", $1 / n }' "$work/perf-$c.txt")
  fi
  awk -v c="$c" -v r="$rate" -v b="$before" -v a="$after" -v t="$ticks" -v n="$answers" -v i="${instr:-n/a}" \
    'BEGIN { s = (a - b) / t; printf "%-11s %10s %9.2f %12.1f %14s\n", c, r, s, s * 1e6 / n, i }'
done
