package core

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// stripePayment is a payment a Stripe event reports.
type stripePayment struct {
	ids      []string // every id it is known by; the purchase is keyed by the first
	paid     bool
	amount   int64 // minor units
	currency string
	payer    stripePayer
}

// applyCheckout applies a completed Checkout Session: the payer is matched
// (and attributed, when they used a promotion code), and a paid one is a
// purchase.
func (s *Service) applyCheckout(ctx context.Context, e referralhub.StripeEvent, c stripepay.Checkout) error {
	return s.applyPayment(ctx, e, stripePayment{ids: nonEmpty(c.PaymentIntentID, c.InvoiceID, c.ID), paid: c.Paid,
		amount: c.Amount, currency: c.Currency, payer: stripePayer{customerID: c.CustomerID, email: c.Email, name: c.Name,
			clientReference: c.ClientReferenceID, promotionCodes: c.PromotionCodeIDs, anchor: firstNonEmpty(c.CustomerID, c.ID)}})
}

// applyInvoice applies a paid invoice. Its payments and discounts' codes
// are asked of Stripe when the event left them out.
func (s *Service) applyInvoice(ctx context.Context, e referralhub.StripeEvent, inv stripepay.Invoice) error {
	if s.payments != nil && (!inv.PaymentsKnown || len(inv.DiscountIDs) > 0) {
		d, err := s.payments.InvoiceDetails(ctx, inv.ID)
		if err != nil {
			return stripeError(err)
		}
		inv.PaymentIntentIDs = appendNew(inv.PaymentIntentIDs, d.PaymentIntentIDs...)
		inv.PromotionCodeIDs = appendNew(inv.PromotionCodeIDs, d.PromotionCodeIDs...)
	}
	return s.applyPayment(ctx, e, stripePayment{ids: appendNew(inv.PaymentIntentIDs, inv.ID), paid: true,
		amount: inv.AmountPaid, currency: inv.Currency, payer: stripePayer{customerID: inv.CustomerID, email: inv.Email,
			name: inv.Name, promotionCodes: inv.PromotionCodeIDs, anchor: firstNonEmpty(inv.CustomerID, inv.ID)}})
}

// applyPayment records a payment as its payer's purchase, once whichever
// of its events arrive: a payment known by any of its ids is the purchase
// recorded for it. Refunds that came before it are applied with it.
func (s *Service) applyPayment(ctx context.Context, e referralhub.StripeEvent, pay stripePayment) error {
	if err := s.fetchStripeCustomer(ctx, &pay.payer); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		o, err := s.recordStripePayment(ctx, q, e, pay, s.now())
		if err != nil {
			return err
		}
		return s.finishStripeEvent(ctx, q, e, o)
	})
}

// recordStripePayment is applyPayment's transaction, less the outcome.
func (s *Service) recordStripePayment(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, pay stripePayment, now time.Time) (stripeOutcome, error) {
	known, err := q.StripePayments(ctx, pay.ids)
	if err != nil {
		return stripeOutcome{}, err
	}
	if prior, ok := firstKnown(known, pay.ids); ok {
		return samePayment(prior), q.AddStripePayments(ctx, pay.ids, prior, now)
	}
	m, err := s.matchStripePayer(ctx, q, pay.payer, now)
	if err != nil {
		return stripeOutcome{}, err
	}
	charged := pay.paid && pay.amount > 0
	if m.participantID == 0 {
		o := stripeOutcome{outcome: referralhub.StripeUnmatched, detail: "No participant matched " + pay.payer.describe() + "."}
		if charged { // its refunds are then known to match nobody either
			err = q.AddStripePayments(ctx, pay.ids, storage.StripePayment{}, now)
		}
		return o, err
	}
	note, err := s.attributeByPromotion(ctx, q, m.participantID, m.referrerID, now)
	if err != nil {
		return stripeOutcome{}, err
	}
	o := stripeOutcome{outcome: referralhub.StripeRecorded, participantID: m.participantID}
	if !charged {
		o.detail = fmt.Sprintf("Nothing was paid; %s is participant %d (by %s).%s", pay.payer.describe(), m.participantID, m.by, note)
		return o, nil
	}
	if o.eventID, err = s.recordStripePurchase(ctx, q, e, m.participantID, pay, now); err != nil {
		return o, err
	}
	o.detail = fmt.Sprintf("Purchase of %s recorded for participant %d (matched by %s).%s",
		FormatMoney(pay.amount, pay.currency), m.participantID, m.by, note)
	return o, s.applyPendingRefunds(ctx, q, pay.ids, purchaseKey(pay.ids), m.participantID, now)
}

// samePayment is the outcome of an event about a payment recorded before.
func samePayment(prior storage.StripePayment) stripeOutcome {
	if prior.ParticipantID == 0 {
		return stripeOutcome{outcome: referralhub.StripeUnmatched, detail: "A payment that matched nobody before."}
	}
	return stripeOutcome{outcome: referralhub.StripeIgnored, participantID: prior.ParticipantID,
		detail: "The same payment as purchase " + prior.PurchaseKey + ", recorded already."}
}

// purchaseKey is the key of the purchase event a payment records.
func purchaseKey(ids []string) string { return "stripe:" + ids[0] }

// recordStripePurchase records a payment as a purchase event of the
// participant, which the program's rules reward, keeps the ids that name
// it, and returns the event's id.
func (s *Service) recordStripePurchase(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, participantID int64,
	pay stripePayment, now time.Time) (int64, error) {
	currency := strings.ToLower(pay.currency)
	if pay.amount > maxRewardAmount || !isCurrency(currency) {
		return 0, referralhub.Errorf(referralhub.EINVALID, "A payment of %d %q cannot be recorded as a purchase.", pay.amount, pay.currency)
	}
	ev := referralhub.Event{ParticipantID: participantID, Name: referralhub.EventPurchase, Key: purchaseKey(pay.ids),
		Amount: pay.amount, Currency: currency, CreatedAt: now}
	if err := s.recordStripeEvent(ctx, q, e, &ev, pay.ids); err != nil {
		return 0, err
	}
	err := q.AddStripePayments(ctx, pay.ids, storage.StripePayment{ParticipantID: participantID, PurchaseKey: ev.Key}, now)
	if err != nil {
		return 0, err
	}
	return ev.ID, samePurchase(ctx, q, pay.ids, ev.Key)
}

// recordStripeEvent records ev, caused by the Stripe event e, with when
// Stripe made e and which Stripe objects it is about as its details; ev
// gets its id, also when it was recorded before.
func (s *Service) recordStripeEvent(ctx context.Context, q *storage.Queries, e referralhub.StripeEvent, ev *referralhub.Event, ids []string) error {
	inserted, err := s.recordEvent(ctx, q, ev)
	if err != nil {
		return err
	}
	if !inserted {
		prior, err := q.EventByKey(ctx, ev.ParticipantID, ev.Key)
		ev.ID = prior.ID
		return err
	}
	meta, err := json.Marshal(map[string]any{"stripe_event": e.ID, "stripe_ids": ids})
	if err != nil {
		return err
	}
	return q.SetEventDetails(ctx, ev.ID, referralhub.EventDetails{OccurredAt: e.CreatedAt, Metadata: string(meta)})
}

// samePurchase makes sure every id of a payment names the purchase just
// recorded. Another event about the same payment, recorded at the same
// moment on another instance, may have claimed one of them first: this
// transaction is then rolled back, and its job retried finds that one.
func samePurchase(ctx context.Context, q *storage.Queries, ids []string, key string) error {
	known, err := q.StripePayments(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if known[id].PurchaseKey != key {
			return fmt.Errorf("stripe payment %s was recorded by another event meanwhile: retrying", id)
		}
	}
	return nil
}

// firstKnown returns what the first known of ids names.
func firstKnown(known map[string]storage.StripePayment, ids []string) (storage.StripePayment, bool) {
	for _, id := range ids {
		if p, ok := known[id]; ok {
			return p, true
		}
	}
	return storage.StripePayment{}, false
}

// nonEmpty returns the non-empty ones among ids, in order.
func nonEmpty(ids ...string) []string {
	return appendNew(nil, ids...)
}

// appendNew appends the non-empty ids not in list yet.
func appendNew(list []string, ids ...string) []string {
	for _, id := range ids {
		if id != "" && !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	return list
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
