package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// experimentsView is a campaign's experiments page: its experiments and
// the form that starts one.
type experimentsView struct {
	Campaign    referralhub.Campaign
	Experiments []referralhub.Experiment
	Form        experimentForm
	Errors      map[string]string
	Variants    []variantRow // the form's variants with their errors, filled by renderExperiments
}

// variantRow is one variant's part of the start form.
type variantRow struct {
	Index                  int
	Key                    string
	Form                   variantForm
	NameError, WeightError string
	RuleErrors             []string // "rule 1: …", in the order of the fields
}

// experimentForm is the start form as typed: rules are JSON, a list of
// rules in the shape the campaign's program stores them.
type experimentForm struct {
	Name     string
	Holdout  string
	Variants [core.MaxVariants]variantForm
}

type variantForm struct {
	Name, Weight, Rules string
}

// handleAdminExperiments lists a campaign's experiments, with the start
// form filled with the campaign's rules for two variants.
func (s *Server) handleAdminExperiments(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	c, prog, err := s.svc.ExperimentCampaign(r.Context(), v.User, r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rules, _ := json.MarshalIndent(prog.Rules, "", "  ")
	form := experimentForm{Holdout: "10"}
	for i := range core.MinVariants {
		form.Variants[i] = variantForm{Weight: "50", Rules: string(rules)}
	}
	s.renderExperiments(w, r, v, http.StatusOK, experimentsView{Campaign: c, Form: form})
}

// handleAdminExperimentStart starts an experiment and shows its page; a
// mistake in the form is shown beside the field.
func (s *Server) handleAdminExperimentStart(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	c, _, err := s.svc.ExperimentCampaign(r.Context(), v.User, r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := readExperimentForm(r)
	draft, fe := form.draft(c.ID)
	if len(fe) == 0 {
		var exp referralhub.Experiment
		if exp, err = s.svc.StartExperiment(r.Context(), v.User, draft); err == nil {
			http.Redirect(w, r, experimentPath(exp.ID), http.StatusSeeOther)
			return
		}
		fe = referralhub.ErrorFields(err)
		if fe == nil && referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		if fe == nil {
			fe = referralhub.FieldErrors{"form": referralhub.ErrorMessage(err)}
		}
	}
	s.renderExperiments(w, r, v, http.StatusUnprocessableEntity, experimentsView{Campaign: c, Form: form, Errors: fe})
}

func (s *Server) renderExperiments(w http.ResponseWriter, r *http.Request, v viewer, status int, view experimentsView) {
	list, err := s.svc.CampaignExperiments(r.Context(), v.User, view.Campaign.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Experiments = list
	view.Variants = variantRows(view.Form, view.Errors)
	s.render(w, r, status, "admin_experiments", pageData{Title: "Experiments: " + view.Campaign.Name, User: &v.User, Data: view})
}

func readExperimentForm(r *http.Request) experimentForm {
	f := experimentForm{Name: strings.TrimSpace(r.PostForm.Get("name")), Holdout: strings.TrimSpace(r.PostForm.Get("holdout_percent"))}
	for i := range f.Variants {
		p := "variant." + strconv.Itoa(i) + "."
		f.Variants[i] = variantForm{Name: strings.TrimSpace(r.PostForm.Get(p + "name")),
			Weight: strings.TrimSpace(r.PostForm.Get(p + "weight")), Rules: r.PostForm.Get(p + "rules")}
	}
	return f
}

// draft reads the form; variants with neither weight nor rules at the
// end are left out, so the form's row N is the draft's variant N. Numbers and JSON that do not parse are field errors.
func (f experimentForm) draft(campaignID int64) (core.ExperimentDraft, referralhub.FieldErrors) {
	fe := referralhub.FieldErrors{}
	d := core.ExperimentDraft{CampaignID: campaignID, Name: f.Name}
	var err error
	if d.HoldoutPercent, err = strconv.Atoi(f.Holdout); err != nil {
		fe.Add("holdout_percent", "Give the holdout as a whole percent, such as 10.")
	}
	blank := false
	for i, vf := range f.Variants {
		p := "variant." + strconv.Itoa(i) + "."
		if vf.Weight == "" && strings.TrimSpace(vf.Rules) == "" {
			blank = true
			continue
		}
		if blank {
			fe.Add(p+"weight", "Fill the variants in order, A first: the one before this is empty.")
		}
		vr := referralhub.Variant{Name: vf.Name}
		if vr.Weight, err = strconv.Atoi(vf.Weight); err != nil {
			fe.Add(p+"weight", "Give a whole number from 1 to 100.")
		}
		if err := json.Unmarshal([]byte(vf.Rules), &vr.Rules); err != nil {
			fe.Add(p+"rules", "The rules are not a JSON list of rules: "+jsonProblem(err))
		}
		d.Variants = append(d.Variants, vr)
	}
	return d, fe
}

// jsonProblem says what is wrong with JSON, without echoing it back.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "a syntax error at character " + strconv.FormatInt(syn.Offset, 10) + "."
	case errors.As(err, &typ):
		return "a value of the wrong type at " + typ.Field + "."
	}
	return "it could not be read."
}

func experimentPath(id int64) string { return "/admin/experiments/" + strconv.FormatInt(id, 10) }

// variantRows pairs each variant of the form with its errors: core names
// them variant.N.name, variant.N.weight, variant.N.rules and
// variant.N.rule.M.FIELD.
func variantRows(f experimentForm, errs map[string]string) []variantRow {
	rows := make([]variantRow, len(f.Variants))
	for i, vf := range f.Variants {
		p := "variant." + strconv.Itoa(i) + "."
		row := variantRow{Index: i, Key: string(rune('A' + i)), Form: vf, NameError: errs[p+"name"], WeightError: errs[p+"weight"]}
		if msg := errs[p+"rules"]; msg != "" {
			row.RuleErrors = append(row.RuleErrors, msg)
		}
		var keys []string
		for k := range errs {
			if strings.HasPrefix(k, p+"rule.") {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			rest := strings.TrimPrefix(k, p+"rule.")
			n, field, _ := strings.Cut(rest, ".")
			m, _ := strconv.Atoi(n)
			row.RuleErrors = append(row.RuleErrors, fmt.Sprintf("Rule %d (%s): %s", m+1, field, errs[k]))
		}
		rows[i] = row
	}
	return rows
}
