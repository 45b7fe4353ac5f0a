package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// campaignsView is /admin/campaigns: every campaign with its figures, and
// the form that makes one.
type campaignsView struct {
	Rows   []core.CampaignRow
	Form   campaignForm
	Notice string
}

// campaignView is one campaign's page: its form, link, enrolment,
// figures and "What would this have cost?".
type campaignView struct {
	Row          core.CampaignRow
	Form         campaignForm
	Participant  string // the enrol form's value, kept when refused
	BacktestDays string
	RulesFrom    string // the backtest's source of rules
	Backtest     *backtestView
	Errors       map[string]string
	Notice       string
}

// campaignForm is the campaign form's values as typed, with its errors.
type campaignForm struct {
	Slug, Name, StartsAt, EndsAt string
	WindowDays, HoldDays         string
	Headline, Description        string
	RulesFrom                    string
	Rules                        string      // the rules as JSON, read when RulesFrom is core.RulesJSON
	Choices                      [][2]string // value, label: where rules may come from
	IsDefault                    bool
	Errors                       map[string]string
	Message                      string
}

// formField is one text field of a form, for the campaign_field template.
type formField struct{ Name, Label, Value, Error, Hint string }

// fieldOf is a formField with its error from errs.
func fieldOf(name, label, value string, errs map[string]string, hint string) formField {
	return formField{Name: name, Label: label, Value: value, Error: errs[name], Hint: hint}
}

// rewardOf is a reward of kind, amount and currency, to describe a sum.
func rewardOf(kind string, amount int64, currency string) referralhub.Reward {
	return referralhub.Reward{Kind: kind, Amount: amount, Currency: currency}
}

// rulesChoices are the sources of a campaign's rules the form offers.
func rulesChoices() [][2]string {
	out := [][2]string{{core.RulesKeep, "Keep its rules"}, {core.RulesJSON, "The rules written below"},
		{core.RulesProgram, "Copy the program's rules"}}
	for _, p := range core.Presets() {
		out = append(out, [2]string{p, "Preset: " + core.PresetName(p)})
	}
	return out
}

// handleAdminCampaigns lists the campaigns.
func (s *Server) handleAdminCampaigns(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	view := campaignsView{Form: campaignForm{WindowDays: "30", HoldDays: "0", RulesFrom: core.RulesProgram}}
	if slug := r.URL.Query().Get("ended"); slug != "" {
		view.Notice = "The campaign " + slug + " has ended: it rewards nothing new."
	}
	s.renderCampaigns(w, r, v, http.StatusOK, view)
}

// handleAdminCampaignCreate makes a campaign from the form.
func (s *Server) handleAdminCampaignCreate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := readCampaignForm(r.PostForm)
	c, err := s.campaignFromForm(r, form, nil)
	if err == nil {
		c, err = s.svc.CreateCampaign(r.Context(), v.User, c)
	}
	if code := referralhub.ErrorCode(err); code == referralhub.EINVALID || code == referralhub.ECONFLICT {
		form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
		s.renderCampaigns(w, r, v, http.StatusUnprocessableEntity, campaignsView{Form: form})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+c.Slug+"?saved=1", http.StatusSeeOther)
}

// handleAdminCampaign shows one campaign.
func (s *Server) handleAdminCampaign(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	c, err := s.svc.Campaign(r.Context(), v.User, r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := campaignView{Form: fillCampaignForm(c), BacktestDays: strconv.Itoa(core.DefaultBacktestDays), RulesFrom: core.RulesKeep}
	switch {
	case r.URL.Query().Get("saved") != "":
		view.Notice = "Saved."
	case r.URL.Query().Get("enrolled") != "":
		view.Notice = "Participant " + r.URL.Query().Get("enrolled") + " is enrolled in this campaign."
	}
	s.renderCampaign(w, r, v, http.StatusOK, view)
}

// handleAdminCampaignSave stores the form over the campaign.
func (s *Server) handleAdminCampaignSave(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	cur, err := s.svc.Campaign(r.Context(), v.User, r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := readCampaignForm(r.PostForm)
	form.IsDefault = cur.IsDefault()
	c, err := s.campaignFromForm(r, form, &cur)
	if err == nil {
		c, err = s.svc.UpdateCampaign(r.Context(), v.User, c)
	}
	if code := referralhub.ErrorCode(err); code == referralhub.EINVALID || code == referralhub.ECONFLICT {
		form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
		s.renderCampaign(w, r, v, http.StatusUnprocessableEntity, campaignView{Form: form,
			BacktestDays: strconv.Itoa(core.DefaultBacktestDays), RulesFrom: core.RulesKeep})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+c.Slug+"?saved=1", http.StatusSeeOther)
}

// handleAdminCampaignEnd ends a campaign now.
func (s *Server) handleAdminCampaignEnd(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	slug := r.PathValue("slug")
	if err := s.svc.EndCampaign(r.Context(), v.User, slug); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns?ended="+url.QueryEscape(slug), http.StatusSeeOther)
}

// handleAdminCampaignEnrol enrols a participant, by id, ext:ID, email or
// username, in the campaign.
func (s *Server) handleAdminCampaignEnrol(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	slug, ref := r.PathValue("slug"), strings.TrimSpace(r.PostForm.Get("participant"))
	id, err := s.svc.EnrolByRef(r.Context(), v.User, slug, ref)
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		c, cerr := s.svc.Campaign(r.Context(), v.User, slug)
		if cerr != nil {
			s.renderError(w, r, cerr)
			return
		}
		s.renderCampaign(w, r, v, http.StatusUnprocessableEntity, campaignView{Form: fillCampaignForm(c), Participant: ref,
			Errors: referralhub.ErrorFields(err), BacktestDays: strconv.Itoa(core.DefaultBacktestDays), RulesFrom: core.RulesKeep})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+slug+"?enrolled="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// handleAdminCampaignBacktest replays the window's events of the
// campaign's referrers under its rules or those the form names, writing
// nothing, and shows the comparison on the campaign's page.
func (s *Server) handleAdminCampaignBacktest(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	slug := r.PathValue("slug")
	daysText, from := strings.TrimSpace(r.PostForm.Get("backtest_days")), r.PostForm.Get("rules_from")
	c, err := s.svc.Campaign(r.Context(), v.User, slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := campaignView{Form: fillCampaignForm(c), BacktestDays: daysText, RulesFrom: from}
	bt, err := s.campaignBacktest(r, slug, daysText, from)
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		view.Errors = referralhub.ErrorFields(err)
		if msg, ok := view.Errors["days"]; ok {
			view.Errors["backtest_days"] = msg
		}
		s.renderCampaign(w, r, v, http.StatusUnprocessableEntity, view)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]int, len(bt.ByRule))
	for i := range rows {
		rows[i] = i
	}
	result := backtestViewOf(bt, rows)
	result.DraftLabel, result.DraftHeading = "these rules", "These rules"
	view.Backtest = &result
	s.renderCampaign(w, r, v, http.StatusOK, view)
}

// campaignBacktest runs the backtest a campaign page's form asks for.
func (s *Server) campaignBacktest(r *http.Request, slug, daysText, from string) (core.Backtest, error) {
	days, err := strconv.Atoi(cmpOr(daysText, strconv.Itoa(core.DefaultBacktestDays)))
	if err != nil {
		msg := fmt.Sprintf("Give a number of days from 1 to %d.", core.MaxBacktestDays)
		return core.Backtest{}, &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: referralhub.FieldErrors{"backtest_days": msg}}
	}
	rules, err := s.svc.CampaignRules(r.Context(), from)
	if err != nil {
		return core.Backtest{}, err
	}
	c, draft, err := s.svc.CampaignDraft(r.Context(), slug, rules)
	if err != nil {
		return core.Backtest{}, err
	}
	return s.svc.RunCampaignBacktest(r.Context(), c, draft, days)
}

// renderCampaigns shows the list with its figures.
func (s *Server) renderCampaigns(w http.ResponseWriter, r *http.Request, v viewer, status int, view campaignsView) {
	rows, err := s.svc.CampaignOverview(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Rows, view.Form = rows, withChoices(view.Form)
	s.render(w, r, status, "admin_campaigns", pageData{Title: "Campaigns", User: &v.User, Data: view})
}

// renderCampaign shows one campaign's page with its current figures.
func (s *Server) renderCampaign(w http.ResponseWriter, r *http.Request, v viewer, status int, view campaignView) {
	rows, err := s.svc.CampaignOverview(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	slug := r.PathValue("slug")
	for _, row := range rows {
		if row.Slug == slug {
			view.Row = row
		}
	}
	view.Form = withChoices(view.Form)
	s.render(w, r, status, "admin_campaign", pageData{Title: "Campaign " + view.Row.Name, User: &v.User, Data: view})
}

// withChoices gives the form its choices of rules.
func withChoices(f campaignForm) campaignForm {
	f.Choices = rulesChoices()
	return f
}

// formRules are the rules the form's source names: those written on the
// form as JSON (a field error when they do not parse), or what
// core.CampaignRules gives for the other sources.
func (s *Server) formRules(r *http.Request, f campaignForm, fe referralhub.FieldErrors) ([]referralhub.Rule, error) {
	if f.RulesFrom != core.RulesJSON {
		return s.svc.CampaignRules(r.Context(), f.RulesFrom)
	}
	rules := []referralhub.Rule{}
	if err := json.Unmarshal([]byte(f.Rules), &rules); err != nil {
		fe.Add("rules", "The rules are not a JSON list of rules: "+jsonProblem(err))
		return nil, nil
	}
	return rules, nil
}

// readCampaignForm reads the posted campaign form.
func readCampaignForm(form url.Values) campaignForm {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	return campaignForm{Slug: get("slug"), Name: get("name"), StartsAt: get("starts_at"), EndsAt: get("ends_at"),
		WindowDays: get("attribution_window"), HoldDays: get("hold"), Headline: get("headline"),
		Description: get("description"), RulesFrom: get("rules_from"), Rules: form.Get("rules")}
}

// fillCampaignForm is the form showing c as it is.
func fillCampaignForm(c referralhub.Campaign) campaignForm {
	f := campaignForm{Slug: c.Slug, Name: c.Name, StartsAt: formDate(c.StartsAt), EndsAt: formDate(c.EndsAt),
		Headline: c.Headline, Description: c.Description, RulesFrom: core.RulesKeep, IsDefault: c.IsDefault()}
	if c.Program != nil {
		f.WindowDays, f.HoldDays = formatDays(c.Program.AttributionWindow), formatDays(c.Program.Hold)
		if rules, err := json.MarshalIndent(c.Program.Rules, "", "  "); err == nil && c.Program.Rules != nil {
			f.Rules = string(rules)
		}
	}
	return f
}

func formDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// campaignFromForm turns the form into a campaign: cur's, changed, or a
// new one when cur is nil.
func (s *Server) campaignFromForm(r *http.Request, f campaignForm, cur *referralhub.Campaign) (referralhub.Campaign, error) {
	fe := referralhub.FieldErrors{}
	c := referralhub.Campaign{Slug: f.Slug, Name: f.Name, Headline: f.Headline, Description: f.Description}
	if cur != nil {
		c.ID = cur.ID
	}
	var ok bool
	if c.StartsAt, ok = core.ParseCampaignDate(f.StartsAt); !ok {
		fe.Add("starts_at", "Give a date such as 2027-03-01, or leave it empty.")
	}
	if c.EndsAt, ok = core.ParseCampaignDate(f.EndsAt); !ok {
		fe.Add("ends_at", "Give a date such as 2027-03-31, or leave it empty.")
	}
	if cur != nil && cur.IsDefault() {
		return c, fe.Err()
	}
	p := referralhub.Program{AttributionWindow: daysField(fe, "attribution_window", f.WindowDays), Hold: daysField(fe, "hold", f.HoldDays)}
	rules, err := s.formRules(r, f, fe)
	if err != nil {
		return c, err
	}
	switch {
	case rules != nil:
		p.Rules = rules
		if cur != nil && cur.Program != nil {
			p.NextRuleID = cur.Program.NextRuleID
		}
	case cur != nil && cur.Program != nil:
		p.Rules, p.NextRuleID = cur.Program.Rules, cur.Program.NextRuleID
	}
	c.Program = &p
	return c, fe.Err()
}
