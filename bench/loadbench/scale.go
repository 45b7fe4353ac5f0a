package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// benchScale loads several instances at once, each wrk thread holding its
// share of the connections to one instance, for each path in o.paths in
// turn, and prints what each measured with every instance's memory and the
// database's growth.
func benchScale(ctx context.Context, o options) error {
	inst, db, scripts, err := prepareLoad(ctx, o)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Printf("%d instances, %d connections in all, %s per path after %s of warm-up\n",
		len(inst), o.conns, o.duration, o.warmup)
	fmt.Println("| path | requests/s | p50 | p99 | requests | errors | RSS per instance: start → peak → end (MiB) | database growth |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, path := range strings.Split(o.paths, ",") {
		script, ok := scripts[path]
		if !ok {
			return fmt.Errorf("unknown path %q: want click, dashboard, signup or event", path)
		}
		row, err := measureScale(ctx, o, db, inst, path, script)
		if err != nil {
			return err
		}
		fmt.Println(row)
	}
	return nil
}

// measureScale warms up, then runs one path for o.duration while
// sampling memory, and returns its table row.
func measureScale(ctx context.Context, o options, db *storage.DB, inst []instance, path, script string) (string, error) {
	w := o
	w.duration = o.warmup
	if o.warmup > 0 {
		if _, err := runWrk(ctx, w, "warm-up", inst[0].url, script, o.conns); err != nil {
			return "", err
		}
	}
	sizeBefore, err := db.Read().DatabaseSize(ctx)
	if err != nil {
		return "", err
	}
	sampler := startSampling(inst, 5*time.Second, nil)
	res, err := runWrk(ctx, o, path, inst[0].url, script, o.conns)
	mem := sampler.stop()
	if err != nil {
		return "", err
	}
	sizeAfter, err := db.Read().DatabaseSize(ctx)
	if err != nil {
		return "", err
	}
	errs := fmt.Sprint(res.non2xx3xx)
	if res.errors != "" {
		errs += " (" + strings.TrimSpace(res.errors) + ")"
	}
	return fmt.Sprintf("| %s | %.0f | %s | %s | %d | %s | %s | %s |", path, res.rps, ms(res.p50), ms(res.p99),
		res.requests, errs, mem.summary(), mib(sizeAfter-sizeBefore)), nil
}

// prepareLoad reads the instances from o, opens the database and writes
// the wrk scripts; the caller closes db.
func prepareLoad(ctx context.Context, o options) ([]instance, *storage.DB, map[string]string, error) {
	inst, err := parseInstances(o)
	if err != nil {
		return nil, nil, nil, err
	}
	db, err := storage.Open(ctx, o.databaseURL)
	if err != nil {
		return nil, nil, nil, err
	}
	scripts, err := scaleScripts(ctx, o, db, inst)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return inst, db, scripts, nil
}

// instance is one server under load.
type instance struct {
	url  string
	host string // host:port, for wrk.lookup
	pid  int
}

func parseInstances(o options) ([]instance, error) {
	urls, pids := strings.Split(o.urls, ","), strings.Split(o.pids, ",")
	if len(urls) != len(pids) {
		return nil, fmt.Errorf("-urls has %d entries and -pids %d: give one pid per instance", len(urls), len(pids))
	}
	if o.threads%len(urls) != 0 {
		return nil, fmt.Errorf("-threads %d does not share evenly among %d instances", o.threads, len(urls))
	}
	out := make([]instance, len(urls))
	for i := range urls {
		u, err := url.Parse(urls[i])
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("-urls: %q is not a base URL", urls[i])
		}
		var pid int
		if _, err := fmt.Sscan(pids[i], &pid); err != nil {
			return nil, fmt.Errorf("-pids: %q: %w", pids[i], err)
		}
		out[i] = instance{url: urls[i], host: u.Host, pid: pid}
	}
	return out, nil
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
