// The engine's catalog: FindText searches every text column it lists.

package storage

import (
	"context"
	"fmt"
	"regexp"
)

// TextHit is a column holding a searched text, and in how many rows.
type TextHit struct {
	Table, Column, Text string
	Rows                int64
}

// String names the hit for a test failure.
func (h TextHit) String() string {
	return fmt.Sprintf("%s.%s holds %q in %d rows", h.Table, h.Column, h.Text, h.Rows)
}

// FindText searches every text column of every table for each of texts,
// regardless of case (ASCII), and reports where they occur. The tables and
// columns come from the engine's catalog, so tables added by later
// migrations are searched too. It reads every row: it exists to prove that
// a deleted account, or a raw IP address, is nowhere in the database.
func (db *DB) FindText(ctx context.Context, texts ...string) ([]TextHit, error) {
	// No statement cache: these statements are each run once.
	q := &Queries{q: db.read, d: db.dialect, count: &db.queries}
	cols, err := q.textColumns(ctx)
	if err != nil {
		return nil, err
	}
	var hits []TextHit
	for _, c := range cols {
		for _, text := range texts {
			var n int64
			err := q.queryRow(ctx, `/* FindText */ SELECT count(*) FROM "`+c[0]+`" WHERE lower(CAST("`+c[1]+`" AS TEXT)) LIKE $1 ESCAPE '\'`,
				SearchPattern(text)).Scan(&n)
			if err != nil {
				return nil, fmt.Errorf("search %s.%s: %w", c[0], c[1], err)
			}
			if n > 0 {
				hits = append(hits, TextHit{Table: c[0], Column: c[1], Text: text, Rows: n})
			}
		}
	}
	return hits, nil
}

// identifier is a table or column name FindText is willing to quote.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// textColumns lists (table, column) for every column of text type in the
// database's tables, from the catalog.
func (q *Queries) textColumns(ctx context.Context) ([][2]string, error) {
	cat, ok := q.d.(catalog)
	if !ok {
		return nil, fmt.Errorf("%s: no catalog query", q.d.name())
	}
	out, err := queryList(ctx, q, "list text columns", cat.textColumnsSQL(), func(r rowScanner) ([2]string, error) {
		var table, column string
		if err := r.Scan(&table, &column); err != nil {
			return [2]string{}, err
		}
		if !identifier.MatchString(table) || !identifier.MatchString(column) {
			return [2]string{}, fmt.Errorf("cannot search %q.%q: unexpected name", table, column)
		}
		return [2]string{table, column}, nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the catalog lists no text columns")
	}
	return out, nil
}

// catalog is the part of a dialect that reads the engine's catalog.
type catalog interface {
	// textColumnsSQL selects (table, column) for every text column.
	textColumnsSQL() string
}

// SQLite: a column has text affinity when its declared type holds CHAR,
// CLOB or TEXT; one declared with no type takes any value, so it is
// searched too.
func (sqliteDialect) textColumnsSQL() string {
	return `/* textColumns */ SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND (c.type = '' OR upper(c.type) LIKE '%CHAR%' OR upper(c.type) LIKE '%CLOB%' OR upper(c.type) LIKE '%TEXT%')
		ORDER BY m.name, c.cid`
}

// PostgreSQL: the tables of the current schema (tests each get their own).
func (postgresDialect) textColumnsSQL() string {
	return `/* textColumns */ SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
		ORDER BY c.table_name, c.ordinal_position`
}
