package core

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Backtest limits: the window is whole days back from now.
const (
	MaxBacktestDays     = 365
	DefaultBacktestDays = 30
	backtestBatch       = 50000 // event ids read per query
)

// Backtest is what a draft of the program's rules would have issued over
// the last Days days of recorded events, beside what was issued.
type Backtest struct {
	Days     int
	From, To time.Time
	Events   int64 // events replayed
	Actual   RewardTotals
	Draft    RewardTotals
	ByRule   []RuleBacktest
}

// RewardTotals counts reward entries, and sums them by kind and currency.
type RewardTotals struct {
	Rewards int64
	Values  []RewardValue // by kind, then currency
}

// RewardValue is how many rewards of one kind and currency, and their
// total amount (points, minor units of Currency, or days; percent-off
// coupons count with amount 0).
type RewardValue struct {
	Kind     string
	Currency string
	Rewards  int64
	Amount   int64
}

// RuleBacktest compares one rule: what it issued and what the draft's
// rule of the same id (or a new draft rule) would have. Index is the
// rule's place in the draft, -1 for a rule the draft drops; ID is 0 for a
// new draft rule.
type RuleBacktest struct {
	Index  int
	ID     int64
	Rule   referralhub.Rule
	Actual RewardTotals
	Draft  RewardTotals
}

// DraftWithRules is the current program with rules in place of its own,
// checked as saving it would check them. A rule with an id must be one of
// the program's (it is compared with what that rule issued); a rule
// without one is new.
func (s *Service) DraftWithRules(ctx context.Context, rules []referralhub.Rule) (referralhub.Program, error) {
	cur, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return cur, err
	}
	cur.Rules = rules
	return s.DraftProgram(ctx, cur)
}

// DraftProgram checks p as saving it would (its values, and its rule ids
// against the current program's) and fills in from the current program
// what a form leaves out, without saving anything: a draft to backtest.
func (s *Service) DraftProgram(ctx context.Context, p referralhub.Program) (referralhub.Program, error) {
	if err := ValidateProgram(p); err != nil {
		return p, err
	}
	cur, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return p, err
	}
	if err := checkRuleIDs(p, cur); err != nil {
		return p, err
	}
	if p.Fraud == nil {
		p.Fraud = cur.Fraud
	}
	if p.Tiers == nil {
		p.Tiers = cur.Tiers
	}
	if p.Badges == nil {
		p.Badges = cur.Badges
	}
	return p, nil
}

// DraftWithPreset is the current program with a preset's rules, or
// EINVALID for an unknown preset.
func (s *Service) DraftWithPreset(ctx context.Context, preset string) (referralhub.Program, error) {
	if PresetName(preset) == "" {
		return referralhub.Program{}, &referralhub.Error{Code: referralhub.EINVALID, Message: "Unknown preset.",
			Fields: referralhub.FieldErrors{"preset": fmt.Sprintf("Choose one of %v.", Presets())}}
	}
	cur, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return cur, err
	}
	return withPreset(cur, preset, s.settings), nil
}

// startBacktest checks a replay's window and takes the instance's one
// replay slot (a replay holds a core for seconds): another meanwhile is
// ETOOMANY. The caller releases it with s.backtest.Unlock.
func (s *Service) startBacktest(days int) error {
	if days < 1 || days > MaxBacktestDays {
		return &referralhub.Error{Code: referralhub.EINVALID, Message: "The window is 1 to 365 days.",
			Fields: referralhub.FieldErrors{"days": fmt.Sprintf("Give between 1 and %d days.", MaxBacktestDays)}}
	}
	if !s.backtest.TryLock() {
		return referralhub.Errorf(referralhub.ETOOMANY, "Another backtest is running: try again in a few seconds.")
	}
	return nil
}

// RunBacktest replays the events recorded in the last days days under the
// draft program's rules, through the same decision the live engine makes
// (decideRewards), in the order they were recorded, with caps and
// once-only credits carried from the ledger's state at the window's start
// and along the replay. It reads one snapshot of the database on the
// read pool and writes nothing. One runs at a time on an instance: another
// meanwhile is ETOOMANY. The draft must be valid (DraftWithRules,
// DraftWithPreset, or a program checked by ValidateProgram).
func (s *Service) RunBacktest(ctx context.Context, draft referralhub.Program, days int) (Backtest, error) {
	if err := s.startBacktest(days); err != nil {
		return Backtest{}, err
	}
	defer s.backtest.Unlock()
	cur, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return Backtest{}, err
	}
	// The program's rules are the default campaign's: its referrers'
	// events, and what its rules issued.
	return s.runBacktest(ctx, draft, cur, days, &campaignScope{id: referralhub.DefaultCampaignID})
}

// runBacktest is RunBacktest against the current rules cur, replaying
// only the events of scope's campaign when scope is not nil.
func (s *Service) runBacktest(ctx context.Context, draft, cur referralhub.Program, days int, scope *campaignScope) (Backtest, error) {
	to := s.now()
	bt := Backtest{Days: days, From: to.Add(-time.Duration(days) * 24 * time.Hour), To: to}
	draft = numberNewRules(draft, cur)
	draft.Tiers = draft.TiersOrDefault() // once, not per reward
	var issued []storage.IssuedByRule
	tally := newBacktestTally(draft, cur)
	err := s.db.InSnapshot(ctx, func(q *storage.Queries) error {
		var err error
		if issued, err = q.IssuedRewards(ctx, bt.From, bt.To); err != nil {
			return err
		}
		if err := scope.load(ctx, q); err != nil {
			return err
		}
		st, err := loadReplayState(ctx, q, draft, bt.From, bt.To)
		if err != nil {
			return err
		}
		bt.Events, err = replay(ctx, q, st, draft, bt.From, bt.To, scope, tally.add)
		return err
	})
	if err != nil {
		return Backtest{}, err
	}
	tally.issued(scope.issued(issued))
	bt.Actual, bt.Draft, bt.ByRule = tally.totals()
	return bt, nil
}

// numberNewRules gives the draft's new rules the ids saving it would give
// them, so the replay can tell them apart; they issued nothing yet.
func numberNewRules(draft, cur referralhub.Program) referralhub.Program {
	draft.Rules = append([]referralhub.Rule(nil), draft.Rules...)
	next := max(draft.NextRuleID, cur.NextRuleID, 1)
	for i := range draft.Rules {
		if draft.Rules[i].ID == 0 {
			draft.Rules[i].ID = next
			next++
		}
	}
	draft.NextRuleID = next
	return draft
}

// replay feeds each event of the window, in id order, through
// decideRewards, and hands add every reward the ledger would have taken
// (once per rule, referral and side, or per key). It reads the window a
// range of backtestBatch ids at a time and returns the number of events
// replayed.
func replay(ctx context.Context, q *storage.Queries, st *replayState, draft referralhub.Program, from, to time.Time,
	scope *campaignScope, add func(referralhub.Rule, referralhub.Reward)) (int64, error) {
	first, last, err := q.BacktestEventIDs(ctx, from, to)
	if err != nil || first == 0 {
		return 0, err
	}
	var n int64
	each := func(b *storage.BacktestEvent) error {
		if !scope.has(b.Parties.ReferrerID) {
			return nil
		}
		n++
		decided, err := decideRewards(ctx, st, draft, b.Event, b.Parties, b.Event.CreatedAt)
		if err != nil {
			return err
		}
		for _, d := range decided {
			if st.take(d) {
				add(d.Rule, d.Reward)
			}
		}
		st.seen(b.Event)
		return nil
	}
	for after := first - 1; after < last; after += backtestBatch {
		if err := q.EachBacktestEvent(ctx, from, to, after, min(after+backtestBatch, last), each); err != nil {
			return n, err
		}
	}
	return n, nil
}
