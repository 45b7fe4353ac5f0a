package web

import (
	"net/http"
	"strings"

	"github.com/referralhub/referralhub/internal/core"
)

// unknownLinkTarget is where a link whose code leads nowhere (mistyped,
// banned, deleted) sends its visitor: the signup page, which says so.
const unknownLinkTarget = "/signup?link=unknown"

// handleClick is the hot path: GET /r/{code}. A known code gets a signed
// attribution cookie and a 302 to the signup page, or to the link's ?to=
// destination when the program allows its host; one's own link a 302 home,
// and an unknown code a 302 to the signup page that says the link leads
// nowhere, with nothing recorded.
func (s *Server) handleClick(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead { // link checkers and previews: answer, record nothing
		target := unknownLinkTarget
		if s.svc.KnownCode(r.Context(), r.PathValue("code")) {
			target = "/signup"
		}
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	res, err := s.svc.Click(r.Context(), r.PathValue("code"), core.Visit{
		IP: s.clientIP(r), UserAgent: r.UserAgent(), Referer: r.Referer(),
		SessionKey: cookieValue(r, sessionCookie), FetchDest: r.Header.Get("Sec-Fetch-Dest"),
		Channel: shareChannelOf(r),
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "click", "err", err)
	}
	if res.Bot { // a preview gets the link's tags, and no cookie is set
		s.servePreview(w, r, res.Owner)
		return
	}
	if !res.Attributed {
		target := unknownLinkTarget
		switch {
		case res.Own:
			target = "/"
		case err != nil: // the code could not be looked up: say nothing of it
			target = "/signup"
		}
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	s.setCookie(w, r, attributionCookie, res.Cookie, s.svc.AttributionWindow(r.Context()))
	s.noteInviteClick(r)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.clickTarget(r, res.Attribution), http.StatusFound)
}

// shareChannelOf is the link's ?s=, the channel it was shared through.
// Only a link whose query holds "s=" pays for parsing it.
func shareChannelOf(r *http.Request) string {
	if !strings.Contains(r.URL.RawQuery, "s=") {
		return ""
	}
	return r.URL.Query().Get("s")
}

// clickTarget is where an attributed click goes: the link's ?to=
// destination with the code and click id added, when the program allows
// its host, else the signup page. Only a link whose query holds "to=" pays
// for parsing it.
func (s *Server) clickTarget(r *http.Request, a core.Attribution) string {
	if !strings.Contains(r.URL.RawQuery, "to=") {
		return "/signup"
	}
	if to := r.URL.Query()["to"]; len(to) == 1 { // several: ambiguous, ignored
		if target, ok := s.svc.Landing(r.Context(), to[0], a); ok {
			return target
		}
	}
	return "/signup"
}
