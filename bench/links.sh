#!/usr/bin/env bash
# Link-opening benchmark: Redis + `innfri serve`, 10,000 seeded cases, wrk for 10 s each on
#   1. opening a link (token → verify → store → session → 303),
#   2. the case page with a session cookie (session + case from Redis in one round trip, rendered),
#   3. the case page with an older cookie (no case id in it: session, then case: two round trips),
#   4. the stylesheet of the same server (the ceiling);
# then, innfri stopped, the same link opens and case pages against `bench-reference`
# (bench/reference.rs: actix-web, an HMAC check, one Redis read of what innfri stored, a maud
# page of the size of innfri's), the minimal form of each path on the same machine and data.
# Redis commands per request (INFO commandstats delta) are printed for every target but static.
# Prints req/s, p50 and p99 per target, the ratio case page / static asset, and innfri's case
# page and link open as a share of the reference's (goals: >= 75 % and >= 60 %).
# Usage: bench/links.sh [CASES] [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-10000}; SECONDS_EACH=${2:-10}; CONNS=${3:-64}
have() { command -v "$1" >/dev/null 2>&1; }
if ! have wrk || ! have redis-server; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk redis-server >/dev/null
fi
cargo build --release --quiet --bin innfri --example bench-seed --example bench-reference

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); HTTP_PORT=$(free_port); REF_PORT=$(free_port)
OUT=target/bench; mkdir -p "$OUT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$OUT/redis.log" 2>&1 &
REDIS_PID=$!
SERVER_PID=""; REF_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$REF_PID" ] && kill "$REF_PID" 2>/dev/null
  kill "$REDIS_PID" 2>/dev/null; wait 2>/dev/null || true
}
trap cleanup EXIT
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

export INNFRI_PROFILE=demo
export INNFRI__STORE__BACKEND=redis
export INNFRI__STORE__REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export INNFRI__STORE__NAMESPACE=bench
export INNFRI__SERVER__BIND="127.0.0.1:$HTTP_PORT"
export INNFRI__SERVER__PUBLIC_BASE_URL="http://127.0.0.1:$HTTP_PORT"
export INNFRI__LINKS__MISSES_PER_MINUTE=1000000
export INNFRI__LOG__LEVEL=warn

target/release/examples/bench-seed "$CASES" "$OUT"
target/release/innfri serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null; do sleep 0.1; done
CSS_PATH=$(grep -o '"/static/[^"]*"' src/http/debtor/pages.rs | tr -d '"')
echo "$CSS_PATH" > "$OUT/static.txt"

calls() { redis-cli -p "$REDIS_PORT" info commandstats | python3 -c '
import re, sys
print(sum(int(m) for m in re.findall(r"calls=(\d+)", sys.stdin.read())))'; }
TARGET="http://127.0.0.1:$HTTP_PORT"
run() {
  local name=$1; shift
  local line before after
  before=$(calls)
  line=$(wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency -s bench/replay.lua "$TARGET" -- "$@" | grep '^RESULT')
  after=$(calls)
  python3 - "$name" "$line" "$before" "$after" <<'PY'
import re, sys
name, line, before, after = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
m = re.search(r"requests=(\d+)", line)
per = f" redis_cmds_per_req={(after - before - 1) / int(m.group(1)):.2f}" if m and int(m.group(1)) else ""
print(f"{name} {line}{per}")
PY
}
echo "innfri link benchmark: $CASES cases, ${SECONDS_EACH}s each, $CONNS connections, $(nproc) cores"
run "static   " "$OUT/static.txt" | tee "$OUT/static.result"
run "open_link" "$OUT/links.txt" | tee "$OUT/open.result"
for _ in $(seq 1 "$CASES"); do echo /case; done > "$OUT/case_paths.txt"
PERF_PID=""
if [ "${PERF:-0}" = 1 ]; then # PERF=1: `perf record -g` of innfri serve during the case-page run
  perf record -q -F 999 -g -p "$SERVER_PID" -o "$OUT/links.perf.data" >"$OUT/links-perf.log" 2>&1 &
  PERF_PID=$!
fi
run "case_page" "$OUT/case_paths.txt" "$OUT/cookies.txt" | tee "$OUT/case.result"
if [ -n "$PERF_PID" ]; then
  kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true
  echo "perf profile: perf report -i $OUT/links.perf.data --no-children --stdio"
fi
run "case_old " "$OUT/case_paths.txt" "$OUT/cookies_old.txt" | tee "$OUT/case_old.result"

# The reference, on the same Redis and data, with innfri stopped; its page is as long as
# innfri's case page for the first seeded cookie.
PAGE_BYTES=$(curl -s -H "Cookie: $(head -n1 "$OUT/cookies.txt")" "http://127.0.0.1:$HTTP_PORT/case" | wc -c)
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
REFERENCE_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'); export REFERENCE_KEY
target/release/examples/bench-reference cookies "$OUT/cookies.txt" "$OUT/cookies_ref.txt"
target/release/examples/bench-reference serve "127.0.0.1:$REF_PORT" "$PAGE_BYTES" >"$OUT/reference.log" 2>&1 &
REF_PID=$!
TARGET="http://127.0.0.1:$REF_PORT"
until curl -s -o /dev/null "$TARGET/case"; do sleep 0.1; done
REF_BYTES=$(curl -s -H "Cookie: $(head -n1 "$OUT/cookies_ref.txt")" "$TARGET/case" | wc -c)
echo "page size: innfri $PAGE_BYTES bytes, reference $REF_BYTES bytes"
run "ref_open " "$OUT/links.txt" | tee "$OUT/ref_open.result"
run "ref_case " "$OUT/case_paths.txt" "$OUT/cookies_ref.txt" | tee "$OUT/ref_case.result"

rate() { sed -E 's/.*req_per_s=([0-9]+).*/\1/' "$1"; }
python3 - "$(rate "$OUT/case.result")" "$(rate "$OUT/static.result")" "$(rate "$OUT/open.result")" \
  "$(rate "$OUT/ref_case.result")" "$(rate "$OUT/ref_open.result")" <<'PY'
import sys
case, static, open_, ref_case, ref_open = map(float, sys.argv[1:])
print(f"case page / static asset = {case / static:.0%}")
print(f"case page / reference case page = {case / ref_case:.0%} (goal >= 75 %)")
print(f"link open / reference link open = {open_ / ref_open:.0%} (goal >= 60 %)")
PY
