// participant_channels: each participant's human clicks per share channel, and their figures by channel for the dashboard.

package storage

import (
	"context"

	"github.com/referralhub/referralhub"
)

// channelKey is a participant and a share channel.
type channelKey struct {
	participant int64
	channel     string
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
