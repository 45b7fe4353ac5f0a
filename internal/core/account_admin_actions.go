package core

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// MaxPointsAdjustment bounds one adjustment, either way.
const MaxPointsAdjustment = 1_000_000

// AdminBanUser bans a user's participant (see Ban), with an optional
// reason for the audit log.
func (s *Service) AdminBanUser(ctx context.Context, admin referralhub.User, userID int64, reason string) error {
	acc, err := s.accountOf(ctx, admin, userID)
	if err != nil {
		return err
	}
	if err := validReason(reason, false); err != nil {
		return err
	}
	if acc.ID == admin.ID {
		return referralhub.Errorf(referralhub.EINVALID, "You cannot ban yourself.")
	}
	return s.Ban(ctx, admin, acc.Participant.ID, reason)
}

// AdminUnbanUser lifts a user's ban: their link works again and the
// referral that brought them is settled anew (it counts again for its
// referrer when its rewards may run). Rewards the ban cancelled stay
// cancelled: the ledger is never rewritten; an admin can adjust points.
func (s *Service) AdminUnbanUser(ctx context.Context, admin referralhub.User, userID int64, reason string) error {
	acc, err := s.accountOf(ctx, admin, userID)
	if err != nil {
		return err
	}
	if err := validReason(reason, false); err != nil {
		return err
	}
	pid, now := acc.Participant.ID, s.now()
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		lifted, err := q.UnbanParticipant(ctx, pid)
		if err != nil || !lifted {
			return err // not banned: nothing to do
		}
		if err := q.BumpCacheVersion(ctx, storage.CacheCodes); err != nil { // other instances read the code again
			return err
		}
		if acc.ReferralID != 0 {
			if err := s.settleReferral(ctx, q, acc.ReferralID, now); err != nil {
				return err
			}
		}
		if err := s.refreshBoardStanding(ctx, q, pid); err != nil {
			return err
		}
		return s.audit(ctx, q, admin, "participant.unban", fmt.Sprintf("participant %d", pid), reason, now)
	})
	if err == nil {
		s.forgetParticipantCode(ctx, pid) // this instance cached the code as unknown
	}
	return err
}

// AdminAdjustPoints gives (delta > 0) or takes (delta < 0) points from a
// user as a ledger entry of its own, an adjustment carrying the reason,
// chained like every entry; rewards already in the ledger are never
// edited. Taking more than they have available is refused. key is the
// form's one-time key: submitting the same form twice adjusts once.
func (s *Service) AdminAdjustPoints(ctx context.Context, admin referralhub.User, userID, delta int64, reason, key string) (referralhub.Reward, error) {
	acc, err := s.accountOf(ctx, admin, userID)
	if err != nil {
		return referralhub.Reward{}, err
	}
	if delta == 0 || delta > MaxPointsAdjustment || delta < -MaxPointsAdjustment {
		return referralhub.Reward{}, referralhub.Errorf(referralhub.EINVALID,
			"Give a whole number of points between -%d and %d, not 0.", MaxPointsAdjustment, MaxPointsAdjustment)
	}
	if err := validReason(reason, true); err != nil {
		return referralhub.Reward{}, err
	}
	if key == "" || len(key) > 100 || !IsText(key) {
		return referralhub.Reward{}, referralhub.Errorf(referralhub.EINVALID, "The form expired: reload the page and try again.")
	}
	now := s.now()
	pid := acc.Participant.ID
	entry := referralhub.Reward{ParticipantID: pid, Entry: referralhub.EntryAdjustment, Kind: referralhub.KindPoints,
		Amount: delta, Status: referralhub.StatusApproved, Reason: reason, CreditedAt: now, ApprovedAt: now}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.LockParticipant(ctx, pid); err != nil {
			return err
		}
		inserted, err := q.InsertReward(ctx, &entry, "adjust:"+key)
		if err != nil {
			return err
		}
		if !inserted {
			return referralhub.Errorf(referralhub.ECONFLICT, "That adjustment was already made.")
		}
		bs, err := q.Balances(ctx, pid) // after the entry: it must not go below zero
		if err != nil {
			return err
		}
		if pointsOf(bs) < 0 {
			return referralhub.Errorf(referralhub.EINVALID, "%s has only %d points available: take at most that.",
				acc.Username, pointsOf(bs)-delta)
		}
		detail := fmt.Sprintf("%+d points (entry %d): %s", delta, entry.ID, reason)
		return s.audit(ctx, q, admin, "participant.points", fmt.Sprintf("participant %d", pid), detail, now)
	})
	return entry, err
}

// AdminSetAdmin gives or takes a user's admin rights. An admin cannot take
// their own (another admin must), so the program always keeps one.
func (s *Service) AdminSetAdmin(ctx context.Context, admin referralhub.User, userID int64, makeAdmin bool) error {
	acc, err := s.accountOf(ctx, admin, userID)
	if err != nil {
		return err
	}
	if !makeAdmin && acc.ID == admin.ID {
		return referralhub.Errorf(referralhub.EINVALID, "You cannot remove your own admin rights: ask another admin.")
	}
	action := "admin.grant"
	if !makeAdmin {
		action = "admin.revoke"
	}
	now := s.now()
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		changed, err := q.SetUserAdmin(ctx, userID, makeAdmin)
		if err != nil || !changed {
			return err
		}
		return s.audit(ctx, q, admin, action, userSubject(userID), acc.Username, now)
	})
}
