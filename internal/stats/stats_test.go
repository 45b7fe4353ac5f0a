package stats_test

import (
	"math"
	"testing"

	"github.com/referralhub/referralhub/internal/stats"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f (±%g)", what, got, want, tol)
	}
}

func nearInterval(t *testing.T, what string, got stats.Interval, est, low, high, tol float64) {
	t.Helper()
	if !got.OK {
		t.Fatalf("%s: no interval, want %.4f [%.4f, %.4f]", what, est, low, high)
	}
	near(t, what+" estimate", got.Estimate, est, tol)
	near(t, what+" low", got.Low, low, tol)
	near(t, what+" high", got.High, high, tol)
}

// The Wilson intervals are Newcombe's (Statistics in Medicine 17, 1998,
// "Two-sided confidence intervals for the single proportion", Table I,
// method 3), the same as R's prop.test(x, n, correct = FALSE)$conf.int.
func TestWilsonAgainstNewcombeTable(t *testing.T) {
	cases := []struct {
		s, n           int64
		est, low, high float64
	}{
		{81, 263, 0.3080, 0.2553, 0.3662},
		{15, 148, 0.1014, 0.0624, 0.1605},
		{0, 20, 0, 0, 0.1611},
		{1, 29, 0.0345, 0.0061, 0.1718},
		{29, 29, 1, 0.8830, 1}, // all successes: the upper bound is exactly 1
	}
	for _, c := range cases {
		nearInterval(t, "Wilson", stats.Wilson(c.s, c.n), c.est, c.low, c.high, 0.00005)
	}
}

func TestWilsonRefusesImpossibleCounts(t *testing.T) {
	for _, c := range [][2]int64{{0, 0}, {3, 2}, {-1, 5}} {
		if iv := stats.Wilson(c[0], c[1]); iv.OK {
			t.Errorf("Wilson(%d, %d) = %+v, want no interval", c[0], c[1], iv)
		}
	}
}

// Newcombe (Statistics in Medicine 17, 1998, "Interval estimation for the
// difference between independent proportions", Table II, method 10, the
// hybrid score interval).
func TestDiffProportionsAgainstNewcombeTable(t *testing.T) {
	cases := []struct {
		s1, n1, s2, n2 int64
		est, low, high float64
	}{
		{56, 70, 48, 80, 0.2000, 0.0524, 0.3339},
		{9, 10, 3, 10, 0.6000, 0.1705, 0.8090},
		{6, 7, 2, 7, 0.5714, 0.0582, 0.8062},
		{5, 56, 0, 29, 0.0893, -0.0381, 0.1926},
	}
	for _, c := range cases {
		nearInterval(t, "Newcombe", stats.DiffProportions(c.s1, c.n1, c.s2, c.n2), c.est, c.low, c.high, 0.00005)
	}
	if stats.DiffProportions(1, 2, 0, 0).OK {
		t.Error("a difference with an empty arm has an interval")
	}
}

// R: qt(0.975, df).
func TestTQuantileAgainstR(t *testing.T) {
	for _, c := range []struct{ df, want, tol float64 }{
		{3, 3.182446, 0.005}, {5, 2.570582, 0.001}, {10, 2.228139, 0.0005},
		{30, 2.042272, 0.0001}, {1e6, stats.Z95, 0.0001},
	} {
		near(t, "t quantile", stats.TQuantile975(c.df), c.want, c.tol)
	}
	if !math.IsInf(stats.TQuantile975(0.5), 1) {
		t.Error("t quantile below one degree of freedom is finite")
	}
}

// Student's sleep data (R's datasets::sleep): the extra hours of sleep of
// ten patients under each of two drugs.
var (
	sleep1 = []float64{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0}
	sleep2 = []float64{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4}
)

func sample(xs []float64) stats.Sample {
	s := stats.Sample{N: int64(len(xs))}
	for _, x := range xs {
		s.Sum += x
		s.SumSq += x * x
	}
	return s
}

// R: t.test(sleep$extra[1:10]) gives mean 0.75, 95% CI -0.5297804 to
// 2.0297804 (df = 9).
func TestMeanAgainstR(t *testing.T) {
	nearInterval(t, "mean", stats.Mean(sample(sleep1)), 0.75, -0.5297804, 2.0297804, 0.001)
	if stats.Mean(sample([]float64{4})).OK {
		t.Error("a mean of one unit has an interval")
	}
}

// R: t.test(extra ~ group, data = sleep) (Welch) gives t = -1.8608,
// df = 17.776, 95% CI -3.3654832 to 0.2054832 for mean1 - mean2 = -1.58.
func TestDiffMeansAgainstRWelch(t *testing.T) {
	d := stats.DiffMeans(sample(sleep1), sample(sleep2))
	nearInterval(t, "Welch", d, -1.58, -3.3654832, 0.2054832, 0.002)
	if d.Excludes(0) {
		t.Error("the sleep drugs' difference is significant; R says p = 0.079")
	}
}

func TestDiffMeansOfConstantSamples(t *testing.T) {
	d := stats.DiffMeans(sample([]float64{2, 2, 2}), sample([]float64{1, 1}))
	nearInterval(t, "constant Welch", d, 1, 1, 1, 1e-12)
	if !d.Excludes(0) {
		t.Error("a certain difference of 1 does not exclude 0")
	}
}

// Four referrers with (cost, conversions) (10,1), (20,2), (0,0), (30,1):
// R = 60/4 = 15; s²x = 500/3, s²y = 2/3, sxy = 20/3, ȳ = 1, so
// Var(R) = (500/3 - 2·15·20/3 + 225·2/3) / 4 = 29.1667, SE = 5.40062 and
// the interval is 15 ± 1.95996·5.40062 = 4.41498 to 25.58502.
func TestRatioDeltaMethodByHand(t *testing.T) {
	var s stats.PairedSample
	for _, u := range [][2]float64{{10, 1}, {20, 2}, {0, 0}, {30, 1}} {
		s.N++
		s.SumX += u[0]
		s.SumY += u[1]
		s.SumXX += u[0] * u[0]
		s.SumYY += u[1] * u[1]
		s.SumXY += u[0] * u[1]
	}
	nearInterval(t, "ratio", stats.Ratio(s), 15, 4.41498, 25.58502, 0.00001)
	if stats.Ratio(stats.PairedSample{N: 3, SumX: 5}).OK {
		t.Error("a ratio with no conversions has an interval")
	}
}

// Incremental signups are the Welch difference per participant times the
// exposed participants: with the sleep data as "exposed" (10 units) and
// "holdout", it is 10 × (-1.58) with 10 × the Welch bounds.
func TestIncrementalScalesTheWelchDifference(t *testing.T) {
	got := stats.Incremental(sample(sleep2), sample(sleep1))
	nearInterval(t, "incremental", got, 15.8, -2.054832, 33.654832, 0.02)
}

// 1,000 exposed participants bring 0.30 referred signups each (300 of
// them, each brought by a different participant: Σx² = 300) against a
// holdout of 100 with 0.02 (2): the program added 0.28 × 1000 = 280.
// Var: exposed 0.3·0.7·1000/999 = 0.210210, holdout 0.02·0.98·100/99 =
// 0.019798; SE = sqrt(0.210210/1000 + 0.019798/100) = 0.0202037; Welch's
// df = 378.5 (R: qt(0.975, 378.5) = 1.9663), so 280 ± 1000·1.9663·0.0202037
// = 240.27 to 319.73.
func TestIncrementalByHand(t *testing.T) {
	exposed := stats.Sample{N: 1000, Sum: 300, SumSq: 300}
	holdout := stats.Sample{N: 100, Sum: 2, SumSq: 2}
	nearInterval(t, "incremental", stats.Incremental(exposed, holdout), 280, 240.27, 319.73, 0.02)
}

// The ratio above (15, SE 5.40062) against a group whose (cost,
// conversions) are (5,1), (5,1), (10,1), (0,0): R = 20/3 = 6.6667,
// s²x = (150 - 100)/3 = 16.667, s²y = (3 - 2.25)/3 = 0.25,
// sxy = (20 - 15)/3 = 1.6667, ȳ = 0.75, Var = (16.667 - 2·6.6667·1.6667 +
// 44.444·0.25)/(4·0.5625) = 5.5556/2.25 = 2.4691, SE 1.57135. The
// difference 8.3333 has SE sqrt(5.40062² + 1.57135²) = 5.62458, so the
// interval is 8.3333 ± 11.0240 = -2.6907 to 19.3573.
func TestDiffRatiosByHand(t *testing.T) {
	paired := func(units [][2]float64) stats.PairedSample {
		var s stats.PairedSample
		for _, u := range units {
			s.N++
			s.SumX, s.SumY = s.SumX+u[0], s.SumY+u[1]
			s.SumXX, s.SumYY, s.SumXY = s.SumXX+u[0]*u[0], s.SumYY+u[1]*u[1], s.SumXY+u[0]*u[1]
		}
		return s
	}
	a := paired([][2]float64{{10, 1}, {20, 2}, {0, 0}, {30, 1}})
	b := paired([][2]float64{{5, 1}, {5, 1}, {10, 1}, {0, 0}})
	nearInterval(t, "ratio b", stats.Ratio(b), 6.66667, 6.66667-1.95996*1.57135, 6.66667+1.95996*1.57135, 0.0001)
	nearInterval(t, "difference of ratios", stats.DiffRatios(a, b), 8.33333, -2.6907, 19.3573, 0.0005)
}
