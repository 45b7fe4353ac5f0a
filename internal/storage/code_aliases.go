package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// CodeHolder returns the participant whose current code or old code
// (alias) code is, banned or not: a code once given out is never given to
// anyone else. ENOTFOUND when nobody holds it.
func (q *Queries) CodeHolder(ctx context.Context, code string) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `/* CodeHolder */ SELECT id FROM participants WHERE code = $1
		UNION ALL SELECT participant_id FROM code_aliases WHERE code = $1 LIMIT 1`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "nobody holds that code")
	}
	if err != nil {
		return 0, fmt.Errorf("code holder: %w", err)
	}
	return id, nil
}

// ChangeCode gives a participant the code next in place of old, which
// becomes an alias leading to them; next stops being one of their aliases
// if it was. chosen marks the change as the participant's own one choice.
// It returns ErrCodeTaken when next is someone else's code or alias; on
// PostgreSQL the transaction is then aborted. Call it in a transaction.
func (q *Queries) ChangeCode(ctx context.Context, participantID int64, old, next string, chosen bool, now time.Time) error {
	if _, err := q.exec(ctx, `/* ChangeCode.DropAlias */ DELETE FROM code_aliases WHERE code = $1 AND participant_id = $2`,
		next, participantID); err != nil {
		return fmt.Errorf("drop alias: %w", err)
	}
	if _, err := q.exec(ctx, `/* ChangeCode.KeepOld */ INSERT INTO code_aliases (code, participant_id, created_at)
		VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING`, old, participantID, q.ts(now)); err != nil {
		return fmt.Errorf("keep old code: %w", err)
	}
	if err := q.setCode(ctx, participantID, old, next); err != nil {
		return err
	}
	// Read after the update: on PostgreSQL the update waited for any
	// transaction that was retiring next at the same time, and this
	// statement sees its alias, so a code is never both.
	var others int
	if err := q.queryRow(ctx, `/* ChangeCode.AliasOfOthers */ SELECT count(*) FROM code_aliases
		WHERE code = $1 AND participant_id <> $2`, next, participantID).Scan(&others); err != nil {
		return fmt.Errorf("check aliases: %w", err)
	}
	if others > 0 {
		return ErrCodeTaken
	}
	if chosen {
		_, err := q.exec(ctx, `/* ChangeCode.Chosen */ UPDATE participants SET code_chosen_at = $2 WHERE id = $1`,
			participantID, q.ts(now))
		return err
	}
	return nil
}

// setCode moves a participant's code from old to next.
func (q *Queries) setCode(ctx context.Context, participantID int64, old, next string) error {
	res, err := q.exec(ctx, `/* ChangeCode.Set */ UPDATE participants SET code = $3 WHERE id = $1 AND code = $2`,
		participantID, old, next)
	if q.d.isUnique(err, "participants_code_key", "participants.code") {
		return ErrCodeTaken
	}
	if err != nil {
		return fmt.Errorf("set code: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return referralhub.Errorf(referralhub.ECONFLICT, "The code changed meanwhile. Try again.")
	}
	return nil
}

// CodeChoice says when a participant chose their code (the zero time:
// never) and lists the old codes that still lead to them, oldest first.
func (q *Queries) CodeChoice(ctx context.Context, participantID int64) (time.Time, []string, error) {
	var chosen sql.NullTime
	err := q.queryRow(ctx, `/* CodeChoice */ SELECT code_chosen_at FROM participants WHERE id = $1`, participantID).Scan(&chosen)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil, referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("code choice: %w", err)
	}
	aliases, err := queryList(ctx, q, "code aliases", `/* CodeAliases */ SELECT code FROM code_aliases
		WHERE participant_id = $1 ORDER BY created_at, code`, scanValue[string], participantID)
	return utc(chosen), aliases, err
}
