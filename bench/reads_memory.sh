#!/usr/bin/env bash
# How the server's memory grows with the number of published events held by the public
# snapshots (docs/decisions/0009): RSS of `admit serve` (SQLite) with the 8 demo events,
# then with BENCH_MEMORY_EVENTS (10,000) more published copies of them (realistic titles,
# descriptions and ticket types), right after start (snapshots loaded) and after every
# event and every list page was read once (each event's JSON and gzip rendered).
# Environment: BENCH_BUILD (build/release), BENCH_MEMORY_EVENTS (10000).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=reads_memory
# shellcheck source=bench/lib.sh
. bench/lib.sh
BUILD=${BENCH_BUILD:-build/release}
ADMIT=$BUILD/src/admit
COPIES=${BENCH_MEMORY_EVENTS:-10000}
[ -x "$ADMIT" ] || { echo "reads_memory: $ADMIT is missing" >&2; exit 1; }
work=$(mktemp -d /tmp/admit-reads-memory.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
db="sqlite:$work/admit.db"
env ADMIT_DATABASE="$db" ADMIT_DATA_DIR="$work" "$ADMIT" migrate >/dev/null 2>&1
env ADMIT_DATABASE="$db" ADMIT_DATA_DIR="$work" "$ADMIT" demo >/dev/null 2>&1

rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$server/status"; }
serve() {
  port=$(free_port)
  env ADMIT_LISTEN=127.0.0.1:$port ADMIT_DATABASE="$db" ADMIT_DATA_DIR="$work" ADMIT_LOG_LEVEL=warn \
    ADMIT_WEB_ROOT="$work/no-web" "$ADMIT" serve >"$work/server.log" 2>&1 &
  server=$!
  wait_for "http://127.0.0.1:$port/healthz" "$server" "$work/server.log" 600
}
read_everything() {
  python3 - "$port" <<'PY'
import json, sys, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
cursor, ids = None, []
while True:
    url = f"{base}/api/v1/events?limit=100" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(url))
    ids += [e["id"] for e in page["items"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
for i in ids:
    urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/events/{i}", headers={"Accept-Encoding": "gzip"})).read()
print(len(ids))
PY
}
stop() { kill -TERM "$server"; wait "$server" || true; server=""; }

serve
base_start=$(rss_kb); read_everything >/dev/null; base_read=$(rss_kb); stop

# Copies of the demo events' rows (published, starting within the next year).
sqlite3 "$work/admit.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ($COPIES + 7) / 8)
INSERT INTO events (id, organizer_id, title, description, search_text, category, venue, starts_at, ends_at,
  timezone, currency, capacity, sold, status, max_per_user, hold_minutes, waitlist_offer_minutes,
  cancel_cutoff_hours, created_at, updated_at, published_at)
SELECT id || '_' || i, organizer_id, title || ' #' || i, description, search_text, category, venue,
  starts_at + i * 60000, ends_at + i * 60000, timezone, currency, capacity, 0, 'published', max_per_user,
  hold_minutes, waitlist_offer_minutes, cancel_cutoff_hours, created_at, updated_at, published_at
FROM events, n WHERE events.status = 'published' LIMIT $COPIES;
INSERT INTO ticket_types (id, event_id, name, description, price, capacity, sold, sales_start, sales_end,
  max_per_order, hidden, position)
SELECT t.id || substr(e.id, length(t.event_id) + 1), e.id, t.name, t.description, t.price, t.capacity, 0,
  t.sales_start, t.sales_end, t.max_per_order, t.hidden, t.position
FROM events e JOIN ticket_types t ON e.id LIKE t.event_id || '\_%' ESCAPE '\'
WHERE t.event_id NOT LIKE '%\_%\_%' ESCAPE '\';
SQL
published=$(sqlite3 "$work/admit.db" "SELECT COUNT(*) FROM events WHERE status = 'published'")
serve
big_start=$(rss_kb); listed=$(read_everything); big_read=$(rss_kb); stop

echo "memory of the public snapshots (RSS of admit serve, SQLite):"
echo "  8 demo events:        $((base_start / 1024)) MiB after start, $((base_read / 1024)) MiB after reading all"
echo "  $published published:  $((big_start / 1024)) MiB after start, $((big_read / 1024)) MiB after reading all ($listed listed)"
awk -v a="$base_read" -v b="$big_read" -v n="$((published - 8))" \
  'BEGIN { printf "  growth: %.1f MiB for %d events = %.1f KiB per published event (rendered JSON + gzip included)\n", (b - a) / 1024, n, (b - a) / n }'
