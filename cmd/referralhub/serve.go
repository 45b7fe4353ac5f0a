package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/web"
)

// shutdownGrace is how long requests get to drain on SIGINT or SIGTERM.
const shutdownGrace = 20 * time.Second

// runApp opens the app of a long-running subcommand (serve, worker) and
// prepares its schema; closeApp flushes and closes it, within
// shutdownGrace.
func runApp(env cmdEnv, cfg config.Config) (a *app, log *slog.Logger, closeApp func(), err error) {
	log = newLogger(cfg.LogFormat, env.stderr)
	if a, err = openApp(env.ctx, cfg, log); err != nil {
		return nil, nil, nil, err
	}
	closeApp = func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		a.close(ctx)
	}
	if err := a.prepareSchema(env.ctx); err != nil {
		closeApp()
		return nil, nil, nil, err
	}
	return a, log, closeApp, nil
}

// serveCmd runs the web server until the context ends, then drains requests
// and flushes pending clicks before returning. With --no-worker it runs no
// job workers (see startWork): the jobs it queues wait for a worker.
func serveCmd(env cmdEnv, args []string) error {
	var noWorker bool
	cfg, _, err := loadConfig(env, "serve", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&noWorker, "no-worker", false, `run no job workers nor periodic upkeep: leave them to "referralhub worker"`)
	})
	if err != nil {
		return err
	}
	a, log, closeApp, err := runApp(env, cfg)
	if err != nil {
		return err
	}
	defer closeApp()
	m := a.newMetrics()
	apiFace := api.New(api.Config{Limiter: a.rateLimit.Limiter, Limit: a.rateLimit.Limits.API, Secret: a.rateLimit.Secret,
		Idempotency: a.db.Write()}, a.svc, log)
	site, err := web.New(web.Config{BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, Metrics: m,
		MetricsToken: cfg.MetricsToken, RateLimit: a.rateLimit, ReadyChecks: a.readyChecks(), API: apiFace},
		a.svc, a.db, log, time.Now)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(log, cfg.MetricsAddr, m)
	if err != nil {
		return fmt.Errorf("REFERRALHUB_METRICS_ADDR: %w", err)
	}
	defer stopMetrics()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if err := a.svc.EnsureIPSalts(env.ctx); err != nil {
		return fmt.Errorf("make ip salts: %w", err)
	}
	stopWork := a.startWork(env.ctx, !noWorker)
	go a.svc.WatchCodes(env.ctx) // codes banned or retired on other instances
	err = serveHTTP(env, log, ln, site)
	stopWork() // the worker finishes the jobs in hand
	return err
}

func serveHTTP(env cmdEnv, log *slog.Logger, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String())
	if env.ready != nil {
		env.ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-env.ctx.Done():
	}
	log.Info("shutting down: draining requests")
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// doneJobsKept is how long finished jobs stay visible at /admin/jobs.
const doneJobsKept = 30 * 24 * time.Hour

// cleanSessions runs the hourly upkeep until ctx ends: it deletes expired
// sessions and finished jobs older than doneJobsKept, reduces clicks older
// than the click retention to daily counts, makes the next IP salt and
// forgets IP data no check can use any more.
func (a *app) cleanSessions(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.db.Write().DeleteExpiredSessions(ctx, time.Now()); err != nil {
				a.log.Warn("delete expired sessions", "err", err)
			} else if n > 0 {
				a.log.Info("deleted expired sessions", "count", n)
			}
			if _, err := a.db.Write().DeleteDoneJobs(ctx, time.Now().Add(-doneJobsKept)); err != nil {
				a.log.Warn("delete done jobs", "err", err)
			}
			if n, err := a.svc.ReduceOldClicks(ctx); err != nil {
				a.log.Warn("reduce old clicks", "err", err, "reduced", n)
			} else if n > 0 {
				a.log.Info("reduced old clicks to daily counts", "count", n)
			}
			if _, err := a.svc.PruneIdempotency(ctx); err != nil {
				a.log.Warn("prune idempotency records", "err", err)
			}
			if err := a.svc.EnsureIPSalts(ctx); err != nil {
				a.log.Warn("make ip salts", "err", err)
			}
			if err := a.svc.ForgetOldIPData(ctx); err != nil {
				a.log.Warn("forget old ip data", "err", err)
			}
		}
	}
}
