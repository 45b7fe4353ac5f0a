package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/metrics"
)

func TestRequestLabelsAreBounded(t *testing.T) {
	m := metrics.New(metrics.Sources{Clicks: func() clicks.Stats { return clicks.Stats{Buffered: 7, Dropped: 2} }})
	m.ObserveRequest("GET /r/{code}", 302, time.Millisecond)
	m.ObserveRequest("GET /r/{code}", 302, time.Millisecond)
	m.ObserveRequest("", 405, time.Millisecond)
	m.ObserveRequest("GET /x", 999, time.Millisecond)
	m.ObserveRequest("GET /x", 1234, time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`referralhub_http_request_duration_seconds_count{code="302",route="GET /r/{code}"} 2`,
		`referralhub_http_request_duration_seconds_count{code="405",route="unmatched"} 1`,
		`referralhub_http_request_duration_seconds_count{code="other",route="GET /x"} 2`,
		`referralhub_clicks_buffered_total 7`, `referralhub_clicks_dropped_total 2`, "go_goroutines", "process_",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %s in:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), "referralhub_jobs") {
		t.Error("database metrics without a database")
	}
}

// TestRegistriesAreIndependent checks no global registry is shared: two
// sets of metrics register the same names without a clash.
func TestRegistriesAreIndependent(t *testing.T) {
	a, b := metrics.New(metrics.Sources{}), metrics.New(metrics.Sources{})
	a.ObserveRequest("GET /", 200, time.Millisecond)
	fams, err := b.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == "referralhub_http_request_duration_seconds" && len(f.GetMetric()) > 0 {
			t.Fatal("a request observed on one registry shows on another")
		}
	}
}
