// program_counts: the triggers that keep the program-wide counts, one definition for both engines.

package storage

import "strings"

// countTerm is one program-wide figure a table adds to: for each row where
// cond holds, value is added to the counter named by name. The expressions
// name the row's columns with the prefix "R.".
type countTerm struct {
	name, value, cond string
}

// countedTable is a table whose rows the program counts sum, with the
// columns whose change moves a count (none: updates never do).
type countedTable struct {
	table   string
	updates []string
	terms   []countTerm
}

// countedTables defines every program-wide count. The triggers, the
// recount and the check are all built from it, so they cannot disagree.
func countedTables() []countedTable {
	return []countedTable{
		{table: "users", terms: []countTerm{{"'users'", "1", "true"}}},
		{table: "participants", updates: []string{"deleted_at", "click_count"}, terms: []countTerm{
			{"'participants'", "1", "R.deleted_at IS NULL"},
			{"'clicks'", "R.click_count", "R.click_count <> 0"},
		}},
		{table: "referrals", terms: []countTerm{{"'referrals'", "1", "true"}}},
		{table: "rewards", updates: []string{"entry", "status", "kind"}, terms: []countTerm{
			{"'rewards/' || R.status || '/' || R.kind", "1", "R.entry = 'reward'"},
		}},
		{table: "balances", updates: []string{"kind", "currency", "available", "pending"}, terms: []countTerm{
			{"'holders/' || R.kind || '/' || R.currency", "1", "true"},
			{"'available/' || R.kind || '/' || R.currency", "R.available", "R.available <> 0"},
			{"'pending/' || R.kind || '/' || R.currency", "R.pending", "R.pending <> 0"},
		}},
	}
}

// deltas is a SELECT of (name, n) rows: t's terms over the row source,
// each value times sign. prefix replaces "R." in the expressions; from is
// the FROM clause ("" for SQLite's NEW and OLD rows).
func (t countedTable) deltas(prefix, from, sign string) string {
	parts := make([]string, 0, len(t.terms))
	for _, term := range t.terms {
		r := strings.NewReplacer("R.", prefix)
		parts = append(parts, "SELECT "+r.Replace(term.name)+" AS name, "+sign+" * ("+r.Replace(term.value)+") AS n"+
			from+" WHERE "+r.Replace(term.cond))
	}
	return strings.Join(parts, " UNION ALL ")
}

// addCounts is the statement that adds the (name, n) rows of deltas to
// the counts in shard.
func addCounts(shard, deltas string) string {
	return `INSERT INTO program_counts (name, shard, n) SELECT name, ` + shard + `, CAST(SUM(n) AS BIGINT) FROM (` + deltas +
		`) d WHERE true GROUP BY name HAVING SUM(n) <> 0 ON CONFLICT (name, shard) DO UPDATE SET n = program_counts.n + excluded.n`
}

// sqliteCountTriggers are row triggers: SQLite has one writer, so every
// count lives in shard 0.
func sqliteCountTriggers() string {
	var b strings.Builder
	for _, t := range countedTables() {
		b.WriteString("CREATE TRIGGER program_counts_" + t.table + "_insert AFTER INSERT ON " + t.table +
			" BEGIN " + addCounts("0", t.deltas("NEW.", "", "1")) + "; END;\n")
		b.WriteString("CREATE TRIGGER program_counts_" + t.table + "_delete AFTER DELETE ON " + t.table +
			" BEGIN " + addCounts("0", t.deltas("OLD.", "", "-1")) + "; END;\n")
		if len(t.updates) > 0 {
			b.WriteString("CREATE TRIGGER program_counts_" + t.table + "_update AFTER UPDATE OF " + strings.Join(t.updates, ", ") +
				" ON " + t.table + " BEGIN " + addCounts("0", t.deltas("NEW.", "", "1")+" UNION ALL "+t.deltas("OLD.", "", "-1")) + "; END;\n")
		}
	}
	return b.String()
}

// postgresCountShards spreads each count over rows, one chosen by the
// connection, so concurrent transactions do not queue on one row's lock
// until they commit.
const postgresCountShards = "16"

// postgresCountTriggers are statement triggers over transition tables: a
// statement that writes many rows (a bulk load, a click flush) moves each
// count once.
func postgresCountTriggers() string {
	shard := "pg_backend_pid() % " + postgresCountShards
	var b strings.Builder
	for _, t := range countedTables() {
		fn := "program_counts_" + t.table
		newRows, oldRows := t.deltas("R.", " FROM new_rows R", "1"), t.deltas("R.", " FROM old_rows R", "-1")
		b.WriteString("CREATE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" +
			"  IF TG_OP = 'INSERT' THEN " + addCounts(shard, newRows) + ";\n" +
			"  ELSIF TG_OP = 'UPDATE' THEN " + addCounts(shard, newRows+" UNION ALL "+oldRows) + ";\n" +
			"  ELSE " + addCounts(shard, oldRows) + ";\n  END IF;\n  RETURN NULL;\nEND $$;\n")
		b.WriteString("CREATE TRIGGER " + fn + "_insert AFTER INSERT ON " + t.table +
			" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION " + fn + "();\n")
		b.WriteString("CREATE TRIGGER " + fn + "_delete AFTER DELETE ON " + t.table +
			" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION " + fn + "();\n")
		if len(t.updates) > 0 {
			b.WriteString("CREATE TRIGGER " + fn + "_update AFTER UPDATE ON " + t.table +
				" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION " + fn + "();\n")
		}
	}
	return b.String()
}

// recountSQL is a SELECT of every count's (name, n) from the base tables.
func recountSQL() string {
	parts := make([]string, 0, 8)
	for _, t := range countedTables() {
		parts = append(parts, t.deltas("R.", " FROM "+t.table+" R", "1"))
	}
	return `SELECT name, CAST(SUM(n) AS BIGINT) AS n FROM (` + strings.Join(parts, " UNION ALL ") + `) d WHERE true GROUP BY name HAVING SUM(n) <> 0`
}
