// analytics_top: the stored top referrers of the preset periods, and the search that finds them.

package storage

import (
	"cmp"
	"context"
	"fmt"
	"github.com/referralhub/referralhub"
	"slices"
	"strings"
	"time"
)

// topBatch is how many candidates TopReferrers counts per statement.
const topBatch = 200

// TopReferrers returns the n participants with the most referred signups
// in [from, to), most first (ties by id), with their referrals' quality.
//
// It does not group every referral of the period. Candidates are read in
// order of their all-time referral_count, which bounds what they can have
// in any period, and counted in the period through the (referrer_id,
// created_at) index, a batch at a time; the search stops once the n-th
// best count found reaches the next candidate's all-time count, or when
// every referral of the period is accounted for. The answer is exact, and
// for a long period it takes a batch or two.
func (q *Queries) TopReferrers(ctx context.Context, from, to time.Time, n int) ([]referralhub.TopReferrer, error) {
	if n <= 0 {
		return nil, nil
	}
	var best []referralhub.TopReferrer
	afterCount, afterID := int64(-1), int64(0)
	total, found := int64(-1), int64(0) // the period's referrals, once counted, and those seen
	for {
		batch, err := q.topCandidates(ctx, from, to, afterCount, afterID)
		if err != nil {
			return nil, err
		}
		for _, c := range batch {
			if c.Referrals > 0 {
				best = append(best, referralhub.TopReferrer{ParticipantID: c.id, Referrals: c.Referrals})
				found += c.Referrals
			}
		}
		slices.SortFunc(best, func(a, b referralhub.TopReferrer) int {
			return cmp.Or(cmp.Compare(b.Referrals, a.Referrals), cmp.Compare(a.ParticipantID, b.ParticipantID))
		})
		best = best[:min(n, len(best))]
		if len(batch) < topBatch || len(best) == n && best[n-1].Referrals >= batch[len(batch)-1].allTime {
			break
		}
		if total < 0 {
			if total, err = q.referralsBetween(ctx, from, to); err != nil {
				return nil, err
			}
		}
		if found >= total {
			break // fewer than n referrers had referrals in the period, and all are found
		}
		afterCount, afterID = batch[len(batch)-1].allTime, batch[len(batch)-1].id
	}
	return best, q.referrerQuality(ctx, best, from, to)
}

// referralsBetween counts the referrals made in [from, to).
func (q *Queries) referralsBetween(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* TopReferrers.total */ SELECT count(*) FROM referrals WHERE created_at >= $1 AND created_at < $2`,
		q.ts(from), q.ts(to)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count referrals: %w", err)
	}
	return n, nil
}

// topCandidate is a participant with its all-time and in-period referrals.
type topCandidate struct {
	id        int64
	allTime   int64
	Referrals int64
}

// topCandidates returns the next batch of participants by referral_count
// (descending, then id descending) after (afterCount, afterID), with
// their referrals in [from, to). afterCount -1 starts from the top.
func (q *Queries) topCandidates(ctx context.Context, from, to time.Time, afterCount, afterID int64) ([]topCandidate, error) {
	where := `p.referral_count > 0`
	args := []any{q.ts(from), q.ts(to), topBatch}
	if afterCount >= 0 {
		where += ` AND (p.referral_count < $4 OR p.referral_count = $4 AND p.id < $5)`
		args = append(args, afterCount, afterID)
	}
	return queryList(ctx, q, "top referrers", `/* TopReferrers.candidates */ SELECT p.id, p.referral_count,
		(SELECT count(*) FROM referrals r WHERE r.referrer_id = p.id AND r.created_at >= $1 AND r.created_at < $2)
		FROM participants p WHERE `+where+` ORDER BY p.referral_count DESC, p.id DESC LIMIT $3`, func(r rowScanner) (topCandidate, error) {
		var c topCandidate
		err := r.Scan(&c.id, &c.allTime, &c.Referrals)
		return c, err
	}, args...)
}

// referrerQuality fills in the name, code, and verified and converted
// referees of each top referrer's referrals in [from, to).
func (q *Queries) referrerQuality(ctx context.Context, top []referralhub.TopReferrer, from, to time.Time) error {
	if len(top) == 0 {
		return nil
	}
	args := []any{q.ts(from), q.ts(to)}
	marks := make([]string, len(top))
	index := map[int64]int{}
	for i, t := range top {
		args = append(args, t.ParticipantID)
		marks[i] = fmt.Sprintf("$%d", i+3)
		index[t.ParticipantID] = i
	}
	return queryEach(ctx, q, "top referrers quality", `/* TopReferrers.quality */ SELECT p.id, COALESCE(u.username, p.name, ''), p.code,
		(SELECT count(*) FROM referrals r JOIN participants pe ON pe.id = r.referee_id LEFT JOIN users ue ON ue.id = pe.user_id
			WHERE r.referrer_id = p.id AND r.created_at >= $1 AND r.created_at < $2
			AND (ue.email_verified_at IS NOT NULL OR pe.verified_at IS NOT NULL)),
		(SELECT count(*) FROM referrals r WHERE r.referrer_id = p.id AND r.created_at >= $1 AND r.created_at < $2
			AND EXISTS (SELECT 1 FROM events e WHERE e.participant_id = r.referee_id AND e.name = 'purchase'))
		FROM participants p LEFT JOIN users u ON u.id = p.user_id WHERE p.id IN (`+strings.Join(marks, ", ")+`)`, func(r rowScanner) error {
		var (
			id   int64
			name string
			code string
			v, c int64
		)
		if err := r.Scan(&id, &name, &code, &v, &c); err != nil {
			return err
		}
		t := &top[index[id]]
		t.Name, t.Code, t.Verified, t.Converted = name, code, v, c
		return nil
	}, args...)
}

// StoreTopReferrers replaces the stored top referrers of the preset period
// of days days ending on toDay (YYYY-MM-DD).
func (db *DB) StoreTopReferrers(ctx context.Context, days int, toDay string, top []referralhub.TopReferrer) error {
	return db.InTx(ctx, func(q *Queries) error {
		if _, err := q.exec(ctx, `/* StoreTopReferrers.clear */ DELETE FROM analytics_top WHERE days = $1`, days); err != nil {
			return fmt.Errorf("clear top referrers: %w", err)
		}
		for i, t := range top {
			_, err := q.exec(ctx, `/* StoreTopReferrers */ INSERT INTO analytics_top (days, rank, to_day, participant_id, name, code,
				referrals, verified, converted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				days, i+1, toDay, t.ParticipantID, t.Name, t.Code, t.Referrals, t.Verified, t.Converted)
			if err != nil {
				return fmt.Errorf("store top referrers: %w", err)
			}
		}
		return nil
	})
}

// StoredTopReferrers returns the stored top referrers of the preset period
// of days days ending on toDay; ok is false when none are stored for that
// day (not refreshed since it began).
func (q *Queries) StoredTopReferrers(ctx context.Context, days int, toDay string) (top []referralhub.TopReferrer, ok bool, err error) {
	ok = true
	err = queryEach(ctx, q, "stored top referrers", `/* StoredTopReferrers */ SELECT to_day, participant_id, name, code, referrals, verified, converted
		FROM analytics_top WHERE days = $1 ORDER BY rank`, func(r rowScanner) error {
		var (
			t   referralhub.TopReferrer
			day string
		)
		if err := r.Scan(&day, &t.ParticipantID, &t.Name, &t.Code, &t.Referrals, &t.Verified, &t.Converted); err != nil {
			return err
		}
		ok = ok && day == toDay
		top = append(top, t)
		return nil
	}, days)
	if err != nil {
		return nil, false, err
	}
	return top, ok && len(top) > 0, nil
}
