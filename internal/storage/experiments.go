// experiments: offer experiments, one row each, their variants as a JSON
// document.

package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// CreateExperiment stores a new running experiment and sets its ID. A
// campaign that already runs one answers ECONFLICT.
func (q *Queries) CreateExperiment(ctx context.Context, e *referralhub.Experiment) error {
	doc, err := json.Marshal(e.Variants)
	if err != nil {
		return fmt.Errorf("encode variants: %w", err)
	}
	err = q.queryRow(ctx, `/* CreateExperiment */ INSERT INTO experiments
		(campaign_id, name, status, variants, holdout_percent, seed, started_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.CampaignID, e.Name, e.Status, string(doc), e.HoldoutPercent, e.Seed, q.ts(e.StartedAt), e.CreatedBy).Scan(&e.ID)
	if q.d.isUnique(err, "experiments_running_key", "experiments.campaign_id") {
		return referralhub.Errorf(referralhub.ECONFLICT, "This campaign already runs an experiment: stop it first.")
	}
	if err != nil {
		return fmt.Errorf("create experiment: %w", err)
	}
	return nil
}

const experimentQuery = `SELECT id, campaign_id, name, status, variants, holdout_percent, seed, started_at, stopped_at,
	promoted, created_by FROM experiments `

func scanExperiment(r rowScanner) (referralhub.Experiment, error) {
	var (
		e       referralhub.Experiment
		doc     string
		stopped sql.NullTime
	)
	err := r.Scan(&e.ID, &e.CampaignID, &e.Name, &e.Status, &doc, &e.HoldoutPercent, &e.Seed, &e.StartedAt, &stopped,
		&e.Promoted, &e.CreatedBy)
	if err != nil {
		return e, err
	}
	e.StartedAt = e.StartedAt.UTC()
	if stopped.Valid {
		t := stopped.Time.UTC()
		e.StoppedAt = &t
	}
	if err := json.Unmarshal([]byte(doc), &e.Variants); err != nil {
		return e, fmt.Errorf("decode experiment %d's variants: %w", e.ID, err)
	}
	return e, nil
}

// Experiment returns an experiment by id, or ENOTFOUND.
func (q *Queries) Experiment(ctx context.Context, id int64) (referralhub.Experiment, error) {
	e, err := scanExperiment(q.queryRow(ctx, `/* Experiment */ `+experimentQuery+`WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, referralhub.Errorf(referralhub.ENOTFOUND, "No such experiment.")
	}
	if err != nil {
		return e, fmt.Errorf("experiment: %w", err)
	}
	return e, nil
}

// RunningExperiment returns the experiment a campaign runs, and false when
// it runs none.
func (q *Queries) RunningExperiment(ctx context.Context, campaignID int64) (referralhub.Experiment, bool, error) {
	e, err := scanExperiment(q.queryRow(ctx, `/* RunningExperiment */ `+experimentQuery+`WHERE campaign_id = $1 AND status = $2`,
		campaignID, referralhub.ExperimentRunning))
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("running experiment: %w", err)
	}
	return e, true, nil
}

// Experiments lists a campaign's experiments, newest first.
func (q *Queries) Experiments(ctx context.Context, campaignID int64) ([]referralhub.Experiment, error) {
	return queryList(ctx, q, "experiments", `/* Experiments */ `+experimentQuery+`WHERE campaign_id = $1 ORDER BY id DESC`,
		scanExperiment, campaignID)
}

// StopExperiment stops a running experiment at now, and reports false when
// it was not running.
func (q *Queries) StopExperiment(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := q.exec(ctx, `/* StopExperiment */ UPDATE experiments SET status = $1, stopped_at = $2
		WHERE id = $3 AND status = $4`, referralhub.ExperimentStopped, q.ts(now), id, referralhub.ExperimentRunning)
	if err != nil {
		return false, fmt.Errorf("stop experiment: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetExperimentPromoted records the variant promoted to the campaign's
// rules, and reports false when the experiment already promoted one.
func (q *Queries) SetExperimentPromoted(ctx context.Context, id int64, key string) (bool, error) {
	res, err := q.exec(ctx, `/* SetExperimentPromoted */ UPDATE experiments SET promoted = $1 WHERE id = $2 AND promoted = ''`, key, id)
	if err != nil {
		return false, fmt.Errorf("promote variant: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
