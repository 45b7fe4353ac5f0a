// referrals: the review queue and its decisions (review, reviewed_by, reviewed_at, review_note).

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// reviewItemQuery selects a referral for review, with both people's names
// (usernames, or the names the API gave) and emails.
func reviewItemQuery() string {
	return `SELECT r.id, r.referrer_id, r.referee_id, r.created_at, r.risk_score, r.risk_signals, r.review,
	` + displayName("ur", "pr") + `, ` + displayName("ue", "pe") + `, COALESCE(ur.email, pr.email, ''), COALESCE(ue.email, pe.email, ''),
	COALESCE(ua.username, ''), r.review_note
	FROM referrals r JOIN participants pr ON pr.id = r.referrer_id LEFT JOIN users ur ON ur.id = pr.user_id
	JOIN participants pe ON pe.id = r.referee_id LEFT JOIN users ue ON ue.id = pe.user_id
	LEFT JOIN users ua ON ua.id = r.reviewed_by `
}

func scanReviewItem(row rowScanner) (referralhub.ReviewItem, error) {
	var (
		it      referralhub.ReviewItem
		signals string
	)
	err := row.Scan(&it.ID, &it.ReferrerID, &it.RefereeID, &it.CreatedAt, &it.RiskScore, &signals, &it.Review,
		&it.ReferrerName, &it.RefereeName, &it.ReferrerEmail, &it.RefereeEmail, &it.ReviewedBy, &it.ReviewNote)
	if err != nil {
		return it, err
	}
	it.CreatedAt = it.CreatedAt.UTC()
	it.Signals, err = decodeSignals(signals)
	return it, err
}

// ReferralsInReview lists referrals in a review state, oldest first.
func (q *Queries) ReferralsInReview(ctx context.Context, review string, limit int) ([]referralhub.ReviewItem, error) {
	return queryList(ctx, q, "referrals in review", `/* ReferralsInReview */ `+reviewItemQuery()+
		`WHERE r.review = $1 ORDER BY r.created_at, r.id LIMIT $2`, scanReviewItem, review, limit)
}

// ReviewItemByID returns one referral for review, or ENOTFOUND.
func (q *Queries) ReviewItemByID(ctx context.Context, referralID int64) (referralhub.ReviewItem, error) {
	it, err := scanReviewItem(q.queryRow(ctx, `/* ReviewItemByID */ `+reviewItemQuery()+`WHERE r.id = $1`, referralID))
	if errors.Is(err, sql.ErrNoRows) {
		return it, referralhub.Errorf(referralhub.ENOTFOUND, "No such referral.")
	}
	if err != nil {
		return it, fmt.Errorf("review item: %w", err)
	}
	return it, nil
}

// SetReview moves a referral from one of the review states in from to to,
// recording who and why. It reports whether the referral moved.
func (q *Queries) SetReview(ctx context.Context, referralID int64, from []string, to string, by int64, note string, now time.Time) (bool, error) {
	list, args := q.inList([]any{referralID, to, nullID(by), note, q.ts(now)}, from)
	res, err := q.exec(ctx, `/* SetReview */ UPDATE referrals SET review = $2, reviewed_by = $3, review_note = $4, reviewed_at = $5
		WHERE id = $1 AND review IN (`+list+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("set review: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
