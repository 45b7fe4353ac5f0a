package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/core"
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

// TestAnalyticsByChannel: the admin's analytics show clicks, signups and
// conversions by the channel the link was shared through, and export them.
func TestAnalyticsByChannel(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		friend := s.browser(t)
		friend.get(path + "?s=wa")
		friend.signup("friend")
		s.browser(t).get(path + "?s=wa")
		s.browser(t).get(path + "?s=qr")
		s.flushClicks(t)
		// A refresh counts the clicks made ClicksSettle before it.
		if err := core.RefreshAnalytics(ctx, db, time.Now().Add(core.ClicksSettle), false); err != nil {
			t.Fatal(err)
		}
		admin := adminBrowser(t, s)
		_, body := admin.get("/admin/analytics")
		for _, want := range []string{
			`<td>WhatsApp</td><td class="num">2</td><td class="num">1</td><td class="num">0</td><td class="num">50.0%</td>`,
			`<td>QR code</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0.0%</td>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("analytics lack %s", want)
			}
		}
		if resp, csv := admin.get("/admin/analytics/export/channels"); resp.StatusCode != 200 || !strings.Contains(csv, "WhatsApp,2,1,0,50.0%") {
			t.Errorf("channels CSV: %d\n%s", resp.StatusCode, csv)
		}
	})
}

// TestUTMOnDestinations: with the program's UTM setting, a link's ?to=
// destination gets the UTM parameters, its channel as utm_content, and
// keeps the UTM parameters it had; without it, none are added.
func TestUTMOnDestinations(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		dest := url.Values{"to": {"https://shop.example/p?utm_source=newsletter"}}.Encode()
		admin := s.saveProgram(t, allowShops)
		if resp, _ := s.browser(t).get(path + "?s=wa&" + dest); strings.Contains(resp.Header.Get("Location"), "utm_medium") {
			t.Fatalf("UTM added with the setting off: %s", resp.Header.Get("Location"))
		}
		prog := programNow(t, s)
		prog.AddUTM, prog.Name = true, "Spring promo"
		if _, err := s.svc.SaveProgram(context.Background(), admin, prog, "UTM on"); err != nil {
			t.Fatal(err)
		}
		resp, _ := s.browser(t).get(path + "?s=wa&" + dest)
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || loc.Host != "shop.example" {
			t.Fatalf("Location %q", resp.Header.Get("Location"))
		}
		q := loc.Query()
		for k, want := range map[string]string{"utm_source": "newsletter", "utm_medium": "referral",
			"utm_campaign": "Spring promo", "utm_content": "wa"} {
			if got := q[k]; len(got) != 1 || got[0] != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
	})
}

// TestDashboardByChannel: the participant's dashboard shows their clicks,
// signups and purchases by the channel their link was shared through.
func TestDashboardByChannel(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		if _, body := alice.get("/"); strings.Contains(body, `id="channels"`) {
			t.Fatal("a dashboard without shares shows channel figures")
		}
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		friend := s.browser(t)
		friend.get(path + "?s=wa")
		friend.signup("friend")
		s.browser(t).get(path + "?s=wa")
		s.browser(t).get(path + "?s=qr")
		s.browser(t).get(path)
		s.flushClicks(t)
		ctx := context.Background()
		to, err := db.Read().RecipientByEmail(ctx, "friend@example.com")
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"p1", "p2"} { // a second purchase is the same conversion
			purchase := core.EventInput{ParticipantID: to.ParticipantID, Name: "purchase", Key: key, Amount: 1000, Currency: "usd"}
			if _, _, err := s.svc.RecordEvent(ctx, purchase); err != nil {
				t.Fatal(err)
			}
		}
		_, body := alice.get("/")
		for _, want := range []string{
			`<th scope="row">WhatsApp</th><td>2</td><td>1</td><td>1</td>`,
			`<th scope="row">QR code</th><td>1</td><td>0</td><td>0</td>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %s", want)
			}
		}
		if n := strings.Count(body, `class="channel-row"`); n != 2 {
			t.Errorf("dashboard shows %d channels, want 2 (links without one are left out)", n)
		}
	})
}
