package web

import (
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// apiKeysView is the admin's API keys page: the keys, the form that makes
// one, and a key just made, shown this once.
type apiKeysView struct {
	Keys    []referralhub.APIKey
	Created *core.NewAPIKey
	Name    string // the form's values, kept when it is refused
	Scope   string
	Errors  map[string]string
	Notice  string
}

// handleAdminAPIKeys lists the API keys.
func (s *Server) handleAdminAPIKeys(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	view := apiKeysView{Scope: core.ScopeRead}
	if id, err := strconv.ParseInt(r.URL.Query().Get("revoked"), 10, 64); err == nil && id > 0 {
		view.Notice = "API key " + strconv.FormatInt(id, 10) + " is revoked: requests with it are refused."
	}
	s.renderAPIKeys(w, r, v, http.StatusOK, view)
}

// handleAdminAPIKeyCreate makes a key and shows it, once, on the page
// itself: it is stored only as a hash, so no later page can show it.
func (s *Server) handleAdminAPIKeyCreate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	name, scope := r.PostForm.Get("name"), r.PostForm.Get("scope")
	k, err := s.svc.CreateAPIKey(r.Context(), v.User, name, scope)
	if fields := referralhub.ErrorFields(err); referralhub.ErrorCode(err) == referralhub.EINVALID && fields != nil {
		s.renderAPIKeys(w, r, v, http.StatusUnprocessableEntity, apiKeysView{Name: name, Scope: scope, Errors: fields})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderAPIKeys(w, r, v, http.StatusOK, apiKeysView{Created: &k, Scope: core.ScopeRead})
}

// handleAdminAPIKeyRevoke revokes a key and goes back to the list.
func (s *Server) handleAdminAPIKeyRevoke(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such API key."))
		return
	}
	if err := s.svc.RevokeAPIKey(r.Context(), v.User, id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/api-keys?revoked="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// renderAPIKeys shows the page with the current list of keys.
func (s *Server) renderAPIKeys(w http.ResponseWriter, r *http.Request, v viewer, status int, view apiKeysView) {
	keys, err := s.svc.APIKeys(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Keys = keys
	s.render(w, r, status, "admin_api_keys", pageData{Title: "API keys", User: &v.User, Data: view})
}
