package web

import "net/http"

// StripeWebhook is the face Stripe's events come in by (stripehook.Handler).
type StripeWebhook interface {
	http.Handler
	// Configured reports whether its signing secret is set.
	Configured() bool
}

// stripeWebhook is the Stripe webhook in Config, or, when none was wired,
// a JSON 404.
func (s *Server) stripeWebhook() http.Handler {
	if s.cfg.StripeWebhook != nil {
		return s.cfg.StripeWebhook
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"message":"Stripe webhooks are not enabled on this server."}}` + "\n"))
	})
}
