package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

// listen points a receiver at every event type and returns it.
func (f *fixture) listen(t *testing.T) *receiver {
	t.Helper()
	rc := newReceiver(t, secret, f.clock.Now)
	f.endpoint(t, rc.srv.URL, secret, webhook.EventTypes()...)
	return rc
}

// rewardHooks returns the data of the reward events of type typ, by
// reward id.
func rewardHooks(t *testing.T, rc *receiver, typ string) map[int64]map[string]any {
	t.Helper()
	out := map[int64]map[string]any{}
	for _, h := range rc.hooks() {
		if h.Body.Type == typ {
			d := h.data(t)
			out[int64(d["id"].(float64))] = d
		}
	}
	return out
}

func TestWebhooksTellRewardsApprovedAfterAHoldReversedAndFulfilled(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0,
			referralhub.Rule{Trigger: referralhub.EventPurchase, Referrer: credit(1000)},
			referralhub.Rule{Trigger: referralhub.EventPurchase, Hold: ptr(24 * time.Hour),
				Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 7}},
			referralhub.Rule{Trigger: "upgrade", Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14}})
		rc := f.listen(t)
		alice := f.join(t, "alice", nil)
		bob, carol := f.join(t, "bob", &alice), f.join(t, "carol", &alice)
		f.purchase(t, carol, "order-2", 5000)
		f.clock.Advance(25 * time.Hour)
		f.runJobs(t) // the points of carol's purchase are released
		// bob's purchase is refunded while its points are on hold.
		f.purchase(t, bob, "order-1", 5000)
		refund := core.EventInput{ParticipantID: bob.p.ID, Name: referralhub.EventRefund, Key: "refund-1",
			Amount: 5000, Currency: "usd", PurchaseKey: "order-1"}
		if _, _, err := f.svc.RecordEvent(ctx, refund); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.RecordEvent(ctx, core.EventInput{ParticipantID: bob.p.ID, Name: "upgrade", Key: "up"}); err != nil {
			t.Fatal(err)
		}
		trial := f.rewards(t, bob).Rewards[0]
		if _, err := f.svc.Redeem(ctx, bob.p, trial.ID); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)

		created, approved := rewardHooks(t, rc, "reward.created"), rewardHooks(t, rc, "reward.approved")
		reversed, fulfilled := rewardHooks(t, rc, "reward.reversed"), rewardHooks(t, rc, "reward.fulfilled")
		if len(created) != 5 || len(approved) != 4 || len(reversed) != 2 || len(fulfilled) != 1 {
			t.Fatalf("created %d, approved %d, reversed %d, fulfilled %d: %v", len(created), len(approved), len(reversed), len(fulfilled), rc.types())
		}
		var held int
		for id, d := range created {
			if d["kind"] == "points" && d["status"] == "pending" && d["hold_until"] != nil {
				held++
				if approved[id] == nil && reversed[id] == nil {
					t.Errorf("held points %d were neither approved nor reversed", id)
				}
			}
		}
		statuses := []string{}
		for _, d := range reversed {
			statuses = append(statuses, d["status"].(string))
		}
		slices.Sort(statuses)
		if held != 2 || !slices.Equal(statuses, []string{"cancelled", "reversed"}) {
			t.Errorf("held %d; reversed as %v, want one cancelled on hold and one reversed", held, statuses)
		}
		if d := fulfilled[trial.ID]; d["kind"] != "trial_days" || d["status"] != "redeemed" || d["amount"] != float64(14) ||
			d["participant_id"] != float64(bob.p.ID) || d["side"] != "referee" || d["redeemed_at"] == nil {
			t.Errorf("reward.fulfilled = %v", d)
		}
	})
}

func TestWebhooksTellFlaggedReferrals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		rc := f.listen(t)
		alice := f.owner(t, "alice", browserSeen(1))
		self, blocked := f.refer(t, alice, "alicetoo", "alice+too@example.com", browserSeen(2))
		bob, _ := f.refer(t, alice, "bobby", "bobby@example.com", browserSeen(3))
		for _, id := range []int64{alice.p.ID, bob.p.ID} {
			if err := f.svc.SetBilling(ctx, id, referralhub.PlanPaid, "cus_same"); err != nil {
				t.Fatal(err)
			}
		}
		f.runJobs(t)
		var flagged []map[string]any
		for _, h := range rc.hooks() {
			if h.Body.Type == "referral.flagged" {
				flagged = append(flagged, h.data(t))
			}
		}
		if len(flagged) != 2 {
			t.Fatalf("flagged %d times: %v", len(flagged), rc.types())
		}
		if d := flagged[0]; d["id"] != float64(blocked.ID) || d["referee_id"] != float64(self.p.ID) || d["review"] != "blocked" ||
			!slices.Contains(d["signals"].([]any), any("self_email")) {
			t.Errorf("flagged at signup = %v", d)
		}
		if d := flagged[1]; d["referee_id"] != float64(bob.p.ID) || d["review"] != "blocked" ||
			!slices.Contains(d["signals"].([]any), any("self_stripe")) {
			t.Errorf("flagged when the customer was shared = %v", d)
		}
	})
}
