// analytics_days: the daily rollups (clicks, signups, verified, converted), and the months summed from them.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/referralhub/referralhub"
)

// analyticsDays is what a refresh computes for a range of days.
type analyticsDays struct {
	days     map[string]*referralhub.AnalyticsDay
	order    []string
	rewards  []referralhub.RewardTotal
	cycles   []CycleBucket
	channels map[[2]string]*referralhub.ChannelTotals // by day and channel
	// clickTo bounds the clicks counted: those made before it. Zero
	// leaves the click figures out (the stored ones are kept).
	clickTo time.Time
}

// dayStart is the start of t's UTC day.
func dayStart(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// newAnalyticsDays has a zero row for every day in [from, to).
func newAnalyticsDays(from, to time.Time) *analyticsDays {
	a := &analyticsDays{days: map[string]*referralhub.AnalyticsDay{}}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		key := d.Format(dayFormat)
		a.days[key] = &referralhub.AnalyticsDay{Day: key}
		a.order = append(a.order, key)
	}
	return a
}

// day returns the row of key, or a throwaway one for a day outside the
// range (which the time filters make impossible).
func (a *analyticsDays) day(key string) *referralhub.AnalyticsDay {
	if d, ok := a.days[key]; ok {
		return d
	}
	return &referralhub.AnalyticsDay{}
}

// RefreshAnalyticsDays recomputes the daily rollups of every UTC day from
// first's day to last's day, both included, counting the clicks made
// before cut, and records now as their refresh time. It starts the
// clicks' incremental count at cut (see RefreshAnalyticsRecent). It reads
// on the read pool and writes the results in one short transaction, so
// the writer is not held while it counts. Running it again gives the same
// rows.
func (db *DB) RefreshAnalyticsDays(ctx context.Context, first, last, cut, now time.Time) error {
	from, to := dayStart(first), dayStart(last).AddDate(0, 0, 1)
	if !from.Before(to) {
		return nil
	}
	a := newAnalyticsDays(from, to)
	a.clickTo = minTime(to, cut)
	if err := db.Read().countDays(ctx, a, from, to); err != nil {
		return err
	}
	return db.InTx(ctx, func(w *Queries) error {
		if err := w.storeAnalyticsDays(ctx, a, now); err != nil {
			return err
		}
		return w.startClickMark(ctx, cut)
	})
}

// countDays runs every count of a refresh over the days [from, to), the
// clicks' only when a.clickTo is set. The counts are independent reads, so
// they run side by side (refreshParallelism at a time), each into a blank
// copy of a's days, and are added into a when all are done: on a million
// users this halves the refresh on SQLite, whose reads run in this
// process.
func (q *Queries) countDays(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	steps := []func(context.Context, *analyticsDays, time.Time, time.Time) error{
		q.countCycles, q.countVerified, q.countSignups, q.countChannels, q.countConverted, q.countRewards,
	}
	if !a.clickTo.IsZero() {
		steps = append(steps, q.countClicks, q.countReducedClicks)
	}
	parts := make([]*analyticsDays, len(steps))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(refreshParallelism)
	for i, step := range steps {
		parts[i] = a.blank()
		g.Go(func() error { return step(gctx, parts[i], from, to) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, part := range parts {
		a.add(part)
	}
	return nil
}

// refreshParallelism is how many of a refresh's counts run at once: one
// per core of the machine this is measured on; more only adds memory (each
// SQLite reader maps and caches its own pages) without adding speed.
const refreshParallelism = 2

// blank is a copy of a's range with every figure zero.
func (a *analyticsDays) blank() *analyticsDays {
	b := &analyticsDays{days: make(map[string]*referralhub.AnalyticsDay, len(a.days)), order: a.order, clickTo: a.clickTo}
	for key := range a.days {
		b.days[key] = &referralhub.AnalyticsDay{Day: key}
	}
	return b
}

// add adds b's figures, which another count made, into a's.
func (a *analyticsDays) add(b *analyticsDays) {
	for key, d := range b.days {
		sum := a.day(key)
		sum.Clicks += d.Clicks
		sum.UniqueClicks += d.UniqueClicks
		sum.OrganicSignups += d.OrganicSignups
		sum.ReferredSignups += d.ReferredSignups
		sum.Verified += d.Verified
		sum.Converted += d.Converted
	}
	a.rewards = append(a.rewards, b.rewards...)
	a.cycles = append(a.cycles, b.cycles...)
	for key, c := range b.channels {
		if a.channels == nil {
			a.channels = map[[2]string]*referralhub.ChannelTotals{}
		}
		sum := a.channels[key]
		if sum == nil {
			sum = &referralhub.ChannelTotals{Channel: c.Channel}
			a.channels[key] = sum
		}
		sum.Clicks += c.Clicks
		sum.Signups += c.Signups
		sum.Conversions += c.Conversions
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// countClicks counts human clicks per day, and distinct (participant,
// ip_hash) pairs per day.
func (q *Queries) countClicks(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	return q.eachDayCount(ctx, `/* Analytics.clicks */ SELECT day, count(*), SUM(n) FROM (
		SELECT `+q.d.dayOf("created_at")+` AS day, participant_id, ip_hash, count(*) AS n FROM clicks
		WHERE created_at >= $1 AND created_at < $2 AND NOT bot GROUP BY 1, 2, 3) pairs GROUP BY day`,
		2, func(d *referralhub.AnalyticsDay, n []int64) {
			d.UniqueClicks, d.Clicks = d.UniqueClicks+n[0], d.Clicks+n[1]
		},
		a, q.ts(from), q.ts(a.clickTo))
}

// countReducedClicks adds clicks already reduced to daily counts (past the
// click retention). Their IP hashes are gone, so they add to the total
// only.
func (q *Queries) countReducedClicks(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	return q.eachDayCount(ctx, `/* Analytics.reducedClicks */ SELECT day, SUM(clicks) FROM click_daily
		WHERE day >= $1 AND day < $2 GROUP BY day`,
		1, func(d *referralhub.AnalyticsDay, n []int64) { d.Clicks += n[0] },
		a, from.Format(dayFormat), to.Format(dayFormat))
}

// countSignups counts participants created per day, referred (with a
// referrals row as referee) or organic.
func (q *Queries) countSignups(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	return q.eachDayCount(ctx, `/* Analytics.signups */ SELECT `+q.d.dayOf("p.created_at")+`,
		SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.id IS NULL THEN 0 ELSE 1 END)
		FROM participants p LEFT JOIN referrals r ON r.referee_id = p.id
		WHERE p.created_at >= $1 AND p.created_at < $2 GROUP BY 1`,
		2, func(d *referralhub.AnalyticsDay, n []int64) { d.OrganicSignups, d.ReferredSignups = n[0], n[1] },
		a, q.ts(from), q.ts(to))
}

// countVerified counts referrals whose referee verified per day: a hosted
// user's email_verified_at, or the participant's own verified_at when it
// has no user (API participants, deleted accounts).
func (q *Queries) countVerified(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	add := func(d *referralhub.AnalyticsDay, n []int64) { d.Verified += n[0] }
	err := q.eachDayCount(ctx, `/* Analytics.verifiedUsers */ SELECT `+q.d.dayOf("u.email_verified_at")+`, count(*)
		FROM users u JOIN participants p ON p.user_id = u.id JOIN referrals r ON r.referee_id = p.id
		WHERE u.email_verified_at >= $1 AND u.email_verified_at < $2 GROUP BY 1`, 1, add, a, q.ts(from), q.ts(to))
	if err != nil {
		return err
	}
	return q.eachDayCount(ctx, `/* Analytics.verifiedParticipants */ SELECT `+q.d.dayOf("p.verified_at")+`, count(*)
		FROM participants p JOIN referrals r ON r.referee_id = p.id
		WHERE p.verified_at >= $1 AND p.verified_at < $2 AND p.user_id IS NULL GROUP BY 1`, 1, add, a, q.ts(from), q.ts(to))
}

// countConverted counts referees whose first purchase event was recorded
// per day.
func (q *Queries) countConverted(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	return q.eachDayCount(ctx, `/* Analytics.converted */ SELECT day, count(*) FROM (
		SELECT e.participant_id, min(`+q.d.dayOf("e.created_at")+`) AS day FROM events e
		JOIN referrals r ON r.referee_id = e.participant_id
		WHERE e.name = 'purchase' AND e.created_at >= $1 AND e.created_at < $2
		AND NOT EXISTS (SELECT 1 FROM events f WHERE f.participant_id = e.participant_id AND f.name = 'purchase' AND f.created_at < $1)
		GROUP BY e.participant_id) firsts GROUP BY day`,
		1, func(d *referralhub.AnalyticsDay, n []int64) { d.Converted = n[0] }, a, q.ts(from), q.ts(to))
}

// eachDayCount runs a query whose rows are a day and width counts, and
// hands each row's counts to set.
func (q *Queries) eachDayCount(ctx context.Context, query string, width int, set func(*referralhub.AnalyticsDay, []int64), a *analyticsDays, args ...any) error {
	return queryEach(ctx, q, "analytics", query, func(r rowScanner) error {
		var day string
		n := make([]int64, width)
		dest := []any{&day}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		set(a.day(day), n)
		return nil
	}, args...)
}

// storeAnalyticsDays replaces the rollups of a's days with a's rows.
func (q *Queries) storeAnalyticsDays(ctx context.Context, a *analyticsDays, now time.Time) error {
	if len(a.order) == 0 {
		return nil
	}
	first, end := a.order[0], a.order[len(a.order)-1]
	for _, table := range []string{"analytics_rewards", "analytics_cycles"} {
		if _, err := q.exec(ctx, `/* Analytics.clear */ DELETE FROM `+table+` WHERE day >= $1 AND day <= $2`, first, end); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	clicks := `clicks = excluded.clicks, unique_clicks = excluded.unique_clicks, `
	if a.clickTo.IsZero() {
		clicks = "" // kept: the click figures are counted incrementally
	}
	for _, key := range a.order {
		d := a.days[key]
		_, err := q.exec(ctx, `/* Analytics.storeDay */ INSERT INTO analytics_days (day, clicks, unique_clicks, organic_signups,
			referred_signups, verified, converted, refreshed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (day) DO UPDATE SET `+clicks+`
			organic_signups = excluded.organic_signups, referred_signups = excluded.referred_signups,
			verified = excluded.verified, converted = excluded.converted, refreshed_at = excluded.refreshed_at`,
			d.Day, d.Clicks, d.UniqueClicks, d.OrganicSignups, d.ReferredSignups, d.Verified, d.Converted, q.ts(now))
		if err != nil {
			return fmt.Errorf("store analytics day: %w", err)
		}
	}
	if err := q.storeRewardRows(ctx, a.rewards); err != nil {
		return err
	}
	if err := q.storeCycleRows(ctx, a.cycles); err != nil {
		return err
	}
	if err := q.storeChannelRows(ctx, first, end, a.channels, !a.clickTo.IsZero()); err != nil {
		return err
	}
	return q.markRefreshed(ctx, "days", now)
}

// AnalyticsDays returns the daily rollups of the days from first to last
// (YYYY-MM-DD, both included) that have been rolled up, in order.
func (q *Queries) AnalyticsDays(ctx context.Context, first, last string) ([]referralhub.AnalyticsDay, error) {
	return queryList(ctx, q, "analytics days", `/* AnalyticsDays */ SELECT day, clicks, unique_clicks, organic_signups, referred_signups,
		verified, converted FROM analytics_days WHERE day >= $1 AND day <= $2 ORDER BY day`, func(r rowScanner) (referralhub.AnalyticsDay, error) {
		var d referralhub.AnalyticsDay
		err := r.Scan(&d.Day, &d.Clicks, &d.UniqueClicks, &d.OrganicSignups, &d.ReferredSignups, &d.Verified, &d.Converted)
		return d, err
	}, first, last)
}

// AnalyticsMonths returns signups per month over every rolled-up day, in
// order.
func (q *Queries) AnalyticsMonths(ctx context.Context) ([]referralhub.AnalyticsMonth, error) {
	return queryList(ctx, q, "analytics months", `/* AnalyticsMonths */ SELECT substr(day, 1, 7), SUM(organic_signups), SUM(referred_signups)
		FROM analytics_days GROUP BY 1 ORDER BY 1`, func(r rowScanner) (referralhub.AnalyticsMonth, error) {
		var m referralhub.AnalyticsMonth
		err := r.Scan(&m.Month, &m.OrganicSignups, &m.ReferredSignups)
		return m, err
	})
}

// AnalyticsCoverage returns the first and last rolled-up days and how
// many days are rolled up; a gap shows as fewer days than the span.
func (q *Queries) AnalyticsCoverage(ctx context.Context) (first, last string, days int64, err error) {
	var f, l sql.NullString
	err = q.queryRow(ctx, `/* AnalyticsCoverage */ SELECT min(day), max(day), count(*) FROM analytics_days`).Scan(&f, &l, &days)
	if err != nil {
		return "", "", 0, fmt.Errorf("analytics coverage: %w", err)
	}
	return f.String, l.String, days, nil
}

// FirstSignupAt returns when the first participant was created; ok is
// false when there is none.
func (q *Queries) FirstSignupAt(ctx context.Context) (t time.Time, ok bool, err error) {
	err = q.queryRow(ctx, `/* FirstSignupAt */ SELECT created_at FROM participants ORDER BY created_at LIMIT 1`).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("first signup: %w", err)
	}
	return t, true, nil
}
