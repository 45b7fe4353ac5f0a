package storage

import (
	"context"
	"fmt"
	"github.com/referralhub/referralhub"
	"time"
)

// RecordWebhookAttempt logs an attempt of send number sends of its
// delivery and moves the delivery to state: pending (it will retry),
// succeeded or dead. moved is false when the delivery is no longer in
// that send's hands (replayed, or given up with its endpoint): the attempt
// is logged and nothing else changes.
func (q *Queries) RecordWebhookAttempt(ctx context.Context, a referralhub.WebhookAttempt, sends int, state string) (moved bool, err error) {
	_, err = q.exec(ctx, `/* RecordWebhookAttempt */ INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempted_at,
		status_code, error, response, duration_ms, succeeded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.DeliveryID, a.EndpointID, q.ts(a.AttemptedAt), a.StatusCode, a.Error, a.Response, a.Duration.Milliseconds(), a.Succeeded)
	if err != nil {
		return false, fmt.Errorf("record webhook attempt: %w", err)
	}
	var delivered, dead any
	switch state {
	case referralhub.WebhookSucceeded:
		delivered = q.ts(a.AttemptedAt)
	case referralhub.WebhookDead:
		dead = q.ts(a.AttemptedAt)
	}
	return q.webhookChanged(ctx, "record webhook attempt", `/* RecordWebhookAttempt.delivery */ UPDATE webhook_deliveries
		SET attempts = attempts + 1, last_status = $3, last_error = $4, state = $5,
			first_attempt_at = COALESCE(first_attempt_at, $6), delivered_at = COALESCE($7, delivered_at), dead_at = COALESCE($8, dead_at)
		WHERE id = $1 AND sends = $2 AND state = 'pending'`,
		a.DeliveryID, sends, a.StatusCode, a.Error, state, q.ts(a.AttemptedAt), delivered, dead)
}

// WebhookAttempts lists an endpoint's latest attempts, newest first, or a
// single delivery's when deliveryID is not 0.
func (q *Queries) WebhookAttempts(ctx context.Context, endpointID, deliveryID int64, limit int) ([]referralhub.WebhookAttempt, error) {
	return queryList(ctx, q, "list webhook attempts", `/* WebhookAttempts */ SELECT a.id, a.delivery_id, a.endpoint_id, d.event_id, v.type, a.attempted_at,
		a.status_code, a.error, a.response, a.duration_ms, a.succeeded
		FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhook_events v ON v.id = d.event_id
		WHERE a.endpoint_id = $1 AND (a.delivery_id = $2 OR $2 = 0) ORDER BY a.id DESC LIMIT $3`, scanWebhookAttempt, endpointID, deliveryID, limit)
}

func scanWebhookAttempt(r rowScanner) (referralhub.WebhookAttempt, error) {
	var (
		a  referralhub.WebhookAttempt
		ms int64
	)
	err := r.Scan(&a.ID, &a.DeliveryID, &a.EndpointID, &a.EventID, &a.EventType, &a.AttemptedAt,
		&a.StatusCode, &a.Error, &a.Response, &ms, &a.Succeeded)
	a.AttemptedAt, a.Duration = a.AttemptedAt.UTC(), time.Duration(ms)*time.Millisecond
	return a, err
}
