package referralhub

import "time"

// Experiment statuses.
const (
	ExperimentRunning = "running"
	ExperimentStopped = "stopped"
)

// ArmHoldout is the arm of participants held out of an experiment: they
// see no referral prompt and earn nothing, so the program's effect can be
// measured against them.
const ArmHoldout = "holdout"

// Experiment splits a campaign's new participants between two to four
// variants of its rules, by weight, with a share held out. A participant's
// arm is sticky: a keyed hash of the experiment's seed and the
// participant's id, recorded at first exposure.
type Experiment struct {
	ID         int64
	CampaignID int64
	Name       string
	Status     string // ExperimentRunning or ExperimentStopped
	Variants   []Variant
	// HoldoutPercent is the share of new participants held out, 0 to 50.
	HoldoutPercent int
	// Seed keys the assignment hash; made at random when the experiment
	// is created and never changed.
	Seed      string
	StartedAt time.Time
	StoppedAt *time.Time
	// Promoted is the key of the variant whose rules became the
	// campaign's rules, "" while none has been promoted.
	Promoted  string
	CreatedBy string
}

// Variant is one arm of an experiment: its rules, in the same shape as a
// program's, and its weight among the variants.
type Variant struct {
	Key    string // "A", "B", "C" or "D"
	Name   string
	Weight int // 1 to 100, relative to the other variants' weights
	Rules  []Rule
}

// Assignment is the arm a participant was put in, recorded at first
// exposure so a later change of weights never moves them.
type Assignment struct {
	ExperimentID  int64
	ParticipantID int64
	Arm           string // a variant's Key or ArmHoldout
	AssignedAt    time.Time
}
