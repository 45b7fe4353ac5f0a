package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
)

// adminViewer returns the signed-in admin. Anyone else, visitor or user, is
// answered 404 and ok is false: the admin area does not reveal itself, not
// even to a form posted at it.
func (s *Server) adminViewer(w http.ResponseWriter, r *http.Request) (v viewer, ok bool) {
	v, ok, err := s.currentViewer(r)
	if err != nil {
		s.renderError(w, r, err)
		return v, false
	}
	if !ok || !v.User.IsAdmin {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return v, false
	}
	return v, true
}
