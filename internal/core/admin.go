package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// UsersPerPage is how many users an admin list page shows.
const UsersPerPage = 50

// UserList is one page of the admin's user list.
type UserList struct {
	Users  []referralhub.AdminUser
	Search string
	Total  int64
	Page   int
	Pages  int
}

// AdminUsers lists users matching search for an admin. Anyone else gets
// ENOTFOUND, so the admin area does not reveal itself.
func (s *Service) AdminUsers(ctx context.Context, actor referralhub.User, search string, page int) (UserList, error) {
	if !actor.IsAdmin {
		return UserList{}, referralhub.Errorf(referralhub.ENOTFOUND, "Page not found.")
	}
	page = max(page, 1)
	users, total, err := s.db.Read().AdminUsers(ctx, search, UsersPerPage, (page-1)*UsersPerPage)
	if err != nil {
		return UserList{}, err
	}
	pages := max(1, int((total+UsersPerPage-1)/UsersPerPage))
	return UserList{Users: users, Search: search, Total: total, Page: page, Pages: pages}, nil
}
