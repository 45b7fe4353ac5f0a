package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// maxFormBytes bounds a form body.
const maxFormBytes = 64 << 10

// signupView is the signup form: the input kept on error (never the
// password), per-field errors and who referred the visitor.
type signupView struct {
	Email, Username string
	Errors          map[string]string
	EmailTaken      bool // the email has an account: offer to log in
	Message         string
	Invite          invitationView
	FormToken       string // when the form was shown, signed
	// Campaign is the running campaign whose link (/c/{slug}) showed the
	// form, nil for none: its texts head the form, its slug goes with it.
	Campaign *referralhub.Campaign
}

type loginView struct {
	Login   string
	Message string
}

// parseForm reads a bounded form body, answering 400 itself on failure.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, &referralhub.Error{Code: referralhub.EINVALID, Message: "The form could not be read. Please try again."})
		return false
	}
	return true
}

func (s *Server) handleSignupForm(w http.ResponseWriter, r *http.Request) {
	if s.redirectIfSignedIn(w, r) {
		return
	}
	s.deviceID(w, r)
	view := signupView{FormToken: s.svc.SignupFormToken(), Invite: s.invitation(r, cookieValue(r, attributionCookie))}
	page := pageData{Title: "Sign up", Data: view, Preview: view.Invite.preview}
	if p := view.Invite.preview; p != nil {
		page.Description = p.Title + ". " + p.Description
	}
	s.render(w, r, http.StatusOK, "signup", page)
}

func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) {
	if s.redirectIfSignedIn(w, r) || !s.parseForm(w, r) {
		return
	}
	in := core.SignupInput{Email: r.PostForm.Get("email"), Username: r.PostForm.Get("username"),
		Password: r.PostForm.Get("password"), Attribution: cookieValue(r, attributionCookie),
		Seen: s.sighting(w, r), FormToken: r.PostForm.Get("form_token"), Campaign: r.PostForm.Get("campaign")}
	_, sess, err := s.svc.Signup(r.Context(), in)
	if err != nil {
		s.signupFailed(w, r, in, err)
		return
	}
	if in.Attribution != "" {
		s.clearCookie(w, r, attributionCookie)
	}
	s.startSession(w, r, sess)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signupFailed re-renders the form with the input and the errors for a
// user's mistake, and renders the error page for anything else.
func (s *Server) signupFailed(w http.ResponseWriter, r *http.Request, in core.SignupInput, err error) {
	code := referralhub.ErrorCode(err)
	if code != referralhub.EINVALID && code != referralhub.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	view := signupView{Email: in.Email, Username: in.Username, Errors: referralhub.ErrorFields(err),
		Message: referralhub.ErrorMessage(err), FormToken: s.svc.SignupFormToken(), Invite: s.invitation(r, in.Attribution)}
	if c, running, err := s.svc.PublicCampaign(r.Context(), in.Campaign); err == nil && running {
		view.Campaign = &c
	}
	view.EmailTaken = view.Errors["email"] == core.MsgEmailTaken
	s.render(w, r, http.StatusUnprocessableEntity, "signup", pageData{Title: "Sign up", Data: view})
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if s.redirectIfSignedIn(w, r) {
		return
	}
	s.render(w, r, http.StatusOK, "login", pageData{Title: "Log in", Data: loginView{}})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	login := r.PostForm.Get("login")
	u, sess, err := s.svc.Login(r.Context(), login, r.PostForm.Get("password"))
	switch code := referralhub.ErrorCode(err); code {
	case "":
		if err := s.svc.NoteLogin(r.Context(), u, s.sighting(w, r)); err != nil {
			s.log.WarnContext(r.Context(), "note login sighting", "err", err)
		}
		s.startSession(w, r, sess)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	case referralhub.EUNAUTHORIZED, referralhub.ETOOMANY:
		s.render(w, r, statusFor(code), "login", pageData{Title: "Log in",
			Data: loginView{Login: login, Message: referralhub.ErrorMessage(err)}})
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.Logout(r.Context(), cookieValue(r, sessionCookie)); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// redirectIfSignedIn sends a signed-in user to the dashboard.
func (s *Server) redirectIfSignedIn(w http.ResponseWriter, r *http.Request) bool {
	if _, ok, _ := s.currentViewer(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return true
	}
	return false
}
