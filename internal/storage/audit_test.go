package storage_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAuditLogIsAppendOnly checks that the database itself refuses to
// change or delete an audit entry, while deleting the actor's account
// still works (it only clears actor_id).
func TestAuditLogIsAppendOnly(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			url := storagetest.URL(t, engine)
			db, err := storage.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx, t0); err != nil {
				t.Fatal(err)
			}
			u, _ := mustUser(t, db, "boss")
			err = db.Write().AppendAudit(ctx, referralhub.AuditEntry{ActorID: u.ID, Actor: "boss", Action: "review.reject",
				Subject: "referral 1", Detail: "why", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			raw := rawDB(t, engine, url)
			for _, stmt := range []string{`UPDATE audit_log SET detail = 'rewritten'`, `DELETE FROM audit_log`} {
				if _, err := raw.ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			if _, err := raw.ExecContext(ctx, `DELETE FROM users WHERE id = `+itoa(u.ID)); err != nil {
				t.Fatalf("deleting the actor: %v", err)
			}
			log, err := db.Read().AuditLog(ctx, "", 10, 0)
			if err != nil || len(log) != 1 || log[0].ActorID != 0 || log[0].Actor != "boss" || log[0].Detail != "why" {
				t.Fatalf("after deleting the actor: %+v, %v", log, err)
			}
		})
	}
}

func rawDB(t *testing.T, engine, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if engine == "sqlite" {
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(url, "sqlite:")+"?_pragma=foreign_keys(1)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
