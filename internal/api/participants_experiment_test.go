package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestParticipantSaysWhenHeldOut: with an experiment holding out half of
// the new participants, each participant's JSON names their arm, and
// referral_prompt is false exactly for the holdout; the arm is the same
// when they are read again.
func TestParticipantSaysWhenHeldOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		prog, err := e.svc.Program(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		exp, err := e.svc.StartExperiment(t.Context(), e.admin, core.ExperimentDraft{CampaignID: referralhub.DefaultCampaignID,
			Name: "api", HoldoutPercent: 50, Variants: []referralhub.Variant{{Weight: 1, Rules: prog.Rules}, {Weight: 1, Rules: prog.Rules}}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[bool]bool{}
		for i := range 20 {
			p := e.participant(fmt.Sprintf(`{"external_id":"user%d"}`, i), http.StatusCreated)
			if p.Experiment == nil || p.Experiment.ID != exp.ID || p.ReferralPrompt != (p.Experiment.Arm != referralhub.ArmHoldout) {
				t.Fatalf("participant %d: prompt %v, experiment %+v", i, p.ReferralPrompt, p.Experiment)
			}
			var again participantBody
			e.get(fmt.Sprintf("/api/v1/participants/%d", p.ID)).decode(t, http.StatusOK, &again)
			if *again.Experiment != *p.Experiment {
				t.Fatalf("participant %d: arm %+v, then %+v", i, p.Experiment, again.Experiment)
			}
			seen[p.ReferralPrompt] = true
		}
		if !seen[true] || !seen[false] {
			t.Fatalf("twenty participants, none held out or none exposed: %v", seen)
		}
		var root participantBody
		e.get("/api/v1/participants/1").decode(t, http.StatusOK, &root)
		if root.Experiment != nil || !root.ReferralPrompt {
			t.Fatalf("a participant from before the experiment: %+v", root)
		}
	})
}
