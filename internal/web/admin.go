package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
)

// handleAdminUsers lists users for admins. Everyone else, signed in or not,
// gets 404: the admin area does not reveal itself.
func (s *Server) handleAdminUsers(w http.ResponseWriter, r *http.Request) {
	v, ok, err := s.currentViewer(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return
	}
	s.renderAdminUsers(w, r, v, r.URL.Query().Get("q"), r.URL.Query().Get("page"), adminUsersView{})
}
