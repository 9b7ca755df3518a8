#!/usr/bin/env bash
# Case creation through the API (POST /api/v1/cases, a new case each request) on the embedded
# store in memory and in a store file (`store.path`: each change committed with fsync before the
# answer), wrk for SECONDS each at CONNECTIONS. Prints cases/s, p50 and p99 per store.
# Usage: bench/cases.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}; CONNS=${2:-16}
have() { command -v "$1" >/dev/null 2>&1; }
if ! have wrk; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet --bin innfri

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
OUT=target/bench; mkdir -p "$OUT"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; rm -f "$OUT/cases.redb"; }
trap cleanup EXIT

# A weekday two weeks ahead (the due date of every case).
DUE=$(python3 -c 'import datetime as d; t=d.date.today()+d.timedelta(days=14); t+=d.timedelta(days=max(0,7-t.weekday()) if t.weekday()>4 else 0); print(t)')
cat >"$OUT/case_body.json" <<JSON
{"external_ref":"@REF@","creditor_id":"nordlys-energi","debtor":{"name":"Ola Nordmann","phone":"912 34 567","email":"ola@example.no","locale":"nb"},"claim":[{"kind":"principal","description":"Faktura 1001","amount":"250.00"},{"kind":"fee","description":"Purregebyr","amount":35}],"due_date":"$DUE"}
JSON

export INNFRI_PROFILE=demo
export INNFRI__LOG__LEVEL=warn
run() {
  local name=$1
  local port; port=$(free_port)
  INNFRI__SERVER__BIND="127.0.0.1:$port" INNFRI__SERVER__PUBLIC_BASE_URL="http://127.0.0.1:$port" \
    target/release/innfri serve >"$OUT/server-$name.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
  local line
  line=$(wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency -s bench/create_cases.lua \
    "http://127.0.0.1:$port" -- "$OUT/case_body.json" ik_demo_innfri_public_key | grep '^RESULT')
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  printf '%-8s %s\n' "$name" "${line#RESULT }"
}

unset INNFRI__STORE__PATH
run memory
rm -f "$OUT/cases.redb"
export INNFRI__STORE__PATH="$PWD/$OUT/cases.redb"
run file
ls -l "$OUT/cases.redb" | awk '{print "store file after the run: " $5 " bytes"}'
