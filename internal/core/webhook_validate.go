package core

import (
	"context"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/webhook"
)

// WebhookInput is an endpoint as an admin enters it.
type WebhookInput struct {
	URL string
	// Secret signs the deliveries. Blank makes one when creating, and
	// keeps the current one when editing.
	Secret string
	Events []string
}

// checkWebhook validates in and returns it cleaned up: the URL and secret
// trimmed, the events in their listed order without repeats. A URL whose
// host is, or resolves to, an address webhooks must not reach (this
// server, its network, a cloud's metadata service) is refused, as the
// sender decides. Field errors are named url, secret and events.
func (s *Service) checkWebhook(ctx context.Context, in WebhookInput) (WebhookInput, error) {
	fe := referralhub.FieldErrors{}
	in.URL, in.Secret = strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret)
	if msg := webhook.CheckURL(in.URL); msg != "" {
		fe.Add("url", msg)
	} else if msg := s.webhooks.CheckDestination(ctx, in.URL); msg != "" {
		fe.Add("url", msg)
	}
	if msg := webhook.CheckSecret(in.Secret); in.Secret != "" && msg != "" {
		fe.Add("secret", msg)
	}
	var events []string
	for _, typ := range webhook.EventTypes() {
		if slices.Contains(in.Events, typ) {
			events = append(events, typ)
		}
	}
	if len(events) == 0 || len(events) != len(slicesCompact(in.Events)) {
		fe.Add("events", "Choose at least one of the listed events.")
	}
	in.Events = events
	return in, fe.Err()
}

// slicesCompact returns the distinct values of s.
func slicesCompact(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
