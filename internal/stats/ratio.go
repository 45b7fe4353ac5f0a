package stats

import "math"

// PairedSample summarises two quantities measured on the same units (for
// each referrer: the rewards' cost and the friends who converted), with
// the cross-product sum the delta method needs.
type PairedSample struct {
	N                   int64
	SumX, SumY          float64
	SumXX, SumYY, SumXY float64
}

// Ratio is ΣX/ΣY (for example reward cost per converted friend) with a
// delta-method interval that treats units, not events, as independent: a
// referrer's rewards and conversions move together, so their covariance
// is kept. Var(R) ≈ (s²x - 2R·sxy + R²·s²y) / (n·ȳ²). It needs two units
// and a positive ΣY.
func Ratio(s PairedSample) Interval {
	if s.N < 2 || s.SumY <= 0 {
		return Interval{}
	}
	n := float64(s.N)
	r := s.SumX / s.SumY
	ybar := s.SumY / n
	sxx := (s.SumXX - s.SumX*s.SumX/n) / (n - 1)
	syy := (s.SumYY - s.SumY*s.SumY/n) / (n - 1)
	sxy := (s.SumXY - s.SumX*s.SumY/n) / (n - 1)
	v := math.Max((sxx-2*r*sxy+r*r*syy)/(n*ybar*ybar), 0)
	half := Z95 * math.Sqrt(v)
	return Interval{Estimate: r, Low: r - half, High: r + half, OK: true}
}

// DiffRatios is Ratio(a) - Ratio(b) for two independent groups, with the
// normal interval whose standard error is the root of the sum of their
// delta-method variances.
func DiffRatios(a, b PairedSample) Interval {
	ra, rb := Ratio(a), Ratio(b)
	if !ra.OK || !rb.OK {
		return Interval{}
	}
	sa, sb := (ra.High-ra.Low)/(2*Z95), (rb.High-rb.Low)/(2*Z95)
	d := ra.Estimate - rb.Estimate
	half := Z95 * math.Sqrt(sa*sa+sb*sb)
	return Interval{Estimate: d, Low: d - half, High: d + half, OK: true}
}
