#!/usr/bin/env bash
# The click at bare speed (issue 19; docs/benchmarks.md has the figures):
#   bash bench/click.sh sqlite|postgres
# It builds the binary, loads `demo --users $USERS` once per engine, starts
# `referralhub serve` (metrics on their own port) and the bare baseline
# handler as separate processes, then measures
#   1. GET /r/{code} (64 connections, 10,000 random codes) against the bare
#      302-from-a-map handler, in turn, $ROUNDS rounds of $DURATION: the
#      ratio of requests/s and both p99s (loadbench click);
#   2. $SUSTAIN of clicks at full speed, then the drain: clicks answered,
#      stored and dropped, the most pending at once (loadbench sustain).
# Ports default to ones bench/run.sh does not use, so both can run.
set -euo pipefail
engine=${1:-sqlite}
users=${USERS:-100000}
duration=${DURATION:-15s}
rounds=${ROUNDS:-3}
sustain=${SUSTAIN:-60s}
work=${BENCH_DIR:-/tmp/referralhub-click-bench}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
port=${PORT:-8180} bare_port=${BARE_PORT:-8199} metrics_port=${METRICS_PORT:-9190}
cd "$(dirname "$0")/.."
mkdir -p "$work"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

go build -o "$work/referralhub" ./cmd/referralhub
go build -o "$work/loadbench" ./bench/loadbench

case "$engine" in
sqlite) mkdir -p "$work/sqlite" && db="sqlite:$work/sqlite/referralhub.db" ;;
postgres)
	name=${BENCH_PG_DB:-referralhub_click_bench_$users}
	db="$pg/$name?sslmode=disable"
	psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
		psql "$pg/postgres" -qc "CREATE DATABASE $name"
	;;
*) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

export REFERRALHUB_DATABASE_URL="$db" REFERRALHUB_DATA_DIR="$work/data-$engine"
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
export REFERRALHUB_ADDR=127.0.0.1:$port REFERRALHUB_BASE_URL=http://127.0.0.1:$port
export REFERRALHUB_METRICS_ADDR=127.0.0.1:$metrics_port
# wrk sends every click from 127.0.0.1: a limit that never denies keeps the
# per-IP limiter's cost in the measurement without answering 429.
export REFERRALHUB_RATE_LIMIT_CLICK=${RATE_LIMIT_CLICK:-1000000/1s}
marker="$work/loaded-$engine-$users"
if [ ! -f "$marker" ]; then
	echo "loading demo data: $users users on $engine"
	"$work/referralhub" demo --users "$users"
	touch "$marker"
fi

"$work/referralhub" serve >"$work/serve-$engine.log" 2>&1 &
serve_pid=$!
"$work/loadbench" bare -addr "127.0.0.1:$bare_port" -database-url "$db" >"$work/bare.log" 2>&1 &
bare_pid=$!
trap 'kill $serve_pid $bare_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && curl -s -o /dev/null "http://127.0.0.1:$bare_port/r/x" && break
	sleep 0.2
done

echo "== $engine, $users demo users, $(nproc) cores, $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/loadbench" click -url "http://127.0.0.1:$port" -bare-url "http://127.0.0.1:$bare_port" -database-url "$db" \
	-pid $serve_pid -bare-pid $bare_pid -duration "$duration" -rounds "$rounds" -conns 64 -codes 10000
"$work/loadbench" sustain -url "http://127.0.0.1:$port" -metrics-url "http://127.0.0.1:$metrics_port/metrics" \
	-database-url "$db" -pid $serve_pid -duration "$sustain" -conns 64 -codes 10000 -warmup 0
echo "serve RSS: $(ps -o rss= -p $serve_pid) KiB; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
