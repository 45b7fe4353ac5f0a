package ratelimit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]ratelimit.Limit{
		"5/1m":      {Count: 5, Per: time.Minute},
		" 120/1m ":  {Count: 120, Per: time.Minute},
		"5/1h":      {Count: 5, Per: time.Hour},
		"10/30s":    {Count: 10, Per: 30 * time.Second},
		"5/m":       {Count: 5, Per: time.Minute},
		"1000/24h":  {Count: 1000, Per: 24 * time.Hour},
		"off":       {},
		"OFF":       {},
		"3 / 90s":   {Count: 3, Per: 90 * time.Second},
		"1000000/s": {Count: 1_000_000, Per: time.Second},
	} {
		got, err := ratelimit.Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestParseRejectsJunk(t *testing.T) {
	for _, in := range []string{"", "5", "five/1m", "0/1m", "-1/1m", "5/", "5/0s", "5/500ms", "5/25h", "5/1m/2", "5/xyz", "1000001/1m", "on"} {
		_, err := ratelimit.Parse(in)
		if err == nil {
			t.Errorf("Parse(%q): no error", in)
			continue
		}
		if !strings.Contains(err.Error(), "5/1m") {
			t.Errorf("Parse(%q): error %q does not show an example", in, err)
		}
	}
}

func TestLimitStringRoundTrips(t *testing.T) {
	for _, in := range []string{"5/1m", "5/1h", "10/30s", "7/90m", "off"} {
		l, err := ratelimit.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.String(); got != in {
			t.Errorf("Parse(%q).String() = %q", in, got)
		}
	}
}

func TestLoginPerAccountIsHalfOfLogin(t *testing.T) {
	for login, want := range map[string]string{"20/1m": "10/1m", "5/1h": "3/1h", "1/1m": "1/1m", "off": "off"} {
		l, _ := ratelimit.Parse(login)
		if got := (ratelimit.Limits{Login: l}).LoginPerAccount().String(); got != want {
			t.Errorf("LOGIN=%s: per account %s, want %s", login, got, want)
		}
	}
}
