// participants: what the Stripe billing sync reads and writes of them.

package storage

import (
	"context"
	"fmt"
)

// ParticipantsByEmail returns up to limit participants whose email is
// email: a user's by its email_key, a participant made through the API by
// its email lower-cased (SQLite folds only ASCII letters there).
func (q *Queries) ParticipantsByEmail(ctx context.Context, email string, limit int) ([]int64, error) {
	key := EmailKey(email)
	return queryList(ctx, q, "participants by email", `/* ParticipantsByEmail */ SELECT p.id FROM participants p
		JOIN users u ON u.id = p.user_id WHERE u.email_key = $1
		UNION SELECT id FROM participants WHERE user_id IS NULL AND lower(email) = $1
		ORDER BY 1 LIMIT $2`, scanValue[int64], key, limit)
}

// ParticipantsByStripeCustomer returns up to limit participants whose
// Stripe customer id (the one credit is paid to) is customerID.
func (q *Queries) ParticipantsByStripeCustomer(ctx context.Context, customerID string, limit int) ([]int64, error) {
	return queryList(ctx, q, "participants by stripe customer", `/* ParticipantsByStripeCustomer */ SELECT id FROM participants
		WHERE stripe_customer_id = $1 ORDER BY id LIMIT $2`, scanValue[int64], customerID, limit)
}

// SetPlan sets a participant's plan and reports whether it changed.
func (q *Queries) SetPlan(ctx context.Context, participantID int64, plan string) (bool, error) {
	res, err := q.exec(ctx, `/* SetPlan */ UPDATE participants SET plan = $2 WHERE id = $1 AND plan <> $2`, participantID, plan)
	if err != nil {
		return false, fmt.Errorf("set plan: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetStripeCustomerIfNone sets the Stripe customer that credit is paid to,
// unless the participant has one: an id set by hand is never replaced. It
// reports whether it set it.
func (q *Queries) SetStripeCustomerIfNone(ctx context.Context, participantID int64, customerID string) (bool, error) {
	res, err := q.exec(ctx, `/* SetStripeCustomerIfNone */ UPDATE participants SET stripe_customer_id = $2
		WHERE id = $1 AND stripe_customer_id = ''`, participantID, customerID)
	if err != nil {
		return false, fmt.Errorf("set stripe customer: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
