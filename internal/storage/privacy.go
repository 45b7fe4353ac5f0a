package storage

import (
	"context"
	"fmt"
)

// RewardReason is a ledger entry's id and its reason in words.
type RewardReason struct {
	ID     int64
	Reason string
}

// ReasonsAbout lists the ledger entries of other participants that came
// from a referral participantID took part in, referrer or referee: the
// entries whose reasons may name them ("bob signed up", "You signed up
// through bob's link").
func (q *Queries) ReasonsAbout(ctx context.Context, participantID int64) ([]RewardReason, error) {
	return queryList(ctx, q, "reasons about", `/* ReasonsAbout */ SELECT w.id, w.reason FROM rewards w
		JOIN referrals r ON r.id = w.referral_id
		WHERE (r.referee_id = $1 OR r.referrer_id = $1) AND w.participant_id <> $1 ORDER BY w.id`, func(row rowScanner) (RewardReason, error) {
		var r RewardReason
		err := row.Scan(&r.ID, &r.Reason)
		return r, err
	}, participantID)
}

// SetRewardReason rewrites a ledger entry's reason: the one change the
// append-only ledger allows, so that a deleted account is not named.
func (q *Queries) SetRewardReason(ctx context.Context, id int64, reason string) error {
	if _, err := q.exec(ctx, `/* SetRewardReason */ UPDATE rewards SET reason = $2 WHERE id = $1`, id, reason); err != nil {
		return fmt.Errorf("set reward reason: %w", err)
	}
	return nil
}

// RedactJobs replaces the payload of every job whose dedupe key starts with
// prefix, and clears the key, for jobs that carry an address (password
// resets ask by email). A job still queued then finds nobody and is done.
func (q *Queries) RedactJobs(ctx context.Context, prefix, payload string) error {
	_, err := q.exec(ctx, `/* RedactJobs */ UPDATE jobs SET payload = $2, dedupe_key = NULL
		WHERE dedupe_key LIKE $1 ESCAPE '\'`, escapeLike(prefix)+"%", payload)
	if err != nil {
		return fmt.Errorf("redact jobs: %w", err)
	}
	return nil
}

// RedactJobErrors blanks the last error of every job whose error mentions
// text, regardless of case: a mail server's refusal often quotes the
// address.
func (q *Queries) RedactJobErrors(ctx context.Context, text string) error {
	_, err := q.exec(ctx, `/* RedactJobErrors */ UPDATE jobs SET last_error = '(removed: it named a deleted account)'
		WHERE lower(last_error) LIKE $1 ESCAPE '\'`, SearchPattern(text))
	if err != nil {
		return fmt.Errorf("redact job errors: %w", err)
	}
	return nil
}
