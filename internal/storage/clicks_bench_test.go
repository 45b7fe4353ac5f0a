package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// BenchmarkInsertClicks stores batches of 1,000 clicks over 100
// participants, without a share channel and with one on every click, to
// weigh what the per-channel counts add to the click flush, on each engine.
func BenchmarkInsertClicks(b *testing.B) {
	for _, engine := range storagetest.Engines() {
		for _, channel := range []string{"", "wa"} {
			b.Run(engine+"/channel="+channel, func(b *testing.B) { benchInsertClicks(b, engine, channel) })
		}
	}
}

func benchInsertClicks(b *testing.B, engine, channel string) {
	db := storagetest.Open(b, engine)
	ctx := context.Background()
	ids := make([]int64, 100)
	for i := range ids {
		_, p := mustUser(b, db, fmt.Sprintf("u%d", i))
		ids[i] = p.ID
	}
	b.ResetTimer()
	for n := range b.N {
		batch := make([]referralhub.Click, 1000)
		for i := range batch {
			batch[i] = referralhub.Click{ID: fmt.Sprintf("%08d-%04d", n, i), ParticipantID: ids[i%len(ids)], Code: "c",
				IPHash: "ip", CreatedAt: t0, Channel: channel}
		}
		if err := db.InsertClicks(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/click")
}
