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
	deviceCookie      = "rh_dev" // a random first-party device id, for self-referral checks
)

// deviceCookieLife is how long a device id lasts.
const deviceCookieLife = 2 * 365 * 24 * time.Hour

// deviceID returns the visitor's device id, giving them one (in a
// long-lived cookie) when they have none or a malformed one.
func (s *Server) deviceID(w http.ResponseWriter, r *http.Request) string {
	if id := cookieValue(r, deviceCookie); core.ValidDeviceID(id) {
		return id
	}
	id := core.NewDeviceID()
	s.setCookie(w, r, deviceCookie, id, deviceCookieLife)
	return id
}

// sighting is where a request came from, for the risk checks; the core
// stores only keyed hashes of it. A device id minted for this very request
// is not part of it: it says nothing yet, and a client that keeps no
// cookies would otherwise bring a new one, and a write, every time.
func (s *Server) sighting(w http.ResponseWriter, r *http.Request) core.Sighting {
	seen := core.Sighting{IP: s.clientIP(r), UserAgent: r.UserAgent()}
	if id := cookieValue(r, deviceCookie); core.ValidDeviceID(id) {
		seen.DeviceID = id
	} else {
		s.deviceID(w, r)
	}
	return seen
}

// setCookie sets a cookie in answer to r, Secure when r came over https
// (see secureCookies).
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode})
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
	s.setCookie(w, r, sessionCookie, sess.Token, sess.Expires.Sub(s.now()))
}
