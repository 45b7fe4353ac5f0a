package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
)

func TestParseMoney(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "10": 1000, "10.5": 1050, "10.50": 1050, " 7.05 ": 705, "0.01": 1,
		"999999999999.99": 99999999999999} {
		if got, ok := parseMoney(in); !ok || got != want {
			t.Errorf("parseMoney(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"1.234", "-1", "+1", "abc", "1.", ".5", "1,50", "1.2.3", "1e3", "10 usd", "$10", "1 000",
		"9999999999999", "١٠"} {
		if got, ok := parseMoney(in); ok {
			t.Errorf("parseMoney(%q) = %d, accepted", in, got)
		}
	}
}

func TestParseWholeAndDays(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "42": 42, " 7 ": 7} {
		if got, ok := parseWhole(in); !ok || got != want {
			t.Errorf("parseWhole(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"abc", "-1", "1.5", "1e3", "9999999999999999"} {
		if _, ok := parseWhole(in); ok {
			t.Errorf("parseWhole(%q) accepted", in)
		}
	}
	for in, want := range map[string]time.Duration{"": 0, "30": 720 * time.Hour, "0.5": 12 * time.Hour, "1.25": 30 * time.Hour} {
		if got, ok := parseDays(in); !ok || got != want {
			t.Errorf("parseDays(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"abc", "-1", "1.", "1.1234567", "100000", "NaN", "Inf"} {
		if _, ok := parseDays(in); ok {
			t.Errorf("parseDays(%q) accepted", in)
		}
	}
	// What the form writes reads back the same, to the minute.
	for _, d := range []time.Duration{0, time.Hour, 90 * time.Minute, 12 * time.Hour, 720 * time.Hour, 365 * 24 * time.Hour} {
		if got, ok := parseDays(formatDays(d)); !ok || got != d {
			t.Errorf("%v written as %q reads back as %v", d, formatDays(d), got)
		}
	}
	for minor, want := range map[int64]string{0: "", 5: "0.05", 1000: "10.00", 1050: "10.50"} {
		if got := formatMoneyInput(minor); got != want {
			t.Errorf("formatMoneyInput(%d) = %q, want %q", minor, got, want)
		}
	}
}

func TestRowErrorsFollowTheFormRows(t *testing.T) {
	// Rows 0 and 2 were sent; row 1 was deleted.
	got := rowErrors(map[string]string{"name": "a", "rule.0.trigger": "b", "rule.1.cap": "c", "rule.9.cap": "d"}, []int{0, 2})
	want := map[string]string{"name": "a", "rule.0.trigger": "b", "rule.2.cap": "c", "rule.9.cap": "d"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestChangeSummary(t *testing.T) {
	points := func(n int64) *referralhub.RewardSpec {
		return &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: n}
	}
	cur := referralhub.Program{Name: "A", AttributionWindow: time.Hour, Rules: []referralhub.Rule{
		{ID: 1, Trigger: "signup", Referrer: points(10)}, {ID: 2, Trigger: "signup", Referrer: points(5)}, {ID: 3, Trigger: "purchase", Referee: points(1)}}}
	if got := changeSummary(cur, cur); got != "Saved without changes." {
		t.Errorf("no change: %q", got)
	}
	next := cur
	next.Name = "B"
	next.Rules = []referralhub.Rule{{ID: 1, Trigger: "signup", Referrer: points(10)}, {ID: 2, Trigger: "signup", Referrer: points(6)},
		{Trigger: "signup", Referee: points(1)}}
	want := "Changed the name; edited rule #2; deleted rule #3; added a rule."
	if got := changeSummary(cur, next); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestAdminTemplatesRender executes the admin pages with every section
// filled, errors on every kind of field included.
func TestAdminTemplatesRender(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePages(a)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{pages: p, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	user := &referralhub.User{Username: "root", IsAdmin: true}
	form := programFormFrom(referralhub.Program{Name: "P", AttributionWindow: time.Hour,
		Rules: []referralhub.Rule{{ID: 4, Trigger: "upgraded", Referrer: &referralhub.RewardSpec{Kind: "coupon", PercentOff: 10}}}})
	form.Errors = map[string]string{"name": "bad name", "rule.0.referrer": "bad side", "rule.0.cap": "bad cap", "rules": "bad rules"}
	pages := map[string]any{
		"admin_program": programView{Form: form, Choices: programChoices(), Presets: presetViews(), Notice: "saved",
			History: []referralhub.ProgramVersion{{ChangedBy: "root", Summary: "Changed the name.", ChangedAt: time.Now()}}},
		"admin_jobs": jobsView{State: "failed", Filters: jobFilters("failed", map[string]int64{"failed": 1}), Retried: 7,
			Jobs:   []referralhub.Job{{ID: 7, Kind: "mail", State: "failed", Attempts: 25, MaxAttempts: 25, LastError: "<boom>"}},
			Review: []referralhub.Reward{{Reason: "bob's first purchase", Kind: "credit", Amount: -1000, Currency: "usd", ParticipantID: 3}}},
	}
	wants := map[string][]string{
		"admin_program": {`id="name-error">bad name<`, `id="rule-0-referrer-error">bad side<`, `id="rule-0-cap-error">bad cap<`,
			`id="rules-error">bad rules<`, `value="upgraded"`, `Rule #4`, `<td>root</td>`, `aria-current="page">Program`},
		"admin_jobs": {`action="/admin/jobs/7/retry"`, `&lt;boom&gt;`, `$10.00 credit`, `Job 7 is queued again.`, `aria-current="page">Jobs`},
	}
	for name, data := range pages {
		rec := httptest.NewRecorder()
		s.render(rec, httptest.NewRequest("GET", "/", nil), 200, name, pageData{Title: "x", User: user, Data: data})
		if rec.Code != 200 {
			t.Fatalf("%s: status %d: %s", name, rec.Code, rec.Body)
		}
		for _, want := range wants[name] {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
}
