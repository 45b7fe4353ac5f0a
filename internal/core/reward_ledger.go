package core

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// reverseFor takes back what a refunded purchase earned: a reward still on
// hold is cancelled; an available or paid-out one is marked reversed and
// balanced by a clawback entry. Paid-out ones are flagged for the admin.
func (s *Service) reverseFor(ctx context.Context, q *storage.Queries, refund referralhub.Event) error {
	purchase, err := q.EventByKey(ctx, refund.ParticipantID, refund.PurchaseKey)
	if err != nil {
		return err
	}
	rewards, err := q.EventRewards(ctx, purchase.ID)
	if err != nil {
		return err
	}
	return s.takeBack(ctx, q, rewards, refund.ID, "refunded")
}

// takeBack withdraws rewards: one still pending is cancelled; an available
// or paid-out one is marked reversed and balanced by a clawback entry
// (because, for instance, "refunded" or "rejected"), tied to eventID when
// an event caused it. Paid-out ones are flagged for the admin.
func (s *Service) takeBack(ctx context.Context, q *storage.Queries, rewards []referralhub.Reward, eventID int64, because string) error {
	now := s.now()
	for _, r := range rewards {
		if r.Status == referralhub.StatusPending {
			cancelled, err := q.CancelReward(ctx, r.ID, now)
			if err != nil {
				return err
			}
			if cancelled {
				if err := s.emitReward(ctx, q, webhook.RewardReversed, r); err != nil {
					return err
				}
				continue
			}
		}
		reversed, err := q.ReverseReward(ctx, r.ID, now)
		if err != nil {
			return err
		}
		if !reversed {
			continue // reversed or cancelled already
		}
		if err := s.emitReward(ctx, q, webhook.RewardReversed, r); err != nil {
			return err
		}
		claw := referralhub.Reward{ParticipantID: r.ParticipantID, Side: r.Side, Entry: referralhub.EntryClawback,
			RuleID: r.RuleID, ReferralID: r.ReferralID, EventID: eventID, ReversesID: r.ID, Kind: r.Kind,
			Amount: -r.Amount, Currency: r.Currency, PercentOff: r.PercentOff, Status: referralhub.StatusApproved,
			Reason: "Reversed: " + r.Reason + " (" + because + ")", CreditedAt: now, ApprovedAt: now}
		if _, err := q.InsertReward(ctx, &claw, ""); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "reward reversed", "reward_id", r.ID, "was", r.Status)
	}
	return nil
}

// runReleaseJob approves a reward whose hold has ended, and tells its owner.
func (s *Service) runReleaseJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		r, err := q.Reward(ctx, p.RewardID)
		if err != nil {
			return ignoreGone(err)
		}
		gate, err := s.gateFor(ctx, q, r)
		if err != nil {
			return err
		}
		switch gate {
		case gateClosed: // rejected meanwhile, or the referrer was banned
			cancelled, err := q.CancelReward(ctx, r.ID, now)
			if err != nil || !cancelled {
				return err
			}
			return s.emitReward(ctx, q, webhook.RewardReversed, r)
		case gateWaiting:
			return nil // released when the review or the verification ends
		}
		approved, err := q.ApproveReward(ctx, p.RewardID, now)
		if err != nil || !approved {
			return err // cancelled meanwhile, or approved by an earlier run
		}
		if err := s.rewardApproved(ctx, q, r); err != nil {
			return err
		}
		return s.enqueue(ctx, q, JobMail, "mail:reward_ready:"+strconv.FormatInt(p.RewardID, 10), now,
			jobPayload{Mail: mailRewardReady, RewardID: p.RewardID})
	})
}

// RewardsPage is what the rewards page shows a participant.
type RewardsPage struct {
	Rewards []referralhub.Reward // a page of the history, newest first
	// Older is the cursor of the next, older page ("" when this is the
	// last); Paged is true when this page is not the newest.
	Older    string
	Paged    bool
	Balances []referralhub.Balance
	Program  referralhub.Program
	// CanBuyCoupon: points redemption is on and the balance covers one.
	CanBuyCoupon bool
	Points       int64 // available points
	Stripe       bool  // coupons and Stripe credit can be redeemed
}

// rewardsPageSize is how many entries a page of the reward history lists.
const rewardsPageSize = 50

// Rewards returns the newest page of a participant's ledger, with their
// balances and the program, for the rewards page.
func (s *Service) Rewards(ctx context.Context, participantID int64) (RewardsPage, error) {
	return s.RewardsBefore(ctx, participantID, "")
}

// RewardsBefore is Rewards with the page of the history that cursor (a
// RewardsPage's Older) names; a cursor that is not one gives the newest.
func (s *Service) RewardsBefore(ctx context.Context, participantID int64, cursor string) (RewardsPage, error) {
	q := s.db.Read()
	var page RewardsPage
	var err error
	at, id, ok := parseRewardCursor(cursor)
	if ok {
		page.Rewards, err = q.ParticipantRewardsBefore(ctx, participantID, at, id, rewardsPageSize+1)
	} else {
		page.Rewards, err = q.ParticipantRewards(ctx, participantID, rewardsPageSize+1)
	}
	if err != nil {
		return page, err
	}
	page.Paged = ok
	if len(page.Rewards) > rewardsPageSize {
		page.Rewards = page.Rewards[:rewardsPageSize]
		last := page.Rewards[rewardsPageSize-1]
		page.Older = strconv.FormatInt(last.CreditedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(last.ID, 10)
	}
	if page.Balances, err = q.Balances(ctx, participantID); err != nil {
		return page, err
	}
	if page.Program, err = s.Program(ctx); err != nil {
		return page, err
	}
	page.Points = pointsOf(page.Balances)
	page.CanBuyCoupon = page.Program.PointsPerCoupon > 0 && page.Points >= page.Program.PointsPerCoupon && s.payments != nil
	page.Stripe = s.payments != nil
	return page, nil
}

// parseRewardCursor reads a cursor made by RewardsBefore: the credit time
// in microseconds and the id of the last entry of the page before.
func parseRewardCursor(cursor string) (time.Time, int64, bool) {
	micros, id, found := strings.Cut(cursor, "-")
	at, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !found || err1 != nil || err2 != nil || n <= 0 {
		return time.Time{}, 0, false
	}
	return time.UnixMicro(at).UTC(), n, true
}

// pointsOf is the available points among balances.
func pointsOf(bs []referralhub.Balance) int64 {
	for _, b := range bs {
		if b.Kind == referralhub.KindPoints {
			return b.Available
		}
	}
	return 0
}

// RewardsToReview lists rewards reversed after they were paid out, for the
// admin to settle by hand.
func (s *Service) RewardsToReview(ctx context.Context, viewer referralhub.User, limit int) ([]referralhub.Reward, error) {
	if !viewer.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see this.")
	}
	return s.db.Read().RewardsToReview(ctx, limit)
}
