package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// WebhookSender makes one signed attempt of a delivery and says what it
// came to. It also says, when an endpoint is saved, why deliveries may not
// go to its URL ("" when they may), by the same rule it applies when
// connecting. internal/webhook's Sender does both over HTTP; cmd/ wires it.
type WebhookSender interface {
	Send(ctx context.Context, r webhook.Request) webhook.Result
	CheckDestination(ctx context.Context, rawURL string) string
}

// attemptResult is what one attempt of a delivery came to, and when it
// was made on the service's clock (what the signature says).
type attemptResult struct {
	at time.Time
	webhook.Result
}

// runWebhookJob sends one delivery and records the attempt. A failure is
// returned, so the worker retries it with backoff, until the delivery is
// delivered or given up; a job of a send that was replayed or given up
// since does nothing.
func (s *Service) runWebhookJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	send, err := s.db.Read().WebhookSendOf(ctx, p.DeliveryID)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return nil // its endpoint was deleted
	}
	if err != nil {
		return err
	}
	if send.State != referralhub.WebhookPending || j.DedupeKey != deliveryJobKey(send.ID, send.Sends) {
		return nil
	}
	if !send.Enabled { // disabled since the job was queued: give its deliveries up
		return s.db.InTx(ctx, func(q *storage.Queries) error {
			_, err := q.KillOpenWebhookDeliveries(ctx, send.EndpointID, "The endpoint is disabled.", s.now())
			return err
		})
	}
	res := s.post(ctx, send)
	retry, err := s.recordAttempt(ctx, send, res, j.Attempts >= j.MaxAttempts)
	if err != nil || !retry {
		return err
	}
	return fmt.Errorf("webhook delivery %d: %s", send.ID, res.Problem)
}

// post makes one signed attempt of a delivery, dated now.
func (s *Service) post(ctx context.Context, send storage.WebhookSend) attemptResult {
	at := s.now()
	res := s.webhooks.Send(ctx, webhook.Request{URL: send.URL, Secret: send.Secret, EventID: send.EventID,
		EventType: send.EventType, Body: send.Body, At: at})
	return attemptResult{at: at, Result: res}
}
