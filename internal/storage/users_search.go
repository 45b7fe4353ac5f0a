// users: the admin's search of accounts by email or username.

package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/referralhub/referralhub"
)

// adminUserFilter matches users whose email or username contains $1, a LIKE
// pattern already lower-cased in Go (both columns are stored lower-case or
// have a lower-case key).
const adminUserFilter = `(u.email_key LIKE $1 ESCAPE '\' OR lower(u.username) LIKE $1 ESCAPE '\')`

// SearchPattern turns a search into the LIKE pattern AdminUsers expects.
func SearchPattern(search string) string {
	return "%" + escapeLike(strings.ToLower(search)) + "%"
}

// CountAdminUsers counts the users matching pattern (see SearchPattern).
// Without a search it reads the program count of users instead of
// scanning them.
func (q *Queries) CountAdminUsers(ctx context.Context, pattern string) (int64, error) {
	if pattern == SearchPattern("") {
		counts, err := q.ProgramCounts(ctx)
		return counts["users"], err
	}
	var total int64
	err := q.queryRow(ctx, `/* CountAdminUsers */ SELECT count(*) FROM users u WHERE `+adminUserFilter, pattern).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return total, nil
}

// AdminUsers lists users matching pattern (see SearchPattern), newest first,
// with their code, referrer and referral count.
func (q *Queries) AdminUsers(ctx context.Context, pattern string, limit, offset int) ([]referralhub.AdminUser, error) {
	return queryList(ctx, q, "list users", `/* AdminUsers */ SELECT u.id, u.email, u.username, u.is_admin, u.created_at,
			p.code, CASE WHEN r.id IS NULL THEN '' ELSE COALESCE(ru.username, 'a deleted user') END, p.referral_count
		FROM users u JOIN participants p ON p.user_id = u.id
		LEFT JOIN referrals r ON r.referee_id = p.id
		LEFT JOIN participants rp ON rp.id = r.referrer_id
		LEFT JOIN users ru ON ru.id = rp.user_id
		WHERE `+adminUserFilter+` ORDER BY u.id DESC LIMIT $2 OFFSET $3`, scanAdminUser, pattern, limit, offset)
}

func scanAdminUser(r rowScanner) (referralhub.AdminUser, error) {
	var a referralhub.AdminUser
	err := r.Scan(&a.ID, &a.Email, &a.Username, &a.IsAdmin, &a.CreatedAt, &a.Code, &a.Referrer, &a.Referrals)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// escapeLike escapes LIKE's wildcards so a search matches them literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
