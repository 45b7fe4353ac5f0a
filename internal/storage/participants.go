package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// ErrCodeTaken is returned by CreateParticipant when the code is in use, so
// the caller can draw another. (The core draws codes that are nobody's old
// code either: see CodeHolder.)
var ErrCodeTaken = errors.New("referral code taken")

// CreateParticipant inserts p and sets its ID, or returns ErrCodeTaken. A
// taken code does not abort the transaction (ON CONFLICT), so the caller can
// draw another inside it, on PostgreSQL too.
func (q *Queries) CreateParticipant(ctx context.Context, p *referralhub.Participant) error {
	err := q.queryRow(ctx, `/* CreateParticipant */ INSERT INTO participants (user_id, code, created_at, last_seen_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id`,
		p.UserID, p.Code, q.ts(p.CreatedAt), q.ts(p.LastSeenAt)).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrCodeTaken
	}
	if err != nil {
		return fmt.Errorf("create participant: %w", err)
	}
	return nil
}

// CodeOwner resolves a referral code (already lower-cased), a current
// code or an old one kept as an alias, to its owner, whose current code
// it returns in Code.
func (q *Queries) CodeOwner(ctx context.Context, code string) (referralhub.CodeOwner, error) {
	var o referralhub.CodeOwner
	err := q.queryRow(ctx, `/* CodeOwner */ SELECT p.id, COALESCE(u.username, ''), p.code
		FROM participants p LEFT JOIN users u ON u.id = p.user_id WHERE p.code = $1 AND p.banned_at IS NULL
		UNION ALL
		SELECT p.id, COALESCE(u.username, ''), p.code FROM code_aliases a JOIN participants p ON p.id = a.participant_id
		LEFT JOIN users u ON u.id = p.user_id WHERE a.code = $1 AND p.banned_at IS NULL
		LIMIT 1`, code).
		Scan(&o.ParticipantID, &o.Username, &o.Code)
	if errors.Is(err, sql.ErrNoRows) {
		return o, referralhub.Errorf(referralhub.ENOTFOUND, "unknown referral code")
	}
	if err != nil {
		return o, fmt.Errorf("code owner: %w", err)
	}
	return o, nil
}

// TouchParticipant records activity for the active-network figure.
func (q *Queries) TouchParticipant(ctx context.Context, participantID int64, now time.Time) error {
	_, err := q.exec(ctx, `/* TouchParticipant */ UPDATE participants SET last_seen_at = $2 WHERE id = $1`,
		participantID, q.ts(now))
	return err
}

// Participant returns a participant by id, with its counters.
func (q *Queries) Participant(ctx context.Context, id int64) (referralhub.Participant, error) {
	p, err := q.participant(ctx, `/* Participant */ SELECT `+participantColumns+` FROM participants WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, referralhub.Errorf(referralhub.ENOTFOUND, "no such participant")
	}
	return p, err
}

// LiveParticipant is Participant for one not deleted: ENOTFOUND for a
// deleted one, as for none (the API records events through it).
func (q *Queries) LiveParticipant(ctx context.Context, id int64) (referralhub.Participant, error) {
	p, err := q.participant(ctx, `/* LiveParticipant */ SELECT `+participantColumns+` FROM participants
		WHERE id = $1 AND deleted_at IS NULL`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, referralhub.Errorf(referralhub.ENOTFOUND, "No participant has that id.")
	}
	return p, err
}

const participantColumns = `id, user_id, code, created_at, last_seen_at, referral_count, click_count, plan, stripe_customer_id`

func (q *Queries) participant(ctx context.Context, query string, id int64) (referralhub.Participant, error) {
	var (
		p      referralhub.Participant
		userID sql.NullInt64
	)
	err := q.queryRow(ctx, query, id).
		Scan(&p.ID, &userID, &p.Code, &p.CreatedAt, &p.LastSeenAt, &p.ReferralCount, &p.ClickCount, &p.Plan, &p.StripeCustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	if err != nil {
		return p, fmt.Errorf("participant: %w", err)
	}
	p.UserID = userID.Int64
	return p, nil
}

// LockParticipant holds a participant's row until the transaction ends, so
// checks that read then write (reward caps) run one at a time per
// participant on PostgreSQL. SQLite's one writer serialises them already.
func (q *Queries) LockParticipant(ctx context.Context, id int64) error {
	var got int64
	err := q.queryRow(ctx, `/* LockParticipant */ SELECT id FROM participants WHERE id = $1`+q.d.forUpdate(), id).Scan(&got)
	if err != nil {
		return fmt.Errorf("lock participant: %w", err)
	}
	return nil
}

// SetBilling sets a participant's plan and Stripe customer id.
func (q *Queries) SetBilling(ctx context.Context, participantID int64, plan, stripeCustomerID string) error {
	res, err := q.exec(ctx, `/* SetBilling */ UPDATE participants SET plan = $2, stripe_customer_id = $3 WHERE id = $1`,
		participantID, plan, stripeCustomerID)
	if err != nil {
		return fmt.Errorf("set billing: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	return nil
}

// BanParticipant marks a participant banned; their link stops working.
func (q *Queries) BanParticipant(ctx context.Context, participantID int64, now time.Time) (bool, error) {
	res, err := q.exec(ctx, `/* BanParticipant */ UPDATE participants SET banned_at = $2 WHERE id = $1 AND banned_at IS NULL`,
		participantID, q.ts(now))
	if err != nil {
		return false, fmt.Errorf("ban participant: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Banned reports whether a participant is banned.
func (q *Queries) Banned(ctx context.Context, participantID int64) (bool, error) {
	var banned bool
	err := q.queryRow(ctx, `/* Banned */ SELECT banned_at IS NOT NULL FROM participants WHERE id = $1`, participantID).Scan(&banned)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("banned: %w", err)
	}
	return banned, nil
}

// EmailsOf returns the email addresses of participants, by id: their
// user's, or the one the API gave; ones without either are left out.
func (q *Queries) EmailsOf(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, id := range ids {
		var email string
		err := q.queryRow(ctx, `/* EmailOf */ SELECT COALESCE(u.email, p.email, '') FROM participants p
			LEFT JOIN users u ON u.id = p.user_id WHERE p.id = $1`, id).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) || err == nil && email == "" {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("emails of: %w", err)
		}
		out[id] = email
	}
	return out, nil
}

// displayName is the SQL for how reasons and mail name a participant (p)
// with its user (u): the username; for one made through the API, the name
// it was given, or "A friend" ("A friend signed up").
func displayName(u, p string) string {
	return "COALESCE(" + u + ".username, " + p + ".name, CASE WHEN " + p + ".external_id IS NOT NULL THEN 'A friend' ELSE '' END)"
}

// HistoryOf summarises a participant, or ENOTFOUND.
func (q *Queries) HistoryOf(ctx context.Context, participantID int64) (referralhub.ParticipantHistory, error) {
	h := referralhub.ParticipantHistory{ParticipantID: participantID}
	err := q.queryRow(ctx, `/* HistoryOf */ SELECT `+displayName("u", "p")+`, p.created_at,
		(u.email_verified_at IS NOT NULL OR p.verified_at IS NOT NULL),
		p.banned_at IS NOT NULL, p.referral_count, p.click_count,
		(SELECT count(*) FROM rewards w WHERE w.participant_id = p.id),
		(SELECT count(*) FROM referrals r WHERE r.referrer_id = p.id AND r.review IN ('held', 'blocked', 'rejected'))
		FROM participants p LEFT JOIN users u ON u.id = p.user_id WHERE p.id = $1`, participantID).
		Scan(&h.Username, &h.JoinedAt, &h.Verified, &h.Banned, &h.Referrals, &h.Clicks, &h.Rewards, &h.Held)
	if errors.Is(err, sql.ErrNoRows) {
		return h, referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	if err != nil {
		return h, fmt.Errorf("history: %w", err)
	}
	h.JoinedAt = h.JoinedAt.UTC()
	return h, nil
}

// AnonymiseParticipant turns a participant into an anonymous tombstone: no
// user, the unusable code given (so their link answers like an unknown
// one), no Stripe customer. Its referrals, counters and ledger entries stay,
// and so does when its user verified their email (verified_at), which
// reward gates still ask. Call it inside InTx, before DeleteUser, whose
// cascade would otherwise take the participant and everything hanging from
// it.
func (q *Queries) AnonymiseParticipant(ctx context.Context, participantID int64, code string, now time.Time) error {
	res, err := q.exec(ctx, `/* AnonymiseParticipant */ UPDATE participants SET user_id = NULL, code = $2,
		stripe_customer_id = '', deleted_at = $3, display_name = '',
		verified_at = (SELECT u.email_verified_at FROM users u WHERE u.id = participants.user_id)
		WHERE id = $1`, participantID, code, q.ts(now))
	if err != nil {
		return fmt.Errorf("anonymise participant: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	// Old codes may name the person (vanity codes): they go too, and stop
	// leading anywhere.
	if _, err := q.exec(ctx, `/* AnonymiseParticipant.Aliases */ DELETE FROM code_aliases WHERE participant_id = $1`, participantID); err != nil {
		return fmt.Errorf("forget code aliases: %w", err)
	}
	return nil
}

// SampleCodes returns up to limit referral codes in random order, or every
// code when limit is 0. Benchmarks use it to click realistic links.
func (q *Queries) SampleCodes(ctx context.Context, limit int) ([]string, error) {
	return sampleColumn[string](ctx, q, "code", limit)
}

// SampleParticipantIDs returns up to limit participant ids in random
// order, or every id when limit is 0. Benchmarks report events for them.
func (q *Queries) SampleParticipantIDs(ctx context.Context, limit int) ([]int64, error) {
	return sampleColumn[int64](ctx, q, "id", limit)
}

// sampleColumn reads column (a constant name, never input) of participants
// in random order.
func sampleColumn[T any](ctx context.Context, q *Queries, column string, limit int) ([]T, error) {
	query := `/* SampleParticipants */ SELECT ` + column + ` FROM participants ORDER BY random()`
	args := []any{}
	if limit > 0 {
		query += ` LIMIT $1`
		args = append(args, limit)
	}
	return queryList(ctx, q, "sample participants", query, scanValue[T], args...)
}
