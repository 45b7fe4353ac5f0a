package web

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// adminUserView is the admin's page about one user, with the outcome of
// the last action: a notice after a redirect, or a refused form's error
// beside it (and what was typed).
type adminUserView struct {
	core.UserAccount
	Referrals []referralRow
	Rewards   []rewardRow
	Notice    string
	Form      string // the form whose error Error is: "ban", "unban", "points", "admin"
	Error     string
	Typed     string // the points typed into a refused adjustment
	Reason    string // the reason typed into a refused form
	Key       string // the adjustment form's one-time key
	Self      bool   // the page is the admin's own
}

// adminUserNotices confirm each action after its redirect.
var adminUserNotices = map[string]string{
	"ban":    "The user is banned: their link stops working and their pending rewards are cancelled.",
	"unban":  "The ban is lifted: their link works again. Rewards the ban cancelled stay cancelled.",
	"points": "The points were adjusted; the entry is in their reward history.",
	"grant":  "The user is now an admin.",
	"revoke": "The user is no longer an admin.",
}

// handleAdminUser shows one user to an admin; anyone else gets 404.
func (s *Server) handleAdminUser(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	id, ok := s.userIDParam(w, r)
	if !ok {
		return
	}
	s.renderAdminUser(w, r, v, id, http.StatusOK, adminUserView{Notice: adminUserNotices[r.URL.Query().Get("done")]})
}

// handleAdminUserAction runs one of the actions on a user's page, then
// returns to it; a refused action comes back on its form, answered 422.
func (s *Server) handleAdminUserAction(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, ok := s.userIDParam(w, r)
	if !ok {
		return
	}
	action, form := r.PathValue("action"), r.PostForm
	reason := strings.TrimSpace(form.Get("reason"))
	var err error
	done := action
	switch action {
	case "ban":
		err = s.svc.AdminBanUser(r.Context(), v.User, id, reason)
	case "unban":
		err = s.svc.AdminUnbanUser(r.Context(), v.User, id, reason)
	case "points":
		err = s.adjustPoints(r, v, id, reason)
	case "admin":
		grant := form.Get("admin") == "grant"
		if done = "revoke"; grant {
			done = "grant"
		}
		err = s.svc.AdminSetAdmin(r.Context(), v.User, id, grant)
	default:
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return
	}
	if code := referralhub.ErrorCode(err); code == referralhub.EINVALID || code == referralhub.ECONFLICT {
		s.renderAdminUser(w, r, v, id, http.StatusUnprocessableEntity, adminUserView{Form: action,
			Error: referralhub.ErrorMessage(err), Typed: form.Get("points"), Reason: reason})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

// adjustPoints reads the adjustment form and makes the adjustment.
func (s *Server) adjustPoints(r *http.Request, v viewer, userID int64, reason string) error {
	delta, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("points")), 10, 64)
	if err != nil {
		return referralhub.Errorf(referralhub.EINVALID, "Give a whole number of points, such as 50 or -20.")
	}
	_, err = s.svc.AdminAdjustPoints(r.Context(), v.User, userID, delta, reason, r.PostForm.Get("key"))
	return err
}

// userIDParam reads the user id from the path; a malformed one is 404.
func (s *Server) userIDParam(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return 0, false
	}
	return id, true
}

func (s *Server) renderAdminUser(w http.ResponseWriter, r *http.Request, v viewer, id int64, status int, view adminUserView) {
	acc, err := s.svc.AdminUserAccount(r.Context(), v.User, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.UserAccount, view.Self, view.Key = acc, acc.ID == v.User.ID, rand.Text()
	view.Referrals = referralRows(core.Dashboard{Referrals: acc.Referrals})
	view.Rewards = rewardRows(acc.Rewards)
	s.render(w, r, status, "admin_user", pageData{Title: acc.Username + " · Users", User: &v.User, Data: view})
}
