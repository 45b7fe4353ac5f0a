package mail_test

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/mail"
)

// TestRenderBranding: every mail shows the brand's name, colour and logo,
// and blank or invalid branding falls back to the defaults.
func TestRenderBranding(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	branded := testData()
	branded.SiteName, branded.BrandColor, branded.BrandText = "Acme Rewards", "#ffd60a", "#111827"
	branded.LogoURL = "https://acme.test/brand/logo?v=abc"
	evil := testData()
	evil.BrandColor, evil.BrandText = "red;background:url(https://evil.test/)", "#fff"
	cases := []struct {
		name string
		data mail.Data
		want []string
	}{
		{"branded", branded, []string{"Acme Rewards", "background-color:#ffd60a;color:#111827;", `<img src="https://acme.test/brand/logo?v=abc"`, "solid #ffd60a"}},
		{"plain", mail.Data{Username: "a", Link: "https://x.test/", UnsubscribeURL: "https://x.test/u"},
			[]string{mail.DefaultSiteName, "background-color:" + mail.DefaultBrandColor + ";color:" + mail.DefaultBrandText + ";"}},
		{"invalid colour", evil, []string{"background-color:" + mail.DefaultBrandColor + ";"}},
	}
	for _, c := range cases {
		for _, kind := range mail.Kinds() {
			subject, _, html, err := tmpl.Render(kind, c.data)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, kind, err)
			}
			if !strings.Contains(subject+html, c.want[0]) {
				t.Errorf("%s %s: no name %q", c.name, kind, c.want[0])
			}
			for _, w := range c.want[1:] {
				if !strings.Contains(html, w) {
					t.Errorf("%s %s: HTML lacks %q:\n%s", c.name, kind, w, html)
				}
			}
			if strings.Contains(html, "evil.test") || strings.Contains(html, "ZgotmplZ") {
				t.Errorf("%s %s: a bad colour got through:\n%s", c.name, kind, html)
			}
			if c.data.LogoURL == "" && strings.Contains(html, "<img") {
				t.Errorf("%s %s: a logo without one", c.name, kind)
			}
		}
	}
}
