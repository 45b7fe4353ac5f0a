// A campaign's growth figures, counted from its own rows: the analytics
// filter ?campaign=slug. The program-wide figures come from the rollups.

package storage

import (
	"context"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
)

// CampaignAnalyticsDays counts, per UTC day in [from, to), the figures of
// the campaign campaignID: human clicks on its participants' links (and
// distinct participant and IP pairs), its participants' signups (organic
// or referred), and the verifications and first purchases of the friends
// its participants referred; and the rewards its rules issued, by kind and
// currency. It reads the campaign's rows directly, not the rollups.
func (q *Queries) CampaignAnalyticsDays(ctx context.Context, campaignID int64, from, to time.Time) ([]referralhub.AnalyticsDay, []referralhub.RewardTotal, error) {
	a := newAnalyticsDays(from, to)
	member := func(alias string) string { return campaignMembers(alias, campaignID, 3) }
	counts := []struct {
		query string
		width int
		set   func(*referralhub.AnalyticsDay, []int64)
	}{
		{`/* CampaignAnalytics.clicks */ SELECT day, count(*), SUM(n) FROM (
			SELECT ` + q.d.dayOf("c.created_at") + ` AS day, c.participant_id, c.ip_hash, count(*) AS n FROM clicks c
			JOIN participants p ON p.id = c.participant_id
			WHERE c.created_at >= $1 AND c.created_at < $2 AND NOT c.bot AND ` + member("p") + ` GROUP BY 1, 2, 3) pairs GROUP BY day`,
			2, func(d *referralhub.AnalyticsDay, n []int64) { d.UniqueClicks, d.Clicks = n[0], n[1] }},
		{`/* CampaignAnalytics.signups */ SELECT ` + q.d.dayOf("p.created_at") + `,
			SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.id IS NULL THEN 0 ELSE 1 END)
			FROM participants p LEFT JOIN referrals r ON r.referee_id = p.id
			WHERE p.created_at >= $1 AND p.created_at < $2 AND ` + member("p") + ` GROUP BY 1`,
			2, func(d *referralhub.AnalyticsDay, n []int64) { d.OrganicSignups, d.ReferredSignups = n[0], n[1] }},
		{`/* CampaignAnalytics.verified */ SELECT ` + q.d.dayOf("COALESCE(u.email_verified_at, pe.verified_at)") + `, count(*)
			FROM referrals r JOIN participants pr ON pr.id = r.referrer_id JOIN participants pe ON pe.id = r.referee_id
			LEFT JOIN users u ON u.id = pe.user_id
			WHERE COALESCE(u.email_verified_at, pe.verified_at) >= $1 AND COALESCE(u.email_verified_at, pe.verified_at) < $2
			AND ` + member("pr") + ` GROUP BY 1`,
			1, func(d *referralhub.AnalyticsDay, n []int64) { d.Verified = n[0] }},
		{`/* CampaignAnalytics.converted */ SELECT day, count(*) FROM (
			SELECT e.participant_id, min(` + q.d.dayOf("e.created_at") + `) AS day FROM events e
			JOIN referrals r ON r.referee_id = e.participant_id JOIN participants pr ON pr.id = r.referrer_id
			WHERE e.name = 'purchase' AND e.created_at >= $1 AND e.created_at < $2 AND ` + member("pr") + `
			AND NOT EXISTS (SELECT 1 FROM events f WHERE f.participant_id = e.participant_id AND f.name = 'purchase' AND f.created_at < $1)
			GROUP BY e.participant_id) firsts GROUP BY day`,
			1, func(d *referralhub.AnalyticsDay, n []int64) { d.Converted = n[0] }},
	}
	for _, c := range counts {
		if err := q.eachDayCount(ctx, c.query, c.width, c.set, a, q.ts(from), q.ts(to), campaignID); err != nil {
			return nil, nil, err
		}
	}
	days := make([]referralhub.AnalyticsDay, 0, len(a.order))
	for _, key := range a.order {
		days = append(days, *a.days[key])
	}
	rewards, err := q.campaignRewards(ctx, campaignID, from, to)
	return days, rewards, err
}

// campaignRewards sums the rewards the campaign's rules issued in [from,
// to) by kind and currency: earned entries not cancelled, whose rule id is
// in the campaign's block.
func (q *Queries) campaignRewards(ctx context.Context, campaignID int64, from, to time.Time) ([]referralhub.RewardTotal, error) {
	return queryList(ctx, q, "campaign rewards", `/* CampaignAnalytics.rewards */ SELECT kind, currency, count(*), SUM(amount)
		FROM rewards WHERE entry = 'reward' AND cancelled_at IS NULL AND credited_at >= $1 AND credited_at < $2
		AND `+rewardCampaign+` = $3
		GROUP BY kind, currency ORDER BY kind, currency`, func(r rowScanner) (referralhub.RewardTotal, error) {
		var t referralhub.RewardTotal
		err := r.Scan(&t.Kind, &t.Currency, &t.Rewards, &t.Amount)
		return t, err
	}, q.ts(from), q.ts(to), campaignID)
}

// campaignMembers is a condition on participants.campaign_id (of the table
// aliased alias) selecting the members of campaignID, whose id is the
// argument $n.
func campaignMembers(alias string, campaignID int64, n int) string {
	p := "$" + strconv.Itoa(n)
	if campaignID == referralhub.DefaultCampaignID {
		return "(" + alias + ".campaign_id IS NULL OR " + alias + ".campaign_id = " + p + ")"
	}
	return alias + ".campaign_id = " + p
}
