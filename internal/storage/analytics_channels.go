// analytics_channels: the daily rollups per share channel (clicks, referred signups, conversions).

package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// countChannels counts, per day and share channel, human clicks, referred
// signups (by the referral's channel) and conversions (a referee's first
// purchase, by their referral's channel).
func (q *Queries) countChannels(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	a.channels = map[[2]string]*referralhub.ChannelTotals{}
	steps := []struct {
		query string
		add   func(*referralhub.ChannelTotals, int64)
	}{
		{`/* Analytics.channelSignups */ SELECT ` + q.d.dayOf("created_at") + `, channel, count(*) FROM referrals
			WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`,
			func(c *referralhub.ChannelTotals, n int64) { c.Signups = n }},
		{`/* Analytics.channelConversions */ SELECT day, channel, count(*) FROM (
			SELECT e.participant_id, r.channel, min(` + q.d.dayOf("e.created_at") + `) AS day FROM events e
			JOIN referrals r ON r.referee_id = e.participant_id
			WHERE e.name = 'purchase' AND e.created_at >= $1 AND e.created_at < $2
			AND NOT EXISTS (SELECT 1 FROM events f WHERE f.participant_id = e.participant_id AND f.name = 'purchase' AND f.created_at < $1)
			GROUP BY e.participant_id, r.channel) firsts GROUP BY day, channel`,
			func(c *referralhub.ChannelTotals, n int64) { c.Conversions = n }},
	}
	if !a.clickTo.IsZero() {
		err := q.eachChannelCount(ctx, a, `/* Analytics.channelClicks */ SELECT `+q.d.dayOf("created_at")+`, channel, count(*) FROM clicks
			WHERE created_at >= $1 AND created_at < $2 AND NOT bot GROUP BY 1, 2`,
			func(c *referralhub.ChannelTotals, n int64) { c.Clicks = n }, q.ts(from), q.ts(a.clickTo))
		if err != nil {
			return err
		}
	}
	for _, step := range steps {
		if err := q.eachChannelCount(ctx, a, step.query, step.add, q.ts(from), q.ts(to)); err != nil {
			return err
		}
	}
	return nil
}

// eachChannelCount runs a query whose rows are a day, a channel and a
// count, and hands each count to add.
func (q *Queries) eachChannelCount(ctx context.Context, a *analyticsDays, query string, add func(*referralhub.ChannelTotals, int64), args ...any) error {
	return queryEach(ctx, q, "analytics channels", query, func(r rowScanner) error {
		var (
			day, channel string
			n            int64
		)
		if err := r.Scan(&day, &channel, &n); err != nil {
			return err
		}
		key := [2]string{day, channel}
		if a.channels[key] == nil {
			a.channels[key] = &referralhub.ChannelTotals{Channel: channel}
		}
		add(a.channels[key], n)
		return nil
	}, args...)
}

// storeChannelRows replaces the channel rollups of the days first to end
// (both included) with rows; with clicks false, their click counts are
// kept (they are counted incrementally) and only the rest replaced.
func (q *Queries) storeChannelRows(ctx context.Context, first, end string, rows map[[2]string]*referralhub.ChannelTotals, clicks bool) error {
	clear, set := `DELETE FROM analytics_channels`, `clicks = excluded.clicks, signups = excluded.signups, conversions = excluded.conversions`
	if !clicks {
		clear, set = `UPDATE analytics_channels SET signups = 0, conversions = 0`, `signups = excluded.signups, conversions = excluded.conversions`
	}
	if _, err := q.exec(ctx, `/* Analytics.clearChannels */ `+clear+` WHERE day >= $1 AND day <= $2`, first, end); err != nil {
		return fmt.Errorf("clear analytics_channels: %w", err)
	}
	for key, c := range rows {
		_, err := q.exec(ctx, `/* Analytics.storeChannel */ INSERT INTO analytics_channels (day, channel, clicks, signups, conversions)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day, channel) DO UPDATE SET `+set, key[0], key[1], c.Clicks, c.Signups, c.Conversions)
		if err != nil {
			return fmt.Errorf("store analytics channel: %w", err)
		}
	}
	return q.dropEmptyChannels(ctx, first, end)
}

// dropEmptyChannels deletes the channel rows of the days first to end
// that count nothing, as a recount would not write them.
func (q *Queries) dropEmptyChannels(ctx context.Context, first, end string) error {
	_, err := q.exec(ctx, `/* Analytics.dropEmptyChannels */ DELETE FROM analytics_channels WHERE day >= $1 AND day <= $2
		AND clicks = 0 AND signups = 0 AND conversions = 0`, first, end)
	if err != nil {
		return fmt.Errorf("clear analytics_channels: %w", err)
	}
	return nil
}

// AnalyticsChannels returns each share channel's totals over the rolled-up
// days from first to last (YYYY-MM-DD, both included), by most clicks.
func (q *Queries) AnalyticsChannels(ctx context.Context, first, last string) ([]referralhub.ChannelTotals, error) {
	return queryList(ctx, q, "analytics channels", `/* AnalyticsChannels */ SELECT channel, SUM(clicks), SUM(signups), SUM(conversions)
		FROM analytics_channels WHERE day >= $1 AND day <= $2 GROUP BY channel ORDER BY 2 DESC, 1`,
		func(r rowScanner) (referralhub.ChannelTotals, error) {
			var c referralhub.ChannelTotals
			err := r.Scan(&c.Channel, &c.Clicks, &c.Signups, &c.Conversions)
			return c, err
		}, first, last)
}
