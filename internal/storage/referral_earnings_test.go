package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestReferredUsersCarryStateAndEarnings lists referrals with their review
// state, qualification and the referrer's own entries for each: not the
// referee's, not those of referrals on other pages.
func TestReferredUsersCarryStateAndEarnings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, boss := mustUser(t, db, "boss")
		refer := func(ext string, at time.Time, rewards ...referralhub.Reward) int64 {
			t.Helper()
			p := mustAPIParticipant(t, db, ext, "", "")
			r := referralhub.Referral{ReferrerID: boss.ID, RefereeID: p.ID, CreatedAt: at}
			err := db.InTx(ctx, func(q *storage.Queries) error {
				if err := q.CreateReferral(ctx, &r); err != nil {
					return err
				}
				for i, w := range rewards {
					w.ReferralID, w.RuleID, w.CreditedAt, w.Reason = r.ID, int64(i+1), at, "r"
					w.ParticipantID = boss.ID
					if w.Side == referralhub.SideReferee {
						w.ParticipantID = p.ID
					}
					if _, err := q.InsertReward(ctx, &w, ""); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		points := referralhub.Reward{Side: referralhub.SideReferrer, Entry: referralhub.EntryReward, Kind: referralhub.KindPoints,
			Amount: 10, Status: referralhub.StatusApproved}
		old := refer("old", t0, points)
		held := refer("held", t0.Add(time.Hour), referralhub.Reward{Side: referralhub.SideReferrer, Entry: referralhub.EntryReward,
			Kind: referralhub.KindCredit, Amount: 500, Currency: "usd", Status: referralhub.StatusPending})
		friendOnly := refer("friend", t0.Add(2*time.Hour), referralhub.Reward{Side: referralhub.SideReferee,
			Entry: referralhub.EntryReward, Kind: referralhub.KindCoupon, PercentOff: 20, Status: referralhub.StatusApproved})
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if _, err := q.SetReview(ctx, held, []string{referralhub.ReviewClear}, referralhub.ReviewHeld, 0, "", t0); err != nil {
				return err
			}
			_, _, err := q.QualifyReferral(ctx, old, t0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		page, err := db.Read().ReferredUsers(ctx, boss.ID, 2, 0)
		if err != nil || len(page) != 2 {
			t.Fatalf("first page = %+v, %v", page, err)
		}
		if page[0].ReferralID != friendOnly || len(page[0].Earned) != 0 || page[0].Review != referralhub.ReviewClear || page[0].Qualified {
			t.Errorf("newest referral = %+v, want clear, unqualified and nothing earned", page[0])
		}
		if page[1].ReferralID != held || page[1].Review != referralhub.ReviewHeld || len(page[1].Earned) != 1 ||
			page[1].Earned[0].Amount != 500 || page[1].Earned[0].Status != referralhub.StatusPending {
			t.Errorf("held referral = %+v, want held with its pending credit", page[1])
		}
		last, err := db.Read().ReferredUsers(ctx, boss.ID, 2, 2)
		if err != nil || len(last) != 1 || last[0].ReferralID != old || !last[0].Qualified || len(last[0].Earned) != 1 ||
			last[0].Earned[0].Kind != referralhub.KindPoints {
			t.Fatalf("last page = %+v, %v; want the qualified referral with its points", last, err)
		}
	})
}
