package core

import (
	"fmt"

	"github.com/referralhub/referralhub"
)

// Experiment limits.
const (
	MinVariants       = 2
	MaxVariants       = 4
	MaxHoldoutPercent = 50
	maxVariantWeight  = 100
)

// variantKeys name the variants in the order given.
var variantKeys = [MaxVariants]string{"A", "B", "C", "D"}

// ExperimentDraft is what an admin gives to start an experiment on a
// campaign: a name, the holdout share and two to four variants with their
// weights and rules. Variants' keys are given by their order (A, B, ...).
type ExperimentDraft struct {
	CampaignID     int64
	Name           string
	HoldoutPercent int
	Variants       []referralhub.Variant
}

// ValidateExperiment checks a draft. Field errors are named "name",
// "holdout_percent", "variants" and, per variant N (from 0),
// "variant.N.name", "variant.N.weight", "variant.N.rules" and
// "variant.N.rule.M.FIELD".
func ValidateExperiment(d ExperimentDraft) error {
	fe := referralhub.FieldErrors{}
	if d.Name == "" || len(d.Name) > 100 || !IsText(d.Name) {
		fe.Add("name", "Give the experiment a name of up to 100 characters.")
	}
	if d.HoldoutPercent < 0 || d.HoldoutPercent > MaxHoldoutPercent {
		fe.Add("holdout_percent", fmt.Sprintf("The holdout is 0 to %d percent of new participants.", MaxHoldoutPercent))
	}
	if len(d.Variants) < MinVariants || len(d.Variants) > MaxVariants {
		fe.Add("variants", fmt.Sprintf("An experiment has %d to %d variants.", MinVariants, MaxVariants))
	}
	for i, v := range d.Variants {
		prefix := fmt.Sprintf("variant.%d.", i)
		if len(v.Name) > 60 || !IsText(v.Name) {
			fe.Add(prefix+"name", "A variant's name is up to 60 characters.")
		}
		if v.Weight < 1 || v.Weight > maxVariantWeight {
			fe.Add(prefix+"weight", fmt.Sprintf("A weight is a whole number from 1 to %d.", maxVariantWeight))
		}
		if len(v.Rules) > MaxRules {
			fe.Add(prefix+"rules", fmt.Sprintf("A variant has at most %d rules.", MaxRules))
		}
		for j, r := range v.Rules {
			checkRule(fe, fmt.Sprintf("%srule.%d.", prefix, j), r)
		}
	}
	return fe.Err()
}

// numberVariants gives the variants their keys and default names, checks
// that every rule id is one of the campaign's (once per variant), and
// numbers new rules from prog's next id on, across all the variants, so
// no two rules ever share an id. It returns prog's next id after them.
func numberVariants(variants []referralhub.Variant, prog referralhub.Program) ([]referralhub.Variant, int64, error) {
	known := map[int64]bool{}
	for _, r := range prog.Rules {
		known[r.ID] = true
	}
	next := max(prog.NextRuleID, 1)
	fe := referralhub.FieldErrors{}
	out := make([]referralhub.Variant, len(variants))
	for i, v := range variants {
		v.Key = variantKeys[i]
		if v.Name == "" {
			v.Name = "Variant " + v.Key
		}
		v.Rules = append([]referralhub.Rule(nil), v.Rules...)
		seen := map[int64]bool{}
		for j := range v.Rules {
			id := v.Rules[j].ID
			switch {
			case id == 0:
				v.Rules[j].ID = next
				next++
			case !known[id] || seen[id]:
				fe.Add(fmt.Sprintf("variant.%d.rule.%d.id", i, j), fmt.Sprintf("Rule %d is not one of the campaign's rules (or appears twice); leave the id out for a new rule.", id))
			}
			seen[id] = true
		}
		out[i] = v
	}
	return out, next, fe.Err()
}
