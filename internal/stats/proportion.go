package stats

import "math"

// Wilson is the proportion successes/n with its Wilson score interval,
// which stays inside [0,1] and behaves at 0 and n successes, where the
// textbook p ± 1.96·sqrt(p(1-p)/n) collapses to a point.
func Wilson(successes, n int64) Interval {
	if n <= 0 || successes < 0 || successes > n {
		return Interval{}
	}
	nf := float64(n)
	p := float64(successes) / nf
	z2 := Z95 * Z95
	denom := 1 + z2/nf
	centre := (p + z2/(2*nf)) / denom
	half := Z95 / denom * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Estimate: p, Low: clamp01(centre - half), High: clamp01(centre + half), OK: true}
}

// DiffProportions is p1 - p2 with Newcombe's hybrid score interval
// (his method 10), built from each proportion's Wilson interval; it keeps
// good coverage with small counts and proportions near 0 or 1.
func DiffProportions(s1, n1, s2, n2 int64) Interval {
	a, b := Wilson(s1, n1), Wilson(s2, n2)
	if !a.OK || !b.OK {
		return Interval{}
	}
	d := a.Estimate - b.Estimate
	low := d - math.Sqrt(sqr(a.Estimate-a.Low)+sqr(b.High-b.Estimate))
	high := d + math.Sqrt(sqr(a.High-a.Estimate)+sqr(b.Estimate-b.Low))
	return Interval{Estimate: d, Low: low, High: high, OK: true}
}
