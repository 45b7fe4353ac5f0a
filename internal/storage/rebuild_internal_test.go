package storage

import (
	"strings"
	"testing"
)

func TestAutoincrementDDL(t *testing.T) {
	// As SQLite stores a table renamed once and given a column since.
	ddl := "CREATE TABLE \"users\" (\n    id                  INTEGER PRIMARY KEY,\n    email TEXT NOT NULL\n, notify BOOLEAN NOT NULL DEFAULT TRUE)"
	got, err := autoincrementDDL(ddl, "users", "users_rebuilt")
	want := "CREATE TABLE users_rebuilt (\n    id                  INTEGER PRIMARY KEY AUTOINCREMENT,\n    email TEXT NOT NULL\n, notify BOOLEAN NOT NULL DEFAULT TRUE)"
	if err != nil || got != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	for _, bad := range []string{
		"CREATE TABLE other (id INTEGER PRIMARY KEY)",                                       // another table
		"CREATE TABLE users (id TEXT PRIMARY KEY)",                                          // no integer id
		"CREATE TABLE users (id INTEGER PRIMARY KEY, x_id INTEGER, id INTEGER PRIMARY KEY)", // two
	} {
		if _, err := autoincrementDDL(bad, "users", "users_rebuilt"); err == nil {
			t.Errorf("autoincrementDDL(%q) took it", bad)
		}
	}
	if got := autoincrementTables("-- a comment\n-- sqlite-autoincrement: a b\n  -- sqlite-autoincrement: c\n"); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("autoincrementTables = %v", got)
	}
}
