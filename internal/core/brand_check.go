package core

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
)

// Limits on the branding's texts, in characters.
const (
	ProductNameMax  = 60
	HeadlineMax     = 120
	LandingTextMax  = 1000
	ShareMessageMax = 500
)

// IsBrandColor reports whether s is a colour as stored: "#" and six
// lower-case hexadecimal digits.
func IsBrandColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// NormalizeBranding trims the texts and lower-cases the colour, as they
// are stored.
func NormalizeBranding(b referralhub.Branding) referralhub.Branding {
	t := strings.TrimSpace
	b.ProductName, b.Headline, b.LandingText = t(b.ProductName), t(b.Headline), t(b.LandingText)
	b.Color = strings.ToLower(t(b.Color))
	s := &b.Share
	s.X, s.Facebook, s.LinkedIn, s.WhatsApp, s.Email = t(s.X), t(s.Facebook), t(s.LinkedIn), t(s.WhatsApp), t(s.Email)
	return b
}

// ValidateBranding checks normalised branding texts and colour. Field
// errors are named after the form's fields: product_name, color, headline,
// landing_text and share_x, share_facebook, share_linkedin,
// share_whatsapp, share_email.
func ValidateBranding(b referralhub.Branding) error {
	fe := referralhub.FieldErrors{}
	line := func(field, label, value string, limit int) {
		if msg := checkBrandText(label, value, limit, false); msg != "" {
			fe.Add(field, msg)
		}
	}
	line("product_name", "the product name", b.ProductName, ProductNameMax)
	line("headline", "a headline", b.Headline, HeadlineMax)
	if b.LandingText != "" {
		if msg := checkBrandText("the text", b.LandingText, LandingTextMax, true); msg != "" {
			fe.Add("landing_text", msg)
		}
	}
	if !IsBrandColor(b.Color) {
		fe.Add("color", "Write the colour as # and six hexadecimal digits, such as #4f46e5.")
	}
	for _, m := range ShareChannels(b.Share) {
		line("share_"+m.Channel, "a message", m.Message, ShareMessageMax)
	}
	return fe.Err()
}

// checkBrandText returns what is wrong with a text of the branding, "" if
// nothing. Only multi-line texts may hold line breaks.
func checkBrandText(label, s string, limit int, multiline bool) string {
	switch {
	case s == "":
		return "Write " + label + "."
	case !IsText(s):
		return "Use plain text only."
	case utf8.RuneCountInString(s) > limit:
		return fmt.Sprintf("Keep it to %d characters.", limit)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return "Use plain text only, on one line."
		}
	}
	return ""
}

// ShareMessage is one channel's pre-filled share text.
type ShareMessage struct {
	Channel string // x, facebook, linkedin, whatsapp or email: the form field is share_<channel>
	Name    string // the channel's name for people
	Message string
}

// ShareChannels lists the share messages in the order the dashboard shows
// their links.
func ShareChannels(m referralhub.ShareMessages) []ShareMessage {
	return []ShareMessage{{"x", "X", m.X}, {"facebook", "Facebook", m.Facebook}, {"linkedin", "LinkedIn", m.LinkedIn},
		{"whatsapp", "WhatsApp", m.WhatsApp}, {"email", "Email", m.Email}}
}

// brandingSummary says in a line what a save changed, for the audit log.
func brandingSummary(old, cur referralhub.Branding) string {
	var parts []string
	add := func(changed bool, what string) {
		if changed {
			parts = append(parts, what)
		}
	}
	add(old.ProductName != cur.ProductName, "the product name")
	add(old.Color != cur.Color, "the colour")
	add(old.Logo != cur.Logo, "the logo")
	add(old.Headline != cur.Headline || old.LandingText != cur.LandingText, "the landing page")
	add(old.Share != cur.Share, "the share messages")
	switch len(parts) {
	case 0:
		return "Saved the branding unchanged."
	case 1:
		return "Changed " + parts[0] + "."
	}
	return "Changed " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1] + "."
}
