package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/stats"
)

// experimentView is one experiment's page: the arms side by side, each
// metric with its 95% interval and, for variants after A, the verdict
// against A; the incremental signups over the holdout.
type experimentView struct {
	Report      core.ExperimentReport
	Arms        []string // column heads
	Rows        []experimentRow
	Incremental string
	Verdict     core.Verdict
	Notice      string
	NoCost      bool // no money reward yet: the cost row says so
}

type experimentRow struct {
	Label string
	Cells []experimentCell
}

type experimentCell struct {
	Value, Interval, Diff string
	Verdict               core.Verdict
}

// handleAdminExperiment shows an experiment's report.
func (s *Server) handleAdminExperiment(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	id, ok := s.experimentID(w, r)
	if !ok {
		return
	}
	rep, err := s.svc.ExperimentReport(r.Context(), v.User, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := experimentViewOf(rep)
	switch r.URL.Query().Get("done") {
	case "stopped":
		view.Notice = "The experiment is stopped: everyone earns under the campaign's rules again."
	case "promoted":
		view.Notice = "Variant " + rep.Experiment.Promoted + "'s rules are now the campaign's rules."
	}
	s.render(w, r, http.StatusOK, "admin_experiment", pageData{Title: "Experiment: " + rep.Experiment.Name, User: &v.User, Data: view})
}

// handleAdminExperimentStop stops an experiment.
func (s *Server) handleAdminExperimentStop(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, ok := s.experimentID(w, r)
	if !ok {
		return
	}
	if _, err := s.svc.StopExperiment(r.Context(), v.User, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, experimentPath(id)+"?done=stopped", http.StatusSeeOther)
}

// handleAdminExperimentPromote makes the posted variant's rules the
// campaign's.
func (s *Server) handleAdminExperimentPromote(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, ok := s.experimentID(w, r)
	if !ok {
		return
	}
	if _, err := s.svc.PromoteVariant(r.Context(), v.User, id, r.PostForm.Get("variant")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, experimentPath(id)+"?done=promoted", http.StatusSeeOther)
}

func (s *Server) experimentID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such experiment."))
		return 0, false
	}
	return id, true
}

// metricLabels name the report's metrics on the page.
var metricLabels = map[string]string{
	core.MetricShareRate:   "Share rate (participants whose link was clicked)",
	core.MetricClicks:      "Clicks per referrer",
	core.MetricSignups:     "Referred signups per referrer",
	core.MetricConversion:  "Conversion (referred friends who bought)",
	core.MetricCostPerConv: "Reward cost per converted friend",
}

func experimentViewOf(rep core.ExperimentReport) experimentView {
	view := experimentView{Report: rep, Verdict: rep.IncrementalVerdict, Incremental: "—", NoCost: true}
	for _, a := range rep.Arms {
		view.Arms = append(view.Arms, armLabel(rep.Experiment, a.Arm)+" ("+strconv.FormatInt(a.Participants, 10)+")")
	}
	for _, m := range rep.Metrics {
		row := experimentRow{Label: metricLabels[m.Metric]}
		if m.Currency != "" {
			row.Label += ", " + strings.ToUpper(m.Currency)
			view.NoCost = false
		}
		for _, c := range m.Cells {
			cell := experimentCell{Value: "—", Verdict: c.Verdict}
			if c.Value.OK {
				cell.Value, cell.Interval = metricText(m.Metric, c.Value.Estimate), intervalText(m.Metric, c.Value)
			}
			if c.Diff.OK {
				cell.Diff = "vs A: " + signed(metricText(m.Metric, c.Diff.Estimate)) + " " + intervalText(m.Metric, c.Diff)
			}
			row.Cells = append(row.Cells, cell)
		}
		view.Rows = append(view.Rows, row)
	}
	if rep.Incremental.OK {
		view.Incremental = fmt.Sprintf("%+.0f signups (95%% CI %+.0f to %+.0f)", rep.Incremental.Estimate, rep.Incremental.Low, rep.Incremental.High)
	}
	return view
}

func armLabel(exp referralhub.Experiment, arm string) string {
	for _, v := range exp.Variants {
		if v.Key == arm {
			return v.Key + ": " + v.Name
		}
	}
	return "Holdout"
}

// metricText shows a value: proportions as percents, money in major units
// (minor units / 100), counts with two decimals.
func metricText(metric string, x float64) string {
	switch metric {
	case core.MetricShareRate, core.MetricConversion:
		return fmt.Sprintf("%.1f%%", 100*x)
	default:
		return fmt.Sprintf("%.2f", moneyOrCount(metric, x))
	}
}

func intervalText(metric string, iv stats.Interval) string {
	return "[" + metricText(metric, iv.Low) + " to " + metricText(metric, iv.High) + "]"
}

func moneyOrCount(metric string, x float64) float64 {
	if metric == core.MetricCostPerConv {
		return x / 100
	}
	return x
}

func signed(s string) string {
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}
