package web

import (
	"net/http"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// Cookie names.
const (
	sessionCookie     = "rh_session"
	attributionCookie = "rh_ref"
)

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// startSession rotates the session: the old one (if any) is destroyed and
// the new token replaces it in the cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess core.Session) {
	if old := cookieValue(r, sessionCookie); old != "" {
		if err := s.svc.Logout(r.Context(), old); err != nil {
			s.log.WarnContext(r.Context(), "destroy old session", "err", err)
		}
	}
	s.setCookie(w, sessionCookie, sess.Token, sess.Expires.Sub(s.now()))
}
