package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Analytics refresh timing.
const (
	// AnalyticsRefreshEvery is how often the upkeep queues a refresh; one
	// instance runs each slot, whatever the number of instances.
	AnalyticsRefreshEvery = 5 * time.Minute
	// CohortsRefreshEvery is how stale cohorts may get: they scan every
	// participant, so they are recomputed at most this often.
	CohortsRefreshEvery = time.Hour
	// RetentionWindow: a member counts as retained when last seen at least
	// this long after signing up.
	RetentionWindow = 30 * 24 * time.Hour
	// ClicksSettle is how long a refresh leaves a click out after it was
	// made, while the click buffer may still hold it: each refresh counts
	// the clicks made up to this long before it. Clicks written later
	// still (from the spool, after an outage) are counted when their day
	// is counted whole, once it is over.
	ClicksSettle = time.Minute
)

// RefreshAnalytics brings the rollups up to date as of now: it recomputes
// today and yesterday, and every day since the first signup when a day is
// missing (a new install, an upgrade, or a gap after downtime), the top
// referrers of the preset periods, and the cohorts when they are older
// than CohortsRefreshEvery or full is set. It
// is idempotent: running it twice gives the same rows.
func RefreshAnalytics(ctx context.Context, db *storage.DB, now time.Time, full bool) error {
	q := db.Read()
	first, ok, err := q.FirstSignupAt(ctx)
	if err != nil {
		return err
	}
	from, whole := midnight(now).AddDate(0, 0, -1), true
	if ok {
		if from, whole, err = refreshFrom(ctx, q, midnight(first), from, full); err != nil {
			return err
		}
	}
	if err := refreshDays(ctx, db, from, now, whole); err != nil {
		return fmt.Errorf("refresh analytics days: %w", err)
	}
	if err := refreshPresets(ctx, db, now); err != nil {
		return err
	}
	at, err := q.AnalyticsRefreshedAt(ctx)
	if err != nil {
		return err
	}
	if full || now.Sub(at.Cohorts) >= CohortsRefreshEvery {
		if err := db.RefreshAnalyticsCohorts(ctx, now, RetentionWindow); err != nil {
			return fmt.Errorf("refresh analytics cohorts: %w", err)
		}
	}
	return nil
}

// refreshPresets stores the top referrers and the viral cycle time of
// each preset period ending today, so the page and the stats API read them
// instead of searching and summing per request.
func refreshPresets(ctx context.Context, db *storage.DB, now time.Time) error {
	for _, n := range PeriodPresets() {
		p := LastDays(now, n)
		top, err := db.Read().TopReferrers(ctx, p.From, p.End(), TopReferrerCount)
		if err != nil {
			return fmt.Errorf("refresh top referrers: %w", err)
		}
		if err := db.StoreTopReferrers(ctx, n, p.LastDay(), top); err != nil {
			return err
		}
		cycles, err := db.Read().AnalyticsCycles(ctx, p.FirstDay(), p.LastDay())
		if err != nil {
			return fmt.Errorf("refresh period cycles: %w", err)
		}
		c := medianCycle(cycles)
		if err := db.StorePeriodCycle(ctx, n, p.LastDay(), c.Referrers, c.Median); err != nil {
			return err
		}
	}
	return nil
}

// refreshDays recomputes the days from from's to now's: whole (every
// figure, the clicks recounted) when whole is set or the clicks were never
// counted incrementally, else the figures other than clicks, with the
// clicks new since the last refresh added.
func refreshDays(ctx context.Context, db *storage.DB, from, now time.Time, whole bool) error {
	cut := now.Add(-ClicksSettle)
	if !whole {
		_, marked, err := db.Read().AnalyticsClickMarks(ctx)
		if err != nil {
			return err
		}
		whole = !marked
	}
	if whole {
		return db.RefreshAnalyticsDays(ctx, from, now, cut, now)
	}
	return db.RefreshAnalyticsRecent(ctx, from, now, cut, now)
}

// refreshFrom is the first day to recompute: yesterday when every day from
// the first signup's to yesterday is rolled up, the last rolled-up day
// when only the days since are missing, else the first signup's day, to
// be recomputed whole (whole is then true).
func refreshFrom(ctx context.Context, q *storage.Queries, firstDay, yesterday time.Time, full bool) (from time.Time, whole bool, err error) {
	if !firstDay.Before(yesterday) {
		return firstDay, full, nil
	}
	have, last, n, err := q.AnalyticsCoverage(ctx)
	if err != nil {
		return yesterday, false, err
	}
	lastDay, _ := time.Parse(dayLayout, last)
	span := int64(lastDay.Sub(firstDay).Hours()/24+0.5) + 1
	switch {
	case full || have != firstDay.Format(dayLayout) || n != span:
		return firstDay, true, nil
	case lastDay.Before(yesterday):
		return lastDay, false, nil // the days since the last refresh, and that day's end
	}
	return yesterday, false, nil
}

// RefreshAnalytics brings the analytics rollups up to date now.
func (s *Service) RefreshAnalytics(ctx context.Context, full bool) error {
	return RefreshAnalytics(ctx, s.db, s.now(), full)
}

// QueueAnalyticsRefresh queues a refresh for the current
// AnalyticsRefreshEvery slot; a slot already queued, by this instance or
// another, is not queued again.
func (s *Service) QueueAnalyticsRefresh(ctx context.Context) error {
	now := s.now()
	slot := now.Unix() / int64(AnalyticsRefreshEvery/time.Second)
	queued, err := s.enqueueOnce(ctx, s.db.Write(), JobAnalytics, fmt.Sprintf("analytics:%d", slot), now, jobPayload{})
	if err == nil && queued {
		s.jobsQueued()
	}
	return err
}

// runAnalyticsJob refreshes the rollups, unless an earlier refresh is
// still running (on a busy day one can outlast its 5-minute slot): then
// this one steps aside rather than count the same clicks at the same time.
func (s *Service) runAnalyticsJob(ctx context.Context, j referralhub.Job) error {
	busy, err := s.db.Read().EarlierJobRunning(ctx, JobAnalytics, j.ID, s.now())
	if err != nil {
		return err
	}
	if busy {
		s.log.InfoContext(ctx, "analytics refresh skipped: an earlier one is still running")
		return nil
	}
	began := time.Now()
	if err := s.RefreshAnalytics(ctx, false); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "analytics refreshed", "elapsed", time.Since(began).Round(time.Millisecond))
	return nil
}
