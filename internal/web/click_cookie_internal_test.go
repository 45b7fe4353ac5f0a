package web

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestClickCookieIsTheCookieSetCookieWrites holds setClickCookie, which
// writes the attribution cookie's header itself, to what http.SetCookie
// writes through setCookie, over http and https, and for a value that
// would need quoting.
func TestClickCookieIsTheCookieSetCookieWrites(t *testing.T) {
	for _, secure := range []bool{false, true} {
		s := &Server{secure: secure}
		for _, value := range []string{"abcd1234.06h54wzrfvfemza96ntnex4avw.1796679661.wa.jOQoYqUXzyLlX_MVzMNm4bz-OBPcTpnSSsz7etlwstlw", "a b,c"} {
			for _, age := range []time.Duration{30 * 24 * time.Hour, 0} {
				r := httptest.NewRequest("GET", "/r/abcd1234", nil)
				want, got := httptest.NewRecorder(), httptest.NewRecorder()
				s.setCookie(want, r, attributionCookie, value, age)
				s.setClickCookie(got, r, value, age)
				if w, g := want.Header()["Set-Cookie"], got.Header()["Set-Cookie"]; len(g) != 1 || len(w) != 1 || g[0] != w[0] {
					t.Errorf("secure %v, %q, %v: Set-Cookie %q, want %q", secure, value, age, g, w)
				}
			}
		}
	}
}
