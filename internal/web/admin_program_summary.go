package web

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
)

// changeSummary says in a line what saving next over cur changes, for the
// program's history: "Changed the name; edited rule #2; added a rule."
func changeSummary(cur, next referralhub.Program) string {
	var parts []string
	if cur.Name != next.Name {
		parts = append(parts, "changed the name")
	}
	if cur.AttributionWindow != next.AttributionWindow {
		parts = append(parts, "changed the attribution window")
	}
	if cur.Hold != next.Hold {
		parts = append(parts, "changed the hold")
	}
	if cur.PointsPerCoupon != next.PointsPerCoupon || cur.CouponValue != next.CouponValue || cur.CouponCurrency != next.CouponCurrency {
		parts = append(parts, "changed points redemption")
	}
	if !slices.Equal(cur.AllowedRedirectHosts, next.AllowedRedirectHosts) {
		parts = append(parts, "changed the redirect hosts")
	}
	if cur.StripeCoupon != next.StripeCoupon {
		parts = append(parts, "changed the Stripe coupon for friends")
	}
	if !slices.Equal(cur.EmbedOrigins, next.EmbedOrigins) {
		parts = append(parts, "changed the sites that may embed the referral page")
	}
	if cur.AddUTM != next.AddUTM {
		parts = append(parts, "changed the UTM parameters")
	}
	if !slices.Equal(cur.ReservedCodes, next.ReservedCodes) {
		parts = append(parts, "changed the reserved codes")
	}
	if next.Tiers != nil && !slices.Equal(cur.TiersOrDefault(), next.Tiers) {
		parts = append(parts, "changed the tiers")
	}
	if next.Badges != nil && !slices.Equal(cur.BadgesOrDefault(), next.Badges) {
		parts = append(parts, "changed the badges")
	}
	if next.Invites != nil && cur.InvitesOrDefault() != *next.Invites {
		parts = append(parts, "changed the invitation settings")
	}
	parts = append(parts, ruleChanges(cur.Rules, next.Rules)...)
	if len(parts) == 0 {
		return "Saved without changes."
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// ruleChanges lists rules edited, deleted and added, by id.
func ruleChanges(cur, next []referralhub.Rule) []string {
	old := make(map[int64]referralhub.Rule, len(cur))
	for _, r := range cur {
		old[r.ID] = r
	}
	var parts []string
	added := 0
	for _, r := range next {
		prev, ok := old[r.ID]
		switch {
		case !ok:
			added++
		case !reflect.DeepEqual(prev, r):
			parts = append(parts, fmt.Sprintf("edited rule #%d", r.ID))
		}
		delete(old, r.ID)
	}
	for _, id := range slices.Sorted(maps.Keys(old)) {
		parts = append(parts, fmt.Sprintf("deleted rule #%d", id))
	}
	switch {
	case added == 1:
		parts = append(parts, "added a rule")
	case added > 1:
		parts = append(parts, fmt.Sprintf("added %d rules", added))
	}
	return parts
}
