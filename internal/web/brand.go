package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// brandView is the branding as every page's layout shows it.
type brandView struct {
	Name                  string // the product name
	Initial               string // the name's first letter, the mark shown without a logo
	LogoURL               string // "" when there is no logo
	LogoWidth, LogoHeight int
	CSSURL                string // the brand's stylesheet, versioned by its content
	Description           string // the pages' meta description unless a page has its own
}

// brand returns the branding for a page; the defaults when it cannot be
// read, so that an error page still renders.
func (s *Server) brand(ctx context.Context) brandView {
	b := referralhub.DefaultBranding()
	if s.svc != nil { // template tests render without a core
		b = s.svc.BrandingOrDefault(ctx)
	}
	initial, _ := utf8.DecodeRuneInString(b.ProductName)
	_, version := brandCSS(b.Color)
	return brandView{Name: b.ProductName, Initial: string(unicode.ToUpper(initial)), LogoURL: core.LogoPath(b.Logo),
		LogoWidth: b.Logo.Width, LogoHeight: b.Logo.Height, CSSURL: "/brand/style.css?v=" + version,
		Description: brandDescription(b)}
}

// brandCSS is the brand's stylesheet: the palette as the custom properties
// app.css paints with, with the brand's text and tint colours for the light
// and the dark scheme (light-dark(), which follows prefers-color-scheme).
// The CSP forbids inline styles, so the colour comes in a stylesheet of
// its own. version names its content.
func brandCSS(color string) (css []byte, version string) {
	p, sc := core.PaletteOf(color), core.SchemesOf(color)
	css = fmt.Appendf(nil, ":root { --brand: %s; --brand-dark: %s; --brand-soft: %s; --on-brand: %s;\n"+
		"  --brand-text: light-dark(%s, %s); --tint: light-dark(%s, %s); --on-tint: light-dark(%s, %s); }\n",
		p.Brand, p.Dark, p.Soft, p.Text, sc.TextOnLight, sc.TextOnDark, sc.TintLight, sc.TintDark, sc.OnTintLight, sc.OnTintDark)
	sum := sha256.Sum256(css)
	return css, hex.EncodeToString(sum[:6])
}

// handleBrandCSS serves the brand's stylesheet. Under its current version
// it is cached for a year: a new colour changes the URL.
func (s *Server) handleBrandCSS(w http.ResponseWriter, r *http.Request) {
	css, version := brandCSS(s.svc.BrandingOrDefault(r.Context()).Color)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	serveVersioned(w, r, version, css)
}

// handleBrandLogo serves the uploaded logo from the database with the type
// it was stored with, never a sniffed one, under a CSP that lets it run
// nothing even when opened on its own.
func (s *Server) handleBrandLogo(w http.ResponseWriter, r *http.Request) {
	logo, data, err := s.svc.BrandLogo(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", logo.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	serveVersioned(w, r, strings.TrimPrefix(core.LogoPath(logo), "/brand/logo?v="), data)
}

// serveVersioned answers with body and its ETag: cached for good when the
// request names the current version, revalidated otherwise. It answers
// conditional and HEAD requests too.
func serveVersioned(w http.ResponseWriter, r *http.Request, version string, body []byte) {
	h := w.Header()
	h.Set("ETag", `"`+version+`"`)
	if r.URL.Query().Get("v") == version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// landingView is the landing page's headline and text. What follows the
// headline's first sentence is drawn in the brand's colours, as in the
// default "Share the love. Get rewarded."
type landingView struct {
	Lead, Accent, Text string
}

func landingOf(b referralhub.Branding) landingView {
	v := landingView{Lead: b.Headline, Text: b.LandingText}
	for i := 0; i+1 < len(b.Headline); i++ {
		if strings.IndexByte(".!?", b.Headline[i]) >= 0 && b.Headline[i+1] == ' ' {
			if accent := strings.TrimSpace(b.Headline[i+2:]); accent != "" {
				v.Lead, v.Accent = b.Headline[:i+1], accent
			}
			break
		}
	}
	return v
}

// brandDescription is the meta description of the site's pages: the
// landing page's headline and text, cut to about 160 characters, the
// length search results show.
func brandDescription(b referralhub.Branding) string {
	h := strings.TrimSpace(b.Headline)
	if h != "" && !strings.ContainsAny(h[len(h)-1:], ".!?…") {
		h += "."
	}
	d := strings.Join(strings.Fields(h+" "+b.LandingText), " ")
	if r := []rune(d); len(r) > 160 {
		d = strings.TrimSpace(string(r[:157])) + "…"
	}
	return d
}
