// Dropping and rebuilding indexes and foreign keys around a bulk load.

package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/referralhub/referralhub"
)

// dropped is an index or a foreign key a bulk load dropped: its name, and
// the statements that drop it and make it again.
type dropped struct{ name, drop, create string }

// DropIndexes drops the indexes of tables that no constraint owns (lookup
// and unique ones alike), on PostgreSQL the tables' foreign keys, and on
// SQLite their program count triggers. It
// returns their names and a function that makes them again from the
// definitions the catalog held: unique indexes and foreign keys check every
// row then, and a duplicate fails it with ECONFLICT. Call both inside one
// transaction, the function before it commits: none is then missing
// outside it, however the load ends. It is for loading many rows into
// tables that hold few: an index built from all the rows at once, or a key
// checked in one join, costs a fraction of one kept row by row. They lock
// their tables against other sessions until the transaction ends (SQLite's
// one writer does anyway).
func (q *Queries) DropIndexes(ctx context.Context, tables ...string) ([]string, func() error, error) {
	var all []dropped
	for _, table := range tables {
		for _, list := range []string{q.d.indexesSQL(), q.d.foreignKeysSQL(), q.d.countTriggersSQL()} {
			if list == "" {
				continue
			}
			found, err := queryList(ctx, q, "indexes and keys", list, scanDropped, table)
			if err != nil {
				return nil, nil, err
			}
			all = append(all, found...)
		}
	}
	names := make([]string, len(all))
	for k, d := range all {
		if _, err := q.exec(ctx, `/* DropIndexes */ `+d.drop); err != nil {
			return nil, nil, fmt.Errorf("drop %s: %w", d.name, err)
		}
		names[k] = d.name
	}
	return names, func() error { return q.remake(ctx, all) }, nil
}

func scanDropped(r rowScanner) (dropped, error) {
	var d dropped
	err := r.Scan(&d.name, &d.drop, &d.create)
	return d, err
}

// remake makes the dropped indexes, keys and count triggers again, and
// when it made triggers, counts the program again (recountProgram): the
// rows loaded without them went uncounted.
func (q *Queries) remake(ctx context.Context, all []dropped) error {
	triggers := false
	for _, d := range all {
		triggers = triggers || strings.HasPrefix(d.drop, "DROP TRIGGER")
		_, err := q.exec(ctx, `/* DropIndexes.remake */ `+d.create)
		if err != nil && q.d.refused(err) { // a duplicate, or a key to a missing row
			return referralhub.Errorf(referralhub.ECONFLICT, "The loaded rows clash with rows already stored (%s).", d.name)
		}
		if err != nil {
			return fmt.Errorf("make %s again: %w", d.name, err)
		}
	}
	if triggers {
		return q.recountProgram(ctx)
	}
	return nil
}

// The indexes of table $1 made by CREATE INDEX (none that a constraint in
// the table's definition owns), with the statements that drop and make
// them. Index names come from the catalog, never from input.
func (sqliteDialect) indexesSQL() string {
	return `/* indexesOf */ SELECT l.name, 'DROP INDEX "' || l.name || '"', m.sql FROM pragma_index_list($1) l
		JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name
		WHERE l.origin = 'c' ORDER BY l.name`
}

// SQLite keeps foreign keys in the table's definition.
func (sqliteDialect) foreignKeysSQL() string { return "" }

// The program count triggers of table $1 (program_counts_triggers.go):
// SQLite's fire once per row, so a bulk load goes without them and counts
// the program once at the end.
func (sqliteDialect) countTriggersSQL() string {
	return `/* countTriggersOf */ SELECT name, 'DROP TRIGGER "' || name || '"', sql FROM sqlite_master
		WHERE type = 'trigger' AND tbl_name = $1 AND name LIKE 'program\_counts\_%' ESCAPE '\' ORDER BY name`
}

// PostgreSQL's count triggers fire once per statement, over its rows:
// a bulk load keeps them.
func (postgresDialect) countTriggersSQL() string { return "" }

func (postgresDialect) indexesSQL() string {
	return `/* indexesOf */ SELECT c.relname, 'DROP INDEX ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname`
}

func (postgresDialect) foreignKeysSQL() string {
	return `/* foreignKeysOf */ SELECT conname, 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname),
		'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype = 'f' AND conrelid = to_regclass($1) ORDER BY conname`
}

// Analyze refreshes the planner's statistics of tables after a bulk load,
// inside its transaction, so the queries that follow it (the rollups, the
// gamification rebuild) are planned for the rows it brought and not for
// empty tables; autovacuum would only do it minutes after the commit. On
// SQLite, whose planner does without, it does nothing.
func (q *Queries) Analyze(ctx context.Context, tables ...string) error {
	if q.d.name() != "postgres" || len(tables) == 0 {
		return nil
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = quoteIdent(t)
	}
	if _, err := q.exec(ctx, `/* Analyze */ ANALYZE `+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// quoteIdent quotes an identifier for both engines.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
