package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// experimentForm is a start form for two variants: A with no rules, B
// with 20 points to the referrer per signup, half held out.
func experimentForm(name string) url.Values {
	return url.Values{"name": {name}, "holdout_percent": {"50"},
		"variant.0.weight": {"50"}, "variant.0.rules": {"[]"},
		"variant.1.weight": {"50"}, "variant.1.name": {"Points"},
		"variant.1.rules": {`[{"Trigger":"signup","Referrer":{"Kind":"points","Amount":20}}]`}}
}

// TestAdminExperimentsStartReportStopPromote walks an experiment through
// the admin pages: the form (refused with its mistakes beside the fields,
// then accepted), the report with its verdicts, a held-out participant's
// neutral dashboard, stop and promote, each audited.
func TestAdminExperimentsStartReportStopPromote(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		resp, body := admin.get("/admin/campaigns/default/experiments")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "No experiments on this campaign yet.") ||
			!strings.Contains(body, `aria-current="page">Experiments</a>`) || !strings.Contains(body, `&#34;Trigger&#34;: &#34;signup&#34;`) {
			t.Fatalf("empty page: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := admin.get("/admin/campaigns/nope/experiments"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("an unknown campaign: %d", resp.StatusCode)
		}
		bad := experimentForm("")
		bad.Set("holdout_percent", "ten")
		bad.Set("variant.1.rules", "[oops")
		resp, body = admin.post("/admin/campaigns/default/experiments", bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="holdout_percent-error"`) ||
			!strings.Contains(body, "a syntax error at character 2") || !strings.Contains(body, "[oops") {
			t.Fatalf("bad form: %d\n%s", resp.StatusCode, body)
		}
		bad = experimentForm("")
		resp, body = admin.post("/admin/campaigns/default/experiments", bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="name-error"`) {
			t.Fatalf("no name: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = admin.post("/admin/campaigns/default/experiments", experimentForm("five <or> ten"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/experiments/1" {
			t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = admin.post("/admin/campaigns/default/experiments", experimentForm("second"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already runs an experiment") {
			t.Fatalf("a second experiment: %d\n%s", resp.StatusCode, body)
		}

		held, shown := 0, 0
		for _, name := range []string{"amy", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon"} {
			b := s.browser(t)
			b.signup(name)
			e, err := s.svc.ParticipantExposure(context.Background(), b.participantID())
			if err != nil {
				t.Fatal(err)
			}
			_, body := b.get("/")
			if e.Holdout() {
				held++
				if !strings.Contains(body, "Your account is ready.") || strings.Contains(body, "/r/") || strings.Contains(body, "referral-link") {
					t.Errorf("%s, held out, sees:\n%s", name, body)
				}
			} else if shown++; !strings.Contains(body, `id="referral-link"`) {
				t.Errorf("%s, in arm %s, sees no link", name, e.Arm)
			}
		}
		if held == 0 || shown == 0 {
			t.Fatalf("ten signups: %d held out, %d shown the link", held, shown)
		}

		resp, body = admin.get("/admin/experiments/1")
		for _, want := range []string{"five &lt;or&gt; ten", "Share rate", "Reward cost per converted friend", "B: Points (",
			"Not enough data yet", "Incremental signups over the holdout", "Stop the experiment"} {
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
				t.Fatalf("report lacks %q: %d\n%s", want, resp.StatusCode, body)
			}
		}
		alice := s.browser(t)
		alice.signup("alice")
		for who, b := range map[string]*browser{"visitor": s.browser(t), "user": alice} {
			if resp, _ := b.get("/admin/experiments/1"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s reads the report: %d", who, resp.StatusCode)
			}
			if resp, _ := b.post("/admin/experiments/1/stop", url.Values{}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s stops it: %d", who, resp.StatusCode)
			}
		}
		req, _ := http.NewRequest("POST", s.srv.URL+"/admin/experiments/1/stop", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if resp, _ := admin.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin stop: %d, want 403", resp.StatusCode)
		}
		if exp, _ := s.svc.Experiment(context.Background(), referralhub.User{IsAdmin: true}, 1); exp.Status != referralhub.ExperimentRunning {
			t.Fatalf("stopped by someone else: %+v", exp)
		}
		resp, _ = admin.post("/admin/experiments/1/stop", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/experiments/1?done=stopped" {
			t.Fatalf("stop: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := admin.post("/admin/experiments/1/stop", url.Values{}); resp.StatusCode != http.StatusConflict {
			t.Fatalf("stopped twice: %d", resp.StatusCode)
		}
		resp, _ = admin.post("/admin/experiments/1/promote", url.Values{"variant": {"B"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("promote: %d", resp.StatusCode)
		}
		_, body = admin.get("/admin/experiments/1?done=promoted")
		if !strings.Contains(body, `id="experiment-notice"`) || !strings.Contains(body, "variant B promoted") || strings.Contains(body, "Stop the experiment") {
			t.Fatalf("after the promotion:\n%s", body)
		}
		assertAudited(t, admin, "experiment.start", "experiment #1", `"five <or> ten" on campaign default: A ×50 (0 rules), B ×50 (1 rule), holdout 50%`)
		assertAudited(t, admin, "experiment.stop", "experiment #1", `"five <or> ten" stopped`)
		assertAudited(t, admin, "experiment.promote", "experiment #1", "Promoted variant B (Points) of experiment #1.")
	})
}
