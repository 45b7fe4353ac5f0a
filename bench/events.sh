#!/usr/bin/env bash
# One instance under the dashboard and the API's events (docs/benchmarks.md,
# "Dashboard and events (issue 19)"):
#   bash bench/events.sh sqlite|postgres
# It builds the binary, loads `demo --users $USERS` once per engine, starts
# `referralhub serve` on $PORT, makes a write API key, then measures with wrk
# at 16 connections: GET / as the user with 10,000 referrals (the session
# cookie of one login), and POST /api/v1/events, a purchase of a random
# participant with its own idempotency_key each time (loadbench scale's
# "event" path on one instance). PATHS picks the paths (default both).
set -euo pipefail
engine=${1:-sqlite}
users=${USERS:-100000}
duration=${DURATION:-15s}
port=${PORT:-8090}
conns=${CONNS:-16}
paths=${PATHS:-dashboard,event}
work=${BENCH_DIR:-/tmp/referralhub-bench}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
cd "$(dirname "$0")/.."
mkdir -p "$work"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

go build -o "$work/referralhub" ./cmd/referralhub
go build -o "$work/loadbench" ./bench/loadbench

case "$engine" in
sqlite) db="sqlite:$work/sqlite-$users/referralhub.db" ;;
postgres)
	name=${BENCH_PG_DB:-referralhub_bench_$users}
	db="$pg/$name?sslmode=disable"
	psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
		psql "$pg/postgres" -qc "CREATE DATABASE $name"
	;;
*) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

export REFERRALHUB_DATABASE_URL="$db"
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
export REFERRALHUB_ADDR=127.0.0.1:$port REFERRALHUB_BASE_URL=http://127.0.0.1:$port
# Every request comes from 127.0.0.1 and one API key: limits that never
# deny keep their checks in the measurement without answering 429.
export REFERRALHUB_RATE_LIMIT_API=1000000/1s
marker="$work/loaded-$engine-$users"
if [ ! -f "$marker" ]; then
	echo "loading demo data: $users users on $engine"
	"$work/referralhub" demo --users "$users"
	touch "$marker"
fi
"$work/referralhub" migrate >/dev/null
key=$("$work/referralhub" api-key create --name "events bench $(date +%s)" --scope write 2>/dev/null)

"$work/referralhub" serve >"$work/serve-$engine-$port.log" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
	sleep 0.2
done
# The server refreshes the analytics once it starts (when no other run took
# this 5-minute slot): wait for that, so its queries are not measured.
for _ in $(seq 150); do
	grep -q 'analytics refresh' "$work/serve-$engine-$port.log" && break
	sleep 0.2
done

echo "== $engine, $users demo users, $(nproc) cores, $(go version | cut -d' ' -f3), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/loadbench" scale -urls "http://127.0.0.1:$port" -pids "$serve_pid" -database-url "$db" \
	-api-key "$key" -paths "$paths" -conns "$conns" -threads 2 -duration "$duration" -warmup "${WARMUP:-5s}"
echo "serve RSS: $(ps -o rss= -p $serve_pid) KiB; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
