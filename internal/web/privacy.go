package web

import (
	"encoding/json"
	"net/http"

	"github.com/referralhub/referralhub"
)

// exportFilename is the name the browser saves an export under.
const exportFilename = "referralhub-export.json"

// handleSettingsExport sends the signed-in user's data as a JSON download.
func (s *Server) handleSettingsExport(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	e, err := s.svc.Export(r.Context(), v.User, v.Participant)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	body, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+exportFilename+`"`)
	h.Set("Cache-Control", "no-store")
	w.Write(append(body, '\n'))
	s.log.InfoContext(r.Context(), "data exported", "user_id", v.User.ID)
}

// deleteView is the account deletion form: its errors (never the password).
type deleteView struct {
	Errors  map[string]string // password, confirm
	Message string
}

// handleSettingsDeleteForm asks a signed-in user to confirm the deletion
// of their account with their password.
func (s *Server) handleSettingsDeleteForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "settings_delete", pageData{Title: "Delete your account", User: &v.User, Data: deleteView{}})
}

// handleSettingsDelete deletes the account of a user who gave their
// password and ticked the confirmation, ends the browser's session and
// sends them home.
func (s *Server) handleSettingsDelete(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.svc.DeleteAccount(r.Context(), v.User, r.PostForm.Get("password"), r.PostForm.Get("confirm") != "")
	if err != nil {
		s.deleteFailed(w, r, v, err)
		return
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// deleteFailed shows the form again for a user's mistake (422 for a wrong
// password or a missing tick, 429 when logins are locked) and the error
// page for anything else.
func (s *Server) deleteFailed(w http.ResponseWriter, r *http.Request, v viewer, err error) {
	code := referralhub.ErrorCode(err)
	if code != referralhub.EINVALID && code != referralhub.ETOOMANY {
		s.renderError(w, r, err)
		return
	}
	fields := referralhub.ErrorFields(err)
	view := deleteView{Errors: map[string]string{"confirm": fields["confirm"], "password": fields["current_password"]}}
	if len(fields) == 0 {
		view.Message = referralhub.ErrorMessage(err)
	}
	s.render(w, r, statusFor(code), "settings_delete", pageData{Title: "Delete your account", User: &v.User, Data: view})
}
