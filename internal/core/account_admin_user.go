package core

import (
	"context"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// How much of a user's history their admin page lists.
const (
	accountRows      = 50 // referrals and ledger entries, newest first
	accountAuditRows = 50
)

// UserAccount is everything the admin's page about one user shows: the
// account, their newest referrals and ledger entries, their balances, the
// risk assessment of the referral that brought them and the audit trail.
type UserAccount struct {
	storage.UserAccount
	Referrer  string // who referred them, "" when organic
	Risk      *referralhub.ReviewItem
	Referrals []referralhub.ReferredUser
	Rewards   []referralhub.Reward
	Balances  []referralhub.Balance
	Points    int64 // available points
	Audit     []referralhub.AuditEntry
}

// AdminUserAccount returns one user's page for an admin; anyone else gets
// ENOTFOUND, so the admin area does not reveal itself.
func (s *Service) AdminUserAccount(ctx context.Context, admin referralhub.User, userID int64) (UserAccount, error) {
	if !admin.IsAdmin {
		return UserAccount{}, referralhub.Errorf(referralhub.ENOTFOUND, "Page not found.")
	}
	q := s.db.Read()
	acc, err := q.UserAccountByID(ctx, userID)
	if err != nil {
		return UserAccount{}, err
	}
	a := UserAccount{UserAccount: acc}
	if acc.ReferralID != 0 {
		it, err := q.ReviewItemByID(ctx, acc.ReferralID)
		if err != nil {
			return UserAccount{}, err
		}
		a.Risk, a.Referrer = &it, it.ReferrerName
	}
	pid := acc.Participant.ID
	if a.Referrals, err = q.ReferredUsers(ctx, pid, accountRows, 0); err != nil {
		return UserAccount{}, err
	}
	if a.Rewards, err = q.ParticipantRewards(ctx, pid, accountRows); err != nil {
		return UserAccount{}, err
	}
	if a.Balances, err = q.Balances(ctx, pid); err != nil {
		return UserAccount{}, err
	}
	a.Points = pointsOf(a.Balances)
	a.Audit, err = q.AccountAudit(ctx, userID, pid, acc.ReferralID, accountAuditRows)
	return a, err
}

// accountOf returns the account an admin acts on, refusing anyone but an
// admin.
func (s *Service) accountOf(ctx context.Context, admin referralhub.User, userID int64) (storage.UserAccount, error) {
	if !admin.IsAdmin {
		return storage.UserAccount{}, referralhub.Errorf(referralhub.ENOTFOUND, "Page not found.")
	}
	return s.db.Read().UserAccountByID(ctx, userID)
}

// validReason checks the reason an admin gives for an action.
func validReason(reason string, required bool) error {
	switch {
	case required && reason == "":
		return referralhub.Errorf(referralhub.EINVALID, "Give a reason: it is kept in the audit log.")
	case len(reason) > 500 || !IsText(reason):
		return referralhub.Errorf(referralhub.EINVALID, "Keep the reason to 500 characters of plain text.")
	}
	return nil
}

func userSubject(id int64) string { return "user " + strconv.FormatInt(id, 10) }
