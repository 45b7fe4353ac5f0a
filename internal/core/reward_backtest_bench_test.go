package core_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// BenchmarkBacktest replays a window of BACKTEST_EVENTS recorded events
// (20,000 by default; docs/benchmarks.md gives the figure at 1,000,000)
// under a draft of four rules (a capped signup, a first purchase, a
// purchase of at least $50, a verified email), on each engine:
//
//	BACKTEST_EVENTS=1000000 go test -run '^$' -bench BenchmarkBacktest -benchtime 1x -timeout 60m ./internal/core/
func BenchmarkBacktest(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("BACKTEST_EVENTS")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range storagetest.Engines() {
		b.Run(fmt.Sprintf("%s/events=%d", engine, n), func(b *testing.B) {
			db, raw := storagetest.OpenWithRaw(b, engine)
			f := newFixtureFor(b, db)
			ctx := context.Background()
			start := time.Now()
			loadBacktestEvents(b, db, raw, n, f.clock.Now())
			b.Logf("%s: %d events loaded in %s", engine, n, time.Since(start).Round(time.Second))
			draft, err := f.svc.DraftWithRules(ctx, []referralhub.Rule{
				{Trigger: referralhub.EventSignup, CapCount: 20, CapPeriod: referralhub.PeriodMonth, Referrer: pointsSpec(10), Referee: pointsSpec(5)},
				{Trigger: referralhub.EventPurchase, FirstOnly: true, CapPeriod: referralhub.PeriodLife, Referrer: credit(1000), Referee: credit(1000)},
				{Trigger: referralhub.EventPurchase, MinAmount: 5000, MinCurrency: "usd", CapValue: 100000, CapPeriod: referralhub.PeriodLife, Referrer: credit(200)},
				{Trigger: referralhub.EventEmailVerified, CapPeriod: referralhub.PeriodLife, Referee: pointsSpec(50)},
			})
			if err != nil {
				b.Fatal(err)
			}
			cpu := processCPU()
			b.ResetTimer()
			for b.Loop() {
				bt, err := f.svc.RunBacktest(ctx, draft, 30)
				if err != nil {
					b.Fatal(err)
				}
				if bt.Events != int64(n) || bt.Draft.Rewards == 0 {
					b.Fatalf("replayed %d of %d events, %d rewards", bt.Events, n, bt.Draft.Rewards)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			// The wall time moves with the machine's load; this process's CPU
			// (the engine's, on PostgreSQL, is its server's) much less.
			b.ReportMetric((processCPU()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// loadBacktestEvents records n events over the 30 days before now, in
// bulk: a referrer for every 100 events, and for each friend a signup, a
// verified email and two purchases ($25, then $60), in time order.
func loadBacktestEvents(b *testing.B, db *storage.DB, raw *sql.DB, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	friends := max(n/4, 1)
	referrers := max(n/100, 1)
	first := now.Add(-29 * 24 * time.Hour)
	step := 26 * 24 * time.Hour / time.Duration(friends)
	err := db.BulkLoad(ctx, func(q *storage.Queries) error {
		parts := make([]referralhub.Participant, referrers+friends)
		for i := range parts {
			parts[i] = referralhub.Participant{Code: fmt.Sprintf("bt%08d", i), CreatedAt: first, LastSeenAt: first}
		}
		if err := q.BulkParticipants(ctx, parts); err != nil {
			return err
		}
		refs := make([]referralhub.Referral, friends)
		for i := range refs {
			refs[i] = referralhub.Referral{ReferrerID: parts[i%referrers].ID, RefereeID: parts[referrers+i].ID,
				CreatedAt: first.Add(time.Duration(i) * step)}
		}
		return q.BulkReferrals(ctx, refs)
	})
	if err != nil {
		b.Fatal(err)
	}
	refOf := referralsByReferee(b, raw)
	events := make([]referralhub.Event, 0, n)
	steps := []struct {
		name   string
		after  time.Duration
		amount int64
	}{{referralhub.EventSignup, 0, 0}, {referralhub.EventEmailVerified, time.Hour, 0},
		{referralhub.EventPurchase, 24 * time.Hour, 2500}, {referralhub.EventPurchase, 48 * time.Hour, 6000}}
	for i := 0; len(events) < n; i++ {
		referee := refOf.referees[i%len(refOf.referees)]
		at := first.Add(time.Duration(i%friends) * step)
		st := steps[(i/friends)%len(steps)]
		if i >= friends*len(steps) { // more events than four a friend: further purchases
			st = steps[3]
		}
		e := referralhub.Event{ParticipantID: referee, ReferralID: refOf.byReferee[referee], Name: st.name,
			Key: fmt.Sprintf("e%d", i), Amount: st.amount, CreatedAt: at.Add(st.after)}
		if e.Amount > 0 {
			e.Currency = "usd"
		}
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(x, y referralhub.Event) int { return x.CreatedAt.Compare(y.CreatedAt) })
	if err := db.BulkLoad(ctx, func(q *storage.Queries) error { return q.BulkEvents(ctx, events) }); err != nil {
		b.Fatal(err)
	}
}

type refereeReferrals struct {
	referees  []int64
	byReferee map[int64]int64
}

// referralsByReferee reads every referral's id by its referee.
func referralsByReferee(b *testing.B, raw *sql.DB) refereeReferrals {
	b.Helper()
	rows, err := raw.Query(`SELECT id, referee_id FROM referrals ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	out := refereeReferrals{byReferee: map[int64]int64{}}
	for rows.Next() {
		var id, referee int64
		if err := rows.Scan(&id, &referee); err != nil {
			b.Fatal(err)
		}
		out.referees = append(out.referees, referee)
		out.byReferee[referee] = id
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}
