// analytics_cohorts and analytics_cohort_values: signup-month cohorts and their purchases.

package storage

import (
	"context"
	"fmt"
	"github.com/referralhub/referralhub"
	"time"
)

type cohortKey struct {
	month    string
	referred bool
}

// RefreshAnalyticsCohorts recomputes every cohort as of now: a member is
// retained when last seen at least window after their signup, and counts
// for retention only once they signed up at least window before now. It
// scans participants once, so it is meant to run hourly, not per request.
func (db *DB) RefreshAnalyticsCohorts(ctx context.Context, now time.Time, window time.Duration) error {
	q := db.Read()
	cohorts := map[cohortKey]*referralhub.Cohort{}
	var order []cohortKey
	get := func(k cohortKey) *referralhub.Cohort {
		if c, ok := cohorts[k]; ok {
			return c
		}
		cohorts[k] = &referralhub.Cohort{Month: k.month, Referred: k.referred}
		order = append(order, k)
		return cohorts[k]
	}
	if err := q.cohortMembers(ctx, now, window, get); err != nil {
		return err
	}
	if err := q.cohortPurchases(ctx, get); err != nil {
		return err
	}
	return db.InTx(ctx, func(w *Queries) error {
		if err := w.storeCohorts(ctx, cohorts, order); err != nil {
			return err
		}
		return w.markRefreshed(ctx, "cohorts", now)
	})
}

// referredCase is 1 for a participant with a referrals row r, else 0.
const referredCase = `CASE WHEN r.id IS NULL THEN 0 ELSE 1 END`

// cohortMembers counts members, eligible and retained members per cohort.
func (q *Queries) cohortMembers(ctx context.Context, now time.Time, window time.Duration, get func(cohortKey) *referralhub.Cohort) error {
	return queryEach(ctx, q, "cohort members", `/* Analytics.cohortMembers */ SELECT `+q.d.monthOf("p.created_at")+`, `+referredCase+`, count(*),
		SUM(CASE WHEN p.created_at <= $1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.created_at <= $1 AND `+q.d.secondsBetween("p.created_at", "p.last_seen_at")+` >= $2 THEN 1 ELSE 0 END)
		FROM participants p LEFT JOIN referrals r ON r.referee_id = p.id GROUP BY 1, 2`, func(r rowScanner) error {
		var (
			k          cohortKey
			referred   int
			n, el, ret int64
		)
		if err := r.Scan(&k.month, &referred, &n, &el, &ret); err != nil {
			return err
		}
		k.referred = referred == 1
		c := get(k)
		c.Members, c.Eligible, c.Retained = n, el, ret
		return nil
	}, q.ts(now.Add(-window)), window.Seconds())
}

// purchasesFrom is the purchase events joined to their participant and
// the participant's referral, if any.
const purchasesFrom = ` FROM events e JOIN participants p ON p.id = e.participant_id LEFT JOIN referrals r ON r.referee_id = p.id
		WHERE e.name = 'purchase' `

// cohortPurchases counts purchasers per cohort and sums purchase amounts
// per cohort and currency.
func (q *Queries) cohortPurchases(ctx context.Context, get func(cohortKey) *referralhub.Cohort) error {
	month := q.d.monthOf("p.created_at")
	err := q.eachCohortRow(ctx, `/* Analytics.cohortPurchasers */ SELECT `+month+`, `+referredCase+`, '', count(DISTINCT e.participant_id)`+
		purchasesFrom+`GROUP BY 1, 2`, func(c *referralhub.Cohort, _ string, n int64) { c.Purchasers = n }, get)
	if err != nil {
		return err
	}
	return q.eachCohortRow(ctx, `/* Analytics.cohortValues */ SELECT `+month+`, `+referredCase+`, e.currency, SUM(e.amount)`+
		purchasesFrom+`GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, func(c *referralhub.Cohort, currency string, n int64) {
		c.Values = append(c.Values, referralhub.CohortValue{Currency: currency, Amount: n})
	}, get)
}

// eachCohortRow runs a query whose rows are a month, whether referred (0
// or 1), a text and a number, and hands each to set with its cohort.
func (q *Queries) eachCohortRow(ctx context.Context, query string, set func(*referralhub.Cohort, string, int64), get func(cohortKey) *referralhub.Cohort) error {
	return queryEach(ctx, q, "cohort purchases", query, func(r rowScanner) error {
		var (
			k        cohortKey
			referred int
			text     string
			n        int64
		)
		if err := r.Scan(&k.month, &referred, &text, &n); err != nil {
			return err
		}
		k.referred = referred == 1
		set(get(k), text, n)
		return nil
	})
}

// storeCohorts replaces every cohort row.
func (q *Queries) storeCohorts(ctx context.Context, cohorts map[cohortKey]*referralhub.Cohort, order []cohortKey) error {
	for _, table := range []string{"analytics_cohorts", "analytics_cohort_values"} {
		if _, err := q.exec(ctx, `/* Analytics.clearCohorts */ DELETE FROM `+table); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	for _, k := range order {
		c := cohorts[k]
		if _, err := q.exec(ctx, `/* Analytics.storeCohort */ INSERT INTO analytics_cohorts (month, referred, members, eligible,
			retained, purchasers) VALUES ($1, $2, $3, $4, $5, $6)`, c.Month, c.Referred, c.Members, c.Eligible, c.Retained, c.Purchasers); err != nil {
			return fmt.Errorf("store cohort: %w", err)
		}
		for _, v := range c.Values {
			if _, err := q.exec(ctx, `/* Analytics.storeCohortValue */ INSERT INTO analytics_cohort_values (month, referred, currency, amount)
				VALUES ($1, $2, $3, $4)`, c.Month, c.Referred, v.Currency, v.Amount); err != nil {
				return fmt.Errorf("store cohort value: %w", err)
			}
		}
	}
	return nil
}

// AnalyticsCohorts returns every cohort, by month then organic before
// referred, with its purchase values.
func (q *Queries) AnalyticsCohorts(ctx context.Context) ([]referralhub.Cohort, error) {
	var out []referralhub.Cohort
	err := queryEach(ctx, q, "analytics cohorts", `/* AnalyticsCohorts */ SELECT c.month, c.referred, c.members, c.eligible, c.retained, c.purchasers,
		COALESCE(v.currency, ''), COALESCE(v.amount, 0) FROM analytics_cohorts c
		LEFT JOIN analytics_cohort_values v ON v.month = c.month AND v.referred = c.referred
		ORDER BY c.month, c.referred, v.currency`, func(r rowScanner) error {
		var (
			c referralhub.Cohort
			v referralhub.CohortValue
		)
		if err := r.Scan(&c.Month, &c.Referred, &c.Members, &c.Eligible, &c.Retained, &c.Purchasers, &v.Currency, &v.Amount); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].Month != c.Month || out[n-1].Referred != c.Referred {
			out = append(out, c)
		}
		if v.Currency != "" || v.Amount != 0 {
			last := &out[len(out)-1]
			last.Values = append(last.Values, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
