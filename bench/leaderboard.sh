#!/usr/bin/env bash
# Leaderboard latency on a demo database (docs/benchmarks.md has the
# figures): the top 50 and "your rank", as the leader (ambassador) and as
# a participant far down, for all time and this week; 8 connections flat
# out with wrk, then a fixed 200 requests/s with hey.
#   bash bench/leaderboard.sh DATABASE_URL [LOW_RANKED_USERNAME]
# The database must hold `referralhub demo --users N`; the low-ranked user
# defaults to one with one or two qualified referrals, found by the script.
set -euo pipefail
db=${1:?usage: $0 DATABASE_URL [LOW_RANKED_USERNAME]}
low=${2:-}
work=${BENCH_DIR:-/tmp/referralhub-bench}
addr=127.0.0.1:${PORT:-8082}
cd "$(dirname "$0")/.."
mkdir -p "$work"
command -v wrk >/dev/null && command -v hey >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk hey; }
go build -o "$work/referralhub" ./cmd/referralhub
go build -o "$work/loadbench" ./bench/loadbench

export REFERRALHUB_DATABASE_URL="$db"
export REFERRALHUB_SECRET_KEY="benchmark secret key, not for production use"
export REFERRALHUB_ADDR=$addr REFERRALHUB_BASE_URL=http://$addr REFERRALHUB_RATE_LIMIT_LOGIN=1000/1s
if [ -z "$low" ]; then
	case "$db" in
	sqlite:*) low=$(sqlite3 "${db#sqlite:}" "SELECT u.username FROM participants p JOIN users u ON u.id = p.user_id WHERE p.qualified_count BETWEEN 1 AND 2 LIMIT 1") ;;
	*) low=$(psql "$db" -tAc "SELECT u.username FROM participants p JOIN users u ON u.id = p.user_id WHERE p.qualified_count BETWEEN 1 AND 2 LIMIT 1") ;;
	esac
fi
"$work/referralhub" serve >"$work/serve-leaderboard.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://$addr/healthz" >/dev/null && break; sleep 0.2; done
echo "== $db, $(nproc) cores, $(go version | cut -d' ' -f3)"
for who in ambassador "$low"; do
	for path in '/leaderboard?period=all' '/leaderboard?period=week'; do
		"$work/loadbench" page -url "http://$addr" -path "$path" -login "$who" -conns 8 -duration "${DURATION:-10s}" -warmup 2s -rate 200
	done
done
echo "serve RSS: $(ps -o rss= -p $pid) KiB"
