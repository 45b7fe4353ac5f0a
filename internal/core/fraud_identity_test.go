package core_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/referralhub/referralhub/internal/core"
)

func TestIdentityEmail(t *testing.T) {
	for in, want := range map[string]string{
		"Alice@Example.com":          "alice@example.com",
		"alice+referral@example.com": "alice@example.com",
		"a.l.i.c.e+x@gmail.com":      "alice@gmail.com",
		"A.Lice@GoogleMail.com":      "alice@gmail.com",
		"a.lice@example.com":         "a.lice@example.com", // dots matter outside Gmail
		"bob@hotmail.com":            "bob@hotmail.com",    // not bob@outlook.com: another mailbox
		"Carol@Me.com":               "carol@icloud.com",
		"  carol@proton.me ":         "carol@proton.me",
		"no-at-sign":                 "",
		"@example.com":               "",
		"dave@":                      "",
		"odd@@example.com":           "odd@@example.com",
	} {
		if got := core.IdentityEmail(in); got != want {
			t.Errorf("IdentityEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDisposableDomains(t *testing.T) {
	d := core.NewDisposable([]string{"Throwaway.Example"})
	for email, want := range map[string]bool{
		"x@mailinator.com":     true,
		"x@sub.mailinator.com": true,
		"x@MAILINATOR.COM":     true,
		"x@throwaway.example":  true,
		"x@gmail.com":          false,
		"x@example.com":        false,
		"not an email":         false,
	} {
		if got := d.Is(email); got != want {
			t.Errorf("Is(%q) = %v, want %v", email, got, want)
		}
	}
}

// FuzzIdentityEmail checks that normalisation never panics, is idempotent,
// keeps valid UTF-8 and yields "" or a single "local@domain".
func FuzzIdentityEmail(f *testing.F) {
	for _, s := range []string{"alice@example.com", "a.b+c@googlemail.com", "", "@", "x@@y", "Zoë+1@GMAIL.com", "\x00@a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, email string) {
		got := core.IdentityEmail(email)
		if again := core.IdentityEmail(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", email, got, again)
		}
		if got == "" {
			return
		}
		if utf8.ValidString(email) && !utf8.ValidString(got) {
			t.Fatalf("broke UTF-8: %q -> %q", email, got)
		}
		at := strings.LastIndexByte(got, '@')
		if at <= 0 || at == len(got)-1 || strings.Contains(got[:at], "+") {
			t.Fatalf("%q -> %q is not local@domain without a tag", email, got)
		}
	})
}

// FuzzNormalizeCode checks that any input normalises to a lower-case code
// of 4 to 20 of a-z, 0-9 and "-", or to "".
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"abcd1234", "ABCD1234", "", "abc", "abcd12345", "ab\x00d1234", "ñññ", "Jane-Doe", "-a-b-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		code := core.NormalizeCode(raw)
		for i := 0; i < len(code); i++ {
			if c := code[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				t.Fatalf("NormalizeCode(%q) = %q", raw, code)
			}
		}
		if code != "" && (len(code) < core.MinCodeLength || len(code) > core.MaxCodeLength) {
			t.Fatalf("NormalizeCode(%q) = %q: wrong length", raw, code)
		}
		if core.NormalizeCode(code) != code {
			t.Fatalf("not idempotent: %q", raw)
		}
	})
}

func TestIsBotVisit(t *testing.T) {
	const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
	for _, c := range []struct {
		v    core.Visit
		want bool
	}{
		{core.Visit{UserAgent: chrome, FetchDest: "document"}, false},
		{core.Visit{UserAgent: chrome}, false}, // older browsers send no Sec-Fetch-Dest
		{core.Visit{UserAgent: chrome, FetchDest: "image"}, true},
		{core.Visit{UserAgent: chrome, FetchDest: "iframe"}, true},
		{core.Visit{UserAgent: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"}, true},
		{core.Visit{UserAgent: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}, true},
		{core.Visit{UserAgent: "WhatsApp/2.23.20.0"}, true},
		{core.Visit{UserAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}, true},
		{core.Visit{UserAgent: "Mozilla/5.0 (Linux; Android 12; CUBOT X50) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"}, false},
		{core.Visit{UserAgent: "Mozilla/5.0 (iPhone) Mobile/15E148 [Pinterest/iOS]"}, false},
	} {
		if got := core.IsBotVisit(c.v); got != c.want {
			t.Errorf("IsBotVisit(%q, dest %q) = %v, want %v", c.v.UserAgent, c.v.FetchDest, got, c.want)
		}
	}
}
