package core

import (
	"net/url"
	"strings"
	"testing"
)

// TestParseLanding accepts plain http(s) URLs and refuses everything a
// browser might read differently from Go; the web tests cover the whole
// redirect with a program's hosts.
func TestParseLanding(t *testing.T) {
	for raw, host := range map[string]string{
		"https://shop.example":               "shop.example",
		"http://Shop.Example:8080/a?b=c#d":   "shop.example",
		"HTTPS://a-b.shop.example/%20x?y=%z": "a-b.shop.example",
		"https://xn--shp-sna.example/":       "xn--shp-sna.example",
		"https://shop.example/path@x":        "shop.example",
	} {
		u, ok := parseLanding(raw)
		if !ok || u.Hostname() != host {
			t.Errorf("%q: %v %v, want host %s", raw, u, ok, host)
		}
	}
	for _, raw := range []string{
		"", "shop.example", "//shop.example", "https:shop.example", "https:/shop.example", "https:///shop.example",
		"javascript://shop.example/%0a1", "ftp://shop.example", "https://u@shop.example", "https://u:p@shop.example",
		"https://shop.example\\", "https://%73hop.example", "https://shop.example:", "https://shop.example:0",
		"https://shop.example:65536", "https://[::1]/", "https://shop.example./", "https://shop..example/",
		"https://-shop.example/", "https://shöp.example/", "https://shop.example/\u00a0", "https://shop.example/ ",
		"https://shop.example/\x7f", "https://" + strings.Repeat("a.", 1100) + "example/",
	} {
		if u, ok := parseLanding(raw); ok {
			t.Errorf("%q accepted as %v", raw, u)
		}
	}
}

func TestHostAllowed(t *testing.T) {
	patterns := []string{"shop.example", "*.example.org"}
	for host, want := range map[string]bool{
		"shop.example": true, "www.example.org": true, "a.b.example.org": true,
		"example.org": false, "wwwexample.org": false, "sub.shop.example": false, "shop.example.evil": false,
		".example.org": false, "": false,
	} {
		if got := hostAllowed(patterns, host); got != want {
			t.Errorf("%s: %v, want %v", host, got, want)
		}
	}
}

func TestWithAttribution(t *testing.T) {
	a := Attribution{Code: "abcd1234", ClickID: "06h00tjq40rh1yzrawcd5sacjw"}
	const add = "ref=abcd1234&rh_click=06h00tjq40rh1yzrawcd5sacjw"
	for raw, want := range map[string]string{
		"":                                  add,
		"a=1":                               "a=1&" + add,
		"a=1&&b=%20;c&flag":                 "a=1&b=%20;c&flag&" + add,
		"ref=x&RH_CLICK=y&r%65f=z&rh_click": "RH_CLICK=y&" + add,
	} {
		if got := withAttribution(raw, a); got != want {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
}

// FuzzParseLanding checks what any accepted destination is: printable
// ASCII, http or https, a lower-case DNS host without user info, and a URL
// that reads back as the same host once the attribution is added.
func FuzzParseLanding(f *testing.F) {
	for _, seed := range []string{"https://shop.example/a?b#c", "http://shop.example:80", "https://u@shop.example",
		"https://shop.example\\@evil.example", "//evil.example", "https://shop.example%2f@evil", "HTTPS://X.Y/"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, ok := parseLanding(raw)
		if !ok {
			return
		}
		for i := range len(raw) {
			if c := raw[i]; c <= ' ' || c >= 0x7f || c == '\\' {
				t.Fatalf("%q accepted with byte %#x", raw, c)
			}
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.User != nil || !isHostName(u.Hostname()) {
			t.Fatalf("%q accepted as %#v", raw, u)
		}
		u.RawQuery = withAttribution(u.RawQuery, Attribution{Code: "abcd1234", ClickID: "x"})
		back, err := url.Parse(u.String())
		if err != nil || back.Host != u.Host || back.Query().Get("ref") != "abcd1234" {
			t.Fatalf("%q became %q (%v)", raw, u.String(), err)
		}
	})
}
