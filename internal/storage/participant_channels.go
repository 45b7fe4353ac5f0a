// participant_channels: each participant's human clicks per share channel, and their figures by channel for the dashboard.

package storage

import (
	"context"
	"fmt"

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
// are left out. The figures are counters kept beside the rows they count,
// so this reads one row per channel however many referrals there are.
func (q *Queries) ChannelFigures(ctx context.Context, participantID int64) ([]referralhub.ChannelTotals, error) {
	byChannel := map[string]referralhub.ChannelTotals{}
	err := queryEach(ctx, q, "channel figures", `/* ChannelFigures */ SELECT channel, clicks, signups, conversions
		FROM participant_channels WHERE participant_id = $1`,
		func(r rowScanner) error {
			var c referralhub.ChannelTotals
			if err := r.Scan(&c.Channel, &c.Clicks, &c.Signups, &c.Conversions); err != nil {
				return err
			}
			byChannel[c.Channel] = c
			return nil
		}, participantID)
	if err != nil {
		return nil, err
	}
	var out []referralhub.ChannelTotals
	for _, ch := range referralhub.ShareChannels {
		if c, ok := byChannel[ch]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// countChannelSignup counts referral r on its referrer's channel figures:
// one signup, and one conversion when the friend already made a purchase.
// It runs in the referral's transaction.
func (q *Queries) countChannelSignup(ctx context.Context, r *referralhub.Referral) error {
	if r.Channel == "" {
		return nil
	}
	_, err := q.exec(ctx, `/* countChannelSignup */ INSERT INTO participant_channels (participant_id, channel, signups, conversions)
		VALUES ($1, $2, 1, CASE WHEN EXISTS (SELECT 1 FROM events WHERE participant_id = $3 AND name = 'purchase') THEN 1 ELSE 0 END)
		ON CONFLICT (participant_id, channel) DO UPDATE SET signups = participant_channels.signups + 1,
			conversions = participant_channels.conversions + excluded.conversions`, r.ReferrerID, r.Channel, r.RefereeID)
	if err != nil {
		return fmt.Errorf("count channel signup: %w", err)
	}
	return nil
}

// countChannelConversion counts a participant's purchase just inserted as a
// conversion on the channel figures of whoever referred them through a
// channel, when it is their first. It runs in the event's transaction;
// the core locks the referral first, so two first purchases of one friend
// never both count.
func (q *Queries) countChannelConversion(ctx context.Context, refereeID int64) error {
	_, err := q.exec(ctx, `/* countChannelConversion */ INSERT INTO participant_channels (participant_id, channel, conversions)
		SELECT r.referrer_id, r.channel, 1 FROM referrals r WHERE r.referee_id = $1 AND r.channel <> ''
		AND (SELECT count(*) FROM events WHERE participant_id = $1 AND name = 'purchase') = 1
		ON CONFLICT (participant_id, channel) DO UPDATE SET conversions = participant_channels.conversions + 1`, refereeID)
	if err != nil {
		return fmt.Errorf("count channel conversion: %w", err)
	}
	return nil
}
