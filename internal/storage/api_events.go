package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// EventDetails is what an event reported through the API carries besides
// the event: when it happened by the reporter's clock, and the reporter's
// JSON object about it ("" when none).
type EventDetails struct {
	OccurredAt time.Time // zero when not given
	Metadata   string
}

// SetEventDetails stores an event's details. Call it in the transaction
// that recorded the event.
func (q *Queries) SetEventDetails(ctx context.Context, eventID int64, d EventDetails) error {
	_, err := q.exec(ctx, `/* SetEventDetails */ UPDATE events SET occurred_at = $2, metadata = NULLIF($3, '') WHERE id = $1`,
		eventID, q.nullTime(d.OccurredAt), d.Metadata)
	if err != nil {
		return fmt.Errorf("set event details: %w", err)
	}
	return nil
}

// EventWithDetails returns a participant's event recorded under an
// idempotency key, with its details, or ENOTFOUND.
func (q *Queries) EventWithDetails(ctx context.Context, participantID int64, key string) (referralhub.Event, EventDetails, error) {
	var (
		e        referralhub.Event
		d        EventDetails
		occurred sql.NullTime
		meta     sql.NullString
	)
	err := q.queryRow(ctx, `/* EventWithDetails */ SELECT `+eventColumns+`, occurred_at, metadata FROM events
		WHERE participant_id = $1 AND idempotency_key = $2`, participantID, key).
		Scan(&e.ID, &e.ParticipantID, &e.ReferralID, &e.Name, &e.Key, &e.Amount, &e.Currency, &e.PurchaseKey, &e.CreatedAt,
			&occurred, &meta)
	if errors.Is(err, sql.ErrNoRows) {
		return e, d, referralhub.Errorf(referralhub.ENOTFOUND, "No event has that key.")
	}
	if err != nil {
		return e, d, fmt.Errorf("event with details: %w", err)
	}
	e.CreatedAt, d.OccurredAt, d.Metadata = e.CreatedAt.UTC(), utc(occurred), meta.String
	return e, d, nil
}

// RewardsOfEvent lists every ledger entry an event caused (rewards it
// earned, and clawbacks of a refund), by id, without locking them.
func (q *Queries) RewardsOfEvent(ctx context.Context, eventID int64) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* RewardsOfEvent */ SELECT `+rewardColumns+` FROM rewards WHERE event_id = $1 ORDER BY id`, eventID)
}
