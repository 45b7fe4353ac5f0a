// stripe_promotion_codes: each participant's own Stripe promotion code.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// StripePromotionCode is a participant's own promotion code in Stripe.
type StripePromotionCode struct {
	ParticipantID   int64
	PromotionCodeID string // promo_…
	Code            string // what a friend types at checkout
	CouponID        string
	CreatedAt       time.Time
}

// SaveStripePromotionCode stores a participant's promotion code, unless
// they have one already.
func (q *Queries) SaveStripePromotionCode(ctx context.Context, pc StripePromotionCode) error {
	_, err := q.exec(ctx, `/* SaveStripePromotionCode */ INSERT INTO stripe_promotion_codes
		(participant_id, promotion_code_id, code, coupon_id, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (participant_id) DO NOTHING`, pc.ParticipantID, pc.PromotionCodeID, pc.Code, pc.CouponID, q.ts(pc.CreatedAt))
	if err != nil {
		return fmt.Errorf("save stripe promotion code: %w", err)
	}
	return nil
}

// StripePromotionCodeOf returns a participant's promotion code, or
// ENOTFOUND while they have none.
func (q *Queries) StripePromotionCodeOf(ctx context.Context, participantID int64) (StripePromotionCode, error) {
	return q.stripePromotionCode(ctx, "StripePromotionCodeOf", "participant_id = $1", participantID)
}

// StripePromotionCodeByID returns the promotion code with a Stripe id, or
// ENOTFOUND when it is no participant's.
func (q *Queries) StripePromotionCodeByID(ctx context.Context, promotionCodeID string) (StripePromotionCode, error) {
	return q.stripePromotionCode(ctx, "StripePromotionCodeByID", "promotion_code_id = $1", promotionCodeID)
}

func (q *Queries) stripePromotionCode(ctx context.Context, name, where string, arg any) (StripePromotionCode, error) {
	var pc StripePromotionCode
	err := q.queryRow(ctx, `/* `+name+` */ SELECT participant_id, promotion_code_id, code, coupon_id, created_at
		FROM stripe_promotion_codes WHERE `+where, arg).
		Scan(&pc.ParticipantID, &pc.PromotionCodeID, &pc.Code, &pc.CouponID, &pc.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return pc, referralhub.Errorf(referralhub.ENOTFOUND, "No such promotion code.")
	}
	if err != nil {
		return pc, fmt.Errorf("stripe promotion code: %w", err)
	}
	pc.CreatedAt = pc.CreatedAt.UTC()
	return pc, nil
}

// DeleteStripePromotionCode forgets a participant's promotion code, for
// the deletion of their account: it attributes nobody any more.
func (q *Queries) DeleteStripePromotionCode(ctx context.Context, participantID int64) error {
	_, err := q.exec(ctx, `/* DeleteStripePromotionCode */ DELETE FROM stripe_promotion_codes WHERE participant_id = $1`, participantID)
	if err != nil {
		return fmt.Errorf("delete stripe promotion code: %w", err)
	}
	return nil
}
