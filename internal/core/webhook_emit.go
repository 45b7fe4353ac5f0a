package core

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// emit records that something happened to a participant, for the webhook
// endpoints subscribed to typ, inside q's transaction: deliveries are
// queued with the change that caused them. Without such an endpoint it
// costs one query and stores nothing.
func (s *Service) emit(ctx context.Context, q *storage.Queries, typ string, participantID int64, data any) error {
	return s.emitLazy(ctx, q, typ, participantID, func() (any, error) { return data, nil })
}

// emitLazy is emit with the data built only when an endpoint receives typ.
func (s *Service) emitLazy(ctx context.Context, q *storage.Queries, typ string, participantID int64, data func() (any, error)) error {
	if !slices.Contains(webhook.EventTypes(), typ) {
		return fmt.Errorf("emit: unknown webhook event type %q", typ)
	}
	endpoints, err := q.SubscribedWebhookEndpoints(ctx, typ)
	if err != nil || len(endpoints) == 0 {
		return err
	}
	payload, err := data()
	if err != nil {
		return err
	}
	now := s.now()
	ev := storage.WebhookEvent{ID: "evt_" + clicks.NewID(now), Type: typ, ParticipantID: participantID, CreatedAt: now}
	if ev.Body, err = webhook.Encode(ev.ID, typ, now, payload); err != nil {
		return fmt.Errorf("encode %s event: %w", typ, err)
	}
	if err := q.InsertWebhookEvent(ctx, ev); err != nil {
		return err
	}
	if err := q.LockWebhookOrder(ctx, participantID); err != nil {
		return err
	}
	for _, id := range endpoints {
		d := referralhub.WebhookDelivery{EndpointID: id, EventID: ev.ID, ParticipantID: participantID, CreatedAt: now}
		if err := q.InsertWebhookDelivery(ctx, &d); err != nil {
			return err
		}
		if d.State == referralhub.WebhookPending {
			if err := s.enqueueDelivery(ctx, q, d, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Webhook delivery limits.
const (
	// webhookAttempts caps a send's attempts. The worker's backoff (5 s
	// doubling to an hour) fits about 80 into webhookRetryFor, which ends
	// the retries first; the cap only guards against a runaway.
	webhookAttempts = 100
	// webhookRetryFor is how long a send is retried: it is given up (dead)
	// at its first failed attempt this long after its first attempt.
	webhookRetryFor = 72 * time.Hour
	// webhookDisableAfter disables an endpoint none of whose attempts
	// succeeded for this long.
	webhookDisableAfter = 72 * time.Hour
)

// enqueueDelivery queues the job that sends a pending delivery. Its dedupe
// key names the send, so a replay gets a job of its own and the job of an
// earlier send finds itself superseded. Each send is queued once, so a
// finished job already under its key was left by a delivery of the same
// id (an older version reused the ids of deleted ones): it is queued
// again for this one rather than leaving this one unsent.
func (s *Service) enqueueDelivery(ctx context.Context, q *storage.Queries, d referralhub.WebhookDelivery, now time.Time) error {
	body, err := json.Marshal(jobPayload{DeliveryID: d.ID})
	if err != nil {
		return fmt.Errorf("encode webhook job: %w", err)
	}
	_, err = q.RequeueJob(ctx, referralhub.Job{Kind: JobWebhook, Payload: body, DedupeKey: deliveryJobKey(d.ID, d.Sends),
		MaxAttempts: webhookAttempts, RunAt: now, CreatedAt: now})
	return err
}

// deliveryJobKey is the dedupe key of send number sends of a delivery.
func deliveryJobKey(deliveryID int64, sends int) string {
	return storage.WebhookJobKey(deliveryID, sends)
}
