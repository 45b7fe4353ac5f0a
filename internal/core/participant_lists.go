package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// MaxPageSize bounds the items of one page of a participant's referrals
// or rewards.
const MaxPageSize = 100

// ReferralPage is one page of the referrals a participant made, by id.
// Next is the id to continue after, 0 at the end.
type ReferralPage struct {
	Referrals []referralhub.ReferralSummary
	Next      int64
}

// RewardPage is one page of a participant's ledger entries, by id. Next
// is the id to continue after, 0 at the end.
type RewardPage struct {
	Rewards []referralhub.Reward
	Next    int64
}

// ParticipantReferrals lists up to limit referrals a participant (by
// reference, see Participant) made, after the one with id after. Pages
// follow ids, so referrals made while a client pages through are neither
// skipped nor repeated: they come last.
func (s *Service) ParticipantReferrals(ctx context.Context, ref string, after int64, limit int) (ReferralPage, error) {
	p, err := s.lookupParticipant(ctx, ref)
	if err != nil {
		return ReferralPage{}, err
	}
	limit = pageSize(limit)
	rows, err := s.db.Read().ReferralsAfter(ctx, p.ID, max(after, 0), limit+1)
	if err != nil {
		return ReferralPage{}, err
	}
	page := ReferralPage{Referrals: rows}
	if len(rows) > limit {
		page.Referrals = rows[:limit]
		page.Next = rows[limit-1].ID
	}
	return page, nil
}

// ParticipantRewards lists up to limit of a participant's ledger entries
// after the one with id after, as ParticipantReferrals does referrals.
func (s *Service) ParticipantRewards(ctx context.Context, ref string, after int64, limit int) (RewardPage, error) {
	p, err := s.lookupParticipant(ctx, ref)
	if err != nil {
		return RewardPage{}, err
	}
	limit = pageSize(limit)
	rows, err := s.db.Read().RewardsAfter(ctx, p.ID, max(after, 0), limit+1)
	if err != nil {
		return RewardPage{}, err
	}
	page := RewardPage{Rewards: rows}
	if len(rows) > limit {
		page.Rewards = rows[:limit]
		page.Next = rows[limit-1].ID
	}
	return page, nil
}

// pageSize keeps a requested page size within 1 and MaxPageSize.
func pageSize(limit int) int { return min(max(limit, 1), MaxPageSize) }
