// analytics_click_pairs and the click marks: the click figures of the rollups, counted incrementally.

package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// The click figures of the daily rollups (clicks, unique clicks, clicks per
// channel) are counted incrementally. Two times in analytics_state say how
// far: every click made before 'clicks_mark' is counted, and the days
// before 'clicks_final' were counted whole once they were over (catching
// clicks written late, from the click spool after an outage). The pairs of
// the days from 'clicks_final' on are in analytics_click_pairs.

// ClickMarks are how far the click figures are counted.
type ClickMarks struct {
	Mark  time.Time // clicks made before it are counted
	Final time.Time // days before it are counted whole; a midnight
}

// AnalyticsClickMarks returns how far the click figures are counted; ok
// is false before the first refresh that counted them (a new install or
// an upgrade), which must then count the days whole.
func (q *Queries) AnalyticsClickMarks(ctx context.Context) (m ClickMarks, ok bool, err error) {
	found := 0
	err = queryEach(ctx, q, "analytics click marks", `/* AnalyticsClickMarks */ SELECT name, refreshed_at FROM analytics_state
		WHERE name IN ('clicks_mark', 'clicks_final')`+q.d.forUpdate(), func(r rowScanner) error {
		var (
			name string
			at   time.Time
		)
		if err := r.Scan(&name, &at); err != nil {
			return err
		}
		found++
		if name == "clicks_mark" {
			m.Mark = at.UTC()
		} else {
			m.Final = at.UTC()
		}
		return nil
	})
	return m, found == 2, err
}

// startClickMark starts the incremental count at cut, after the days up to
// cut were counted whole: cut's day is not final yet, so its pairs so far
// are kept.
func (q *Queries) startClickMark(ctx context.Context, cut time.Time) error {
	day := dayStart(cut)
	if _, err := q.exec(ctx, `/* Analytics.clearPairs */ DELETE FROM analytics_click_pairs`); err != nil {
		return fmt.Errorf("clear click pairs: %w", err)
	}
	if _, err := q.addPairs(ctx, day, cut); err != nil {
		return err
	}
	return q.setClickMarks(ctx, ClickMarks{Mark: cut, Final: day})
}

func (q *Queries) setClickMarks(ctx context.Context, m ClickMarks) error {
	if err := q.markRefreshed(ctx, "clicks_mark", m.Mark); err != nil {
		return err
	}
	return q.markRefreshed(ctx, "clicks_final", m.Final)
}

// addPairs stores the (day, participant, ip_hash) pairs of the human
// clicks made in [from, to) and returns, per day, how many were new.
func (q *Queries) addPairs(ctx context.Context, from, to time.Time) (map[string]int64, error) {
	added := map[string]int64{}
	err := queryEach(ctx, q, "add click pairs", `/* Analytics.addPairs */ INSERT INTO analytics_click_pairs (day, participant_id, ip_hash)
		SELECT DISTINCT `+q.d.dayOf("created_at")+`, participant_id, ip_hash FROM clicks
		WHERE created_at >= $1 AND created_at < $2 AND NOT bot ON CONFLICT DO NOTHING RETURNING day`, func(r rowScanner) error {
		var day string
		if err := r.Scan(&day); err != nil {
			return err
		}
		added[day]++
		return nil
	}, q.ts(from), q.ts(to))
	return added, err
}

// RefreshAnalyticsRecent brings the daily rollups up to date cheaply:
// it recomputes the figures other than clicks of the days from first's to
// last's (both included), counts whole the clicks of the days that ended
// since the last refresh (once per day), and adds the clicks made since
// the last refresh and before cut. Its cost grows with the clicks new
// since the last refresh, not with the clicks of the day. It needs the
// marks of an earlier refresh (see AnalyticsClickMarks).
func (db *DB) RefreshAnalyticsRecent(ctx context.Context, first, last, cut, now time.Time) error {
	from, to := dayStart(first), dayStart(last).AddDate(0, 0, 1)
	if !from.Before(to) {
		return nil
	}
	a := newAnalyticsDays(from, to)
	q := db.Read()
	if err := q.countDays(ctx, a, from, to); err != nil {
		return err
	}
	marks, ok, err := q.AnalyticsClickMarks(ctx)
	if err != nil || !ok {
		return fmt.Errorf("refresh analytics clicks: no marks (%v)", err)
	}
	final, err := q.countFinalClicks(ctx, marks, from, cut)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(w *Queries) error {
		cur, ok, err := w.AnalyticsClickMarks(ctx)
		if err != nil || !ok || !cur.Mark.Equal(marks.Mark) || !cur.Final.Equal(marks.Final) {
			return fmt.Errorf("refresh analytics clicks: the marks moved (%v); another refresh ran", err)
		}
		if err := w.storeAnalyticsDays(ctx, a, now); err != nil {
			return err
		}
		return w.storeClicks(ctx, marks, final, cut, now)
	})
}

// finalClicks are the click figures of the days that ended since the
// last refresh, counted whole.
type finalClicks struct {
	from, to time.Time // the days [from, to)
	days     *analyticsDays
}

// countFinalClicks counts whole the clicks of the days from the final
// mark to cut's day (not included), no earlier than from.
func (q *Queries) countFinalClicks(ctx context.Context, m ClickMarks, from, cut time.Time) (finalClicks, error) {
	f := finalClicks{from: m.Final, to: dayStart(cut)}
	if f.from.Before(from) {
		f.from = from
	}
	if !f.from.Before(f.to) {
		return f, nil
	}
	f.days = newAnalyticsDays(f.from, f.to)
	f.days.clickTo = f.to
	for _, step := range []func(context.Context, *analyticsDays, time.Time, time.Time) error{q.countClicks, q.countReducedClicks} {
		if err := step(ctx, f.days, f.from, f.to); err != nil {
			return f, err
		}
	}
	f.days.channels = map[[2]string]*referralhub.ChannelTotals{}
	err := q.eachChannelCount(ctx, f.days, `/* Analytics.channelClicks */ SELECT `+q.d.dayOf("created_at")+`, channel, count(*) FROM clicks
		WHERE created_at >= $1 AND created_at < $2 AND NOT bot GROUP BY 1, 2`,
		func(c *referralhub.ChannelTotals, n int64) { c.Clicks = n }, q.ts(f.from), q.ts(f.to))
	return f, err
}

// storeClicks stores the final days' click figures, then adds the clicks
// made from the mark (or the new final day, if later) to cut, and moves
// the marks.
func (q *Queries) storeClicks(ctx context.Context, m ClickMarks, f finalClicks, cut, now time.Time) error {
	final := m.Final
	if f.days != nil {
		if err := q.storeFinalClicks(ctx, f, now); err != nil {
			return err
		}
	}
	if day := dayStart(cut); day.After(final) {
		final = day
		if _, err := q.exec(ctx, `/* Analytics.dropPairs */ DELETE FROM analytics_click_pairs WHERE day < $1`, day.Format(dayFormat)); err != nil {
			return fmt.Errorf("drop click pairs: %w", err)
		}
	}
	from := m.Mark
	if final.After(from) {
		from = final
	}
	if from.Before(cut) {
		if err := q.addNewClicks(ctx, from, cut, now); err != nil {
			return err
		}
		m.Mark = cut
	}
	m.Final = final
	return q.setClickMarks(ctx, m)
}

// storeFinalClicks replaces the click figures of f's days with f's.
func (q *Queries) storeFinalClicks(ctx context.Context, f finalClicks, now time.Time) error {
	for _, key := range f.days.order {
		d := f.days.days[key]
		if err := q.addDayClicks(ctx, key, d.Clicks, d.UniqueClicks, false, now); err != nil {
			return err
		}
	}
	first, end := f.from.Format(dayFormat), f.to.AddDate(0, 0, -1).Format(dayFormat)
	if _, err := q.exec(ctx, `/* Analytics.clearChannelClicks */ UPDATE analytics_channels SET clicks = 0 WHERE day >= $1 AND day <= $2`,
		first, end); err != nil {
		return fmt.Errorf("clear channel clicks: %w", err)
	}
	for key, c := range f.days.channels {
		if err := q.addDayChannelClicks(ctx, key, c.Clicks); err != nil {
			return err
		}
	}
	return q.dropEmptyChannels(ctx, first, end)
}

// addNewClicks adds the human clicks made in [from, to) to the days' and
// the channels' counts, and their new pairs to the days' unique clicks.
func (q *Queries) addNewClicks(ctx context.Context, from, to, now time.Time) error {
	unique, err := q.addPairs(ctx, from, to)
	if err != nil {
		return err
	}
	byDay := map[string]int64{}
	byChannel := map[[2]string]int64{}
	err = queryEach(ctx, q, "new clicks", `/* Analytics.newClicks */ SELECT `+q.d.dayOf("created_at")+`, channel, count(*) FROM clicks
		WHERE created_at >= $1 AND created_at < $2 AND NOT bot GROUP BY 1, 2`, func(r rowScanner) error {
		var (
			day, channel string
			n            int64
		)
		if err := r.Scan(&day, &channel, &n); err != nil {
			return err
		}
		byDay[day] += n
		byChannel[[2]string{day, channel}] += n
		return nil
	}, q.ts(from), q.ts(to))
	if err != nil {
		return err
	}
	for day, n := range byDay {
		if err := q.addDayClicks(ctx, day, n, unique[day], true, now); err != nil {
			return err
		}
	}
	for key, n := range byChannel {
		if err := q.addDayChannelClicks(ctx, key, n); err != nil {
			return err
		}
	}
	return nil
}

// addDayClicks adds clicks and unique clicks to a day's rollup, or sets
// them when add is false; a day with no row gets one.
func (q *Queries) addDayClicks(ctx context.Context, day string, clicks, unique int64, add bool, now time.Time) error {
	set := `clicks = excluded.clicks, unique_clicks = excluded.unique_clicks`
	if add {
		set = `clicks = analytics_days.clicks + excluded.clicks, unique_clicks = analytics_days.unique_clicks + excluded.unique_clicks`
	}
	_, err := q.exec(ctx, `/* Analytics.dayClicks */ INSERT INTO analytics_days (day, clicks, unique_clicks, organic_signups,
		referred_signups, verified, converted, refreshed_at) VALUES ($1, $2, $3, 0, 0, 0, 0, $4)
		ON CONFLICT (day) DO UPDATE SET `+set, day, clicks, unique, q.ts(now))
	if err != nil {
		return fmt.Errorf("store analytics day clicks: %w", err)
	}
	return nil
}

// addDayChannelClicks adds n clicks to a day's channel row.
func (q *Queries) addDayChannelClicks(ctx context.Context, key [2]string, n int64) error {
	_, err := q.exec(ctx, `/* Analytics.channelClicks */ INSERT INTO analytics_channels (day, channel, clicks, signups, conversions)
		VALUES ($1, $2, $3, 0, 0) ON CONFLICT (day, channel) DO UPDATE SET clicks = analytics_channels.clicks + excluded.clicks`,
		key[0], key[1], n)
	if err != nil {
		return fmt.Errorf("store analytics channel clicks: %w", err)
	}
	return nil
}
