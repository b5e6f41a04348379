# Shell helpers the bench scripts share (sourced by run.sh, reads.sh, reads_memory.sh).
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
