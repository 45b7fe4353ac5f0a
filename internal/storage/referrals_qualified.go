// referrals.qualified_at: the referrals that count for tiers, badges and the leaderboard.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Qualified is a referral that has just qualified or stopped qualifying:
// its referrer, their qualified count after the change, and when the
// referral qualified (the leaderboard periods it counts in).
type Qualified struct {
	ReferrerID  int64
	Count       int64
	QualifiedAt time.Time
}

// QualifyReferral marks a referral qualified at now and counts it for its
// referrer. ok is false when it had qualified already. Call it inside InTx.
func (q *Queries) QualifyReferral(ctx context.Context, referralID int64, now time.Time) (Qualified, bool, error) {
	out := Qualified{QualifiedAt: now}
	err := q.queryRow(ctx, `/* QualifyReferral */ UPDATE referrals SET qualified_at = $2
		WHERE id = $1 AND qualified_at IS NULL RETURNING referrer_id`, referralID, q.ts(now)).Scan(&out.ReferrerID)
	if errors.Is(err, sql.ErrNoRows) {
		return out, false, nil
	}
	if err != nil {
		return out, false, fmt.Errorf("qualify referral: %w", err)
	}
	out.Count, err = q.addQualified(ctx, out.ReferrerID, 1)
	return out, err == nil, err
}

// UnqualifyReferral takes a qualified referral's count back. ok is false
// when it was not qualified. Call it inside InTx.
func (q *Queries) UnqualifyReferral(ctx context.Context, referralID int64) (Qualified, bool, error) {
	var (
		out Qualified
		at  sql.NullTime
	)
	err := q.queryRow(ctx, `/* QualifiedReferral */ SELECT referrer_id, qualified_at FROM referrals WHERE id = $1`,
		referralID).Scan(&out.ReferrerID, &at)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !at.Valid {
		return out, false, nil
	}
	if err != nil {
		return out, false, fmt.Errorf("qualified referral: %w", err)
	}
	res, err := q.exec(ctx, `/* UnqualifyReferral */ UPDATE referrals SET qualified_at = NULL WHERE id = $1 AND qualified_at IS NOT NULL`, referralID)
	if err != nil {
		return out, false, fmt.Errorf("unqualify referral: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return out, false, err
	}
	out.QualifiedAt = at.Time.UTC()
	out.Count, err = q.addQualified(ctx, out.ReferrerID, -1)
	return out, err == nil, err
}

// UnverifiedReferrals returns the ids of the referrals whose friend has
// not verified their email address, oldest first: the ones the
// email-verification gate holds while it is on.
func (q *Queries) UnverifiedReferrals(ctx context.Context) ([]int64, error) {
	return queryList(ctx, q, "unverified referrals", `/* UnverifiedReferrals */ SELECT r.id FROM referrals r
		JOIN participants pe ON pe.id = r.referee_id LEFT JOIN users ue ON ue.id = pe.user_id
		WHERE ue.email_verified_at IS NULL AND pe.verified_at IS NULL ORDER BY r.id`, scanValue[int64])
}
