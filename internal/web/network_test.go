package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// participantID returns the signed-in browser's participant id.
func (b *browser) participantID() int64 {
	b.t.Helper()
	c := b.cookie("rh_session")
	if c == nil {
		b.t.Fatal("not signed in")
	}
	_, p, err := b.site.svc.Authenticate(context.Background(), c.Value)
	if err != nil {
		b.t.Fatal(err)
	}
	return p.ID
}

// referredBy signs a new browser up as username through from's link.
func (s *site) referredBy(t *testing.T, from *browser, username string) *browser {
	t.Helper()
	b := s.browser(t)
	b.get(strings.TrimPrefix(from.link(), s.srv.URL))
	b.signup(username)
	return b
}

// htmx requests path as htmx does when it swaps a fragment.
func (b *browser) htmx(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.site.srv.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	return b.do(req)
}

// apiFriend stores a participant made through the API, called name and
// referred by referrerID, straight through storage.
func (s *site) apiFriend(t *testing.T, referrerID int64, ext, name string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	p := referralhub.ParticipantDetails{ExternalID: ext, Name: name}
	p.Code, p.Plan, p.CreatedAt, p.LastSeenAt = "api"+ext, "free", now, now
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		if ok, err := q.InsertAPIParticipant(ctx, &p); err != nil || !ok {
			return fmt.Errorf("insert %s: %v %v", ext, ok, err)
		}
		return q.CreateReferral(ctx, &referralhub.Referral{ReferrerID: referrerID, RefereeID: p.ID, CreatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNetworkNeedsSignIn sends visitors to the login page.
func TestNetworkNeedsSignIn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		for _, path := range []string{"/network", "/network?node=1", "/network?node=1&after=2"} {
			resp, _ := s.browser(t).get(path)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Errorf("GET %s: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
	})
}

// TestNetworkShowsTheViewersTree counts levels, opens a member as an htmx
// fragment (and as a page without htmx), names a deleted account, and
// answers 404 for anyone outside the viewer's tree.
func TestNetworkShowsTheViewersTree(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		root := s.browser(t)
		root.signup("rootie")
		kid := s.referredBy(t, root, "kiddo")
		s.referredBy(t, kid, "grandkid")
		gone := s.referredBy(t, root, "leaving")
		other := s.browser(t)
		other.signup("outsider")
		stranger := s.referredBy(t, other, "stranger")
		s.referredBy(t, stranger, "strangerkid")
		if resp, _ := gone.post("/settings/delete", url.Values{"password": {"password123"}, "confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}

		if _, body := root.get("/"); !strings.Contains(body, `href="/network"`) {
			t.Error("the dashboard does not link to the network")
		}
		resp, body := root.get("/network")
		kidNode := fmt.Sprintf(`hx-get="/network?node=%d"`, kid.participantID())
		for _, want := range []string{`id="network-total">3<`, `id="level-1">Level 1: 2 people<`, `id="level-2">Level 2: 1 person<`,
			">kiddo<", "Deleted account", kidNode} {
			if !strings.Contains(body, want) {
				t.Errorf("network page lacks %q", want)
			}
		}
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "leaving") || strings.Contains(body, "level-3") || strings.Contains(body, "outsider") {
			t.Fatalf("network page: %d\n%s", resp.StatusCode, body)
		}

		open := fmt.Sprintf("/network?node=%d", kid.participantID())
		resp, body = root.htmx(open)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(body), `<li class="member">`) ||
			strings.Contains(body, "<html") || !strings.Contains(body, ">G.<") {
			t.Fatalf("open kiddo with htmx: %d\n%s", resp.StatusCode, body)
		}
		if resp, body = root.get(open); resp.StatusCode != http.StatusOK || !strings.Contains(body, "<html") ||
			!strings.Contains(body, ">G.<") || !strings.Contains(body, "Their referrals") {
			t.Fatalf("open kiddo without htmx: %d\n%s", resp.StatusCode, body)
		}

		outside := []string{fmt.Sprintf("/network?node=%d", stranger.participantID()), fmt.Sprintf("/network?node=%d", other.participantID()),
			fmt.Sprintf("/network?node=%d&after=1", other.participantID()), "/network?node=abc", "/network?node=-1", "/network?after=x"}
		for _, path := range outside {
			if resp, _ := root.htmx(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("htmx %s: %d, want 404", path, resp.StatusCode)
			}
			if resp, body := root.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "strangerkid") {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
		}
		// The kid sees their own tree, not their referrer's.
		if resp, _ := kid.htmx(fmt.Sprintf("/network?node=%d", root.participantID())); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the kid opens the root: %d", resp.StatusCode)
		}
	})
}

// TestNetworkEscapesNamesAndPages shows names made through the API as text
// and pages a member's referrals 50 at a time with htmx.
func TestNetworkEscapesNamesAndPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		root := s.browser(t)
		root.signup("rootie")
		rootID := root.participantID()
		s.apiFriend(t, rootID, "evil", `<script>alert("x")</script> & co`)
		for i := range 51 {
			s.apiFriend(t, rootID, "f"+strconv.Itoa(i), "friend"+strconv.Itoa(i))
		}
		s.apiFriend(t, rootID, "nameless", "")

		_, body := root.get("/network")
		if strings.Contains(body, `<script>alert`) || !strings.Contains(body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co`) {
			t.Fatalf("the name is not escaped:\n%s", body)
		}
		if n := strings.Count(body, `<li class="member">`); n != 50 || !strings.Contains(body, `id="level-1">Level 1: 53 people<`) {
			t.Fatalf("first page lists %d people", n)
		}
		i := strings.Index(body, `hx-get="/network?node=`)
		if i < 0 {
			t.Fatal("no Show more link")
		}
		more := body[i+len(`hx-get="`):]
		more = strings.ReplaceAll(more[:strings.IndexByte(more, '"')], "&amp;", "&")
		if !strings.Contains(more, "after=") {
			t.Fatalf("more link %q", more)
		}
		resp, body := root.htmx(more)
		if resp.StatusCode != http.StatusOK || strings.Count(body, `<li class="member">`) != 3 || !strings.Contains(body, ">friend50<") ||
			!strings.Contains(body, ">A friend<") || strings.Contains(body, "Show more") || strings.Contains(body, ">friend48<") {
			t.Fatalf("second page: %d\n%s", resp.StatusCode, body)
		}
	})
}
