package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
)

// saveProgram makes an admin and has them save the default program
// changed by edit. It returns the admin.
func (s *site) saveProgram(t *testing.T, edit func(*referralhub.Program)) referralhub.User {
	t.Helper()
	ctx := context.Background()
	admin, err := s.svc.CreateUser(ctx, core.SignupInput{Email: "root@example.com", Username: "root", Password: "admin-password", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	prog := core.DefaultProgram(core.DefaultSettings())
	edit(&prog)
	if _, err := s.svc.SaveProgram(ctx, admin, prog, "test"); err != nil {
		t.Fatal(err)
	}
	return admin
}

// refereeCoupon adds a rule giving every referred signup a 20%-off coupon.
func refereeCoupon(p *referralhub.Program) {
	p.Rules = append(p.Rules, referralhub.Rule{Trigger: referralhub.EventSignup,
		Referee: &referralhub.RewardSpec{Kind: referralhub.KindCoupon, PercentOff: 20}})
}

// redeemPath returns the path of the only Redeem button on a rewards page.
func redeemPath(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`action="(/rewards/\d+/redeem)"`).FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%d Redeem buttons on the rewards page, want 1:\n%s", len(m), body)
	}
	return m[0][1]
}

// fulfilJobs counts the Stripe payout jobs ever queued.
func (s *site) fulfilJobs(t *testing.T, admin referralhub.User) int {
	t.Helper()
	jobs, _, err := s.svc.Jobs(context.Background(), admin, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range jobs {
		if j.Kind == core.JobFulfil {
			n++
		}
	}
	return n
}

// TestReferralPointsOnRewardsPage: under the default program a referred
// signup earns the referrer 10 points, on the rewards page and the
// dashboard alike.
func TestReferralPointsOnRewardsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		if _, body := alice.get("/rewards"); !strings.Contains(body, "No rewards yet") || stat(t, body, "balance-points") != "0" ||
			!strings.Contains(body, `id="balance-points-note">A score of your referrals: points cannot be swapped`) {
			t.Fatalf("empty rewards page, or points not said to be a score:\n%s", body)
		}
		referredSignup(t, s, alice, "bob")

		resp, body := alice.get("/rewards")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("rewards: %d", resp.StatusCode)
		}
		if got := stat(t, body, "balance-points"); got != "10" {
			t.Errorf("points balance %s, want 10", got)
		}
		for _, want := range []string{`<span class="reward-what">10 points</span>`, `<p class="reward-reason">bob signed up</p>`,
			`<span class="status status-approved">Available</span>`, "<li>Invite a friend: you get 10 points when they sign up.</li>"} {
			if !strings.Contains(body, want) {
				t.Errorf("rewards page lacks %s", want)
			}
		}
		if strings.Contains(body, "/redeem") || strings.Contains(body, `action="/rewards/coupon"`) {
			t.Error("points offer a Redeem button, or a coupon with no Stripe")
		}
		_, body = alice.get("/")
		if got := stat(t, body, "stat-points"); got != "10" {
			t.Errorf("dashboard points %s, want 10", got)
		}
		if !strings.Contains(body, `href="/rewards"`) {
			t.Error("the dashboard does not link to the rewards page")
		}
		if resp, _ := s.browser(t).get("/rewards"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("visitor: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestRedeemCouponThroughStripe redeems a referee's coupon against
// stripe-mock: the code shows once the job ran, a second redeem is refused
// without queueing another payout, and nobody else can redeem it.
func TestRedeemCouponThroughStripe(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteWith(t, db, time.Now, siteOptions{stripeBase: stripemock.Start(t)})
		admin := s.saveProgram(t, refereeCoupon)
		alice := s.browser(t)
		alice.signup("alice")
		bob := referredSignup(t, s, alice, "bob")
		_, body := bob.get("/rewards")
		if !strings.Contains(body, `<span class="reward-what">20% off coupon</span>`) ||
			!strings.Contains(body, "You signed up through alice&#39;s link") {
			t.Fatalf("bob's rewards page:\n%s", body)
		}
		redeem := redeemPath(t, body)

		carol := s.browser(t)
		carol.signup("carol")
		for who, b := range map[string]*browser{"visitor": s.browser(t), "carol": carol} {
			if resp, _ := b.post(redeem, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s redeems bob's reward: %d", who, resp.StatusCode)
			}
		}
		if s.fulfilJobs(t, admin) != 0 {
			t.Fatal("someone else's redeem queued a payout")
		}

		resp, _ := bob.post(redeem, nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/rewards") {
			t.Fatalf("redeem: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = bob.post(redeem, nil) // a double submit
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already redeemed") {
			t.Fatalf("double submit: %d\n%s", resp.StatusCode, body)
		}
		if _, body := bob.get("/rewards"); !strings.Contains(body, "Preparing your code…") || strings.Contains(body, "/redeem") {
			t.Error("no 'preparing' state while Stripe is asked")
		}
		s.runJobs(t)
		_, body = bob.get("/rewards")
		if !strings.Contains(body, `class="mono promo-code" value="FALL20" readonly>`) || !strings.Contains(body, "Redeemed") {
			t.Fatalf("no promotion code after the job:\n%s", body)
		}
		resp, body = bob.post(redeem, nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="rewards-message">This reward was already redeemed`) {
			t.Fatalf("redeem again: %d\n%s", resp.StatusCode, body)
		}
		if n := s.fulfilJobs(t, admin); n != 1 {
			t.Errorf("%d payout jobs, want 1", n)
		}
	})
}

// TestRedeemCouponWithoutStripe refuses clearly when coupons cannot be
// issued.
func TestRedeemCouponWithoutStripe(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.saveProgram(t, refereeCoupon)
		alice := s.browser(t)
		alice.signup("alice")
		bob := referredSignup(t, s, alice, "bob")
		_, body := bob.get("/rewards")
		resp, body := bob.post(redeemPath(t, body), nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Coupons cannot be issued yet") {
			t.Fatalf("redeem without Stripe: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := bob.post("/rewards/nope/redeem", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("malformed id: %d", resp.StatusCode)
		}
	})
}

// TestBuyCouponWithPoints spends points on a coupon; submitting the same
// form twice buys one, though the points would cover two.
func TestBuyCouponWithPoints(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteWith(t, db, time.Now, siteOptions{stripeBase: stripemock.Start(t)})
		s.saveProgram(t, func(p *referralhub.Program) { p.PointsPerCoupon, p.CouponValue, p.CouponCurrency = 10, 500, "usd" })
		alice := s.browser(t)
		alice.signup("alice")
		if _, body := alice.get("/rewards"); strings.Contains(body, `action="/rewards/coupon"`) ||
			!strings.Contains(body, "Collect 10 points to swap them for a $5.00 coupon.") ||
			!strings.Contains(body, `id="balance-points-note">10 points buy a $5.00 coupon<`) {
			t.Fatal("a coupon is offered without the points, or the points' value is not stated")
		}
		referredSignup(t, s, alice, "bob")
		referredSignup(t, s, alice, "carol")
		form := couponForm(t, alice)
		if resp, _ := alice.post("/rewards/coupon", form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rewards" {
			t.Fatalf("buy: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := alice.post("/rewards/coupon", form)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="rewards-message">That coupon was already bought.<`) {
			t.Fatalf("double submit: %d\n%s", resp.StatusCode, body)
		}
		s.runJobs(t)
		_, body = alice.get("/rewards")
		if n := strings.Count(body, `<span class="reward-what">$5.00 off coupon</span>`); n != 1 {
			t.Errorf("%d coupons bought, want 1", n)
		}
		if got := stat(t, body, "balance-points"); got != "10" {
			t.Errorf("points left %s, want 10", got)
		}
		if !strings.Contains(body, `<span class="reward-what">−10 points</span>`) || !strings.Contains(body, `value="FALL20"`) {
			t.Errorf("no spend entry or no code:\n%s", body)
		}

		if resp, _ := alice.post("/rewards/coupon", couponForm(t, alice)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a second coupon with a new form: %d", resp.StatusCode)
		}
		resp, body = alice.post("/rewards/coupon", url.Values{"key": {"a-key-never-used"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "You need 10 points for a coupon.") {
			t.Errorf("buy with no points left: %d", resp.StatusCode)
		}
	})
}

// couponForm returns the coupon form shown on the browser's rewards page.
func couponForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	_, body := b.get("/rewards")
	if !strings.Contains(body, "Spend 10 points on a $5.00 coupon") {
		t.Fatalf("no coupon offer:\n%s", body)
	}
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
	if key == nil {
		t.Fatal("the coupon form has no key")
	}
	return url.Values{"key": {key[1]}}
}

// TestRewardHistoryPages: a long history is paged, newest first, 50 to a
// page, each entry on exactly one page, with links both ways; the first
// page reads the same with a cursor that is not one.
func TestRewardHistoryPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		id, err := s.svc.ParticipantByLogin(context.Background(), "alice")
		if err != nil {
			t.Fatal(err)
		}
		const total = 120
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		err = db.InTx(context.Background(), func(q *storage.Queries) error {
			for i := range total {
				at := base.Add(time.Duration(i/2) * time.Hour) // pairs share a credit time
				r := referralhub.Reward{ParticipantID: id, Side: referralhub.SideReferrer, Entry: referralhub.EntryReward, RuleID: 9,
					Kind: referralhub.KindPoints, Amount: 1, Status: referralhub.StatusApproved, Reason: "bonus",
					CreditedAt: at, ApprovedAt: at}
				if _, err := q.InsertReward(context.Background(), &r, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		entry := regexp.MustCompile(`<li class="reward" id="reward-(\d+)">`)
		older := regexp.MustCompile(`id="rewards-older" href="([^"]+)"`)
		seen := map[string]bool{}
		path, pages := "/rewards", 0
		for path != "" {
			resp, body := alice.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			pages++
			rows := entry.FindAllStringSubmatch(body, -1)
			if want := min(50, total-len(seen)); len(rows) != want {
				t.Fatalf("page %d lists %d entries, want %d", pages, len(rows), want)
			}
			for _, m := range rows {
				if seen[m[1]] {
					t.Fatalf("entry %s on two pages", m[1])
				}
				seen[m[1]] = true
			}
			if (pages > 1) != strings.Contains(body, `id="rewards-newest"`) {
				t.Errorf("page %d: newest link wrong", pages)
			}
			path = ""
			if m := older.FindStringSubmatch(body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if pages != 3 || len(seen) != total {
			t.Fatalf("%d pages listing %d entries, want 3 and %d", pages, len(seen), total)
		}
		_, first := alice.get("/rewards")
		_, junk := alice.get("/rewards?before=not-a-cursor")
		if entry.FindAllString(first, -1)[0] != entry.FindAllString(junk, -1)[0] {
			t.Error("a bad cursor does not give the newest page")
		}
	})
}
