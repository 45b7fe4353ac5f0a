package web

import (
	"net/http"
	"strings"
)

// noteInviteClick marks the invite named by a human click's ?i= clicked
// (see core.NoteInviteClick). Links without it cost nothing; a failure is
// logged and the visitor redirected all the same.
func (s *Server) noteInviteClick(r *http.Request) {
	if !strings.Contains(r.URL.RawQuery, "i=") { // most links: no parsing
		return
	}
	token := r.URL.Query().Get("i")
	if token == "" {
		return
	}
	if err := s.svc.NoteInviteClick(r.Context(), token); err != nil {
		s.log.WarnContext(r.Context(), "invite click not recorded", "err", err)
	}
}
