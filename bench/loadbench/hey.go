package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// runHey sends a fixed total rate of requests (open loop, unlike wrk's
// closed loop) and parses hey's latency distribution, so p99 is measured at
// a load the server keeps up with instead of at saturation.
func runHey(ctx context.Context, o options, name, url string, conns, rate int, headers ...string) (result, error) {
	args := []string{"-z", o.duration.String(), "-c", strconv.Itoa(conns),
		"-q", strconv.FormatFloat(float64(rate)/float64(conns), 'f', 2, 64), "-disable-redirects"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "hey", append(args, url)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("hey: %w\n%s", err, out.String())
	}
	return parseHey(fmt.Sprintf("%s at %d/s", name, rate), out.String())
}

var (
	heyRPS   = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	heyP50   = regexp.MustCompile(`50% in ([\d.]+) secs`)
	heyP99   = regexp.MustCompile(`99% in ([\d.]+) secs`)
	heyCodes = regexp.MustCompile(`\[(\d{3})\]\s+(\d+) responses`)
)

func parseHey(name, out string) (result, error) {
	r := result{name: name}
	m := heyRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in hey output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	r.p50 = heySeconds(heyP50.FindStringSubmatch(out))
	r.p99 = heySeconds(heyP99.FindStringSubmatch(out))
	for _, c := range heyCodes.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(c[2])
		r.requests += n
		if c[1][0] != '2' && c[1][0] != '3' {
			r.non2xx3xx += n
		}
	}
	return r, nil
}

func heySeconds(m []string) time.Duration {
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return time.Duration(v * float64(time.Second))
}
