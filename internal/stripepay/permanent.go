package stripepay

import (
	"errors"
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/stripe/stripe-go/v85"
)

// Permanent reports whether err will fail the same way on retry (Stripe 4xx
// invalid request / authentication / card errors except 429), as opposed to
// an outage (network errors, timeouts, 5xx, 429) which a job should retry.
//
// Input this package rejected before calling Stripe is permanent too.
// 409 (a request with the same idempotency key still running) and answers
// that Stripe marks Stripe-Should-Retry: true are not. An error that is not
// a Stripe API error, such as a garbled answer from a proxy, is treated as
// an outage: retrying it is safe because every call is idempotent.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		return true
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		return false
	}
	if se.LastResponse != nil && se.LastResponse.Header.Get("Stripe-Should-Retry") == "true" {
		return false
	}
	switch code := se.HTTPStatusCode; {
	case code == http.StatusTooManyRequests, code == http.StatusConflict:
		return false
	case se.Code == stripe.ErrorCodeLockTimeout, se.Code == stripe.ErrorCodeIdempotencyKeyInUse:
		return false
	default:
		return code >= 400 && code < 500
	}
}
