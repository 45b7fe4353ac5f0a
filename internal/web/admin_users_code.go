package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// adminUsersView is the admin's user list, with a refused code shown again
// on its user's row.
type adminUsersView struct {
	core.UserList
	CodeUser  int64  // the user whose code was refused, 0 for none
	CodeTyped string // what was typed
	CodeError string // which rule it broke
}

// handleAdminUserCode gives a user's participant the code an admin typed
// (recorded in the audit log), and returns to the list where it was; a
// refused code comes back on its row with the rule it broke.
func (s *Server) handleAdminUserCode(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	userID, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return
	}
	typed, search, page := r.PostForm.Get("code"), r.PostForm.Get("q"), r.PostForm.Get("page")
	_, err = s.svc.AdminSetCode(r.Context(), v.User, userID, typed)
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		s.renderAdminUsers(w, r, v, search, page, adminUsersView{CodeUser: userID, CodeTyped: typed,
			CodeError: referralhub.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	back := url.Values{"q": {search}, "page": {page}, "saved": {"code"}}
	http.Redirect(w, r, "/admin?"+back.Encode()+"#user-"+strconv.FormatInt(userID, 10), http.StatusSeeOther)
}

// renderAdminUsers renders a page of the user list into view; a view with
// a refused code is answered 422.
func (s *Server) renderAdminUsers(w http.ResponseWriter, r *http.Request, v viewer, search, page string, view adminUsersView) {
	n, _ := strconv.Atoi(page)
	list, err := s.svc.AdminUsers(r.Context(), v.User, search, n)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.UserList = list
	status, banner := http.StatusOK, ""
	if view.CodeError != "" {
		status = http.StatusUnprocessableEntity
	} else if r.URL.Query().Get("saved") == "code" {
		banner = "The code was changed; the old one keeps leading to the same participant."
	}
	s.render(w, r, status, "admin_users", pageData{Title: "Users", User: &v.User, Data: view, Banner: banner})
}

// adminCodeRow is one row's code form on the admin's user list.
type adminCodeRow struct {
	ID           int64
	Username     string
	Value, Error string // the code shown, and why it was refused
	Search, Page any    // where the list was, to come back to it
}

// codeRow makes a user's code form for the template: their code, or the
// refused code typed for them with its error.
func codeRow(u referralhub.AdminUser, view adminUsersView) adminCodeRow {
	row := adminCodeRow{ID: u.ID, Username: u.Username, Value: u.Code, Search: view.Search, Page: view.Page}
	if view.CodeUser == u.ID && view.CodeError != "" {
		row.Value, row.Error = view.CodeTyped, view.CodeError
	}
	return row
}
