// stripe_payments and stripe_pending_refunds: which purchase a Stripe
// payment is, and refunds that came before it.

package storage

import (
	"context"
	"fmt"
	"time"
)

// StripePayment is the purchase a Stripe payment id names.
type StripePayment struct {
	ObjectID      string // cs_…, in_…, pi_…
	ParticipantID int64  // 0: the payment matched nobody
	PurchaseKey   string // the purchase event's key; "" when it matched nobody
}

// StripePayments returns what is known of the payment ids, by id.
func (q *Queries) StripePayments(ctx context.Context, ids []string) (map[string]StripePayment, error) {
	out := map[string]StripePayment{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := q.inList(nil, ids)
	err := queryEach(ctx, q, "stripe payments", `/* StripePayments */ SELECT object_id, COALESCE(participant_id, 0), purchase_key
		FROM stripe_payments WHERE object_id IN (`+in+`)`, func(r rowScanner) error {
		var p StripePayment
		if err := r.Scan(&p.ObjectID, &p.ParticipantID, &p.PurchaseKey); err != nil {
			return err
		}
		out[p.ObjectID] = p
		return nil
	}, args...)
	return out, err
}

// AddStripePayments records that ids all name one payment, the purchase
// p names; ids known already keep what they name.
func (q *Queries) AddStripePayments(ctx context.Context, ids []string, p StripePayment, now time.Time) error {
	for _, id := range ids {
		_, err := q.exec(ctx, `/* AddStripePayments */ INSERT INTO stripe_payments (object_id, participant_id, purchase_key, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (object_id) DO NOTHING`, id, nullID(p.ParticipantID), p.PurchaseKey, q.ts(now))
		if err != nil {
			return fmt.Errorf("add stripe payment: %w", err)
		}
	}
	return nil
}

// PendingRefund is a refund or dispute whose payment was not seen yet.
type PendingRefund struct {
	Key           string   // the refund event's key
	PaymentIDs    []string // the ids it names the payment by
	Refunded      int64    // the charge's total refunded so far, or the disputed amount
	Currency      string
	StripeEventID string
	CreatedAt     time.Time
}

// AddPendingRefund keeps a refund until its payment arrives; a refund kept
// already is not kept twice.
func (q *Queries) AddPendingRefund(ctx context.Context, r PendingRefund) error {
	for _, id := range r.PaymentIDs {
		_, err := q.exec(ctx, `/* AddPendingRefund */ INSERT INTO stripe_pending_refunds
			(object_id, refund_key, refunded, currency, stripe_event_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (object_id, refund_key) DO NOTHING`, id, r.Key, r.Refunded, r.Currency, r.StripeEventID, q.ts(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("add pending refund: %w", err)
		}
	}
	return nil
}

// PendingRefundsFor lists the refunds not applied yet that name any of
// the payment ids, oldest first, each once.
func (q *Queries) PendingRefundsFor(ctx context.Context, ids []string) ([]PendingRefund, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := q.inList(nil, ids)
	var out []PendingRefund
	seen := map[string]bool{}
	err := queryEach(ctx, q, "pending refunds", `/* PendingRefundsFor */ SELECT refund_key, object_id, refunded, currency,
		stripe_event_id, created_at FROM stripe_pending_refunds WHERE object_id IN (`+in+`) AND applied_at IS NULL
		ORDER BY created_at, refund_key`, func(r rowScanner) error {
		var (
			p  PendingRefund
			id string
		)
		if err := r.Scan(&p.Key, &id, &p.Refunded, &p.Currency, &p.StripeEventID, &p.CreatedAt); err != nil {
			return err
		}
		if !seen[p.Key] {
			seen[p.Key] = true
			p.PaymentIDs, p.CreatedAt = []string{id}, p.CreatedAt.UTC()
			out = append(out, p)
		}
		return nil
	}, args...)
	return out, err
}

// MarkPendingRefundApplied records that a kept refund was applied.
func (q *Queries) MarkPendingRefundApplied(ctx context.Context, key string, now time.Time) error {
	_, err := q.exec(ctx, `/* MarkPendingRefundApplied */ UPDATE stripe_pending_refunds SET applied_at = $2
		WHERE refund_key = $1 AND applied_at IS NULL`, key, q.ts(now))
	if err != nil {
		return fmt.Errorf("mark pending refund applied: %w", err)
	}
	return nil
}
