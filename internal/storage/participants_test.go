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

func TestParticipantCodeCollision(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustUser(t, db, "bob")
		u := referralhub.User{Email: "carol@example.com", Username: "carol", CreatedAt: t0}
		if err := db.Write().CreateUser(ctx, &u, "hash"); err != nil {
			t.Fatal(err)
		}
		p := referralhub.Participant{UserID: u.ID, Code: "cbob", CreatedAt: t0, LastSeenAt: t0}
		if err := db.Write().CreateParticipant(ctx, &p); !errors.Is(err, storage.ErrCodeTaken) {
			t.Fatalf("err = %v, want ErrCodeTaken", err)
		}
		owner, err := db.Read().CodeOwner(ctx, "cbob")
		if err != nil || owner.Username != "bob" {
			t.Fatalf("owner = %+v, %v", owner, err)
		}
		if _, err := db.Read().CodeOwner(ctx, "nope"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown code: err = %v", err)
		}
	})
}

func TestSampleCodesAndIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		want := map[string]int64{}
		for _, name := range []string{"ann", "bob", "cat"} {
			_, p := mustUser(t, db, name)
			want[p.Code] = p.ID
		}
		codes, err := db.Read().SampleCodes(ctx, 0)
		if err != nil || len(codes) != len(want) {
			t.Fatalf("every code = %v, %v; want the %d codes", codes, err, len(want))
		}
		for _, c := range codes {
			if _, ok := want[c]; !ok {
				t.Fatalf("sampled code %q is nobody's", c)
			}
		}
		ids, err := db.Read().SampleParticipantIDs(ctx, 2)
		if err != nil || len(ids) != 2 || ids[0] == ids[1] {
			t.Fatalf("two ids = %v, %v; want two different participants", ids, err)
		}
		for _, id := range ids {
			if id != want["cann"] && id != want["cbob"] && id != want["ccat"] {
				t.Fatalf("sampled id %d is no participant's", id)
			}
		}
	})
}

// TestAnonymiseAndDeleteUser leaves the participant, its referral, the
// counts and the ledger, and removes the user with their sessions.
func TestAnonymiseAndDeleteUser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		bobUser, bob := mustUser(t, db, "bobwhite")
		ref := referralhub.Referral{ReferrerID: alice.ID, RefereeID: bob.ID, CreatedAt: t0}
		q := db.Write()
		if err := q.CreateReferral(ctx, &ref); err != nil {
			t.Fatal(err)
		}
		entry := func(p referralhub.Participant, side, reason string) {
			r := referralhub.Reward{ParticipantID: p.ID, Side: side, Entry: referralhub.EntryReward, RuleID: 1, ReferralID: ref.ID,
				Kind: referralhub.KindPoints, Amount: 10, Status: referralhub.StatusApproved, Reason: reason, CreditedAt: t0, ApprovedAt: t0}
			if _, err := q.InsertReward(ctx, &r, ""); err != nil {
				t.Fatal(err)
			}
		}
		entry(alice, referralhub.SideReferrer, "bobwhite signed up")
		entry(bob, referralhub.SideReferee, "You signed up through alice's link")
		if err := q.CreateSession(ctx, "bob-session", bobUser.ID, t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		reasons := func(p referralhub.Participant) string {
			rs, err := db.Read().ReasonsAbout(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(rs)
		}
		if got := reasons(bob); got != "[{1 bobwhite signed up}]" {
			t.Errorf("reasons about bob = %s", got)
		}
		if got := reasons(alice); got != "[{2 You signed up through alice's link}]" {
			t.Errorf("reasons about alice = %s", got)
		}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.SetRewardReason(ctx, 1, "a deleted user signed up"); err != nil {
				return err
			}
			if err := q.AnonymiseParticipant(ctx, bob.ID, "deleted-x", t0); err != nil {
				return err
			}
			return q.DeleteUser(ctx, bobUser.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.Read().Participant(ctx, bob.ID); err != nil || got.UserID != 0 || got.Code != "deleted-x" {
			t.Fatalf("tombstone = %+v, %v", got, err)
		}
		if _, err := db.Read().CodeOwner(ctx, bob.Code); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("old code: err = %v", err)
		}
		if got, err := db.Read().Participant(ctx, alice.ID); err != nil || got.ReferralCount != 1 {
			t.Errorf("alice = %+v, %v", got, err)
		}
		if list, err := db.Read().ReferredUsers(ctx, alice.ID, 10, 0); err != nil || len(list) != 1 || list[0].Username != "" {
			t.Errorf("alice's list = %+v, %v", list, err)
		}
		if _, _, err := db.Read().SessionUser(ctx, "bob-session", t0); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("bob's session: err = %v", err)
		}
		if b, err := db.Read().Balances(ctx, alice.ID); err != nil || len(b) != 1 || b[0].Available != 10 {
			t.Errorf("alice's balance = %+v, %v", b, err)
		}
		if err := q.DeleteUser(ctx, bobUser.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("second delete: err = %v", err)
		}
		storagetest.AssertNowhere(t, db, "bobwhite")
	})
}
