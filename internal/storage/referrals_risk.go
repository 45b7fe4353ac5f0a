// referrals: the risk checks' reads (velocity, referrer chains, shared customers) and their scores.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// CountReferralsSince counts a referrer's referrals made in [since, until).
func (q *Queries) CountReferralsSince(ctx context.Context, referrerID int64, since, until time.Time) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* CountReferralsSince */ SELECT count(*) FROM referrals WHERE referrer_id = $1
		AND created_at >= $2 AND created_at < $3`, referrerID, q.ts(since), q.ts(until)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count referrals since: %w", err)
	}
	return n, nil
}

// CountReferralsFrom counts referrals made in [since, until) whose signup
// IP (or subnet) hashed to one of hashes.
func (q *Queries) CountReferralsFrom(ctx context.Context, bySubnet bool, hashes []string, since, until time.Time) (int64, error) {
	if len(hashes) == 0 {
		return 0, nil
	}
	column := "ip_hash"
	if bySubnet {
		column = "subnet_hash"
	}
	list, args := q.inList([]any{q.ts(since), q.ts(until)}, hashes)
	var n int64
	err := q.queryRow(ctx, `/* CountReferralsFrom */ SELECT count(*) FROM referrals WHERE created_at >= $1 AND created_at < $2
		AND `+column+` IN (`+list+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count referrals from: %w", err)
	}
	return n, nil
}

// Ancestors returns who referred a participant, who referred them, and so
// on, nearest first, up to depth levels.
func (q *Queries) Ancestors(ctx context.Context, participantID int64, depth int) ([]int64, error) {
	var out []int64
	seen := map[int64]bool{participantID: true}
	cur := participantID
	for range depth {
		var up int64
		err := q.queryRow(ctx, `/* Ancestor */ SELECT referrer_id FROM referrals WHERE referee_id = $1`, cur).Scan(&up)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ancestors: %w", err)
		}
		out = append(out, up)
		if seen[up] {
			break // a loop
		}
		seen[up] = true
		cur = up
	}
	return out, nil
}

// ReplayableReferral is a stored referral with what ReplayRisk needs.
type ReplayableReferral struct {
	ReferrerID   int64
	RefereeEmail string
	CreatedAt    time.Time
}

// ReplayableReferrals lists up to limit referrals, oldest first.
func (q *Queries) ReplayableReferrals(ctx context.Context, limit int) ([]ReplayableReferral, error) {
	return queryList(ctx, q, "replayable referrals", `/* ReplayableReferrals */ SELECT r.referrer_id, COALESCE(u.email, ''), r.created_at
		FROM referrals r JOIN participants p ON p.id = r.referee_id LEFT JOIN users u ON u.id = p.user_id
		ORDER BY r.created_at, r.id LIMIT $1`, func(row rowScanner) (ReplayableReferral, error) {
		var r ReplayableReferral
		err := row.Scan(&r.ReferrerID, &r.RefereeEmail, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	}, limit)
}

// ReferralsSharingCustomer lists the referrals between a participant and
// someone else who has the same Stripe customer id.
func (q *Queries) ReferralsSharingCustomer(ctx context.Context, participantID int64, customerID string) ([]referralhub.Referral, error) {
	if customerID == "" {
		return nil, nil
	}
	return queryList(ctx, q, "referrals sharing a customer", `/* ReferralsSharingCustomer */ SELECT r.id, r.risk_score, r.risk_signals, r.review
		FROM referrals r JOIN participants o ON o.id = CASE WHEN r.referrer_id = $1 THEN r.referee_id ELSE r.referrer_id END
		WHERE (r.referrer_id = $1 OR r.referee_id = $1) AND o.stripe_customer_id = $2`, func(row rowScanner) (referralhub.Referral, error) {
		var (
			r       referralhub.Referral
			signals string
		)
		err := row.Scan(&r.ID, &r.RiskScore, &signals, &r.Review)
		if err == nil {
			r.Signals, err = decodeSignals(signals)
		}
		return r, err
	}, participantID, customerID)
}

// Rescore stores a referral's new score, signals and review state.
func (q *Queries) Rescore(ctx context.Context, r referralhub.Referral) error {
	signals, err := encodeSignals(r.Signals)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, `/* Rescore */ UPDATE referrals SET risk_score = $2, risk_signals = $3, review = $4 WHERE id = $1`,
		r.ID, r.RiskScore, signals, r.Review)
	if err != nil {
		return fmt.Errorf("rescore: %w", err)
	}
	return nil
}

// ForgetReferralIPs blanks the signup IP hashes of referrals made before
// cutoff: the velocity checks look back a day at most.
func (q *Queries) ForgetReferralIPs(ctx context.Context, cutoff time.Time) error {
	_, err := q.exec(ctx, `/* ForgetReferralIPs */ UPDATE referrals SET ip_hash = '', subnet_hash = ''
		WHERE created_at < $1 AND ip_hash <> ''`, q.ts(cutoff))
	if err != nil {
		return fmt.Errorf("forget referral ips: %w", err)
	}
	return nil
}
