# Shell helpers the bench scripts share (sourced by run.sh, reads.sh, reads_cpu.sh,
# reads_memory.sh).
# BENCH_NAME names the script in messages.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# wait_for URL PID LOG [TRIES]: returns once URL answers 2xx (every 50 ms, TRIES times,
# default 200); exits the script, printing LOG, when the process PID has ended or URL
# never answered.
wait_for() {
  for _ in $(seq 1 "${4:-200}"); do
    curl -fs -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "${BENCH_NAME:-bench}: the server exited:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.05
  done
  echo "${BENCH_NAME:-bench}: $1 never answered" >&2
  cat "$3" >&2
  exit 1
}

# start_demo_admit ADMIT WORK WEB CAP: a fresh SQLite database in WORK with the demo events,
# then `ADMIT serve` with the built web app WEB on a free port, in the background; sets
# `server` (its pid) and `base` (its URL) and returns once it answers. Every bench client
# comes from 127.0.0.1, so the per-address connection cap (default 512, meant for one
# client host on the internet) is lifted to CAP, the total cap, as a deployment behind a
# proxy does with connection_limit_exempt.
start_demo_admit() {
  local db="sqlite:$2/admit.db" port
  env ADMIT_DATABASE="$db" ADMIT_DATA_DIR="$2" "$1" migrate >/dev/null 2>&1
  env ADMIT_DATABASE="$db" ADMIT_DATA_DIR="$2" "$1" demo >/dev/null 2>&1
  port=$(free_port)
  env ADMIT_LISTEN=127.0.0.1:$port ADMIT_DATABASE="$db" ADMIT_DATA_DIR="$2" ADMIT_LOG_LEVEL=warn \
    ADMIT_WEB_ROOT="$3" ADMIT_MAX_CONNECTIONS="$4" ADMIT_MAX_CONNECTIONS_PER_ADDRESS="$4" \
    "$1" serve >"$2/admit.log" 2>&1 &
  server=$!
  base="http://127.0.0.1:$port"
  wait_for "$base/healthz" "$server" "$2/admit.log"
}
