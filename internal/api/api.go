// Package api is ReferralHub's JSON API, version 1, mounted at /api/v1/:
// other products create participants, report events, redeem rewards and
// read what happened, with API keys. It holds no rules and writes no SQL:
// it turns HTTP into calls on the core and back.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/ratelimit"
)

// Config is what the API needs besides the core.
type Config struct {
	// Limiter counts requests per API key against Limit; nil, or a Limit
	// that is off, limits nothing.
	Limiter ratelimit.Limiter
	Limit   ratelimit.Limit
	// Secret keys the hashes that stand for API keys in limiter keys; the
	// same on every instance that shares a Redis.
	Secret []byte
	// Idempotency keeps the responses to requests with an
	// Idempotency-Key; required.
	Idempotency IdempotencyStore
	// Now is the clock of Idempotency-Key records; nil is time.Now.
	Now func() time.Time
}

// Handler serves the API. Create it with New.
type Handler struct {
	svc     *core.Service
	log     *slog.Logger
	limiter ratelimit.Limiter
	limit   ratelimit.Limit
	keys    ratelimit.Keys
	// idempotency replays the first answer to a retried request.
	idempotency idempotency
	handler     http.Handler
}

// New returns the API's handler over svc.
func New(cfg Config, svc *core.Service, log *slog.Logger) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	h := &Handler{svc: svc, log: log, limiter: cfg.Limiter, limit: cfg.Limit, keys: ratelimit.NewKeys(cfg.Secret),
		idempotency: idempotency{store: cfg.Idempotency, now: now}}
	h.handler = h.routes()
	return h
}

// ServeHTTP implements http.Handler. A panic is logged and answered as an
// internal error in JSON.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.writeError(w, r, panicError{v})
		}
	}()
	h.handler.ServeHTTP(w, r)
}

// panicError carries a recovered panic to the error log.
type panicError struct{ v any }

func (p panicError) Error() string { return "panic: " + slog.AnyValue(p.v).String() }
