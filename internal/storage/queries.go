package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"
)

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries runs ReferralHub's statements on a pool or inside a transaction.
// Every statement goes through exec, query or queryRow, so they are counted.
type Queries struct {
	q     querier
	d     dialect
	count *atomic.Int64
	stmts *stmtCache // nil inside transactions and on PostgreSQL
	// down, when set, is told of each outage (the replica's queries).
	down func()
	lent *txStmts // SQLite's writer transactions: the writer's prepared statements
}

// stmt returns the prepared statement to run query with, or nil to run it
// unprepared.
func (q *Queries) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.lent != nil {
		return q.lent.get(ctx, query)
	}
	return q.stmts.get(ctx, query)
}

// bulkParams is the number of arguments above which a statement is taken
// for a bulk one (a multi-row VALUES, a long IN list). Its text changes with
// the size of each batch, so it is neither kept prepared here nor cached by
// the driver: pgx would otherwise keep up to 512 such texts, tens of
// kilobytes each, on every pooled connection.
const bulkParams = 64

func (q *Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := q.execRaw(ctx, query, args...)
	return res, q.outage(err)
}

func (q *Queries) execRaw(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.count.Add(1)
	if len(args) > bulkParams {
		return q.q.ExecContext(ctx, query, q.d.unprepared(args)...)
	}
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.q.ExecContext(ctx, query, args...)
}

func (q *Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.queryRaw(ctx, query, args...)
	return rows, q.outage(err)
}

func (q *Queries) queryRaw(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.count.Add(1)
	if len(args) > bulkParams {
		return q.q.QueryContext(ctx, query, q.d.unprepared(args)...)
	}
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.q.QueryContext(ctx, query, args...)
}

// row is a single-row result whose Scan reports an outage as one (see
// outage); sql.ErrNoRows and every other error pass as they are.
type row struct {
	*sql.Row
	q *Queries
}

// Scan copies the row's columns into dest, as sql.Row.Scan does.
func (r row) Scan(dest ...any) error { return r.q.outage(r.Row.Scan(dest...)) }

func (q *Queries) queryRow(ctx context.Context, query string, args ...any) row {
	q.count.Add(1)
	if len(args) > bulkParams {
		return row{q.q.QueryRowContext(ctx, query, q.d.unprepared(args)...), q}
	}
	if st := q.stmt(ctx, query); st != nil {
		return row{st.QueryRowContext(ctx, args...), q}
	}
	return row{q.q.QueryRowContext(ctx, query, args...), q}
}

// ts converts a time into the value the engine stores and compares exactly.
func (q *Queries) ts(t time.Time) any { return q.d.timeValue(t) }

// nullID is NULL for the id 0, the domain's "none".
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// nullTime is NULL for the zero time, else t as the engine stores it.
func (q *Queries) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return q.ts(t)
}

// utc reads a nullable time column: the zero time for NULL, else the time
// in UTC.
func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// inList appends "$n, $n+1, ..." placeholders for values to args.
func (q *Queries) inList(args []any, values []string) (string, []any) {
	var b []byte
	for i, v := range values {
		if i > 0 {
			b = append(b, ", "...)
		}
		args = append(args, v)
		b = q.d.appendParam(b, len(args))
	}
	return string(b), args
}

// setStatus runs a conditional status change, which sets the transition's
// own timestamp once, and reports whether the entry moved.
func (q *Queries) setStatus(ctx context.Context, name string, query string, args ...any) (bool, error) {
	res, err := q.exec(ctx, "/* "+name+" */ "+query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
