package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
)

// ErrCodeTaken is returned by CreateParticipant when the code is in use, so
// the caller can draw another.
var ErrCodeTaken = errors.New("referral code taken")

// LoginState is what a password login needs beyond the user.
type LoginState struct {
	PasswordHash string
	LockedUntil  time.Time // zero when not locked
}

// TakenFields reports whether the email or the username is already used,
// regardless of case.
func (q *Queries) TakenFields(ctx context.Context, email, username string) (emailTaken, usernameTaken bool, err error) {
	err = q.queryRow(ctx, `/* TakenFields */ SELECT
		EXISTS (SELECT 1 FROM users WHERE email_key = $1),
		EXISTS (SELECT 1 FROM users WHERE lower(username) = $2)`, EmailKey(email), strings.ToLower(username)).
		Scan(&emailTaken, &usernameTaken)
	return emailTaken, usernameTaken, err
}

// CreateUser inserts u and sets its ID. A taken email or username is an
// ECONFLICT error naming the field.
func (q *Queries) CreateUser(ctx context.Context, u *referralhub.User, passwordHash string) error {
	err := q.queryRow(ctx, `/* CreateUser */ INSERT INTO users (email, email_key, username, password_hash, is_admin, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.Email, EmailKey(u.Email), u.Username, passwordHash, u.IsAdmin, q.ts(u.CreatedAt)).Scan(&u.ID)
	switch {
	case q.d.isUnique(err, "users_email_key", "users.email_key"):
		return &referralhub.Error{Code: referralhub.ECONFLICT, Message: "That email is already registered.",
			Fields: map[string]string{"email": "That email is already registered."}}
	case q.d.isUnique(err, "users_username_key", "users.username"):
		return &referralhub.Error{Code: referralhub.ECONFLICT, Message: "That username is taken.",
			Fields: map[string]string{"username": "That username is taken."}}
	case err != nil:
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// CreateParticipant inserts p and sets its ID, or returns ErrCodeTaken. A
// taken code does not abort the transaction (ON CONFLICT), so the caller can
// draw another inside it, on PostgreSQL too.
func (q *Queries) CreateParticipant(ctx context.Context, p *referralhub.Participant) error {
	err := q.queryRow(ctx, `/* CreateParticipant */ INSERT INTO participants (user_id, code, created_at, last_seen_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id`,
		p.UserID, p.Code, q.ts(p.CreatedAt), q.ts(p.LastSeenAt)).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrCodeTaken
	}
	if err != nil {
		return fmt.Errorf("create participant: %w", err)
	}
	return nil
}

// EmailKey is the form of an email that uniqueness and login compare.
func EmailKey(email string) string { return strings.ToLower(email) }

// UserForLogin finds a user by email or username, regardless of case.
func (q *Queries) UserForLogin(ctx context.Context, login string) (referralhub.User, LoginState, error) {
	var (
		u      referralhub.User
		st     LoginState
		locked sql.NullTime
	)
	err := q.queryRow(ctx, `/* UserForLogin */ SELECT id, email, username, is_admin, created_at, password_hash, locked_until
		FROM users WHERE email_key = $1 OR lower(username) = $1`, EmailKey(login)).
		Scan(&u.ID, &u.Email, &u.Username, &u.IsAdmin, &u.CreatedAt, &st.PasswordHash, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return u, st, referralhub.Errorf(referralhub.ENOTFOUND, "no such user")
	}
	if err != nil {
		return u, st, fmt.Errorf("user for login: %w", err)
	}
	if locked.Valid {
		st.LockedUntil = locked.Time.UTC()
	}
	return u, st, nil
}

// RecordFailedLogin counts a failed password for the user. Failures older
// than window start a new count; the threshold-th failure within the window
// locks the account until now+lockFor. It returns the lock's end, or zero.
func (q *Queries) RecordFailedLogin(ctx context.Context, userID int64, now time.Time, window time.Duration, threshold int, lockFor time.Duration) (time.Time, error) {
	var locked sql.NullTime
	err := q.queryRow(ctx, `/* RecordFailedLogin */ UPDATE users SET
		failed_logins = CASE WHEN failed_login_since IS NULL OR failed_login_since < $2 THEN 1 ELSE failed_logins + 1 END,
		failed_login_since = CASE WHEN failed_login_since IS NULL OR failed_login_since < $2 THEN $3 ELSE failed_login_since END,
		locked_until = CASE WHEN failed_login_since IS NOT NULL AND failed_login_since >= $2 AND failed_logins + 1 >= $4
			THEN $5 ELSE locked_until END
		WHERE id = $1 RETURNING locked_until`,
		userID, q.ts(now.Add(-window)), q.ts(now), threshold, q.ts(now.Add(lockFor))).Scan(&locked)
	if err != nil {
		return time.Time{}, fmt.Errorf("record failed login: %w", err)
	}
	if locked.Valid && locked.Time.After(now) {
		return locked.Time.UTC(), nil
	}
	return time.Time{}, nil
}

// ResetFailedLogins clears the failure count after a successful login.
func (q *Queries) ResetFailedLogins(ctx context.Context, userID int64) error {
	_, err := q.exec(ctx, `/* ResetFailedLogins */ UPDATE users SET failed_logins = 0, failed_login_since = NULL, locked_until = NULL
		WHERE id = $1`, userID)
	return err
}

// CodeOwner resolves a referral code (already lower-cased) to its owner.
func (q *Queries) CodeOwner(ctx context.Context, code string) (referralhub.CodeOwner, error) {
	o := referralhub.CodeOwner{Code: code}
	err := q.queryRow(ctx, `/* CodeOwner */ SELECT p.id, COALESCE(u.username, '')
		FROM participants p LEFT JOIN users u ON u.id = p.user_id WHERE p.code = $1 AND p.banned_at IS NULL`, code).
		Scan(&o.ParticipantID, &o.Username)
	if errors.Is(err, sql.ErrNoRows) {
		return o, referralhub.Errorf(referralhub.ENOTFOUND, "unknown referral code")
	}
	if err != nil {
		return o, fmt.Errorf("code owner: %w", err)
	}
	return o, nil
}

// TouchParticipant records activity for the active-network figure.
func (q *Queries) TouchParticipant(ctx context.Context, participantID int64, now time.Time) error {
	_, err := q.exec(ctx, `/* TouchParticipant */ UPDATE participants SET last_seen_at = $2 WHERE id = $1`,
		participantID, q.ts(now))
	return err
}

// Participant returns a participant by id, with its counters.
func (q *Queries) Participant(ctx context.Context, id int64) (referralhub.Participant, error) {
	var (
		p      referralhub.Participant
		userID sql.NullInt64
	)
	err := q.queryRow(ctx, `/* Participant */ SELECT id, user_id, code, created_at, last_seen_at, referral_count, click_count,
		plan, stripe_customer_id FROM participants WHERE id = $1`, id).
		Scan(&p.ID, &userID, &p.Code, &p.CreatedAt, &p.LastSeenAt, &p.ReferralCount, &p.ClickCount, &p.Plan, &p.StripeCustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, referralhub.Errorf(referralhub.ENOTFOUND, "no such participant")
	}
	if err != nil {
		return p, fmt.Errorf("participant: %w", err)
	}
	p.UserID = userID.Int64
	return p, nil
}
