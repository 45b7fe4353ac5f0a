package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestProgramTotals reads the program's totals in one statement, whatever
// its size.
func TestProgramTotals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, boss := mustUser(t, db, "boss")
		ann := mustAPIParticipant(t, db, "ann", "", "")
		ref := referralhub.Referral{ReferrerID: boss.ID, RefereeID: ann.ID, CreatedAt: t0}
		rewards := []referralhub.Reward{
			{ParticipantID: boss.ID, Side: "referrer", Entry: "reward", RuleID: 1, Kind: "points", Amount: 10, Status: "approved", ApprovedAt: t0},
			{ParticipantID: ann.ID, Side: "referee", Entry: "reward", RuleID: 1, Kind: "credit", Amount: 500, Currency: "usd", Status: "pending", HoldUntil: t0},
			{ParticipantID: ann.ID, Side: "referee", Entry: "reward", RuleID: 2, Kind: "credit", Amount: 300, Currency: "eur", Status: "approved", ApprovedAt: t0},
			{ParticipantID: boss.ID, Entry: "redemption", Kind: "points", Amount: -4, Status: "approved", ApprovedAt: t0},
		}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.CreateReferral(ctx, &ref); err != nil {
				return err
			}
			for i := range rewards {
				rewards[i].Reason, rewards[i].CreditedAt = "r", t0
				if rewards[i].Entry == "reward" {
					rewards[i].ReferralID = ref.ID
				}
				if _, err := q.InsertReward(ctx, &rewards[i], ""); err != nil {
					return err
				}
			}
			return q.InsertClicks(ctx, []referralhub.Click{{ID: "c1", ParticipantID: boss.ID, Code: boss.Code, CreatedAt: t0},
				{ID: "c2", ParticipantID: boss.ID, Code: boss.Code, CreatedAt: t0}, {ID: "c3", ParticipantID: boss.ID, Code: boss.Code, CreatedAt: t0, Bot: true}})
		})
		if err != nil {
			t.Fatal(err)
		}
		before := db.QueryCount()
		tot, err := db.Read().ProgramTotals(ctx)
		if n := db.QueryCount() - before; n != 1 {
			t.Errorf("stats ran %d statements, want 1", n)
		}
		if err != nil || tot.Participants != 2 || tot.Referrals != 1 || tot.Clicks != 2 {
			t.Fatalf("totals = %+v, %v", tot, err)
		}
		want := []referralhub.RewardCount{{Status: "approved", Kind: "credit", Count: 1}, {Status: "approved", Kind: "points", Count: 1},
			{Status: "pending", Kind: "credit", Count: 1}}
		if len(tot.Rewards) != len(want) {
			t.Fatalf("reward counts = %+v", tot.Rewards)
		}
		for i := range want {
			if tot.Rewards[i] != want[i] {
				t.Errorf("reward count %d = %+v, want %+v", i, tot.Rewards[i], want[i])
			}
		}
		wantOut := []referralhub.Balance{{Kind: "credit", Currency: "eur", Available: 300}, {Kind: "credit", Currency: "usd", Pending: 500},
			{Kind: "points", Available: 6}}
		if len(tot.Outstanding) != len(wantOut) {
			t.Fatalf("outstanding = %+v", tot.Outstanding)
		}
		for i := range wantOut {
			if tot.Outstanding[i] != wantOut[i] {
				t.Errorf("outstanding %d = %+v, want %+v", i, tot.Outstanding[i], wantOut[i])
			}
		}
	})
}
