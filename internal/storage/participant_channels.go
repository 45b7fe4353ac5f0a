// participant_channels: each participant's human clicks per share channel, and their figures by channel for the dashboard.

package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/referralhub/referralhub"
)

// channelKey is a participant and a share channel.
type channelKey struct {
	participant int64
	channel     string
}

// addChannelClicks adds each participant's stored clicks per channel, in
// key order (no deadlock between concurrent flushes).
func (q *Queries) addChannelClicks(ctx context.Context, counts map[channelKey]int64) error {
	keys := make([]channelKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b channelKey) int {
		return cmp.Or(cmp.Compare(a.participant, b.participant), cmp.Compare(a.channel, b.channel))
	})
	return inChunks(len(keys), 3, func(start, end int) error {
		args := make([]any, 0, 3*(end-start))
		for _, k := range keys[start:end] {
			args = append(args, k.participant, k.channel, counts[k])
		}
		query := q.valuesSQL(`/* addChannelClicks */ INSERT INTO participant_channels (participant_id, channel, clicks) VALUES `,
			end-start, 3, ` ON CONFLICT (participant_id, channel) DO UPDATE SET clicks = participant_channels.clicks + excluded.clicks`)
		if _, err := q.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("add channel clicks: %w", err)
		}
		return nil
	})
}

// ChannelFigures returns a participant's figures per share channel, in
// ShareChannels' order, for the channels with any: human clicks, referred
// signups (by the channel of the click that brought them) and conversions
// (referred friends who made a purchase). Links shared without a channel
// are left out.
func (q *Queries) ChannelFigures(ctx context.Context, participantID int64) ([]referralhub.ChannelTotals, error) {
	byChannel := map[string]*referralhub.ChannelTotals{}
	err := queryEach(ctx, q, "channel figures", `/* ChannelFigures */
		SELECT channel, clicks, 0, 0 FROM participant_channels WHERE participant_id = $1
		UNION ALL
		SELECT r.channel, 0, count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM events e
			WHERE e.participant_id = r.referee_id AND e.name = 'purchase') THEN 1 ELSE 0 END), 0)
		FROM referrals r WHERE r.referrer_id = $1 AND r.channel <> '' GROUP BY r.channel`,
		func(r rowScanner) error {
			var (
				channel                      string
				clicks, signups, conversions int64
			)
			if err := r.Scan(&channel, &clicks, &signups, &conversions); err != nil {
				return err
			}
			c := byChannel[channel]
			if c == nil {
				c = &referralhub.ChannelTotals{Channel: channel}
				byChannel[channel] = c
			}
			c.Clicks += clicks
			c.Signups += signups
			c.Conversions += conversions
			return nil
		}, participantID)
	if err != nil {
		return nil, err
	}
	var out []referralhub.ChannelTotals
	for _, ch := range referralhub.ShareChannels {
		if c := byChannel[ch]; c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}
