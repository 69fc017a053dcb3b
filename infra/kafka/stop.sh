#!/usr/bin/env bash
# Stops the broker started by infra/kafka/start.sh and waits until it has exited. Data is kept.
#   --kill   SIGKILL at once (a crash, for failure tests) instead of a clean shutdown
# Environment: KAFKA_CACHE_DIR (as for start.sh), KAFKA_STOP_TIMEOUT (seconds before SIGKILL, default 60).
set -euo pipefail

log() { printf '[kafka] %s\n' "$*" >&2; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
cache_dir="${KAFKA_CACHE_DIR:-$repo_root/.cache/kafka}"
pid_file="$cache_dir/broker.pid"
timeout="${KAFKA_STOP_TIMEOUT:-60}"

if [[ ! -f "$pid_file" ]]; then
  log "no broker pid file in $cache_dir: nothing to stop"
  exit 0
fi
pid="$(cat "$pid_file")"
if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null || ! grep -q 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null; then
  log "broker (pid ${pid:-?}) is not running"
  rm -f "$pid_file"
  exit 0
fi

signal=TERM
[[ "${1:-}" == "--kill" ]] && signal=KILL
log "stopping broker pid $pid (SIG$signal)"
kill "-$signal" "$pid"
for ((i = 0; i < timeout * 10; i++)); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  log "broker still running after ${timeout}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$pid_file"
log "broker stopped"
