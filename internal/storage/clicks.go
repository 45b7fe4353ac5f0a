package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/referralhub/referralhub"
)

// clickColumns is the number of values one click row binds.
const clickColumns = 7

// clickChunk keeps one statement under SQLite's bound-parameter limit.
const clickChunk = 1000

// InsertClicks writes clicks with multi-row inserts. A click whose id is
// already stored is skipped, so a retried batch is harmless.
func (q *Queries) InsertClicks(ctx context.Context, clicks []referralhub.Click) error {
	for start := 0; start < len(clicks); start += clickChunk {
		end := min(start+clickChunk, len(clicks))
		if err := q.insertClickChunk(ctx, clicks[start:end]); err != nil {
			return err
		}
	}
	return nil
}

func (q *Queries) insertClickChunk(ctx context.Context, clicks []referralhub.Click) error {
	var sb strings.Builder
	sb.WriteString(`/* InsertClicks */ INSERT INTO clicks (id, participant_id, code, ip_hash, user_agent, referer, created_at) VALUES `)
	args := make([]any, 0, len(clicks)*clickColumns)
	for i, c := range clicks {
		if i > 0 {
			sb.WriteByte(',')
		}
		writePlaceholders(&sb, i*clickColumns, clickColumns)
		args = append(args, c.ID, c.ParticipantID, c.Code, c.IPHash, c.UserAgent, c.Referer, q.ts(c.CreatedAt))
	}
	sb.WriteString(` ON CONFLICT (id) DO NOTHING`)
	if _, err := q.exec(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("insert %d clicks: %w", len(clicks), err)
	}
	return nil
}

// writePlaceholders writes "($first+1, ..., $first+n)".
func writePlaceholders(sb *strings.Builder, first, n int) {
	sb.WriteByte('(')
	for j := 1; j <= n; j++ {
		if j > 1 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(sb, "$%d", first+j)
	}
	sb.WriteByte(')')
}
