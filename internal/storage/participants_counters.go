// participants: click_count, referral_count and qualified_count, kept beside the rows they count.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/referralhub/referralhub"
)

// counter names a participant column that counts rows of another table.
// Only these constants are ever put into SQL.
type counter string

const (
	clickCounter    counter = "click_count"
	referralCounter counter = "referral_count"
)

// addCounts adds n to column c for each participant id in counts, in as
// few statements as the parameter limit allows (VALUES columns are column1,
// column2 on both engines).
func (q *Queries) addCounts(ctx context.Context, c counter, counts map[int64]int64) error {
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids) // visit rows in key order: fewer page jumps, no deadlock between batches
	return inChunks(len(ids), 2, func(start, end int) error {
		return q.addCountChunk(ctx, c, ids[start:end], counts)
	})
}

func (q *Queries) addCountChunk(ctx context.Context, c counter, ids []int64, counts map[int64]int64) error {
	args := make([]any, 0, 2*len(ids))
	b := []byte("/* addCounts." + string(c) + " */ UPDATE participants SET " + string(c) + " = " + string(c) + " + v.column2 FROM (VALUES ")
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "(CAST("...)
		b = q.d.appendParam(b, 2*i+1)
		b = append(b, " AS BIGINT), CAST("...)
		b = q.d.appendParam(b, 2*i+2)
		b = append(b, " AS BIGINT))"...)
		args = append(args, id, counts[id])
	}
	b = append(b, ") AS v WHERE participants.id = v.column1"...)
	if _, err := q.exec(ctx, string(b), args...); err != nil {
		return fmt.Errorf("add %s: %w", c, err)
	}
	return nil
}

func (q *Queries) addQualified(ctx context.Context, participantID, delta int64) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* addQualified */ UPDATE participants SET qualified_count = qualified_count + $2
		WHERE id = $1 RETURNING qualified_count`, participantID, delta).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count qualified referral: %w", err)
	}
	return n, nil
}

// QualifiedCount is how many qualified referrals a participant has.
func (q *Queries) QualifiedCount(ctx context.Context, participantID int64) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* QualifiedCount */ SELECT qualified_count FROM participants WHERE id = $1`, participantID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "no such participant")
	}
	if err != nil {
		return 0, fmt.Errorf("qualified count: %w", err)
	}
	return n, nil
}
