package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// member is a signed-up person in a rewards test.
type member struct {
	user referralhub.User
	sess core.Session
	p    referralhub.Participant
}

func (f *fixture) join(t *testing.T, name string, referrer *member) member {
	t.Helper()
	cookie := ""
	if referrer != nil {
		res, err := f.svc.Click(context.Background(), referrer.p.Code, core.Visit{IP: "192.0.2.9", UserAgent: "test"})
		if err != nil || !res.Attributed {
			t.Fatalf("click: %+v %v", res, err)
		}
		cookie = res.Cookie
	}
	u, s := f.signup(t, name, cookie)
	return member{user: u, sess: s, p: f.participant(t, s)}
}

func (f *fixture) admin(t *testing.T) referralhub.User {
	t.Helper()
	if f.boss != nil {
		return *f.boss
	}
	u, err := f.svc.CreateUser(context.Background(), core.SignupInput{Email: "boss@example.com", Username: "boss",
		Password: "password123", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	f.boss = &u
	return u
}

// setRules replaces the program's rules (and optionally its hold).
func (f *fixture) setRules(t *testing.T, hold time.Duration, rules ...referralhub.Rule) {
	t.Helper()
	ctx := context.Background()
	prog, err := f.svc.Program(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prog.Rules, prog.Hold = rules, hold
	if _, err := f.svc.SaveProgram(ctx, f.admin(t), prog, "test rules"); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) rewards(t *testing.T, m member) core.RewardsPage {
	t.Helper()
	page, err := f.svc.Rewards(context.Background(), m.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The running balances must equal the sums over the ledger.
	derived, err := f.db.Read().LedgerBalances(context.Background(), m.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(derived) != fmt.Sprint(page.Balances) {
		t.Fatalf("%s: running balances %v, ledger sums %v", m.user.Username, page.Balances, derived)
	}
	return page
}

func balance(page core.RewardsPage, kind, currency string) referralhub.Balance {
	for _, b := range page.Balances {
		if b.Kind == kind && b.Currency == currency {
			return b
		}
	}
	return referralhub.Balance{Kind: kind, Currency: currency}
}

func (f *fixture) purchase(t *testing.T, m member, key string, amount int64) bool {
	t.Helper()
	_, recorded, err := f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: m.p.ID,
		Name: referralhub.EventPurchase, Key: key, Amount: amount, Currency: "usd"})
	if err != nil {
		t.Fatalf("purchase %s: %v", key, err)
	}
	return recorded
}

func credit(amount int64) *referralhub.RewardSpec {
	return &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: amount, Currency: "usd"}
}

func TestDefaultProgramGivesTheReferrerTenPoints(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)

		page := f.rewards(t, alice)
		if len(page.Rewards) != 1 || page.Rewards[0].Reason != "bob signed up" || page.Rewards[0].Status != referralhub.StatusApproved ||
			page.Rewards[0].Amount != 10 || page.Points != 10 {
			t.Fatalf("alice's rewards = %+v, points %d", page.Rewards, page.Points)
		}
		if got := f.rewards(t, bob); len(got.Rewards) != 0 {
			t.Fatalf("bob got %+v under the default program", got.Rewards)
		}
		d, err := f.svc.Dashboard(ctx, f.participant(t, alice.sess), 1)
		if err != nil || d.Points != 10 {
			t.Fatalf("dashboard points = %d, %v", d.Points, err)
		}
		events, err := db.Read().ParticipantEvents(ctx, bob.p.ID, 10)
		if err != nil || len(events) != 2 {
			t.Fatalf("bob's events = %+v, %v", events, err)
		}
		for _, e := range events {
			if e.ReferralID == 0 || (e.Name != referralhub.EventClick && e.Name != referralhub.EventSignup) {
				t.Fatalf("event not tied to the referral: %+v", e)
			}
		}
	})
}

func TestGiveGetRewardsTheFirstPurchaseOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		if _, err := f.svc.ApplyPreset(context.Background(), f.admin(t), core.PresetGiveGet); err != nil {
			t.Fatal(err)
		}
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		f.purchase(t, bob, "order-1", 2500)
		f.purchase(t, bob, "order-2", 9900)
		for _, m := range []member{alice, bob} {
			page := f.rewards(t, m)
			if b := balance(page, referralhub.KindCredit, "usd"); b.Available != 1000 || len(page.Rewards) != 1 {
				t.Fatalf("%s: credit %+v, rewards %+v", m.user.Username, b, page.Rewards)
			}
		}
		if r := f.rewards(t, alice).Rewards[0]; r.Reason != "bob's first purchase" {
			t.Fatalf("reason = %q", r.Reason)
		}
		if r := f.rewards(t, bob).Rewards[0]; r.Reason != "Your first purchase" || r.Side != referralhub.SideReferee {
			t.Fatalf("bob's reward = %+v", r)
		}
	})
}

func TestRepeatedEventKeyChangesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventPurchase, Referrer: credit(500)})
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		if !f.purchase(t, bob, "order-1", 1000) || f.purchase(t, bob, "order-1", 1000) {
			t.Fatal("the first delivery must record, the second must not")
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 500 {
			t.Fatalf("credit = %+v", b)
		}
		_, _, err := f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: bob.p.ID, Name: "signup", Key: "x"})
		if referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("a signup event from outside was accepted: %v", err)
		}
		_, _, err = f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: bob.p.ID, Name: "upgrade", Key: "rh:email_verified"})
		if referralhub.ErrorFields(err)["key"] == "" {
			t.Fatalf("a reported event took an internal key: %v", err)
		}
		_, _, err = f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: bob.p.ID, Name: "purchase", Key: "y"})
		if referralhub.ErrorFields(err)["amount"] == "" || referralhub.ErrorFields(err)["currency"] == "" {
			t.Fatalf("a purchase without amount was accepted: %v", err)
		}
	})
}

func TestHoldIsPendingUntilTheJobReleasesIt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 48*time.Hour, referralhub.Rule{Trigger: referralhub.EventSignup,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 25}})
		alice := f.join(t, "alice", nil)
		f.join(t, "bob", &alice)
		f.runJobs(t)
		page := f.rewards(t, alice)
		if b := balance(page, referralhub.KindPoints, ""); b.Pending != 25 || b.Available != 0 {
			t.Fatalf("during the hold: %+v", b)
		}
		f.clock.Advance(47 * time.Hour)
		f.runJobs(t)
		if r := f.rewards(t, alice).Rewards[0]; r.Status != referralhub.StatusPending {
			t.Fatalf("released early: %+v", r)
		}
		f.clock.Advance(2 * time.Hour)
		if n := f.runJobs(t); n == 0 {
			t.Fatal("no job ran when the hold ended")
		}
		r := f.rewards(t, alice).Rewards[0]
		if r.Status != referralhub.StatusApproved || r.ApprovedAt.IsZero() || r.CreditedAt.Equal(r.ApprovedAt) {
			t.Fatalf("after the hold: %+v", r)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 25 || b.Pending != 0 {
			t.Fatalf("after the hold: %+v", b)
		}
		var ready bool
		for _, m := range f.smtp.Messages() {
			ready = ready || m.To == "alice@example.com" && m.Subject != "" && strings.Contains(m.Text, "25 points")
		}
		if !ready {
			t.Fatalf("no 'reward is ready' mail to alice: %+v", f.smtp.Messages())
		}
	})
}

func TestCapsStopRewardsAtTheLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0,
			referralhub.Rule{Trigger: referralhub.EventSignup, CapCount: 2, CapPeriod: referralhub.PeriodDay,
				Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 10},
				Referee:  &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 5}},
			referralhub.Rule{Trigger: referralhub.EventSignup, CapValue: 1500, CapPeriod: referralhub.PeriodLife,
				Referrer: credit(1000)})
		alice := f.join(t, "alice", nil)
		var friends []member
		for i := range 3 {
			friends = append(friends, f.join(t, fmt.Sprint("friend", i), &alice))
		}
		page := f.rewards(t, alice)
		if b := balance(page, referralhub.KindPoints, ""); b.Available != 20 {
			t.Fatalf("points past the count cap: %+v", b)
		}
		if b := balance(page, referralhub.KindCredit, "usd"); b.Available != 1000 {
			t.Fatalf("credit past the value cap: %+v", b)
		}
		if b := balance(f.rewards(t, friends[2]), referralhub.KindPoints, ""); b.Available != 5 {
			t.Fatalf("the cap is the referrer's: the friend still earns, got %+v", b)
		}
		f.clock.Advance(24 * time.Hour)
		f.join(t, "friend3", &alice)
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 30 {
			t.Fatalf("a new day must lift the daily cap: %+v", b)
		}
	})
}

func TestSegmentGivesTrialDaysToFreeAndCreditToPaid(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0,
			referralhub.Rule{Trigger: "upgrade", Segment: referralhub.PlanFree,
				Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14}},
			referralhub.Rule{Trigger: "upgrade", Segment: referralhub.PlanPaid, Referee: credit(1000)})
		alice := f.join(t, "alice", nil)
		free := f.join(t, "freddy", &alice)
		paid := f.join(t, "paula", &alice)
		ctx := context.Background()
		if err := f.svc.SetBilling(ctx, paid.p.ID, referralhub.PlanPaid, "cus_123"); err != nil {
			t.Fatal(err)
		}
		for _, m := range []member{free, paid} {
			if _, _, err := f.svc.RecordEvent(ctx, core.EventInput{ParticipantID: m.p.ID, Name: "upgrade", Key: "up-" + m.user.Username}); err != nil {
				t.Fatal(err)
			}
		}
		fp, pp := f.rewards(t, free), f.rewards(t, paid)
		if len(fp.Rewards) != 1 || fp.Rewards[0].Kind != referralhub.KindTrialDays || fp.Rewards[0].Amount != 14 {
			t.Fatalf("free user got %+v", fp.Rewards)
		}
		if len(pp.Rewards) != 1 || pp.Rewards[0].Kind != referralhub.KindCredit {
			t.Fatalf("paying user got %+v", pp.Rewards)
		}
	})
}

func TestRefundReversesWhatThePurchaseEarned(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0,
			referralhub.Rule{Trigger: referralhub.EventPurchase, Referrer: credit(1000), Referee: credit(500)},
			referralhub.Rule{Trigger: referralhub.EventPurchase, Hold: ptr(24 * time.Hour),
				Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 7}})
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		f.purchase(t, bob, "order-1", 5000)
		bobCredit := f.rewards(t, bob).Rewards[0]
		// Pretend bob's credit was already paid out to his Stripe balance.
		if ok, err := db.Write().MarkFulfilled(ctx, bobCredit.ID, f.clock.Now(), "cbtxn_1"); !ok || err != nil {
			t.Fatal(ok, err)
		}
		refund := core.EventInput{ParticipantID: bob.p.ID, Name: referralhub.EventRefund, Key: "refund-1",
			Amount: 5000, Currency: "usd", PurchaseKey: "order-1"}
		for range 2 { // a repeated refund changes nothing
			if _, _, err := f.svc.RecordEvent(ctx, refund); err != nil {
				t.Fatal(err, referralhub.ErrorFields(err))
			}
		}
		page := f.rewards(t, alice)
		if b := balance(page, referralhub.KindCredit, "usd"); b.Available != 0 {
			t.Fatalf("alice's credit after the refund: %+v", b)
		}
		if b := balance(page, referralhub.KindPoints, ""); b.Pending != 0 || b.Available != 0 {
			t.Fatalf("alice's held points after the refund: %+v", b)
		}
		var clawbacks, cancelled int
		for _, r := range page.Rewards {
			switch {
			case r.Entry == referralhub.EntryClawback && r.Amount == -1000:
				clawbacks++
			case r.Status == referralhub.StatusCancelled && !r.CancelledAt.IsZero():
				cancelled++
			case r.Status == referralhub.StatusReversed && !r.ReversedAt.IsZero() && !r.ApprovedAt.IsZero():
			default:
				t.Fatalf("unexpected entry %+v", r)
			}
		}
		if clawbacks != 1 || cancelled != 1 {
			t.Fatalf("clawbacks %d, cancelled %d", clawbacks, cancelled)
		}
		review, err := f.svc.RewardsToReview(ctx, f.admin(t), 10)
		if err != nil || len(review) != 1 || review[0].ID != bobCredit.ID {
			t.Fatalf("review queue = %+v, %v", review, err)
		}
		_, _, err = f.svc.RecordEvent(ctx, core.EventInput{ParticipantID: alice.p.ID, Name: referralhub.EventRefund,
			Key: "refund-x", Amount: 1, Currency: "usd", PurchaseKey: "order-1"})
		if referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("refunding someone else's purchase: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestConcurrentDuplicatePurchasesCreditOnce delivers one purchase event 50
// times at once, and 50 different first purchases at once: each side is
// credited once. On PostgreSQL these run in parallel transactions.
func TestConcurrentDuplicatePurchasesCreditOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		if _, err := f.svc.ApplyPreset(context.Background(), f.admin(t), core.PresetGiveGet); err != nil {
			t.Fatal(err)
		}
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		carol := f.join(t, "carol", &alice)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			recorded int
		)
		for i := range 50 {
			wg.Go(func() {
				_, ok, err := f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: bob.p.ID,
					Name: referralhub.EventPurchase, Key: "same-order", Amount: 1000, Currency: "usd"})
				if err != nil {
					t.Error(err)
				}
				_, _, err = f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: carol.p.ID,
					Name: referralhub.EventPurchase, Key: fmt.Sprint("carol-", i), Amount: 1000, Currency: "usd"})
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				if ok {
					recorded++
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		if recorded != 1 {
			t.Fatalf("the same event was recorded %d times", recorded)
		}
		if got := f.rewards(t, alice); len(got.Rewards) != 2 || balance(got, referralhub.KindCredit, "usd").Available != 2000 {
			t.Fatalf("alice (one reward per referral) got %+v", got.Rewards)
		}
		for _, m := range []member{bob, carol} {
			if got := f.rewards(t, m); len(got.Rewards) != 1 {
				t.Fatalf("%s got %d rewards", m.user.Username, len(got.Rewards))
			}
		}
	})
}

func TestSaveProgramKeepsRuleIDsHonest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		prog, _ := f.svc.Program(ctx)
		first := prog.Rules[0].ID
		prog.Rules = append(prog.Rules, referralhub.Rule{Trigger: "upgrade", Referrer: credit(100)})
		saved, err := f.svc.SaveProgram(ctx, f.admin(t), prog, "add")
		if err != nil || saved.Rules[0].ID != first || saved.Rules[1].ID <= first {
			t.Fatalf("saved %+v, %v", saved.Rules, err)
		}
		deleted := saved.Rules[1]
		saved.Rules = saved.Rules[:1]
		if _, err := f.svc.SaveProgram(ctx, f.admin(t), saved, "delete"); err != nil {
			t.Fatal(err)
		}
		saved.Rules = append(saved.Rules, deleted) // a stale form
		if _, err := f.svc.SaveProgram(ctx, f.admin(t), saved, "stale"); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("a deleted rule's id came back: %v", err)
		}
		saved.Rules = []referralhub.Rule{saved.Rules[0], saved.Rules[0]}
		if _, err := f.svc.SaveProgram(ctx, f.admin(t), saved, "twice"); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("one id twice: %v", err)
		}
		if _, err := f.svc.SaveProgram(ctx, referralhub.User{ID: 99}, saved, "x"); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a non-admin saved the program: %v", err)
		}
		history, err := f.svc.ProgramHistory(ctx, f.admin(t), 10)
		if err != nil || len(history) != 3 || history[0].ChangedBy != "boss" || history[0].Summary != "delete" { // + the fixture's
			t.Fatalf("history = %+v, %v", history, err)
		}
	})
}

func TestMinimumPurchaseAmount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventPurchase, MinAmount: 2000, MinCurrency: "usd",
			Referrer: credit(500)})
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		f.purchase(t, bob, "small", 1999)
		if len(f.rewards(t, alice).Rewards) != 0 {
			t.Fatal("a purchase under the minimum was rewarded")
		}
		_, _, err := f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: bob.p.ID,
			Name: referralhub.EventPurchase, Key: "euros", Amount: 5000, Currency: "eur"})
		if err != nil || len(f.rewards(t, alice).Rewards) != 0 {
			t.Fatalf("a purchase in another currency was rewarded (%v)", err)
		}
		f.purchase(t, bob, "big", 2000)
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 500 {
			t.Fatalf("a purchase at the minimum: %+v", b)
		}
	})
}

// TestCapHoldsUnderConcurrentReferrals signs up friends of one referrer at
// once: the per-referrer lock keeps the count cap exact on PostgreSQL.
func TestCapHoldsUnderConcurrentReferrals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, referralhub.Rule{Trigger: "upgrade", CapCount: 3, CapPeriod: referralhub.PeriodMonth,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 1}})
		alice := f.join(t, "alice", nil)
		var friends []member
		for i := range 12 {
			friends = append(friends, f.join(t, fmt.Sprint("pal", i), &alice))
		}
		var wg sync.WaitGroup
		for _, m := range friends {
			wg.Go(func() {
				if _, _, err := f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: m.p.ID,
					Name: "upgrade", Key: "up"}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 3 {
			t.Fatalf("points = %d, want the cap of 3", b.Available)
		}
	})
}
