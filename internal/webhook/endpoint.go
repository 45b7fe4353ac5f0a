package webhook

import (
	"crypto/rand"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits on an endpoint.
const (
	urlMax    = 2000
	secretMin = 16
	secretMax = 200
)

// NewSecret draws a signing secret: "whsec_" and 26 random characters
// (130 bits).
func NewSecret() string { return "whsec_" + strings.ToLower(rand.Text()) }

// CheckURL says what is wrong with an endpoint's URL, "" for nothing: it
// is a full http(s) URL of valid text, without credentials or fragment.
func CheckURL(raw string) string {
	if raw == "" {
		return "Enter the URL that receives the events."
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > urlMax || !isText(raw) || u.Host == "" || u.Hostname() == "":
		return "Enter a full URL, like https://example.com/webhooks/referralhub."
	case u.Scheme != "https" && u.Scheme != "http":
		return "The URL must start with https:// (or http://)."
	case u.User != nil:
		return "Leave credentials out of the URL: the signature proves each delivery comes from here."
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "A webhook URL has no #fragment."
	}
	return ""
}

// CheckSecret says what is wrong with a signing secret, "" for nothing: it
// is printable ASCII without spaces, of a sensible length.
func CheckSecret(s string) string {
	if !validSecret(s) {
		return "A secret is 16 to 200 printable characters without spaces; leave it blank to have one made."
	}
	return ""
}

func validSecret(s string) bool {
	if len(s) < secretMin || len(s) > secretMax {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// isText reports whether s is valid UTF-8 without NUL bytes, as the core's
// IsText does for every text it stores.
func isText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
