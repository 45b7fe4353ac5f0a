// users: passwords and the login lock (failed_logins, failed_login_since, locked_until).

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// LoginState is what a password login needs beyond the user.
type LoginState struct {
	PasswordHash string
	LockedUntil  time.Time // zero when not locked
}

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
