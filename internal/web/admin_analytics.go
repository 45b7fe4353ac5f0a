package web

import (
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// handleAdminAnalytics shows the growth analytics of a period: ?from= and
// ?to= (YYYY-MM-DD), or ?days= for the last days up to today (30 by
// default). A period that makes no sense shows the default one with the
// problem, and answers 422.
func (s *Server) handleAdminAnalytics(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	p, perr := s.periodOf(r)
	var (
		a   core.Analytics
		c   referralhub.Campaign
		err error
	)
	slug := r.URL.Query().Get("campaign")
	if slug == "" {
		a, err = s.svc.Analytics(r.Context(), v.User, p)
	} else {
		a, c, err = s.svc.CampaignAnalytics(r.Context(), v.User, p, slug)
	}
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "No such campaign."))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := newAnalyticsView(a, s.now())
	if slug != "" {
		view.Campaign = &c
	}
	if view.Campaigns, err = s.svc.Campaigns(r.Context(), v.User); err != nil {
		s.renderError(w, r, err)
		return
	}
	status := http.StatusOK
	if perr != nil {
		view.Problem, status = perr.Error(), http.StatusUnprocessableEntity
		if e, ok := perr.(*referralhub.Error); ok {
			view.Problem = e.Message
		}
	}
	s.render(w, r, status, "admin_analytics", pageData{Title: "Analytics", User: &v.User, Data: view})
}

// periodOf reads the period of a request; on a bad one it returns the
// default period with the error.
func (s *Server) periodOf(r *http.Request) (core.Period, error) {
	q := r.URL.Query()
	days := 0
	if d := q.Get("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = -1
		}
		days = n
	}
	p, err := core.ParsePeriod(q.Get("from"), q.Get("to"), days, s.now())
	if err != nil {
		return core.LastDays(s.now(), core.DefaultPeriodDays), err
	}
	return p, nil
}
