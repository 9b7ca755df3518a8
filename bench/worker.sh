#!/usr/bin/env bash
# Worker benchmark: how fast `innfri worker` empties a queue of N due SMS into a Twilio-speaking
# fake provider, and whether any number gets a message twice.
#
#   1. builds `innfri` and the examples bench-fake-sms / bench-seed-messages (release);
#   2. starts its own redis-server on a free port (temporary folder, no persistence), or with
#      CLUSTER=1 a three-master Redis Cluster on free ports (redis-cli --cluster create);
#   3. starts the fake SMS provider (bench/fake_sms.rs: Twilio's wire format, counts distinct
#      `To`, duplicates, first and last request; GET /stats);
#   4. seeds N cases, each with its own Norwegian mobile number (+47 90000000 + i) and exactly one
#      SMS due now. The SMS is a payment receipt: it carries a signed link like a reminder, but it
#      is not a collection message, so the worker sends it at any hour. Reminders would wait for
#      the Norwegian contact hours (weekdays 08–21, Saturdays 09–15) and the run would hang at
#      night or on a Sunday;
#   5. starts `innfri worker` (Redis store, Twilio provider pointed at the fake), waits until the
#      fake has seen N distinct recipients, reads the worker's peak RSS, Redis command counts and
#      the CPU time of each process, then stops the worker with SIGTERM.
#
# Prints messages/s end to end (N / from worker start to the last SMS received) and steady state
# (N / from the first to the last SMS received), duplicates, peak RSS, Redis commands per message
# and the CPU split between worker, Redis and the fake.
#
# Usage: bench/worker.sh            (one Redis)
#        CLUSTER=1 bench/worker.sh  (three-master Redis Cluster, same machine)
# Environment: N (20000), SHARDS (store.redis_queue_shards, 16), CONCURRENCY (messaging.concurrency, default from config: 64),
#   BATCH (messaging.batch_size, default from config: 200),
#   THREADS (messaging.worker_threads, default from config: 1; 0 = one per core), TIMEOUT (300 s),
#   LOG_LEVEL (warn; `info` logs one line per message sent), FAKE_WORKERS (1 actix thread),
#   SKIP_BUILD=1 (reuse the binaries in target/release, e.g. for a sweep over CONCURRENCY),
#   PERF=1 (record the worker with `perf record -g` into target/bench/worker.perf.data; PERF_ARGS
#   replaces `-g`, e.g. PERF_ARGS="--call-graph dwarf" for call stacks without frame pointers).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
CLUSTER=${CLUSTER:-0}
SHARDS=${SHARDS:-16}
TIMEOUT=${TIMEOUT:-300}
LOG_LEVEL=${LOG_LEVEL:-warn}
FAKE_WORKERS=${FAKE_WORKERS:-1}
case "$N" in '' | *[!0-9]*) echo "N must be a number, got '$N'" >&2; exit 2 ;; esac
[ "$N" -gt 0 ] || { echo "N must be at least 1" >&2; exit 2; }

have() { command -v "$1" >/dev/null 2>&1; }
for tool in redis-server redis-cli; do
  if ! have "$tool"; then
    echo "bench/worker.sh: $tool not found. Install Redis first, e.g. 'sudo apt-get install redis-server'." >&2
    exit 1
  fi
done
for tool in python3 curl; do
  have "$tool" || { echo "bench/worker.sh: $tool not found; it is needed to pick ports and read /stats." >&2; exit 1; }
done

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (release) ..."
  cargo build --release --quiet --bin innfri --example bench-fake-sms --example bench-seed-messages
fi
for bin in target/release/innfri target/release/examples/bench-fake-sms target/release/examples/bench-seed-messages; do
  [ -x "$bin" ] || { echo "$bin is missing; run without SKIP_BUILD=1" >&2; exit 1; }
done
if [ "${PERF:-0}" = 1 ] && ! have perf; then
  echo "PERF=1 needs perf (Debian: linux-perf)" >&2; exit 1
fi

OUT=target/bench; mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/innfri-worker-bench.XXXXXX")
REDIS_PIDS=(); FAKE_PID=""; SEED_PID=""; WORKER_PID=""; PERF_PID=""
stop() { # stop PID: SIGTERM, then SIGKILL after 5 s
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$PERF_PID"; stop "$SEED_PID"; stop "$WORKER_PID"; stop "$FAKE_PID"
  for pid in "${REDIS_PIDS[@]}"; do stop "$pid"; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Cluster nodes also listen on port + 10000 (the cluster bus): keep ports below 55536.
cluster_port() { local p; p=$(free_port); while [ "$p" -ge 55000 ]; do p=$(free_port); done; echo "$p"; }
REDIS_PORTS=(); REDIS_PIDS=()
if [ "$CLUSTER" = 1 ]; then
  while [ ${#REDIS_PORTS[@]} -lt 3 ]; do
    p=$(cluster_port)
    case " ${REDIS_PORTS[*]} " in *" $p "*) ;; *) REDIS_PORTS+=("$p") ;; esac
  done
else
  REDIS_PORTS=("$(free_port)")
fi
REDIS_PORT=${REDIS_PORTS[0]}
FAKE_PORT=$(free_port)
while case " ${REDIS_PORTS[*]} " in *" $FAKE_PORT "*) true ;; *) false ;; esac; do FAKE_PORT=$(free_port); done

for port in "${REDIS_PORTS[@]}"; do
  mkdir -p "$TMP/redis-$port"
  cluster_args=()
  [ "$CLUSTER" = 1 ] && cluster_args=(--cluster-enabled yes --cluster-config-file nodes.conf)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$TMP/redis-$port" --save '' --appendonly no \
    "${cluster_args[@]}" --daemonize no >"$OUT/worker-redis-$port.log" 2>&1 &
  REDIS_PIDS+=($!)
done
for port in "${REDIS_PORTS[@]}"; do
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null || { echo "redis-server did not start; see $OUT/worker-redis-$port.log" >&2; exit 1; }
done
if [ "$CLUSTER" = 1 ]; then
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${REDIS_PORTS[@]}") --cluster-replicas 0 \
    --cluster-yes >"$OUT/worker-cluster-create.log" 2>&1
  for port in "${REDIS_PORTS[@]}"; do
    for _ in $(seq 1 200); do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q cluster_state:ok && break; sleep 0.05
    done
  done
fi
rcli() { redis-cli -c -p "$REDIS_PORT" "$@"; }
each_node() { for port in "${REDIS_PORTS[@]}"; do redis-cli -p "$port" "$@"; done; }
# How many ids the queue's shards hold in `due` or `leased` (src/store/redis/keys.rs names them
# `<namespace>:queue:{q:<shard>}:due|leased`).
queue_count() {
  local total=0 s
  for s in $(seq 0 $((SHARDS - 1))); do total=$((total + $(rcli zcard "wbench:queue:{q:$s}:$1"))); done
  echo "$total"
}

ACCOUNT_SID="AC$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
AUTH_TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
FAKE="http://127.0.0.1:$FAKE_PORT"
target/release/examples/bench-fake-sms "127.0.0.1:$FAKE_PORT" "$AUTH_TOKEN" "$FAKE_WORKERS" \
  >"$OUT/worker-fake-sms.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 1 100); do curl -sf "$FAKE/stats" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$FAKE/stats" >/dev/null || { echo "the fake SMS provider did not start; see $OUT/worker-fake-sms.log" >&2; exit 1; }

# Same approach as bench/links.sh: the demo profile (an agency acting for nordlys-energi), the
# store switched to this Redis, and everything else by environment.
export INNFRI_PROFILE=demo
export INNFRI__STORE__BACKEND=redis
export INNFRI__STORE__REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export INNFRI__STORE__REDIS_QUEUE_SHARDS="$SHARDS"
if [ "$CLUSTER" = 1 ]; then
  INNFRI__STORE__REDIS_CLUSTER_NODES="[$(printf '"redis://127.0.0.1:%s",' "${REDIS_PORTS[@]}" | sed 's/,$//')]"
  export INNFRI__STORE__REDIS_CLUSTER_NODES
fi
export INNFRI__STORE__NAMESPACE=wbench
export INNFRI__LINKS__KEYS__1
INNFRI__LINKS__KEYS__1=$(target/release/innfri new-link-key)
export INNFRI__LINKS__SIGNING_KEY_ID=1
export INNFRI__MESSAGING__SMS_PROVIDER=twilio
export INNFRI__TWILIO__ACCOUNT_SID="$ACCOUNT_SID"
export INNFRI__TWILIO__AUTH_TOKEN="$AUTH_TOKEN"
export INNFRI__TWILIO__FROM=Innfri
export INNFRI__TWILIO__API_BASE="$FAKE"
export INNFRI__LOG__LEVEL="$LOG_LEVEL"
if [ -n "${CONCURRENCY:-}" ]; then export INNFRI__MESSAGING__CONCURRENCY="$CONCURRENCY"; fi
if [ -n "${BATCH:-}" ]; then export INNFRI__MESSAGING__BATCH_SIZE="$BATCH"; fi
if [ -n "${THREADS:-}" ]; then export INNFRI__MESSAGING__WORKER_THREADS="$THREADS"; fi
target/release/innfri check-config >/dev/null

echo "seeding $N cases with one due SMS each ..."
# In the background and waited for, so that Ctrl-C or SIGTERM stop everything at once.
target/release/examples/bench-seed-messages "$N" &
SEED_PID=$!
wait "$SEED_PID"
SEED_PID=""
RESULT=worker.result; [ "$CLUSTER" = 1 ] && RESULT=worker-cluster.result
DUE=$(queue_count due)
[ "$DUE" -eq "$N" ] || { echo "expected $N due messages in Redis, found $DUE" >&2; exit 1; }

# Counters from here on belong to the worker (the fake does not touch Redis).
each_node config resetstat >/dev/null
cpu() { # utime + stime of PID, in clock ticks (fields 14 and 15 of /proc/PID/stat)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
redis_cpu() { local t=0 pid; for pid in "${REDIS_PIDS[@]}"; do t=$((t + $(cpu "$pid"))); done; echo "$t"; }
REDIS_CPU0=$(redis_cpu); FAKE_CPU0=$(cpu "$FAKE_PID")
busy() { # CPU ticks spent by the whole machine (all but idle and iowait), from /proc/stat
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
BUSY0=$(busy)

START=$(date +%s.%N)
target/release/innfri worker >"$OUT/worker.log" 2>&1 &
WORKER_PID=$!
if [ "${PERF:-0}" = 1 ]; then
  perf record -q -F 999 ${PERF_ARGS:--g} -p "$WORKER_PID" -o "$OUT/worker.perf.data" >"$OUT/worker-perf.log" 2>&1 &
  PERF_PID=$!
fi
DEADLINE=$(( $(date +%s) + TIMEOUT ))
STATS=""
while :; do
  # Cheap on purpose (no python per poll): this loop shares the cores with what it measures.
  STATS=$(curl -sf "$FAKE/stats" || true)
  distinct=$(sed -nE 's/.*"distinct_to":([0-9]+).*/\1/p' <<<"$STATS")
  if [ "${distinct:-0}" -ge "$N" ]; then break; fi
  if ! kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "the worker stopped early; last lines of $OUT/worker.log:" >&2; tail -n 20 "$OUT/worker.log" >&2; exit 1
  fi
  if [ "$(date +%s)" -ge "$DEADLINE" ]; then
    echo "timeout after ${TIMEOUT}s: ${distinct:-0} of $N recipients reached; see $OUT/worker.log" >&2; exit 1
  fi
  sleep 0.1
done
# Let the worker record the last results (sent status, provider id) before counting.
for _ in $(seq 1 100); do
  if [ "$(queue_count leased)" -eq 0 ] && [ "$(queue_count due)" -eq 0 ]; then break; fi
  sleep 0.05
done

PEAK_RSS_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$WORKER_PID/status")
WORKER_CPU=$(cpu "$WORKER_PID"); REDIS_CPU=$(redis_cpu); FAKE_CPU=$(cpu "$FAKE_PID")
BUSY=$(busy); END=$(date +%s.%N)
each_node info commandstats >"$OUT/worker-commandstats.txt"
if [ "$CLUSTER" = 1 ]; then
  redis-cli --cluster check "127.0.0.1:$REDIS_PORT" >"$OUT/worker-cluster-check.txt" 2>&1 || true
fi
LEFT_DUE=$(queue_count due); LEFT_LEASED=$(queue_count leased)
if [ -n "$PERF_PID" ]; then
  kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""
  echo "perf profile: perf report -i $OUT/worker.perf.data --no-children --percent-limit 1 --stdio"
fi
stop "$WORKER_PID"; WORKER_PID=""
STATS=$(curl -sf "$FAKE/stats")
echo "$STATS" >"$OUT/worker-fake-stats.json"

python3 - "$N" "$START" "$STATS" "$PEAK_RSS_KB" "$OUT/worker-commandstats.txt" \
  "$((WORKER_CPU))" "$((REDIS_CPU - REDIS_CPU0))" "$((FAKE_CPU - FAKE_CPU0))" "$(getconf CLK_TCK)" \
  "$LEFT_DUE" "$LEFT_LEASED" "${INNFRI__MESSAGING__CONCURRENCY:-config}" "${INNFRI__MESSAGING__BATCH_SIZE:-config}" \
  "${INNFRI__MESSAGING__WORKER_THREADS:-config}" "$(nproc)" "$((BUSY - BUSY0))" "$END" \
  "$([ "$CLUSTER" = 1 ] && echo "3-master Redis Cluster" || echo "one Redis"), $SHARDS queue shards" <<'PY' | tee "$OUT/$RESULT"
import json, sys
(n, start, stats, rss_kb, cmdfile, w_cpu, r_cpu, f_cpu, hz, left_due, left_leased,
 conc, batch, threads, cores, busy, end, store) = sys.argv[1:]
n, start, hz = int(n), float(start), int(hz)
s = json.loads(stats)
first, last = s["first_request_unix"], s["last_request_unix"]
e2e, steady = last - start, last - first
calls, usec = {}, {}
for line in open(cmdfile):
    if line.startswith("cmdstat_"):
        name, rest = line[len("cmdstat_"):].split(":", 1)
        fields = dict(kv.split("=") for kv in rest.strip().split(","))
        # Summed over the nodes of a cluster.
        calls[name] = calls.get(name, 0) + int(fields["calls"])
        usec[name] = usec.get(name, 0) + int(fields["usec"])
# Commands run inside Lua scripts are counted too (under their own names), and so are the
# MULTI/EXEC that wrap pipelines; none of the redis-cli calls of this script is included
# except the few ZCARD/INFO below the line.
total = sum(calls.values())
cpu = {"worker": int(w_cpu) / hz, "redis-server(s)": int(r_cpu) / hz, "fake SMS": int(f_cpu) / hz}
cpu_total = sum(cpu.values()) or 1
print(f"innfri worker benchmark: N={n}, {store}, concurrency={conc}, batch={batch}, worker threads={threads}, {cores} cores")
print(f"{'end to end (worker start -> last SMS)':<42} {e2e:8.2f} s  {n / e2e:10,.0f} msg/s")
print(f"{'steady state (first SMS -> last SMS)':<42} {steady:8.2f} s  {n / steady:10,.0f} msg/s")
print(f"{'requests / distinct To / duplicates':<42} {s['requests']} / {s['distinct_to']} / {s['duplicates']}")
print(f"{'rejected by the fake':<42} {s['rejected']}")
print(f"{'left in queue (due / leased)':<42} {left_due} / {left_leased}")
print(f"{'worker peak RSS (VmHWM)':<42} {int(rss_kb) / 1024:8.1f} MiB")
print(f"{'Redis commands per message':<42} {total / n:8.2f}  (all commands, incl. inside scripts and MULTI/EXEC)")
print(f"    {'command':<20} {'calls/msg':>9} {'µs/msg':>7}  (time inside Redis; exec and evalsha include their commands)")
for name, c in sorted(calls.items(), key=lambda kv: -kv[1]):
    if c / n >= 0.01:
        print(f"    {name:<20} {c / n:9.2f} {usec[name] / n:7.1f}")
print(f"{'CPU seconds (share)':<42} " + ", ".join(
    f"{k} {v:.2f} s ({v / cpu_total:.0%})" for k, v in cpu.items()))
print(f"{'CPU per message':<42} " + ", ".join(
    f"{k} {v / n * 1e6:.0f} µs" for k, v in cpu.items()))
# Everything else the machine ran meanwhile (this script's polling, other users, builds ...):
# a busy machine makes the figures above lower than they would be.
others = int(busy) / hz - sum(cpu.values())
wall = float(end) - start
print(f"{'other CPU use on the machine meanwhile':<42} {max(others, 0):.2f} s "
      f"(~{max(others, 0) / wall:.2f} of {cores} cores over {wall:.1f} s)")
if others / wall > 0.25:
    print("    warning: the machine was busy with other work; run again when it is idle")
ok = s["duplicates"] == 0 and s["distinct_to"] >= n
print("RESULT " + ("ok" if ok else "FAILED: duplicates or missing recipients"))
sys.exit(0 if ok else 1)
PY
