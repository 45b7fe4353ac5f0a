// Package stripetest builds Stripe events for tests, as Stripe would send
// them to a webhook endpoint, and signs them with stripe-go's own helper.
package stripetest

import (
	"encoding/json"
	"time"

	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/stripe/stripe-go/v85/webhook"
)

// Secret is a webhook signing secret for tests.
const Secret = "whsec_test_secret_for_referralhub"

// Object is a Stripe object as JSON: a map, so tests set what they need.
type Object = map[string]any

// Event returns the JSON of an event of typ about obj, created at, in the
// API version this build reads.
func Event(id, typ string, at time.Time, obj Object) []byte {
	return EventIn(stripepay.APIVersion, id, typ, at, obj)
}

// EventIn is Event in another API version.
func EventIn(version, id, typ string, at time.Time, obj Object) []byte {
	b, err := json.Marshal(Object{"id": id, "object": "event", "type": typ, "api_version": version,
		"created": at.Unix(), "livemode": false, "pending_webhooks": 1, "data": Object{"object": obj}})
	if err != nil {
		panic(err) // a test's own map that does not marshal
	}
	return b
}

// Sign returns the Stripe-Signature header for payload, signed with secret
// at time at (the zero time meaning now).
func Sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

// Checkout is a completed, paid Checkout Session in payment mode.
func Checkout(id, customer string, amount int64) Object {
	return Object{"id": id, "object": "checkout.session", "mode": "payment", "status": "complete",
		"payment_status": "paid", "customer": customer, "amount_total": amount, "currency": "usd",
		"payment_intent": "pi_" + id, "customer_details": Object{"email": nil, "name": nil}}
}

// Invoice is a paid invoice of a subscription, with its payment.
func Invoice(id, customer, subscription string, amount int64, paymentIntent string) Object {
	obj := Object{"id": id, "object": "invoice", "status": "paid", "customer": customer, "amount_paid": amount,
		"currency": "usd", "discounts": []any{},
		"parent": Object{"type": "subscription_details", "subscription_details": Object{"subscription": subscription}}}
	if paymentIntent != "" {
		obj["payments"] = Object{"object": "list", "data": []any{Object{"object": "invoice_payment", "id": "inpay_" + id,
			"payment": Object{"type": "payment_intent", "payment_intent": paymentIntent}}}}
	}
	return obj
}

// Charge is a charge of amount with refunded of it refunded.
func Charge(id, customer, paymentIntent string, amount, refunded int64) Object {
	return Object{"id": id, "object": "charge", "customer": customer, "payment_intent": paymentIntent, "amount": amount,
		"amount_refunded": refunded, "refunded": refunded == amount, "currency": "usd"}
}

// Dispute is a dispute of amount on a charge.
func Dispute(id, charge, paymentIntent string, amount int64) Object {
	return Object{"id": id, "object": "dispute", "charge": charge, "payment_intent": paymentIntent, "amount": amount,
		"currency": "usd", "status": "needs_response"}
}

// Subscription is a subscription in status, with a trial ending at
// trialEnd (none when zero).
func Subscription(id, customer, status string, trialEnd time.Time) Object {
	obj := Object{"id": id, "object": "subscription", "customer": customer, "status": status, "trial_end": nil}
	if !trialEnd.IsZero() {
		obj["trial_end"] = trialEnd.Unix()
	}
	return obj
}
