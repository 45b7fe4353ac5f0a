package web

import (
	"net/http"
)

// handleCampaignSignupForm is a campaign's own link, GET /c/{slug}: the
// signup form headed by the campaign's texts, which enrols whoever signs up
// through it. The link of a campaign that ended (or has not started)
// shows the plain signup form; an unknown slug is a 404.
func (s *Server) handleCampaignSignupForm(w http.ResponseWriter, r *http.Request) {
	if s.redirectIfSignedIn(w, r) {
		return
	}
	c, running, err := s.svc.PublicCampaign(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.deviceID(w, r)
	view := signupView{FormToken: s.svc.SignupFormToken(), Invite: s.invitation(r, cookieValue(r, attributionCookie))}
	if running {
		view.Campaign = &c
	}
	s.render(w, r, http.StatusOK, "signup", pageData{Title: "Sign up", Data: view})
}
