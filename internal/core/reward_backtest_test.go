package core_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func pointsSpec(n int64) *referralhub.RewardSpec {
	return &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: n}
}

// backtestRules are the live rules of the backtest scenario: a signup
// rule capped at 2 a day, a first purchase, a purchase of at least $50
// (once per referral, as the ledger credits), and the first-referral badge.
func backtestRules() []referralhub.Rule {
	return []referralhub.Rule{
		{Trigger: referralhub.EventSignup, CapCount: 2, CapPeriod: referralhub.PeriodDay, Referrer: pointsSpec(10), Referee: pointsSpec(5)},
		{Trigger: referralhub.EventPurchase, FirstOnly: true, CapPeriod: referralhub.PeriodLife, Referrer: credit(1000),
			Referee: &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 500, Currency: "usd"}},
		{Trigger: referralhub.EventPurchase, MinAmount: 5000, MinCurrency: "usd", CapPeriod: referralhub.PeriodLife, Referrer: credit(200)},
		{Trigger: referralhub.BadgeEvent(referralhub.Badge{Threshold: 1}), CapPeriod: referralhub.PeriodLife, Referrer: pointsSpec(50)},
	}
}

// backtestScenario runs the live engine through the real service: a month
// and more before the 30-day window, alice and her first friend sign up
// and buy; in the window, the friend buys again (neither first nor new to
// the $50 rule), three friends join on one day (the cap stops the third's
// referrer reward), one buys twice, bob refers his first friend (his
// badge), and a day later a fifth friend joins.
func backtestScenario(t *testing.T, f *fixture) {
	t.Helper()
	f.setRules(t, 0, backtestRules()...)
	alice := f.join(t, "alice", nil)
	f0 := f.join(t, "friend0", &alice)
	f.purchase(t, f0, "f0-1", 6000)
	f.clock.Advance(40 * 24 * time.Hour)
	f.purchase(t, f0, "f0-2", 7000)
	var fs []member
	for i := 1; i <= 3; i++ {
		fs = append(fs, f.join(t, fmt.Sprint("friend", i), &alice))
	}
	f.purchase(t, fs[0], "f1-1", 2000)
	f.purchase(t, fs[0], "f1-2", 9000)
	bob := f.join(t, "bob", nil)
	f.join(t, "gina", &bob)
	f.clock.Advance(24 * time.Hour)
	f.join(t, "friend4", &alice)
	f.clock.Advance(time.Hour)
}

// totals builds RewardTotals from (kind, currency, rewards, amount) rows.
func totals(rows ...core.RewardValue) core.RewardTotals {
	t := core.RewardTotals{Values: []core.RewardValue{}}
	for _, v := range rows {
		t.Rewards += v.Rewards
		t.Values = append(t.Values, v)
	}
	return t
}

func pts(n, amount int64) core.RewardValue {
	return core.RewardValue{Kind: referralhub.KindPoints, Rewards: n, Amount: amount}
}

func usd(n, amount int64) core.RewardValue {
	return core.RewardValue{Kind: referralhub.KindCredit, Currency: "usd", Rewards: n, Amount: amount}
}

func sameTotals(t *testing.T, what string, got, want core.RewardTotals) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func runBacktest(t *testing.T, f *fixture, draft referralhub.Program) core.Backtest {
	t.Helper()
	bt, err := f.svc.RunBacktest(context.Background(), draft, 30)
	if err != nil {
		t.Fatal(err)
	}
	return bt
}

// TestBacktestEqualsTheLiveRun: replaying the live rules over the window
// gives, rule by rule and currency by currency, what the live engine
// issued on the same events, with caps, first purchases and once-only
// credits carried over from before the window.
func TestBacktestEqualsTheLiveRun(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		backtestScenario(t, f)
		prog, err := f.svc.Program(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		bt := runBacktest(t, f, prog)
		// The figures as the scenario's comment counts them.
		want := []core.RewardTotals{totals(pts(9, 65)), totals(usd(2, 1500)), totals(usd(1, 200)), totals(pts(1, 50))}
		if len(bt.ByRule) != len(want) {
			t.Fatalf("by rule = %+v", bt.ByRule)
		}
		for i, r := range bt.ByRule {
			if r.Index != i || r.ID != prog.Rules[i].ID {
				t.Errorf("rule %d: index %d id %d, want id %d", i, r.Index, r.ID, prog.Rules[i].ID)
			}
			sameTotals(t, fmt.Sprintf("rule %d issued", i), r.Actual, want[i])
			sameTotals(t, fmt.Sprintf("rule %d replayed", i), r.Draft, r.Actual)
		}
		sameTotals(t, "issued", bt.Actual, totals(usd(3, 1700), pts(10, 115)))
		sameTotals(t, "replayed", bt.Draft, bt.Actual)
		if bt.Events == 0 || bt.Days != 30 || !bt.To.Equal(f.clock.Now()) || !bt.From.Equal(bt.To.Add(-30*24*time.Hour)) {
			t.Fatalf("backtest = %+v", bt)
		}
	})
}

// TestBacktestOfADifferentDraft: a draft that changes a rule, drops one
// and adds one gives the figures those rules would have given, beside
// what the live rules issued; a preset replays too.
func TestBacktestOfADifferentDraft(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		backtestScenario(t, f)
		ctx := context.Background()
		prog, err := f.svc.Program(ctx)
		if err != nil {
			t.Fatal(err)
		}
		signup := prog.Rules[0]
		signup.CapCount, signup.Referrer = 0, pointsSpec(20)
		friend := referralhub.Rule{Trigger: referralhub.EventSignup, CapPeriod: referralhub.PeriodLife,
			Referee: &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 100, Currency: "usd"}}
		draft, err := f.svc.DraftWithRules(ctx, []referralhub.Rule{signup, prog.Rules[2], friend})
		if err != nil {
			t.Fatal(err)
		}
		bt := runBacktest(t, f, draft)
		if len(bt.ByRule) != 5 {
			t.Fatalf("by rule = %+v", bt.ByRule)
		}
		checks := []struct {
			index         int
			id            int64
			actual, draft core.RewardTotals
		}{
			{0, prog.Rules[0].ID, totals(pts(9, 65)), totals(pts(10, 125))}, // no cap, 20 points
			{1, prog.Rules[2].ID, totals(usd(1, 200)), totals(usd(1, 200))},
			{2, 0, totals(), totals(usd(5, 500))}, // new: $1 to each of five friends
			{-1, prog.Rules[1].ID, totals(usd(2, 1500)), totals()},
			{-1, prog.Rules[3].ID, totals(pts(1, 50)), totals()},
		}
		for i, c := range checks {
			r := bt.ByRule[i]
			if r.Index != c.index || r.ID != c.id {
				t.Errorf("by rule %d: index %d id %d, want %d %d", i, r.Index, r.ID, c.index, c.id)
			}
			sameTotals(t, fmt.Sprintf("by rule %d issued", i), r.Actual, c.actual)
			sameTotals(t, fmt.Sprintf("by rule %d draft", i), r.Draft, c.draft)
		}
		sameTotals(t, "draft", bt.Draft, totals(usd(6, 700), pts(10, 125)))

		// Give $10, get $10 on the first purchase: f1's, not f0's (f0
		// first bought before the window).
		preset, err := f.svc.DraftWithPreset(ctx, core.PresetGiveGet)
		if err != nil {
			t.Fatal(err)
		}
		sameTotals(t, "give-get", runBacktest(t, f, preset).Draft, totals(usd(2, 2000)))
	})
}

// TestBacktestRefusesBadDrafts: an unknown preset, a rule id the program
// does not have, a broken rule and a window out of range are EINVALID.
func TestBacktestRefusesBadDrafts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, err := f.svc.DraftWithPreset(ctx, "nope"); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("unknown preset: %v", err)
		}
		stale := referralhub.Rule{ID: 99, Trigger: referralhub.EventSignup, CapPeriod: referralhub.PeriodLife, Referrer: pointsSpec(1)}
		if _, err := f.svc.DraftWithRules(ctx, []referralhub.Rule{stale}); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("unknown rule id: %v", err)
		}
		broken := referralhub.Rule{Trigger: referralhub.EventRefund, Referrer: pointsSpec(1)}
		if _, err := f.svc.DraftWithRules(ctx, []referralhub.Rule{broken}); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("broken rule: %v", err)
		}
		prog, _ := f.svc.Program(ctx)
		for _, days := range []int{0, -1, core.MaxBacktestDays + 1} {
			if _, err := f.svc.RunBacktest(ctx, prog, days); referralhub.ErrorCode(err) != referralhub.EINVALID {
				t.Fatalf("%d days: %v", days, err)
			}
		}
	})
}

// TestBacktestWritesNothing: every table's row count and the ledger
// chain's digest are the same after a backtest.
func TestBacktestWritesNothing(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, raw := storagetest.OpenWithRaw(t, engine)
			f := newFixture(t, db)
			backtestScenario(t, f)
			before, digest := rowCounts(t, raw, engine), ledgerDigest(t, f)
			prog, _ := f.svc.Program(context.Background())
			runBacktest(t, f, prog)
			preset, err := f.svc.DraftWithPreset(context.Background(), core.PresetDropbox)
			if err != nil {
				t.Fatal(err)
			}
			runBacktest(t, f, preset)
			if after := rowCounts(t, raw, engine); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("row counts moved:\n%v\n%v", before, after)
			}
			if after := ledgerDigest(t, f); after != digest {
				t.Fatalf("ledger digest %s, was %s", after, digest)
			}
			if before["rewards"] == 0 || before["events"] == 0 {
				t.Fatalf("nothing to compare: %v", before)
			}
		})
	}
}

func ledgerDigest(t *testing.T, f *fixture) string {
	t.Helper()
	c, err := f.db.VerifyLedger(context.Background())
	if err != nil || !c.OK {
		t.Fatalf("verify ledger: %+v %v", c, err)
	}
	return fmt.Sprint(c.Digest, c.Records)
}

// rowCounts counts the rows of every table of the database.
func rowCounts(t *testing.T, raw *sql.DB, engine string) map[string]int64 {
	t.Helper()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if engine == "postgres" {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := raw.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	counts := map[string]int64{}
	for _, name := range tables {
		var n int64
		if err := raw.QueryRow(`SELECT count(*) FROM "` + name + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[name] = n
	}
	if len(counts) < 10 {
		t.Fatalf("too few tables: %v", counts)
	}
	return counts
}
