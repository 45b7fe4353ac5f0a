#!/usr/bin/env bash
# The ceiling of one PostgreSQL primary (docs/scaling.md):
#   bash bench/ceiling.sh                      # 100k users, 60 s per path
#   USERS=1000000 CLICKS=10000000 bash bench/ceiling.sh
# It runs bench/scale.sh (two production instances, 64 connections, on the
# same machine as PostgreSQL) once per path, and measures beside it what
# each request costs the primary: the CPU time of the database's own
# backends (read from /proc every half second, for the backends connected
# to the benchmark database only, so other databases on the same server
# do not count; PostgreSQL's background writers, and the analytics
# refresh that the instances' upkeep runs every 5 minutes, are left out
# and the refresh's share printed apart) divided by
# the rows the path added (clicks, events, users), which counts the warm-up
# too, like the CPU. "primary alone" is how many per second two cores
# would do if PostgreSQL had them to itself: 2 / (CPU seconds per row).
# Run it as root (it reads other users' /proc entries).
set -euo pipefail
users=${USERS:-100000}
clicks=${CLICKS:-1000000}
export DURATION=${DURATION:-60s} WARMUP=${WARMUP:-10s}
export USERS=$users CLICKS=$clicks
export BENCH_DIR=${BENCH_DIR:-/tmp/referralhub-ceiling}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
name=${BENCH_DB:-referralhub_ceiling_$users}
export BENCH_DB=$name BENCH_PG=$pg
cd "$(dirname "$0")/.."
db="$pg/$name?sslmode=disable"
hz=$(getconf CLK_TCK)
cores=$(nproc)

# sample FILE: every half second, the CPU ticks of each backend of the
# benchmark database, and whether it is running the analytics refresh
# (its statements are labelled /* Analytics.… */ and /* …TopReferrers… */).
sample() {
	local file=$1
	set +e # a backend may end between the listing and the read
	while :; do
		psql "$pg/postgres" -tA -F' ' -c "SELECT pid, (state = 'active' AND (query LIKE '%/* Analytics.%'
			OR query LIKE '%TopReferrers%'))::int FROM pg_stat_activity WHERE datname = '$name' AND backend_type = 'client backend'" |
			while read -r pid refresh; do
				awk -v pid="$pid" -v r="$refresh" '{ print pid, $14 + $15, r }' "/proc/$pid/stat" 2>/dev/null
			done >>"$file"
		sleep 0.5
	done
}

# ticks FILE prints the ticks the backends used between samples, outside
# the analytics refresh, then those in it: an interval counts as the
# refresh's when either of its samples saw the backend running it.
ticks() {
	awk '{ if ($1 in last) { d = $2 - last[$1]; if ($3 || flag[$1]) r += d; else p += d } last[$1] = $2; flag[$1] = $3 }
		END { print p + 0, r + 0 }' "$1"
}

rows() { psql "$db" -tAc "SELECT (SELECT count(*) FROM clicks), (SELECT count(*) FROM events), (SELECT count(*) FROM users)"; }

echo "| path | requests/s (whole system, $cores cores) | rows added | primary CPU per row | primary alone, $cores cores | load before → after |"
echo "|---|---|---|---|---|---|"
for path in ${CEILING_PATHS:-click event signup dashboard}; do
	# The first run loads the demo data; measure from the second on.
	[[ -f $BENCH_DIR/loaded-$name-$clicks ]] || PATHS= bash bench/scale.sh >/dev/null
	ticks=$(mktemp)
	before=$(rows)
	load0=$(cut -d' ' -f1 /proc/loadavg)
	sample "$ticks" &
	sampler=$!
	out=$(PATHS=$path bash bench/scale.sh 2>&1)
	kill $sampler || true
	wait $sampler 2>/dev/null || true
	after=$(rows)
	load1=$(cut -d' ' -f1 /proc/loadavg)
	rps=$(awk -F'|' -v p="$path" '$2 ~ " "p" " { gsub(/ /, "", $3); print $3 }' <<<"$out")
	read -r used refreshed < <(ticks "$ticks")
	rm -f "$ticks"
	case $path in
	click) col=1 ;; event) col=2 ;; signup) col=3 ;; *) col=0 ;;
	esac
	added=0
	if ((col)); then
		added=$(($(cut -d'|' -f$col <<<"$after") - $(cut -d'|' -f$col <<<"$before")))
	else
		added=$(awk -F'|' -v p="$path" '$2 ~ " "p" " { gsub(/ /, "", $6); print $6 }' <<<"$out") # requests: a read adds no row
	fi
	awk -v path="$path" -v rps="$rps" -v n="$added" -v t="$used" -v r="$refreshed" -v hz="$hz" -v c="$cores" -v l0="$load0" -v l1="$load1" 'BEGIN {
		per = 0; alone = "-"
		if (n > 0) per = t / hz / n
		if (per > 0) alone = sprintf("%.0f/s", c / per)
		printf "| %s | %s | %d | %.3f ms (%d ticks; %d more in the analytics refresh) | %s | %s → %s |\n", path, rps, n, per * 1000, t, r, alone, l0, l1 }'
	grep -E '^instance .*(dropped|pending)' <<<"$out" | sed 's/^/    /' || true
done
echo "commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC')"
