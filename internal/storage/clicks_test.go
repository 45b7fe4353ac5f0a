package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestInsertClicksInLargeBatchesSkipsStoredIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		clicks := make([]referralhub.Click, 4500) // more than one statement's worth
		for i := range clicks {
			clicks[i] = referralhub.Click{ID: fmt.Sprintf("k%05d", i), ParticipantID: alice.ID, Code: alice.Code,
				IPHash: "x", UserAgent: "ua", Referer: "", CreatedAt: t0.Add(time.Duration(i) * time.Second)}
		}
		before := db.QueryCount()
		for _, batch := range [][]referralhub.Click{clicks[:10], clicks} {
			if err := db.InsertClicks(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		// One insert and one count update per batch, whatever its size.
		if n := db.QueryCount() - before; n != 4 {
			t.Errorf("%d statements, want 4", n)
		}
		got, err := db.Read().Participant(ctx, alice.ID)
		if err != nil || got.ClickCount != int64(len(clicks)) {
			t.Fatalf("click_count = %d, %v; want %d (the repeated 10 counted once)", got.ClickCount, err, len(clicks))
		}
	})
}

// TestInsertClicksKeepsEveryValueExactly stores clicks whose headers hold
// what the flush's encodings must carry (quotes, backslashes, control
// characters, non-ASCII, JSON-looking text), a bot click and a channel,
// and reads each back unchanged, with only the human click counted.
func TestInsertClicksKeepsEveryValueExactly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		at := t0.Add(1234567 * time.Microsecond)
		clicks := []referralhub.Click{
			{ID: "odd-1", ParticipantID: alice.ID, Code: alice.Code, IPHash: "ip1", UserAgent: "Mozilla \"5.0\" \\ \t\x01 é 😀 \u2028",
				Referer: `{"a":[1,2]}`, CreatedAt: at, Channel: "wa"},
			{ID: "odd-2", ParticipantID: alice.ID, Code: alice.Code, IPHash: "", UserAgent: "", Referer: "", CreatedAt: at, Bot: true},
		}
		if err := db.InsertClicks(ctx, clicks); err != nil {
			t.Fatal(err)
		}
		for _, want := range clicks {
			got, err := db.Read().ClickByID(ctx, want.ID)
			if err != nil || got != want {
				t.Errorf("click %s read back as %+v, %v; want %+v", want.ID, got, err, want)
			}
		}
		p, err := db.Read().Participant(ctx, alice.ID)
		if err != nil || p.ClickCount != 1 {
			t.Fatalf("click_count %d, %v; want 1 (the bot's click is not counted)", p.ClickCount, err)
		}
		figures, err := db.Read().ChannelFigures(ctx, alice.ID)
		if err != nil || len(figures) != 1 || figures[0].Channel != "wa" || figures[0].Clicks != 1 {
			t.Fatalf("channel figures %+v, %v", figures, err)
		}
	})
}
