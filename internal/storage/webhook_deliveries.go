// webhook_events and webhook_deliveries: each event's body, and its way to each endpoint.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// WebhookEvent is one event for webhooks, with the body every delivery of
// it sends.
type WebhookEvent struct {
	ID            string // "evt_…"
	Type          string
	ParticipantID int64
	Body          []byte
	CreatedAt     time.Time
}

// WebhookSend is what a delivery's job needs: the delivery, its endpoint
// and the event's body.
type WebhookSend struct {
	referralhub.WebhookDelivery
	URL     string
	Secret  string
	Enabled bool
	Body    []byte
}

// InsertWebhookEvent stores an event for its deliveries.
func (q *Queries) InsertWebhookEvent(ctx context.Context, e WebhookEvent) error {
	_, err := q.exec(ctx, `/* InsertWebhookEvent */ INSERT INTO webhook_events (id, type, participant_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5)`, e.ID, e.Type, e.ParticipantID, string(e.Body), q.ts(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert webhook event: %w", err)
	}
	return nil
}

// InsertWebhookDelivery queues d and sets its ID and State: waiting when an
// earlier delivery to the same endpoint for the same participant is still
// undelivered, else pending (the caller queues its job). On PostgreSQL,
// call LockWebhookOrder first.
func (q *Queries) InsertWebhookDelivery(ctx context.Context, d *referralhub.WebhookDelivery) error {
	err := q.queryRow(ctx, `/* InsertWebhookDelivery */ INSERT INTO webhook_deliveries (endpoint_id, event_id, participant_id, state, created_at)
		VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = $1
			AND o.participant_id = $3 AND o.state IN ('waiting', 'pending')) THEN 'waiting' ELSE 'pending' END, $4)
		RETURNING id, state, sends`, d.EndpointID, d.EventID, d.ParticipantID, q.ts(d.CreatedAt)).Scan(&d.ID, &d.State, &d.Sends)
	if err != nil {
		return fmt.Errorf("insert webhook delivery: %w", err)
	}
	return nil
}

// LockWebhookOrder holds a participant's row until the transaction ends,
// so deciding whether their next delivery waits and starting the next
// waiting one never interleave. SQLite's single writer needs nothing; a
// missing participant locks nothing.
func (q *Queries) LockWebhookOrder(ctx context.Context, participantID int64) error {
	if q.d.forUpdate() == "" {
		return nil
	}
	var id int64
	err := q.queryRow(ctx, `/* LockWebhookOrder */ SELECT id FROM participants WHERE id = $1`+q.d.forUpdate(), participantID).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("lock webhook order: %w", err)
	}
	return nil
}

// StartNextWebhookDelivery makes the oldest waiting delivery to an
// endpoint for a participant pending, unless an earlier one is still
// pending; ok reports whether one started (its job is the caller's).
func (q *Queries) StartNextWebhookDelivery(ctx context.Context, endpointID, participantID int64) (d referralhub.WebhookDelivery, ok bool, err error) {
	err = q.queryRow(ctx, `/* StartNextWebhookDelivery */ UPDATE webhook_deliveries SET state = 'pending'
		WHERE id = (SELECT min(w.id) FROM webhook_deliveries w WHERE w.endpoint_id = $1 AND w.participant_id = $2 AND w.state = 'waiting'
			AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = $1 AND p.participant_id = $2
				AND p.state = 'pending' AND p.id < w.id))
		RETURNING id, endpoint_id, participant_id, state, sends`, endpointID, participantID).
		Scan(&d.ID, &d.EndpointID, &d.ParticipantID, &d.State, &d.Sends)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("start next webhook delivery: %w", err)
	}
	return d, true, nil
}

// ReplayWebhookDelivery sends a delivery again, in any state: a new send
// with fresh attempts, pending, or waiting behind an earlier undelivered
// delivery. A job of an earlier send finds itself superseded.
func (q *Queries) ReplayWebhookDelivery(ctx context.Context, id int64) (referralhub.WebhookDelivery, error) {
	var d referralhub.WebhookDelivery
	err := q.queryRow(ctx, `/* ReplayWebhookDelivery */ UPDATE webhook_deliveries SET sends = sends + 1,
		first_attempt_at = NULL, delivered_at = NULL, dead_at = NULL,
		state = CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = webhook_deliveries.endpoint_id
			AND o.participant_id = webhook_deliveries.participant_id AND o.state IN ('waiting', 'pending')
			AND o.id < webhook_deliveries.id) THEN 'waiting' ELSE 'pending' END
		WHERE id = $1 RETURNING id, endpoint_id, participant_id, state, sends`, id).
		Scan(&d.ID, &d.EndpointID, &d.ParticipantID, &d.State, &d.Sends)
	if errors.Is(err, sql.ErrNoRows) {
		return d, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such webhook delivery.")
	}
	if err != nil {
		return d, fmt.Errorf("replay webhook delivery: %w", err)
	}
	return d, nil
}

// KillOpenWebhookDeliveries gives up on an endpoint's waiting and pending
// deliveries, with why as their error, and returns how many.
func (q *Queries) KillOpenWebhookDeliveries(ctx context.Context, endpointID int64, why string, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `/* KillOpenWebhookDeliveries */ UPDATE webhook_deliveries SET state = 'dead', dead_at = $2, last_error = $3
		WHERE endpoint_id = $1 AND state IN ('waiting', 'pending')`, endpointID, q.ts(now), why)
	if err != nil {
		return 0, fmt.Errorf("kill open webhook deliveries: %w", err)
	}
	return res.RowsAffected()
}

// WebhookSendOf returns what the job of a delivery needs, or ENOTFOUND
// (its endpoint was deleted).
func (q *Queries) WebhookSendOf(ctx context.Context, deliveryID int64) (WebhookSend, error) {
	var (
		s    WebhookSend
		body string
	)
	d, err := scanWebhookDelivery(q.queryRow(ctx, `/* WebhookSendOf */ SELECT `+webhookDeliveryColumns+`, e.url, e.secret, e.enabled, v.body
		FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.id = $1`, deliveryID), &s.URL, &s.Secret, &s.Enabled, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return s, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such webhook delivery.")
	}
	if err != nil {
		return s, fmt.Errorf("webhook send: %w", err)
	}
	s.WebhookDelivery, s.Body = d, []byte(body)
	return s, nil
}

// WebhookJobKey is the dedupe key of the job of send number sends of a
// delivery: a replay is a new send with a job of its own.
func WebhookJobKey(deliveryID int64, sends int) string {
	return fmt.Sprintf("webhook:%d:%d", deliveryID, sends)
}

// StrandedWebhookDeliveries returns up to limit pending deliveries whose
// current send has no queued or running job (WebhookJobKey), oldest
// first: an older version could leave them so (its job's key collided
// with another's), and nothing would ever send them.
func (q *Queries) StrandedWebhookDeliveries(ctx context.Context, limit int) ([]referralhub.WebhookDelivery, error) {
	return queryList(ctx, q, "stranded webhook deliveries", `/* StrandedWebhookDeliveries */ SELECT d.id, d.endpoint_id,
		d.participant_id, d.state, d.sends FROM webhook_deliveries d
		WHERE d.state IN ('waiting', 'pending') AND d.state = 'pending' AND NOT EXISTS (SELECT 1 FROM jobs j
			WHERE j.dedupe_key = 'webhook:' || d.id || ':' || d.sends AND j.state IN ('queued', 'running'))
		ORDER BY d.id LIMIT $1`, func(r rowScanner) (referralhub.WebhookDelivery, error) {
		var d referralhub.WebhookDelivery
		err := r.Scan(&d.ID, &d.EndpointID, &d.ParticipantID, &d.State, &d.Sends)
		return d, err
	}, limit)
}
