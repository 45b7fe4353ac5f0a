// Multi-row inserts for generated and imported data (demo, import,
// benchmarks), and the chunking every batch shares.

package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/referralhub/referralhub"
)

// maxBulkParams keeps one bulk statement under SQLite's limit of 32766 bound
// parameters (PostgreSQL allows 65535, and binds one array per column).
const maxBulkParams = 30000

// The columns each bulk insert writes, with their PostgreSQL types (which
// the arrays of a PostgreSQL bulk insert are cast to).
var (
	userCols = []bulkCol{{"email", "text"}, {"email_key", "text"}, {"username", "text"}, {"password_hash", "text"},
		{"is_admin", "boolean"}, {"created_at", "timestamptz"}, {"email_verified_at", "timestamptz"}}
	participantCols = []bulkCol{{"user_id", "bigint"}, {"code", "text"}, {"created_at", "timestamptz"},
		{"last_seen_at", "timestamptz"}, {"referral_count", "bigint"}, {"click_count", "bigint"}, {"qualified_count", "bigint"}}
	referralCols = []bulkCol{{"referrer_id", "bigint"}, {"referee_id", "bigint"}, {"click_id", "text"},
		{"created_at", "timestamptz"}, {"qualified_at", "timestamptz"}}
)

// BulkUsers inserts users with multi-row statements, all with the same
// password hash, and sets each one's ID. IDs increase with the order of
// users. It is meant for generated data: a taken email or username fails the
// call with ECONFLICT and the caller's transaction should be rolled back.
func (q *Queries) BulkUsers(ctx context.Context, users []referralhub.User, passwordHash string) error {
	return inChunks(len(users), len(userCols), func(start, end int) error {
		return q.bulkUserChunk(ctx, users[start:end], passwordHash)
	})
}

func (q *Queries) bulkUserChunk(ctx context.Context, users []referralhub.User, passwordHash string) error {
	args := make([]any, 0, len(users)*len(userCols))
	index := make(map[string]int, len(users))
	for i, u := range users {
		args = append(args, u.Email, EmailKey(u.Email), u.Username, passwordHash, u.IsAdmin, q.ts(u.CreatedAt),
			q.nullTime(u.EmailVerifiedAt))
		index[u.Username] = i
	}
	query, args := q.insertRowsSQL("BulkUsers", "users", userCols, args, ` RETURNING id, username`)
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
// each one's ID. Their ReferralCount, ClickCount and QualifiedCount are
// stored as given (zero for new participants, unless the caller inserts
// their referrals and clicks with BulkReferralRows and BulkClicks). A code
// already in use fails the call with ErrCodeTaken.
func (q *Queries) BulkParticipants(ctx context.Context, parts []referralhub.Participant) error {
	return inChunks(len(parts), len(participantCols), func(start, end int) error {
		return q.bulkParticipantChunk(ctx, parts[start:end])
	})
}

func (q *Queries) bulkParticipantChunk(ctx context.Context, parts []referralhub.Participant) error {
	args := make([]any, 0, len(parts)*len(participantCols))
	index := make(map[string]int, len(parts))
	for i, p := range parts {
		user := sql.NullInt64{Int64: p.UserID, Valid: p.UserID != 0}
		args = append(args, user, p.Code, q.ts(p.CreatedAt), q.ts(p.LastSeenAt), p.ReferralCount, p.ClickCount, p.QualifiedCount)
		index[p.Code] = i
	}
	query, args := q.insertRowsSQL("BulkParticipants", "participants", participantCols, args, ` RETURNING id, code`)
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
	if err := q.BulkReferralRows(ctx, refs, nil); err != nil {
		return err
	}
	counts := map[int64]int64{}
	for _, r := range refs {
		counts[r.ReferrerID]++
	}
	return q.addCounts(ctx, referralCounter, counts)
}

// BulkReferralRows inserts referrals like BulkReferrals but leaves the
// referrers' counts alone: it is for a caller that set ReferralCount and
// QualifiedCount on the participants it inserted with BulkParticipants.
// refs[i] is stored as qualified at its CreatedAt when qualified[i] is true
// (qualified may be nil: none is).
func (q *Queries) BulkReferralRows(ctx context.Context, refs []referralhub.Referral, qualified []bool) error {
	if qualified != nil && len(qualified) != len(refs) {
		return fmt.Errorf("bulk insert referrals: %d qualified flags for %d referrals", len(qualified), len(refs))
	}
	return inChunks(len(refs), len(referralCols), func(start, end int) error {
		var flags []bool
		if qualified != nil {
			flags = qualified[start:end]
		}
		return q.bulkReferralChunk(ctx, refs[start:end], flags)
	})
}

func (q *Queries) bulkReferralChunk(ctx context.Context, refs []referralhub.Referral, qualified []bool) error {
	args := make([]any, 0, len(refs)*len(referralCols))
	for i, r := range refs {
		click := sql.NullString{String: r.ClickID, Valid: r.ClickID != ""}
		var at any
		if qualified != nil && qualified[i] {
			at = q.ts(r.CreatedAt)
		}
		args = append(args, r.ReferrerID, r.RefereeID, click, q.ts(r.CreatedAt), at)
	}
	query, args := q.insertRowsSQL("BulkReferrals", "referrals", referralCols, args, ``)
	_, err := q.exec(ctx, query, args...)
	if q.d.isUnique(err, "referrals_referee_key", "referrals.referee_id") {
		return referralhub.Errorf(referralhub.ECONFLICT, "An account in the batch was already referred.")
	}
	if err != nil {
		return fmt.Errorf("bulk insert %d referrals: %w", len(refs), err)
	}
	return nil
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
