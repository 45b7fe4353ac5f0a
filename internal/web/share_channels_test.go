package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// clickIDOf reads the click id out of a browser's attribution cookie
// (code.clickid.unix[.channel].signature).
func clickIDOf(t *testing.T, b *browser) string {
	t.Helper()
	c := b.cookie("rh_ref")
	if c == nil {
		t.Fatal("no attribution cookie")
	}
	return strings.Split(c.Value, ".")[1]
}

// TestShareChannels: every way to share the link on the dashboard marks
// its channel (?s=), a click records the channel it came through (an
// unknown one as none), and the referral it brings keeps it.
func TestShareChannels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		_, body := alice.get("/")
		for _, want := range []string{
			strings.ReplaceAll(url.QueryEscape(link+"?s=x"), "+", "%20"),
			url.QueryEscape(link + "?s=fb"), url.QueryEscape(link + "?s=li"), url.QueryEscape(link + "?s=wa"), url.QueryEscape(link + "?s=em"),
			`data-copy-text="` + link + `?s=copy"`, `id="share-native" hidden data-share-url="` + link + `?s=native"`,
			`aria-label="Share on WhatsApp (opens a new tab)"`, `<svg class="icon"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %s", want)
			}
		}
		path := strings.TrimPrefix(link, s.srv.URL)
		channels := map[string]string{"?s=wa": "wa", "?s=qr": "qr", "?s=bogus": "", "": "", "?s=WA": ""}
		ids := map[string]*browser{}
		for query, want := range channels {
			friend := s.browser(t)
			friend.get(path + query)
			ids[clickIDOf(t, friend)+"|"+want] = friend
		}
		s.flushClicks(t)
		for key := range ids {
			id, want, _ := strings.Cut(key, "|")
			c, err := db.Read().ClickByID(ctx, id)
			if err != nil || c.Channel != want {
				t.Errorf("click %s: channel %q (%v), want %q", id, c.Channel, err, want)
			}
		}
		for key, friend := range ids {
			if _, want, _ := strings.Cut(key, "|"); want == "qr" {
				friend.signup("scanner")
				to, err := db.Read().RecipientByEmail(ctx, "scanner@example.com")
				if err != nil {
					t.Fatal(err)
				}
				ref, err := db.Read().ReferralOf(ctx, to.ParticipantID)
				if err != nil || ref.Channel != "qr" {
					t.Fatalf("the referral's channel is %q (%v), want qr", ref.Channel, err)
				}
			}
		}
	})
}
