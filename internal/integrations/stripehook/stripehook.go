// Package stripehook is the face Stripe's webhook events come in by:
// POST /integrations/stripe/webhook. It checks each request's
// Stripe-Signature against the endpoint's signing secret with stripe-go's
// webhook package, then hands the event to the core, which stores it and
// applies it as a job, so Stripe hears 200 at once and its retries are
// harmless. It holds no rules.
package stripehook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// Path is where Stripe sends events: the endpoint URL is the base URL and
// this path.
const Path = "/integrations/stripe/webhook"

// maxBody bounds an event's size; Stripe's are a few kilobytes.
const maxBody = 1 << 20

// Receiver stores a verified event and queues its processing:
// core.Service implements it.
type Receiver interface {
	ReceiveStripeEvent(ctx context.Context, h stripepay.EventHeader, payload []byte) error
}

// Handler answers Stripe's webhook requests. Create it with New.
type Handler struct {
	secret string
	core   Receiver
	log    *slog.Logger
}

// New returns a handler checking signatures against secret (the
// endpoint's "whsec_…" signing secret, REFERRALHUB_STRIPE_WEBHOOK_SECRET);
// with an empty secret every request is answered 503.
func New(secret string, core Receiver, log *slog.Logger) *Handler {
	return &Handler{secret: secret, core: core, log: log}
}

// Configured reports whether a signing secret is set.
func (h *Handler) Configured() bool { return h.secret != "" }

// ServeHTTP receives one event: 200 once it is stored (or was before),
// 400 for a bad or missing signature or a payload that is not an event,
// 413 for a body over 1 MiB, 503 when no secret is set, and 500 when it
// could not be stored, so that Stripe sends it again.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.Configured() {
		answer(w, http.StatusServiceUnavailable, "Stripe webhooks are not set up on this server: set REFERRALHUB_STRIPE_WEBHOOK_SECRET.")
		return
	}
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			answer(w, http.StatusRequestEntityTooLarge, "The event is larger than 1 MiB.")
			return
		}
		answer(w, http.StatusBadRequest, "The request body could not be read.")
		return
	}
	ev, err := stripepay.VerifyEvent(payload, r.Header.Get("Stripe-Signature"), h.secret)
	if err != nil {
		h.log.WarnContext(r.Context(), "stripe webhook refused", "err", err)
		answer(w, http.StatusBadRequest, referralhub.ErrorMessage(err))
		return
	}
	if err := h.core.ReceiveStripeEvent(r.Context(), ev, payload); err != nil {
		h.log.ErrorContext(r.Context(), "stripe event not stored", "stripe_event", ev.ID, "err", err)
		answer(w, http.StatusInternalServerError, "The event could not be stored; Stripe will send it again.")
		return
	}
	answer(w, http.StatusOK, "")
}

// answer writes a JSON answer: {"received":true}, or {"error":{"message":…}}.
func answer(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	body := any(map[string]bool{"received": true})
	if msg != "" {
		body = map[string]map[string]string{"error": {"message": msg}}
	}
	json.NewEncoder(w).Encode(body)
}
