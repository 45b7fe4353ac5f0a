package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
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

// channelScan is what the channel figures' counters must equal: the
// signups and conversions counted from the referrals and events themselves.
const channelScan = `SELECT r.channel, count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM events e
	WHERE e.participant_id = r.referee_id AND e.name = 'purchase') THEN 1 ELSE 0 END), 0)
	FROM referrals r WHERE r.referrer_id = $1 AND r.channel <> '' GROUP BY r.channel`

// TestChannelSignupsAndConversionsAreCounted: each referral through a
// channel counts one signup, and a referred friend's first purchase one
// conversion (a second purchase, a custom event or a friend who came with
// no channel none; a purchase made before the referral counts with it),
// and the counters equal a scan of the referrals and events.
func TestChannelSignupsAndConversionsAreCounted(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) { channelCounts(t, engine) })
	}
}

func channelCounts(t *testing.T, engine string) {
	db, raw := storagetest.OpenWithRaw(t, engine)
	ctx := context.Background()
	_, alice := mustUser(t, db, "alice")
	friends := map[string]int64{}
	for _, name := range []string{"bob", "carol", "dave", "erin", "frank"} {
		_, p := mustUser(t, db, name)
		friends[name] = p.ID
	}
	referrals := map[string]int64{} // each referred friend's referral, which their events are tied to
	event := func(who, name, key string) {
		t.Helper()
		e := referralhub.Event{ParticipantID: friends[who], ReferralID: referrals[who], Name: name, Key: key, CreatedAt: t0}
		if _, err := db.Write().RecordEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	event("frank", referralhub.EventPurchase, "early") // before frank was referred
	for who, channel := range map[string]string{"bob": "wa", "carol": "wa", "dave": "x", "erin": "", "frank": "qr"} {
		r := referralhub.Referral{ReferrerID: alice.ID, RefereeID: friends[who], CreatedAt: t0, Channel: channel}
		if err := db.InTx(ctx, func(q *storage.Queries) error { return q.CreateReferral(ctx, &r) }); err != nil {
			t.Fatal(err)
		}
		referrals[who] = r.ID
	}
	event("bob", referralhub.EventPurchase, "p1")
	event("bob", referralhub.EventPurchase, "p2")
	event("bob", referralhub.EventPurchase, "p1") // a repeated key: not recorded
	event("carol", "visit.page", "v1")
	event("dave", referralhub.EventPurchase, "p1")
	event("erin", referralhub.EventPurchase, "p1")
	got, err := db.Read().ChannelFigures(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []referralhub.ChannelTotals{{Channel: "x", Signups: 1, Conversions: 1}, {Channel: "wa", Signups: 2, Conversions: 1},
		{Channel: "qr", Signups: 1, Conversions: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("channel figures = %+v, want %+v", got, want)
	}
	byName := func(a, b referralhub.ChannelTotals) int { return strings.Compare(a.Channel, b.Channel) }
	if scanned := scanChannels(t, raw, alice.ID); !slices.Equal(scanned, slices.SortedFunc(slices.Values(want), byName)) {
		t.Fatalf("scanned = %+v, want %+v", scanned, want)
	}
}

// scanChannels counts a participant's signups and conversions by channel
// from their referrals, in channel order.
func scanChannels(t *testing.T, raw *sql.DB, participantID int64) []referralhub.ChannelTotals {
	t.Helper()
	rows, err := raw.QueryContext(context.Background(), channelScan+` ORDER BY r.channel`, participantID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []referralhub.ChannelTotals
	for rows.Next() {
		var c referralhub.ChannelTotals
		if err := rows.Scan(&c.Channel, &c.Signups, &c.Conversions); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestUpgradeCountsChannelSignupsAndConversions: migration 0035 counts the
// referrals and purchases stored before it, beside the clicks already kept.
func TestUpgradeCountsChannelSignupsAndConversions(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, url := openAtSchema(t, engine, t0, 31)
			_, a := mustUserAtOldSchema(t, db, url, "alice")
			_, b := mustUserAtOldSchema(t, db, url, "bob")
			_, c := mustUserAtOldSchema(t, db, url, "carol")
			raw := rawDB(t, engine, url)
			mustExec(t, raw, fmt.Sprintf(`INSERT INTO participant_channels (participant_id, channel, clicks) VALUES (%d, 'wa', 7)`, a.ID))
			for _, f := range []struct {
				id      int64
				channel string
			}{{b.ID, "wa"}, {c.ID, "qr"}} {
				mustExec(t, raw, fmt.Sprintf(`INSERT INTO referrals (referrer_id, referee_id, created_at, channel)
					SELECT %d, %d, created_at, '%s' FROM participants WHERE id = %d`, a.ID, f.id, f.channel, f.id))
			}
			for _, key := range []string{"p1", "p2"} {
				mustExec(t, raw, fmt.Sprintf(`INSERT INTO events (participant_id, name, idempotency_key, created_at)
					SELECT id, 'purchase', '%s', created_at FROM participants WHERE id = %d`, key, b.ID))
			}
			if _, err := db.Migrate(ctx, t0); err != nil {
				t.Fatal(err)
			}
			got, err := db.Read().ChannelFigures(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []referralhub.ChannelTotals{{Channel: "wa", Clicks: 7, Signups: 1, Conversions: 1}, {Channel: "qr", Signups: 1}}
			if !slices.Equal(got, want) {
				t.Fatalf("channel figures after the upgrade = %+v, want %+v", got, want)
			}
		})
	}
}
