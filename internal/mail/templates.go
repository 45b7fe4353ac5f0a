package mail

import (
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Kinds of mail, as passed to Templates.Render.
const (
	KindVerifyEmail   = "verify_email"
	KindPasswordReset = "password_reset"
	KindNewReferral   = "new_referral"
	KindRewardEarned  = "reward_earned"
	KindRewardReady   = "reward_ready"
	KindAchievement   = "achievement" // a tier reached or a badge earned
	// A participant's invite to a friend, and its one reminder: mailed to
	// someone who is no user, so Username is a greeting ("there").
	KindInvite         = "invite"
	KindInviteReminder = "invite_reminder"
)

// Kinds lists every kind of mail the templates can render.
func Kinds() []string {
	return []string{KindVerifyEmail, KindPasswordReset, KindNewReferral, KindRewardEarned, KindRewardReady, KindAchievement,
		KindInvite, KindInviteReminder}
}

// Data is what every template sees.
type Data struct {
	SiteName       string // the program's name, e.g. "Acme Referrals"
	Username       string // the recipient's username
	Link           string // the mail's main action link (absolute URL)
	UnsubscribeURL string // absolute URL of the opt-out / notification settings link; every mail shows it
	Detail         string // one line of context, e.g. "alice signed up" or "10 points" (may be empty)
	// The branding, as the site shows it; Render fills blanks (and invalid
	// colours) with the defaults.
	BrandColor string // the brand colour, "#rrggbb": the top bar and buttons
	BrandText  string // the text colour on BrandColor, "#rrggbb"
	LogoURL    string // absolute URL of the logo; "" shows the name alone
	// Invites: who invites, and their personal note (plain text, may be
	// empty).
	Inviter, Note string
}

// Templates renders the embedded mail templates. Each kind's file defines
// KIND.subject and KIND.text (run as text/template) and KIND.html (run as
// html/template, so data is escaped). It is safe for concurrent use.
type Templates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// NewTemplates parses all embedded templates; it fails if one is broken or
// a kind lacks one of its three parts.
func NewTemplates() (*Templates, error) {
	text, err := texttemplate.New("mail").Funcs(templateFuncs()).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: parsing text templates: %w", err)
	}
	html, err := htmltemplate.New("mail").Funcs(templateFuncs()).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: parsing HTML templates: %w", err)
	}
	t := &Templates{text: text.Option("missingkey=error"), html: html.Option("missingkey=error")}
	for _, kind := range Kinds() {
		if t.text.Lookup(kind+".subject") == nil || t.text.Lookup(kind+".text") == nil || t.html.Lookup(kind+".html") == nil {
			return nil, fmt.Errorf("mail: template for %q lacks a subject, text or html part", kind)
		}
	}
	return t, nil
}

// Render fills kind's subject, text and html for data. An unknown kind, or
// data without Link or UnsubscribeURL, is an error.
func (t *Templates) Render(kind string, data Data) (subject, text, html string, err error) {
	if t.text.Lookup(kind+".subject") == nil {
		return "", "", "", fmt.Errorf("mail: unknown mail kind %q", kind)
	}
	if data.Link == "" || data.UnsubscribeURL == "" {
		return "", "", "", errors.New("mail: template data needs Link and UnsubscribeURL")
	}
	data = data.withBrandDefaults()
	var b strings.Builder
	if err := t.text.ExecuteTemplate(&b, kind+".subject", data); err != nil {
		return "", "", "", fmt.Errorf("mail: rendering %s subject: %w", kind, err)
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := t.text.ExecuteTemplate(&b, kind+".text", data); err != nil {
		return "", "", "", fmt.Errorf("mail: rendering %s text: %w", kind, err)
	}
	text = strings.TrimSpace(b.String()) + "\n"
	b.Reset()
	if err := t.html.ExecuteTemplate(&b, kind+".html", data); err != nil {
		return "", "", "", fmt.Errorf("mail: rendering %s HTML: %w", kind, err)
	}
	return subject, text, strings.TrimSpace(b.String()) + "\n", nil
}

// templateFuncs are the helpers the templates may call.
func templateFuncs() map[string]any {
	return map[string]any{"sentence": sentence}
}

// sentence trims s (and a dangling ":" or ",") and ends it with a full stop
// unless it already ends with punctuation, so Detail reads well whether or
// not the caller added one.
func sentence(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), " :;,")
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}
