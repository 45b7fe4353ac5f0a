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

// clickRollups reads the click figures of the days first to last: each
// day's clicks and unique clicks, and its clicks per channel.
func clickRollups(t *testing.T, db *storage.DB, first, last time.Time) string {
	t.Helper()
	ctx := context.Background()
	out := ""
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		key := d.Format("2006-01-02")
		days, err := db.Read().AnalyticsDays(ctx, key, key)
		if err != nil {
			t.Fatal(err)
		}
		channels, err := db.Read().AnalyticsChannels(ctx, key, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range days {
			out += fmt.Sprintf("%s clicks %d unique %d signups %d/%d;", key, day.Clicks, day.UniqueClicks, day.OrganicSignups, day.ReferredSignups)
		}
		for _, c := range channels {
			out += fmt.Sprintf(" %s[%q %d %d]", key, c.Channel, c.Clicks, c.Signups)
		}
		out += "\n"
	}
	return out
}

// TestIncrementalClicksEqualAWholeRecount refreshes every few minutes over
// three days while clicks arrive (repeated visitors, bots, channels,
// clicks across midnight, and one click written late as from the spool),
// adding only the clicks new since each refresh; the rollups then equal a
// whole recount of the same days, on both engines.
func TestIncrementalClicksEqualAWholeRecount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		start := time.Date(2026, 11, 3, 22, 0, 0, 0, time.UTC)
		settle := time.Minute
		refresh := func(now time.Time, whole bool) {
			t.Helper()
			from := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, time.UTC)
			var err error
			if whole {
				err = db.RefreshAnalyticsDays(ctx, from, now, now.Add(-settle), now)
			} else {
				err = db.RefreshAnalyticsRecent(ctx, from, now, now.Add(-settle), now)
			}
			if err != nil {
				t.Fatalf("refresh at %s: %v", now, err)
			}
		}
		refresh(start, true)
		n := 0
		click := func(at time.Time, p referralhub.Participant, ip, channel string, bot bool) referralhub.Click {
			n++
			return referralhub.Click{ID: fmt.Sprintf("k%05d", n), ParticipantID: p.ID, Code: p.Code, IPHash: ip, CreatedAt: at, Channel: channel, Bot: bot}
		}
		now := start
		for step := range 600 { // 600 refreshes 5 minutes apart: 50 hours
			var batch []referralhub.Click
			for i := range 3 {
				at := now.Add(time.Duration(i) * 90 * time.Second)
				p := alice
				if (step+i)%3 == 0 {
					p = bob
				}
				batch = append(batch, click(at, p, fmt.Sprintf("ip%d", (step*7+i)%11), []string{"", "wa", "qr"}[(step+i)%3], (step+i)%17 == 0))
			}
			if step == 200 { // a click made 40 minutes ago reaches the database only now
				batch = append(batch, click(now.Add(-40*time.Minute), alice, "ip-late", "em", false))
			}
			if err := db.InsertClicks(ctx, batch); err != nil {
				t.Fatal(err)
			}
			if step%50 == 0 {
				err := db.InTx(ctx, func(q *storage.Queries) error {
					_, c := mustUserIn(t, ctx, q, fmt.Sprintf("u%d", step), now)
					return q.CreateReferral(ctx, &referralhub.Referral{ReferrerID: alice.ID, RefereeID: c.ID, Channel: "wa", CreatedAt: now})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(5 * time.Minute)
			refresh(now, false)
		}
		first, last := start.AddDate(0, 0, -1), now
		incremental := clickRollups(t, db, first, last)
		if err := db.RefreshAnalyticsDays(ctx, first, now, now.Add(-settle), now); err != nil {
			t.Fatal(err)
		}
		if whole := clickRollups(t, db, first, last); whole != incremental {
			t.Fatalf("incremental rollups:\n%s\nwhole recount:\n%s", incremental, whole)
		}
	})
}

// mustUserIn creates a user with a participant inside a transaction.
func mustUserIn(t *testing.T, ctx context.Context, q *storage.Queries, name string, at time.Time) (referralhub.User, referralhub.Participant) {
	t.Helper()
	u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: at}
	if err := q.CreateUser(ctx, &u, "hash"); err != nil {
		t.Fatal(err)
	}
	p := referralhub.Participant{UserID: u.ID, Code: "c" + name, CreatedAt: at, LastSeenAt: at}
	if err := q.CreateParticipant(ctx, &p); err != nil {
		t.Fatal(err)
	}
	return u, p
}
