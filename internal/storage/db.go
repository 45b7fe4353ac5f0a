// Package storage keeps ReferralHub's data in SQLite (modernc.org/sqlite,
// pure Go) or PostgreSQL (pgx). It is the only package that writes SQL; the
// dialect differences stay in dialect.go and the migration macros.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// DB is an open database. For SQLite it holds one writer connection beside a
// read pool; for PostgreSQL both point at the same pool.
type DB struct {
	dialect dialect
	write   *sql.DB
	read    *sql.DB
	queries atomic.Int64
	// SQLite only: pgx already caches prepared statements per connection.
	readStmts, writeStmts *stmtCache
	// PostgreSQL only: the streaming replica behind Replica, or nil.
	replica *replica
}

// Open connects to the database named by url: "sqlite:PATH" or
// "postgres://...". It does not migrate; call Migrate for that.
func Open(ctx context.Context, url string) (*DB, error) {
	var (
		db  *DB
		err error
	)
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		db, err = openSQLite(strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = openPostgres(url)
	default:
		return nil, fmt.Errorf("database url must start with sqlite: or postgres://")
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// readConns is the size of SQLite's read pool.
const readConns = 8

func openSQLite(path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, errors.New("sqlite database path must be non-empty and free of ? and #")
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	// mmap and a 16 MiB page cache per connection keep hot pages out of
	// read syscalls; WAL lets readers run beside the one writer.
	pragmas := "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)" +
		"&_pragma=mmap_size(1073741824)&_pragma=cache_size(-16384)"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	return &DB{dialect: sqliteDialect{}, write: write, read: read,
		readStmts: newStmtCache(read, maxCachedStmts), writeStmts: newStmtCache(write, maxCachedWriterStmts)}, nil
}

// createPrivate makes the database file, readable by its owner only, when it
// does not exist: it holds emails and password hashes. SQLite gives its -wal
// and -shm files the same mode.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// connectTimeout is how long making a PostgreSQL connection may take when
// the URL sets no connect_timeout: a server that does not answer (a dropped
// route, a firewall) then fails requests as unavailable within it, instead
// of holding them for the operating system's minutes.
const connectTimeout = "5"

// withConnectTimeout adds connect_timeout to a postgres:// URL that has none.
func withConnectTimeout(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.Query().Has("connect_timeout") {
		return dbURL // pgx reports a bad URL itself
	}
	q := u.Query()
	q.Set("connect_timeout", connectTimeout)
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(dbURL string) (*DB, error) {
	pool, err := sql.Open("pgx", withConnectTimeout(dbURL))
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: postgresDialect{}, write: pool, read: pool}, nil
}

// Engine names the SQL engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.name() }

// Ping checks that the database answers. It uses the read pool, so a long
// write on SQLite's single writer does not make the instance look down.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", outageOf(db.dialect, err))
	}
	return nil
}

// maxCachedStmts bounds the prepared statements kept per pool; the
// writer keeps more, since its transactions' statements come too, some
// of them multi-row ones with a text per batch size.
const (
	maxCachedStmts       = 100
	maxCachedWriterStmts = 400
)

// Close closes every connection.
func (db *DB) Close() error {
	db.readStmts.close()
	db.writeStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.replica != nil {
		err = errors.Join(err, db.replica.pool.Close())
	}
	return err
}

// QueryCount is the number of statements run so far. Tests use it to prove
// a page runs a fixed number of queries.
func (db *DB) QueryCount() int64 { return db.queries.Load() }

// Read returns queries that run on the read pool.
func (db *DB) Read() *Queries {
	return &Queries{q: db.read, d: db.dialect, count: &db.queries, stmts: db.readStmts}
}

// Write returns queries that run outside a transaction on the writer.
func (db *DB) Write() *Queries {
	return &Queries{q: db.write, d: db.dialect, count: &db.queries, stmts: db.writeStmts}
}

// InTx runs fn in a transaction on the writer, committing when fn returns
// nil and rolling back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(*Queries) error) error {
	if db.writeStmts == nil {
		return db.inTxOn(ctx, db.write.BeginTx, fn)
	}
	lent := &txStmts{cache: db.writeStmts}
	err := db.inTxOn(ctx, func(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
		tx, err := db.write.BeginTx(ctx, opts)
		lent.tx = tx
		return tx, err
	}, func(q *Queries) error {
		q.lent = lent
		return fn(q)
	})
	lent.prepareMissed(ctx) // the writer's one connection is free again
	return err
}

// InSnapshot runs fn in a read-only transaction on the read pool that sees
// one consistent state of the database throughout (PostgreSQL's REPEATABLE
// READ; SQLite's read transaction in WAL mode), for reads of several
// statements that must agree with each other.
func (db *DB) InSnapshot(ctx context.Context, fn func(*Queries) error) error {
	return db.inTxOn(ctx, func(ctx context.Context, _ *sql.TxOptions) (*sql.Tx, error) {
		return db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}, fn)
}

// beginner starts a transaction: the writer pool's BeginTx, or one
// connection's (a migration that needs the connection's settings).
type beginner func(context.Context, *sql.TxOptions) (*sql.Tx, error)

// inTxOn is InTx on the transactions begin starts.
func (db *DB) inTxOn(ctx context.Context, begin beginner, fn func(*Queries) error) error {
	tx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", outageOf(db.dialect, err))
	}
	if err := fn(&Queries{q: tx, d: db.dialect, count: &db.queries}); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, sql.ErrTxDone) {
			err = ctxErr // the context ended, and database/sql rolled back
		}
		return fmt.Errorf("commit: %w", outageOf(db.dialect, err))
	}
	return nil
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
