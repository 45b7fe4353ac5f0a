package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
)

// RecordEvent inserts e and sets its ID. An event whose idempotency key is
// already recorded for the participant changes nothing: inserted is false and e is left as given.
// On PostgreSQL a concurrent insert of the same key waits for the first to
// commit, then reports false. A purchase tied to a referral is counted on
// the channel figures of the referrer (countChannelConversion).
func (q *Queries) RecordEvent(ctx context.Context, e *referralhub.Event) (inserted bool, err error) {
	referral := sql.NullInt64{Int64: e.ReferralID, Valid: e.ReferralID != 0}
	err = q.queryRow(ctx, `/* RecordEvent */ INSERT INTO events
		(participant_id, referral_id, name, idempotency_key, amount, currency, purchase_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (participant_id, idempotency_key) DO NOTHING RETURNING id`,
		e.ParticipantID, referral, e.Name, e.Key, e.Amount, e.Currency, e.PurchaseKey, q.ts(e.CreatedAt)).Scan(&e.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	if e.Name == referralhub.EventPurchase && e.ReferralID != 0 {
		return true, q.countChannelConversion(ctx, e.ParticipantID)
	}
	return true, nil
}

const eventColumns = `id, participant_id, COALESCE(referral_id, 0), name, idempotency_key, amount, currency, purchase_key, created_at`

func scanEvent(row rowScanner) (referralhub.Event, error) {
	var e referralhub.Event
	err := row.Scan(&e.ID, &e.ParticipantID, &e.ReferralID, &e.Name, &e.Key, &e.Amount, &e.Currency, &e.PurchaseKey, &e.CreatedAt)
	e.CreatedAt = e.CreatedAt.UTC()
	return e, err
}

// EventByKey returns a participant's event recorded under an idempotency
// key, or ENOTFOUND.
func (q *Queries) EventByKey(ctx context.Context, participantID int64, key string) (referralhub.Event, error) {
	e, err := scanEvent(q.queryRow(ctx, `/* EventByKey */ SELECT `+eventColumns+` FROM events
		WHERE participant_id = $1 AND idempotency_key = $2`, participantID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return e, referralhub.Errorf(referralhub.ENOTFOUND, "No event has that key.")
	}
	if err != nil {
		return e, fmt.Errorf("event by key: %w", err)
	}
	return e, nil
}

// CountEvents counts a referral's events of one name with ids up to and
// including uptoID: "is this the first purchase?" asks whether it is 1.
func (q *Queries) CountEvents(ctx context.Context, referralID int64, name string, uptoID int64) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* CountEvents */ SELECT count(*) FROM events WHERE referral_id = $1 AND name = $2 AND id <= $3`,
		referralID, name, uptoID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}

// ParticipantEvents lists a participant's events, newest first.
func (q *Queries) ParticipantEvents(ctx context.Context, participantID int64, limit int) ([]referralhub.Event, error) {
	return queryList(ctx, q, "participant events", `/* ParticipantEvents */ SELECT `+eventColumns+` FROM events
		WHERE participant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, scanEvent, participantID, limit)
}

// SetEventDetails stores an event's details. Call it in the transaction
// that recorded the event.
func (q *Queries) SetEventDetails(ctx context.Context, eventID int64, d referralhub.EventDetails) error {
	_, err := q.exec(ctx, `/* SetEventDetails */ UPDATE events SET occurred_at = $2, metadata = NULLIF($3, '') WHERE id = $1`,
		eventID, q.nullTime(d.OccurredAt), d.Metadata)
	if err != nil {
		return fmt.Errorf("set event details: %w", err)
	}
	return nil
}

// EventWithDetails returns a participant's event recorded under an
// idempotency key, with its details, or ENOTFOUND.
func (q *Queries) EventWithDetails(ctx context.Context, participantID int64, key string) (referralhub.Event, referralhub.EventDetails, error) {
	var (
		e        referralhub.Event
		d        referralhub.EventDetails
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
