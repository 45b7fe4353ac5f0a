// stripe_events: every event Stripe sent to the webhook, with its outcome.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
)

// InsertStripeEvent stores an event Stripe sent, pending. It reports false,
// and changes nothing, when an event with its id is stored already: a
// retry or a replay of it.
func (q *Queries) InsertStripeEvent(ctx context.Context, e referralhub.StripeEvent) (bool, error) {
	var id string
	err := q.queryRow(ctx, `/* InsertStripeEvent */ INSERT INTO stripe_events
		(id, type, api_version, livemode, payload, created_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO NOTHING RETURNING id`,
		e.ID, e.Type, e.APIVersion, e.Livemode, string(e.Payload), q.ts(e.CreatedAt), q.ts(e.ReceivedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert stripe event: %w", err)
	}
	return true, nil
}

const stripeEventColumns = `id, type, api_version, livemode, created_at, received_at, outcome, detail,
	participant_id, event_id, processed_at, retries`

func scanStripeEvent(r rowScanner, extra ...any) (referralhub.StripeEvent, error) {
	var (
		e                    referralhub.StripeEvent
		participant, eventID sql.NullInt64
		processed            sql.NullTime
	)
	dest := append([]any{&e.ID, &e.Type, &e.APIVersion, &e.Livemode, &e.CreatedAt, &e.ReceivedAt, &e.Outcome, &e.Detail,
		&participant, &eventID, &processed, &e.Retries}, extra...)
	if err := r.Scan(dest...); err != nil {
		return e, err
	}
	e.CreatedAt, e.ReceivedAt, e.ProcessedAt = e.CreatedAt.UTC(), e.ReceivedAt.UTC(), utc(processed)
	e.ParticipantID, e.EventID = participant.Int64, eventID.Int64
	return e, nil
}

// StripeEvent returns a stored Stripe event with its payload, or ENOTFOUND.
func (q *Queries) StripeEvent(ctx context.Context, id string) (referralhub.StripeEvent, error) {
	var payload string
	e, err := scanStripeEvent(q.queryRow(ctx, `/* StripeEvent */ SELECT `+stripeEventColumns+`, payload
		FROM stripe_events WHERE id = $1`, id), &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return e, referralhub.Errorf(referralhub.ENOTFOUND, "No Stripe event has that id.")
	}
	if err != nil {
		return e, fmt.Errorf("stripe event: %w", err)
	}
	e.Payload = []byte(payload)
	return e, nil
}

// RecentStripeEvents lists the latest Stripe events received, newest
// first, without their payloads.
func (q *Queries) RecentStripeEvents(ctx context.Context, limit int) ([]referralhub.StripeEvent, error) {
	return queryList(ctx, q, "recent stripe events", `/* RecentStripeEvents */ SELECT `+stripeEventColumns+`
		FROM stripe_events ORDER BY received_at DESC, id DESC LIMIT $1`, func(r rowScanner) (referralhub.StripeEvent, error) {
		return scanStripeEvent(r)
	}, limit)
}

// SetStripeOutcome records what came of a Stripe event.
func (q *Queries) SetStripeOutcome(ctx context.Context, e referralhub.StripeEvent) error {
	_, err := q.exec(ctx, `/* SetStripeOutcome */ UPDATE stripe_events SET outcome = $2, detail = $3, participant_id = $4,
		event_id = $5, processed_at = $6 WHERE id = $1`,
		e.ID, e.Outcome, e.Detail, nullID(e.ParticipantID), nullID(e.EventID), q.nullTime(e.ProcessedAt))
	if err != nil {
		return fmt.Errorf("set stripe outcome: %w", err)
	}
	return nil
}

// RetryStripeEvent makes a failed Stripe event pending again and counts
// the retry; ok is false when the event is not failed.
func (q *Queries) RetryStripeEvent(ctx context.Context, id string) (retries int, ok bool, err error) {
	err = q.queryRow(ctx, `/* RetryStripeEvent */ UPDATE stripe_events SET outcome = 'pending', retries = retries + 1,
		processed_at = NULL WHERE id = $1 AND outcome = 'failed' RETURNING retries`, id).Scan(&retries)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("retry stripe event: %w", err)
	}
	return retries, true, nil
}

// ForgetStripeEventsOf empties the payloads of the Stripe events that
// matched a participant, which hold their email and name: for the
// deletion of their account. The rows stay, so Stripe's retries of them
// still change nothing.
func (q *Queries) ForgetStripeEventsOf(ctx context.Context, participantID int64) error {
	_, err := q.exec(ctx, `/* ForgetStripeEventsOf */ UPDATE stripe_events SET payload = '' WHERE participant_id = $1`,
		participantID)
	if err != nil {
		return fmt.Errorf("forget stripe events: %w", err)
	}
	return nil
}

// ResendStripeEvent replaces a failed event with the copy Stripe sent
// again (resent from Stripe's dashboard, say after the endpoint's API
// version was fixed) and makes it pending, counting a retry; ok is false,
// and nothing changes, unless the stored event failed.
func (q *Queries) ResendStripeEvent(ctx context.Context, e referralhub.StripeEvent) (retries int, ok bool, err error) {
	err = q.queryRow(ctx, `/* ResendStripeEvent */ UPDATE stripe_events SET type = $2, api_version = $3, livemode = $4,
		payload = $5, received_at = $6, outcome = 'pending', processed_at = NULL, retries = retries + 1
		WHERE id = $1 AND outcome = 'failed' RETURNING retries`,
		e.ID, e.Type, e.APIVersion, e.Livemode, string(e.Payload), q.ts(e.ReceivedAt)).Scan(&retries)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("resend stripe event: %w", err)
	}
	return retries, true, nil
}
