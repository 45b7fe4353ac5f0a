#!/usr/bin/env bash
# Load at scale (docs/benchmarks.md, "Load at scale: two instances, a
# million users, 10 million clicks"):
#   bash bench/scale.sh            # the four paths, 5 minutes each
#   SOAK=30m bash bench/scale.sh   # then the soak
# It loads `demo --users $USERS --clicks $CLICKS` into PostgreSQL once
# (about 15 minutes for a million users and 10 million clicks), starts two
# production `serve` instances on one database and Redis, and runs
# `loadbench scale` with 64 connections shared between them: the click,
# the dashboard, argon2id signups and API events in turn. Each row has the
# throughput, p50, p99, each instance's memory and the database's growth.
# Each instance serves /metrics and heap profiles on its port + 1000.
set -euo pipefail
users=${USERS:-1000000}
clicks=${CLICKS:-10000000}
duration=${DURATION:-5m}
warmup=${WARMUP:-30s}
work=${BENCH_DIR:-/tmp/referralhub-scale}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
name=${BENCH_DB:-referralhub_scale_$users}
cd "$(dirname "$0")/.."
mkdir -p "$work"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
redis-cli -h 127.0.0.1 ping >/dev/null

go build -o "$work/referralhub" ./cmd/referralhub
go build -o "$work/loadbench" ./bench/loadbench

db="$pg/$name?sslmode=disable"
export REFERRALHUB_DATABASE_URL="$db"
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
if ! psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1; then
	psql "$pg/postgres" -qc "CREATE DATABASE $name"
fi
marker="$work/loaded-$name-$clicks"
if [ ! -f "$marker" ]; then
	echo "loading demo data: $users users and $clicks clicks"
	"$work/referralhub" demo --users "$users" --clicks "$clicks"
	psql "$db" -qc "VACUUM ANALYZE"
	touch "$marker"
fi
key=$("$work/referralhub" api-key create --name "scale $(date +%s)" --scope write 2>/dev/null)

# Production mode, as deployed: JSON logs, no automatic migration, Redis
# for the shared rate limits, on plain http:// URLs (allowed explicitly:
# there is no TLS on 127.0.0.1). wrk sends everything from 127.0.0.1, so the
# per-IP limits are lifted to a level that never denies but is still
# checked; signups are not limited at all.
export REFERRALHUB_ENV=production REFERRALHUB_REDIS_URL=redis://127.0.0.1:6379/0 REFERRALHUB_ALLOW_HTTP_BASE_URL=true
export REFERRALHUB_RATE_LIMIT_CLICK=1000000/1s REFERRALHUB_RATE_LIMIT_API=1000000/1s
export REFERRALHUB_RATE_LIMIT_LOGIN=1000000/1s REFERRALHUB_RATE_LIMIT_SIGNUP=off
pids=()
for port in 8081 8082; do
	REFERRALHUB_ADDR=127.0.0.1:$port REFERRALHUB_BASE_URL=http://127.0.0.1:$port \
		REFERRALHUB_METRICS_ADDR=127.0.0.1:$((port + 1000)) \
		"$work/referralhub" serve >"$work/serve-$port.log" 2>&1 &
	pids+=($!)
done
trap 'kill ${pids[*]} 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for port in 8081 8082; do
	for _ in $(seq 150); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
done

echo "== $users users, $clicks clicks on PostgreSQL; $(nproc) cores; $(go version | cut -d' ' -f3)"
common=(-urls http://127.0.0.1:8081,http://127.0.0.1:8082 -pids "${pids[0]},${pids[1]}" -database-url "$db"
	-api-key "$key" -conns 64 -threads 2 -codes 50000)
paths=${PATHS-click,dashboard,signup,event} # PATHS= (empty) runs only the soak
if [ -n "$paths" ]; then
	"$work/loadbench" scale "${common[@]}" -duration "$duration" -warmup "$warmup" -paths "$paths"
fi
# The click buffers' own counters: pending or dropped clicks mean the flush
# did not keep up with the rate above (docs/scaling.md).
for port in 8081 8082; do
	curl -fs "http://127.0.0.1:$((port + 1000))/metrics" | grep -E '^referralhub_clicks_(buffered|flushed|dropped)_total|^referralhub_clicks_pending' |
		sed "s/^/instance $port: /" || true
done
if [ -n "${SOAK:-}" ]; then
	"$work/loadbench" soak "${common[@]}" -duration "$SOAK" -every "${EVERY:-60s}"
fi
