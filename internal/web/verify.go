package web

import (
	"net/http"
	"time"

	"github.com/referralhub/referralhub"
)

// verifyView is the page a verification link lands on.
type verifyView struct {
	Verified bool // the link worked
	// CanResend: the link failed and the viewer is signed in with an
	// unverified address, so a new link can be asked for here.
	CanResend bool
	SignedIn  bool
}

// handleVerifyEmail spends the token of a verification link. A used,
// expired or unknown link gets a friendly page (404) that offers a new
// link to a signed-in user.
func (s *Server) handleVerifyEmail(w http.ResponseWriter, r *http.Request) {
	err := s.svc.VerifyEmail(r.Context(), r.URL.Query().Get("token"))
	code := referralhub.ErrorCode(err)
	if code != "" && code != referralhub.ENOTFOUND {
		s.renderError(w, r, err)
		return
	}
	v, signedIn := s.optionalViewer(r) // read after verifying, so the nav sees the new state
	view := verifyView{Verified: err == nil, SignedIn: signedIn}
	view.CanResend = !view.Verified && signedIn && v.User.EmailVerifiedAt.IsZero()
	title, status := "Email address confirmed", http.StatusOK
	if !view.Verified {
		title, status = "This link has expired", statusFor(code)
	}
	data := pageData{Title: title, Data: view}
	if signedIn {
		data.User = &v.User
	}
	s.render(w, r, status, "verify_email", data)
}

// handleResendVerification mails a signed-in user a new verification link,
// at most once a minute.
func (s *Server) handleResendVerification(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	err := s.svc.ResendVerification(r.Context(), v.User)
	switch referralhub.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/settings?saved=verification", http.StatusSeeOther)
	case referralhub.ETOOMANY:
		s.renderResendWait(w, r, v, referralhub.ErrorMessage(err))
	default:
		s.renderError(w, r, err)
	}
}

// resendTooSoon answers a resend over its rate limit on the settings page,
// beside the button, with the time to wait: the account stays in view.
func (s *Server) resendTooSoon(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	secs := setRetryAfter(w, retry)
	s.renderResendWait(w, r, v, "You asked for several links already. You can ask for another in "+waitText(secs)+".")
}

// renderResendWait shows the settings page with why no link was sent.
func (s *Server) renderResendWait(w http.ResponseWriter, r *http.Request, v viewer, msg string) {
	s.renderSettings(w, r, v, statusFor(referralhub.ETOOMANY), settingsView{ResendWait: msg}, "")
}

// optionalViewer returns the signed-in viewer of a page that visitors see
// too. A failed lookup only costs the page its signed-in navigation, so it
// is logged rather than shown.
func (s *Server) optionalViewer(r *http.Request) (viewer, bool) {
	v, ok, err := s.currentViewer(r)
	if err != nil {
		s.log.WarnContext(r.Context(), "look up viewer", "err", err)
	}
	return v, ok
}
