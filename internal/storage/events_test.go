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
			return q.SetEventDetails(ctx, ev.ID, referralhub.EventDetails{OccurredAt: t0.Add(-time.Hour), Metadata: `{"order":"A1"}`})
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
