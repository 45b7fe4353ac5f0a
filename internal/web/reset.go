package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
)

// resetView is the "forgot your password" page: the form, or once sent
// the answer, which is the same whether or not the address has an account.
type resetView struct {
	Email  string
	Errors map[string]string
	Sent   bool
}

// resetConfirmView is the "choose a new password" page a reset link opens.
type resetConfirmView struct {
	Token   string
	Errors  map[string]string
	Expired bool // the link was used or is too old
}

func (s *Server) handleResetForm(w http.ResponseWriter, r *http.Request) {
	view := resetView{Sent: r.URL.Query().Get("sent") == "1"}
	s.render(w, r, http.StatusOK, "password_reset", pageData{Title: "Reset your password", Data: view})
}

// handleResetRequest mails a reset link when the address has an account and
// answers the same either way, so the form reveals no accounts. Only an
// address that is not one (a typo) is sent back to be fixed.
func (s *Server) handleResetRequest(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email := r.PostForm.Get("email")
	err := s.svc.RequestPasswordReset(r.Context(), email)
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		view := resetView{Email: email, Errors: referralhub.ErrorFields(err)}
		s.render(w, r, http.StatusUnprocessableEntity, "password_reset", pageData{Title: "Reset your password", Data: view})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/password-reset?sent=1", http.StatusSeeOther)
}

// handleResetConfirmForm shows the new-password form, carrying the link's
// token in a hidden field. The token is checked when the form is sent.
func (s *Server) handleResetConfirmForm(w http.ResponseWriter, r *http.Request) {
	view := resetConfirmView{Token: r.URL.Query().Get("token")}
	// Say at once when the link is no good, rather than after a password.
	status := http.StatusOK
	err := s.svc.CheckResetLink(r.Context(), view.Token)
	switch code := referralhub.ErrorCode(err); code {
	case "":
	case referralhub.ENOTFOUND:
		view.Expired, status = true, statusFor(code)
	default:
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, status, "password_reset_confirm", pageData{Title: "Choose a new password", Data: view})
}

// handleResetConfirm sets the new password, which ends every session of
// the account, and signs this browser in with a fresh session.
func (s *Server) handleResetConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token := r.PostForm.Get("token")
	_, sess, err := s.svc.ResetPassword(r.Context(), token, r.PostForm.Get("password"))
	switch code := referralhub.ErrorCode(err); code {
	case "":
		s.startSession(w, r, sess)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case referralhub.EINVALID, referralhub.ENOTFOUND:
		view := resetConfirmView{Token: token, Errors: referralhub.ErrorFields(err), Expired: code == referralhub.ENOTFOUND}
		s.render(w, r, statusFor(code), "password_reset_confirm", pageData{Title: "Choose a new password", Data: view})
	default:
		s.renderError(w, r, err)
	}
}
