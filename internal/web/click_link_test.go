package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestASignupUsesTheAttributionCookieOnce: after a referred signup the
// browser no longer holds the attribution cookie, so a second account made
// in the same browser (after logging out) is not referred again.
func TestASignupUsesTheAttributionCookieOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		bob := s.browser(t)
		resp, _ := bob.get(strings.TrimPrefix(link, s.srv.URL))
		if resp.StatusCode != http.StatusFound || bob.cookie("rh_ref") == nil {
			t.Fatalf("click: %d, cookie %v", resp.StatusCode, bob.cookie("rh_ref"))
		}
		bob.signup("bob")
		if c := bob.cookie("rh_ref"); c != nil {
			t.Errorf("the attribution cookie outlived the signup: %v", c)
		}
		if resp, _ := bob.post("/logout", url.Values{}); resp.StatusCode >= 400 {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		bob.signup("bobby")
		ctx := context.Background()
		for name, referred := range map[string]bool{"bob": true, "bobby": false} {
			u, _, err := db.Read().UserForLogin(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			to, err := db.Read().RecipientByUser(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Read().ReferralPartiesOf(ctx, to.ParticipantID)
			if got := err == nil; got != referred || err != nil && referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("%s referred: %v (%v), want %v", name, got, err, referred)
			}
		}
	})
}

// TestAReferralLinkWithATrailingSlashWorks: /r/{code}/ answers like
// /r/{code} (it was a 404), for GET and HEAD; deeper paths stay unknown.
func TestAReferralLinkWithATrailingSlashWorks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL) + "/"
		bob := s.browser(t)
		resp, _ := bob.get(path)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup" || bob.cookie("rh_ref") == nil {
			t.Fatalf("GET %s: %d to %q, cookie %v; want /signup with a cookie", path, resp.StatusCode, resp.Header.Get("Location"), bob.cookie("rh_ref"))
		}
		req, _ := http.NewRequest(http.MethodHead, s.srv.URL+path, nil)
		if resp, _ := s.browser(t).do(req); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup" {
			t.Errorf("HEAD %s: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
		s.flushClicks(t)
		if n, err := db.Read().CountClicks(context.Background()); err != nil || n != 1 {
			t.Errorf("%d clicks stored, want 1 (%v)", n, err)
		}
		if resp, _ := s.browser(t).get(path + "more"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %smore: %d, want 404", path, resp.StatusCode)
		}
	})
}
