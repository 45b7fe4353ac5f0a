package core

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// StartExperiment validates d and starts it on its campaign: new
// participants of the campaign are split between its variants from now
// on. Rules without an id get fresh ones, reserved in the campaign's
// program so a later rule never takes them. Audited.
func (s *Service) StartExperiment(ctx context.Context, admin referralhub.User, d ExperimentDraft) (referralhub.Experiment, error) {
	if !admin.IsAdmin {
		return referralhub.Experiment{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can run experiments.")
	}
	if err := ValidateExperiment(d); err != nil {
		return referralhub.Experiment{}, err
	}
	now := s.now()
	exp := referralhub.Experiment{CampaignID: d.CampaignID, Name: d.Name, Status: referralhub.ExperimentRunning,
		HoldoutPercent: d.HoldoutPercent, Seed: rand.Text(), StartedAt: now, CreatedBy: admin.Username}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		c, prog, err := s.campaignProgram(ctx, q, d.CampaignID)
		if err != nil {
			return err
		}
		var next int64
		if exp.Variants, next, err = numberVariants(d.Variants, prog); err != nil {
			return err
		}
		if err := q.CreateExperiment(ctx, &exp); err != nil {
			return err
		}
		if next != prog.NextRuleID {
			prog.NextRuleID = next
			summary := fmt.Sprintf("Rule ids up to %d reserved for experiment #%d.", next-1, exp.ID)
			if err := s.saveCampaignProgram(ctx, q, admin, c, prog, summary); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, admin, "experiment.start", experimentSubject(exp),
			fmt.Sprintf("%q on campaign %s: %s, holdout %d%%", exp.Name, c.Slug, variantSummary(exp.Variants), exp.HoldoutPercent), now)
	})
	if err != nil {
		return referralhub.Experiment{}, err
	}
	s.log.InfoContext(ctx, "experiment started", "admin_id", admin.ID, "experiment_id", exp.ID)
	return exp, nil
}

// StopExperiment stops a running experiment: from now on its campaign's
// rules apply to everyone, the holdout included, and no one new is
// assigned. Assignments are kept for the report. Audited.
func (s *Service) StopExperiment(ctx context.Context, admin referralhub.User, id int64) (referralhub.Experiment, error) {
	if !admin.IsAdmin {
		return referralhub.Experiment{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can run experiments.")
	}
	var exp referralhub.Experiment
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		var err error
		if exp, err = q.Experiment(ctx, id); err != nil {
			return err
		}
		stopped, err := q.StopExperiment(ctx, id, s.now())
		if err != nil {
			return err
		}
		if !stopped {
			return referralhub.Errorf(referralhub.ECONFLICT, "This experiment was already stopped.")
		}
		return s.audit(ctx, q, admin, "experiment.stop", experimentSubject(exp), fmt.Sprintf("%q stopped", exp.Name), s.now())
	})
	if err != nil {
		return exp, err
	}
	return s.db.Read().Experiment(ctx, id)
}

// PromoteVariant makes a variant's rules the campaign's rules, stopping
// the experiment if it still runs. An experiment promotes one variant
// only. Audited, and saved as a new version of the campaign's program.
func (s *Service) PromoteVariant(ctx context.Context, admin referralhub.User, id int64, key string) (referralhub.Experiment, error) {
	if !admin.IsAdmin {
		return referralhub.Experiment{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can run experiments.")
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		exp, err := q.Experiment(ctx, id)
		if err != nil {
			return err
		}
		v, ok := variantOf(exp, key)
		if !ok {
			return referralhub.Errorf(referralhub.EINVALID, "This experiment has no variant %q.", key)
		}
		if _, err := q.StopExperiment(ctx, id, s.now()); err != nil {
			return err
		}
		if promoted, err := q.SetExperimentPromoted(ctx, id, key); err != nil || !promoted {
			return cmpOrErr(err, referralhub.Errorf(referralhub.ECONFLICT, "This experiment already promoted variant %s.", exp.Promoted))
		}
		c, prog, err := s.campaignProgram(ctx, q, exp.CampaignID)
		if err != nil {
			return err
		}
		prog.Rules = v.Rules
		for _, r := range v.Rules {
			prog.NextRuleID = max(prog.NextRuleID, r.ID+1)
		}
		summary := fmt.Sprintf("Promoted variant %s (%s) of experiment #%d.", v.Key, v.Name, exp.ID)
		if err := s.saveCampaignProgram(ctx, q, admin, c, prog, summary); err != nil {
			return err
		}
		return s.audit(ctx, q, admin, "experiment.promote", experimentSubject(exp), summary, s.now())
	})
	if err != nil {
		return referralhub.Experiment{}, err
	}
	return s.db.Read().Experiment(ctx, id)
}

// Experiment returns an experiment for an admin.
func (s *Service) Experiment(ctx context.Context, admin referralhub.User, id int64) (referralhub.Experiment, error) {
	if !admin.IsAdmin {
		return referralhub.Experiment{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see experiments.")
	}
	return s.db.Read().Experiment(ctx, id)
}

// CampaignExperiments lists a campaign's experiments, newest first.
func (s *Service) CampaignExperiments(ctx context.Context, admin referralhub.User, campaignID int64) ([]referralhub.Experiment, error) {
	if !admin.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see experiments.")
	}
	return s.db.Read().Experiments(ctx, campaignID)
}

// ExperimentReport compares an experiment's variants and holdout as of
// now.
func (s *Service) ExperimentReport(ctx context.Context, admin referralhub.User, id int64) (ExperimentReport, error) {
	exp, err := s.Experiment(ctx, admin, id)
	if err != nil {
		return ExperimentReport{}, err
	}
	figs, err := s.db.Read().ExperimentFigures(ctx, id)
	if err != nil {
		return ExperimentReport{}, err
	}
	return buildReport(exp, armsInOrder(exp, figs)), nil
}

func experimentSubject(e referralhub.Experiment) string { return fmt.Sprintf("experiment #%d", e.ID) }

// variantSummary is "A ×50 (3 rules), B ×50 (1 rule)" for the audit log.
func variantSummary(vs []referralhub.Variant) string {
	out := ""
	for i, v := range vs {
		if i > 0 {
			out += ", "
		}
		plural := "s"
		if len(v.Rules) == 1 {
			plural = ""
		}
		out += fmt.Sprintf("%s ×%d (%d rule%s)", v.Key, v.Weight, len(v.Rules), plural)
	}
	return out
}

func variantOf(e referralhub.Experiment, key string) (referralhub.Variant, bool) {
	for _, v := range e.Variants {
		if v.Key == key {
			return v, true
		}
	}
	return referralhub.Variant{}, false
}

// cmpOrErr is err, or fallback when err is nil.
func cmpOrErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// ExperimentCampaign is the campaign with slug and the rules it runs, for
// an admin about to start an experiment on it; ENOTFOUND for none.
func (s *Service) ExperimentCampaign(ctx context.Context, admin referralhub.User, slug string) (referralhub.Campaign, referralhub.Program, error) {
	if !admin.IsAdmin {
		return referralhub.Campaign{}, referralhub.Program{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see experiments.")
	}
	q := s.db.Read()
	c, err := q.CampaignBySlug(ctx, slug)
	if err != nil {
		return c, referralhub.Program{}, err
	}
	_, prog, err := s.campaignProgram(ctx, q, c.ID)
	return c, prog, err
}
