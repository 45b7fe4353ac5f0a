package api

import (
	"net/http"
	"slices"
	"strings"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// Route is one operation the API serves: a method on a path.
type Route struct {
	Method string // GET or POST
	// Path is the route's path under Prefix as a net/http pattern, whose
	// {wildcards} are the OpenAPI document's path templates:
	// "/participants/{id}".
	Path string
}

// endpoint is a route with what serves it.
type endpoint struct {
	Route
	handler http.HandlerFunc
	public  bool // served without an API key; every method of a path alike
}

// endpoints is the API's route table, the one list both of what the
// server registers and of what Routes reports. POSTs need a JSON body and
// a write key, but for the backtest, which only reads; the ones that
// create something take an Idempotency-Key.
func (h *Handler) endpoints() []endpoint {
	return []endpoint{
		{Route{"POST", "/participants"}, h.post(h.idempotent(h.upsertParticipant)), false},
		{Route{"POST", "/participants/import"}, h.postNDJSON(h.idempotent(h.importParticipants)), false},
		{Route{"GET", "/participants/{id}"}, h.getParticipant, false},
		{Route{"GET", "/participants/{id}/referrals"}, h.listReferrals, false},
		{Route{"GET", "/participants/{id}/rewards"}, h.listRewards, false},
		{Route{"POST", "/participants/{id}/invites"}, h.post(h.idempotent(h.invite)), false},
		{Route{"POST", "/events"}, h.post(h.idempotent(h.recordEvent)), false},
		{Route{"POST", "/rewards/{id}/redeem"}, h.post(h.idempotent(h.redeem)), false},
		{Route{"POST", "/embed-tokens"}, h.post(h.idempotent(h.mintEmbedToken)), false},
		{Route{"GET", "/clicks/{click_id}"}, h.getClick, false},
		{Route{"GET", "/stats"}, h.getStats, false},
		{Route{"POST", "/programs/backtest"}, h.postRead(h.backtest), false},
		{Route{"GET", "/openapi.json"}, openAPI(), true},
	}
}

// Routes lists every route the API serves, in the order it registers them.
func Routes() []Route {
	var h Handler
	eps := h.endpoints()
	out := make([]Route, 0, len(eps))
	for _, ep := range eps {
		out = append(out, ep.Route)
	}
	return out
}

// routes registers every route of the API on one mux, from endpoints.
// Public routes are served as they are; every other request is
// authenticated and counted against its key's rate limit first, and a
// path that is no route is answered 404 only then. One mux, matched on the
// request it is given, leaves the route's pattern in r.Pattern for the
// site's request metrics to label by ("/api/v1/events").
func (h *Handler) routes() http.Handler {
	mux := http.NewServeMux()
	byPath := map[string]map[string]http.HandlerFunc{}
	var paths []string
	isPublic := map[string]bool{}
	for _, ep := range h.endpoints() {
		if byPath[ep.Path] == nil {
			byPath[ep.Path] = map[string]http.HandlerFunc{}
			paths = append(paths, ep.Path)
		}
		byPath[ep.Path][ep.Method] = ep.handler
		isPublic[ep.Path] = isPublic[ep.Path] || ep.public
	}
	for _, p := range paths {
		handler := h.methods(byPath[p])
		if !isPublic[p] {
			handler = h.authenticate(handler)
		}
		mux.Handle(Prefix+p, handler)
	}
	notFound := h.authenticate(http.HandlerFunc(h.notFound))
	mux.Handle(Prefix+"/", notFound)
	mux.Handle("/", notFound)
	return mux
}

// methods serves a route's handlers by method, and answers any other
// method 405 with Allow.
func (h *Handler) methods(byMethod map[string]http.HandlerFunc) http.Handler {
	allow := make([]string, 0, len(byMethod))
	for m := range byMethod {
		allow = append(allow, m)
	}
	slices.Sort(allow)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next, ok := byMethod[r.Method]; ok {
			next(w, r)
			return
		}
		h.writeError(w, r, &requestError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed,
			message: r.Method + " is not allowed here: use " + strings.Join(allow, " or ") + ".",
			header:  map[string]string{"Allow": strings.Join(allow, ", ")}})
	})
}

// notFound answers a path that is no route of the API.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, &requestError{status: http.StatusNotFound, code: CodeNotFound,
		message: "There is no API route " + r.URL.Path + "."})
}
