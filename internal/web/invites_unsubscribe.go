package web

import (
	"net/http"
)

// inviteUnsubscribeView is the opt-out page of an invite's mail: a form
// to confirm, or the confirmation.
type inviteUnsubscribeView struct {
	Token, Email string
	Done         bool
}

// handleInviteUnsubscribeForm asks an invitee to confirm, so that a link
// scanner following the link changes nothing.
func (s *Server) handleInviteUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	email, err := s.svc.InviteOptOutAddress(token)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderInviteUnsubscribe(w, r, inviteUnsubscribeView{Token: token, Email: email})
}

// handleInviteUnsubscribe stops every invite to the token's address. Mail
// clients' one-click unsubscribe (RFC 8058) posts to the link itself, so
// the token is read from the query string as well as the form.
func (s *Server) handleInviteUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token := r.FormValue("token")
	email, err := s.svc.InviteOptOutAddress(token)
	if err == nil {
		err = s.svc.UnsubscribeInvites(r.Context(), token)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderInviteUnsubscribe(w, r, inviteUnsubscribeView{Email: email, Done: true})
}

func (s *Server) renderInviteUnsubscribe(w http.ResponseWriter, r *http.Request, view inviteUnsubscribeView) {
	data := pageData{Title: "Stop invitations", Data: view}
	if v, ok := s.optionalViewer(r); ok {
		data.User = &v.User
	}
	s.render(w, r, http.StatusOK, "invites_unsubscribe", data)
}
