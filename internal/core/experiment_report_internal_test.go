package core

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/stats"
)

func TestCompareVerdictRules(t *testing.T) {
	ahead := stats.Interval{Estimate: 0.1, Low: 0.05, High: 0.15, OK: true}
	crossing := stats.Interval{Estimate: 0.01, Low: -0.02, High: 0.04, OK: true}
	cases := []struct {
		name           string
		diff           stats.Interval
		na, nb         int64
		higherIsBetter bool
		kind, text     string
	}{
		{"too few in one arm", ahead, 29, 500, true, VerdictTooEarly, "at least 30 (the smaller has 29)"},
		{"no interval", stats.Interval{}, 500, 500, true, VerdictTooEarly, "Not enough data yet"},
		{"crossing zero, small", crossing, 999, 5000, true, VerdictTooEarly, "no difference so far"},
		{"crossing zero, large", crossing, 1000, 1000, true, VerdictNoDifference, "No difference detected between variant B and variant A."},
		{"above zero", ahead, 30, 30, true, VerdictAhead, "Variant B is ahead of variant A."},
		{"above zero, a cost", ahead, 30, 30, false, VerdictBehind, "Variant B is behind variant A."},
		{"below zero, a cost", ahead.Scale(-1), 30, 30, false, VerdictAhead, "Variant B is ahead of variant A."},
	}
	for _, c := range cases {
		v := compareVerdict("B", "A", c.diff, c.na, c.nb, c.higherIsBetter)
		if v.Kind != c.kind || !strings.Contains(v.Text, c.text) {
			t.Errorf("%s: %+v, want %s containing %q", c.name, v, c.kind, c.text)
		}
	}
}

// arm is a made-up arm of n participants: sharers of them were clicked
// once each, signups of them referred one friend each, and converted of
// those friends bought, earning 500 usd cents each.
func arm(name string, n, sharers, signups, converted int64) ArmFigures {
	a := ArmFigures{Arm: name, Participants: n, Sharers: sharers, Converted: converted,
		Clicks:  stats.Sample{N: n, Sum: float64(sharers), SumSq: float64(sharers)},
		Signups: stats.Sample{N: n, Sum: float64(signups), SumSq: float64(signups)}}
	if name != referralhub.ArmHoldout {
		c := float64(converted)
		a.Costs = map[string]stats.PairedSample{"usd": {N: n, SumX: 500 * c, SumY: c, SumXX: 250000 * c, SumYY: c, SumXY: 500 * c}}
	}
	return a
}

func TestBuildReportComparesVariantsAndHoldout(t *testing.T) {
	exp := referralhub.Experiment{ID: 1, HoldoutPercent: 10, Variants: []referralhub.Variant{{Key: "A", Weight: 1}, {Key: "B", Weight: 1}}}
	rep := buildReport(exp, []ArmFigures{
		arm("A", 2000, 400, 200, 40),
		arm("B", 2000, 600, 400, 80),
		arm(referralhub.ArmHoldout, 400, 0, 4, 0),
	})
	byMetric := map[string]MetricRow{}
	for _, row := range rep.Metrics {
		byMetric[row.Metric+row.Currency] = row
	}
	// Share rate: 600/2000 against 400/2000, a difference of 0.10 that
	// Newcombe puts well above zero.
	share := byMetric[MetricShareRate].Cells
	if share[1].Verdict.Kind != VerdictAhead || share[1].Diff.Estimate < 0.0999 || share[1].Diff.Estimate > 0.1001 {
		t.Errorf("share rate B: %+v", share[1])
	}
	if share[0].Verdict.Kind != "" || share[2].Verdict.Kind != "" {
		t.Errorf("the baseline or the holdout has a verdict: %+v %+v", share[0], share[2])
	}
	// Conversion 80/400 against 40/200: the same 20%, so no difference,
	// and with 200 friends in A it is too early to say so.
	if conv := byMetric[MetricConversion].Cells[1]; conv.Verdict.Kind != VerdictTooEarly || conv.Diff.Estimate != 0 {
		t.Errorf("conversion B: %+v", conv)
	}
	// Every converted friend cost exactly 500 cents in both variants.
	cost := byMetric[MetricCostPerConv+"usd"].Cells
	if cost[0].Value.Estimate != 500 || cost[1].Value.Estimate != 500 || cost[2].Value.OK {
		t.Errorf("cost per converted friend: %+v", cost)
	}
	// Incremental: 600 signups from 4000 exposed (0.15 each) against 4
	// from 400 held out (0.01): (0.15 - 0.01) × 4000 = 560.
	if rep.Exposed != 4000 || rep.Held != 400 || rep.Incremental.Estimate < 559.99 || rep.Incremental.Estimate > 560.01 {
		t.Errorf("incremental %+v over %d exposed, %d held", rep.Incremental, rep.Exposed, rep.Held)
	}
	if rep.IncrementalVerdict.Kind != VerdictAhead || !strings.Contains(rep.IncrementalVerdict.Text, "about 560") {
		t.Errorf("incremental verdict %+v", rep.IncrementalVerdict)
	}
}

func TestBuildReportWithoutHoldoutOrData(t *testing.T) {
	exp := referralhub.Experiment{ID: 2, Variants: []referralhub.Variant{{Key: "A", Weight: 1}, {Key: "B", Weight: 1}}}
	rep := buildReport(exp, []ArmFigures{{Arm: "A"}, {Arm: "B"}})
	for _, row := range rep.Metrics {
		if row.Cells[1].Verdict.Kind != VerdictTooEarly {
			t.Errorf("%s on empty arms: %+v", row.Metric, row.Cells[1].Verdict)
		}
	}
	if rep.IncrementalVerdict.Kind != VerdictTooEarly || rep.Incremental.OK {
		t.Errorf("incremental without a holdout: %+v %+v", rep.Incremental, rep.IncrementalVerdict)
	}
}
