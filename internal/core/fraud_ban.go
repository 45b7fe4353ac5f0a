package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// Ban bans a participant: their pending rewards are cancelled and their
// link stops working (it answers like an unknown code). When someone
// referred them, that referral stops counting for its referrer (their
// qualified count, tier and rank) and its rewards still pending, on both
// sides, are cancelled.
func (s *Service) Ban(ctx context.Context, admin referralhub.User, participantID int64, why string) error {
	if !admin.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can ban.")
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error { return s.ban(ctx, q, admin, participantID, why, s.now()) })
	if err == nil {
		s.forgetParticipantCode(ctx, participantID)
	}
	return err
}

func (s *Service) ban(ctx context.Context, q *storage.Queries, admin referralhub.User, participantID int64, why string, now time.Time) error {
	banned, err := q.BanParticipant(ctx, participantID, now)
	if err != nil || !banned {
		return err // banned already: nothing more to do
	}
	if err := q.BumpCacheVersion(ctx, storage.CacheCodes); err != nil { // other instances drop the code
		return err
	}
	if err := s.cancelPending(ctx, q, 0, participantID, now); err != nil {
		return err
	}
	if err := s.closeReferralOf(ctx, q, participantID, now); err != nil {
		return err
	}
	if err := s.refreshBoardStanding(ctx, q, participantID); err != nil {
		return err
	}
	return s.audit(ctx, q, admin, "participant.ban", fmt.Sprintf("participant %d", participantID), why, now)
}

// closeReferralOf settles the referral that brought a banned participant,
// whose gate is now closed (it stops qualifying), and cancels its rewards
// still pending; an organic participant has none.
func (s *Service) closeReferralOf(ctx context.Context, q *storage.Queries, refereeID int64, now time.Time) error {
	parties, err := q.ReferralPartiesOf(ctx, refereeID)
	if err != nil {
		return ignoreGone(err)
	}
	if err := s.settleReferral(ctx, q, parties.ID, now); err != nil {
		return err
	}
	return s.cancelPending(ctx, q, parties.ID, 0, now)
}

// cancelPending cancels the pending rewards of a referral, or of a
// participant (the other id 0), and tells webhooks of each.
func (s *Service) cancelPending(ctx context.Context, q *storage.Queries, referralID, participantID int64, now time.Time) error {
	pending, err := q.PendingRewards(ctx, referralID, participantID)
	if err != nil {
		return err
	}
	for _, r := range pending {
		cancelled, err := q.CancelReward(ctx, r.ID, now)
		if err != nil {
			return err
		}
		if cancelled {
			if err := s.emitReward(ctx, q, webhook.RewardReversed, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// forgetParticipantCode drops a participant's code and old codes from this
// instance's code cache, so a ban takes effect at once here; other instances drop
// their whole code cache within CodeWatchEvery, when they see the codes'
// version move (WatchCodes).
func (s *Service) forgetParticipantCode(ctx context.Context, participantID int64) {
	p, err := s.db.Read().Participant(ctx, participantID)
	if err == nil {
		s.codes.Forget(p.Code)
	}
	if _, old, err := s.db.Read().CodeChoice(ctx, participantID); err == nil {
		for _, c := range old {
			s.codes.Forget(c)
		}
	}
}
