package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// levelForm is one tier or badge row as typed: "tier.N.*" or "badge.N.*".
// Multiplier is a tier's reward multiplier in percent.
type levelForm struct {
	N                           int
	Name, Threshold, Multiplier string
}

func (l levelForm) blank() bool {
	return strings.TrimSpace(l.Name) == "" && strings.TrimSpace(l.Threshold) == ""
}

// readLevels reads the tier and badge rows of a posted program form. A
// form without them (tier_rows absent) leaves both nil: the program keeps
// the ones it has.
func readLevels(form url.Values, f *programForm) {
	if form.Get("tier_rows") == "" {
		return
	}
	f.HasLevels = true
	for i := range core.MaxTiers {
		p := "tier." + strconv.Itoa(i) + "."
		f.Tiers = append(f.Tiers, levelForm{N: i, Name: form.Get(p + "name"), Threshold: form.Get(p + "threshold"),
			Multiplier: form.Get(p + "multiplier")})
	}
	for i := range core.MaxBadges {
		p := "badge." + strconv.Itoa(i) + "."
		f.Badges = append(f.Badges, levelForm{N: i, Name: form.Get(p + "name"), Threshold: form.Get(p + "threshold")})
	}
}

// levels turns the typed rows into tiers and badges, skipping blank rows;
// numbers that do not parse are errors on "tiers" or "badges".
func (f programForm) levels(fe referralhub.FieldErrors) ([]referralhub.Tier, []referralhub.Badge) {
	if !f.HasLevels {
		return nil, nil
	}
	tiers, badges := []referralhub.Tier{}, []referralhub.Badge{}
	for _, row := range f.Tiers {
		if row.blank() {
			continue
		}
		mult := int64(100)
		if strings.TrimSpace(row.Multiplier) != "" {
			mult = wholeField(fe, "tiers", row.Multiplier)
		}
		tiers = append(tiers, referralhub.Tier{Name: strings.TrimSpace(row.Name),
			Threshold: wholeField(fe, "tiers", row.Threshold), MultiplierPercent: mult})
	}
	for _, row := range f.Badges {
		if !row.blank() {
			badges = append(badges, referralhub.Badge{Name: strings.TrimSpace(row.Name), Threshold: wholeField(fe, "badges", row.Threshold)})
		}
	}
	return tiers, badges
}

// levelFormsFrom fills the tier and badge rows from a program, with blank
// rows up to the maximum for adding more.
func levelFormsFrom(p referralhub.Program, f *programForm) {
	f.HasLevels = true
	tiers, badges := p.TiersOrDefault(), p.BadgesOrDefault()
	for i := range core.MaxTiers {
		row := levelForm{N: i}
		if i < len(tiers) {
			row.Name, row.Threshold = tiers[i].Name, strconv.FormatInt(tiers[i].Threshold, 10)
			row.Multiplier = strconv.FormatInt(tiers[i].MultiplierPercent, 10)
		}
		f.Tiers = append(f.Tiers, row)
	}
	for i := range core.MaxBadges {
		row := levelForm{N: i}
		if i < len(badges) {
			row.Name, row.Threshold = badges[i].Name, strconv.FormatInt(badges[i].Threshold, 10)
		}
		f.Badges = append(f.Badges, row)
	}
}
