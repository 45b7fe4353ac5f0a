package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/referralhub/referralhub"
)

// InsertClicks writes clicks in one statement and adds the clicks actually
// stored to each participant's click_count (bot clicks are stored but not
// counted) in one more, and to its per-channel counts in a third. A click
// whose id is already stored is skipped and not counted, so a retried
// batch is harmless. Call it inside InTx.
//
// The conflict has no target: PostgreSQL's partitioned clicks are keyed
// by (id, created_at), SQLite's by id, and a retried click repeats both.
// Keep "clicks" as the statement's target: PostgreSQL routes each row to
// its month's partition (migration 0036).
//
// The counts are summed in memory for the whole batch: a participant's row
// is then written once per batch however many of its clicks the batch
// holds. Every statement's text is the same for any batch (see
// clicks_flush.go), so none is parsed again.
func (q *Queries) InsertClicks(ctx context.Context, clicks []referralhub.Click) error {
	if len(clicks) == 0 {
		return nil
	}
	stored, byChannel := map[int64]int64{}, map[channelKey]int64{}
	if err := q.insertClickBatch(ctx, clicks, stored, byChannel); err != nil {
		return err
	}
	if err := q.addClickCounts(ctx, stored); err != nil {
		return err
	}
	return q.addChannelClicks(ctx, byChannel)
}

// InsertClicks stores a batch of clicks and their counts in one transaction.
func (db *DB) InsertClicks(ctx context.Context, clicks []referralhub.Click) error {
	return db.InTx(ctx, func(q *Queries) error { return q.InsertClicks(ctx, clicks) })
}

// CountClicks counts every stored click.
func (q *Queries) CountClicks(ctx context.Context) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* CountClicks */ SELECT count(*) FROM clicks`).Scan(&n)
	return n, err
}

// ClickByID returns a stored click, or ENOTFOUND: clicks still in the
// in-process buffer, and ones past the retention (reduced to daily
// counts), are not found.
func (q *Queries) ClickByID(ctx context.Context, id string) (referralhub.Click, error) {
	var c referralhub.Click
	err := q.queryRow(ctx, `/* ClickByID */ SELECT id, participant_id, code, ip_hash, user_agent, referer, created_at, bot, channel
		FROM clicks WHERE id = $1`, id).
		Scan(&c.ID, &c.ParticipantID, &c.Code, &c.IPHash, &c.UserAgent, &c.Referer, &c.CreatedAt, &c.Bot, &c.Channel)
	if errors.Is(err, sql.ErrNoRows) {
		return c, referralhub.Errorf(referralhub.ENOTFOUND, "No click has that id.")
	}
	if err != nil {
		return c, fmt.Errorf("click by id: %w", err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

// deleteClicks deletes the raw rows of clicks, and fails (rolling the
// transaction back) if any was already gone: its count would then be added
// twice.
func (q *Queries) deleteClicks(ctx context.Context, clicks []clickRow) error {
	return inChunks(len(clicks), 1, func(start, end int) error {
		args := make([]any, 0, end-start)
		b := []byte("/* deleteClicks */ DELETE FROM clicks WHERE id IN (")
		for i, c := range clicks[start:end] {
			if i > 0 {
				b = append(b, ',')
			}
			b = q.d.appendParam(b, i+1)
			args = append(args, c.id)
		}
		res, err := q.exec(ctx, string(append(b, ')')), args...)
		if err != nil {
			return fmt.Errorf("delete reduced clicks: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(end-start) {
			return fmt.Errorf("delete reduced clicks: %d of %d rows deleted (%v)", n, end-start, err)
		}
		return nil
	})
}

// isClickKey reports whether err says a click id is already stored: the
// primary key of clicks on SQLite, or of one of its month's tables on
// PostgreSQL (clicks_2026_12_pkey, clicks_default_pkey).
func isClickKey(d dialect, err error) bool {
	if d.name() != "postgres" {
		return d.isUnique(err, "clicks_pkey", "clicks.id")
	}
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505" && strings.HasPrefix(e.ConstraintName, "clicks_") &&
		strings.HasSuffix(e.ConstraintName, "_pkey")
}
