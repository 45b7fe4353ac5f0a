// Command loadbench measures ReferralHub's hot paths with wrk against a
// running server, and runs the bare baseline handler they are compared to.
// bench/run.sh drives it; docs/benchmarks.md records the figures.
//
//	loadbench bare -addr 127.0.0.1:8099 -database-url URL
//	loadbench click -url http://127.0.0.1:8080 -bare-url http://127.0.0.1:8099 -database-url URL
//	loadbench dashboard -url http://127.0.0.1:8080 -login ambassador -password demo-password
//	loadbench page -path '/leaderboard?period=all' -login ambassador -password demo-password
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
		return fmt.Errorf("usage: loadbench bare|click|dashboard|page [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	o := options{}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8099", "bare: address to listen on")
	fs.StringVar(&o.databaseURL, "database-url", "", "database holding the codes")
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "ReferralHub's base URL")
	fs.StringVar(&o.bareURL, "bare-url", "http://127.0.0.1:8099", "the bare handler's base URL")
	fs.IntVar(&o.conns, "conns", 64, "concurrent connections")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long each measurement runs")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "unmeasured load first, to fill caches")
	fs.IntVar(&o.threads, "threads", 2, "wrk threads")
	fs.IntVar(&o.rounds, "rounds", 3, "click: measure ReferralHub and the bare handler in turn this many times")
	fs.IntVar(&o.codes, "codes", 20000, "how many random codes to click")
	fs.IntVar(&o.rate, "rate", 0, "also measure at this fixed total rate (requests/s) with hey; 0 skips it")
	fs.StringVar(&o.login, "login", "ambassador", "dashboard: who to log in as")
	fs.StringVar(&o.password, "password", "demo-password", "dashboard: their password")
	fs.StringVar(&o.path, "path", "/", "page: the page to load, signed in")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "bare":
		return serveBare(ctx, o)
	case "click":
		return benchClick(ctx, o)
	case "dashboard", "page":
		return benchPage(ctx, o)
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

type options struct {
	addr, databaseURL, url, bareURL, login, password, path string
	conns, threads, codes, rate, rounds                    int
	duration, warmup                                       time.Duration
}
