package core

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// programTTL is how long an instance reuses the program it read; another
// instance's change reaches it within this.
const programTTL = 5 * time.Second

// programCache keeps the current program for the paths that read it often
// (the click's cookie lifetime, the rewards page). Readers load a snapshot
// without locking; a stale one is reloaded under mu.
type programCache struct {
	mu   sync.Mutex
	snap atomic.Pointer[programSnapshot]
}

type programSnapshot struct {
	p      referralhub.Program
	loaded time.Time
}

func (snap *programSnapshot) fresh(now time.Time) bool {
	return snap != nil && now.Sub(snap.loaded) < programTTL && !now.Before(snap.loaded)
}

// DefaultRuleID is the id of the default program's one rule (points per
// referred signup): rules are numbered from 1.
const DefaultRuleID = 1

// DefaultProgram is the program of a fresh install: PointsPerReferral
// points to the referrer for each referred signup.
func DefaultProgram(settings Settings) referralhub.Program {
	p := referralhub.Program{Name: "Referral program", AttributionWindow: settings.AttributionWindow, NextRuleID: 1}
	p = withPreset(p, PresetDefault, settings)
	for i := range p.Rules { // ids as SaveProgram would give them: 1, 2, ...
		p.Rules[i].ID = p.NextRuleID
		p.NextRuleID++
	}
	return p
}

// Program returns the current program, at most programTTL old.
func (s *Service) Program(ctx context.Context) (referralhub.Program, error) {
	now := s.now()
	if snap := s.prog.snap.Load(); snap.fresh(now) {
		return snap.p, nil
	}
	s.prog.mu.Lock()
	defer s.prog.mu.Unlock()
	if snap := s.prog.snap.Load(); snap.fresh(now) {
		return snap.p, nil
	}
	p, err := s.loadProgram(ctx, s.db.Read())
	if snap := s.prog.snap.Load(); snap != nil && referralhub.ErrorCode(err) == referralhub.EUNAVAILABLE {
		// The database cannot be reached: serve the program last read (the
		// click path needs its attribution window), asking again after
		// programTTL rather than on every click.
		s.prog.snap.Store(&programSnapshot{p: snap.p, loaded: now})
		return snap.p, nil
	}
	if err != nil {
		return p, err
	}
	s.prog.snap.Store(&programSnapshot{p: p, loaded: now})
	return p, nil
}

// attributionWindow is the current program's window, or the configured one
// when the program cannot be read.
func (s *Service) attributionWindow(ctx context.Context) time.Duration {
	p, err := s.Program(ctx)
	if err != nil || p.AttributionWindow <= 0 {
		return s.settings.AttributionWindow
	}
	return p.AttributionWindow
}

// AttributionWindow is how long a click counts under the current program.
func (s *Service) AttributionWindow(ctx context.Context) time.Duration {
	return s.attributionWindow(ctx)
}

func (s *Service) loadProgram(ctx context.Context, q *storage.Queries) (referralhub.Program, error) {
	v, err := q.CurrentProgram(ctx)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return DefaultProgram(s.settings), nil
	}
	return v.Program, err
}

// ProgramHistory lists the program's saved versions, newest first.
func (s *Service) ProgramHistory(ctx context.Context, viewer referralhub.User, limit int) ([]referralhub.ProgramVersion, error) {
	if !viewer.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see the program.")
	}
	return s.db.Read().ProgramVersions(ctx, limit)
}

// SaveProgram validates p and stores it as the program's newest version,
// recording admin as its author. Rules without an id get fresh ones.
func (s *Service) SaveProgram(ctx context.Context, admin referralhub.User, p referralhub.Program, summary string) (referralhub.Program, error) {
	if !admin.IsAdmin {
		return p, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can change the program.")
	}
	if err := ValidateProgram(p); err != nil {
		return p, err
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		cur, err := s.loadProgram(ctx, q)
		if err != nil {
			return err
		}
		if err := checkRuleIDs(p, cur); err != nil {
			return err
		}
		if p.Fraud == nil { // a form that does not edit them keeps them
			p.Fraud = cur.Fraud
		}
		if p.Invites == nil {
			p.Invites = cur.Invites
		}
		if p.Tiers == nil {
			p.Tiers = cur.Tiers
		}
		if p.Badges == nil {
			p.Badges = cur.Badges
		}
		p.NextRuleID = max(p.NextRuleID, cur.NextRuleID, 1)
		for i := range p.Rules {
			if p.Rules[i].ID == 0 {
				p.Rules[i].ID = p.NextRuleID
				p.NextRuleID++
			}
		}
		id, err := q.SaveProgram(ctx, p, admin.ID, summary, s.now())
		if err != nil {
			return err
		}
		if p.FraudOrDefault().RequireVerifiedEmail != cur.FraudOrDefault().RequireVerifiedEmail {
			if err := s.resettleUnverified(ctx, q, s.now()); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, admin, "program.save", fmt.Sprintf("program version %d", id), summary, s.now())
	})
	if err != nil {
		return p, err
	}
	s.forgetProgram()
	s.log.InfoContext(ctx, "program saved", "admin_id", admin.ID, "summary", summary)
	return p, nil
}

// checkRuleIDs refuses rule ids that the current program does not have, or
// that appear twice: the ledger keys on them, so a stale or tampered form
// must not bring back a deleted rule's id or merge two rules.
func checkRuleIDs(p, cur referralhub.Program) error {
	known := map[int64]bool{}
	for _, r := range cur.Rules {
		known[r.ID] = true
	}
	fe := referralhub.FieldErrors{}
	for i, r := range p.Rules {
		if r.ID == 0 {
			continue
		}
		if !known[r.ID] {
			fe.Add(fmt.Sprintf("rule.%d.trigger", i), "This rule was deleted or changed meanwhile: reload the page.")
		}
		known[r.ID] = false
	}
	return fe.Err()
}

// ApplyPreset replaces the program's rules with a preset's, keeping its
// name, window and settings.
func (s *Service) ApplyPreset(ctx context.Context, admin referralhub.User, preset string) (referralhub.Program, error) {
	if PresetName(preset) == "" {
		return referralhub.Program{}, referralhub.Errorf(referralhub.EINVALID, "Unknown preset.")
	}
	cur, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return cur, err
	}
	return s.SaveProgram(ctx, admin, withPreset(cur, preset, s.settings), "Applied the preset "+PresetName(preset)+".")
}

func (s *Service) forgetProgram() {
	s.prog.snap.Store(nil)
}

// Presets.
const (
	PresetDefault = "default"
	PresetGiveGet = "give-get"
	PresetDropbox = "dropbox"
)

// Presets lists the presets in the order the admin page offers them.
func Presets() []string { return []string{PresetDefault, PresetGiveGet, PresetDropbox} }

// PresetName is a preset's name for people, "" for an unknown preset.
func PresetName(preset string) string {
	switch preset {
	case PresetDefault:
		return "Points per referral"
	case PresetGiveGet:
		return "Give $10, get $10"
	case PresetDropbox:
		return "Dropbox-style"
	}
	return ""
}

// presetRules returns a preset's rules, without ids.
func presetRules(preset string, st Settings) []referralhub.Rule {
	switch preset {
	case PresetDefault:
		return []referralhub.Rule{{Trigger: referralhub.EventSignup, CapPeriod: referralhub.PeriodLife,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: st.PointsPerReferral}}}
	case PresetGiveGet:
		credit := func() *referralhub.RewardSpec {
			return &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 1000, Currency: "usd"}
		}
		return []referralhub.Rule{{Trigger: referralhub.EventPurchase, FirstOnly: true, CapPeriod: referralhub.PeriodLife,
			Referrer: credit(), Referee: credit()}}
	case PresetDropbox:
		// Dropbox gave both sides space for a verified signup, up to 32
		// referrals for the referrer; here it is points. As in BuzzFork's
		// take on it, referrers on the free plan (their own plan, not the
		// friend's) also get trial time for each friend.
		return []referralhub.Rule{{Trigger: referralhub.EventEmailVerified, CapCount: 32, CapPeriod: referralhub.PeriodLife,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 500},
			Referee:  &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 500}},
			{Trigger: referralhub.EventEmailVerified, Segment: referralhub.PlanFree, SegmentOf: referralhub.SegmentBeneficiary,
				CapCount: 32, CapPeriod: referralhub.PeriodLife,
				Referrer: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 7}}}
	}
	return nil
}

// withPreset gives p the preset's rules, without ids: SaveProgram assigns
// fresh ones.
func withPreset(p referralhub.Program, preset string, st Settings) referralhub.Program {
	p.Rules = presetRules(preset, st)
	return p
}
