package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// clickMonths lists the months with a clicks table of their own as
// "2006-01" texts.
func clickMonths(t *testing.T, db *storage.DB) string {
	t.Helper()
	months, err := db.ClickMonths(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(months))
	for i, m := range months {
		out[i] = m.Format("2006-01")
	}
	return fmt.Sprint(out)
}

// countRows counts the rows of table through raw.
func countRows(t *testing.T, raw *sql.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// TestClickMonthsGoWhole: on PostgreSQL a click lands in its month's table
// (or the default one, until the upkeep makes its month's table and moves
// it there, for a past month too), and the retention reduces and drops a month only once all of
// it is past the cutoff; SQLite reduces row by row. The daily counts and
// click_count come out the same on both.
func TestClickMonthsGoWhole(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, raw := storagetest.OpenWithRaw(t, engine)
			pg := engine == "postgres"
			_, alice := mustUser(t, db, "alice")
			click := func(id string, at time.Time, bot bool) referralhub.Click {
				return referralhub.Click{ID: id, ParticipantID: alice.ID, Code: alice.Code, IPHash: "h-" + id, UserAgent: "ua", CreatedAt: at, Bot: bot}
			}
			march := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
			mustClicks(t, db, click("mar1", march.AddDate(0, 0, 19), false), click("jan0", march.AddDate(-1, -2, 9), false))
			if pg && countRows(t, raw, "clicks_default") != 2 {
				t.Fatal("a click of a month without a table is not in clicks_default")
			}
			wantMade := map[bool]int64{true: 4, false: 0}[pg] // January 2030, caught, and March to May
			if n, err := db.EnsureClickPartitions(ctx, march.AddDate(0, 0, 14)); err != nil || n != wantMade {
				t.Fatalf("made %d click tables, %v; want %d", n, err, wantMade)
			}
			if n, err := db.EnsureClickPartitions(ctx, march.AddDate(0, 0, 20)); err != nil || n != 0 {
				t.Fatalf("second run made %d click tables, %v; want 0", n, err)
			}
			if pg {
				if got := clickMonths(t, db); !strings.HasSuffix(got, " 2031-03 2031-04 2031-05]") {
					t.Errorf("click months = %s, want them to end with March to May 2031", got)
				}
				if d, m, j := countRows(t, raw, "clicks_default"), countRows(t, raw, "clicks_2031_03"), countRows(t, raw, "clicks_2030_01"); d != 0 || m != 1 || j != 1 {
					t.Errorf("after making the tables: %d clicks in the default table, %d in March's, %d in January's; want 0, 1, 1", d, m, j)
				}
			}
			if _, err := db.Read().ClickByID(ctx, "mar1"); err != nil {
				t.Fatalf("the moved click: %v", err)
			}
			// A retried click is skipped, whatever table it lands in.
			mustClicks(t, db, click("mar1", march.AddDate(0, 0, 19), false), click("mar2", march.AddDate(0, 0, 20), true),
				click("apr1", march.AddDate(0, 1, 4), false))
			if n, err := db.Read().CountClicks(ctx); err != nil || n != 4 {
				t.Fatalf("%d clicks, %v; want 4", n, err)
			}

			// April 10th: March is past, April is not yet whole.
			wantReduced := map[bool]int64{true: 3, false: 4}[pg]
			if n, err := db.ReduceClicks(ctx, march.AddDate(0, 1, 9), 100); err != nil || n != wantReduced {
				t.Fatalf("reduced %d, %v; want %d", n, err, wantReduced)
			}
			if n, err := db.ReduceClicks(ctx, march.AddDate(0, 1, 9), 100); err != nil || n != 0 {
				t.Fatalf("second run reduced %d, %v; want 0", n, err)
			}
			wantDays := "[{2030-01-10 1} {2031-03-20 1} {2031-04-05 1}]"
			if got := clickDays(t, db, alice); got != wantDays {
				t.Errorf("days = %s, want %s", got, wantDays)
			}
			if pg {
				if got := clickMonths(t, db); !strings.HasSuffix(got, "2031-04 2031-05]") || strings.Contains(got, "2031-03") {
					t.Errorf("click months after the retention = %s, want March dropped", got)
				}
			}
			// May 1st: April is whole; SQLite had reduced it already.
			wantReduced = map[bool]int64{true: 1, false: 0}[pg]
			if n, err := db.ReduceClicks(ctx, march.AddDate(0, 2, 0), 100); err != nil || n != wantReduced {
				t.Fatalf("May: reduced %d, %v; want %d", n, err, wantReduced)
			}
			if n, err := db.Read().CountClicks(ctx); err != nil || n != 0 {
				t.Errorf("%d raw clicks left, %v; want none", n, err)
			}
			if got := clickDays(t, db, alice); got != wantDays {
				t.Errorf("days at last = %s, want %s", got, wantDays)
			}
			if p, err := db.Read().Participant(ctx, alice.ID); err != nil || p.ClickCount != 3 {
				t.Errorf("click_count = %d, %v; want 3", p.ClickCount, err)
			}
			storagetest.AssertNowhere(t, db, "h-jan0", "h-mar1", "h-mar2", "h-apr1")
		})
	}
}

// TestUpgradePartitionsExistingClicks: clicks stored before migration 0036
// keep their rows, and on PostgreSQL land in their months' tables, made
// for every month from the oldest click on; the time index is kept, a
// retried click is still skipped, and the retention drops a whole old
// month.
func TestUpgradePartitionsExistingClicks(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, url := openAtSchema(t, engine, time.Now(), 35)
			_, alice := mustUserAtOldSchema(t, db, url, "alice")
			raw := rawDB(t, engine, url)
			for id, at := range map[string]string{"old1": "2026-06-15 10:00:00.000000+00:00", "old2": "2026-06-30 23:59:59.000000+00:00",
				"new1": "2026-11-01 12:00:00.000000+00:00"} {
				mustExec(t, raw, fmt.Sprintf(`INSERT INTO clicks (id, participant_id, code, ip_hash, user_agent, referer, created_at, bot, channel)
					VALUES ('%s', %d, '%s', 'h-%s', 'ua', '', '%s', FALSE, '')`, id, alice.ID, alice.Code, id, at))
			}
			if _, err := db.Migrate(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
			if n, err := db.Read().CountClicks(ctx); err != nil || n != 3 {
				t.Fatalf("%d clicks after the upgrade, %v; want 3", n, err)
			}
			if c, err := db.Read().ClickByID(ctx, "old2"); err != nil || c.ParticipantID != alice.ID || c.IPHash != "h-old2" {
				t.Fatalf("click old2 = %+v, %v", c, err)
			}
			if engine == "postgres" {
				months := clickMonths(t, db)
				if !strings.HasPrefix(months, "[2026-06 2026-07 ") || !strings.Contains(months, " 2026-11 ") {
					t.Errorf("click months = %s, want every month from June 2026 on", months)
				}
				if d, june := countRows(t, raw, "clicks_default"), countRows(t, raw, "clicks_2026_06"); d != 0 || june != 2 {
					t.Errorf("%d clicks in the default table, %d in June's; want 0 and 2", d, june)
				}
				var idx int
				if err := raw.QueryRow(`SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()
					AND tablename = 'clicks' AND indexname = 'clicks_created_idx'`).Scan(&idx); err != nil || idx != 1 {
					t.Errorf("clicks_created_idx on the new clicks: %d, %v", idx, err)
				}
			}
			retried := referralhub.Click{ID: "new1", ParticipantID: alice.ID, Code: alice.Code, IPHash: "h-new1",
				CreatedAt: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
			mustClicks(t, db, retried, referralhub.Click{ID: "new2", ParticipantID: alice.ID, Code: alice.Code, CreatedAt: retried.CreatedAt})
			if n, err := db.Read().CountClicks(ctx); err != nil || n != 4 {
				t.Fatalf("%d clicks after a retried and a new one, %v; want 4", n, err)
			}
			if n, err := db.ReduceClicks(ctx, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), 100); err != nil || n != 2 {
				t.Fatalf("reduced %d, %v; want June's 2", n, err)
			}
			if got := clickDays(t, db, alice); got != "[{2026-06-15 1} {2026-06-30 1} {2026-11-01 2}]" {
				t.Errorf("days = %s", got)
			}
		})
	}
}
