// leaderboard and leaderboard_ranks, and how each participant chose to show on them.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// BumpLeaderboard adds delta to a participant's qualified referrals in one
// leaderboard period, and moves them between the rank counts. at is when
// they got there (ties go to who got there first). Call it inside InTx.
func (q *Queries) BumpLeaderboard(ctx context.Context, period string, participantID, delta int64, at time.Time) error {
	var (
		now    int64
		hidden bool
	)
	if delta < 0 {
		return q.lowerOnBoard(ctx, period, participantID, delta)
	}
	err := q.queryRow(ctx, `/* BumpLeaderboard */ INSERT INTO leaderboard (period, participant_id, referrals, reached_at, hidden)
		SELECT $1, id, $3, $4, leaderboard_hidden FROM participants WHERE id = $2
		ON CONFLICT (period, participant_id) DO UPDATE SET referrals = leaderboard.referrals + excluded.referrals,
			reached_at = CASE WHEN excluded.referrals > 0 THEN excluded.reached_at ELSE leaderboard.reached_at END
		RETURNING referrals, hidden`, period, participantID, delta, q.ts(at)).Scan(&now, &hidden)
	if err != nil {
		return fmt.Errorf("bump leaderboard: %w", err)
	}
	if hidden {
		return nil
	}
	return q.moveRank(ctx, period, now-delta, now)
}

// lowerOnBoard takes referrals back from a participant's row of a period,
// if the period has one (a rebuild makes rows only for the current week
// and month), never below 0.
func (q *Queries) lowerOnBoard(ctx context.Context, period string, participantID, delta int64) error {
	var (
		now    int64
		hidden bool
	)
	err := q.queryRow(ctx, `/* LowerOnBoard */ UPDATE leaderboard SET referrals = referrals + $3
		WHERE period = $1 AND participant_id = $2 AND referrals + $3 >= 0 RETURNING referrals, hidden`,
		period, participantID, delta).Scan(&now, &hidden)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lower on leaderboard: %w", err)
	}
	if hidden {
		return nil
	}
	return q.moveRank(ctx, period, now-delta, now)
}

// moveRank moves one participant from the count of those with from
// referrals to the count of those with to (0 is not counted). The two rows
// are written in ascending order of referrals, whichever way the move
// goes, so concurrent moves on PostgreSQL never wait on each other in a
// cycle.
func (q *Queries) moveRank(ctx context.Context, period string, from, to int64) error {
	steps := []func() error{func() error { return q.leaveRank(ctx, period, from) }, func() error { return q.joinRank(ctx, period, to) }}
	if to < from {
		steps[0], steps[1] = steps[1], steps[0]
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("rank counts: %w", err)
		}
	}
	return nil
}

func (q *Queries) leaveRank(ctx context.Context, period string, referrals int64) error {
	if referrals <= 0 {
		return nil
	}
	_, err := q.exec(ctx, `/* leaveRank */ UPDATE leaderboard_ranks SET participants = participants - 1
		WHERE period = $1 AND referrals = $2`, period, referrals)
	return err
}

func (q *Queries) joinRank(ctx context.Context, period string, referrals int64) error {
	if referrals <= 0 {
		return nil
	}
	_, err := q.exec(ctx, `/* joinRank */ INSERT INTO leaderboard_ranks (period, referrals, participants) VALUES ($1, $2, 1)
		ON CONFLICT (period, referrals) DO UPDATE SET participants = leaderboard_ranks.participants + 1`, period, referrals)
	return err
}

// SetLeaderboardHidden shows or hides a participant on every leaderboard,
// keeping the rank counts right. It does nothing when already so.
func (q *Queries) SetLeaderboardHidden(ctx context.Context, participantID int64, hidden bool) error {
	res, err := q.exec(ctx, `/* SetLeaderboardHidden */ UPDATE participants SET leaderboard_hidden = $2
		WHERE id = $1 AND leaderboard_hidden <> $2`, participantID, hidden)
	if err != nil {
		return fmt.Errorf("leaderboard hidden: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	type row struct {
		period    string
		referrals int64
	}
	rows, err := queryList(ctx, q, "leaderboard rows", `/* LeaderboardRowsOf */ SELECT period, referrals FROM leaderboard WHERE participant_id = $1 AND referrals > 0
		ORDER BY period`, func(rs rowScanner) (row, error) {
		var r row
		err := rs.Scan(&r.period, &r.referrals)
		return r, err
	}, participantID)
	if err != nil {
		return err
	}
	for _, r := range rows {
		from, to := r.referrals, int64(0)
		if !hidden {
			from, to = 0, r.referrals
		}
		if err := q.moveRank(ctx, r.period, from, to); err != nil {
			return err
		}
	}
	_, err = q.exec(ctx, `/* HideLeaderboardRows */ UPDATE leaderboard SET hidden = $2 WHERE participant_id = $1`, participantID, hidden)
	if err != nil {
		return fmt.Errorf("leaderboard hidden: %w", err)
	}
	return nil
}

// BoardStanding is what decides whether a participant shows on the
// leaderboard.
type BoardStanding struct {
	Show    string // referralhub.ShowInitials, ShowName or ShowNobody
	Banned  bool
	Deleted bool
	Hidden  bool // as stored now
}

// BoardStandingOf reads a participant's leaderboard standing. A referral
// waiting for review is not part of it: it holds back only its own count
// (it does not qualify), never its referrer's place, or a stranger
// signing up through someone's link could hide them.
func (q *Queries) BoardStandingOf(ctx context.Context, participantID int64) (BoardStanding, error) {
	var s BoardStanding
	err := q.queryRow(ctx, `/* BoardStandingOf */ SELECT p.leaderboard_show, p.banned_at IS NOT NULL, p.deleted_at IS NOT NULL,
		p.leaderboard_hidden FROM participants p WHERE p.id = $1`, participantID).Scan(&s.Show, &s.Banned, &s.Deleted, &s.Hidden)
	if errors.Is(err, sql.ErrNoRows) {
		return s, referralhub.Errorf(referralhub.ENOTFOUND, "no such participant")
	}
	if err != nil {
		return s, fmt.Errorf("board standing: %w", err)
	}
	return s, nil
}

// SetBoardProfile stores how a participant shows on the leaderboard.
func (q *Queries) SetBoardProfile(ctx context.Context, participantID int64, displayName, show string) error {
	_, err := q.exec(ctx, `/* SetBoardProfile */ UPDATE participants SET display_name = $2, leaderboard_show = $3 WHERE id = $1`,
		participantID, displayName, show)
	if err != nil {
		return fmt.Errorf("leaderboard profile: %w", err)
	}
	return nil
}

// BoardProfile is how a participant chose to show on the leaderboard.
func (q *Queries) BoardProfile(ctx context.Context, participantID int64) (displayName, show string, err error) {
	err = q.queryRow(ctx, `/* BoardProfile */ SELECT display_name, leaderboard_show FROM participants WHERE id = $1`,
		participantID).Scan(&displayName, &show)
	if err != nil {
		return "", "", fmt.Errorf("leaderboard profile: %w", err)
	}
	return displayName, show, nil
}

// BoardRow is a leaderboard line as stored, before names are shown.
type BoardRow struct {
	ParticipantID int64
	Referrals     int64
	Show          string
	DisplayName   string
	Username      string // or the name an API participant was given
}

// TopOfBoard returns the first limit visible participants of a period's
// leaderboard: most qualified referrals first, then who got there first.
func (q *Queries) TopOfBoard(ctx context.Context, period string, limit int) ([]BoardRow, error) {
	return queryList(ctx, q, "leaderboard", `/* TopOfBoard */ SELECT l.participant_id, l.referrals, p.leaderboard_show, p.display_name,
		COALESCE(u.username, p.name, '')
		FROM (SELECT participant_id, referrals, reached_at FROM leaderboard
			WHERE period = $1 AND hidden = FALSE AND referrals > 0
			ORDER BY referrals DESC, reached_at, participant_id LIMIT $2) l
		JOIN participants p ON p.id = l.participant_id LEFT JOIN users u ON u.id = p.user_id
		ORDER BY l.referrals DESC, l.reached_at, l.participant_id`, func(rs rowScanner) (BoardRow, error) {
		var r BoardRow
		err := rs.Scan(&r.ParticipantID, &r.Referrals, &r.Show, &r.DisplayName, &r.Username)
		return r, err
	}, period, limit)
}

// BoardPosition is one participant's place on a period's leaderboard.
type BoardPosition struct {
	Referrals int64
	Rank      int64  // 1 + the visible participants with more; 0 when not ranked
	Hidden    bool   // not shown: by choice, banned or deleted
	Show      string // how they chose to show (ShowNobody: not at all)
}

// PositionOnBoard returns a participant's referrals and rank in a period,
// and whether they are shown, in one statement. Participants with equal
// referrals share a rank.
func (q *Queries) PositionOnBoard(ctx context.Context, period string, participantID int64) (BoardPosition, error) {
	var (
		pos       BoardPosition
		referrals sql.NullInt64
		rank      sql.NullInt64
	)
	err := q.queryRow(ctx, `/* PositionOnBoard */ SELECT p.leaderboard_show, p.leaderboard_hidden, l.referrals,
		(SELECT 1 + COALESCE(SUM(r.participants), 0) FROM leaderboard_ranks r WHERE r.period = l.period AND r.referrals > l.referrals)
		FROM participants p LEFT JOIN leaderboard l ON l.period = $1 AND l.participant_id = p.id
		WHERE p.id = $2`, period, participantID).Scan(&pos.Show, &pos.Hidden, &referrals, &rank)
	if errors.Is(err, sql.ErrNoRows) {
		return pos, referralhub.Errorf(referralhub.ENOTFOUND, "no such participant")
	}
	if err != nil {
		return pos, fmt.Errorf("leaderboard position: %w", err)
	}
	pos.Referrals = referrals.Int64
	if !pos.Hidden && pos.Referrals > 0 {
		pos.Rank = rank.Int64
	}
	return pos, nil
}
