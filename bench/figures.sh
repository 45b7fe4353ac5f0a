#!/usr/bin/env bash
# Program figures at scale (docs/benchmarks.md, "Program figures at a
# million users (issue 19)"): for each size and engine, loads
# `referralhub demo --users N` into a fresh database, starts `serve`,
# and measures with hey the latency of every program-wide figure:
# GET /api/v1/stats (totals and the last 30 days), GET /api/v1/stats for
# one day, and the admin overview (GET /admin, the user list and its
# total), REQUESTS requests at CONNS connections each after a warm-up.
#   bash bench/figures.sh                     # 100,000 and 1,000,000 users, both engines
#   SIZES=100000 bash bench/figures.sh sqlite
# KEEP=1 measures a database an earlier run loaded instead of loading it
# again. Environment: SIZES, REQUESTS (400), CONNS (4), BENCH_DIR
# (/tmp/referralhub-bench-figures), BENCH_PG (postgres://postgres@127.0.0.1:5432).
set -euo pipefail
sizes=${SIZES:-100000 1000000}
requests=${REQUESTS:-400}
conns=${CONNS:-4}
work=${BENCH_DIR:-/tmp/referralhub-bench-figures}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
addr=127.0.0.1:${PORT:-8083}
engines=${*:-sqlite postgres}
cd "$(dirname "$0")/.."
mkdir -p "$work"
command -v hey >/dev/null || { apt-get update -qq && apt-get install -y -qq hey; }
go build -o "$work/referralhub" ./cmd/referralhub
rh=("$work/referralhub")
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
export REFERRALHUB_ADDR=$addr REFERRALHUB_BASE_URL=http://$addr REFERRALHUB_RATE_LIMIT_API=1000000/1m

# measure NAME PATH HEADER: hey's requests/s, median and p99.
measure() {
	curl -fs -o /dev/null -H "$3" "http://$addr$2" || { echo "$1: request failed" >&2; return 1; }
	hey -n 20 -c 1 -H "$3" "http://$addr$2" >/dev/null
	hey -n "$requests" -c "$conns" -H "$3" "http://$addr$2" >"$work/hey.txt"
	awk -v name="$1" '/Requests\/sec/ {rps = $2} /50% in/ {p50 = $3 * 1000} /99% in/ {p99 = $3 * 1000}
		/\[200\]/ {ok = $2} END {printf "%-16s %6.0f req/s  median %6.1f ms  p99 %6.1f ms  (%d x 200)\n", name, rps, p50, p99, ok}' "$work/hey.txt"
}

# sqltimes: the statements the program totals took before issue 19 (the
# totals, the reward counts, the outstanding balances, the admin's user
# count) against the one that reads the counters now, 5 times each in one
# session, timed by psql or sqlite3 (mean ms); no HTTP, no Go, so a busy
# machine weighs on both sides alike.
old_sql="SELECT (SELECT count(*) FROM participants WHERE deleted_at IS NULL), (SELECT count(*) FROM referrals), (SELECT COALESCE(SUM(click_count), 0) FROM participants);
SELECT status, kind, count(*) FROM rewards WHERE entry = 'reward' GROUP BY status, kind ORDER BY status, kind;
SELECT kind, currency, COALESCE(SUM(available), 0), COALESCE(SUM(pending), 0) FROM balances WHERE kind IN ('points', 'credit') GROUP BY kind, currency ORDER BY kind, currency;
SELECT count(*) FROM users u WHERE (u.email_key LIKE '%%' ESCAPE '\\' OR lower(u.username) LIKE '%%' ESCAPE '\\');"
new_sql="SELECT name, CAST(SUM(n) AS BIGINT) FROM program_counts GROUP BY name HAVING SUM(n) <> 0;"
sqltimes() {
	local report='{t[n%5] += $0 * scale; n++} END {printf "SQL, mean of 5 (ms): before: totals %.1f, reward counts %.1f, balances %.1f, user count %.1f; now: counters %.2f\n", t[0]/5, t[1]/5, t[2]/5, t[3]/5, t[4]/5}'
	if [ "$1" = sqlite ]; then
		(echo '.timer on'; for _ in 1 2 3 4 5; do echo "$old_sql"; echo "$new_sql"; done) | sqlite3 "${REFERRALHUB_DATABASE_URL#sqlite:}" |
			awk '/Run Time/ {print $4}' | awk -v scale=1000 "$report"
	else
		(echo '\timing on'; for _ in 1 2 3 4 5; do echo "$old_sql"; echo "$new_sql"; done) | psql -qAt "$REFERRALHUB_DATABASE_URL" |
			awk '/^Time/ {print $2}' | awk -v scale=1 "$report"
	fi
}

for users in $sizes; do
	for engine in $engines; do
		loaded=kept
		if [ "$engine" = sqlite ]; then
			export REFERRALHUB_DATA_DIR="$work/sqlite-$users" REFERRALHUB_DATABASE_URL="sqlite:$work/sqlite-$users/referralhub.db"
		else
			name=referralhub_figures_$users
			export REFERRALHUB_DATA_DIR="$work/pg-$users" REFERRALHUB_DATABASE_URL="$pg/$name?sslmode=disable"
		fi
		if [ -z "${KEEP:-}" ] || [ ! -f "$work/loaded-$engine-$users" ]; then
			rm -rf "$REFERRALHUB_DATA_DIR" "$work/loaded-$engine-$users" && mkdir -p "$REFERRALHUB_DATA_DIR"
			[ "$engine" = sqlite ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $name" -qc "CREATE DATABASE $name"
			began=$(date +%s)
			"${rh[@]}" demo --users "$users" >"$work/demo-$engine-$users.log" 2>&1
			loaded="$(($(date +%s) - began))s"
			touch "$work/loaded-$engine-$users"
		fi
		"${rh[@]}" user create --email bench-admin@example.com --username bench_admin \
			--password-file <(printf 'bench-admin-password') --admin >/dev/null 2>&1 || true
		key=$("${rh[@]}" api-key create --name "bench $(date +%s)" --scope read 2>/dev/null)
		"${rh[@]}" serve >"$work/serve-$engine-$users.log" 2>&1 &
		pid=$!
		trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
		for _ in $(seq 200); do curl -fs "http://$addr/healthz" >/dev/null && break; sleep 0.2; done
		for _ in $(seq 300); do grep -q 'analytics refresh' "$work/serve-$engine-$users.log" && break; sleep 0.2; done
		jar="$work/cookies.txt"
		rm -f "$jar"
		curl -fs -c "$jar" -o /dev/null -d login=bench_admin -d password=bench-admin-password "http://$addr/login"
		cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}')
		echo "== $engine, $users demo users (demo load: $loaded), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
		measure "api-stats" "/api/v1/stats" "Authorization: Bearer $key"
		measure "api-stats-1-day" "/api/v1/stats?from=$(date -u +%F)" "Authorization: Bearer $key"
		measure "admin-overview" "/admin" "Cookie: $cookie"
		sqltimes "$engine"
		grep -o 'msg="analytics refreshed".*' "$work/serve-$engine-$users.log" | head -1 | sed 's/^/   refresh after start: /' ||
			echo "   no refresh after start (another run took this 5-minute slot): the preset figures were summed, not read; run again in 5 minutes"
		kill $pid && wait $pid 2>/dev/null || true
		trap - EXIT
	done
done
