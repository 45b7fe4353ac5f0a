package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

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

// LoginStateOf returns a user's password hash and login lock.
func (q *Queries) LoginStateOf(ctx context.Context, userID int64) (LoginState, error) {
	var (
		st     LoginState
		locked sql.NullTime
	)
	err := q.queryRow(ctx, `/* LoginStateOf */ SELECT password_hash, locked_until FROM users WHERE id = $1`, userID).
		Scan(&st.PasswordHash, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return st, referralhub.Errorf(referralhub.ENOTFOUND, "No such user.")
	}
	if err != nil {
		return st, fmt.Errorf("login state: %w", err)
	}
	st.LockedUntil = utc(locked)
	return st, nil
}

// SetPassword replaces a user's password hash and clears any login lock.
func (q *Queries) SetPassword(ctx context.Context, userID int64, hash string) error {
	_, err := q.exec(ctx, `/* SetPassword */ UPDATE users SET password_hash = $2,
		failed_logins = 0, failed_login_since = NULL, locked_until = NULL WHERE id = $1`, userID, hash)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
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

// DeleteUserSessions ends every session of a user except the one whose hash
// is keep ("" ends them all).
func (q *Queries) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	_, err := q.exec(ctx, `/* DeleteUserSessions */ DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return fmt.Errorf("delete user sessions: %w", err)
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

// SetBilling sets a participant's plan and Stripe customer id.
func (q *Queries) SetBilling(ctx context.Context, participantID int64, plan, stripeCustomerID string) error {
	res, err := q.exec(ctx, `/* SetBilling */ UPDATE participants SET plan = $2, stripe_customer_id = $3 WHERE id = $1`,
		participantID, plan, stripeCustomerID)
	if err != nil {
		return fmt.Errorf("set billing: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	return nil
}
