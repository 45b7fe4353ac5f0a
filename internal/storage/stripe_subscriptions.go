// stripe_subscriptions: Stripe subscriptions as their latest event left
// them, which set participants' plans, and trials extended by rewards.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// StripeSubscription is a subscription as its latest event left it.
type StripeSubscription struct {
	ID              string // sub_…
	CustomerID      string
	ParticipantID   int64 // 0 while its customer matches nobody
	Status          string
	TrialEnd        time.Time // zero without a trial
	TrialExtendedTo time.Time // the trial end last asked of Stripe for rewards; zero for none
	EventAt         time.Time // the time of the event that left it so
	UpdatedAt       time.Time
}

// SaveStripeSubscription stores s as its event left it, unless an event
// newer than s's was applied already; it reports whether s was stored.
func (q *Queries) SaveStripeSubscription(ctx context.Context, s StripeSubscription) (bool, error) {
	var id string
	err := q.queryRow(ctx, `/* SaveStripeSubscription */ INSERT INTO stripe_subscriptions
		(subscription_id, customer_id, participant_id, status, trial_end, event_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (subscription_id) DO UPDATE SET customer_id = excluded.customer_id,
			participant_id = excluded.participant_id, status = excluded.status, trial_end = excluded.trial_end,
			event_at = excluded.event_at, updated_at = excluded.updated_at
		WHERE stripe_subscriptions.event_at <= excluded.event_at RETURNING subscription_id`,
		s.ID, s.CustomerID, nullID(s.ParticipantID), s.Status, q.nullTime(s.TrialEnd), q.ts(s.EventAt), q.ts(s.UpdatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("save stripe subscription: %w", err)
	}
	return true, nil
}

const stripeSubscriptionColumns = `subscription_id, customer_id, COALESCE(participant_id, 0), status, trial_end,
	trial_extended_to, event_at, updated_at`

func scanStripeSubscription(r rowScanner) (StripeSubscription, error) {
	var (
		s               StripeSubscription
		trial, extended sql.NullTime
	)
	err := r.Scan(&s.ID, &s.CustomerID, &s.ParticipantID, &s.Status, &trial, &extended, &s.EventAt, &s.UpdatedAt)
	s.TrialEnd, s.TrialExtendedTo, s.EventAt, s.UpdatedAt = utc(trial), utc(extended), s.EventAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// StripeSubscriptionByID returns a stored subscription, or ENOTFOUND.
func (q *Queries) StripeSubscriptionByID(ctx context.Context, id string) (StripeSubscription, error) {
	s, err := scanStripeSubscription(q.queryRow(ctx, `/* StripeSubscriptionByID */ SELECT `+stripeSubscriptionColumns+`
		FROM stripe_subscriptions WHERE subscription_id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, referralhub.Errorf(referralhub.ENOTFOUND, "No such Stripe subscription.")
	}
	if err != nil {
		return s, fmt.Errorf("stripe subscription: %w", err)
	}
	return s, nil
}

// StripeSubscriptionsOf lists a participant's subscriptions, latest
// trial end first, then by id.
func (q *Queries) StripeSubscriptionsOf(ctx context.Context, participantID int64) ([]StripeSubscription, error) {
	return queryList(ctx, q, "stripe subscriptions of", `/* StripeSubscriptionsOf */ SELECT `+stripeSubscriptionColumns+`
		FROM stripe_subscriptions WHERE participant_id = $1 ORDER BY trial_end IS NULL, trial_end DESC, subscription_id`,
		scanStripeSubscription, participantID)
}

// ExtendStripeTrial records the trial end to ask Stripe for.
func (q *Queries) ExtendStripeTrial(ctx context.Context, id string, to time.Time) error {
	_, err := q.exec(ctx, `/* ExtendStripeTrial */ UPDATE stripe_subscriptions SET trial_extended_to = $2
		WHERE subscription_id = $1`, id, q.ts(to))
	if err != nil {
		return fmt.Errorf("extend stripe trial: %w", err)
	}
	return nil
}

// LockStripeSubscription holds a subscription's row until the transaction
// ends, so trial extensions add up one at a time on PostgreSQL.
func (q *Queries) LockStripeSubscription(ctx context.Context, id string) error {
	var got string
	err := q.queryRow(ctx, `/* LockStripeSubscription */ SELECT subscription_id FROM stripe_subscriptions
		WHERE subscription_id = $1`+q.d.forUpdate(), id).Scan(&got)
	if err != nil {
		return fmt.Errorf("lock stripe subscription: %w", err)
	}
	return nil
}

// DeleteStripeSubscriptionsOf forgets a participant's subscriptions, for
// the deletion of their account.
func (q *Queries) DeleteStripeSubscriptionsOf(ctx context.Context, participantID int64) error {
	_, err := q.exec(ctx, `/* DeleteStripeSubscriptionsOf */ DELETE FROM stripe_subscriptions WHERE participant_id = $1`, participantID)
	if err != nil {
		return fmt.Errorf("delete stripe subscriptions: %w", err)
	}
	return nil
}
