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
// link stops working (it answers like an unknown code).
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
	pending, err := q.PendingRewards(ctx, 0, participantID)
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
	if err := s.refreshBoardStanding(ctx, q, participantID); err != nil {
		return err
	}
	return s.audit(ctx, q, admin, "participant.ban", fmt.Sprintf("participant %d", participantID), why, now)
}

// forgetParticipantCode drops a participant's code from this instance's
// code cache, so a ban takes effect at once here; other instances drop
// their whole code cache within CodeWatchEvery, when they see the codes'
// version move (WatchCodes).
func (s *Service) forgetParticipantCode(ctx context.Context, participantID int64) {
	p, err := s.db.Read().Participant(ctx, participantID)
	if err == nil {
		s.codes.Forget(p.Code)
	}
}
