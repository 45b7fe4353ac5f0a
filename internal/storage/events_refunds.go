package storage

import (
	"context"
	"fmt"
)

// RefundedOf sums the amounts of a participant's refund events that name
// a purchase and whose keys start with keyPrefix (say, one Stripe
// charge's refunds).
func (q *Queries) RefundedOf(ctx context.Context, participantID int64, purchaseKey, keyPrefix string) (int64, error) {
	var total int64
	err := q.queryRow(ctx, `/* RefundedOf */ SELECT COALESCE(SUM(amount), 0) FROM events
		WHERE participant_id = $1 AND name = 'refund' AND purchase_key = $2 AND substr(idempotency_key, 1, $3) = $4`,
		participantID, purchaseKey, len(keyPrefix), keyPrefix).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("refunded of: %w", err)
	}
	return total, nil
}
