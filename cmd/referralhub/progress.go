package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// progress shows how far a long command is: on a terminal a bar redrawn
// in place with rows per second and the time left, elsewhere (a log, a
// pipe) a line every few seconds.
type progress struct {
	w          io.Writer
	tty        bool
	every      time.Duration
	now        func() time.Time
	phase      string
	phaseStart time.Time
	last       time.Time
	drawn      bool
}

// Redraw intervals: a bar often, a log line seldom.
const (
	barEvery  = 200 * time.Millisecond
	lineEvery = 5 * time.Second
)

func newProgress(w io.Writer, tty bool) *progress {
	p := &progress{w: w, tty: tty, every: lineEvery, now: time.Now}
	if tty {
		p.every = barEvery
	}
	return p
}

// update takes a new position, and shows it when it is time to.
func (p *progress) update(pr core.ImportProgress) {
	now := p.now()
	if pr.Phase != p.phase {
		p.phase, p.phaseStart, p.last = pr.Phase, now, now
	}
	if now.Sub(p.last) < p.every && pr.Done < pr.Total {
		return
	}
	p.last = now
	line := progressLine(pr, now.Sub(p.phaseStart))
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, "import:", line)
}

// done ends the bar's line.
func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// progressLine describes a position: the phase, a bar, the rows done and
// their rate, and the time left at that rate.
func progressLine(pr core.ImportProgress, elapsed time.Duration) string {
	frac := 0.0
	if pr.Total > 0 {
		frac = min(float64(pr.Done)/float64(pr.Total), 1)
	}
	const width = 30
	filled := int(frac * width)
	bar := strings.Repeat("#", filled) + strings.Repeat(".", width-filled)
	rate := 0.0
	if secs := elapsed.Seconds(); secs > 0 {
		rate = float64(pr.Rows) / secs
	}
	left := "?"
	if frac > 0 && elapsed > 0 {
		left = (time.Duration(float64(elapsed)/frac) - elapsed).Round(time.Second).String()
	}
	return fmt.Sprintf("%-9s [%s] %3.0f%%  %d rows  %.0f rows/s  %s left", pr.Phase, bar, frac*100, pr.Rows, rate, left)
}
