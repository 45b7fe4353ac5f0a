package core

import (
	"context"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// EventInput is a step a participant took, as reported to RecordEvent.
// Callers name the participant by id, as the command line does (it finds
// it by login with ParticipantByLogin), or by reference, as the API does
// (an id or an external id, in ParticipantRef).
type EventInput struct {
	ParticipantID int64
	// ParticipantRef, when set, names the participant instead, as the API
	// does (see Participant); it is resolved in the event's transaction.
	ParticipantRef string
	Name           string
	Key            string    // idempotency key: a repeat changes nothing
	Amount         int64     // purchase and refund: minor units
	Currency       string    // purchase and refund: e.g. "usd", in any case
	PurchaseKey    string    // refund: the key of the purchase refunded
	OccurredAt     time.Time // when it happened by the reporter's clock; zero when not given
	Metadata       string    // a JSON object, kept as given; "" for none
}

// RecordedEvent is a recorded event with its details and the ledger
// entries it caused.
type RecordedEvent struct {
	referralhub.Event
	referralhub.EventDetails
	Rewards []referralhub.Reward
}

// internalKeyPrefix starts the keys of events ReferralHub records itself
// ("rh:signup", "rh:click:ID", "rh:email_verified"); reported events may
// not use it, so they can never pre-empt one.
const internalKeyPrefix = "rh:"

// RecordEvent records a step a participant took (a purchase, a refund, a
// verified email or a custom event) with its details, attributes it to
// the referral that brought them, and lets the program's rules reward it,
// all in one transaction; the command line and the API both record
// through it. The currency may come in any case and is kept in lower case.
//
// An email_verified event of a participant without a login here (one a
// host's product made through the API) also verifies them, since the host
// verified the address, and so releases rewards that waited for it. A
// hosted user verifies only through the link we mail: for them it is an
// event like any other.
//
// A key seen before changes nothing: recorded is false and the first
// event is returned.
func (s *Service) RecordEvent(ctx context.Context, in EventInput) (ev RecordedEvent, recorded bool, err error) {
	in.Currency = strings.ToLower(in.Currency)
	if err := checkEvent(in, s.now()); err != nil {
		return ev, false, err
	}
	now := s.now()
	e := referralhub.Event{ParticipantID: in.ParticipantID, Name: in.Name, Key: in.Key, Amount: in.Amount, Currency: in.Currency,
		PurchaseKey: in.PurchaseKey, CreatedAt: now}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if in.ParticipantRef != "" { // on the writer, which has the row at hand
			id, err := s.participantID(ctx, q, in.ParticipantRef)
			if err != nil {
				return err
			}
			in.ParticipantID, e.ParticipantID = id, id
		}
		if recorded, err = s.recordReported(ctx, q, in, &e, now); err != nil || !recorded {
			return err
		}
		// Read back in the transaction: the writer has these rows at hand
		// (SQLite's readers would load their pages afresh after each write).
		ev, err = recordedEvent(ctx, q, in.ParticipantID, in.Key)
		return err
	})
	if err != nil {
		return RecordedEvent{}, false, err
	}
	if recorded {
		s.jobsQueued()
		return ev, true, nil
	}
	ev, err = recordedEvent(ctx, s.db.Read(), in.ParticipantID, in.Key)
	return ev, false, err
}

// recordReported is RecordEvent's transaction: the event, its details,
// and the verification an email_verified event of a participant without
// a login brings.
func (s *Service) recordReported(ctx context.Context, q *storage.Queries, in EventInput, ev *referralhub.Event, now time.Time) (bool, error) {
	p, err := q.LiveParticipant(ctx, ev.ParticipantID)
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
	if !in.OccurredAt.IsZero() || in.Metadata != "" {
		if err := q.SetEventDetails(ctx, ev.ID, referralhub.EventDetails{OccurredAt: in.OccurredAt, Metadata: in.Metadata}); err != nil {
			return false, err
		}
	}
	if verified {
		return true, s.releaseAfterVerification(ctx, q, p.ID, now)
	}
	return true, nil
}

// recordedEvent loads an event with its details and ledger entries.
func recordedEvent(ctx context.Context, q *storage.Queries, participantID int64, key string) (RecordedEvent, error) {
	e, d, err := q.EventWithDetails(ctx, participantID, key)
	if err != nil {
		return RecordedEvent{}, err
	}
	ev := RecordedEvent{Event: e, EventDetails: d}
	ev.Rewards, err = q.RewardsOfEvent(ctx, e.ID)
	return ev, err
}

// recordEvent inserts ev, tied to the participant's referral, and rewards it
// under the program read in the same transaction. It reports whether ev is
// new. Call it inside InTx.
func (s *Service) recordEvent(ctx context.Context, q *storage.Queries, ev *referralhub.Event) (bool, error) {
	// A review decision on the referral waits for this transaction, and
	// this one for it: rewards never slip past a rejection. The parties are
	// read once the lock is held, so they are the decision's outcome.
	referralID, referred, err := q.LockReferralOf(ctx, ev.ParticipantID)
	if err != nil {
		return false, err
	}
	var parties storage.ReferralParties
	if referred {
		ev.ReferralID = referralID
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
	prog, err := s.rewardProgram(ctx, q, parties, s.now())
	if err != nil {
		return false, err
	}
	return true, s.applyRules(ctx, q, prog, *ev, parties)
}
