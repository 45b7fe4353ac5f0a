package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// SaveProgram stores p as the program's newest version, changed by the user
// changedBy (0 for none).
func (q *Queries) SaveProgram(ctx context.Context, p referralhub.Program, changedBy int64, summary string, now time.Time) (int64, error) {
	doc, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("encode program: %w", err)
	}
	var id int64
	err = q.queryRow(ctx, `/* SaveProgram */ INSERT INTO program_versions (program, changed_by, summary, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, string(doc), nullID(changedBy), summary, q.ts(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save program: %w", err)
	}
	return id, nil
}

// CurrentProgram returns the newest saved version, or ENOTFOUND when the
// program was never changed from its default.
func (q *Queries) CurrentProgram(ctx context.Context) (referralhub.ProgramVersion, error) {
	vs, err := q.ProgramVersions(ctx, 1)
	if err != nil {
		return referralhub.ProgramVersion{}, err
	}
	if len(vs) == 0 {
		return referralhub.ProgramVersion{}, referralhub.Errorf(referralhub.ENOTFOUND, "The program has no saved version.")
	}
	return vs[0], nil
}

// ProgramVersions lists the program's versions, newest first.
func (q *Queries) ProgramVersions(ctx context.Context, limit int) ([]referralhub.ProgramVersion, error) {
	return queryList(ctx, q, "program versions", `/* ProgramVersions */ SELECT v.id, v.program, COALESCE(u.username, ''), v.summary, v.created_at
		FROM program_versions v LEFT JOIN users u ON u.id = v.changed_by ORDER BY v.id DESC LIMIT $1`, scanProgramVersion, limit)
}

func scanProgramVersion(r rowScanner) (referralhub.ProgramVersion, error) {
	var (
		v   referralhub.ProgramVersion
		doc string
	)
	if err := r.Scan(&v.ID, &doc, &v.ChangedBy, &v.Summary, &v.ChangedAt); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(doc), &v.Program); err != nil {
		return v, fmt.Errorf("decode program version %d: %w", v.ID, err)
	}
	v.ChangedAt = v.ChangedAt.UTC()
	return v, nil
}

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
