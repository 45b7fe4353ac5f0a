// sightings: where each participant was seen (device, IP and user agent), as keyed hashes.

package storage

import (
	"context"
	"fmt"
	"github.com/referralhub/referralhub"
	"time"
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
func (q *Queries) Linked(ctx context.Context, participantID int64, limit int) ([]referralhub.LinkedAccount, error) {
	return queryList(ctx, q, "linked accounts", `/* Linked */ SELECT DISTINCT o.participant_id, `+displayName("u", "p")+`, o.kind
		FROM sightings s JOIN sightings o ON o.kind = s.kind AND o.value_hash = s.value_hash AND o.participant_id <> s.participant_id
		JOIN participants p ON p.id = o.participant_id LEFT JOIN users u ON u.id = p.user_id
		WHERE s.participant_id = $1 ORDER BY o.participant_id LIMIT $2`, func(r rowScanner) (referralhub.LinkedAccount, error) {
		var l referralhub.LinkedAccount
		err := r.Scan(&l.ParticipantID, &l.Username, &l.Kind)
		return l, err
	}, participantID, limit)
}

// DeleteSightingsBefore deletes sightings of kind last seen before cutoff.
func (q *Queries) DeleteSightingsBefore(ctx context.Context, kind string, cutoff time.Time) error {
	_, err := q.exec(ctx, `/* DeleteSightingsBefore */ DELETE FROM sightings WHERE kind = $1 AND last_seen_at < $2`, kind, q.ts(cutoff))
	if err != nil {
		return fmt.Errorf("delete sightings: %w", err)
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
