// Command loadbench measures ReferralHub's hot paths with wrk against a
// running server, and runs the bare baseline handler they are compared to.
// bench/run.sh drives it; docs/benchmarks.md records the figures.
//
//	loadbench bare -addr 127.0.0.1:8099 -database-url URL
//	loadbench click -url http://127.0.0.1:8080 -bare-url http://127.0.0.1:8099 -database-url URL
//	loadbench sustain -url http://127.0.0.1:8080 -metrics-url http://127.0.0.1:9090/metrics -database-url URL -duration 60s
//	loadbench dashboard -url http://127.0.0.1:8080 -login ambassador -password demo-password
//	loadbench page -path '/leaderboard?period=all' -login ambassador -password demo-password
//	loadbench scale -urls URL1,URL2 -pids PID1,PID2 -database-url URL -api-key KEY -paths click,dashboard,signup,event
//	loadbench soak -urls URL1,URL2 -pids PID1,PID2 -database-url URL -api-key KEY -duration 30m
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: loadbench bare|click|sustain|dashboard|page|scale|soak [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	o := options{}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8099", "bare: address to listen on")
	fs.StringVar(&o.databaseURL, "database-url", "", "database holding the codes")
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "ReferralHub's base URL")
	fs.StringVar(&o.bareURL, "bare-url", "http://127.0.0.1:8099", "the bare handler's base URL")
	fs.StringVar(&o.metricsURL, "metrics-url", "http://127.0.0.1:9090/metrics", "sustain: ReferralHub's metrics (REFERRALHUB_METRICS_ADDR)")
	fs.IntVar(&o.conns, "conns", 64, "concurrent connections")
	fs.IntVar(&o.pid, "pid", 0, "click, sustain: ReferralHub's process id, to report its CPU per request")
	fs.IntVar(&o.barePid, "bare-pid", 0, "click: the bare handler's process id, to report its CPU per request")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long each measurement runs")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "unmeasured load first, to fill caches")
	fs.IntVar(&o.threads, "threads", 2, "wrk threads")
	fs.IntVar(&o.rounds, "rounds", 3, "click: measure ReferralHub and the bare handler in turn this many times")
	fs.IntVar(&o.codes, "codes", 20000, "how many random codes to click")
	fs.IntVar(&o.rate, "rate", 0, "also measure at this fixed total rate (requests/s) with hey; 0 skips it")
	fs.StringVar(&o.login, "login", "ambassador", "dashboard: who to log in as")
	fs.StringVar(&o.password, "password", "demo-password", "dashboard: their password")
	fs.StringVar(&o.path, "path", "/", "page: the page to load, signed in")
	fs.StringVar(&o.urls, "urls", "http://127.0.0.1:8081,http://127.0.0.1:8082", "scale, soak: the instances' base URLs")
	fs.StringVar(&o.pids, "pids", "", "scale, soak: the instances' process ids, in the order of -urls")
	fs.StringVar(&o.paths, "paths", "click,dashboard,signup,event", "scale: the paths to load, in turn")
	fs.StringVar(&o.apiKey, "api-key", "", "scale, soak: a write API key, for events")
	fs.DurationVar(&o.every, "every", 30*time.Second, "soak: how often memory is reported")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "bare":
		return serveBare(ctx, o)
	case "click":
		return benchClick(ctx, o)
	case "sustain":
		return benchSustain(ctx, o)
	case "dashboard", "page":
		return benchPage(ctx, o)
	case "scale":
		return benchScale(ctx, o)
	case "soak":
		return benchSoak(ctx, o)
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

type options struct {
	addr, databaseURL, url, bareURL, metricsURL, login, password, path string
	urls, pids, paths, apiKey                                          string
	conns, threads, codes, rate, rounds, pid, barePid                  int
	duration, warmup, every                                            time.Duration
}
