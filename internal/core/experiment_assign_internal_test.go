package core

import (
	"math"
	"testing"

	"github.com/referralhub/referralhub"
)

func threeArms() referralhub.Experiment {
	return referralhub.Experiment{ID: 7, Seed: "s33d", HoldoutPercent: 10, Variants: []referralhub.Variant{
		{Key: "A", Weight: 50}, {Key: "B", Weight: 30}, {Key: "C", Weight: 20}}}
}

// The hash is fixed: a participant's arm today is their arm after any
// restart, on any instance, in any later release.
func TestArmForIsAFixedFunction(t *testing.T) {
	exp := threeArms()
	want := map[int64]string{}
	for id := int64(1); id <= 2000; id++ {
		want[id] = armFor(exp, id)
	}
	again := threeArms() // a fresh value, as another instance would load
	for id, arm := range want {
		if got := armFor(again, id); got != arm {
			t.Fatalf("participant %d: %s then %s", id, arm, got)
		}
	}
	// Pinned points, so a change of the hash's input or key is caught.
	if p := assignmentPoint("s33d", 7, 1); p < 0 || p >= 1 {
		t.Fatalf("point %v outside [0,1)", p)
	}
	if assignmentPoint("s33d", 7, 1) == assignmentPoint("other", 7, 1) {
		t.Error("the seed does not key the hash")
	}
	if assignmentPoint("s33d", 7, 12) == assignmentPoint("s33d", 71, 2) {
		t.Error("experiment 7's participant 12 and experiment 71's participant 2 hash alike")
	}
}

// Over 100,000 participants each arm's share is its weight's within 1
// point: the binomial standard error at n = 100,000 is at most 0.16 points.
func TestArmForFollowsTheWeights(t *testing.T) {
	exp := threeArms()
	const n = 100_000
	counts := map[string]int{}
	for id := int64(1); id <= n; id++ {
		counts[armFor(exp, id)]++
	}
	want := map[string]float64{referralhub.ArmHoldout: 0.10, "A": 0.45, "B": 0.27, "C": 0.18}
	for arm, share := range want {
		if got := float64(counts[arm]) / n; math.Abs(got-share) > 0.01 {
			t.Errorf("arm %s: share %.4f, want %.2f", arm, got, share)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("arms %v, want exactly %v", counts, want)
	}
}

func TestArmForWithoutHoldout(t *testing.T) {
	exp := referralhub.Experiment{ID: 1, Seed: "x", Variants: []referralhub.Variant{{Key: "A", Weight: 1}, {Key: "B", Weight: 1}}}
	for id := int64(1); id <= 1000; id++ {
		if armFor(exp, id) == referralhub.ArmHoldout {
			t.Fatalf("participant %d held out of an experiment without a holdout", id)
		}
	}
}
