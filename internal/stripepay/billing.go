package stripepay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// Customer is what the billing sync reads of a Stripe customer.
type Customer struct {
	ID       string
	Email    string
	Name     string
	Metadata map[string]string
}

// Customer fetches a customer, for the metadata that names its participant
// and its email. A deleted customer comes back with its id only.
func (c *Client) Customer(ctx context.Context, id string) (Customer, error) {
	if id == "" {
		return Customer{}, invalid("a Stripe customer id is required")
	}
	cus, err := c.sc.V1Customers.Retrieve(ctx, id, nil)
	if err != nil {
		return Customer{}, fmt.Errorf("stripepay: fetch customer %s: %w", id, err)
	}
	return Customer{ID: cus.ID, Email: cus.Email, Name: cus.Name, Metadata: cus.Metadata}, nil
}

// InvoiceDetails is what an invoice.paid event may leave out: the payment
// intents that paid the invoice, and the promotion codes of its discounts.
type InvoiceDetails struct {
	PaymentIntentIDs []string
	PromotionCodeIDs []string
}

// InvoiceDetails fetches an invoice with its discounts and payments
// expanded.
func (c *Client) InvoiceDetails(ctx context.Context, invoiceID string) (InvoiceDetails, error) {
	if invoiceID == "" {
		return InvoiceDetails{}, invalid("a Stripe invoice id is required")
	}
	p := &stripe.InvoiceRetrieveParams{}
	p.AddExpand("discounts")
	p.AddExpand("payments")
	inv, err := c.sc.V1Invoices.Retrieve(ctx, invoiceID, p)
	if err != nil {
		return InvoiceDetails{}, fmt.Errorf("stripepay: fetch invoice %s: %w", invoiceID, err)
	}
	var d InvoiceDetails
	if inv.Payments != nil {
		d.PaymentIntentIDs = paymentIntentsOf(inv.Payments.Data)
	}
	d.PromotionCodeIDs, _ = discountsOf(inv.Discounts)
	return d, nil
}

// ReferralPromotion asks for a participant's own promotion code.
type ReferralPromotion struct {
	CouponID      string // the program's coupon: the friend's discount
	Code          string // what friends type: the referral code in capitals
	ParticipantID int64  // kept in the code's metadata
}

// CreateReferralPromotion creates a participant's own promotion code for
// the program's coupon, usable by any number of friends, each on their
// first purchase. Idempotency-Key: idempotencyKey.
func (c *Client) CreateReferralPromotion(ctx context.Context, idempotencyKey string, rp ReferralPromotion) (Promotion, error) {
	if err := checkKey(idempotencyKey); err != nil {
		return Promotion{}, err
	}
	if rp.CouponID == "" || rp.Code == "" {
		return Promotion{}, invalid("a promotion code needs a coupon and a code")
	}
	p := &stripe.PromotionCodeCreateParams{
		Code: stripe.String(rp.Code),
		Promotion: &stripe.PromotionCodeCreatePromotionParams{
			Type:   stripe.String(string(stripe.PromotionCodePromotionTypeCoupon)),
			Coupon: stripe.String(rp.CouponID),
		},
		Restrictions: &stripe.PromotionCodeCreateRestrictionsParams{FirstTimeTransaction: stripe.Bool(true)},
	}
	p.AddMetadata("referralhub_participant_id", fmt.Sprint(rp.ParticipantID))
	p.IdempotencyKey = stripe.String(idempotencyKey)
	pc, err := c.sc.V1PromotionCodes.Create(ctx, p)
	if err != nil {
		return Promotion{}, fmt.Errorf("stripepay: create promotion code %s: %w", rp.Code, err)
	}
	if pc.ID == "" || pc.Code == "" {
		return Promotion{}, errors.New("stripepay: create promotion code: Stripe returned no id or code")
	}
	return Promotion{CouponID: rp.CouponID, PromotionCodeID: pc.ID, Code: pc.Code}, nil
}

// ExtendTrial moves a subscription's trial end to trialEnd, without
// proration. The caller passes the same trialEnd on every retry, so a
// repeated call asks for the same state. Idempotency-Key: idempotencyKey.
func (c *Client) ExtendTrial(ctx context.Context, idempotencyKey, subscriptionID string, trialEnd time.Time) error {
	if err := checkKey(idempotencyKey); err != nil {
		return err
	}
	if subscriptionID == "" || trialEnd.IsZero() {
		return invalid("a trial extension needs a subscription and an end")
	}
	p := &stripe.SubscriptionUpdateParams{TrialEnd: stripe.Int64(trialEnd.Unix()),
		ProrationBehavior: stripe.String("none")}
	p.IdempotencyKey = stripe.String(idempotencyKey)
	if _, err := c.sc.V1Subscriptions.Update(ctx, subscriptionID, p); err != nil {
		return fmt.Errorf("stripepay: extend trial of %s: %w", subscriptionID, err)
	}
	return nil
}
