package web

import (
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
)

// programFormFrom fills the form with a saved program, plus a blank row.
func programFormFrom(p referralhub.Program) programForm {
	f := programForm{Name: p.Name, WindowDays: formatDays(p.AttributionWindow), HoldDays: formatDays(p.Hold),
		PointsPerCoupon: strconv.FormatInt(p.PointsPerCoupon, 10), CouponValue: formatMoneyInput(p.CouponValue),
		CouponCurrency: p.CouponCurrency, RedirectHosts: strings.Join(p.AllowedRedirectHosts, "\n"), StripeCoupon: p.StripeCoupon,
		EmbedOrigins: strings.Join(p.EmbedOrigins, "\n"), ReservedCodes: strings.Join(p.ReservedCodes, "\n"),
		AddUTM: p.AddUTM}
	for i, r := range p.Rules {
		f.Rules = append(f.Rules, ruleFormFrom(i, r))
	}
	levelFormsFrom(p, &f)
	f.inviteSettingsForm = inviteSettingsFormFrom(p)
	return f.withBlankRow()
}

func ruleFormFrom(n int, r referralhub.Rule) ruleForm {
	row := blankRule(n)
	row.ID = strconv.FormatInt(r.ID, 10)
	row.Trigger = r.Trigger
	if !builtinTrigger(r.Trigger) {
		row.Trigger, row.Event = choiceCustom, r.Trigger
	}
	row.MinAmount, row.MinCurrency, row.FirstOnly = formatMoneyInput(r.MinAmount), r.MinCurrency, r.FirstOnly
	if r.Segment != "" {
		row.Segment = r.Segment
	}
	if r.SegmentOf != "" {
		row.SegmentOf = r.SegmentOf
	}
	row.Referrer = sideFormFrom(row.Referrer, r.Referrer)
	row.Referee = sideFormFrom(row.Referee, r.Referee)
	if r.Hold != nil {
		row.HoldDays = formatDays(*r.Hold)
	}
	row.CapCount = formatWholeInput(r.CapCount)
	row.CapValue = formatWholeInput(r.CapValue)
	if capInMoney(r) {
		row.CapValue = formatMoneyInput(r.CapValue)
	}
	if r.CapPeriod != "" {
		row.CapPeriod = r.CapPeriod
	}
	return row
}

func sideFormFrom(sf sideForm, spec *referralhub.RewardSpec) sideForm {
	if spec == nil {
		return sf
	}
	sf.Kind, sf.Currency, sf.Percent = spec.Kind, spec.Currency, formatWholeInput(spec.PercentOff)
	sf.Amount = formatWholeInput(spec.Amount)
	if moneyKind(spec.Kind) {
		sf.Amount = formatMoneyInput(spec.Amount)
	}
	return sf
}

func builtinTrigger(t string) bool {
	return t == referralhub.EventSignup || t == referralhub.EventEmailVerified || t == referralhub.EventPurchase
}

// moneyKind reports whether a reward kind's amount is money: credit, and a
// coupon's amount off.
func moneyKind(kind string) bool {
	return kind == referralhub.KindCredit || kind == referralhub.KindCoupon
}

// capInMoney reports whether a rule's value cap is typed as money. The cap
// counts in the unit of the rule's reward, the referrer's when there is one.
func capInMoney(r referralhub.Rule) bool {
	spec := r.Referrer
	if spec == nil {
		spec = r.Referee
	}
	return spec != nil && moneyKind(spec.Kind) && spec.PercentOff == 0
}
