package storage

import (
	"context"
	"fmt"
)

// counter names a participant column that counts rows of another table.
// Only these constants are ever put into SQL.
type counter string

const (
	clickCounter    counter = "click_count"
	referralCounter counter = "referral_count"
)

// addCounts adds n to column c for each participant id in counts, in one
// statement (VALUES columns are column1, column2 on both engines).
func (q *Queries) addCounts(ctx context.Context, c counter, counts map[int64]int64) error {
	if len(counts) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(counts))
	b := []byte("/* addCounts." + string(c) + " */ UPDATE participants SET " + string(c) + " = " + string(c) + " + v.column2 FROM (VALUES ")
	i := 0
	for id, n := range counts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "(CAST("...)
		b = q.d.appendParam(b, 2*i+1)
		b = append(b, " AS BIGINT), CAST("...)
		b = q.d.appendParam(b, 2*i+2)
		b = append(b, " AS BIGINT))"...)
		args = append(args, id, n)
		i++
	}
	b = append(b, ") AS v WHERE participants.id = v.column1"...)
	if _, err := q.exec(ctx, string(b), args...); err != nil {
		return fmt.Errorf("add %s: %w", c, err)
	}
	return nil
}
