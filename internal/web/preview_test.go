package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// metaContent returns the content of the page's <meta> tag whose property
// or name is key, "" when there is none.
func metaContent(body, key string) string {
	m := regexp.MustCompile(`<meta (?:property|name)="` + regexp.QuoteMeta(key) + `" content="([^"]*)">`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestLinkPreview: a link-preview bot gets the link's Open Graph and
// Twitter tags with no cookie and no counted click, and the tags' image
// is a 1200×630 PNG, cacheable under its ETag.
func TestLinkPreview(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		giveBoth(t, s)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		bot := s.browser(t)
		req, _ := http.NewRequest("GET", link, nil)
		req.Header.Set("User-Agent", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")
		resp, body := bot.do(req)
		if resp.StatusCode != http.StatusOK || bot.cookie("rh_ref") != nil {
			t.Fatalf("bot: %d, cookie %v", resp.StatusCode, bot.cookie("rh_ref"))
		}
		want := map[string]string{"og:title": "alice invited you to ReferralHub", "twitter:title": "alice invited you to ReferralHub",
			"og:description": "Sign up and you both get $10.", "description": "Sign up and you both get $10.",
			"og:url": link, "twitter:card": "summary_large_image", "og:image:width": "1200", "og:image:height": "630"}
		for k, v := range want {
			if got := metaContent(body, k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		image := metaContent(body, "og:image")
		if !strings.HasPrefix(image, link+"/preview.png?v=") || metaContent(body, "twitter:image") != image {
			t.Fatalf("og:image %q", image)
		}
		resp, pic := bot.get(strings.TrimPrefix(image, s.srv.URL))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" ||
			resp.Header.Get("Cache-Control") != "public, max-age=86400" || resp.Header.Get("ETag") == "" {
			t.Fatalf("image: %d %v", resp.StatusCode, resp.Header)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader([]byte(pic)))
		if err != nil || cfg.Width != 1200 || cfg.Height != 630 {
			t.Fatalf("image is %dx%d (%v), want 1200x630", cfg.Width, cfg.Height, err)
		}
		again, _ := http.NewRequest("GET", image, nil)
		again.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		if resp, _ := bot.do(again); resp.StatusCode != http.StatusNotModified {
			t.Errorf("image with its ETag: %d, want 304", resp.StatusCode)
		}
		if resp, _ := bot.get("/r/nobody-here/preview.png"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown code's image: %d", resp.StatusCode)
		}
		// A person who followed the link lands on the signup page, which
		// carries the same tags.
		friend := s.browser(t)
		friend.get(strings.TrimPrefix(link, s.srv.URL))
		if _, body := friend.get("/signup"); metaContent(body, "og:image") != image {
			t.Errorf("the signup page of an invited friend lacks the link's tags")
		}
		s.flushClicks(t)
		if _, body := alice.get("/"); stat(t, body, "stat-clicks") != "1" {
			t.Errorf("clicks counted: %s, want only the person's", stat(t, body, "stat-clicks"))
		}
	})
}

// TestMetaDescriptionOnPublicPages: every public page has a meta
// description, the brand's unless the page has its own.
func TestMetaDescriptionOnPublicPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		for _, path := range []string{"/", "/signup", "/login", "/password-reset", "/signup?link=unknown", "/nowhere"} {
			_, body := s.browser(t).get(path)
			if d := metaContent(body, "description"); len(d) < 20 {
				t.Errorf("%s: meta description %q", path, d)
			}
		}
	})
}
