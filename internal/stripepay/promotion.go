package stripepay

import (
	"context"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v85"
)

// Coupon describes a one-off discount: exactly one of PercentOff (1..100) or
// AmountOff (>0, minor units, with Currency, lower-case ISO like "usd").
// Currency is ignored with PercentOff. Name is optional (at most 40
// characters); Stripe shows the coupon id when it is empty.
type Coupon struct {
	Name       string
	PercentOff int64
	AmountOff  int64
	Currency   string
}

// Promotion is a created promotion code.
type Promotion struct {
	CouponID        string
	PromotionCodeID string
	Code            string // what the customer types at checkout
}

// CreatePromotion creates a coupon (duration "once") and a promotion code for
// it. idempotencyKey is derived by the caller from the ledger entry (e.g.
// "reward-42"); the two calls use idempotencyKey+"-coupon" and
// idempotencyKey+"-promotion" as Stripe Idempotency-Key headers, so a retry
// after a crash never creates a second coupon. The code can be redeemed once:
// it is one participant's reward.
func (c *Client) CreatePromotion(ctx context.Context, idempotencyKey string, cp Coupon) (Promotion, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return Promotion{}, err
	}
	if err := cp.Validate(); err != nil {
		return Promotion{}, err
	}
	coupon, err := c.sc.V1Coupons.Create(ctx, couponParams(idempotencyKey+"-coupon", cp))
	if err != nil {
		return Promotion{}, fmt.Errorf("stripepay: create coupon: %w", err)
	}
	if coupon.ID == "" {
		return Promotion{}, errors.New("stripepay: create coupon: Stripe returned no id")
	}
	pc, err := c.sc.V1PromotionCodes.Create(ctx, promotionParams(idempotencyKey+"-promotion", coupon.ID))
	if err != nil {
		return Promotion{}, fmt.Errorf("stripepay: create promotion code for coupon %s: %w", coupon.ID, err)
	}
	if pc.ID == "" || pc.Code == "" {
		return Promotion{}, fmt.Errorf("stripepay: create promotion code for coupon %s: Stripe returned no id or code", coupon.ID)
	}
	return Promotion{CouponID: coupon.ID, PromotionCodeID: pc.ID, Code: pc.Code}, nil
}

func couponParams(key string, cp Coupon) *stripe.CouponCreateParams {
	p := &stripe.CouponCreateParams{Duration: stripe.String(string(stripe.CouponDurationOnce))}
	p.IdempotencyKey = stripe.String(key)
	if cp.Name != "" {
		p.Name = stripe.String(cp.Name)
	}
	if cp.PercentOff != 0 {
		p.PercentOff = stripe.Float64(float64(cp.PercentOff))
	} else {
		p.AmountOff = stripe.Int64(cp.AmountOff)
		p.Currency = stripe.String(cp.Currency)
	}
	return p
}

func promotionParams(key, couponID string) *stripe.PromotionCodeCreateParams {
	p := &stripe.PromotionCodeCreateParams{
		MaxRedemptions: stripe.Int64(1),
		Promotion: &stripe.PromotionCodeCreatePromotionParams{
			Type:   stripe.String(string(stripe.PromotionCodePromotionTypeCoupon)),
			Coupon: stripe.String(couponID),
		},
	}
	p.IdempotencyKey = stripe.String(key)
	return p
}
