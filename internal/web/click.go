package web

import (
	"net"
	"net/http"

	"github.com/referralhub/referralhub/internal/core"
)

// handleClick is the hot path: GET /r/{code}. A known code gets a signed
// attribution cookie and a 302 to the signup page; anything else a 302 home
// with nothing recorded.
func (s *Server) handleClick(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead { // link checkers and previews: answer, record nothing
		target := "/"
		if s.svc.KnownCode(r.Context(), r.PathValue("code")) {
			target = "/signup"
		}
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	res, err := s.svc.Click(r.Context(), r.PathValue("code"), core.Visit{
		IP: clientIP(r), UserAgent: r.UserAgent(), Referer: r.Referer(),
		SessionKey: cookieValue(r, sessionCookie), FetchDest: r.Header.Get("Sec-Fetch-Dest"),
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "click", "err", err)
	}
	if res.Bot { // a preview sees the signup page, and no cookie is set
		http.Redirect(w, r, "/signup", http.StatusFound)
		return
	}
	if !res.Attributed {
		http.Redirect(w, r, "/", http.StatusFound)
		return
	}
	s.setCookie(w, attributionCookie, res.Cookie, s.svc.AttributionWindow(r.Context()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/signup", http.StatusFound)
}

// clientIP is the peer address. Trusted proxy headers come later.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
