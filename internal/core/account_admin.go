package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
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
	if !IsText(search) || len(search) > 254 {
		return UserList{}, referralhub.Errorf(referralhub.EINVALID, "Search for part of an email address or username.")
	}
	q, pattern := s.db.Read(), storage.SearchPattern(search)
	total, err := q.CountAdminUsers(ctx, pattern)
	if err != nil {
		return UserList{}, err
	}
	pages := max(1, int((total+UsersPerPage-1)/UsersPerPage))
	page = min(max(page, 1), pages)
	users, err := q.AdminUsers(ctx, pattern, UsersPerPage, (page-1)*UsersPerPage)
	if err != nil {
		return UserList{}, err
	}
	return UserList{Users: users, Search: search, Total: total, Page: page, Pages: pages}, nil
}
