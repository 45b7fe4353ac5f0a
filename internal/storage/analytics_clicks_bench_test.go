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

// BenchmarkAnalyticsRefreshClicks weighs the analytics refresh against the
// clicks it must count, on each engine: a day already holding
// dayClicks clicks over 1,000 participants
// and 50,000 visitors, then NEW clicks made since the last refresh. It
// times the incremental refresh (RefreshAnalyticsRecent, what the job
// runs) and the whole recount of yesterday and today (what it ran
// before), and reports both per million new clicks. Run with
// -benchtime=1x: each run loads its own day.
func BenchmarkAnalyticsRefreshClicks(b *testing.B) {
	const dayClicks = 300_000
	for _, engine := range storagetest.Engines() {
		for _, fresh := range []int{50_000, 200_000} {
			b.Run(fmt.Sprintf("%s/new=%d", engine, fresh), func(b *testing.B) {
				db := storagetest.Open(b, engine)
				ctx := context.Background()
				day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
				ids := benchParticipants(b, db, 1000)
				loadClicks(b, db, ids, "old", dayClicks, day, 12*time.Hour)
				mark := day.Add(12 * time.Hour)
				if err := db.RefreshAnalyticsDays(ctx, day.AddDate(0, 0, -1), mark, mark, mark); err != nil {
					b.Fatal(err)
				}
				loadClicks(b, db, ids, "new", fresh, mark, 30*time.Minute)
				now := mark.Add(31 * time.Minute)
				b.ResetTimer()
				for range b.N {
					began := time.Now()
					if err := db.RefreshAnalyticsRecent(ctx, day.AddDate(0, 0, -1), now, now.Add(-time.Minute), now); err != nil {
						b.Fatal(err)
					}
					incremental := time.Since(began)
					began = time.Now()
					if err := db.RefreshAnalyticsDays(ctx, day.AddDate(0, 0, -1), now, now.Add(-time.Minute), now); err != nil {
						b.Fatal(err)
					}
					whole := time.Since(began)
					perMillion := 1e6 / float64(fresh)
					b.ReportMetric(incremental.Seconds()*perMillion, "s-incremental/M-new")
					b.ReportMetric(whole.Seconds(), "s-whole-recount")
					b.ReportMetric(incremental.Seconds(), "s-incremental")
				}
			})
		}
	}
}

// benchParticipants makes n participants by bulk insert.
func benchParticipants(b *testing.B, db *storage.DB, n int) []int64 {
	ctx := context.Background()
	users := bulkUsers(n)
	var parts []referralhub.Participant
	err := db.BulkLoad(ctx, func(q *storage.Queries) error {
		if err := q.BulkUsers(ctx, users, "hash"); err != nil {
			return err
		}
		parts = bulkParticipants(users)
		return q.BulkParticipants(ctx, parts)
	})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, n)
	for i, p := range parts {
		ids[i] = p.ID
	}
	return ids
}

// loadClicks bulk-inserts n clicks spread over [from, from+span), one in
// ten from a visitor seen before.
func loadClicks(b *testing.B, db *storage.DB, ids []int64, prefix string, n int, from time.Time, span time.Duration) {
	ctx := context.Background()
	clicks := make([]referralhub.Click, n)
	for i := range clicks {
		clicks[i] = referralhub.Click{ID: fmt.Sprintf("%s%08d", prefix, i), ParticipantID: ids[i%len(ids)], Code: "c",
			IPHash: fmt.Sprintf("ip%d", (i*7919)%50_000), CreatedAt: from.Add(span * time.Duration(i) / time.Duration(n)), Bot: i%20 == 0}
	}
	if err := db.BulkLoad(ctx, func(q *storage.Queries) error { return q.BulkClicks(ctx, clicks) }); err != nil {
		b.Fatal(err)
	}
}
