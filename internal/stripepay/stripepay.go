// Package stripepay performs ReferralHub's Stripe fulfilment: coupons with
// promotion codes, and credit on a customer's balance.
//
// Every call carries an Idempotency-Key derived from the caller's ledger
// entry, so a job that is retried after a crash never pays out twice. The
// client does not retry by itself; Permanent tells the job whether to.
package stripepay

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// Timeout bounds each HTTP request to Stripe, on top of the caller's context.
const Timeout = 20 * time.Second

// Config configures the client.
type Config struct {
	SecretKey string // REFERRALHUB_STRIPE_SECRET_KEY
	APIBase   string // REFERRALHUB_STRIPE_API_BASE; "" means Stripe's own https://api.stripe.com. For stripe-mock, e.g. "http://127.0.0.1:12111"
}

// Client performs fulfilment calls. Safe for concurrent use.
type Client struct {
	sc *stripe.Client
}

// New returns a client for cfg. It fails when the secret key is empty or
// the API base is set but not an http(s) URL. It makes no network call.
func New(cfg Config) (*Client, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("stripepay: secret key is empty")
	}
	if cfg.APIBase != "" {
		if err := checkBase(cfg.APIBase); err != nil {
			return nil, err
		}
	}
	backends := stripe.NewBackendsWithConfig(backendConfig(cfg.APIBase))
	return &Client{sc: stripe.NewClient(cfg.SecretKey, stripe.WithBackends(backends))}, nil
}

// backendConfig gives every request a bounded timeout, no retries of its
// own (the job queue retries) and no library logging: errors are returned.
func backendConfig(base string) *stripe.BackendConfig {
	bc := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: Timeout},
		MaxNetworkRetries: stripe.Int64(0),
		EnableTelemetry:   stripe.Bool(false),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if base != "" {
		bc.URL = stripe.String(base)
	}
	return bc
}

// checkBase accepts an absolute http or https URL with a host and nothing
// after the path.
func checkBase(base string) error {
	u, err := url.Parse(base)
	switch {
	case err != nil:
		return fmt.Errorf("stripepay: API base %q: %w", base, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("stripepay: API base %q: want an http or https URL", base)
	case u.Host == "":
		return fmt.Errorf("stripepay: API base %q: no host", base)
	case u.User != nil:
		return errors.New("stripepay: API base: credentials do not belong in the URL")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("stripepay: API base %q: want scheme, host and optional path only", base)
	}
	return nil
}
