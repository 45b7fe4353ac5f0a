package web

import (
	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// option is one choice of a select.
type option struct{ Value, Label string }

// formChoices are the program form's selects.
type formChoices struct {
	Triggers, Segments, SegmentOf, Kinds, Periods []option
}

func programChoices() formChoices {
	return formChoices{
		Triggers: []option{{referralhub.EventSignup, "Signs up"}, {referralhub.EventEmailVerified, "Verifies their email"},
			{referralhub.EventPurchase, "Makes a purchase"}, {choiceCustom, "Custom event…"}},
		Segments: []option{{choiceAny, "Any plan"}, {referralhub.PlanFree, "Free plan"}, {referralhub.PlanPaid, "Paid plan"}},
		SegmentOf: []option{{referralhub.SegmentFriend, "The friend's plan"},
			{referralhub.SegmentBeneficiary, "Each beneficiary's own plan"}},
		Kinds: []option{{choiceNone, "Nothing"}, {referralhub.KindPoints, "Points"}, {referralhub.KindCredit, "Account credit"},
			{referralhub.KindCoupon, "Coupon"}, {referralhub.KindTrialDays, "Trial days"}},
		Periods: []option{{choiceNone, "No cap"}, {referralhub.PeriodDay, "Per day"}, {referralhub.PeriodMonth, "Per month"},
			{referralhub.PeriodLife, "For life"}},
	}
}

// presetView is one preset button.
type presetView struct {
	Key, Name, Description string
}

// presetViews lists the core's presets with a line on what each does.
func presetViews() []presetView {
	var out []presetView
	for _, key := range core.Presets() {
		out = append(out, presetView{Key: key, Name: core.PresetName(key), Description: presetDescription(key)})
	}
	return out
}

func presetDescription(key string) string {
	switch key {
	case core.PresetDefault:
		return "The referrer earns points for each friend who signs up."
	case core.PresetGiveGet:
		return "Both sides get $10 of credit on the friend's first purchase."
	case core.PresetDropbox:
		return "Both sides earn 500 points when the friend verifies their email, up to 32 friends; referrers on the free plan also get 7 trial days per friend."
	}
	return ""
}
