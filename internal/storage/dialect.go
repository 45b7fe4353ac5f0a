package storage

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything that differs between the engines. Keep it small.
type dialect interface {
	name() string
	// timeValue returns a query argument for t that sorts and compares
	// correctly in the engine.
	timeValue(t time.Time) any
	// macros are substituted into migrations.
	macros() map[string]string
	// isUnique reports whether err violates the unique index named index
	// (PostgreSQL and SQLite expression indexes) on column (SQLite reports
	// plain-column indexes as "table.column").
	isUnique(err error, index, column string) bool
	// isMissingTable reports whether err says a table does not exist.
	isMissingTable(err error) bool
	// migrationLock is a statement that serialises migrations across
	// processes inside a transaction, or "" when the transaction suffices.
	migrationLock() string
	// appendParam appends the placeholder of the n-th (1-based) argument,
	// for statements whose placeholders appear in argument order.
	appendParam(b []byte, n int) []byte
	// skipLocked ends a SELECT that claims a row so concurrent claimers
	// pass over each other's rows; SQLite's single writer needs nothing.
	skipLocked() string
	// forUpdate ends a SELECT that locks its rows until the transaction
	// ends; SQLite's single writer needs nothing.
	forUpdate() string
	// dayOf and monthOf return an expression giving a timestamp column's
	// UTC day ('YYYY-MM-DD') or month ('YYYY-MM') as text.
	dayOf(col string) string
	monthOf(col string) string
	// secondsBetween returns an expression for the seconds from timestamp
	// a to timestamp b.
	secondsBetween(a, b string) string
	// databaseSize is a query for the bytes the database takes on disk.
	databaseSize() string
	// unprepared returns the arguments of a statement run once, which the
	// driver must not prepare and cache.
	unprepared(args []any) []any
	// unavailable reports whether err says the engine could not serve at
	// all (its server shutting down or out of connections, its file locked
	// or unreadable), beside the failures both engines share (see outage.go).
	unavailable(err error) bool
	// insertRows returns head followed by the rows in args (len(cols)
	// values per row) and tail, and the arguments that binds (bulk_rows.go).
	insertRows(head string, cols []bulkCol, args []any, tail string) (string, []any)
	// indexesSQL and foreignKeysSQL list the indexes of a table that no
	// constraint owns, and its foreign keys ("" when they cannot be
	// dropped), each with the statements that drop and make it
	// (bulk_indexes.go).
	indexesSQL() string
	foreignKeysSQL() string
	// countTriggersSQL lists the program count triggers of a table that a
	// bulk load drops ("" when it keeps them), likewise.
	countTriggersSQL() string
	// refused reports whether err says the engine refused a statement's
	// data: a value it cannot store, or a broken constraint.
	refused(err error) bool
	// reserveIDs is a query for the first of n new ids of table that no
	// row has, with its arguments; the n ids from it are the caller's to
	// insert. Nothing else may insert into table until they are.
	reserveIDs(table string, n int64) (string, []any)
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }

// SQLite has no time type: store fixed-width UTC text so comparisons and
// ORDER BY work lexically; modernc parses it back for TIMESTAMP columns.
func (sqliteDialect) timeValue(t time.Time) any {
	return t.UTC().Format(sqliteTimeLayout)
}

func (sqliteDialect) macros() map[string]string {
	return map[string]string{
		"ID":                     "INTEGER PRIMARY KEY",
		"KEPT_ID":                "INTEGER PRIMARY KEY AUTOINCREMENT",
		"TIMESTAMP":              "TIMESTAMP",
		"BLOB":                   "BLOB",
		"WITHOUT_ROWID":          " WITHOUT ROWID",
		"PROGRAM_COUNT_TRIGGERS": sqliteCountTriggers(),
		"AUDIT_APPEND_ONLY": `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.id IS NOT OLD.id OR NEW.actor IS NOT OLD.actor OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject
  OR NEW.detail IS NOT OLD.detail OR NEW.created_at IS NOT OLD.created_at OR NEW.actor_id IS NOT NULL AND NEW.actor_id IS NOT OLD.actor_id
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
	}
}

func (sqliteDialect) isUnique(err error, index, column string) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	code := e.Code()
	if code != sqlite3.SQLITE_CONSTRAINT_UNIQUE && code != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return false
	}
	msg := e.Error()
	return strings.Contains(msg, "index '"+index+"'") || strings.Contains(msg, column)
}

func (sqliteDialect) isMissingTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}

// An IMMEDIATE transaction already holds SQLite's single write lock.
func (sqliteDialect) migrationLock() string { return "" }

// SQLite treats $N as a named parameter and looks each name up in a list,
// so a statement with thousands of them takes quadratic time to prepare and
// bind; a plain ? is positional and free.
func (sqliteDialect) appendParam(b []byte, _ int) []byte { return append(b, '?') }

func (sqliteDialect) skipLocked() string { return "" }
func (sqliteDialect) forUpdate() string  { return "" }

// Times are stored as UTC text, so the day and month are its prefixes.
func (sqliteDialect) dayOf(col string) string   { return "substr(" + col + ", 1, 10)" }
func (sqliteDialect) monthOf(col string) string { return "substr(" + col + ", 1, 7)" }
func (sqliteDialect) secondsBetween(a, b string) string {
	return "((julianday(" + b + ") - julianday(" + a + ")) * 86400.0)"
}

func (sqliteDialect) databaseSize() string {
	return `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`
}

// unprepared needs nothing on SQLite: statements in transactions are not
// kept, and the statement cache (stmtCache) is bypassed for bulk ones.
func (sqliteDialect) unprepared(args []any) []any { return args }

// SQLite gives a new row the highest id + 1, so an id above the highest
// is free, and its one writer keeps it so.
func (sqliteDialect) reserveIDs(table string, _ int64) (string, []any) {
	return `/* reserveIDs */ SELECT COALESCE(MAX(id), 0) + 1 FROM ` + table, nil
}

// sqliteCode is the primary result code of a SQLite error (its low byte),
// or -1 when err is none.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return -1
	}
	return e.Code() & 0xff
}

// A busy or locked file (past busy_timeout), an I/O error, a full disk or
// a file that cannot be opened: nothing wrong with the statement.
func (sqliteDialect) unavailable(err error) bool {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_NOMEM:
		return true
	}
	return false
}

func (sqliteDialect) refused(err error) bool {
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_RANGE:
		return true
	}
	return false
}

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

func (postgresDialect) timeValue(t time.Time) any { return t.UTC() }

func (postgresDialect) macros() map[string]string {
	return map[string]string{
		"ID":                     "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
		"KEPT_ID":                "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
		"TIMESTAMP":              "TIMESTAMPTZ",
		"BLOB":                   "BYTEA",
		"WITHOUT_ROWID":          "",
		"PROGRAM_COUNT_TRIGGERS": postgresCountTriggers(),
		"AUDIT_APPEND_ONLY": `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id OR NEW.actor IS DISTINCT FROM OLD.actor
     OR NEW.action IS DISTINCT FROM OLD.action OR NEW.subject IS DISTINCT FROM OLD.subject
     OR NEW.detail IS DISTINCT FROM OLD.detail OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id THEN
    RAISE EXCEPTION 'the audit log is append-only';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();`,
	}
}

func (postgresDialect) isUnique(err error, index, _ string) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) || e.Code != "23505" {
		return false
	}
	return e.ConstraintName == index
}

func (postgresDialect) isMissingTable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "42P01"
}

// The key is arbitrary but fixed: "referralhub" as a number.
func (postgresDialect) migrationLock() string { return "SELECT pg_advisory_xact_lock(72656665727261)" }

func (postgresDialect) appendParam(b []byte, n int) []byte {
	return strconv.AppendInt(append(b, '$'), int64(n), 10)
}

func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) forUpdate() string  { return " FOR UPDATE" }

func (postgresDialect) dayOf(col string) string {
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
}
func (postgresDialect) monthOf(col string) string {
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
}
func (postgresDialect) secondsBetween(a, b string) string {
	return "EXTRACT(EPOCH FROM (" + b + " - " + a + "))"
}

func (postgresDialect) databaseSize() string { return `SELECT pg_database_size(current_database())` }

// pgCode is the SQLSTATE of a PostgreSQL error, or "" when err is none.
func pgCode(err error) string {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return ""
	}
	return e.Code
}

// Class 08 is a connection exception, 53 insufficient resources (too many
// connections, a full disk); 57P01 to 57P03 a server shutting down or not
// yet accepting connections; 57014 a statement cancelled by a timeout.
// Besides, a connection that cannot be made or was closed under a query.
func (postgresDialect) unavailable(err error) bool {
	code := pgCode(err)
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57P0"), code == "57014":
		return true
	case code != "":
		return false
	}
	var connect *pgconn.ConnectError
	return errors.As(err, &connect) || pgconn.Timeout(err) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// Class 22 is a data exception (a byte sequence invalid in UTF-8, a value
// out of range), 23 an integrity constraint (a foreign key whose row is
// gone).
func (postgresDialect) refused(err error) bool {
	code := pgCode(err)
	return strings.HasPrefix(code, "22") || strings.HasPrefix(code, "23")
}

// unprepared asks pgx to describe and run the statement on the unnamed
// prepared statement, which nothing caches (two round trips, once per batch).
// PostgreSQL takes the ids from the identity column's sequence, which
// then goes on after them.
func (postgresDialect) reserveIDs(table string, n int64) (string, []any) {
	seq := `pg_get_serial_sequence('` + table + `', 'id')`
	return `/* reserveIDs */ SELECT setval(` + seq + `, nextval(` + seq + `) + $1 - 1) - $1 + 1`, []any{n}
}

func (postgresDialect) unprepared(args []any) []any {
	return append([]any{pgx.QueryExecModeDescribeExec}, args...)
}
