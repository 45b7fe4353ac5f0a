package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAnalyticsChannels: the refresh rolls up, per share channel, human
// clicks, referred signups and first purchases, and a period reads them
// summed over its days.
func TestAnalyticsChannels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		_, carol := mustUser(t, db, "carol")
		click := func(id, channel string, bot bool) referralhub.Click {
			return referralhub.Click{ID: id, ParticipantID: alice.ID, Code: alice.Code, CreatedAt: at, Channel: channel, Bot: bot}
		}
		if err := db.InsertClicks(ctx, []referralhub.Click{click("c1", "wa", false), click("c2", "wa", false),
			click("c3", "qr", false), click("c4", "", false), click("c5", "wa", true)}); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			for _, r := range []referralhub.Referral{{ReferrerID: alice.ID, RefereeID: bob.ID, ClickID: "c1", Channel: "wa", CreatedAt: at},
				{ReferrerID: alice.ID, RefereeID: carol.ID, ClickID: "c3", Channel: "qr", CreatedAt: at}} {
				if err := q.CreateReferral(ctx, &r); err != nil {
					return err
				}
			}
			_, err := q.RecordEvent(ctx, &referralhub.Event{ParticipantID: bob.ID, Name: "purchase", Key: "p1", Amount: 100, Currency: "usd", CreatedAt: at.Add(time.Hour)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RefreshAnalyticsDays(ctx, at.AddDate(0, 0, -1), at.AddDate(0, 0, 1), at.Add(time.Hour), at); err != nil {
			t.Fatal(err)
		}
		got, err := db.Read().AnalyticsChannels(ctx, "2026-11-01", "2026-11-30")
		want := []referralhub.ChannelTotals{{Channel: "wa", Clicks: 2, Signups: 1, Conversions: 1},
			{Channel: "", Clicks: 1}, {Channel: "qr", Clicks: 1, Signups: 1}}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("channels = %+v, %v\nwant %+v", got, err, want)
		}
		if got, _ := db.Read().AnalyticsChannels(ctx, "2026-11-04", "2026-11-30"); len(got) != 0 {
			t.Errorf("a period without those days: %+v", got)
		}
		// A second refresh replaces the rows rather than adding to them.
		if err := db.RefreshAnalyticsDays(ctx, at, at, at.Add(time.Hour), at); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Read().AnalyticsChannels(ctx, "2026-11-01", "2026-11-30"); !slices.Equal(got, want) {
			t.Errorf("after a second refresh: %+v", got)
		}
	})
}
