package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
)

// fraudView is the admin's fraud settings page.
type fraudView struct {
	Form   fraudForm
	Notice string // what the last post did, after its redirect
}

// handleAdminFraud shows the fraud settings form filled with the program's
// current settings.
func (s *Server) handleAdminFraud(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	p, err := s.svc.Program(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	notice := ""
	if r.URL.Query().Get("saved") != "" {
		notice = "The fraud settings were saved."
	}
	s.renderFraud(w, r, v, http.StatusOK, fraudView{Form: fraudFormFrom(p.FraudOrDefault()), Notice: notice})
}

// handleAdminFraudSave saves the posted fraud settings. A mistake
// re-renders the form as sent, with each message beside its field.
func (s *Server) handleAdminFraudSave(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := readFraudForm(r.PostForm)
	settings, err := form.settings()
	if err == nil {
		err = s.svc.SaveFraud(r.Context(), v.User, settings)
	}
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
		s.renderFraud(w, r, v, http.StatusUnprocessableEntity, fraudView{Form: form})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/fraud?saved=1", http.StatusSeeOther)
}

// renderFraud renders the fraud page with status: 200, or 422 for a
// refused form.
func (s *Server) renderFraud(w http.ResponseWriter, r *http.Request, v viewer, status int, view fraudView) {
	s.render(w, r, status, "admin_fraud", pageData{Title: "Fraud settings", User: &v.User, Data: view})
}
