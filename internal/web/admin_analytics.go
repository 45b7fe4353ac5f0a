package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// analyticsOf is the growth report of p: the program's, or one campaign's
// when slug names one (an unknown slug is ENOTFOUND).
func (s *Server) analyticsOf(r *http.Request, viewer referralhub.User, p core.Period, slug string) (core.Analytics, referralhub.Campaign, error) {
	if slug == "" {
		a, err := s.svc.Analytics(r.Context(), viewer, p)
		return a, referralhub.Campaign{}, err
	}
	a, c, err := s.svc.CampaignAnalytics(r.Context(), viewer, p, slug)
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		err = referralhub.Errorf(referralhub.ENOTFOUND, "No such campaign.")
	}
	return a, c, err
}

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
	slug := r.URL.Query().Get("campaign")
	a, c, err := s.analyticsOf(r, v.User, p, slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := newAnalyticsView(a, s.now())
	if slug != "" {
		view.Campaign = &c
		for i := range view.Presets {
			view.Presets[i].Href += "&campaign=" + url.QueryEscape(slug)
		}
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
