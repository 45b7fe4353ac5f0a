// Package webhook is what ReferralHub's outgoing webhooks look like on the
// wire: the event types, the body every delivery sends, the Stripe-style
// signature and its check, the rules for an endpoint's URL and secret, and
// a Sender that makes one signed attempt over HTTP. Which events are sent,
// in what order, how often they are retried and when an endpoint is
// disabled are the core's rules; the core reaches the Sender through an
// interface of its own.
package webhook

import (
	"encoding/json"
	"time"
)

// The event types.
const (
	ReferralCreated    = "referral.created"
	ReferralFlagged    = "referral.flagged"
	RewardCreated      = "reward.created"
	RewardApproved     = "reward.approved"
	RewardFulfilled    = "reward.fulfilled"
	RewardReversed     = "reward.reversed"
	ParticipantCreated = "participant.created"
)

// EventTypes lists the event types an endpoint can receive, in the order
// the admin sees them.
func EventTypes() []string {
	return []string{ParticipantCreated, ReferralCreated, ReferralFlagged, RewardCreated,
		RewardApproved, RewardFulfilled, RewardReversed}
}

// body is what every delivery of an event sends.
type body struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created string `json:"created"` // RFC 3339, UTC
	Data    any    `json:"data"`
}

// Encode returns the body of an event: its id, type, when it was created
// (RFC 3339, UTC) and its data, nil sent as {}. The body is stored with
// the event, so every retry and replay sends the same bytes.
func Encode(id, typ string, created time.Time, data any) ([]byte, error) {
	if data == nil {
		data = struct{}{}
	}
	return json.Marshal(body{ID: id, Type: typ, Created: created.UTC().Format(time.RFC3339), Data: data})
}
