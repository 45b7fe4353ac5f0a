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
	maxMetadata = 16 << 10 // bytes of an event's metadata
	// occurredSkew is how far in the future an event may say it happened:
	// the reporter's clock may run ahead of ours.
	occurredSkew = 5 * time.Minute
)

// APIEventInput is an event reported through the API: RecordEvent's input,
// the participant by reference, and what only the API carries.
type APIEventInput struct {
	EventInput
	Participant string    // a numeric id, or ExternalPrefix and an external id
	OccurredAt  time.Time // when it happened by the reporter's clock; zero when not given
	Metadata    string    // a JSON object, kept as given; "" for none
}

// APIEvent is a recorded event with its details and the ledger entries it
// caused.
type APIEvent struct {
	referralhub.Event
	referralhub.EventDetails
	Rewards []referralhub.Reward
}

// RecordAPIEvent records an event for the API the way RecordEvent does,
// with its details in the same transaction. An email_verified event of a
// participant made through the API also verifies them (the host verified
// the address), which releases rewards that waited for it; a hosted user
// verifies through the link we mail. A key seen before changes nothing:
// recorded is false and the first event is returned.
func (s *Service) RecordAPIEvent(ctx context.Context, in APIEventInput) (ev APIEvent, recorded bool, err error) {
	in.Currency = strings.ToLower(in.Currency)
	if err := checkAPIEvent(in, s.now()); err != nil {
		return ev, false, err
	}
	p, err := s.lookupParticipant(ctx, in.Participant)
	if err != nil {
		return ev, false, err
	}
	in.ParticipantID = p.ID
	now := s.now()
	ev.Event = referralhub.Event{ParticipantID: p.ID, Name: in.Name, Key: in.Key, Amount: in.Amount, Currency: in.Currency,
		PurchaseKey: in.PurchaseKey, CreatedAt: now}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		recorded, err = s.recordAPIEvent(ctx, q, in, &ev.Event, now)
		return err
	})
	if err != nil {
		return ev, false, err
	}
	if recorded {
		s.jobsQueued()
	}
	ev, err = s.apiEvent(ctx, p.ID, in.Key)
	return ev, recorded, err
}

// recordAPIEvent is RecordAPIEvent's transaction.
func (s *Service) recordAPIEvent(ctx context.Context, q *storage.Queries, in APIEventInput, ev *referralhub.Event, now time.Time) (bool, error) {
	p, err := q.Participant(ctx, ev.ParticipantID)
	if err != nil {
		return false, err
	}
	verified := false
	if ev.Name == referralhub.EventEmailVerified && p.UserID == 0 {
		if verified, err = q.MarkParticipantVerified(ctx, p.ID, now); err != nil {
			return false, err
		}
	}
	recorded, err := s.recordEvent(ctx, q, ev)
	if err != nil || !recorded {
		return false, err
	}
	if err := q.SetEventDetails(ctx, ev.ID, referralhub.EventDetails{OccurredAt: in.OccurredAt, Metadata: in.Metadata}); err != nil {
		return false, err
	}
	if verified {
		return true, s.releaseAfterVerification(ctx, q, p.ID, now)
	}
	return true, nil
}

// apiEvent loads an event with its details and ledger entries.
func (s *Service) apiEvent(ctx context.Context, participantID int64, key string) (APIEvent, error) {
	q := s.db.Read()
	e, d, err := q.EventWithDetails(ctx, participantID, key)
	if err != nil {
		return APIEvent{}, err
	}
	ev := APIEvent{Event: e, EventDetails: d}
	ev.Rewards, err = q.RewardsOfEvent(ctx, e.ID)
	return ev, err
}

// checkAPIEvent checks an event as RecordEvent does, and its details.
func checkAPIEvent(in APIEventInput, now time.Time) error {
	err := checkEvent(in.EventInput)
	fe := referralhub.FieldErrors{}
	for k, v := range referralhub.ErrorFields(err) {
		fe.Add(k, v)
	}
	if !in.OccurredAt.IsZero() && in.OccurredAt.After(now.Add(occurredSkew)) {
		fe.Add("occurred_at", "An event cannot have happened in the future.")
	}
	if len(in.Metadata) > maxMetadata || !utf8.ValidString(in.Metadata) {
		fe.Add("metadata", "Metadata is a JSON object of up to 16 KiB of UTF-8.")
	}
	return fe.Err()
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
