package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
)

// viewer is the signed-in person behind a request.
type viewer struct {
	User        referralhub.User
	Participant referralhub.Participant
}

// currentViewer returns the signed-in viewer; ok is false for a visitor.
// Errors other than "not signed in" are returned for the caller to render.
func (s *Server) currentViewer(r *http.Request) (v viewer, ok bool, err error) {
	token := cookieValue(r, sessionCookie)
	if token == "" {
		return v, false, nil
	}
	v.User, v.Participant, err = s.svc.Authenticate(r.Context(), token)
	if referralhub.ErrorCode(err) == referralhub.EUNAUTHORIZED {
		return v, false, nil
	}
	return v, err == nil, err
}
