// replica: reads that may lag, served by a PostgreSQL streaming replica
// (REFERRALHUB_DATABASE_READ_URL), except where the caller must see its
// own write.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
)

// replica is the read pool on a PostgreSQL hot standby.
type replica struct {
	pool *sql.DB
	// replayed is the newest WAL position (as lsnValue) the standby was
	// seen to have replayed: a position at or before it needs no query.
	replayed atomic.Uint64
	// restUntil is when (Unix nanoseconds) the replica, seen down, is
	// tried again; until then its reads go to the primary.
	restUntil atomic.Int64
}

// replicaRest is how long reads avoid a replica that could not be reached.
const replicaRest = 10 * time.Second

// down records that the replica could not be reached just now.
func (r *replica) down() { r.restUntil.Store(time.Now().Add(replicaRest).UnixNano()) }

// resting reports whether the replica was seen down within replicaRest.
func (r *replica) resting() bool { return time.Now().UnixNano() < r.restUntil.Load() }

// OpenReplica points the lagging reads (Replica) at a PostgreSQL streaming
// replica of the database at readURL. Only a PostgreSQL primary takes one.
func (db *DB) OpenReplica(ctx context.Context, readURL string) error {
	if db.dialect.name() != "postgres" {
		return errors.New("a read replica needs PostgreSQL as the database")
	}
	if !strings.HasPrefix(readURL, "postgres://") && !strings.HasPrefix(readURL, "postgresql://") {
		return errors.New("the read replica's url must start with postgres://")
	}
	pool, err := sql.Open("pgx", withConnectTimeout(readURL))
	if err != nil {
		return err
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("ping read replica: %w", outageOf(db.dialect, err))
	}
	db.replica = &replica{pool: pool}
	return nil
}

// HasReplica reports whether lagging reads go to a replica.
func (db *DB) HasReplica() bool { return db.replica != nil }

// wroteKey marks a context with the primary's WAL position after the
// caller's last write (ReadAfter).
type wroteKey struct{}

// ReadAfter returns ctx marked with pos, the primary's position after a
// write of the caller's (WritePosition): Replica then serves ctx from the
// primary until the replica has replayed pos.
func (db *DB) ReadAfter(ctx context.Context, pos string) context.Context {
	return context.WithValue(ctx, wroteKey{}, pos)
}

// Replica returns queries for reads that may lag the last commits by the
// replica's delay (dashboards' figures, leaderboards, analytics): on the
// replica when there is one and it has replayed the write ctx is marked
// with (ReadAfter), and otherwise the same as Read. A replica that cannot
// answer whether it has the write sends the read to the primary, and so
// does one that failed to answer at all (an outage) in the last
// replicaRest: the read that met the outage fails, the next ones do not.
func (db *DB) Replica(ctx context.Context) *Queries {
	if db.replica == nil || db.replica.resting() {
		return db.Read()
	}
	if pos, ok := ctx.Value(wroteKey{}).(string); ok {
		if has, err := db.ReplicaHas(ctx, pos); err != nil || !has {
			return db.Read()
		}
	}
	return &Queries{q: db.replica.pool, d: db.dialect, count: &db.queries, down: db.replica.down}
}

// WritePosition returns the primary's WAL position now, after a commit of
// the caller's: a replica that has replayed it sees that commit. It is ""
// without a replica, when no position is needed.
func (db *DB) WritePosition(ctx context.Context) (string, error) {
	if db.replica == nil {
		return "", nil
	}
	var pos string
	err := db.write.QueryRowContext(ctx, `/* WritePosition */ SELECT pg_current_wal_lsn()::text`).Scan(&pos)
	if err != nil {
		return "", fmt.Errorf("write position: %w", outageOf(db.dialect, err))
	}
	return pos, nil
}

// ReplicaHas reports whether the replica has replayed the primary's WAL
// position pos (from WritePosition), so that a read there sees what was
// committed before it. Without a replica it is true; an invalid pos is an
// error. A replica url that names a primary (no replay) has everything.
func (db *DB) ReplicaHas(ctx context.Context, pos string) (bool, error) {
	if db.replica == nil {
		return true, nil
	}
	want, err := lsnValue(pos)
	if err != nil {
		return false, err
	}
	if db.replica.replayed.Load() >= want {
		return true, nil
	}
	var replayed sql.NullString
	err = db.replica.pool.QueryRowContext(ctx, `/* ReplicaHas */ SELECT pg_last_wal_replay_lsn()::text`).Scan(&replayed)
	if err = outageOf(db.dialect, err); err != nil {
		if referralhub.ErrorCode(err) == referralhub.EUNAVAILABLE {
			db.replica.down()
		}
		return false, fmt.Errorf("replica position: %w", err)
	}
	if !replayed.Valid {
		return true, nil
	}
	got, err := lsnValue(replayed.String)
	if err != nil {
		return false, err
	}
	for old := db.replica.replayed.Load(); got > old && !db.replica.replayed.CompareAndSwap(old, got); {
		old = db.replica.replayed.Load()
	}
	return got >= want, nil
}

// Standby reports whether q runs on a server in recovery: a replica.
func (q *Queries) Standby(ctx context.Context) (bool, error) {
	if q.d.name() != "postgres" {
		return false, nil
	}
	var standby bool
	err := q.queryRow(ctx, `/* Standby */ SELECT pg_is_in_recovery()`).Scan(&standby)
	return standby, err
}

// lsnValue parses a PostgreSQL WAL position ("16/B374D848") into a number
// that orders like it.
func lsnValue(pos string) (uint64, error) {
	hi, lo, ok := strings.Cut(pos, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("not a WAL position: %q", pos)
	}
	return h<<32 | l, nil
}
