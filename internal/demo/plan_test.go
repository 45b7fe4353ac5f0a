package demo

import (
	"testing"
	"time"
)

func TestPlanShapeIsReproducible(t *testing.T) {
	opt := Options{Users: 2000, Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Seed: 42}
	a, b := newPlan(opt), newPlan(opt)
	for i := range a.users {
		if a.users[i] != b.users[i] || a.referrer[i] != b.referrer[i] {
			t.Fatalf("user %d differs: %+v/%d vs %+v/%d", i, a.users[i], a.referrer[i], b.users[i], b.referrer[i])
		}
	}
	if len(a.clicks) != len(b.clicks) {
		t.Fatalf("%d clicks vs %d", len(a.clicks), len(b.clicks))
	}
	opt.Seed = 43
	if c := newPlan(opt); c.users[1].Username == a.users[1].Username && c.referrer[1999] == a.referrer[1999] {
		t.Error("another seed drew the same network")
	}
}
