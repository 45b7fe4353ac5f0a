package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
)

// ClickByID returns a stored click, or ENOTFOUND: clicks still in the
// in-process buffer, and ones past the retention (reduced to daily
// counts), are not found.
func (q *Queries) ClickByID(ctx context.Context, id string) (referralhub.Click, error) {
	var c referralhub.Click
	err := q.queryRow(ctx, `/* ClickByID */ SELECT id, participant_id, code, ip_hash, user_agent, referer, created_at, bot
		FROM clicks WHERE id = $1`, id).
		Scan(&c.ID, &c.ParticipantID, &c.Code, &c.IPHash, &c.UserAgent, &c.Referer, &c.CreatedAt, &c.Bot)
	if errors.Is(err, sql.ErrNoRows) {
		return c, referralhub.Errorf(referralhub.ENOTFOUND, "No click has that id.")
	}
	if err != nil {
		return c, fmt.Errorf("click by id: %w", err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}
