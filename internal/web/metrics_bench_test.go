package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// BenchmarkClickMetrics runs the click handler in process, without the
// network, with and without the metrics middleware: the difference is
// what measuring costs the hot path. The buffer fills after the first
// thousand clicks and drops the rest, the same way in both runs.
func BenchmarkClickMetrics(b *testing.B) {
	for _, name := range []string{"off", "on"} {
		b.Run(name, func(b *testing.B) {
			opt := siteOptions{}
			if name == "on" {
				opt.metrics = &siteMetrics{token: testMetricsToken}
			}
			s := newSiteWith(b, storagetest.Open(b, "sqlite"), time.Now, opt)
			alice := s.browser(b)
			alice.signup("alice")
			path := strings.TrimPrefix(alice.link(), s.srv.URL)
			h := s.srv.Config.Handler
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				if w.Code != http.StatusFound {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
