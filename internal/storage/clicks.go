package storage

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
)

// clickColumns is the number of values one click row binds.
const clickColumns = 7

// InsertClicks writes clicks with multi-row inserts as large as the
// parameter limit allows. A click whose id is already stored is skipped, so
// a retried batch is harmless.
func (q *Queries) InsertClicks(ctx context.Context, clicks []referralhub.Click) error {
	return inChunks(len(clicks), clickColumns, func(start, end int) error {
		return q.insertClickChunk(ctx, clicks[start:end])
	})
}

func (q *Queries) insertClickChunk(ctx context.Context, clicks []referralhub.Click) error {
	args := make([]any, 0, len(clicks)*clickColumns)
	for _, c := range clicks {
		args = append(args, c.ID, c.ParticipantID, c.Code, c.IPHash, c.UserAgent, c.Referer, q.ts(c.CreatedAt))
	}
	query := q.valuesSQL(`/* InsertClicks */ INSERT INTO clicks (id, participant_id, code, ip_hash, user_agent, referer, created_at) VALUES `,
		len(clicks), clickColumns, ` ON CONFLICT (id) DO NOTHING`)
	if _, err := q.exec(ctx, query, args...); err != nil {
		return fmt.Errorf("insert %d clicks: %w", len(clicks), err)
	}
	return nil
}
