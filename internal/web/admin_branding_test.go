package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// pngLogo encodes a w×h PNG.
func pngLogo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.RGBA{0xff, 0xd6, 0x0a, 0xff}})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postBranding posts the branding form as a browser does, multipart with
// the logo last, declared as an image/png named logo.png whatever it holds.
// A nil logo posts the file field with no file chosen.
func (b *browser) postBranding(fields url.Values, logo []byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, vs := range fields {
		for _, v := range vs {
			mw.WriteField(name, v)
		}
	}
	h := textproto.MIMEHeader{"Content-Type": {"image/png"}, "Content-Disposition": {`form-data; name="logo"; filename="logo.png"`}}
	if logo == nil {
		h = textproto.MIMEHeader{"Content-Type": {"application/octet-stream"}, "Content-Disposition": {`form-data; name="logo"; filename=""`}}
	}
	part, _ := mw.CreatePart(h)
	part.Write(logo)
	mw.Close()
	req, _ := http.NewRequest("POST", b.site.srv.URL+"/admin/branding", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// acmeBranding is a complete branding form.
func acmeBranding() url.Values {
	return url.Values{"product_name": {"Acme Rewards"}, "color": {"#FFD60A"}, "headline": {"Bring a friend. You both win!"},
		"landing_text": {"Acme <b>pays</b> you & your friends."},
		"share_x":      {"{name} says: try Acme {link} #acme"}, "share_facebook": {"Acme & me"},
		"share_linkedin": {"Acme, recommended by {name}"}, "share_whatsapp": {"Try Acme: {link}"},
		"share_email": {"Hi, {name} here & I think you'll like Acme: {link}"}}
}

func TestBrandingIsForAdminsOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		for _, b := range []*browser{s.browser(t), alice} {
			if resp, _ := b.get("/admin/branding"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET: %d, want 404", resp.StatusCode)
			}
			if resp, _ := b.postBranding(acmeBranding(), pngLogo(t, 10, 10)); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST: %d, want 404", resp.StatusCode)
			}
		}
		if resp, _ := s.browser(t).get("/brand/logo"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("no logo yet: %d, want 404", resp.StatusCode)
		}
		if b := brandingNow(t, s); b != referralhub.DefaultBranding() {
			t.Errorf("a refused post changed the branding: %+v", b)
		}
	})
}

// TestBrandingDefaults: untouched, the site shows the defaults, and the
// form posted back as it comes saves them unchanged.
func TestBrandingDefaults(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		_, body := s.browser(t).get("/")
		for _, want := range []string{"<title>Refer friends, earn rewards · ReferralHub</title>", `<span class="brand-mark" aria-hidden="true">R</span>ReferralHub</a>`,
			`Share the love. <span class="accent">Get rewarded.</span></h1>`, "Invite your friends with your personal link."} {
			if !strings.Contains(body, want) {
				t.Errorf("landing page lacks %q", want)
			}
		}
		admin := adminBrowser(t, s)
		_, page := admin.get("/admin/branding")
		form := scrapeForm(t, page, "/admin/branding")
		if form.Get("color") != referralhub.DefaultBrandColor || form.Get("share_email") != referralhub.DefaultBranding().Share.Email {
			t.Fatalf("form: %v", form)
		}
		if resp, body := admin.post("/admin/branding", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save untouched: %d\n%s", resp.StatusCode, body)
		}
		got := brandingNow(t, s)
		got.UpdatedBy, got.UpdatedAt = "", got.UpdatedAt.AddDate(-3000, 0, 0)
		if want := referralhub.DefaultBranding(); got.ProductName != want.ProductName || got.Share != want.Share ||
			got.Headline != want.Headline || got.LandingText != want.LandingText || got.Color != want.Color {
			t.Errorf("saved untouched: %+v", got)
		}
		assertAudited(t, admin, "branding.save", "branding", "Saved the branding unchanged.")
	})
}

// TestBrandingShowsEverywhere saves a brand and finds it on the landing
// page, in the brand's stylesheet and logo, on the dashboard with its share
// links, and in a mail.
func TestBrandingShowsEverywhere(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		logo := pngLogo(t, 96, 32)
		resp, body := admin.postBranding(acmeBranding(), logo)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/branding?saved=1" {
			t.Fatalf("save: %d\n%s", resp.StatusCode, body)
		}
		assertAudited(t, admin, "branding.save", "branding",
			"Changed the product name, the colour, the logo, the landing page and the share messages.")
		if _, body := admin.get("/admin/branding?saved=1"); !strings.Contains(body, "The branding was saved.") {
			t.Error("no confirmation after saving")
		}

		visitor := s.browser(t)
		_, landing := visitor.get("/")
		for _, want := range []string{"<title>Refer friends, earn rewards · Acme Rewards</title>", `alt="" width="96" height="32">Acme Rewards</a>`,
			`Bring a friend. <span class="accent">You both win!</span>`, "Acme &lt;b&gt;pays&lt;/b&gt; you &amp; your friends."} {
			if !strings.Contains(landing, want) {
				t.Errorf("landing page lacks %q", want)
			}
		}
		checkBrandAssets(t, visitor, landing, logo)

		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		_, dash := alice.get("/")
		if !strings.Contains(dash, "Acme Rewards</a>") {
			t.Error("dashboard lacks the product name")
		}
		checkShareLinks(t, dash, link)

		m := s.lastMailTo(t, "alice@example.com", subjectVerify)
		logoURL := s.srv.URL + brandURL(t, landing, "/brand/logo")
		if !strings.Contains(m.Subject, "Acme Rewards") || !strings.Contains(m.Text, "Acme Rewards") {
			t.Errorf("mail does not name the brand: %q\n%s", m.Subject, m.Text)
		}
		for _, want := range []string{"background-color:#ffd60a;color:#111827;", `<img src="` + html.EscapeString(logoURL) + `"`, "Acme Rewards</p>"} {
			if !strings.Contains(m.HTML, want) {
				t.Errorf("mail HTML lacks %q:\n%s", want, m.HTML)
			}
		}
	})
}

// brandURL returns the versioned URL of a brand asset linked from a page.
func brandURL(t *testing.T, page, path string) string {
	t.Helper()
	u := regexp.MustCompile(regexp.QuoteMeta(path) + `\?v=[0-9a-f]+`).FindString(page)
	if u == "" {
		t.Fatalf("page does not link %s", path)
	}
	return u
}

// checkBrandAssets fetches the stylesheet and the logo the page links:
// right types, nosniff, cached under their version, revalidated by ETag.
func checkBrandAssets(t *testing.T, b *browser, page string, logo []byte) {
	t.Helper()
	for _, a := range []struct{ path, ctype, want string }{
		{"/brand/style.css", "text/css; charset=utf-8", "--brand: #ffd60a; --brand-dark: #d9b609; --brand-soft: #fffbe7; --on-brand: #111827;"},
		{"/brand/logo", "image/png", string(logo)},
	} {
		u := brandURL(t, page, a.path)
		resp, body := b.get(u)
		h := resp.Header
		if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != a.ctype || !strings.Contains(body, a.want) {
			t.Fatalf("%s: %d %q\n%.200q", u, resp.StatusCode, h.Get("Content-Type"), body)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Cache-Control"), "immutable") || h.Get("ETag") == "" {
			t.Errorf("%s headers: %v", u, h)
		}
		req, _ := http.NewRequest("GET", b.site.srv.URL+a.path, nil)
		req.Header.Set("If-None-Match", h.Get("ETag"))
		if resp, _ := b.do(req); resp.StatusCode != http.StatusNotModified || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s revalidated: %d %q", a.path, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
}

// checkShareLinks finds each channel's message on the dashboard, filled
// in for alice and escaped.
func checkShareLinks(t *testing.T, dash, link string) {
	t.Helper()
	e := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	for _, want := range []string{
		"https://x.com/intent/tweet?text=" + e("alice says: try Acme "+link+"?s=x #acme"),
		"https://www.facebook.com/sharer/sharer.php?u=" + url.QueryEscape(link+"?s=fb") + "&quote=" + e("Acme & me"),
		"https://www.linkedin.com/feed/?shareActive=true&text=" + e("Acme, recommended by alice "+link+"?s=li"),
		"https://wa.me/?text=" + e("Try Acme: "+link+"?s=wa"),
		"mailto:?subject=" + e("An invitation to Acme Rewards") + "&body=" + e("Hi, alice here & I think you'll like Acme: "+link+"?s=em"),
	} {
		if !strings.Contains(dash, html.EscapeString(want)) {
			t.Errorf("dashboard lacks the share link %q", want)
		}
	}
}

// TestBrandingRefusesBadInput: a logo that is not a PNG, JPEG or GIF
// (whatever its name and declared type), or too large, and bad texts are
// refused with 422 and the message beside the field; nothing is saved.
func TestBrandingRefusesBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>`)
		htmlPage := []byte("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>")
		huge := append(pngLogo(t, 10, 10), make([]byte, 2<<20)...)
		for _, c := range []struct {
			name   string
			edit   func(url.Values)
			logo   []byte
			field  string
			msg    string
			keepIn bool // the typed product name comes back
		}{
			{"svg", nil, svg, "logo", "The logo must be a PNG, JPEG or GIF image.", true},
			{"html", nil, htmlPage, "logo", "The logo must be a PNG, JPEG or GIF image.", true},
			{"png header on html", nil, append([]byte("\x89PNG\r\n\x1a\n"), htmlPage...), "logo", "could not be read as an image", true},
			{"too large", nil, append(pngLogo(t, 10, 10), make([]byte, 300<<10)...), "logo", "The logo is larger than 256 KiB", true},
			{"far too large", nil, huge, "logo", "The logo is larger than 256 KiB", true},
			{"too wide", nil, pngLogo(t, 4000, 10), "logo", "4000 × 10 pixels", true},
			{"colour", func(v url.Values) { v.Set("color", "red;}body{x") }, nil, "color", "six hexadecimal digits", true},
			{"blank name", func(v url.Values) { v.Set("product_name", " ") }, nil, "product_name", "Write the product name.", false},
			{"long share", func(v url.Values) { v.Set("share_whatsapp", strings.Repeat("a", 501)) }, nil, "share_whatsapp", "500 characters", true},
		} {
			form := acmeBranding()
			if c.edit != nil {
				c.edit(form)
			}
			resp, body := admin.postBranding(form, c.logo)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", c.name, resp.StatusCode)
				continue
			}
			beside := fmt.Sprintf(`aria-invalid="true" aria-describedby="%s-error"`, c.field)
			if !strings.Contains(body, beside) || !regexp.MustCompile(`<p class="field-error" id="`+c.field+`-error">[^<]*`+
				regexp.QuoteMeta(html.EscapeString(c.msg))).MatchString(body) {
				t.Errorf("%s: no %q beside %s:\n%s", c.name, c.msg, c.field, body)
			}
			if c.keepIn && !strings.Contains(body, `value="Acme Rewards"`) {
				t.Errorf("%s: the typed name is not kept", c.name)
			}
		}
		if b := brandingNow(t, s); b != referralhub.DefaultBranding() {
			t.Errorf("a refused form saved: %+v", b)
		}
		if resp, _ := admin.get("/brand/logo"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a refused logo is served: %d", resp.StatusCode)
		}
		if log, err := s.svc.AuditLog(context.Background(), anAdmin, "branding.", 1); err != nil || len(log) != 0 {
			t.Errorf("refused forms audited: %+v %v", log, err)
		}
	})
}

// TestBrandingLogoKeptAndRemoved: a save without a file keeps the logo;
// ticking "Remove the logo" removes it.
func TestBrandingLogoKeptAndRemoved(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		if resp, _ := admin.postBranding(acmeBranding(), pngLogo(t, 40, 40)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		first := brandingNow(t, s).Logo
		form := acmeBranding()
		form.Set("headline", "Changed")
		if resp, _ := admin.postBranding(form, nil); resp.StatusCode != http.StatusSeeOther || brandingNow(t, s).Logo != first {
			t.Fatalf("a save without a file lost the logo: %d %+v", resp.StatusCode, brandingNow(t, s).Logo)
		}
		form.Set("remove_logo", "1")
		if resp, _ := admin.postBranding(form, nil); resp.StatusCode != http.StatusSeeOther || brandingNow(t, s).Logo.Hash != "" {
			t.Fatalf("remove: %d %+v", resp.StatusCode, brandingNow(t, s).Logo)
		}
		if _, body := s.browser(t).get("/"); strings.Contains(body, "/brand/logo") || !strings.Contains(body, `aria-hidden="true">A</span>Acme Rewards`) {
			t.Error("the landing page still shows a logo, or no mark")
		}
	})
}

// brandingNow reads the saved branding, bypassing the core's cache.
func brandingNow(t *testing.T, s *site) referralhub.Branding {
	t.Helper()
	b, err := s.db.Read().Branding(context.Background())
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return referralhub.DefaultBranding()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}
