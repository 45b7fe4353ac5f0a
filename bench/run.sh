#!/usr/bin/env bash
# Load benchmark of the hot paths (docs/benchmarks.md has the figures):
#   bash bench/run.sh sqlite|postgres
# It builds the binary, loads `demo --users $USERS` once per engine, starts
# `referralhub serve` and the bare baseline handler as separate processes,
# and measures GET /r/{code} (64 connections) against the baseline, then the
# dashboard of the user with 10,000 referrals (16 connections), with wrk
# (closed loop: latency at saturation), then each again at a fixed rate with
# hey (open loop: latency at a load the server keeps up with).
set -euo pipefail
engine=${1:-sqlite}
users=${USERS:-100000}
duration=${DURATION:-15s}
work=${BENCH_DIR:-/tmp/referralhub-bench}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
cd "$(dirname "$0")/.."
mkdir -p "$work"
command -v wrk >/dev/null && command -v hey >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk hey; }

go build -o "$work/referralhub" ./cmd/referralhub
go build -o "$work/loadbench" ./bench/loadbench

case "$engine" in
sqlite) db="sqlite:$work/sqlite-$users/referralhub.db" ;;
postgres)
	name="referralhub_bench_$users"
	db="$pg/$name?sslmode=disable"
	psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
		psql "$pg/postgres" -qc "CREATE DATABASE $name"
	;;
*) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

export REFERRALHUB_DATABASE_URL="$db"
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
export REFERRALHUB_ADDR=127.0.0.1:8080 REFERRALHUB_BASE_URL=http://127.0.0.1:8080
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
"$work/loadbench" bare -addr 127.0.0.1:8099 -database-url "$db" >"$work/bare.log" 2>&1 &
bare_pid=$!
trap 'kill $serve_pid $bare_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	curl -fs http://127.0.0.1:8080/healthz >/dev/null && curl -s -o /dev/null http://127.0.0.1:8099/r/x && break
	sleep 0.2
done

echo "== $engine, $users demo users, $(nproc) cores, $(go version | cut -d' ' -f3)"
"$work/loadbench" click -duration "$duration" -conns 64 -database-url "$db" -rate "${CLICK_RATE:-2000}"
"$work/loadbench" dashboard -duration "$duration" -conns 16 -rate "${DASHBOARD_RATE:-400}"
echo "serve RSS: $(ps -o rss= -p $serve_pid) KiB"
