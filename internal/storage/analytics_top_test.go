package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestTopReferrers ranks November's referrers exactly and reports how many
// of their referees verified and bought, also when the search has to read
// past the first batch of candidates.
func TestTopReferrers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := storagetest.AnalyticsFixture(t, db)
		top, err := db.Read().TopReferrers(ctx, nov(1), nov(30).AddDate(0, 0, 1), 3)
		if err != nil {
			t.Fatal(err)
		}
		want := []referralhub.TopReferrer{
			{ParticipantID: p["a"].ID, Name: "a", Code: "fxa", Referrals: 2, Verified: 2, Converted: 1},
			{ParticipantID: p["c"].ID, Name: "c", Code: "fxc", Referrals: 2, Verified: 0, Converted: 1},
			{ParticipantID: p["b"].ID, Name: "b", Code: "fxb", Referrals: 1, Verified: 1, Converted: 0},
		}
		if fmt.Sprint(top) != fmt.Sprint(want) {
			t.Errorf("top = %+v\nwant %+v", top, want)
		}
		dec, err := db.Read().TopReferrers(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), storagetest.AnalyticsNow(), 5)
		if err != nil || len(dec) != 1 || dec[0].ParticipantID != p["k"].ID || dec[0].Name != `=HYPERLINK("x")` {
			t.Errorf("December's top = %+v, %v", dec, err)
		}
	})
}

// TestTopReferrersAcrossBatches puts the period's only referrer below
// 250 busier ones whose referrals are all older, past the first batch of
// candidates.
func TestTopReferrersAcrossBatches(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		users := bulkUsers(752)
		parts := bulkParticipants(users)
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.BulkUsers(ctx, users, "h"); err != nil {
				return err
			}
			for i := range parts {
				parts[i].UserID = users[i].ID
			}
			if err := q.BulkParticipants(ctx, parts); err != nil {
				return err
			}
			next := 251
			refer := func(referrer int, at time.Time) error {
				next++
				return q.CreateReferral(ctx, &referralhub.Referral{ReferrerID: parts[referrer].ID, RefereeID: parts[next-1].ID, CreatedAt: at})
			}
			for i := range 250 {
				if err := errors.Join(refer(i, t0), refer(i, t0)); err != nil {
					return err
				}
			}
			return refer(250, nov(20))
		})
		if err != nil {
			t.Fatal(err)
		}
		top, err := db.Read().TopReferrers(ctx, nov(15), nov(25), 5)
		if err != nil || len(top) != 1 || top[0].ParticipantID != parts[250].ID || top[0].Referrals != 1 {
			t.Errorf("top = %+v, %v", top, err)
		}
	})
}
