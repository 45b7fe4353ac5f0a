package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBotClicksAttributeNothing follows a link as a link-preview fetcher and
// as a browser loading it in an image: both are answered with the link's
// preview page (200), recorded as bot clicks, set no attribution cookie
// and are not counted on the dashboard.
func TestBotClicksAttributeNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		for _, h := range []map[string]string{
			{"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
			{"User-Agent": "Mozilla/5.0 Chrome/131.0", "Sec-Fetch-Dest": "image"},
		} {
			bot := s.browser(t)
			req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, _ := bot.do(req)
			if resp.StatusCode != http.StatusOK || bot.cookie("rh_ref") != nil {
				t.Fatalf("%v: %d, attribution cookie %v", h, resp.StatusCode, bot.cookie("rh_ref"))
			}
		}
		person := s.browser(t)
		req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
		req.Header.Set("Sec-Fetch-Dest", "document")
		if resp, _ := person.do(req); resp.StatusCode != http.StatusFound || person.cookie("rh_ref") == nil {
			t.Fatal("a person's click was not attributed")
		}
		s.flushClicks(t)
		if n, err := db.Read().CountClicks(context.Background()); err != nil || n != 3 {
			t.Fatalf("%d clicks stored, want all 3 (%v)", n, err)
		}
		_, body := alice.get("/")
		if got := stat(t, body, "stat-clicks"); got != "1" {
			t.Fatalf("the dashboard counts %s clicks, want only the person's", got)
		}
	})
}
