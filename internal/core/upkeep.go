package core

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Upkeep is an instance's periodic work: every task with its schedule
// (see Service.Upkeep). Run runs it until its context ends; RunDue runs
// what is due at the core's clock, at once, for tests. Every task is safe
// to run in several instances at the same time.
type Upkeep struct {
	log       *slog.Logger
	now       func() time.Time
	schedules []*schedule
}

// schedule is tasks that run in turn every so often, first at next.
type schedule struct {
	every time.Duration
	tasks []upkeepTask

	mu   sync.Mutex // held while the tasks run, so no run overlaps another
	next time.Time  // when the tasks are next due
}

// upkeepTask is one periodic task. run returns how many rows it dealt
// with, when that means something.
type upkeepTask struct {
	name string // what it does, as a failure is logged: "delete expired sessions"
	done string // what it did, logged with the count when that is not 0; "" logs nothing
	run  func(context.Context) (int64, error)
}

// newUpkeep returns an Upkeep of schedules, timed by now.
func newUpkeep(log *slog.Logger, now func() time.Time, schedules ...*schedule) *Upkeep {
	return &Upkeep{log: log, now: now, schedules: schedules}
}

// Run runs each schedule's tasks when they are due, until ctx ends, and
// then returns. Schedules run apart, each on its own ticker, so a long
// task (reducing a backlog of clicks) delays no other schedule.
func (u *Upkeep) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, s := range u.schedules {
		wg.Go(func() { u.loop(ctx, s) })
	}
	wg.Wait()
}

// loop runs s whenever it is due, checking at once and then every
// s.every, until ctx ends. Due-ness follows the injected clock; the
// ticker only wakes the loop.
func (u *Upkeep) loop(ctx context.Context, s *schedule) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		u.runIfDue(ctx, s)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs, synchronously and in turn, the tasks of every schedule due
// at the clock's now, and returns how many ran.
func (u *Upkeep) RunDue(ctx context.Context) int {
	ran := 0
	for _, s := range u.schedules {
		ran += u.runIfDue(ctx, s)
	}
	return ran
}

// runIfDue runs s's tasks when they are due and returns how many ran. The
// next run is the first of s's slots after now (a run missed while the
// process was busy or stopped is not made up), so it stays in step with
// the ticker.
func (u *Upkeep) runIfDue(ctx context.Context, s *schedule) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := u.now()
	if ctx.Err() != nil || now.Before(s.next) {
		return 0
	}
	s.next = s.next.Add((now.Sub(s.next)/s.every + 1) * s.every)
	ran := 0
	for _, t := range s.tasks {
		if ctx.Err() != nil {
			break
		}
		u.runTask(ctx, t)
		ran++
	}
	return ran
}

// runTask runs t and logs its failure, unless ctx ended (a shutdown is no
// failure).
func (u *Upkeep) runTask(ctx context.Context, t upkeepTask) {
	n, err := t.run(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
	case err != nil && n > 0:
		u.log.WarnContext(ctx, t.name, "err", err, "count", n)
	case err != nil:
		u.log.WarnContext(ctx, t.name, "err", err)
	case n > 0 && t.done != "":
		u.log.InfoContext(ctx, t.done, "count", n)
	}
}
