package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// stripeRefund is money a Stripe event takes back from a payment: a
// charge's refunds, or a dispute.
type stripeRefund struct {
	key      string   // the refund event's key
	prefix   string   // the keys of the same charge's refunds start with it
	ids      []string // the ids naming the payment
	refunded int64    // the charge's total refunded so far, or the disputed amount
	currency string
}

// chargeRefundPrefix starts the keys of a charge's refund events; each
// key ends with the charge's total refunded at that refund.
func chargeRefundPrefix(chargeID string) string { return "stripe:refund:" + chargeID + ":" }

// applyChargeRefund applies a charge.refunded event, full or partial. Its
// total refunded tells what is new: a retry or a late copy refunds nothing
// twice.
func (s *Service) applyChargeRefund(ctx context.Context, e referralhub.StripeEvent, c stripepay.Charge) error {
	r := stripeRefund{key: fmt.Sprintf("%s%d", chargeRefundPrefix(c.ID), c.AmountRefunded), prefix: chargeRefundPrefix(c.ID),
		ids: nonEmpty(c.PaymentIntentID, c.ID), refunded: c.AmountRefunded, currency: c.Currency}
	return s.applyRefund(ctx, e, r)
}

// applyDispute applies a dispute as a refund of the disputed amount.
func (s *Service) applyDispute(ctx context.Context, e referralhub.StripeEvent, d stripepay.Dispute) error {
	key := "stripe:dispute:" + d.ID
	return s.applyRefund(ctx, e, stripeRefund{key: key, prefix: key, ids: nonEmpty(d.PaymentIntentID, d.ChargeID),
		refunded: d.Amount, currency: d.Currency})
}

// applyRefund records a refund against the purchase its payment recorded,
// or keeps it until that purchase arrives.
func (s *Service) applyRefund(ctx context.Context, e referralhub.StripeEvent, r stripeRefund) error {
	now := s.now()
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		o, err := s.refundOrKeep(ctx, q, e, r, now)
		if err != nil {
			return err
		}
		return s.finishStripeEvent(ctx, q, e, o)
	})
}

// refundOrKeep is applyRefund's transaction, less the outcome.
func (s *Service) refundOrKeep(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, r stripeRefund, now time.Time) (stripeOutcome, error) {
	if r.refunded <= 0 || len(r.ids) == 0 {
		return stripeOutcome{outcome: referralhub.StripeIgnored, detail: "Nothing was refunded."}, nil
	}
	known, err := q.StripePayments(ctx, r.ids)
	if err != nil {
		return stripeOutcome{}, err
	}
	prior, ok := firstKnown(known, r.ids)
	switch {
	case !ok:
		err := q.AddPendingRefund(ctx, storage.PendingRefund{Key: r.key, PaymentIDs: r.ids, Refunded: r.refunded,
			Currency: r.currency, StripeEventID: e.ID, CreatedAt: now})
		return stripeOutcome{outcome: referralhub.StripeUnmatched, detail: "Waiting for its purchase: applied when the payment " +
			strings.Join(r.ids, " / ") + " arrives."}, err
	case prior.ParticipantID == 0:
		return stripeOutcome{outcome: referralhub.StripeUnmatched, detail: "A refund of a payment that matched nobody."}, nil
	}
	return s.recordStripeRefund(ctx, q, e, r, prior, now)
}

// recordStripeRefund records what r refunds beyond the refunds of the same
// charge recorded before, as a refund of the purchase: like any refund it
// reverses what the purchase earned, also when it is partial.
func (s *Service) recordStripeRefund(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, r stripeRefund,
	purchase storage.StripePayment, now time.Time) (stripeOutcome, error) {
	o := stripeOutcome{outcome: referralhub.StripeIgnored, participantID: purchase.ParticipantID}
	done, err := q.RefundedOf(ctx, purchase.ParticipantID, purchase.PurchaseKey, r.prefix)
	if err != nil {
		return o, err
	}
	amount, currency := r.refunded-done, strings.ToLower(r.currency)
	if amount <= 0 {
		o.detail = "Refunded already: recorded before."
		return o, nil
	}
	if amount > maxRewardAmount || !isCurrency(currency) {
		return o, referralhub.Errorf(referralhub.EINVALID, "A refund of %d %q cannot be recorded.", amount, r.currency)
	}
	bought, err := q.EventByKey(ctx, purchase.ParticipantID, purchase.PurchaseKey)
	if err != nil {
		return o, err
	}
	ev := referralhub.Event{ParticipantID: purchase.ParticipantID, Name: referralhub.EventRefund, Key: r.key, Amount: amount,
		Currency: currency, PurchaseKey: purchase.PurchaseKey, CreatedAt: now}
	if err := s.recordStripeEvent(ctx, q, e, &ev, r.ids); err != nil {
		return o, err
	}
	o.outcome, o.eventID = referralhub.StripeRecorded, ev.ID
	o.detail = fmt.Sprintf("%s of %s recorded against purchase %s of %s; the purchase's rewards are reversed.",
		refundWord(r, bought.Amount), FormatMoney(amount, currency), purchase.PurchaseKey, FormatMoney(bought.Amount, bought.Currency))
	return o, nil
}

// refundWord names a refund in an outcome: a dispute, a full or a partial
// refund.
func refundWord(r stripeRefund, paid int64) string {
	switch {
	case strings.HasPrefix(r.key, "stripe:dispute:"):
		return "Dispute"
	case r.refunded < paid:
		return "Partial refund"
	}
	return "Refund"
}

// applyPendingRefunds applies the refunds that came before the purchase
// just recorded for a payment, in its transaction, and records their
// events' outcomes.
func (s *Service) applyPendingRefunds(ctx context.Context, q *storage.Queries, ids []string, key string, participantID int64, now time.Time) error {
	pending, err := q.PendingRefundsFor(ctx, ids)
	if err != nil {
		return err
	}
	purchase := storage.StripePayment{ParticipantID: participantID, PurchaseKey: key}
	for _, p := range pending {
		e, err := q.StripeEvent(ctx, p.StripeEventID)
		if err != nil {
			return err
		}
		r := stripeRefund{key: p.Key, prefix: refundPrefixOf(p.Key), ids: ids, refunded: p.Refunded, currency: p.Currency}
		o, err := s.recordStripeRefund(ctx, q, e, r, purchase, now)
		if err != nil {
			return err
		}
		o.detail = "Applied when its purchase arrived: " + o.detail
		if err := q.MarkPendingRefundApplied(ctx, p.Key, now); err != nil {
			return err
		}
		if err := s.finishStripeEvent(ctx, q, e, o); err != nil {
			return err
		}
	}
	return nil
}

// refundPrefixOf is the prefix of a refund key's charge: a charge refund's
// key less its total, a dispute's whole key.
func refundPrefixOf(key string) string {
	if strings.HasPrefix(key, "stripe:refund:") {
		return key[:strings.LastIndexByte(key, ':')+1]
	}
	return key
}
