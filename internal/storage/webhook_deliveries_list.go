// webhook_deliveries: reading deliveries (one, a page, or counts by state).

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
)

// WebhookDelivery returns one delivery, or ENOTFOUND.
func (q *Queries) WebhookDelivery(ctx context.Context, id int64) (referralhub.WebhookDelivery, error) {
	d, err := scanWebhookDelivery(q.queryRow(ctx, `/* WebhookDelivery */ SELECT `+webhookDeliveryColumns+`
		FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such webhook delivery.")
	}
	if err != nil {
		return d, fmt.Errorf("webhook delivery: %w", err)
	}
	return d, nil
}

// WebhookDeliveries lists an endpoint's deliveries in state ("" for any),
// newest first, or oldest first when oldestFirst is set.
func (q *Queries) WebhookDeliveries(ctx context.Context, endpointID int64, state string, oldestFirst bool, limit int) ([]referralhub.WebhookDelivery, error) {
	order := "DESC"
	if oldestFirst {
		order = "ASC"
	}
	return queryList(ctx, q, "list webhook deliveries", `/* WebhookDeliveries */ SELECT `+webhookDeliveryColumns+`
		FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id
		WHERE d.endpoint_id = $1 AND ($2 = '' OR d.state = $2) ORDER BY d.id `+order+` LIMIT $3`, func(r rowScanner) (referralhub.WebhookDelivery, error) {
		return scanWebhookDelivery(r)
	}, endpointID, state, limit)
}

// WebhookDeliveryCounts counts an endpoint's deliveries by state.
func (q *Queries) WebhookDeliveryCounts(ctx context.Context, endpointID int64) (map[string]int64, error) {
	return q.countsBy(ctx, "count webhook deliveries", `/* WebhookDeliveryCounts */ SELECT state, count(*)
		FROM webhook_deliveries WHERE endpoint_id = $1 GROUP BY state`, endpointID)
}

const webhookDeliveryColumns = `d.id, d.endpoint_id, d.event_id, v.type, d.participant_id, d.state, d.sends, d.attempts,
	d.last_status, d.last_error, d.first_attempt_at, d.created_at, d.delivered_at, d.dead_at`

// scanWebhookDelivery scans webhookDeliveryColumns, then extra.
func scanWebhookDelivery(row rowScanner, extra ...any) (referralhub.WebhookDelivery, error) {
	var (
		d                  referralhub.WebhookDelivery
		first, deliv, dead sql.NullTime
	)
	dest := append([]any{&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.ParticipantID, &d.State, &d.Sends, &d.Attempts,
		&d.LastStatus, &d.LastError, &first, &d.CreatedAt, &deliv, &dead}, extra...)
	err := row.Scan(dest...)
	d.FirstAttemptAt, d.CreatedAt, d.DeliveredAt, d.DeadAt = utc(first), d.CreatedAt.UTC(), utc(deliv), utc(dead)
	return d, err
}

// WebhookDeliveryStates counts every endpoint's deliveries by state.
func (q *Queries) WebhookDeliveryStates(ctx context.Context) (map[string]int64, error) {
	return q.countsBy(ctx, "count webhook deliveries", `/* WebhookDeliveryStates */ SELECT state, count(*)
		FROM webhook_deliveries GROUP BY state`)
}
