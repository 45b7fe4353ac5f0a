// Dropping and rebuilding secondary indexes around a bulk load.

package storage

import (
	"context"
	"fmt"
	"strings"
)

// index is a secondary index as the catalog defines it.
type index struct{ name, definition string }

// DropLookupIndexes drops the indexes of tables that serve lookups only
// (not unique, not a primary key) and returns their names and a function
// that creates them again from the definitions the catalog held. Call both inside one
// transaction, the function before it commits: the indexes are then never
// missing outside it, however the load ends. It is for loading many rows
// into tables that hold few: one index built from all the rows at once
// costs a fraction of growing it row by row. Unique indexes stay, so a
// duplicate still fails the insert that brings it. On PostgreSQL the
// dropped indexes lock their tables against other sessions until the
// transaction ends.
func (q *Queries) DropLookupIndexes(ctx context.Context, tables ...string) ([]string, func() error, error) {
	var dropped []index
	for _, table := range tables {
		idx, err := queryList(ctx, q, "lookup indexes", q.d.lookupIndexesSQL(), func(r rowScanner) (index, error) {
			var i index
			err := r.Scan(&i.name, &i.definition)
			return i, err
		}, table)
		if err != nil {
			return nil, nil, err
		}
		dropped = append(dropped, idx...)
	}
	names := make([]string, len(dropped))
	for k, i := range dropped {
		if _, err := q.exec(ctx, `/* DropLookupIndexes */ DROP INDEX `+quoteIdent(i.name)); err != nil {
			return nil, nil, fmt.Errorf("drop index %s: %w", i.name, err)
		}
		names[k] = i.name
	}
	return names, func() error {
		for _, i := range dropped {
			if _, err := q.exec(ctx, `/* DropLookupIndexes.restore */ `+i.definition); err != nil {
				return fmt.Errorf("create index %s again: %w", i.name, err)
			}
		}
		return nil
	}, nil
}

// quoteIdent quotes an identifier for both engines.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// The indexes of table $1 made by CREATE INDEX (not for a constraint) and
// not unique, with the statement that made them.
func (sqliteDialect) lookupIndexesSQL() string {
	return `/* lookupIndexes */ SELECT l.name, m.sql FROM pragma_index_list($1) l
		JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name
		WHERE l."unique" = 0 AND l.origin = 'c' ORDER BY l.name`
}

func (postgresDialect) lookupIndexesSQL() string {
	return `/* lookupIndexes */ SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = to_regclass($1) AND NOT i.indisunique AND NOT i.indisprimary ORDER BY c.relname`
}
