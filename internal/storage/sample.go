package storage

import (
	"context"
	"fmt"
)

// SampleCodes returns up to limit referral codes in random order, or every
// code when limit is 0. Benchmarks use it to click realistic links.
func (q *Queries) SampleCodes(ctx context.Context, limit int) ([]string, error) {
	query := `/* SampleCodes */ SELECT code FROM participants ORDER BY random()`
	args := []any{}
	if limit > 0 {
		query += ` LIMIT $1`
		args = append(args, limit)
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sample codes: %w", err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}
