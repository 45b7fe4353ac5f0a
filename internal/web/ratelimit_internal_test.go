package web

import (
	"net/http/httptest"
	"testing"
)

func TestWantsJSON(t *testing.T) {
	for _, c := range []struct {
		path, accept string
		want         bool
	}{
		{"/signup", "", false},
		{"/signup", "text/html,application/xhtml+xml,*/*;q=0.8", false},
		{"/signup", "application/json", true},
		{"/signup", "application/json, text/html;q=0.5", true},
		{"/signup", "text/html, application/json;q=0.1", false},
		{"/api/events", "", true},
		{"/api/events", "text/html", true},
	} {
		r := httptest.NewRequest("POST", c.path, nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if got := wantsJSON(r); got != c.want {
			t.Errorf("%s Accept %q: wantsJSON %v, want %v", c.path, c.accept, got, c.want)
		}
	}
}

func TestWaitText(t *testing.T) {
	for secs, want := range map[int64]string{1: "1 second", 12: "12 seconds", 119: "119 seconds", 120: "2 minutes",
		1678: "28 minutes", 3600: "60 minutes", 7200: "2 hours", 7201: "3 hours"} {
		if got := waitText(secs); got != want {
			t.Errorf("waitText(%d) = %q, want %q", secs, got, want)
		}
	}
}
