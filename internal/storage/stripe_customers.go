// stripe_customers: which participant a Stripe customer is.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// StripeCustomerParticipant returns the participant a Stripe customer is
// linked to, or ENOTFOUND.
func (q *Queries) StripeCustomerParticipant(ctx context.Context, customerID string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `/* StripeCustomerParticipant */ SELECT participant_id FROM stripe_customers WHERE customer_id = $1`,
		customerID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No participant is linked to that Stripe customer.")
	}
	if err != nil {
		return 0, fmt.Errorf("stripe customer participant: %w", err)
	}
	return id, nil
}

// LinkStripeCustomer links a Stripe customer to a participant, unless it
// is linked already, and returns the participant it is linked to: the
// first link stands, even against a concurrent one.
func (q *Queries) LinkStripeCustomer(ctx context.Context, customerID string, participantID int64, linkedBy string, now time.Time) (int64, error) {
	_, err := q.exec(ctx, `/* LinkStripeCustomer */ INSERT INTO stripe_customers (customer_id, participant_id, linked_by, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id) DO NOTHING`, customerID, participantID, linkedBy, q.ts(now))
	if err != nil {
		return 0, fmt.Errorf("link stripe customer: %w", err)
	}
	return q.StripeCustomerParticipant(ctx, customerID)
}

// UnlinkStripeCustomersOf removes a participant's customer links, for the
// deletion of their account.
func (q *Queries) UnlinkStripeCustomersOf(ctx context.Context, participantID int64) error {
	_, err := q.exec(ctx, `/* UnlinkStripeCustomersOf */ DELETE FROM stripe_customers WHERE participant_id = $1`, participantID)
	if err != nil {
		return fmt.Errorf("unlink stripe customers: %w", err)
	}
	return nil
}
