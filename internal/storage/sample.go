package storage

import "context"

// SampleCodes returns up to limit referral codes in random order, or every
// code when limit is 0. Benchmarks use it to click realistic links.
func (q *Queries) SampleCodes(ctx context.Context, limit int) ([]string, error) {
	return sampleColumn[string](ctx, q, "code", limit)
}

// SampleParticipantIDs returns up to limit participant ids in random
// order, or every id when limit is 0. Benchmarks report events for them.
func (q *Queries) SampleParticipantIDs(ctx context.Context, limit int) ([]int64, error) {
	return sampleColumn[int64](ctx, q, "id", limit)
}

// sampleColumn reads column (a constant name, never input) of participants
// in random order.
func sampleColumn[T any](ctx context.Context, q *Queries, column string, limit int) ([]T, error) {
	query := `/* SampleParticipants */ SELECT ` + column + ` FROM participants ORDER BY random()`
	args := []any{}
	if limit > 0 {
		query += ` LIMIT $1`
		args = append(args, limit)
	}
	return queryList(ctx, q, "sample participants", query, scanValue[T], args...)
}
