package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Ledger is what LedgerFixture stored: two beneficiaries' chains, with
// every kind of change an entry goes through.
type Ledger struct {
	A, B int64 // the beneficiaries' participant ids
	// A's entries: 10 points approved; 5 points held, then approved; a
	// $3 credit held, then cancelled.
	Points, Held, Cancelled int64
	// B's: a coupon asked for and redeemed; 7 points reversed (then paid
	// out late) and their clawback.
	Coupon, Reversed, Clawback int64
	Records                    int64 // entries and changes in both chains
}

// LedgerFixture stores a small ledger through the storage layer (so its
// chains are whole) for the tests of ledger verification.
func LedgerFixture(tb testing.TB, db *storage.DB) Ledger {
	tb.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 123456789, time.UTC)
	var l Ledger
	l.A, l.B = ledgerPerson(tb, db, "ledgera", t0), ledgerPerson(tb, db, "ledgerb", t0)
	err := db.InTx(ctx, func(q *storage.Queries) error {
		credit := func(pid int64, kind string, amount int64, status string) int64 {
			r := referralhub.Reward{ParticipantID: pid, Side: referralhub.SideReferrer, Entry: referralhub.EntryReward,
				RuleID: 1, Kind: kind, Amount: amount, Status: status, Reason: "fixture", CreditedAt: t0}
			if kind == referralhub.KindCredit {
				r.Currency = "usd"
			}
			if status == referralhub.StatusPending {
				r.HoldUntil = t0.Add(time.Hour)
			} else {
				r.ApprovedAt = t0
			}
			if _, err := q.InsertReward(ctx, &r, ""); err != nil {
				tb.Fatal(err)
			}
			return r.ID
		}
		l.Points = credit(l.A, referralhub.KindPoints, 10, referralhub.StatusApproved)
		l.Held = credit(l.A, referralhub.KindPoints, 5, referralhub.StatusPending)
		l.Cancelled = credit(l.A, referralhub.KindCredit, 300, referralhub.StatusPending)
		l.Coupon = credit(l.B, referralhub.KindCoupon, 1000, referralhub.StatusApproved)
		l.Reversed = credit(l.B, referralhub.KindPoints, 7, referralhub.StatusApproved)
		later := t0.Add(2 * time.Hour)
		return fixtureChanges(ctx, q, &l, later)
	})
	if err != nil {
		tb.Fatal(err)
	}
	l.Records = 12
	return l
}

// fixtureChanges moves the fixture's entries through their changes.
func fixtureChanges(ctx context.Context, q *storage.Queries, l *Ledger, at time.Time) error {
	steps := []func() (bool, error){
		func() (bool, error) { return q.ApproveReward(ctx, l.Held, at) },
		func() (bool, error) { return q.CancelReward(ctx, l.Cancelled, at) },
		func() (bool, error) { return q.AskRedeem(ctx, l.Coupon, l.B, at) },
		func() (bool, error) { return q.MarkRedeemed(ctx, l.Coupon, at, "FRIEND10", "promo_1") },
		func() (bool, error) { return q.ReverseReward(ctx, l.Reversed, at) },
		func() (bool, error) {
			claw := referralhub.Reward{ParticipantID: l.B, Side: referralhub.SideReferrer, Entry: referralhub.EntryClawback,
				RuleID: 1, ReversesID: l.Reversed, Kind: referralhub.KindPoints, Amount: -7, Status: referralhub.StatusApproved,
				Reason: "Reversed", CreditedAt: at, ApprovedAt: at}
			ok, err := q.InsertReward(ctx, &claw, "")
			l.Clawback = claw.ID
			return ok, err
		},
		func() (bool, error) { return q.RecordLatePayout(ctx, l.Reversed, "", "txn_1") },
	}
	for i, step := range steps {
		ok, err := step()
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("ledger fixture: step %d changed nothing", i+1)
		}
	}
	return nil
}

// ledgerPerson makes a user and their participant, and returns its id.
func ledgerPerson(tb testing.TB, db *storage.DB, name string, at time.Time) int64 {
	tb.Helper()
	ctx := context.Background()
	u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: at}
	p := referralhub.Participant{Code: name, CreatedAt: at, LastSeenAt: at}
	err := db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateUser(ctx, &u, "hash"); err != nil {
			return err
		}
		p.UserID = u.ID
		return q.CreateParticipant(ctx, &p)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p.ID
}
