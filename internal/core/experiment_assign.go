package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// armFor is the arm an experiment puts a participant in: a pure function of
// the experiment's id and seed and the participant's id, so every instance
// and every restart answers the same. HMAC-SHA256 keyed by the seed turns
// "experiment:participant" into a number u uniform in [0,1); u below the
// holdout share is the holdout, and the rest of [0,1) is cut between the
// variants in proportion to their weights.
func armFor(exp referralhub.Experiment, participantID int64) string {
	u := assignmentPoint(exp.Seed, exp.ID, participantID)
	holdout := float64(exp.HoldoutPercent) / 100
	if u < holdout {
		return referralhub.ArmHoldout
	}
	u = (u - holdout) / (1 - holdout) // uniform again in [0,1)
	total := 0
	for _, v := range exp.Variants {
		total += v.Weight
	}
	cut := 0.0
	for _, v := range exp.Variants {
		cut += float64(v.Weight) / float64(total)
		if u < cut {
			return v.Key
		}
	}
	return exp.Variants[len(exp.Variants)-1].Key // u just under 1 against a sum rounded down
}

// assignmentPoint is the keyed hash of experiment and participant as a
// number in [0,1), from its first 53 bits (a float64's precision).
func assignmentPoint(seed string, experimentID, participantID int64) float64 {
	mac := hmac.New(sha256.New, []byte(seed))
	mac.Write([]byte(strconv.FormatInt(experimentID, 10) + ":" + strconv.FormatInt(participantID, 10)))
	return float64(binary.BigEndian.Uint64(mac.Sum(nil))>>11) / (1 << 53)
}

// Exposure is what an experiment shows one participant: their arm, and
// the rules of their variant. The zero Exposure is a participant in no
// experiment, who sees their campaign as it is.
type Exposure struct {
	ExperimentID int64
	Arm          string
	Rules        []referralhub.Rule
}

// Holdout reports whether the participant is held out: no referral
// prompt, no rewards.
func (e Exposure) Holdout() bool { return e.Arm == referralhub.ArmHoldout }

// exposure is participantID's place in their campaign's running
// experiment, recorded the first time it is asked for. Participants who
// joined before the experiment started are not in it: it splits new
// participants only.
func (s *Service) exposure(ctx context.Context, q *storage.Queries, participantID int64) (Exposure, error) {
	pe, ok, err := q.RunningExperimentOf(ctx, participantID)
	if err != nil || !ok || pe.Joined.Before(pe.Experiment.StartedAt) {
		return Exposure{}, err
	}
	exp := pe.Experiment
	arm := pe.Arm
	if arm == "" {
		arm, err = q.AssignArm(ctx, referralhub.Assignment{ExperimentID: exp.ID, ParticipantID: participantID,
			Arm: armFor(exp, participantID), AssignedAt: s.now()})
		if err != nil {
			return Exposure{}, err
		}
	}
	return exposureTo(exp, arm), nil
}

// exposureTo is the Exposure of an arm of exp.
func exposureTo(exp referralhub.Experiment, arm string) Exposure {
	out := Exposure{ExperimentID: exp.ID, Arm: arm}
	for _, v := range exp.Variants {
		if v.Key == arm {
			out.Rules = v.Rules
		}
	}
	return out
}

// ParticipantExposure is participantID's place in an experiment, for the
// dashboard and the API: a holdout participant is shown no referral
// prompt. It records the arm at this first exposure; once recorded, it
// is a read.
func (s *Service) ParticipantExposure(ctx context.Context, participantID int64) (Exposure, error) {
	pe, ok, err := s.db.Read().RunningExperimentOf(ctx, participantID)
	if err != nil || !ok || pe.Joined.Before(pe.Experiment.StartedAt) {
		return Exposure{}, err
	}
	if pe.Arm != "" {
		return exposureTo(pe.Experiment, pe.Arm), nil
	}
	var e Exposure
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		var err error
		e, err = s.exposure(ctx, q, participantID)
		return err
	})
	return e, err
}
