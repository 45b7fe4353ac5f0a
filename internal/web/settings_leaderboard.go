package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// handleSettingsLeaderboard stores how the user shows on the leaderboard:
// a display name, initials, or not at all.
func (s *Server) handleSettingsLeaderboard(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	profile := core.BoardProfile{DisplayName: r.PostForm.Get("display_name"), Show: r.PostForm.Get("leaderboard")}
	err := s.svc.SetLeaderboardProfile(r.Context(), v.Participant.ID, profile)
	if fields := referralhub.ErrorFields(err); fields != nil {
		s.renderSettings(w, r, v, http.StatusUnprocessableEntity,
			settingsView{Board: profile, BoardErrors: fields, boardKept: true}, "")
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?saved=leaderboard#leaderboard", http.StatusSeeOther)
}
