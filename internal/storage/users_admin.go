// users: one user as the admin's user page shows it, and the admin's
// changes to an account (admin rights, a ban lifted).

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/referralhub/referralhub"
)

// UserAccount is a user with their participant as the admin's user page
// shows them.
type UserAccount struct {
	referralhub.User
	Participant referralhub.Participant
	Banned      bool
	ReferralID  int64 // the referral that brought them, 0 when organic
}

// UserAccountByID returns a user and their participant, or ENOTFOUND.
func (q *Queries) UserAccountByID(ctx context.Context, userID int64) (UserAccount, error) {
	var (
		a        UserAccount
		verified sql.NullTime
	)
	p := &a.Participant
	err := q.queryRow(ctx, `/* UserAccountByID */ SELECT u.id, u.email, u.username, u.is_admin, u.created_at, u.email_verified_at,
			p.id, p.code, p.created_at, p.last_seen_at, p.referral_count, p.click_count, p.qualified_count, p.plan,
			p.banned_at IS NOT NULL, COALESCE(r.id, 0)
		FROM users u JOIN participants p ON p.user_id = u.id LEFT JOIN referrals r ON r.referee_id = p.id
		WHERE u.id = $1`, userID).
		Scan(&a.ID, &a.Email, &a.Username, &a.IsAdmin, &a.CreatedAt, &verified,
			&p.ID, &p.Code, &p.CreatedAt, &p.LastSeenAt, &p.ReferralCount, &p.ClickCount, &p.QualifiedCount, &p.Plan,
			&a.Banned, &a.ReferralID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such user.")
	}
	if err != nil {
		return a, fmt.Errorf("user account: %w", err)
	}
	a.CreatedAt, a.EmailVerifiedAt, p.UserID = a.CreatedAt.UTC(), utc(verified), a.ID
	p.CreatedAt, p.LastSeenAt = p.CreatedAt.UTC(), p.LastSeenAt.UTC()
	return a, nil
}

// UnbanParticipant lifts a participant's ban and reports whether they
// were banned.
func (q *Queries) UnbanParticipant(ctx context.Context, participantID int64) (bool, error) {
	res, err := q.exec(ctx, `/* UnbanParticipant */ UPDATE participants SET banned_at = NULL WHERE id = $1 AND banned_at IS NOT NULL`,
		participantID)
	if err != nil {
		return false, fmt.Errorf("unban participant: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetUserAdmin gives or takes a user's admin rights and reports whether
// they changed.
func (q *Queries) SetUserAdmin(ctx context.Context, userID int64, admin bool) (bool, error) {
	res, err := q.exec(ctx, `/* SetUserAdmin */ UPDATE users SET is_admin = $2 WHERE id = $1 AND is_admin <> $2`, userID, admin)
	if err != nil {
		return false, fmt.Errorf("set user admin: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountAdmins counts the users with admin rights.
func (q *Queries) CountAdmins(ctx context.Context) (int64, error) {
	var n int64
	if err := q.queryRow(ctx, `/* CountAdmins */ SELECT count(*) FROM users WHERE is_admin`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count admins: %w", err)
	}
	return n, nil
}

// AccountAudit lists the newest audit entries about a user: those whose
// subject is the user, their participant or the referral that brought
// them (referralID 0 for none).
func (q *Queries) AccountAudit(ctx context.Context, userID, participantID, referralID int64, limit int) ([]referralhub.AuditEntry, error) {
	return queryList(ctx, q, "account audit", `/* AccountAudit */ SELECT id, COALESCE(actor_id, 0), actor, action, subject, detail, created_at
		FROM audit_log WHERE subject IN ($1, $2, $3) ORDER BY id DESC LIMIT $4`,
		func(r rowScanner) (referralhub.AuditEntry, error) {
			var e referralhub.AuditEntry
			err := r.Scan(&e.ID, &e.ActorID, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.CreatedAt)
			e.CreatedAt = e.CreatedAt.UTC()
			return e, err
		}, "user "+strconv.FormatInt(userID, 10), "participant "+strconv.FormatInt(participantID, 10),
		"referral "+strconv.FormatInt(referralID, 10), limit)
}
