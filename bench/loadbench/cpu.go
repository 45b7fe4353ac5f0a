package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// cpuTime is the CPU time (user and system) a process has used so far,
// from /proc; 0 when pid is 0 or unreadable. On a shared, busy machine
// requests/s move with the neighbours' load, while the CPU a request costs
// does not: it is the steadier figure to compare.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces) in parens.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// measured runs wrk against a process and adds the CPU it used per request.
func measured(pid int, run func() (result, error)) (result, error) {
	before := cpuTime(pid)
	r, err := run()
	if err == nil && pid != 0 && r.requests > 0 {
		r.cpuPerReq = (cpuTime(pid) - before) / time.Duration(r.requests)
	}
	return r, err
}
