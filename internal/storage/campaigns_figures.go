// campaigns' figures: counts over participants, referrals, events and
// rewards grouped by campaign, for /admin/campaigns.

package storage

import (
	"context"
	"strconv"

	"github.com/referralhub/referralhub"
)

// rewardCampaign is the campaign of a rewards row: its rule id's block
// (referralhub.CampaignRuleBlock), the default campaign below it.
var rewardCampaign = `CASE WHEN rule_id >= ` + strconv.Itoa(referralhub.CampaignRuleBlock) + ` THEN rule_id / ` +
	strconv.Itoa(referralhub.CampaignRuleBlock) + ` ELSE ` + defaultCampaign + ` END`

// CampaignFigures counts, per campaign, its participants, their referrals
// and converted friends, and the rewards issued under its rules. Each is
// one grouped scan of its table: a figure for an admin page, not a hot
// path.
func (q *Queries) CampaignFigures(ctx context.Context) (map[int64]*referralhub.CampaignFigures, error) {
	out := map[int64]*referralhub.CampaignFigures{}
	fig := func(id int64) *referralhub.CampaignFigures {
		if out[id] == nil {
			out[id] = &referralhub.CampaignFigures{CampaignID: id}
		}
		return out[id]
	}
	counts := []struct {
		name, query string
		set         func(*referralhub.CampaignFigures, int64)
	}{
		{"campaign participants", `/* CampaignFigures.participants */ SELECT COALESCE(campaign_id, ` + defaultCampaign + `), count(*)
			FROM participants GROUP BY 1`, func(f *referralhub.CampaignFigures, n int64) { f.Participants = n }},
		{"campaign referrals", `/* CampaignFigures.referrals */ SELECT COALESCE(p.campaign_id, ` + defaultCampaign + `), count(*)
			FROM referrals r JOIN participants p ON p.id = r.referrer_id GROUP BY 1`, func(f *referralhub.CampaignFigures, n int64) { f.Referrals = n }},
		{"campaign conversions", `/* CampaignFigures.conversions */ SELECT COALESCE(p.campaign_id, ` + defaultCampaign + `), count(DISTINCT r.referee_id)
			FROM referrals r JOIN participants p ON p.id = r.referrer_id
			WHERE EXISTS (SELECT 1 FROM events e WHERE e.participant_id = r.referee_id AND e.name = 'purchase') GROUP BY 1`,
			func(f *referralhub.CampaignFigures, n int64) { f.Conversions = n }},
	}
	for _, c := range counts {
		err := queryEach(ctx, q, c.name, c.query, func(r rowScanner) error {
			var id, n int64
			if err := r.Scan(&id, &n); err != nil {
				return err
			}
			c.set(fig(id), n)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	err := queryEach(ctx, q, "campaign rewards", `/* CampaignFigures.rewards */ SELECT `+rewardCampaign+`, kind, currency, count(*), SUM(amount)
		FROM rewards WHERE entry = 'reward' AND cancelled_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, func(r rowScanner) error {
		var (
			id int64
			t  referralhub.RewardTotal
		)
		if err := r.Scan(&id, &t.Kind, &t.Currency, &t.Rewards, &t.Amount); err != nil {
			return err
		}
		f := fig(id)
		f.Rewards = append(f.Rewards, t)
		return nil
	})
	return out, err
}
