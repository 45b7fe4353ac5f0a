// experiment_assignments: the arm each participant was put in, at first
// exposure.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
