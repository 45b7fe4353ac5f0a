package stats

// Incremental is the program's effect on signups measured against a
// holdout: the difference in referred signups per participant between the
// exposed participants and the holdout (Welch), times the number of
// exposed participants. It answers how many signups the program brought
// that would not have happened without it; its interval is the Welch
// interval scaled the same way (the exposed count is treated as fixed).
func Incremental(exposed, holdout Sample) Interval {
	return DiffMeans(exposed, holdout).Scale(float64(exposed.N))
}
