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

// EmailKey is the form of an email that uniqueness and login compare.
func EmailKey(email string) string { return strings.ToLower(email) }

// Recipient is who a mail about a participant goes to, with their choices.
type Recipient struct {
	UserID        int64
	ParticipantID int64
	Email         string
	Username      string
	Verified      bool
	Prefs         referralhub.NotificationPrefs
}

const recipientQuery = `SELECT u.id, p.id, u.email, u.username, u.email_verified_at IS NOT NULL,
	u.notify_new_referral, u.notify_reward_earned, u.notify_reward_ready, u.notify_achievement
	FROM users u JOIN participants p ON p.user_id = u.id `

func (q *Queries) recipient(ctx context.Context, name, where string, arg any) (Recipient, error) {
	var r Recipient
	err := q.queryRow(ctx, "/* "+name+" */ "+recipientQuery+where, arg).Scan(&r.UserID, &r.ParticipantID, &r.Email, &r.Username,
		&r.Verified, &r.Prefs.NewReferral, &r.Prefs.RewardEarned, &r.Prefs.RewardReady,
		&r.Prefs.Achievement)
	if errors.Is(err, sql.ErrNoRows) {
		return r, referralhub.Errorf(referralhub.ENOTFOUND, "No such user.")
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// RecipientByUser returns a user's mail details, or ENOTFOUND.
func (q *Queries) RecipientByUser(ctx context.Context, userID int64) (Recipient, error) {
	return q.recipient(ctx, "RecipientByUser", "WHERE u.id = $1", userID)
}

// RecipientByParticipant returns a participant's user's mail details, or
// ENOTFOUND (also for a participant without a user).
func (q *Queries) RecipientByParticipant(ctx context.Context, participantID int64) (Recipient, error) {
	return q.recipient(ctx, "RecipientByParticipant", "WHERE p.id = $1", participantID)
}

// RecipientByEmail finds a user by email regardless of case, or ENOTFOUND.
func (q *Queries) RecipientByEmail(ctx context.Context, email string) (Recipient, error) {
	return q.recipient(ctx, "RecipientByEmail", "WHERE u.email_key = $1", EmailKey(email))
}

// MarkEmailVerified records that the user's address is verified, provided
// it is still email (the address the link went to). verified is false when
// the address changed since, or was verified already.
func (q *Queries) MarkEmailVerified(ctx context.Context, userID int64, email string, now time.Time) (bool, error) {
	res, err := q.exec(ctx, `/* MarkEmailVerified */ UPDATE users SET email_verified_at = $3
		WHERE id = $1 AND email_key = $2 AND email_verified_at IS NULL`, userID, EmailKey(email), q.ts(now))
	if err != nil {
		return false, fmt.Errorf("mark email verified: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ChangeEmail gives a user a new address, unverified. A taken address is an
// ECONFLICT naming the field.
func (q *Queries) ChangeEmail(ctx context.Context, userID int64, email string) error {
	_, err := q.exec(ctx, `/* ChangeEmail */ UPDATE users SET email = $2, email_key = $3, email_verified_at = NULL
		WHERE id = $1`, userID, email, EmailKey(email))
	if q.d.isUnique(err, "users_email_key", "users.email_key") {
		return &referralhub.Error{Code: referralhub.ECONFLICT, Message: "That email is already registered.",
			Fields: map[string]string{"email": "That email is already registered."}}
	}
	if err != nil {
		return fmt.Errorf("change email: %w", err)
	}
	return nil
}

// SetNotificationPrefs stores which notification emails a user gets.
func (q *Queries) SetNotificationPrefs(ctx context.Context, userID int64, p referralhub.NotificationPrefs) error {
	_, err := q.exec(ctx, `/* SetNotificationPrefs */ UPDATE users SET notify_new_referral = $2, notify_reward_earned = $3,
		notify_reward_ready = $4, notify_achievement = $5 WHERE id = $1`, userID, p.NewReferral, p.RewardEarned, p.RewardReady,
		p.Achievement)
	if err != nil {
		return fmt.Errorf("set notification prefs: %w", err)
	}
	return nil
}

// DeleteUser deletes a user's row; their sessions and email tokens go with
// it (ON DELETE CASCADE). Anonymise their participant first.
func (q *Queries) DeleteUser(ctx context.Context, userID int64) error {
	res, err := q.exec(ctx, `/* DeleteUser */ DELETE FROM users WHERE id = $1`, userID)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return referralhub.Errorf(referralhub.ENOTFOUND, "No such user.")
	}
	return nil
}
