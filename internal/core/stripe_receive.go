package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// StripeEventTypes lists the Stripe event types the billing sync acts on:
// the ones to subscribe the webhook endpoint to.
func StripeEventTypes() []string { return stripepay.EventTypes() }

// ReceiveStripeEvent stores an event Stripe sent, whose signature the
// caller checked, and queues the job that applies it, so the webhook can
// answer at once. An event stored already changes nothing: Stripe's
// retries and replays are harmless. The one exception is an event that
// failed, which changed nothing either: sent again (resent from Stripe's
// dashboard, say after its API version was fixed), it replaces the stored
// copy and runs again.
func (s *Service) ReceiveStripeEvent(ctx context.Context, h stripepay.EventHeader, payload []byte) error {
	e := referralhub.StripeEvent{ID: h.ID, Type: h.Type, APIVersion: h.APIVersion, Livemode: h.Livemode,
		Payload: payload, CreatedAt: h.Created, ReceivedAt: s.now()}
	queued := false
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		inserted, err := q.InsertStripeEvent(ctx, e)
		if err != nil {
			return err
		}
		retries := 0
		if !inserted {
			var resent bool
			if retries, resent, err = q.ResendStripeEvent(ctx, e); err != nil || !resent {
				return err
			}
		}
		queued = true
		return s.enqueueStripeEvent(ctx, q, e.ID, retries)
	})
	if err != nil {
		return err
	}
	if queued {
		s.jobsQueued()
	}
	s.log.InfoContext(ctx, "stripe event received", "stripe_event", e.ID, "type", e.Type, "new", queued)
	return nil
}

// enqueueStripeEvent queues the job that applies a Stripe event; each
// retry of it has a job of its own.
func (s *Service) enqueueStripeEvent(ctx context.Context, q *storage.Queries, id string, retries int) error {
	return s.enqueue(ctx, q, JobStripeEvent, fmt.Sprintf("stripe_event:%s:%d", id, retries), s.now(),
		jobPayload{StripeEvent: id})
}

// runStripeEventJob applies a stored Stripe event once. An error that will
// not go away (or the last attempt's) fails the event for the admin, who
// may retry it.
func (s *Service) runStripeEventJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	e, err := s.db.Write().StripeEvent(ctx, p.StripeEvent)
	if err != nil || e.Outcome != referralhub.StripePending {
		return err // applied already: a duplicate job
	}
	err = s.applyStripeEvent(ctx, e)
	if err == nil {
		s.jobsQueued()
		return nil
	}
	if code := referralhub.ErrorCode(err); code == referralhub.EINVALID || code == referralhub.ENOTFOUND || j.Attempts >= j.MaxAttempts {
		e.Outcome, e.Detail, e.ProcessedAt = referralhub.StripeFailed, failureOf(err), s.now()
		if ferr := s.db.Write().SetStripeOutcome(ctx, e); ferr != nil {
			return errors.Join(err, ferr)
		}
		s.log.WarnContext(ctx, "stripe event failed", "stripe_event", e.ID, "type", e.Type, "err", err)
	}
	return err
}

// failureOf says why an event failed: an application error's message, or
// the error itself (the admin page is for admins only).
func failureOf(err error) string {
	var e *referralhub.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// stripeOutcome is what came of a Stripe event.
type stripeOutcome struct {
	outcome       string
	detail        string
	participantID int64
	eventID       int64
}

// finishStripeEvent records what came of e, in q's transaction.
func (s *Service) finishStripeEvent(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, o stripeOutcome) error {
	e.Outcome, e.Detail, e.ParticipantID, e.EventID, e.ProcessedAt = o.outcome, o.detail, o.participantID, o.eventID, s.now()
	return q.SetStripeOutcome(ctx, e)
}

// applyStripeEvent does what a Stripe event means, by its type: payments
// become purchases, refunds and disputes refunds, subscriptions set plans.
func (s *Service) applyStripeEvent(ctx context.Context, e referralhub.StripeEvent) error {
	if !stripepay.CompatibleAPIVersion(e.APIVersion) {
		return referralhub.Errorf(referralhub.EINVALID, "%s", stripepay.VersionMismatch(e.APIVersion))
	}
	ev, err := stripepay.ParseEvent(e.Payload)
	if err != nil {
		return err
	}
	switch {
	case ev.Checkout != nil:
		return s.applyCheckout(ctx, e, *ev.Checkout)
	case ev.Invoice != nil:
		return s.applyInvoice(ctx, e, *ev.Invoice)
	case ev.Charge != nil:
		return s.applyChargeRefund(ctx, e, *ev.Charge)
	case ev.Dispute != nil:
		return s.applyDispute(ctx, e, *ev.Dispute)
	case ev.Subscription != nil:
		return s.applySubscription(ctx, e, *ev.Subscription)
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		return s.finishStripeEvent(ctx, q, e, stripeOutcome{outcome: referralhub.StripeIgnored,
			detail: "ReferralHub does not act on " + e.Type + " events."})
	})
}
