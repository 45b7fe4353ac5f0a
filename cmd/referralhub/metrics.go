package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/referralhub/referralhub/internal/metrics"
)

// newMetrics builds the Prometheus metrics of a's click buffer, job queue,
// webhooks, rewards and database pools.
func (a *app) newMetrics() *metrics.Metrics {
	return metrics.New(metrics.Sources{Clicks: a.clicks.Stats, DB: a.db, Log: a.log})
}

// serveMetrics serves m at /metrics on addr, without a token, and the
// runtime's profiles (routeProfiles), until the returned stop is called.
// With no addr it does nothing.
func serveMetrics(log *slog.Logger, addr string, m *metrics.Metrics) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	routeProfiles(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	}, nil
}
