package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// PromotionCode is a participant's own Stripe promotion code, shown on
// their dashboard and on the embedded page: a friend who checks out with
// it gets the program's coupon and is attributed to them.
type PromotionCode struct {
	On   bool   // the program gives participants promotion codes, and Stripe is configured
	Code string // what friends type at checkout; "" while it is being made
}

// PromotionCodeOf returns a participant's promotion code. The first time
// it is asked for, a job makes it through the Stripe API: the code is ""
// until then.
func (s *Service) PromotionCodeOf(ctx context.Context, p referralhub.Participant) (PromotionCode, error) {
	prog, err := s.Program(ctx)
	if err != nil || prog.StripeCoupon == "" || s.payments == nil {
		return PromotionCode{}, err
	}
	now := s.now()
	if code, ok := s.promos.Get(p.ID, now); ok {
		return PromotionCode{On: true, Code: code}, nil
	}
	pc, err := s.db.Read().StripePromotionCodeOf(ctx, p.ID)
	if err == nil {
		s.promos.Put(p.ID, pc.Code, now)
		return PromotionCode{On: true, Code: pc.Code}, nil
	}
	if referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return PromotionCode{}, err
	}
	queued := false
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		queued, err = s.enqueueOnce(ctx, q, JobStripePromotion, promotionJobKey(p.ID, prog.StripeCoupon), now,
			jobPayload{ParticipantID: p.ID, Coupon: prog.StripeCoupon})
		return err
	})
	if queued {
		s.jobsQueued()
	}
	return PromotionCode{On: true}, err
}

// promotionJobKey names the job making a participant's code for a coupon:
// once per coupon, so a coupon changed after a failure gets a new try.
func promotionJobKey(participantID int64, coupon string) string {
	return fmt.Sprintf("stripe_promotion:%d:%s", participantID, shortHash(coupon))
}

// runStripePromotionJob makes a participant's promotion code for the
// coupon: their referral code in capitals. The Stripe idempotency key
// names the participant and the coupon, so a retry makes no second code.
func (s *Service) runStripePromotionJob(ctx context.Context, j referralhub.Job) error {
	pl, err := decodePayload(j)
	if err != nil {
		return err
	}
	q := s.db.Write()
	if _, err := q.StripePromotionCodeOf(ctx, pl.ParticipantID); err == nil || referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return err // made already
	}
	if s.payments == nil {
		return referralhub.Errorf(referralhub.EINVALID, "Stripe is not configured (REFERRALHUB_STRIPE_SECRET_KEY).")
	}
	p, err := q.Participant(ctx, pl.ParticipantID)
	if err != nil {
		return err
	}
	if banned, err := q.Banned(ctx, p.ID); err != nil || banned {
		return err // a banned participant refers nobody
	}
	key := fmt.Sprintf("rh-%s-participant-%d-promotion-%s", s.keys.install, p.ID, shortHash(pl.Coupon))
	promo, err := s.payments.CreateReferralPromotion(ctx, key, stripepay.ReferralPromotion{CouponID: pl.Coupon,
		Code: strings.ToUpper(p.Code), ParticipantID: p.ID})
	if err != nil {
		return stripeError(err)
	}
	s.log.InfoContext(ctx, "promotion code made", "participant_id", p.ID, "promotion_code", promo.PromotionCodeID)
	return q.SaveStripePromotionCode(ctx, storage.StripePromotionCode{ParticipantID: p.ID, PromotionCodeID: promo.PromotionCodeID,
		Code: promo.Code, CouponID: pl.Coupon, CreatedAt: s.now()})
}

// shortHash names a string of any length in 16 hex digits, for keys with
// a bounded length.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
