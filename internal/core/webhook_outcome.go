package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// systemActor signs the audit entries the system makes by itself: no
// account, named "system".
func systemActor() referralhub.User { return referralhub.User{Username: "system"} }

// recordAttempt logs an attempt and moves its delivery on, in one
// transaction: delivered, given up (the last try, or retried for
// webhookRetryFor), or left pending to retry. A delivery that is done lets
// the next one of its participant go; a failure that ends
// webhookDisableAfter without success disables the endpoint. retry reports
// whether the send should be tried again.
func (s *Service) recordAttempt(ctx context.Context, send storage.WebhookSend, res attemptResult, lastTry bool) (retry bool, err error) {
	state := referralhub.WebhookPending
	switch {
	case res.Problem == "":
		state = referralhub.WebhookSucceeded
	case lastTry || !send.FirstAttemptAt.IsZero() && !res.at.Before(send.FirstAttemptAt.Add(webhookRetryFor)):
		state = referralhub.WebhookDead
	}
	a := referralhub.WebhookAttempt{DeliveryID: send.ID, EndpointID: send.EndpointID, AttemptedAt: res.at, StatusCode: res.Status,
		Error: res.Problem, Response: res.Response, Duration: res.Took, Succeeded: state == referralhub.WebhookSucceeded}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		// The participant's lock first, then the endpoint, then deliveries:
		// the order every webhook transaction takes.
		if err := q.LockWebhookOrder(ctx, send.ParticipantID); err != nil {
			return err
		}
		disable, err := s.countOutcome(ctx, q, send.EndpointID, res)
		if err != nil {
			return err
		}
		moved, err := q.RecordWebhookAttempt(ctx, a, send.Sends, state)
		if err != nil {
			return err
		}
		retry = moved && state == referralhub.WebhookPending
		if moved && state != referralhub.WebhookPending {
			if err := s.startNextDelivery(ctx, q, send.EndpointID, send.ParticipantID, res.at); err != nil {
				return err
			}
		}
		if disable == "" {
			return nil
		}
		disabled, err := s.disableForFailures(ctx, q, send.EndpointID, disable, res.at)
		retry = retry && !disabled
		return err
	})
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return false, nil // the endpoint was deleted meanwhile
	}
	return retry, err
}

// countOutcome ends or extends the endpoint's run of failures. It returns
// why the endpoint should be disabled, "" while it should not.
func (s *Service) countOutcome(ctx context.Context, q *storage.Queries, endpointID int64, res attemptResult) (string, error) {
	if res.Problem == "" {
		return "", q.WebhookEndpointSucceeded(ctx, endpointID)
	}
	failures, long, err := q.WebhookEndpointFailed(ctx, endpointID, res.at, res.at.Add(-webhookDisableAfter))
	if err != nil || !long {
		return "", err
	}
	return fmt.Sprintf("No delivery attempt succeeded for %s: %d failed in a row, the last because %s.",
		durationWords(webhookDisableAfter), failures, res.Problem), nil
}

// disableForFailures disables an endpoint that kept failing, gives up its
// undelivered deliveries (they wait in its dead letters for a replay) and
// tells the admins through the audit log and the webhooks page.
func (s *Service) disableForFailures(ctx context.Context, q *storage.Queries, endpointID int64, why string, now time.Time) (bool, error) {
	disabled, err := q.DisableWebhookEndpoint(ctx, endpointID, why, true, now)
	if err != nil || !disabled {
		return false, err
	}
	if _, err := q.KillOpenWebhookDeliveries(ctx, endpointID, "The endpoint was disabled after failing.", now); err != nil {
		return false, err
	}
	if err := s.audit(ctx, q, systemActor(), "webhook.disable", endpointSubject(endpointID), why, now); err != nil {
		return false, err
	}
	s.log.WarnContext(ctx, "webhook endpoint disabled after failing", "endpoint_id", endpointID)
	return true, nil
}

// startNextDelivery lets the next waiting delivery of a participant to an
// endpoint go, if nothing earlier is still on its way.
func (s *Service) startNextDelivery(ctx context.Context, q *storage.Queries, endpointID, participantID int64, now time.Time) error {
	d, ok, err := q.StartNextWebhookDelivery(ctx, endpointID, participantID)
	if err != nil || !ok {
		return err
	}
	return s.enqueueDelivery(ctx, q, d, now)
}

// endpointSubject names an endpoint in the audit log (never by its URL,
// whose query may hold a token).
func endpointSubject(id int64) string { return fmt.Sprintf("webhook endpoint %d", id) }

// durationWords says a whole number of days or hours in words.
func durationWords(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return fmt.Sprintf("%d hours", d/time.Hour)
}
