#!/usr/bin/env bash
# A streaming replica of the local test PostgreSQL, for the read pool's
# tests (REFERRALHUB_DATABASE_READ_URL; docs/scaling.md):
#   bash scripts/pg-replica.sh        # prints the replica's URL when it streams
# It is idempotent: a replica already streaming is left alone, a stopped
# one is started, a broken one (say its primary recycled the WAL it needed
# while it was down) is made again. It needs root (it runs PostgreSQL's
# tools as the postgres user) and the primary reachable with trust auth,
# as .ci/run's postgres step leaves it or as it already ran.
#
# On the primary it makes sure of what streaming needs, changing only what
# is missing: wal_level replica or logical (a restart, only if it was
# minimal), max_wal_senders above 0, and a pg_hba.conf line trusting
# replication connections from 127.0.0.1 (a reload). The replica is a
# second cluster made by pg_basebackup -R in $REPLICA_DIR, listening on
# 127.0.0.1:$REPLICA_PORT, hot standby, trust auth on loopback.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/postgresql/referralhub-replica-$REPLICA_PORT}
DB=${REPLICA_DB:-referralhub_test}

log() { printf '    replica: %s\n' "$*" >&2; }
die() { printf '!!! replica: %s\n' "$*" >&2; exit 1; }
primary() { psql -w -X -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -tAc "$1"; }
replica() { psql -w -X -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -tAc "$1" 2>/dev/null; }
as_postgres() { runuser -u postgres -- "$@"; }

primary 'SELECT 1' >/dev/null || die "the primary does not answer on $PRIMARY_HOST:$PRIMARY_PORT (bash .ci/run postgres)"
version=$(primary "SELECT current_setting('server_version_num')::int / 10000")
bin=/usr/lib/postgresql/$version/bin
[[ -x $bin/pg_ctl ]] || die "no $bin/pg_ctl for the primary's version $version"

streaming() {
	[[ $(replica 'SELECT pg_is_in_recovery()') == t ]] &&
		[[ $(replica "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == 1 ]]
}

# ensure_primary makes the primary able to stream to a replica.
ensure_primary() {
	if [[ $(primary 'SHOW wal_level') == minimal ]]; then
		log "wal_level is minimal on the primary: setting replica and restarting it"
		primary "ALTER SYSTEM SET wal_level = replica" >/dev/null
		primary "ALTER SYSTEM SET max_wal_senders = 10" >/dev/null
		local data
		data=$(primary 'SHOW data_directory')
		if command -v pg_ctlcluster >/dev/null && pg_lsclusters -h | awk -v p="$PRIMARY_PORT" '$3 == p' | grep -q .; then
			local cluster
			cluster=$(pg_lsclusters -h | awk -v p="$PRIMARY_PORT" '$3 == p { print $1 " " $2 }')
			# shellcheck disable=SC2086
			pg_ctlcluster --skip-systemctl-redirect $cluster restart
		else
			as_postgres "$bin/pg_ctl" -D "$data" -w restart >/dev/null
		fi
	fi
	if [[ $(primary 'SHOW max_wal_senders') == 0 ]]; then
		die "max_wal_senders is 0 on the primary; set it above 0 and restart it"
	fi
	local rules
	rules=$(primary "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND 'replication' = ANY(database)
		AND address = '127.0.0.1' AND auth_method = 'trust' AND error IS NULL")
	if [[ $rules == 0 ]]; then
		local hba
		hba=$(primary 'SHOW hba_file')
		log "trusting replication from 127.0.0.1 at the top of $hba"
		{
			echo "# added by scripts/pg-replica.sh: the test replica streams over loopback"
			echo "host replication all 127.0.0.1/32 trust"
			cat "$hba"
		} >"$hba.replica-new"
		chown --reference="$hba" "$hba.replica-new"
		chmod --reference="$hba" "$hba.replica-new"
		mv "$hba.replica-new" "$hba"
		primary 'SELECT pg_reload_conf()' >/dev/null
	fi
}

# make_replica copies the primary into REPLICA_DIR as a standby.
make_replica() {
	log "making the replica in $REPLICA_DIR with pg_basebackup -R"
	if [[ -f $REPLICA_DIR/postmaster.pid ]]; then
		as_postgres "$bin/pg_ctl" -D "$REPLICA_DIR" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$REPLICA_DIR"
	install -d -o postgres -g postgres -m 0700 "$REPLICA_DIR"
	as_postgres "$bin/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$REPLICA_DIR" -R -X stream -c fast
	# Debian keeps a cluster's configuration in /etc; the copy may have none.
	# A hot standby needs these at least as high as its primary's.
	local limits=""
	for s in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
		limits+="$s = $(primary "SHOW $s")"$'\n'
	done
	cat >"$REPLICA_DIR/postgresql.conf" <<EOF
# The test replica of scripts/pg-replica.sh.
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
unix_socket_directories = '$REPLICA_DIR'
hba_file = '$REPLICA_DIR/pg_hba.conf'
ident_file = '$REPLICA_DIR/pg_ident.conf'
hot_standby = on
shared_buffers = 32MB
$limits
EOF
	printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$REPLICA_DIR/pg_hba.conf"
	: >"$REPLICA_DIR/pg_ident.conf"
	rm -f "$REPLICA_DIR/postmaster.pid" "$REPLICA_DIR/postmaster.opts"
	chown postgres:postgres "$REPLICA_DIR/postgresql.conf" "$REPLICA_DIR/pg_hba.conf" "$REPLICA_DIR/pg_ident.conf"
}

start_replica() {
	as_postgres "$bin/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/replica.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$REPLICA_DIR/replica.log" >&2 || true; return 1; }
}

wait_streaming() {
	local i
	for ((i = 0; i < 30; i++)); do
		streaming && return 0
		sleep 1
	done
	return 1
}

if ! streaming; then
	ensure_primary
	if [[ -f $REPLICA_DIR/standby.signal ]]; then
		if ! replica 'SELECT 1' >/dev/null; then
			log "starting the replica in $REPLICA_DIR"
			start_replica || true
		fi
		wait_streaming || { log "the replica does not stream: making it again"; make_replica; start_replica; }
	else
		make_replica
		start_replica
	fi
	wait_streaming || die "the replica on 127.0.0.1:$REPLICA_PORT does not stream (see $REPLICA_DIR/replica.log)"
fi
log "streaming from $PRIMARY_HOST:$PRIMARY_PORT on 127.0.0.1:$REPLICA_PORT"
echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB?sslmode=disable"
