package stats

import "math"

// Sample is a per-unit quantity summarised by its count, sum and sum of
// squares, which SQL can compute in one pass (COUNT, SUM(x), SUM(x*x)).
type Sample struct {
	N          int64
	Sum, SumSq float64
}

// Mean is the sample mean (0 for an empty sample).
func (s Sample) Mean() float64 {
	if s.N == 0 {
		return 0
	}
	return s.Sum / float64(s.N)
}

// Variance is the unbiased sample variance (0 below two units).
func (s Sample) Variance() float64 {
	if s.N < 2 {
		return 0
	}
	n := float64(s.N)
	v := (s.SumSq - s.Sum*s.Sum/n) / (n - 1)
	return math.Max(v, 0) // rounding can make a constant sample's variance -1e-17
}

// Mean is the sample's mean with a Student t interval, mean ± t(n-1)·s/√n.
// It needs at least two units.
func Mean(s Sample) Interval {
	if s.N < 2 {
		return Interval{}
	}
	m := s.Mean()
	half := TQuantile975(float64(s.N-1)) * math.Sqrt(s.Variance()/float64(s.N))
	return Interval{Estimate: m, Low: m - half, High: m + half, OK: true}
}

// DiffMeans is mean(a) - mean(b) with Welch's interval: unequal variances,
// the standard error sqrt(va/na + vb/nb) and the Welch–Satterthwaite
// degrees of freedom. Each sample needs at least two units.
func DiffMeans(a, b Sample) Interval {
	if a.N < 2 || b.N < 2 {
		return Interval{}
	}
	qa, qb := a.Variance()/float64(a.N), b.Variance()/float64(b.N)
	d := a.Mean() - b.Mean()
	se := math.Sqrt(qa + qb)
	if se == 0 {
		return Interval{Estimate: d, Low: d, High: d, OK: true}
	}
	df := sqr(qa+qb) / (sqr(qa)/float64(a.N-1) + sqr(qb)/float64(b.N-1))
	half := TQuantile975(df) * se
	return Interval{Estimate: d, Low: d - half, High: d + half, OK: true}
}

// TQuantile975 is Student's t quantile at 0.975 for df degrees of freedom
// (fractional df allowed, as Welch's are), by the Cornish–Fisher expansion
// of the normal quantile to the fourth order in 1/df. It is within 0.001 of
// the exact value from df = 5 up and within 0.005 at df = 3; below df = 1 it
// answers +Inf, so an interval from one unit is unbounded, not falsely narrow.
func TQuantile975(df float64) float64 {
	if df < 1 {
		return math.Inf(1)
	}
	z := Z95
	z3, z5, z7, z9 := z*z*z, math.Pow(z, 5), math.Pow(z, 7), math.Pow(z, 9)
	return z +
		(z3+z)/(4*df) +
		(5*z5+16*z3+3*z)/(96*df*df) +
		(3*z7+19*z5+17*z3-15*z)/(384*df*df*df) +
		(79*z9+776*z7+1482*z5-1920*z3-945*z)/(92160*df*df*df*df)
}
