#!/usr/bin/env bash
# Latency of heavy read pages (docs/benchmarks.md has the figures), one
# request at a time, on a large demo database:
#   bash bench/pages.sh sqlite|postgres
# It builds the binary, loads `demo --users $USERS` once (1,000,000 by
# default; a few minutes), starts `referralhub serve`, signs in an admin,
# waits for the first analytics refresh, then requests each page of the
# list below ROUNDS times after one warm-up request, and prints min, median,
# p95 and max of curl's total time.
#
# Environment: USERS, ROUNDS (20), BENCH_DIR (/tmp/referralhub-bench),
# BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_DB (a database URL to
# use instead of the default one for the engine; it must hold the demo).
set -euo pipefail
engine=${1:-sqlite}
users=${USERS:-1000000}
rounds=${ROUNDS:-20}
work=${BENCH_DIR:-/tmp/referralhub-bench}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
addr=127.0.0.1:${PORT:-8081}
cd "$(dirname "$0")/.."

# The pages measured: a name, then a path, then how to authenticate
# (session: the signed-in admin's cookie; key: a read API key). Add a line
# to measure another page.
pages=(
	"analytics-90-days /admin/analytics?days=90 session"
	"analytics-30-days /admin/analytics?days=30 session"
	"analytics-7-days /admin/analytics?days=7 session"
	"analytics-other-90-days /admin/analytics?from=$(date -u -d '90 days ago' +%F)&to=$(date -u -d yesterday +%F) session"
	"analytics-csv-growth /admin/analytics/export/growth?days=90 session"
	"api-stats-90-days /api/v1/stats?interval=day&from=$(date -u -d '89 days ago' +%F) key"
	"api-stats-1-day /api/v1/stats?from=$(date -u +%F) key"
)

mkdir -p "$work"
go build -o "$work/referralhub" ./cmd/referralhub
case "$engine" in
sqlite) db=${BENCH_DB:-"sqlite:$work/sqlite-$users/referralhub.db"} ;;
postgres)
	name="referralhub_bench_$users"
	db=${BENCH_DB:-"$pg/$name?sslmode=disable"}
	if [ -z "${BENCH_DB:-}" ]; then
		psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
			psql "$pg/postgres" -qc "CREATE DATABASE $name"
	fi
	;;
*) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export REFERRALHUB_DATABASE_URL="$db"
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
export REFERRALHUB_ADDR=$addr REFERRALHUB_BASE_URL=http://$addr

rh=("$work/referralhub")
if [ -z "${BENCH_DB:-}" ] && [ ! -f "$work/loaded-$engine-$users" ]; then
	echo "loading demo data: $users users on $engine"
	"${rh[@]}" demo --users "$users"
	touch "$work/loaded-$engine-$users"
fi
# The admin is made by the first run; later runs find it taken.
"${rh[@]}" user create --email bench-admin@example.com --username bench_admin \
	--password-file <(printf 'bench-admin-password') --admin >/dev/null 2>&1 || true
key=$("${rh[@]}" api-key create --name "bench $(date +%s)" --scope read 2>/dev/null)

log="$work/serve-pages-$engine.log"
"${rh[@]}" serve >"$log" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 200); do curl -fs "http://$addr/healthz" >/dev/null && break; sleep 0.2; done
# serve queues a refresh at start, unless one ran in this 5-minute slot.
for _ in $(seq 150); do grep -q 'analytics refreshed' "$log" && break; sleep 0.2; done
echo "== $engine, $users demo users, $(nproc) cores, $(go version | cut -d' ' -f3)"
grep -o 'msg="analytics refreshed".*' "$log" | head -1 | sed 's/^/refresh on start: /' || true

jar="$work/cookies-$engine.txt"
curl -fs -c "$jar" -o /dev/null -d login=bench_admin -d password=bench-admin-password "http://$addr/login"

# measure NAME PATH AUTH: one warm-up, then $rounds timed requests.
measure() {
	local auth=(-b "$jar")
	[ "$3" = key ] && auth=(-H "Authorization: Bearer $key")
	local url="http://$addr$2"
	curl -fs -o /dev/null "${auth[@]}" "$url" || { echo "$1: request failed" >&2; return 1; }
	for _ in $(seq "$rounds"); do
		curl -fs -o /dev/null -w '%{time_total}\n' "${auth[@]}" "$url"
	done | sort -n | awk -v name="$1" '{ t[NR] = $1 * 1000 } END {
		printf "%-24s n=%d  min %6.1f ms  median %6.1f ms  p95 %6.1f ms  max %6.1f ms\n",
			name, NR, t[1], t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], t[NR] }'
}
for page in "${pages[@]}"; do
	read -r name path auth <<<"$page"
	measure "$name" "$path" "$auth"
done
