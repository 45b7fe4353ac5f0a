// referrals brought in by a bulk import: their qualification, counts, leaderboard rows and badges, a batch at a time.

package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
)

// qualifiedCounter is the participants column of qualified referrals.
const qualifiedCounter counter = "qualified_count"

// qualifiedRef is a referral qualified by SettleImportedReferrals.
type qualifiedRef struct {
	referrer int64
	at       time.Time
}

// SettleImportedReferrals does for a batch of imported referrals, in set
// statements, what a live signup does for one: each referral whose reward
// gate is open (as RebuildGamification judges it) qualifies at its own
// time; its referrer's qualified count, leaderboard rows (all time, and
// the month and week it happened in) and rank counts follow, and the
// badges the new counts reach are awarded at the referral that reached
// them (no events, rewards or mail). Call it inside InTx.
func (q *Queries) SettleImportedReferrals(ctx context.Context, ids []int64, in RebuildInput) error {
	var got []qualifiedRef
	err := inChunks(len(ids), 1, func(start, end int) error {
		refs, err := q.qualifyImported(ctx, ids[start:end], in.RequireVerified)
		got = append(got, refs...)
		return err
	})
	if err != nil || len(got) == 0 {
		return err
	}
	counts := map[int64]int64{}
	for _, r := range got {
		counts[r.referrer]++
	}
	if err := q.addCounts(ctx, qualifiedCounter, counts); err != nil {
		return err
	}
	if err := q.bumpBoards(ctx, got); err != nil {
		return err
	}
	return q.badgesOf(ctx, counts, in.Badges)
}

// qualifyImported qualifies the referrals among ids whose gate is open.
func (q *Queries) qualifyImported(ctx context.Context, ids []int64, requireVerified bool) ([]qualifiedRef, error) {
	b := []byte(`/* SettleImportedReferrals.qualify */ UPDATE referrals SET qualified_at = created_at WHERE id IN (`)
	args := make([]any, 0, len(ids)+1)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		args = append(args, id)
		b = q.d.appendParam(b, len(args))
	}
	b = append(b, `) AND qualified_at IS NULL AND review IN ('clear', 'approved')
		AND NOT EXISTS (SELECT 1 FROM participants pr WHERE pr.id = referrals.referrer_id AND pr.banned_at IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM participants pb WHERE pb.id = referrals.referee_id AND pb.banned_at IS NOT NULL)
		AND (NOT `...)
	args = append(args, requireVerified)
	b = q.d.appendParam(b, len(args))
	b = append(b, ` OR EXISTS (SELECT 1 FROM participants pe LEFT JOIN users ue ON ue.id = pe.user_id
			WHERE pe.id = referrals.referee_id AND (ue.email_verified_at IS NOT NULL OR pe.verified_at IS NOT NULL)))
		RETURNING referrer_id, qualified_at`...)
	return queryList(ctx, q, "qualify imported referrals", string(b), func(r rowScanner) (qualifiedRef, error) {
		var ref qualifiedRef
		err := r.Scan(&ref.referrer, &ref.at)
		return ref, err
	}, args...)
}

// boardKey is a participant's row of one leaderboard period.
type boardKey struct {
	period      string
	participant int64
}

// boardBump is what a batch adds to a leaderboard row.
type boardBump struct {
	n  int64
	at time.Time // the latest referral counted
}

// bumpBoards adds qualified referrals to their referrers' leaderboard rows
// and moves the rank counts of the rows that are shown.
func (q *Queries) bumpBoards(ctx context.Context, got []qualifiedRef) error {
	bumps := map[boardKey]boardBump{}
	for _, r := range got {
		for _, period := range []string{referralhub.BoardAll, referralhub.BoardMonth, referralhub.BoardWeek} {
			k := boardKey{referralhub.BoardPeriodKey(period, r.at), r.referrer}
			b := bumps[k]
			b.n++
			if r.at.After(b.at) {
				b.at = r.at
			}
			bumps[k] = b
		}
	}
	keys := make([]boardKey, 0, len(bumps))
	for k := range bumps {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b boardKey) int { // a fixed order: no deadlock between writers
		if a.period != b.period {
			return compareStrings(a.period, b.period)
		}
		return int(a.participant - b.participant)
	})
	ranks := map[rankKey]int64{}
	err := inChunks(len(keys), 4, func(start, end int) error {
		return q.bumpBoardChunk(ctx, keys[start:end], bumps, ranks)
	})
	if err != nil {
		return err
	}
	return q.moveRanks(ctx, ranks)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rankKey is a count of referrals on one period's leaderboard.
type rankKey struct {
	period    string
	referrals int64
}

// bumpBoardChunk upserts leaderboard rows and notes the rank moves of the
// shown ones in ranks.
func (q *Queries) bumpBoardChunk(ctx context.Context, keys []boardKey, bumps map[boardKey]boardBump, ranks map[rankKey]int64) error {
	args := make([]any, 0, 4*len(keys))
	for _, k := range keys {
		b := bumps[k]
		args = append(args, k.period, k.participant, b.n, q.ts(b.at))
	}
	query := q.castValuesSQL(`/* SettleImportedReferrals.board */ INSERT INTO leaderboard (period, participant_id, referrals, reached_at, hidden)
		SELECT v.column1, p.id, v.column3, v.column4, p.leaderboard_hidden FROM (VALUES `, len(keys),
		[]string{"TEXT", "BIGINT", "BIGINT", q.timestampType()}, `) AS v JOIN participants p ON p.id = v.column2 WHERE TRUE
		ON CONFLICT (period, participant_id) DO UPDATE SET referrals = leaderboard.referrals + excluded.referrals,
			reached_at = CASE WHEN excluded.reached_at > leaderboard.reached_at THEN excluded.reached_at ELSE leaderboard.reached_at END
		RETURNING period, participant_id, referrals, hidden`)
	return queryEach(ctx, q, "bump imported leaderboard", query, func(r rowScanner) error {
		var (
			k      boardKey
			now    int64
			hidden bool
		)
		if err := r.Scan(&k.period, &k.participant, &now, &hidden); err != nil {
			return err
		}
		if !hidden {
			ranks[rankKey{k.period, now - bumps[k].n}]--
			ranks[rankKey{k.period, now}]++
		}
		return nil
	}, args...)
}

// moveRanks applies rank count changes (a count of 0 referrals is not
// kept).
func (q *Queries) moveRanks(ctx context.Context, ranks map[rankKey]int64) error {
	keys := make([]rankKey, 0, len(ranks))
	for k, d := range ranks {
		if k.referrals > 0 && d != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b rankKey) int {
		if a.period != b.period {
			return compareStrings(a.period, b.period)
		}
		return int(a.referrals - b.referrals)
	})
	return inChunks(len(keys), 3, func(start, end int) error {
		chunk := keys[start:end]
		args := make([]any, 0, 3*len(chunk))
		for _, k := range chunk {
			args = append(args, k.period, k.referrals, ranks[k])
		}
		query := q.valuesSQL(`/* SettleImportedReferrals.ranks */ INSERT INTO leaderboard_ranks (period, referrals, participants) VALUES `,
			len(chunk), 3, ` ON CONFLICT (period, referrals) DO UPDATE SET participants = leaderboard_ranks.participants + excluded.participants`)
		if _, err := q.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("move imported ranks: %w", err)
		}
		return nil
	})
}

// badgesOf awards the given participants the badges their qualified
// referrals reach, dated by the referral that reached each.
func (q *Queries) badgesOf(ctx context.Context, counts map[int64]int64, badges []referralhub.Badge) error {
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, b := range badges {
		if b.Threshold <= 0 {
			continue
		}
		err := inChunks(len(ids), 1, func(start, end int) error {
			args := []any{b.Name}
			list := q.d.appendParam(nil, 1)
			list = append(list, ", qualified_at FROM (SELECT referrer_id, qualified_at, "+
				"ROW_NUMBER() OVER (PARTITION BY referrer_id ORDER BY qualified_at, id) AS n "+
				"FROM referrals WHERE qualified_at IS NOT NULL AND referrer_id IN ("...)
			for i, id := range ids[start:end] {
				if i > 0 {
					list = append(list, ',')
				}
				args = append(args, id)
				list = q.d.appendParam(list, len(args))
			}
			threshold := strconv.FormatInt(b.Threshold, 10)
			_, err := q.exec(ctx, `/* SettleImportedReferrals.badges */ INSERT INTO participant_badges (participant_id, threshold, name, earned_at)
				SELECT referrer_id, `+threshold+`, `+string(list)+`)) x WHERE n = `+threshold+` ON CONFLICT DO NOTHING`, args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("imported badges: %w", err)
		}
	}
	return nil
}

// timestampType is the type a timestamp parameter is cast to in a VALUES
// list: SQLite keeps times as text.
func (q *Queries) timestampType() string {
	if q.d.name() == "sqlite" {
		return "TEXT"
	}
	return "TIMESTAMPTZ"
}
