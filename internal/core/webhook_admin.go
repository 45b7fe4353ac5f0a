package core

import (
	"context"
	"net/url"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// onlyAdmins refuses anyone but an admin the webhooks.
func onlyAdmins(viewer referralhub.User) error {
	if !viewer.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can manage webhooks.")
	}
	return nil
}

// WebhookEndpoints lists every endpoint for the admin, oldest first.
func (s *Service) WebhookEndpoints(ctx context.Context, viewer referralhub.User) ([]referralhub.WebhookEndpoint, error) {
	if err := onlyAdmins(viewer); err != nil {
		return nil, err
	}
	return s.db.Read().WebhookEndpoints(ctx)
}

// CreateWebhookEndpoint adds an enabled endpoint; a blank secret gets one
// made. The audit log records it by id and host.
func (s *Service) CreateWebhookEndpoint(ctx context.Context, viewer referralhub.User, in WebhookInput) (referralhub.WebhookEndpoint, error) {
	if err := onlyAdmins(viewer); err != nil {
		return referralhub.WebhookEndpoint{}, err
	}
	in, err := s.checkWebhook(ctx, in)
	if err != nil {
		return referralhub.WebhookEndpoint{}, err
	}
	if in.Secret == "" {
		in.Secret = webhook.NewSecret()
	}
	now := s.now()
	e := referralhub.WebhookEndpoint{URL: in.URL, Secret: in.Secret, Events: in.Events, CreatedAt: now}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateWebhookEndpoint(ctx, &e); err != nil {
			return err
		}
		return s.audit(ctx, q, viewer, "webhook.create", endpointSubject(e.ID), webhookDetail(in), now)
	})
	return e, err
}

// UpdateWebhookEndpoint changes an endpoint's URL, events and, unless
// in.Secret is blank, its secret.
func (s *Service) UpdateWebhookEndpoint(ctx context.Context, viewer referralhub.User, id int64, in WebhookInput) error {
	if err := onlyAdmins(viewer); err != nil {
		return err
	}
	in, err := s.checkWebhook(ctx, in)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		e, err := q.WebhookEndpoint(ctx, id)
		if err != nil {
			return err
		}
		detail := webhookDetail(in)
		if in.Secret == "" {
			in.Secret = e.Secret
		} else if in.Secret != e.Secret {
			detail += "; new secret"
		}
		if _, err := q.UpdateWebhookEndpoint(ctx, id, in.URL, in.Secret, in.Events); err != nil {
			return err
		}
		return s.audit(ctx, q, viewer, "webhook.update", endpointSubject(id), detail, s.now())
	})
}

// SetWebhookEndpointEnabled enables an endpoint (with a fresh count of
// failures; its dead deliveries wait for a replay) or disables it (its
// undelivered deliveries are given up, to the dead letters).
func (s *Service) SetWebhookEndpointEnabled(ctx context.Context, viewer referralhub.User, id int64, enabled bool) error {
	if err := onlyAdmins(viewer); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		if _, err := q.WebhookEndpoint(ctx, id); err != nil {
			return err
		}
		if enabled {
			changed, err := q.EnableWebhookEndpoint(ctx, id)
			if err != nil || !changed {
				return err
			}
			// A delivery queued by a transaction that raced the disabling
			// could still wait; it joins the dead letters, for a replay.
			if _, err := q.KillOpenWebhookDeliveries(ctx, id, "The endpoint was disabled.", now); err != nil {
				return err
			}
			return s.audit(ctx, q, viewer, "webhook.enable", endpointSubject(id), "", now)
		}
		changed, err := q.DisableWebhookEndpoint(ctx, id, "Disabled by "+viewer.Username+".", false, now)
		if err != nil || !changed {
			return err
		}
		if _, err := q.KillOpenWebhookDeliveries(ctx, id, "The endpoint was disabled by an admin.", now); err != nil {
			return err
		}
		return s.audit(ctx, q, viewer, "webhook.disable", endpointSubject(id), "", now)
	})
}

// DeleteWebhookEndpoint removes an endpoint with its deliveries and log.
func (s *Service) DeleteWebhookEndpoint(ctx context.Context, viewer referralhub.User, id int64) error {
	if err := onlyAdmins(viewer); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		deleted, err := q.DeleteWebhookEndpoint(ctx, id)
		if err != nil {
			return err
		}
		if !deleted {
			return referralhub.Errorf(referralhub.ENOTFOUND, "There is no such webhook endpoint.")
		}
		return s.audit(ctx, q, viewer, "webhook.delete", endpointSubject(id), "", s.now())
	})
}

// webhookDetail describes an endpoint for the audit log: its host and
// events, never its path, query or secret.
func webhookDetail(in WebhookInput) string {
	host := in.URL
	if u, err := url.Parse(in.URL); err == nil {
		host = u.Scheme + "://" + u.Host
	}
	return host + " for " + strings.Join(in.Events, ", ")
}
