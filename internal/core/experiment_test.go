package core_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// signupCredit is the rule every experiment test starts the program with:
// a referred signup earns the referrer $5 and the friend $2.
func signupCredit() referralhub.Rule {
	return referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: credit(500), Referee: credit(200)}
}

// startFiveOrTen starts "five or ten" on the default campaign: variant A
// keeps the program's rule 1 ($5 and $2), variant B is a new rule paying
// the referrer $10 and the friend nothing; holdout percent of new
// participants held out.
func (f *fixture) startFiveOrTen(t *testing.T, holdout int) referralhub.Experiment {
	t.Helper()
	prog, err := f.svc.Program(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ten := referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: credit(1000)}
	exp, err := f.svc.StartExperiment(context.Background(), f.admin(t), core.ExperimentDraft{
		CampaignID: referralhub.DefaultCampaignID, Name: "five or ten", HoldoutPercent: holdout,
		Variants: []referralhub.Variant{{Weight: 1, Rules: prog.Rules}, {Name: "Ten", Weight: 1, Rules: []referralhub.Rule{ten}}}})
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

func (f *fixture) arm(t *testing.T, m member) string {
	t.Helper()
	e, err := f.svc.ParticipantExposure(context.Background(), m.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e.Arm
}

// TestExperimentArmsAreStickyAcrossInstancesAndRestarts asks two service
// instances on one database, at once, for the arms of the same new
// participants, then a third started afterwards (a restart): all agree,
// and participants who joined before the experiment are in no arm.
func TestExperimentArmsAreStickyAcrossInstancesAndRestarts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		other := newFixture(t, db) // a second instance: its own caches and clock
		f.setRules(t, 0, signupCredit())
		early := f.join(t, "early", nil)
		f.clock.Advance(time.Second)
		f.startFiveOrTen(t, 20)
		var people []member
		for _, name := range []string{"pat1", "pat2", "pat3", "pat4", "pat5", "pat6", "pat7", "pat8", "pat9", "pat10", "pat11", "pat12"} {
			people = append(people, f.join(t, name, nil))
		}
		arms := make([][2]string, len(people))
		var wg sync.WaitGroup
		for i, m := range people {
			for j, inst := range []*fixture{f, other} {
				wg.Go(func() {
					e, err := inst.svc.ParticipantExposure(context.Background(), m.p.ID)
					if err != nil {
						t.Error(err)
					}
					arms[i][j] = e.Arm
				})
			}
		}
		wg.Wait()
		restarted := newFixture(t, db)
		seen := map[string]bool{}
		for i, m := range people {
			again := restarted.arm(t, m)
			if arms[i][0] == "" || arms[i][0] != arms[i][1] || again != arms[i][0] {
				t.Errorf("%s: instance one %q, instance two %q, after a restart %q", m.user.Username, arms[i][0], arms[i][1], again)
			}
			seen[arms[i][0]] = true
		}
		if len(seen) < 2 {
			t.Errorf("twelve participants all in one arm: %v", seen)
		}
		if arm := f.arm(t, early); arm != "" {
			t.Errorf("a participant from before the experiment is in arm %q", arm)
		}
	})
}

// TestHoldoutIsNeverCredited: under rules that reward both sides of every
// referred signup, a held-out referrer earns nothing and neither does
// their friend; a held-out friend of an exposed referrer earns nothing
// while the referrer earns their variant's reward; variant B's referrers
// earn $10.
func TestHoldoutIsNeverCredited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, signupCredit())
		exp := f.startFiveOrTen(t, 40)
		byArm := map[string]int{}
		for i := range 24 {
			referrer := f.join(t, "referrer"+itoa(int64(i)), nil)
			friend := f.join(t, "friend"+itoa(int64(i)), &referrer)
			rArm, fArm := f.arm(t, referrer), f.arm(t, friend)
			byArm[rArm]++
			want := map[string]int64{"A": 500, "B": 1000, referralhub.ArmHoldout: 0}[rArm]
			if got := balance(f.rewards(t, referrer), referralhub.KindCredit, "usd").Available; got != want {
				t.Errorf("referrer in arm %s earned %d, want %d", rArm, got, want)
			}
			wantFriend := int64(0)
			if rArm == "A" && fArm != referralhub.ArmHoldout {
				wantFriend = 200
			}
			if got := balance(f.rewards(t, friend), referralhub.KindCredit, "usd").Available; got != wantFriend {
				t.Errorf("friend in arm %s of a referrer in arm %s earned %d, want %d", fArm, rArm, got, wantFriend)
			}
		}
		if byArm[referralhub.ArmHoldout] == 0 || byArm["A"]+byArm["B"] == 0 {
			t.Fatalf("arms %v: the test needs referrers held out and exposed", byArm)
		}
		rep, err := f.svc.ExperimentReport(context.Background(), f.admin(t), exp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Exposed+rep.Held != 48 || len(rep.Arms) != 3 || rep.Arms[2].Arm != referralhub.ArmHoldout {
			t.Errorf("report counts %d exposed and %d held in %+v", rep.Exposed, rep.Held, rep.Arms)
		}
		for _, row := range rep.Metrics {
			for _, c := range row.Cells {
				if row.Metric == core.MetricCostPerConv && c.Value.OK {
					t.Errorf("a cost per converted friend with no purchases: %+v", row)
				}
			}
		}
	})
}

// TestStopAndPromoteAreAudited: stopping ends the split (the holdout earns
// under the campaign's rules again, new participants are in no arm);
// promoting B makes its rule the program's; each decision once, each in
// the audit log.
func TestStopAndPromoteAreAudited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0, signupCredit())
		exp := f.startFiveOrTen(t, 50)
		same := []referralhub.Variant{{Weight: 1, Rules: exp.Variants[0].Rules}, {Weight: 1, Rules: exp.Variants[0].Rules}}
		if _, err := f.svc.StartExperiment(ctx, f.admin(t), core.ExperimentDraft{CampaignID: 1, Name: "second",
			Variants: same}); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("a second experiment on the campaign: %v", err)
		}
		if _, err := f.svc.StopExperiment(ctx, referralhub.User{ID: 99}, exp.ID); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a non-admin stopped it: %v", err)
		}
		stopped, err := f.svc.StopExperiment(ctx, f.admin(t), exp.ID)
		if err != nil || stopped.Status != referralhub.ExperimentStopped || stopped.StoppedAt == nil {
			t.Fatalf("stop: %+v %v", stopped, err)
		}
		if _, err := f.svc.StopExperiment(ctx, f.admin(t), exp.ID); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("stopped twice: %v", err)
		}
		late := f.join(t, "late", nil)
		if arm := f.arm(t, late); arm != "" {
			t.Fatalf("assigned %q after the stop", arm)
		}
		if _, err := f.svc.PromoteVariant(ctx, f.admin(t), exp.ID, "E"); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("promoted a variant it does not have: %v", err)
		}
		promoted, err := f.svc.PromoteVariant(ctx, f.admin(t), exp.ID, "B")
		if err != nil || promoted.Promoted != "B" {
			t.Fatalf("promote: %+v %v", promoted, err)
		}
		if _, err := f.svc.PromoteVariant(ctx, f.admin(t), exp.ID, "A"); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("promoted twice: %v", err)
		}
		prog, err := f.svc.Program(ctx)
		if err != nil || len(prog.Rules) != 1 || prog.Rules[0].ID != exp.Variants[1].Rules[0].ID || prog.Rules[0].Referrer.Amount != 1000 {
			t.Fatalf("program after the promotion: %+v %v", prog.Rules, err)
		}
		f.join(t, "friend", &late)
		if got := balance(f.rewards(t, late), referralhub.KindCredit, "usd").Available; got != 1000 {
			t.Errorf("after the promotion a referrer earned %d, want B's 1000", got)
		}
		log, err := f.svc.AuditLog(ctx, f.admin(t), "experiment.", 1)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action+" "+e.Subject)
		}
		want := "experiment.promote experiment #1|experiment.stop experiment #1|experiment.start experiment #1"
		if strings.Join(actions, "|") != strings.ReplaceAll(want, "#1", "#"+itoa(exp.ID)) {
			t.Errorf("audit log %q", actions)
		}
	})
}

// TestStartExperimentChecksItsDraft: field errors name the field, rule ids
// must be the campaign's, and new rules get ids no later rule will reuse.
func TestStartExperimentChecksItsDraft(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0, signupCredit())
		one := []referralhub.Rule{signupCredit()}
		bad := core.ExperimentDraft{CampaignID: 1, Name: "", HoldoutPercent: 60,
			Variants: []referralhub.Variant{{Weight: 0, Rules: one}}}
		fields := referralhub.ErrorFields(func() error { _, err := f.svc.StartExperiment(ctx, f.admin(t), bad); return err }())
		for _, name := range []string{"name", "holdout_percent", "variants", "variant.0.weight"} {
			if fields[name] == "" {
				t.Errorf("no error for %s: %v", name, fields)
			}
		}
		stale := referralhub.Rule{ID: 77, Trigger: referralhub.EventSignup, Referrer: credit(1)}
		_, err := f.svc.StartExperiment(ctx, f.admin(t), core.ExperimentDraft{CampaignID: 1, Name: "x",
			Variants: []referralhub.Variant{{Weight: 1, Rules: one}, {Weight: 1, Rules: []referralhub.Rule{stale}}}})
		if referralhub.ErrorFields(err)["variant.1.rule.0.id"] == "" {
			t.Fatalf("an unknown rule id: %v", err)
		}
		if _, err := f.svc.StartExperiment(ctx, f.admin(t), core.ExperimentDraft{CampaignID: 42, Name: "x",
			Variants: []referralhub.Variant{{Weight: 1}, {Weight: 1}}}); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("an unknown campaign: %v", err)
		}
		exp, err := f.svc.StartExperiment(ctx, f.admin(t), core.ExperimentDraft{CampaignID: 1, Name: "x",
			Variants: []referralhub.Variant{{Weight: 1, Rules: one}, {Weight: 3, Rules: one}}})
		if err != nil {
			t.Fatal(err)
		}
		a, b := exp.Variants[0].Rules[0].ID, exp.Variants[1].Rules[0].ID
		prog, _ := f.svc.Program(ctx)
		if a == b || prog.NextRuleID <= max(a, b) || exp.Variants[0].Key != "A" || exp.Variants[1].Name != "Variant B" {
			t.Fatalf("variants %+v, program's next rule id %d", exp.Variants, prog.NextRuleID)
		}
	})
}

// TestPromoteOnAnotherCampaign: an experiment on a campaign other than the
// default one reserves its new rule ids in, and promotes into, that
// campaign's stored program; the default program is untouched, and the
// default campaign's participants are in no arm.
func TestPromoteOnAnotherCampaign(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.setRules(t, 0, signupCredit())
		before, _ := f.svc.Program(ctx)
		prog := before
		prog.Rules[0].ID, prog.NextRuleID = 1, 2
		spring := referralhub.Campaign{Slug: "spring", Name: "Spring", Program: &prog}
		if err := db.Write().CreateCampaign(ctx, &spring); err != nil {
			t.Fatal(err)
		}
		ten := referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: credit(1000)}
		exp, err := f.svc.StartExperiment(ctx, f.admin(t), core.ExperimentDraft{CampaignID: spring.ID, Name: "spring test",
			Variants: []referralhub.Variant{{Weight: 1, Rules: prog.Rules}, {Weight: 1, Rules: []referralhub.Rule{ten}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Read().CampaignByID(ctx, spring.ID); got.Program.NextRuleID != 3 || exp.Variants[1].Rules[0].ID != 2 {
			t.Fatalf("next rule id %d, new rule id %d", got.Program.NextRuleID, exp.Variants[1].Rules[0].ID)
		}
		f.clock.Advance(time.Second)
		outsider := f.join(t, "outsider", nil)
		if arm := f.arm(t, outsider); arm != "" {
			t.Fatalf("a default-campaign participant is in arm %q", arm)
		}
		if _, err := f.svc.PromoteVariant(ctx, f.admin(t), exp.ID, "B"); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Read().CampaignByID(ctx, spring.ID)
		if len(got.Program.Rules) != 1 || got.Program.Rules[0].ID != 2 || got.Program.Rules[0].Referrer.Amount != 1000 {
			t.Fatalf("spring's rules after the promotion: %+v", got.Program.Rules)
		}
		if after, _ := f.svc.Program(ctx); len(after.Rules) != 1 || after.Rules[0].Referrer.Amount != 500 {
			t.Fatalf("the default program changed: %+v", after.Rules)
		}
	})
}
