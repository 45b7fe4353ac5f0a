package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// leaderboardView is what the leaderboard page shows.
type leaderboardView struct {
	Board   core.Leaderboard
	Tabs    []boardTab
	YouID   int64
	YouNote string // why the viewer has no rank, when they have none
}

// boardTab is one period's tab.
type boardTab struct {
	Period  string
	Label   string
	Current bool
}

// handleLeaderboard shows the top referrers of this week, this month or
// all time (?period=week|month|all, month by default), and the viewer's
// own rank.
func (s *Server) handleLeaderboard(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	board, err := s.svc.Leaderboard(r.Context(), v.Participant.ID, r.URL.Query().Get("period"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := leaderboardView{Board: board, YouID: v.Participant.ID, YouNote: youNote(board.You)}
	for _, t := range []boardTab{{referralhub.BoardWeek, "This week", false}, {referralhub.BoardMonth, "This month", false},
		{referralhub.BoardAll, "All time", false}} {
		t.Current = t.Period == board.Period
		view.Tabs = append(view.Tabs, t)
	}
	s.render(w, r, http.StatusOK, "leaderboard", pageData{Title: "Leaderboard", User: &v.User, Data: view})
}

// youNote says why the viewer has no rank.
func youNote(p core.BoardPlace) string {
	switch {
	case p.ByChoice:
		return "You chose not to appear on the leaderboard. You can change that in your settings."
	case p.Hidden:
		// Not by choice: the account is banned (a deleted one cannot look).
		return "You are not shown on the leaderboard because your account has been suspended by the program's team. " +
			"Contact them if you think this is a mistake."
	case p.Rank == 0:
		return "Refer a friend to join the leaderboard."
	}
	return ""
}
