package core

import (
	"slices"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/stats"
)

// ArmFigures is what one arm of an experiment did: its participants and,
// per participant, the sums the intervals are computed from.
type ArmFigures struct {
	Arm          string
	Participants int64
	Sharers      int64        // participants whose link was clicked at least once
	Clicks       stats.Sample // human clicks on each participant's link
	Signups      stats.Sample // friends each participant referred
	Converted    int64        // referred friends who made a first purchase
	// Costs, per currency: for each participant, the money value of the
	// rewards earned on their referrals (both sides; X) and their
	// converted friends (Y).
	Costs map[string]stats.PairedSample
}

// Metric names of an experiment's report, in the order shown.
const (
	MetricShareRate   = "share_rate"
	MetricClicks      = "clicks_per_referrer"
	MetricSignups     = "signups_per_referrer"
	MetricConversion  = "conversion"
	MetricCostPerConv = "cost_per_converted_friend"
)

// ExperimentReport compares an experiment's variants and its holdout.
type ExperimentReport struct {
	Experiment referralhub.Experiment
	Arms       []ArmFigures // the variants in order, then the holdout
	Metrics    []MetricRow
	// Incremental is the program's extra referred signups over the
	// holdout: the difference per participant times the exposed.
	Incremental        stats.Interval
	IncrementalVerdict Verdict
	Exposed, Held      int64
}

// MetricRow is one metric across the arms.
type MetricRow struct {
	Metric   string
	Currency string // cost rows: the currency, in minor units
	Cells    []MetricCell
}

// MetricCell is one arm's value of a metric and, for a variant other than
// the baseline (the first), its difference from the baseline.
type MetricCell struct {
	Arm     string
	Value   stats.Interval
	Diff    stats.Interval
	Verdict Verdict // empty for the baseline and the holdout
}

// buildReport computes every interval and verdict from the arms' figures,
// given in the experiment's order with the holdout last (if it has one).
func buildReport(exp referralhub.Experiment, arms []ArmFigures) ExperimentReport {
	rep := ExperimentReport{Experiment: exp, Arms: arms}
	rep.Metrics = []MetricRow{
		metricRow(MetricShareRate, "", arms, true,
			func(a ArmFigures) (stats.Interval, int64) {
				return stats.Wilson(a.Sharers, a.Participants), a.Participants
			},
			func(a, b ArmFigures) stats.Interval {
				return stats.DiffProportions(a.Sharers, a.Participants, b.Sharers, b.Participants)
			}),
		metricRow(MetricClicks, "", arms, true,
			func(a ArmFigures) (stats.Interval, int64) { return stats.Mean(a.Clicks), a.Participants },
			func(a, b ArmFigures) stats.Interval { return stats.DiffMeans(a.Clicks, b.Clicks) }),
		metricRow(MetricSignups, "", arms, true,
			func(a ArmFigures) (stats.Interval, int64) { return stats.Mean(a.Signups), a.Participants },
			func(a, b ArmFigures) stats.Interval { return stats.DiffMeans(a.Signups, b.Signups) }),
		metricRow(MetricConversion, "", arms, true,
			func(a ArmFigures) (stats.Interval, int64) { return stats.Wilson(a.Converted, friends(a)), friends(a) },
			func(a, b ArmFigures) stats.Interval {
				return stats.DiffProportions(a.Converted, friends(a), b.Converted, friends(b))
			}),
	}
	for _, cur := range costCurrencies(arms) {
		rep.Metrics = append(rep.Metrics, metricRow(MetricCostPerConv, cur, arms, false,
			func(a ArmFigures) (stats.Interval, int64) { return stats.Ratio(a.Costs[cur]), a.Converted },
			func(a, b ArmFigures) stats.Interval { return stats.DiffRatios(a.Costs[cur], b.Costs[cur]) }))
	}
	rep.addIncremental(arms)
	return rep
}

// metricRow fills one metric's cells: value gives an arm's interval and
// the units it is measured on, diff the interval of arm minus baseline.
func metricRow(metric, currency string, arms []ArmFigures, higherIsBetter bool,
	value func(ArmFigures) (stats.Interval, int64), diff func(a, b ArmFigures) stats.Interval) MetricRow {
	row := MetricRow{Metric: metric, Currency: currency}
	for i, a := range arms {
		cell := MetricCell{Arm: a.Arm}
		v, n := value(a)
		cell.Value = v
		if i > 0 && a.Arm != referralhub.ArmHoldout {
			_, nb := value(arms[0])
			cell.Diff = diff(a, arms[0])
			cell.Verdict = compareVerdict(a.Arm, arms[0].Arm, cell.Diff, n, nb, higherIsBetter)
		}
		row.Cells = append(row.Cells, cell)
	}
	return row
}

// addIncremental pools the variants into the exposed and measures them
// against the holdout.
func (rep *ExperimentReport) addIncremental(arms []ArmFigures) {
	var exposed, held stats.Sample
	for _, a := range arms {
		s := &exposed
		if a.Arm == referralhub.ArmHoldout {
			s = &held
		}
		s.N += a.Signups.N
		s.Sum += a.Signups.Sum
		s.SumSq += a.Signups.SumSq
	}
	rep.Exposed, rep.Held = exposed.N, held.N
	rep.Incremental = stats.Incremental(exposed, held)
	rep.IncrementalVerdict = incrementalVerdict(rep.Incremental, exposed.N, held.N)
}

// friends is the number of friends an arm's participants referred.
func friends(a ArmFigures) int64 { return int64(a.Signups.Sum) }

// costCurrencies lists the currencies any arm's rewards were paid in,
// sorted, so the rows come in a stable order.
func costCurrencies(arms []ArmFigures) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range arms {
		for cur := range a.Costs {
			if !seen[cur] {
				seen[cur] = true
				out = append(out, cur)
			}
		}
	}
	slices.Sort(out)
	return out
}
