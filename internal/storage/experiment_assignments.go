// experiment_assignments: the arm each participant was put in, at first
// exposure.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// AssignArm records a's arm unless the participant already has one in the
// experiment, and returns the arm recorded: the first writer wins, so two
// instances exposing one participant at once agree.
func (q *Queries) AssignArm(ctx context.Context, a referralhub.Assignment) (string, error) {
	_, err := q.exec(ctx, `/* AssignArm */ INSERT INTO experiment_assignments (experiment_id, participant_id, arm, assigned_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (experiment_id, participant_id) DO NOTHING`,
		a.ExperimentID, a.ParticipantID, a.Arm, q.ts(a.AssignedAt))
	if err != nil {
		return "", fmt.Errorf("assign arm: %w", err)
	}
	arm, ok, err := q.ArmOf(ctx, a.ExperimentID, a.ParticipantID)
	if err == nil && !ok {
		err = fmt.Errorf("assign arm: experiment %d, participant %d: not recorded", a.ExperimentID, a.ParticipantID)
	}
	return arm, err
}

// ArmOf returns the arm recorded for a participant in an experiment, and
// false when none is.
func (q *Queries) ArmOf(ctx context.Context, experimentID, participantID int64) (string, bool, error) {
	var arm string
	err := q.queryRow(ctx, `/* ArmOf */ SELECT arm FROM experiment_assignments WHERE experiment_id = $1 AND participant_id = $2`,
		experimentID, participantID).Scan(&arm)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("arm of: %w", err)
	}
	return arm, true, nil
}

// ParticipantExperiment is the experiment a participant's campaign runs,
// when the participant joined, and the arm recorded for them ("" for none
// yet).
type ParticipantExperiment struct {
	Experiment referralhub.Experiment
	Joined     time.Time
	Arm        string
}

// RunningExperimentOf returns the running experiment of participantID's
// campaign with their recorded arm, in one read, and false when their
// campaign runs none (or there is no such participant).
func (q *Queries) RunningExperimentOf(ctx context.Context, participantID int64) (ParticipantExperiment, bool, error) {
	var (
		pe  ParticipantExperiment
		arm sql.NullString
	)
	e, err := scanExperiment(scanWith(q.queryRow(ctx, `/* RunningExperimentOf */ SELECT e.id, e.campaign_id, e.name, e.status,
		e.variants, e.holdout_percent, e.seed, e.started_at, e.stopped_at, e.promoted, e.created_by, p.created_at, a.arm
		FROM participants p JOIN experiments e ON e.campaign_id = COALESCE(p.campaign_id, $2) AND e.status = $3
		LEFT JOIN experiment_assignments a ON a.experiment_id = e.id AND a.participant_id = p.id
		WHERE p.id = $1`, participantID, referralhub.DefaultCampaignID, referralhub.ExperimentRunning), &pe.Joined, &arm))
	if errors.Is(err, sql.ErrNoRows) {
		return pe, false, nil
	}
	if err != nil {
		return pe, false, fmt.Errorf("running experiment of: %w", err)
	}
	pe.Experiment, pe.Joined, pe.Arm = e, pe.Joined.UTC(), arm.String
	return pe, true, nil
}

// extraScanner scans a row into the scanner's own destinations, then into
// extra: one table's scan function reused on a join with more columns.
type extraScanner struct {
	r     rowScanner
	extra []any
}

func scanWith(r rowScanner, extra ...any) rowScanner { return extraScanner{r, extra} }

func (s extraScanner) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }
