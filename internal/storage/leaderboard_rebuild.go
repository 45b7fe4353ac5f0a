// The derived tables rebuilt from the referrals: qualified_at and counts, badges, the leaderboard.

package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// sqlStep is one named statement of a multi-step rebuild.
type sqlStep struct {
	name string
	sql  string
	args []any
}

// RebuildInput says how to recompute qualification, tiers' counts, badges
// and the current leaderboards from the referrals as they stand.
type RebuildInput struct {
	RequireVerified bool // the program's verification gate
	Badges          []referralhub.Badge
	Now             time.Time
}

// The rebuild's derived values of a participant row. Rows that already
// hold them are not written: on PostgreSQL every written row is a new
// version with an entry in each index, which for a bulk load that stored
// them right (the demo) was a million rows written for nothing.
const (
	qualifiedCountSQL = `SELECT COUNT(*) FROM referrals r WHERE r.referrer_id = participants.id AND r.qualified_at IS NOT NULL`
	boardHiddenSQL    = `(leaderboard_show = 'hidden' OR banned_at IS NOT NULL OR deleted_at IS NOT NULL)`
)

// RebuildGamification recomputes, in set-based statements for databases
// that predate them or were bulk-loaded: which referrals qualify (the
// reward gate of internal/core, for every referral at once; dated by the
// referral), each participant's qualified count and leaderboard standing,
// the badges their counts reached (dated by the referral that reached
// them; no events, rewards or mail for these), and the all-time, this
// month's and this week's leaderboards. Earlier weeks and months are not
// rebuilt. Call it inside InTx.
func (q *Queries) RebuildGamification(ctx context.Context, in RebuildInput) error {
	steps := []sqlStep{
		{"qualify", `UPDATE referrals SET qualified_at = created_at WHERE qualified_at IS NULL
			AND review IN ('clear', 'approved')
			AND NOT EXISTS (SELECT 1 FROM participants pr WHERE pr.id = referrals.referrer_id AND pr.banned_at IS NOT NULL)
			AND NOT EXISTS (SELECT 1 FROM participants pb WHERE pb.id = referrals.referee_id AND pb.banned_at IS NOT NULL)
			AND (NOT $1 OR EXISTS (SELECT 1 FROM participants pe LEFT JOIN users ue ON ue.id = pe.user_id
				WHERE pe.id = referrals.referee_id AND (ue.email_verified_at IS NOT NULL OR pe.verified_at IS NOT NULL)))`,
			[]any{in.RequireVerified}},
		{"count", `UPDATE participants SET qualified_count = (` + qualifiedCountSQL + `)
			WHERE referral_count > 0 AND qualified_count <> (` + qualifiedCountSQL + `)`, nil},
		{"hide", `UPDATE participants SET leaderboard_hidden = ` + boardHiddenSQL + `
			WHERE leaderboard_hidden <> ` + boardHiddenSQL, nil},
		{"clear board", `DELETE FROM leaderboard WHERE period IN ($1, $2, $3)`, []any{referralhub.BoardAll,
			referralhub.BoardPeriodKey(referralhub.BoardMonth, in.Now), referralhub.BoardPeriodKey(referralhub.BoardWeek, in.Now)}},
	}
	for _, period := range []string{referralhub.BoardAll, referralhub.BoardMonth, referralhub.BoardWeek} {
		steps = append(steps, sqlStep{"board " + period, `INSERT INTO leaderboard (period, participant_id, referrals, reached_at, hidden)
			SELECT $1, r.referrer_id, COUNT(*), MAX(r.qualified_at), FALSE FROM referrals r
			WHERE r.qualified_at IS NOT NULL AND r.qualified_at >= $2 GROUP BY r.referrer_id`,
			[]any{referralhub.BoardPeriodKey(period, in.Now), q.ts(referralhub.BoardPeriodStart(period, in.Now))}})
	}
	steps = append(steps, []sqlStep{
		{"hide on board", `UPDATE leaderboard SET hidden = TRUE WHERE participant_id IN
			(SELECT id FROM participants WHERE leaderboard_hidden)`, nil},
		{"ranks", `DELETE FROM leaderboard_ranks`, nil},
		{"count ranks", `INSERT INTO leaderboard_ranks (period, referrals, participants)
			SELECT period, referrals, COUNT(*) FROM leaderboard WHERE hidden = FALSE AND referrals > 0
			GROUP BY period, referrals`, nil},
	}...)
	for _, st := range steps {
		if _, err := q.exec(ctx, "/* RebuildGamification."+st.name+" */ "+st.sql, st.args...); err != nil {
			return fmt.Errorf("rebuild gamification: %s: %w", st.name, err)
		}
	}
	return q.rebuildBadges(ctx, in.Badges)
}

// rebuildBadges awards each badge to the referrers whose qualified
// referrals reached its threshold, dated by the referral that reached it,
// in one pass over the referrals for all the badges. Of two badges with
// the same threshold the first is awarded, as one at a time would.
func (q *Queries) rebuildBadges(ctx context.Context, badges []referralhub.Badge) error {
	var (
		values []byte
		args   []any
		seen   = map[int64]bool{}
	)
	for _, b := range badges {
		if b.Threshold <= 0 || seen[b.Threshold] {
			continue
		}
		seen[b.Threshold] = true
		if len(args) > 0 {
			values = append(values, ", "...)
		}
		values = append(values, "(CAST("...)
		values = q.d.appendParam(values, len(args)+1)
		values = append(values, " AS BIGINT), CAST("...)
		values = q.d.appendParam(values, len(args)+2)
		values = append(values, " AS TEXT))"...)
		args = append(args, b.Threshold, b.Name)
	}
	if len(args) == 0 {
		return nil
	}
	_, err := q.exec(ctx, `/* RebuildGamification.badges */ INSERT INTO participant_badges (participant_id, threshold, name, earned_at)
		SELECT x.referrer_id, b.column1, b.column2, x.qualified_at FROM (SELECT referrer_id, qualified_at,
			ROW_NUMBER() OVER (PARTITION BY referrer_id ORDER BY qualified_at, id) AS n
			FROM referrals WHERE qualified_at IS NOT NULL) x
		JOIN (VALUES `+string(values)+`) AS b ON b.column1 = x.n
		WHERE TRUE ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("rebuild gamification: badges: %w", err)
	}
	return nil
}
