package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestChannelClicksCountOnce: the click flush counts each participant's
// human clicks per channel, and a batch stored twice (a retry) counts once.
func TestChannelClicksCountOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, p := mustUser(t, db, "alice")
		click := func(id, channel string, bot bool) referralhub.Click {
			return referralhub.Click{ID: id, ParticipantID: p.ID, Code: p.Code, IPHash: "ip", CreatedAt: t0, Bot: bot, Channel: channel}
		}
		batch := []referralhub.Click{click("c1", "wa", false), click("c2", "wa", false), click("c3", "wa", true),
			click("c4", "", false), click("c5", "qr", false)}
		for range 2 {
			if err := db.InsertClicks(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.InsertClicks(ctx, []referralhub.Click{click("c6", "qr", false)}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Read().ChannelFigures(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []referralhub.ChannelTotals{{Channel: "wa", Clicks: 2}, {Channel: "qr", Clicks: 2}}
		if !slices.Equal(got, want) {
			t.Fatalf("channel figures = %+v, want %+v", got, want)
		}
	})
}
