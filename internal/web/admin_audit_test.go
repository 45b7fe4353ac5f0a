package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// auditRows returns the rows of the audit table on the page, newest first.
func auditRows(body string) []string {
	var rows []string
	for _, chunk := range strings.Split(body, `<tr id="audit-`)[1:] {
		rows = append(rows, chunk[:strings.Index(chunk, "</tr>")])
	}
	return rows
}

// auditRow is the cells of an audit row by root, as the page shows them;
// a blank subject matches any.
func auditRow(action, subject, detail string) []string {
	cells := []string{"<td>root</td>", `<td class="mono">` + action + "</td>", `<td class="audit-detail">` + html.EscapeString(detail) + "</td>"}
	if subject != "" {
		cells = append(cells, "<td>"+html.EscapeString(subject)+"</td>")
	}
	return cells
}

// findAuditRow returns the index of the first row with every cell, or -1.
func findAuditRow(rows []string, cells []string) int {
	for i, row := range rows {
		found := true
		for _, c := range cells {
			found = found && strings.Contains(row, c)
		}
		if found {
			return i
		}
	}
	return -1
}

// assertAudited checks that the audit page, filtered by the action,
// shows the action by root on subject with detail as its reason.
func assertAudited(t *testing.T, admin *browser, action, subject, detail string) {
	t.Helper()
	resp, body := admin.get("/admin/audit?action=" + url.QueryEscape(action))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("audit: %d", resp.StatusCode)
	}
	if findAuditRow(auditRows(body), auditRow(action, subject, detail)) < 0 {
		t.Errorf("audit log lacks %s by root on %s with %q:\n%s", action, subject, detail, body)
	}
}

// TestAdminAuditRecordsEachDecision approves, rejects and bans on three
// held referrals: each decision is in the log, newest first, with the
// admin's name and the reason, and the action filter narrows the list.
func TestAdminAuditRecordsEachDecision(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice := browserAs(t, s, "Mozilla/5.0 (alice)")
		alice.signup("alice")
		for _, name := range []string{"bob", "carol", "dave"} {
			referredBy(t, s, alice, name)
		}
		held := reviewQueue(t, s, referralhub.ReviewHeld)
		if len(held) != 3 {
			t.Fatalf("held: %+v", held)
		}
		admin := adminBrowser(t, s)
		evil := `<script>alert("x")</script> & co`
		decide(t, admin, held[0].ID, "approve", "Known to us.")
		decide(t, admin, held[1].ID, "reject", evil)
		decide(t, admin, held[2].ID, "ban", "A farm.")

		resp, body := admin.get("/admin/audit")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("audit: %d", resp.StatusCode)
		}
		assertEscaped(t, "audit", body, evil)
		rows := auditRows(body)
		want := [][]string{
			auditRow("participant.ban", fmt.Sprintf("participant %d", held[2].ReferrerID), "A farm."),
			auditRow("review.reject", fmt.Sprintf("referral %d", held[2].ID), "A farm."),
			auditRow("review.reject", fmt.Sprintf("referral %d", held[1].ID), evil),
			auditRow("review.approve", fmt.Sprintf("referral %d", held[0].ID), "Known to us."),
			{"<td>root</td>", `<td class="mono">admin.login</td>`},
		}
		last := -1
		for _, cells := range want {
			i := findAuditRow(rows, cells)
			if i <= last {
				t.Errorf("row %v at %d, after %d: missing or out of order\n%s", cells, i, last, body)
			}
			last = i
		}
		if !strings.Contains(rows[0], `<time datetime="2026-03-02T10:00:00Z">2 Mar 2026 10:00:00</time>`) {
			t.Errorf("when is not shown: %s", rows[0])
		}

		_, body = admin.get("/admin/audit?action=review.")
		rows = auditRows(body)
		if len(rows) != 3 || findAuditRow(rows, []string{"participant.ban"}) >= 0 || findAuditRow(rows, []string{"admin.login"}) >= 0 {
			t.Errorf("filtered by review.: %d rows\n%s", len(rows), body)
		}
		if !strings.Contains(body, `href="/admin/audit?action=review." aria-current="page">Reviews</a>`) {
			t.Error("the Reviews filter is not marked current")
		}
		if _, body = admin.get("/admin/audit?action=participant."); len(auditRows(body)) != 1 {
			t.Errorf("filtered by participant.: %d rows", len(auditRows(body)))
		}
		if resp, _ := admin.get("/admin/audit?action=" + strings.Repeat("x", 41)); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("overlong filter: %d, want 422", resp.StatusCode)
		}
	})
}

// TestAdminAuditPages pages through more entries than fit on a page.
func TestAdminAuditPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s) // one admin.login entry
		ctx := context.Background()
		err := db.InTx(ctx, func(q *storage.Queries) error {
			for i := range 104 {
				e := referralhub.AuditEntry{Actor: "root", Action: "job.retry", Subject: fmt.Sprintf("job %d", i), CreatedAt: s.now()}
				if err := q.AppendAudit(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		_, body := admin.get("/admin/audit")
		rows := auditRows(body)
		if len(rows) != 100 || !strings.Contains(rows[0], "<td>job 103</td>") || !strings.Contains(rows[99], "<td>job 4</td>") {
			t.Fatalf("first page: %d rows", len(rows))
		}
		if !strings.Contains(body, `<a href="/admin/audit?page=2" rel="next">Older →</a>`) || strings.Contains(body, `rel="prev"`) {
			t.Errorf("first page's pager:\n%s", body)
		}
		_, body = admin.get("/admin/audit?page=2")
		rows = auditRows(body)
		if len(rows) != 6 || !strings.Contains(rows[0], "<td>job 3</td>") || !strings.Contains(rows[4], "admin.login") ||
			!strings.Contains(rows[5], "admin.create") {
			t.Fatalf("second page: %d rows\n%s", len(rows), body)
		}
		if !strings.Contains(body, `<a href="/admin/audit" rel="prev">← Newer</a>`) || strings.Contains(body, `rel="next"`) ||
			!strings.Contains(body, "Entries 101–106") {
			t.Errorf("second page's pager:\n%s", body)
		}
		_, body = admin.get("/admin/audit?action=job.&page=2")
		if rows := auditRows(body); len(rows) != 4 || !strings.Contains(body, `href="/admin/audit?action=job." rel="prev"`) {
			t.Errorf("filtered second page: %d rows", len(rows))
		}
		for _, bad := range []string{"abc", "-3", "0"} {
			if resp, body := admin.get("/admin/audit?page=" + bad); resp.StatusCode != http.StatusOK || len(auditRows(body)) != 100 {
				t.Errorf("page=%s: %d, want the first page", bad, resp.StatusCode)
			}
		}
		if _, body := admin.get("/admin/audit?page=9"); len(auditRows(body)) != 0 || !strings.Contains(body, "No entries on this page.") {
			t.Error("a page past the end is not empty")
		}
	})
}
