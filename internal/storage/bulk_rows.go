// How the engines take many rows in one statement, and the bulk click
// insert.

package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
)

// bulkCol is a column a bulk insert writes, with its PostgreSQL type.
type bulkCol struct{ name, pgType string }

// clickCols are the columns BulkClicks writes.
var clickCols = []bulkCol{{"id", "text"}, {"participant_id", "bigint"}, {"code", "text"}, {"ip_hash", "text"},
	{"user_agent", "text"}, {"referer", "text"}, {"created_at", "timestamptz"}, {"bot", "boolean"}}

// insertRowsSQL returns a statement labelled name that inserts the rows in
// args (len(cols) values per row, row after row) into table, followed by
// tail, and the arguments it binds.
func (q *Queries) insertRowsSQL(name, table string, cols []bulkCol, args []any, tail string) (string, []any) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	head := "/* " + name + " */ INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") "
	return q.d.insertRows(head, cols, args, tail)
}

// SQLite binds every value: head VALUES (?, ...), (?, ...) tail.
func (d sqliteDialect) insertRows(head string, cols []bulkCol, args []any, tail string) (string, []any) {
	q := Queries{d: d}
	return q.valuesSQL(head+"VALUES ", len(args)/len(cols), len(cols), tail), args
}

// PostgreSQL binds one array per column and unnests them: the statement's
// text is the same for any number of rows, so pgx prepares it once, and
// the server parses one array instead of thousands of parameters.
func (postgresDialect) insertRows(head string, cols []bulkCol, args []any, tail string) (string, []any) {
	n := len(cols)
	arrays := make([]any, n)
	b := []byte(head + "SELECT * FROM unnest(")
	for j, c := range cols {
		col := make([]any, 0, len(args)/n)
		for i := j; i < len(args); i += n {
			col = append(col, args[i])
		}
		arrays[j] = col
		if j > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(j+1), 10)
		b = append(b, "::"+c.pgType+"[]"...)
	}
	return string(append(append(b, ')'), tail...)), arrays
}

// BulkClicks inserts clicks with multi-row statements and counts nothing:
// it is for a caller that set each participant's ClickCount (its clicks
// that are not bots) when it inserted them with BulkParticipants. A click
// id already stored fails the call with ECONFLICT. Call it inside InTx.
func (q *Queries) BulkClicks(ctx context.Context, clicks []referralhub.Click) error {
	return inChunks(len(clicks), len(clickCols), func(start, end int) error {
		chunk := clicks[start:end]
		args := make([]any, 0, len(chunk)*len(clickCols))
		for _, c := range chunk {
			args = append(args, c.ID, c.ParticipantID, c.Code, c.IPHash, c.UserAgent, c.Referer, q.ts(c.CreatedAt), c.Bot)
		}
		query, args := q.insertRowsSQL("BulkClicks", "clicks", clickCols, args, "")
		_, err := q.exec(ctx, query, args...)
		if isClickKey(q.d, err) {
			return referralhub.Errorf(referralhub.ECONFLICT, "A click id in the batch is already stored.")
		}
		if err != nil {
			return fmt.Errorf("bulk insert %d clicks: %w", len(chunk), err)
		}
		return nil
	})
}
