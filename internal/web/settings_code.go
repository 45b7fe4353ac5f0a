package web

import (
	"net/http"
)

// handleSettingsCode gives the participant the code they chose for their
// link (once); a refused code comes back on the form with the rule it
// broke.
func (s *Server) handleSettingsCode(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	typed := r.PostForm.Get("code")
	if _, err := s.svc.ChooseCode(r.Context(), v.Participant.ID, typed); err != nil {
		s.settingsFailed(w, r, v, err, func(view *settingsView, fields map[string]string) {
			view.CodeTyped, view.CodeErrors = typed, fields
		})
		return
	}
	http.Redirect(w, r, "/settings?saved=code#link-code", http.StatusSeeOther)
}
