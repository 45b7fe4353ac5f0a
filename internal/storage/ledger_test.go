package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func verify(t *testing.T, db *storage.DB) referralhub.LedgerCheck {
	t.Helper()
	c, err := db.VerifyLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLedgerChainVerifiesIntact(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		l := storagetest.LedgerFixture(t, db)
		c := verify(t, db)
		if !c.OK || c.Chains != 2 || c.Records != l.Records || len(c.Digest) != 64 {
			t.Fatalf("intact ledger: %+v, want OK with 2 chains and %d records", c, l.Records)
		}
		// The digest covers the heads: one more credit changes it.
		err := db.InTx(context.Background(), func(q *storage.Queries) error {
			r := referralhub.Reward{ParticipantID: l.A, Side: referralhub.SideReferee, Entry: referralhub.EntryReward, RuleID: 2,
				Kind: referralhub.KindPoints, Amount: 1, Status: referralhub.StatusApproved, Reason: "x", CreditedAt: time.Now(), ApprovedAt: time.Now()}
			_, err := q.InsertReward(context.Background(), &r, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if again := verify(t, db); !again.OK || again.Records != l.Records+1 || again.Digest == c.Digest {
			t.Fatalf("after a credit: %+v (digest before %s)", again, c.Digest)
		}
	})
}

// TestLedgerEditedBySQLIsCaught edits the ledger behind ReferralHub's back
// and expects the first break at the record edited (or the one after a
// deleted record), saying what did not match.
func TestLedgerEditedBySQLIsCaught(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(l storagetest.Ledger) string
		record string
		entry  func(l storagetest.Ledger) (participant, reward int64)
		seq    int64 // 0: not checked
		says   string
	}{
		{"amount changed", func(l storagetest.Ledger) string {
			return fmt.Sprintf(`UPDATE rewards SET amount = 1000 WHERE id = %d`, l.Points)
		},
			referralhub.RecordEntry, func(l storagetest.Ledger) (int64, int64) { return l.A, l.Points }, 1, "content does not match"},
		{"an entry deleted", func(l storagetest.Ledger) string { return fmt.Sprintf(`DELETE FROM rewards WHERE id = %d`, l.Points) },
			referralhub.RecordEntry, func(l storagetest.Ledger) (int64, int64) { return l.A, l.Held }, 2, "record 1, just before it, is missing"},
		{"a later entry deleted", func(l storagetest.Ledger) string { return fmt.Sprintf(`DELETE FROM rewards WHERE id = %d`, l.Clawback) },
			referralhub.RecordChange, func(l storagetest.Ledger) (int64, int64) { return l.B, l.Reversed }, 7, "record 6, just before it, is missing"},
		{"the last record deleted", func(l storagetest.Ledger) string {
			return fmt.Sprintf(`DELETE FROM reward_changes WHERE reward_id = %d AND change = 'late_payout'`, l.Reversed)
		}, "head", func(l storagetest.Ledger) (int64, int64) { return l.B, 0 }, 0, "head says 7 records ending in one hashing to"},
		{"a status history row changed", func(l storagetest.Ledger) string {
			return fmt.Sprintf(`UPDATE reward_changes SET state = '{"status":"approved"}' WHERE reward_id = %d AND change = 'cancelled'`, l.Cancelled)
		}, referralhub.RecordChange, func(l storagetest.Ledger) (int64, int64) { return l.A, l.Cancelled }, 5, "content does not match"},
		{"a status changed without its history", func(l storagetest.Ledger) string {
			return fmt.Sprintf(`UPDATE rewards SET status = 'approved' WHERE id = %d`, l.Cancelled)
		}, referralhub.RecordEntry, func(l storagetest.Ledger) (int64, int64) { return l.A, l.Cancelled }, 3,
			`status is "approved", its history says "cancelled"`},
		{"an entry added by SQL", func(l storagetest.Ledger) string {
			return fmt.Sprintf(`INSERT INTO rewards (id, participant_id, side, entry, kind, amount, status, reason, credited_at)
				VALUES (9999, %d, 'referrer', 'reward', 'points', 500, 'approved', 'forged', '2026-11-02 00:00:00.000000+00:00')`, l.B)
		}, referralhub.RecordEntry, func(l storagetest.Ledger) (int64, int64) { return l.B, 9999 }, 0, "has no hash"},
		{"a head changed", func(l storagetest.Ledger) string {
			return fmt.Sprintf(`UPDATE ledger_heads SET seq = 4 WHERE participant_id = %d`, l.A)
		},
			"head", func(l storagetest.Ledger) (int64, int64) { return l.A, 0 }, 0, "head says 4 records"},
	}
	for _, engine := range storagetest.Engines() {
		for _, c := range cases {
			t.Run(engine+"/"+c.name, func(t *testing.T) {
				db, raw := storagetest.OpenWithRaw(t, engine)
				l := storagetest.LedgerFixture(t, db)
				mustExec(t, raw, c.edit(l))
				got := verify(t, db)
				pid, rid := c.entry(l)
				if got.OK || got.BreakCount != 1 || len(got.Breaks) != 1 {
					t.Fatalf("after %s: %+v, want one break", c.name, got)
				}
				b := got.Breaks[0]
				if b.ParticipantID != pid || b.RewardID != rid || b.Record != c.record || (c.seq != 0 && b.Seq != c.seq) ||
					!strings.Contains(b.Problem, c.says) || got.Problem != b.String() {
					t.Errorf("after %s: break %+v, want %s of entry %d (seq %d) of beneficiary %d saying %q",
						c.name, b, c.record, rid, c.seq, pid, c.says)
				}
			})
		}
	}
}

func mustExec(t *testing.T, raw *sql.DB, query string) {
	t.Helper()
	if _, err := raw.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestConcurrentCreditsLeaveAValidChain credits one beneficiary (and a
// second) from several goroutines at once: on PostgreSQL they race for
// the chain's head, and the chain must come out whole.
func TestConcurrentCreditsLeaveAValidChain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		_, a := mustUser(t, db, "alice")
		_, b := mustUser(t, db, "bob")
		const workers, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					pid := a.ID
					if i%3 == 0 {
						pid = b.ID
					}
					errs <- db.InTx(context.Background(), func(q *storage.Queries) error {
						r := referralhub.Reward{ParticipantID: pid, Side: referralhub.SideReferrer, Entry: referralhub.EntryReward,
							RuleID: int64(100 + w*each + i), Kind: referralhub.KindPoints, Amount: 1, Status: referralhub.StatusApproved,
							Reason: "race", CreditedAt: t0, ApprovedAt: t0}
						_, err := q.InsertReward(context.Background(), &r, "")
						return err
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if c := verify(t, db); !c.OK || c.Records != workers*each || c.Chains != 2 {
			t.Fatalf("after concurrent credits: %+v, want %d records in 2 whole chains", c, workers*each)
		}
	})
}

// TestUpgradeChainsTheExistingLedger: rows written before the chain
// (migration 0031) are chained by it, in id order, with their state then
// as their opening state, and later changes chain after them.
func TestUpgradeChainsTheExistingLedger(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, url := openAtSchema(t, engine, time.Now(), 30)
			_, a := mustUser(t, db, "alice")
			_, b := mustUser(t, db, "bob")
			raw := rawDB(t, engine, url)
			for i, pid := range []int64{a.ID, b.ID, a.ID} {
				mustExec(t, raw, fmt.Sprintf(`INSERT INTO rewards (participant_id, side, entry, rule_id, kind, amount, status, reason,
					hold_until, credited_at) VALUES (%d, 'referrer', 'reward', %d, 'points', 5, 'pending', 'old',
					'2026-11-01 13:00:00.000000+00:00', '2026-11-01 12:00:00.000000+00:00')`, pid, i+1))
			}
			if _, err := db.Migrate(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
			if c := verify(t, db); !c.OK || c.Records != 3 || c.Chains != 2 {
				t.Fatalf("after the upgrade: %+v, want 3 records in 2 whole chains", c)
			}
			err := db.InTx(ctx, func(q *storage.Queries) error {
				_, err := q.ApproveReward(ctx, 3, t0.Add(2*time.Hour))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if c := verify(t, db); !c.OK || c.Records != 4 {
				t.Fatalf("after a change: %+v, want 4 records, whole", c)
			}
		})
	}
}

// TestBulkSignupRewardsChainTheirEntries: the demo's bulk credits leave
// whole chains too.
func TestBulkSignupRewardsChainTheirEntries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, a := mustUser(t, db, "alice")
		for _, name := range []string{"bob", "carol", "dave"} {
			_, p := mustUser(t, db, name)
			if err := db.Write().CreateReferral(ctx, &referralhub.Referral{ReferrerID: a.ID, RefereeID: p.ID, CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		err := db.InTx(ctx, func(q *storage.Queries) error { return q.BulkSignupRewards(ctx, 1, 10) })
		if err != nil {
			t.Fatal(err)
		}
		if c := verify(t, db); !c.OK || c.Records != 3 || c.Chains != 1 {
			t.Fatalf("after bulk credits: %+v, want 3 records in one whole chain", c)
		}
		// A second run credits nothing twice, and a live credit after it
		// takes an id the bulk entries did not (PostgreSQL's sequence moved
		// past them) and links onto the same chain.
		err = db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.BulkSignupRewards(ctx, 1, 10); err != nil {
				return err
			}
			r := referralhub.Reward{ParticipantID: a.ID, Side: referralhub.SideReferrer, Entry: referralhub.EntryReward, RuleID: 2,
				Kind: referralhub.KindPoints, Amount: 1, Status: referralhub.StatusApproved, Reason: "x", CreditedAt: t0, ApprovedAt: t0}
			_, err := q.InsertReward(ctx, &r, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if c := verify(t, db); !c.OK || c.Records != 4 || c.Chains != 1 {
			t.Fatalf("after a second run and a live credit: %+v, want 4 records in one whole chain", c)
		}
		got, err := db.Read().Balances(ctx, a.ID)
		if err != nil || len(got) != 1 || got[0].Available != 31 {
			t.Fatalf("balances after bulk and live credits: %+v, %v; want 31 points", got, err)
		}
	})
}
