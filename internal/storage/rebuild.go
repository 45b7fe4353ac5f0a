package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// SQLite gives a new row the highest rowid + 1, so after the row with the
// highest id is deleted its id is given out again, and anything that kept
// the old id (a job's dedupe key, a signed link) now names the new row.
// AUTOINCREMENT never reuses an id, but SQLite can only add it by
// rebuilding the table. A migration asks for that with a line
//
//	-- sqlite-autoincrement: users webhook_endpoints
//
// and the rebuild copies each table under its own stored definition (so
// columns added by any earlier migration come along), with AUTOINCREMENT
// added to its id, and restores its indexes and triggers. It follows
// SQLite's procedure for changing a table: foreign keys are off during the
// rebuild (dropping the old table must not cascade into its children),
// and checked before the transaction commits.

// autoincrementDirective starts the line of a migration that names the
// tables to rebuild.
const autoincrementDirective = "-- sqlite-autoincrement:"

// autoincrementTables returns the tables a migration's directive lines
// name.
func autoincrementTables(sqlText string) []string {
	var tables []string
	for line := range strings.Lines(sqlText) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), autoincrementDirective); ok {
			tables = append(tables, strings.Fields(rest)...)
		}
	}
	return tables
}

// applyRebuild applies a migration that rebuilds tables on SQLite: on the
// writer's one connection, with foreign keys off until it ends.
func (db *DB) applyRebuild(ctx context.Context, m migration, now time.Time) (done bool, err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return false, fmt.Errorf("foreign keys off: %w", err)
	}
	defer func() {
		if _, onErr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); onErr != nil {
			// Never hand the pool a connection without foreign keys.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, fmt.Errorf("foreign keys on: %w", onErr))
		}
	}()
	return db.applyIn(ctx, conn.BeginTx, m, now, func(q *Queries) error {
		for _, table := range m.autoincrement {
			if err := rebuildAutoincrement(ctx, q, table); err != nil {
				return fmt.Errorf("rebuild %s: %w", table, err)
			}
		}
		return checkForeignKeys(ctx, q)
	})
}

// rebuildAutoincrement rebuilds table with AUTOINCREMENT on its id column,
// keeping its rows, ids, indexes and triggers. A table that has it already
// is left alone.
func rebuildAutoincrement(ctx context.Context, q *Queries, table string) error {
	var ddl string
	if err := q.queryRow(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1`, table).Scan(&ddl); err != nil {
		return fmt.Errorf("read its definition: %w", err)
	}
	if strings.Contains(strings.ToUpper(ddl), "AUTOINCREMENT") {
		return nil
	}
	tmp := table + "_rebuilt"
	newDDL, err := autoincrementDDL(ddl, table, tmp)
	if err != nil {
		return err
	}
	extras, err := queryList(ctx, q, "its indexes and triggers", `SELECT sql FROM sqlite_master
		WHERE tbl_name = $1 AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`, scanValue[string], table)
	if err != nil {
		return err
	}
	steps := append([]string{newDDL,
		`INSERT INTO ` + tmp + ` SELECT * FROM ` + table,
		`DROP TABLE ` + table,
		`ALTER TABLE ` + tmp + ` RENAME TO ` + table}, extras...)
	for _, step := range steps {
		if _, err := q.exec(ctx, step); err != nil {
			return fmt.Errorf("%.60s…: %w", step, err)
		}
	}
	return nil
}

var (
	createTableRE = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+("?)([a-z_]+)("?)\s*\(`)
	idColumnRE    = regexp.MustCompile(`(?i)\bid\s+INTEGER\s+PRIMARY\s+KEY\b`)
)

// autoincrementDDL turns table's CREATE TABLE statement into one that
// creates tmp with AUTOINCREMENT on the id column. It refuses a statement
// it does not recognise rather than guess.
func autoincrementDDL(ddl, table, tmp string) (string, error) {
	head := createTableRE.FindStringSubmatchIndex(ddl)
	if head == nil || !strings.EqualFold(ddl[head[4]:head[5]], table) {
		return "", fmt.Errorf("unexpected definition %.80q", ddl)
	}
	if ids := idColumnRE.FindAllStringIndex(ddl, -1); len(ids) != 1 {
		return "", fmt.Errorf("found %d columns \"id INTEGER PRIMARY KEY\", want 1", len(ids))
	}
	body := ddl[head[1]:]
	body = idColumnRE.ReplaceAllString(body, "${0} AUTOINCREMENT")
	return "CREATE TABLE " + tmp + " (" + body, nil
}

// checkForeignKeys fails when any row breaks a foreign key, as the
// rebuild's last step, while foreign keys are off.
func checkForeignKeys(ctx context.Context, q *Queries) error {
	var problems []string
	err := queryEach(ctx, q, "foreign key check", `PRAGMA foreign_key_check`, func(r rowScanner) error {
		var (
			table, parent string
			rowid, fkid   any
		)
		if err := r.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		problems = append(problems, fmt.Sprintf("%s row %v points to a missing %s", table, rowid, parent))
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("foreign keys broken: %s", strings.Join(problems[:min(len(problems), 5)], "; "))
	}
	return nil
}
