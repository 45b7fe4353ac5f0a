package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/metrics"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// testMetricsToken guards /metrics in these tests.
const testMetricsToken = "metrics-token-for-tests-0123456789"

// siteMetrics asks newHandler for metrics; after it runs, m holds them.
type siteMetrics struct {
	token string // "" serves no /metrics on the site
	m     *metrics.Metrics
}

// wire gives cfg metrics over buffer and db, as serve does. A nil
// siteMetrics leaves the site unmeasured.
func (sm *siteMetrics) wire(cfg *web.Config, buffer *clicks.Buffer, db *storage.DB) {
	if sm == nil {
		return
	}
	sm.m = metrics.New(metrics.Sources{Clicks: buffer.Stats, DB: db})
	cfg.Metrics, cfg.MetricsToken = sm.m, sm.token
}

// scrape fetches /metrics from base with the authorization header auth
// ("" for none).
func scrape(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// sample returns the value of the series (name with labels, exactly as
// exposed) in a scrape, or fails.
func sample(t *testing.T, body, series string) float64 {
	t.Helper()
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("no series %s in:\n%s", series, body)
	return 0
}

// TestMetricsAfterTraffic signs up, clicks and runs jobs, then scrapes
// /metrics with, without and with a wrong token.
func TestMetricsAfterTraffic(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			sm := &siteMetrics{token: testMetricsToken}
			s := newSiteWith(t, storagetest.Open(t, engine), time.Now, siteOptions{metrics: sm})
			alice := s.browser(t)
			alice.signup("alice")
			link := alice.link()
			bob := s.browser(t)
			if resp, _ := bob.get(strings.TrimPrefix(link, s.srv.URL)); resp.StatusCode != http.StatusFound {
				t.Fatalf("click: %s", resp.Status)
			}
			bob.signup("bob")
			s.flushClicks(t)
			s.runJobs(t)
			if _, err := s.svc.VerifyLedger(context.Background()); err != nil {
				t.Fatal(err)
			}

			for _, auth := range []string{"", "Bearer wrong-token-of-enough-length", testMetricsToken, "Basic " + testMetricsToken} {
				if code, _ := scrape(t, s.srv.URL+"/metrics", auth); code != http.StatusUnauthorized {
					t.Errorf("/metrics with %q: %d, want 401", auth, code)
				}
			}
			code, body := scrape(t, s.srv.URL+"/metrics", "Bearer "+testMetricsToken)
			if code != http.StatusOK {
				t.Fatalf("/metrics: %d\n%s", code, body)
			}
			checkTrafficMetrics(t, body, link)
			checkDocumentedMetrics(t, body)
		})
	}
}

func checkTrafficMetrics(t *testing.T, body, link string) {
	t.Helper()
	if n := sample(t, body, `referralhub_http_request_duration_seconds_count{code="302",route="GET /r/{code}"}`); n != 1 {
		t.Errorf("clicks measured = %v, want 1", n)
	}
	sample(t, body, `referralhub_http_request_duration_seconds_count{code="303",route="POST /signup"}`)
	if code := link[strings.LastIndexByte(link, '/')+1:]; strings.Contains(body, code) {
		t.Errorf("a raw path (code %s) became a label", code)
	}
	for series, want := range map[string]float64{
		"referralhub_clicks_buffered_total": 1, "referralhub_clicks_flushed_total": 1,
		"referralhub_clicks_dropped_total": 0, "referralhub_clicks_pending": 0,
		`referralhub_jobs{state="queued"}`: 0, "referralhub_jobs_oldest_due_age_seconds": 0,
		`referralhub_webhook_deliveries{state="dead"}`: 0, "referralhub_database_scrape_success": 1,
		"referralhub_ledger_verify_ok": 1,
	} {
		if got := sample(t, body, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if n := sample(t, body, `referralhub_jobs{state="done"}`); n < 1 {
		t.Errorf("done jobs = %v, want some", n)
	}
	if n := sample(t, body, `referralhub_rewards{kind="points",status="approved"}`); n < 1 {
		t.Errorf("approved points rewards = %v, want some", n)
	}
	if !regexp.MustCompile(`(?m)^referralhub_db_max_open_connections\{pool="(read|shared)"\} [1-9]`).MatchString(body) {
		t.Errorf("no database pool metrics in:\n%s", body)
	}
}

// metricName finds ReferralHub metric names in queries.
var metricName = regexp.MustCompile(`\breferralhub_[a-z_]+\b`)

// checkDocumentedMetrics checks that every metric the Grafana dashboard,
// docs/operations.md and the alert rules of deploy/prometheus/alerts.yml
// use is exposed, and that the dashboard is valid JSON.
func checkDocumentedMetrics(t *testing.T, body string) {
	t.Helper()
	dashboard := readDoc(t, "grafana-dashboard.json")
	if !json.Valid([]byte(dashboard)) {
		t.Fatal("docs/grafana-dashboard.json is not valid JSON")
	}
	ops := readDoc(t, "operations.md")
	alerts, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(metricName.FindAllString(string(alerts), -1)); n < 8 {
		t.Fatalf("only %d metric names in the alert rules", n)
	}
	names := append(metricName.FindAllString(dashboard, -1), metricName.FindAllString(ops, -1)...)
	names = append(names, metricName.FindAllString(string(alerts), -1)...)
	if len(names) < 10 {
		t.Fatalf("only %d metric names in the docs", len(names))
	}
	for _, name := range names {
		family := name
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && strings.Contains(body, "# TYPE "+base+" histogram") {
				family = base
			}
		}
		if !strings.Contains(body, "# TYPE "+family+" ") {
			t.Errorf("the docs use %s, which /metrics does not expose", name)
		}
	}
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMetricsNeedAToken checks that without a token /metrics is not served
// on the site, though requests are still measured for a separate listener.
func TestMetricsNeedAToken(t *testing.T) {
	sm := &siteMetrics{}
	s := newSiteWith(t, storagetest.Open(t, "sqlite"), time.Now, siteOptions{metrics: sm})
	if code, _ := scrape(t, s.srv.URL+"/metrics", "Bearer "); code != http.StatusNotFound {
		t.Fatalf("/metrics without a configured token: %d, want 404", code)
	}
	separate := httptest.NewServer(sm.m.Handler())
	defer separate.Close()
	code, body := scrape(t, separate.URL, "")
	if code != http.StatusOK {
		t.Fatalf("separate listener: %d", code)
	}
	sample(t, body, `referralhub_http_request_duration_seconds_count{code="404",route="GET /"}`)
}
