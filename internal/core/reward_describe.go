package core

import (
	"fmt"
	"strconv"

	"github.com/referralhub/referralhub"
)

// DescribeReward says what a reward is worth: "10 points", "$10.00 credit",
// "20% off coupon", "14 trial days".
func DescribeReward(r referralhub.Reward) string {
	amount := r.Amount
	if amount < 0 {
		amount = -amount
	}
	switch r.Kind {
	case referralhub.KindPoints:
		return countOf(amount, "point")
	case referralhub.KindCredit:
		return FormatMoney(amount, r.Currency) + " credit"
	case referralhub.KindCoupon:
		if r.PercentOff > 0 {
			return fmt.Sprintf("%d%% off coupon", r.PercentOff)
		}
		return FormatMoney(amount, r.Currency) + " off coupon"
	case referralhub.KindTrialDays:
		return countOf(amount, "trial day")
	}
	return r.Kind
}

// FormatMoney writes minor units of a currency for people: "$10.00",
// "12.50 EUR".
func FormatMoney(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	n := fmt.Sprintf("%d.%02d", minor/100, minor%100)
	switch currency {
	case "usd":
		return sign + "$" + n
	case "eur":
		return sign + "€" + n
	case "gbp":
		return sign + "£" + n
	}
	return sign + n + " " + upper(currency)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// countOf writes "1 point", "10 points".
func countOf(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(n, 10) + " " + noun + "s"
}
