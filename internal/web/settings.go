package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// settingsView is the settings page: the account's address, its
// notification choices, and each form's errors and kept input (never a
// password).
type settingsView struct {
	Email          string
	Verified       bool
	Prefs          referralhub.NotificationPrefs
	NewEmail       string
	PasswordErrors map[string]string // current_password, new_password
	EmailErrors    map[string]string // email, password
	Message        string
	Board          core.BoardProfile // how they show on the leaderboard
	BoardErrors    map[string]string // display_name, leaderboard
	boardKept      bool              // Board holds refused input to show again
	Link           string            // the participant's referral link
	Code           core.CodeChoice   // their code, and whether they may choose one
	CodeTyped      string            // a refused code, shown again
	CodeErrors     map[string]string // code
	ResendWait     string            // why no new confirmation link was sent, and how long to wait
}

// settingsBanner is the banner shown after a form succeeded, by the
// "saved" query value the form redirects with; "" for anything else.
func settingsBanner(saved string) string {
	switch saved {
	case "notifications":
		return "Your email choices were saved."
	case "password":
		return "Your password was changed. Other devices were signed out."
	case "email":
		return "Your email address was changed. We sent a link to confirm it."
	case "verification":
		return "We sent you a new link to confirm your email address."
	case "leaderboard":
		return "Your leaderboard choices were saved."
	case "code":
		return "Your link has its new code. Your old link keeps working."
	}
	return ""
}

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.renderSettings(w, r, v, http.StatusOK, settingsView{}, settingsBanner(r.URL.Query().Get("saved")))
}

// renderSettings fills in the account's current state and renders view.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, v viewer, status int, view settingsView, banner string) {
	prefs, err := s.svc.NotificationPrefs(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Email, view.Verified, view.Prefs = v.User.Email, !v.User.EmailVerifiedAt.IsZero(), prefs
	if !view.boardKept {
		if view.Board, err = s.svc.LeaderboardProfile(r.Context(), v.Participant.ID); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if view.Code, err = s.svc.CodeChoiceOf(r.Context(), v.Participant); err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Link = s.cfg.BaseURL + "/r/" + v.Participant.Code
	s.render(w, r, status, "settings", pageData{Title: "Settings", User: &v.User, Data: view, Banner: banner})
}

func (s *Server) handleSettingsNotifications(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	prefs := referralhub.NotificationPrefs{NewReferral: f.Get("new_referral") != "",
		RewardEarned: f.Get("reward_earned") != "", RewardReady: f.Get("reward_ready") != "",
		Achievement: f.Get("achievement") != ""}
	if err := s.svc.SetNotificationPrefs(r.Context(), v.User, prefs); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?saved=notifications", http.StatusSeeOther)
}

// handleSettingsPassword changes the password of a user who gave the
// current one; their other sessions end, this one stays.
func (s *Server) handleSettingsPassword(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.svc.ChangePassword(r.Context(), v.User, cookieValue(r, sessionCookie),
		r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if err != nil {
		s.settingsFailed(w, r, v, err, func(view *settingsView, fields map[string]string) { view.PasswordErrors = fields })
		return
	}
	http.Redirect(w, r, "/settings?saved=password", http.StatusSeeOther)
}

// handleSettingsEmail gives a user who gave their password a new address,
// unverified until they follow the link mailed to it.
func (s *Server) handleSettingsEmail(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	email := r.PostForm.Get("email")
	if err := s.svc.ChangeEmail(r.Context(), v.User, r.PostForm.Get("password"), email); err != nil {
		s.settingsFailed(w, r, v, err, func(view *settingsView, fields map[string]string) {
			// The core names the password check current_password; here the field is "password".
			view.NewEmail, view.EmailErrors = email, map[string]string{"email": fields["email"], "password": fields["current_password"]}
		})
		return
	}
	http.Redirect(w, r, "/settings?saved=email", http.StatusSeeOther)
}

// settingsFailed re-renders the settings page with a form's field errors
// (set by place) for a user's mistake, and the error page for anything else.
func (s *Server) settingsFailed(w http.ResponseWriter, r *http.Request, v viewer, err error, place func(*settingsView, map[string]string)) {
	code := referralhub.ErrorCode(err)
	if code != referralhub.EINVALID && code != referralhub.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	view := settingsView{}
	fields := referralhub.ErrorFields(err)
	if len(fields) == 0 {
		view.Message = referralhub.ErrorMessage(err)
	}
	place(&view, fields)
	s.renderSettings(w, r, v, http.StatusUnprocessableEntity, view, "")
}
