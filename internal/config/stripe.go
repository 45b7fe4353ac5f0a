package config

import (
	"fmt"
	"os"
	"strings"
)

// stripeSecretPrefix starts every Stripe webhook signing secret, the
// dashboard's and the Stripe CLI's alike.
const stripeSecretPrefix = "whsec_"

func setStripeWebhookSecret(c *Config, v string) error {
	if err := checkStripeWebhookSecret(v); err != nil {
		return err
	}
	c.StripeWebhookSecret = v
	return nil
}

// checkStripeWebhookSecret accepts "" (none) or a signing secret. It never
// repeats the value, which may be another secret pasted by mistake.
func checkStripeWebhookSecret(v string) error {
	if v != "" && (!strings.HasPrefix(v, stripeSecretPrefix) || len(v) <= len(stripeSecretPrefix) || strings.ContainsAny(v, " \t\r\n")) {
		return fmt.Errorf("must be the webhook endpoint's signing secret, which starts with %s (not the API key)", stripeSecretPrefix)
	}
	return nil
}

// LoadStripeWebhookSecret returns the Stripe webhook signing secret: from
// REFERRALHUB_STRIPE_WEBHOOK_SECRET, else from the file that
// REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE names, else "" (Stripe's events
// are then refused).
func (c Config) LoadStripeWebhookSecret() (string, error) {
	if c.StripeWebhookSecret != "" || c.StripeWebhookSecretFile == "" {
		return c.StripeWebhookSecret, nil
	}
	b, err := os.ReadFile(c.StripeWebhookSecretFile)
	if err != nil {
		return "", fmt.Errorf("REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if err := checkStripeWebhookSecret(v); err != nil {
		return "", fmt.Errorf("REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE: %w", err)
	}
	return v, nil
}
