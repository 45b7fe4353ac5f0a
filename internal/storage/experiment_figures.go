// experiment_assignments, read with what each assigned participant did:
// the sums an experiment's report computes its intervals from.

package storage

import (
	"context"
	"slices"
)

// ArmFigures is one arm's participants and, summed over them, each
// participant's human link clicks, referred friends, converted friends
// (first purchase) and reward cost, with the squares (and for the cost
// the cross product with conversions) that variances need. Sums are
// float64: squares of amounts in minor units overflow 64-bit integers.
type ArmFigures struct {
	Arm                    string
	Participants, Sharers  int64
	Clicks, ClicksSq       float64
	Signups, SignupsSq     float64
	Converted, ConvertedSq float64
	Costs                  []ArmCost
}

// ArmCost sums, over one arm's participants, the money value of the
// rewards (either side, not cancelled or reversed, credit and coupon
// amounts) earned on their referrals in one currency: X per participant,
// with ΣX, ΣX² and ΣX·Y where Y is the participant's converted friends.
type ArmCost struct {
	Currency          string
	Sum, SumSq, SumXY float64
}

// ExperimentFigures returns the figures of every arm with a participant,
// sorted by arm.
func (q *Queries) ExperimentFigures(ctx context.Context, experimentID int64) ([]ArmFigures, error) {
	arms := map[string]*ArmFigures{}
	err := queryEach(ctx, q, "experiment arms", `/* ExperimentFigures.arms */ SELECT a.arm, COUNT(*),
		COALESCE(SUM(CASE WHEN p.click_count > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CAST(p.click_count AS DOUBLE PRECISION)), 0),
		COALESCE(SUM(CAST(p.click_count AS DOUBLE PRECISION) * p.click_count), 0),
		COALESCE(SUM(CAST(p.referral_count AS DOUBLE PRECISION)), 0),
		COALESCE(SUM(CAST(p.referral_count AS DOUBLE PRECISION) * p.referral_count), 0)
		FROM experiment_assignments a JOIN participants p ON p.id = a.participant_id
		WHERE a.experiment_id = $1 GROUP BY a.arm`, func(r rowScanner) error {
		var f ArmFigures
		err := r.Scan(&f.Arm, &f.Participants, &f.Sharers, &f.Clicks, &f.ClicksSq, &f.Signups, &f.SignupsSq)
		arms[f.Arm] = &f
		return err
	}, experimentID)
	if err != nil {
		return nil, err
	}
	if err := q.armConversions(ctx, experimentID, arms); err != nil {
		return nil, err
	}
	if err := q.armCosts(ctx, experimentID, arms); err != nil {
		return nil, err
	}
	var out []ArmFigures
	for _, f := range arms {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b ArmFigures) int { return compareStrings(a.Arm, b.Arm) })
	return out, nil
}

// convertedByReferrer is, per assigned participant of experiment $1, their
// arm and their referred friends who made a purchase.
const convertedByReferrer = `SELECT a.arm, a.participant_id, COUNT(*) AS n
	FROM experiment_assignments a JOIN referrals r ON r.referrer_id = a.participant_id
	WHERE a.experiment_id = $1 AND EXISTS (SELECT 1 FROM events e WHERE e.referral_id = r.id AND e.name = 'purchase')
	GROUP BY a.arm, a.participant_id`

func (q *Queries) armConversions(ctx context.Context, experimentID int64, arms map[string]*ArmFigures) error {
	return queryEach(ctx, q, "experiment conversions", `/* ExperimentFigures.conversions */ SELECT c.arm,
		SUM(CAST(c.n AS DOUBLE PRECISION)), SUM(CAST(c.n AS DOUBLE PRECISION) * c.n)
		FROM (`+convertedByReferrer+`) c GROUP BY c.arm`, func(r rowScanner) error {
		var (
			arm     string
			sum, sq float64
		)
		if err := r.Scan(&arm, &sum, &sq); err != nil {
			return err
		}
		if f := arms[arm]; f != nil {
			f.Converted, f.ConvertedSq = sum, sq
		}
		return nil
	}, experimentID)
}

func (q *Queries) armCosts(ctx context.Context, experimentID int64, arms map[string]*ArmFigures) error {
	return queryEach(ctx, q, "experiment costs", `/* ExperimentFigures.costs */ SELECT x.arm, x.currency,
		SUM(x.x), SUM(x.x * x.x), SUM(x.x * COALESCE(c.n, 0))
		FROM (SELECT a.arm, a.participant_id, w.currency, CAST(SUM(w.amount) AS DOUBLE PRECISION) AS x
			FROM experiment_assignments a JOIN referrals r ON r.referrer_id = a.participant_id
			JOIN rewards w ON w.referral_id = r.id
			WHERE a.experiment_id = $1 AND w.entry = 'reward' AND w.kind IN ('credit', 'coupon') AND w.currency <> ''
				AND w.cancelled_at IS NULL AND w.reversed_at IS NULL
			GROUP BY a.arm, a.participant_id, w.currency) x
		LEFT JOIN (`+convertedByReferrer+`) c ON c.participant_id = x.participant_id
		GROUP BY x.arm, x.currency ORDER BY x.currency`, func(r rowScanner) error {
		var c ArmCost
		var arm string
		if err := r.Scan(&arm, &c.Currency, &c.Sum, &c.SumSq, &c.SumXY); err != nil {
			return err
		}
		if f := arms[arm]; f != nil {
			f.Costs = append(f.Costs, c)
		}
		return nil
	}, experimentID)
}
