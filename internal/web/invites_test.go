package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// inviteMailTo returns the one invite mailed to address.
func inviteMailTo(t *testing.T, s *site, address string) mailtest.Received {
	t.Helper()
	var found []mailtest.Received
	for _, m := range s.smtp.Messages() {
		if strings.Contains(m.To, address) && strings.Contains(m.Subject, "invited you") {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d invites mailed to %s", len(found), address)
	}
	return found[0]
}

// inviteState returns the state the dashboard shows for an invite to email.
func inviteState(t *testing.T, b *browser, email string) string {
	t.Helper()
	_, body := b.get("/")
	i := strings.Index(body, "<td>"+email+"</td>")
	if i < 0 {
		t.Fatalf("no invite to %s on the dashboard", email)
	}
	rest := body[i:]
	j := strings.Index(rest, `<span class="invite-state">`)
	rest = rest[j+len(`<span class="invite-state">`):]
	return rest[:strings.Index(rest, "<")]
}

func TestInviteFormExplainsEachAddress(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		s.browser(t).signup("bob")
		resp, body := alice.post("/invites", url.Values{"emails": {"bob@example.com, not-an-email\nfriend@example.com\r\nFRIEND@example.com"},
			"note": {"We use it <every> day"}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /invites: %d", resp.StatusCode)
		}
		for _, want := range []string{"1 invitation is on the way", "bob@example.com: <strong>not sent</strong>, This person has joined already.",
			"not-an-email: <strong>not sent</strong>, This is not a valid email address.", "friend@example.com: <strong>sent</strong>",
			"FRIEND@example.com: <strong>not sent</strong>, This address is listed twice."} {
			if !strings.Contains(body, want) {
				t.Errorf("the form's answer lacks %q", want)
			}
		}
		if got := inviteState(t, alice, "bob@example.com"); got != "not sent" {
			t.Errorf("bob's invite: %q", got)
		}
		s.runJobs(t)
		m := inviteMailTo(t, s, "friend@example.com")
		if !strings.Contains(m.Text, "We use it <every> day") || strings.Contains(m.HTML, "<every>") {
			t.Errorf("the note is not plain text, escaped in HTML:\n%s", m.HTML)
		}
		eleven := strings.Repeat("x@example.com,", 11)
		resp, body = alice.post("/invites", url.Values{"emails": {eleven}, "note": {strings.Repeat("n", 281)}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Invite at most 10 addresses") ||
			!strings.Contains(body, "Keep the note to 280 characters") || !strings.Contains(body, eleven) {
			t.Fatalf("too many addresses: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest("POST", s.srv.URL+"/invites", strings.NewReader("emails=z%40example.com"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if resp, _ := alice.do(req); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST /invites: %d", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/invites", url.Values{"emails": {"y@example.com"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /invites signed out: %d", resp.StatusCode)
		}
	})
}

// mailLink returns the first line of a mail's text that starts with prefix.
func mailLink(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, prefix); i >= 0 {
			return strings.TrimSpace(line[i:])
		}
	}
	t.Fatalf("no %s link in:\n%s", prefix, text)
	return ""
}

func TestInviteMovesSentClickedJoined(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		alice.post("/invites", url.Values{"emails": {"friend@example.com"}})
		s.runJobs(t)
		if got := inviteState(t, alice, "friend@example.com"); got != "sent" {
			t.Fatalf("state %q", got)
		}
		link := mailLink(t, inviteMailTo(t, s, "friend@example.com").Text, s.srv.URL+"/r/")
		if !strings.Contains(link, "s=invite") || !strings.Contains(link, "i=") {
			t.Fatalf("invite link %s", link)
		}
		friend := s.browser(t)
		req, _ := http.NewRequest("GET", link, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0")
		if resp, _ := friend.do(req); resp.StatusCode != http.StatusFound {
			t.Fatalf("invite link: %d", resp.StatusCode)
		}
		if got := inviteState(t, alice, "friend@example.com"); got != "clicked" {
			t.Fatalf("after the click: %q", got)
		}
		resp, _ := friend.post("/signup", url.Values{"email": {"Friend@example.com"}, "username": {"friend"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signup: %d", resp.StatusCode)
		}
		if got := inviteState(t, alice, "friend@example.com"); got != "joined" {
			t.Fatalf("after the signup: %q", got)
		}
	})
}

func TestInviteUnsubscribeLink(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice, bob := s.browser(t), s.browser(t)
		alice.signup("alice")
		bob.signup("bob")
		alice.post("/invites", url.Values{"emails": {"carol@example.com"}})
		s.runJobs(t)
		m := inviteMailTo(t, s, "carol@example.com")
		unsub := mailLink(t, m.Text, s.srv.URL+"/invites/unsubscribe")
		if m.Headers["List-Unsubscribe"] != "<"+unsub+">" {
			t.Fatalf("List-Unsubscribe %q, text link %q", m.Headers["List-Unsubscribe"], unsub)
		}
		visitor := s.browser(t)
		resp, body := visitor.get(strings.TrimPrefix(unsub, s.srv.URL))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Stop all invitations to carol@example.com") {
			t.Fatalf("GET the link: %d", resp.StatusCode)
		}
		if resp, _ := visitor.get("/invites/unsubscribe?token=forged.x"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a forged token: %d", resp.StatusCode)
		}
		_, body = bob.post("/invites", url.Values{"emails": {"carol@example.com"}})
		if !strings.Contains(body, html.EscapeString("This person was invited in the last 30 days.")) {
			t.Fatal("before opting out, carol is refused as invited lately")
		}
		// One-click unsubscribe (RFC 8058) posts to the link itself.
		req, _ := http.NewRequest("POST", unsub, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, body := visitor.do(req); resp.StatusCode != http.StatusOK || !strings.Contains(body, "invite-unsubscribe-done") {
			t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
		}
		_, body = bob.post("/invites", url.Values{"emails": {"Carol+news@example.com"}})
		if !strings.Contains(body, "This person asked not to receive invitations.") {
			t.Fatal("after opting out, carol is not refused for it")
		}
	})
}
