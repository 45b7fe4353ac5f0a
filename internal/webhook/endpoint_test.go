package webhook_test

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/webhook"
)

// The refusals are tested through the core's endpoint form
// (TestWebhookEndpointInputIsChecked); these are the acceptances. CheckURL
// checks the URL's form only: where it leads is CheckDestination's.

func TestCheckURLTakesFullHTTPURLs(t *testing.T) {
	for _, u := range []string{"https://example.com/webhooks/referralhub", "http://127.0.0.1:9/hooks?k=1", "https://shop.example"} {
		if msg := webhook.CheckURL(u); msg != "" {
			t.Errorf("CheckURL(%q) = %q", u, msg)
		}
	}
}

func TestNewSecretPassesCheckSecret(t *testing.T) {
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if !strings.HasPrefix(a, "whsec_") || len(a) != 32 || a == b || webhook.CheckSecret(a) != "" {
		t.Errorf("secrets %q, %q: %q", a, b, webhook.CheckSecret(a))
	}
	if webhook.CheckSecret(strings.Repeat("x", 201)) == "" || webhook.CheckSecret("with a space in it") == "" {
		t.Error("a long secret or one with spaces was accepted")
	}
}
