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

// TestProgramCountsFollowMixedWrites writes through many paths (single
// rows, a bulk load, status changes, a reversal, an account deletion with
// its cascade, clicks) and checks the kept counts after each step: against
// the figures the steps make, and against a recount of the rows.
func TestProgramCountsFollowMixedWrites(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		check := func(step string, want map[string]int64) {
			t.Helper()
			wrong, err := db.Read().CheckProgramCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range wrong {
				t.Errorf("%s: %s kept %d, recount %d", step, d.Name, d.Kept, d.Count)
			}
			got, err := db.Read().ProgramCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for name, n := range want {
				if got[name] != n {
					t.Errorf("%s: %s = %d, want %d (all: %v)", step, name, got[name], n, got)
				}
			}
		}
		check("empty", map[string]int64{"users": 0, "participants": 0})

		_, boss := mustUser(t, db, "boss")
		uAnn, ann := mustUser(t, db, "ann")
		mustAPIParticipant(t, db, "ext1", "", "")
		var rewardIDs []int64
		err := db.InTx(ctx, func(q *storage.Queries) error {
			ref := referralhub.Referral{ReferrerID: boss.ID, RefereeID: ann.ID, CreatedAt: t0}
			if err := q.CreateReferral(ctx, &ref); err != nil {
				return err
			}
			for _, r := range []referralhub.Reward{
				{ParticipantID: boss.ID, Side: "referrer", Entry: "reward", RuleID: 1, Kind: "points", Amount: 10, Status: "pending", HoldUntil: t0.Add(time.Hour)},
				{ParticipantID: ann.ID, Side: "referee", Entry: "reward", RuleID: 1, Kind: "credit", Amount: 500, Currency: "usd", Status: "approved", ApprovedAt: t0},
				{ParticipantID: boss.ID, Side: "referrer", Entry: "reward", RuleID: 2, Kind: "points", Amount: 7, Status: "approved", ApprovedAt: t0},
			} {
				r.Reason, r.CreditedAt, r.ReferralID = "r", t0, ref.ID
				if _, err := q.InsertReward(ctx, &r, ""); err != nil {
					return err
				}
				rewardIDs = append(rewardIDs, r.ID)
			}
			return q.InsertClicks(ctx, []referralhub.Click{{ID: "c1", ParticipantID: boss.ID, Code: boss.Code, CreatedAt: t0},
				{ID: "c2", ParticipantID: ann.ID, Code: ann.Code, CreatedAt: t0}, {ID: "c3", ParticipantID: boss.ID, Code: boss.Code, CreatedAt: t0, Bot: true}})
		})
		if err != nil {
			t.Fatal(err)
		}
		check("rows", map[string]int64{"users": 2, "participants": 3, "referrals": 1, "clicks": 2,
			"rewards/pending/points": 1, "rewards/approved/points": 1, "rewards/approved/credit": 1,
			"available/points/": 7, "pending/points/": 10, "available/credit/usd": 500})

		err = db.InTx(ctx, func(q *storage.Queries) error {
			if _, err := q.ApproveReward(ctx, rewardIDs[0], t0.Add(time.Hour)); err != nil {
				return err
			}
			if _, err := q.ReverseReward(ctx, rewardIDs[2], t0.Add(2*time.Hour)); err != nil {
				return err
			}
			return q.InsertClicks(ctx, []referralhub.Click{{ID: "c4", ParticipantID: boss.ID, Code: boss.Code, CreatedAt: t0}})
		})
		if err != nil {
			t.Fatal(err)
		}
		check("approve and reverse", map[string]int64{"clicks": 3, "rewards/pending/points": 0, "rewards/approved/points": 1,
			"rewards/reversed/points": 1, "available/points/": 17, "pending/points/": 0}) // the clawback entry is the core's

		users := bulkUsers(40)
		err = db.BulkLoad(ctx, func(q *storage.Queries) error {
			if err := q.BulkUsers(ctx, users, "hash"); err != nil {
				return err
			}
			parts := bulkParticipants(users)
			if err := q.BulkParticipants(ctx, parts); err != nil {
				return err
			}
			refs := make([]referralhub.Referral, 0, len(parts)-1)
			clicks := make([]referralhub.Click, 0, len(parts))
			for i, p := range parts[1:] {
				refs = append(refs, referralhub.Referral{ReferrerID: parts[0].ID, RefereeID: p.ID, ClickID: "k" + p.Code, CreatedAt: p.CreatedAt})
				clicks = append(clicks, referralhub.Click{ID: fmt.Sprintf("bk%d", i), ParticipantID: parts[0].ID, Code: parts[0].Code, CreatedAt: t0})
			}
			if err := q.BulkReferrals(ctx, refs); err != nil {
				return err
			}
			return q.BulkClicks(ctx, clicks)
		})
		if err != nil {
			t.Fatal(err)
		}
		check("bulk load", map[string]int64{"users": 42, "participants": 43, "referrals": 40})

		err = db.InTx(ctx, func(q *storage.Queries) error { // an account deleted as the privacy page does
			if err := q.AnonymiseParticipant(ctx, ann.ID, "gone1", t0.Add(3*time.Hour)); err != nil {
				return err
			}
			return q.DeleteUser(ctx, uAnn.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		check("account deleted", map[string]int64{"users": 41, "participants": 42, "referrals": 40})

		err = db.InTx(ctx, func(q *storage.Queries) error { return q.RebuildBalances(ctx) })
		if err != nil {
			t.Fatal(err)
		}
		check("balances rebuilt", map[string]int64{"available/points/": 17, "available/credit/usd": 500})
	})
}

// TestRecountRepairsProgramCounts: counts changed behind the triggers'
// back are found by the check and put right by the recount, which reports
// what it repaired; a second recount finds nothing.
func TestRecountRepairsProgramCounts(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, raw := storagetest.OpenWithRaw(t, engine)
			mustUser(t, db, "alice")
			mustUser(t, db, "bob")
			if _, err := raw.ExecContext(ctx, `UPDATE program_counts SET n = n + 5 WHERE name = 'users'`); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.ExecContext(ctx, `INSERT INTO program_counts (name, shard, n) VALUES ('referrals', 3, 2)`); err != nil {
				t.Fatal(err)
			}
			wrong, err := db.RecountProgramCounts(ctx)
			want := []storage.CountDiff{{Name: "referrals", Kept: 2, Count: 0}, {Name: "users", Kept: 7, Count: 2}}
			if err != nil || fmt.Sprint(wrong) != fmt.Sprint(want) {
				t.Fatalf("recount = %v, %v; want %v", wrong, err, want)
			}
			if wrong, err := db.RecountProgramCounts(ctx); err != nil || len(wrong) != 0 {
				t.Fatalf("second recount = %v, %v; want nothing to repair", wrong, err)
			}
			if tot, err := db.Read().ProgramTotals(ctx); err != nil || tot.Participants != 2 || tot.Referrals != 0 {
				t.Fatalf("totals after the recount = %+v, %v", tot, err)
			}
		})
	}
}

// TestUpgradeCountsTheExistingRows: the migration that brings the counts
// counts the rows written before it.
func TestUpgradeCountsTheExistingRows(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, url := openAtSchema(t, engine, time.Now(), 32)
			_, a := mustUserAtOldSchema(t, db, url, "alice")
			mustUserAtOldSchema(t, db, url, "bob")
			raw := rawDB(t, engine, url)
			mustExec(t, raw, fmt.Sprintf(`UPDATE participants SET click_count = 4 WHERE id = %d`, a.ID))
			mustExec(t, raw, fmt.Sprintf(`INSERT INTO balances (participant_id, kind, currency, available, pending) VALUES (%d, 'points', '', 3, 2)`, a.ID))
			if _, err := db.Migrate(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
			tot, err := db.Read().ProgramTotals(ctx)
			if err != nil || tot.Participants != 2 || tot.Clicks != 4 || len(tot.Outstanding) != 1 ||
				tot.Outstanding[0] != (referralhub.Balance{Kind: "points", Available: 3, Pending: 2}) {
				t.Fatalf("totals after the upgrade = %+v, %v", tot, err)
			}
			if wrong, err := db.Read().CheckProgramCounts(ctx); err != nil || len(wrong) != 0 {
				t.Fatalf("check after the upgrade = %v, %v", wrong, err)
			}
		})
	}
}
