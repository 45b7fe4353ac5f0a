// referrals read as a tree: whom a participant referred, whom they referred, and so on.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
)

// NetworkLevels counts the people in rootID's referral tree at each depth
// from 1 (their direct referrals) to maxDepth: counts[d-1] is depth d. The
// recursion stops at maxDepth, so the cost is bounded by the tree within
// it. It starts from the root alone, so PostgreSQL expects a small working
// table and follows the (referrer_id, id) index level by level instead of
// scanning every referral.
func (q *Queries) NetworkLevels(ctx context.Context, rootID int64, maxDepth int) ([]int64, error) {
	counts := make([]int64, maxDepth)
	err := queryEach(ctx, q, "network levels", `/* NetworkLevels */ WITH RECURSIVE tree (id, depth) AS (
		SELECT CAST($1 AS BIGINT), 0
		UNION ALL
		SELECT r.referee_id, t.depth + 1 FROM tree t JOIN referrals r ON r.referrer_id = t.id WHERE t.depth < $2
	) SELECT depth, count(*) FROM tree WHERE depth > 0 GROUP BY depth`, func(r rowScanner) error {
		var depth int
		var n int64
		if err := r.Scan(&depth, &n); err != nil {
			return err
		}
		if depth >= 1 && depth <= maxDepth {
			counts[depth-1] = n
		}
		return nil
	}, rootID, maxDepth)
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// NetworkDepthOf returns how many referrals below rootID nodeID sits (0
// for the root itself), walking up nodeID's chain of referrers at most
// maxDepth steps. A node outside rootID's tree, or deeper than maxDepth,
// is ENOTFOUND.
func (q *Queries) NetworkDepthOf(ctx context.Context, rootID, nodeID int64, maxDepth int) (int, error) {
	var depth int
	err := q.queryRow(ctx, `/* NetworkDepthOf */ WITH RECURSIVE up (id, depth) AS (
		SELECT CAST($1 AS BIGINT), 0
		UNION ALL
		SELECT r.referrer_id, u.depth + 1 FROM up u JOIN referrals r ON r.referee_id = u.id WHERE u.depth < $3 AND u.id <> $2
	) SELECT depth FROM up WHERE id = $2`, nodeID, rootID, maxDepth).Scan(&depth)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "This person is not in your network.")
	}
	if err != nil {
		return 0, fmt.Errorf("network depth: %w", err)
	}
	return depth, nil
}

// NetworkChildren lists up to limit of the people nodeID referred, in the
// order they joined, after the referral afterID (0 for the first page):
// a keyset page on the (referrer_id, id) index that new referrals cannot
// shift.
func (q *Queries) NetworkChildren(ctx context.Context, nodeID, afterID int64, limit int) ([]referralhub.NetworkMember, error) {
	return queryList(ctx, q, "network children", `/* NetworkChildren */ SELECT r.id, p.id,
		CASE WHEN p.deleted_at IS NULL THEN COALESCE(u.username, p.name, '') ELSE '' END,
		p.deleted_at IS NOT NULL, p.referral_count, r.created_at, p.leaderboard_show, p.display_name
		FROM referrals r JOIN participants p ON p.id = r.referee_id LEFT JOIN users u ON u.id = p.user_id
		WHERE r.referrer_id = $1 AND r.id > $2 ORDER BY r.id LIMIT $3`, func(r rowScanner) (referralhub.NetworkMember, error) {
		var m referralhub.NetworkMember
		err := r.Scan(&m.ReferralID, &m.ParticipantID, &m.Name, &m.Deleted, &m.Referrals, &m.JoinedAt,
			&m.Show, &m.DisplayName)
		m.JoinedAt = m.JoinedAt.UTC()
		return m, err
	}, nodeID, afterID, limit)
}
