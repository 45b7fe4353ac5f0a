package core

import (
	"fmt"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
)

// Bounds of tiers and badges.
const (
	MaxTiers      = 8
	MaxBadges     = 12
	maxLevelName  = 30
	minMultiplier = 10   // percent
	maxMultiplier = 1000 // percent
)

// checkTiers checks a program's tiers: nil keeps the defaults; otherwise
// 1 to MaxTiers of them, named (names tell their events apart), the first
// at 0 referrals and each above the one before.
func checkTiers(fe referralhub.FieldErrors, tiers []referralhub.Tier) {
	if tiers == nil {
		return
	}
	if len(tiers) == 0 || len(tiers) > MaxTiers {
		fe.Add("tiers", fmt.Sprintf("Give 1 to %d tiers.", MaxTiers))
		return
	}
	seen := map[string]bool{}
	for i, t := range tiers {
		switch slug := referralhub.Slug(t.Name); {
		case !levelName(t.Name) || slug == "":
			fe.Add("tiers", "Name every tier, in up to 30 characters with a letter or digit.")
		case seen[slug]:
			fe.Add("tiers", fmt.Sprintf("Two tiers are both called %q.", t.Name))
		default:
			seen[slug] = true
		}
		if i == 0 && t.Threshold != 0 {
			fe.Add("tiers", "The first tier starts at 0 referrals: everyone is in it.")
		}
		if i > 0 && t.Threshold <= tiers[i-1].Threshold {
			fe.Add("tiers", "Each tier needs more referrals than the one before.")
		}
		if t.MultiplierPercent < minMultiplier || t.MultiplierPercent > maxMultiplier {
			fe.Add("tiers", "A tier's reward multiplier is between 10% and 1000% (100% pays rewards as they are).")
		}
	}
}

// checkBadges checks a program's badges: up to MaxBadges, named, each at
// more referrals than the one before (at least 1).
func checkBadges(fe referralhub.FieldErrors, badges []referralhub.Badge) {
	if len(badges) > MaxBadges {
		fe.Add("badges", fmt.Sprintf("Give at most %d badges.", MaxBadges))
		return
	}
	for i, b := range badges {
		if !levelName(b.Name) {
			fe.Add("badges", "Name every badge, in up to 30 characters.")
		}
		if b.Threshold < 1 || i > 0 && b.Threshold <= badges[i-1].Threshold {
			fe.Add("badges", "Each badge needs at least 1 referral, and more than the badge before.")
		}
	}
}

func levelName(name string) bool {
	return name != "" && utf8.RuneCountInString(name) <= maxLevelName && IsText(name)
}
