package core

import (
	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/stats"
	"github.com/referralhub/referralhub/internal/storage"
)

// armsInOrder puts the arms' figures in the experiment's order, the
// variants then the holdout, with an empty arm for one nobody is in yet.
func armsInOrder(exp referralhub.Experiment, figs []storage.ArmFigures) []ArmFigures {
	by := map[string]storage.ArmFigures{}
	for _, f := range figs {
		by[f.Arm] = f
	}
	var out []ArmFigures
	for _, v := range exp.Variants {
		out = append(out, armFigures(v.Key, by[v.Key]))
	}
	if exp.HoldoutPercent > 0 {
		out = append(out, armFigures(referralhub.ArmHoldout, by[referralhub.ArmHoldout]))
	}
	return out
}

// armFigures turns storage's sums for one arm into the samples the
// intervals take.
func armFigures(arm string, f storage.ArmFigures) ArmFigures {
	a := ArmFigures{Arm: arm, Participants: f.Participants, Sharers: f.Sharers, Converted: int64(f.Converted),
		Clicks:  stats.Sample{N: f.Participants, Sum: f.Clicks, SumSq: f.ClicksSq},
		Signups: stats.Sample{N: f.Participants, Sum: f.Signups, SumSq: f.SignupsSq}}
	for _, c := range f.Costs {
		if a.Costs == nil {
			a.Costs = map[string]stats.PairedSample{}
		}
		a.Costs[c.Currency] = stats.PairedSample{N: f.Participants, SumX: c.Sum, SumXX: c.SumSq, SumXY: c.SumXY,
			SumY: f.Converted, SumYY: f.ConvertedSq}
	}
	return a
}
