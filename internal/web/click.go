package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// unknownLinkTarget is where a link whose code leads nowhere (mistyped,
// banned, deleted) sends its visitor: the signup page, which says so.
const unknownLinkTarget = "/signup?link=unknown"

// clickHeaders are the header values a click answers with, built once:
// a header's value is a slice, and making one per click cost an
// allocation each. They are shared by every response, so nothing may
// change their elements (Set and Add replace or copy them).
type clickHeaders struct {
	signup, unknown, home, noStore []string
}

// clickHandler returns handleClick with its header values.
func (s *Server) clickHandler() http.HandlerFunc {
	h := clickHeaders{signup: []string{"/signup"}, unknown: []string{unknownLinkTarget}, home: []string{"/"},
		noStore: []string{"no-store"}}
	return func(w http.ResponseWriter, r *http.Request) { s.handleClick(w, r, h) }
}

// handleClick is the hot path: GET /r/{code}. A known code gets a signed
// attribution cookie and a 302 to the signup page, or to the link's ?to=
// destination when the program allows its host; one's own link a 302 home,
// and an unknown code a 302 to the signup page that says the link leads
// nowhere, with nothing recorded.
func (s *Server) handleClick(w http.ResponseWriter, r *http.Request, h clickHeaders) {
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
		target := h.unknown
		switch {
		case res.Own:
			target = h.home
		case err != nil: // the code could not be looked up: say nothing of it
			target = h.signup
		}
		found(w, target)
		return
	}
	s.setClickCookie(w, r, res.Cookie, s.svc.AttributionWindow(r.Context()))
	s.noteInviteClick(r)
	w.Header()["Cache-Control"] = h.noStore
	if target := s.clickTarget(r, res.Attribution); target != "/signup" {
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	found(w, h.signup)
}

// found answers 302 to a local path, with no body: http.Redirect without
// the URL parsing and the HTML body it writes for GET, which browsers
// never show.
func found(w http.ResponseWriter, location []string) {
	w.Header()["Location"] = location
	w.WriteHeader(http.StatusFound)
}

// setClickCookie sets the attribution cookie as setCookie does, writing
// the header itself: one allocation instead of http.SetCookie's four. A
// value that would need quoting (never one the core signs) goes through
// setCookie.
func (s *Server) setClickCookie(w http.ResponseWriter, r *http.Request, value string, maxAge time.Duration) {
	if !plainCookieValue(value) {
		s.setCookie(w, r, attributionCookie, value, maxAge)
		return
	}
	b := make([]byte, 0, len(attributionCookie)+len(value)+64)
	b = append(append(append(b, attributionCookie...), '='), value...)
	b = append(b, "; Path=/"...)
	if age := int64(maxAge.Seconds()); age > 0 {
		b = strconv.AppendInt(append(b, "; Max-Age="...), age, 10)
	} else if age < 0 {
		b = append(b, "; Max-Age=0"...)
	}
	b = append(b, "; HttpOnly"...)
	if s.secureCookies(r) {
		b = append(b, "; Secure"...)
	}
	b = append(b, "; SameSite=Lax"...)
	h := w.Header()
	h["Set-Cookie"] = append(h["Set-Cookie"], string(b))
}

// plainCookieValue reports whether v can stand in a cookie as it is: the
// characters of a signed attribution (letters, digits, '-', '_', '.').
func plainCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return v != ""
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
