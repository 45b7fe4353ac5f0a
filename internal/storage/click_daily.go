// click_daily: clicks past the retention, reduced to a count per participant and day.

package storage

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// ClickDay is how many clicks a participant's link had on one UTC day.
type ClickDay struct {
	Day    string // YYYY-MM-DD, UTC
	Clicks int64
}

// dayFormat is how click_daily writes a day.
const dayFormat = "2006-01-02"

// clickRow is the part of a click that survives as a daily count.
type clickRow struct {
	id            string
	participantID int64
	createdAt     time.Time
	bot           bool // deleted like the others, but never counted
}

// ReduceClicks reduces every click made before cutoff to its participant's
// count for the day, and deletes the raw row, batch clicks per transaction:
// a crash loses nothing, because each batch adds its counts and deletes its
// rows together. It returns how many clicks it reduced. A second run finds
// nothing left to do. participants.click_count is not touched.
//
// On PostgreSQL, whose clicks are split by month (click_partitions.go), a
// month goes whole: once all of it is before cutoff, its table is reduced
// with one statement and dropped, and no row is deleted; so a raw click
// stays until its whole month is past the retention. Row by row, it
// reduces only what clicks_default caught.
func (db *DB) ReduceClicks(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	table := "clicks"
	var total int64
	if db.dialect.name() == "postgres" {
		n, err := db.dropClickMonths(ctx, cutoff)
		if err != nil {
			return n, err
		}
		table, total = defaultClickPartition, n
	}
	for {
		var n int
		err := db.InTx(ctx, func(q *Queries) error {
			var err error
			n, err = q.reduceClicksWhere(ctx, `/* ReduceClicks */ SELECT id, participant_id, created_at, bot FROM `+table+`
				WHERE created_at < $1 ORDER BY id LIMIT $2`+q.d.skipLocked(), q.ts(cutoff), batch)
			return err
		})
		total += int64(n)
		if err != nil || n < batch {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// ReduceClick reduces one click to its day's count and deletes its row, if
// it is still stored. Call it inside InTx.
func (q *Queries) ReduceClick(ctx context.Context, id string) error {
	_, err := q.reduceClicksWhere(ctx, `/* ReduceClick */ SELECT id, participant_id, created_at, bot FROM clicks
		WHERE id = $1`+q.d.forUpdate(), id)
	return err
}

// reduceClicksWhere folds the clicks that selectSQL returns (id,
// participant_id, created_at; locked on PostgreSQL, so that two instances
// never count one click twice) into click_daily and deletes them.
func (q *Queries) reduceClicksWhere(ctx context.Context, selectSQL string, args ...any) (int, error) {
	clicks, err := queryList(ctx, q, "select clicks to reduce", selectSQL, func(r rowScanner) (clickRow, error) {
		var c clickRow
		err := r.Scan(&c.id, &c.participantID, &c.createdAt, &c.bot)
		return c, err
	}, args...)
	if err != nil || len(clicks) == 0 {
		return 0, err
	}
	if err := q.addClickDays(ctx, clicks); err != nil {
		return 0, err
	}
	return len(clicks), q.deleteClicks(ctx, clicks)
}

// dayKey names one participant's day in click_daily.
type dayKey struct {
	participantID int64
	day           string
}

// addClickDays adds clicks to their participants' daily counts. Each
// (participant, day) appears once per statement, as ON CONFLICT DO UPDATE
// requires on PostgreSQL.
func (q *Queries) addClickDays(ctx context.Context, clicks []clickRow) error {
	counts := map[dayKey]int64{}
	for _, c := range clicks {
		if !c.bot {
			counts[dayKey{c.participantID, c.createdAt.UTC().Format(dayFormat)}]++
		}
	}
	keys := make([]dayKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { // key order: no deadlock between instances
		return keys[i].participantID < keys[j].participantID ||
			keys[i].participantID == keys[j].participantID && keys[i].day < keys[j].day
	})
	return inChunks(len(keys), 3, func(start, end int) error {
		args := make([]any, 0, 3*(end-start))
		for _, k := range keys[start:end] {
			args = append(args, k.participantID, k.day, counts[k])
		}
		query := q.valuesSQL(`/* addClickDays */ INSERT INTO click_daily (participant_id, day, clicks) VALUES `, end-start, 3,
			` ON CONFLICT (participant_id, day) DO UPDATE SET clicks = click_daily.clicks + excluded.clicks`)
		if _, err := q.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("add click days: %w", err)
		}
		return nil
	})
}

// ClickDays lists a participant's clicks per UTC day, oldest first: the
// daily counts of reduced clicks and the raw clicks still stored, counted
// in Go so that the day means the same on both engines. clicks has no index
// on participant_id (it would slow every click batch), so this scans the
// raw clicks; it serves the rare data export.
func (q *Queries) ClickDays(ctx context.Context, participantID int64) ([]ClickDay, error) {
	counts := map[string]int64{}
	err := queryEach(ctx, q, "click days", `/* ClickDays */ SELECT day, clicks FROM click_daily WHERE participant_id = $1`, func(r rowScanner) error {
		var d ClickDay
		if err := r.Scan(&d.Day, &d.Clicks); err != nil {
			return err
		}
		counts[d.Day] += d.Clicks
		return nil
	}, participantID)
	if err != nil {
		return nil, err
	}
	if err := q.countRawClickDays(ctx, participantID, counts); err != nil {
		return nil, err
	}
	out := make([]ClickDay, 0, len(counts))
	for day, n := range counts {
		out = append(out, ClickDay{Day: day, Clicks: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out, nil
}

// countRawClickDays adds a participant's stored clicks to counts by day.
func (q *Queries) countRawClickDays(ctx context.Context, participantID int64, counts map[string]int64) error {
	return queryEach(ctx, q, "raw click days", `/* ClickDays.raw */ SELECT created_at FROM clicks WHERE participant_id = $1 AND NOT bot`, func(r rowScanner) error {
		var t time.Time
		if err := r.Scan(&t); err != nil {
			return err
		}
		counts[t.UTC().Format(dayFormat)]++
		return nil
	}, participantID)
}
