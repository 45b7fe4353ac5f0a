package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// campaignScope narrows a backtest to one campaign: the events whose
// referrer (or achiever) is enrolled in it, and the rewards its rules
// issued. A nil scope is the whole program.
type campaignScope struct {
	id int64
	// members maps the participants enrolled outside the default campaign
	// to their campaign; everyone else is in the default one.
	members map[int64]int64
}

func (sc *campaignScope) load(ctx context.Context, q *storage.Queries) (err error) {
	if sc == nil {
		return nil
	}
	sc.members, err = q.CampaignMembers(ctx)
	return err
}

// has reports whether the participant is in the scope's campaign.
func (sc *campaignScope) has(participantID int64) bool {
	if sc == nil {
		return true
	}
	id, ok := sc.members[participantID]
	if !ok {
		id = referralhub.DefaultCampaignID
	}
	return id == sc.id
}

// issued keeps the rewards the scope's campaign's rules issued: rule ids
// in its block (referralhub.CampaignRuleBlock), below the first block for
// the default campaign.
func (sc *campaignScope) issued(rows []storage.IssuedByRule) []storage.IssuedByRule {
	if sc == nil {
		return rows
	}
	out := rows[:0:0]
	for _, r := range rows {
		block := r.RuleID / campaignRuleBlock
		if block == 0 {
			block = referralhub.DefaultCampaignID
		}
		if block == sc.id {
			out = append(out, r)
		}
	}
	return out
}

// CampaignDraft is the campaign slug's program as the reward engine runs
// it, with rules in place of its own when rules is not nil (new rules
// without ids), checked as saving them would check them; the backtest of
// RunCampaignBacktest replays it.
func (s *Service) CampaignDraft(ctx context.Context, slug string, rules []referralhub.Rule) (referralhub.Campaign, referralhub.Program, error) {
	c, err := s.campaignBySlug(ctx, s.db.Read(), slug)
	if err != nil {
		return c, referralhub.Program{}, err
	}
	base, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return c, base, err
	}
	cur := campaignProgram(base, c, c.StartsAt)
	cur.Rules = c.Program.Rules // the rules, whatever its dates
	draft := cur
	if rules != nil {
		draft.Rules = rules
	}
	if err := ValidateProgram(draft); err != nil {
		return c, draft, err
	}
	return c, draft, checkRuleIDs(draft, cur)
}

// RunCampaignBacktest is RunBacktest for one campaign: it replays the
// events of the campaign's referrers under draft (from CampaignDraft),
// beside what the campaign's rules issued. Only admins and read keys ask.
func (s *Service) RunCampaignBacktest(ctx context.Context, c referralhub.Campaign, draft referralhub.Program, days int) (Backtest, error) {
	if err := s.startBacktest(days); err != nil {
		return Backtest{}, err
	}
	defer s.backtest.Unlock()
	base, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return Backtest{}, err
	}
	cur := campaignProgram(base, c, c.StartsAt)
	cur.Rules = c.Program.Rules
	if !c.IsDefault() {
		draft.NextRuleID = max(draft.NextRuleID, c.ID*campaignRuleBlock+1)
	}
	return s.runBacktest(ctx, draft, cur, days, &campaignScope{id: c.ID})
}
