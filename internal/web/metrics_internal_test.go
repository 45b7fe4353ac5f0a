package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/referralhub/referralhub/internal/metrics"
)

// BenchmarkMeasure times the metrics middleware alone, around a handler
// that answers a click's redirect: ns/op is what measuring adds to each
// request.
func BenchmarkMeasure(b *testing.B) {
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Pattern = clickPattern
		w.WriteHeader(http.StatusFound)
	})
	for _, name := range []string{"off", "on"} {
		b.Run(name, func(b *testing.B) {
			s := &Server{}
			if name == "on" {
				s.cfg.Metrics = metrics.New(metrics.Sources{})
			}
			h := s.measure(redirect)
			w, r := httptest.NewRecorder(), httptest.NewRequest("GET", "/r/abcd2345", nil)
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
