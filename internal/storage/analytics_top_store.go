package storage

import (
	"context"
	"fmt"
)

// StoreTopReferrers replaces the stored top referrers of the preset period
// of days days ending on toDay (YYYY-MM-DD).
func (db *DB) StoreTopReferrers(ctx context.Context, days int, toDay string, top []TopReferrer) error {
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
func (q *Queries) StoredTopReferrers(ctx context.Context, days int, toDay string) (top []TopReferrer, ok bool, err error) {
	ok = true
	err = queryEach(ctx, q, "stored top referrers", `/* StoredTopReferrers */ SELECT to_day, participant_id, name, code, referrals, verified, converted
		FROM analytics_top WHERE days = $1 ORDER BY rank`, func(r rowScanner) error {
		var (
			t   TopReferrer
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
