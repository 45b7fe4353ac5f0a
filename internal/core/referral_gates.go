package core

import (
	"context"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Reward gates: what a referral's review, its referrer's standing and the
// friend's verification allow its rewards to do.
const (
	gateOpen    = iota // rewards run normally (after any hold)
	gateWaiting        // rewards stay pending: held or blocked until an admin decides, or the friend has not verified
	gateClosed         // rejected, or either party is banned: rewards are cancelled
)

// rewardGate says what a referral's rewards may do now.
func rewardGate(fraud referralhub.FraudSettings, parties storage.ReferralParties) int {
	if parties.ReferrerBanned || parties.RefereeBanned {
		return gateClosed
	}
	switch parties.Review {
	case referralhub.ReviewRejected:
		return gateClosed
	case referralhub.ReviewHeld, referralhub.ReviewBlocked:
		return gateWaiting // until an admin approves or rejects
	}
	if fraud.RequireVerifiedEmail && !parties.RefereeVerified {
		return gateWaiting
	}
	return gateOpen
}

// releaseReferral approves a referral's pending rewards whose holds have
// ended, when its gate has opened (an admin approved it, or the friend
// verified their email), and tells their owners. Rewards still on hold are
// left to their release jobs, which check the gate again. Call it inside
// InTx.
func (s *Service) releaseReferral(ctx context.Context, q *storage.Queries, referralID int64, now time.Time) error {
	if err := s.settleReferral(ctx, q, referralID, now); err != nil {
		return err
	}
	parties, err := q.ReferralPartiesByID(ctx, referralID)
	if err != nil {
		return ignoreGone(err)
	}
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return err
	}
	if rewardGate(prog.FraudOrDefault(), parties) != gateOpen {
		return nil
	}
	pending, err := q.PendingRewards(ctx, referralID, 0)
	if err != nil {
		return err
	}
	for _, r := range pending {
		if r.HoldUntil.After(now) {
			continue
		}
		approved, err := q.ApproveReward(ctx, r.ID, now)
		if err != nil {
			return err
		}
		if approved {
			if err := s.rewardApproved(ctx, q, r); err != nil {
				return err
			}
			if err := s.enqueue(ctx, q, JobMail, "mail:reward_ready:"+strconv.FormatInt(r.ID, 10), now,
				jobPayload{Mail: mailRewardReady, RewardID: r.ID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// gateFor says what the referral behind a reward lets it do now. Rewards
// without a referral (points spent on coupons) are never gated.
func (s *Service) gateFor(ctx context.Context, q *storage.Queries, r referralhub.Reward) (int, error) {
	if r.ReferralID == 0 {
		return gateOpen, nil
	}
	parties, err := q.ReferralPartiesByID(ctx, r.ReferralID)
	if err != nil {
		return gateWaiting, ignoreGone(err)
	}
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return gateWaiting, err
	}
	return rewardGate(prog.FraudOrDefault(), parties), nil
}

// releaseAfterVerification opens the verification gate for the referral
// that brought a participant who just verified their email.
func (s *Service) releaseAfterVerification(ctx context.Context, q *storage.Queries, participantID int64, now time.Time) error {
	parties, err := q.ReferralPartiesOf(ctx, participantID)
	if err != nil {
		return ignoreGone(err)
	}
	return s.releaseReferral(ctx, q, parties.ID, now)
}

// resettleUnverified settles again, under the program just saved in q's
// transaction, every referral whose friend has not verified: switching the
// email-verification gate on takes them off their referrers' counts and
// ranks (their pending rewards wait; approved ones stay); switching it off
// counts them and approves their pending rewards whose hold has ended.
func (s *Service) resettleUnverified(ctx context.Context, q *storage.Queries, now time.Time) error {
	ids, err := q.UnverifiedReferrals(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.releaseReferral(ctx, q, id, now); err != nil {
			return err
		}
	}
	return nil
}
