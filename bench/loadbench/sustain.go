package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// benchSustain clicks random known codes for o.duration (60 s in
// bench/click.sh) at full speed with wrk, watching the click buffer's
// metrics every second, then waits for the buffer to drain and prints
// what it took, stored and dropped: the flush keeps up when nothing is
// dropped and what is pending stays bounded and drains at once.
func benchSustain(ctx context.Context, o options) error {
	codes, err := loadCodes(ctx, o.databaseURL, o.codes)
	if err != nil {
		return err
	}
	before, err := scrapeClicks(ctx, o.metricsURL)
	if err != nil {
		return err
	}
	watch, stop := context.WithCancel(ctx)
	peak := make(chan float64, 1)
	go func() { peak <- peakPending(watch, o.metricsURL) }()
	run, err := measured(o.pid, func() (result, error) {
		return runWrk(ctx, o, "ReferralHub GET /r/{code}, sustained", o.url, clickScript(codes), o.conns)
	})
	stop()
	maxPending := <-peak
	if err != nil {
		return err
	}
	ended := time.Now()
	after, err := drained(ctx, o.metricsURL, time.Minute)
	if err != nil {
		return err
	}
	d := func(name string) float64 { return after[name] - before[name] }
	fmt.Printf("%s\n%s\n", tableHead, run.row())
	fmt.Printf("sustained %s: %d clicks answered (%.0f/s); buffered %.0f, stored %.0f, dropped %.0f; "+
		"most pending at once %.0f; drained %v after the load ended\n",
		o.duration, run.requests, run.rps, d("buffered_total"), d("flushed_total"), d("dropped_total"),
		maxPending, time.Since(ended).Round(100*time.Millisecond))
	return nil
}

// peakPending polls the pending clicks every second until ctx ends and
// returns the most it saw.
func peakPending(ctx context.Context, metricsURL string) float64 {
	most := 0.0
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return most
		case <-t.C:
			if m, err := scrapeClicks(ctx, metricsURL); err == nil {
				most = max(most, m["pending"])
			}
		}
	}
}

// drained waits up to limit for no click to be pending, and returns the
// metrics then.
func drained(ctx context.Context, metricsURL string, limit time.Duration) (map[string]float64, error) {
	for deadline := time.Now().Add(limit); ; time.Sleep(100 * time.Millisecond) {
		m, err := scrapeClicks(ctx, metricsURL)
		if err != nil || m["pending"] == 0 || time.Now().After(deadline) {
			return m, err
		}
	}
}

// scrapeClicks reads the referralhub_clicks_* metrics from a metrics
// listener, by their names without the prefix.
func scrapeClicks(ctx context.Context, metricsURL string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", metricsURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if rest, found := strings.CutPrefix(name, "referralhub_clicks_"); ok && found {
			out[rest], _ = strconv.ParseFloat(value, 64)
		}
	}
	if _, ok := out["pending"]; !ok {
		return nil, fmt.Errorf("no referralhub_clicks_pending at %s", metricsURL)
	}
	return out, sc.Err()
}
