// program_counts: the program-wide counts the triggers keep, read, checked and recounted.

package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
)

// ProgramCounts returns every program-wide count by name, summed over its
// shards, leaving out those at zero: "users", "participants" (deleted
// accounts left out), "referrals", "clicks", "rewards/STATUS/KIND" (earned
// entries only), and "available/KIND/CURRENCY" and "pending/KIND/CURRENCY"
// (what the balances hold), and "holders/KIND/CURRENCY" (the balances
// rows). It reads a few rows however large the program
// is.
func (q *Queries) ProgramCounts(ctx context.Context) (map[string]int64, error) {
	return q.countsBy(ctx, "program counts", `/* ProgramCounts */ SELECT name, CAST(SUM(n) AS BIGINT) FROM program_counts
		GROUP BY name HAVING SUM(n) <> 0`)
}

// RecountProgramCounts counts every program-wide count again from the rows
// it counts and replaces the kept counts with it, for an install whose
// counts were written around the triggers (a data-only restore, a hand
// edit). Writers to the counted tables wait while it counts. It returns
// the counts that were wrong, with the kept and the true value.
func (db *DB) RecountProgramCounts(ctx context.Context) (wrong []CountDiff, err error) {
	err = db.InTx(ctx, func(q *Queries) error {
		if db.dialect.name() == "postgres" {
			// Wait for writers in flight and hold off new ones, so the
			// recount and the counts it replaces see the same rows.
			if _, err := q.exec(ctx, `/* RecountProgramCounts */ LOCK TABLE `+countedTableNames()+` IN SHARE MODE`); err != nil {
				return fmt.Errorf("recount program counts: %w", err)
			}
		}
		if wrong, err = q.CheckProgramCounts(ctx); err != nil || len(wrong) == 0 {
			return err
		}
		return q.recountProgram(ctx)
	})
	return wrong, err
}

// recountProgram replaces the kept counts with a recount of the rows.
func (q *Queries) recountProgram(ctx context.Context) error {
	if _, err := q.exec(ctx, `/* recountProgram */ DELETE FROM program_counts`); err != nil {
		return fmt.Errorf("recount program counts: %w", err)
	}
	if _, err := q.exec(ctx, `/* recountProgram */ INSERT INTO program_counts (name, shard, n) SELECT name, 0, n FROM (`+
		recountSQL()+`) counted`); err != nil {
		return fmt.Errorf("recount program counts: %w", err)
	}
	return nil
}

// CountDiff is a program-wide count that differs from a recount of its
// rows.
type CountDiff struct {
	Name        string
	Kept, Count int64
}

// CheckProgramCounts compares the kept counts with a recount of the rows
// and returns those that differ, by name. It scans the counted tables.
func (q *Queries) CheckProgramCounts(ctx context.Context) ([]CountDiff, error) {
	kept, err := q.ProgramCounts(ctx)
	if err != nil {
		return nil, err
	}
	counted, err := q.countsBy(ctx, "recount program", `/* CheckProgramCounts */ `+recountSQL())
	if err != nil {
		return nil, err
	}
	var out []CountDiff
	for _, name := range slices.Sorted(maps.Keys(mergeKeys(kept, counted))) {
		if kept[name] != counted[name] {
			out = append(out, CountDiff{Name: name, Kept: kept[name], Count: counted[name]})
		}
	}
	return out, nil
}

func mergeKeys(a, b map[string]int64) map[string]int64 {
	out := maps.Clone(a)
	for k := range b {
		out[k] = 0
	}
	return out
}

func countedTableNames() string {
	names := make([]string, 0, 5)
	for _, t := range countedTables() {
		names = append(names, t.table)
	}
	return strings.Join(names, ", ")
}

// programTotals reads ProgramTotals from the kept counts.
func programTotals(counts map[string]int64) referralhub.ProgramTotals {
	t := referralhub.ProgramTotals{Participants: counts["participants"], Referrals: counts["referrals"], Clicks: counts["clicks"],
		Rewards: rewardCounts(counts)}
	outstanding := map[[2]string]*referralhub.Balance{}
	for name, n := range counts {
		side, kind, currency, ok := splitCountName(name)
		if !ok || side != "holders" && side != "available" && side != "pending" ||
			kind != referralhub.KindPoints && kind != referralhub.KindCredit {
			continue
		}
		b := outstanding[[2]string{kind, currency}]
		if b == nil {
			b = &referralhub.Balance{Kind: kind, Currency: currency}
			outstanding[[2]string{kind, currency}] = b
		}
		switch side {
		case "available":
			b.Available = n
		case "pending":
			b.Pending = n
		}
	}
	for _, key := range slices.SortedFunc(maps.Keys(outstanding), func(a, b [2]string) int {
		return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1])
	}) {
		t.Outstanding = append(t.Outstanding, *outstanding[key])
	}
	return t
}

// rewardCounts reads the "rewards/STATUS/KIND" counts, by status and kind.
func rewardCounts(counts map[string]int64) []referralhub.RewardCount {
	var out []referralhub.RewardCount
	for name, n := range counts {
		if side, status, kind, ok := splitCountName(name); ok && side == "rewards" {
			out = append(out, referralhub.RewardCount{Status: status, Kind: kind, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b referralhub.RewardCount) int {
		return strings.Compare(a.Status+"\x00"+a.Kind, b.Status+"\x00"+b.Kind)
	})
	return out
}

// splitCountName splits "a/b/c" into its three parts.
func splitCountName(name string) (a, b, c string, ok bool) {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
