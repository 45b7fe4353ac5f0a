package main

import (
	"context"
	"fmt"
	"time"
)

// workerCmd runs the job workers and the periodic upkeep (see startWork)
// with no web server, for deployments that run them apart from web
// instances started with "serve --no-worker". With REFERRALHUB_METRICS_ADDR
// it serves its own /metrics there (its pools and runtime; the job figures
// come from the database like every instance's). On SIGINT or SIGTERM it
// finishes the jobs in hand, flushes and returns.
func workerCmd(env cmdEnv, args []string) error {
	cfg, err := loadConfig(env, "worker", "worker [flags]", args, nil)
	if err != nil {
		return err
	}
	a, log, closeApp, err := runApp(env, cfg)
	if err != nil {
		return err
	}
	defer closeApp()
	if err := a.svc.EnsureIPSalts(env.ctx); err != nil {
		return fmt.Errorf("make ip salts: %w", err)
	}
	stopMetrics, err := serveMetrics(log, cfg.MetricsAddr, a.newMetrics())
	if err != nil {
		return fmt.Errorf("REFERRALHUB_METRICS_ADDR: %w", err)
	}
	defer stopMetrics()
	stop := a.startWork(env.ctx, true)
	log.Info("worker running", "lease", cfg.JobLease)
	<-env.ctx.Done()
	log.Info("shutting down: finishing the jobs in hand")
	stop()
	return nil
}

// startWork starts what runs beside the web server until ctx ends. With
// jobs (the worker role: "worker", and "serve" without --no-worker) that is
// the job workers, the hourly upkeep (cleanSessions) and the queueing of
// analytics refreshes; without (a web instance started with --no-worker)
// only the hourly making of IP salts, which its click path reads. The
// returned stop ends the job workers and waits for the jobs in hand.
func (a *app) startWork(ctx context.Context, jobs bool) (stop func()) {
	if !jobs {
		go a.keepIPSalts(ctx)
		return func() {}
	}
	go a.cleanSessions(ctx)
	go a.queueAnalyticsRefreshes(ctx)
	workCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.worker.Run(workCtx); close(done) }()
	return func() { cancel(); <-done }
}

// keepIPSalts makes the next IP salt hourly until ctx ends, as cleanSessions
// does in the worker role.
func (a *app) keepIPSalts(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.svc.EnsureIPSalts(ctx); err != nil {
				a.log.Warn("make ip salts", "err", err)
			}
		}
	}
}
