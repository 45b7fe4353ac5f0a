package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// CreateSession stores a session under the hash of its token.
func (q *Queries) CreateSession(ctx context.Context, tokenHash string, userID int64, now, expires time.Time) error {
	_, err := q.exec(ctx, `/* CreateSession */ INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, tokenHash, userID, q.ts(now), q.ts(expires))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// DeleteSession removes a session; deleting a missing one is not an error.
func (q *Queries) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := q.exec(ctx, `/* DeleteSession */ DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions that expired before now.
func (q *Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `/* DeleteExpiredSessions */ DELETE FROM sessions WHERE expires_at < $1`, q.ts(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SessionUser returns the user and participant of a live session, or
// EUNAUTHORIZED when there is none.
func (q *Queries) SessionUser(ctx context.Context, tokenHash string, now time.Time) (referralhub.User, referralhub.Participant, error) {
	var (
		u        referralhub.User
		p        referralhub.Participant
		verified sql.NullTime
	)
	err := q.queryRow(ctx, `/* SessionUser */ SELECT u.id, u.email, u.username, u.is_admin, u.created_at, u.email_verified_at,
			p.id, p.code, p.created_at, p.last_seen_at, p.referral_count, p.click_count, p.plan, p.stripe_customer_id,
			p.qualified_count
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN participants p ON p.user_id = u.id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, q.ts(now)).
		Scan(&u.ID, &u.Email, &u.Username, &u.IsAdmin, &u.CreatedAt, &verified,
			&p.ID, &p.Code, &p.CreatedAt, &p.LastSeenAt, &p.ReferralCount, &p.ClickCount, &p.Plan, &p.StripeCustomerID,
			&p.QualifiedCount)
	u.EmailVerifiedAt = utc(verified)
	if errors.Is(err, sql.ErrNoRows) {
		return u, p, referralhub.Errorf(referralhub.EUNAUTHORIZED, "Please log in.")
	}
	if err != nil {
		return u, p, fmt.Errorf("session user: %w", err)
	}
	p.UserID = u.ID
	return u, p, nil
}

// DeleteUserSessions ends every session of a user except the one whose hash
// is keep ("" ends them all).
func (q *Queries) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	_, err := q.exec(ctx, `/* DeleteUserSessions */ DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return fmt.Errorf("delete user sessions: %w", err)
	}
	return nil
}
