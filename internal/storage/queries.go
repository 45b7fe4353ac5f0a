package storage

import (
	"context"
	"database/sql"
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
}

// bulkParams is the number of arguments above which a statement is taken
// for a bulk one (a multi-row VALUES, a long IN list). Its text changes with
// the size of each batch, so it is neither kept prepared here nor cached by
// the driver: pgx would otherwise keep up to 512 such texts, tens of
// kilobytes each, on every pooled connection.
const bulkParams = 64

func (q *Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.count.Add(1)
	if len(args) > bulkParams {
		return q.q.ExecContext(ctx, query, q.d.unprepared(args)...)
	}
	if st := q.stmts.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.q.ExecContext(ctx, query, args...)
}

func (q *Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.count.Add(1)
	if len(args) > bulkParams {
		return q.q.QueryContext(ctx, query, q.d.unprepared(args)...)
	}
	if st := q.stmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.q.QueryContext(ctx, query, args...)
}

func (q *Queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q.count.Add(1)
	if len(args) > bulkParams {
		return q.q.QueryRowContext(ctx, query, q.d.unprepared(args)...)
	}
	if st := q.stmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.q.QueryRowContext(ctx, query, args...)
}

// ts converts a time into the value the engine stores and compares exactly.
func (q *Queries) ts(t time.Time) any { return q.d.timeValue(t) }
