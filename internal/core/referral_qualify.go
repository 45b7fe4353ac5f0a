package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// settleReferral brings a referral's qualification, and both parties'
// place on the leaderboard, in line with its reward gate: a referral
// qualifies while its rewards may run. Call it inside InTx after anything
// that can move the gate: the signup, the friend's verification, a review
// decision, a new risk score.
func (s *Service) settleReferral(ctx context.Context, q *storage.Queries, referralID int64, now time.Time) error {
	parties, err := q.ReferralPartiesByID(ctx, referralID)
	if err != nil {
		return ignoreGone(err)
	}
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return err
	}
	if rewardGate(prog.FraudOrDefault(), parties) == gateOpen {
		err = s.qualify(ctx, q, prog, referralID, now)
	} else {
		err = s.unqualify(ctx, q, referralID)
	}
	if err != nil {
		return err
	}
	if err := s.refreshBoardStanding(ctx, q, parties.ReferrerID); err != nil {
		return err
	}
	return s.refreshBoardStanding(ctx, q, parties.RefereeID)
}

// qualify counts a referral for its referrer, on the leaderboards too, and
// awards the tiers and badges that count reaches.
func (s *Service) qualify(ctx context.Context, q *storage.Queries, prog referralhub.Program, referralID int64, now time.Time) error {
	got, ok, err := q.QualifyReferral(ctx, referralID, now)
	if err != nil || !ok {
		return err
	}
	s.forgetBoards(now)
	for _, period := range boardPeriods() {
		if err := q.BumpLeaderboard(ctx, referralhub.BoardPeriodKey(period, now), got.ReferrerID, 1, now); err != nil {
			return err
		}
	}
	return s.achieve(ctx, q, prog, got.ReferrerID, got.Count-1, got.Count, now)
}

// unqualify takes a referral's count back, from the leaderboard periods in
// which it qualified. Tiers and badges already earned stay earned.
func (s *Service) unqualify(ctx context.Context, q *storage.Queries, referralID int64) error {
	got, ok, err := q.UnqualifyReferral(ctx, referralID)
	if err != nil || !ok {
		return err
	}
	s.forgetBoards(got.QualifiedAt, s.now())
	for _, period := range boardPeriods() {
		if err := q.BumpLeaderboard(ctx, referralhub.BoardPeriodKey(period, got.QualifiedAt), got.ReferrerID, -1, got.QualifiedAt); err != nil {
			return err
		}
	}
	return nil
}
