// participant_badges: the badges each participant earned.

package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// AwardBadge records that a participant earned the badge at threshold
// referrals; it reports false when they hold it already.
func (q *Queries) AwardBadge(ctx context.Context, participantID int64, b referralhub.Badge, now time.Time) (bool, error) {
	res, err := q.exec(ctx, `/* AwardBadge */ INSERT INTO participant_badges (participant_id, threshold, name, earned_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, participantID, b.Threshold, b.Name, q.ts(now))
	if err != nil {
		return false, fmt.Errorf("award badge: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Badges returns the badges a participant earned, in the order earned.
func (q *Queries) Badges(ctx context.Context, participantID int64) ([]referralhub.EarnedBadge, error) {
	return queryList(ctx, q, "badges", `/* Badges */ SELECT name, threshold, earned_at FROM participant_badges
		WHERE participant_id = $1 ORDER BY threshold`, func(r rowScanner) (referralhub.EarnedBadge, error) {
		var b referralhub.EarnedBadge
		err := r.Scan(&b.Name, &b.Threshold, &b.EarnedAt)
		b.EarnedAt = b.EarnedAt.UTC()
		return b, err
	}, participantID)
}
