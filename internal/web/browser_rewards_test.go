package web_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
)

// adminPassword is the password of the admin that saveProgram creates.
const adminPassword = "admin-password"

// giveCouponGetPoints makes the program one rule: a referred signup gives
// the referee a 20%-off coupon and the referrer 10 points.
func giveCouponGetPoints(p *referralhub.Program) {
	p.Rules = []referralhub.Rule{{Trigger: referralhub.EventSignup, CapPeriod: referralhub.PeriodLife,
		Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 10},
		Referee:  &referralhub.RewardSpec{Kind: referralhub.KindCoupon, PercentOff: 20}}}
}

// TestBrowserRewards runs the rewards loop in a real Chromium against
// stripe-mock: bob signs up through alice's link, redeems his 20%-off
// coupon with the Redeem button, gets the code FALL20 once the payout job
// ran and copies it; alice sees her 10 points. It saves full-page
// screenshots of the rewards, settings and admin pages, and fails on any
// JavaScript exception or CSP violation.
func TestBrowserRewards(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		engine := path.Base(t.Name())
		s := newSiteWith(t, db, time.Now, siteOptions{stripeBase: stripemock.Start(t)})
		admin := s.saveProgram(t, giveCouponGetPoints)
		root := startBrowser(t, chromium)
		alice := openTab(t, root, "alice")
		bob := openTab(t, root, "bob")
		adm := openTab(t, root, "admin")
		dir := artifactsDir(t)
		const earn = "Give 20% off, get 10 points: you get 10 points and your friend gets a 20% off coupon when they sign up."

		// 1) alice signs up; bob follows her link and signs up.
		alice.signup(s.srv.URL+"/signup", "alice")
		link := inTab(alice, chromedp.Value(chromedp.ID("referral-link")))
		inTab(bob, chromedp.Navigate(link))
		if got := inTab(bob, chromedp.Text(chromedp.CSS("#referred-by strong"))); got != "alice" {
			t.Fatalf("signup page names referrer %q, want alice", got)
		}
		bob.signup("", "bob")

		// 2) bob's rewards page shows the coupon and how to earn more.
		inTab(bob, chromedp.Navigate(s.srv.URL+"/rewards"))
		inTab(bob, chromedp.Steps(
			chromedp.WaitVisible(chromedp.CSS("#rewards li.reward")),
			chromedp.WaitVisible(chromedp.CSS(".earn-list li")),
		))
		row := rewardRowText(bob)
		if len(row) != 1 || row[0] != (rewardRowSeen{What: "20% off coupon", Status: "Available", Reason: "You signed up through alice's link"}) {
			t.Fatalf("bob's reward rows %+v, want one available 20%% off coupon from alice's link", row)
		}
		if got := earnText(bob); len(got) != 1 || got[0] != earn {
			t.Errorf("bob's \"how to earn\" says %q, want [%q]", got, earn)
		}

		// 3) The Redeem button queues the payout; the job brings the code.
		redeem := `#rewards form[action$="/redeem"] button[type="submit"]`
		if n := inTab(bob, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, redeem))); n != 1 {
			t.Fatalf("%d Redeem buttons on bob's rewards page, want 1", n)
		}
		inTab(bob, chromedp.WaitVisible(chromedp.CSS(redeem)))
		if resp := clickForResponse(bob, chromedp.Click(chromedp.CSS(redeem))); resp.Status != 200 {
			t.Fatalf("Redeem ended with status %d", resp.Status)
		}
		if loc := inTab(bob, chromedp.Location()); !strings.HasPrefix(loc, s.srv.URL+"/rewards#reward-") {
			t.Fatalf("Redeem led to %s, want /rewards#reward-…", loc)
		}
		if got := strings.TrimSpace(inTab(bob, chromedp.Text(chromedp.CSS("#rewards .preparing")))); got != "Preparing your code…" {
			t.Errorf("after Redeem the row says %q, want \"Preparing your code…\"", got)
		}
		s.runJobs(t)
		inTab(bob, chromedp.Reload())
		inTab(bob, chromedp.WaitVisible(chromedp.CSS("#rewards input.promo-code")))
		if code := inTab(bob, chromedp.Value(chromedp.CSS("#rewards input.promo-code"))); code != "FALL20" {
			t.Fatalf("promotion code %q, want FALL20", code)
		}
		if row := rewardRowText(bob); len(row) != 1 || row[0].Status != "Redeemed" {
			t.Errorf("after the job bob's rows are %+v, want one Redeemed", row)
		}
		shoot(t, bob, dir, "rewards-bob-"+engine)

		// 4) Its Copy button copies the code and says so.
		grantClipboard(t, bob, s.srv.URL)
		copyButton := `#rewards .copy-row button[data-copy]`
		inTab(bob, chromedp.Click(chromedp.CSS(copyButton)))
		label := inTab(bob, chromedp.Poll[string](
			fmt.Sprintf(`(t => t !== "Copy" && t)(document.querySelector(%q).textContent.trim())`, copyButton),
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
		if label != "Copied!" {
			t.Fatalf("Copy button says %q after the click, want \"Copied!\"", label)
		}
		if clip := inTab(bob, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise)); clip != "FALL20" {
			t.Errorf("clipboard holds %q, want FALL20", clip)
		}

		inTab(bob, chromedp.Navigate(s.srv.URL+"/settings"))
		inTab(bob, chromedp.WaitVisible(chromedp.ID("email-settings")))
		shoot(t, bob, dir, "settings-"+engine)

		// 5) alice has her 10 points on the rewards page and the dashboard.
		inTab(alice, chromedp.Navigate(s.srv.URL+"/rewards"))
		if got := strings.TrimSpace(inTab(alice, chromedp.Text(chromedp.ID("balance-points")))); got != "10" {
			t.Errorf("alice's points balance %q, want 10", got)
		}
		if row := rewardRowText(alice); len(row) != 1 || row[0] != (rewardRowSeen{What: "10 points", Status: "Available", Reason: "bob signed up"}) {
			t.Errorf("alice's reward rows %+v, want 10 available points for bob's signup", row)
		}
		if got := earnText(alice); len(got) != 1 || got[0] != earn {
			t.Errorf("alice's \"how to earn\" says %q, want [%q]", got, earn)
		}
		inTab(alice, chromedp.Navigate(s.srv.URL+"/"))
		if got := strings.TrimSpace(inTab(alice, chromedp.Text(chromedp.ID("stat-points")))); got != "10" {
			t.Errorf("alice's dashboard points %q, want 10", got)
		}

		// 6) The admin sees the program and the payout job that ran.
		adm.login(s.srv.URL, admin.Username, adminPassword)
		inTab(adm, chromedp.Navigate(s.srv.URL+"/admin/program"))
		if got := strings.TrimSpace(inTab(adm, chromedp.Text(chromedp.CSS("h1")))); got != "Referral program" {
			t.Fatalf("/admin/program says %q, want \"Referral program\"", got)
		}
		shoot(t, adm, dir, "admin-program-"+engine)
		inTab(adm, chromedp.Navigate(s.srv.URL+"/admin/jobs"))
		jobs := inTab(adm, chromedp.Evaluate[[][]string](
			`[...document.querySelectorAll("table.jobs tbody tr[id^=job-]")].map(tr => [tr.cells[1].textContent.trim(), tr.cells[2].textContent.trim()])`))
		found := false
		for _, j := range jobs {
			found = found || j[0] == core.JobFulfil && j[1] == referralhub.JobDone
		}
		if !found {
			t.Errorf("/admin/jobs lists %q, want a %s job %s", jobs, core.JobFulfil, referralhub.JobDone)
		}
		shoot(t, adm, dir, "admin-jobs-"+engine)

		for _, tb := range []*tab{alice, bob, adm} {
			tb.check()
		}
	})
}

// rewardRowSeen is one row of the reward history as the page shows it.
type rewardRowSeen struct{ What, Status, Reason string }

// rewardRowText reads the reward history of the tab's rewards page.
func rewardRowText(tb *tab) []rewardRowSeen {
	tb.t.Helper()
	rows := inTab(tb, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#rewards li.reward")].map(li =>
		[".reward-what", ".status", ".reward-reason"].map(sel => (li.querySelector(sel)?.innerText ?? "").trim()))`))
	out := make([]rewardRowSeen, len(rows))
	for i, r := range rows {
		out[i] = rewardRowSeen{What: r[0], Status: r[1], Reason: r[2]}
	}
	return out
}

// earnText returns the visible sentences under "How to earn more".
func earnText(tb *tab) []string {
	tb.t.Helper()
	return inTab(tb, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".earn-list li")].filter(li => li.checkVisibility()).map(li => li.innerText.trim())`))
}

// clickForResponse runs a click that navigates and returns the response of
// the page it lands on.
func clickForResponse(tb *tab, click chromedp.Action[chromedp.Void]) *network.Response {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, click)
	if err != nil {
		tb.t.Fatalf("browser %s: %v", tb.name, err)
	}
	return resp
}

// login logs the tab in with the login form and checks it lands on the
// dashboard.
func (tb *tab) login(base, login, password string) {
	tb.t.Helper()
	inTab(tb, chromedp.Navigate(base+"/login"))
	inTab(tb, chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password),
	))
	resp := clickForResponse(tb, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)))
	if loc := inTab(tb, chromedp.Location()); resp.Status != 200 || loc != base+"/" {
		tb.t.Fatalf("browser %s: login as %s ended at %s with status %d", tb.name, login, loc, resp.Status)
	}
}

// shoot saves full-page screenshots of the tab's page at desktop and phone
// widths as name-WIDTH.png in dir, ending at the desktop width.
func shoot(t *testing.T, tb *tab, dir, name string) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
		if err := os.WriteFile(file, tb.screenshot(width), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %d px: %s", width, file)
	}
}
