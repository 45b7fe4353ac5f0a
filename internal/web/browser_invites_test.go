package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBrowserInvites walks the dashboard's invite form in Chromium: a
// request refused as a whole shows its error at the field, a good one the
// outcome of each address and the list; the invitee opens the mail's
// unsubscribe link and confirms. axe judges every state, and the tabs
// must see no JavaScript exception or CSP violation.
func TestBrowserInvites(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		root := startBrowser(t, chromium)
		a, friend := openTab(t, root, "A"), openTab(t, root, "friend")
		a.signup(s.srv.URL+"/signup", "alice")
		s.browser(t).signup("bob")
		send := func(emails, then string) {
			inTab(a, chromedp.Evaluate[chromedp.Void](`document.getElementById("invite-emails").value = ""`))
			inTab(a, chromedp.SendKeys(chromedp.ID("invite-emails"), emails))
			inTab(a, chromedp.Steps(chromedp.Click(chromedp.CSS(`#invite-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID(then))))
		}
		inTab(a, chromedp.WaitVisible(chromedp.ID("invite-form")))
		checkAxe(a, "dashboard, invite form")
		send(strings.Repeat("x@example.com, ", 11), "invite-emails-error")
		checkAxe(a, "dashboard, invite form refused")
		inTab(a, chromedp.SendKeys(chromedp.ID("invite-note"), "We use it every day."))
		send("friend@example.com, bob@example.com", "invite-results")
		results := strings.Join(strings.Fields(inTab(a, chromedp.Text(chromedp.ID("invite-results")))), " ")
		for _, want := range []string{"1 invitation is on the way", "friend@example.com: sent", "bob@example.com: not sent, This person has joined already."} {
			if !strings.Contains(results, want) {
				t.Errorf("the answer %q lacks %q", results, want)
			}
		}
		states := inTab(a, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#invite-list .invite-state")].map(s => s.textContent)`))
		if strings.Join(states, ",") != "sent,not sent" && strings.Join(states, ",") != "not sent,sent" {
			t.Errorf("the list shows %q", states)
		}
		checkAxe(a, "dashboard, invitations sent")

		s.runJobs(t)
		unsub := mailLink(t, inviteMailTo(t, s, "friend@example.com").Text, s.srv.URL+"/invites/unsubscribe")
		inTab(friend, chromedp.Navigate(unsub))
		checkAxe(friend, "stop invitations, asked")
		inTab(friend, chromedp.Steps(chromedp.Click(chromedp.ID("invite-unsubscribe")), chromedp.WaitVisible(chromedp.ID("invite-unsubscribe-done"))))
		checkAxe(friend, "stop invitations, done")
		for _, tb := range []*tab{a, friend} {
			tb.check()
		}
	})
}
