package core

import (
	"crypto/rand"
	"net/url"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
)

// WebhookInput is an endpoint as an admin enters it.
type WebhookInput struct {
	URL string
	// Secret signs the deliveries. Blank makes one when creating, and
	// keeps the current one when editing.
	Secret string
	Events []string
}

// Limits on webhook endpoints.
const (
	webhookURLMax    = 2000
	webhookSecretMin = 16
	webhookSecretMax = 200
)

// NewWebhookSecret draws a signing secret: "whsec_" and 26 random
// characters (130 bits).
func NewWebhookSecret() string { return "whsec_" + strings.ToLower(rand.Text()) }

// checkWebhook validates in and returns it cleaned up: the URL and secret
// trimmed, the events in their listed order without repeats. Field errors
// are named url, secret and events.
func checkWebhook(in WebhookInput) (WebhookInput, error) {
	fe := referralhub.FieldErrors{}
	in.URL, in.Secret = strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret)
	if msg := checkWebhookURL(in.URL); msg != "" {
		fe.Add("url", msg)
	}
	if in.Secret != "" && !validSecret(in.Secret) {
		fe.Add("secret", "A secret is 16 to 200 printable characters without spaces; leave it blank to have one made.")
	}
	var events []string
	for _, typ := range WebhookEventTypes() {
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

// checkWebhookURL says what is wrong with a webhook URL, "" for nothing.
func checkWebhookURL(raw string) string {
	if raw == "" {
		return "Enter the URL that receives the events."
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > webhookURLMax || !IsText(raw) || u.Host == "" || u.Hostname() == "":
		return "Enter a full URL, like https://example.com/webhooks/referralhub."
	case u.Scheme != "https" && u.Scheme != "http":
		return "The URL must start with https:// (or http://)."
	case u.User != nil:
		return "Leave credentials out of the URL: the signature proves each delivery comes from here."
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "A webhook URL has no #fragment."
	}
	return ""
}

// validSecret: printable ASCII without spaces, of a sensible length.
func validSecret(s string) bool {
	if len(s) < webhookSecretMin || len(s) > webhookSecretMax {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// slicesCompact returns the distinct values of s.
func slicesCompact(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
