package core

import (
	"context"
	"fmt"
	"slices"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Sizes of an endpoint's page, and of one "replay all dead".
const (
	webhookPageDeliveries = 50
	webhookPageDead       = 100
	webhookPageAttempts   = 100
	webhookReplayBatch    = 1000
)

// WebhookEndpointPage is an endpoint with its delivery log: the latest
// deliveries and attempts, and the dead letters (deliveries given up).
type WebhookEndpointPage struct {
	Endpoint   referralhub.WebhookEndpoint
	Counts     map[string]int64 // deliveries by state
	Deliveries []referralhub.WebhookDelivery
	Dead       []referralhub.WebhookDelivery // oldest first
	Attempts   []referralhub.WebhookAttempt
}

// WebhookEndpointPage returns an endpoint and its delivery log, or
// ENOTFOUND.
func (s *Service) WebhookEndpointPage(ctx context.Context, viewer referralhub.User, id int64) (WebhookEndpointPage, error) {
	var (
		page WebhookEndpointPage
		err  error
	)
	if err := onlyAdmins(viewer); err != nil {
		return page, err
	}
	q := s.db.Read()
	if page.Endpoint, err = q.WebhookEndpoint(ctx, id); err != nil {
		return page, err
	}
	if page.Counts, err = q.WebhookDeliveryCounts(ctx, id); err != nil {
		return page, err
	}
	if page.Deliveries, err = q.WebhookDeliveries(ctx, id, "", false, webhookPageDeliveries); err != nil {
		return page, err
	}
	if page.Dead, err = q.WebhookDeliveries(ctx, id, referralhub.WebhookDead, true, webhookPageDead); err != nil {
		return page, err
	}
	page.Attempts, err = q.WebhookAttempts(ctx, id, 0, webhookPageAttempts)
	return page, err
}

// ReplayWebhookDelivery sends a delivery again, whatever its state: the
// same event id and body, a fresh signature, new attempts. It waits behind
// an earlier undelivered delivery of its participant, like any other. It
// returns the delivery; its endpoint must be enabled.
func (s *Service) ReplayWebhookDelivery(ctx context.Context, viewer referralhub.User, id int64) (referralhub.WebhookDelivery, error) {
	if err := onlyAdmins(viewer); err != nil {
		return referralhub.WebhookDelivery{}, err
	}
	d, err := s.db.Read().WebhookDelivery(ctx, id)
	if err != nil {
		return d, err
	}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := s.replayable(ctx, q, d.EndpointID); err != nil {
			return err
		}
		if err := s.replay(ctx, q, d); err != nil {
			return err
		}
		return s.audit(ctx, q, viewer, "webhook.replay", endpointSubject(d.EndpointID), fmt.Sprintf("delivery %d", id), s.now())
	})
	if err == nil {
		s.jobsQueued()
	}
	return d, err
}

// ReplayDeadWebhookDeliveries replays an endpoint's dead deliveries, up to
// webhookReplayBatch of the oldest at a time, in their order, and returns
// how many.
func (s *Service) ReplayDeadWebhookDeliveries(ctx context.Context, viewer referralhub.User, endpointID int64) (int, error) {
	if err := onlyAdmins(viewer); err != nil {
		return 0, err
	}
	var n int
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := s.replayable(ctx, q, endpointID); err != nil {
			return err
		}
		dead, err := q.WebhookDeliveries(ctx, endpointID, referralhub.WebhookDead, true, webhookReplayBatch)
		if err != nil || len(dead) == 0 {
			return err
		}
		if err := lockParticipantsOf(ctx, q, dead); err != nil {
			return err
		}
		for _, d := range dead {
			if err := s.replay(ctx, q, d); err != nil {
				return err
			}
		}
		n = len(dead)
		return s.audit(ctx, q, viewer, "webhook.replay", endpointSubject(endpointID), fmt.Sprintf("%d dead deliveries", n), s.now())
	})
	if err == nil && n > 0 {
		s.jobsQueued()
	}
	return n, err
}

// replayable refuses replays to a missing or disabled endpoint.
func (s *Service) replayable(ctx context.Context, q *storage.Queries, endpointID int64) error {
	e, err := q.WebhookEndpoint(ctx, endpointID)
	if err != nil {
		return err
	}
	if !e.Enabled {
		return referralhub.Errorf(referralhub.EINVALID, "Enable the endpoint before replaying its deliveries.")
	}
	return nil
}

// replay starts a new send of d, queued now unless it has to wait.
func (s *Service) replay(ctx context.Context, q *storage.Queries, d referralhub.WebhookDelivery) error {
	if err := q.LockWebhookOrder(ctx, d.ParticipantID); err != nil {
		return err
	}
	r, err := q.ReplayWebhookDelivery(ctx, d.ID)
	if err != nil || r.State != referralhub.WebhookPending {
		return err
	}
	return s.enqueueDelivery(ctx, q, r, s.now())
}

// lockParticipantsOf takes the ordering locks of deliveries' participants
// in id order, so two transactions taking several never deadlock.
func lockParticipantsOf(ctx context.Context, q *storage.Queries, ds []referralhub.WebhookDelivery) error {
	ids := make([]int64, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.ParticipantID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if err := q.LockWebhookOrder(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
