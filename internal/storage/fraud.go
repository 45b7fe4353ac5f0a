package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// Sighting kinds.
const (
	SightDevice = "device" // the device cookie's id, hashed
	SightIPUA   = "ipua"   // IP + user agent, hashed under the rotating salt
	SightIP     = "ip"     // IP alone, hashed likewise
)

// RecordSighting notes that a participant was seen with a hashed value.
func (q *Queries) RecordSighting(ctx context.Context, participantID int64, kind, hash string, now time.Time) error {
	_, err := q.exec(ctx, `/* RecordSighting */ INSERT INTO sightings (participant_id, kind, value_hash, first_seen_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $4) ON CONFLICT (participant_id, kind, value_hash) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
		participantID, kind, hash, q.ts(now))
	if err != nil {
		return fmt.Errorf("record sighting: %w", err)
	}
	return nil
}

// SeenWith lists the participants among ids that were seen with any of
// hashes (of kind) since since.
func (q *Queries) SeenWith(ctx context.Context, ids []int64, kind string, hashes []string, since time.Time) ([]int64, error) {
	if len(ids) == 0 || len(hashes) == 0 {
		return nil, nil
	}
	args := []any{kind, q.ts(since)}
	hashList, args := q.inList(args, hashes)
	var idList []byte
	for i, id := range ids {
		if i > 0 {
			idList = append(idList, ", "...)
		}
		args = append(args, id)
		idList = q.d.appendParam(idList, len(args))
	}
	return queryList(ctx, q, "seen with", `/* SeenWith */ SELECT DISTINCT participant_id FROM sightings
		WHERE kind = $1 AND last_seen_at >= $2 AND value_hash IN (`+hashList+`) AND participant_id IN (`+string(idList)+`)`, scanValue[int64], args...)
}

// Linked lists other participants seen with the same device or IP hashes
// as a participant, for the review page.
func (q *Queries) Linked(ctx context.Context, participantID int64, limit int) ([]LinkedAccount, error) {
	return queryList(ctx, q, "linked accounts", `/* Linked */ SELECT DISTINCT o.participant_id, `+displayName("u", "p")+`, o.kind
		FROM sightings s JOIN sightings o ON o.kind = s.kind AND o.value_hash = s.value_hash AND o.participant_id <> s.participant_id
		JOIN participants p ON p.id = o.participant_id LEFT JOIN users u ON u.id = p.user_id
		WHERE s.participant_id = $1 ORDER BY o.participant_id LIMIT $2`, func(r rowScanner) (LinkedAccount, error) {
		var l LinkedAccount
		err := r.Scan(&l.ParticipantID, &l.Username, &l.Kind)
		return l, err
	}, participantID, limit)
}

// LinkedAccount is a participant sharing a device or IP with another.
type LinkedAccount struct {
	ParticipantID int64
	Username      string
	Kind          string // SightDevice, SightIPUA or SightIP
}

// CountReferralsSince counts a referrer's referrals made in [since, until).
func (q *Queries) CountReferralsSince(ctx context.Context, referrerID int64, since, until time.Time) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* CountReferralsSince */ SELECT count(*) FROM referrals WHERE referrer_id = $1
		AND created_at >= $2 AND created_at < $3`, referrerID, q.ts(since), q.ts(until)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count referrals since: %w", err)
	}
	return n, nil
}

// CountReferralsFrom counts referrals made in [since, until) whose signup
// IP (or subnet) hashed to one of hashes.
func (q *Queries) CountReferralsFrom(ctx context.Context, bySubnet bool, hashes []string, since, until time.Time) (int64, error) {
	if len(hashes) == 0 {
		return 0, nil
	}
	column := "ip_hash"
	if bySubnet {
		column = "subnet_hash"
	}
	list, args := q.inList([]any{q.ts(since), q.ts(until)}, hashes)
	var n int64
	err := q.queryRow(ctx, `/* CountReferralsFrom */ SELECT count(*) FROM referrals WHERE created_at >= $1 AND created_at < $2
		AND `+column+` IN (`+list+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count referrals from: %w", err)
	}
	return n, nil
}

// Ancestors returns who referred a participant, who referred them, and so
// on, nearest first, up to depth levels.
func (q *Queries) Ancestors(ctx context.Context, participantID int64, depth int) ([]int64, error) {
	var out []int64
	seen := map[int64]bool{participantID: true}
	cur := participantID
	for range depth {
		var up int64
		err := q.queryRow(ctx, `/* Ancestor */ SELECT referrer_id FROM referrals WHERE referee_id = $1`, cur).Scan(&up)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ancestors: %w", err)
		}
		out = append(out, up)
		if seen[up] {
			break // a loop
		}
		seen[up] = true
		cur = up
	}
	return out, nil
}

// SetReview moves a referral from one of the review states in from to to,
// recording who and why. It reports whether the referral moved.
func (q *Queries) SetReview(ctx context.Context, referralID int64, from []string, to string, by int64, note string, now time.Time) (bool, error) {
	list, args := q.inList([]any{referralID, to, nullID(by), note, q.ts(now)}, from)
	res, err := q.exec(ctx, `/* SetReview */ UPDATE referrals SET review = $2, reviewed_by = $3, review_note = $4, reviewed_at = $5
		WHERE id = $1 AND review IN (`+list+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("set review: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PendingRewards lists the pending ledger entries of a referral, or of a
// participant when referralID is 0.
func (q *Queries) PendingRewards(ctx context.Context, referralID, participantID int64) ([]referralhub.Reward, error) {
	if referralID != 0 {
		return q.rewards(ctx, `/* PendingRewards */ SELECT `+rewardColumns+` FROM rewards
			WHERE referral_id = $1 AND status = 'pending' ORDER BY id`+q.d.forUpdate(), referralID)
	}
	return q.rewards(ctx, `/* PendingRewards */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 AND status = 'pending' ORDER BY id`+q.d.forUpdate(), participantID)
}

// AppendAudit adds a line to the audit log. There is no way to change or
// remove one.
func (q *Queries) AppendAudit(ctx context.Context, e referralhub.AuditEntry) error {
	_, err := q.exec(ctx, `/* AppendAudit */ INSERT INTO audit_log (actor_id, actor, action, subject, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, nullID(e.ActorID), e.Actor, e.Action, e.Subject, e.Detail, q.ts(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// AuditLog lists audit entries newest first, optionally only actions
// starting with prefix.
func (q *Queries) AuditLog(ctx context.Context, prefix string, limit, offset int) ([]referralhub.AuditEntry, error) {
	return queryList(ctx, q, "audit log", `/* AuditLog */ SELECT id, COALESCE(actor_id, 0), actor, action, subject, detail, created_at
		FROM audit_log WHERE $1 = '' OR substr(action, 1, length($2)) = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
		func(r rowScanner) (referralhub.AuditEntry, error) {
			var e referralhub.AuditEntry
			err := r.Scan(&e.ID, &e.ActorID, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.CreatedAt)
			e.CreatedAt = e.CreatedAt.UTC()
			return e, err
		}, prefix, prefix, limit, offset)
}

// ReviewItem is a referral as the review queue shows it.
type ReviewItem struct {
	referralhub.Referral
	ReferrerName, RefereeName   string
	ReferrerEmail, RefereeEmail string
	ReviewedBy                  string
	ReviewNote                  string
}

// reviewItemQuery selects a referral for review, with both people's names
// (usernames, or the names the API gave) and emails.
func reviewItemQuery() string {
	return `SELECT r.id, r.referrer_id, r.referee_id, r.created_at, r.risk_score, r.risk_signals, r.review,
	` + displayName("ur", "pr") + `, ` + displayName("ue", "pe") + `, COALESCE(ur.email, pr.email, ''), COALESCE(ue.email, pe.email, ''),
	COALESCE(ua.username, ''), r.review_note
	FROM referrals r JOIN participants pr ON pr.id = r.referrer_id LEFT JOIN users ur ON ur.id = pr.user_id
	JOIN participants pe ON pe.id = r.referee_id LEFT JOIN users ue ON ue.id = pe.user_id
	LEFT JOIN users ua ON ua.id = r.reviewed_by `
}

func scanReviewItem(row rowScanner) (ReviewItem, error) {
	var (
		it      ReviewItem
		signals string
	)
	err := row.Scan(&it.ID, &it.ReferrerID, &it.RefereeID, &it.CreatedAt, &it.RiskScore, &signals, &it.Review,
		&it.ReferrerName, &it.RefereeName, &it.ReferrerEmail, &it.RefereeEmail, &it.ReviewedBy, &it.ReviewNote)
	if err != nil {
		return it, err
	}
	it.CreatedAt = it.CreatedAt.UTC()
	it.Signals, err = decodeSignals(signals)
	return it, err
}

// ReferralsInReview lists referrals in a review state, oldest first.
func (q *Queries) ReferralsInReview(ctx context.Context, review string, limit int) ([]ReviewItem, error) {
	return queryList(ctx, q, "referrals in review", `/* ReferralsInReview */ `+reviewItemQuery()+
		`WHERE r.review = $1 ORDER BY r.created_at, r.id LIMIT $2`, scanReviewItem, review, limit)
}

// ReviewItemByID returns one referral for review, or ENOTFOUND.
func (q *Queries) ReviewItemByID(ctx context.Context, referralID int64) (ReviewItem, error) {
	it, err := scanReviewItem(q.queryRow(ctx, `/* ReviewItemByID */ `+reviewItemQuery()+`WHERE r.id = $1`, referralID))
	if errors.Is(err, sql.ErrNoRows) {
		return it, referralhub.Errorf(referralhub.ENOTFOUND, "No such referral.")
	}
	if err != nil {
		return it, fmt.Errorf("review item: %w", err)
	}
	return it, nil
}

// ReplayableReferral is a stored referral with what ReplayRisk needs.
type ReplayableReferral struct {
	ReferrerID   int64
	RefereeEmail string
	CreatedAt    time.Time
}

// ReplayableReferrals lists up to limit referrals, oldest first.
func (q *Queries) ReplayableReferrals(ctx context.Context, limit int) ([]ReplayableReferral, error) {
	return queryList(ctx, q, "replayable referrals", `/* ReplayableReferrals */ SELECT r.referrer_id, COALESCE(u.email, ''), r.created_at
		FROM referrals r JOIN participants p ON p.id = r.referee_id LEFT JOIN users u ON u.id = p.user_id
		ORDER BY r.created_at, r.id LIMIT $1`, func(row rowScanner) (ReplayableReferral, error) {
		var r ReplayableReferral
		err := row.Scan(&r.ReferrerID, &r.RefereeEmail, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	}, limit)
}

// ReferralsSharingCustomer lists the referrals between a participant and
// someone else who has the same Stripe customer id.
func (q *Queries) ReferralsSharingCustomer(ctx context.Context, participantID int64, customerID string) ([]referralhub.Referral, error) {
	if customerID == "" {
		return nil, nil
	}
	return queryList(ctx, q, "referrals sharing a customer", `/* ReferralsSharingCustomer */ SELECT r.id, r.risk_score, r.risk_signals, r.review
		FROM referrals r JOIN participants o ON o.id = CASE WHEN r.referrer_id = $1 THEN r.referee_id ELSE r.referrer_id END
		WHERE (r.referrer_id = $1 OR r.referee_id = $1) AND o.stripe_customer_id = $2`, func(row rowScanner) (referralhub.Referral, error) {
		var (
			r       referralhub.Referral
			signals string
		)
		err := row.Scan(&r.ID, &r.RiskScore, &signals, &r.Review)
		if err == nil {
			r.Signals, err = decodeSignals(signals)
		}
		return r, err
	}, participantID, customerID)
}

// Rescore stores a referral's new score, signals and review state.
func (q *Queries) Rescore(ctx context.Context, r referralhub.Referral) error {
	signals, err := encodeSignals(r.Signals)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, `/* Rescore */ UPDATE referrals SET risk_score = $2, risk_signals = $3, review = $4 WHERE id = $1`,
		r.ID, r.RiskScore, signals, r.Review)
	if err != nil {
		return fmt.Errorf("rescore: %w", err)
	}
	return nil
}

// LockReferral holds a referral's row until the transaction ends, so a
// review decision and the rewarding of an event for it happen one after
// the other on PostgreSQL.
func (q *Queries) LockReferral(ctx context.Context, id int64) error {
	var got int64
	err := q.queryRow(ctx, `/* LockReferral */ SELECT id FROM referrals WHERE id = $1`+q.d.forUpdate(), id).Scan(&got)
	if err != nil {
		return fmt.Errorf("lock referral: %w", err)
	}
	return nil
}

// ReferralRewards lists a referral's earned entries (not clawbacks),
// locked until the transaction ends.
func (q *Queries) ReferralRewards(ctx context.Context, referralID int64) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* ReferralRewards */ SELECT `+rewardColumns+` FROM rewards
		WHERE referral_id = $1 AND entry = 'reward' ORDER BY id`+q.d.forUpdate(), referralID)
}

// DeleteSightingsBefore deletes sightings of kind last seen before cutoff.
func (q *Queries) DeleteSightingsBefore(ctx context.Context, kind string, cutoff time.Time) error {
	_, err := q.exec(ctx, `/* DeleteSightingsBefore */ DELETE FROM sightings WHERE kind = $1 AND last_seen_at < $2`, kind, q.ts(cutoff))
	if err != nil {
		return fmt.Errorf("delete sightings: %w", err)
	}
	return nil
}

// ForgetReferralIPs blanks the signup IP hashes of referrals made before
// cutoff: the velocity checks look back a day at most.
func (q *Queries) ForgetReferralIPs(ctx context.Context, cutoff time.Time) error {
	_, err := q.exec(ctx, `/* ForgetReferralIPs */ UPDATE referrals SET ip_hash = '', subnet_hash = ''
		WHERE created_at < $1 AND ip_hash <> ''`, q.ts(cutoff))
	if err != nil {
		return fmt.Errorf("forget referral ips: %w", err)
	}
	return nil
}

// ForgetParticipantTraces deletes a participant's sightings and blanks the
// IP hashes and review notes of the referrals that brought them, for
// account deletion.
func (q *Queries) ForgetParticipantTraces(ctx context.Context, participantID int64) error {
	if _, err := q.exec(ctx, `/* ForgetParticipantTraces */ DELETE FROM sightings WHERE participant_id = $1`, participantID); err != nil {
		return fmt.Errorf("forget sightings: %w", err)
	}
	_, err := q.exec(ctx, `/* ForgetParticipantTraces */ UPDATE referrals SET ip_hash = '', subnet_hash = '', review_note = ''
		WHERE referee_id = $1`, participantID)
	if err != nil {
		return fmt.Errorf("forget referral traces: %w", err)
	}
	return nil
}
