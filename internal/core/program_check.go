package core

import (
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
)

// Program limits.
const (
	MaxRules        = 50
	maxWindow       = 365 * 24 * time.Hour
	maxTrialDays    = 3650
	maxRewardAmount = 1_000_000_000
	// MaxRedirectHosts bounds a program's allowed redirect hosts.
	MaxRedirectHosts = 100
	// MaxReservedCodes bounds the program's own list of reserved codes.
	MaxReservedCodes = 1000
)

// ValidateProgram checks a program an admin submitted. Field errors are
// named "name", "attribution_window", "hold", "points_per_coupon",
// "redirect_hosts", "stripe_coupon", "embed_origins", "reserved_codes",
// "invite_daily_limit", "invite_reminder_days" and, per rule, "rule.N.FIELD"
// with N counted from 0.
func ValidateProgram(p referralhub.Program) error {
	fe := referralhub.FieldErrors{}
	if p.Name == "" || len(p.Name) > 100 || !IsText(p.Name) {
		fe.Add("name", "Give the program a name of up to 100 characters.")
	}
	if p.AttributionWindow < time.Hour || p.AttributionWindow > maxWindow {
		fe.Add("attribution_window", "The attribution window is between 1 hour and 365 days.")
	}
	if p.Hold < 0 || p.Hold > maxWindow {
		fe.Add("hold", "The hold period is between 0 and 365 days.")
	}
	if p.PointsPerCoupon < 0 || p.PointsPerCoupon > 0 && (p.CouponValue <= 0 || !isCurrency(p.CouponCurrency)) {
		fe.Add("points_per_coupon", "To let points buy coupons, give the points, a coupon value and a currency such as usd.")
	}
	checkRedirectHosts(fe, p.AllowedRedirectHosts)
	if !validStripeCoupon(p.StripeCoupon) {
		fe.Add("stripe_coupon", "Give the id of a coupon in your Stripe account, such as FRIEND10, or leave it empty.")
	}
	checkEmbedOrigins(fe, p.EmbedOrigins)
	checkReservedCodes(fe, p.ReservedCodes)
	checkInviteSettings(fe, p.Invites)
	if len(p.Rules) > MaxRules {
		fe.Add("rules", fmt.Sprintf("A program has at most %d rules.", MaxRules))
	}
	for i, r := range p.Rules {
		checkRule(fe, fmt.Sprintf("rule.%d.", i), r)
	}
	checkTiers(fe, p.Tiers)
	checkBadges(fe, p.Badges)
	return fe.Err()
}

// checkRule checks one rule, naming its field errors prefix+FIELD.
func checkRule(fe referralhub.FieldErrors, prefix string, r referralhub.Rule) {
	checkRuleTrigger(fe, prefix, r)
	checkRuleAudience(fe, prefix, r)
	checkRuleRewards(fe, prefix, r)
	checkRuleLimits(fe, prefix, r)
}

// checkRuleTrigger checks what sets a rule off: its event and, for
// purchases, the minimum amount and "first purchase only".
func checkRuleTrigger(fe referralhub.FieldErrors, prefix string, r referralhub.Rule) {
	if !IsEventName(r.Trigger) || r.Trigger == referralhub.EventClick || r.Trigger == referralhub.EventRefund {
		fe.Add(prefix+"trigger", "Choose signup, email_verified, purchase or a custom event name (a-z, 0-9, _ . -).")
	}
	if r.MinAmount < 0 || r.MinAmount > 0 && !isCurrency(r.MinCurrency) {
		fe.Add(prefix+"min_amount", "A minimum amount needs a currency such as usd.")
	}
	if (r.MinAmount > 0 || r.FirstOnly) && r.Trigger != referralhub.EventPurchase {
		fe.Add(prefix+"min_amount", "A minimum amount and 'first purchase only' apply to purchases.")
	}
}

// checkRuleAudience checks whom a rule rewards: the segment and the sides,
// which a tier or badge rule limits to the achiever.
func checkRuleAudience(fe referralhub.FieldErrors, prefix string, r referralhub.Rule) {
	if r.Segment != "" && r.Segment != referralhub.PlanFree && r.Segment != referralhub.PlanPaid {
		fe.Add(prefix+"segment", "The segment is any plan, free or paid.")
	}
	if r.SegmentOf != "" && r.SegmentOf != referralhub.SegmentFriend && r.SegmentOf != referralhub.SegmentBeneficiary {
		fe.Add(prefix+"segment", "The plan is the friend's or each beneficiary's own.")
	}
	if r.Referrer == nil && r.Referee == nil {
		fe.Add(prefix+"referrer", "Reward the referrer, the friend or both.")
	}
	if referralhub.IsAchievementEvent(r.Trigger) && r.Referee != nil {
		fe.Add(prefix+"referee", "A tier or badge rewards the person who reached it: set the referrer's reward only.")
	}
	if referralhub.IsAchievementEvent(r.Trigger) && r.Segment != "" {
		fe.Add(prefix+"segment", "A tier or badge rule applies to everyone who reaches it: choose any plan.")
	}
}

// checkRuleRewards checks each side's reward.
func checkRuleRewards(fe referralhub.FieldErrors, prefix string, r referralhub.Rule) {
	if r.Referrer != nil {
		if msg := checkSpec(*r.Referrer); msg != "" {
			fe.Add(prefix+"referrer", msg)
		}
	}
	if r.Referee != nil {
		if msg := checkSpec(*r.Referee); msg != "" {
			fe.Add(prefix+"referee", msg)
		}
	}
}

// checkRuleLimits checks a rule's hold and caps.
func checkRuleLimits(fe referralhub.FieldErrors, prefix string, r referralhub.Rule) {
	if r.Hold != nil && (*r.Hold < 0 || *r.Hold > maxWindow) {
		fe.Add(prefix+"hold", "The hold is between 0 and 365 days.")
	}
	if r.CapCount < 0 || r.CapValue < 0 {
		fe.Add(prefix+"cap", "Caps are 0 (none) or more.")
	}
	switch r.CapPeriod {
	case referralhub.PeriodDay, referralhub.PeriodMonth, referralhub.PeriodLife:
	case "":
		if r.CapCount > 0 || r.CapValue > 0 {
			fe.Add(prefix+"cap", "Say whether the cap is per day, per month or for life.")
		}
	default:
		fe.Add(prefix+"cap", "Caps are per day, per month or for life.")
	}
}

// checkRedirectHosts checks the hosts a referral link may send visitors to.
func checkRedirectHosts(fe referralhub.FieldErrors, hosts []string) {
	if len(hosts) > MaxRedirectHosts {
		fe.Add("redirect_hosts", fmt.Sprintf("List at most %d hosts.", MaxRedirectHosts))
	}
	for _, h := range hosts {
		if !ValidRedirectHost(h) {
			if len(h) > 60 {
				h = strings.ToValidUTF8(h[:60], "") + "…"
			}
			fe.Add("redirect_hosts", fmt.Sprintf("%q is not a host name such as shop.example.com, or *.example.com for its subdomains.", h))
		}
	}
}

// ValidRedirectHost reports whether pattern can be an allowed redirect
// host: a lower-case ASCII host name (an international one in its xn--
// form), or "*." and a name of at least two labels, for its subdomains.
func ValidRedirectHost(pattern string) bool {
	name, wild := strings.CutPrefix(pattern, "*.")
	return isHostName(name) && (!wild || strings.Contains(name, "."))
}

// isHostName reports whether name is a lower-case ASCII DNS name: labels of
// 1 to 63 of a-z, 0-9 and "-", not at either end, 253 bytes in all.
func isHostName(name string) bool {
	if len(name) == 0 || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := range len(label) {
			if c := label[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func checkSpec(s referralhub.RewardSpec) string {
	switch s.Kind {
	case referralhub.KindPoints:
		if s.Amount <= 0 || s.Amount > maxRewardAmount {
			return "Give a number of points above 0."
		}
	case referralhub.KindCredit:
		if s.Amount <= 0 || s.Amount > maxRewardAmount || !isCurrency(s.Currency) {
			return "Credit needs an amount above 0 and a currency such as usd."
		}
	case referralhub.KindCoupon:
		percent := s.PercentOff > 0 && s.PercentOff <= 100 && s.Amount == 0
		amount := s.PercentOff == 0 && s.Amount > 0 && s.Amount <= maxRewardAmount && isCurrency(s.Currency)
		if !percent && !amount {
			return "A coupon is a percent off (1 to 100) or an amount off with a currency."
		}
	case referralhub.KindTrialDays:
		if s.Amount <= 0 || s.Amount > maxTrialDays {
			return "Trial days are between 1 and 3650."
		}
	default:
		return "Choose points, credit, a coupon or trial days."
	}
	return ""
}

// isCurrency reports whether c looks like a lower-case ISO 4217 code.
func isCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := range 3 {
		if c[i] < 'a' || c[i] > 'z' {
			return false
		}
	}
	return true
}

// IsEventName reports whether name is a valid event name: 1 to 64 of a-z,
// 0-9, "_", "." and "-", starting with a letter.
func IsEventName(name string) bool {
	if len(name) == 0 || len(name) > 64 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validStripeCoupon accepts "" (no promotion codes) or a Stripe coupon id:
// up to 200 printable characters without spaces.
func validStripeCoupon(id string) bool {
	return len(id) <= 200 && isLine(id) && !strings.ContainsAny(id, " \t")
}

// checkReservedCodes checks the admin's list of codes nobody may choose:
// each is what a code can be, lower-case.
func checkReservedCodes(fe referralhub.FieldErrors, codes []string) {
	if len(codes) > MaxReservedCodes {
		fe.Add("reserved_codes", fmt.Sprintf("List at most %d reserved codes.", MaxReservedCodes))
	}
	for _, c := range codes {
		if len(c) > MaxCodeLength || !isCodeText(c) {
			if len(c) > 30 {
				c = strings.ToValidUTF8(c[:30], "") + "…"
			}
			fe.Add("reserved_codes", fmt.Sprintf("%q cannot be a code: codes have up to %d of the letters a to z, the digits 0 to 9 and hyphens.", c, MaxCodeLength))
		}
	}
}

// isCodeText reports whether s is made of a-z, 0-9 and "-" only, and is
// not empty.
func isCodeText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}
