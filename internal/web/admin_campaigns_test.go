package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAdminCampaigns: an admin makes a campaign on /admin/campaigns (bad
// input keeps the form), edits it, enrols a user on its page, backtests
// it and ends it; the list shows its figures and link; every change is
// audited.
func TestAdminCampaigns(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := adminBrowser(t, s)
		resp, body := admin.get("/admin/campaigns")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="campaign-default"`) ||
			!strings.Contains(body, `href="/admin/campaigns" aria-current="page"`) {
			t.Fatalf("list: %d\n%s", resp.StatusCode, body)
		}
		form := url.Values{"name": {"Spring <sale>"}, "slug": {"Bad Slug"}, "attribution_window": {"7"}, "hold": {"0"},
			"rules_from": {"give-get"}, "headline": {"Give $10, get $10"}}
		if resp, body := admin.post("/admin/campaigns", form); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="slug-error"`) || !strings.Contains(body, "Spring &lt;sale&gt;") {
			t.Fatalf("bad slug: %d\n%s", resp.StatusCode, body)
		}
		form.Set("slug", "spring")
		if resp, _ := admin.post("/admin/campaigns", form); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/admin/campaigns/spring?saved=1" {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		c, err := db.Read().CampaignBySlug(ctx, "spring")
		if err != nil || c.Program == nil || c.Program.AttributionWindow != 7*24*60*60*1e9 || len(c.Program.Rules) != 1 ||
			c.Program.Rules[0].Trigger != referralhub.EventPurchase {
			t.Fatalf("stored %+v, %v", c, err)
		}
		_, body = admin.get("/admin/campaigns/spring")
		if !strings.Contains(body, s.srv.URL+"/c/spring") && !strings.Contains(body, "/c/spring") {
			t.Fatalf("no link on the page:\n%s", body)
		}
		form.Set("name", "Spring 2027")
		form.Set("rules_from", "keep")
		if resp, _ := admin.post("/admin/campaigns/spring", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		user := s.browser(t)
		user.signup("alice")
		if resp, body := admin.post("/admin/campaigns/spring/enrol", url.Values{"participant": {"nobody"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="participant-error"`) {
			t.Fatalf("enrol nobody: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := admin.post("/admin/campaigns/spring/enrol", url.Values{"participant": {"alice"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("enrol: %d", resp.StatusCode)
		}
		if id, err := db.Read().ParticipantCampaignID(ctx, user.participantID()); err != nil || id != c.ID {
			t.Fatalf("alice is in %d, %v", id, err)
		}
		_, body = admin.get("/admin/campaigns")
		if !strings.Contains(body, "Spring 2027") {
			t.Fatalf("list after edit:\n%s", body)
		}
		if resp, body := admin.post("/admin/campaigns/spring/backtest", url.Values{"backtest_days": {"30"}, "rules_from": {"default"}}); resp.StatusCode != http.StatusOK ||
			!strings.Contains(body, `id="backtest-result"`) {
			t.Fatalf("backtest: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := admin.post("/admin/campaigns/spring/backtest", url.Values{"backtest_days": {"0"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="backtest_days-error"`) {
			t.Fatalf("bad backtest: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := admin.post("/admin/campaigns/spring/end", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("end: %d", resp.StatusCode)
		}
		if c, _ := db.Read().CampaignBySlug(ctx, "spring"); c.Status != referralhub.CampaignEnded {
			t.Fatalf("not ended: %+v", c)
		}
		assertAudited(t, admin, "campaign.create", "campaign spring", "Spring <sale>")
		assertAudited(t, admin, "campaign.update", "campaign spring", "Spring 2027")
		assertAudited(t, admin, "campaign.end", "campaign spring", "Spring 2027")
		if resp, _ := admin.get("/admin/campaigns/nope"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown campaign: %d", resp.StatusCode)
		}
	})
}

// TestCampaignsAreAdminOnly: visitors and users get 404 on every campaign
// admin route, and their posts change nothing.
func TestCampaignsAreAdminOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		user := s.browser(t)
		user.signup("alice")
		for _, b := range []*browser{s.browser(t), user} {
			for _, path := range []string{"/admin/campaigns", "/admin/campaigns/default"} {
				if resp, _ := b.get(path); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: %d", path, resp.StatusCode)
				}
			}
			for _, path := range []string{"/admin/campaigns", "/admin/campaigns/default", "/admin/campaigns/default/enrol",
				"/admin/campaigns/default/end", "/admin/campaigns/default/backtest"} {
				if resp, _ := b.post(path, url.Values{"name": {"x"}, "slug": {"x"}, "participant": {"alice"}}); resp.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d", path, resp.StatusCode)
				}
			}
		}
		if all, err := db.Read().ListCampaigns(context.Background()); err != nil || len(all) != 1 {
			t.Fatalf("campaigns = %+v, %v", all, err)
		}
	})
}

// TestCampaignLinkEnrols: whoever signs up through /c/{slug} is enrolled
// in the running campaign, its texts head the form; an ended campaign's
// link shows the plain form and enrols nobody; an unknown one is a 404.
func TestCampaignLinkEnrols(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		boss, err := s.svc.CreateUser(ctx, core.SignupInput{Email: "boss@example.com", Username: "boss", Password: "admin-password", IsAdmin: true})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.svc.CreateCampaign(ctx, boss, referralhub.Campaign{Slug: "spring", Name: "Spring", Headline: "Spring <deal>"})
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		resp, body := b.get("/c/spring")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Spring &lt;deal&gt;") || !strings.Contains(body, `name="campaign" value="spring"`) {
			t.Fatalf("link: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = b.post("/signup", url.Values{"email": {"ann@example.com"}, "username": {"ann"}, "password": {"password123"}, "campaign": {"spring"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signup: %d", resp.StatusCode)
		}
		if id, err := db.Read().ParticipantCampaignID(ctx, b.participantID()); err != nil || id != c.ID {
			t.Fatalf("ann is in %d, %v", id, err)
		}
		friend := s.referredBy(t, b, "bob")
		if id, err := db.Read().ParticipantCampaignID(ctx, friend.participantID()); err != nil || id != c.ID {
			t.Fatalf("ann's friend is in %d, %v", id, err)
		}
		if err := s.svc.EndCampaign(ctx, boss, "spring"); err != nil {
			t.Fatal(err)
		}
		late := s.browser(t)
		if resp, body := late.get("/c/spring"); resp.StatusCode != http.StatusOK || strings.Contains(body, `name="campaign"`) {
			t.Fatalf("ended link: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := late.post("/signup", url.Values{"email": {"cy@example.com"}, "username": {"cyd"}, "password": {"password123"}, "campaign": {"spring"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("late signup: %d\n%s", resp.StatusCode, body)
		}
		if id, err := db.Read().ParticipantCampaignID(ctx, late.participantID()); err != nil || id != referralhub.DefaultCampaignID {
			t.Fatalf("a signup through an ended link is in %d, %v", id, err)
		}
		if resp, _ := s.browser(t).get("/c/nope"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown link: %d", resp.StatusCode)
		}
	})
}

// TestAnalyticsCampaignFilter: /admin/analytics?campaign=slug shows the
// campaign's figures with a note saying so and the campaign chosen; an
// unknown slug is a 404; without it the page is as before.
func TestAnalyticsCampaignFilter(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		admin.post("/admin/campaigns", url.Values{"name": {"Spring"}, "slug": {"spring"}, "attribution_window": {"7"}, "hold": {"0"}, "rules_from": {"program"}})
		resp, body := admin.get("/admin/analytics?campaign=spring")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="analytics-campaign-note"`) || !strings.Contains(body, `<option value="spring" selected>`) {
			t.Fatalf("filtered: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := admin.get("/admin/analytics"); resp.StatusCode != http.StatusOK || strings.Contains(body, `id="analytics-campaign-note"`) {
			t.Fatalf("unfiltered: %d", resp.StatusCode)
		}
		if resp, _ := admin.get("/admin/analytics?campaign=nope"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown campaign: %d", resp.StatusCode)
		}
		// The period chips and the CSV links keep the campaign, and the
		// CSV is the campaign's (an unknown one is not found).
		if !strings.Contains(body, `href="/admin/analytics?days=7&amp;campaign=spring"`) || !strings.Contains(body, `&amp;campaign=spring" download>CSV</a>`) {
			t.Fatalf("the chips or CSV links drop the campaign:\n%s", body)
		}
		if resp, _ := admin.get("/admin/analytics/export/growth?campaign=spring"); resp.StatusCode != http.StatusOK ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("campaign CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if resp, _ := admin.get("/admin/analytics/export/growth?campaign=nope"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown campaign's CSV: %d", resp.StatusCode)
		}
	})
}

// TestCampaignRulesWrittenAsJSON edits a campaign's rules as JSON on its
// form: a bad list is a field error that stores nothing, a good one
// replaces the rules (a kept rule keeps its id, a new one gets the next).
func TestCampaignRulesWrittenAsJSON(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := adminBrowser(t, s)
		form := url.Values{"name": {"Autumn"}, "slug": {"autumn"}, "attribution_window": {"30"}, "hold": {"0"}, "rules_from": {"give-get"}}
		if resp, _ := admin.post("/admin/campaigns", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		before, err := db.Read().CampaignBySlug(ctx, "autumn")
		if err != nil || before.Program == nil || len(before.Program.Rules) != 1 {
			t.Fatalf("created %+v, %v", before, err)
		}
		_, body := admin.get("/admin/campaigns/autumn")
		if !strings.Contains(body, `id="rules"`) || !strings.Contains(body, `&#34;Trigger&#34;: &#34;purchase&#34;`) {
			t.Fatalf("the form does not show the campaign's rules as JSON:\n%s", body)
		}
		form.Set("rules_from", "json")
		form.Set("rules", `[{"Trigger": "signup"`)
		if resp, body := admin.post("/admin/campaigns/autumn", form); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="rules-error"`) {
			t.Fatalf("bad JSON: %d\n%s", resp.StatusCode, body)
		}
		kept := before.Program.Rules[0]
		if kept.Referrer == nil {
			t.Fatalf("the give-get rule rewards no referrer: %+v", kept)
		}
		reward := *kept.Referrer
		reward.Amount = 700
		kept.Referrer = &reward
		added := referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 5}}
		rules, err := json.Marshal([]referralhub.Rule{kept, added})
		if err != nil {
			t.Fatal(err)
		}
		form.Set("rules", string(rules))
		if resp, body := admin.post("/admin/campaigns/autumn", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save JSON rules: %d\n%s", resp.StatusCode, body)
		}
		after, err := db.Read().CampaignBySlug(ctx, "autumn")
		if err != nil || len(after.Program.Rules) != 2 || after.Program.Rules[0].ID != kept.ID || after.Program.Rules[0].Referrer.Amount != 700 ||
			after.Program.Rules[1].ID <= kept.ID || after.Program.Rules[1].Trigger != referralhub.EventSignup {
			t.Fatalf("stored rules %+v, %v", after.Program.Rules, err)
		}
	})
}
