package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// anAdmin is enough of a user for the core's admin-only reads in tests.
var anAdmin = referralhub.User{IsAdmin: true}

// uaTransport sends every request with one User-Agent, so that browsers in
// a test, all on 127.0.0.1, are different browsers on one machine rather
// than the same one (which the self-referral check would rightly catch).
type uaTransport struct{ ua string }

func (u uaTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", u.ua)
	return http.DefaultTransport.RoundTrip(req)
}

// browserAs is a browser that sends ua as its User-Agent.
func browserAs(t *testing.T, s *site, ua string) *browser {
	b := s.browser(t)
	b.c.Transport = uaTransport{ua: ua}
	return b
}

// fraudSite is a site with the default fraud settings on a stopped clock,
// so a signup right after its click is always a fast one.
func fraudSite(t *testing.T, db *storage.DB) *site {
	clock := &clockAt{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	return newSiteWith(t, db, clock.now, siteOptions{fraud: true})
}

// heldReferral: alice signs up, then bob, in another browser, follows her
// link and posts the signup form at once without ever loading it. Only the
// fast-signup signal fires (weight 40), which holds the referral for review
// under the default thresholds (30 and 80). It returns the referral.
func heldReferral(t *testing.T, s *site) (alice, bob *browser, held core.ReviewCase) {
	t.Helper()
	alice = browserAs(t, s, "Mozilla/5.0 (alice)")
	alice.signup("alice")
	bob = referredBy(t, s, alice, "bob")
	cases := reviewQueue(t, s, referralhub.ReviewHeld)
	if len(cases) != 1 || cases[0].RefereeName != "bob" || len(cases[0].Signals) != 1 || cases[0].Signals[0].Code != core.SignalFastSignup {
		t.Fatalf("held referrals: %+v", cases)
	}
	return alice, bob, cases[0]
}

// referredBy signs username up in a browser of their own through the
// referrer's link, straight after the click.
func referredBy(t *testing.T, s *site, referrer *browser, username string) *browser {
	t.Helper()
	b := browserAs(t, s, "Mozilla/5.0 ("+username+")")
	if resp, _ := b.get(strings.TrimPrefix(referrer.link(), s.srv.URL)); resp.StatusCode != http.StatusFound {
		t.Fatalf("click: %d", resp.StatusCode)
	}
	b.signup(username)
	return b
}

func reviewQueue(t *testing.T, s *site, state string) []core.ReviewCase {
	t.Helper()
	cases, err := s.svc.ReviewQueue(context.Background(), anAdmin, state, 100)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// reviewState is the referral's review state now.
func reviewState(t *testing.T, s *site, id int64) string {
	t.Helper()
	for _, st := range []string{referralhub.ReviewHeld, referralhub.ReviewBlocked, referralhub.ReviewApproved, referralhub.ReviewRejected} {
		for _, c := range reviewQueue(t, s, st) {
			if c.ID == id {
				return st
			}
		}
	}
	return "none"
}

// decide posts a decision on referral id and expects the redirect back.
func decide(t *testing.T, admin *browser, id int64, decision, reason string) {
	t.Helper()
	resp, body := admin.post(fmt.Sprintf("/admin/review/%d", id), url.Values{"decision": {decision}, "reason": {reason}})
	want := fmt.Sprintf("/admin/review?decided=%d&decision=%s", id, decision)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", decision, resp.StatusCode, resp.Header.Get("Location"), want, body)
	}
}

// formByID returns what a browser would submit from the form with the id.
func formByID(t *testing.T, body, id, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no form %s", id)
	}
	return scrapeForm(t, body[strings.LastIndex(body[:i], "<form"):], action)
}

// points is the points balance available on the browser's rewards page.
func points(t *testing.T, b *browser) string {
	t.Helper()
	resp, body := b.get("/rewards")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("rewards: %d", resp.StatusCode)
	}
	return stat(t, body, "balance-points")
}

// verifyEmail follows the verification link mailed to username.
func verifyEmail(t *testing.T, s *site, b *browser, username string) {
	t.Helper()
	link := s.linkIn(t, s.lastMailTo(t, username+"@example.com", subjectVerify), "/verify-email?token=")
	if resp, _ := b.get(link); resp.StatusCode != http.StatusOK {
		t.Fatalf("verify %s: %d", username, resp.StatusCode)
	}
}

func TestAdminReviewListsHeldReferrals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, bob, held := heldReferral(t, s)
		admin := adminBrowser(t, s)
		resp, body := admin.get("/admin/review")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("review: %d\n%s", resp.StatusCode, body)
		}
		id := held.ID
		reason := held.Signals[0].Reason
		for _, want := range []string{
			fmt.Sprintf(`id="referral-%d"`, id),
			fmt.Sprintf("<h2>Referral %d: alice referred bob</h2>", id),
			fmt.Sprintf(`id="referral-%d-score">Score 40</span>`, id),
			`<span class="signal-weight">+40</span> <span class="signal-reason">` + html.EscapeString(reason) + `</span>`,
			"Referrer: alice", "Friend: bob", "alice@example.com", "bob@example.com",
			`<li>bob <span class="muted">(same IP address)</span></li>`, // alice's linked accounts
			`<li>alice <span class="muted">(same IP address)</span></li>`,
			`aria-current="page" id="review-held"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("review page lacks %s", want)
			}
		}
		if !strings.Contains(reason, "after the click, with no page view in between") {
			t.Errorf("unexpected signal reason %q", reason)
		}
		for _, d := range []string{"approve", "reject", "ban"} {
			form := formByID(t, body, fmt.Sprintf("decide-%d-%s", id, d), fmt.Sprintf("/admin/review/%d", id))
			if form.Get("decision") != d || !form.Has("reason") || form.Get("state") != "held" {
				t.Errorf("%s form: %v", d, form)
			}
		}

		if _, body := admin.get("/admin/review?state=blocked"); strings.Contains(body, fmt.Sprintf(`id="referral-%d"`, id)) ||
			!strings.Contains(body, "No referrals are blocked.") {
			t.Error("the held referral is listed as blocked")
		}
		if resp, _ := admin.get("/admin/review?state=bogus"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown state: %d, want 422", resp.StatusCode)
		}
		// Neither person sees the signals.
		for who, b := range map[string]*browser{"alice": alice, "bob": bob} {
			for _, path := range []string{"/", "/rewards"} {
				if _, body := b.get(path); strings.Contains(body, html.EscapeString(reason)) || strings.Contains(body, "fast_signup") {
					t.Errorf("%s sees the signal on %s", who, path)
				}
			}
		}
	})
}

func TestAdminReviewApproveReleasesTheHeldReward(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, bob, held := heldReferral(t, s)
		verifyEmail(t, s, bob, "bob")
		if got := points(t, alice); got != "0" {
			t.Fatalf("points before approval %s, want 0: the referral is held", got)
		}
		admin := adminBrowser(t, s)
		decide(t, admin, held.ID, "approve", "Bob is a colleague; they signed up together.")
		if got := points(t, alice); got != "10" {
			t.Errorf("points after approval %s, want 10", got)
		}
		if _, body := alice.get("/rewards"); !strings.Contains(body, `<span class="status status-approved">Available</span>`) {
			t.Error("the reward is not shown as available")
		}

		_, body := admin.get(fmt.Sprintf("/admin/review?decided=%d&decision=approve", held.ID))
		if !strings.Contains(body, fmt.Sprintf(`id="review-notice">Referral %d was approved.<`, held.ID)) ||
			strings.Contains(body, fmt.Sprintf(`id="referral-%d"`, held.ID)) {
			t.Errorf("after approval the held tab does not confirm it, or still lists it:\n%s", body)
		}
		_, body = admin.get("/admin/review?state=approved")
		if !strings.Contains(body, "Decided by root: “Bob is a colleague; they signed up together.”") ||
			strings.Contains(body, fmt.Sprintf(`id="decide-%d-approve"`, held.ID)) || !strings.Contains(body, fmt.Sprintf(`id="decide-%d-reject"`, held.ID)) {
			t.Errorf("approved tab does not show the decision, or offers approval again:\n%s", body)
		}
		assertAudited(t, admin, "review.approve", fmt.Sprintf("referral %d", held.ID), "Bob is a colleague; they signed up together.")
	})
}

func TestAdminReviewRejectCancelsTheHeldReward(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, bob, held := heldReferral(t, s)
		admin := adminBrowser(t, s)
		decide(t, admin, held.ID, "reject", "Same person, second address.")
		verifyEmail(t, s, bob, "bob") // too late: nothing is released
		s.runJobs(t)
		if got := points(t, alice); got != "0" {
			t.Errorf("points after rejection %s, want 0", got)
		}
		if _, body := alice.get("/rewards"); !strings.Contains(body, `status-cancelled`) {
			t.Errorf("the reward is not shown as cancelled")
		}
		if got := reviewState(t, s, held.ID); got != referralhub.ReviewRejected {
			t.Errorf("review state %s", got)
		}
		// The refused friend sees a neutral note, never the signals.
		_, mine := bob.get("/rewards")
		if !strings.Contains(mine, `id="referral-standing"`) || strings.Contains(mine, "fast") ||
			strings.Contains(mine, "Same person") || strings.Contains(mine, held.Signals[0].Reason) {
			t.Errorf("the refused friend's rewards page:\n%s", mine)
		}
		_, body := admin.get("/admin/review?state=rejected")
		if !strings.Contains(body, fmt.Sprintf(`id="referral-%d"`, held.ID)) || strings.Contains(body, fmt.Sprintf(`action="/admin/review/%d"`, held.ID)) {
			t.Error("rejected tab does not list the referral, or offers a decision on it")
		}
		assertAudited(t, admin, "review.reject", fmt.Sprintf("referral %d", held.ID), "Same person, second address.")
	})
}

func TestAdminReviewBanDisablesTheLink(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, _, held := heldReferral(t, s)
		link := strings.TrimPrefix(alice.link(), s.srv.URL)
		admin := adminBrowser(t, s)
		decide(t, admin, held.ID, "ban", "A farm of accounts.")

		resp, _ := s.browser(t).get(link)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup?link=unknown" {
			t.Errorf("banned link: %d to %q, want 302 to /signup?link=unknown", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, path := range []string{"/", "/rewards"} {
			if resp, body := alice.get(path); resp.StatusCode != http.StatusOK || strings.Contains(body, "Something went wrong") {
				t.Errorf("banned alice's %s: %d", path, resp.StatusCode)
			}
		}
		if got := points(t, alice); got != "0" {
			t.Errorf("banned alice has %s points", got)
		}
		if got := reviewState(t, s, held.ID); got != referralhub.ReviewRejected {
			t.Errorf("review state after a ban %s, want rejected", got)
		}
		_, body := admin.get("/admin/review?state=rejected")
		if !strings.Contains(body, `Referrer: alice <span class="badge badge-danger">banned</span>`) {
			t.Error("the review page does not show alice as banned")
		}
		assertAudited(t, admin, "review.reject", fmt.Sprintf("referral %d", held.ID), "A farm of accounts.")
		assertAudited(t, admin, "participant.ban", fmt.Sprintf("participant %d", held.ReferrerID), "A farm of accounts.")
	})
}

func TestAdminReviewRefusedDecisions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		_, _, held := heldReferral(t, s)
		admin := adminBrowser(t, s)
		path := fmt.Sprintf("/admin/review/%d", held.ID)

		// A reason too long: 422, the message beside that form's field, the reason kept.
		long := strings.Repeat("ab<", 170)
		resp, body := admin.post(path, url.Values{"decision": {"approve"}, "reason": {long}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("long reason: %d, want 422", resp.StatusCode)
		}
		field := fmt.Sprintf("reason-%d-approve", held.ID)
		if !strings.Contains(body, `id="`+field+`-error">Say why, in up to 500 characters: it goes in the audit log.<`) ||
			!strings.Contains(body, `id="`+field+`" name="reason" value="`+html.EscapeString(long)+`"`) {
			t.Errorf("long reason: no message beside the field, or the reason was not kept:\n%s", body)
		}
		if resp, body := admin.post(path, url.Values{"decision": {"maybe"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Choose approve, reject or ban.") {
			t.Errorf("unknown decision: %d", resp.StatusCode)
		}
		if got := reviewState(t, s, held.ID); got != referralhub.ReviewHeld {
			t.Fatalf("refused decisions changed the referral: %s", got)
		}

		// Deciding twice, as from a stale page: a clean conflict.
		decide(t, admin, held.ID, "approve", "first")
		for _, c := range []struct{ decision, message string }{
			{"approve", "This referral is not waiting for review."},
			{"reject", ""}, // allowed: an approved referral can still be rejected
			{"reject", "This referral was already rejected."},
			{"ban", "This referral was already rejected."},
		} {
			resp, body := admin.post(path, url.Values{"decision": {c.decision}, "reason": {"again"}, "state": {"held"}})
			if c.message == "" {
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("%s after approval: %d", c.decision, resp.StatusCode)
				}
				continue
			}
			want := fmt.Sprintf(`id="review-problem">Referral %d: %s<`, held.ID, c.message)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, want) || !strings.Contains(body, `aria-current="page" id="review-held"`) {
				t.Errorf("%s twice: %d, want 409 with %q on the queue\n%s", c.decision, resp.StatusCode, want, body)
			}
		}
		log, err := s.svc.AuditLog(context.Background(), anAdmin, "review.", 1)
		if err != nil || len(log) != 2 || log[0].Action != "review.reject" || log[1].Action != "review.approve" {
			t.Errorf("audit after refused decisions: %+v %v", log, err)
		}

		for _, p := range []string{"/admin/review/999999", "/admin/review/abc", "/admin/review/0"} {
			if resp, _ := admin.post(p, url.Values{"decision": {"approve"}, "reason": {"x"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", p, resp.StatusCode)
			}
		}
	})
}

// TestAdminReviewFraudAuditAreHiddenFromOthers: visitors and users get a
// plain 404 on every route of the three pages, and their posts change
// nothing; the admin gets the pages.
func TestAdminReviewFraudAuditAreHiddenFromOthers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, bob, held := heldReferral(t, s)
		before := programNow(t, s)
		fraud := url.Values{"review_threshold": {"101"}, "block_threshold": {"101"}, "device_window_hours": {"1"},
			"max_per_referrer_hour": {"0"}, "max_per_referrer_day": {"0"}, "max_per_ip_day": {"0"}, "max_per_subnet_day": {"0"},
			"fast_signup_seconds": {"0"}}
		routes := []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "/admin/fraud", nil},
			{"POST", "/admin/fraud", fraud},
			{"GET", "/admin/review", nil},
			{"GET", "/admin/review?state=blocked", nil},
			{"POST", fmt.Sprintf("/admin/review/%d", held.ID), url.Values{"decision": {"approve"}, "reason": {"me"}}},
			{"POST", fmt.Sprintf("/admin/review/%d", held.ID), url.Values{"decision": {"ban"}, "reason": {"me"}}},
			{"GET", "/admin/audit", nil},
			{"GET", "/admin/audit?action=review.&page=2", nil},
		}
		for who, b := range map[string]*browser{"visitor": s.browser(t), "referrer": alice, "friend": bob} {
			for _, c := range routes {
				var resp *http.Response
				var body string
				if c.method == "GET" {
					resp, body = b.get(c.path)
				} else {
					resp, body = b.post(c.path, c.form)
				}
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no page here.") ||
					strings.Contains(body, "/admin/review") || strings.Contains(body, "/admin/audit") {
					t.Errorf("%s %s %s: %d, want a plain 404", who, c.method, c.path, resp.StatusCode)
				}
			}
		}
		if after := programNow(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("fraud settings changed by non-admins: %+v", after.Fraud)
		}
		if got := reviewState(t, s, held.ID); got != referralhub.ReviewHeld {
			t.Errorf("a non-admin decided the referral: %s", got)
		}
		if resp, _ := s.browser(t).get(strings.TrimPrefix(alice.link(), s.srv.URL)); resp.Header.Get("Location") != "/signup" {
			t.Error("a non-admin banned alice")
		}
		// The same routes are there for the admin: the 404s above were the access check.
		admin := adminBrowser(t, s)
		for _, c := range routes {
			if c.method == "GET" {
				if resp, _ := admin.get(c.path); resp.StatusCode != http.StatusOK {
					t.Errorf("admin GET %s: %d", c.path, resp.StatusCode)
				}
			}
		}
	})
}
