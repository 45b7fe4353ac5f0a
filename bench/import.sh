#!/usr/bin/env bash
# Bulk import speed (docs/benchmarks.md has the figures): makes a CSV of
# ROWS participants (default 1,000,000; every tenth referred by another
# row, by external id or by code, half of them by a row further down the
# file; every fifth row brings its own code), then, on a fresh SQLite
# database and a fresh PostgreSQL database, imports it under
# /usr/bin/time -v (wall time, peak RSS), imports it again (nothing
# changes) and exports it.
#   bash bench/import.sh [sqlite] [postgres]
# ROWS, BENCH_DIR and BENCH_PG (the PostgreSQL server) change its defaults.
set -euo pipefail
rows=${ROWS:-1000000}
work=${BENCH_DIR:-/tmp/referralhub-bench-import}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
engines=${*:-sqlite postgres}
cd "$(dirname "$0")/.."
mkdir -p "$work"
go build -o "$work/referralhub" ./cmd/referralhub
csv="$work/participants-$rows.csv"
if [ ! -s "$csv" ]; then
	awk -v n="$rows" 'BEGIN {
		print "external_id,email,name,plan,code,referred_by,referred_at,created_at"
		for (i = 1; i <= n; i++) {
			code = (i % 5 == 0) ? sprintf("c%07d", i) : ""
			plan = (i % 10 == 7) ? "paid" : "free"
			ref = ""; at = ""
			if (i % 10 == 3) {
				m = (i * 7919) % n + 1
				if (m % 10 == 3) m++
				if (m > n) m = 1
				ref = (m % 5 == 0) ? sprintf("c%07d", m) : "user_" m
				at = "2024-03-01T10:00:00Z"
			}
			printf "user_%d,user%d@example.com,User %d,%s,%s,%s,%s,2024-01-01T00:00:00Z\n", i, i, i, plan, code, ref, at
		}
	}' >"$csv"
fi
echo "== $rows rows ($(du -h "$csv" | cut -f1)), $(nproc) cores, $(go version | cut -d' ' -f3)"
timed() { # label, command...: prints the wall time and the peak RSS
	local label=$1 load
	shift
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	/usr/bin/time -v "$@" >"$work/out.txt" 2>"$work/time.txt" || { cat "$work/time.txt" >&2; exit 1; }
	printf '%-26s %s wall, %s s CPU, peak RSS %s MB  %s\n' "$label" \
		"$(grep 'Elapsed (wall' "$work/time.txt" | awk '{print $NF}')" \
		"$(awk '/User time|System time/ {s += $NF} END {printf "%.0f", s}' "$work/time.txt")" \
		"$(grep 'Maximum resident' "$work/time.txt" | awk '{printf "%d", $NF/1024}')" \
		"$(head -1 "$work/out.txt" | sed 's/^[^:]*: //')"
	grep 'msg="import: ' "$work/time.txt" | sed 's/.*msg="import: \([^"]*\)" elapsed=/    \1: /' || true
	echo "    load average before: $load"
}
for engine in $engines; do
	case $engine in
	sqlite)
		rm -rf "$work/sqlite"
		mkdir -p "$work/sqlite"
		db="sqlite:$work/sqlite/referralhub.db"
		;;
	postgres)
		psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS referralhub_import_bench" -qc "CREATE DATABASE referralhub_import_bench"
		db="$pg/referralhub_import_bench?sslmode=disable"
		;;
	*) echo "unknown engine $engine" >&2; exit 2 ;;
	esac
	export REFERRALHUB_DATABASE_URL="$db" REFERRALHUB_DATA_DIR="$work/data"
	"$work/referralhub" migrate >/dev/null
	echo "-- $engine"
	timed "import (empty database)" "$work/referralhub" import participants "$csv"
	timed "import again (no change)" "$work/referralhub" import participants "$csv"
	timed "export" "$work/referralhub" export participants "$work/export-$engine.csv"
done
