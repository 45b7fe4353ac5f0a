package storage

import (
	"context"
	"fmt"
)

// Every multi-row read goes through queryEach, or through queryList when
// the rows become a slice: they close the result set, check its error and
// name the read in every error, so the package has one row loop.

// rowScanner is a single row or the current row of a result set.
type rowScanner interface{ Scan(...any) error }

// queryEach runs query and hands each row to fn, without keeping the rows:
// for reads that fold rows into a map or a running total. name goes in the
// errors ("cohort members: ..."). fn must not run statements on q: inside a
// transaction the connection is busy with the rows until queryEach returns.
func queryEach(ctx context.Context, q *Queries, name, query string, fn func(rowScanner) error, args ...any) error {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, q.outage(err))
	}
	return nil
}

// queryList runs query and reads every row with scan, in order; name goes
// in the errors ("list rewards: ...").
func queryList[T any](ctx context.Context, q *Queries, name, query string, scan func(rowScanner) (T, error), args ...any) ([]T, error) {
	var out []T
	err := queryEach(ctx, q, name, query, func(r rowScanner) error {
		v, err := scan(r)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanValue reads a row of one column: queryList's scanner for a list of
// ids or codes.
func scanValue[T any](r rowScanner) (T, error) {
	var v T
	err := r.Scan(&v)
	return v, err
}

// countsBy runs a query answering (key, count) rows and returns them as a
// map; what names the query in errors.
func (q *Queries) countsBy(ctx context.Context, what, query string, args ...any) (map[string]int64, error) {
	out := map[string]int64{}
	err := queryEach(ctx, q, what, query, func(r rowScanner) error {
		var (
			key string
			n   int64
		)
		if err := r.Scan(&key, &n); err != nil {
			return err
		}
		out[key] = n
		return nil
	}, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}
