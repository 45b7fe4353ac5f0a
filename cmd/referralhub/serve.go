package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/integrations/stripehook"
	"github.com/referralhub/referralhub/internal/ownwrites"
	"github.com/referralhub/referralhub/internal/web"
)

// shutdownGrace is how long requests get to drain on SIGINT or SIGTERM.
const shutdownGrace = 20 * time.Second

// runApp opens the app of a long-running subcommand (serve, worker),
// keeping clicks where says, and prepares its schema; closeApp flushes and
// closes it, within shutdownGrace.
func runApp(env cmdEnv, cfg config.Config, where clickStore) (a *app, log *slog.Logger, closeApp func(), err error) {
	log = newLogger(cfg.LogFormat, env.stderr)
	if a, err = openApp(env.ctx, cfg, log, where); err != nil {
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
	cfg, err := loadConfig(env, "serve", "serve [--no-worker] [flags]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&noWorker, "no-worker", false, `run no job workers nor periodic upkeep: leave them to "referralhub worker"`)
	})
	if err != nil {
		return err
	}
	// Listen first: with port 0 in development, the base URL of every link
	// takes the port the listener got.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	cfg = cfg.ForListener(ln.Addr().String())
	a, log, closeApp, err := runApp(env, cfg, clicksSpooled)
	if err != nil {
		return err
	}
	defer closeApp()
	m := a.newMetrics()
	apiFace := api.New(api.Config{Limiter: a.rateLimit.Limiter, Limit: a.rateLimit.Limits.API, Secret: a.rateLimit.Secret,
		Idempotency: a.db.Write()}, a.svc, log)
	stripeSecret, err := cfg.LoadStripeWebhookSecret()
	if err != nil {
		return err
	}
	site, err := web.New(web.Config{BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, Metrics: m,
		MetricsToken: cfg.MetricsToken, RateLimit: a.rateLimit, ReadyChecks: a.readyChecks(), ClicksReady: a.clicks.Ready, API: apiFace,
		StripeWebhook: stripehook.New(stripeSecret, a.svc, log), HSTS: cfg.HSTS()},
		a.svc, a.db, log, time.Now)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(log, cfg.MetricsAddr, m)
	if err != nil {
		return fmt.Errorf("REFERRALHUB_METRICS_ADDR: %w", err)
	}
	defer stopMetrics()
	if err := a.svc.EnsureIPSalts(env.ctx); err != nil {
		return fmt.Errorf("make ip salts: %w", err)
	}
	stopWork := a.startWork(env.ctx, !noWorker)
	go a.svc.WatchCodes(env.ctx) // codes banned or retired on other instances
	h := http.Handler(site)
	if a.db.HasReplica() { // a browser's reads after its own write stay on the primary
		h = ownwrites.Middleware(a.db, strings.HasPrefix(cfg.BaseURL, "https://"))(h)
	}
	err = serveHTTP(env, log, ln, h, cfg.BaseURL)
	stopWork() // the worker finishes the jobs in hand
	return err
}

// serveHTTP serves h on ln until the context ends, then drains requests.
// Its start-up log line gives the address and the base URL of the links.
func serveHTTP(env cmdEnv, log *slog.Logger, ln net.Listener, h http.Handler, baseURL string) error {
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "url", baseURL)
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
