// Events in bulk, for generated data (benchmarks of the backtest).

package storage

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
)

// eventCols are the columns BulkEvents writes.
var eventCols = []bulkCol{{"participant_id", "bigint"}, {"referral_id", "bigint"}, {"name", "text"},
	{"idempotency_key", "text"}, {"amount", "bigint"}, {"currency", "text"}, {"purchase_key", "text"},
	{"created_at", "timestamptz"}}

// BulkEvents inserts events with multi-row statements, as RecordEvent
// would one by one, without rewarding them or setting their IDs. A key
// already recorded for its participant fails the call with ECONFLICT.
func (q *Queries) BulkEvents(ctx context.Context, events []referralhub.Event) error {
	return inChunks(len(events), len(eventCols), func(start, end int) error {
		chunk := events[start:end]
		args := make([]any, 0, len(chunk)*len(eventCols))
		for _, e := range chunk {
			args = append(args, e.ParticipantID, nullID(e.ReferralID), e.Name, e.Key, e.Amount, e.Currency, e.PurchaseKey, q.ts(e.CreatedAt))
		}
		query, args := q.insertRowsSQL("BulkEvents", "events", eventCols, args, ``)
		_, err := q.exec(ctx, query, args...)
		if q.d.isUnique(err, "events_key", "events.participant_id") {
			return referralhub.Errorf(referralhub.ECONFLICT, "An event key in the batch is already recorded.")
		}
		if err != nil {
			return fmt.Errorf("bulk insert %d events: %w", len(chunk), err)
		}
		return nil
	})
}
