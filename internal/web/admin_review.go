package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/referralhub/referralhub"
)

// reviewQueueLimit is how many referrals the review page lists, oldest
// first.
const reviewQueueLimit = 50

// decisionFailure is a decision the core refused, to show beside its form
// with the reason kept as typed.
type decisionFailure struct {
	ID                      int64
	Decision, Reason, Error string
}

// handleAdminReview lists referrals in one review ?state, held by default,
// with their signals, both people's histories and their linked accounts.
func (s *Server) handleAdminReview(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	view := reviewView{Notice: decidedNotice(q.Get("decided"), q.Get("decision"))}
	s.renderReview(w, r, v, http.StatusOK, q.Get("state"), view, decisionFailure{})
}

// handleAdminReviewDecide approves, rejects or bans on one referral, then
// goes back to the tab it came from. A refused decision (a reason too
// long, or a referral already decided) re-renders the queue with why.
func (s *Server) handleAdminReviewDecide(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such referral."))
		return
	}
	decision, reason, state := r.PostForm.Get("decision"), r.PostForm.Get("reason"), r.PostForm.Get("state")
	if !isReviewState(state) {
		state = ""
	}
	err = s.svc.Decide(r.Context(), v.User, id, decision, reason)
	switch code := referralhub.ErrorCode(err); code {
	case "":
		back := url.Values{"decided": {strconv.FormatInt(id, 10)}, "decision": {decision}}
		if state != "" {
			back.Set("state", state)
		}
		http.Redirect(w, r, "/admin/review?"+back.Encode(), http.StatusSeeOther)
	case referralhub.EINVALID, referralhub.ECONFLICT:
		failed := decisionFailure{ID: id, Decision: decision, Reason: reason, Error: referralhub.ErrorFields(err)["reason"]}
		view := reviewView{Problem: "Referral " + strconv.FormatInt(id, 10) + ": " + referralhub.ErrorMessage(err)}
		s.renderReview(w, r, v, statusFor(code), state, view, failed)
	default:
		s.renderError(w, r, err)
	}
}

// renderReview renders the queue in state into view, with failed's reason
// and message put back beside its form.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, v viewer, status int, state string, view reviewView, failed decisionFailure) {
	cases, err := s.svc.ReviewQueue(r.Context(), v.User, state, reviewQueueLimit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if state == "" {
		state = referralhub.ReviewHeld
	}
	view.State, view.Tabs, view.Full = state, reviewTabs(state), len(cases) >= reviewQueueLimit
	for _, c := range cases {
		cv := reviewCaseFrom(c)
		if cv.ID == failed.ID {
			for i := range cv.Decisions {
				if d := &cv.Decisions[i]; d.Decision == failed.Decision {
					d.Reason, d.Error = failed.Reason, failed.Error
				}
			}
		}
		view.Cases = append(view.Cases, cv)
	}
	s.render(w, r, status, "admin_review", pageData{Title: "Review", User: &v.User, Data: view})
}
