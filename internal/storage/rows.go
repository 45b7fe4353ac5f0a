package storage

import (
	"context"
	"fmt"
)

// rowScanner is a single row or the current row of a result set.
type rowScanner interface{ Scan(...any) error }

// queryList runs query and reads every row with scan; name goes in the
// error ("list rewards: ...").
func queryList[T any](ctx context.Context, q *Queries, name, query string, scan func(rowScanner) (T, error), args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
