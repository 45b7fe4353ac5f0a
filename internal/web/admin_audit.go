package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/referralhub/referralhub"
)

// auditPageSize is how many entries the core returns per page of the audit
// log; a full page means an older one may follow.
const auditPageSize = 100

// auditView is the admin's audit log page: one page of entries, newest
// first, optionally only the actions starting with Action.
type auditView struct {
	Action       string // the filter, "" for every action
	Filters      []auditFilter
	Entries      []referralhub.AuditEntry
	Page         int
	Newer, Older string // links to the neighbouring pages, "" for none
	CustomPrefix bool   // the filter is none of the listed ones
	FirstOnPage  int    // the position of the page's first entry, from 1
	LastOnPage   int
}

// auditFilter is one kind of action to filter by.
type auditFilter struct {
	Action, Label, Href string
	Current             bool
}

// auditActions lists the kinds of action the filter offers, by prefix.
func auditActions() []auditFilter {
	return []auditFilter{{Label: "All"}, {Action: "review.", Label: "Reviews"}, {Action: "participant.", Label: "Bans"},
		{Action: "program.", Label: "Program changes"}, {Action: "admin.", Label: "Admin logins"}, {Action: "job.", Label: "Jobs"},
		{Action: "branding.", Label: "Branding"}}
}

// handleAdminAudit lists the audit log, newest first, a page at a time;
// ?action keeps only actions starting with it ("review.").
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	action := q.Get("action")
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	entries, err := s.svc.AuditLog(r.Context(), v.User, action, page)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := auditView{Action: action, Filters: auditFilters(action), Entries: entries, Page: page, CustomPrefix: true}
	for _, f := range view.Filters {
		view.CustomPrefix = view.CustomPrefix && !f.Current
	}
	if page > 1 {
		view.Newer = auditHref(action, page-1)
	}
	if len(entries) >= auditPageSize {
		view.Older = auditHref(action, page+1)
	}
	if len(entries) > 0 {
		view.FirstOnPage = (page-1)*auditPageSize + 1
		view.LastOnPage = view.FirstOnPage + len(entries) - 1
	}
	s.render(w, r, http.StatusOK, "admin_audit", pageData{Title: "Audit log", User: &v.User, Data: view})
}

// auditFilters lists the filters with their links, marking current.
func auditFilters(current string) []auditFilter {
	out := auditActions()
	for i := range out {
		out[i].Href = auditHref(out[i].Action, 1)
		out[i].Current = out[i].Action == current
	}
	return out
}

// auditHref links to a page of the audit log under a filter.
func auditHref(action string, page int) string {
	q := url.Values{}
	if action != "" {
		q.Set("action", action)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + q.Encode()
}
