package core

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

const (
	maxKeyLen   = 200      // bytes of an idempotency key
	maxMetadata = 16 << 10 // bytes of an event's metadata
	// occurredSkew is how far in the future an event may say it happened:
	// the reporter's clock may run ahead of ours.
	occurredSkew = 5 * time.Minute
)

// checkEvent checks a reported event and its details.
func checkEvent(in EventInput, now time.Time) error {
	fe := referralhub.FieldErrors{}
	switch {
	case !IsEventName(in.Name):
		fe.Add("name", "Event names are 1 to 64 of a-z, 0-9, _ . - and start with a letter.")
	case in.Name == referralhub.EventClick || in.Name == referralhub.EventSignup:
		fe.Add("name", "Clicks and signups are recorded by ReferralHub itself.")
	case referralhub.IsAchievementEvent(in.Name):
		fe.Add("name", "Names starting with tier. or badge. are ReferralHub's own: it records them when someone reaches a tier or a badge.")
	}
	if in.Key == "" || len(in.Key) > maxKeyLen || !IsText(in.Key) || strings.HasPrefix(in.Key, internalKeyPrefix) {
		fe.Add("key", "Give an idempotency key of up to 200 characters, not starting with \""+internalKeyPrefix+"\".")
	}
	money := in.Name == referralhub.EventPurchase || in.Name == referralhub.EventRefund
	if money && (in.Amount <= 0 || in.Amount > maxRewardAmount) {
		fe.Add("amount", "Give the amount in minor units (cents), above 0.")
	}
	if money && !isCurrency(in.Currency) {
		fe.Add("currency", "Give a currency such as usd.")
	}
	if in.Name == referralhub.EventRefund && (in.PurchaseKey == "" || !IsText(in.PurchaseKey)) {
		fe.Add("purchase", "Name the purchase this refunds, by its key.")
	}
	if !in.OccurredAt.IsZero() && in.OccurredAt.After(now.Add(occurredSkew)) {
		fe.Add("occurred_at", "An event cannot have happened in the future.")
	}
	if len(in.Metadata) > maxMetadata || !utf8.ValidString(in.Metadata) {
		fe.Add("metadata", "Metadata is a JSON object of up to 16 KiB of UTF-8.")
	}
	return fe.Err()
}

// checkRefund makes sure a refund names a purchase of the same participant.
func checkRefund(ctx context.Context, q *storage.Queries, refund referralhub.Event) error {
	p, err := q.EventByKey(ctx, refund.ParticipantID, refund.PurchaseKey)
	if err != nil || p.Name != referralhub.EventPurchase {
		return &referralhub.Error{Code: referralhub.EINVALID, Message: "The refund names no purchase of this participant.",
			Fields: map[string]string{"purchase": "No purchase of this participant has that key."}}
	}
	return nil
}
