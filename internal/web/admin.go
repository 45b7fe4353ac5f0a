package web

import (
	"net/http"
	"strconv"

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
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	list, err := s.svc.AdminUsers(r.Context(), v.User, r.URL.Query().Get("q"), page)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_users", pageData{Title: "Users", User: &v.User, Data: list})
}
