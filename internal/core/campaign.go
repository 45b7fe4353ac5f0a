package core

import (
	"context"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// campaignRuleBlock is referralhub.CampaignRuleBlock.
const campaignRuleBlock = referralhub.CampaignRuleBlock

// Campaigns lists every campaign, the default one first. Only admins may.
func (s *Service) Campaigns(ctx context.Context, viewer referralhub.User) ([]referralhub.Campaign, error) {
	if !viewer.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see campaigns.")
	}
	return s.db.Read().ListCampaigns(ctx)
}

// Campaign returns the campaign with slug, its program filled in (the
// program's own for the default campaign). Only admins may.
func (s *Service) Campaign(ctx context.Context, viewer referralhub.User, slug string) (referralhub.Campaign, error) {
	if !viewer.IsAdmin {
		return referralhub.Campaign{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see campaigns.")
	}
	return s.campaignBySlug(ctx, s.db.Read(), slug)
}

// PublicCampaign returns a campaign by slug for its signup link, and
// whether it runs now; ENOTFOUND for an unknown one.
func (s *Service) PublicCampaign(ctx context.Context, slug string) (referralhub.Campaign, bool, error) {
	if !validCampaignSlug(slug) {
		return referralhub.Campaign{}, false, referralhub.Errorf(referralhub.ENOTFOUND, "No such campaign.")
	}
	c, err := s.db.Read().CampaignBySlug(ctx, slug)
	return c, err == nil && c.RunsAt(s.now()), err
}

// campaignBySlug reads a campaign and fills in the default campaign's
// program. A malformed slug is ENOTFOUND, as an unknown one.
func (s *Service) campaignBySlug(ctx context.Context, q *storage.Queries, slug string) (referralhub.Campaign, error) {
	if !validCampaignSlug(slug) {
		return referralhub.Campaign{}, referralhub.Errorf(referralhub.ENOTFOUND, "No such campaign.")
	}
	c, err := q.CampaignBySlug(ctx, slug)
	if err != nil {
		return c, err
	}
	return s.withProgram(ctx, q, c)
}

// withProgram fills in the default campaign's program from the program's
// own versions.
func (s *Service) withProgram(ctx context.Context, q *storage.Queries, c referralhub.Campaign) (referralhub.Campaign, error) {
	if c.Program != nil {
		return c, nil
	}
	p, err := s.loadProgram(ctx, q)
	c.Program = &p
	return c, err
}

// CreateCampaign validates c and stores it as a new campaign with its own
// rules, numbered in the campaign's block of rule ids. The change is
// audited.
func (s *Service) CreateCampaign(ctx context.Context, admin referralhub.User, c referralhub.Campaign) (referralhub.Campaign, error) {
	if !admin.IsAdmin {
		return c, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can change campaigns.")
	}
	c.ID, c.Status = 0, referralhub.CampaignActive
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		base, err := s.loadProgram(ctx, q)
		if err != nil {
			return err
		}
		if c.Program == nil {
			c.Program = &referralhub.Program{AttributionWindow: base.AttributionWindow, Hold: base.Hold, Rules: base.Rules}
		}
		if err := validateCampaign(c, base); err != nil {
			return err
		}
		if err := q.CreateCampaign(ctx, &c); err != nil {
			return err
		}
		c.Program = numberCampaignRules(c.ID, *c.Program, true)
		if err := q.UpdateCampaign(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, q, admin, "campaign.create", campaignSubject(c), c.Name, s.now())
	})
	return c, err
}

// UpdateCampaign stores an admin's changes to a campaign (its name, slug,
// dates, texts and, but for the default campaign, whose rules are the
// program's, its rules and settings). Rules without an id get fresh ones;
// a rule id the campaign does not have is refused. The change is audited.
func (s *Service) UpdateCampaign(ctx context.Context, admin referralhub.User, c referralhub.Campaign) (referralhub.Campaign, error) {
	if !admin.IsAdmin {
		return c, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can change campaigns.")
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		cur, err := q.CampaignByID(ctx, c.ID)
		if err != nil {
			return err
		}
		c.Status = cur.Status
		if err := s.checkCampaignChange(ctx, q, cur, &c); err != nil {
			return err
		}
		if err := q.UpdateCampaign(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, q, admin, "campaign.update", campaignSubject(c), c.Name, s.now())
	})
	return c, err
}

// checkCampaignChange validates c as the new state of cur and numbers its
// new rules.
func (s *Service) checkCampaignChange(ctx context.Context, q *storage.Queries, cur referralhub.Campaign, c *referralhub.Campaign) error {
	if cur.IsDefault() {
		if c.Slug != cur.Slug || !c.StartsAt.IsZero() || !c.EndsAt.IsZero() {
			return referralhub.Errorf(referralhub.EINVALID, "The default campaign keeps its slug and has no dates.")
		}
		c.Program = nil // its rules are edited on the program page
		return validateCampaignFields(*c)
	}
	base, err := s.loadProgram(ctx, q)
	if err != nil {
		return err
	}
	if c.Program == nil {
		c.Program = cur.Program
	}
	if err := validateCampaign(*c, base); err != nil {
		return err
	}
	if cur.Program != nil {
		if err := checkRuleIDs(*c.Program, *cur.Program); err != nil {
			return err
		}
		c.Program.NextRuleID = max(c.Program.NextRuleID, cur.Program.NextRuleID)
	}
	c.Program = numberCampaignRules(c.ID, *c.Program, false)
	return nil
}

// EndCampaign ends a campaign now: it rewards nothing new from then on.
// The default campaign cannot end. The change is audited.
func (s *Service) EndCampaign(ctx context.Context, admin referralhub.User, slug string) error {
	if !admin.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can change campaigns.")
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		c, err := s.campaignBySlug(ctx, q, slug)
		if err != nil {
			return err
		}
		if c.IsDefault() {
			return referralhub.Errorf(referralhub.EINVALID, "The default campaign cannot end: it is where everyone else belongs.")
		}
		if c.Status == referralhub.CampaignEnded {
			return nil
		}
		now := s.now()
		c.Status = referralhub.CampaignEnded
		if c.EndsAt.IsZero() || c.EndsAt.After(now) {
			c.EndsAt = now
		}
		if err := q.UpdateCampaign(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, q, admin, "campaign.end", campaignSubject(c), c.Name, now)
	})
}

// EnrolInCampaign moves a participant into the campaign slug, as an admin
// asks on the campaign's page. The change is audited.
func (s *Service) EnrolInCampaign(ctx context.Context, admin referralhub.User, slug string, participantID int64) error {
	if !admin.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can enrol participants.")
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		c, err := s.enrol(ctx, q, slug, participantID)
		if err != nil {
			return err
		}
		return s.audit(ctx, q, admin, "campaign.enrol", campaignSubject(c),
			"participant "+strconv.FormatInt(participantID, 10), s.now())
	})
}

// enrol moves participantID into the campaign slug inside q's transaction.
func (s *Service) enrol(ctx context.Context, q *storage.Queries, slug string, participantID int64) (referralhub.Campaign, error) {
	c, err := q.CampaignBySlug(ctx, slug)
	if err != nil || !validCampaignSlug(slug) {
		return c, &referralhub.Error{Code: referralhub.EINVALID, Message: "Unknown campaign.",
			Fields: referralhub.FieldErrors{"campaign": "Give the slug of an existing campaign."}}
	}
	return c, q.EnrolParticipant(ctx, c.ID, participantID)
}

// campaignSubject names a campaign in the audit log.
func campaignSubject(c referralhub.Campaign) string {
	return "campaign " + c.Slug
}

// numberCampaignRules gives the rules without an id fresh ids in campaign
// id's block; fresh says the program came from elsewhere (a new campaign
// copying the program's rules), so every rule is renumbered.
func numberCampaignRules(id int64, p referralhub.Program, fresh bool) *referralhub.Program {
	p.Rules = append([]referralhub.Rule(nil), p.Rules...)
	if fresh || p.NextRuleID <= id*campaignRuleBlock {
		p.NextRuleID = id*campaignRuleBlock + 1
	}
	for i := range p.Rules {
		if fresh || p.Rules[i].ID == 0 {
			p.Rules[i].ID = p.NextRuleID
			p.NextRuleID++
		}
	}
	return &p
}

// rewardProgram is the program the rules of a referral's event run under:
// the one of the referrer's campaign, with no rules when that campaign is
// not running at now, so it rewards nothing new. Settings that are the
// program's alone (fraud, tiers, badges, redemption) stay the program's.
func (s *Service) rewardProgram(ctx context.Context, q *storage.Queries, parties storage.ReferralParties, now time.Time) (referralhub.Program, error) {
	base, err := s.loadProgram(ctx, q)
	if err != nil || parties.ReferrerCampaignID == 0 || parties.ReferrerCampaignID == referralhub.DefaultCampaignID {
		return base, err
	}
	c, err := q.CampaignByID(ctx, parties.ReferrerCampaignID)
	if err != nil {
		return base, err
	}
	return campaignProgram(base, c, now), nil
}

// campaignProgram is base under campaign c's rules and settings, with no
// rules when c is not running at now.
func campaignProgram(base referralhub.Program, c referralhub.Campaign, now time.Time) referralhub.Program {
	if c.Program != nil {
		base.AttributionWindow, base.Hold = c.Program.AttributionWindow, c.Program.Hold
		base.Rules, base.NextRuleID = c.Program.Rules, c.Program.NextRuleID
	}
	if !c.RunsAt(now) {
		base.Rules = nil
	}
	return base
}

// joinReferrerCampaign enrols a new participant in their referrer's
// campaign, when it is not the default one. It reports false, enrolling
// nobody, when the click is older than that campaign's own attribution
// window: the participant then joins as an organic signup.
func (s *Service) joinReferrerCampaign(ctx context.Context, q *storage.Queries, participantID, referrerID int64,
	click Attribution, now time.Time) (bool, error) {
	id, err := q.ParticipantCampaignID(ctx, referrerID)
	if err != nil || id == referralhub.DefaultCampaignID {
		return err == nil, err
	}
	c, err := q.CampaignByID(ctx, id)
	if err != nil {
		return false, err
	}
	if c.Program != nil && !click.At.IsZero() && now.Sub(click.At) > c.Program.AttributionWindow {
		return false, nil
	}
	return true, q.EnrolParticipant(ctx, id, participantID)
}

// enrolAsAsked enrols participantID in the campaign slug names, when the
// API or the import named one. Call it inside InTx.
func (s *Service) enrolAsAsked(ctx context.Context, q *storage.Queries, participantID int64, slug *string) error {
	if slug == nil {
		return nil
	}
	_, err := s.enrol(ctx, q, *slug, participantID)
	return err
}

// participantCampaignSlug is the slug of the campaign participantID is
// enrolled in.
func participantCampaignSlug(ctx context.Context, q *storage.Queries, participantID int64) (string, error) {
	id, err := q.ParticipantCampaignID(ctx, participantID)
	if err != nil || id == referralhub.DefaultCampaignID {
		return referralhub.DefaultCampaignSlug, err
	}
	c, err := q.CampaignByID(ctx, id)
	return c.Slug, err
}

// campaignIDs maps every campaign's slug to its id.
func campaignIDs(ctx context.Context, q *storage.Queries) (map[string]int64, error) {
	all, err := q.ListCampaigns(ctx)
	out := make(map[string]int64, len(all))
	for _, c := range all {
		out[c.Slug] = c.ID
	}
	return out, err
}

// enrolThroughLink enrols a new participant who signed up through the
// link of the campaign slug ("" for none), unless a referrer brought them
// (they joined the referrer's campaign) or the campaign is unknown or not
// running: they stay in the default campaign then.
func (s *Service) enrolThroughLink(ctx context.Context, q *storage.Queries, participantID, referrerID int64, slug string) error {
	if slug == "" || referrerID != 0 || !validCampaignSlug(slug) {
		return nil
	}
	c, err := q.CampaignBySlug(ctx, slug)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND || err == nil && !c.RunsAt(s.now()) {
		return nil
	}
	if err != nil {
		return err
	}
	return q.EnrolParticipant(ctx, c.ID, participantID)
}

// CampaignRow is a campaign with its figures and its signup link, as
// /admin/campaigns lists it.
type CampaignRow struct {
	referralhub.Campaign
	Figures referralhub.CampaignFigures
	Link    string
	Running bool
}

// CampaignOverview lists every campaign with its figures. Only admins may.
func (s *Service) CampaignOverview(ctx context.Context, viewer referralhub.User) ([]CampaignRow, error) {
	all, err := s.Campaigns(ctx, viewer)
	if err != nil {
		return nil, err
	}
	figs, err := s.db.Replica(ctx).CampaignFigures(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]CampaignRow, len(all))
	for i, c := range all {
		out[i] = CampaignRow{Campaign: c, Link: s.CampaignLink(c.Slug), Running: c.RunsAt(now),
			Figures: referralhub.CampaignFigures{CampaignID: c.ID}}
		if f := figs[c.ID]; f != nil {
			out[i].Figures = *f
		}
	}
	return out, nil
}

// CampaignLink is a campaign's own signup link.
func (s *Service) CampaignLink(slug string) string { return s.baseURL + "/c/" + slug }

// Sources of a campaign's rules on the admin's form.
const (
	RulesKeep    = "keep"    // the campaign's own, as they are
	RulesProgram = "program" // a copy of the program's current rules
	RulesJSON    = "json"    // the rules written out on the form, as JSON (the shape the program exports)
)

// CampaignRules returns the rules a campaign form's source names: a copy
// of the program's (RulesProgram) or a preset's, without ids; nil for
// RulesKeep. An unknown source is EINVALID.
func (s *Service) CampaignRules(ctx context.Context, source string) ([]referralhub.Rule, error) {
	switch {
	case source == RulesKeep || source == "":
		return nil, nil
	case source == RulesProgram:
		p, err := s.loadProgram(ctx, s.db.Read())
		rules := append([]referralhub.Rule(nil), p.Rules...)
		for i := range rules {
			rules[i].ID = 0
		}
		return rules, err
	case PresetName(source) != "":
		return presetRules(source, s.settings), nil
	}
	return nil, &referralhub.Error{Code: referralhub.EINVALID, Message: "Unknown source of rules.",
		Fields: referralhub.FieldErrors{"rules_from": "Choose where the rules come from."}}
}

// EnrolByRef moves the participant ref names (an id, ext:ID, or a user's
// email or username) into the campaign slug, as an admin asks on the
// campaign's page. The change is audited.
func (s *Service) EnrolByRef(ctx context.Context, admin referralhub.User, slug, ref string) (int64, error) {
	if !admin.IsAdmin {
		return 0, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can enrol participants.")
	}
	id, err := s.participantID(ctx, s.db.Read(), ref)
	if err != nil {
		id, err = s.ParticipantByLogin(ctx, ref)
	}
	if err != nil {
		return 0, &referralhub.Error{Code: referralhub.EINVALID, Message: "No participant has that id, external id or login.",
			Fields: referralhub.FieldErrors{"participant": "Give a participant id, ext:ID, or a user's email or username."}}
	}
	return id, s.EnrolInCampaign(ctx, admin, slug, id)
}
