package core

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/webhook"
)

// Payments is ReferralHub's side of the Stripe API: it pays rewards out,
// and the billing sync asks it what events leave out, makes promotion
// codes and extends trials. stripepay.Client implements it; nil means
// Stripe is not configured: coupons and Stripe credit cannot be redeemed,
// and the billing sync reads only what the events carry.
type Payments interface {
	CreatePromotion(ctx context.Context, idempotencyKey string, c stripepay.Coupon) (stripepay.Promotion, error)
	CreditBalance(ctx context.Context, idempotencyKey, customerID string, amount int64, currency, description string) (string, error)
	Customer(ctx context.Context, id string) (stripepay.Customer, error)
	InvoiceDetails(ctx context.Context, invoiceID string) (stripepay.InvoiceDetails, error)
	CreateReferralPromotion(ctx context.Context, idempotencyKey string, rp stripepay.ReferralPromotion) (stripepay.Promotion, error)
	ExtendTrial(ctx context.Context, idempotencyKey, subscriptionID string, trialEnd time.Time) error
}

// Redeem uses one of a participant's available rewards: a coupon becomes a
// Stripe promotion code, credit lands on their Stripe customer balance,
// trial days are granted. Stripe calls run as a job; the reward stays
// approved until Stripe answers. A second redeem of the same reward (a
// double submit) is refused.
func (s *Service) Redeem(ctx context.Context, p referralhub.Participant, rewardID int64) (referralhub.Reward, error) {
	r, err := s.db.Write().Reward(ctx, rewardID)
	if err != nil || r.ParticipantID != p.ID {
		return r, referralhub.Errorf(referralhub.ENOTFOUND, "That reward does not exist.")
	}
	if err := s.canRedeem(r, p); err != nil {
		return r, err
	}
	if err := s.notBanned(ctx, p.ID); err != nil {
		return r, err
	}
	now := s.now()
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		asked, err := q.AskRedeem(ctx, r.ID, p.ID, now)
		if err != nil {
			return err
		}
		if !asked {
			return referralhub.Errorf(referralhub.ECONFLICT, "This reward was already redeemed, or is not available yet.")
		}
		if r.Kind == referralhub.KindTrialDays {
			redeemed, err := q.MarkRedeemed(ctx, r.ID, now, "", "")
			if err != nil || !redeemed {
				return err
			}
			return s.emitReward(ctx, q, webhook.RewardFulfilled, r)
		}
		return s.enqueue(ctx, q, JobFulfil, "fulfil:"+strconv.FormatInt(r.ID, 10), now, jobPayload{RewardID: r.ID})
	})
	if err != nil {
		return r, err
	}
	s.jobsQueued()
	s.log.InfoContext(ctx, "reward redeem asked", "reward_id", r.ID, "kind", r.Kind)
	return s.db.Write().Reward(ctx, r.ID)
}

func (s *Service) canRedeem(r referralhub.Reward, p referralhub.Participant) error {
	switch {
	case r.Entry == referralhub.EntryClawback || r.Amount < 0:
		return referralhub.Errorf(referralhub.EINVALID, "That entry cannot be redeemed.")
	case r.Kind == referralhub.KindPoints:
		return referralhub.Errorf(referralhub.EINVALID, "Points are spent together, on a coupon.")
	case r.Kind == referralhub.KindCoupon && s.payments == nil:
		return referralhub.Errorf(referralhub.EINVALID, "Coupons cannot be issued yet: the program has no Stripe account set up.")
	case r.Kind == referralhub.KindCredit && (s.payments == nil || p.StripeCustomerID == ""):
		return referralhub.Errorf(referralhub.EINVALID, "Credit is applied to a billing account, and yours is not linked yet.")
	}
	return nil
}

// BuyCoupon spends the program's PointsPerCoupon points on a coupon, which
// is issued as a Stripe promotion code by a job. key is the form's one-time
// key: submitting the same form twice buys one coupon.
func (s *Service) BuyCoupon(ctx context.Context, p referralhub.Participant, key string) (referralhub.Reward, error) {
	prog, err := s.Program(ctx)
	if err != nil {
		return referralhub.Reward{}, err
	}
	if prog.PointsPerCoupon <= 0 || s.payments == nil {
		return referralhub.Reward{}, referralhub.Errorf(referralhub.EINVALID, "Points cannot be spent on coupons in this program.")
	}
	if key == "" || len(key) > 100 || !IsText(key) {
		return referralhub.Reward{}, referralhub.Errorf(referralhub.EINVALID, "The form expired: reload the page and try again.")
	}
	if err := s.notBanned(ctx, p.ID); err != nil {
		return referralhub.Reward{}, err
	}
	now := s.now()
	coupon := referralhub.Reward{ParticipantID: p.ID, Entry: referralhub.EntryRedemption, Kind: referralhub.KindCoupon,
		Amount: prog.CouponValue, Currency: prog.CouponCurrency, Status: referralhub.StatusApproved,
		Reason: fmt.Sprintf("Coupon bought with %d points", prog.PointsPerCoupon), CreditedAt: now, ApprovedAt: now, RedeemAskedAt: now}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.LockParticipant(ctx, p.ID); err != nil {
			return err
		}
		debit := referralhub.Reward{ParticipantID: p.ID, Entry: referralhub.EntryRedemption, Kind: referralhub.KindPoints,
			Amount: -prog.PointsPerCoupon, Status: referralhub.StatusApproved, Reason: "Spent on a coupon", CreditedAt: now, ApprovedAt: now}
		inserted, err := q.InsertReward(ctx, &debit, key+":debit")
		if err != nil {
			return err
		}
		if !inserted {
			return referralhub.Errorf(referralhub.ECONFLICT, "That coupon was already bought.")
		}
		bs, err := q.Balances(ctx, p.ID) // after the debit: it must not go below zero
		if err != nil {
			return err
		}
		if pointsOf(bs) < 0 {
			return referralhub.Errorf(referralhub.EINVALID, "You need %d points for a coupon.", prog.PointsPerCoupon)
		}
		if _, err := q.InsertReward(ctx, &coupon, key+":coupon"); err != nil {
			return err
		}
		return s.enqueue(ctx, q, JobFulfil, "fulfil:"+strconv.FormatInt(coupon.ID, 10), now, jobPayload{RewardID: coupon.ID})
	})
	if err != nil {
		return coupon, err
	}
	s.jobsQueued()
	return coupon, nil
}

// runFulfilJob calls Stripe for a reward whose redeem was asked. Stripe
// idempotency keys come from the entry, so a retry after a crash never pays
// twice. An outage leaves the reward approved and the job retrying.
func (s *Service) runFulfilJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	q := s.db.Write()
	r, err := q.Reward(ctx, p.RewardID)
	if err != nil {
		return err
	}
	if r.Status != referralhub.StatusApproved || r.RedeemAskedAt.IsZero() {
		return nil // reversed meanwhile, or already paid out
	}
	if s.payments == nil {
		return referralhub.Errorf(referralhub.EINVALID, "Stripe is not configured (REFERRALHUB_STRIPE_SECRET_KEY).")
	}
	key := "rh-" + s.keys.install + "-reward-" + strconv.FormatInt(r.ID, 10)
	switch r.Kind {
	case referralhub.KindCoupon:
		promo, err := s.payments.CreatePromotion(ctx, key, stripepay.Coupon{Name: "Referral reward", PercentOff: r.PercentOff,
			AmountOff: r.Amount, Currency: r.Currency})
		if err != nil {
			return stripeError(err)
		}
		return s.recordPayout(ctx, r, promo.Code, promo.PromotionCodeID, func(q *storage.Queries) (bool, error) {
			return q.MarkRedeemed(ctx, r.ID, s.now(), promo.Code, promo.PromotionCodeID)
		})
	case referralhub.KindCredit:
		part, err := q.Participant(ctx, r.ParticipantID)
		if err != nil {
			return err
		}
		txn, err := s.payments.CreditBalance(ctx, key, part.StripeCustomerID, r.Amount, r.Currency, r.Reason)
		if err != nil {
			return stripeError(err)
		}
		return s.recordPayout(ctx, r, "", txn, func(q *storage.Queries) (bool, error) {
			return q.MarkFulfilled(ctx, r.ID, s.now(), txn)
		})
	}
	return referralhub.Errorf(referralhub.EINVALID, "Rewards of kind %s are not paid through Stripe.", r.Kind)
}

// recordPayout stores a successful Stripe payout with mark. When the reward
// was reversed while Stripe was called, mark finds nothing to move; the
// payout is still kept on the entry and flagged for the admin, never lost.
func (s *Service) recordPayout(ctx context.Context, r referralhub.Reward, promoCode, externalID string,
	mark func(*storage.Queries) (bool, error)) error {
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		marked, err := mark(q)
		if err != nil {
			return err
		}
		if marked {
			return s.emitReward(ctx, q, webhook.RewardFulfilled, r)
		}
		late, err := q.RecordLatePayout(ctx, r.ID, promoCode, externalID)
		if late {
			s.log.WarnContext(ctx, "reward paid out after it was reversed", "reward_id", r.ID, "stripe_id", externalID)
		}
		return err
	})
}

// stripeError marks Stripe's permanent refusals so the job stops retrying.
func stripeError(err error) error {
	if stripepay.Permanent(err) {
		return referralhub.Errorf(referralhub.EINVALID, "Stripe refused: %v", err)
	}
	return fmt.Errorf("stripe: %w", err)
}

// notBanned refuses payouts to a banned participant.
func (s *Service) notBanned(ctx context.Context, participantID int64) error {
	banned, err := s.db.Read().Banned(ctx, participantID)
	if err != nil {
		return err
	}
	if banned {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Rewards are not available on this account.")
	}
	return nil
}

// RedeemReward redeems a reward by its id for an API caller, who acts for
// the reward's owner: the same checks and effects as Redeem.
func (s *Service) RedeemReward(ctx context.Context, rewardID int64) (referralhub.Reward, error) {
	r, err := s.db.Read().Reward(ctx, rewardID)
	if err != nil {
		return r, err
	}
	p, err := s.db.Read().Participant(ctx, r.ParticipantID)
	if err != nil {
		return r, err
	}
	return s.Redeem(ctx, p, rewardID)
}
