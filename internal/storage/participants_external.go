// participants a host product creates through the API: external_id, email and name, no user.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// InsertAPIParticipant inserts a participant without a user, with p's
// code, plan and times, and sets p.ID. It reports false, and inserts
// nothing, when the external id or the code is taken: the caller tells
// which with ParticipantIDByExternal. Empty email and name are stored as
// NULL.
func (q *Queries) InsertAPIParticipant(ctx context.Context, p *referralhub.ParticipantDetails) (bool, error) {
	err := q.queryRow(ctx, `/* InsertAPIParticipant */ INSERT INTO participants
		(external_id, email, name, plan, code, created_at, last_seen_at)
		VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
		p.ExternalID, p.Email, p.Name, p.Plan, p.Code, q.ts(p.CreatedAt), q.ts(p.LastSeenAt)).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert api participant: %w", err)
	}
	return true, nil
}

// ParticipantIDByExternal returns the id of the participant with an
// external id, or ENOTFOUND.
func (q *Queries) ParticipantIDByExternal(ctx context.Context, externalID string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `/* ParticipantIDByExternal */ SELECT id FROM participants WHERE external_id = $1`, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No participant has that external id.")
	}
	if err != nil {
		return 0, fmt.Errorf("participant by external id: %w", err)
	}
	return id, nil
}

// UpdateAPIParticipant sets the email, name and plan of a participant; a
// nil value leaves its column as it is, and an empty one clears it.
func (q *Queries) UpdateAPIParticipant(ctx context.Context, id int64, email, name, plan *string) error {
	_, err := q.exec(ctx, `/* UpdateAPIParticipant */ UPDATE participants SET
		email = CASE WHEN CAST($2 AS TEXT) IS NULL THEN email ELSE NULLIF(CAST($2 AS TEXT), '') END,
		name = CASE WHEN CAST($3 AS TEXT) IS NULL THEN name ELSE NULLIF(CAST($3 AS TEXT), '') END,
		plan = COALESCE(CAST($4 AS TEXT), plan)
		WHERE id = $1`, id, nullText(email), nullText(name), nullText(plan))
	if err != nil {
		return fmt.Errorf("update api participant: %w", err)
	}
	return nil
}

func nullText(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

// APIParticipantByID returns a participant for the API, or ENOTFOUND (also
// for the anonymous record a deleted account leaves).
func (q *Queries) APIParticipantByID(ctx context.Context, id int64) (referralhub.ParticipantDetails, error) {
	var p referralhub.ParticipantDetails
	err := q.queryRow(ctx, `/* APIParticipantByID */ SELECT p.id, COALESCE(p.user_id, 0), p.code, p.created_at, p.last_seen_at,
		p.referral_count, p.click_count, p.plan, p.stripe_customer_id,
		COALESCE(p.external_id, ''), COALESCE(p.email, u.email, ''), COALESCE(p.name, u.username, ''),
		COALESCE(r.referrer_id, 0), COALESCE(pr.external_id, '')
		FROM participants p LEFT JOIN users u ON u.id = p.user_id
		LEFT JOIN referrals r ON r.referee_id = p.id LEFT JOIN participants pr ON pr.id = r.referrer_id
		WHERE p.id = $1 AND p.deleted_at IS NULL`, id).
		Scan(&p.ID, &p.UserID, &p.Code, &p.CreatedAt, &p.LastSeenAt, &p.ReferralCount, &p.ClickCount, &p.Plan,
			&p.StripeCustomerID, &p.ExternalID, &p.Email, &p.Name, &p.ReferrerID, &p.ReferrerExternalID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, referralhub.Errorf(referralhub.ENOTFOUND, "No participant has that id.")
	}
	if err != nil {
		return p, fmt.Errorf("api participant: %w", err)
	}
	p.CreatedAt, p.LastSeenAt = p.CreatedAt.UTC(), p.LastSeenAt.UTC()
	return p, nil
}

// MarkParticipantVerified records that the host verified the email of a
// participant without a user, once. It reports whether it did so now.
func (q *Queries) MarkParticipantVerified(ctx context.Context, id int64, now time.Time) (bool, error) {
	return q.setStatus(ctx, "MarkParticipantVerified", `UPDATE participants SET verified_at = $2
		WHERE id = $1 AND user_id IS NULL AND deleted_at IS NULL AND verified_at IS NULL`, id, q.ts(now))
}
