package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// statusesOf returns the statuses of a participant's rewards by the
// referral they came from.
func (f *fixture) statusesOf(t *testing.T, m member) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, r := range f.rewards(t, m).Rewards {
		out[r.ReferralID] = r.Status
	}
	return out
}

// TestBanningAReferredParticipantTakesTheirReferralOut: alice referred bob
// and carol, whose signups pay both sides after a hold. Banning bob takes
// his referral out of alice's qualified count (her tier) and her rank,
// and cancels the rewards of his referral still on hold, hers included;
// carol's referral is untouched and pays out after the hold.
func TestBanningAReferredParticipantTakesTheirReferralOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 24*time.Hour, referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: points(10), Referee: points(5)})
		alice := f.join(t, "alice", nil)
		bob, carol := f.join(t, "bob", &alice), f.join(t, "carol", &alice)
		if n := f.qualified(t, alice.p.ID); n != 2 {
			t.Fatalf("alice qualified %d, want 2", n)
		}
		bobRef, err := db.Read().ReferralPartiesOf(ctx, bob.p.ID)
		if err != nil {
			t.Fatal(err)
		}
		carolRef, err := db.Read().ReferralPartiesOf(ctx, carol.p.ID)
		if err != nil {
			t.Fatal(err)
		}

		if err := f.svc.Ban(ctx, f.admin(t), bob.p.ID, "fake account"); err != nil {
			t.Fatal(err)
		}
		if n := f.qualified(t, alice.p.ID); n != 1 {
			t.Errorf("after bob's ban alice qualified %d, want 1", n)
		}
		board, err := f.svc.Leaderboard(ctx, alice.p.ID, referralhub.BoardAll)
		if err != nil || board.You.Referrals != 1 || board.You.Rank != 1 {
			t.Errorf("alice's place after bob's ban = %+v, %v; want 1 referral, rank 1", board.You, err)
		}
		got := f.statusesOf(t, alice)
		if got[bobRef.ID] != referralhub.StatusCancelled || got[carolRef.ID] != referralhub.StatusPending {
			t.Errorf("alice's rewards = %v, want bob's cancelled and carol's pending", got)
		}
		if got := f.statusesOf(t, bob); got[bobRef.ID] != referralhub.StatusCancelled {
			t.Errorf("bob's own reward = %v, want cancelled", got)
		}

		f.clock.Advance(25 * time.Hour)
		f.runJobs(t)
		got = f.statusesOf(t, alice)
		if got[bobRef.ID] != referralhub.StatusCancelled || got[carolRef.ID] != referralhub.StatusApproved {
			t.Errorf("after the hold alice's rewards = %v, want bob's cancelled and carol's approved", got)
		}
		if err := f.svc.Ban(ctx, f.admin(t), bob.p.ID, "again"); err != nil {
			t.Errorf("a second ban: %v", err)
		}
	})
}

// TestSwitchingTheVerificationGateResettlesReferrals: with the gate off,
// alice's referral of bob (unverified) counts. Switching the gate on takes
// it off her count and rank (his approved reward stays approved); carol,
// referred meanwhile, waits. Switching it off again counts both, and
// approves carol's reward, whose hold has ended.
func TestSwitchingTheVerificationGateResettlesReferrals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: points(10)})
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		rank := func() core.BoardPlace {
			t.Helper()
			b, err := f.svc.Leaderboard(ctx, alice.p.ID, referralhub.BoardAll)
			if err != nil {
				t.Fatal(err)
			}
			return b.You
		}
		if n, you := f.qualified(t, alice.p.ID), rank(); n != 1 || you.Referrals != 1 {
			t.Fatalf("gate off: alice qualified %d, place %+v; want 1", n, you)
		}

		f.requireVerification(t, true)
		if n, you := f.qualified(t, alice.p.ID), rank(); n != 0 || you.Referrals != 0 || you.Rank != 0 {
			t.Errorf("gate on: alice qualified %d, place %+v; want bob's referral taken out", n, you)
		}
		bobRef, _ := db.Read().ReferralPartiesOf(ctx, bob.p.ID)
		if got := f.statusesOf(t, alice)[bobRef.ID]; got != referralhub.StatusApproved {
			t.Errorf("bob's approved reward is now %s", got)
		}
		carol := f.join(t, "carol", &alice)
		carolRef, _ := db.Read().ReferralPartiesOf(ctx, carol.p.ID)
		if got := f.statusesOf(t, alice)[carolRef.ID]; got != referralhub.StatusPending {
			t.Fatalf("carol's reward under the gate is %s, want pending", got)
		}

		f.requireVerification(t, false)
		if n, you := f.qualified(t, alice.p.ID), rank(); n != 2 || you.Referrals != 2 || you.Rank != 1 {
			t.Errorf("gate off again: alice qualified %d, place %+v; want 2, rank 1", n, you)
		}
		if got := f.statusesOf(t, alice)[carolRef.ID]; got != referralhub.StatusApproved {
			t.Errorf("carol's reward after the gate opened is %s, want approved", got)
		}
	})
}
