package web

import (
	"crypto/subtle"
	"net/http"
	"time"
)

// metricsPattern is the route of the Prometheus metrics on the main
// listener, served only when a token is configured.
const metricsPattern = "GET /metrics"

// routeMetrics serves /metrics on mux when the site has metrics and a token
// to guard them; otherwise /metrics is an ordinary 404.
func (s *Server) routeMetrics(mux *http.ServeMux) {
	if s.cfg.Metrics == nil || s.cfg.MetricsToken == "" {
		return
	}
	want := []byte("Bearer " + s.cfg.MetricsToken)
	metrics := s.cfg.Metrics.Handler()
	mux.HandleFunc(metricsPattern, func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "a valid metrics token is required", http.StatusUnauthorized)
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// measure records every request's route pattern, status and duration. It
// must sit inside withRequestID, whose copy of the request would hide the
// pattern the mux sets, and outside recoverPanics, so a recovered panic counts as a 500.
func (s *Server) measure(next http.Handler) http.Handler {
	m := s.cfg.Metrics
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		m.ObserveRequest(r.Pattern, status, time.Since(start))
	})
}
