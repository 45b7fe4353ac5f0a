package storage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBulkEventsAndBacktestReads: events inserted in bulk are read back by
// EachBacktestEvent a range of ids at a time, in the order recorded, with their
// referral's parties (an achievement with its achiever as the referrer),
// leaving out refunds, clicks, organic events and events outside the
// window; the state at the window's start is read as the ledger and the
// events hold it. A repeated key is ECONFLICT.
func TestBulkEventsAndBacktestReads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, ann := mustUser(t, db, "ann")
		_, bob := mustUser(t, db, "bob")
		_, cat := mustUser(t, db, "cat")
		_, dan := mustUser(t, db, "dan")
		mustRefer(t, db, ann.ID, bob.ID, 1)
		mustRefer(t, db, ann.ID, cat.ID, 2)
		refOf := func(p referralhub.Participant) int64 {
			rp, err := db.Read().ReferralPartiesOf(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return rp.ID
		}
		from, to := t0.Add(24*time.Hour), t0.Add(48*time.Hour)
		in := from.Add(time.Hour)
		ev := func(p referralhub.Participant, ref int64, name, key string, at time.Time) referralhub.Event {
			return referralhub.Event{ParticipantID: p.ID, ReferralID: ref, Name: name, Key: key, Amount: 100, Currency: "usd", CreatedAt: at}
		}
		rb, rc := refOf(bob), refOf(cat)
		events := []referralhub.Event{
			ev(bob, rb, "purchase", "b1", t0), // before the window
			ev(bob, rb, "purchase", "b2", in),
			ev(cat, rc, "signup", "c0", in),
			ev(bob, rb, "refund", "b3", in),
			ev(cat, rc, "click", "c1", in),
			ev(dan, 0, "purchase", "d1", in), // organic
			ev(ann, 0, "badge.1", "rh:badge.1", in),
			ev(cat, rc, "purchase", "c2", in),
			ev(cat, rc, "purchase", "c3", to), // after it
		}
		if err := db.InTx(ctx, func(q *storage.Queries) error { return q.BulkEvents(ctx, events) }); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(q *storage.Queries) error { return q.BulkEvents(ctx, events[1:2]) })
		if referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("repeated key: %v", err)
		}

		first, last, err := db.Read().BacktestEventIDs(ctx, from, to)
		if err != nil || first == 0 || last-first != 6 { // the window's seven events
			t.Fatalf("ids %d to %d, %v", first, last, err)
		}
		var got []string
		for after := first - 1; after < last; after += 2 {
			err := db.Read().EachBacktestEvent(ctx, from, to, after, min(after+2, last), func(b *storage.BacktestEvent) error {
				p := b.Parties
				got = append(got, fmt.Sprintf("%s ref=%v referrer=%v referee=%v", b.Event.Name, p.ID == b.Event.ReferralID && p.ID != 0,
					p.ReferrerID == ann.ID, p.RefereeID == b.Event.ParticipantID))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"purchase ref=true referrer=true referee=true", "signup ref=true referrer=true referee=true",
			"badge.1 ref=false referrer=true referee=false", "purchase ref=true referrer=true referee=true"}
		if !slices.Equal(got, want) {
			t.Fatalf("backtest events:\n%q\nwant\n%q", got, want)
		}

		var prior []int64
		if err := db.Read().PriorEventReferrals(ctx, "purchase", from, to, func(id int64) { prior = append(prior, id) }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(prior, []int64{rb}) {
			t.Fatalf("prior purchases: %v, want bob's referral %d", prior, rb)
		}
	})
}

// TestBacktestLedgerReads: the entries credited before the window to its
// referrals, a rule's usage in a period, and what each rule issued in the
// window (cancelled entries left out).
func TestBacktestLedgerReads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, ann := mustUser(t, db, "ann")
		_, bob := mustUser(t, db, "bob")
		_, cat := mustUser(t, db, "cat")
		mustRefer(t, db, ann.ID, bob.ID, 1)
		mustRefer(t, db, ann.ID, cat.ID, 2)
		rb, _ := db.Read().ReferralPartiesOf(ctx, bob.ID)
		rc, _ := db.Read().ReferralPartiesOf(ctx, cat.ID)
		from, to := t0.Add(24*time.Hour), t0.Add(48*time.Hour)
		in := from.Add(time.Hour)
		reward := func(rule, ref int64, status string, amount int64, at time.Time) referralhub.Reward {
			r := referralhub.Reward{ParticipantID: ann.ID, Side: "referrer", Entry: "reward", RuleID: rule, ReferralID: ref,
				Kind: "credit", Amount: amount, Currency: "usd", Status: status, Reason: "r", CreditedAt: at}
			switch status {
			case "approved":
				r.ApprovedAt = at
			case "pending":
				r.HoldUntil = at.Add(time.Hour)
			}
			return r
		}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			for _, r := range []referralhub.Reward{
				reward(1, rb.ID, "approved", 100, t0), // before: bob's referral has an event in the window
				reward(2, rc.ID, "approved", 50, t0),  // before, but cat has no event in the window
				reward(1, rc.ID, "approved", 300, in),
				reward(2, rb.ID, "pending", 70, in),
				reward(3, rb.ID, "cancelled", 900, in),
			} {
				if _, err := q.InsertReward(ctx, &r, ""); err != nil {
					return err
				}
			}
			return q.BulkEvents(ctx, []referralhub.Event{{ParticipantID: bob.ID, ReferralID: rb.ID, Name: "purchase", Key: "b", CreatedAt: in}})
		})
		if err != nil {
			t.Fatal(err)
		}
		var credited []string
		err = db.Read().PriorCredited(ctx, from, to, func(rule, ref int64, side string) {
			credited = append(credited, fmt.Sprintf("%d %v %s", rule, ref == rb.ID, side))
		})
		if err != nil || !slices.Equal(credited, []string{"1 true referrer"}) {
			t.Fatalf("prior credited = %v, %v", credited, err)
		}
		var usage []string
		err = db.Read().RuleUsageBetween(ctx, 1, t0, to, func(pid int64, side string, count, total int64) {
			usage = append(usage, fmt.Sprintf("%v %s %d %d", pid == ann.ID, side, count, total))
		})
		if err != nil || !slices.Equal(usage, []string{"true referrer 2 400"}) {
			t.Fatalf("usage = %v, %v", usage, err)
		}
		issued, err := db.Read().IssuedRewards(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(issued); got != "[{1 credit usd 1 300} {2 credit usd 1 70}]" {
			t.Fatalf("issued = %s", got)
		}
	})
}
