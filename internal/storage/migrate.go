package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
	// autoincrement lists the tables the migration rebuilds on SQLite so
	// their ids are never reused (see rebuild.go), from its
	// "-- sqlite-autoincrement: TABLE ..." lines; PostgreSQL's identity
	// columns never reuse an id, so it ignores them.
	autoincrement []string
}

// migrations returns the embedded migrations in order, with the dialect's
// macros filled in.
func (db *DB) migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		text := string(body)
		for k, v := range db.dialect.macros() {
			text = strings.ReplaceAll(text, "{{"+k+"}}", v)
		}
		if !forEngine(text, db.dialect.name()) {
			text = "" // recorded as applied, with nothing to run
		}
		out = append(out, migration{version: version, name: base, sql: text, autoincrement: autoincrementTables(text)})
	}
	return out, nil
}

// Migrate applies every migration not yet recorded, each in its own
// transaction. It is safe to run from several instances at once.
func (db *DB) Migrate(ctx context.Context, now time.Time) (applied []string, err error) {
	return db.migrateTo(ctx, now, -1)
}

// migrateTo is Migrate up to version last, or every migration when last
// is negative.
func (db *DB) migrateTo(ctx context.Context, now time.Time, last int) (applied []string, err error) {
	all, err := db.migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.Write().exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	if err := db.checkNotAhead(ctx, all); err != nil {
		return nil, err
	}
	for _, m := range all {
		if last >= 0 && m.version > last {
			break
		}
		done, err := db.applyMigration(ctx, m, now)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, m migration, now time.Time) (bool, error) {
	if len(m.autoincrement) > 0 && db.dialect.name() == "sqlite" {
		return db.applyRebuild(ctx, m, now)
	}
	return db.applyIn(ctx, db.write.BeginTx, m, now, afterMigration(ctx, m.version))
}

// ledgerChainVersion is the migration that brought the ledger's hash chain.
const ledgerChainVersion = 31

// programCountsVersion is the migration that brought the program counts.
const programCountsVersion = 33

// afterMigration is the Go work a migration needs in its own transaction,
// after its SQL, or nil: migration 0031 chains the ledger entries written
// before it, and 0033 counts the rows already there.
func afterMigration(ctx context.Context, version int) func(*Queries) error {
	switch version {
	case ledgerChainVersion:
		return func(q *Queries) error {
			_, err := q.ChainUnchained(ctx)
			return err
		}
	case programCountsVersion:
		return func(q *Queries) error { return q.recountProgram(ctx) }
	}
	return nil
}

// applyIn applies m in a transaction begun by begin, unless it is applied
// already; then runs after (when not nil) in the same transaction.
func (db *DB) applyIn(ctx context.Context, begin beginner, m migration, now time.Time, after func(*Queries) error) (bool, error) {
	done := false
	err := db.inTxOn(ctx, begin, func(q *Queries) error {
		if lock := db.dialect.migrationLock(); lock != "" {
			if _, err := q.exec(ctx, lock); err != nil {
				return err
			}
		}
		var n int
		if err := q.queryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if m.sql != "" {
			if _, err := q.exec(ctx, m.sql); err != nil {
				return err
			}
		}
		if after != nil {
			if err := after(q); err != nil {
				return err
			}
		}
		_, err := q.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, now.UTC().Format(time.RFC3339))
		done = err == nil
		return err
	})
	return done, err
}

// forEngine reports whether a migration's SQL runs on engine: every
// migration does, unless a line "-- engine: NAME" names another engine
// (PostgreSQL's partitioned clicks, which SQLite does without).
func forEngine(text, engine string) bool {
	for _, line := range strings.Split(text, "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "-- engine: "); ok {
			return strings.TrimSpace(name) == engine
		}
	}
	return true
}

// PendingMigrations lists the migrations the database has not applied yet.
// A server refuses to serve on a stale schema in production.
func (db *DB) PendingMigrations(ctx context.Context) ([]string, error) {
	all, err := db.migrations()
	if err != nil {
		return nil, err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, m := range all {
		if _, ok := applied[m.version]; !ok {
			pending = append(pending, m.name)
		}
	}
	return pending, nil
}
