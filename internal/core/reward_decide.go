package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// ruleState is what deciding an event's rewards needs to know of what came
// before it: the live engine asks the database inside the event's
// transaction, a backtest its own record of the replay so far.
type ruleState interface {
	// firstOfName reports whether ev is its referral's first event of its
	// name (a rule's FirstOnly).
	firstOfName(ctx context.Context, ev referralhub.Event) (bool, error)
	// ruleUsage is the count and total amount of the rule's live rewards
	// (not cancelled or reversed) to participantID on side since since.
	ruleUsage(ctx context.Context, ruleID, participantID int64, side string, since time.Time) (count, total int64, err error)
}

// rewardDecision is one ledger entry the rules give for an event, with its
// idempotency key ("" but for an achievement's reward). The ledger still
// credits it once only: per rule, referral and side, or per key.
type rewardDecision struct {
	Rule   referralhub.Rule
	Reward referralhub.Reward
	Key    string
}

// decideRewards is the reward engine's one decision: what ev earns under
// prog's rules for the referral parties describe, given the state so far,
// at now. An achievement event (no referral) rewards its achiever under
// the rules it triggers; a referral's event rewards either side under
// every rule it matches, within the segments and the referrer's caps, with
// the status its hold and gate give. Both the live engine (applyRules)
// and the backtest call it, so a backtest replays what a live run decides.
func decideRewards(ctx context.Context, st ruleState, prog referralhub.Program, ev referralhub.Event,
	parties storage.ReferralParties, now time.Time) ([]rewardDecision, error) {
	var out []rewardDecision
	add := func(rule referralhub.Rule, side string, spec referralhub.RewardSpec) error {
		d, ok, err := decideSide(ctx, st, prog, rule, side, spec, ev, parties, now)
		if ok {
			out = append(out, d)
		}
		return err
	}
	achievement := parties.ID == 0 && referralhub.IsAchievementEvent(ev.Name)
	for _, rule := range prog.Rules {
		if achievement {
			// The achiever is the "referrer" of an achievement: there is no
			// referral and no friend.
			if rule.Trigger == ev.Name && rule.Referrer != nil {
				if err := add(rule, referralhub.SideReferrer, *rule.Referrer); err != nil {
					return nil, err
				}
			}
			continue
		}
		ok, err := ruleMatches(ctx, st, rule, ev)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if rule.Referrer != nil && inSegment(rule, referralhub.SideReferrer, parties) {
			if err := add(rule, referralhub.SideReferrer, *rule.Referrer); err != nil {
				return nil, err
			}
		}
		if rule.Referee != nil && inSegment(rule, referralhub.SideReferee, parties) {
			if err := add(rule, referralhub.SideReferee, *rule.Referee); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// decideSide is the entry one side earns under a rule, unless the
// referrer's cap is reached (ok false).
func decideSide(ctx context.Context, st ruleState, prog referralhub.Program, rule referralhub.Rule, side string,
	spec referralhub.RewardSpec, ev referralhub.Event, parties storage.ReferralParties, now time.Time) (rewardDecision, bool, error) {
	r, key, gate := newReward(prog, rule, side, spec, ev, parties, now)
	if side == referralhub.SideReferrer {
		if capped, err := capReached(ctx, st, rule, r, now); err != nil || capped {
			return rewardDecision{}, false, err
		}
	}
	setRewardStatus(&r, prog, rule, gate, now)
	return rewardDecision{Rule: rule, Reward: r, Key: key}, true, nil
}

// ruleMatches reports whether ev triggers rule for its referral.
func ruleMatches(ctx context.Context, st ruleState, rule referralhub.Rule, ev referralhub.Event) (bool, error) {
	if rule.Trigger != ev.Name {
		return false, nil
	}
	if rule.MinAmount > 0 && (ev.Currency != rule.MinCurrency || ev.Amount < rule.MinAmount) {
		return false, nil
	}
	if rule.FirstOnly {
		return st.firstOfName(ctx, ev)
	}
	return true, nil
}

// capReached reports whether crediting r would pass the rule's caps for
// its beneficiary in the current period.
func capReached(ctx context.Context, st ruleState, rule referralhub.Rule, r referralhub.Reward, now time.Time) (bool, error) {
	if rule.CapCount <= 0 && rule.CapValue <= 0 {
		return false, nil
	}
	count, total, err := st.ruleUsage(ctx, rule.ID, r.ParticipantID, r.Side, periodStart(rule.CapPeriod, now))
	if err != nil {
		return false, err
	}
	return rule.CapCount > 0 && count+1 > rule.CapCount || rule.CapValue > 0 && total+r.Amount > rule.CapValue, nil
}

// liveState is the live engine's ruleState: the database, inside the
// event's transaction.
type liveState struct{ q *storage.Queries }

func (l liveState) firstOfName(ctx context.Context, ev referralhub.Event) (bool, error) {
	n, err := l.q.CountEvents(ctx, ev.ReferralID, ev.Name, ev.ID)
	return err == nil && n == 1, err
}

// ruleUsage locks the beneficiary's row first, so concurrent referrals of
// one referrer are counted one at a time.
func (l liveState) ruleUsage(ctx context.Context, ruleID, participantID int64, side string, since time.Time) (int64, int64, error) {
	if err := l.q.LockParticipant(ctx, participantID); err != nil {
		return 0, 0, err
	}
	return l.q.RuleUsage(ctx, ruleID, participantID, side, since)
}
