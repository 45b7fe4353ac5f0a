package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func twoVariants() []referralhub.Variant {
	give := referralhub.Rule{ID: 1, Trigger: referralhub.EventSignup,
		Referrer: &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 500, Currency: "usd"}}
	more := give
	more.Referrer = &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 1000, Currency: "usd"}
	return []referralhub.Variant{{Key: "A", Name: "$5", Weight: 50, Rules: []referralhub.Rule{give}},
		{Key: "B", Name: "$10", Weight: 50, Rules: []referralhub.Rule{more}}}
}

// TestExperimentsOnePerCampaign stores an experiment with its variants,
// refuses a second running one on the campaign, stops it once, promotes
// once, and then lets a new one start.
func TestExperimentsOnePerCampaign(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		e := referralhub.Experiment{CampaignID: 1, Name: "five or ten", Status: referralhub.ExperimentRunning,
			Variants: twoVariants(), HoldoutPercent: 10, Seed: "seed", StartedAt: t0, CreatedBy: "root"}
		if err := w.CreateExperiment(ctx, &e); err != nil || e.ID == 0 {
			t.Fatalf("create: %+v %v", e, err)
		}
		second := e
		if err := w.CreateExperiment(ctx, &second); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("a second running experiment: %v", err)
		}
		got, err := db.Read().Experiment(ctx, e.ID)
		if err != nil || got.Name != e.Name || got.HoldoutPercent != 10 || got.Seed != "seed" || !got.StartedAt.Equal(t0) ||
			got.StoppedAt != nil || len(got.Variants) != 2 || got.Variants[1].Rules[0].Referrer.Amount != 1000 || got.CreatedBy != "root" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if run, ok, err := db.Read().RunningExperiment(ctx, 1); err != nil || !ok || run.ID != e.ID {
			t.Fatalf("running: %+v %v %v", run, ok, err)
		}
		stopAt := t0.Add(48 * time.Hour)
		stopped, err := w.StopExperiment(ctx, e.ID, stopAt)
		again, err2 := w.StopExperiment(ctx, e.ID, stopAt.Add(time.Hour))
		if err != nil || err2 != nil || !stopped || again {
			t.Fatalf("stop: %v %v, again %v %v", stopped, err, again, err2)
		}
		promoted, err := w.SetExperimentPromoted(ctx, e.ID, "B")
		twice, err2 := w.SetExperimentPromoted(ctx, e.ID, "A")
		if err != nil || err2 != nil || !promoted || twice {
			t.Fatalf("promote: %v %v, twice %v %v", promoted, err, twice, err2)
		}
		got, _ = db.Read().Experiment(ctx, e.ID)
		if got.Status != referralhub.ExperimentStopped || got.StoppedAt == nil || !got.StoppedAt.Equal(stopAt) || got.Promoted != "B" {
			t.Fatalf("after stop and promote: %+v", got)
		}
		if _, ok, err := db.Read().RunningExperiment(ctx, 1); ok || err != nil {
			t.Fatalf("still running: %v %v", ok, err)
		}
		next := referralhub.Experiment{CampaignID: 1, Name: "next", Status: referralhub.ExperimentRunning,
			Variants: twoVariants(), Seed: "s2", StartedAt: stopAt}
		if err := w.CreateExperiment(ctx, &next); err != nil {
			t.Fatalf("a new experiment after the stop: %v", err)
		}
		if list, err := db.Read().Experiments(ctx, 1); err != nil || len(list) != 2 || list[0].ID != next.ID {
			t.Fatalf("list: %+v %v", list, err)
		}
		if _, err := db.Read().Experiment(ctx, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("missing: %v", err)
		}
	})
}

// TestAssignArmFirstWriterWins: the arm recorded first stays, whatever a
// later call asks for; a participant's running experiment is their
// campaign's.
func TestAssignArmFirstWriterWins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, p := mustUser(t, db, "alice")
		e := referralhub.Experiment{CampaignID: 1, Name: "x", Status: referralhub.ExperimentRunning, Variants: twoVariants(), Seed: "s", StartedAt: t0}
		if err := db.Write().CreateExperiment(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := db.Read().ArmOf(ctx, e.ID, p.ID); ok || err != nil {
			t.Fatalf("an arm before any: %v %v", ok, err)
		}
		arm, err := db.Write().AssignArm(ctx, referralhub.Assignment{ExperimentID: e.ID, ParticipantID: p.ID, Arm: "B", AssignedAt: t0})
		if err != nil || arm != "B" {
			t.Fatalf("assign: %q %v", arm, err)
		}
		arm, err = db.Write().AssignArm(ctx, referralhub.Assignment{ExperimentID: e.ID, ParticipantID: p.ID, Arm: referralhub.ArmHoldout, AssignedAt: t0})
		if err != nil || arm != "B" {
			t.Fatalf("a second assignment moved them: %q %v", arm, err)
		}
		pe, ok, err := db.Read().RunningExperimentOf(ctx, p.ID)
		if err != nil || !ok || pe.Experiment.ID != e.ID || pe.Arm != "B" || !pe.Joined.Equal(t0) {
			t.Fatalf("running experiment of alice: %+v %v %v", pe, ok, err)
		}
		_, bob := mustUser(t, db, "bob")
		if pe, ok, err := db.Read().RunningExperimentOf(ctx, bob.ID); err != nil || !ok || pe.Arm != "" {
			t.Fatalf("bob, not yet assigned: %+v %v %v", pe, ok, err)
		}
		spring := referralhub.Campaign{Slug: "spring", Name: "Spring"}
		if err := db.Write().CreateCampaign(ctx, &spring); err != nil {
			t.Fatal(err)
		}
		if err := db.Write().EnrolParticipant(ctx, spring.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if pe, ok, err := db.Read().RunningExperimentOf(ctx, bob.ID); err != nil || ok {
			t.Fatalf("bob, in a campaign without an experiment: %+v %v %v", pe, ok, err)
		}
	})
}

// TestExperimentFigures sums what each arm's participants did. Arm A:
// alice (3 clicks; referred f1, who bought, and f2; $5 credit on f1's
// purchase to alice and $2 to f1, a cancelled $9 left out) and bob
// (nothing). Arm B: carol (1 click; referred f3, who did not buy; 300 JPY).
// The holdout: dave (2 clicks).
func TestExperimentFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := map[string]int64{}
		for _, name := range []string{"alice", "bob", "carol", "dave", "f1", "f2", "f3", "outsider"} {
			_, p := mustUser(t, db, name)
			ids[name] = p.ID
		}
		e := referralhub.Experiment{CampaignID: 1, Name: "x", Status: referralhub.ExperimentRunning, Variants: twoVariants(), Seed: "s", StartedAt: t0}
		if err := db.Write().CreateExperiment(ctx, &e); err != nil {
			t.Fatal(err)
		}
		for name, arm := range map[string]string{"alice": "A", "bob": "A", "carol": "B", "dave": referralhub.ArmHoldout} {
			if _, err := db.Write().AssignArm(ctx, referralhub.Assignment{ExperimentID: e.ID, ParticipantID: ids[name], Arm: arm, AssignedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		refs := map[string]int64{}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			for friend, referrer := range map[string]string{"f1": "alice", "f2": "alice", "f3": "carol"} {
				r := referralhub.Referral{ReferrerID: ids[referrer], RefereeID: ids[friend], CreatedAt: t0}
				if err := q.CreateReferral(ctx, &r); err != nil {
					return err
				}
				refs[friend] = r.ID
			}
			buy := referralhub.Event{ParticipantID: ids["f1"], ReferralID: refs["f1"], Name: referralhub.EventPurchase, Key: "o1",
				Amount: 4000, Currency: "usd", CreatedAt: t0}
			if _, err := q.RecordEvent(ctx, &buy); err != nil {
				return err
			}
			for i, r := range []referralhub.Reward{
				{ParticipantID: ids["alice"], Side: referralhub.SideReferrer, RuleID: 1, ReferralID: refs["f1"], Kind: referralhub.KindCredit, Amount: 500, Currency: "usd"},
				{ParticipantID: ids["f1"], Side: referralhub.SideReferee, RuleID: 1, ReferralID: refs["f1"], Kind: referralhub.KindCredit, Amount: 200, Currency: "usd"},
				{ParticipantID: ids["alice"], Side: referralhub.SideReferrer, RuleID: 2, ReferralID: refs["f2"], Kind: referralhub.KindCredit, Amount: 900, Currency: "usd", Status: referralhub.StatusCancelled},
				{ParticipantID: ids["alice"], Side: referralhub.SideReferrer, RuleID: 3, ReferralID: refs["f2"], Kind: referralhub.KindPoints, Amount: 50},
				{ParticipantID: ids["carol"], Side: referralhub.SideReferrer, RuleID: 1, ReferralID: refs["f3"], Kind: referralhub.KindCredit, Amount: 300, Currency: "jpy"},
			} {
				r.Entry, r.Reason, r.CreditedAt = referralhub.EntryReward, "test", t0
				if r.Status == referralhub.StatusCancelled {
					r.Status = referralhub.StatusPending
					r.HoldUntil = t0.Add(time.Hour)
				} else {
					r.Status = referralhub.StatusApproved
					r.ApprovedAt = t0
				}
				if _, err := q.InsertReward(ctx, &r, ""); err != nil {
					return err
				}
				if i == 2 {
					if _, err := q.CancelReward(ctx, r.ID, t0); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var clicks []referralhub.Click
		for name, n := range map[string]int{"alice": 3, "carol": 1, "dave": 2, "outsider": 5} {
			for i := range n {
				clicks = append(clicks, referralhub.Click{ID: fmt.Sprintf("%s-%d", name, i), ParticipantID: ids[name],
					Code: "c" + name, IPHash: "h", CreatedAt: t0})
			}
		}
		mustClicks(t, db, clicks...)
		figs, err := db.Read().ExperimentFigures(ctx, e.ID)
		if err != nil || len(figs) != 3 {
			t.Fatalf("figures: %+v %v", figs, err)
		}
		a, b, h := figs[0], figs[1], figs[2]
		if a.Arm != "A" || a.Participants != 2 || a.Sharers != 1 || a.Clicks != 3 || a.ClicksSq != 9 ||
			a.Signups != 2 || a.SignupsSq != 4 || a.Converted != 1 || a.ConvertedSq != 1 ||
			len(a.Costs) != 1 || a.Costs[0] != (storage.ArmCost{Currency: "usd", Sum: 700, SumSq: 490000, SumXY: 700}) {
			t.Errorf("arm A: %+v", a)
		}
		if b.Arm != "B" || b.Participants != 1 || b.Sharers != 1 || b.Signups != 1 || b.Converted != 0 ||
			len(b.Costs) != 1 || b.Costs[0] != (storage.ArmCost{Currency: "jpy", Sum: 300, SumSq: 90000, SumXY: 0}) {
			t.Errorf("arm B: %+v", b)
		}
		if h.Arm != referralhub.ArmHoldout || h.Participants != 1 || h.Sharers != 1 || h.Clicks != 2 || h.Signups != 0 || len(h.Costs) != 0 {
			t.Errorf("holdout: %+v", h)
		}
	})
}
