package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampler reads each instance's resident memory at an interval until
// stopped.
type sampler struct {
	inst    []instance
	began   time.Time
	onRead  func(since time.Duration, kib []int64) // may be nil
	mu      sync.Mutex
	samples [][]int64 // per instance, in KiB
	done    chan struct{}
	wg      sync.WaitGroup
}

// startSampling samples once now, then every interval, and passes each
// reading to onRead when it is not nil.
func startSampling(inst []instance, every time.Duration, onRead func(since time.Duration, kib []int64)) *sampler {
	s := &sampler{inst: inst, began: time.Now(), onRead: onRead, samples: make([][]int64, len(inst)), done: make(chan struct{})}
	s.sample()
	s.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.sample()
			}
		}
	})
	return s
}

func (s *sampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	read := make([]int64, len(s.inst))
	for i, in := range s.inst {
		read[i] = rssKiB(in.pid)
		s.samples[i] = append(s.samples[i], read[i])
	}
	if s.onRead != nil {
		s.onRead(time.Since(s.began), read)
	}
}

// stop takes a last sample and returns them all.
func (s *sampler) stop() memory {
	close(s.done)
	s.wg.Wait()
	s.sample()
	return memory{samples: s.samples}
}

// memory is what a sampler saw.
type memory struct{ samples [][]int64 }

// summary is "start → peak → end" in MiB for each instance.
func (m memory) summary() string {
	parts := make([]string, len(m.samples))
	for i, ss := range m.samples {
		parts[i] = fmt.Sprintf("%s → %s → %s", kibToMiB(ss[0]), kibToMiB(maxOf(ss)), kibToMiB(ss[len(ss)-1]))
	}
	return strings.Join(parts, "; ")
}

func maxOf(v []int64) int64 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func kibToMiB(kib int64) string { return strconv.FormatInt(kib/1024, 10) }

// rssKiB is a process's resident set from /proc, 0 when it cannot be read.
func rssKiB(pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
