package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/referralhub/referralhub"
)

// Page sizes of the jobs page.
const (
	jobsLimit   = 100
	reviewLimit = 50
)

// jobsView is the admin's jobs page: the background queue by state,
// rewards reversed after they were paid out, and the last verification of
// the ledger's hash chains.
type jobsView struct {
	State   string // the filter, "" for every state
	Filters []jobFilter
	Jobs    []referralhub.Job
	Review  []referralhub.Reward
	Ledger  *referralhub.LedgerCheck // nil when the ledger was never verified
	Retried int64                    // the job the last post queued again, 0 for none
	Held    string                   // why mail is not being sent, "" when it is
}

// jobFilter is one state to filter by, with how many jobs are in it.
type jobFilter struct {
	State, Label string
	Count        int64
	Current      bool
}

// handleAdminJobs lists jobs, optionally in one ?state, newest first.
func (s *Server) handleAdminJobs(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	jobs, counts, err := s.svc.Jobs(r.Context(), v.User, state, jobsLimit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	review, err := s.svc.RewardsToReview(r.Context(), v.User, reviewLimit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	check, verified, err := s.svc.LastLedgerCheck(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := jobsView{State: state, Filters: jobFilters(state, counts), Jobs: jobs, Review: review, Held: s.svc.MailHeld()}
	if verified {
		view.Ledger = &check
	}
	view.Retried, _ = strconv.ParseInt(q.Get("retried"), 10, 64)
	s.render(w, r, http.StatusOK, "admin_jobs", pageData{Title: "Jobs", User: &v.User, Data: view})
}

// handleAdminJobRetry queues a failed job again and goes back to the list.
func (s *Server) handleAdminJobRetry(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such job."))
		return
	}
	if err := s.svc.RetryJob(r.Context(), v.User, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	back := url.Values{"retried": {strconv.FormatInt(id, 10)}}
	if state := r.PostForm.Get("state"); isJobState(state) {
		back.Set("state", state)
	}
	http.Redirect(w, r, "/admin/jobs?"+back.Encode(), http.StatusSeeOther)
}

// jobStates lists the queue's states in the order a job moves through them.
func jobStates() []string {
	return []string{referralhub.JobQueued, referralhub.JobRunning, referralhub.JobDone, referralhub.JobFailed}
}

func isJobState(state string) bool { return slices.Contains(jobStates(), state) }

// jobFilters lists "all" and each state with its count, marking current.
func jobFilters(current string, counts map[string]int64) []jobFilter {
	all := jobFilter{Label: "All", Current: current == ""}
	out := []jobFilter{}
	for _, st := range jobStates() {
		all.Count += counts[st]
		out = append(out, jobFilter{State: st, Label: st, Count: counts[st], Current: current == st})
	}
	return append([]jobFilter{all}, out...)
}
