package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// result is what one wrk run measured.
type result struct {
	name      string
	rps       float64
	p50, p99  time.Duration
	requests  int
	non2xx3xx int
	errors    string
	cpuPerReq time.Duration // the server's CPU per request, when its pid is known
}

// warmUp loads each target for o.warmup without measuring, so caches and
// connection pools are as they would be in a long-running server.
func warmUp(ctx context.Context, o options, script string, targets ...string) error {
	if o.warmup <= 0 {
		return nil
	}
	w := o
	w.duration = o.warmup
	for _, t := range targets {
		if _, err := runWrk(ctx, w, "warm-up", t, script, o.conns); err != nil {
			return err
		}
	}
	return nil
}

// runWrk runs wrk with a Lua script and parses its latency distribution.
func runWrk(ctx context.Context, o options, name, target, script string, conns int) (result, error) {
	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	lua := filepath.Join(dir, "script.lua")
	if err := os.WriteFile(lua, []byte(script), 0o600); err != nil {
		return result{}, err
	}
	args := []string{"-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(conns), "-d", wrkSeconds(o.duration),
		"--latency", "--timeout", "5s", "-s", lua, target}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "wrk", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("wrk: %w\n%s", err, out.String())
	}
	return parseWrk(name, out.String())
}

// wrkSeconds writes d as wrk reads it: whole seconds ("300s"), since wrk
// cannot parse Go's "5m0s".
func wrkSeconds(d time.Duration) string {
	return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + "s"
}

var (
	rpsRe      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	p50Re      = regexp.MustCompile(`\s50%\s+([\d.]+)(us|ms|s)`)
	p99Re      = regexp.MustCompile(`\s99%\s+([\d.]+)(us|ms|s)`)
	requestsRe = regexp.MustCompile(`(\d+) requests in`)
	non2xxRe   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	errorsRe   = regexp.MustCompile(`Socket errors:.*`)
)

func parseWrk(name, out string) (result, error) {
	r := result{name: name}
	m := rpsRe.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	r.p50 = parseLatency(p50Re.FindStringSubmatch(out))
	r.p99 = parseLatency(p99Re.FindStringSubmatch(out))
	if m := requestsRe.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.Atoi(m[1])
	}
	if m := non2xxRe.FindStringSubmatch(out); m != nil {
		r.non2xx3xx, _ = strconv.Atoi(m[1])
	}
	r.errors = errorsRe.FindString(out)
	return r, nil
}

func parseLatency(m []string) time.Duration {
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]
	return time.Duration(v * float64(unit))
}

func (r result) row() string {
	s := fmt.Sprintf("| %s | %.0f | %s | %s | %d |", r.name, r.rps, ms(r.p50), ms(r.p99), r.requests)
	if r.cpuPerReq > 0 {
		s += fmt.Sprintf(" %.1f µs CPU/request |", float64(r.cpuPerReq)/float64(time.Microsecond))
	}
	if r.non2xx3xx > 0 || r.errors != "" {
		s += fmt.Sprintf(" non-2xx/3xx: %d %s", r.non2xx3xx, strings.TrimSpace(r.errors))
	}
	return s
}

// ms formats a latency in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

const tableHead = "| target | requests/s | p50 | p99 | requests |\n|---|---|---|---|---|"
