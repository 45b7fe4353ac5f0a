package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
)

const webhookEndpointColumns = `id, url, secret, events, enabled, consecutive_failures, failing_since, disabled_at,
	disabled_reason, disabled_by_failures, created_at`

func scanWebhookEndpoint(row rowScanner) (referralhub.WebhookEndpoint, error) {
	var (
		e                 referralhub.WebhookEndpoint
		events            string
		failing, disabled sql.NullTime
	)
	err := row.Scan(&e.ID, &e.URL, &e.Secret, &events, &e.Enabled, &e.ConsecutiveFailures, &failing, &disabled,
		&e.DisabledReason, &e.DisabledByFailures, &e.CreatedAt)
	e.Events, e.FailingSince, e.DisabledAt, e.CreatedAt = strings.Fields(events), utc(failing), utc(disabled), e.CreatedAt.UTC()
	return e, err
}

// CreateWebhookEndpoint stores a new, enabled endpoint and sets e.ID.
func (q *Queries) CreateWebhookEndpoint(ctx context.Context, e *referralhub.WebhookEndpoint) error {
	err := q.queryRow(ctx, `/* CreateWebhookEndpoint */ INSERT INTO webhook_endpoints (url, secret, events, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, e.URL, e.Secret, strings.Join(e.Events, " "), q.ts(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("create webhook endpoint: %w", err)
	}
	e.Enabled = true
	return nil
}

// UpdateWebhookEndpoint changes an endpoint's URL, secret and event types;
// it reports false when there is no such endpoint.
func (q *Queries) UpdateWebhookEndpoint(ctx context.Context, id int64, url, secret string, events []string) (bool, error) {
	return q.webhookChanged(ctx, "update webhook endpoint", `/* UpdateWebhookEndpoint */ UPDATE webhook_endpoints
		SET url = $2, secret = $3, events = $4 WHERE id = $1`, id, url, secret, strings.Join(events, " "))
}

// WebhookEndpoint returns one endpoint, or ENOTFOUND.
func (q *Queries) WebhookEndpoint(ctx context.Context, id int64) (referralhub.WebhookEndpoint, error) {
	e, err := scanWebhookEndpoint(q.queryRow(ctx, `/* WebhookEndpoint */ SELECT `+webhookEndpointColumns+`
		FROM webhook_endpoints WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such webhook endpoint.")
	}
	if err != nil {
		return e, fmt.Errorf("webhook endpoint: %w", err)
	}
	return e, nil
}

// WebhookEndpoints lists every endpoint, oldest first.
func (q *Queries) WebhookEndpoints(ctx context.Context) ([]referralhub.WebhookEndpoint, error) {
	return queryList(ctx, q, "list webhook endpoints", `/* WebhookEndpoints */ SELECT `+webhookEndpointColumns+
		` FROM webhook_endpoints ORDER BY id`, scanWebhookEndpoint)
}

// SubscribedWebhookEndpoints returns the ids of the enabled endpoints that
// receive events of type typ. typ must not hold LIKE wildcards.
func (q *Queries) SubscribedWebhookEndpoints(ctx context.Context, typ string) ([]int64, error) {
	return queryList(ctx, q, "subscribed webhook endpoints", `/* SubscribedWebhookEndpoints */ SELECT id FROM webhook_endpoints
		WHERE enabled AND ' ' || events || ' ' LIKE $1 ORDER BY id`, scanValue[int64], "% "+typ+" %")
}

// EnableWebhookEndpoint enables a disabled endpoint with a fresh count of
// failures; it reports false when the endpoint is enabled or missing.
func (q *Queries) EnableWebhookEndpoint(ctx context.Context, id int64) (bool, error) {
	return q.webhookChanged(ctx, "enable webhook endpoint", `/* EnableWebhookEndpoint */ UPDATE webhook_endpoints
		SET enabled = TRUE, disabled_at = NULL, disabled_reason = '', disabled_by_failures = FALSE,
			consecutive_failures = 0, failing_since = NULL
		WHERE id = $1 AND NOT enabled`, id)
}

// DisableWebhookEndpoint disables an enabled endpoint, saying why and
// whether failures (rather than an admin) did it; it reports false when
// the endpoint is disabled already or missing.
func (q *Queries) DisableWebhookEndpoint(ctx context.Context, id int64, reason string, byFailures bool, now time.Time) (bool, error) {
	return q.webhookChanged(ctx, "disable webhook endpoint", `/* DisableWebhookEndpoint */ UPDATE webhook_endpoints
		SET enabled = FALSE, disabled_at = $2, disabled_reason = $3, disabled_by_failures = $4
		WHERE id = $1 AND enabled`, id, q.ts(now), reason, byFailures)
}

// DeleteWebhookEndpoint removes an endpoint with its deliveries and their
// attempts, and the events no other endpoint still has a delivery of.
func (q *Queries) DeleteWebhookEndpoint(ctx context.Context, id int64) (bool, error) {
	deleted, err := q.webhookChanged(ctx, "delete webhook endpoint", `/* DeleteWebhookEndpoint */ DELETE FROM webhook_endpoints WHERE id = $1`, id)
	if err != nil || !deleted {
		return deleted, err
	}
	_, err = q.exec(ctx, `/* DeleteWebhookEndpoint.events */ DELETE FROM webhook_events
		WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`)
	if err != nil {
		return false, fmt.Errorf("delete orphaned webhook events: %w", err)
	}
	return true, nil
}

// WebhookEndpointSucceeded ends an endpoint's run of failures.
func (q *Queries) WebhookEndpointSucceeded(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `/* WebhookEndpointSucceeded */ UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
		WHERE id = $1 AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)`, id)
	if err != nil {
		return fmt.Errorf("webhook endpoint succeeded: %w", err)
	}
	return nil
}

// WebhookEndpointFailed counts a failed attempt against an endpoint at now.
// It returns the failures in the current run and whether the run began at
// or before since (a run that began now counts from now).
func (q *Queries) WebhookEndpointFailed(ctx context.Context, id int64, now, since time.Time) (failures int, before bool, err error) {
	err = q.queryRow(ctx, `/* WebhookEndpointFailed */ UPDATE webhook_endpoints
		SET consecutive_failures = consecutive_failures + 1, failing_since = COALESCE(failing_since, $2)
		WHERE id = $1 RETURNING consecutive_failures, failing_since <= $3`, id, q.ts(now), q.ts(since)).Scan(&failures, &before)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such webhook endpoint.")
	}
	if err != nil {
		return 0, false, fmt.Errorf("webhook endpoint failed: %w", err)
	}
	return failures, before, nil
}

// webhookChanged runs a statement that affects at most one row and reports
// whether it did.
func (q *Queries) webhookChanged(ctx context.Context, what, query string, args ...any) (bool, error) {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
