package stripepay

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/stripe/stripe-go/v85"
)

// Event types the billing sync acts on.
const (
	CheckoutCompleted    = "checkout.session.completed"
	InvoicePaid          = "invoice.paid"
	ChargeRefunded       = "charge.refunded"
	DisputeCreated       = "charge.dispute.created"
	SubscriptionCreated  = "customer.subscription.created"
	SubscriptionUpdated  = "customer.subscription.updated"
	SubscriptionDeleted  = "customer.subscription.deleted"
	subscriptionActive   = "active"
	subscriptionTrialing = "trialing"
)

// EventTypes lists the event types to subscribe the webhook endpoint to.
func EventTypes() []string {
	return []string{CheckoutCompleted, InvoicePaid, ChargeRefunded, DisputeCreated,
		SubscriptionCreated, SubscriptionUpdated, SubscriptionDeleted}
}

// Event is what the billing sync reads of a Stripe event: its header and
// the object of its type, the others nil. An event of another type has
// none.
type Event struct {
	EventHeader
	Checkout     *Checkout
	Invoice      *Invoice
	Charge       *Charge
	Dispute      *Dispute
	Subscription *Subscription
}

// Checkout is a completed Checkout Session.
type Checkout struct {
	ID                string
	Paid              bool // payment_status "paid"
	CustomerID        string
	Email             string // the customer's, as typed at checkout
	Name              string
	ClientReferenceID string
	PaymentIntentID   string
	InvoiceID         string
	SubscriptionID    string
	Amount            int64 // amount_total, minor units
	Currency          string
	PromotionCodeIDs  []string
}

// Invoice is a paid invoice.
type Invoice struct {
	ID               string
	CustomerID       string
	Email            string
	Name             string
	AmountPaid       int64
	Currency         string
	SubscriptionID   string
	PaymentIntentIDs []string // from payments, when the payload carries them
	PaymentsKnown    bool     // the payload carried its payments
	PromotionCodeIDs []string // from discounts that came expanded
	DiscountIDs      []string // discounts that came as ids only: InvoiceDetails tells their codes
}

// Charge is a refunded charge.
type Charge struct {
	ID              string
	CustomerID      string
	Email           string
	PaymentIntentID string
	Amount          int64
	AmountRefunded  int64 // in total so far
	Refunded        bool  // refunded in full
	Currency        string
}

// Dispute is a dispute opened on a charge.
type Dispute struct {
	ID              string
	ChargeID        string
	PaymentIntentID string
	Amount          int64
	Currency        string
}

// Subscription is a subscription as the event left it.
type Subscription struct {
	ID         string
	CustomerID string
	Status     string    // active, trialing, past_due, canceled, ...
	TrialEnd   time.Time // zero without a trial
}

// Active reports whether the subscription is paid for now: active, and
// not trialing or anything else.
func (s Subscription) Active() bool { return s.Status == subscriptionActive }

// Trialing reports whether the subscription is in its trial.
func (s Subscription) Trialing() bool { return s.Status == subscriptionTrialing }

// ParseEvent reads a Stripe event as the billing sync needs it. A payload
// that does not parse, or whose object does not fit its type, is an
// EINVALID error.
func ParseEvent(payload []byte) (Event, error) {
	var e stripe.Event
	if err := json.Unmarshal(payload, &e); err != nil {
		return Event{}, referralhub.Errorf(referralhub.EINVALID, "the payload is not a Stripe event: %v", err)
	}
	out := Event{EventHeader: EventHeader{ID: e.ID, Type: string(e.Type), APIVersion: e.APIVersion, Livemode: e.Livemode,
		Created: time.Unix(e.Created, 0).UTC()}}
	if e.Data == nil {
		return out, referralhub.Errorf(referralhub.EINVALID, "the event has no data object")
	}
	if err := out.readObject(e.Data.Raw); err != nil {
		return out, referralhub.Errorf(referralhub.EINVALID, "the %s event's object does not parse: %v", out.Type, err)
	}
	return out, nil
}

// readObject reads the event's object into the field of its type.
func (e *Event) readObject(raw json.RawMessage) error {
	switch e.Type {
	case CheckoutCompleted:
		return decodeInto(raw, checkoutOf, &e.Checkout)
	case InvoicePaid:
		return decodeInto(raw, invoiceOf, &e.Invoice)
	case ChargeRefunded:
		return decodeInto(raw, chargeOf, &e.Charge)
	case DisputeCreated:
		return decodeInto(raw, disputeOf, &e.Dispute)
	case SubscriptionCreated, SubscriptionUpdated, SubscriptionDeleted:
		return decodeInto(raw, subscriptionOf, &e.Subscription)
	}
	return nil
}

// decodeInto unmarshals raw as a Stripe object S, converts it with conv
// and stores the result in dst.
func decodeInto[S, T any](raw json.RawMessage, conv func(*S) T, dst **T) error {
	var obj S
	if err := json.Unmarshal(raw, &obj); err != nil {
		return err
	}
	v := conv(&obj)
	*dst = &v
	return nil
}

func checkoutOf(s *stripe.CheckoutSession) Checkout {
	c := Checkout{ID: s.ID, Paid: s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid,
		CustomerID: idOf(s.Customer), ClientReferenceID: s.ClientReferenceID, Amount: s.AmountTotal,
		Currency: string(s.Currency), Email: s.CustomerEmail}
	if s.CustomerDetails != nil {
		c.Email, c.Name = firstOf(s.CustomerDetails.Email, c.Email), s.CustomerDetails.Name
	}
	if s.PaymentIntent != nil {
		c.PaymentIntentID = s.PaymentIntent.ID
	}
	if s.Invoice != nil {
		c.InvoiceID = s.Invoice.ID
	}
	if s.Subscription != nil {
		c.SubscriptionID = s.Subscription.ID
	}
	for _, d := range s.Discounts {
		if d != nil && d.PromotionCode != nil && d.PromotionCode.ID != "" {
			c.PromotionCodeIDs = append(c.PromotionCodeIDs, d.PromotionCode.ID)
		}
	}
	return c
}

func invoiceOf(s *stripe.Invoice) Invoice {
	inv := Invoice{ID: s.ID, CustomerID: idOf(s.Customer), Email: s.CustomerEmail, Name: s.CustomerName,
		AmountPaid: s.AmountPaid, Currency: string(s.Currency)}
	if s.Parent != nil && s.Parent.SubscriptionDetails != nil && s.Parent.SubscriptionDetails.Subscription != nil {
		inv.SubscriptionID = s.Parent.SubscriptionDetails.Subscription.ID
	}
	if s.Payments != nil {
		inv.PaymentsKnown = true
		inv.PaymentIntentIDs = paymentIntentsOf(s.Payments.Data)
	}
	inv.PromotionCodeIDs, inv.DiscountIDs = discountsOf(s.Discounts)
	return inv
}

// paymentIntentsOf lists the payment intents of an invoice's payments.
func paymentIntentsOf(payments []*stripe.InvoicePayment) []string {
	var ids []string
	for _, p := range payments {
		if p != nil && p.Payment != nil && p.Payment.PaymentIntent != nil && p.Payment.PaymentIntent.ID != "" {
			ids = append(ids, p.Payment.PaymentIntent.ID)
		}
	}
	return ids
}

// discountsOf splits discounts into the promotion codes of expanded ones
// and the ids of those that came as ids only.
func discountsOf(ds []*stripe.Discount) (promotionCodes, unexpanded []string) {
	for _, d := range ds {
		switch {
		case d == nil:
		case d.PromotionCode != nil && d.PromotionCode.ID != "":
			promotionCodes = append(promotionCodes, d.PromotionCode.ID)
		case d.Object == "" && d.ID != "":
			unexpanded = append(unexpanded, d.ID)
		}
	}
	return promotionCodes, unexpanded
}

func chargeOf(s *stripe.Charge) Charge {
	c := Charge{ID: s.ID, CustomerID: idOf(s.Customer), Email: s.ReceiptEmail, Amount: s.Amount,
		AmountRefunded: s.AmountRefunded, Refunded: s.Refunded, Currency: string(s.Currency)}
	if s.BillingDetails != nil {
		c.Email = firstOf(s.BillingDetails.Email, c.Email)
	}
	if s.PaymentIntent != nil {
		c.PaymentIntentID = s.PaymentIntent.ID
	}
	return c
}

func disputeOf(s *stripe.Dispute) Dispute {
	d := Dispute{ID: s.ID, Amount: s.Amount, Currency: string(s.Currency)}
	if s.Charge != nil {
		d.ChargeID = s.Charge.ID
	}
	if s.PaymentIntent != nil {
		d.PaymentIntentID = s.PaymentIntent.ID
	}
	return d
}

func subscriptionOf(s *stripe.Subscription) Subscription {
	sub := Subscription{ID: s.ID, CustomerID: idOf(s.Customer), Status: string(s.Status)}
	if s.TrialEnd > 0 {
		sub.TrialEnd = time.Unix(s.TrialEnd, 0).UTC()
	}
	return sub
}

func idOf(c *stripe.Customer) string {
	if c == nil {
		return ""
	}
	return c.ID
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// String names an event for logs: its type and id.
func (e EventHeader) String() string { return fmt.Sprintf("%s %s", e.Type, e.ID) }
