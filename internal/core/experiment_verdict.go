package core

import (
	"fmt"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/stats"
)

// The verdict rules. A comparison says "not enough data yet" while either
// arm has fewer than MinPerArm units, or while its 95% interval crosses
// zero and either arm has fewer than ConclusivePerArm units; it says "no
// difference detected" when the interval still crosses zero with at least
// ConclusivePerArm units in each arm; otherwise the arm is ahead or behind.
const (
	MinPerArm        = 30
	ConclusivePerArm = 1000
)

// Verdict kinds, for templates and the API.
const (
	VerdictTooEarly     = "too_early"
	VerdictAhead        = "ahead"
	VerdictBehind       = "behind"
	VerdictNoDifference = "no_difference"
)

// Verdict is a plain-words reading of one comparison.
type Verdict struct {
	Kind string // one of the Verdict* kinds
	Text string
}

// compareVerdict reads diff, the interval of arm minus baseline, measured
// on na and nb units. higherIsBetter is false for a cost.
func compareVerdict(arm, baseline string, diff stats.Interval, na, nb int64, higherIsBetter bool) Verdict {
	small := min(na, nb)
	switch {
	case !diff.OK || small < MinPerArm:
		return Verdict{VerdictTooEarly, fmt.Sprintf("Not enough data yet: each arm needs at least %d (the smaller has %d).", MinPerArm, small)}
	case !diff.Excludes(0) && small < ConclusivePerArm:
		return Verdict{VerdictTooEarly, fmt.Sprintf("Not enough data yet: no difference so far, and each arm needs %d before that means anything.", ConclusivePerArm)}
	case !diff.Excludes(0):
		return Verdict{VerdictNoDifference, fmt.Sprintf("No difference detected between %s and %s.", armName(arm), armName(baseline))}
	case (diff.Low > 0) == higherIsBetter:
		return Verdict{VerdictAhead, sentence(fmt.Sprintf("%s is ahead of %s.", armName(arm), armName(baseline)))}
	default:
		return Verdict{VerdictBehind, sentence(fmt.Sprintf("%s is behind %s.", armName(arm), armName(baseline)))}
	}
}

// incrementalVerdict reads the program's incremental signups over the
// holdout, measured on exposed and holdout participants.
func incrementalVerdict(inc stats.Interval, exposed, holdout int64) Verdict {
	small := min(exposed, holdout)
	switch {
	case !inc.OK || small < MinPerArm:
		return Verdict{VerdictTooEarly, fmt.Sprintf("Not enough data yet: the holdout and the exposed need at least %d participants each (the smaller has %d).", MinPerArm, small)}
	case !inc.Excludes(0) && small < ConclusivePerArm:
		return Verdict{VerdictTooEarly, fmt.Sprintf("Not enough data yet: no effect so far, and each group needs %d participants before that means anything.", ConclusivePerArm)}
	case !inc.Excludes(0):
		return Verdict{VerdictNoDifference, "No effect detected: the exposed bring no more signups than the holdout."}
	case inc.Low > 0:
		return Verdict{VerdictAhead, fmt.Sprintf("The program is adding signups: about %.0f (95%% CI %.0f to %.0f) over the holdout.", inc.Estimate, inc.Low, inc.High)}
	default:
		return Verdict{VerdictBehind, "The exposed bring fewer signups than the holdout."}
	}
}

// armName is how a verdict names an arm.
func armName(arm string) string {
	if arm == referralhub.ArmHoldout {
		return "the holdout"
	}
	return "variant " + arm
}

// sentence starts s with a capital letter (arm names are ASCII).
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
