package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"github.com/referralhub/referralhub"
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
