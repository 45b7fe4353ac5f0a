package stripepay

import (
	"strings"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
)

// Limits Stripe puts on what we send.
const (
	// maxKeyLen is the longest idempotencyKey accepted: Stripe allows 255
	// bytes, less room for the "-promotion" suffix.
	maxKeyLen = 240
	// maxCouponName is Stripe's limit on a coupon's name, in characters.
	maxCouponName = 40
)

func invalid(format string, args ...any) error {
	return referralhub.Errorf(referralhub.EINVALID, "stripe: "+format, args...)
}

func checkKey(key string) error {
	switch {
	case key == "":
		return invalid("an idempotency key is required")
	case strings.TrimSpace(key) != key:
		return invalid("the idempotency key has surrounding spaces")
	case len(key) > maxKeyLen:
		return invalid("the idempotency key is longer than %d bytes", maxKeyLen)
	}
	return nil
}

// checkCurrency wants a lower-case three-letter ISO 4217 code.
func checkCurrency(cur string) error {
	if len(cur) != 3 || strings.Trim(cur, "abcdefghijklmnopqrstuvwxyz") != "" {
		return invalid("currency %q is not a lower-case ISO code such as \"usd\"", cur)
	}
	return nil
}

// Validate reports whether cp describes exactly one kind of discount that
// Stripe will accept.
func (cp Coupon) Validate() error {
	if utf8.RuneCountInString(cp.Name) > maxCouponName {
		return invalid("the coupon name is longer than %d characters", maxCouponName)
	}
	switch {
	case cp.PercentOff != 0 && cp.AmountOff != 0:
		return invalid("a coupon takes a percentage or an amount off, not both")
	case cp.PercentOff != 0:
		if cp.PercentOff < 1 || cp.PercentOff > 100 {
			return invalid("percent off must be between 1 and 100, not %d", cp.PercentOff)
		}
		return nil
	case cp.AmountOff < 0:
		return invalid("amount off must be positive, not %d", cp.AmountOff)
	case cp.AmountOff > 0:
		return checkCurrency(cp.Currency)
	}
	return invalid("a coupon needs a percentage or an amount off")
}
