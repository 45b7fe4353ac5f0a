package web

import (
	"net/http"
	"net/url"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/integrations/stripehook"
)

// stripeView is the admin's Stripe page: how to set the webhook up, and
// the events received with what came of them.
type stripeView struct {
	core.StripeSync
	SecretSet   bool   // REFERRALHUB_STRIPE_WEBHOOK_SECRET is set
	EndpointURL string // to paste into Stripe
	Retried     string // the event the last post retried, "" for none
}

// handleAdminStripe shows the Stripe billing sync.
func (s *Server) handleAdminStripe(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	sync, err := s.svc.StripeSync(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := stripeView{StripeSync: sync, EndpointURL: s.cfg.BaseURL + stripehook.Path, Retried: r.URL.Query().Get("retried"),
		SecretSet: s.cfg.StripeWebhook != nil && s.cfg.StripeWebhook.Configured()}
	s.render(w, r, http.StatusOK, "admin_stripe", pageData{Title: "Stripe", User: &v.User, Data: view})
}

// handleAdminStripeRetry applies a failed Stripe event again and goes back
// to the list.
func (s *Server) handleAdminStripeRetry(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	if id == "" || len(id) > 255 || !core.IsText(id) {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such Stripe event."))
		return
	}
	if err := s.svc.RetryStripeEvent(r.Context(), v.User, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/integrations/stripe?"+url.Values{"retried": {id}}.Encode(), http.StatusSeeOther)
}
