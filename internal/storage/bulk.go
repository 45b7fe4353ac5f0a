// Multi-row inserts for generated data (demo, benchmarks), and the chunking every batch shares.

package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/referralhub/referralhub"
)

// maxBulkParams keeps one bulk statement under SQLite's limit of 32766 bound
// parameters (PostgreSQL allows 65535).
const maxBulkParams = 30000

// Values bound per row by the bulk inserts.
const (
	userColumns        = 7
	participantColumns = 4
	referralColumns    = 4
)

// BulkUsers inserts users with multi-row statements, all with the same
// password hash, and sets each one's ID. IDs increase with the order of
// users. It is meant for generated data: a taken email or username fails the
// call with ECONFLICT and the caller's transaction should be rolled back.
func (q *Queries) BulkUsers(ctx context.Context, users []referralhub.User, passwordHash string) error {
	return inChunks(len(users), userColumns, func(start, end int) error {
		return q.bulkUserChunk(ctx, users[start:end], passwordHash)
	})
}

func (q *Queries) bulkUserChunk(ctx context.Context, users []referralhub.User, passwordHash string) error {
	args := make([]any, 0, len(users)*userColumns)
	index := make(map[string]int, len(users))
	for i, u := range users {
		args = append(args, u.Email, EmailKey(u.Email), u.Username, passwordHash, u.IsAdmin, q.ts(u.CreatedAt),
			q.nullTime(u.EmailVerifiedAt))
		index[u.Username] = i
	}
	query := q.valuesSQL(`/* BulkUsers */ INSERT INTO users (email, email_key, username, password_hash, is_admin, created_at, email_verified_at) VALUES `,
		len(users), userColumns, ` RETURNING id, username`)
	err := q.scanIDs(ctx, query, args, index, func(i int, id int64) { users[i].ID = id })
	if q.d.isUnique(err, "users_email_key", "users.email_key") || q.d.isUnique(err, "users_username_key", "users.username") {
		return referralhub.Errorf(referralhub.ECONFLICT, "An email or username in the batch is already taken.")
	}
	if err != nil {
		return fmt.Errorf("bulk insert %d users: %w", len(users), err)
	}
	return nil
}

// BulkParticipants inserts participants with multi-row statements and sets
// each one's ID. A code already in use fails the call with ErrCodeTaken.
func (q *Queries) BulkParticipants(ctx context.Context, parts []referralhub.Participant) error {
	return inChunks(len(parts), participantColumns, func(start, end int) error {
		return q.bulkParticipantChunk(ctx, parts[start:end])
	})
}

func (q *Queries) bulkParticipantChunk(ctx context.Context, parts []referralhub.Participant) error {
	args := make([]any, 0, len(parts)*participantColumns)
	index := make(map[string]int, len(parts))
	for i, p := range parts {
		user := sql.NullInt64{Int64: p.UserID, Valid: p.UserID != 0}
		args = append(args, user, p.Code, q.ts(p.CreatedAt), q.ts(p.LastSeenAt))
		index[p.Code] = i
	}
	query := q.valuesSQL(`/* BulkParticipants */ INSERT INTO participants (user_id, code, created_at, last_seen_at) VALUES `,
		len(parts), participantColumns, ` RETURNING id, code`)
	err := q.scanIDs(ctx, query, args, index, func(i int, id int64) { parts[i].ID = id })
	if q.d.isUnique(err, "participants_code_key", "participants.code") {
		return ErrCodeTaken
	}
	if err != nil {
		return fmt.Errorf("bulk insert %d participants: %w", len(parts), err)
	}
	return nil
}

// BulkReferrals inserts referrals with multi-row statements and counts them
// on their referrers. It does not set their IDs. A referee already referred
// fails the call with ECONFLICT. Call it inside InTx.
func (q *Queries) BulkReferrals(ctx context.Context, refs []referralhub.Referral) error {
	return inChunks(len(refs), referralColumns, func(start, end int) error {
		return q.bulkReferralChunk(ctx, refs[start:end])
	})
}

func (q *Queries) bulkReferralChunk(ctx context.Context, refs []referralhub.Referral) error {
	args := make([]any, 0, len(refs)*referralColumns)
	for _, r := range refs {
		click := sql.NullString{String: r.ClickID, Valid: r.ClickID != ""}
		args = append(args, r.ReferrerID, r.RefereeID, click, q.ts(r.CreatedAt))
	}
	query := q.valuesSQL(`/* BulkReferrals */ INSERT INTO referrals (referrer_id, referee_id, click_id, created_at) VALUES `,
		len(refs), referralColumns, ``)
	_, err := q.exec(ctx, query, args...)
	if q.d.isUnique(err, "referrals_referee_key", "referrals.referee_id") {
		return referralhub.Errorf(referralhub.ECONFLICT, "An account in the batch was already referred.")
	}
	if err != nil {
		return fmt.Errorf("bulk insert %d referrals: %w", len(refs), err)
	}
	counts := map[int64]int64{}
	for _, r := range refs {
		counts[r.ReferrerID]++
	}
	return q.addCounts(ctx, referralCounter, counts)
}

// scanIDs runs an INSERT ... RETURNING id, key and hands set the position of
// each returned key in index with its new id. Neither engine promises that
// RETURNING follows the VALUES order, hence the unique key.
func (q *Queries) scanIDs(ctx context.Context, query string, args []any, index map[string]int, set func(i int, id int64)) error {
	n := 0
	err := queryEach(ctx, q, "insert returning ids", query, func(r rowScanner) error {
		var (
			id  int64
			key string
		)
		if err := r.Scan(&id, &key); err != nil {
			return err
		}
		i, ok := index[key]
		if !ok {
			return fmt.Errorf("insert returned unknown key %q", key)
		}
		set(i, id)
		n++
		return nil
	}, args...)
	if err != nil {
		return err
	}
	if n != len(index) {
		return fmt.Errorf("insert returned %d rows for %d distinct keys", n, len(index))
	}
	return nil
}

// inChunks calls fn for consecutive [start, end) ranges of n rows, each small
// enough that its cols values per row stay within maxBulkParams.
func inChunks(n, cols int, fn func(start, end int) error) error {
	size := maxBulkParams / cols
	for start := 0; start < n; start += size {
		if err := fn(start, min(start+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// valuesSQL returns head, then rows groups of cols placeholders numbered in
// argument order ("($1,$2),($3,$4)" on PostgreSQL), then tail.
func (q *Queries) valuesSQL(head string, rows, cols int, tail string) string {
	b := make([]byte, 0, len(head)+len(tail)+rows*cols*7)
	b = append(b, head...)
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		for j := 1; j <= cols; j++ {
			if j > 1 {
				b = append(b, ',')
			}
			b = q.d.appendParam(b, i*cols+j)
		}
		b = append(b, ')')
	}
	return string(append(b, tail...))
}

// BulkSignupRewards credits every referral that has no entry under ruleID
// with points for its referrer, approved at the referral's time, as the
// default program would have, and chains them onto their referrers' ledger
// chains. The demo uses it after BulkReferrals.
func (q *Queries) BulkSignupRewards(ctx context.Context, ruleID, points int64) error {
	_, err := q.exec(ctx, `/* BulkSignupRewards */ INSERT INTO rewards (participant_id, side, entry, rule_id, referral_id,
		kind, amount, currency, status, reason, credited_at, approved_at)
		SELECT r.referrer_id, 'referrer', 'reward', $1, r.id, 'points', $2, '', 'approved',
			COALESCE(u.username, 'someone') || ' signed up', r.created_at, r.created_at
		FROM referrals r JOIN participants p ON p.id = r.referee_id LEFT JOIN users u ON u.id = p.user_id
		ON CONFLICT DO NOTHING`, ruleID, points)
	if err != nil {
		return fmt.Errorf("bulk signup rewards: %w", err)
	}
	if _, err := q.ChainUnchained(ctx); err != nil {
		return err
	}
	return q.RebuildBalances(ctx)
}
