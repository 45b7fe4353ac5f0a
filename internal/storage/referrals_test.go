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

func TestReferralCountersAndList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		var clicks []referralhub.Click
		var last referralhub.Participant
		for i := range 3 {
			_, friend := mustUser(t, db, fmt.Sprintf("friend%d", i))
			r := referralhub.Referral{ReferrerID: alice.ID, RefereeID: friend.ID, ClickID: fmt.Sprintf("k%d", i), CreatedAt: t0.Add(time.Duration(i) * time.Hour)}
			if err := db.Write().CreateReferral(ctx, &r); err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				if err := db.Write().TouchParticipant(ctx, friend.ID, t0.Add(40*24*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			last = friend
			clicks = append(clicks, referralhub.Click{ID: fmt.Sprintf("k%d", i), ParticipantID: alice.ID, Code: alice.Code, IPHash: "x", CreatedAt: t0})
		}
		// Inserting the same batch twice stores each click once.
		for range 2 {
			if err := db.InsertClicks(ctx, clicks); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Read().Participant(ctx, alice.ID)
		if err != nil || got.ReferralCount != 3 || got.ClickCount != 3 {
			t.Fatalf("alice = %+v, %v; want 3 referrals and 3 clicks counted once", got, err)
		}
		if active, err := db.Read().ActiveReferrals(ctx, alice.ID, t0.Add(30*24*time.Hour)); err != nil || active != 1 {
			t.Fatalf("active = %d, %v; want 1", active, err)
		}
		if n, err := db.Read().CountClicks(ctx); err != nil || n != 3 {
			t.Fatalf("clicks stored = %d, %v", n, err)
		}
		list, err := db.Read().ReferredUsers(ctx, alice.ID, 2, 0)
		if err != nil || len(list) != 2 || list[0].Username != "friend2" || !list[0].JoinedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("list = %+v, %v", list, err)
		}
		dup := referralhub.Referral{ReferrerID: alice.ID, RefereeID: last.ID, CreatedAt: t0}
		if err := db.Write().CreateReferral(ctx, &dup); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("second referral of one person: err = %v, want conflict", err)
		}
	})
}

// TestPagesByIDSurviveInserts pages through referrals and rewards by id
// while new ones arrive: every row is seen exactly once.
func TestPagesByIDSurviveInserts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, boss := mustUser(t, db, "boss")
		refer := func(i int) {
			p := mustAPIParticipant(t, db, "f"+string(rune('a'+i)), "", "")
			r := referralhub.Referral{ReferrerID: boss.ID, RefereeID: p.ID, ClickID: "click", CreatedAt: t0}
			reward := referralhub.Reward{ParticipantID: boss.ID, Side: "referrer", Entry: "reward", RuleID: 1, Kind: "points",
				Amount: 10, Status: "approved", Reason: "r", CreditedAt: t0, ApprovedAt: t0}
			err := db.InTx(ctx, func(q *storage.Queries) error {
				if err := q.CreateReferral(ctx, &r); err != nil {
					return err
				}
				reward.ReferralID = r.ID
				_, err := q.InsertReward(ctx, &reward, "")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range 5 {
			refer(i)
		}
		seenRefs, seenRewards := map[int64]int{}, map[int64]int{}
		var afterRef, afterReward int64
		for page := 0; page < 20; page++ {
			refs, err := db.Read().ReferralsAfter(ctx, boss.ID, afterRef, 2)
			if err != nil {
				t.Fatal(err)
			}
			rewards, err := db.Read().RewardsAfter(ctx, boss.ID, afterReward, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				seenRefs[r.ID]++
				afterRef = r.ID
				if r.RefereeExternalID == "" || r.ClickID != "click" || r.Review != "clear" {
					t.Fatalf("referral row = %+v", r)
				}
			}
			for _, r := range rewards {
				seenRewards[r.ID]++
				afterReward = r.ID
			}
			if page < 3 {
				refer(5 + page) // arrives between pages
			}
			if len(refs) == 0 && len(rewards) == 0 {
				break
			}
		}
		if len(seenRefs) != 8 || len(seenRewards) != 8 {
			t.Fatalf("saw %d referrals and %d rewards, want 8 each", len(seenRefs), len(seenRewards))
		}
		for id, n := range seenRefs {
			if n != 1 {
				t.Errorf("referral %d seen %d times", id, n)
			}
		}
		for id, n := range seenRewards {
			if n != 1 {
				t.Errorf("reward %d seen %d times", id, n)
			}
		}
	})
}
