package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAdminJobsShowTheLedgerCheck: /admin/jobs shows when the ledger was
// last verified, the outcome and the digest of the chains' heads.
func TestAdminJobsShowTheLedgerCheck(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		if _, body := admin.get("/admin/jobs"); !strings.Contains(body, `id="ledger-result" class="muted">Not verified yet`) {
			t.Fatalf("no 'not verified yet':\n%s", body)
		}
		storagetest.LedgerFixture(t, db)
		c, err := s.svc.VerifyLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		_, body := admin.get("/admin/jobs")
		if !strings.Contains(body, `<span class="state state-done">intact</span>, 2 chains, 12 records.`) ||
			!strings.Contains(body, `<code class="mono" id="ledger-digest">`+c.Digest+`</code>`) {
			t.Fatalf("the intact check (digest %s) is not shown:\n%s", c.Digest, body)
		}
		broken := referralhub.LedgerCheck{StartedAt: s.now(), FinishedAt: s.now().Add(time.Second), Chains: 2, BreakCount: 1,
			Digest: "d", Problem: "entry 4 (beneficiary 2): <b>edited</b>"}
		if err := db.Write().InsertLedgerCheck(context.Background(), &broken); err != nil {
			t.Fatal(err)
		}
		_, body = admin.get("/admin/jobs")
		if !strings.Contains(body, `<span class="state state-failed">broken</span> (1 of 2 chains). First break: entry 4 (beneficiary 2): &lt;b&gt;edited&lt;/b&gt;.`) {
			t.Errorf("the broken check is not shown:\n%s", body)
		}
	})
}
