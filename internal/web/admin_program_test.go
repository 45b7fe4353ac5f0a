package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// scrapeForm returns what a browser would submit from the page's form that
// posts to action: text and hidden inputs, text areas, checked boxes,
// selected options.
func scrapeForm(t *testing.T, body, action string) url.Values {
	t.Helper()
	start := strings.Index(body, `<form method="post" action="`+action+`"`)
	if start < 0 {
		t.Fatalf("no form posting to %s:\n%s", action, body)
	}
	form := body[start : start+strings.Index(body[start:], "</form>")]
	inputTag := regexp.MustCompile(`<input\b([^>]*)>`)
	selectTag := regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionTag := regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	textareaTag := regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	vals := url.Values{}
	for _, m := range inputTag.FindAllStringSubmatch(form, -1) {
		a := tagAttrs(m[1])
		if a["name"] == "" || a["type"] == "checkbox" && !strings.Contains(m[1], " checked") {
			continue
		}
		vals.Add(a["name"], a["value"])
	}
	for _, m := range textareaTag.FindAllStringSubmatch(form, -1) {
		vals.Add(tagAttrs(m[1])["name"], html.UnescapeString(strings.TrimPrefix(m[2], "\n")))
	}
	for _, m := range selectTag.FindAllStringSubmatch(form, -1) {
		opts := optionTag.FindAllStringSubmatch(m[2], -1)
		if len(opts) == 0 {
			t.Fatalf("select without options: %s", m[0])
		}
		chosen := opts[0][1]
		for _, o := range opts {
			if o[2] != "" {
				chosen = o[1]
			}
		}
		vals.Add(tagAttrs(m[1])["name"], html.UnescapeString(chosen))
	}
	return vals
}

func tagAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`([a-z-]+)="([^"]*)"`).FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// programForm loads the admin's program form.
func loadProgramForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	resp, body := b.get("/admin/program")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("program page: %d", resp.StatusCode)
	}
	return scrapeForm(t, body, "/admin/program")
}

// saveProgram posts the program form and expects the redirect back.
func saveProgramForm(t *testing.T, b *browser, form url.Values) {
	t.Helper()
	resp, body := b.post("/admin/program", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/program?saved=1" {
		t.Fatalf("save: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func programNow(t *testing.T, s *site) referralhub.Program {
	t.Helper()
	p, err := s.svc.Program(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ruleIDsOf(p referralhub.Program) []int64 {
	var ids []int64
	for _, r := range p.Rules {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestAdminProgramAndJobsAreHiddenFromOthers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		id := makeFailedJob(t, s)
		alice := s.browser(t)
		alice.signup("alice")
		before := programNow(t, s)
		program := url.Values{"name": {"Hijacked"}, "attribution_window_days": {"1"}, "hold_days": {"0"},
			"points_per_coupon": {"0"}, "rule_count": {"0"}}
		for who, b := range map[string]*browser{"visitor": s.browser(t), "user": alice} {
			for _, c := range []struct {
				method, path string
				form         url.Values
			}{
				{"GET", "/admin/program", nil},
				{"POST", "/admin/program", program},
				{"POST", "/admin/program/preset", url.Values{"preset": {"give-get"}}},
				{"GET", "/admin/jobs", nil},
				{"GET", "/admin/jobs?state=failed", nil},
				{"POST", fmt.Sprintf("/admin/jobs/%d/retry", id), nil},
			} {
				var resp *http.Response
				var body string
				if c.method == "GET" {
					resp, body = b.get(c.path)
				} else {
					resp, body = b.post(c.path, c.form)
				}
				if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "admin/program") {
					t.Errorf("%s %s %s: %d, want a plain 404", who, c.method, c.path, resp.StatusCode)
				}
			}
		}
		if after := programNow(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("program changed by non-admins: %+v", after)
		}
		if jobs := jobsInState(t, db, referralhub.JobFailed); len(jobs) != 1 {
			t.Errorf("the failed job was retried by a non-admin: %+v", jobs)
		}
	})
}

func TestAdminProgramEditKeepsRuleIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		form := loadProgramForm(t, admin)
		if form.Get("rule.0.id") != "1" || form.Get("rule.0.referrer_amount") != "10" || form.Get("rule_count") != "2" {
			t.Fatalf("the default program is not in the form: %v", form)
		}
		form.Set("name", "Friends program")
		form.Set("attribution_window_days", "14")
		form.Set("rule.0.referrer_amount", "25")
		saveProgramForm(t, admin, form)
		p := programNow(t, s)
		if p.Name != "Friends program" || p.AttributionWindow != 14*24*time.Hour || len(p.Rules) != 1 ||
			p.Rules[0].ID != 1 || p.Rules[0].Referrer.Amount != 25 {
			t.Fatalf("edit not in effect: %+v", p)
		}
		if got := s.svc.AttributionWindow(context.Background()); got != 14*24*time.Hour {
			t.Errorf("attribution window in effect: %v", got)
		}
		_, body := admin.get("/admin/program")
		want := "<td>root</td><td>Changed the name; changed the attribution window; edited rule #1.</td>"
		if !strings.Contains(body, want) {
			t.Errorf("history does not show the change by root:\n%s", body)
		}

		// Add a rule in the blank row: it gets a fresh id.
		form = loadProgramForm(t, admin)
		form.Set("rule.1.trigger", "purchase")
		form.Set("rule.1.referee_kind", "credit")
		form.Set("rule.1.referee_amount", "5")
		form.Set("rule.1.referee_currency", "usd")
		saveProgramForm(t, admin, form)
		p = programNow(t, s)
		if got := ruleIDsOf(p); !reflect.DeepEqual(got, []int64{1, 2}) || p.Rules[1].Referee.Amount != 500 || p.Rules[1].Referrer != nil {
			t.Fatalf("after adding: ids %v, rules %+v", got, p.Rules)
		}

		// Delete it, then add another: its id is not reused.
		form = loadProgramForm(t, admin)
		form.Set("rule.1.delete", "1")
		saveProgramForm(t, admin, form)
		form = loadProgramForm(t, admin)
		form.Set("rule.1.referrer_kind", "trial_days")
		form.Set("rule.1.referrer_amount", "7")
		saveProgramForm(t, admin, form)
		if got := ruleIDsOf(programNow(t, s)); !reflect.DeepEqual(got, []int64{1, 3}) {
			t.Fatalf("after delete and add: ids %v, want [1 3]", got)
		}

		history, err := s.svc.ProgramHistory(context.Background(), referralhub.User{IsAdmin: true}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range history[:len(history)-1] { // the last is the harness's own
			if v.ChangedBy != "root" {
				t.Errorf("version %d changed by %q", v.ID, v.ChangedBy)
			}
			got = append(got, v.Summary)
		}
		want2 := []string{"Added a rule.", "Deleted rule #2.", "Added a rule.",
			"Changed the name; changed the attribution window; edited rule #1."}
		if !reflect.DeepEqual(got, want2) {
			t.Errorf("history %q, want %q", got, want2)
		}
	})
}

// TestAdminProgramFormRoundTrips saves a program using every kind of field,
// then posts its form back untouched: nothing may change.
func TestAdminProgramFormRoundTrips(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		root, _, err := s.svc.Authenticate(context.Background(), admin.cookie("rh_session").Value)
		if err != nil {
			t.Fatal(err)
		}
		hold := 36 * time.Hour
		p := referralhub.Program{Name: "Everything", AttributionWindow: 12 * time.Hour, Hold: 90 * time.Minute,
			PointsPerCoupon: 100, CouponValue: 550, CouponCurrency: "eur", Rules: []referralhub.Rule{
				{Trigger: "purchase", MinAmount: 2050, MinCurrency: "usd", FirstOnly: true, Segment: "paid",
					Referrer: &referralhub.RewardSpec{Kind: "credit", Amount: 1234, Currency: "usd"},
					Referee:  &referralhub.RewardSpec{Kind: "coupon", PercentOff: 15}, Hold: &hold,
					CapCount: 3, CapValue: 5000, CapPeriod: "month"},
				{Trigger: "upgraded.pro", Segment: "free", Referee: &referralhub.RewardSpec{Kind: "coupon", Amount: 300, Currency: "gbp"},
					Hold: new(time.Duration), CapValue: 900, CapPeriod: "day"},
				{Trigger: "email_verified", Referrer: &referralhub.RewardSpec{Kind: "trial_days", Amount: 14}, CapCount: 2, CapPeriod: "life"},
			}, AllowedRedirectHosts: []string{"shop.example.com", "*.example.org"},
			EmbedOrigins: []string{"https://shop.example.com", "http://localhost:3000"}}
		saved, err := s.svc.SaveProgram(context.Background(), root, p, "Set up by test.")
		if err != nil {
			t.Fatal(err)
		}
		form := loadProgramForm(t, admin)
		if form.Get("rule.0.cap_value") != "50.00" || form.Get("rule.1.trigger") != "custom" || form.Get("rule.1.event") != "upgraded.pro" {
			t.Errorf("form shows %v", form)
		}
		saveProgramForm(t, admin, form)
		// The form shows the default tiers and badges, and saves them as set.
		saved.Tiers, saved.Badges = saved.TiersOrDefault(), saved.BadgesOrDefault()
		invites := saved.InvitesOrDefault() // and the invitation settings likewise
		saved.Invites = &invites
		if got := programNow(t, s); !reflect.DeepEqual(got, saved) {
			t.Errorf("round trip changed the program:\n got %+v\nwant %+v", got, saved)
		}
		history, _ := s.svc.ProgramHistory(context.Background(), root, 1)
		if len(history) != 1 || history[0].Summary != "Saved without changes." {
			t.Errorf("history: %+v", history)
		}
	})
}

func TestAdminProgramBadInputKeepsTheForm(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		before := programNow(t, s)
		for _, c := range []struct {
			name    string
			set     map[string]string
			errorID string
			message string
		}{
			{"points not a number", map[string]string{"rule.0.referrer_amount": "abc"},
				"rule-0-referrer-error", "Write a whole number, such as 10."},
			{"coupon with percent and amount", map[string]string{"rule.0.referrer_kind": "coupon", "rule.0.referrer_amount": "5",
				"rule.0.referrer_currency": "usd", "rule.0.referrer_percent": "10"},
				"rule-0-referrer-error", "A coupon is a percent off (1 to 100) or an amount off with a currency."},
			{"money with 3 decimals", map[string]string{"points_per_coupon": "100", "coupon_value": "1.234", "coupon_currency": "usd"},
				"coupon_value-error", "Write an amount such as 10 or 10.50, with at most 2 decimals."},
			{"new rule's minimum with 3 decimals", map[string]string{"rule.1.trigger": "purchase", "rule.1.min_amount": "1.234",
				"rule.1.min_currency": "usd", "rule.1.referee_kind": "points", "rule.1.referee_amount": "5"},
				"rule-1-min_amount-error", "Write an amount such as 10 or 10.50, with at most 2 decimals."},
			{"core's error after a deleted row", map[string]string{"rule.0.delete": "1", "rule.1.referee_kind": "coupon",
				"rule.1.referee_percent": "150"},
				"rule-1-referee-error", "A coupon is a percent off (1 to 100) or an amount off with a currency."},
		} {
			form := loadProgramForm(t, admin)
			form.Set("name", "Should not stick")
			for k, v := range c.set {
				form.Set(k, v)
			}
			resp, body := admin.post("/admin/program", form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", c.name, resp.StatusCode)
				continue
			}
			if !strings.Contains(body, `id="`+c.errorID+`">`+c.message+`<`) {
				t.Errorf("%s: no %q beside its field (%s)", c.name, c.message, c.errorID)
			}
			kept := scrapeForm(t, body, "/admin/program")
			for k := range form {
				if k != "rule_count" && kept.Get(k) != form.Get(k) {
					t.Errorf("%s: %s came back as %q, sent %q", c.name, k, kept.Get(k), form.Get(k))
				}
			}
			if after := programNow(t, s); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: program changed: %+v", c.name, after)
			}
		}
	})
}

func TestAdminProgramPresets(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		_, body := admin.get("/admin/program")
		for _, key := range core.Presets() {
			if !strings.Contains(body, `name="preset" value="`+key+`">`+html.EscapeString(core.PresetName(key))+`</button>`) {
				t.Errorf("no button for preset %s", key)
			}
		}
		apply := func(preset string) referralhub.Rule {
			t.Helper()
			resp, _ := admin.post("/admin/program/preset", url.Values{"preset": {preset}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/program?preset="+preset {
				t.Fatalf("preset %s: %d to %q", preset, resp.StatusCode, resp.Header.Get("Location"))
			}
			p := programNow(t, s)
			if want := map[string]int{"dropbox": 2}[preset]; len(p.Rules) != max(want, 1) {
				t.Fatalf("preset %s: rules %+v", preset, p.Rules)
			}
			return p.Rules[0]
		}
		credit := &referralhub.RewardSpec{Kind: "credit", Amount: 1000, Currency: "usd"}
		r := apply("give-get")
		if r.Trigger != "purchase" || !r.FirstOnly || !reflect.DeepEqual(r.Referrer, credit) || !reflect.DeepEqual(r.Referee, credit) {
			t.Errorf("give-get: %+v", r)
		}
		if _, body := admin.get("/admin/program?preset=give-get"); !strings.Contains(body, "Applied the preset Give $10, get $10.") {
			t.Error("no confirmation after applying a preset")
		}
		r = apply("dropbox")
		if r.Trigger != "email_verified" || r.Referrer == nil || r.Referee == nil || r.CapCount <= 0 {
			t.Errorf("dropbox: %+v", r)
		}
		if trial := programNow(t, s).Rules[1]; trial.Segment != "free" || trial.SegmentOf != "beneficiary" ||
			trial.Referrer == nil || trial.Referrer.Kind != "trial_days" || trial.Referee != nil {
			t.Errorf("dropbox's trial days for free referrers: %+v", trial)
		}
		r = apply("default")
		if r.Trigger != "signup" || r.Referee != nil || r.Referrer == nil || r.Referrer.Kind != "points" || r.Referrer.Amount != 10 {
			t.Errorf("default: %+v", r)
		}
		before := programNow(t, s)
		if resp, _ := admin.post("/admin/program/preset", url.Values{"preset": {"bogus"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown preset: %d, want 422", resp.StatusCode)
		}
		if after := programNow(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("unknown preset changed the program")
		}
		if _, body := admin.get("/admin/program"); strings.Count(body, "<td>root</td><td>Applied the preset ") != 3 {
			t.Errorf("history does not show the 3 presets by root:\n%s", body)
		}
	})
}

// TestAdminProgramEmbedOrigins sets the sites that may embed the referral
// page: without any the page says it cannot be embedded; typed in any case,
// with trailing slashes and repeats, they are saved as origins; a bad one
// is refused beside its field.
func TestAdminProgramEmbedOrigins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		_, body := admin.get("/admin/program")
		if !strings.Contains(body, `id="embed-none">No site is listed, so the referral page cannot be embedded anywhere.<`) {
			t.Errorf("the page does not say the referral page cannot be embedded")
		}
		form := loadProgramForm(t, admin)
		form.Set("embed_origins", "HTTPS://Shop.Example.com/\nhttp://localhost:3000, https://shop.example.com")
		saveProgramForm(t, admin, form)
		if got := programNow(t, s).EmbedOrigins; !reflect.DeepEqual(got, []string{"https://shop.example.com", "http://localhost:3000"}) {
			t.Errorf("saved %q", got)
		}
		_, body = admin.get("/admin/program")
		if strings.Contains(body, `id="embed-none"`) || !strings.Contains(body, "Changed the sites that may embed the referral page.") {
			t.Errorf("after the save the page says it cannot be embedded, or the history does not say what changed")
		}
		form = loadProgramForm(t, admin)
		form.Set("embed_origins", "https://shop.example.com/app")
		resp, body := admin.post("/admin/program", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="embed_origins-error">&#34;https://shop.example.com/app&#34; is not a site`) {
			t.Errorf("a path: %d", resp.StatusCode)
		}
	})
}
