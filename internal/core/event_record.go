package core

import (
	"context"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// EventInput is a step someone took, as reported to RecordEvent.
type EventInput struct {
	ParticipantID int64
	Name          string
	Key           string // idempotency key: a repeat changes nothing
	Amount        int64  // purchase and refund: minor units
	Currency      string // purchase and refund: e.g. "usd"
	PurchaseKey   string // refund: the key of the purchase refunded
}

// maxKeyLen bounds idempotency keys.
const maxKeyLen = 200

// internalKeyPrefix starts the keys of events ReferralHub records itself
// ("rh:signup", "rh:click:ID", "rh:email_verified"); reported events may
// not use it, so they can never pre-empt one.
const internalKeyPrefix = "rh:"

// RecordEvent records a step a participant took (a purchase, a refund, a
// verified email or a custom event), attributes it to the referral that
// brought them, and lets the program's rules reward it, all in one
// transaction. A key seen before changes nothing: recorded is false and the
// first event is returned.
func (s *Service) RecordEvent(ctx context.Context, in EventInput) (ev referralhub.Event, recorded bool, err error) {
	if err := checkEvent(in); err != nil {
		return ev, false, err
	}
	ev = referralhub.Event{ParticipantID: in.ParticipantID, Name: in.Name, Key: in.Key, Amount: in.Amount,
		Currency: in.Currency, PurchaseKey: in.PurchaseKey, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if _, err := q.Participant(ctx, in.ParticipantID); err != nil {
			return err
		}
		var err error
		recorded, err = s.recordEvent(ctx, q, &ev)
		return err
	})
	if err != nil {
		return ev, false, err
	}
	if !recorded {
		ev, err = s.db.Read().EventByKey(ctx, in.ParticipantID, in.Key)
		return ev, false, err
	}
	s.jobsQueued()
	return ev, true, nil
}

func checkEvent(in EventInput) error {
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
	return fe.Err()
}

// recordEvent inserts ev, tied to the participant's referral, and rewards it
// under the program read in the same transaction. It reports whether ev is
// new. Call it inside InTx.
func (s *Service) recordEvent(ctx context.Context, q *storage.Queries, ev *referralhub.Event) (bool, error) {
	parties, err := q.ReferralPartiesOf(ctx, ev.ParticipantID)
	referred := err == nil
	if err != nil && referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return false, err
	}
	if referred {
		ev.ReferralID = parties.ID
		// A review decision on this referral waits for this transaction,
		// and this one for it: rewards never slip past a rejection.
		if err := q.LockReferral(ctx, parties.ID); err != nil {
			return false, err
		}
		if parties, err = q.ReferralPartiesOf(ctx, ev.ParticipantID); err != nil {
			return false, err
		}
	}
	if ev.Name == referralhub.EventRefund {
		if err := checkRefund(ctx, q, *ev); err != nil {
			return false, err
		}
	}
	inserted, err := q.RecordEvent(ctx, ev)
	if err != nil || !inserted || !referred {
		return inserted, err
	}
	if ev.Name == referralhub.EventRefund {
		return true, s.reverseFor(ctx, q, *ev)
	}
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return false, err
	}
	return true, s.applyRules(ctx, q, prog, *ev, parties)
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

// ParticipantByLogin finds the participant of the user with this email or
// username, for the command line; ENOTFOUND when there is none.
func (s *Service) ParticipantByLogin(ctx context.Context, login string) (int64, error) {
	q := s.db.Read()
	u, _, err := q.UserForLogin(ctx, NormalizeEmail(login))
	if err != nil {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No user has the login %q.", login)
	}
	to, err := q.RecipientByUser(ctx, u.ID)
	return to.ParticipantID, err
}
