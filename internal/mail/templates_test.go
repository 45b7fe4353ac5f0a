package mail_test

import (
	"html"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/mail"
)

// testData returns template data whose links need escaping in HTML.
func testData() mail.Data {
	return mail.Data{
		SiteName:       "Acme Referrals",
		Username:       "alice",
		Link:           "https://acme.test/act?token=abc&next=%2Frewards",
		UnsubscribeURL: "https://acme.test/settings/email?u=1&sig=xyz",
		Detail:         "10 points for bob's signup",
	}
}

func TestRenderEveryKind(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	d := testData()
	for _, kind := range mail.Kinds() {
		for _, detail := range []string{d.Detail, ""} {
			d.Detail = detail
			subject, text, htmlPart, err := tmpl.Render(kind, d)
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			if subject == "" || strings.ContainsAny(subject, "\r\n") {
				t.Errorf("%s: bad subject %q", kind, subject)
			}
			for _, want := range []string{d.Link, "Don't want these emails? " + d.UnsubscribeURL, "alice"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s text lacks %q:\n%s", kind, want, text)
				}
			}
			for _, want := range []string{
				`href="` + html.EscapeString(d.Link) + `"`,
				`href="` + html.EscapeString(d.UnsubscribeURL) + `"`,
				"alice",
			} {
				if !strings.Contains(htmlPart, want) {
					t.Errorf("%s HTML lacks %q:\n%s", kind, want, htmlPart)
				}
			}
			if strings.Contains(text+htmlPart, "<no value>") || strings.Contains(text+htmlPart, "..") {
				t.Errorf("%s renders badly:\n%s\n%s", kind, text, htmlPart)
			}
		}
	}
}

func TestRenderContent(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{ // kind -> phrases in both subject+text and HTML
		"verify_email":   {"48 hours"},
		"password_reset": {"1 hour", "did not ask"},
		"new_referral":   {"new referral", "bob"},
		"reward_earned":  {"earned a reward", "10 points for bob"},
		"reward_ready":   {"reward is ready", "10 points for bob"},
		"achievement":    {"10 points for bob", "spreading the word"},
	}
	for kind, phrases := range cases {
		subject, text, htmlPart, err := tmpl.Render(kind, testData())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range phrases {
			if !strings.Contains(subject+text, p) || !strings.Contains(html.UnescapeString(htmlPart), p) {
				t.Errorf("%s lacks %q:\n%s\n%s\n%s", kind, p, subject, text, htmlPart)
			}
		}
	}
}

func TestRenderEscapesHTMLOnly(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	d := testData()
	d.Username, d.Detail = "<b>x</b>", `<script>alert(1)</script>`
	d.Link = "javascript:alert(1)"
	_, text, htmlPart, err := tmpl.Render("new_referral", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(htmlPart, "<b>x</b>") || strings.Contains(htmlPart, "<script>") || strings.Contains(htmlPart, `href="javascript:`) {
		t.Errorf("HTML part not escaped:\n%s", htmlPart)
	}
	if !strings.Contains(htmlPart, "&lt;b&gt;x&lt;/b&gt;") {
		t.Errorf("HTML part lacks the escaped username:\n%s", htmlPart)
	}
	if !strings.Contains(text, "Hi <b>x</b>,") {
		t.Errorf("text part should keep the username verbatim:\n%s", text)
	}
}

func TestRenderErrors(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := tmpl.Render("no_such_kind", testData()); err == nil || !strings.Contains(err.Error(), "no_such_kind") {
		t.Errorf("unknown kind: err = %v", err)
	}
	for _, kind := range []string{"", "text.footer", "html.header"} {
		if _, _, _, err := tmpl.Render(kind, testData()); err == nil {
			t.Errorf("Render(%q) succeeded", kind)
		}
	}
	d := testData()
	d.UnsubscribeURL = ""
	if _, _, _, err := tmpl.Render("verify_email", d); err == nil {
		t.Error("Render without UnsubscribeURL succeeded")
	}
}

func TestRenderDetailPunctuation(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for detail, want := range map[string]string{
		"10 points":        "10 points.",
		"10 points.":       "10 points.",
		"10 points: ":      "10 points.",
		" wow, 10 points!": "wow, 10 points!",
	} {
		d := testData()
		d.Detail = detail
		_, text, _, err := tmpl.Render("reward_earned", d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "You earned a reward: "+want+"\n") {
			t.Errorf("Detail %q renders as:\n%s", detail, text)
		}
	}
}
