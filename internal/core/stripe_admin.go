package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// stripeEventsListed is how many Stripe events the admin page lists.
const stripeEventsListed = 50

// StripeSync is what the admin's Stripe page shows of the billing sync.
type StripeSync struct {
	Events     []referralhub.StripeEvent // the latest received, newest first
	Types      []string                  // the event types to subscribe the endpoint to
	APIVersion string                    // the API version events must be sent in
	APIKey     bool                      // REFERRALHUB_STRIPE_SECRET_KEY is set: customers are fetched, codes made, trials extended
}

// StripeSync returns the billing sync's state for an admin.
func (s *Service) StripeSync(ctx context.Context, viewer referralhub.User) (StripeSync, error) {
	if !viewer.IsAdmin {
		return StripeSync{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see this.")
	}
	events, err := s.db.Read().RecentStripeEvents(ctx, stripeEventsListed)
	return StripeSync{Events: events, Types: StripeEventTypes(), APIVersion: stripepay.APIVersion, APIKey: s.payments != nil}, err
}

// RetryStripeEvent applies a failed Stripe event again, as it was
// received, and records who asked in the audit log.
func (s *Service) RetryStripeEvent(ctx context.Context, viewer referralhub.User, id string) error {
	if !viewer.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can retry Stripe events.")
	}
	now := s.now()
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		retries, ok, err := q.RetryStripeEvent(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return referralhub.Errorf(referralhub.ENOTFOUND, "That Stripe event did not fail, or was never received.")
		}
		if err := s.enqueueStripeEvent(ctx, q, id, retries); err != nil {
			return err
		}
		return s.audit(ctx, q, viewer, "stripe.retry", "Stripe event "+id, "", now)
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "stripe event retried by admin", "stripe_event", id, "admin_id", viewer.ID)
	s.jobsQueued()
	return nil
}

// forgetStripe removes what the billing sync holds about a participant
// whose account is deleted: their customer links, subscriptions and
// promotion code (it attributes nobody any more; Stripe keeps it until it
// is archived there), and the payloads of the events that matched them.
func (s *Service) forgetStripe(ctx context.Context, q *storage.Queries, participantID int64) error {
	if err := q.UnlinkStripeCustomersOf(ctx, participantID); err != nil {
		return err
	}
	if err := q.DeleteStripeSubscriptionsOf(ctx, participantID); err != nil {
		return err
	}
	if err := q.DeleteStripePromotionCode(ctx, participantID); err != nil {
		return err
	}
	s.promos.Forget(participantID)
	return q.ForgetStripeEventsOf(ctx, participantID)
}
