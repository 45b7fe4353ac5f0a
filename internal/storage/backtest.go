// Reads of a backtest: the recorded events of a window with what their
// rules need, and the ledger's state at its start. Nothing here writes.

package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// BacktestEvent is a recorded event with the referral it is tied to, as
// the rules see it now: both plans, the friend's verification, bans,
// review and the referrer's qualified referrals. An achievement (tier.*,
// badge.*) has no referral: its achiever is Parties.ReferrerID.
type BacktestEvent struct {
	Event   referralhub.Event
	Parties ReferralParties
}

// BacktestEventIDs is the first and last id of the events recorded in
// [since, until), 0 and 0 when there are none: a replay reads the ids
// between them a range at a time, through the primary key.
func (q *Queries) BacktestEventIDs(ctx context.Context, since, until time.Time) (first, last int64, err error) {
	err = q.queryRow(ctx, `/* BacktestEventIDs */ SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM events
		WHERE created_at >= $1 AND created_at < $2`, q.ts(since), q.ts(until)).Scan(&first, &last)
	if err != nil {
		return 0, 0, fmt.Errorf("backtest event ids: %w", err)
	}
	return first, last, nil
}

// EachBacktestEvent hands fn, one at a time and in id order (the order
// they were recorded), the events recorded in [since, until) whose id is
// above afterID and at most throughID: every event of a referral but
// refunds and clicks, and every achievement. The event fn gets is reused
// for the next row: fn keeps copies, and runs no statements on q.
func (q *Queries) EachBacktestEvent(ctx context.Context, since, until time.Time, afterID, throughID int64,
	fn func(*BacktestEvent) error) error {
	var b BacktestEvent
	return queryEach(ctx, q, "backtest events", `/* EachBacktestEvent */ SELECT e.id, e.participant_id, COALESCE(e.referral_id, 0),
		e.name, e.amount, e.currency, e.created_at,
		COALESCE(r.referrer_id, 0), COALESCE(r.referee_id, 0), COALESCE(r.review, ''), COALESCE(pe.plan, ''), COALESCE(pr.plan, ''),
		(ue.email_verified_at IS NOT NULL OR pe.verified_at IS NOT NULL), pr.banned_at IS NOT NULL, pe.banned_at IS NOT NULL,
		COALESCE(pr.qualified_count, 0)
		FROM events e LEFT JOIN referrals r ON r.id = e.referral_id
		LEFT JOIN participants pr ON pr.id = r.referrer_id
		LEFT JOIN participants pe ON pe.id = r.referee_id LEFT JOIN users ue ON ue.id = pe.user_id
		WHERE e.id > $1 AND e.id <= $2 AND e.created_at >= $3 AND e.created_at < $4 AND e.name NOT IN ('refund', 'click')
		AND (e.referral_id IS NOT NULL OR e.name LIKE 'tier.%' OR e.name LIKE 'badge.%')
		ORDER BY e.id`, func(r rowScanner) error {
		if err := scanBacktestEvent(r, &b); err != nil {
			return err
		}
		return fn(&b)
	}, afterID, throughID, q.ts(since), q.ts(until))
}

func scanBacktestEvent(r rowScanner, b *BacktestEvent) error {
	*b = BacktestEvent{}
	e, p := &b.Event, &b.Parties
	err := r.Scan(&e.ID, &e.ParticipantID, &e.ReferralID, &e.Name, &e.Amount, &e.Currency, &e.CreatedAt,
		&p.ReferrerID, &p.RefereeID, &p.Review, &p.RefereePlan, &p.ReferrerPlan, &p.RefereeVerified,
		&p.ReferrerBanned, &p.RefereeBanned, &p.ReferrerQualified)
	e.CreatedAt = e.CreatedAt.UTC()
	p.ID = e.ReferralID
	if p.ID == 0 { // an achievement: its achiever is the "referrer"
		p.ReferrerID = e.ParticipantID
	}
	return err
}

// PriorEventReferrals calls fn with each referral that has an event named
// name recorded before since and another in [since, until): a rule for
// the first such event does not fire on the window's.
func (q *Queries) PriorEventReferrals(ctx context.Context, name string, since, until time.Time, fn func(referralID int64)) error {
	return queryEach(ctx, q, "prior event referrals", `/* PriorEventReferrals */ SELECT DISTINCT p.referral_id FROM events p
		WHERE p.name = $1 AND p.created_at < $2 AND p.referral_id IN
		(SELECT w.referral_id FROM events w WHERE w.name = $1 AND w.created_at >= $2 AND w.created_at < $3)`,
		func(r rowScanner) error {
			var id int64
			err := r.Scan(&id)
			fn(id)
			return err
		}, name, q.ts(since), q.ts(until))
}

// PriorCredited calls fn with each reward entry (rule, referral, side)
// credited before since to a referral that has an event in [since,
// until): the ledger credits each once, so a replay of the window must
// not credit it again.
func (q *Queries) PriorCredited(ctx context.Context, since, until time.Time, fn func(ruleID, referralID int64, side string)) error {
	return queryEach(ctx, q, "prior credited", `/* PriorCredited */ SELECT rw.rule_id, rw.referral_id, rw.side FROM rewards rw
		WHERE rw.entry = 'reward' AND rw.rule_id IS NOT NULL AND rw.credited_at < $1 AND rw.referral_id IN
		(SELECT w.referral_id FROM events w WHERE w.created_at >= $1 AND w.created_at < $2 AND w.referral_id IS NOT NULL)`,
		func(r rowScanner) error {
			var (
				rule, ref int64
				side      string
			)
			err := r.Scan(&rule, &ref, &side)
			fn(rule, ref, side)
			return err
		}, q.ts(since), q.ts(until))
}

// RuleUsageBetween calls fn with what a rule gave each participant and
// side in [since, until), as RuleUsage counts it: the caps' state when a
// replay starts at until.
func (q *Queries) RuleUsageBetween(ctx context.Context, ruleID int64, since, until time.Time,
	fn func(participantID int64, side string, count, total int64)) error {
	return queryEach(ctx, q, "rule usage between", `/* RuleUsageBetween */ SELECT participant_id, side, count(*), COALESCE(SUM(amount), 0)
		FROM rewards WHERE rule_id = $1 AND entry = 'reward' AND status NOT IN ('cancelled', 'reversed')
		AND credited_at >= $2 AND credited_at < $3 GROUP BY participant_id, side`,
		func(r rowScanner) error {
			var (
				pid, count, total int64
				side              string
			)
			err := r.Scan(&pid, &side, &count, &total)
			fn(pid, side, count, total)
			return err
		}, ruleID, q.ts(since), q.ts(until))
}

// IssuedByRule is what one rule issued in one kind and currency: the
// number of reward entries and their total amount.
type IssuedByRule struct {
	RuleID   int64
	Kind     string
	Currency string
	Count    int64
	Amount   int64
}

// IssuedRewards sums the reward entries the rules credited in [since,
// until) by rule, kind and currency, leaving out cancelled ones (a
// rejected referral's, or one withdrawn on hold): what was issued.
func (q *Queries) IssuedRewards(ctx context.Context, since, until time.Time) ([]IssuedByRule, error) {
	return queryList(ctx, q, "issued rewards", `/* IssuedRewards */ SELECT rule_id, kind, currency, count(*), COALESCE(SUM(amount), 0)
		FROM rewards WHERE entry = 'reward' AND rule_id IS NOT NULL AND status <> 'cancelled'
		AND credited_at >= $1 AND credited_at < $2 GROUP BY rule_id, kind, currency ORDER BY rule_id, kind, currency`,
		func(r rowScanner) (IssuedByRule, error) {
			var i IssuedByRule
			err := r.Scan(&i.RuleID, &i.Kind, &i.Currency, &i.Count, &i.Amount)
			return i, err
		}, q.ts(since), q.ts(until))
}
