package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// applySubscription applies a customer.subscription.* event: the
// subscription is kept as the event left it (an older event arriving late
// changes nothing), and its participant's plan follows: paid while one of
// their subscriptions is active, free otherwise, trialing included. A
// subscription that starts a trial takes the trial_days rewards waiting.
func (s *Service) applySubscription(ctx context.Context, e referralhub.StripeEvent, sub stripepay.Subscription) error {
	payer := stripePayer{customerID: sub.CustomerID}
	if err := s.fetchStripeCustomer(ctx, &payer); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		o, err := s.recordSubscription(ctx, q, e, sub, payer, now)
		if err != nil {
			return err
		}
		return s.finishStripeEvent(ctx, q, e, o)
	})
}

// recordSubscription is applySubscription's transaction, less the outcome.
func (s *Service) recordSubscription(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, sub stripepay.Subscription,
	payer stripePayer, now time.Time) (stripeOutcome, error) {
	m, err := s.matchStripePayer(ctx, q, payer, now)
	if err != nil {
		return stripeOutcome{}, err
	}
	saved, err := q.SaveStripeSubscription(ctx, storage.StripeSubscription{ID: sub.ID, CustomerID: sub.CustomerID,
		ParticipantID: m.participantID, Status: sub.Status, TrialEnd: sub.TrialEnd, EventAt: e.CreatedAt, UpdatedAt: now})
	switch {
	case err != nil:
		return stripeOutcome{}, err
	case !saved:
		return stripeOutcome{outcome: referralhub.StripeIgnored, participantID: m.participantID,
			detail: "Older than the subscription's latest event, applied already."}, nil
	case m.participantID == 0:
		return stripeOutcome{outcome: referralhub.StripeUnmatched, detail: "No participant matched " + payer.describe() + "."}, nil
	}
	plan, err := s.syncPlan(ctx, q, m.participantID)
	if err != nil {
		return stripeOutcome{}, err
	}
	o := stripeOutcome{outcome: referralhub.StripeRecorded, participantID: m.participantID,
		detail: fmt.Sprintf("Subscription %s is %s: participant %d (matched by %s) is on the %s plan.", sub.ID, sub.Status,
			m.participantID, m.by, plan)}
	if sub.Trialing() {
		n, err := s.extendWaitingTrials(ctx, q, m.participantID, now)
		if err != nil {
			return o, err
		}
		if n > 0 {
			o.detail += fmt.Sprintf(" Its trial is extended by %d waiting trial_days reward(s).", n)
		}
	}
	return o, nil
}

// syncPlan sets a participant's plan from their Stripe subscriptions:
// paid while one is active, free otherwise. It returns the plan.
func (s *Service) syncPlan(ctx context.Context, q *storage.Queries, participantID int64) (string, error) {
	subs, err := q.StripeSubscriptionsOf(ctx, participantID)
	if err != nil {
		return "", err
	}
	plan := referralhub.PlanFree
	for _, sub := range subs {
		if (stripepay.Subscription{Status: sub.Status}).Active() {
			plan = referralhub.PlanPaid
		}
	}
	changed, err := q.SetPlan(ctx, participantID, plan)
	if changed {
		s.log.InfoContext(ctx, "plan set from stripe", "participant_id", participantID, "plan", plan)
	}
	return plan, err
}
