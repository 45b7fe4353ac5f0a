#!/usr/bin/env bash
# Demo load (docs/benchmarks.md, "Demo load"): times `referralhub demo`
# into a fresh database and prints its per-phase log, wall time, CPU time
# and peak memory.
#   bash bench/demo.sh sqlite             # a million users into SQLite
#   bash bench/demo.sh postgres           # ...into a new PostgreSQL database
#   USERS=100000 bash bench/demo.sh both
# BIN=path times an existing binary instead of building this tree.
set -euo pipefail
users=${USERS:-1000000}
work=${BENCH_DIR:-/tmp/referralhub-demo-bench}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
engines=${1:-both}
[ "$engines" = both ] && engines="sqlite postgres"
cd "$(dirname "$0")/.."
mkdir -p "$work"
bin=${BIN:-$work/referralhub}
[ -n "${BIN:-}" ] || go build -o "$bin" ./cmd/referralhub
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

for engine in $engines; do
	rm -rf "$work/$engine" && mkdir -p "$work/$engine"
	export REFERRALHUB_DATA_DIR="$work/$engine"
	if [ "$engine" = sqlite ]; then
		export REFERRALHUB_DATABASE_URL="sqlite:$work/$engine/referralhub.db"
	else
		name=referralhub_demo_bench
		psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $name" -qc "CREATE DATABASE $name"
		export REFERRALHUB_DATABASE_URL="$pg/$name?sslmode=disable"
	fi
	echo "== $engine: demo --users $users (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	/usr/bin/time -v "$bin" demo --users "$users" >"$work/$engine.log" 2>&1
	grep -E 'msg="demo: |^created ' "$work/$engine.log" | sed -E 's/^time=[^ ]+ level=INFO //'
	grep -E 'Elapsed \(wall|User time|System time|Maximum resident' "$work/$engine.log" | sed -E 's/^\s+/  /'
	echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
done
