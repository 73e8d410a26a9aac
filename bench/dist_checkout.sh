#!/usr/bin/env bash
# Only the distributed shape's checkout scenario of `make bench` (bench/http.sh), for working on the
# event path: starts tests/e2e/distributed.py --serve, measures the idle CPU of every process of
# the shape (services, gateway, Kafka mock broker, PostgreSQL), runs bench/checkout.py against the
# gateway, and prints where the CPU went, per process name (bench/proc_cpu.py).
#
#   bench/dist_checkout.sh [build-dir]     env: BENCH_CHECKOUT_USERS (32), BENCH_CHECKOUTS_PER_USER (10),
#                                               BENCH_PAUSE=1 (wait for a file before the run),
#                                               BENCH_IDLE_S (5), BENCH_KEEP=1 (keep the logs), and
#                                               any KAFKA_* / SHOP_DB setting
set -euo pipefail
BUILD_DIR=${1:-build/release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d /tmp/shop-dist-bench.XXXXXX)
DIST_PID=
cleanup() {
  [[ -n $DIST_PID ]] && kill -INT "$DIST_PID" 2>/dev/null && wait "$DIST_PID" 2>/dev/null || true
  if [[ -n ${BENCH_KEEP:-} ]]; then echo "logs kept in $WORK/dist"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export LOG_LEVEL=${LOG_LEVEL:-warn}
# KAFKA_FETCH_WAIT_MAX_MS: 10 unless set, as in bench/http.sh (the mock broker holds empty fetches).
KAFKA_FETCH_WAIT_MAX_MS=${KAFKA_FETCH_WAIT_MAX_MS:-10} PORT=$PORT DATA_DIR=$WORK/dist ADMIN_EMAIL=bench@example.com ADMIN_PASSWORD=bench-password-123 DEMO_CATALOG=0 \
  python3 tests/e2e/distributed.py "$BUILD_DIR" --serve >"$WORK/dist.log" 2>&1 & DIST_PID=$!
for _ in $(seq 1 600); do [[ -s $WORK/dist/pids ]] && break; sleep 0.2; done
[[ -s $WORK/dist/pids ]] || { echo "the distributed shape did not start"; tail -20 "$WORK/dist.log"; exit 1; }
head -1 "$WORK/dist.log"
[[ -n ${BENCH_PAUSE:-} ]] && { echo "paused: touch $WORK/go to continue"; while [[ ! -e $WORK/go ]]; do sleep 0.5; done; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
PG_PORT=$(sed -n 's|^SERVER=.*:\([0-9]*\)/.*|\1|p' "$WORK/dist/pg.urls" 2>/dev/null || true)
IDLE=${BENCH_IDLE_S:-5}
python3 bench/proc_cpu.py "$DIST_PID" $PG_PORT > "$WORK/idle0.json"
sleep "$IDLE"
python3 bench/proc_cpu.py "$DIST_PID" $PG_PORT > "$WORK/idle1.json"
echo "--- idle CPU over ${IDLE} s (ms per idle second in the last column)"
python3 bench/proc_cpu.py --diff "$WORK/idle0.json" "$WORK/idle1.json" "$IDLE"
BENCH_PG_PORT=$PG_PORT BENCH_CPU_TREE=$DIST_PID BENCH_SHAPE=distributed python3 bench/checkout.py "http://127.0.0.1:$PORT" "$(cat "$WORK/dist/pids")" "$WORK/checkout.md" \
  | grep -v '^$'
