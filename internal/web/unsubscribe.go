package web

import (
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
)

// unsubscribeView is the opt-out page of a signed link from a mail: a form
// to confirm, or the confirmation.
type unsubscribeView struct {
	UserID, Kind, Sig string
	What              string // "emails about new referrals"
	Done              bool
}

// handleUnsubscribeForm asks to confirm, so that a link scanner following
// the link changes nothing. The signature is checked when the form is sent.
func (s *Server) handleUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("u") == "" || q.Get("s") == "" {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "That unsubscribe link is not valid."))
		return
	}
	s.renderUnsubscribe(w, r, http.StatusOK, unsubscribeView{UserID: q.Get("u"), Kind: q.Get("k"), Sig: q.Get("s")})
}

// handleUnsubscribe turns the notification off. Mail clients' one-click
// unsubscribe (RFC 8058) posts to the link itself, so the values are read
// from the query string as well as the form, and the answer is a page, not
// a redirect: doing it twice changes nothing.
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	view := unsubscribeView{UserID: r.FormValue("u"), Kind: r.FormValue("k"), Sig: r.FormValue("s"), Done: true}
	id, err := strconv.ParseInt(view.UserID, 10, 64)
	if err == nil {
		err = s.svc.Unsubscribe(r.Context(), id, view.Kind, view.Sig)
	} else {
		err = referralhub.Errorf(referralhub.ENOTFOUND, "That unsubscribe link is not valid.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderUnsubscribe(w, r, http.StatusOK, view)
}

func (s *Server) renderUnsubscribe(w http.ResponseWriter, r *http.Request, status int, view unsubscribeView) {
	view.What = mailKindName(view.Kind)
	data := pageData{Title: "Unsubscribe", Data: view}
	if v, ok := s.optionalViewer(r); ok {
		data.User = &v.User
	}
	s.render(w, r, status, "unsubscribe", data)
}

// mailKindName names the mails an unsubscribe link is about.
func mailKindName(kind string) string {
	switch kind {
	case "new_referral":
		return "emails about new referrals"
	case "reward_earned":
		return "emails about rewards you earn"
	case "reward_ready":
		return "emails when a reward is ready to use"
	case "achievement":
		return "emails about tiers and badges you reach"
	}
	return "notification emails"
}
