package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestEventDetailsAndClickLookup stores an event's time and metadata with
// it, lists the ledger entries it caused, and finds a stored click by id.
func TestEventDetailsAndClickLookup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ann := mustAPIParticipant(t, db, "ann", "", "")
		ev := referralhub.Event{ParticipantID: ann.ID, Name: "purchase", Key: "o-1", Amount: 500, Currency: "usd", CreatedAt: t0}
		bare := referralhub.Event{ParticipantID: ann.ID, Name: "visit", Key: "v-1", CreatedAt: t0}
		reward := referralhub.Reward{ParticipantID: ann.ID, Side: "referee", Entry: "reward", RuleID: 1, Kind: "credit",
			Amount: 100, Currency: "usd", Status: "pending", Reason: "r", CreditedAt: t0, HoldUntil: t0.Add(time.Hour)}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			for _, e := range []*referralhub.Event{&ev, &bare} {
				if _, err := q.RecordEvent(ctx, e); err != nil {
					return err
				}
			}
			reward.EventID = ev.ID
			if _, err := q.InsertReward(ctx, &reward, ""); err != nil {
				return err
			}
			return q.SetEventDetails(ctx, ev.ID, storage.EventDetails{OccurredAt: t0.Add(-time.Hour), Metadata: `{"order":"A1"}`})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, d, err := db.Read().EventWithDetails(ctx, ann.ID, "o-1")
		if err != nil || got.ID != ev.ID || got.Amount != 500 || !d.OccurredAt.Equal(t0.Add(-time.Hour)) || d.Metadata != `{"order":"A1"}` {
			t.Fatalf("event = %+v %+v, %v", got, d, err)
		}
		if _, d, err := db.Read().EventWithDetails(ctx, ann.ID, "v-1"); err != nil || !d.OccurredAt.IsZero() || d.Metadata != "" {
			t.Fatalf("an event without details = %+v, %v", d, err)
		}
		if _, _, err := db.Read().EventWithDetails(ctx, ann.ID, "nope"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("missing event: %v", err)
		}
		rs, err := db.Read().RewardsOfEvent(ctx, ev.ID)
		if err != nil || len(rs) != 1 || rs[0].ID != reward.ID {
			t.Fatalf("rewards of event = %+v, %v", rs, err)
		}
		click := referralhub.Click{ID: "01jclick000000000000000000", ParticipantID: ann.ID, Code: ann.Code, IPHash: "h",
			UserAgent: "ua", CreatedAt: t0, Bot: true}
		if err := db.InsertClicks(ctx, []referralhub.Click{click}); err != nil {
			t.Fatal(err)
		}
		c, err := db.Read().ClickByID(ctx, click.ID)
		if err != nil || c.ParticipantID != ann.ID || c.Code != ann.Code || !c.Bot || !c.CreatedAt.Equal(t0) {
			t.Fatalf("click = %+v, %v", c, err)
		}
		if _, err := db.Read().ClickByID(ctx, "nope"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("missing click: %v", err)
		}
	})
}

// TestProgramTotals counts the program in three statements, whatever its
// size.
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
		if n := db.QueryCount() - before; n != 3 {
			t.Errorf("stats ran %d statements, want 3", n)
		}
		if err != nil || tot.Participants != 2 || tot.Referrals != 1 || tot.Clicks != 2 {
			t.Fatalf("totals = %+v, %v", tot, err)
		}
		want := []storage.RewardCount{{Status: "approved", Kind: "credit", Count: 1}, {Status: "approved", Kind: "points", Count: 1},
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
