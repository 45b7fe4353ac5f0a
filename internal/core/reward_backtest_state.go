package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// replayState is a backtest's ruleState: what the ledger and the events
// held when the window began, then what the replay adds, in memory.
type replayState struct {
	firstOnly map[string]bool        // event names a FirstOnly rule triggers on
	events    map[eventName]bool     // a referral's event of a firstOnly name was seen
	credited  map[onceKey]bool       // the ledger's once-only key (rule, referral, side)
	keys      map[string]bool        // the idempotency keys of achievements' rewards
	capped    map[int64]string       // rules with a cap: their period
	usage     map[usageKey]*usageNow // caps' counts in the current period
}

type eventName struct {
	referral int64
	name     string
}

type onceKey struct {
	rule, referral int64
	side           string
}

type usageKey struct {
	rule, participant int64
	side              string
}

type usageNow struct {
	since        time.Time // the period counted
	count, total int64
}

// loadReplayState reads the state a replay of [from, to) starts from:
// the referrals whose first event of a FirstOnly trigger came before the
// window, the entries already credited to the window's referrals, and
// the capped rules' usage in the period the window starts in.
func loadReplayState(ctx context.Context, q *storage.Queries, draft referralhub.Program, from, to time.Time) (*replayState, error) {
	st := &replayState{firstOnly: map[string]bool{}, events: map[eventName]bool{}, credited: map[onceKey]bool{},
		keys: map[string]bool{}, capped: map[int64]string{}, usage: map[usageKey]*usageNow{}}
	ids := map[int64]bool{}
	for _, r := range draft.Rules {
		ids[r.ID] = true
		if r.FirstOnly && !st.firstOnly[r.Trigger] {
			st.firstOnly[r.Trigger] = true
			err := q.PriorEventReferrals(ctx, r.Trigger, from, to, func(ref int64) { st.events[eventName{ref, r.Trigger}] = true })
			if err != nil {
				return nil, err
			}
		}
		if r.CapCount > 0 || r.CapValue > 0 {
			if err := st.loadUsage(ctx, q, r, from); err != nil {
				return nil, err
			}
		}
	}
	err := q.PriorCredited(ctx, from, to, func(rule, ref int64, side string) {
		if ids[rule] {
			st.credited[onceKey{rule, ref, side}] = true
		}
	})
	return st, err
}

// loadUsage reads a capped rule's usage in the period containing from.
func (st *replayState) loadUsage(ctx context.Context, q *storage.Queries, r referralhub.Rule, from time.Time) error {
	st.capped[r.ID] = r.CapPeriod
	since := periodStart(r.CapPeriod, from)
	return q.RuleUsageBetween(ctx, r.ID, since, from, func(pid int64, side string, count, total int64) {
		st.usage[usageKey{r.ID, pid, side}] = &usageNow{since: since, count: count, total: total}
	})
}

func (st *replayState) firstOfName(_ context.Context, ev referralhub.Event) (bool, error) {
	return !st.events[eventName{ev.ReferralID, ev.Name}], nil
}

func (st *replayState) ruleUsage(_ context.Context, ruleID, participantID int64, side string, since time.Time) (int64, int64, error) {
	u := st.usage[usageKey{ruleID, participantID, side}]
	if u == nil || !u.since.Equal(since) { // nothing yet in this period
		return 0, 0, nil
	}
	return u.count, u.total, nil
}

// take credits d as the ledger would: false when its once-only key or
// idempotency key was taken. A reward not cancelled counts towards its
// rule's cap.
func (st *replayState) take(d rewardDecision) bool {
	r := d.Reward
	if d.Key != "" {
		if st.keys[d.Key] {
			return false
		}
		st.keys[d.Key] = true
	} else {
		k := onceKey{r.RuleID, r.ReferralID, r.Side}
		if st.credited[k] {
			return false
		}
		st.credited[k] = true
	}
	period, capped := st.capped[r.RuleID]
	if !capped || r.Status == referralhub.StatusCancelled {
		return true
	}
	k, since := usageKey{r.RuleID, r.ParticipantID, r.Side}, periodStart(period, r.CreditedAt)
	u := st.usage[k]
	if u == nil || !u.since.Equal(since) {
		u = &usageNow{since: since}
		st.usage[k] = u
	}
	u.count++
	u.total += r.Amount
	return true
}

// seen records that ev happened, for the FirstOnly rules after it.
func (st *replayState) seen(ev referralhub.Event) {
	if st.firstOnly[ev.Name] {
		st.events[eventName{ev.ReferralID, ev.Name}] = true
	}
}
