package web_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// loadFraudForm loads the admin's fraud form as a browser would submit it.
func loadFraudForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	resp, body := b.get("/admin/fraud")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fraud page: %d", resp.StatusCode)
	}
	return scrapeForm(t, body, "/admin/fraud")
}

// saveFraudForm posts the fraud form and expects the redirect back.
func saveFraudForm(t *testing.T, b *browser, form url.Values) {
	t.Helper()
	resp, body := b.post("/admin/fraud", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/fraud?saved=1" {
		t.Fatalf("save: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func fraudNow(t *testing.T, s *site) referralhub.FraudSettings {
	t.Helper()
	return programNow(t, s).FraudOrDefault()
}

func TestAdminFraudSave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		admin := adminBrowser(t, s)
		form := loadFraudForm(t, admin)
		defaults := url.Values{"review_threshold": {"30"}, "block_threshold": {"80"}, "require_verified_email": {"1"},
			"device_window_hours": {"24"}, "max_per_referrer_hour": {"30"}, "max_per_referrer_day": {"250"},
			"max_per_ip_day": {"3"}, "max_per_subnet_day": {"10"}, "fast_signup_seconds": {"5"}}
		if !reflect.DeepEqual(form, defaults) {
			t.Fatalf("the default settings are not in the form:\n got %v\nwant %v", form, defaults)
		}

		form = url.Values{"review_threshold": {"40"}, "block_threshold": {"95"}, "device_window_hours": {"1.5"},
			"max_per_referrer_hour": {"5"}, "max_per_referrer_day": {"50"}, "max_per_ip_day": {"0"}, "max_per_subnet_day": {" 20 "},
			"fast_signup_seconds": {"2.5"}} // require_verified_email unticked
		saveFraudForm(t, admin, form)
		want := referralhub.FraudSettings{ReviewThreshold: 40, BlockThreshold: 95, RequireVerifiedEmail: false,
			DeviceWindow: 90 * time.Minute, MaxPerReferrerHour: 5, MaxPerReferrerDay: 50, MaxPerIPDay: 0, MaxPerSubnetDay: 20,
			FastSignup: 2500 * time.Millisecond}
		if got := fraudNow(t, s); got != want {
			t.Fatalf("saved %+v\nwant  %+v", got, want)
		}
		resp, body := admin.get("/admin/fraud?saved=1")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "The fraud settings were saved.") {
			t.Errorf("no confirmation after saving")
		}
		form.Set("max_per_subnet_day", "20")
		if got := scrapeForm(t, body, "/admin/fraud"); !reflect.DeepEqual(got, form) {
			t.Errorf("form after saving:\n got %v\nwant %v", got, form)
		}

		// Posted back untouched, the form changes nothing; ticking the box turns it back on.
		saveFraudForm(t, admin, loadFraudForm(t, admin))
		if got := fraudNow(t, s); got != want {
			t.Errorf("a round trip changed the settings: %+v", got)
		}
		form.Set("require_verified_email", "1")
		saveFraudForm(t, admin, form)
		if got := fraudNow(t, s); !got.RequireVerifiedEmail {
			t.Error("ticking the box did not require verification")
		}
		// The program's other parts are untouched, and the change is audited.
		if p := programNow(t, s); p.Name != "Referral program" || len(p.Rules) != 1 {
			t.Errorf("saving the fraud settings changed the program: %+v", p)
		}
		assertAudited(t, admin, "program.save", "", "Changed the fraud settings.")
		log, err := s.svc.AuditLog(context.Background(), anAdmin, "program.", 1)
		if err != nil || len(log) != 3 {
			t.Errorf("program saves audited: %d, %v", len(log), err)
		}
	})
}

// TestAdminFraudSettingsTakeEffect: with the review threshold above the
// fast-signup weight, the signup that would be held runs normally.
func TestAdminFraudSettingsTakeEffect(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		admin := adminBrowser(t, s)
		form := loadFraudForm(t, admin)
		form.Set("review_threshold", "41")
		form.Del("require_verified_email")
		saveFraudForm(t, admin, form)
		alice := browserAs(t, s, "Mozilla/5.0 (alice)")
		alice.signup("alice")
		referredBy(t, s, alice, "bob")
		if held := reviewQueue(t, s, referralhub.ReviewHeld); len(held) != 0 {
			t.Errorf("held under a threshold of 41: %+v", held)
		}
		if got := points(t, alice); got != "10" {
			t.Errorf("alice has %s points, want 10", got)
		}
	})
}

func TestAdminFraudBadInputKeepsTheForm(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		admin := adminBrowser(t, s)
		before := programNow(t, s)
		const (
			whole   = "Write a whole number, such as 10."
			hours   = "Write a number of hours, such as 24 or 0.5."
			seconds = "Write a number of seconds, such as 5 or 2.5."
		)
		for _, c := range []struct {
			name   string
			set    map[string]string
			errors map[string]string // error element id: message
		}{
			{"threshold not a number", map[string]string{"review_threshold": "abc"}, map[string]string{"review_threshold-error": whole}},
			{"threshold out of range", map[string]string{"review_threshold": "0"},
				map[string]string{"review_threshold-error": "The review threshold is from 1 to 101 (101: never review)."}},
			{"block under review", map[string]string{"review_threshold": "50", "block_threshold": "40"},
				map[string]string{"block_threshold-error": "The block threshold is at least the review threshold and at most 101 (101: never block)."}},
			{"negative limit", map[string]string{"max_per_ip_day": "-3"}, map[string]string{"max_per_ip_day-error": whole}},
			{"limit too high", map[string]string{"max_per_subnet_day": "1000001"},
				map[string]string{"max_per_subnet_day-error": "Give a number from 0 (no limit) to 1,000,000."}},
			{"window with a comma", map[string]string{"device_window_hours": "1,5"}, map[string]string{"device_window-error": hours}},
			{"window zero", map[string]string{"device_window_hours": "0"},
				map[string]string{"device_window-error": "The device window is from 1 minute to 90 days."}},
			{"fast signup too long", map[string]string{"fast_signup_seconds": "3601"},
				map[string]string{"fast_signup-error": "The fast-signup window is from 0 (off) to 1 hour."}},
			{"a typo and a range error at once", map[string]string{"fast_signup_seconds": "5s", "max_per_referrer_hour": "2000000", "block_threshold": ""},
				map[string]string{"fast_signup-error": seconds, "max_per_referrer_hour-error": "Give a number from 0 (no limit) to 1,000,000.",
					"block_threshold-error": "The block threshold is at least the review threshold and at most 101 (101: never block)."}},
		} {
			form := loadFraudForm(t, admin)
			form.Del("require_verified_email") // an unticked box must come back unticked
			for k, v := range c.set {
				form.Set(k, v)
			}
			resp, body := admin.post("/admin/fraud", form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", c.name, resp.StatusCode)
				continue
			}
			for id, msg := range c.errors {
				if !strings.Contains(body, `id="`+id+`">`+msg+`<`) {
					t.Errorf("%s: no %q beside its field (%s)", c.name, msg, id)
				}
			}
			if got := strings.Count(body, `class="field-error"`); got != len(c.errors) {
				t.Errorf("%s: %d field errors, want %d", c.name, got, len(c.errors))
			}
			if kept := scrapeForm(t, body, "/admin/fraud"); !reflect.DeepEqual(kept, form) {
				t.Errorf("%s: the form came back as\n%v\nsent\n%v", c.name, kept, form)
			}
			if after := programNow(t, s); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: settings changed: %+v", c.name, after.Fraud)
			}
		}
	})
}
