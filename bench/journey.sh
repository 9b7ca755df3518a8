#!/usr/bin/env bash
# Journey benchmark: CASES (1,000,000) cases, and SMALL (100,000) in the same run, each taken in
# through the intake use case with its journey on Redis (due dates spread over 57 days, four
# steps each: nudge, purring, inkassovarsel, betalingsoppfordring), then a virtual clock stepped
# DAYS (60) days while the worker sends what is due with in-memory providers.
# Prints per simulated day: due actions, seconds, actions/s, Redis commands per action (INFO
# commandstats delta) and the worker's RSS; then a total per case count.
# Usage: bench/journey.sh     Environment: CASES, SMALL (0: skip), DAYS, START (2027-03-01),
#   LOAD_CONCURRENCY (256), SKIP_BUILD=1. Output stays in target/bench/journey-*.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-1000000}; SMALL=${SMALL:-100000}; DAYS=${DAYS:-60}; START=${START:-2027-03-01}
have() { command -v "$1" >/dev/null 2>&1; }
for tool in redis-server redis-cli python3; do
  have "$tool" || { echo "bench/journey.sh: $tool not found (sudo apt-get install redis-server)" >&2; exit 1; }
done
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet --example bench-journey
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
OUT=target/bench; mkdir -p "$OUT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$OUT/journey-redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null; wait 2>/dev/null || true' EXIT
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

export INNFRI_PROFILE=demo
export INNFRI__STORE__BACKEND=redis
export INNFRI__STORE__REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export INNFRI__STORE__NAMESPACE=bench
export INNFRI__LOG__LEVEL=${LOG_LEVEL:-error}

for count in $SMALL $CASES; do
  [ "$count" -gt 0 ] || continue
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  echo "== $count cases, $DAYS days from $START, $(nproc) cores"
  target/release/examples/bench-journey load "$count" "$START" | tee "$OUT/journey-$count.load"
  echo "redis used_memory: $(redis-cli -p "$REDIS_PORT" info memory | grep '^used_memory_human' | cut -d: -f2 | tr -d '\r')"
  target/release/examples/bench-journey run "$START" "$DAYS" | tee "$OUT/journey-$count.csv"
done
