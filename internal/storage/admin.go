package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/referralhub/referralhub"
)

// AdminUsers lists users whose email or username contains search (all when
// empty), newest first, with their code, referrer and referral count. It
// also returns how many users match.
func (q *Queries) AdminUsers(ctx context.Context, search string, limit, offset int) ([]referralhub.AdminUser, int64, error) {
	pattern := "%" + escapeLike(strings.ToLower(search)) + "%"
	const filter = `(lower(u.email) LIKE $1 ESCAPE '\' OR lower(u.username) LIKE $1 ESCAPE '\')`
	var total int64
	if err := q.queryRow(ctx, `/* AdminUsers.count */ SELECT count(*) FROM users u WHERE `+filter, pattern).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	rows, err := q.query(ctx, `/* AdminUsers */ SELECT u.id, u.email, u.username, u.is_admin, u.created_at,
			p.code, COALESCE(ru.username, ''),
			(SELECT count(*) FROM referrals c WHERE c.referrer_id = p.id)
		FROM users u JOIN participants p ON p.user_id = u.id
		LEFT JOIN referrals r ON r.referee_id = p.id
		LEFT JOIN participants rp ON rp.id = r.referrer_id
		LEFT JOIN users ru ON ru.id = rp.user_id
		WHERE `+filter+` ORDER BY u.id DESC LIMIT $2 OFFSET $3`, pattern, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []referralhub.AdminUser
	for rows.Next() {
		var a referralhub.AdminUser
		if err := rows.Scan(&a.ID, &a.Email, &a.Username, &a.IsAdmin, &a.CreatedAt, &a.Code, &a.Referrer, &a.Referrals); err != nil {
			return nil, 0, err
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// escapeLike escapes LIKE's wildcards so a search matches them literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
