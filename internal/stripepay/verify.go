package stripepay

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"
)

// SignatureTolerance is how old a Stripe-Signature may be: Stripe's own
// default, which also bounds how long a captured request can be replayed.
const SignatureTolerance = 5 * time.Minute

// APIVersion is the Stripe API version this build reads events in.
const APIVersion = stripe.APIVersion

// EventHeader is what identifies a received Stripe event.
type EventHeader struct {
	ID         string
	Type       string
	APIVersion string
	Livemode   bool
	Created    time.Time
}

// VerifyEvent checks a webhook request's Stripe-Signature header against
// the endpoint's signing secret (within SignatureTolerance) and that the
// payload is an event, and returns what identifies it. Any failure is an
// EINVALID error saying what was wrong. The event's API version is not
// checked here: see CompatibleAPIVersion.
func VerifyEvent(payload []byte, header, secret string) (EventHeader, error) {
	if header == "" {
		return EventHeader{}, invalidEvent("the Stripe-Signature header is missing")
	}
	e, err := webhook.ConstructEventWithOptions(payload, header, secret, webhook.ConstructEventOptions{
		Tolerance: SignatureTolerance, IgnoreAPIVersionMismatch: true})
	switch {
	case errors.Is(err, webhook.ErrTooOld):
		return EventHeader{}, invalidEvent("the Stripe-Signature timestamp is more than 5 minutes old")
	case errors.Is(err, webhook.ErrNoValidSignature), errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNotSigned):
		return EventHeader{}, invalidEvent("the Stripe-Signature does not match the webhook signing secret")
	case err != nil:
		return EventHeader{}, invalidEvent("the payload is not a Stripe event")
	case e.ID == "" || e.Type == "":
		return EventHeader{}, invalidEvent("the payload is not a Stripe event: it has no id or type")
	}
	return EventHeader{ID: e.ID, Type: string(e.Type), APIVersion: e.APIVersion, Livemode: e.Livemode,
		Created: time.Unix(e.Created, 0).UTC()}, nil
}

func invalidEvent(msg string) error {
	return referralhub.Errorf(referralhub.EINVALID, "%s", msg)
}

// CompatibleAPIVersion reports whether events of API version v read as
// this build expects: v must be of the same release train as APIVersion
// ("2026-03-25.dahlia" trains as "dahlia"), as stripe-go's own check says.
func CompatibleAPIVersion(v string) bool {
	_, train, ok := strings.Cut(v, ".")
	_, ours, _ := strings.Cut(APIVersion, ".")
	return ok && train == ours
}

// VersionMismatch says what to do about an event of an API version this
// build does not read.
func VersionMismatch(v string) string {
	return fmt.Sprintf("Stripe sent API version %q; this ReferralHub reads %s: set the webhook endpoint's API version to it in Stripe, then resend the event", v, APIVersion)
}
