package web_test

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// backtestRows reads the rows of one table of the backtest's answer:
// label, issued, draft.
func backtestRows(t *testing.T, body, id string) [][3]string {
	t.Helper()
	start := strings.Index(body, `<table class="table" id="`+id+`">`)
	if start < 0 {
		t.Fatalf("no table %s:\n%s", id, body)
	}
	table := body[start : start+strings.Index(body[start:], "</table>")]
	var rows [][3]string
	for _, m := range regexp.MustCompile(`<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>`).FindAllStringSubmatch(table, -1) {
		rows = append(rows, [3]string{m[1], m[2], m[3]})
	}
	return rows
}

// TestAdminProgramBacktest: "What would this have cost?" posts the form's
// draft, saved or not, and shows beside what was issued what the draft
// would have issued, by currency and by rule; it saves nothing, keeps
// the form as typed, shows mistakes beside their field, and is the
// admin's alone, from this site only.
func TestAdminProgramBacktest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		alice := s.browser(t)
		alice.signup("alice")
		referredSignup(t, s, alice, "bob")
		referredSignup(t, s, alice, "carol")
		before := programNow(t, s)

		// Draft: 25 points instead of 10, and $5 of credit to each friend.
		form := loadProgramForm(t, admin)
		form.Set("rule.0.referrer_amount", "25")
		form.Set("rule.1.referee_kind", "credit")
		form.Set("rule.1.referee_amount", "5")
		form.Set("rule.1.referee_currency", "usd")
		form.Set("backtest_days", "7")
		resp, body := admin.post("/admin/program/backtest", form)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="backtest-result"`) {
			t.Fatalf("backtest: %d\n%s", resp.StatusCode, body)
		}
		if got, want := backtestRows(t, body, "backtest-values"), [][3]string{
			{"Points", "2 rewards: 20 points", "2 rewards: 50 points"},
			{"Credit (USD)", "none", "2 rewards: $10.00 credit"},
		}; !reflect.DeepEqual(got, want) {
			t.Errorf("by currency = %q, want %q", got, want)
		}
		if got, want := backtestRows(t, body, "backtest-rules"), [][3]string{
			{"Rule #1 (signup)", "2 rewards: 20 points", "2 rewards: 50 points"},
			{"New rule in row 2 (signup)", "none", "2 rewards: $10.00 credit"},
		}; !reflect.DeepEqual(got, want) {
			t.Errorf("by rule = %q, want %q", got, want)
		}
		if !strings.Contains(body, "(7 days). Issued: 2 rewards; this draft: 4 rewards.") {
			t.Errorf("no summary:\n%s", body)
		}
		// The form comes back as typed, with the days; nothing was saved.
		again := scrapeForm(t, body, "/admin/program")
		if again.Get("rule.0.referrer_amount") != "25" || again.Get("rule.1.referee_amount") != "5.00" && again.Get("rule.1.referee_amount") != "5" ||
			again.Get("backtest_days") != "7" {
			t.Errorf("form not kept: %v", again)
		}
		if after := programNow(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("the backtest changed the program: %+v", after)
		}

		// Mistakes: 422, each beside its field.
		form.Set("backtest_days", "400")
		form.Set("rule.0.referrer_amount", "-3")
		resp, body = admin.post("/admin/program/backtest", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="backtest_days-error"`) ||
			!strings.Contains(body, `id="rule-0-referrer-error"`) || strings.Contains(body, `id="backtest-result"`) {
			t.Fatalf("bad draft: %d\n%s", resp.StatusCode, body)
		}

		// Others get a plain 404; another site's post is refused.
		form.Set("backtest_days", "30")
		form.Set("rule.0.referrer_amount", "25")
		for who, b := range map[string]*browser{"visitor": s.browser(t), "user": alice} {
			if resp, body := b.post("/admin/program/backtest", form); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "backtest-result") {
				t.Errorf("%s: %d", who, resp.StatusCode)
			}
		}
		req, _ := http.NewRequest("POST", s.srv.URL+"/admin/program/backtest", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if resp, _ := admin.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin backtest: %d, want 403", resp.StatusCode)
		}
	})
}
