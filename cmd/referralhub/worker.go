package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/referralhub/referralhub/internal/core"
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
	a, log, closeApp, err := runApp(env, cfg, clicksInMemory)
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
// the job workers and the whole periodic upkeep; without (a web instance
// started with --no-worker) only the upkeep's hourly making of IP salts,
// which its click path reads (see core.Service.Upkeep). The returned stop
// ends them, waiting for the jobs in hand.
func (a *app) startWork(ctx context.Context, jobs bool) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	role := core.WebUpkeep
	if jobs {
		role = core.WorkerUpkeep
	}
	var wg sync.WaitGroup
	wg.Go(func() { a.svc.Upkeep(role).Run(ctx) })
	if jobs {
		wg.Go(func() { a.worker.Run(ctx) })
	}
	return func() { cancel(); wg.Wait() }
}
