package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStripeWebhookSecret(t *testing.T) {
	c, err := load(t, map[string]string{"REFERRALHUB_STRIPE_WEBHOOK_SECRET": "whsec_abc123"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.LoadStripeWebhookSecret(); got != "whsec_abc123" || err != nil {
		t.Fatalf("secret %q, %v", got, err)
	}
	if got, err := (Config{}).LoadStripeWebhookSecret(); got != "" || err != nil {
		t.Fatalf("none: %q, %v", got, err)
	}
	for _, bad := range []string{"sk_live_123", "whsec_", "whsec_a b"} {
		_, err := load(t, map[string]string{"REFERRALHUB_STRIPE_WEBHOOK_SECRET": bad})
		if err == nil || !strings.Contains(err.Error(), "REFERRALHUB_STRIPE_WEBHOOK_SECRET") || strings.Contains(err.Error(), bad+`"`) {
			t.Errorf("%q: %v (must name the variable, never the value)", bad, err)
		}
	}
}

func TestStripeWebhookSecretFile(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	if err := os.WriteFile(good, []byte("whsec_fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("sk_test_oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, map[string]string{"REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE": good})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.LoadStripeWebhookSecret(); got != "whsec_fromfile" || err != nil {
		t.Fatalf("from a file: %q, %v", got, err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing")} {
		c, err := load(t, nil, "-stripe-webhook-secret-file", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.LoadStripeWebhookSecret(); err == nil || !strings.Contains(err.Error(), "REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE") ||
			strings.Contains(err.Error(), "sk_test_oops") {
			t.Errorf("%s: %v", path, err)
		}
	}
}
