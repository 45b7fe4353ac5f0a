package core_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// recordByRef records an event of the participant with reference ref as
// the API does: the reference is resolved in the event's transaction.
func (f *fixture) recordByRef(ctx context.Context, ref string, in core.EventInput) (core.RecordedEvent, bool, error) {
	in.ParticipantRef = ref
	return f.svc.RecordEvent(ctx, in)
}

// apiEvent records an event by reference, as the API does.
func (f *fixture) apiEvent(t *testing.T, ref string, in core.EventInput) (core.RecordedEvent, bool) {
	t.Helper()
	ev, recorded, err := f.recordByRef(context.Background(), ref, in)
	if err != nil {
		t.Fatalf("event %s: %v", in.Key, err)
	}
	return ev, recorded
}

// TestAPIEventsDriveRewards reports a purchase of a participant made
// through the API under "give $10, get $10": both sides are credited in
// the event's transaction, the details are kept, a repeated key changes
// nothing, and a refund takes the credit back.
func TestAPIEventsDriveRewards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, err := f.svc.ApplyPreset(ctx, f.admin(t), core.PresetGiveGet); err != nil {
			t.Fatal(err)
		}
		alice, _ := f.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		bob, _ := f.upsert(t, core.ParticipantInput{ExternalID: "bob", ReferralCode: alice.Code})
		at := f.clock.Now().Add(-time.Hour)
		purchase := core.EventInput{Name: "purchase", Key: "order-1", Amount: 2500, Currency: "USD",
			OccurredAt: at, Metadata: `{"order":"A-1"}`}
		ev, recorded := f.apiEvent(t, "ext:bob", purchase)
		if !recorded || ev.ParticipantID != bob.ID || ev.Currency != "usd" || ev.ReferralID == 0 || !ev.OccurredAt.Equal(at) ||
			ev.Metadata != `{"order":"A-1"}` || len(ev.Rewards) != 2 {
			t.Fatalf("purchase = %+v, recorded %v", ev, recorded)
		}
		for _, r := range ev.Rewards {
			if r.Kind != referralhub.KindCredit || r.Amount != 1000 || r.Status != referralhub.StatusApproved {
				t.Errorf("reward = %+v", r)
			}
		}
		purchase.Amount = 1
		repeat, recorded := f.apiEvent(t, "ext:bob", purchase)
		if recorded || repeat.ID != ev.ID || repeat.Amount != 2500 || len(repeat.Rewards) != 2 {
			t.Fatalf("repeat = %+v, recorded %v", repeat, recorded)
		}
		refund, _ := f.apiEvent(t, itoa(bob.ID),
			core.EventInput{Name: "refund", Key: "refund-1", Amount: 2500, Currency: "usd", PurchaseKey: "order-1"})
		if len(refund.Rewards) != 2 || refund.Rewards[0].Entry != referralhub.EntryClawback {
			t.Fatalf("refund = %+v", refund.Rewards)
		}
		got, _ := f.svc.Participant(ctx, "ext:alice")
		for _, b := range got.Balances {
			if b.Available != 0 {
				t.Errorf("alice holds %+v after the refund", b)
			}
		}
	})
}

// TestAPIEventErrors refuses events the way RecordEvent does, plus the
// API's own details.
func TestAPIEventErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.upsert(t, core.ParticipantInput{ExternalID: "bob"})
		ok := core.EventInput{Name: "visit", Key: "k"}
		for _, bad := range []struct {
			in    core.EventInput
			field string
		}{
			{core.EventInput{Name: "Bad Name", Key: "k"}, "name"},
			{core.EventInput{Name: "signup", Key: "k"}, "name"},
			{core.EventInput{Name: "visit"}, "key"},
			{core.EventInput{Name: "visit", Key: "rh:signup"}, "key"},
			{core.EventInput{Name: "purchase", Key: "k", Currency: "usd"}, "amount"},
			{core.EventInput{Name: "purchase", Key: "k", Amount: 5, Currency: "dollars"}, "currency"},
			{core.EventInput{Name: "refund", Key: "k", Amount: 5, Currency: "usd"}, "purchase"},
			{core.EventInput{Name: "visit", Key: "k", OccurredAt: f.clock.Now().Add(time.Hour)}, "occurred_at"},
			{core.EventInput{Name: "visit", Key: "k", Metadata: `{"a":"` + strings.Repeat("x", 17<<10) + `"}`}, "metadata"},
		} {
			if _, _, err := f.recordByRef(ctx, "1", bad.in); referralhub.ErrorFields(err)[bad.field] == "" {
				t.Errorf("%+v: %v, want a %s error", bad.in, err, bad.field)
			}
		}
		if _, _, err := f.recordByRef(ctx, "ext:nobody", ok); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("an event of nobody: %v", err)
		}
	})
}

// TestAPIEmailVerifiedOpensTheGate keeps a referral's rewards pending
// until the friend's email is verified (the default): for a participant
// made through the API, the host's email_verified event verifies them and
// releases the reward; a hosted user verifies only through our link.
func TestAPIEmailVerifiedOpensTheGate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		bob, _ := f.upsert(t, core.ParticipantInput{ExternalID: "bob", Email: ptr("bob@example.org"), ReferralCode: alice.p.Code})
		carol := f.join(t, "carol", &alice)
		pending := func() int {
			t.Helper()
			page, err := f.svc.Rewards(ctx, alice.p.ID)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range page.Rewards {
				if r.Status == referralhub.StatusPending {
					n++
				}
			}
			return n
		}
		if n := pending(); n != 2 {
			t.Fatalf("pending before verification = %d, want 2", n)
		}
		verified := core.EventInput{Name: referralhub.EventEmailVerified, Key: "verified"}
		f.apiEvent(t, "ext:bob", verified)
		f.apiEvent(t, itoa(carol.p.ID), verified)
		if n := pending(); n != 1 {
			t.Fatalf("pending after the host verified bob = %d, want 1 (carol's, who must use our link)", n)
		}
		if got, _ := f.svc.Participant(ctx, itoa(bob.ID)); got.ID != bob.ID {
			t.Fatal("bob is gone")
		}
	})
}

// TestRedeemRewardByID redeems a reward by its id alone, with Redeem's
// checks: once only, never points, never someone's missing reward.
func TestRedeemRewardByID(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventSignup, Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14},
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 10}})
		alice, _ := f.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		f.upsert(t, core.ParticipantInput{ExternalID: "bob", ReferralCode: alice.Code})
		page, err := f.svc.ParticipantRewards(ctx, "ext:bob", 0, 10)
		if err != nil || len(page.Rewards) != 1 || page.Next != 0 {
			t.Fatalf("bob's rewards = %+v, %v", page, err)
		}
		trial := page.Rewards[0]
		r, err := f.svc.RedeemReward(ctx, trial.ID)
		if err != nil || r.Status != referralhub.StatusRedeemed || r.RedeemAskedAt.IsZero() {
			t.Fatalf("redeem = %+v, %v", r, err)
		}
		if _, err := f.svc.RedeemReward(ctx, trial.ID); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("second redeem: %v", err)
		}
		points, _ := f.svc.ParticipantRewards(ctx, "ext:alice", 0, 10)
		if _, err := f.svc.RedeemReward(ctx, points.Rewards[0].ID); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("redeeming points: %v", err)
		}
		if _, err := f.svc.RedeemReward(ctx, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("redeeming nothing: %v", err)
		}
	})
}

// TestClickLookupAndStats finds a click still in the buffer, with the end
// of its attribution window, and counts the program.
func TestClickLookupAndStats(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		res, err := f.svc.Click(ctx, alice.p.Code, core.Visit{IP: "192.0.2.1", UserAgent: "Mozilla/5.0"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.ClickByID(ctx, res.Attribution.ClickID)
		if err != nil || c.Code != alice.p.Code || c.ParticipantID != alice.p.ID || c.Bot ||
			!c.CreatedAt.Equal(f.clock.Now()) || !c.ExpiresAt.Equal(f.clock.Now().Add(720*time.Hour)) {
			t.Fatalf("click = %+v, %v", c, err)
		}
		for _, id := range []string{"", "x", clicks.NewID(f.clock.Now()), strings.ToUpper(res.Attribution.ClickID)} {
			if _, err := f.svc.ClickByID(ctx, id); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("click %q: %v", id, err)
			}
		}
		f.upsert(t, core.ParticipantInput{ExternalID: "bob", ClickID: res.Attribution.ClickID})
		st, err := f.svc.ProgramStats(ctx)
		if err != nil || st.Participants != 2 || st.Referrals != 1 || st.Clicks != 1 || len(st.Rewards) != 1 ||
			st.Rewards[0].Count != 1 || len(st.Outstanding) != 1 || st.Outstanding[0].Available != 10 {
			t.Fatalf("stats = %+v, %v", st, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
