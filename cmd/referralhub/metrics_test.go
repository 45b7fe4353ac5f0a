package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func getMetrics(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeMetrics runs serve with a metrics token and a separate metrics
// address: the main listener wants the token, the separate one does not.
func TestServeMetrics(t *testing.T) {
	const token = "serve-metrics-token-0123456789"
	metricsAddr := freeAddr(t)
	getenv := testEnv(t, "sqlite", map[string]string{"REFERRALHUB_METRICS_TOKEN": token, "REFERRALHUB_METRICS_ADDR": metricsAddr})
	base, stop := startServe(t, getenv)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	if code, _ := getMetrics(t, base+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("main listener without the token: %d, want 401", code)
	}
	if code, _ := getMetrics(t, base+"/metrics", "not-"+token); code != http.StatusUnauthorized {
		t.Errorf("main listener with a wrong token: %d, want 401", code)
	}
	for _, path := range []string{"/api/v1/stats", "/api/v1/no-such-route"} { // no key: 401 for both
		if code, _ := getMetrics(t, base+path, ""); code != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d, want 401", path, code)
		}
	}
	for _, tc := range []struct{ url, token string }{{base + "/metrics", token}, {"http://" + metricsAddr + "/metrics", ""}} {
		code, body := getMetrics(t, tc.url, tc.token)
		if code != http.StatusOK || !strings.Contains(body, "referralhub_clicks_buffered_total") ||
			!strings.Contains(body, `referralhub_jobs{state="queued"}`) || !strings.Contains(body, `route="GET /metrics"`) {
			t.Errorf("%s: %d\n%s", tc.url, code, body)
		}
		// Each API route is its own series; a path that is no route is not a label.
		for _, series := range []string{`{code="401",route="/api/v1/stats"}`, `{code="401",route="/api/v1/"}`} {
			if !strings.Contains(body, "referralhub_http_request_duration_seconds_count"+series+" 1") {
				t.Errorf("%s: no API series %s", tc.url, series)
			}
		}
		if strings.Contains(body, "no-such-route") {
			t.Errorf("%s: a raw API path became a label", tc.url)
		}
	}
	checkProfiles(t, base, "http://"+metricsAddr)
	stopped = true
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := net.Dial("tcp", metricsAddr); err == nil {
		t.Error("the metrics listener is still open after serve stopped")
	}
}

// TestServeWithoutMetricsToken keeps /metrics off the main listener.
func TestServeWithoutMetricsToken(t *testing.T) {
	base, stop := startServe(t, testEnv(t, "sqlite", nil))
	defer stop()
	if code, _ := getMetrics(t, base+"/metrics", "anything-at-all-here"); code != http.StatusNotFound {
		t.Errorf("/metrics without a configured token: %d, want 404", code)
	}
}

// TestWorkerServesMetrics runs "worker" with a metrics address: it serves
// /metrics there (no token on the separate address) until it stops.
func TestWorkerServesMetrics(t *testing.T) {
	addr := freeAddr(t)
	getenv := testEnv(t, "sqlite", map[string]string{"REFERRALHUB_METRICS_ADDR": addr})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runCommand(cmdEnv{ctx: ctx, getenv: getenv, stdout: io.Discard, stderr: io.Discard}, "worker", nil)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "referralhub_jobs") {
				t.Fatalf("worker /metrics: %d\n%s", resp.StatusCode, body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker never served /metrics: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Error("the metrics listener outlived the worker")
	}
}

// checkProfiles: the metrics listener serves the heap, allocation and
// goroutine profiles and nothing else; the public listener serves none.
func checkProfiles(t *testing.T, public, private string) {
	t.Helper()
	for path, want := range map[string]string{
		"/debug/pprof/heap?debug=1": "heap profile", "/debug/pprof/goroutine?debug=1": "goroutine profile",
		"/debug/pprof/allocs": "", "/debug/pprof/profile?seconds=1": "",
	} {
		code, body := getMetrics(t, private+path, "")
		if code != http.StatusOK || !strings.Contains(body, want) || len(body) == 0 {
			t.Errorf("%s on the metrics listener: %d\n%.200s", path, code, body)
		}
		if code, _ := getMetrics(t, public+path, ""); code != http.StatusNotFound {
			t.Errorf("%s on the public listener: %d, want 404", path, code)
		}
	}
	if code, _ := getMetrics(t, private+"/debug/pprof/cmdline", ""); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/cmdline (the command line) is served: %d", code)
	}
}
