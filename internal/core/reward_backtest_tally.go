package core

import (
	"cmp"
	"slices"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// backtestTally sums a backtest's rewards by rule, kind and currency, on
// both sides: what was issued and what the draft would issue.
type backtestTally struct {
	draft, cur      referralhub.Program
	known           map[int64]bool // the current program's rule ids
	actual, drafted map[int64]map[valueKey]*RewardValue
}

type valueKey struct{ kind, currency string }

func newBacktestTally(draft, cur referralhub.Program) *backtestTally {
	t := &backtestTally{draft: draft, cur: cur, known: map[int64]bool{},
		actual: map[int64]map[valueKey]*RewardValue{}, drafted: map[int64]map[valueKey]*RewardValue{}}
	for _, r := range cur.Rules {
		t.known[r.ID] = true
	}
	return t
}

// add counts a reward the draft would issue; a cancelled one (its
// referral rejected, or a party banned) is never paid and not counted.
func (t *backtestTally) add(rule referralhub.Rule, r referralhub.Reward) {
	if r.Status != referralhub.StatusCancelled {
		addValue(t.drafted, rule.ID, r.Kind, r.Currency, 1, r.Amount)
	}
}

// issued counts what the ledger holds.
func (t *backtestTally) issued(rows []storage.IssuedByRule) {
	for _, i := range rows {
		addValue(t.actual, i.RuleID, i.Kind, i.Currency, i.Count, i.Amount)
	}
}

func addValue(m map[int64]map[valueKey]*RewardValue, rule int64, kind, currency string, n, amount int64) {
	byValue := m[rule]
	if byValue == nil {
		byValue = map[valueKey]*RewardValue{}
		m[rule] = byValue
	}
	k := valueKey{kind, currency}
	v := byValue[k]
	if v == nil {
		v = &RewardValue{Kind: kind, Currency: currency}
		byValue[k] = v
	}
	v.Rewards += n
	v.Amount += amount
}

// totals are the whole of each side and the comparison by rule: the
// draft's rules in order, then the rules that issued rewards in the
// window but are not in the draft, by id.
func (t *backtestTally) totals() (actual, draft RewardTotals, byRule []RuleBacktest) {
	inDraft := map[int64]bool{}
	for i, r := range t.draft.Rules {
		inDraft[r.ID] = true
		id := r.ID
		if !t.known[id] {
			id = 0 // a new rule: the id saving it gives is not its yet
		}
		byRule = append(byRule, RuleBacktest{Index: i, ID: id, Rule: r,
			Actual: totalsOf(t.actual[id]), Draft: totalsOf(t.drafted[r.ID])})
	}
	var dropped []int64
	for id := range t.actual {
		if !inDraft[id] {
			dropped = append(dropped, id)
		}
	}
	slices.Sort(dropped)
	for _, id := range dropped {
		rule := referralhub.Rule{ID: id}
		if i := slices.IndexFunc(t.cur.Rules, func(r referralhub.Rule) bool { return r.ID == id }); i >= 0 {
			rule = t.cur.Rules[i]
		}
		byRule = append(byRule, RuleBacktest{Index: -1, ID: id, Rule: rule, Actual: totalsOf(t.actual[id])})
	}
	return sumAll(t.actual), sumAll(t.drafted), byRule
}

func sumAll(m map[int64]map[valueKey]*RewardValue) RewardTotals {
	all := map[int64]map[valueKey]*RewardValue{}
	for _, byValue := range m {
		for _, v := range byValue {
			addValue(all, 0, v.Kind, v.Currency, v.Rewards, v.Amount)
		}
	}
	return totalsOf(all[0])
}

func totalsOf(byValue map[valueKey]*RewardValue) RewardTotals {
	t := RewardTotals{Values: []RewardValue{}}
	for _, v := range byValue {
		t.Rewards += v.Rewards
		t.Values = append(t.Values, *v)
	}
	slices.SortFunc(t.Values, func(a, b RewardValue) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Currency, b.Currency))
	})
	return t
}
