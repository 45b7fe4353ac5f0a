// Package stats holds the few statistics the offer experiments report: 95%
// confidence intervals for a proportion (Wilson), a difference of two
// proportions (Newcombe), a mean and a difference of means (Welch), a
// ratio of two sums (the delta method), and the program's incremental
// signups over a holdout. It is plain arithmetic on counts and sums, with
// no knowledge of referrals, SQL or HTTP; docs/experiments.md states the
// assumptions behind each interval.
package stats

import "math"

// Z95 is the standard normal quantile for a two-sided 95% interval.
const Z95 = 1.959963984540054

// Interval is an estimate with its 95% confidence interval. OK is false
// when there is no data to estimate from (an empty arm, a zero
// denominator); Estimate, Low and High are then zero.
type Interval struct {
	Estimate, Low, High float64
	OK                  bool
}

// Excludes reports whether v lies outside the interval: for a difference,
// Excludes(0) means the difference is significant at the 5% level.
func (iv Interval) Excludes(v float64) bool {
	return iv.OK && (v < iv.Low || v > iv.High)
}

// Scale multiplies the estimate and both bounds by k (k >= 0).
func (iv Interval) Scale(k float64) Interval {
	return Interval{Estimate: iv.Estimate * k, Low: iv.Low * k, High: iv.High * k, OK: iv.OK}
}

func sqr(x float64) float64 { return x * x }

// clamp01 keeps rounding from pushing a proportion's bound outside [0,1].
func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }
