package web

import (
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub/internal/core"
)

// handleNetwork shows the viewer's referral tree: how many people sit at
// each level, and their referrals, each of whom opens to show their own.
// With htmx, opening someone (?node=ID) or asking for more (&after=)
// answers with just those list items; without it, the same URL is a page
// listing them. Only the viewer's own tree can be opened: any other node
// is a 404.
func (s *Server) handleNetwork(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	node, after, ok := networkQuery(r, v.Participant.ID)
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	ctx := r.Context()
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" {
		page, err := s.svc.NetworkPage(ctx, v.Participant.ID, node, after)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.renderPartial(w, r, "network", "network_fragment", pageData{User: &v.User, Data: networkPageFor(page)})
		return
	}
	n, err := s.svc.Network(ctx, v.Participant.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := n.Top
	if node != v.Participant.ID || after > 0 {
		if page, err = s.svc.NetworkPage(ctx, v.Participant.ID, node, after); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	view := networkView{Levels: levelRows(n.Levels), Total: n.Total, Depth: core.NetworkDepth,
		Own: node == v.Participant.ID, Page: networkPageFor(page)}
	s.render(w, r, http.StatusOK, "network", pageData{Title: "Your network", User: &v.User, Data: view})
}

// networkQuery reads ?node= (whose referrals to list; the viewer's own by
// default) and ?after= (the page's cursor). ok is false for anything that
// is not a positive id.
func networkQuery(r *http.Request, viewerID int64) (node, after int64, ok bool) {
	q := r.URL.Query()
	node = viewerID
	if s := q.Get("node"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		node = n
	}
	if s := q.Get("after"); s != "" {
		a, err := strconv.ParseInt(s, 10, 64)
		if err != nil || a <= 0 {
			return 0, 0, false
		}
		after = a
	}
	return node, after, true
}
