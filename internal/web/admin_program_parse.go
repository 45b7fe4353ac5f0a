package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// program turns the form into a program. rows[K] is the form row that the
// program's rule K came from, so the core's "rule.K.*" errors can be put
// back beside that row. Deleted and blank rows are left out. Numbers that
// do not parse are field errors keyed by their row.
func (f programForm) program() (p referralhub.Program, rows []int, fe referralhub.FieldErrors) {
	fe = referralhub.FieldErrors{}
	p.Name = strings.TrimSpace(f.Name)
	p.AttributionWindow = daysField(fe, "attribution_window", f.WindowDays)
	p.Hold = daysField(fe, "hold", f.HoldDays)
	p.PointsPerCoupon = wholeField(fe, "points_per_coupon", f.PointsPerCoupon)
	p.CouponValue = moneyField(fe, "coupon_value", f.CouponValue)
	p.CouponCurrency = currencyCode(f.CouponCurrency)
	p.AllowedRedirectHosts = hostList(f.RedirectHosts)
	p.StripeCoupon = strings.TrimSpace(f.StripeCoupon)
	p.EmbedOrigins = originList(f.EmbedOrigins)
	p.ReservedCodes = codeList(f.ReservedCodes)
	p.AddUTM = f.AddUTM
	for _, row := range f.Rules {
		if row.Delete || row.blank() {
			continue
		}
		rows = append(rows, row.N)
		p.Rules = append(p.Rules, row.rule(fe, fmt.Sprintf("rule.%d.", row.N)))
	}
	p.Tiers, p.Badges = f.levels(fe)
	p.Invites = f.inviteSettingsForm.settings(fe)
	return p, rows, fe
}

// hostList splits the redirect hosts as typed, at commas, line breaks and
// spaces, lower-cased and without repeats; nil when there are none. The
// core judges each name, and the length of the list, which is read no
// further than the core allows.
func hostList(typed string) []string {
	var hosts []string
	for _, h := range strings.FieldsFunc(strings.ToLower(typed), func(r rune) bool {
		return r == ',' || unicode.IsSpace(r)
	}) {
		if len(hosts) > core.MaxRedirectHosts { // enough for the core to refuse the list
			break
		}
		if !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// originList splits the embed origins as typed, like hostList, without a
// trailing slash: "https://Shop.example.com/" is https://shop.example.com.
func originList(typed string) []string {
	var origins []string
	for _, o := range strings.FieldsFunc(strings.ToLower(typed), func(r rune) bool {
		return r == ',' || unicode.IsSpace(r)
	}) {
		if len(origins) > core.MaxEmbedOrigins { // enough for the core to refuse the list
			break
		}
		if o = strings.TrimSuffix(o, "/"); !slices.Contains(origins, o) {
			origins = append(origins, o)
		}
	}
	return origins
}

// rule reads one row; field errors are named prefix+field.
func (row ruleForm) rule(fe referralhub.FieldErrors, prefix string) referralhub.Rule {
	r := referralhub.Rule{Trigger: strings.TrimSpace(row.Trigger), MinCurrency: currencyCode(row.MinCurrency),
		FirstOnly: row.FirstOnly, Segment: row.Segment, CapPeriod: row.CapPeriod}
	if r.Trigger == choiceCustom {
		r.Trigger = strings.TrimSpace(row.Event)
	}
	if r.Segment == choiceAny {
		r.Segment = ""
	}
	if r.Segment != "" && row.SegmentOf != referralhub.SegmentFriend {
		r.SegmentOf = row.SegmentOf // "" (the friend's, as before) unless the beneficiary's is chosen
	}
	if r.CapPeriod == choiceNone {
		r.CapPeriod = ""
	}
	var ok bool
	if r.ID, ok = parseWhole(row.ID); !ok {
		fe.Add("rules", "A rule's id was not understood. Reload the page and make the change again.")
	}
	r.MinAmount = moneyField(fe, prefix+"min_amount", row.MinAmount)
	r.Referrer = row.Referrer.spec(fe, prefix+referralhub.SideReferrer)
	r.Referee = row.Referee.spec(fe, prefix+referralhub.SideReferee)
	if strings.TrimSpace(row.HoldDays) != "" {
		hold := daysField(fe, prefix+"hold", row.HoldDays)
		r.Hold = &hold
	}
	r.CapCount = wholeField(fe, prefix+"cap", row.CapCount)
	if capInMoney(r) {
		r.CapValue = moneyField(fe, prefix+"cap", row.CapValue)
	} else {
		r.CapValue = wholeField(fe, prefix+"cap", row.CapValue)
	}
	return r
}

// spec reads one side's reward; nil when the side gets nothing.
func (sf sideForm) spec(fe referralhub.FieldErrors, field string) *referralhub.RewardSpec {
	if isNone(sf.Kind) {
		return nil
	}
	spec := &referralhub.RewardSpec{Kind: sf.Kind}
	if !moneyKind(sf.Kind) {
		spec.Amount = wholeField(fe, field, sf.Amount)
		return spec
	}
	spec.Amount = moneyField(fe, field, sf.Amount)
	spec.Currency = currencyCode(sf.Currency)
	if sf.Kind == referralhub.KindCoupon {
		spec.PercentOff = wholeField(fe, field, sf.Percent)
	}
	return spec
}

// rowErrors renames the core's field errors "rule.K.*", K counted over the
// rules sent, after the form rows they came from.
func rowErrors(fields map[string]string, rows []int) map[string]string {
	out := make(map[string]string, len(fields))
	for name, msg := range fields {
		if rest, ok := strings.CutPrefix(name, "rule."); ok {
			k, field, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(rows) {
				name = fmt.Sprintf("rule.%d.%s", rows[i], field)
			}
		}
		out[name] = msg
	}
	return out
}

// codeList splits the reserved codes as typed, like hostList; the core
// judges each one and the list's length.
func codeList(typed string) []string {
	var codes []string
	for _, c := range strings.FieldsFunc(strings.ToLower(typed), func(r rune) bool {
		return r == ',' || unicode.IsSpace(r)
	}) {
		if len(codes) > core.MaxReservedCodes {
			break
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes
}
