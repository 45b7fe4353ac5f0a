package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// rewardApproved tells the webhooks that a reward became available and,
// when it is trial days and its owner is in a Stripe trial, extends that
// trial. Call it inside the transaction that approved r.
func (s *Service) rewardApproved(ctx context.Context, q *storage.Queries, r referralhub.Reward) error {
	if err := s.emitReward(ctx, q, webhook.RewardApproved, r); err != nil {
		return err
	}
	_, err := s.extendTrialFor(ctx, q, r, s.now())
	return err
}

// extendTrialFor extends the Stripe trial of an available trial_days
// reward's owner by its days, when they are trialing and Stripe is
// configured: the reward is asked for (it leaves the balance, and cannot
// be redeemed by hand), the subscription's new trial end recorded, and a
// job calls Stripe, after which the reward is fulfilled. Rewards add up:
// each extends the end the last one asked for. It reports whether it did.
func (s *Service) extendTrialFor(ctx context.Context, q *storage.Queries, r referralhub.Reward, now time.Time) (bool, error) {
	if r.Kind != referralhub.KindTrialDays || r.Entry != referralhub.EntryReward || r.Amount <= 0 || s.payments == nil {
		return false, nil
	}
	sub, ok, err := trialingSubscription(ctx, q, r.ParticipantID, now)
	if err != nil || !ok {
		return false, err
	}
	if banned, err := q.Banned(ctx, r.ParticipantID); err != nil || banned {
		return false, err
	}
	if err := q.LockStripeSubscription(ctx, sub.ID); err != nil {
		return false, err
	}
	if sub, err = q.StripeSubscriptionByID(ctx, sub.ID); err != nil { // as the lock holder sees it
		return false, err
	}
	asked, err := q.AskRedeem(ctx, r.ID, r.ParticipantID, now)
	if err != nil || !asked {
		return false, err
	}
	to := latest(sub.TrialEnd, sub.TrialExtendedTo).Add(time.Duration(r.Amount) * 24 * time.Hour)
	if err := q.ExtendStripeTrial(ctx, sub.ID, to); err != nil {
		return false, err
	}
	return true, s.enqueue(ctx, q, JobStripeTrial, fmt.Sprintf("stripe_trial:%d", r.ID), now,
		jobPayload{RewardID: r.ID, Subscription: sub.ID})
}

// extendWaitingTrials extends a participant's new trial by their available
// trial_days rewards not yet used, and returns how many.
func (s *Service) extendWaitingTrials(ctx context.Context, q *storage.Queries, participantID int64, now time.Time) (int, error) {
	waiting, err := q.WaitingTrialDays(ctx, participantID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range waiting {
		did, err := s.extendTrialFor(ctx, q, r, now)
		if err != nil {
			return n, err
		}
		if did {
			n++
		}
	}
	return n, nil
}

// trialingSubscription returns a participant's subscription in a trial
// that has not ended, the one ending last.
func trialingSubscription(ctx context.Context, q *storage.Queries, participantID int64, now time.Time) (storage.StripeSubscription, bool, error) {
	subs, err := q.StripeSubscriptionsOf(ctx, participantID)
	if err != nil {
		return storage.StripeSubscription{}, false, err
	}
	for _, sub := range subs {
		if sub.Status == "trialing" && sub.TrialEnd.After(now) {
			return sub, true, nil
		}
	}
	return storage.StripeSubscription{}, false, nil
}

// runStripeTrialJob asks Stripe for the trial end recorded for a reward's
// subscription, the latest any reward asked for, so a retry asks for the
// same state, and marks the reward fulfilled.
func (s *Service) runStripeTrialJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	q := s.db.Write()
	r, err := q.Reward(ctx, p.RewardID)
	if err != nil {
		return err
	}
	if r.Status != referralhub.StatusApproved || r.RedeemAskedAt.IsZero() {
		return nil // reversed meanwhile, or fulfilled by an earlier run
	}
	if s.payments == nil {
		return referralhub.Errorf(referralhub.EINVALID, "Stripe is not configured (REFERRALHUB_STRIPE_SECRET_KEY).")
	}
	sub, err := q.StripeSubscriptionByID(ctx, p.Subscription)
	if err != nil {
		return err
	}
	to := sub.TrialExtendedTo
	key := fmt.Sprintf("rh-%s-reward-%d-trial-%d", s.keys.install, r.ID, to.Unix())
	if err := s.payments.ExtendTrial(ctx, key, sub.ID, to); err != nil {
		return stripeError(err)
	}
	return s.recordPayout(ctx, r, "", sub.ID, func(q *storage.Queries) (bool, error) {
		return q.MarkFulfilled(ctx, r.ID, s.now(), sub.ID)
	})
}

// latest is the later of two times.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
