package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// EmailToken is a single-use link token's record.
type EmailToken struct {
	UserID int64
	Email  string // the address the token was sent to
}

// CreateEmailToken stores the hash of a token for purpose, sent to email.
func (q *Queries) CreateEmailToken(ctx context.Context, tokenHash string, userID int64, purpose, email string, now, expires time.Time) error {
	_, err := q.exec(ctx, `/* CreateEmailToken */ INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, tokenHash, userID, purpose, email, q.ts(now), q.ts(expires))
	if err != nil {
		return fmt.Errorf("create email token: %w", err)
	}
	return nil
}

// UseEmailToken spends a token: it works once, before it expires, for its
// purpose. Anything else is ENOTFOUND.
func (q *Queries) UseEmailToken(ctx context.Context, tokenHash, purpose string, now time.Time) (EmailToken, error) {
	var t EmailToken
	err := q.queryRow(ctx, `/* UseEmailToken */ UPDATE email_tokens SET used_at = $3
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
		RETURNING user_id, email`, tokenHash, purpose, q.ts(now)).Scan(&t.UserID, &t.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return t, referralhub.Errorf(referralhub.ENOTFOUND, "That link has expired or was already used.")
	}
	if err != nil {
		return t, fmt.Errorf("use email token: %w", err)
	}
	return t, nil
}

// PeekEmailToken is UseEmailToken without spending the token.
func (q *Queries) PeekEmailToken(ctx context.Context, tokenHash, purpose string, now time.Time) (EmailToken, error) {
	var t EmailToken
	err := q.queryRow(ctx, `/* PeekEmailToken */ SELECT user_id, email FROM email_tokens
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, tokenHash, purpose, q.ts(now)).
		Scan(&t.UserID, &t.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return t, referralhub.Errorf(referralhub.ENOTFOUND, "That link has expired or was already used.")
	}
	if err != nil {
		return t, fmt.Errorf("peek email token: %w", err)
	}
	return t, nil
}

// SpendEmailTokens marks every unused token of a user for purpose as used:
// a new password voids older reset links.
func (q *Queries) SpendEmailTokens(ctx context.Context, userID int64, purpose string, now time.Time) error {
	_, err := q.exec(ctx, `/* SpendEmailTokens */ UPDATE email_tokens SET used_at = $3
		WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, purpose, q.ts(now))
	if err != nil {
		return fmt.Errorf("spend email tokens: %w", err)
	}
	return nil
}

// LatestEmailToken returns when the newest token for purpose was made for a
// user, zero when none: resending is throttled on it.
func (q *Queries) LatestEmailToken(ctx context.Context, userID int64, purpose string) (time.Time, error) {
	// Not max(created_at): SQLite returns an aggregate of a TIMESTAMP column
	// as text, without the column's type.
	var t time.Time
	err := q.queryRow(ctx, `/* LatestEmailToken */ SELECT created_at FROM email_tokens WHERE user_id = $1 AND purpose = $2
		ORDER BY created_at DESC LIMIT 1`, userID, purpose).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("latest email token: %w", err)
	}
	return t.UTC(), nil
}
