package webhook

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStorableTextIsShortValidAndFreeOfNUL(t *testing.T) {
	long := strings.Repeat("é", responseMax) // two bytes each
	cases := map[string]string{
		"ok":           "ok",
		"a\x00b":       "ab",
		"bad \xff one": "bad \uFFFD one",
	}
	for in, want := range cases {
		if got := storableText(in); got != want {
			t.Errorf("storableText(%q) = %q, want %q", in, got, want)
		}
	}
	got := storableText("x" + long) // cut inside a character
	if len(got) > responseMax || len(got) < responseMax-1 || !utf8.ValidString(got) {
		t.Errorf("long text cut to %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}
