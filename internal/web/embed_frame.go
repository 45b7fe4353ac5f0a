package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/reqid"
)

// frameView is how the embedded referral page lives in its frame: the
// token that opened it, its theme, and the host page it talks to. The
// token travels in the page's own URL and forms, never in a cookie, so the
// page works where third-party cookies are blocked.
type frameView struct {
	Token string
	// Theme is "light" or "dark"; "" follows the system's.
	Theme string
	// ParentOrigin is the host page's origin, one the program lets embed
	// the page: the only one the page posts messages to and takes them
	// from. "" when the page was opened without one, or with another.
	ParentOrigin string
}

// embedFrame reads the embedded page's settings from params (its query,
// or a form it posted) and sets the headers of its answer: a CSP whose
// frame-ancestors are the program's embed origins ('none' without any),
// no X-Frame-Options when there are some, and no Referer ever, since the
// page's URL holds its token.
func (s *Server) embedFrame(w http.ResponseWriter, r *http.Request, params url.Values) frameView {
	var origins []string
	if p, err := s.svc.Program(r.Context()); err == nil {
		origins = p.EmbedOrigins
	} else {
		s.log.WarnContext(r.Context(), "embedded page: program unreadable, framing refused", "err", err)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", embedCSP(origins))
	if len(origins) > 0 {
		h.Del("X-Frame-Options")
	}
	h.Set("Referrer-Policy", "no-referrer")
	f := frameView{Token: params.Get("token")}
	if t := params.Get("theme"); t == "light" || t == "dark" {
		f.Theme = t
	}
	if o := params.Get("origin"); core.EmbedOriginAllowed(origins, o) {
		f.ParentOrigin = o
	}
	return f
}

// embedCSP is the embedded page's Content-Security-Policy: the site's,
// with frame-ancestors listing origins, or 'none' when there are none.
func embedCSP(origins []string) string {
	if len(origins) == 0 {
		return contentSecurityPolicy
	}
	return cspSources + "frame-ancestors " + strings.Join(origins, " ")
}

// pageURL is the embedded page's address with the frame's settings: where
// a form the page posted leads back to.
func (f frameView) pageURL() string {
	q := url.Values{"token": {f.Token}}
	if f.Theme != "" {
		q.Set("theme", f.Theme)
	}
	if f.ParentOrigin != "" {
		q.Set("origin", f.ParentOrigin)
	}
	return core.EmbedPagePath + "?" + q.Encode()
}

// forms is where the embedded page's reward forms post, carrying the
// token and the frame's settings in their bodies.
func (f frameView) forms() formTarget {
	t := formTarget{Prefix: "/embed/rewards", Hidden: []hiddenField{{"token", f.Token}}}
	if f.Theme != "" {
		t.Hidden = append(t.Hidden, hiddenField{"theme", f.Theme})
	}
	if f.ParentOrigin != "" {
		t.Hidden = append(t.Hidden, hiddenField{"origin", f.ParentOrigin})
	}
	return t
}

// ColorScheme is the page's color-scheme: what the browser paints its
// own parts (scroll bars, form controls) in.
func (f frameView) ColorScheme() string {
	if f.Theme == "" {
		return "light dark"
	}
	return f.Theme
}

// embedErrorView is the embedded page's error page: no participant data.
type embedErrorView struct {
	Status    int
	Message   string
	Hint      string
	RequestID string // for an internal error
}

// renderEmbedError answers a request of the embedded page with err, in
// the frame: a bad token, whatever is wrong with it, gets 401 and "This
// page has expired. Reload the page in <product>."; internal errors are
// logged (never with the token, which is only in the query and the body)
// and shown with the request id only.
func (s *Server) renderEmbedError(w http.ResponseWriter, r *http.Request, f frameView, err error) {
	code := referralhub.ErrorCode(err)
	v := embedErrorView{Status: statusFor(code), Message: referralhub.ErrorMessage(err)}
	switch code {
	case referralhub.EUNAUTHORIZED:
		v.Message = "This page has expired."
		v.Hint = "Reload the page in " + s.brand(r.Context()).Name + "."
	case referralhub.EINTERNAL:
		s.log.ErrorContext(r.Context(), "internal error", "path", r.URL.Path, "err", err)
		v.RequestID = reqid.From(r.Context())
	}
	f.Token = "" // the page it shows has no forms
	s.renderEmbed(w, r, v.Status, "embed_error", pageData{Title: v.Message, Data: v, Frame: f})
}

// renderEmbed renders a page of the embedded referral page, in its own
// layout: no site navigation, no links that would leave the frame.
func (s *Server) renderEmbed(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	s.renderTemplate(w, r, status, name, "embed_page", data)
}
